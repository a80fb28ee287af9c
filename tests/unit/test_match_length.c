// SPDX-License-Identifier: MIT
/*
 * The length match: parse -> save/print against the texts iptables-legacy
 * 1.8.9 prints, its error messages, and length_mt() on IP total lengths.
 */
#include "xt_match_harness.h"

#define OK(o, s, p) HM_OK("length", 0, o, s, p, p)
#define FAIL(o, msg) HM_FAIL("length", 0, o, msg)

static void test_parse_save_print(void **state)
{
	OK("--length 100", " --length 100", " length 100");
	OK("--length 100:200", " --length 100:200", " length 100:200");
	OK("! --length 100:", " ! --length 100:65535", " length !100:65535");
	OK("--length :200", " --length 0:200", " length 0:200");
	OK("--length 200:100", " --length 200:100", " length 200:100");
	OK("--length 5:5", " --length 5", " length 5");
	OK("--length 0x10", " --length 16", " length 16");
	OK("--length 010", " --length 8", " length 8");
	OK("--length 0:65535", " --length 0:65535", " length 0:65535");
	OK("--length ''", " --length 0", " length 0");
	OK("--length :", " --length 0:65535", " length 0:65535");
}

static void test_errors(void **state)
{
	FAIL("--length 65536", "length: bad value for option \"--length\" near "
			       "\"65536\", or out of range (0-65535).\n");
	FAIL("--length foo", "length: bad value for option \"--length\" near "
			     "\"foo\", or out of range (0-65535).\n");
	FAIL("--length 5:foo", "length: bad value for option \"--length\" near "
			       "\"foo\", or out of range (0-65535).\n");
	FAIL("--length -1", "length: bad value for option \"--length\" near "
			    "\"-1\", or out of range (0-65535).\n");
	FAIL("--length 5x", "length: Argument to \"--length\" has unexpected "
			    "characters near \"x\".\n");
	FAIL("--length 1:2:3", "length: Too many components for option "
			       "\"--length\" (max: 2)\n");
	FAIL("--length ::", "length: Too many components for option "
			    "\"--length\" (max: 2)\n");
	FAIL("", "length: option \"--length\" must be specified\n");
	FAIL("--length 1 --length 2", NULL);
}

static struct pkt pkt;

static int run(const char *opts, uint16_t l4len)
{
	static uint8_t payload[1500];
	struct hm m;
	int r;

	if (hm_parse(&m, "length", 0, opts))
		fail_msg("'%s': %s", opts, hm_err(&m));
	hm_pkt(&pkt, 17, 1, 2, payload, l4len, 0, false);
	r = hm_match(&m, &pkt);
	hm_free(&m);
	return r;
}

static void test_match(void **state)
{
	/* The IP total length counts the 20-byte header. */
	assert_int_equal(run("--length 100", 80), 1);
	assert_int_equal(run("--length 100", 81), 0);
	assert_int_equal(run("! --length 100", 81), 1);
	assert_int_equal(run("--length 100:200", 80), 1);
	assert_int_equal(run("--length 100:200", 180), 1);
	assert_int_equal(run("--length 100:200", 181), 0);
	assert_int_equal(run("--length 100:200", 79), 0);
	assert_int_equal(run("--length :20", 0), 1);
	assert_int_equal(run("! --length 1000:", 1480), 0);
	assert_int_equal(run("! --length 1000:", 100), 1);
	/* Reversed: never matches, inverted always does. */
	assert_int_equal(run("--length 200:100", 130), 0);
	assert_int_equal(run("! --length 200:100", 130), 1);
	/* Fragments are measured like any packet (no L4 needed). */
	hm_pkt(&pkt, 6, 1, 2, NULL, 0, 100, false);
	{
		struct hm m;

		assert_int_equal(hm_parse(&m, "length", 0, "--length 20"), 0);
		assert_int_equal(hm_match(&m, &pkt), 1);
		hm_free(&m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("match_length", tests, NULL, NULL);
}
