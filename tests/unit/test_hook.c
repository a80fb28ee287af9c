// SPDX-License-Identifier: MIT
/*
 * The hook framework through the public API, as an embedding program uses
 * it: registration order by priority (ties in registration order, after
 * the iptables tables already there), every verdict (ACCEPT, DROP, STOLEN,
 * QUEUE, REPEAT, STOP), unregistration, and refusal of bad registrations.
 * Packets are real frames forwarded between two interfaces without I/O.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netsieve/netsieve.h>

#include "core/hook.h"
#include "core/net.h"
#include "stack/conf.h"

#define MAXLOG 16

struct probe {
	int id;
	unsigned verdict;       /* what to return */
	unsigned repeat_left;   /* return NS_REPEAT this many times first */
};

static int calls[MAXLOG];
static int ncalls;
static struct pkt *stolen;

static unsigned int probe_fn(void *priv, struct pkt *pkt,
			     const struct ns_hook_state *st)
{
	struct probe *p = priv;

	assert_int_equal(st->hook, NS_INET_FORWARD);
	assert_int_equal(st->pf, NS_PF_INET);
	assert_non_null(st->in);
	assert_non_null(st->out);
	if (ncalls < MAXLOG)
		calls[ncalls++] = p->id;
	if (p->repeat_left) {
		p->repeat_left--;
		return NS_REPEAT;
	}
	if (p->verdict == NS_STOLEN)
		stolen = pkt;
	return p->verdict;
}

static void run(struct net *net, const char *line)
{
	char *out = NULL, *err = NULL;
	int rc = ns_exec(net, line, &out, &err);

	if (rc)
		fprintf(stderr, "'%s': %s", line, err);
	assert_int_equal(rc, 0);
	free(out);
	free(err);
}

static int setup(void **state)
{
	static const char *const lines[] = {
		"ip link add eth0 type dummy",
		"ip link add eth1 type dummy",
		"ip link set eth0 address 02:00:00:00:00:01",
		"ip link set eth1 address 02:00:00:00:00:02",
		"ip addr add 10.0.1.1/24 dev eth0",
		"ip addr add 10.0.2.1/24 dev eth1",
		"ip link set eth0 up",
		"ip link set eth1 up",
		"ip neigh add 10.0.2.2 lladdr 02:00:00:00:01:02 dev eth1 nud permanent",
		"sysctl -w net.ipv4.ip_forward=1",
		NULL,
	};
	struct net *net;
	int i;

	assert_int_equal(ns_net_create(&net), 0);
	for (i = 0; lines[i]; i++)
		run(net, lines[i]);
	ncalls = 0;
	stolen = NULL;
	*state = net;
	return 0;
}

static int teardown(void **state)
{
	ns_net_destroy(*state);
	return 0;
}

/* UDP 10.0.1.2 -> 10.0.2.2, 60 bytes, valid IP checksum. */
static size_t frame(uint8_t *f)
{
	static const uint8_t hdr[] = {
		2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1, 1, 0x08, 0x00,
		0x45, 0, 0, 46, 0, 1, 0, 0, 64, 17, 0, 0,
		10, 0, 1, 2, 10, 0, 2, 2,
		0x04, 0xd2, 0x13, 0x88, 0, 26, 0, 0,
	};
	uint32_t s = 0;
	int i;

	memset(f, 0, 60);
	memcpy(f, hdr, sizeof(hdr));
	for (i = 14; i < 34; i += 2)
		s += (uint32_t)(f[i] << 8 | f[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	f[24] = (uint8_t)(~s >> 8);
	f[25] = (uint8_t)~s;
	return 60;
}

static uint64_t tx(struct net *net)
{
	return netdev_stats_read(net_dev_by_name(net, "eth1")).tx_packets;
}

static uint64_t drops(struct net *net, enum drop_reason r)
{
	uint64_t n = 0;
	int w;

	for (w = 0; w < NS_MAX_WORKERS; w++)
		n += net->stats[w].drops[r];
	return n;
}

static void send1(struct net *net)
{
	uint8_t f[64];
	size_t n = frame(f);

	assert_int_equal(ns_inject(net, "eth0", f, n, 1000), 0);
}

static struct ns_hook_ops ops_for(struct probe *p, int prio)
{
	struct ns_hook_ops o = {
		.hook = probe_fn, .priv = p, .pf = NS_PF_INET,
		.hooknum = NS_INET_FORWARD, .priority = prio,
	};
	return o;
}

static void test_priority_order(void **state)
{
	struct net *net = *state;
	struct probe a = { 1, NS_ACCEPT, 0 }, b = { 2, NS_ACCEPT, 0 },
		     c = { 3, NS_ACCEPT, 0 }, d = { 4, NS_ACCEPT, 0 };
	struct ns_hook_ops oa = ops_for(&a, 10), ob = ops_for(&b, -10),
			   oc = ops_for(&c, 0), od = ops_for(&d, 10);

	assert_int_equal(ns_hook_register(net, &oa), 0);
	assert_int_equal(ns_hook_register(net, &ob), 0);
	assert_int_equal(ns_hook_register(net, &oc), 0);
	assert_int_equal(ns_hook_register(net, &od), 0);
	send1(net);
	assert_int_equal(ncalls, 4);
	assert_int_equal(calls[0], 2);  /* -10 */
	assert_int_equal(calls[1], 3);  /*   0 */
	assert_int_equal(calls[2], 1);  /*  10, registered first */
	assert_int_equal(calls[3], 4);  /*  10, registered second */
	assert_int_equal(tx(net), 1);
}

static void test_drop(void **state)
{
	struct net *net = *state;
	struct probe a = { 1, NS_DROP, 0 }, b = { 2, NS_ACCEPT, 0 };
	struct ns_hook_ops oa = ops_for(&a, -5), ob = ops_for(&b, 5);
	uint64_t d0 = drops(net, DROP_NETFILTER_DROP);

	assert_int_equal(ns_hook_register(net, &oa), 0);
	assert_int_equal(ns_hook_register(net, &ob), 0);
	send1(net);
	assert_int_equal(ncalls, 1);    /* nothing after a DROP */
	assert_int_equal(tx(net), 0);
	assert_int_equal(drops(net, DROP_NETFILTER_DROP), d0 + 1);
}

static void test_stolen(void **state)
{
	struct net *net = *state;
	struct probe a = { 1, NS_STOLEN, 0 }, b = { 2, NS_ACCEPT, 0 };
	struct ns_hook_ops oa = ops_for(&a, -5), ob = ops_for(&b, 5);
	uint64_t free0 = pkt_pool_avail(&net->inject.pool);

	assert_int_equal(ns_hook_register(net, &oa), 0);
	assert_int_equal(ns_hook_register(net, &ob), 0);
	send1(net);
	assert_int_equal(ncalls, 1);
	assert_int_equal(tx(net), 0);
	assert_non_null(stolen);
	/* The hook owns it now: one buffer out of the pool until freed. */
	assert_int_equal(pkt_pool_avail(&net->inject.pool), free0 - 1);
	assert_memory_equal(ns_pkt_network_header(stolen) + 12,
			    "\x0a\x00\x01\x02", 4);
	ns_pkt_free(stolen);
	assert_int_equal(pkt_pool_avail(&net->inject.pool), free0);
}

static void test_queue_without_handler(void **state)
{
	struct net *net = *state;
	struct probe a = { 1, NS_QUEUE, 0 };
	struct ns_hook_ops oa = ops_for(&a, 0);
	uint64_t q0 = drops(net, DROP_QUEUE_NO_HANDLER);

	assert_int_equal(ns_hook_register(net, &oa), 0);
	send1(net);
	assert_int_equal(tx(net), 0);
	assert_int_equal(drops(net, DROP_QUEUE_NO_HANDLER), q0 + 1);
}

static void test_repeat_and_stop(void **state)
{
	struct net *net = *state;
	struct probe a = { 1, NS_STOP, 2 }, b = { 2, NS_ACCEPT, 0 };
	struct ns_hook_ops oa = ops_for(&a, -5), ob = ops_for(&b, 5);

	assert_int_equal(ns_hook_register(net, &oa), 0);
	assert_int_equal(ns_hook_register(net, &ob), 0);
	send1(net);
	/* Called three times (two REPEATs), then STOP skips b but the
	 * packet goes on as accepted. */
	assert_int_equal(ncalls, 3);
	assert_int_equal(calls[2], 1);
	assert_int_equal(tx(net), 1);
}

static void test_unregister(void **state)
{
	struct net *net = *state;
	struct probe a = { 1, NS_DROP, 0 };
	struct ns_hook_ops oa = ops_for(&a, 0);

	assert_int_equal(ns_hook_register(net, &oa), 0);
	assert_int_equal(ns_hook_unregister(net, &oa), 0);
	assert_int_equal(ns_hook_unregister(net, &oa), -ENOENT);
	send1(net);
	assert_int_equal(ncalls, 0);
	assert_int_equal(tx(net), 1);
}

/*
 * Unregistration cannot fail: without memory for the smaller array the
 * entry is swapped in place for one that accepts; the function is never
 * called again, the others still are, and the next change drops the
 * dummy. Registration without memory fails and changes nothing.
 */
static void test_unregister_without_memory(void **state)
{
	struct net *net = *state;
	struct probe a = { 1, NS_ACCEPT, 0 }, b = { 2, NS_ACCEPT, 0 };
	struct probe c = { 3, NS_ACCEPT, 0 };
	struct ns_hook_ops oa = ops_for(&a, 0), ob = ops_for(&b, 10);
	struct ns_hook_ops oc = ops_for(&c, 20);

	assert_int_equal(ns_hook_register(net, &oa), 0);
	assert_int_equal(ns_hook_register(net, &ob), 0);
	hook_fault_alloc = 1;
	assert_int_equal(ns_hook_register(net, &oc), -ENOMEM);
	assert_int_equal(hook_fault_alloc, 0);
	send1(net);
	assert_int_equal(ncalls, 2);
	hook_fault_alloc = 1;
	assert_int_equal(ns_hook_unregister(net, &oa), 0);
	assert_int_equal(hook_fault_alloc, 0);
	ncalls = 0;
	send1(net);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0], 2);
	assert_int_equal(tx(net), 2);
	/* The next change rebuilds the array without the dummy. */
	assert_int_equal(ns_hook_unregister(net, &ob), 0);
	assert_null(net->hooks[0][oa.hooknum]);
	ncalls = 0;
	send1(net);
	assert_int_equal(ncalls, 0);
	assert_int_equal(tx(net), 3);
}

static void test_bad_registration(void **state)
{
	struct net *net = *state;
	struct probe a = { 1, NS_ACCEPT, 0 };
	struct ns_hook_ops o = ops_for(&a, 0);

	o.hooknum = NS_INET_NUMHOOKS;
	assert_int_equal(ns_hook_register(net, &o), -EINVAL);
	o = ops_for(&a, 0);
	o.pf = 99;
	assert_int_equal(ns_hook_register(net, &o), -EINVAL);
	o = ops_for(&a, 0);
	o.hook = NULL;
	assert_int_equal(ns_hook_register(net, &o), -EINVAL);
	assert_int_equal(ns_hook_register(net, NULL), -EINVAL);
	send1(net);
	assert_int_equal(ncalls, 0);
	assert_int_equal(tx(net), 1);
}

/* A hook runs between the tables at its priority: mangle (-150) marks,
 * our hook at -100 sees the mark, filter (0) drops marked packets only
 * after our hook has seen them. */
static unsigned int mark_seen;
static unsigned int mark_fn(void *priv, struct pkt *pkt,
			    const struct ns_hook_state *st)
{
	(void)priv;
	(void)st;
	mark_seen = ns_pkt_mark(pkt);
	return NS_ACCEPT;
}

static void test_between_tables(void **state)
{
	struct net *net = *state;
	struct ns_hook_ops o = {
		.hook = mark_fn, .pf = NS_PF_INET,
		.hooknum = NS_INET_FORWARD, .priority = -100,
	};

	run(net, "iptables -t mangle -A FORWARD -j MARK --set-mark 0x2a");
	run(net, "iptables -A FORWARD -m mark --mark 0x2a -j DROP");
	assert_int_equal(ns_hook_register(net, &o), 0);
	send1(net);
	assert_int_equal(mark_seen, 0x2a);
	assert_int_equal(tx(net), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_priority_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stolen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_without_handler, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeat_and_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unregister, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unregister_without_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_registration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_between_tables, setup, teardown),
	};

	return cmocka_run_group_tests_name("hook", tests, NULL, NULL);
}
