// SPDX-License-Identifier: MIT
/*
 * AF_XDP backend: `ip link add eth0 type afxdp dev VETH [xdp-mode
 * auto|drv|skb] [zerocopy auto|on|off]` binds a netsieve interface to a
 * kernel interface through XDP sockets (Debian's libxdp and libbpf):
 * libxdp attaches its default XDP program, which redirects every frame of
 * receive queue q to the socket of queue q; frames are copied out of the
 * socket's UMEM into pool packets and the UMEM frame goes straight back to
 * the fill ring.
 *
 * Modes, tried in order until the kernel takes one (auto): the driver's
 * XDP with zero-copy (NICs whose driver supports it), the driver's XDP in
 * copy mode (veth has native XDP), the generic (skb) XDP hook in copy
 * mode (any interface). What was taken, or why AF_XDP is not possible at
 * all, is said in the net's log; open then fails with that error, so the
 * operator can use `type afpacket` instead.
 *
 * Queues: one XDP socket per receive queue the kernel interface has (up
 * to AXP_MAX_QUEUES; a veth has one unless made with `numrxqueues`), each
 * with its own UMEM; worker w reads queues w, w + N... of N workers, and
 * workers beyond the queues read none. The driver's RSS (a veth: the
 * sender's transmit queue), not a fanout group, spreads the flows.
 *
 * Transmit: worker q writes into its socket's TX ring and the batch
 * leaves with one sendto() at the end of the round (ns_worker_tx_defer());
 * its UMEM's upper half holds the frames in flight, reclaimed from the
 * completion ring. A thread that is not a daemon worker, a worker with no
 * XDP socket, or a full ring sends by a plain AF_PACKET socket instead.
 * XDP has no offloads: the device does not take super-frames (the stack
 * cuts them) and partial checksums are completed before tx.
 *
 * libxdp and libbpf print to stderr by default; library code must not, so
 * their printers are silenced. open/close: control path. rx_burst: worker
 * q. tx: any thread.
 */
#include "io/io.h"

#include "base/log.h"
#include "core/netdev.h"
#include "core/worker.h"
#include "io/kdev.h"
#include "pkt/pkt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <net/ethernet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#define AXP_MAX_QUEUES 8
#define AXP_FRAME 2048                  /* UMEM chunk */
#define AXP_RX_FRAMES 2048              /* lower half: the fill ring's */
#define AXP_TX_FRAMES 2048              /* upper half: in flight on tx */
#define AXP_FRAMES (AXP_RX_FRAMES + AXP_TX_FRAMES)
#define AXP_RING 2048                   /* every ring's size */
#define AXP_BURST 64
#define AXP_TX_KICK 128
#define AXP_BUSY_TRIES 50               /* a queue still being released */
#define AXP_BUSY_WAIT_US 20000

/* Queue q: its socket, UMEM and rings, used by worker q only. */
struct axq {
	struct axp *axp;
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	uint8_t *area;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	int fd;
	unsigned pending;               /* tx descriptors not yet kicked */
	unsigned ntxfree;
	uint64_t txfree[AXP_TX_FRAMES]; /* UMEM addresses free for tx */
} __attribute__((aligned(64)));

struct axp {
	struct axq *q;                  /* [nq] */
	int nq;
	int txfd;                       /* AF_PACKET: sends at once */
	int bind_fd;                    /* io_ifbind_take(): ours alone */
	int ifindex;
	uint8_t mac[6];
	struct netdev_stats *pstats;
	char ifname[IFNAMSIZ];
};

/* One way to attach, as tried in order. */
struct axp_mode {
	const char *name;
	uint32_t xdp_flags;
	uint16_t bind_flags;
};

static const struct axp_mode axp_modes[] = {
	{ "driver XDP, zero-copy", XDP_FLAGS_DRV_MODE, XDP_ZEROCOPY },
	{ "driver XDP, copy", XDP_FLAGS_DRV_MODE, XDP_COPY },
	{ "generic (skb) XDP, copy", XDP_FLAGS_SKB_MODE, XDP_COPY },
};

static int silent_xdp(enum libxdp_print_level l, const char *f, va_list ap)
{
	return 0;
}

static int silent_bpf(enum libbpf_print_level l, const char *f, va_list ap)
{
	return 0;
}

/*
 * "dev veth0 [xdp-mode auto|drv|skb] [zerocopy auto|on|off]" -> the name
 * and which of axp_modes may be tried (mask of indices). 0 or -EINVAL.
 */
static int parse_arg(const char *arg, char *ifname, unsigned *modes)
{
	char buf[128], *tok, *save = NULL, *val;
	unsigned xdp = 7, zc = 7;

	if (!arg || strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	tok = strtok_r(buf, " \t", &save);
	if (tok && !strcmp(tok, "dev"))
		tok = strtok_r(NULL, " \t", &save);
	if (!tok || strlen(tok) >= IFNAMSIZ)
		return -EINVAL;
	strcpy(ifname, tok);
	while ((tok = strtok_r(NULL, " \t", &save))) {
		val = strtok_r(NULL, " \t", &save);
		if (!val)
			return -EINVAL;
		if (!strcmp(tok, "xdp-mode")) {
			if (!strcmp(val, "auto"))
				xdp = 7;
			else if (!strcmp(val, "drv"))
				xdp = 3;
			else if (!strcmp(val, "skb"))
				xdp = 4;
			else
				return -EINVAL;
		} else if (!strcmp(tok, "zerocopy")) {
			if (!strcmp(val, "auto"))
				zc = 7;
			else if (!strcmp(val, "on"))
				zc = 1;
			else if (!strcmp(val, "off"))
				zc = 6;
			else
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	*modes = xdp & zc;
	return *modes ? 0 : -EINVAL;
}

/* Receive queues of the kernel interface (ethtool channels; 1 if none). */
static int kdev_rx_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;
	int fd, n = 1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
	ifr.ifr_data = (void *)&ch;
	if (!ioctl(fd, SIOCETHTOOL, &ifr)) {
		n = (int)(ch.rx_count > ch.combined_count ? ch.rx_count :
			  ch.combined_count);
		if (n < 1)
			n = 1;
	}
	close(fd);
	return n;
}

static void axq_close(struct axq *q)
{
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, (size_t)AXP_FRAMES * AXP_FRAME);
	q->xsk = NULL;
	q->umem = NULL;
	q->area = NULL;
}

/* Socket of queue qid in the given mode. 0 or a negative errno. */
static int axq_open(struct axp *axp, struct axq *q, int qid,
		    const struct axp_mode *m)
{
	struct xsk_umem_config ucfg = {
		.fill_size = AXP_RING,
		.comp_size = AXP_RING,
		.frame_size = AXP_FRAME,
		.frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = AXP_RING,
		.tx_size = AXP_RING,
		.xdp_flags = m->xdp_flags,
		.bind_flags = m->bind_flags,
	};
	uint32_t idx;
	int err, i;

	q->axp = axp;
	q->area = mmap(NULL, (size_t)AXP_FRAMES * AXP_FRAME,
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return -errno;
	}
	err = xsk_umem__create(&q->umem, q->area,
			       (uint64_t)AXP_FRAMES * AXP_FRAME, &q->fill,
			       &q->comp, &ucfg);
	if (err) {
		q->umem = NULL;
		goto err_close;
	}
	err = xsk_socket__create(&q->xsk, axp->ifname, (uint32_t)qid,
				 q->umem, &q->rx, &q->tx, &scfg);
	if (err) {
		q->xsk = NULL;
		goto err_close;
	}
	q->fd = xsk_socket__fd(q->xsk);
	/* Every lower-half frame to the kernel for receiving. */
	if (xsk_ring_prod__reserve(&q->fill, AXP_RX_FRAMES, &idx) !=
	    AXP_RX_FRAMES) {
		err = -ENOMEM;
		goto err_close;
	}
	for (i = 0; i < AXP_RX_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx + i) =
			(uint64_t)i * AXP_FRAME;
	xsk_ring_prod__submit(&q->fill, AXP_RX_FRAMES);
	for (i = 0; i < AXP_TX_FRAMES; i++)
		q->txfree[i] = (uint64_t)(AXP_RX_FRAMES + i) * AXP_FRAME;
	q->ntxfree = AXP_TX_FRAMES;
	return 0;

err_close:
	axq_close(q);
	return err < 0 ? err : -err;
}

/* A socket that only sends, bound to the interface; promiscuous. */
static int axp_tx_socket(struct axp *axp)
{
	struct sockaddr_ll sll;
	struct packet_mreq mr;
	int fd, err;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = axp->ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		goto err_close_fd;
	/* XDP sees what the device lets in: let everything in. */
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = axp->ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		       sizeof(mr)))
		goto err_close_fd;
	return fd;

err_close_fd:
	err = -errno;
	close(fd);
	return err;
}

static void axp_close_all(struct axp *axp)
{
	int i;

	for (i = 0; i < axp->nq; i++)
		axq_close(&axp->q[i]);
	axp->nq = 0;
	free(axp->q);
	axp->q = NULL;
	if (axp->txfd >= 0)
		close(axp->txfd);
	axp->txfd = -1;
}

/*
 * Open n queues in the first mode of modes the kernel takes. Returns the
 * mode's index, or the first mode's error when none was taken.
 */
static int axp_open_queues(struct axp *axp, int n, unsigned modes)
{
	int mi, i, err, first = 0;

	for (mi = 0; mi < (int)(sizeof(axp_modes) / sizeof(axp_modes[0]));
	     mi++) {
		if (!(modes & (1u << mi)))
			continue;
		for (i = 0; i < n; i++) {
			int tries = 0;

			/*
			 * A queue the previous socket just left is freed by
			 * the kernel a moment later (deferred work): EBUSY
			 * until then.
			 */
			while ((err = axq_open(axp, &axp->q[i], i,
					       &axp_modes[mi])) == -EBUSY &&
			       ++tries < AXP_BUSY_TRIES)
				usleep(AXP_BUSY_WAIT_US);
			if (err)
				break;
			axp->nq = i + 1;
		}
		if (i == n)
			return mi;
		while (axp->nq)
			axq_close(&axp->q[--axp->nq]);
		if (!first)
			first = err;
	}
	return first ? first : -EOPNOTSUPP;
}

static int axp_open(struct netdev *dev, const char *arg, int nqueues)
{
	struct axp *axp;
	unsigned modes;
	int err, n, mi;

	libxdp_set_print(silent_xdp);
	libbpf_set_print(silent_bpf);
	if (nqueues < 1)
		nqueues = 1;
	if (nqueues > AXP_MAX_QUEUES)
		return -EINVAL;
	axp = calloc(1, sizeof(*axp));
	if (!axp)
		return -ENOMEM;
	axp->txfd = -1;
	err = parse_arg(arg, axp->ifname, &modes);
	if (err)
		goto err_free_axp;
	err = io_kdev_index(axp->ifname);
	if (err < 0)
		goto err_free_axp;
	axp->ifindex = err;
	axp->bind_fd = io_ifbind_take(axp->ifindex);
	if (axp->bind_fd < 0) {
		err = axp->bind_fd;
		goto err_free_axp;
	}
	err = io_kdev_take(axp->ifname, dev);
	if (err)
		goto err_release;
	n = kdev_rx_queues(axp->ifname);
	if (n > AXP_MAX_QUEUES) {
		ns_log(dev->log, NS_LOG_WARNING,
		       "netsieve: %s (afxdp %s): the interface has %d receive "
		       "queues, netsieve reads %d: frames on the others reach "
		       "the kernel instead (ethtool -L to lower them)",
		       dev->name, axp->ifname, n, AXP_MAX_QUEUES);
		n = AXP_MAX_QUEUES;
	}
	axp->q = calloc((size_t)n, sizeof(*axp->q));
	if (!axp->q) {
		err = -ENOMEM;
		goto err_release;
	}
	axp->txfd = axp_tx_socket(axp);
	if (axp->txfd < 0) {
		err = axp->txfd;
		goto err_close_all;
	}
	mi = axp_open_queues(axp, n, modes);
	if (mi < 0) {
		err = mi;
		ns_log(dev->log, NS_LOG_ERR,
		       "netsieve: %s (afxdp %s): AF_XDP not possible on this "
		       "interface (%s); use type afpacket", dev->name,
		       axp->ifname, strerror(-err));
		goto err_close_all;
	}
	ns_log(dev->log, NS_LOG_INFO,
	       "netsieve: %s (afxdp %s): %d AF_XDP queue%s, %s%s",
	       dev->name, axp->ifname, n, n == 1 ? "" : "s",
	       axp_modes[mi].name,
	       n < nqueues ? " (fewer receive queues than workers: some "
			     "workers only transmit)" : "");
	memcpy(axp->mac, dev->mac, 6);
	axp->pstats = dev->pstats;
	dev->promisc = true;
	dev->gso_ok = false;
	dev->io_priv = axp;
	return 0;

err_close_all:
	axp_close_all(axp);
err_release:
	io_ifbind_release(axp->bind_fd);
err_free_axp:
	free(axp);
	return err;
}

static void axp_close(struct netdev *dev)
{
	struct axp *axp = dev->io_priv;

	if (!axp)
		return;
	axp_close_all(axp);     /* libxdp detaches its program with the last */
	io_ifbind_release(axp->bind_fd);
	free(axp);
	dev->io_priv = NULL;
}

static int axp_fd(const struct netdev *dev, int q)
{
	const struct axp *axp = dev->io_priv;

	return axp && q >= 0 && q < axp->nq ? axp->q[q].fd : -1;
}

static struct netdev_stats *axp_stats(const struct axp *axp)
{
	return &axp->pstats[ns_worker_id];
}

/* What AF_PACKET's sll_pkttype would say, from the destination MAC. */
static uint8_t frame_pkttype(const struct axp *axp, const uint8_t *d)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (!memcmp(d, axp->mac, 6))
		return PACKET_HOST;
	if (!memcmp(d, bcast, 6))
		return PACKET_BROADCAST;
	if (d[0] & 1)
		return PACKET_MULTICAST;
	return PACKET_OTHERHOST;
}

static int axp_rx_burst(struct netdev *dev, int qid, struct pkt_pool *pool,
			struct pkt **pkts, int n)
{
	struct axp *axp = dev->io_priv;
	struct pkt *bufs[AXP_BURST];
	uint32_t idx, fidx;
	struct axq *q;
	int m, r, i, got = 0;

	if (qid < 0 || qid >= axp->nq)
		return 0;
	q = &axp->q[qid];
	if (n > AXP_BURST)
		n = AXP_BURST;
	for (m = 0; m < n; m++) {
		bufs[m] = pkt_alloc(pool);
		if (!bufs[m])
			break;
	}
	r = m ? (int)xsk_ring_cons__peek(&q->rx, (uint32_t)m, &idx) : 0;
	/* The frames go back to the fill ring as soon as they are copied. */
	if (r && xsk_ring_prod__reserve(&q->fill, (uint32_t)r, &fidx) !=
	    (uint32_t)r)
		r = 0;  /* cannot happen: as many frames left as came */
	for (i = 0; i < r; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx,
								  idx + i);
		const uint8_t *data = xsk_umem__get_data(q->area, d->addr);
		struct pkt *pkt = bufs[i];

		*xsk_ring_prod__fill_addr(&q->fill, fidx + i) =
			xsk_umem__extract_addr(d->addr) &
			~(uint64_t)(AXP_FRAME - 1);
		if (d->len > PKT_MAX_FRAME || d->len < ETH_HLEN) {
			axp_stats(axp)->rx_dropped++;
			pkt_free(pkt);
			continue;
		}
		memcpy(pkt->data, data, d->len);
		pkt->len = d->len;
		pkt->pkt_type = frame_pkttype(axp, data);
		pkts[got++] = pkt;
	}
	if (r) {
		xsk_ring_cons__release(&q->rx, (uint32_t)r);
		xsk_ring_prod__submit(&q->fill, (uint32_t)r);
		if (xsk_ring_prod__needs_wakeup(&q->fill))
			(void)recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL,
				       NULL);
	}
	for (i = r; i < m; i++)
		pkt_free(bufs[i]);
	return got;
}

/* Take back the UMEM frames the kernel has sent. */
static void axq_reclaim(struct axq *q)
{
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(&q->comp, AXP_RING, &idx);
	for (i = 0; i < n; i++)
		q->txfree[q->ntxfree++] =
			*xsk_ring_cons__comp_addr(&q->comp, idx + i);
	if (n)
		xsk_ring_cons__release(&q->comp, n);
}

/* Kick the kernel to send queue q's TX ring. */
static void axq_flush(void *arg)
{
	struct axq *q = arg;
	int tries;

	if (!q->pending)
		return;
	/* A kick sends a bounded batch (32 in copy mode): repeat. */
	for (tries = 0; tries < 256; tries++) {
		if (xsk_prod_nb_free(&q->tx, AXP_RING) == AXP_RING)
			break;
		if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != EINTR &&
		    errno != ENOBUFS)
			break;
	}
	q->pending = 0;
	axq_reclaim(q);
}

static int axp_send_now(struct axp *axp, const struct pkt *pkt)
{
	ssize_t r;

	do {
		r = send(axp->txfd, pkt->data, pkt->len, MSG_DONTWAIT);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static int axp_tx(struct netdev *dev, const struct pkt *pkt)
{
	struct axp *axp = dev->io_priv;
	struct ns_worker *w = ns_cur_worker;
	struct xdp_desc *d;
	struct axq *q;
	uint32_t idx;
	uint64_t addr;

	if (!w || !w->tx_defer_ok || w->id >= axp->nq ||
	    pkt->len > AXP_FRAME)
		return axp_send_now(axp, pkt);
	q = &axp->q[w->id];
	if (!q->ntxfree)
		axq_reclaim(q);
	if (!q->ntxfree) {
		axq_flush(q);
		if (!q->ntxfree)
			return axp_send_now(axp, pkt);
	}
	if (xsk_ring_prod__reserve(&q->tx, 1, &idx) != 1) {
		axq_flush(q);
		if (xsk_ring_prod__reserve(&q->tx, 1, &idx) != 1)
			return axp_send_now(axp, pkt);
	}
	addr = q->txfree[--q->ntxfree];
	memcpy(xsk_umem__get_data(q->area, addr), pkt->data, pkt->len);
	d = xsk_ring_prod__tx_desc(&q->tx, idx);
	d->addr = addr;
	d->len = pkt->len;
	d->options = 0;
	xsk_ring_prod__submit(&q->tx, 1);
	if (++q->pending == 1 && !ns_worker_tx_defer(axq_flush, q))
		axq_flush(q);
	else if (q->pending >= AXP_TX_KICK)
		axq_flush(q);
	return 0;
}

static const struct io_ops afxdp_ops = {
	.kind = "afxdp",
	.open = axp_open,
	.close = axp_close,
	.rx_burst = axp_rx_burst,
	.tx = axp_tx,
	.fd = axp_fd,
};

__attribute__((constructor)) static void afxdp_register(void)
{
	io_register(&afxdp_ops);
}
