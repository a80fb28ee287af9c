// SPDX-License-Identifier: MIT
/*
 * Unit tests for the limit match (src/xt/ext/match_limit.c): texts, the
 * kernel's overflow check, and the token bucket against a clock injected
 * through net->now_ns (HZ 250: one jiffy is 4 ms, 128 credits).
 */
#include "xt_ext_harness.h"

#include "core/net.h"

#define JIFFY_NS 4000000ull

static void test_roundtrip(void **state)
{
	/* Recorded from iptables-legacy 1.8.9. */
	h_roundtrip("limit", "--limit 1/sec", " --limit 1/sec",
		    " limit: avg 1/sec burst 5", " limit: avg 1/sec burst 5");
	h_roundtrip("limit", "--limit 1/min", " --limit 1/min",
		    " limit: avg 1/min burst 5", NULL);
	h_roundtrip("limit", "--limit 1000/hour", " --limit 1000/hour",
		    " limit: avg 1000/hour burst 5", NULL);
	h_roundtrip("limit", "--limit 1000/day", " --limit 1000/day",
		    " limit: avg 1000/day burst 5", NULL);
	h_roundtrip("limit", "--limit 1/sec --limit-burst 1",
		    " --limit 1/sec --limit-burst 1",
		    " limit: avg 1/sec burst 1", NULL);
	h_roundtrip("limit", "", " --limit 3/hour",
		    " limit: avg 3/hour burst 5", NULL);
	h_roundtrip("limit", "--limit 3/s", " --limit 3/sec", NULL, NULL);
	h_roundtrip("limit", "--limit 7", " --limit 7/sec", NULL, NULL);
	h_roundtrip("limit", "--limit 100/m --limit-burst 20",
		    " --limit 100/min --limit-burst 20",
		    " limit: avg 100/min burst 20", NULL);
	h_roundtrip("limit", "--limit 10000/sec", " --limit 10000/sec", NULL,
		    NULL);
	h_roundtrip("limit", "--limit 2/h", " --limit 2/hour", NULL, NULL);
	h_roundtrip("limit", "--limit 30/minute", " --limit 30/min", NULL,
		    NULL);
	h_roundtrip("limit", "--limit 60/min", " --limit 1/sec", NULL, NULL);
	h_roundtrip("limit", "--limit 24/day", " --limit 1/hour", NULL, NULL);
	h_roundtrip("limit", "--limit 3600/hour", " --limit 1/sec", NULL,
		    NULL);
	h_roundtrip("limit", "--limit 7/min", " --limit 7/min", NULL, NULL);
	h_roundtrip("limit", "--limit 13/hour", " --limit 13/hour", NULL,
		    NULL);
	h_roundtrip("limit", "--limit 5000/day", " --limit 5000/day", NULL,
		    NULL);
	h_roundtrip("limit", "--limit 9999/sec", " --limit 10000/sec", NULL,
		    NULL);
	h_roundtrip("limit", "--limit 1001/sec", " --limit 1111/sec",
		    " limit: avg 1111/sec burst 5", NULL);
	h_roundtrip("limit", "--limit 5x/sec", " --limit 5/sec", NULL, NULL);
	h_roundtrip("limit", "--limit 1/SEC", " --limit 1/sec", NULL, NULL);
	h_roundtrip("limit", "--limit 1/mi", " --limit 1/min", NULL, NULL);
	h_roundtrip("limit", "--limit 1/second", " --limit 1/sec", NULL, NULL);
	h_roundtrip("limit", "--limit 2/Minute", " --limit 2/min", NULL, NULL);
	h_roundtrip("limit", "--limit-burst 7",
		    " --limit 3/hour --limit-burst 7",
		    " limit: avg 3/hour burst 7", NULL);
	h_roundtrip("limit", "--limit 3/hour --limit-burst 5",
		    " --limit 3/hour", NULL, NULL);
	h_roundtrip("limit", "--limit 1/min --limit-burst 0x10",
		    " --limit 1/min --limit-burst 16", NULL, NULL);
	h_roundtrip("limit", "--limit 1/sec --limit-burst 10000",
		    " --limit 1/sec --limit-burst 10000",
		    " limit: avg 1/sec burst 10000", NULL);
}

static void test_reject(void **state)
{
	const char *burst = "limit: bad value for option \"--limit-burst\", "
			    "or out of range (0-10000).\n";

	h_reject("limit", "--limit 0/sec", "bad rate \"0/sec\"'");
	h_reject("limit", "--limit foo", "bad rate \"foo\"'");
	h_reject("limit", "--limit 1/foo", "bad rate \"1/foo\"'");
	h_reject("limit", "--limit 1/", "bad rate \"1/\"'");
	h_reject("limit", "--limit /sec", "bad rate \"/sec\"'");
	h_reject("limit", "--limit 1/secondx", "bad rate \"1/secondx\"'");
	h_reject("limit", "--limit 4294967296/sec",
		 "bad rate \"4294967296/sec\"'");
	h_reject("limit", "--limit 100000/sec",
		 "Rate too fast \"100000/sec\"");
	h_reject("limit", "--limit 10001/sec", "Rate too fast \"10001/sec\"");
	h_reject("limit", "--limit -5/sec", "Rate too fast \"-5/sec\"");
	h_reject("limit", "--limit 4294967295/sec",
		 "Rate too fast \"4294967295/sec\"");
	h_reject("limit", "--limit 1/sec --limit-burst 10001", burst);
	h_reject("limit", "--limit-burst abc", burst);
	h_reject("limit", "! --limit 1/sec", NULL);
}

static void test_check(void **state)
{
	struct h_rule r;
	char msg[128];

	assert_int_equal(h_parse(&r, "limit", "--limit 1/sec --limit-burst 0"),
			 0);
	assert_int_equal(h_check(&r, 1u << NS_INET_LOCAL_IN, msg, sizeof(msg)),
			 -ERANGE);
	assert_string_equal(msg, "xt_limit: Overflow, try lower: 10000/0");
	assert_int_equal(h_parse(&r, "limit",
				 "--limit 1/day --limit-burst 10000"), 0);
	assert_int_equal(h_check(&r, 1u << NS_INET_LOCAL_IN, msg, sizeof(msg)),
			 -ERANGE);
	assert_string_equal(msg,
			    "xt_limit: Overflow, try lower: 864000000/10000");
	/* 1/day with the default burst 5 overflows too (kernel: ERANGE). */
	assert_int_equal(h_parse(&r, "limit", "--limit 1/d"), 0);
	assert_int_equal(h_check(&r, 0, NULL, 0), -ERANGE);
	assert_int_equal(h_parse(&r, "limit",
				 "--limit 10000/day --limit-burst 10000"), 0);
	assert_int_equal(h_check(&r, 0, NULL, 0), 0);
	assert_int_equal(h_parse(&r, "limit",
				 "--limit 1/hour --limit-burst 10000"), 0);
	assert_int_equal(h_check(&r, 0, NULL, 0), 0);
}

static void test_conformance(void **state)
{
	assert_true(h_conformance("libxt_limit.t", "limit") >= 5);
}

struct lim {
	struct h_rule r;
	struct net *net;
	struct xt_action act;
	struct pkt *pkt;
};

static void lim_open(struct lim *l, const char *args, uint64_t t0)
{
	static struct pkt pkt;
	struct h_pktopt o = { .ttl = 64 };

	memset(l, 0, sizeof(*l));
	if (h_parse(&l->r, "limit", args))
		fail_msg("%s: %s", args, l->r.err);
	assert_int_equal(h_check(&l->r, 1u << NS_INET_LOCAL_IN, NULL, 0), 0);
	assert_int_equal(ns_net_create(&l->net), 0);
	l->net->now_ns = t0;
	l->act.net = l->net;
	assert_int_equal(l->r.ops->state_create(l->r.data, &l->act.state), 0);
	h_pkt_build(&pkt, &o);
	l->pkt = &pkt;
}

static bool lim_at(struct lim *l, uint64_t t)
{
	l->net->now_ns = t;
	return h_match(&l->r, l->pkt, &l->act);
}

static void lim_close(struct lim *l)
{
	l->r.ops->state_destroy(l->act.state);
	ns_net_destroy(l->net);
}

/* 1/sec, burst 1: one packet, then one per 250 jiffies. */
static void test_bucket_1sec(void **state)
{
	const uint64_t t0 = 1000 * JIFFY_NS;
	struct lim l;
	int i;

	lim_open(&l, "--limit 1/sec --limit-burst 1", t0);
	assert_true(lim_at(&l, t0));
	assert_false(lim_at(&l, t0));
	assert_false(lim_at(&l, t0 + 249 * JIFFY_NS));
	/* Within the same jiffy as the refill point: still nothing. */
	assert_false(lim_at(&l, t0 + 250 * JIFFY_NS - 1));
	assert_true(lim_at(&l, t0 + 250 * JIFFY_NS));
	assert_false(lim_at(&l, t0 + 250 * JIFFY_NS + 1));
	/* A long pause refills only up to the burst. */
	for (i = 0; i < 3; i++)
		assert_int_equal(lim_at(&l, t0 + 100000 * JIFFY_NS), i == 0);
	lim_close(&l);
}

/* 1/sec, burst 5: five at once, then one a second. */
static void test_bucket_burst(void **state)
{
	const uint64_t t0 = 7 * JIFFY_NS;
	struct lim l;
	int i, n;

	lim_open(&l, "--limit 1/sec", t0);
	for (i = 0, n = 0; i < 10; i++)
		n += lim_at(&l, t0);
	assert_int_equal(n, 5);
	assert_true(lim_at(&l, t0 + 1000000000ull));
	assert_false(lim_at(&l, t0 + 1000000000ull));
	/* Over 10 s at 100 packets per second: 10 more pass. */
	for (i = 1, n = 0; i <= 1000; i++)
		n += lim_at(&l, t0 + 1000000000ull + i * 10000000ull);
	assert_int_equal(n, 10);
	lim_close(&l);
}

/*
 * 3/sec: avg 3333, cost user2credits(3333) = 10665 credits, 83.3 jiffies;
 * full bucket user2credits(16665) = 53328 leaves 3 credits after five
 * packets, so the sixth passes after 84 jiffies, not 83.
 */
static void test_bucket_rounding(void **state)
{
	const uint64_t t0 = 0;
	struct lim l;
	int i;

	lim_open(&l, "--limit 3/sec", t0);
	for (i = 0; i < 5; i++)
		assert_true(lim_at(&l, t0));
	assert_false(lim_at(&l, t0));
	assert_false(lim_at(&l, t0 + 83 * JIFFY_NS));
	assert_true(lim_at(&l, t0 + 84 * JIFFY_NS));
	lim_close(&l);
}

/* 3/hour (the default): 20 minutes per packet once the burst is used. */
static void test_bucket_default(void **state)
{
	const uint64_t min = 60ull * 1000000000ull;
	struct lim l;
	int i;

	lim_open(&l, "", 5 * min);
	for (i = 0; i < 5; i++)
		assert_true(lim_at(&l, 5 * min));
	assert_false(lim_at(&l, 5 * min));
	assert_false(lim_at(&l, 25 * min - JIFFY_NS));
	assert_true(lim_at(&l, 25 * min));
	assert_false(lim_at(&l, 44 * min));
	assert_true(lim_at(&l, 45 * min));
	lim_close(&l);
}

/* A new ruleset generation starts with a full bucket, as in the kernel. */
static void test_generation_reset(void **state)
{
	struct lim l;
	void *st2;
	int i;

	lim_open(&l, "--limit 1/min --limit-burst 2", 0);
	assert_true(lim_at(&l, 0));
	assert_true(lim_at(&l, 0));
	assert_false(lim_at(&l, 0));
	assert_int_equal(l.r.ops->state_create(l.r.data, &st2), 0);
	l.r.ops->state_destroy(l.act.state);
	l.act.state = st2;
	for (i = 0; i < 2; i++)
		assert_true(lim_at(&l, JIFFY_NS));
	assert_false(lim_at(&l, JIFFY_NS));
	lim_close(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_bucket_1sec),
		cmocka_unit_test(test_bucket_burst),
		cmocka_unit_test(test_bucket_rounding),
		cmocka_unit_test(test_bucket_default),
		cmocka_unit_test(test_generation_reset),
	};

	return cmocka_run_group_tests_name("match_limit", tests, NULL, NULL);
}
