// SPDX-License-Identifier: MIT
/*
 * Workers and the RCU-published stack configuration: a data-path thread
 * injecting packets while the control path changes addresses sees every
 * change whole (an address and its connected route together, never one
 * without the other); packets freed on another thread go back to their
 * worker's pool; the per-worker counters and the worker of one.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <cmocka.h>

#include "stack_harness.h"

#include "core/worker.h"
#include "stack/config.h"

struct seen {
	struct net *net;
	atomic_bool stop;
	long with, without, mixed;
	atomic_long pkts;
};

/*
 * PRE_ROUTING, on the injecting thread: 10.0.9.1 local <=> a connected
 * route for 10.0.9.0/24 on eth1. Both come from one `ip addr` command.
 */
static unsigned int check_hook(void *priv, struct pkt *pkt,
			       const struct ns_hook_state *st)
{
	struct seen *s = priv;
	struct rt_result res;
	bool local, routed;

	local = stack_addr_type(st->net, A("10.0.9.1"), NULL) == RTN_LOCAL;
	routed = route_lookup(st->net, A("10.0.9.5"), &res) == 0 &&
		 res.dev && !strcmp(res.dev->name, "eth1") && res.gw.ip == 0;
	if (local && routed)
		s->with++;
	else if (!local && !routed)
		s->without++;
	else
		s->mixed++;
	assert_non_null(st->worker);
	return NS_DROP;
}

static void *injector(void *arg)
{
	struct seen *s = arg;
	struct frame f;
	uint8_t l4[64];
	uint32_t n = icmp_build(l4, NS_ICMP_ECHO, 0, 1, 4);
	uint64_t ts = 1;

	eth_put(&f, net_dev_by_name(s->net, "eth0")->mac, PEER_MAC,
		NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 1, 64, 0, l4, n);
	while (!atomic_load(&s->stop)) {
		assert_int_equal(ns_inject(s->net, "eth0", f.b, f.len,
					   ts += 1000), 0);
		atomic_fetch_add(&s->pkts, 1);
	}
	return NULL;
}

static void test_snapshot_whole(void **state)
{
	struct seen s = { 0 };
	struct ns_hook_ops ops = {
		.hook = check_hook, .priv = &s, .pf = NS_PF_INET,
		.hooknum = NS_INET_PRE_ROUTING, .priority = NS_IP_PRI_FIRST,
	};
	struct net *net;
	pthread_t t;
	int i;

	(void)state;
	assert_int_equal(ns_net_create(&net), 0);
	s.net = net;
	assert_int_equal(run(net, "ip link add eth0 type dummy", NULL), 0);
	assert_int_equal(run(net, "ip link add eth1 type dummy", NULL), 0);
	assert_int_equal(run(net, "ip link set eth0 up", NULL), 0);
	assert_int_equal(run(net, "ip link set eth1 up", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.0.1/24 dev eth0", NULL), 0);
	assert_int_equal(ns_hook_register(net, &ops), 0);
	assert_int_equal(pthread_create(&t, NULL, injector, &s), 0);
	for (i = 0; i < 400; i++) {
		long seen = atomic_load(&s.pkts);

		/* Let a few packets see each state (and race the change). */
		while (atomic_load(&s.pkts) < seen + 3)
			sched_yield();
		assert_int_equal(run(net, i % 2 ?
				     "ip addr del 10.0.9.1/24 dev eth1" :
				     "ip addr add 10.0.9.1/24 dev eth1", NULL),
				 0);
		/* The other knobs change too, each in its own snapshot. */
		assert_int_equal(run(net, i % 2 ?
				     "sysctl -qw net.ipv4.ip_default_ttl=64" :
				     "sysctl -qw net.ipv4.ip_default_ttl=65",
				     NULL), 0);
	}
	atomic_store(&s.stop, true);
	pthread_join(t, NULL);
	assert_int_equal(ns_hook_unregister(net, &ops), 0);
	/* Both states were seen (the test raced), never a mix. */
	assert_int_equal(s.mixed, 0);
	assert_true(s.with > 0);
	assert_true(s.without > 0);
	assert_int_equal(s.with + s.without, s.pkts);
	assert_int_equal(drops(net, DROP_NETFILTER_DROP), (uint64_t)s.pkts);
	ns_net_destroy(net);
}

/* Frames sent on eth1 must carry one of the two addresses, whole. */
static const uint8_t MAC_A[6] = { 2, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
static const uint8_t MAC_B[6] = { 2, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb };
static atomic_long sent_a, sent_b, sent_bad;

static int mac_open(struct netdev *dev, const char *arg, int nqueues)
{
	return 0;
}

static int mac_tx(struct netdev *dev, const struct pkt *pkt)
{
	if (!memcmp(pkt->data, MAC_A, 6))
		atomic_fetch_add(&sent_a, 1);
	else if (!memcmp(pkt->data, MAC_B, 6))
		atomic_fetch_add(&sent_b, 1);
	else
		atomic_fetch_add(&sent_bad, 1);
	return 0;
}

static const struct io_ops mac_ops = {
	.kind = "maccheck", .open = mac_open, .tx = mac_tx,
};

static void *forwarder(void *arg)
{
	struct seen *s = arg;
	struct frame f;
	uint8_t l4[64];
	uint32_t n = udp_build(l4, A("10.0.0.2"), A("10.0.1.2"), 1, 2, 8);
	uint64_t ts = 1;

	eth_put(&f, net_dev_by_name(s->net, "eth0")->mac, PEER_MAC,
		NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.1.2"), 17, 64, 0, l4, n);
	while (!atomic_load(&s->stop)) {
		assert_int_equal(ns_inject(s->net, "eth0", f.b, f.len,
					   ts += 1000), 0);
		atomic_fetch_add(&s->pkts, 1);
	}
	return NULL;
}

/*
 * The lockless neighbour path: while the control path replaces the
 * neighbour's address back and forth, every forwarded frame carries one
 * of the two addresses whole, and both are seen.
 */
static void test_neigh_replace_racing(void **state)
{
	struct seen s = { 0 };
	struct net *net;
	pthread_t t;
	int i;

	(void)state;
	assert_int_equal(ns_net_create(&net), 0);
	s.net = net;
	assert_int_equal(run(net, "ip link add eth0 type dummy", NULL), 0);
	assert_int_equal(stack_dev_create(net, "eth1", &mac_ops, NULL, NULL),
			 0);
	assert_int_equal(run(net, "ip link set eth0 up", NULL), 0);
	assert_int_equal(run(net, "ip link set eth1 up", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.0.1/24 dev eth0", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.1.1/24 dev eth1", NULL), 0);
	assert_int_equal(run(net, "sysctl -qw net.ipv4.ip_forward=1", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.1.2 lladdr "
			     "02:aa:aa:aa:aa:aa dev eth1 nud permanent", NULL),
			 0);
	assert_int_equal(pthread_create(&t, NULL, forwarder, &s), 0);
	for (i = 0; i < 300; i++) {
		long seen = atomic_load(&s.pkts);

		while (atomic_load(&s.pkts) < seen + 3)
			sched_yield();
		assert_int_equal(run(net, i % 2 ?
				     "ip neigh replace 10.0.1.2 lladdr "
				     "02:aa:aa:aa:aa:aa dev eth1 nud permanent" :
				     "ip neigh replace 10.0.1.2 lladdr "
				     "02:bb:bb:bb:bb:bb dev eth1 nud permanent",
				     NULL), 0);
	}
	atomic_store(&s.stop, true);
	pthread_join(t, NULL);
	assert_int_equal(atomic_load(&sent_bad), 0);
	assert_true(atomic_load(&sent_a) > 0);
	assert_true(atomic_load(&sent_b) > 0);
	assert_int_equal(atomic_load(&sent_a) + atomic_load(&sent_b),
			 atomic_load(&s.pkts));
	ns_net_destroy(net);
}

struct freer {
	struct pkt *p[64];
	int n;
};

static void *free_all(void *arg)
{
	struct freer *f = arg;
	int i;

	for (i = 0; i < f->n; i++)
		pkt_free(f->p[i]);
	return NULL;
}

/* A packet freed by another thread returns to its owner's pool. */
static void test_remote_free(void **state)
{
	struct pkt_pool pool;
	struct freer f = { .n = 64 };
	pthread_t t;
	int i;

	(void)state;
	assert_int_equal(pkt_pool_create(&pool, 64), 0);
	pkt_pool_set_local(&pool);
	for (i = 0; i < 64; i++)
		assert_non_null(f.p[i] = pkt_alloc(&pool));
	assert_null(pkt_alloc(&pool));
	assert_int_equal(pkt_pool_avail(&pool), 0);
	assert_int_equal(pthread_create(&t, NULL, free_all, &f), 0);
	pthread_join(t, NULL);
	assert_int_equal(pkt_pool_avail(&pool), 64);
	/* The owner takes them back when its own list is empty. */
	for (i = 0; i < 64; i++)
		assert_non_null(f.p[i] = pkt_alloc(&pool));
	for (i = 0; i < 64; i++)
		pkt_free(f.p[i]);
	assert_int_equal(pool.nfree, 64);
	pkt_pool_set_local(NULL);
	pkt_pool_destroy(&pool);
}

/* Each worker counts in its own slot; readers see the sum. */
static void test_worker_slots(void **state)
{
	struct ns_worker *w1;
	struct net *net;
	struct frame f;
	uint8_t l4[64];
	uint32_t n = icmp_build(l4, NS_ICMP_ECHO, 0, 1, 4);

	(void)state;
	assert_int_equal(ns_net_create(&net), 0);
	assert_int_equal(run(net, "ip link add eth0 type dummy", NULL), 0);
	assert_int_equal(run(net, "ip link set eth0 up", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.0.1/24 dev eth0", NULL), 0);
	assert_int_equal(ns_worker_create(net, 1, 2, &w1), 0);
	eth_put(&f, net_dev_by_name(net, "eth0")->mac, PEER_MAC,
		NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.9"), 1, 64, 0, l4, n);
	/* Worker of one: slot 0. */
	assert_int_equal(ns_inject(net, "eth0", f.b, f.len, 1000), 0);
	assert_int_equal(net->stats[0].rx_packets, 1);
	/* Worker 1, entered on this thread, receiving by hand. */
	ns_worker_enter(w1, 2000);
	{
		struct netdev *dev = net_dev_by_name(net, "eth0");
		struct pkt *p = pkt_alloc(&w1->pool);

		assert_non_null(p);
		assert_int_equal(pkt_set_frame(p, f.b, f.len), 0);
		stack_rcv(net, dev, p);
		assert_int_equal(w1->now_ns, 2000);
	}
	ns_worker_leave(w1);
	assert_int_equal(net->stats[1].rx_packets, 1);
	assert_int_equal(netdev_stats_read(net_dev_by_name(net, "eth0"))
			 .rx_packets, 2);
	assert_int_equal(pkt_pool_avail(&w1->pool), w1->pool.size);
	ns_worker_destroy(w1);
	ns_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_whole),
		cmocka_unit_test(test_neigh_replace_racing),
		cmocka_unit_test(test_remote_free),
		cmocka_unit_test(test_worker_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
