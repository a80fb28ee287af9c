// SPDX-License-Identifier: MIT
/*
 * The icmp match: every name and alias iptables knows, parse -> save/print
 * against the texts iptables-legacy 1.8.9 prints (recorded from the real
 * tool; libipt_icmp.t where it differs), its error messages, and
 * icmp_match() on crafted packets including fragments and truncated headers.
 */
#include "xt_match_harness.h"

#define OK(o, s, pn, pl) HM_OK("icmp", 1, o, s, pn, pl)
#define FAIL(o, msg) HM_FAIL("icmp", 1, o, msg)

/* name, save, print -n, print (recorded from iptables-legacy 1.8.9) */
static const char *const names[][4] = {
	{ "any", " --icmp-type any",
	  " icmptype 255", " icmp any" },
	{ "echo-reply", " --icmp-type 0",
	  " icmptype 0", " icmp echo-reply" },
	{ "pong", " --icmp-type 0",
	  " icmptype 0", " icmp echo-reply" },
	{ "destination-unreachable", " --icmp-type 3",
	  " icmptype 3", " icmp destination-unreachable" },
	{ "network-unreachable", " --icmp-type 3/0",
	  " icmptype 3 code 0", " icmp network-unreachable" },
	{ "host-unreachable", " --icmp-type 3/1",
	  " icmptype 3 code 1", " icmp host-unreachable" },
	{ "protocol-unreachable", " --icmp-type 3/2",
	  " icmptype 3 code 2", " icmp protocol-unreachable" },
	{ "port-unreachable", " --icmp-type 3/3",
	  " icmptype 3 code 3", " icmp port-unreachable" },
	{ "fragmentation-needed", " --icmp-type 3/4",
	  " icmptype 3 code 4", " icmp fragmentation-needed" },
	{ "source-route-failed", " --icmp-type 3/5",
	  " icmptype 3 code 5", " icmp source-route-failed" },
	{ "network-unknown", " --icmp-type 3/6",
	  " icmptype 3 code 6", " icmp network-unknown" },
	{ "host-unknown", " --icmp-type 3/7",
	  " icmptype 3 code 7", " icmp host-unknown" },
	{ "network-prohibited", " --icmp-type 3/9",
	  " icmptype 3 code 9", " icmp network-prohibited" },
	{ "host-prohibited", " --icmp-type 3/10",
	  " icmptype 3 code 10", " icmp host-prohibited" },
	{ "TOS-network-unreachable", " --icmp-type 3/11",
	  " icmptype 3 code 11", " icmp TOS-network-unreachable" },
	{ "TOS-host-unreachable", " --icmp-type 3/12",
	  " icmptype 3 code 12", " icmp TOS-host-unreachable" },
	{ "communication-prohibited", " --icmp-type 3/13",
	  " icmptype 3 code 13", " icmp communication-prohibited" },
	{ "host-precedence-violation", " --icmp-type 3/14",
	  " icmptype 3 code 14", " icmp host-precedence-violation" },
	{ "precedence-cutoff", " --icmp-type 3/15",
	  " icmptype 3 code 15", " icmp precedence-cutoff" },
	{ "source-quench", " --icmp-type 4",
	  " icmptype 4", " icmp source-quench" },
	{ "redirect", " --icmp-type 5",
	  " icmptype 5", " icmp redirect" },
	{ "network-redirect", " --icmp-type 5/0",
	  " icmptype 5 code 0", " icmp network-redirect" },
	{ "host-redirect", " --icmp-type 5/1",
	  " icmptype 5 code 1", " icmp host-redirect" },
	{ "TOS-network-redirect", " --icmp-type 5/2",
	  " icmptype 5 code 2", " icmp TOS-network-redirect" },
	{ "TOS-host-redirect", " --icmp-type 5/3",
	  " icmptype 5 code 3", " icmp TOS-host-redirect" },
	{ "echo-request", " --icmp-type 8",
	  " icmptype 8", " icmp echo-request" },
	{ "ping", " --icmp-type 8",
	  " icmptype 8", " icmp echo-request" },
	{ "router-advertisement", " --icmp-type 9",
	  " icmptype 9", " icmp router-advertisement" },
	{ "router-solicitation", " --icmp-type 10",
	  " icmptype 10", " icmp router-solicitation" },
	{ "time-exceeded", " --icmp-type 11",
	  " icmptype 11", " icmp time-exceeded" },
	{ "ttl-exceeded", " --icmp-type 11",
	  " icmptype 11", " icmp time-exceeded" },
	{ "ttl-zero-during-transit", " --icmp-type 11/0",
	  " icmptype 11 code 0", " icmp ttl-zero-during-transit" },
	{ "ttl-zero-during-reassembly", " --icmp-type 11/1",
	  " icmptype 11 code 1", " icmp ttl-zero-during-reassembly" },
	{ "parameter-problem", " --icmp-type 12",
	  " icmptype 12", " icmp parameter-problem" },
	{ "ip-header-bad", " --icmp-type 12/0",
	  " icmptype 12 code 0", " icmp ip-header-bad" },
	{ "required-option-missing", " --icmp-type 12/1",
	  " icmptype 12 code 1", " icmp required-option-missing" },
	{ "timestamp-request", " --icmp-type 13",
	  " icmptype 13", " icmp timestamp-request" },
	{ "timestamp-reply", " --icmp-type 14",
	  " icmptype 14", " icmp timestamp-reply" },
	{ "address-mask-request", " --icmp-type 17",
	  " icmptype 17", " icmp address-mask-request" },
	{ "address-mask-reply", " --icmp-type 18",
	  " icmptype 18", " icmp address-mask-reply" },
};

static void test_names(void **state)
{
	char opt[128], inv_save[128], inv_pl[128], up[64];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(opt, sizeof(opt), "--icmp-type %s", names[i][0]);
		OK(opt, names[i][1], names[i][2], names[i][3]);
		/* Case does not matter. */
		for (j = 0; names[i][0][j] && j + 1 < sizeof(up); j++)
			up[j] = (char)(names[i][0][j] ^
				       ((names[i][0][j] >= 'a' &&
					 names[i][0][j] <= 'z') ? 0x20 : 0));
		up[j] = '\0';
		snprintf(opt, sizeof(opt), "--icmp-type %s", up);
		OK(opt, names[i][1], names[i][2], names[i][3]);
		/* Inverted: " !" before the option, "!" before the name. */
		snprintf(opt, sizeof(opt), "! --icmp-type %s", names[i][0]);
		snprintf(inv_save, sizeof(inv_save), " !%s", names[i][1]);
		snprintf(inv_pl, sizeof(inv_pl), " icmp !%s",
			 names[i][3] + 6);
		{
			struct hm m;

			assert_int_equal(hm_parse(&m, "icmp", 1, opt), 0);
			assert_string_equal(hm_save(&m), inv_save);
			assert_string_equal(hm_print(&m, false), inv_pl);
			hm_free(&m);
		}
	}
}

static void test_numeric(void **state)
{
	OK("! --icmp-type any", " ! --icmp-type any", " icmp !type 255",
	   " icmp !any");
	OK("--icmp-type 3", " --icmp-type 3", " icmptype 3",
	   " icmp destination-unreachable");
	OK("--icmp-type 3/1", " --icmp-type 3/1", " icmptype 3 code 1",
	   " icmp host-unreachable");
	OK("! --icmp-type 3/1", " ! --icmp-type 3/1", " icmp !type 3 code 1",
	   " icmp !host-unreachable");
	OK("! --icmp-type echo-request", " ! --icmp-type 8", " icmp !type 8",
	   " icmp !echo-request");
	/* libipt_icmp.t: 255/255 stays itself (1.8.9 saved "any"). */
	OK("--icmp-type 255/255", " --icmp-type 255/255",
	   " icmptype 255 code 255", " icmptype 255 code 255");
	OK("--icmp-type 255/0:255", " --icmp-type any", " icmptype 255",
	   " icmp any");
	/* Code ranges: only the first code is saved, as iptables does. */
	OK("--icmp-type 3/0:5", " --icmp-type 3/0", " icmptype 3 codes 0-5",
	   " icmptype 3 codes 0-5");
	OK("! --icmp-type 3/0:5", " ! --icmp-type 3/0",
	   " icmp !type 3 codes 0-5", " icmp !type 3 codes 0-5");
	OK("--icmp-type 3/5:2", " --icmp-type 3/5", " icmptype 3 codes 5-2",
	   " icmptype 3 codes 5-2");
	OK("--icmp-type 3/3:3", " --icmp-type 3/3", " icmptype 3 code 3",
	   " icmp port-unreachable");
	OK("--icmp-type 12/1", " --icmp-type 12/1", " icmptype 12 code 1",
	   " icmp required-option-missing");
	OK("--icmp-type 5/3", " --icmp-type 5/3", " icmptype 5 code 3",
	   " icmp TOS-host-redirect");
	OK("--icmp-type 200/7", " --icmp-type 200/7", " icmptype 200 code 7",
	   " icmptype 200 code 7");
	OK("--icmp-type 0x3", " --icmp-type 3", " icmptype 3",
	   " icmp destination-unreachable");
	OK("--icmp-type 010", " --icmp-type 8", " icmptype 8",
	   " icmp echo-request");
	OK("--icmp-type 3/0x1", " --icmp-type 3/1", " icmptype 3 code 1",
	   " icmp host-unreachable");
	/* Unambiguous prefixes. */
	OK("--icmp-type echo-rep", " --icmp-type 0", " icmptype 0",
	   " icmp echo-reply");
	OK("--icmp-type pi", " --icmp-type 8", " icmptype 8",
	   " icmp echo-request");
}

static void test_errors(void **state)
{
	FAIL("--icmp-type 3/5:", "Unknown ICMP code `3/5:'");
	FAIL("--icmp-type 256", "Unknown ICMP type `256'");
	FAIL("--icmp-type foo", "Unknown ICMP type `foo'");
	FAIL("--icmp-type 3/256", "Unknown ICMP code `3/256'");
	FAIL("--icmp-type 3/a", "Unknown ICMP code `3/a'");
	FAIL("--icmp-type 3/", "Unknown ICMP code `3/'");
	FAIL("--icmp-type /3", "Unknown ICMP type `/3'");
	FAIL("--icmp-type -1", "Unknown ICMP type `-1'");
	FAIL("--icmp-type 3/-1", "Unknown ICMP code `3/-1'");
	FAIL("--icmp-type 3/1:", "Unknown ICMP code `3/1:'");
	FAIL("--icmp-type 3/:5", "Unknown ICMP code `3/:5'");
	FAIL("--icmp-type x3", "Unknown ICMP type `x3'");
	FAIL("--icmp-type src", "Unknown ICMP type `src'");
	FAIL("--icmp-type so", "Ambiguous ICMP type `so': "
			       "`source-route-failed' or `source-quench'?");
	FAIL("--icmp-type host-unreachable/1",
	     "Unknown ICMP type `host-unreachable/1'");
	FAIL("--icmp-type any/1", "Unknown ICMP type `any/1'");
	FAIL("--icmp-type 3:4", "ICMP type range not supported");
	FAIL("--icmp-type 3-4", "unknown character -");
	FAIL("--icmp-type 3x", "unknown character x");
	FAIL("--icmp-type 3/1:2x", "unknown character x");
	FAIL("--icmp-type 3/1-2", "unknown character -");
	FAIL("--icmp-type 3/1/2", "unknown character /");
	FAIL("--icmp-type 3/1:2:3", "unknown character :");
	FAIL("--icmp-type echo",
	     "Ambiguous ICMP type `echo': `echo-reply' or `echo-request'?");
	FAIL("--icmp-type ''",
	     "Ambiguous ICMP type `': `any' or `echo-reply'?");
	FAIL("--icmp-type a",
	     "Ambiguous ICMP type `a': `any' or `address-mask-request'?");
	FAIL("--icmp-type re",
	     "Ambiguous ICMP type `re': `redirect' or "
	     "`required-option-missing'?");
	/* "-p icmp -m icmp" alone: the option is mandatory. */
	FAIL("", "icmp: option \"--icmp-type\" must be specified\n");
	FAIL("--icmp-type 8 --icmp-type 0", NULL);
}

static void test_kernel_check(void **state)
{
	struct hm m;

	assert_int_equal(hm_parse(&m, "icmp", 0, "--icmp-type 8"), 0);
	assert_int_not_equal(hm_check(&m), 0);
	hm_free(&m);
	assert_int_equal(hm_parse_ip(&m, "icmp", 1, true, "--icmp-type 8"), 0);
	assert_int_not_equal(hm_check(&m), 0);
	hm_free(&m);
	assert_int_equal(hm_parse(&m, "icmp", 6, "--icmp-type 8"), 0);
	assert_int_not_equal(hm_check(&m), 0);
	hm_free(&m);
}

static struct pkt pkt;

static int run(const char *opts, uint8_t type, uint8_t code, uint16_t len,
	       uint16_t frag_off)
{
	uint8_t ic[8] = { type, code, 0, 0, 0, 1, 0, 1 };
	struct hm m;
	int r;

	if (hm_parse(&m, "icmp", 1, opts))
		fail_msg("'%s': %s", opts, hm_err(&m));
	hm_pkt(&pkt, 1, 0x0a000001, 0x0a000002, ic, len, frag_off, false);
	r = hm_match(&m, &pkt);
	hm_free(&m);
	return r;
}

static void test_match(void **state)
{
	assert_int_equal(run("--icmp-type echo-request", 8, 0, 8, 0), 1);
	assert_int_equal(run("--icmp-type echo-request", 8, 7, 8, 0), 1);
	assert_int_equal(run("--icmp-type echo-request", 0, 0, 8, 0), 0);
	assert_int_equal(run("! --icmp-type echo-request", 0, 0, 8, 0), 1);
	assert_int_equal(run("! --icmp-type echo-request", 8, 0, 8, 0), 0);
	assert_int_equal(run("--icmp-type any", 42, 9, 8, 0), 1);
	assert_int_equal(run("! --icmp-type any", 42, 9, 8, 0), 0);
	/* Type 255 matches every packet whatever the codes. */
	assert_int_equal(run("--icmp-type 255/255", 3, 1, 8, 0), 1);
	assert_int_equal(run("--icmp-type port-unreachable", 3, 3, 8, 0), 1);
	assert_int_equal(run("--icmp-type port-unreachable", 3, 1, 8, 0), 0);
	assert_int_equal(run("--icmp-type 3/1:4", 3, 1, 8, 0), 1);
	assert_int_equal(run("--icmp-type 3/1:4", 3, 4, 8, 0), 1);
	assert_int_equal(run("--icmp-type 3/1:4", 3, 5, 8, 0), 0);
	assert_int_equal(run("--icmp-type 3/1:4", 3, 0, 8, 0), 0);
	/* A reversed code range never matches. */
	assert_int_equal(run("--icmp-type 3/5:2", 3, 3, 8, 0), 0);
}

static void test_frag_truncated(void **state)
{
	assert_int_equal(run("--icmp-type any", 8, 0, 8, 1), 0);
	assert_int_equal(run("! --icmp-type echo-request", 0, 0, 8, 3), 0);
	/* The kernel reads 8 bytes: 4 are not enough, even for "any". */
	assert_int_equal(run("--icmp-type any", 8, 0, 7, 0), -1);
	assert_int_equal(run("--icmp-type any", 8, 0, 4, 0), -1);
	assert_int_equal(run("--icmp-type echo-request", 8, 0, 0, 0), -1);
}

static void test_conformance(void **state)
{
	/* The lines of iptables' libipt_icmp.t this harness can model. */
	assert_true(hm_t_file("libipt_icmp.t") >= 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_numeric),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_kernel_check),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_frag_truncated),
	};

	return cmocka_run_group_tests_name("match_icmp", tests, NULL, NULL);
}
