// SPDX-License-Identifier: MIT
/*
 * TRACE target: loads in raw PREROUTING/OUTPUT only (the kernel refuses it
 * elsewhere: "TRACE target: only valid in raw table, not filter"), saves
 * and prints nothing after "-j TRACE", takes no options, and marks the
 * packet for tracing.
 */
#include "tg_harness.h"

static void test_rules(void **state)
{
	tg_ok("raw", "PREROUTING", "-j TRACE", "-j TRACE", "", "");
	tg_ok("raw", "OUTPUT", "-j TRACE", "-j TRACE", "", "");
	tg_fail("filter", "INPUT", "-j TRACE", 1, NULL);
	tg_fail("mangle", "PREROUTING", "-j TRACE", 1, NULL);
	tg_fail("raw", "OUTPUT", "-j TRACE --foo", 2,
		"unknown option \"--foo\"");
}

static void test_target(void **state)
{
	static struct pkt pkt;
	struct xt_action act;
	struct tg_res r;
	uint8_t payload[8] = { 0 };

	assert_int_equal(tg_run("raw", "PREROUTING", "-j TRACE", &r), 0);
	tg_ip_pkt(&pkt, 0, 64, 17, payload, sizeof(payload));
	memset(&act, 0, sizeof(act));
	assert_false(pkt.trace);
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	assert_true(pkt.trace);
	assert_true(tg_ip_csum_ok(&pkt));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_target),
	};

	return cmocka_run_group_tests_name("target_trace", tests, NULL, NULL);
}
