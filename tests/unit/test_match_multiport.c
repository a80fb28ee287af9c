// SPDX-License-Identifier: MIT
/*
 * The multiport match: parse -> save/print against the texts
 * iptables-legacy 1.8.9 prints (and libxt_multiport.t), its error messages
 * including the -p checks, and multiport_mt() on crafted packets including
 * fragments and truncated headers.
 */
#include "xt_match_harness.h"

#define OK(p, o, s, pn, pl) HM_OK("multiport", p, o, s, pn, pl)
#define FAIL(p, o, msg) HM_FAIL("multiport", p, o, msg)

static void test_parse_save_print(void **state)
{
	OK(6, "--sports 53,1024:65535", " --sports 53,1024:65535",
	   " multiport sports 53,1024:65535",
	   " multiport sports domain,1024:65535");
	OK(6, "! --dports 53,80:https,ssh", " ! --dports 53,80:443,22",
	   " multiport dports  !53,80:443,22",
	   " multiport dports  !domain,http:https,ssh");
	OK(17, "--ports 53,1024:65535", " --ports 53,1024:65535",
	   " multiport ports 53,1024:65535",
	   " multiport ports domain,1024:65535");
	OK(6, "--source-ports 1", " --sports 1", " multiport sports 1",
	   " multiport sports tcpmux");
	OK(6, "--destination-ports 1", " --dports 1", " multiport dports 1",
	   " multiport dports tcpmux");
	OK(6, "--ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
	   " --ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
	   " multiport ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
	   " multiport ports tcpmux,2,3,4,5,6,echo,8,discard,10,systat,12,"
	   "daytime,14,netstat");
	OK(6, "--ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15",
	   " --ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15",
	   " multiport ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15",
	   " multiport ports tcpmux,2,3,4,5,6,echo,8,discard,10,systat,12,"
	   "daytime,14:netstat");
	OK(6, "--ports 1,2,3,4,5,6,7,8,9,10,11,12,13:14,15",
	   " --ports 1,2,3,4,5,6,7,8,9,10,11,12,13:14,15",
	   " multiport ports 1,2,3,4,5,6,7,8,9,10,11,12,13:14,15",
	   " multiport ports tcpmux,2,3,4,5,6,echo,8,discard,10,systat,12,"
	   "daytime:14,netstat");
	OK(132, "--ports 5", " --ports 5", " multiport ports 5",
	   " multiport ports 5");
	OK(33, "--ports 5", " --ports 5", " multiport ports 5",
	   " multiport ports 5");
	OK(136, "--dports 53", " --dports 53", " multiport dports 53",
	   " multiport dports 53");
	OK(6, "--ports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15",
	   " --ports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15",
	   " multiport ports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15",
	   " multiport ports tcpmux:2,3:4,5:6,echo:8,discard:10,systat:12,"
	   "daytime:14,netstat");
	/* libxt_multiport.t lines. */
	OK(132, "--sports 53,1024:65535", " --sports 53,1024:65535",
	   " multiport sports 53,1024:65535",
	   " multiport sports 53,1024:65535");
	OK(6, "--ports 1,2,3,4,6,7,8,9,10,11,12,13,14,15",
	   " --ports 1,2,3,4,6,7,8,9,10,11,12,13,14,15",
	   " multiport ports 1,2,3,4,6,7,8,9,10,11,12,13,14,15",
	   " multiport ports tcpmux,2,3,4,6,echo,8,discard,10,systat,12,"
	   "daytime,14,netstat");
}

static void test_errors(void **state)
{
	FAIL(6, "! --dports 80:http", "invalid portrange specified");
	FAIL(6, "--ports 5:5", "invalid portrange specified");
	FAIL(6, "--ports 6:5", "invalid portrange specified");
	FAIL(6, "--sports 1024:65536",
	     "invalid port/service `65536' specified");
	FAIL(17, "--ports 1024:65536",
	     "invalid port/service `65536' specified");
	FAIL(6, "--ports foo", "invalid port/service `foo' specified");
	FAIL(6, "--ports ''", "invalid port/service `' specified");
	FAIL(6, "--ports 1,,2", "invalid port/service `' specified");
	FAIL(6, "--ports 1,", "invalid port/service `' specified");
	FAIL(6, "--ports :5", "invalid port/service `' specified");
	FAIL(6, "--ports 5:", "invalid port/service `' specified");
	FAIL(6, "--ports 1:2:3", "invalid port/service `2:3' specified");
	FAIL(6, "--ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
	     "too many ports specified");
	FAIL(6, "--ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:16",
	     "too many ports specified");
	FAIL(6, "--ports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16",
	     "too many ports specified");
	FAIL(0, "--ports 5", "multiport needs `-p tcp', `-p udp', "
			     "`-p udplite', `-p sctp' or `-p dccp'");
	FAIL(1, "--ports 5",
	     "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
	FAIL(6, "--ports 5 --dports 6",
	     "multiport: option \"--destination-ports\" cannot be used "
	     "together with \"--ports\".\n");
	FAIL(6, "--sports 5 --ports 6",
	     "multiport: option \"--source-ports\" cannot be used together "
	     "with \"--ports\".\n");
	FAIL(6, "--dports 5 --sports 6",
	     "multiport: option \"--source-ports\" cannot be used together "
	     "with \"--destination-ports\".\n");
	FAIL(6, "", "multiport expection an option");
	FAIL(6, "--ports 5 --ports 6", NULL);
	{
		struct hm m;

		/* "! -p tcp -m multiport ..." */
		assert_int_equal(hm_parse_ip(&m, "multiport", 6, true,
					    "--ports 5"), 2);
		assert_string_equal(hm_err(&m), "multiport only works with "
					       "TCP, UDP, UDPLITE, SCTP and "
					       "DCCP");
		hm_free(&m);
	}
}

static void test_kernel_check(void **state)
{
	struct hm m;

	assert_int_equal(hm_parse(&m, "multiport", 6, "--ports 5"), 0);
	assert_int_equal(hm_check(&m), 0);
	/* The same data reached through a rule with -p icmp or ! -p tcp. */
	m.ip.proto = 1;
	assert_int_not_equal(hm_check(&m), 0);
	m.ip.proto = 6;
	m.ip.invflags = XT_INV_PROTO;
	assert_int_not_equal(hm_check(&m), 0);
	hm_free(&m);
}

static struct pkt pkt;

static int run(uint8_t proto, const char *opts, uint16_t sport,
	       uint16_t dport, uint16_t len, uint16_t frag_off)
{
	uint8_t l4[8];
	struct hm m;
	int r;

	if (hm_parse(&m, "multiport", proto, opts))
		fail_msg("'%s': %s", opts, hm_err(&m));
	hm_udp(l4, sport, dport);
	hm_pkt(&pkt, proto, 0x0a000001, 0x0a000002, l4, len, frag_off, false);
	r = hm_match(&m, &pkt);
	hm_free(&m);
	return r;
}

static void test_match(void **state)
{
	assert_int_equal(run(6, "--dports 22,80,443", 40000, 80, 8, 0), 1);
	assert_int_equal(run(6, "--dports 22,80,443", 40000, 81, 8, 0), 0);
	assert_int_equal(run(6, "! --dports 22,80,443", 40000, 81, 8, 0), 1);
	assert_int_equal(run(6, "! --dports 22,80,443", 40000, 443, 8, 0), 0);
	assert_int_equal(run(6, "--sports 22,80,443", 80, 40000, 8, 0), 1);
	assert_int_equal(run(6, "--sports 22,80,443", 40000, 80, 8, 0), 0);
	assert_int_equal(run(17, "--ports 53", 53, 40000, 8, 0), 1);
	assert_int_equal(run(17, "--ports 53", 40000, 53, 8, 0), 1);
	assert_int_equal(run(17, "--ports 53", 40000, 54, 8, 0), 0);
	/* Ranges include both ends. */
	assert_int_equal(run(6, "--dports 1,1000:2000", 5, 1000, 8, 0), 1);
	assert_int_equal(run(6, "--dports 1,1000:2000", 5, 2000, 8, 0), 1);
	assert_int_equal(run(6, "--dports 1,1000:2000", 5, 2001, 8, 0), 0);
	assert_int_equal(run(6, "--dports 1,1000:2000", 5, 1, 8, 0), 1);
	assert_int_equal(run(6, "--dports 1000:2000,3", 5, 3, 8, 0), 1);
	assert_int_equal(run(6, "--ports 1000:2000,3", 1500, 9, 8, 0), 1);
	assert_int_equal(run(6, "--ports 1000:2000,3", 9, 1500, 8, 0), 1);
	assert_int_equal(run(6, "! --ports 1000:2000,3", 9, 1500, 8, 0), 0);
	assert_int_equal(run(6, "--ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
			     99, 15, 8, 0), 1);
	/* Only four bytes are read: a 4-byte L4 header is enough. */
	assert_int_equal(run(6, "--dports 80", 1, 80, 4, 0), 1);
}

static void test_frag_truncated(void **state)
{
	assert_int_equal(run(6, "--dports 80", 1, 80, 8, 1), 0);
	assert_int_equal(run(6, "! --dports 80", 1, 81, 8, 7), 0);
	assert_int_equal(run(6, "--dports 80", 1, 80, 3, 0), -1);
	assert_int_equal(run(17, "--ports 80", 1, 80, 0, 0), -1);
}

static void test_conformance(void **state)
{
	/* The lines of iptables' libxt_multiport.t this harness can model. */
	assert_true(hm_t_file("libxt_multiport.t") >= 19);
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

	return cmocka_run_group_tests_name("match_multiport", tests, NULL,
					   NULL);
}
