// SPDX-License-Identifier: MIT
/*
 * TOS target: rule text in, iptables-save/-L text out (recorded from
 * iptables-legacy 1.8.9), messages, libxt_TOS.t, the mangle-only rule, and
 * the TOS rewrite on packets with the header checksum still valid.
 */
#include "tg_harness.h"

#define M "mangle", "PREROUTING"

static void test_save_print(void **state)
{
	tg_ok(M, "-j TOS --set-tos 0x1f", "-j TOS --set-tos 0x1f/0xff",
	      " TOS set 0x1f/0xff", " TOS set 0x1f/0xff");
	tg_ok(M, "-j TOS --set-tos 0x1f/0x1f", "-j TOS --set-tos 0x1f/0x1f",
	      " TOS or 0x1f", " TOS set 0x1f/0x1f");
	tg_ok(M, "-j TOS --set-tos 0xff", "-j TOS --set-tos 0xff/0xff",
	      " TOS or 0xff", " TOS set 0xff/0xff");
	tg_ok(M, "-j TOS --set-tos 16", "-j TOS --set-tos 0x10/0xff",
	      " TOS set 0x10/0xff", " TOS set 0x10/0xff");
	/* libxt_TOS's symbolic print: two spaces, no space before name. */
	tg_ok(M, "-j TOS --set-tos Minimize-Delay",
	      "-j TOS --set-tos 0x10/0x3f", "  TOS setMinimize-Delay",
	      " TOS set 0x10/0x3f");
	tg_ok(M, "-j TOS --set-tos minimize-delay",
	      "-j TOS --set-tos 0x10/0x3f", "  TOS setMinimize-Delay", NULL);
	tg_ok(M, "-j TOS --set-tos Maximize-Throughput",
	      "-j TOS --set-tos 0x08/0x3f", "  TOS setMaximize-Throughput",
	      NULL);
	tg_ok(M, "-j TOS --set-tos Maximize-Reliability",
	      "-j TOS --set-tos 0x04/0x3f", "  TOS setMaximize-Reliability",
	      NULL);
	tg_ok(M, "-j TOS --set-tos Minimize-Cost",
	      "-j TOS --set-tos 0x02/0x3f", "  TOS setMinimize-Cost", NULL);
	tg_ok(M, "-j TOS --set-tos Normal-Service",
	      "-j TOS --set-tos 0x00/0x3f", "  TOS setNormal-Service",
	      " TOS set 0x00/0x3f");
	tg_ok(M, "-j TOS --set-tos 0x08/0x3f", "-j TOS --set-tos 0x08/0x3f",
	      "  TOS setMaximize-Throughput", NULL);
	tg_ok(M, "-j TOS --set-tos 0x12/0x3f", "-j TOS --set-tos 0x12/0x3f",
	      " TOS set 0x12/0x3f", NULL);
	tg_ok(M, "-j TOS --and-tos 0x12", "-j TOS --set-tos 0x00/0xed",
	      " TOS and 0x12", " TOS set 0x00/0xed");
	tg_ok(M, "-j TOS --or-tos 0x12", "-j TOS --set-tos 0x12/0x12",
	      " TOS or 0x12", " TOS set 0x12/0x12");
	tg_ok(M, "-j TOS --xor-tos 0x12", "-j TOS --set-tos 0x12/0x00",
	      " TOS xor 0x12", " TOS set 0x12/0x00");
	tg_ok(M, "-j TOS --and-tos 0xff", "-j TOS --set-tos 0x00/0x00",
	      " TOS and 0xff", NULL);
	tg_ok(M, "-j TOS --or-tos 0", "-j TOS --set-tos 0x00/0x00",
	      " TOS and 0xff", NULL);
	tg_ok(M, "-j TOS --set-tos 0/0x10", "-j TOS --set-tos 0x00/0x10",
	      " TOS and 0xef", NULL);
	tg_ok(M, "-j TOS --set-tos 0x10/0", "-j TOS --set-tos 0x10/0x00",
	      " TOS xor 0x10", NULL);
	tg_ok("mangle", "POSTROUTING", "-j TOS --set-tos 1", NULL, NULL,
	      NULL);
}

static void test_errors(void **state)
{
	tg_fail(M, "-j TOS", 2, "TOS: An action is required");
	tg_fail(M, "-j TOS --set-tos 0x100", 2,
		"Symbolic name \"0x100\" is unknown");
	tg_fail(M, "-j TOS --set-tos foo", 2,
		"Symbolic name \"foo\" is unknown");
	tg_fail(M, "-j TOS --set-tos 5x", 2, "Illegal value: \"5x\"");
	tg_fail(M, "-j TOS --set-tos 5/0x100", 2,
		"Illegal value: \"5/0x100\"");
	tg_fail(M, "-j TOS --and-tos 0x100", 2,
		"TOS: bad value for option \"--and-tos\", or out of range "
		"(0-255).\n");
	tg_fail(M, "-j TOS --and-tos foo", 2,
		"TOS: bad value for option \"--and-tos\", or out of range "
		"(0-255).\n");
	tg_fail(M, "-j TOS --set-tos 1 --and-tos 2", 2,
		"TOS: option \"--set-tos\" cannot be used together with "
		"\"--and-tos\".\n");
	tg_fail(M, "-j TOS --and-tos 2 --set-tos 1", 2,
		"TOS: option \"--set-tos\" cannot be used together with "
		"\"--and-tos\".\n");
	/* The kernel: "TOS target: only valid in mangle table, not filter" */
	tg_fail("filter", "INPUT", "-j TOS --set-tos 1", 1, NULL);
	tg_fail("raw", "PREROUTING", "-j TOS --set-tos 1", 1, NULL);
}

static void test_conformance(void **state)
{
	int n = tg_conformance("libxt_TOS.t");

	if (n == 0)
		skip();
	assert_true(n >= 50);
}

static uint8_t run_tos(const char *rule, uint8_t tos)
{
	static struct pkt pkt;
	struct xt_action act;
	struct tg_res r;
	uint8_t payload[8] = { 1, 2, 3, 4, 0, 8, 0, 0 };

	assert_int_equal(tg_run(M, rule, &r), 0);
	tg_ip_pkt(&pkt, tos, 64, 17, payload, sizeof(payload));
	memset(&act, 0, sizeof(act));
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	assert_true(tg_ip_csum_ok(&pkt));
	/* Nothing but the TOS byte and the checksum changed. */
	assert_int_equal(pkt.data[8], 64);
	assert_memory_equal(pkt.data + 20, payload, sizeof(payload));
	return pkt.data[1];
}

static void test_target(void **state)
{
	unsigned t;

	assert_int_equal(run_tos("-j TOS --set-tos 0x10", 0x03), 0x10);
	/* Mask 0x3f: precedence kept, ECN bits cleared as well. */
	assert_int_equal(run_tos("-j TOS --set-tos Minimize-Delay", 0xe3),
			 0xd0);
	assert_int_equal(run_tos("-j TOS --and-tos 0x0f", 0xff), 0x0f);
	assert_int_equal(run_tos("-j TOS --or-tos 0x10", 0x01), 0x11);
	assert_int_equal(run_tos("-j TOS --xor-tos 0x10", 0x11), 0x01);
	assert_int_equal(run_tos("-j TOS --set-tos 0x08/0x0c", 0x07), 0x0b);
	/* Every start value, checksum verified each time. */
	for (t = 0; t < 256; t++)
		assert_int_equal(run_tos("-j TOS --set-tos 0x5a/0xf0", t),
				 (t & 0x0f) ^ 0x5a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_target),
	};

	return cmocka_run_group_tests_name("target_tos", tests, NULL, NULL);
}
