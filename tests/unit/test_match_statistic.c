// SPDX-License-Identifier: MIT
/*
 * Unit tests for the statistic match (src/xt/ext/match_statistic.c):
 * texts, nth counting in per-generation state, random mode with a seed.
 */
#include "xt_ext_harness.h"

#include <math.h>

#include "xt/ext/statistic.h"

static void test_roundtrip(void **state)
{
	/* Recorded from iptables-legacy 1.8.9. */
	h_roundtrip("statistic", "--mode random --probability 0.5",
		    " --mode random --probability 0.50000000000",
		    " statistic mode random probability 0.50000000000",
		    " statistic mode random probability 0.50000000000");
	h_roundtrip("statistic", "--mode random ! --probability 0.1",
		    " --mode random ! --probability 0.10000000009",
		    " statistic mode random ! probability 0.10000000009",
		    NULL);
	h_roundtrip("statistic", "--mode random --probability 0.04",
		    " --mode random --probability 0.04000000004", NULL, NULL);
	h_roundtrip("statistic", "--mode random --probability 1",
		    " --mode random --probability 1.00000000000", NULL, NULL);
	h_roundtrip("statistic", "--mode random --probability 0",
		    " --mode random --probability 0.00000000000", NULL, NULL);
	h_roundtrip("statistic", "--mode random --probability 0.333333",
		    " --mode random --probability 0.33333300008",
		    " statistic mode random probability 0.33333300008", NULL);
	h_roundtrip("statistic", "--mode random --probability 0x1p-2",
		    " --mode random --probability 0.25000000000", NULL, NULL);
	h_roundtrip("statistic", "--mode random --probability 1e-10",
		    " --mode random --probability 0.00000000000", NULL, NULL);
	h_roundtrip("statistic", "--mode random --probability nan",
		    " --mode random --probability 0.00000000000", NULL, NULL);
	h_roundtrip("statistic", "--mode random --probability 0.99999999999",
		    " --mode random --probability 1.00000000000", NULL, NULL);
	h_roundtrip("statistic", "--mode nth --every 3 --packet 2",
		    " --mode nth --every 3 --packet 2",
		    " statistic mode nth every 3 packet 2", NULL);
	h_roundtrip("statistic", "--mode nth ! --every 3 --packet 1",
		    " --mode nth ! --every 3 --packet 1",
		    " statistic mode nth ! every 3 packet 1", NULL);
	h_roundtrip("statistic", "--mode nth --every 1 --packet 0",
		    " --mode nth --every 1 --packet 0",
		    " statistic mode nth every 1", NULL);
	h_roundtrip("statistic", "--mode nth --every 3 --packet 0",
		    " --mode nth --every 3 --packet 0",
		    " statistic mode nth every 3", NULL);
	h_roundtrip("statistic",
		    "--mode nth --every 4294967295 --packet 4294967294",
		    " --mode nth --every 4294967295 --packet 4294967294",
		    " statistic mode nth every 4294967295 packet 4294967294",
		    NULL);
}

static void test_reject(void **state)
{
	h_reject("statistic", "",
		 "--probability must be specified when using random mode");
	h_reject("statistic", "--mode foo", "Bad mode \"foo\"");
	h_reject("statistic", "--mode Nth --every 3 --packet 1",
		 "Bad mode \"Nth\"");
	h_reject("statistic", "--probability 0.5",
		 "statistic: option \"--mode\" must be specified\n");
	h_reject("statistic", "--mode random",
		 "--probability must be specified when using random mode");
	h_reject("statistic", "--mode random --every 3 --packet 1",
		 "--probability must be specified when using random mode");
	h_reject("statistic", "--mode nth",
		 "--every and --packet must be specified when using nth mode");
	h_reject("statistic", "--mode nth --probability 0.5",
		 "--every and --packet must be specified when using nth mode");
	h_reject("statistic", "--mode nth --packet 1",
		 "the --packet p must be 0 <= p <= n-1");
	h_reject("statistic", "--mode nth --every 3 --packet 3",
		 "the --packet p must be 0 <= p <= n-1");
	h_reject("statistic", "--mode nth --every 3",
		 "statistic: option \"--every\" also requires \"--packet\".\n");
	h_reject("statistic", "--mode nth --packet 0",
		 "statistic: option \"--packet\" also requires \"--every\".\n");
	h_reject("statistic", "--mode nth --every 0 --packet 0",
		 "statistic: bad value for option \"--every\", or out of range (1-4294967295).\n");
	h_reject("statistic", "--mode nth --every 4294967296 --packet 0",
		 "statistic: bad value for option \"--every\", or out of range (1-4294967295).\n");
	h_reject("statistic", "--mode nth --every 2 --packet 1x",
		 "statistic: bad value for option \"--packet\", or out of range (0-4294967295).\n");
	h_reject("statistic", "--mode random --probability 1.5",
		 "statistic: bad value for option \"--probability\", or out of range (0-1).\n");
	h_reject("statistic", "--mode random --probability -0.1",
		 "statistic: bad value for option \"--probability\", or out of range (0-1).\n");
	h_reject("statistic", "--mode random --probability abc",
		 "statistic: bad value for option \"--probability\", or out of range (0-1).\n");
	h_reject("statistic", "--mode random --probability 1.0000000001",
		 "statistic: bad value for option \"--probability\", or out of range (0-1).\n");
	h_reject("statistic", "--mode random --probability 0.5 --every 3 "
		 "--packet 1",
		 "statistic: option \"--probability\" cannot be used together with \"--every\".\n");
	h_reject("statistic", "--mode random --probability 0.5 --packet 0",
		 "statistic: option \"--probability\" cannot be used together with \"--packet\".\n");
	h_reject("statistic", "--mode nth --every 3 --packet 1 "
		 "--probability 0.5",
		 "statistic: option \"--probability\" cannot be used together with \"--every\".\n");
	h_reject("statistic", "! --mode nth --every 3 --packet 1", NULL);
	h_reject("statistic", "--mode nth --every 3 ! --packet 1", NULL);
}

struct stat_rule {
	struct h_rule r;
	struct xt_action act;
};

static void stat_open(struct stat_rule *s, const char *args)
{
	memset(s, 0, sizeof(*s));
	if (h_parse(&s->r, "statistic", args))
		fail_msg("%s: %s", args, s->r.err);
	assert_int_equal(h_check(&s->r, 1u << NS_INET_LOCAL_IN, NULL, 0), 0);
	assert_int_equal(s->r.ops->state_create(s->r.data, &s->act.state), 0);
}

static void stat_close(struct stat_rule *s)
{
	s->r.ops->state_destroy(s->act.state);
}

/* Run n packets and write '1' for each match into out. */
static void stat_run(struct stat_rule *s, int n, char *out)
{
	static struct pkt pkt;
	struct h_pktopt o = { .ttl = 64 };
	int i;

	h_pkt_build(&pkt, &o);
	for (i = 0; i < n; i++)
		out[i] = h_match(&s->r, &pkt, &s->act) ? '1' : '0';
	out[n] = '\0';
}

static void test_nth(void **state)
{
	struct stat_rule s;
	char got[64];
	void *st2;

	stat_open(&s, "--mode nth --every 3 --packet 0");
	stat_run(&s, 9, got);
	assert_string_equal(got, "100100100");
	stat_close(&s);

	stat_open(&s, "--mode nth --every 3 --packet 2");
	stat_run(&s, 9, got);
	assert_string_equal(got, "001001001");
	stat_close(&s);

	stat_open(&s, "--mode nth ! --every 3 --packet 1");
	stat_run(&s, 9, got);
	assert_string_equal(got, "101101101");
	stat_close(&s);

	stat_open(&s, "--mode nth --every 1 --packet 0");
	stat_run(&s, 4, got);
	assert_string_equal(got, "1111");

	/* A new generation restarts the count (as a kernel table replace). */
	stat_close(&s);
	stat_open(&s, "--mode nth --every 4 --packet 1");
	stat_run(&s, 3, got);
	assert_string_equal(got, "010");
	assert_int_equal(s.r.ops->state_create(s.r.data, &st2), 0);
	s.r.ops->state_destroy(s.act.state);
	s.act.state = st2;
	stat_run(&s, 6, got);
	assert_string_equal(got, "010001");
	stat_close(&s);
}

static void test_random(void **state)
{
	struct stat_rule half, inv, zero, one;
	char a[1001], b[1001], c[1001];
	int i, n;

	stat_open(&half, "--mode random --probability 0.5");
	stat_open(&inv, "--mode random ! --probability 0.5");
	stat_open(&zero, "--mode random --probability 0");
	stat_open(&one, "--mode random --probability 1");

	/* The same seed gives the same decisions. */
	xt_statistic_seed(42);
	stat_run(&half, 1000, a);
	xt_statistic_seed(42);
	stat_run(&half, 1000, b);
	assert_string_equal(a, b);
	/* Inversion flips each of them. */
	xt_statistic_seed(42);
	stat_run(&inv, 1000, c);
	for (i = 0; i < 1000; i++)
		assert_int_not_equal(a[i], c[i]);
	/* Another seed, other decisions. */
	xt_statistic_seed(43);
	stat_run(&half, 1000, b);
	assert_string_not_equal(a, b);
	/* About half (binomial, 1000 draws: > 6 sigma margin). */
	for (i = 0, n = 0; i < 1000; i++)
		n += a[i] == '1';
	assert_in_range(n, 400, 600);

	stat_run(&zero, 1000, a);
	assert_null(strchr(a, '1'));
	stat_run(&one, 1000, a);
	assert_null(strchr(a, '0'));

	stat_close(&half);
	stat_close(&inv);
	stat_close(&zero);
	stat_close(&one);
}

/* The kernel's test: (u32 & 0x7FFFFFFF) < probability * 2^31. */
static void test_random_threshold(void **state)
{
	struct stat_rule s;
	char got[2001];
	uint32_t draws[2000];
	uint32_t p;
	int i;

	stat_open(&s, "--mode random --probability 0.3");
	p = (uint32_t)lround(0x80000000 * 0.3);
	xt_statistic_seed(7);
	for (i = 0; i < 2000; i++)
		draws[i] = xt_statistic_random_u32();
	xt_statistic_seed(7);
	stat_run(&s, 2000, got);
	for (i = 0; i < 2000; i++)
		assert_int_equal(got[i] == '1',
				 (draws[i] & 0x7FFFFFFF) < p);
	stat_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_nth),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_random_threshold),
	};

	return cmocka_run_group_tests_name("match_statistic", tests, NULL,
					   NULL);
}
