// SPDX-License-Identifier: MIT
/*
 * AF_PACKET backend: `ip link add eth0 type afpacket dev VETH` binds a
 * netsieve interface to an existing kernel interface. The sockets are
 * bound to that interface only, promiscuous, ignore frames the host itself
 * sends (PACKET_IGNORE_OUTGOING, and the packet type as a second check),
 * and take the interface's MAC and MTU.
 *
 * Receive (`rx ring`, the default): each queue's socket has a TPACKET_V3
 * ring of blocks the kernel fills and hands over whole (src/io/ring.c
 * walks them); rx_burst copies frames out of the current block into pool
 * packets and gives the block back once it is read. Frames the kernel
 * dropped with every block full are counted as rx_dropped. `rx mmsg` (and the
 * fallback when the kernel refuses the ring, said once in the net's log):
 * recvmmsg() straight into pool packets.
 *
 * Transmit (`tx ring`, the default): worker q writes frames into a
 * TPACKET_V2 TX ring of its own socket and the whole batch leaves with one
 * send() at the end of the worker's round (ns_worker_tx_defer()); `tx
 * mmsg` stages them and sends with one sendmmsg(); `tx single` sends each
 * frame by itself (the old path, for comparison). A frame too large for
 * a slot (a GSO super-frame), one sent by a thread that is not a daemon
 * worker, or one that finds the ring full goes out at once by sendmsg() on
 * a plain socket. PACKET_QDISC_BYPASS is on for the batches unless
 * `qdisc-bypass off`: frames go straight to the driver, past the qdisc
 * and past packet taps (tcpdump on the kernel interface does not see what
 * netsieve sends). The plain socket never bypasses: the direct path drops
 * a super-frame the device cannot take whole instead of cutting it.
 *
 * Offloads: frames a local TCP stack sends over a veth left with its
 * default offloads carry a partial checksum (CHECKSUM_PARTIAL) and, with
 * GSO, may be super-frames of up to 64 KiB. With PACKET_VNET_HDR the
 * kernel says so in a virtio_net_hdr in front of each frame (src/io/
 * vnet.c; in a V3 ring it sits right before the frame in the slot). A
 * frame that does not fit a small packet goes into a large one.
 * Super-frames keep their GSO metadata; on transmit, a super-frame goes
 * out whole with its virtio_net_hdr (the kernel takes GSO from a packet
 * socket), so the device says gso_ok.
 *
 * One netsieve per kernel interface: open first claims the interface's
 * ifindex (io_ifbind_take()); a second daemon is refused.
 *
 * Workers: with N workers the interface gets N receive sockets in one
 * PACKET_FANOUT group (hash mode: the kernel spreads flows by their hash,
 * so every packet of a flow, and every fragment of a datagram, lands on
 * the same worker); socket q is read by worker q only, and worker q's TX
 * batch is its own: no lock on either path.
 *
 * open/close: control path. rx_burst: worker q. tx: any thread.
 */
#include "io/io.h"

#include "base/log.h"
#include "core/netdev.h"
#include "core/worker.h"
#include "io/kdev.h"
#include "io/ring.h"
#include "io/vnet.h"
#include "pkt/pkt.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <linux/if.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS 20
#endif

#define AFP_BURST_MAX 64
#define AFP_RCVBUF (4 << 20)
#define AFP_SNDBUF (4 << 20)

#define AFP_MAX_QUEUES 8

/*
 * Receive ring: blocks large enough for a 64 KiB super-frame with its
 * headers; a block the kernel has started is handed over when full or
 * after AFP_RX_TOV_MS (the latency a lone packet may see; at least one
 * jiffy). Light traffic retires a block per timeout, so the ring holds
 * AFP_RX_BLOCKS timeouts of it (64 x 4 ms at HZ=250) for a worker that
 * is not scheduled: many blocks, not large ones.
 */
#define AFP_RX_BLOCK (128 << 10)
#define AFP_RX_BLOCKS 64
#define AFP_RX_FRAME 2048
#define AFP_RX_TOV_MS 1
/* Transmit ring: 512 slots of 2 KiB (a full-size frame and headers). */
#define AFP_TX_FRAME 2048
#define AFP_TX_BLOCK (64 << 10)
#define AFP_TX_BLOCKS 16
/* Frames after which a batch is sent without waiting for the round end. */
#define AFP_TX_KICK 128
/* sendmmsg staging: frames per batch. */
#define AFP_TX_BATCH 64

/* rx: ring or mmsg; tx: ring, mmsg, or single (one sendmsg per frame). */
enum afp_mode { AFP_RING, AFP_MMSG, AFP_SINGLE };

/* Receive queue q: read by worker q only. */
struct afp_rxq {
	int fd;
	uint8_t *ring;          /* TPACKET_V3 blocks, NULL: recvmmsg */
	size_t ring_len;
	unsigned cur;           /* the block read next */
	bool in_block;          /* cursor holds block cur */
	struct io_tpv3_cursor c;
} __attribute__((aligned(64)));

struct afp;

/* Worker q's transmit batch: written by worker q only. */
struct afp_txq {
	struct afp *afp;
	int fd;                 /* socket of the TX ring or of sendmmsg */
	uint8_t *ring;
	size_t ring_len;
	unsigned nframes, head;
	unsigned pending;       /* frames written since the last send */
	uint8_t *stage;         /* sendmmsg: AFP_TX_BATCH slots */
	struct mmsghdr msgs[AFP_TX_BATCH];
	struct iovec iov[AFP_TX_BATCH];
} __attribute__((aligned(64)));

struct afp {
	int fd;                 /* queue 0's receive socket (ioctls) */
	int txfd;               /* plain socket: sends at once, no bypass */
	struct afp_rxq rxq[AFP_MAX_QUEUES];
	struct afp_txq txq[AFP_MAX_QUEUES];
	int nq;
	int bind_fd;            /* io_ifbind_take(): ours alone */
	int ifindex;
	bool vnet;              /* frames carry a struct virtio_net_hdr */
	enum afp_mode rx_mode, tx_mode;
	bool qdisc_bypass;
	struct netdev_stats *pstats; /* the device's, shared by its copies */
	char ifname[IFNAMSIZ];
};

/*
 * "dev veth0 [rx ring|mmsg] [tx ring|mmsg|single] [qdisc-bypass on|off]" or
 * "veth0 ..." -> the name and the options. Returns 0 or -EINVAL.
 */
static int parse_arg(const char *arg, struct afp *afp)
{
	char buf[128], *tok, *save = NULL, *val;

	afp->rx_mode = AFP_RING;
	afp->tx_mode = AFP_RING;
	afp->qdisc_bypass = true;
	if (!arg || strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	tok = strtok_r(buf, " \t", &save);
	if (tok && !strcmp(tok, "dev"))
		tok = strtok_r(NULL, " \t", &save);
	if (!tok || strlen(tok) >= IFNAMSIZ)
		return -EINVAL;
	strcpy(afp->ifname, tok);
	while ((tok = strtok_r(NULL, " \t", &save))) {
		val = strtok_r(NULL, " \t", &save);
		if (!val)
			return -EINVAL;
		if (!strcmp(tok, "rx") || !strcmp(tok, "tx")) {
			enum afp_mode m;

			if (!strcmp(val, "ring"))
				m = AFP_RING;
			else if (!strcmp(val, "mmsg"))
				m = AFP_MMSG;
			else if (!strcmp(val, "single") && tok[0] == 't')
				m = AFP_SINGLE;
			else
				return -EINVAL;
			*(tok[0] == 'r' ? &afp->rx_mode : &afp->tx_mode) = m;
		} else if (!strcmp(tok, "qdisc-bypass")) {
			if (!strcmp(val, "on"))
				afp->qdisc_bypass = true;
			else if (!strcmp(val, "off"))
				afp->qdisc_bypass = false;
			else
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

static int sockopt(int fd, int opt, int val)
{
	return setsockopt(fd, SOL_PACKET, opt, &val, sizeof(val)) ? -errno : 0;
}

static int bind_ifindex(int fd, int ifindex, uint16_t proto)
{
	struct sockaddr_ll sll;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = ifindex;
	return bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ? -errno : 0;
}

/*
 * A TPACKET_V3 receive ring on fd (vnet already set, not yet bound).
 * Fills rxq's ring. Returns 0 or a negative errno (nothing left mapped).
 */
static int rx_ring_setup(struct afp_rxq *rxq, int fd)
{
	struct tpacket_req3 req;
	void *ring;
	int err;

	err = sockopt(fd, PACKET_VERSION, TPACKET_V3);
	if (err)
		return err;
	memset(&req, 0, sizeof(req));
	req.tp_block_size = AFP_RX_BLOCK;
	req.tp_block_nr = AFP_RX_BLOCKS;
	req.tp_frame_size = AFP_RX_FRAME;
	req.tp_frame_nr = AFP_RX_BLOCK / AFP_RX_FRAME * AFP_RX_BLOCKS;
	req.tp_retire_blk_tov = AFP_RX_TOV_MS;
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		return -errno;
	rxq->ring_len = (size_t)AFP_RX_BLOCK * AFP_RX_BLOCKS;
	ring = mmap(NULL, rxq->ring_len, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_LOCKED | MAP_POPULATE, fd, 0);
	if (ring == MAP_FAILED)
		ring = mmap(NULL, rxq->ring_len, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED)
		return -errno;
	rxq->ring = ring;
	rxq->cur = 0;
	rxq->in_block = false;
	return 0;
}

/*
 * Receive socket q, with the options every queue needs and, in ring mode,
 * its ring (when the kernel refuses the ring, *ring_err says why and the
 * queue reads with recvmmsg). Returns 0 or a negative errno.
 */
static int afp_rx_socket(struct afp *afp, int q, int *ring_err)
{
	struct afp_rxq *rxq = &afp->rxq[q];
	int rcvbuf = AFP_RCVBUF, vnet, fd, err;

	*ring_err = 0;
	/* Protocol 0: receive nothing until bound to the one interface. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	vnet = !sockopt(fd, PACKET_VNET_HDR, 1);
	if (q == 0)
		afp->vnet = vnet;
	else if (vnet != afp->vnet) {
		err = -EPROTO;
		goto err_close_fd;
	}
	/* Older kernels lack it: rx_burst also filters PACKET_OUTGOING. */
	(void)sockopt(fd, PACKET_IGNORE_OUTGOING, 1);
	if (afp->rx_mode == AFP_RING) {
		*ring_err = rx_ring_setup(rxq, fd);
		if (*ring_err) {
			/* A socket the kernel refused a ring stays usable. */
			(void)sockopt(fd, PACKET_VERSION, TPACKET_V1);
		}
	}
	if (!rxq->ring && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
				     sizeof(rcvbuf)))
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				 sizeof(rcvbuf));
	err = bind_ifindex(fd, afp->ifindex, ETH_P_ALL);
	if (err)
		goto err_unmap;
	rxq->fd = fd;
	return 0;

err_unmap:
	if (rxq->ring)
		munmap(rxq->ring, rxq->ring_len);
	rxq->ring = NULL;
err_close_fd:
	close(fd);
	return err;
}

/*
 * A socket that only sends (protocol 0: it receives nothing), with the
 * device's vnet setting, and the qdisc bypass when asked. A super-frame
 * must not go out with the bypass: the kernel's direct transmit drops a
 * packet socket's GSO frame instead of cutting it, so the plain socket
 * has none. Returns the fd or a negative errno.
 */
static int afp_tx_socket(struct afp *afp, bool bypass)
{
	int sndbuf = AFP_SNDBUF, fd, err;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (afp->vnet) {
		err = sockopt(fd, PACKET_VNET_HDR, 1);
		if (err)
			goto err_close_fd;
	}
	/* Best effort: the interface works without, only slower. */
	if (bypass)
		(void)sockopt(fd, PACKET_QDISC_BYPASS, 1);
	/* Room for a few 64 KiB super-frames in flight. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
		       sizeof(sndbuf)))
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
				 sizeof(sndbuf));
	err = bind_ifindex(fd, afp->ifindex, 0);
	if (err)
		goto err_close_fd;
	return fd;

err_close_fd:
	close(fd);
	return err;
}

/* Worker q's TX ring: its own socket and ring. 0 or a negative errno. */
static int tx_ring_setup(struct afp *afp, struct afp_txq *txq)
{
	struct tpacket_req req;
	void *ring;
	int fd, err;

	fd = afp_tx_socket(afp, afp->qdisc_bypass);
	if (fd < 0)
		return fd;
	err = sockopt(fd, PACKET_VERSION, TPACKET_V2);
	if (err)
		goto err_close_fd;
	memset(&req, 0, sizeof(req));
	req.tp_block_size = AFP_TX_BLOCK;
	req.tp_block_nr = AFP_TX_BLOCKS;
	req.tp_frame_size = AFP_TX_FRAME;
	req.tp_frame_nr = AFP_TX_BLOCK / AFP_TX_FRAME * AFP_TX_BLOCKS;
	if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req))) {
		err = -errno;
		goto err_close_fd;
	}
	txq->ring_len = (size_t)AFP_TX_BLOCK * AFP_TX_BLOCKS;
	ring = mmap(NULL, txq->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	if (ring == MAP_FAILED) {
		err = -errno;
		goto err_close_fd;
	}
	txq->ring = ring;
	txq->nframes = req.tp_frame_nr;
	txq->head = 0;
	txq->fd = fd;
	return 0;

err_close_fd:
	close(fd);
	return err;
}

/* sendmmsg staging and socket for worker q. 0 or a negative errno. */
static int tx_stage_setup(struct afp *afp, struct afp_txq *txq)
{
	txq->stage = malloc((size_t)AFP_TX_BATCH * AFP_TX_FRAME);
	if (!txq->stage)
		return -ENOMEM;
	txq->fd = afp_tx_socket(afp, afp->qdisc_bypass);
	return txq->fd < 0 ? txq->fd : 0;
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
	if (setsockopt(afp->rxq[0].fd, SOL_PACKET, PACKET_FANOUT, &arg,
		       sizeof(arg)))
		return -errno;
	len = sizeof(arg);
	if (getsockopt(afp->rxq[0].fd, SOL_PACKET, PACKET_FANOUT, &arg, &len))
		return -errno;
	arg = (arg & 0xffff) | (PACKET_FANOUT_HASH << 16);
	for (q = 1; q < afp->nq; q++)
		if (setsockopt(afp->rxq[q].fd, SOL_PACKET, PACKET_FANOUT, &arg,
			       sizeof(arg)))
			return -errno;
	return 0;
}

static void afp_close_queues(struct afp *afp)
{
	int q;

	for (q = 0; q < afp->nq; q++) {
		struct afp_rxq *rxq = &afp->rxq[q];
		struct afp_txq *txq = &afp->txq[q];

		if (rxq->ring)
			munmap(rxq->ring, rxq->ring_len);
		close(rxq->fd);
		if (txq->ring)
			munmap(txq->ring, txq->ring_len);
		if (txq->fd >= 0)
			close(txq->fd);
		free(txq->stage);
		memset(rxq, 0, sizeof(*rxq));
		memset(txq, 0, sizeof(*txq));
	}
	afp->nq = 0;
	if (afp->txfd >= 0)
		close(afp->txfd);
	afp->txfd = -1;
}

/* Open the receive and transmit queues, falling back where refused. */
static int afp_open_queues(struct afp *afp, struct netdev *dev, int nqueues)
{
	int err, q, rx_err = 0, tx_err = 0;

	for (q = 0; q < nqueues; q++) {
		int ring_err;

		afp->txq[q].fd = -1;
		afp->txq[q].afp = afp;
		err = afp_rx_socket(afp, q, &ring_err);
		if (err)
			return err;
		afp->nq++;
		if (ring_err && !rx_err)
			rx_err = ring_err;
	}
	afp->fd = afp->rxq[0].fd;
	afp->txfd = afp_tx_socket(afp, false);
	if (afp->txfd < 0)
		return afp->txfd;
	for (q = 0; q < nqueues; q++) {
		struct afp_txq *txq = &afp->txq[q];

		if (afp->tx_mode == AFP_SINGLE)
			continue;
		if (afp->tx_mode == AFP_RING) {
			err = tx_ring_setup(afp, txq);
			if (!err)
				continue;
			if (!tx_err)
				tx_err = err;
		}
		err = tx_stage_setup(afp, txq);
		if (err)
			return err;
	}
	if (rx_err)
		ns_log(dev->log, NS_LOG_WARNING,
		       "netsieve: %s (afpacket %s): TPACKET_V3 receive ring "
		       "refused by the kernel (%s); receiving with recvmmsg "
		       "instead", dev->name, afp->ifname, strerror(-rx_err));
	if (tx_err)
		ns_log(dev->log, NS_LOG_WARNING,
		       "netsieve: %s (afpacket %s): TPACKET_V2 transmit ring "
		       "refused by the kernel (%s); sending with sendmmsg "
		       "instead", dev->name, afp->ifname, strerror(-tx_err));
	return 0;
}

static int afp_open(struct netdev *dev, const char *arg, int nqueues)
{
	struct packet_mreq mr;
	struct afp *afp;
	int err;

	if (nqueues < 1)
		nqueues = 1;
	if (nqueues > AFP_MAX_QUEUES)
		return -EINVAL;
	afp = calloc(1, sizeof(*afp));
	if (!afp)
		return -ENOMEM;
	afp->txfd = -1;
	err = parse_arg(arg, afp);
	if (err)
		goto err_free_afp;
	err = io_kdev_index(afp->ifname);
	if (err < 0)
		goto err_free_afp;
	afp->ifindex = err;
	/* Before touching the link: another netsieve may own it. */
	afp->bind_fd = io_ifbind_take(afp->ifindex);
	if (afp->bind_fd < 0) {
		err = afp->bind_fd;
		goto err_free_afp;
	}
	err = afp_open_queues(afp, dev, nqueues);
	if (err)
		goto err_close_queues;
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
	err = io_kdev_take(afp->ifname, dev);
	if (err)
		goto err_close_queues;
	afp->pstats = dev->pstats;
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

	return afp && q >= 0 && q < afp->nq ? afp->rxq[q].fd : -1;
}

/* The calling thread's counters of the device (data path). */
static struct netdev_stats *afp_stats(const struct afp *afp)
{
	return &afp->pstats[ns_worker_id];
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

/* The old receive path: recvmmsg() into pool packets. */
static int afp_rx_mmsg(struct afp *afp, int q, struct pkt_pool *pool,
		       struct pkt **pkts, int n)
{
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
	r = recvmmsg(afp->rxq[q].fd, msgs, (unsigned)m, MSG_DONTWAIT, NULL);
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
		afp_stats(afp)->rx_dropped++;
		pkt_free(pkt);
	}
	for (i = r; i < m; i++)
		pkt_free(bufs[i]);
	for (i = 0; i < m; i++)
		pkt_free(bigs[i]);
	return got;
}

/*
 * One frame of a ring block into a packet: small (given), or a large one
 * for a super-frame. Returns the packet, or NULL when the frame was
 * dropped (counted) or skipped; small is consumed either way.
 */
static struct pkt *afp_ring_frame(struct afp *afp, struct pkt_pool *pool,
				  struct pkt *small,
				  const struct io_ring_frame *f)
{
	struct pkt *pkt = small;

	if (f->pkttype == PACKET_OUTGOING) {
		pkt_free(small);
		return NULL;
	}
	if (f->len < f->wire_len)
		goto drop;      /* cut by the ring: cannot be forwarded */
	if (f->len > PKT_MAX_FRAME) {
		if (!afp->vnet || f->len > PKT_BIG_MAX_FRAME ||
		    !pkt_pool_has_big(pool))
			goto drop;
		pkt = pkt_alloc_big(pool);
		if (!pkt) {
			pkt = small;
			goto drop;
		}
		pkt_free(small);
	}
	memcpy(pkt->data, f->data, f->len);
	pkt->len = f->len;
	/* IPv6 or tunnel GSO: not taken (rx_dropped). */
	if (f->vnet && io_vnet_to_pkt(f->vnet, pkt))
		goto drop;
	/* Only super-frames may exceed a packet buffer (jumbo MTU). */
	if (pkt->big && !pkt_is_gso(pkt))
		goto drop;
	pkt->pkt_type = f->pkttype;
	return pkt;

drop:
	afp_stats(afp)->rx_dropped++;
	pkt_free(pkt);
	return NULL;
}

/*
 * Frames the kernel dropped for want of a free block: count them as the
 * interface's rx_dropped. Reading the statistics resets them.
 */
static void afp_kernel_drops(struct afp *afp, struct afp_rxq *rxq)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	if (!getsockopt(rxq->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		afp_stats(afp)->rx_dropped += st.tp_drops;
}

static void rx_block_release(struct afp_rxq *rxq)
{
	struct tpacket_block_desc *bd = (struct tpacket_block_desc *)
		(rxq->ring + (size_t)rxq->cur * AFP_RX_BLOCK);

	__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
			 __ATOMIC_RELEASE);
	rxq->in_block = false;
	rxq->cur = (rxq->cur + 1) % AFP_RX_BLOCKS;
}

/* Receive from queue q's TPACKET_V3 ring. */
static int afp_rx_ring(struct afp *afp, int q, struct pkt_pool *pool,
		       struct pkt **pkts, int n)
{
	struct afp_rxq *rxq = &afp->rxq[q];
	int got = 0, r;

	while (got < n) {
		struct io_ring_frame f;
		struct pkt *small, *pkt;

		if (!rxq->in_block) {
			const struct tpacket_block_desc *bd =
				(const void *)(rxq->ring +
					       (size_t)rxq->cur * AFP_RX_BLOCK);

			if (!(__atomic_load_n(&bd->hdr.bh1.block_status,
					      __ATOMIC_ACQUIRE) &
			      TP_STATUS_USER))
				break;
			rxq->in_block = true;
			/* One look per block: at most a system call per
			 * several hundred frames under load. */
			afp_kernel_drops(afp, rxq);
			if (io_tpv3_block_open(&rxq->c, bd, AFP_RX_BLOCK,
					       afp->vnet) < 0) {
				afp_stats(afp)->rx_dropped++;
				rx_block_release(rxq);
				continue;
			}
		}
		if (!rxq->c.left) {
			rx_block_release(rxq);
			continue;
		}
		small = pkt_alloc(pool);
		if (!small)
			break;  /* pool empty: counted by the pool */
		r = io_tpv3_next(&rxq->c, &f);
		if (r <= 0) {
			pkt_free(small);
			if (r < 0)
				afp_stats(afp)->rx_dropped++;
			rx_block_release(rxq);
			continue;
		}
		pkt = afp_ring_frame(afp, pool, small, &f);
		if (pkt)
			pkts[got++] = pkt;
	}
	if (!got && !rxq->in_block) {
		/*
		 * Woken with nothing to read: an error (the interface went
		 * away) keeps the socket readable until it is read.
		 */
		int e;
		socklen_t len = sizeof(e);

		(void)getsockopt(rxq->fd, SOL_SOCKET, SO_ERROR, &e, &len);
	}
	return got;
}

static int afp_rx_burst(struct netdev *dev, int q, struct pkt_pool *pool,
			struct pkt **pkts, int n)
{
	struct afp *afp = dev->io_priv;

	if (q < 0 || q >= afp->nq)
		q = 0;
	if (afp->rxq[q].ring)
		return afp_rx_ring(afp, q, pool, pkts, n);
	return afp_rx_mmsg(afp, q, pool, pkts, n);
}

/* Send one frame now, on the plain socket. 0 or a negative errno. */
static int afp_send_now(struct afp *afp, const struct pkt *pkt)
{
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
		r = sendmsg(afp->txfd, &msg, MSG_DONTWAIT);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

/*
 * Send what worker q's batch holds. Frames the kernel could not take are
 * counted as tx_dropped (they were counted sent when queued).
 */
static void afp_txq_flush(void *arg)
{
	struct afp_txq *txq = arg;
	struct afp *afp = txq->afp;
	unsigned sent = 0;
	int r;

	if (!txq->pending)
		return;
	if (txq->ring) {
		/* The kernel sends every slot marked, in ring order. */
		do {
			r = (int)send(txq->fd, NULL, 0, MSG_DONTWAIT);
		} while (r < 0 && errno == EINTR);
		txq->pending = 0;
		return;
	}
	while (sent < txq->pending) {
		r = sendmmsg(txq->fd, txq->msgs + sent, txq->pending - sent,
			     MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			afp_stats(afp)->tx_dropped += txq->pending - sent;
			break;
		}
		sent += (unsigned)r;
	}
	txq->pending = 0;
}

/* A frame was added to txq: make sure it leaves. */
static void txq_queued(struct afp_txq *txq, unsigned kick)
{
	if (++txq->pending == 1 &&
	    !ns_worker_tx_defer(afp_txq_flush, txq)) {
		afp_txq_flush(txq);     /* cannot wait: send now */
		return;
	}
	if (txq->pending >= kick)
		afp_txq_flush(txq);
}

/* Into worker q's TX ring. 0, or -ENOSPC when the ring is full. */
static int tx_ring_put(struct afp_txq *txq, const struct virtio_net_hdr *vh,
		       const struct pkt *pkt)
{
	uint8_t *slot = txq->ring + (size_t)txq->head * AFP_TX_FRAME;
	bool bad;
	int err;

	if (!io_tpv2_tx_slot_free(slot, &bad)) {
		/* Full: push out what is queued, look once more. */
		afp_txq_flush(txq);
		if (!io_tpv2_tx_slot_free(slot, &bad))
			return -ENOSPC;
	}
	if (bad)
		afp_stats(txq->afp)->tx_dropped++;
	err = io_tpv2_tx_fill(slot, AFP_TX_FRAME, vh, pkt->data, pkt->len);
	if (err)
		return err;
	txq->head = (txq->head + 1) % txq->nframes;
	txq_queued(txq, AFP_TX_KICK);
	return 0;
}

/* Into worker q's sendmmsg batch. */
static void tx_stage_put(struct afp_txq *txq, const struct virtio_net_hdr *vh,
			 const struct pkt *pkt)
{
	unsigned i = txq->pending;
	uint8_t *p = txq->stage + (size_t)i * AFP_TX_FRAME;
	size_t vlen = vh ? sizeof(*vh) : 0;

	if (vh)
		memcpy(p, vh, vlen);
	memcpy(p + vlen, pkt->data, pkt->len);
	txq->iov[i].iov_base = p;
	txq->iov[i].iov_len = vlen + pkt->len;
	memset(&txq->msgs[i], 0, sizeof(txq->msgs[i]));
	txq->msgs[i].msg_hdr.msg_iov = &txq->iov[i];
	txq->msgs[i].msg_hdr.msg_iovlen = 1;
	txq_queued(txq, AFP_TX_BATCH);
}

static int afp_tx(struct netdev *dev, const struct pkt *pkt)
{
	struct afp *afp = dev->io_priv;
	struct ns_worker *w = ns_cur_worker;
	struct virtio_net_hdr vh, *vhp = NULL;
	struct afp_txq *txq;

	/* Not a daemon worker, or a frame no slot holds: at once. */
	if (!w || !w->tx_defer_ok || w->id >= afp->nq ||
	    afp->tx_mode == AFP_SINGLE ||
	    pkt->len > io_tpv2_tx_room(AFP_TX_FRAME, afp->vnet))
		return afp_send_now(afp, pkt);
	txq = &afp->txq[w->id];
	if (afp->vnet) {
		io_vnet_from_pkt(pkt, &vh);
		vhp = &vh;
	}
	if (txq->ring) {
		if (!tx_ring_put(txq, vhp, pkt))
			return 0;
		return afp_send_now(afp, pkt);
	}
	tx_stage_put(txq, vhp, pkt);
	return 0;
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
