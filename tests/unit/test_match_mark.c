// SPDX-License-Identifier: MIT
/*
 * The mark match: parse -> save/print against the texts iptables-legacy
 * 1.8.9 prints (and libxt_mark.t), its error messages, and mark_mt().
 */
#include "xt_match_harness.h"

#define OK(o, s, p) HM_OK("mark", 0, o, s, p, p)
#define FAIL(o, msg) HM_FAIL("mark", 0, o, msg)

#define BAD "mark: bad integer value for option \"--mark\", or out of range.\n"
#define GARBAGE "mark: trailing garbage after value for option \"--mark\".\n"

static void test_parse_save_print(void **state)
{
	OK("--mark 0xfeedcafe/0xfeedcafe", " --mark 0xfeedcafe/0xfeedcafe",
	   " mark match 0xfeedcafe/0xfeedcafe");
	OK("--mark 0x0", " --mark 0x0", " mark match 0x0");
	OK("--mark 4294967295", " --mark 0xffffffff", " mark match 0xffffffff");
	OK("--mark 0x0/0xff0", " --mark 0x0/0xff0", " mark match 0x0/0xff0");
	OK("! --mark 5/0xff", " ! --mark 0x5/0xff", " mark match ! 0x5/0xff");
	OK("--mark 010", " --mark 0x8", " mark match 0x8");
	OK("--mark 0xffffffff/0xffffffff", " --mark 0xffffffff",
	   " mark match 0xffffffff");
	OK("--mark 3/0xffffffff", " --mark 0x3", " mark match 0x3");
	OK("--mark 1/0", " --mark 0x1/0x0", " mark match 0x1/0x0");
}

static void test_errors(void **state)
{
	FAIL("--mark 4294967296", BAD);
	FAIL("--mark -1", BAD);
	FAIL("--mark 1/", BAD);
	FAIL("--mark /1", BAD);
	FAIL("--mark ''", BAD);
	FAIL("--mark 1/0x100000000", BAD);
	FAIL("--mark 1/2/3", GARBAGE);
	FAIL("--mark 5x", GARBAGE);
	FAIL("", "mark: option \"--mark\" must be specified\n");
	FAIL("--mark 1 --mark 2", NULL);
}

static struct pkt pkt;

static int run(const char *opts, uint32_t mark)
{
	uint8_t uh[8];
	struct hm m;
	int r;

	if (hm_parse(&m, "mark", 0, opts))
		fail_msg("'%s': %s", opts, hm_err(&m));
	hm_pkt(&pkt, 17, 1, 2, uh, (uint16_t)hm_udp(uh, 1, 2), 0, false);
	pkt.mark = mark;
	r = hm_match(&m, &pkt);
	hm_free(&m);
	return r;
}

static void test_match(void **state)
{
	assert_int_equal(run("--mark 0", 0), 1);
	assert_int_equal(run("--mark 0", 1), 0);
	assert_int_equal(run("--mark 1", 1), 1);
	assert_int_equal(run("! --mark 1", 1), 0);
	assert_int_equal(run("! --mark 1", 2), 1);
	assert_int_equal(run("--mark 0x5/0xff", 0x1205), 1);
	assert_int_equal(run("--mark 0x5/0xff", 0x1206), 0);
	assert_int_equal(run("--mark 0x0/0xff0", 0xf00f), 1);
	assert_int_equal(run("--mark 0x0/0xff0", 0xf01f), 0);
	assert_int_equal(run("--mark 0xfeedcafe/0xfeedcafe", 0xffffffff), 1);
	/* Bits outside the mask in the value: never equal. */
	assert_int_equal(run("--mark 1/0", 1), 0);
	assert_int_equal(run("! --mark 1/0", 1), 1);
	/* Packets without a mark are unaffected by other fields. */
	assert_int_equal(run("--mark 0xffffffff", 0xffffffff), 1);
}

static void test_conformance(void **state)
{
	/* The lines of iptables' libxt_mark.t this harness can model. */
	assert_true(hm_t_file("libxt_mark.t") >= 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_parse_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("match_mark", tests, NULL, NULL);
}
