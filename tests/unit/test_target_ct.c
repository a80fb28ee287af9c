// SPDX-License-Identifier: MIT
/*
 * The CT target and its NOTRACK alias: parse -> save/print as
 * iptables-legacy 1.8.9 (tests/vectors/ct_targets.vec), the kernel's
 * checks (raw only, --helper/--timeout need -p), what netsieve refuses
 * as not supported yet, and the data path: --notrack marks the packet
 * untracked, a template carries the zone, a packet already marked is
 * left alone.
 */
#include "tg_harness.h"

#include "ct/ct.h"

static void test_parse_save_print(void **state)
{
	(void)state;
	tg_ok("raw", "PREROUTING", "-j CT --notrack", "-j CT --notrack",
	      " CT notrack", " CT notrack");
	tg_ok("raw", "OUTPUT", "-j NOTRACK", "-j NOTRACK", " NOTRACK",
	      " NOTRACK");
	tg_ok("raw", "OUTPUT", "-j CT", "-j CT", " CT", " CT");
	tg_ok("raw", "OUTPUT", "-j CT --zone 0x10", "-j CT --zone 16",
	      " CT zone 16", " CT zone 16");
	tg_ok("raw", "OUTPUT", "-j CT --zone 0", "-j CT", " CT", " CT");
	tg_ok("raw", "OUTPUT", "-j CT --notrack --zone 3",
	      "-j CT --notrack --zone 3", " CT notrack zone 3",
	      " CT notrack zone 3");
	tg_fail("raw", "OUTPUT", "-j CT --zone 65536", 2,
		"Cannot parse 65536 as a zone ID");
	tg_fail("raw", "OUTPUT", "-j CT --ctevents new,", 2,
		"Unknown event type \"\"");
	tg_fail("raw", "OUTPUT", "-j CT --expevents destroy", 2,
		"Unknown event type \"destroy\"");
	/* The kernel: raw only; --helper needs a protocol. */
	tg_fail("filter", "INPUT", "-j CT --notrack", 1, NULL);
	tg_fail("mangle", "PREROUTING", "-j NOTRACK", 1, NULL);
	tg_fail("raw", "OUTPUT", "-j CT --helper ftp", 1, NULL);
	tg_fail("raw", "OUTPUT", "-j CT --timeout t", 1, NULL);
	/* What netsieve cannot honour yet. */
	tg_fail("raw", "OUTPUT", "-p udp -j CT --helper sip", 1, NULL);
	tg_fail("raw", "OUTPUT", "-p udp -j CT --helper ftp", 1, NULL);
	tg_fail("raw", "OUTPUT", "-j CT --ctevents new", 1, NULL);
	tg_fail("raw", "OUTPUT", "-j CT --zone mark", 1, NULL);
	tg_fail("raw", "OUTPUT", "-j CT --zone-orig 1", 1, NULL);
}

static struct pkt pkt;

static void target(const char *rule, void *st)
{
	struct xt_action act;
	struct tg_res r;

	assert_int_equal(tg_run("raw", "PREROUTING", rule, &r), 0);
	memset(&act, 0, sizeof(act));
	act.state = st;
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
}

static void test_data_path(void **state)
{
	struct ct_tmpl *t, other = { .zone = 9 };
	struct tg_res r;
	void *st;
	uint8_t b[8] = { 0 };

	(void)state;
	tg_ip_pkt(&pkt, 0, 64, 17, b, sizeof(b));
	pkt.ctinfo = CT_NONE;
	target("-j NOTRACK", NULL);
	assert_int_equal(pkt.ctinfo, CT_UNTRACKED);
	assert_null(pkt.ct_tmpl);
	/* Already untracked: a template rule leaves it. */
	target("-j CT --zone 4", &other);
	assert_null(pkt.ct_tmpl);

	tg_ip_pkt(&pkt, 0, 64, 17, b, sizeof(b));
	pkt.ctinfo = CT_NONE;
	assert_int_equal(tg_run("raw", "PREROUTING", "-j CT --zone 4", &r), 0);
	assert_int_equal(r.ops->state_create(r.data, &st), 0);
	t = st;
	assert_int_equal(t->zone, 4);
	assert_false(t->notrack);
	target("-j CT --zone 4", st);
	assert_ptr_equal(pkt.ct_tmpl, t);
	assert_int_equal(pkt.ctinfo, CT_NONE);
	/* The first CT rule wins. */
	target("-j CT --zone 5", &other);
	target("-j CT --notrack", NULL);
	assert_ptr_equal(pkt.ct_tmpl, t);
	assert_int_equal(pkt.ctinfo, CT_NONE);
	r.ops->state_destroy(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_save_print),
		cmocka_unit_test(test_data_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
