// SPDX-License-Identifier: MIT
/*
 * The connlimit match: parse -> save/print as iptables-legacy 1.8.9
 * (tests/vectors/ct_matches.vec), and the counting (nf_conncount) against
 * a real tracking table: connections counted once, per masked address,
 * a connection that left the table dropped from the count when the list
 * is walked, an ASSURED one not walked for, the per-rule state new with
 * each generation.
 */
#include "xt_match_harness.h"

#include <arpa/inet.h>

#include "core/net.h"
#include "ct/ct.h"

#define OK(o, s, p) HM_OK("connlimit", 0, o, s, p, p)
#define FAIL(o, msg) HM_FAIL("connlimit", 0, o, msg)

static void test_parse_save_print(void **state)
{
	(void)state;
	OK("--connlimit-above 2", " --connlimit-above 2 --connlimit-mask 32 "
	   "--connlimit-saddr", " #conn src/32 > 2");
	OK("! --connlimit-upto 3 --connlimit-daddr", " --connlimit-above 3 "
	   "--connlimit-mask 32 --connlimit-daddr", " #conn dst/32 > 3");
	OK("--connlimit-upto 1 --connlimit-mask 255.255.0.0",
	   " --connlimit-upto 1 --connlimit-mask 16 --connlimit-saddr",
	   " #conn src/16 <= 1");
	OK("--connlimit-upto 1 --connlimit-mask 0", " --connlimit-upto 1 "
	   "--connlimit-mask 0 --connlimit-saddr", " #conn src/0 <= 1");
	OK("--connlimit-above 1 --connlimit-mask 33", " --connlimit-above 1 "
	   "--connlimit-mask 32 --connlimit-saddr", " #conn src/32 > 1");
	FAIL("--connlimit-mask 8", "You must specify \"--connlimit-above\" or "
	     "\"--connlimit-upto\".");
	FAIL("--connlimit-above 3 --connlimit-upto 4", "connlimit: option "
	     "\"--connlimit-upto\" cannot be used together with "
	     "\"--connlimit-above\".\n");
	FAIL("--connlimit-above x", "connlimit: bad value for option "
	     "\"--connlimit-above\", or out of range (0-4294967295).\n");
	FAIL("--connlimit-above 1 --connlimit-mask x", "connlimit: bad value "
	     "for option \"--connlimit-mask\", neither a valid network mask "
	     "nor valid CIDR (0-32).\n");
}

static struct net *net;
static struct pkt pkt;

static struct ct_conn *conn(uint32_t src, uint16_t sport)
{
	struct ct_conn *ct = ct_conn_alloc(net, 0);
	struct ct_tuple *o, *r;

	assert_non_null(ct);
	o = &ct->node[CT_DIR_ORIGINAL].tuple;
	r = &ct->node[CT_DIR_REPLY].tuple;
	o->src = ns_addr4(htonl(src));
	o->dst = ns_addr4(htonl(0x0a000063));
	o->sport = htons(sport);
	o->dport = htons(53);
	o->proto = 17;
	r->src = o->dst;
	r->dst = o->src;
	r->sport = o->dport;
	r->dport = o->sport;
	r->proto = 17;
	atomic_store(&ct->timeout, net_now(net) + 600ull * 1000000000ull);
	assert_int_equal(ct_insert(net, ct), 0);
	return ct;
}

/* Run rule m (state st) on a packet of ct: 1 match, 0 not, -1 hotdrop. */
static int count(struct hm *m, void *st, struct ct_conn *ct, int limit)
{
	const struct ct_tuple *o = ct_tuple_of(ct, CT_DIR_ORIGINAL);
	struct xt_action act;
	uint8_t uh[8];
	bool r;

	hm_pkt(&pkt, 17, ntohl(o->src.ip), ntohl(o->dst.ip), uh,
	       (uint16_t)hm_udp(uh, ntohs(o->sport), 53), 0, false);
	pkt.ct = ct;
	pkt.ctinfo = CT_ESTABLISHED;
	memset(&act, 0, sizeof(act));
	act.net = net;
	act.state = st;
	(void)limit;
	r = m->ops->match(&pkt, m->data, &act);
	if (act.hotdrop)
		return -1;
	return r ? 1 : 0;
}

static void test_counting(void **state)
{
	struct ct_conn *a, *b, *c, *d;
	struct hm m2;
	void *st;

	(void)state;
	assert_int_equal(ct_net_enable(net), 0);
	atomic_store(&net->now_ns, 1000ull * 1000000000ull);
	assert_int_equal(hm_parse(&m2, "connlimit", 0, "--connlimit-above 2"),
			 0);
	assert_int_equal(m2.ops->state_create(m2.data, &st), 0);
	a = conn(0x0a000001, 1);
	b = conn(0x0a000001, 2);
	c = conn(0x0a000001, 3);
	d = conn(0x0a000002, 1);
	assert_int_equal(count(&m2, st, a, 2), 0);   /* 1 */
	assert_int_equal(count(&m2, st, a, 2), 0);   /* still 1 */
	assert_int_equal(count(&m2, st, b, 2), 0);   /* 2 */
	assert_int_equal(count(&m2, st, d, 2), 0);   /* other address: 1 */
	assert_int_equal(count(&m2, st, c, 2), 1);   /* 3 > 2 */
	assert_int_equal(count(&m2, st, b, 2), 1);   /* still 3 */
	/* a leaves the table: the next walk drops it. */
	assert_true(ct_kill(net, a));
	assert_int_equal(count(&m2, st, b, 2), 0);   /* 2 */
	/* An assured connection is not walked for; the list is cleaned. */
	ct_status_set(c, CT_S_ASSURED);
	assert_true(ct_kill(net, b));
	atomic_store(&net->now_ns, 1001ull * 1000000000ull);
	assert_int_equal(count(&m2, st, c, 2), 0);   /* 1 */
	m2.ops->state_destroy(st);
	/* A new generation counts from zero. */
	assert_int_equal(m2.ops->state_create(m2.data, &st), 0);
	assert_int_equal(count(&m2, st, c, 2), 0);
	m2.ops->state_destroy(st);
	hm_free(&m2);
}

/* Masked keys: a /24 counts both addresses together. */
static void test_mask(void **state)
{
	struct ct_conn *a, *b, *c;
	struct hm m;
	void *st;

	(void)state;
	assert_int_equal(ct_net_enable(net), 0);
	assert_int_equal(hm_parse(&m, "connlimit", 0, "--connlimit-upto 1 "
				  "--connlimit-mask 24"), 0);
	assert_int_equal(m.ops->state_create(m.data, &st), 0);
	a = conn(0x0a010001, 7);
	b = conn(0x0a010002, 7);
	c = conn(0x0a020002, 7);
	assert_int_equal(count(&m, st, a, 1), 1);    /* 1 <= 1 */
	assert_int_equal(count(&m, st, b, 1), 0);    /* 2 */
	assert_int_equal(count(&m, st, c, 1), 1);    /* other /24 */
	m.ops->state_destroy(st);
	hm_free(&m);
}

static int setup(void **state)
{
	(void)state;
	return ns_net_create(&net);
}

static int teardown(void **state)
{
	(void)state;
	ns_net_destroy(net);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_save_print),
		cmocka_unit_test_setup_teardown(test_counting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mask, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
