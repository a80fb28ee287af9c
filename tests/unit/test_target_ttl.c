// SPDX-License-Identifier: MIT
/*
 * TTL target: rule text in, iptables-save/-L text out (recorded from
 * iptables-legacy 1.8.9), messages, the mangle-only rule, and set/dec/inc
 * on packets (saturating, checksum still valid).
 */
#include "tg_harness.h"

#define M "mangle", "PREROUTING"

static void test_save_print(void **state)
{
	tg_ok(M, "-j TTL --ttl-set 64", "-j TTL --ttl-set 64",
	      " TTL set to 64", " TTL set to 64");
	tg_ok(M, "-j TTL --ttl-set 0", "-j TTL --ttl-set 0", " TTL set to 0",
	      NULL);
	tg_ok(M, "-j TTL --ttl-set 255", "-j TTL --ttl-set 255",
	      " TTL set to 255", NULL);
	tg_ok(M, "-j TTL --ttl-set 0x10", "-j TTL --ttl-set 16",
	      " TTL set to 16", NULL);
	tg_ok(M, "-j TTL --ttl-dec 1", "-j TTL --ttl-dec 1",
	      " TTL decrement by 1", " TTL decrement by 1");
	tg_ok(M, "-j TTL --ttl-inc 1", "-j TTL --ttl-inc 1",
	      " TTL increment by 1", NULL);
	tg_ok(M, "-j TTL --ttl-inc 255", "-j TTL --ttl-inc 255",
	      " TTL increment by 255", NULL);
	tg_ok("mangle", "FORWARD", "-j TTL --ttl-dec 3", NULL, NULL, NULL);
}

static void test_errors(void **state)
{
	tg_fail(M, "-j TTL --ttl-set 256", 2,
		"TTL: bad value for option \"--ttl-set\", or out of range "
		"(0-255).\n");
	tg_fail(M, "-j TTL --ttl-set abc", 2,
		"TTL: bad value for option \"--ttl-set\", or out of range "
		"(0-255).\n");
	tg_fail(M, "-j TTL --ttl-set -1", 2,
		"TTL: bad value for option \"--ttl-set\", or out of range "
		"(0-255).\n");
	tg_fail(M, "-j TTL --ttl-dec 0", 2,
		"TTL: bad value for option \"--ttl-dec\", or out of range "
		"(1-255).\n");
	tg_fail(M, "-j TTL --ttl-inc 0", 2,
		"TTL: bad value for option \"--ttl-inc\", or out of range "
		"(1-255).\n");
	tg_fail(M, "-j TTL", 2, "TTL: You must specify an action");
	tg_fail(M, "-j TTL --ttl-set 1 --ttl-dec 1", 2,
		"TTL: option \"--ttl-set\" cannot be used together with "
		"\"--ttl-dec\".\n");
	tg_fail(M, "-j TTL --ttl-dec 1 --ttl-set 1", 2,
		"TTL: option \"--ttl-set\" cannot be used together with "
		"\"--ttl-dec\".\n");
	tg_fail(M, "-j TTL ! --ttl-set 1", 2,
		"TTL: option \"--ttl-set\" cannot be inverted.\n");
	tg_fail(M, "-j TTL --ttl-set 1 --ttl-set 2", 2,
		"TTL: option \"--ttl-set\" can only be used once.\n");
	/* "TTL target: only valid in mangle table, not filter" */
	tg_fail("filter", "INPUT", "-j TTL --ttl-set 1", 1, NULL);
}

static uint8_t run_ttl(const char *rule, uint8_t ttl)
{
	static struct pkt pkt;
	struct xt_action act;
	struct tg_res r;
	uint8_t payload[4] = { 8, 0, 0xf7, 0xff };

	assert_int_equal(tg_run(M, rule, &r), 0);
	tg_ip_pkt(&pkt, 0x10, ttl, 1, payload, sizeof(payload));
	memset(&act, 0, sizeof(act));
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	assert_true(tg_ip_csum_ok(&pkt));
	assert_int_equal(pkt.data[1], 0x10);
	assert_int_equal(pkt.data[9], 1);
	return pkt.data[8];
}

static void test_target(void **state)
{
	unsigned t;

	assert_int_equal(run_ttl("-j TTL --ttl-set 64", 1), 64);
	assert_int_equal(run_ttl("-j TTL --ttl-set 0", 200), 0);
	assert_int_equal(run_ttl("-j TTL --ttl-dec 1", 64), 63);
	assert_int_equal(run_ttl("-j TTL --ttl-dec 10", 5), 0);
	assert_int_equal(run_ttl("-j TTL --ttl-inc 1", 64), 65);
	assert_int_equal(run_ttl("-j TTL --ttl-inc 100", 200), 255);
	for (t = 0; t < 256; t++) {
		assert_int_equal(run_ttl("-j TTL --ttl-dec 7", t),
				 t >= 7 ? t - 7 : 0);
		assert_int_equal(run_ttl("-j TTL --ttl-inc 7", t),
				 t + 7 <= 255 ? t + 7 : 255);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_target),
	};

	return cmocka_run_group_tests_name("target_ttl", tests, NULL, NULL);
}
