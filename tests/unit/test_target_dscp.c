// SPDX-License-Identifier: MIT
/*
 * DSCP target: rule text in, iptables-save/-L text out (recorded from
 * iptables-legacy 1.8.9), class names, messages, libxt_DSCP.t, the
 * mangle-only rule, and the rewrite on packets (ECN bits kept, checksum
 * valid). The kernel was seen to turn TOS 0x02 into 0x2a with
 * --set-dscp 0x0a.
 */
#include "tg_harness.h"

#define M "mangle", "PREROUTING"

static void test_save_print(void **state)
{
	tg_ok(M, "-j DSCP --set-dscp 0x00", "-j DSCP --set-dscp 0x00",
	      " DSCP set 0x00", " DSCP set 0x00");
	tg_ok(M, "-j DSCP --set-dscp 0x3f", "-j DSCP --set-dscp 0x3f",
	      " DSCP set 0x3f", NULL);
	tg_ok(M, "-j DSCP --set-dscp 63", "-j DSCP --set-dscp 0x3f", NULL,
	      NULL);
	tg_ok(M, "-j DSCP --set-dscp 10", "-j DSCP --set-dscp 0x0a",
	      " DSCP set 0x0a", NULL);
	tg_ok(M, "-j DSCP --set-dscp-class CS0", "-j DSCP --set-dscp 0x00",
	      NULL, NULL);
	tg_ok(M, "-j DSCP --set-dscp-class BE", "-j DSCP --set-dscp 0x00",
	      NULL, NULL);
	tg_ok(M, "-j DSCP --set-dscp-class EF", "-j DSCP --set-dscp 0x2e",
	      " DSCP set 0x2e", NULL);
	tg_ok(M, "-j DSCP --set-dscp-class ef", "-j DSCP --set-dscp 0x2e",
	      NULL, NULL);
	tg_ok(M, "-j DSCP --set-dscp-class AF11", "-j DSCP --set-dscp 0x0a",
	      NULL, NULL);
	tg_ok(M, "-j DSCP --set-dscp-class af43", "-j DSCP --set-dscp 0x26",
	      NULL, NULL);
	tg_ok(M, "-j DSCP --set-dscp-class CS7", "-j DSCP --set-dscp 0x38",
	      NULL, NULL);
	/* libxt_DSCP compares the class name's length only. */
	tg_ok(M, "-j DSCP --set-dscp-class EFX", "-j DSCP --set-dscp 0x2e",
	      NULL, NULL);
	tg_ok(M, "-j DSCP --set-dscp-class AF111", "-j DSCP --set-dscp 0x0a",
	      NULL, NULL);
}

static void test_errors(void **state)
{
	tg_fail(M, "-j DSCP --set-dscp -1", 2,
		"DSCP: bad value for option \"--set-dscp\", or out of range "
		"(0-63).\n");
	tg_fail(M, "-j DSCP --set-dscp 0x40", 2,
		"DSCP: bad value for option \"--set-dscp\", or out of range "
		"(0-63).\n");
	tg_fail(M, "-j DSCP --set-dscp 5x", 2,
		"DSCP: bad value for option \"--set-dscp\", or out of range "
		"(0-63).\n");
	tg_fail(M, "-j DSCP --set-dscp 0x3f --set-dscp-class CS0", 2,
		"DSCP: option \"--set-dscp\" cannot be used together with "
		"\"--set-dscp-class\".\n");
	tg_fail(M, "-j DSCP --set-dscp-class CS0 --set-dscp 1", 2,
		"DSCP: option \"--set-dscp\" cannot be used together with "
		"\"--set-dscp-class\".\n");
	tg_fail(M, "-j DSCP --set-dscp-class CS8", 2,
		"Invalid DSCP value `CS8'");
	tg_fail(M, "-j DSCP --set-dscp-class foo", 2,
		"Invalid DSCP value `foo'");
	tg_fail(M, "-j DSCP", 2,
		"DSCP target: Parameter --set-dscp is required");
	/* "DSCP target: only valid in mangle table, not filter" */
	tg_fail("filter", "INPUT", "-j DSCP --set-dscp 1", 1, NULL);
}

static void test_conformance(void **state)
{
	int n = tg_conformance("libxt_DSCP.t");

	if (n == 0)
		skip();
	assert_true(n >= 40);
}

static uint8_t run_dscp(const char *rule, uint8_t tos)
{
	static struct pkt pkt;
	struct xt_action act;
	struct tg_res r;
	uint8_t payload[8] = { 0, 1, 0, 2, 0, 8, 0, 0 };

	assert_int_equal(tg_run(M, rule, &r), 0);
	tg_ip_pkt(&pkt, tos, 9, 17, payload, sizeof(payload));
	memset(&act, 0, sizeof(act));
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	assert_true(tg_ip_csum_ok(&pkt));
	assert_int_equal(pkt.data[8], 9);
	return pkt.data[1];
}

static void test_target(void **state)
{
	unsigned t;

	/* Seen on Linux: TOS 0x02 with --set-dscp 0x0a became 0x2a. */
	assert_int_equal(run_dscp("-j DSCP --set-dscp 0x0a", 0x02), 0x2a);
	assert_int_equal(run_dscp("-j DSCP --set-dscp-class EF", 0x00), 0xb8);
	assert_int_equal(run_dscp("-j DSCP --set-dscp 0", 0xff), 0x03);
	for (t = 0; t < 256; t++)
		assert_int_equal(run_dscp("-j DSCP --set-dscp 0x15", t),
				 (0x15 << 2) | (t & 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_target),
	};

	return cmocka_run_group_tests_name("target_dscp", tests, NULL, NULL);
}
