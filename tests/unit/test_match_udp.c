// SPDX-License-Identifier: MIT
/*
 * The udp match: parse -> save/print against the texts iptables-legacy
 * 1.8.9 prints (libxt_udp.t where it differs), its error messages, and
 * udp_mt() on crafted packets including fragments and truncated headers.
 */
#include "xt_match_harness.h"

#define OK(o, s, pn, pl) HM_OK("udp", 17, o, s, pn, pl)
#define FAIL(o, msg) HM_FAIL("udp", 17, o, msg)

static void test_parse_save_print(void **state)
{
	OK("--sport 53 --dport 1024:", " --sport 53 --dport 1024:65535",
	   " udp spt:53 dpts:1024:65535", " udp spt:domain dpts:1024:65535");
	OK("! --sport 53 ! --dport 1024:", " ! --sport 53 ! --dport 1024:65535",
	   " udp spt:!53 dpts:!1024:65535",
	   " udp spt:!domain dpts:!1024:65535");
	OK("--dport 0:65535", "", " udp", " udp");
	OK("--sport :", "", " udp", " udp");
	OK("! --sport :", " ! --sport 0:65535", " udp spts:!0:65535",
	   " udp spts:!0:65535");
	OK("! --dport :", " ! --dport 0:65535", " udp dpts:!0:65535",
	   " udp dpts:!0:65535");
	OK("--sport :4", " --sport 0:4", " udp spts:0:4", " udp spts:0:4");
	OK("--sport 4:", " --sport 4:65535", " udp spts:4:65535",
	   " udp spts:4:65535");
	OK("--sport 4:4", " --sport 4", " udp spt:4", " udp spt:4");
	/* Service names of any protocol, as getaddrinfo() finds them. */
	OK("--sport ssh", " --sport 22", " udp spt:22", " udp spt:22");
	OK("--sport 010", " --sport 10", " udp spt:10", " udp spt:10");
	OK("--source-port 7", " --sport 7", " udp spt:7", " udp spt:echo");
	OK("--destination-port 7", " --dport 7", " udp dpt:7",
	   " udp dpt:echo");
	OK("--sport domain:", " --sport 53:65535", " udp spts:53:65535",
	   " udp spts:domain:65535");
	OK("--sport 65535:", " --sport 65535", " udp spt:65535",
	   " udp spt:65535");
	OK("! --sport 65535 --dport 1", " ! --sport 65535 --dport 1",
	   " udp spt:!65535 dpt:1", " udp spt:!65535 dpt:1");
	OK("", "", " udp", " udp");
}

static void test_errors(void **state)
{
	FAIL("--sport -1", "Port \"-1\" does not resolve to anything.\n");
	FAIL("--dport -1", "Port \"-1\" does not resolve to anything.\n");
	FAIL("--sport foo", "Port \"foo\" does not resolve to anything.\n");
	FAIL("--sport 5x", "Port \"5x\" does not resolve to anything.\n");
	FAIL("--sport 0x10", "Port \"0x10\" does not resolve to anything.\n");
	FAIL("--sport 5:foo", "Port \"foo\" does not resolve to anything.\n");
	FAIL("--sport 1:2:3", "udp: Too many components for option "
			      "\"--source-port\" (max: 2)\n");
	FAIL("--dport ::", "udp: Too many components for option "
			   "\"--destination-port\" (max: 2)\n");
	FAIL("--sport 4:3", "invalid portrange (min > max)");
	FAIL("--dport 4:3", "invalid portrange (min > max)");
	FAIL("--sport 65536", "Port \"65536\" does not resolve to anything.\n");
	FAIL("--sport ''", "Port \"\" does not resolve to anything.\n");
	FAIL("--syn", NULL);
}

static void test_kernel_check(void **state)
{
	struct hm m;

	assert_int_equal(hm_parse(&m, "udp", 0, "--dport 1"), 0);
	assert_int_not_equal(hm_check(&m), 0);
	hm_free(&m);
	assert_int_equal(hm_parse_ip(&m, "udp", 17, true, "--dport 1"), 0);
	assert_int_not_equal(hm_check(&m), 0);
	hm_free(&m);
}

static struct pkt pkt;

static int run(const char *opts, const uint8_t *l4, uint16_t len,
	       uint16_t frag_off, bool mf)
{
	struct hm m;
	int r;

	if (hm_parse(&m, "udp", 17, opts))
		fail_msg("'%s': %s", opts, hm_err(&m));
	hm_pkt(&pkt, 17, 0x0a000001, 0x0a000002, l4, len, frag_off, mf);
	r = hm_match(&m, &pkt);
	hm_free(&m);
	return r;
}

static void test_match(void **state)
{
	uint8_t uh[8];
	uint16_t n = (uint16_t)hm_udp(uh, 53, 40000);

	assert_int_equal(run("", uh, n, 0, false), 1);
	assert_int_equal(run("--sport 53", uh, n, 0, false), 1);
	assert_int_equal(run("--sport 54", uh, n, 0, false), 0);
	assert_int_equal(run("! --sport 54", uh, n, 0, false), 1);
	assert_int_equal(run("--sport 53 --dport 1024:", uh, n, 0, false), 1);
	assert_int_equal(run("--sport 53 ! --dport 1024:", uh, n, 0, false),
			 0);
	assert_int_equal(run("--dport :40000", uh, n, 0, false), 1);
	assert_int_equal(run("--dport 40001:", uh, n, 0, false), 0);
	assert_int_equal(run("! --dport :", uh, n, 0, false), 0);
	n = (uint16_t)hm_udp(uh, 0, 65535);
	assert_int_equal(run("--sport 0 --dport 65535", uh, n, 0, false), 1);
}

static void test_frag_truncated(void **state)
{
	uint8_t uh[8];
	uint16_t n = (uint16_t)hm_udp(uh, 53, 40000);

	assert_int_equal(run("--sport 53", uh, n, 0, true), 1);
	/* Non-first fragments never match and are never hotdropped. */
	assert_int_equal(run("--sport 53", uh, n, 1, false), 0);
	assert_int_equal(run("! --sport 53", uh, n, 1, true), 0);
	assert_int_equal(run("", uh, n, 100, false), 0);
	/* Less than a UDP header at offset 0: hotdrop. */
	assert_int_equal(run("--sport 53", uh, 7, 0, false), -1);
	assert_int_equal(run("", uh, 1, 0, false), -1);
	assert_int_equal(run("", uh, 0, 0, false), -1);
}

static void test_conformance(void **state)
{
	/* The lines of iptables' libxt_udp.t this harness can model. */
	assert_true(hm_t_file("libxt_udp.t") >= 33);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_parse_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_kernel_check),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_frag_truncated),
	};

	return cmocka_run_group_tests_name("match_udp", tests, NULL, NULL);
}
