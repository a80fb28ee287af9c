// SPDX-License-Identifier: MIT
/*
 * I/O backends against the real kernel: AF_PACKET bound to one end of a
 * veth pair, TAP through /dev/net/tun. The test process first moves itself
 * into a private network namespace (unshare), so it touches nothing on the
 * host; without root (no namespace) every test is skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/worker.h"
#include "io/io.h"
#include "pkt/csum.h"
#include "pkt/pkt.h"
#include "core/netdev.h"

/* <net/if.h> clashes with netdev.h's struct ifaddr. */
extern unsigned int if_nametoindex(const char *ifname);

/* Counters for the test devices (a netdev points at its own). */
static struct netdev_stats dev_pstats[NS_MAX_WORKERS];

static int have_netns;

static int sh(const char *cmd)
{
	int rc = system(cmd);

	return rc == 0 ? 0 : -1;
}

static int setup_ns(void **state)
{
	(void)state;
	if (getuid() != 0 || unshare(CLONE_NEWNET) != 0)
		return 0;
	if (sh("ip link set lo up && "
	       "ip link add nsv-a0 type veth peer name nsv-a1 && "
	       "ip link set nsv-a0 up && ip link set nsv-a1 up && "
	       "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
	       ">/dev/null 2>&1; true"))
		return 0;
	/*
	 * Frames sent before link-watch attaches a real qdisc (noop until
	 * then) are dropped: wait for both ends to be fully up.
	 */
	if (sh("for i in $(seq 50); do "
	       "ip link show nsv-a0 | grep -q 'noop' || "
	       "ip link show nsv-a1 | grep -q 'noop' || exit 0; "
	       "sleep 0.1; done; exit 1"))
		return 0;
	have_netns = if_nametoindex("nsv-a0") != 0;
	return 0;
}

/* A raw socket on ifname: the far end of the wire, for the tests. */
static int raw_socket(const char *ifname, int vnet)
{
	struct sockaddr_ll sll;
	int fd, one = 1;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	if (vnet)
		assert_int_equal(setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR,
					    &one, sizeof(one)), 0);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	assert_int_not_equal(sll.sll_ifindex, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0);
	return fd;
}

/* An Ethernet + IPv4 + UDP frame with valid checksums. */
static size_t make_udp(uint8_t *f, const uint8_t *dst, uint16_t sport,
		       size_t payload)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	uint16_t tot = (uint16_t)(20 + 8 + payload);
	uint16_t ulen = (uint16_t)(8 + payload);
	uint32_t saddr = htonl(0x0a000001), daddr = htonl(0x0a000002);
	uint16_t c;
	size_t i;

	memcpy(f, dst, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = tot >> 8;
	ip[3] = tot & 0xff;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	c = ip_fast_csum(ip, 5);
	memcpy(ip + 10, &c, 2);
	udp[0] = sport >> 8;
	udp[1] = sport & 0xff;
	udp[2] = 0x13;
	udp[3] = 0x88;
	udp[4] = ulen >> 8;
	udp[5] = ulen & 0xff;
	udp[6] = udp[7] = 0;
	for (i = 0; i < payload; i++)
		udp[8 + i] = (uint8_t)i;
	c = csum_fold(csum_partial(
		udp, ulen, csum_tcpudp_nofold(saddr, daddr, ulen, 17, 0)));
	if (!c)
		c = 0xffff;
	memcpy(udp + 6, &c, 2);
	return 14 + tot;
}

static int wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms);
}

static void test_afpacket_open_errors(void **state)
{
	const struct io_ops *ops = io_lookup("afpacket");
	struct netdev dev;

	(void)state;
	assert_non_null(ops);
	if (!have_netns)
		skip();
	memset(&dev, 0, sizeof(dev));
	dev.pstats = dev_pstats;
	assert_int_equal(ops->open(&dev, "dev nsv-nope", 1), -ENODEV);
	assert_int_equal(ops->open(&dev, "", 1), -EINVAL);
	assert_int_equal(ops->open(&dev, "dev a b", 1), -EINVAL);
	assert_int_equal(ops->open(&dev, "dev nsv-a0 rx", 1), -EINVAL);
	assert_int_equal(ops->open(&dev, "dev nsv-a0 rx single", 1), -EINVAL);
	assert_int_equal(ops->open(&dev, "dev nsv-a0 tx fast", 1), -EINVAL);
	assert_int_equal(ops->open(&dev, "dev nsv-a0 qdisc-bypass 1", 1),
			 -EINVAL);
	assert_int_equal(ops->open(&dev, "dev 0123456789abcdefXYZ", 1), -EINVAL);
	assert_int_equal(ops->open(&dev, NULL, 1), -EINVAL);
	assert_null(dev.io_priv);
}

/* state: the backend's argument (ring or mmsg paths); NULL: defaults. */
static void test_afpacket_rx_tx(void **state)
{
	const struct io_ops *ops = io_lookup("afpacket");
	static const uint8_t other[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct pkt_pool pool;
	struct pkt *pkts[64];
	struct netdev dev;
	uint8_t f[1600], g[1600];
	size_t len;
	int raw, n, i, total;

	if (!have_netns)
		skip();
	assert_int_equal(pkt_pool_create(&pool, 256), 0);
	memset(&dev, 0, sizeof(dev));
	dev.pstats = dev_pstats;
	assert_int_equal(ops->open(&dev, *state ? *state : "dev nsv-a0", 1), 0);
	assert_true(dev.mtu == 1500);
	assert_true(dev.promisc);
	assert_true(dev.mac[0] || dev.mac[1] || dev.mac[2] || dev.mac[5]);
	assert_true(ops->fd(&dev, 0) >= 0);
	raw = raw_socket("nsv-a1", 0);

	/* Nothing yet. */
	assert_int_equal(ops->rx_burst(&dev, 0, &pool, pkts, 32), 0);
	assert_int_equal(pkt_pool_avail(&pool), 256);

	/* A unicast frame to another MAC (promiscuous) and a broadcast. */
	len = make_udp(f, other, 1000, 100);
	assert_int_equal(send(raw, f, len, 0), (ssize_t)len);
	len = make_udp(g, bcast, 1001, 1400);
	assert_int_equal(send(raw, g, len, 0), (ssize_t)len);
	assert_true(wait_readable(ops->fd(&dev, 0), 1000) > 0);
	n = ops->rx_burst(&dev, 0, &pool, pkts, 32);
	assert_int_equal(n, 2);
	assert_int_equal(pkts[0]->len, 14 + 128);
	assert_memory_equal(pkts[0]->data, f, 14 + 128);
	assert_int_equal(pkts[1]->len, len);
	assert_memory_equal(pkts[1]->data, g, len);
	assert_int_equal(pkts[1]->pkt_type, PACKET_BROADCAST);
	pkt_free(pkts[0]);
	pkt_free(pkts[1]);
	assert_int_equal(pkt_pool_avail(&pool), 256);

	/* Bursts: 100 frames come out as 32 + 32 + 32 + 4. */
	for (i = 0; i < 100; i++) {
		len = make_udp(f, other, (uint16_t)(2000 + i), 20);
		assert_int_equal(send(raw, f, len, 0), (ssize_t)len);
	}
	total = 0;
	for (i = 0; i < 10 && total < 100; i++) {
		int j;

		/* A ring hands a block over when full or after its timeout. */
		if (i)
			(void)wait_readable(ops->fd(&dev, 0), 100);
		n = ops->rx_burst(&dev, 0, &pool, pkts, 32);
		assert_true(n <= 32);
		for (j = 0; j < n; j++) {
			uint8_t *udp = pkts[j]->data + 34;

			/* In order, none lost. */
			assert_int_equal((udp[0] << 8 | udp[1]),
					 2000 + total + j);
			pkt_free(pkts[j]);
		}
		total += n;
	}
	assert_int_equal(total, 100);

	/* Transmit: the far end sees the exact frame; we do not see it. */
	len = make_udp(f, other, 3000, 64);
	{
		struct pkt *p = pkt_alloc(&pool);

		assert_non_null(p);
		assert_int_equal(pkt_set_frame(p, f, (uint32_t)len), 0);
		assert_int_equal(ops->tx(&dev, p), 0);
		pkt_free(p);
	}
	assert_true(wait_readable(raw, 1000) > 0);
	assert_int_equal(recv(raw, g, sizeof(g), 0), (ssize_t)len);
	assert_memory_equal(g, f, len);
	usleep(20000);
	assert_int_equal(ops->rx_burst(&dev, 0, &pool, pkts, 32), 0);

	/* Pool exhausted: frames stay queued, nothing breaks. */
	{
		struct pkt *held[257];
		int h = 0;

		while ((held[h] = pkt_alloc(&pool)))
			h++;
		len = make_udp(f, other, 4000, 10);
		assert_int_equal(send(raw, f, len, 0), (ssize_t)len);
		assert_true(wait_readable(ops->fd(&dev, 0), 1000) > 0);
		assert_int_equal(ops->rx_burst(&dev, 0, &pool, pkts, 32), 0);
		while (h)
			pkt_free(held[--h]);
		assert_int_equal(ops->rx_burst(&dev, 0, &pool, pkts, 32), 1);
		pkt_free(pkts[0]);
	}

	close(raw);
	ops->close(&dev);
	assert_null(dev.io_priv);
	assert_int_equal(pkt_pool_avail(&pool), 256);
	pkt_pool_destroy(&pool);
}

/*
 * Batched transmit (state: the backend's argument): a daemon worker's
 * frames wait in its TX ring or sendmmsg batch until the round ends
 * (ns_worker_tx_flush()), then all leave, in order.
 */
static void test_afpacket_tx_batch(void **state)
{
	const struct io_ops *ops = io_lookup("afpacket");
	static const uint8_t other[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	struct ns_worker w;
	struct pkt_pool pool;
	struct netdev dev;
	uint8_t f[1600], g[1600];
	size_t len;
	int raw, i;

	if (!have_netns)
		skip();
	assert_int_equal(pkt_pool_create(&pool, 16), 0);
	memset(&dev, 0, sizeof(dev));
	dev.pstats = dev_pstats;
	assert_int_equal(ops->open(&dev, *state, 1), 0);
	raw = raw_socket("nsv-a1", 0);
	memset(&w, 0, sizeof(w));
	w.tx_defer_ok = true;
	ns_cur_worker = &w;
	for (i = 0; i < 50; i++) {
		struct pkt *p = pkt_alloc(&pool);

		len = make_udp(f, other, (uint16_t)(6000 + i), 40);
		assert_int_equal(pkt_set_frame(p, f, (uint32_t)len), 0);
		assert_int_equal(ops->tx(&dev, p), 0);
		pkt_free(p);
	}
	/* One batch registered with the worker, nothing sent yet. */
	assert_int_equal(w.ntx_defer, 1);
	assert_int_equal(wait_readable(raw, 50), 0);
	ns_worker_tx_flush(&w);
	ns_cur_worker = NULL;
	assert_int_equal(w.ntx_defer, 0);
	for (i = 0; i < 50; i++) {
		assert_true(wait_readable(raw, 1000) > 0);
		assert_int_equal(recv(raw, g, sizeof(g), 0), (ssize_t)len);
		assert_int_equal(g[34] << 8 | g[35], 6000 + i);
	}
	/* The ring's slots come back: rounds past its end work the same. */
	for (int r = 0; r < 12; r++) {
		ns_cur_worker = &w;
		for (i = 0; i < 100; i++) {
			struct pkt *p = pkt_alloc(&pool);

			len = make_udp(f, other, (uint16_t)(7000 + i), 40);
			assert_int_equal(pkt_set_frame(p, f, (uint32_t)len), 0);
			assert_int_equal(ops->tx(&dev, p), 0);
			pkt_free(p);
		}
		ns_worker_tx_flush(&w);
		ns_cur_worker = NULL;
		for (i = 0; i < 100; i++) {
			assert_true(wait_readable(raw, 1000) > 0);
			assert_int_equal(recv(raw, g, sizeof(g), 0),
					 (ssize_t)len);
			assert_int_equal(g[34] << 8 | g[35], 7000 + i);
		}
	}
	close(raw);
	ops->close(&dev);
	pkt_pool_destroy(&pool);
}

/*
 * A ring left unread fills; what the kernel then drops is counted as the
 * interface's rx_dropped, and everything else still comes out.
 */
static void test_afpacket_ring_full(void **state)
{
	const struct io_ops *ops = io_lookup("afpacket");
	static const uint8_t other[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	struct pkt_pool pool;
	struct pkt *pkts[32];
	struct netdev dev;
	uint8_t f[1600];
	uint64_t dropped;
	size_t len;
	int raw, i, n, got = 0, sent = 8000;

	(void)state;
	if (!have_netns)
		skip();
	assert_int_equal(pkt_pool_create(&pool, 64), 0);
	memset(&dev, 0, sizeof(dev));
	memset(dev_pstats, 0, sizeof(dev_pstats));
	dev.pstats = dev_pstats;
	assert_int_equal(ops->open(&dev, "dev nsv-a0", 1), 0);
	raw = raw_socket("nsv-a1", 0);
	len = make_udp(f, other, 1000, 1400);
	for (i = 0; i < sent; i++)
		assert_int_equal(send(raw, f, len, 0), (ssize_t)len);
	for (i = 0; i < 2000; i++) {
		n = ops->rx_burst(&dev, 0, &pool, pkts, 32);
		if (!n && wait_readable(ops->fd(&dev, 0), 100) <= 0)
			break;
		got += n;
		while (n)
			pkt_free(pkts[--n]);
	}
	dropped = dev_pstats[0].rx_dropped;
	/* 64 blocks of 128 KiB hold about 5,000 such frames. */
	assert_true(got > 4000 && got < sent);
	assert_true(dropped > 0);
	assert_int_equal(got + (int)dropped, sent);
	close(raw);
	ops->close(&dev);
	memset(dev_pstats, 0, sizeof(dev_pstats));
	pkt_pool_destroy(&pool);
}

/*
 * A frame sent with a partial checksum (as a local TCP/UDP stack with
 * checksum offload produces) arrives with the checksum completed.
 */
static void test_afpacket_partial_csum(void **state)
{
	const struct io_ops *ops = io_lookup("afpacket");
	static const uint8_t other[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	struct virtio_net_hdr vh;
	struct pkt_pool pool;
	struct pkt *pkts[4];
	struct netdev dev;
	struct iovec iov[2];
	struct msghdr msg;
	uint8_t f[256], want[256];
	uint32_t saddr = htonl(0x0a000001), daddr = htonl(0x0a000002);
	uint16_t pseudo;
	size_t len;
	int raw;

	(void)state;
	if (!have_netns)
		skip();
	assert_int_equal(pkt_pool_create(&pool, 16), 0);
	memset(&dev, 0, sizeof(dev));
	dev.pstats = dev_pstats;
	assert_int_equal(ops->open(&dev, "nsv-a0", 1), 0);
	raw = raw_socket("nsv-a1", 1);

	len = make_udp(want, other, 5000, 50);
	memcpy(f, want, len);
	/* The UDP checksum field holds the folded pseudo-header sum only. */
	pseudo = (uint16_t)~csum_fold(csum_tcpudp_nofold(saddr, daddr, 58, 17,
							 0));
	memcpy(f + 34 + 6, &pseudo, 2);
	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.csum_start = 34;
	vh.csum_offset = 6;
	iov[0].iov_base = &vh;
	iov[0].iov_len = sizeof(vh);
	iov[1].iov_base = f;
	iov[1].iov_len = len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	assert_int_equal(sendmsg(raw, &msg, 0), (ssize_t)(sizeof(vh) + len));
	assert_true(wait_readable(ops->fd(&dev, 0), 1000) > 0);
	assert_int_equal(ops->rx_burst(&dev, 0, &pool, pkts, 4), 1);
	assert_int_equal(pkts[0]->len, len);
	assert_memory_equal(pkts[0]->data, want, len);
	pkt_free(pkts[0]);
	close(raw);
	ops->close(&dev);
	pkt_pool_destroy(&pool);
}

/* A jumbo MTU is clipped to the buffer size; a jumbo frame is counted. */
static void test_afpacket_jumbo(void **state)
{
	const struct io_ops *ops = io_lookup("afpacket");
	static const uint8_t other[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	struct pkt_pool pool;
	struct pkt *pkts[4];
	struct netdev dev;
	static uint8_t f[4000];
	size_t len;
	int raw;

	(void)state;
	if (!have_netns)
		skip();
	assert_int_equal(sh("ip link set nsv-a0 mtu 4000 && "
			    "ip link set nsv-a1 mtu 4000"), 0);
	assert_int_equal(pkt_pool_create(&pool, 16), 0);
	memset(&dev, 0, sizeof(dev));
	dev.pstats = dev_pstats;
	assert_int_equal(ops->open(&dev, "dev nsv-a0", 1), 0);
	assert_int_equal(dev.mtu, PKT_MAX_FRAME - 14);
	raw = raw_socket("nsv-a1", 0);
	len = make_udp(f, other, 7000, 3000);
	assert_int_equal(send(raw, f, len, 0), (ssize_t)len);
	len = make_udp(f, other, 7001, 100);
	assert_int_equal(send(raw, f, len, 0), (ssize_t)len);
	assert_true(wait_readable(ops->fd(&dev, 0), 1000) > 0);
	usleep(20000);
	assert_int_equal(ops->rx_burst(&dev, 0, &pool, pkts, 4), 1);
	assert_int_equal(pkts[0]->len, len);
	assert_int_equal(netdev_stats_read(&dev).rx_dropped, 1);
	pkt_free(pkts[0]);
	assert_int_equal(pkt_pool_avail(&pool), 16);
	close(raw);
	ops->close(&dev);
	pkt_pool_destroy(&pool);
	assert_int_equal(sh("ip link set nsv-a0 mtu 1500 && "
			    "ip link set nsv-a1 mtu 1500"), 0);
}

/*
 * An Ethernet + IPv4 + TCP super-frame of dlen payload bytes with its
 * checksum partial (the pseudo-header sum in the field), as a local TCP
 * stack with TSO hands it to a veth.
 */
static size_t make_tso(uint8_t *f, const uint8_t *dst, size_t dlen)
{
	uint8_t *ip = f + 14, *th = ip + 20;
	uint32_t tot = 20 + 20 + (uint32_t)dlen;
	uint32_t saddr = htonl(0x0a000001), daddr = htonl(0x0a000002);
	uint16_t c;
	size_t i;

	memcpy(f, dst, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(ip, 0, 40);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = tot & 0xff;
	ip[6] = 0x40;           /* DF */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	c = ip_fast_csum(ip, 5);
	memcpy(ip + 10, &c, 2);
	th[1] = 80;
	th[3] = 81;
	th[7] = 1;              /* seq 1 */
	th[12] = 5 << 4;
	th[13] = 0x18;          /* ACK PSH */
	th[14] = 0x10;
	for (i = 0; i < dlen; i++)
		th[20 + i] = (uint8_t)(i * 13);
	c = (uint16_t)~csum_fold(csum_tcpudp_nofold(saddr, daddr,
						    (uint16_t)(tot - 20), 6,
						    0));
	memcpy(th + 16, &c, 2);
	return 14 + tot;
}

/* Send frame f with a TSO virtio_net_hdr on the raw (vnet) socket. */
static void send_tso(int raw, uint8_t *f, size_t len)
{
	struct virtio_net_hdr vh;
	struct iovec iov[2];
	struct msghdr msg;

	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.csum_start = 34;
	vh.csum_offset = 16;
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh.gso_size = 1448;
	vh.hdr_len = 54;
	iov[0].iov_base = &vh;
	iov[0].iov_len = sizeof(vh);
	iov[1].iov_base = f;
	iov[1].iov_len = len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	assert_int_equal(sendmsg(raw, &msg, 0), (ssize_t)(sizeof(vh) + len));
}

/*
 * A TSO super-frame arrives whole in a large buffer with its GSO metadata
 * and partial checksum; sent back, the far end gets it whole with its
 * virtio_net_hdr. With no large buffer free it is dropped and counted.
 */
static void test_afpacket_gso(void **state)
{
	const struct io_ops *ops = io_lookup("afpacket");
	static const uint8_t other[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	static uint8_t f[30000], g[30000 + 64];
	struct virtio_net_hdr vh;
	struct pkt_pool pool;
	struct pkt *pkts[4], *held[8];
	struct netdev dev;
	struct iovec iov[2];
	struct msghdr msg;
	uint64_t dropped;
	size_t len;
	int raw, h = 0;

	(void)state;
	if (!have_netns)
		skip();
	assert_int_equal(pkt_pool_create(&pool, 16), 0);
	memset(&dev, 0, sizeof(dev));
	dev.pstats = dev_pstats;
	assert_int_equal(ops->open(&dev, "nsv-a0", 1), 0);
	assert_true(dev.gso_ok);
	raw = raw_socket("nsv-a1", 1);

	len = make_tso(f, other, 20000);
	send_tso(raw, f, len);
	assert_true(wait_readable(ops->fd(&dev, 0), 1000) > 0);
	assert_int_equal(ops->rx_burst(&dev, 0, &pool, pkts, 4), 1);
	assert_non_null(pkts[0]->big);
	assert_int_equal(pkts[0]->len, len);
	assert_memory_equal(pkts[0]->data, f, len);
	assert_int_equal(pkts[0]->gso_type, PKT_GSO_TCPV4);
	assert_int_equal(pkts[0]->gso_size, 1448);
	assert_true(pkts[0]->csum_partial);
	assert_int_equal(pkts[0]->csum_start, 34);
	assert_int_equal(pkts[0]->csum_offset, 16);
	/* Only the large buffer holds it; every small one is back. */
	assert_int_equal(pkt_pool_avail(&pool), 16);
	assert_int_equal(pkt_pool_big_avail(&pool), pool.big_size - 1);

	/* Sent whole: the far end sees one frame and its GSO header. */
	pkts[0]->l3_off = 14;
	pkts[0]->l4_off = 34;
	pkts[0]->l4_len = (uint16_t)(len - 34);
	assert_int_equal(ops->tx(&dev, pkts[0]), 0);
	pkt_free(pkts[0]);
	assert_true(wait_readable(raw, 1000) > 0);
	iov[0].iov_base = &vh;
	iov[0].iov_len = sizeof(vh);
	iov[1].iov_base = g;
	iov[1].iov_len = sizeof(g);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	assert_int_equal(recvmsg(raw, &msg, 0), (ssize_t)(sizeof(vh) + len));
	assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(vh.gso_size, 1448);
	assert_memory_equal(g, f, 34);

	/* No large buffer free: the super-frame is dropped, counted. */
	dropped = netdev_stats_read(&dev).rx_dropped;
	while ((held[h] = pkt_alloc_big(&pool)))
		h++;
	send_tso(raw, f, len);
	assert_true(wait_readable(ops->fd(&dev, 0), 1000) > 0);
	assert_int_equal(ops->rx_burst(&dev, 0, &pool, pkts, 4), 0);
	assert_int_equal(netdev_stats_read(&dev).rx_dropped, dropped + 1);
	while (h)
		pkt_free(held[--h]);
	assert_int_equal(pkt_pool_avail(&pool), 16);
	assert_int_equal(pkt_pool_big_avail(&pool), pool.big_size);
	close(raw);
	ops->close(&dev);
	pkt_pool_destroy(&pool);
}

/* One netsieve per kernel interface: a second bind is refused. */
static void test_afpacket_bound_once(void **state)
{
	const struct io_ops *ops = io_lookup("afpacket");
	struct netdev a, b;

	(void)state;
	if (!have_netns)
		skip();
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.pstats = b.pstats = dev_pstats;
	assert_int_equal(ops->open(&a, "nsv-a0", 1), 0);
	assert_int_equal(ops->open(&b, "nsv-a0", 1), -EADDRINUSE);
	assert_null(b.io_priv);
	assert_int_equal(io_ifbind_holder("nsv-a0"), (int)getpid());
	/* The other end of the pair is free. */
	assert_int_equal(ops->open(&b, "nsv-a1", 1), 0);
	ops->close(&b);
	ops->close(&a);
	assert_int_equal(io_ifbind_holder("nsv-a0"), -ESRCH);
	assert_int_equal(ops->open(&b, "nsv-a0", 1), 0);
	ops->close(&b);
}

/*
 * AF_XDP on the veth (state: the backend's argument): frames sent on the
 * far end come out of rx_burst whole with the packet type AF_PACKET would
 * give; a daemon worker's frames wait in its TX ring until the round ends;
 * a non-worker's leave at once. Skipped when this build has no afxdp or
 * the kernel refuses AF_XDP here.
 */
static void test_afxdp(void **state)
{
	const struct io_ops *ops = io_lookup("afxdp");
	static const uint8_t other[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct pkt_pool pool;
	struct pkt *pkts[64];
	struct ns_worker w;
	struct netdev dev;
	uint8_t f[1600], g[1600];
	size_t len;
	int raw, n, i, err, total;

	if (!have_netns || !ops)
		skip();
	assert_int_equal(pkt_pool_create(&pool, 256), 0);
	memset(&dev, 0, sizeof(dev));
	dev.pstats = dev_pstats;
	assert_int_equal(ops->open(&dev, "dev nsv-a0 xdp-mode fast", 1),
			 -EINVAL);
	assert_int_equal(ops->open(&dev, "dev nsv-a0 zerocopy maybe", 1),
			 -EINVAL);
	err = ops->open(&dev, *state, 1);
	if (err == -EOPNOTSUPP || err == -EPERM) {
		pkt_pool_destroy(&pool);
		skip();
	}
	assert_int_equal(err, 0);
	assert_false(dev.gso_ok);
	assert_true(ops->fd(&dev, 0) >= 0);
	assert_int_equal(ops->fd(&dev, 1), -1);
	raw = raw_socket("nsv-a1", 0);

	/* Receive: unicast to another MAC, broadcast, to our own MAC. */
	len = make_udp(f, other, 1000, 100);
	assert_int_equal(send(raw, f, len, 0), (ssize_t)len);
	len = make_udp(g, bcast, 1001, 1400);
	assert_int_equal(send(raw, g, len, 0), (ssize_t)len);
	len = make_udp(f, dev.mac, 1002, 10);
	assert_int_equal(send(raw, f, len, 0), (ssize_t)len);
	total = 0;
	for (i = 0; i < 20 && total < 3; i++) {
		(void)wait_readable(ops->fd(&dev, 0), 100);
		n = ops->rx_burst(&dev, 0, &pool, pkts + total, 32);
		total += n;
	}
	assert_int_equal(total, 3);
	assert_int_equal(pkts[0]->len, 14 + 128);
	assert_int_equal(pkts[0]->pkt_type, PACKET_OTHERHOST);
	assert_int_equal(pkts[1]->len, 14 + 20 + 8 + 1400);
	assert_memory_equal(pkts[1]->data, g, pkts[1]->len);
	assert_int_equal(pkts[1]->pkt_type, PACKET_BROADCAST);
	assert_int_equal(pkts[2]->pkt_type, PACKET_HOST);
	assert_memory_equal(pkts[2]->data, f, len);
	for (i = 0; i < 3; i++)
		pkt_free(pkts[i]);

	/* Many: every frame comes back, the fill ring refilled as it goes. */
	for (int round = 0; round < 10; round++) {
		for (i = 0; i < 300; i++) {
			len = make_udp(f, other, (uint16_t)(2000 + i), 20);
			assert_int_equal(send(raw, f, len, 0), (ssize_t)len);
		}
		total = 0;
		for (i = 0; i < 100 && total < 300; i++) {
			int j;

			if (i)
				(void)wait_readable(ops->fd(&dev, 0), 100);
			n = ops->rx_burst(&dev, 0, &pool, pkts, 32);
			for (j = 0; j < n; j++) {
				uint8_t *udp = pkts[j]->data + 34;

				assert_int_equal(udp[0] << 8 | udp[1],
						 2000 + total + j);
				pkt_free(pkts[j]);
			}
			total += n;
		}
		assert_int_equal(total, 300);
	}

	/* Transmit from a worker: held until the round ends, then sent. */
	memset(&w, 0, sizeof(w));
	w.tx_defer_ok = true;
	ns_cur_worker = &w;
	for (i = 0; i < 20; i++) {
		struct pkt *p = pkt_alloc(&pool);

		len = make_udp(f, other, (uint16_t)(3000 + i), 64);
		assert_int_equal(pkt_set_frame(p, f, (uint32_t)len), 0);
		assert_int_equal(ops->tx(&dev, p), 0);
		pkt_free(p);
	}
	assert_int_equal(w.ntx_defer, 1);
	assert_int_equal(wait_readable(raw, 50), 0);
	ns_worker_tx_flush(&w);
	ns_cur_worker = NULL;
	for (i = 0; i < 20; i++) {
		assert_true(wait_readable(raw, 1000) > 0);
		assert_int_equal(recv(raw, g, sizeof(g), 0), (ssize_t)len);
		assert_int_equal(g[34] << 8 | g[35], 3000 + i);
	}
	/* From another thread: at once. */
	{
		struct pkt *p = pkt_alloc(&pool);

		len = make_udp(f, other, 4000, 64);
		assert_int_equal(pkt_set_frame(p, f, (uint32_t)len), 0);
		assert_int_equal(ops->tx(&dev, p), 0);
		pkt_free(p);
	}
	assert_true(wait_readable(raw, 1000) > 0);
	assert_int_equal(recv(raw, g, sizeof(g), 0), (ssize_t)len);
	assert_memory_equal(g, f, len);

	close(raw);
	ops->close(&dev);
	assert_null(dev.io_priv);
	assert_int_equal(pkt_pool_avail(&pool), 256);
	pkt_pool_destroy(&pool);
}

static void test_tap(void **state)
{
	const struct io_ops *ops = io_lookup("tap");
	static const uint8_t other[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	struct pkt_pool pool;
	struct pkt *pkts[8];
	struct netdev dev;
	uint8_t f[256], g[256];
	size_t len;
	int raw;

	(void)state;
	assert_non_null(ops);
	if (!have_netns || access("/dev/net/tun", R_OK | W_OK))
		skip();
	assert_int_equal(pkt_pool_create(&pool, 16), 0);
	memset(&dev, 0, sizeof(dev));
	dev.pstats = dev_pstats;
	assert_int_equal(ops->open(&dev, "name nsv-t0", 1), 0);
	assert_int_not_equal(if_nametoindex("nsv-t0"), 0);
	assert_int_equal(dev.mtu, 1500);
	raw = raw_socket("nsv-t0", 0);

	/* Host -> tap -> netsieve. */
	len = make_udp(f, other, 6000, 30);
	assert_int_equal(send(raw, f, len, 0), (ssize_t)len);
	assert_true(wait_readable(ops->fd(&dev, 0), 1000) > 0);
	assert_int_equal(ops->rx_burst(&dev, 0, &pool, pkts, 8), 1);
	assert_int_equal(pkts[0]->len, len);
	assert_memory_equal(pkts[0]->data, f, len);

	/* netsieve -> tap -> host. */
	make_udp(pkts[0]->data, other, 6001, 30);
	memcpy(f, pkts[0]->data, len);
	assert_int_equal(ops->tx(&dev, pkts[0]), 0);
	pkt_free(pkts[0]);
	assert_true(wait_readable(raw, 1000) > 0);
	assert_int_equal(recv(raw, g, sizeof(g), 0), (ssize_t)len);
	assert_memory_equal(g, f, len);
	close(raw);

	ops->close(&dev);
	assert_int_equal(if_nametoindex("nsv-t0"), 0);  /* not persistent */
	assert_int_equal(ops->open(&dev, "name has space", 1), -EINVAL);
	/* Kernel-chosen name. */
	assert_int_equal(ops->open(&dev, NULL, 1), 0);
	ops->close(&dev);
	pkt_pool_destroy(&pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_afpacket_open_errors),
		cmocka_unit_test(test_afpacket_rx_tx),
		cmocka_unit_test_prestate(test_afpacket_rx_tx,
			"dev nsv-a0 rx mmsg tx mmsg qdisc-bypass off"),
		cmocka_unit_test_prestate(test_afpacket_rx_tx,
			"dev nsv-a0 rx ring tx mmsg"),
		cmocka_unit_test_prestate(test_afpacket_rx_tx,
			"dev nsv-a0 rx mmsg tx single"),
		cmocka_unit_test_prestate(test_afpacket_tx_batch,
			"dev nsv-a0 tx ring"),
		cmocka_unit_test_prestate(test_afpacket_tx_batch,
			"dev nsv-a0 tx mmsg qdisc-bypass off"),
		cmocka_unit_test(test_afpacket_ring_full),
		cmocka_unit_test(test_afpacket_partial_csum),
		cmocka_unit_test(test_afpacket_jumbo),
		cmocka_unit_test(test_afpacket_gso),
		cmocka_unit_test(test_afpacket_bound_once),
		cmocka_unit_test_prestate(test_afxdp, "dev nsv-a0"),
		cmocka_unit_test_prestate(test_afxdp,
			"dev nsv-a0 xdp-mode skb zerocopy off"),
		cmocka_unit_test(test_tap),
	};

	return cmocka_run_group_tests_name("io", tests, setup_ns, NULL);
}
