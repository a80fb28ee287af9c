// SPDX-License-Identifier: MIT
/*
 * IPv4 reassembly (src/stack/ipfrag.c) through the stack, on an injected
 * clock: fragments in order and out of order answered as one ping (the
 * reply fragmented on output), overlaps (the whole datagram goes),
 * duplicates (only they go), the timer (ICMP time exceeded code 1 about
 * the first fragment), the memory threshold, the 65535-byte limit, the
 * max_dist restart, and conntrack's defragmentation hook refragmenting a
 * forwarded datagram to its original fragment size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "stack_harness.h"

#include <pthread.h>
#include <stdatomic.h>

#include "base/rcu.h"
#include "ct/defrag.h"
#include "stack/internal.h"
#include "stack/ipfrag.h"

#define SEC 1000000000ull

static const uint8_t *mac_of(struct net *net, const char *ifname)
{
	return net_dev_by_name(net, ifname)->mac;
}

/* eth0 10.0.0.1/24 (peer 10.0.0.2), eth1 10.0.1.1/24 (peer 10.0.1.2). */
static int setup(void **state)
{
	struct net *net;

	assert_int_equal(ns_net_create(&net), 0);
	assert_int_equal(stack_dev_create(net, "eth0", &cap_ops, NULL, NULL), 0);
	assert_int_equal(stack_dev_create(net, "eth1", &cap_ops, NULL, NULL), 0);
	assert_int_equal(run(net, "ip link set eth0 up", NULL), 0);
	assert_int_equal(run(net, "ip link set eth1 up", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.0.1/24 dev eth0", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.1.1/24 dev eth1", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:99 dev eth0", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.1.2 lladdr 02:00:00:00:00:98 dev eth1", NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.icmp_ratelimit=0", NULL), 0);
	net->now_ns = 1000 * SEC;
	cap_reset();
	*state = net;
	return 0;
}

static int teardown(void **state)
{
	struct net *net = *state;

	/* Every packet is back in its pool once the queues expire. */
	net->now_ns += 100 * SEC;
	dp_enter(net);
	stack_timers(net);
	dp_leave(net);
	assert_int_equal(ipfrag_queue_count(net), 0);
	assert_int_equal(ipfrag_mem(net), 0);
	assert_int_equal(pkt_pool_avail(&net->inject.pool),
			 net->inject.pool.size);
	assert_int_equal(pkt_pool_big_avail(&net->inject.pool),
			 net->inject.pool.big_size);
	ns_net_destroy(net);
	return 0;
}

static struct ip_mib mib(struct net *net)
{
	struct ip_mib m = { 0 };
	int i;

	for (i = 0; i < NS_MAX_WORKERS; i++) {
		m.reasm_timeout += net->stats[i].ip.reasm_timeout;
		m.reasm_reqds += net->stats[i].ip.reasm_reqds;
		m.reasm_oks += net->stats[i].ip.reasm_oks;
		m.reasm_fails += net->stats[i].ip.reasm_fails;
		m.reasm_overlaps += net->stats[i].ip.reasm_overlaps;
		m.frag_oks += net->stats[i].ip.frag_oks;
		m.frag_creates += net->stats[i].ip.frag_creates;
	}
	return m;
}

/* A datagram's IP payload, cut into fragments by the test. */
static uint8_t dgram[70000];

/* An ICMP echo request of datalen data bytes into dgram; its length. */
static uint32_t echo_dgram(uint32_t datalen)
{
	struct ns_icmphdr *ih = (struct ns_icmphdr *)dgram;
	uint32_t i;

	ih->type = NS_ICMP_ECHO;
	ih->code = 0;
	ih->checksum = 0;
	ih->un = htonl(0x00420001);
	for (i = 0; i < datalen; i++)
		dgram[8 + i] = (uint8_t)(i * 7 + 3);
	ih->checksum = csum_fold(csum_partial(dgram, 8 + datalen, 0));
	return 8 + datalen;
}

/* Inject bytes [off, off + len) of dgram as a fragment. */
static void frag_full(struct net *net, const char *ifname, uint32_t saddr,
		      uint32_t daddr, uint8_t proto, uint16_t id,
		      uint32_t off, uint32_t len, bool mf, uint16_t flags,
		      uint8_t tos)
{
	static struct frame f;

	eth_put(&f, mac_of(net, ifname), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, saddr, daddr, proto, 64,
	       (uint16_t)((off / 8) | (mf ? NS_IPH_MF : 0) | flags),
	       dgram + off, len);
	{
		struct ns_iphdr *iph = (struct ns_iphdr *)(f.b + 14);

		iph->id = htons(id);
		iph->tos = tos;
		iph->check = 0;
		iph->check = ip_fast_csum(iph, 5);
	}
	assert_int_equal(ns_inject(net, ifname, f.b, f.len, net->now_ns), 0);
}

/* A fragment of an echo request from 10.0.0.2 to us. */
static void frag(struct net *net, uint16_t id, uint32_t off, uint32_t len,
		 bool mf)
{
	frag_full(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 1, id, off, len,
		  mf, 0, 0);
}

static void run_timers(struct net *net)
{
	dp_enter(net);
	stack_timers(net);
	dp_leave(net);
}

/*
 * The captured frames from first on are an echo reply in fragments of at
 * most 1500 bytes; check it carries the request's data.
 */
static void check_reply(int first, uint32_t icmplen)
{
	static uint8_t r[70000];
	uint32_t got = 0, expect_off = 0;
	int i;

	for (i = first; i < ncap; i++) {
		const struct ns_iphdr *iph = cap_iph(i);
		uint16_t fo = ntohs(iph->frag_off);
		uint32_t n = ntohs(iph->tot_len) - 20;

		assert_string_equal(cap[i].ifname, "eth0");
		assert_int_equal(iph->saddr, A("10.0.0.1"));
		assert_int_equal(iph->daddr, A("10.0.0.2"));
		assert_true(ntohs(iph->tot_len) <= 1500);
		assert_int_equal((fo & NS_IPH_OFFMASK) * 8, expect_off);
		assert_int_equal(!!(fo & NS_IPH_MF), i + 1 < ncap);
		assert_int_equal(ip_fast_csum(iph, 5), 0);
		memcpy(r + expect_off, cap_l4(i), n);
		expect_off += n;
		got += n;
	}
	assert_int_equal(got, icmplen);
	assert_int_equal(r[0], NS_ICMP_ECHOREPLY);
	assert_int_equal(csum_fold(csum_partial(r, icmplen, 0)), 0);
	assert_memory_equal(r + 4, dgram + 4, icmplen - 4);
}

static void test_in_order(void **state)
{
	struct net *net = *state;
	uint32_t n = echo_dgram(3000);
	struct ip_mib m;

	frag(net, 1, 0, 1480, true);
	frag(net, 1, 1480, 1480, true);
	assert_int_equal(ncap, 0);
	assert_int_equal(ipfrag_queue_count(net), 1);
	assert_true(ipfrag_mem(net) > 2 * PKT_BUFSIZE);
	frag(net, 1, 2960, n - 2960, false);
	/* 3008 bytes of ICMP: 1480 + 1480 + 48 on a 1500-byte link. */
	assert_int_equal(ncap, 3);
	check_reply(0, n);
	m = mib(net);
	assert_int_equal(m.reasm_reqds, 3);
	assert_int_equal(m.reasm_oks, 1);
	assert_int_equal(m.reasm_fails, 0);
	assert_int_equal(m.frag_oks, 1);
	assert_int_equal(m.frag_creates, 3);
	assert_int_equal(ipfrag_queue_count(net), 0);
	assert_int_equal(ipfrag_mem(net), 0);
}

static void test_out_of_order(void **state)
{
	struct net *net = *state;
	uint32_t n = echo_dgram(4000);

	/* Last first, then the middle, then the head completes it. */
	frag(net, 2, 2960, n - 2960, false);
	frag(net, 2, 1480, 1480, true);
	assert_int_equal(ncap, 0);
	frag(net, 2, 0, 1480, true);
	assert_int_equal(ncap, 3);
	check_reply(0, n);
	/* A datagram of small pieces in reverse order. */
	cap_reset();
	n = echo_dgram(200);
	for (int off = 200; off >= 0; off -= 8)
		frag(net, 3, (uint32_t)off,
		     (uint32_t)off + 8 >= n ? n - (uint32_t)off : 8,
		     (uint32_t)off + 8 < n);
	assert_int_equal(ncap, 1);
	check_reply(0, n);
	assert_int_equal(mib(net).reasm_oks, 2);
}

static void test_overlap(void **state)
{
	struct net *net = *state;
	uint32_t n = echo_dgram(3000);
	struct ip_mib m;

	frag(net, 4, 0, 1480, true);
	/* Starts inside the first one: RFC 5722, the datagram goes. */
	frag(net, 4, 1472, 1480, true);
	m = mib(net);
	assert_int_equal(m.reasm_overlaps, 1);
	assert_int_equal(m.reasm_fails, 1);
	assert_int_equal(drops(net, DROP_FRAG_OVERLAP), 2);
	assert_int_equal(ipfrag_queue_count(net), 0);
	assert_int_equal(ipfrag_mem(net), 0);
	/* The rest starts a new queue that never completes. */
	frag(net, 4, 2960, n - 2960, false);
	assert_int_equal(ncap, 0);
	assert_int_equal(ipfrag_queue_count(net), 1);
	/* Crossing the edge of two runs is an overlap too. */
	frag(net, 4, 1480, 8, true);
	frag(net, 4, 1480 - 8, 16, true);
	assert_int_equal(mib(net).reasm_overlaps, 2);
	assert_int_equal(ipfrag_queue_count(net), 0);
	/* A last fragment that ends before data already queued. */
	frag(net, 5, 1480, 1480, true);
	frag(net, 5, 8, 1000, false);
	assert_int_equal(drops(net, DROP_FRAG_INVALID), 2);
	assert_int_equal(mib(net).reasm_fails, 3);
	assert_int_equal(ipfrag_queue_count(net), 0);
	/* An MF fragment of fewer than 8 bytes: nothing, the queue goes. */
	frag(net, 6, 0, 1480, true);
	frag(net, 6, 1480, 5, true);
	assert_int_equal(drops(net, DROP_FRAG_INVALID), 4);
	assert_int_equal(ncap, 0);
}

static void test_duplicate(void **state)
{
	struct net *net = *state;
	uint32_t n = echo_dgram(3000);
	struct ip_mib m;

	frag(net, 7, 0, 1480, true);
	frag(net, 7, 0, 1480, true);
	frag(net, 7, 1480, 1480, true);
	/* Inside the run [0, 2960): a duplicate as well. */
	frag(net, 7, 1000, 1000, true);
	assert_int_equal(drops(net, DROP_DUP_FRAG), 2);
	assert_int_equal(mib(net).reasm_fails, 0);
	assert_int_equal(ipfrag_queue_count(net), 1);
	frag(net, 7, 2960, n - 2960, false);
	assert_int_equal(ncap, 3);
	check_reply(0, n);
	m = mib(net);
	assert_int_equal(m.reasm_reqds, 5);
	assert_int_equal(m.reasm_oks, 1);
}

static void test_timeout_icmp(void **state)
{
	struct net *net = *state;
	uint32_t n = echo_dgram(3000);
	const struct ns_iphdr *iph, *quoted;
	const uint8_t *ih;
	struct ip_mib m;

	frag(net, 8, 0, 1480, true);
	frag(net, 8, 2960, n - 2960, false);
	/* Only the last and a middle one: no ICMP when it expires. */
	frag(net, 9, 1480, 1480, true);
	net->now_ns += 29 * SEC;
	run_timers(net);
	assert_int_equal(ncap, 0);
	assert_int_equal(ipfrag_queue_count(net), 2);
	net->now_ns += 1 * SEC;
	run_timers(net);
	assert_int_equal(ipfrag_queue_count(net), 0);
	assert_int_equal(ipfrag_mem(net), 0);
	m = mib(net);
	assert_int_equal(m.reasm_timeout, 2);
	assert_int_equal(m.reasm_fails, 2);
	assert_int_equal(drops(net, DROP_FRAG_REASM_TIMEOUT), 3);
	/* One ICMP time exceeded, "fragment reassembly", about the head. */
	assert_int_equal(ncap, 1);
	iph = cap_iph(0);
	assert_int_equal(iph->saddr, A("10.0.0.1"));
	assert_int_equal(iph->daddr, A("10.0.0.2"));
	ih = cap_l4(0);
	assert_int_equal(ih[0], NS_ICMP_TIME_EXCEEDED);
	assert_int_equal(ih[1], 1);
	quoted = (const struct ns_iphdr *)(ih + 8);
	assert_int_equal(ntohs(quoted->id), 8);
	assert_int_equal(ntohs(quoted->frag_off), NS_IPH_MF);
	assert_int_equal(ntohs(iph->tot_len), 576);
	/* ipfrag_time is read when a queue starts. */
	assert_int_equal(run(net, "sysctl -w net.ipv4.ipfrag_time=5", NULL), 0);
	frag(net, 10, 0, 1480, true);
	net->now_ns += 5 * SEC;
	run_timers(net);
	assert_int_equal(ncap, 2);
	assert_int_equal(mib(net).reasm_timeout, 3);
}

static void test_mem_limit(void **state)
{
	struct net *net = *state;
	char *out = NULL;
	struct ip_mib m;
	int i;

	(void)echo_dgram(3000);
	/* The thresholds bound each other, as proc_doulongvec_minmax. */
	assert_int_not_equal(run(net, "sysctl -w net.ipv4.ipfrag_high_thresh=1000", NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.ipfrag_low_thresh=0", NULL), 0);
	assert_int_not_equal(run(net, "sysctl -w net.ipv4.ipfrag_low_thresh=4194305", NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.ipfrag_high_thresh=6000", NULL), 0);
	assert_int_equal(run(net, "sysctl net.ipv4.ipfrag_high_thresh", &out), 0);
	assert_string_equal(out, "net.ipv4.ipfrag_high_thresh = 6000\n");
	free(out);
	/* Each first fragment starts a queue until the memory is over. */
	for (i = 0; i < 5; i++)
		frag(net, (uint16_t)(20 + i), 0, 1480, true);
	assert_true(ipfrag_queue_count(net) >= 2);
	assert_true(ipfrag_queue_count(net) < 5);
	assert_true(ipfrag_mem(net) > 6000);
	m = mib(net);
	assert_int_equal(m.reasm_fails, 5 - ipfrag_queue_count(net));
	assert_int_equal(drops(net, DROP_FRAG_MEM), 5 - ipfrag_queue_count(net));
	/* Over the threshold even a queue that exists takes nothing (6.1). */
	frag(net, 20, 1480, 1480, true);
	assert_int_equal(drops(net, DROP_FRAG_MEM),
			 6 - ipfrag_queue_count(net));
	/* 0: reassembly off. */
	net->now_ns += 31 * SEC;
	run_timers(net);
	assert_int_equal(ipfrag_mem(net), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.ipfrag_high_thresh=0", NULL), 0);
	frag(net, 30, 0, 1480, true);
	assert_int_equal(ipfrag_queue_count(net), 0);
}

static void test_max_size(void **state)
{
	struct net *net = *state;
	uint32_t n, off;
	struct ip_mib m;

	/* 65535 bytes in all: answered (in 45 fragments). */
	n = echo_dgram(65535 - 20 - 8);
	for (off = 0; off < n; off += 1480)
		frag(net, 40, off, n - off > 1480 ? 1480 : n - off,
		     n - off > 1480);
	assert_int_equal(mib(net).reasm_oks, 1);
	assert_int_equal(ncap, 45);
	check_reply(0, n);
	/* One byte more: dropped whole when complete. */
	cap_reset();
	n = echo_dgram(65535 - 20 - 8 + 1);
	for (off = 0; off < n; off += 1480)
		frag(net, 41, off, n - off > 1480 ? 1480 : n - off,
		     n - off > 1480);
	m = mib(net);
	assert_int_equal(m.reasm_oks, 1);
	assert_int_equal(m.reasm_fails, 1);
	assert_int_equal(drops(net, DROP_FRAG_OVERSIZE), 45);
	assert_int_equal(ncap, 0);
}

static void test_max_dist(void **state)
{
	struct net *net = *state;
	uint32_t n = echo_dgram(3000);
	int i;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ipfrag_max_dist=3", NULL), 0);
	frag(net, 50, 0, 1480, true);
	/* Four fragments of other datagrams from the same source. */
	for (i = 0; i < 4; i++)
		frag(net, (uint16_t)(60 + i), 1480, 8, true);
	/* Too far: the queue restarts with this fragment alone. */
	frag(net, 50, 1480, 1480, true);
	assert_int_equal(drops(net, DROP_FRAG_TOO_FAR), 1);
	assert_int_equal(mib(net).reasm_fails, 1);
	frag(net, 50, 2960, n - 2960, false);
	assert_int_equal(ncap, 0);
	frag(net, 50, 0, 1480, true);
	assert_int_equal(ncap, 3);
	check_reply(0, n);
	/* Off: any distance. */
	assert_int_equal(run(net, "sysctl -w net.ipv4.ipfrag_max_dist=0", NULL), 0);
	cap_reset();
	frag(net, 51, 0, 1480, true);
	for (i = 0; i < 100; i++)
		frag(net, (uint16_t)(100 + i), 1480, 8, true);
	frag(net, 51, 1480, 1480, true);
	frag(net, 51, 2960, n - 2960, false);
	assert_int_equal(ncap, 3);
}

/* A forwarded UDP datagram from 10.0.0.2 to 10.0.1.2. */
static uint32_t udp_dgram(uint32_t datalen)
{
	uint32_t i;

	for (i = 0; i < datalen; i++)
		dgram[8 + i] = (uint8_t)(i * 13 + 1);
	return udp_build(dgram, A("10.0.0.2"), A("10.0.1.2"), 7, 9, datalen);
}

static void fwd_frag(struct net *net, uint16_t id, uint32_t off,
		     uint32_t len, bool mf, uint16_t flags)
{
	frag_full(net, "eth0", A("10.0.0.2"), A("10.0.1.2"), 17, id, off, len,
		  mf, flags, 0);
}

/* Frame i is a fragment on eth1 of id at off with len payload bytes. */
static void check_fwd(int i, uint16_t id, uint32_t off, uint32_t len,
		      bool mf, bool df)
{
	const struct ns_iphdr *iph = cap_iph(i);
	uint16_t fo = ntohs(iph->frag_off);

	assert_string_equal(cap[i].ifname, "eth1");
	assert_int_equal(ntohs(iph->id), id);
	assert_int_equal(iph->ttl, 63);
	assert_int_equal((fo & NS_IPH_OFFMASK) * 8, off);
	assert_int_equal(!!(fo & NS_IPH_MF), mf);
	assert_int_equal(!!(fo & NS_IPH_DF), df);
	assert_int_equal(ntohs(iph->tot_len), 20 + len);
	assert_int_equal(ip_fast_csum(iph, 5), 0);
	assert_memory_equal(cap_l4(i), dgram + off, len);
}

static void test_conntrack_defrag_forward(void **state)
{
	struct net *net = *state;
	uint32_t n = udp_dgram(1800);

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	/* Without the hook fragments are forwarded as they come. */
	fwd_frag(net, 70, 608, n - 608, false, 0);
	assert_int_equal(ncap, 1);
	check_fwd(0, 70, 608, n - 608, false, false);
	cap_reset();
	assert_int_equal(ct_defrag_enable(net), 0);
	assert_int_equal(ct_defrag_enable(net), 0);
	/* 600-byte fragments, out of order: held, then sent as they were. */
	fwd_frag(net, 71, 1200, n - 1200, false, 0);
	fwd_frag(net, 71, 0, 600, true, 0);
	assert_int_equal(ncap, 0);
	fwd_frag(net, 71, 600, 600, true, 0);
	assert_int_equal(ncap, 3);
	check_fwd(0, 71, 0, 600, true, false);
	check_fwd(1, 71, 600, 600, true, false);
	check_fwd(2, 71, 1200, n - 1200, false, false);
	assert_int_equal(mib(net).reasm_oks, 1);
	/* Uneven pieces that fit: sent as they were too (fast path). */
	cap_reset();
	fwd_frag(net, 72, 0, 200, true, 0);
	fwd_frag(net, 72, 200, 800, true, 0);
	fwd_frag(net, 72, 1000, n - 1000, false, 0);
	assert_int_equal(ncap, 3);
	check_fwd(0, 72, 0, 200, true, false);
	check_fwd(1, 72, 200, 800, true, false);
	check_fwd(2, 72, 1000, n - 1000, false, false);
	/*
	 * Seven sizes, more than the geometry kept: cut again to the
	 * largest original fragment (frag_max_size, 484 bytes), DF kept as
	 * the largest had it (IPSKB_FRAG_PMTU).
	 */
	cap_reset();
	for (uint32_t i = 1, off = 0; i <= 7; off += 64 * i, i++)
		fwd_frag(net, 78, off, i < 7 ? 64 * i : n - off, i < 7,
			 NS_IPH_DF);
	assert_int_equal(ncap, 4);
	check_fwd(0, 78, 0, 464, true, true);
	check_fwd(1, 78, 464, 464, true, true);
	check_fwd(2, 78, 928, 464, true, true);
	check_fwd(3, 78, 1392, n - 1392, false, true);
	/* A smaller link: cut to its MTU. */
	assert_int_equal(run(net, "ip link set eth1 mtu 700", NULL), 0);
	cap_reset();
	fwd_frag(net, 73, 0, 1000, true, 0);
	fwd_frag(net, 73, 1000, n - 1000, false, 0);
	assert_int_equal(ncap, 3);
	check_fwd(0, 73, 0, 680, true, false);
	check_fwd(1, 73, 680, 680, true, false);
	check_fwd(2, 73, 1360, n - 1360, false, false);
	/* DF fragments larger than the link: frag needed to the sender. */
	cap_reset();
	fwd_frag(net, 74, 0, 1000, true, NS_IPH_DF);
	fwd_frag(net, 74, 1000, n - 1000, false, NS_IPH_DF);
	assert_int_equal(ncap, 1);
	assert_string_equal(cap[0].ifname, "eth0");
	assert_int_equal(cap_l4(0)[0], NS_ICMP_DEST_UNREACH);
	assert_int_equal(cap_l4(0)[1], NS_ICMP_FRAG_NEEDED);
	/*
	 * DF fragments that fit: forwarded as they came, but without DF
	 * (the kernel's fast path writes MF and the offset only).
	 */
	assert_int_equal(run(net, "ip link set eth1 mtu 1500", NULL), 0);
	cap_reset();
	fwd_frag(net, 75, 0, 200, true, NS_IPH_DF);
	fwd_frag(net, 75, 200, 1000, true, NS_IPH_DF);
	fwd_frag(net, 75, 1200, n - 1200, false, NS_IPH_DF);
	assert_int_equal(ncap, 3);
	check_fwd(0, 75, 0, 200, true, false);
	check_fwd(1, 75, 200, 1000, true, false);
	check_fwd(2, 75, 1200, n - 1200, false, false);
	/* Two users: one disable keeps the hooks. */
	ct_defrag_disable(net);
	cap_reset();
	fwd_frag(net, 76, 0, 600, true, 0);
	assert_int_equal(ncap, 0);
	ct_defrag_disable(net);
	fwd_frag(net, 77, 0, 600, true, 0);
	assert_int_equal(ncap, 1);
	check_fwd(0, 77, 0, 600, true, false);
	ct_defrag_disable(net);
}

/* Fragments to us, with the conntrack hook on: reassembled at -400. */
static void test_conntrack_defrag_local(void **state)
{
	struct net *net = *state;
	uint32_t n = echo_dgram(2000);

	assert_int_equal(ct_defrag_enable(net), 0);
	frag(net, 80, 1480, n - 1480, false);
	frag(net, 80, 0, 1480, true);
	assert_int_equal(ncap, 2);
	check_reply(0, n);
	/* One reassembly (conntrack's); local delivery saw a datagram. */
	assert_int_equal(mib(net).reasm_oks, 1);
	assert_int_equal(mib(net).reasm_reqds, 2);
	ct_defrag_disable(net);
}

/*
 * Two workers on two threads share the queues: each datagram's first and
 * last pieces reach one, its middle the other, in a racing order.
 */
#define RACE_DGRAMS 3000

struct racer {
	struct net *net;
	struct ns_worker *w;
	bool middle;
	long done, bad;
	atomic_int progress;
	struct racer *other;
};

static void *race_worker(void *arg)
{
	struct racer *r = arg;
	static const uint32_t offs[3] = { 0, 1480, 2960 };
	uint32_t n = 8 + 3000;
	uint8_t frame[1600];
	int i, k;

	ns_rcu_register();
	for (i = 0; i < RACE_DGRAMS; i++) {
		/*
		 * Neither runs far ahead: the memory limit would refuse, and
		 * ipfrag_max_dist (64 fragments from one source) restart.
		 */
		while (atomic_load(&r->other->progress) < i - 8)
			;
		atomic_store(&r->progress, i);
		for (k = 0; k < 3; k++) {
			struct ns_iphdr *iph = (struct ns_iphdr *)(frame + 14);
			uint32_t len = k == 2 ? n - offs[k] : 1480;
			struct pkt *pkt;
			int err;

			if ((k == 1) != r->middle)
				continue;
			memset(frame, 0, 14);
			frame[12] = 8;
			memset(iph, 0, 20);
			iph->ver_ihl = 0x45;
			iph->tot_len = htons((uint16_t)(20 + len));
			iph->id = htons((uint16_t)i);
			iph->frag_off = htons((uint16_t)(offs[k] / 8 |
					      (k < 2 ? NS_IPH_MF : 0)));
			iph->ttl = 64;
			iph->protocol = 17;
			iph->saddr = A("10.0.0.2");
			iph->daddr = A("10.0.0.1");
			iph->check = ip_fast_csum(iph, 5);
			memset(frame + 34, (uint8_t)(i + k), len);
			ns_rcu_reader_enter();
			ns_worker_enter(r->w, 1000 * SEC + (uint64_t)i);
			pkt = pkt_alloc(&r->w->pool);
			assert_non_null(pkt);
			assert_int_equal(pkt_set_frame(pkt, frame, 34 + len), 0);
			assert_int_equal(pkt_parse_eth(pkt, NULL), DROP_NOT_DROPPED);
			assert_int_equal(pkt_parse_ipv4(pkt), DROP_NOT_DROPPED);
			err = ipfrag_defrag(r->net, pkt, IP_DEFRAG_LOCAL_DELIVER);
			if (!err) {
				const uint8_t *d = pkt_l3(pkt) + 20;

				r->done++;
				if (pkt_l3_len(pkt) != 20 + n ||
				    d[0] != (uint8_t)i || d[1480] != (uint8_t)(i + 1) ||
				    d[2960] != (uint8_t)(i + 2) || pkt->is_frag)
					r->bad++;
				pkt_free(pkt);
			}
			ns_worker_leave(r->w);
			ns_rcu_reader_leave();
		}
	}
	atomic_store(&r->progress, RACE_DGRAMS);
	ns_rcu_unregister();
	return NULL;
}

static void test_two_workers(void **state)
{
	struct net *net = *state;
	struct racer r[2] = { { .net = net }, { .net = net, .middle = true } };
	pthread_t t[2];
	int i;

	r[0].other = &r[1];
	r[1].other = &r[0];
	for (i = 0; i < 2; i++)
		assert_int_equal(ns_worker_create(net, i + 1, 2, &r[i].w), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race_worker, &r[i]),
				 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(r[0].done + r[1].done, RACE_DGRAMS);
	assert_int_equal(r[0].bad + r[1].bad, 0);
	assert_int_equal(mib(net).reasm_oks, RACE_DGRAMS);
	assert_int_equal(mib(net).reasm_reqds, 3 * RACE_DGRAMS);
	assert_int_equal(ipfrag_queue_count(net), 0);
	assert_int_equal(ipfrag_mem(net), 0);
	/* Each pool got all its packets back (some through the other). */
	for (i = 0; i < 2; i++) {
		assert_int_equal(pkt_pool_avail(&r[i].w->pool),
				 r[i].w->pool.size);
		assert_int_equal(pkt_pool_big_avail(&r[i].w->pool),
				 r[i].w->pool.big_size);
		ns_worker_destroy(r[i].w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_icmp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_dist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conntrack_defrag_forward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conntrack_defrag_local, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_workers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
