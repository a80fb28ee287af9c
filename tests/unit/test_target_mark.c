// SPDX-License-Identifier: MIT
/*
 * MARK target: rule text in, iptables-save/-L text out (strings recorded
 * from iptables-legacy 1.8.9), libxtables' error messages, libxt_MARK.t,
 * and the mark arithmetic on packets.
 */
#include "tg_harness.h"

static void test_save_print(void **state)
{
	tg_ok("filter", "INPUT", "-j MARK --set-xmark 0xfeedcafe/0xfeedcafe",
	      "-j MARK --set-xmark 0xfeedcafe/0xfeedcafe",
	      " MARK or 0xfeedcafe", " MARK or 0xfeedcafe");
	tg_ok("filter", "INPUT", "-j MARK --set-xmark 0x0",
	      "-j MARK --set-xmark 0x0/0xffffffff", " MARK and 0x0", NULL);
	tg_ok("filter", "INPUT", "-j MARK --set-xmark 4294967295",
	      "-j MARK --set-xmark 0xffffffff/0xffffffff",
	      " MARK or 0xffffffff", NULL);
	tg_ok("filter", "INPUT", "-j MARK --set-mark 5",
	      "-j MARK --set-xmark 0x5/0xffffffff", " MARK set 0x5",
	      " MARK set 0x5");
	tg_ok("filter", "INPUT", "-j MARK --set-mark 5/0xff",
	      "-j MARK --set-xmark 0x5/0xff", " MARK xset 0x5/0xff", NULL);
	tg_ok("filter", "INPUT", "-j MARK --set-mark 0x10/0xf0",
	      "-j MARK --set-xmark 0x10/0xf0", " MARK xset 0x10/0xf0", NULL);
	tg_ok("filter", "INPUT", "-j MARK --and-mark 5",
	      "-j MARK --set-xmark 0x0/0xfffffffa", " MARK and 0x5", NULL);
	tg_ok("filter", "INPUT", "-j MARK --or-mark 5",
	      "-j MARK --set-xmark 0x5/0x5", " MARK or 0x5", NULL);
	tg_ok("filter", "INPUT", "-j MARK --xor-mark 5",
	      "-j MARK --set-xmark 0x5/0x0", " MARK xor 0x5", NULL);
	tg_ok("filter", "INPUT", "-j MARK --and-mark 0xffffffff",
	      "-j MARK --set-xmark 0x0/0x0", " MARK and 0xffffffff", NULL);
	tg_ok("filter", "INPUT", "-j MARK --or-mark 0",
	      "-j MARK --set-xmark 0x0/0x0", " MARK and 0xffffffff", NULL);
	tg_ok("filter", "INPUT", "-j MARK --set-xmark 1/2",
	      "-j MARK --set-xmark 0x1/0x2", " MARK xset 0x1/0x2", NULL);
	tg_ok("filter", "INPUT", "-j MARK --set-xmark 0/1",
	      "-j MARK --set-xmark 0x0/0x1", " MARK and 0xfffffffe", NULL);
	tg_ok("filter", "INPUT", "-j MARK --set-xmark 010",
	      "-j MARK --set-xmark 0x8/0xffffffff", " MARK set 0x8", NULL);
	tg_ok("filter", "INPUT", "-j MARK --set-xmark 0xffffffff/0",
	      "-j MARK --set-xmark 0xffffffff/0x0", " MARK xor 0xffffffff",
	      NULL);
	tg_ok("filter", "INPUT", "-j MARK --set-mark 0x1/0xf0",
	      "-j MARK --set-xmark 0x1/0xf1", " MARK xset 0x1/0xf1", NULL);
	/* Any table, any chain (xt_MARK rev 2). */
	tg_ok("raw", "PREROUTING", "-j MARK --set-mark 1",
	      "-j MARK --set-xmark 0x1/0xffffffff", NULL, NULL);
	tg_ok("mangle", "POSTROUTING", "-j MARK --set-mark 1", NULL, NULL,
	      NULL);
}

static void test_errors(void **state)
{
	tg_fail("filter", "INPUT", "-j MARK --set-xmark 4294967296", 2,
		"MARK: bad integer value for option \"--set-xmark\", or out "
		"of range.\n");
	tg_fail("filter", "INPUT", "-j MARK --set-xmark -1", 2,
		"MARK: bad integer value for option \"--set-xmark\", or out "
		"of range.\n");
	tg_fail("filter", "INPUT", "-j MARK --set-xmark abc", 2,
		"MARK: bad integer value for option \"--set-xmark\", or out "
		"of range.\n");
	tg_fail("filter", "INPUT", "-j MARK --set-xmark 1/", 2,
		"MARK: bad integer value for option \"--set-xmark\", or out "
		"of range.\n");
	tg_fail("filter", "INPUT", "-j MARK --set-xmark 5x", 2,
		"MARK: trailing garbage after value for option "
		"\"--set-xmark\".\n");
	tg_fail("filter", "INPUT", "-j MARK --set-xmark 5/3x", 2,
		"MARK: trailing garbage after value for option "
		"\"--set-xmark\".\n");
	tg_fail("filter", "INPUT", "-j MARK --and-mark 5/3", 2,
		"MARK: bad value for option \"--and-mark\", or out of range "
		"(0-4294967295).\n");
	tg_fail("filter", "INPUT", "-j MARK --and-mark 4294967296", 2,
		"MARK: bad value for option \"--and-mark\", or out of range "
		"(0-4294967295).\n");
	tg_fail("filter", "INPUT", "-j MARK", 2,
		"MARK: One of the --set-xmark, --{and,or,xor,set}-mark "
		"options is required");
	tg_fail("filter", "INPUT", "-j MARK --set-mark 1 --or-mark 2", 2,
		"MARK: option \"--set-mark\" cannot be used together with "
		"\"--or-mark\".\n");
	tg_fail("filter", "INPUT", "-j MARK --set-xmark 1 --set-mark 2", 2,
		"MARK: option \"--set-xmark\" cannot be used together with "
		"\"--set-mark\".\n");
	tg_fail("filter", "INPUT", "-j MARK --xor-mark 1 --and-mark 2", 2,
		"MARK: option \"--and-mark\" cannot be used together with "
		"\"--xor-mark\".\n");
	tg_fail("filter", "INPUT", "-j MARK ! --set-mark 1", 2,
		"MARK: option \"--set-mark\" cannot be inverted.\n");
}

static void test_conformance(void **state)
{
	int n = tg_conformance("libxt_MARK.t");

	if (n == 0)
		skip();
	assert_true(n >= 18);
}

static unsigned run_mark(const char *rule, uint32_t mark)
{
	static struct pkt pkt;
	struct xt_action act;
	struct tg_res r;
	uint8_t payload[8] = { 0 };

	assert_int_equal(tg_run("mangle", "PREROUTING", rule, &r), 0);
	tg_ip_pkt(&pkt, 0, 64, 17, payload, sizeof(payload));
	pkt.mark = mark;
	memset(&act, 0, sizeof(act));
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	return pkt.mark;
}

static void test_target(void **state)
{
	assert_int_equal(run_mark("-j MARK --set-mark 0x5", 0xffff0000), 0x5);
	assert_int_equal(run_mark("-j MARK --set-xmark 0x5/0xff",
				  0x1234), 0x1205);
	/* --set-mark 0x1/0xf0 is xmark 0x1/0xf1: bits 0x0e outside the
	 * mask survive. */
	assert_int_equal(run_mark("-j MARK --set-mark 0x1/0xf0", 0xff),
			 0x0f);
	assert_int_equal(run_mark("-j MARK --set-xmark 0x5/0x0", 0x3), 0x6);
	assert_int_equal(run_mark("-j MARK --and-mark 0x0f", 0xff), 0x0f);
	assert_int_equal(run_mark("-j MARK --or-mark 0x100", 0x1), 0x101);
	assert_int_equal(run_mark("-j MARK --xor-mark 0x3", 0x1), 0x2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_target),
	};

	return cmocka_run_group_tests_name("target_mark", tests, NULL, NULL);
}
