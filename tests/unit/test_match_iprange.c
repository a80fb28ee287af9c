// SPDX-License-Identifier: MIT
/*
 * The iprange match: parse -> save/print against the texts iptables-legacy
 * 1.8.9 prints, its error messages, and iprange_mt4() on crafted packets.
 */
#include "xt_match_harness.h"

#define OK(o, s, p) HM_OK("iprange", 0, o, s, p, p)
#define FAIL(o, msg) HM_FAIL("iprange", 0, o, msg)

static void test_parse_save_print(void **state)
{
	OK("--src-range 10.0.0.1-10.0.0.9", " --src-range 10.0.0.1-10.0.0.9",
	   " source IP range 10.0.0.1-10.0.0.9");
	OK("! --src-range 10.0.0.1-10.0.0.9 ! --dst-range 1.2.3.4-1.2.3.5",
	   " ! --src-range 10.0.0.1-10.0.0.9 ! --dst-range 1.2.3.4-1.2.3.5",
	   " source IP range ! 10.0.0.1-10.0.0.9 destination IP range ! "
	   "1.2.3.4-1.2.3.5");
	OK("--dst-range 1.2.3.4-1.2.3.5 --src-range 10.0.0.1-10.0.0.9",
	   " --src-range 10.0.0.1-10.0.0.9 --dst-range 1.2.3.4-1.2.3.5",
	   " source IP range 10.0.0.1-10.0.0.9 destination IP range "
	   "1.2.3.4-1.2.3.5");
	OK("--dst-range 10.0.0.1", " --dst-range 10.0.0.1-10.0.0.1",
	   " destination IP range 10.0.0.1-10.0.0.1");
	/* Reversed: iptables warns, loads it, and it never matches. */
	OK("--src-range 10.0.0.9-10.0.0.1", " --src-range 10.0.0.9-10.0.0.1",
	   " source IP range 10.0.0.9-10.0.0.1");
	OK("--src-range 10.1-10.2", " --src-range 10.1.0.0-10.2.0.0",
	   " source IP range 10.1.0.0-10.2.0.0");
	OK("--src-range 010.0.0.1", " --src-range 8.0.0.1-8.0.0.1",
	   " source IP range 8.0.0.1-8.0.0.1");
	OK("--src-range 0x10.1.1.1", " --src-range 16.1.1.1-16.1.1.1",
	   " source IP range 16.1.1.1-16.1.1.1");
	OK("--src-range 0.0.0.0-255.255.255.255",
	   " --src-range 0.0.0.0-255.255.255.255",
	   " source IP range 0.0.0.0-255.255.255.255");
}

static void test_errors(void **state)
{
	FAIL("--src-range foo",
	     "iprange: Bad value for \"--src-range\" option: \"foo\"");
	FAIL("--src-range 10.0.0.1-foo",
	     "iprange: Bad value for \"--src-range\" option: \"foo\"");
	FAIL("--dst-range foo-10.0.0.1",
	     "iprange: Bad value for \"--dst-range\" option: \"foo\"");
	FAIL("--src-range 10.0.0.1-",
	     "iprange: Bad value for \"--src-range\" option: \"\"");
	FAIL("--src-range 10.0.0.1/24",
	     "iprange: Bad value for \"--src-range\" option: \"10.0.0.1/24\"");
	FAIL("--src-range 1.1.1.1-2.2.2.2-3.3.3.3",
	     "iprange: Bad value for \"--src-range\" option: "
	     "\"2.2.2.2-3.3.3.3\"");
	FAIL("--src-range 256.0.0.1",
	     "iprange: Bad value for \"--src-range\" option: \"256.0.0.1\"");
	FAIL("--src-range 1.2.3.4.5",
	     "iprange: Bad value for \"--src-range\" option: \"1.2.3.4.5\"");
	FAIL("--src-range -1.2.3.4",
	     "iprange: Bad value for \"--src-range\" option: \"\"");
	FAIL("", "iprange match: You must specify `--src-range' or "
		 "`--dst-range'");
	FAIL("--src-range 1.1.1.1 --src-range 2.2.2.2", NULL);
}

static struct pkt pkt;

static int run(const char *opts, uint32_t src, uint32_t dst)
{
	uint8_t uh[8];
	struct hm m;
	int r;

	if (hm_parse(&m, "iprange", 0, opts))
		fail_msg("'%s': %s", opts, hm_err(&m));
	hm_pkt(&pkt, 17, src, dst, uh, (uint16_t)hm_udp(uh, 1, 2), 0, false);
	r = hm_match(&m, &pkt);
	hm_free(&m);
	return r;
}

static void test_match(void **state)
{
	const char *r = "--src-range 10.0.0.1-10.0.0.9";

	assert_int_equal(run(r, 0x0a000001, 0), 1);
	assert_int_equal(run(r, 0x0a000009, 0), 1);
	assert_int_equal(run(r, 0x0a000005, 0), 1);
	assert_int_equal(run(r, 0x0a000000, 0), 0);
	assert_int_equal(run(r, 0x0a00000a, 0), 0);
	assert_int_equal(run("! --src-range 10.0.0.1-10.0.0.9", 0x0a00000a, 0),
			 1);
	assert_int_equal(run("! --src-range 10.0.0.1-10.0.0.9", 0x0a000003, 0),
			 0);
	/* Ordering is numeric (host order), across octets. */
	assert_int_equal(run("--dst-range 10.0.0.200-10.0.1.5", 0, 0x0a0000ff),
			 1);
	assert_int_equal(run("--dst-range 10.0.0.200-10.0.1.5", 0, 0x0a000105),
			 1);
	assert_int_equal(run("--dst-range 10.0.0.200-10.0.1.5", 0, 0x0a000106),
			 0);
	assert_int_equal(run("--dst-range 10.0.0.200-10.0.1.5", 0, 0x0a000064),
			 0);
	/* Both: each must hold. */
	assert_int_equal(run("--src-range 1.0.0.0-1.255.255.255 --dst-range "
			     "2.0.0.1",
			     0x01020304, 0x02000001), 1);
	assert_int_equal(run("--src-range 1.0.0.0-1.255.255.255 --dst-range "
			     "2.0.0.1",
			     0x01020304, 0x02000002), 0);
	assert_int_equal(run("--src-range 1.0.0.0-1.255.255.255 ! --dst-range "
			     "2.0.0.1",
			     0x01020304, 0x02000002), 1);
	/* A reversed range never matches; inverted it always does. */
	assert_int_equal(run("--src-range 10.0.0.9-10.0.0.1", 0x0a000005, 0),
			 0);
	assert_int_equal(run("! --src-range 10.0.0.9-10.0.0.1", 0x0a000005, 0),
			 1);
	assert_int_equal(run("--src-range 0.0.0.0-255.255.255.255",
			     0xffffffff, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("match_iprange", tests, NULL, NULL);
}
