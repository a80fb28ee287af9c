// SPDX-License-Identifier: MIT
/*
 * AF_PACKET backend: `ip link add eth0 type afpacket dev VETH` binds a
 * netsieve interface to an existing kernel interface. The socket is bound
 * to that interface only, promiscuous, ignores frames the host itself sends
 * (PACKET_IGNORE_OUTGOING, and the packet type as a second check), and
 * takes the interface's MAC and MTU. Receive is burst-wise with recvmmsg()
 * straight into pool packets; transmit is one send per frame.
 *
 * Offloads: frames a local TCP stack sends over a veth left with its
 * default offloads carry a partial checksum (CHECKSUM_PARTIAL) and, with
 * GSO, may be super-frames of up to 64 KiB. With PACKET_VNET_HDR the
 * kernel says so in a virtio_net_hdr in front of each frame (src/io/
 * vnet.c). Each receive slot is a pool packet followed by a large buffer
 * for the rest of the frame: a frame that does not fit the small packet
 * moves to the large one (one copy of its first PKT_MAX_FRAME bytes);
 * the others leave the large buffer unused. Super-frames keep their GSO
 * metadata; on transmit, a super-frame goes out whole with its
 * virtio_net_hdr (the kernel takes GSO from a packet socket), so the
 * device says gso_ok.
 *
 * One netsieve per kernel interface: open first claims the interface's
 * ifindex (io_ifbind_take()); a second daemon is refused.
 *
 * Workers: with N workers the interface gets N sockets in one
 * PACKET_FANOUT group (hash mode: the kernel spreads flows by their hash,
 * so every packet of a flow, and every fragment of a datagram, lands on
 * the same worker); socket q is read by worker q only. Any worker may
 * transmit (on socket 0).
 *
 * open/close: control path. rx_burst: worker q. tx: any worker.
 */
#include "io/io.h"

#include "io/vnet.h"
#include "pkt/pkt.h"
#include "core/netdev.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define AFP_BURST_MAX 64
#define AFP_RCVBUF (4 << 20)
#define AFP_SNDBUF (4 << 20)

#define AFP_MAX_QUEUES 8

struct afp {
	int fd;                 /* queue 0; also the one we transmit on */
	int qfd[AFP_MAX_QUEUES]; /* receive queue q (qfd[0] == fd) */
	int nq;
	int bind_fd;            /* io_ifbind_take(): ours alone */
	int ifindex;
	bool vnet;              /* frames carry a struct virtio_net_hdr */
	char ifname[IFNAMSIZ];
};

/* "dev veth0" or "veth0" -> "veth0". Returns 0 or -EINVAL. */
static int parse_arg(const char *arg, char *name)
{
	size_t n;

	if (!arg)
		return -EINVAL;
	while (*arg == ' ' || *arg == '\t')
		arg++;
	if (!strncmp(arg, "dev ", 4))
		arg += 4;
	while (*arg == ' ' || *arg == '\t')
		arg++;
	n = strcspn(arg, " \t");
	if (n == 0 || n >= IFNAMSIZ || arg[n + strspn(arg + n, " \t")])
		return -EINVAL;
	memcpy(name, arg, n);
	name[n] = '\0';
	return 0;
}

static int if_ioctl(int fd, unsigned long req, struct ifreq *ifr)
{
	return ioctl(fd, req, ifr) < 0 ? -errno : 0;
}

/*
 * Copy the kernel interface's MAC and MTU into dev and bring the kernel
 * interface up (it is ours: nothing else should use it).
 */
static int take_link(struct afp *afp, struct netdev *dev)
{
	struct ifreq ifr;
	int err;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, afp->ifname, sizeof(ifr.ifr_name));
	err = if_ioctl(afp->fd, SIOCGIFHWADDR, &ifr);
	if (err)
		return err;
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -EPROTONOSUPPORT;
	memcpy(dev->mac, ifr.ifr_hwaddr.sa_data, 6);

	err = if_ioctl(afp->fd, SIOCGIFMTU, &ifr);
	if (err)
		return err;
	/*
	 * A packet buffer holds PKT_MAX_FRAME bytes: a larger (jumbo) MTU
	 * is clipped, and larger frames are counted as rx_dropped.
	 */
	if (ifr.ifr_mtu > 0)
		dev->mtu = (uint32_t)ifr.ifr_mtu;
	if (dev->mtu > PKT_MAX_FRAME - ETH_HLEN)
		dev->mtu = PKT_MAX_FRAME - ETH_HLEN;

	err = if_ioctl(afp->fd, SIOCGIFFLAGS, &ifr);
	if (err)
		return err;
	if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		err = if_ioctl(afp->fd, SIOCSIFFLAGS, &ifr);
		if (err)
			return err;
	}
	return 0;
}

/*
 * One socket bound to the interface, with the options every queue needs.
 * Fills *fdp. Returns 0 or a negative errno.
 */
static int afp_socket(struct afp *afp, int *fdp)
{
	struct sockaddr_ll sll;
	int one = 1, rcvbuf = AFP_RCVBUF, sndbuf = AFP_SNDBUF, vnet, fd, err;

	/* Protocol 0: receive nothing until bound to the one interface. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	vnet = !setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one,
			   sizeof(one));
	if (afp->nq == 0)
		afp->vnet = vnet;
	else if (vnet != afp->vnet) {
		err = -EPROTO;
		goto err_close_fd;
	}
	/* Older kernels lack it: rx_burst also filters PACKET_OUTGOING. */
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
			 sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				 sizeof(rcvbuf));
	/* Room for a few 64 KiB super-frames in flight. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
		       sizeof(sndbuf)))
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
				 sizeof(sndbuf));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = afp->ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		err = -errno;
		goto err_close_fd;
	}
	*fdp = fd;
	return 0;

err_close_fd:
	close(fd);
	return err;
}

/*
 * Put every queue's socket in one fanout group, hash mode. The kernel
 * picks a group id no other socket of this namespace uses (UNIQUEID) for
 * the first; the others join it.
 */
static int afp_fanout(struct afp *afp)
{
	socklen_t len;
	int arg, q;

	arg = PACKET_FANOUT_HASH | (PACKET_FANOUT_FLAG_UNIQUEID << 16);
	if (setsockopt(afp->qfd[0], SOL_PACKET, PACKET_FANOUT, &arg,
		       sizeof(arg)))
		return -errno;
	len = sizeof(arg);
	if (getsockopt(afp->qfd[0], SOL_PACKET, PACKET_FANOUT, &arg, &len))
		return -errno;
	arg = (arg & 0xffff) | (PACKET_FANOUT_HASH << 16);
	for (q = 1; q < afp->nq; q++)
		if (setsockopt(afp->qfd[q], SOL_PACKET, PACKET_FANOUT, &arg,
			       sizeof(arg)))
			return -errno;
	return 0;
}

static void afp_close_queues(struct afp *afp)
{
	int q;

	for (q = 0; q < afp->nq; q++)
		close(afp->qfd[q]);
	afp->nq = 0;
}

static int afp_open(struct netdev *dev, const char *arg, int nqueues)
{
	struct packet_mreq mr;
	struct ifreq ifr;
	struct afp *afp;
	int err, q, fd;

	if (nqueues < 1)
		nqueues = 1;
	if (nqueues > AFP_MAX_QUEUES)
		return -EINVAL;
	afp = calloc(1, sizeof(*afp));
	if (!afp)
		return -ENOMEM;
	err = parse_arg(arg, afp->ifname);
	if (err)
		goto err_free_afp;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		goto err_free_afp;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, afp->ifname, sizeof(ifr.ifr_name));
	err = if_ioctl(fd, SIOCGIFINDEX, &ifr);
	close(fd);
	if (err)
		goto err_free_afp;
	afp->ifindex = ifr.ifr_ifindex;
	/* Before touching the link: another netsieve may own it. */
	afp->bind_fd = io_ifbind_take(afp->ifindex);
	if (afp->bind_fd < 0) {
		err = afp->bind_fd;
		goto err_free_afp;
	}
	for (q = 0; q < nqueues; q++) {
		err = afp_socket(afp, &afp->qfd[q]);
		if (err)
			goto err_close_queues;
		afp->nq++;
	}
	afp->fd = afp->qfd[0];
	if (nqueues > 1) {
		err = afp_fanout(afp);
		if (err)
			goto err_close_queues;
	}
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = afp->ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(afp->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		       sizeof(mr))) {
		err = -errno;
		goto err_close_queues;
	}
	err = take_link(afp, dev);
	if (err)
		goto err_close_queues;
	dev->promisc = true;
	dev->gso_ok = afp->vnet;
	dev->io_priv = afp;
	return 0;

err_close_queues:
	afp_close_queues(afp);
	io_ifbind_release(afp->bind_fd);
err_free_afp:
	free(afp);
	return err;
}

static void afp_close(struct netdev *dev)
{
	struct afp *afp = dev->io_priv;

	if (!afp)
		return;
	afp_close_queues(afp);  /* also leaves promiscuous mode */
	io_ifbind_release(afp->bind_fd);
	free(afp);
	dev->io_priv = NULL;
}

static int afp_fd(const struct netdev *dev, int q)
{
	const struct afp *afp = dev->io_priv;

	return afp && q >= 0 && q < afp->nq ? afp->qfd[q] : -1;
}

/*
 * Where a received frame ended up: in the small packet, or (longer than
 * PKT_MAX_FRAME) in the large one whose tail it filled, after copying its
 * head there. Returns the packet that holds the frame, the other one
 * freed or left for the caller; NULL when the frame was truncated.
 */
static struct pkt *afp_settle(struct pkt *small, struct pkt **big,
			      uint32_t len)
{
	struct pkt *pkt;

	if (len <= PKT_MAX_FRAME)
		return small;
	if (!*big)
		return NULL;
	pkt = *big;
	*big = NULL;
	memcpy(pkt->data, small->data, PKT_MAX_FRAME);
	pkt_free(small);
	return pkt;
}

static int afp_rx_burst(struct netdev *dev, int q, struct pkt_pool *pool,
			struct pkt **pkts, int n)
{
	struct afp *afp = dev->io_priv;
	struct mmsghdr msgs[AFP_BURST_MAX];
	struct iovec iov[AFP_BURST_MAX][3];
	struct virtio_net_hdr vh[AFP_BURST_MAX];
	struct sockaddr_ll sll[AFP_BURST_MAX];
	struct pkt *bufs[AFP_BURST_MAX], *bigs[AFP_BURST_MAX];
	int m, r, i, got = 0;

	if (n > AFP_BURST_MAX)
		n = AFP_BURST_MAX;
	for (m = 0; m < n; m++) {
		bufs[m] = pkt_alloc(pool);
		if (!bufs[m])
			break;
		/* Only vnet frames can be super-frames; none left is fine. */
		bigs[m] = afp->vnet && pkt_pool_has_big(pool) ?
			  pkt_alloc_big(pool) : NULL;
		iov[m][0].iov_base = &vh[m];
		iov[m][0].iov_len = sizeof(vh[m]);
		iov[m][1].iov_base = bufs[m]->data;
		iov[m][1].iov_len = PKT_MAX_FRAME;
		if (bigs[m]) {
			iov[m][2].iov_base = bigs[m]->data + PKT_MAX_FRAME;
			iov[m][2].iov_len = PKT_BIG_MAX_FRAME - PKT_MAX_FRAME;
		}
		memset(&msgs[m], 0, sizeof(msgs[m]));
		msgs[m].msg_hdr.msg_name = &sll[m];
		msgs[m].msg_hdr.msg_namelen = sizeof(sll[m]);
		msgs[m].msg_hdr.msg_iov = afp->vnet ? iov[m] : &iov[m][1];
		msgs[m].msg_hdr.msg_iovlen = afp->vnet ? (bigs[m] ? 3 : 2) : 1;
	}
	if (m == 0)
		return 0;       /* pool empty: counted by the pool */
	if (q < 0 || q >= afp->nq)
		q = 0;
	r = recvmmsg(afp->qfd[q], msgs, (unsigned)m, MSG_DONTWAIT, NULL);
	if (r < 0)
		r = 0;
	for (i = 0; i < r; i++) {
		struct pkt *pkt = bufs[i];
		uint32_t len = msgs[i].msg_len;

		if (afp->vnet) {
			if (len < sizeof(vh[i]))
				goto drop;
			len -= sizeof(vh[i]);
		}
		if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
			goto drop;
		pkt = afp_settle(pkt, &bigs[i], len);
		if (!pkt) {
			pkt = bufs[i];
			goto drop;
		}
		if (sll[i].sll_pkttype == PACKET_OUTGOING) {
			pkt_free(pkt);
			continue;
		}
		pkt->len = len;
		if (afp->vnet) {
			/* IPv6 or tunnel GSO: not taken (rx_dropped). */
			if (io_vnet_to_pkt(&vh[i], pkt))
				goto drop;
		}
		/* Only super-frames may exceed a packet buffer (jumbo MTU). */
		if (pkt->big && !pkt_is_gso(pkt))
			goto drop;
		pkt->pkt_type = sll[i].sll_pkttype;
		pkts[got++] = pkt;
		continue;
drop:
		dev_stats(dev)->rx_dropped++;
		pkt_free(pkt);
	}
	for (i = r; i < m; i++)
		pkt_free(bufs[i]);
	for (i = 0; i < m; i++)
		pkt_free(bigs[i]);
	return got;
}

static int afp_tx(struct netdev *dev, const struct pkt *pkt)
{
	struct afp *afp = dev->io_priv;
	struct virtio_net_hdr vh;
	struct iovec iov[2];
	struct msghdr msg;
	ssize_t r;

	io_vnet_from_pkt(pkt, &vh);
	iov[0].iov_base = &vh;
	iov[0].iov_len = sizeof(vh);
	iov[1].iov_base = pkt->data;
	iov[1].iov_len = pkt->len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = afp->vnet ? iov : &iov[1];
	msg.msg_iovlen = afp->vnet ? 2 : 1;
	do {
		r = sendmsg(afp->fd, &msg, MSG_DONTWAIT);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static const struct io_ops afpacket_ops = {
	.kind = "afpacket",
	.open = afp_open,
	.close = afp_close,
	.rx_burst = afp_rx_burst,
	.tx = afp_tx,
	.fd = afp_fd,
};

__attribute__((constructor)) static void afpacket_register(void)
{
	io_register(&afpacket_ops);
}
