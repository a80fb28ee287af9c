// SPDX-License-Identifier: MIT
/*
 * Software GSO (src/pkt/gso.c) and the stack's use of it: a TSO frame is
 * cut into segments whose every header (IP ID, total length, checksum;
 * TCP sequence, flags, checksum) is checked against the full checksum
 * functions; UDP GSO and UFO likewise; bad metadata is refused. Then the
 * stack: a super-frame is one packet to netfilter, goes out whole where
 * the device takes GSO and cut where it does not, gets ICMP fragmentation
 * needed when its segments exceed a DF path's MTU, and is segmented then
 * fragmented without DF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack_harness.h"

#include "pkt/gso.h"

#define TCPF_CWR 0x80

static struct pkt_pool pool;
static uint8_t frame[70000];

static const uint8_t DST_MAC[6] = { 0x02, 0x6e, 0x73, 0, 0, 1 };
static const uint8_t SRC_MAC[6] = { 0x02, 0, 0, 0, 0, 0x99 };

/* The byte at position i of a test payload. */
static uint8_t pat(uint32_t i)
{
	return (uint8_t)(i * 7 + (i >> 8));
}

/*
 * Ethernet + IPv4 (DF as asked) + TCP with 12 bytes of options + dlen
 * payload bytes, with a partial checksum (the pseudo-header sum in the
 * field) as a local TCP stack hands it to a veth. Returns the length.
 */
static uint32_t tso_frame(uint32_t dlen, uint8_t flags, uint32_t seq,
			  uint16_t id, bool df, uint32_t saddr, uint32_t daddr)
{
	struct ns_iphdr *iph = (struct ns_iphdr *)(frame + 14);
	uint8_t *th = frame + 34;
	uint32_t l4len = 32 + dlen, i, nseq = htonl(seq);
	uint16_t pseudo;

	memcpy(frame, DST_MAC, 6);
	memcpy(frame + 6, SRC_MAC, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	memset(iph, 0, 20);
	iph->ver_ihl = 0x45;
	iph->tot_len = htons((uint16_t)(20 + l4len));
	iph->id = htons(id);
	iph->frag_off = df ? htons(NS_IPH_DF) : 0;
	iph->ttl = 64;
	iph->protocol = 6;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->check = ip_fast_csum(iph, 5);
	memset(th, 0, 32);
	th[0] = 0x9c;           /* port 40000 */
	th[1] = 0x40;
	th[3] = 80;
	memcpy(th + 4, &nseq, 4);
	th[11] = 9;             /* ack 9 */
	th[12] = 8 << 4;        /* doff 8: 12 bytes of options */
	th[13] = flags;
	th[14] = 0x01;          /* window */
	th[20] = 1;             /* NOP NOP timestamp */
	th[21] = 1;
	th[22] = 8;
	th[23] = 10;
	th[24] = 0xaa;
	th[31] = 0xbb;
	for (i = 0; i < dlen; i++)
		th[32 + i] = pat(i);
	pseudo = (uint16_t)~csum_fold(
		csum_tcpudp_nofold(saddr, daddr, (uint16_t)l4len, 6, 0));
	memcpy(th + 16, &pseudo, 2);
	return 34 + l4len;
}

/* Ethernet + IPv4 + UDP header + dlen bytes (checksum partial). */
static uint32_t udp_frame(uint32_t dlen, uint16_t id)
{
	struct ns_iphdr *iph = (struct ns_iphdr *)(frame + 14);
	uint8_t *uh = frame + 34;
	uint32_t l4len = 8 + dlen, i;
	uint16_t pseudo;

	memcpy(frame, DST_MAC, 6);
	memcpy(frame + 6, SRC_MAC, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	memset(iph, 0, 20);
	iph->ver_ihl = 0x45;
	iph->tot_len = htons((uint16_t)(20 + l4len));
	iph->id = htons(id);
	iph->frag_off = htons(NS_IPH_DF);
	iph->ttl = 64;
	iph->protocol = 17;
	iph->saddr = A("10.0.0.2");
	iph->daddr = A("10.0.1.2");
	iph->check = ip_fast_csum(iph, 5);
	uh[0] = 0x13;
	uh[1] = 0x88;
	uh[2] = 0x13;
	uh[3] = 0x89;
	uh[4] = (uint8_t)(l4len >> 8);
	uh[5] = (uint8_t)l4len;
	for (i = 0; i < dlen; i++)
		uh[8 + i] = pat(i);
	pseudo = (uint16_t)~csum_fold(csum_tcpudp_nofold(iph->saddr,
							 iph->daddr,
							 (uint16_t)l4len, 17,
							 0));
	memcpy(uh + 6, &pseudo, 2);
	return 34 + l4len;
}

/* A parsed GSO packet holding the frame. */
static struct pkt *gso_pkt(struct pkt_pool *pl, uint32_t len, uint8_t type,
			   uint16_t mss, uint16_t csum_offset)
{
	struct pkt *p = pkt_alloc_big(pl);

	assert_non_null(p);
	assert_int_equal(pkt_set_frame(p, frame, len), 0);
	p->gso_type = type;
	p->gso_size = mss;
	p->csum_partial = true;
	p->csum_start = 34;
	p->csum_offset = csum_offset;
	p->mark = 0x42;
	assert_int_equal(pkt_parse_eth(p, DST_MAC), DROP_NOT_DROPPED);
	assert_int_equal(pkt_parse_ipv4(p), DROP_NOT_DROPPED);
	return p;
}

/* The transport checksum of an IP packet verifies (full computation). */
static void assert_l4_csum(const uint8_t *ip, uint32_t iplen)
{
	const struct ns_iphdr *iph = (const struct ns_iphdr *)ip;
	uint32_t hl = iph_hlen(iph), sum;

	sum = csum_partial(ip + hl, iplen - hl, 0);
	sum = csum_tcpudp_nofold(iph->saddr, iph->daddr,
				 (uint16_t)(iplen - hl), iph->protocol, sum);
	assert_int_equal(csum_fold(sum), 0);
}

static int setup(void **state)
{
	(void)state;
	if (pkt_pool_create(&pool, 64))
		return -1;
	/* This thread owns the pool: frees go straight to its lists. */
	pkt_pool_set_local(&pool);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pkt_pool_destroy(&pool);
	return 0;
}

static void free_segs(struct pkt *s)
{
	while (s) {
		struct pkt *n = s->next;

		pkt_free(s);
		s = n;
	}
}

static void test_tso_segments(void **state)
{
	uint32_t dlen = 10000, mss = 1448, seq0 = 0xfffff000u;
	uint32_t len = tso_frame(dlen, NS_TCPF_ACK | NS_TCPF_PSH | NS_TCPF_FIN |
				 TCPF_CWR, seq0, 0xfffe, true, A("10.0.0.2"),
				 A("10.0.1.2"));
	struct pkt *p = gso_pkt(&pool, len, PKT_GSO_TCPV4, (uint16_t)mss, 16);
	struct pkt *segs, *s;
	uint32_t off = 0, i = 0, nfree = pool.nfree;

	(void)state;
	assert_int_equal(pkt_gso_network_seglen(p), 20 + 32 + mss);
	assert_int_equal(pkt_gso_segment(p, p->pool, &segs), 0);
	for (s = segs; s; s = s->next, i++) {
		const struct ns_iphdr *iph = pkt_iph(s);
		const uint8_t *th = s->data + 34;
		uint32_t n = dlen - off > mss ? mss : dlen - off;
		bool last = !s->next;
		uint32_t seq;

		assert_false(s->big);
		assert_false(pkt_is_gso(s));
		assert_false(s->csum_partial);
		assert_int_equal(s->mark, 0x42);
		assert_int_equal(s->len, 34 + 32 + n);
		assert_int_equal(s->l3_off, 14);
		assert_int_equal(s->l4_off, 34);
		assert_memory_equal(s->data, frame, 14);
		/* IP: length, ID + i, DF kept, checksum right. */
		assert_int_equal(ntohs(iph->tot_len), 20 + 32 + n);
		assert_int_equal(ntohs(iph->id), (uint16_t)(0xfffe + i));
		assert_int_equal(ntohs(iph->frag_off), NS_IPH_DF);
		assert_int_equal(ip_fast_csum(iph, 5), 0);
		/* TCP: sequence, flags, options, payload, checksum. */
		memcpy(&seq, th + 4, 4);
		assert_int_equal(ntohl(seq), seq0 + off);
		assert_int_equal(th[13] & NS_TCPF_ACK, NS_TCPF_ACK);
		assert_int_equal(!!(th[13] & TCPF_CWR), i == 0);
		assert_int_equal(!!(th[13] & NS_TCPF_FIN), last);
		assert_int_equal(!!(th[13] & NS_TCPF_PSH), last);
		assert_memory_equal(th + 20, frame + 34 + 20, 12);
		assert_memory_equal(th + 32, frame + 66 + off, n);
		assert_l4_csum(s->data + 14, s->len - 14);
		off += n;
	}
	assert_int_equal(i, 7);
	assert_int_equal(off, dlen);
	assert_int_equal(pool.nfree, nfree - 7);
	free_segs(segs);
	/* The super-frame is untouched and still the caller's. */
	assert_memory_equal(p->data, frame, len);
	pkt_free(p);
	assert_int_equal(pool.nfree, pool.size);
	assert_int_equal(pool.big_nfree, pool.big_size);
}

/* Payload within one segment: one complete packet (not GSO any more). */
static void test_tso_one_segment(void **state)
{
	uint32_t len = tso_frame(1000, NS_TCPF_ACK | NS_TCPF_PSH, 5, 7, true,
				 A("10.0.0.2"), A("10.0.1.2"));
	struct pkt *p = gso_pkt(&pool, len, PKT_GSO_TCPV4, 1448, 16);
	struct pkt *segs;

	(void)state;
	assert_int_equal(pkt_gso_segment(p, p->pool, &segs), 0);
	assert_non_null(segs);
	assert_null(segs->next);
	assert_int_equal(segs->len, len);
	assert_int_equal(segs->data[34 + 13], NS_TCPF_ACK | NS_TCPF_PSH);
	assert_l4_csum(segs->data + 14, len - 14);
	free_segs(segs);
	pkt_free(p);
}

static void test_udp_l4_segments(void **state)
{
	uint32_t dlen = 3500, mss = 1000, off = 0, i = 0;
	uint32_t len = udp_frame(dlen, 100);
	struct pkt *p = gso_pkt(&pool, len, PKT_GSO_UDP_L4, (uint16_t)mss, 6);
	struct pkt *segs, *s;

	(void)state;
	assert_int_equal(pkt_gso_network_seglen(p), 20 + 8 + mss);
	assert_int_equal(pkt_gso_segment(p, p->pool, &segs), 0);
	for (s = segs; s; s = s->next, i++) {
		const struct ns_iphdr *iph = pkt_iph(s);
		const uint8_t *uh = s->data + 34;
		uint32_t n = dlen - off > mss ? mss : dlen - off;

		assert_int_equal(s->len, 34 + 8 + n);
		assert_int_equal(ntohs(iph->tot_len), 28 + n);
		assert_int_equal(ntohs(iph->id), 100 + i);
		assert_int_equal(ntohs(iph->frag_off), NS_IPH_DF);
		assert_int_equal(ip_fast_csum(iph, 5), 0);
		assert_int_equal(uh[4] << 8 | uh[5], 8 + n);
		assert_memory_equal(uh, frame + 34, 4);
		assert_memory_equal(uh + 8, frame + 42 + off, n);
		assert_true(uh[6] || uh[7]);
		assert_l4_csum(s->data + 14, s->len - 14);
		off += n;
	}
	assert_int_equal(i, 4);
	assert_int_equal(off, dlen);
	free_segs(segs);
	pkt_free(p);
}

/* UFO: IP fragments of gso_size bytes, one ID, DF cleared, UDP summed. */
static void test_ufo_fragments(void **state)
{
	uint32_t dlen = 3000, mss = 1480, off = 0, i = 0;
	uint32_t len = udp_frame(dlen, 0x4321);
	struct pkt *p = gso_pkt(&pool, len, PKT_GSO_UDP, (uint16_t)mss, 6);
	static uint8_t dgram[4000];
	struct pkt *segs, *s;

	(void)state;
	assert_int_equal(pkt_gso_network_seglen(p), 20 + mss);
	assert_int_equal(pkt_gso_segment(p, p->pool, &segs), 0);
	for (s = segs; s; s = s->next, i++) {
		const struct ns_iphdr *iph = pkt_iph(s);
		uint32_t n = 8 + dlen - off > mss ? mss : 8 + dlen - off;
		uint16_t fo = ntohs(iph->frag_off);

		assert_int_equal(s->len, 34 + n);
		assert_int_equal(ntohs(iph->tot_len), 20 + n);
		assert_int_equal(ntohs(iph->id), 0x4321);
		assert_int_equal(fo & NS_IPH_OFFMASK, off / 8);
		assert_int_equal(!!(fo & NS_IPH_MF), s->next != NULL);
		assert_int_equal(fo & NS_IPH_DF, 0);
		assert_int_equal(ip_fast_csum(iph, 5), 0);
		assert_int_equal(s->is_frag, true);
		memcpy(dgram + off, s->data + 34, n);
		off += n;
	}
	assert_int_equal(i, 3);
	assert_int_equal(off, 8 + dlen);
	/* Reassembled: the datagram, its checksum complete. */
	assert_memory_equal(dgram + 8, frame + 42, dlen);
	{
		uint32_t sum = csum_partial(dgram, off, 0);

		sum = csum_tcpudp_nofold(A("10.0.0.2"), A("10.0.1.2"),
					 (uint16_t)off, 17, sum);
		assert_int_equal(csum_fold(sum), 0);
	}
	free_segs(segs);
	pkt_free(p);
}

static void test_bad_metadata(void **state)
{
	uint32_t len = udp_frame(3000, 1);
	struct pkt *p, *segs = (struct pkt *)1;

	(void)state;
	/* TSO on a UDP packet: refused at parse. */
	p = pkt_alloc_big(&pool);
	assert_int_equal(pkt_set_frame(p, frame, len), 0);
	p->gso_type = PKT_GSO_TCPV4;
	p->gso_size = 1448;
	assert_int_equal(pkt_parse_eth(p, DST_MAC), DROP_NOT_DROPPED);
	assert_int_equal(pkt_parse_ipv4(p), DROP_GSO_BAD);
	assert_int_equal(pkt_gso_segment(p, p->pool, &segs), -EINVAL);
	assert_null(segs);
	/* UFO with fragments that are not a multiple of 8 bytes. */
	p->gso_type = PKT_GSO_UDP;
	p->gso_size = 1001;
	assert_int_equal(pkt_gso_check(p), -EINVAL);
	/* A partial checksum that does not start at the transport header. */
	p->gso_type = PKT_GSO_UDP_L4;
	p->gso_size = 1000;
	assert_int_equal(pkt_gso_check(p), 0);
	p->csum_partial = true;
	p->csum_start = 30;
	p->csum_offset = 6;
	assert_int_equal(pkt_gso_check(p), -EINVAL);
	p->csum_start = 34;
	assert_int_equal(pkt_gso_check(p), 0);
	pkt_free(p);
}

/* The pool runs dry half way: nothing stays allocated. */
static void test_no_buffers(void **state)
{
	struct pkt_pool small;
	struct pkt *p, *segs;
	uint32_t len = tso_frame(10000, NS_TCPF_ACK, 1, 1, true,
				 A("10.0.0.2"), A("10.0.1.2"));

	(void)state;
	assert_int_equal(pkt_pool_create(&small, 4), 0);
	pkt_pool_set_local(&small);
	p = gso_pkt(&small, len, PKT_GSO_TCPV4, 1448, 16);
	assert_int_equal(pkt_gso_segment(p, &small, &segs), -ENOBUFS);
	assert_int_equal(small.nfree, 4);
	pkt_free(p);
	assert_int_equal(small.big_nfree, small.big_size);
	pkt_pool_set_local(&pool);
	pkt_pool_destroy(&small);
}

static void test_csum_help(void **state)
{
	uint32_t len = udp_frame(100, 1);
	struct pkt *p = pkt_alloc(&pool);

	(void)state;
	assert_int_equal(pkt_set_frame(p, frame, len), 0);
	p->csum_partial = true;
	p->csum_start = 34;
	p->csum_offset = 6;
	assert_int_equal(pkt_csum_help(p), 0);
	assert_false(p->csum_partial);
	assert_l4_csum(p->data + 14, len - 14);
	p->csum_partial = true;
	p->csum_start = (uint16_t)(len - 1);
	assert_int_equal(pkt_csum_help(p), -EINVAL);
	pkt_free(p);
}

/* ------------------------------------------------------------ the stack */

#define TX_MAX 64

static struct {
	int n;
	char dev[TX_MAX][NS_IFNAMSIZ];
	uint32_t len[TX_MAX];
	uint16_t gso_size[TX_MAX];
	uint8_t data[TX_MAX][2048];
} tx;

/* arg "gso": the device takes super-frames (as AF_PACKET with vnet). */
static int tx_open(struct netdev *dev, const char *arg, int nqueues)
{
	(void)nqueues;
	dev->gso_ok = arg && !strcmp(arg, "gso");
	return 0;
}

static int tx_tx(struct netdev *dev, const struct pkt *pkt)
{
	if (tx.n < TX_MAX) {
		snprintf(tx.dev[tx.n], NS_IFNAMSIZ, "%s", dev->name);
		tx.len[tx.n] = pkt->len;
		tx.gso_size[tx.n] = pkt->gso_size;
		memcpy(tx.data[tx.n], pkt->data,
		       pkt->len < 2048 ? pkt->len : 2048);
		tx.n++;
	}
	return 0;
}

static const struct io_ops tx_ops = {
	.kind = "gsotest",
	.open = tx_open,
	.tx = tx_tx,
};

/* eth0 10.0.0.1/24 in; eth1 (plain) and eth2 (takes GSO) out. */
static struct net *router(void)
{
	struct net *net;

	assert_int_equal(ns_net_create(&net), 0);
	assert_int_equal(stack_dev_create(net, "eth0", &tx_ops, NULL, NULL),
			 0);
	assert_int_equal(stack_dev_create(net, "eth1", &tx_ops, NULL, NULL),
			 0);
	assert_int_equal(stack_dev_create(net, "eth2", &tx_ops, "gso", NULL),
			 0);
	assert_int_equal(run(net, "ip link set eth0 up", NULL), 0);
	assert_int_equal(run(net, "ip link set eth1 up", NULL), 0);
	assert_int_equal(run(net, "ip link set eth2 up", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.0.1/24 dev eth0", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.1.1/24 dev eth1", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.2.1/24 dev eth2", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.0.2 lladdr "
			     "02:00:00:00:00:99 dev eth0", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.1.2 lladdr "
			     "02:00:00:00:00:98 dev eth1", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.2.2 lladdr "
			     "02:00:00:00:00:97 dev eth2", NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	net->now_ns = 1000000000000ull;
	memset(&tx, 0, sizeof(tx));
	return net;
}

/* Receive a TSO frame of dlen payload bytes on eth0 toward daddr. */
static void rcv_tso(struct net *net, uint32_t dlen, bool df, uint32_t daddr)
{
	uint32_t len = tso_frame(dlen, NS_TCPF_ACK | NS_TCPF_PSH, 1000, 1, df,
				 A("10.0.0.2"), daddr);
	struct netdev *dev;
	struct pkt *p;

	dp_enter(net);
	dev = net_dev_by_name(net, "eth0");
	memcpy(frame, dev->mac, 6);
	p = pkt_alloc_big(&net->inject.pool);
	assert_non_null(p);
	assert_int_equal(pkt_set_frame(p, frame, len), 0);
	p->gso_type = PKT_GSO_TCPV4;
	p->gso_size = 1448;
	p->csum_partial = true;
	p->csum_start = 34;
	p->csum_offset = 16;
	p->tstamp_ns = net->now_ns;
	stack_rcv(net, dev, p);
	dp_leave(net);
}

/* Every packet, small and large, is back in the inject worker's pool. */
static void pools_full(struct net *net)
{
	const struct pkt_pool *pl = &net->inject.pool;

	assert_int_equal(pkt_pool_avail(pl), pl->size);
	assert_int_equal(pkt_pool_big_avail(pl), pl->big_size);
}

/* Device counters summed over the workers. */
static struct netdev_stats dstats(struct net *net, const char *name)
{
	struct netdev_stats s;

	dp_enter(net);
	s = netdev_stats_read(net_dev_by_name(net, name));
	dp_leave(net);
	return s;
}


/* One packet to netfilter, with its full length; sent whole on eth2. */
static void test_stack_whole(void **state)
{
	struct net *net = router();
	char *out;

	(void)state;
	assert_int_equal(run(net, "iptables -A FORWARD -p tcp -j ACCEPT", NULL),
			 0);
	rcv_tso(net, 10000, true, A("10.0.2.2"));
	assert_int_equal(tx.n, 1);
	assert_string_equal(tx.dev[0], "eth2");
	assert_int_equal(tx.len[0], 14 + 20 + 32 + 10000);
	assert_int_equal(tx.gso_size[0], 1448);
	assert_int_equal(dstats(net, "eth2").tx_gso, 1);
	assert_int_equal(dstats(net, "eth0").rx_gso, 1);
	assert_int_equal(run(net, "iptables -L FORWARD -n -v -x", &out), 0);
	/* 1 packet of 10052 bytes (the IP length), as the kernel counts. */
	assert_non_null(strstr(out, "       1    10052 ACCEPT"));
	free(out);
	pools_full(net);
	ns_net_destroy(net);
}

/* A device without GSO gets the segments (validate_xmit_skb). */
static void test_stack_split_at_device(void **state)
{
	struct net *net = router();
	struct netdev_stats st;
	int i;

	(void)state;
	rcv_tso(net, 10000, true, A("10.0.1.2"));
	assert_int_equal(tx.n, 7);
	for (i = 0; i < tx.n; i++) {
		const struct ns_iphdr *iph = (const void *)(tx.data[i] + 14);

		assert_string_equal(tx.dev[i], "eth1");
		assert_int_equal(tx.gso_size[i], 0);
		assert_true(tx.len[i] <= 14 + 1500);
		assert_int_equal(iph->ttl, 63);
		assert_int_equal(ip_fast_csum(iph, 5), 0);
		assert_l4_csum(tx.data[i] + 14, tx.len[i] - 14);
	}
	st = dstats(net, "eth1");
	assert_int_equal(st.tx_gso_split, 1);
	assert_int_equal(st.tx_gso_segments, 7);
	assert_int_equal(st.tx_packets, 7);
	pools_full(net);
	ns_net_destroy(net);
}

/* DF, segments larger than the MTU: ICMP fragmentation needed (mtu). */
static void test_stack_df_too_big(void **state)
{
	struct net *net = router();
	const uint8_t *icmp;
	uint32_t mtu;

	(void)state;
	assert_int_equal(run(net, "ip link set eth2 mtu 1400", NULL), 0);
	rcv_tso(net, 10000, true, A("10.0.2.2"));
	assert_int_equal(tx.n, 1);
	assert_string_equal(tx.dev[0], "eth0");
	icmp = tx.data[0] + 34;
	assert_int_equal(icmp[0], NS_ICMP_DEST_UNREACH);
	assert_int_equal(icmp[1], NS_ICMP_FRAG_NEEDED);
	memcpy(&mtu, icmp + 4, 4);
	assert_int_equal(ntohl(mtu), 1400);
	assert_int_equal(drops(net, DROP_IP_FRAG_NEEDED), 1);
	/* Segments that fit (mtu 1500 = 20 + 32 + 1448): forwarded whole. */
	memset(&tx, 0, sizeof(tx));
	assert_int_equal(run(net, "ip link set eth2 mtu 1500", NULL), 0);
	rcv_tso(net, 10000, true, A("10.0.2.2"));
	assert_int_equal(tx.n, 1);
	assert_int_equal(tx.gso_size[0], 1448);
	ns_net_destroy(net);
}

/* No DF, segments larger than the MTU: segmented, then fragmented. */
static void test_stack_segment_then_fragment(void **state)
{
	struct net *net = router();
	uint32_t bytes = 0;
	int i;

	(void)state;
	assert_int_equal(run(net, "ip link set eth2 mtu 1000", NULL), 0);
	rcv_tso(net, 10000, false, A("10.0.2.2"));
	/* 6 segments of 1448 and one of 1312 bytes: two fragments each. */
	assert_int_equal(tx.n, 14);
	for (i = 0; i < tx.n; i++) {
		const struct ns_iphdr *iph = (const void *)(tx.data[i] + 14);
		uint16_t fo = ntohs(iph->frag_off);

		assert_string_equal(tx.dev[i], "eth2");
		assert_int_equal(tx.gso_size[i], 0);
		assert_true(tx.len[i] <= 14 + 1000);
		assert_int_equal(ip_fast_csum(iph, 5), 0);
		assert_int_equal(!!(fo & NS_IPH_MF), i % 2 == 0);
		assert_int_equal(ntohs(iph->id), 1 + i / 2);
		bytes += tx.len[i] - 34;
	}
	/* Every payload byte and each segment's TCP header, once. */
	assert_int_equal(bytes, 10000 + 7 * 32);
	pools_full(net);
	ns_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tso_segments),
		cmocka_unit_test(test_tso_one_segment),
		cmocka_unit_test(test_udp_l4_segments),
		cmocka_unit_test(test_ufo_fragments),
		cmocka_unit_test(test_bad_metadata),
		cmocka_unit_test(test_no_buffers),
		cmocka_unit_test(test_csum_help),
		cmocka_unit_test(test_stack_whole),
		cmocka_unit_test(test_stack_split_at_device),
		cmocka_unit_test(test_stack_df_too_big),
		cmocka_unit_test(test_stack_segment_then_fragment),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
