// SPDX-License-Identifier: MIT
/*
 * AF_PACKET backend: `ip link add eth0 type afpacket dev VETH` binds a
 * netsieve interface to an existing kernel interface. The socket is bound
 * to that interface only, promiscuous, ignores frames the host itself sends
 * (PACKET_IGNORE_OUTGOING, and the packet type as a second check), and
 * takes the interface's MAC and MTU. Receive is burst-wise with recvmmsg()
 * straight into pool packets; transmit is one send per frame.
 *
 * Checksum offload: frames a local TCP stack sends over a veth may carry a
 * partial checksum (CHECKSUM_PARTIAL) and, with GSO, be larger than the
 * MTU. With PACKET_VNET_HDR the kernel says so in a virtio_net_hdr in front
 * of each frame; we complete partial checksums in software and drop (and
 * count) super-frames. Offloads off on the peer (ethtool -K) avoids both.
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

#include "pkt/csum.h"
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

#define AFP_MAX_QUEUES 8

struct afp {
	int fd;                 /* queue 0; also the one we transmit on */
	int qfd[AFP_MAX_QUEUES]; /* receive queue q (qfd[0] == fd) */
	int nq;
	int ifindex;
	bool vnet;              /* frames carry a struct virtio_net_hdr */
	char ifname[IFNAMSIZ];
	uint64_t rx_gso_dropped; /* super-frames we cannot take */
	uint64_t rx_csum_fixed;  /* partial checksums completed */
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
	int one = 1, rcvbuf = AFP_RCVBUF, vnet, fd, err;

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
	dev->io_priv = afp;
	return 0;

err_close_queues:
	afp_close_queues(afp);
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
	free(afp);
	dev->io_priv = NULL;
}

static int afp_fd(const struct netdev *dev, int q)
{
	const struct afp *afp = dev->io_priv;

	return afp && q >= 0 && q < afp->nq ? afp->qfd[q] : -1;
}

/*
 * Finish a CHECKSUM_PARTIAL frame as the kernel's skb_checksum_help():
 * the field at start + off holds the pseudo-header sum; sum from start to
 * the end and store the folded complement. Returns false when the offsets
 * do not fit the frame.
 */
static bool complete_csum(uint8_t *frame, uint32_t len,
			  const struct virtio_net_hdr *vh)
{
	uint32_t start = vh->csum_start, off = vh->csum_offset;
	uint16_t sum;

	if (start >= len || off + 2 > len - start)
		return false;
	sum = csum_fold(csum_partial(frame + start, len - start, 0));
	if (off == 6 && sum == 0)   /* UDP sends 0 as all ones */
		sum = 0xffff;
	memcpy(frame + start + off, &sum, 2);
	return true;
}

static int afp_rx_burst(struct netdev *dev, int q, struct pkt_pool *pool,
			struct pkt **pkts, int n)
{
	struct afp *afp = dev->io_priv;
	struct mmsghdr msgs[AFP_BURST_MAX];
	struct iovec iov[AFP_BURST_MAX][2];
	struct virtio_net_hdr vh[AFP_BURST_MAX];
	struct sockaddr_ll sll[AFP_BURST_MAX];
	struct pkt *bufs[AFP_BURST_MAX];
	int m, r, i, got = 0;

	if (n > AFP_BURST_MAX)
		n = AFP_BURST_MAX;
	for (m = 0; m < n; m++) {
		bufs[m] = pkt_alloc(pool);
		if (!bufs[m])
			break;
		iov[m][0].iov_base = &vh[m];
		iov[m][0].iov_len = sizeof(vh[m]);
		iov[m][1].iov_base = bufs[m]->data;
		iov[m][1].iov_len = PKT_MAX_FRAME;
		memset(&msgs[m], 0, sizeof(msgs[m]));
		msgs[m].msg_hdr.msg_name = &sll[m];
		msgs[m].msg_hdr.msg_namelen = sizeof(sll[m]);
		msgs[m].msg_hdr.msg_iov = afp->vnet ? iov[m] : &iov[m][1];
		msgs[m].msg_hdr.msg_iovlen = afp->vnet ? 2 : 1;
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
			if (vh[i].gso_type != VIRTIO_NET_HDR_GSO_NONE) {
				afp->rx_gso_dropped++;
				goto drop;
			}
		}
		if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
			goto drop;
		if (sll[i].sll_pkttype == PACKET_OUTGOING) {
			pkt_free(pkt);
			continue;
		}
		if (afp->vnet && (vh[i].flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
			if (!complete_csum(pkt->data, len, &vh[i]))
				goto drop;
			afp->rx_csum_fixed++;
		}
		pkt->len = len;
		pkt->pkt_type = sll[i].sll_pkttype;
		pkts[got++] = pkt;
		continue;
drop:
		dev_stats(dev)->rx_dropped++;
		pkt_free(pkt);
	}
	for (i = r; i < m; i++)
		pkt_free(bufs[i]);
	return got;
}

static int afp_tx(struct netdev *dev, const struct pkt *pkt)
{
	struct afp *afp = dev->io_priv;
	struct virtio_net_hdr vh;
	struct iovec iov[2];
	struct msghdr msg;
	ssize_t r;

	memset(&vh, 0, sizeof(vh));
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
