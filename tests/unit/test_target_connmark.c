// SPDX-License-Identifier: MIT
/*
 * The CONNMARK target (revision 2): parse -> save/print as
 * iptables-legacy 1.8.9 (tests/vectors/ct_targets.vec), its messages, the
 * kernel's refusal of a 32-bit shift, and connmark_tg_shift() on a
 * hand-built connection: set, save and restore with masks and shifts; no
 * connection, nothing changes.
 */
#include "tg_harness.h"

#include "ct/ct.h"

#define OK(rule, save, print) \
	tg_ok("filter", "INPUT", rule, save, print, print)

static void test_parse_save_print(void **state)
{
	(void)state;
	OK("-j CONNMARK --set-mark 5/0xff",
	   "-j CONNMARK --set-xmark 0x5/0xff", " CONNMARK xset 0x5/0xff");
	OK("-j CONNMARK --and-mark 0xf",
	   "-j CONNMARK --set-xmark 0x0/0xfffffff0", " CONNMARK and 0xf");
	OK("-j CONNMARK --save-mark --nfmask 0xff --ctmask 0xf",
	   "-j CONNMARK --save-mark --nfmask 0xff --ctmask 0xf",
	   " CONNMARK save nfmask 0xff ctmask ~0xf");
	OK("-j CONNMARK --restore-mark --right-shift-mark 4 --ctmask 0xff00",
	   "-j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xff00 "
	   "--right-shift-mark 4", " CONNMARK restore ctmask 0xff00 nfmask "
	   "~0xffffffff right-shift-mark 4");
	tg_fail("filter", "INPUT", "-j CONNMARK --mask 1", 2,
		"CONNMARK target: No operation specified");
	tg_fail("filter", "INPUT", "-j CONNMARK --save-mark --ctmask 2 "
		"--mask 1", 2, "CONNMARK: option \"--ctmask\" cannot be used "
		"together with \"--mask\".\n");
	tg_fail("filter", "INPUT", "-j CONNMARK --set-mark 1 --save-mark", 2,
		"CONNMARK: option \"--set-mark\" cannot be used together with "
		"\"--save-mark\".\n");
	tg_fail("filter", "INPUT", "-j CONNMARK --save-mark "
		"--left-shift-mark 33", 2, "CONNMARK: bad value for option "
		"\"--left-shift-mark\", or out of range (0-32).\n");
	/* 0-32 parses; the kernel refuses 32 (EINVAL). */
	tg_fail("filter", "INPUT", "-j CONNMARK --save-mark "
		"--left-shift-mark 32", 1, NULL);
}

static struct pkt pkt;
static struct ct_conn ct;

static void run(const char *rule, bool with_ct, uint32_t *nf, uint32_t *cm)
{
	struct xt_action act;
	struct tg_res r;
	uint8_t b[8] = { 0 };

	assert_int_equal(tg_run("filter", "INPUT", rule, &r), 0);
	tg_ip_pkt(&pkt, 0, 64, 17, b, sizeof(b));
	memset(&ct, 0, sizeof(ct));
	atomic_store(&ct.mark, *cm);
	pkt.mark = *nf;
	pkt.ct = with_ct ? &ct : NULL;
	memset(&act, 0, sizeof(act));
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	*nf = pkt.mark;
	*cm = atomic_load(&ct.mark);
	pkt.ct = NULL;
}

static void test_data_path(void **state)
{
	uint32_t nf, cm;

	(void)state;
	nf = 0x1234, cm = 0xabcd;
	run("-j CONNMARK --set-xmark 0x10/0xf0", true, &nf, &cm);
	assert_int_equal(cm, 0xab1d);
	assert_int_equal(nf, 0x1234);
	nf = 0x1234, cm = 0xabcd;
	run("-j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff00", true,
	    &nf, &cm);
	assert_int_equal(cm, 0x00cd ^ 0x34);
	nf = 0x1234, cm = 0xabcd;
	run("-j CONNMARK --restore-mark --mask 0xff", true, &nf, &cm);
	assert_int_equal(nf, 0x12cd);
	nf = 0x1234, cm = 0xabcd;
	run("-j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff00 "
	    "--left-shift-mark 8", true, &nf, &cm);
	assert_int_equal(cm, 0x34cd);
	nf = 0x1234, cm = 0xabcd;
	run("-j CONNMARK --restore-mark --ctmask 0xff00 --nfmask 0xff "
	    "--right-shift-mark 8", true, &nf, &cm);
	assert_int_equal(nf, 0x12ab);
	nf = 0x1234, cm = 0x1;
	run("-j CONNMARK --set-mark 0x3 --left-shift-mark 4", true, &nf, &cm);
	assert_int_equal(cm, 0x30);
	/* No connection: nothing happens. */
	nf = 0x1234, cm = 0xabcd;
	run("-j CONNMARK --restore-mark", false, &nf, &cm);
	assert_int_equal(nf, 0x1234);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_save_print),
		cmocka_unit_test(test_data_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
