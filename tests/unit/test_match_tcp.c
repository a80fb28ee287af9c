// SPDX-License-Identifier: MIT
/*
 * The tcp match: parse -> save/print against the texts iptables-legacy
 * 1.8.9 prints (recorded from the real tool; where libxt_tcp.t disagrees,
 * the file), iptables' error messages, and tcp_mt() on crafted packets
 * including fragments and truncated headers.
 */
#include "xt_match_harness.h"

#define OK(o, s, pn, pl) HM_OK("tcp", 6, o, s, pn, pl)
#define FAIL(o, msg) HM_FAIL("tcp", 6, o, msg)

static void test_ports(void **state)
{
	OK("--sport 1", " --sport 1", " tcp spt:1", " tcp spt:tcpmux");
	OK("--dport 80", " --dport 80", " tcp dpt:80", " tcp dpt:http");
	OK("--sport 1:1023", " --sport 1:1023", " tcp spts:1:1023",
	   " tcp spts:tcpmux:1023");
	OK("--sport 1024:", " --sport 1024:65535", " tcp spts:1024:65535",
	   " tcp spts:1024:65535");
	OK("--sport :", "", " tcp", " tcp");
	OK("! --sport :", " ! --sport 0:65535", " tcp spts:!0:65535",
	   " tcp spts:!0:65535");
	OK("--sport :4", " --sport 0:4", " tcp spts:0:4", " tcp spts:0:4");
	OK("--dport 4:4", " --dport 4", " tcp dpt:4", " tcp dpt:4");
	OK("! --dport 22 ! --sport 1:3", " ! --sport 1:3 ! --dport 22",
	   " tcp spts:!1:3 dpt:!22", " tcp spts:!tcpmux:3 dpt:!ssh");
	OK("--dport ssh", " --dport 22", " tcp dpt:22", " tcp dpt:ssh");
	OK("--dport http:https", " --dport 80:443", " tcp dpts:80:443",
	   " tcp dpts:http:https");
	OK("--source-port 7 --destination-port 8", " --sport 7 --dport 8",
	   " tcp spt:7 dpt:8", " tcp spt:echo dpt:8");
	OK("--sport 0x10", " --sport 16", " tcp spt:16", " tcp spt:16");
	OK("--sport 010", " --sport 8", " tcp spt:8", " tcp spt:8");
	OK("--sport 0:0", " --sport 0", " tcp spt:0", " tcp spt:0");
	OK("--dport 0:65535", "", " tcp", " tcp");
	OK("--sport 65535 --dport 1", " --sport 65535 --dport 1",
	   " tcp spt:65535 dpt:1", " tcp spt:65535 dpt:tcpmux");
	OK("", "", " tcp", " tcp");
}

static void test_flags_option(void **state)
{
	OK("--syn", " --tcp-flags FIN,SYN,RST,ACK SYN", " tcp flags:0x17/0x02",
	   " tcp flags:FIN,SYN,RST,ACK/SYN");
	OK("! --syn", " ! --tcp-flags FIN,SYN,RST,ACK SYN",
	   " tcp flags:!0x17/0x02", " tcp flags:!FIN,SYN,RST,ACK/SYN");
	OK("--tcp-flags ALL NONE",
	   " --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE", " tcp flags:0x3F/0x00",
	   " tcp flags:FIN,SYN,RST,PSH,ACK,URG/NONE");
	OK("--tcp-flags ALL ALL",
	   " --tcp-flags FIN,SYN,RST,PSH,ACK,URG FIN,SYN,RST,PSH,ACK,URG",
	   " tcp flags:0x3F/0x3F",
	   " tcp flags:FIN,SYN,RST,PSH,ACK,URG/FIN,SYN,RST,PSH,ACK,URG");
	OK("! --tcp-flags SYN,ACK ACK", " ! --tcp-flags SYN,ACK ACK",
	   " tcp flags:!0x12/0x10", " tcp flags:!SYN,ACK/ACK");
	OK("--tcp-flags NONE NONE", "", " tcp", " tcp");
	OK("! --tcp-flags NONE NONE", " ! --tcp-flags NONE NONE",
	   " tcp flags:!0x00/0x00", " tcp flags:!NONE/NONE");
	OK("--tcp-flags SYN,SYN ALL",
	   " --tcp-flags SYN FIN,SYN,RST,PSH,ACK,URG", " tcp flags:0x02/0x3F",
	   " tcp flags:SYN/FIN,SYN,RST,PSH,ACK,URG");
	OK("--tcp-flags syn,ack syn", " --tcp-flags SYN,ACK SYN",
	   " tcp flags:0x12/0x02", " tcp flags:SYN,ACK/SYN");
	OK("--tcp-flags SYN,,ACK SYN", " --tcp-flags SYN,ACK SYN",
	   " tcp flags:0x12/0x02", " tcp flags:SYN,ACK/SYN");
	OK("--tcp-flags , SYN", "", " tcp", " tcp");
	OK("--tcp-flags ALL,SYN FIN",
	   " --tcp-flags FIN,SYN,RST,PSH,ACK,URG FIN",
	   " tcp flags:0x3F/0x01", " tcp flags:FIN,SYN,RST,PSH,ACK,URG/FIN");
	OK("--tcp-option 5", " --tcp-option 5", " tcp option=5",
	   " tcp option=5");
	OK("! --tcp-option 255", " ! --tcp-option 255", " tcp option=!255",
	   " tcp option=!255");
	OK("--tcp-option 0x5", " --tcp-option 5", " tcp option=5",
	   " tcp option=5");
	OK("--tcp-flags SYN SYN --tcp-option 3 --dport 5",
	   " --dport 5 --tcp-option 3 --tcp-flags SYN SYN",
	   " tcp dpt:5 option=3 flags:0x02/0x02",
	   " tcp dpt:5 option=3 flags:SYN/SYN");
	OK("! --tcp-option 2 --syn",
	   " ! --tcp-option 2 --tcp-flags FIN,SYN,RST,ACK SYN",
	   " tcp option=!2 flags:0x17/0x02",
	   " tcp option=!2 flags:FIN,SYN,RST,ACK/SYN");
	/* libxt_tcp.t lines. */
	OK("--tcp-flags FIN,SYN,RST,PSH,ACK,URG RST",
	   " --tcp-flags FIN,SYN,RST,PSH,ACK,URG RST", " tcp flags:0x3F/0x04",
	   " tcp flags:FIN,SYN,RST,PSH,ACK,URG/RST");
}

static void test_errors(void **state)
{
	FAIL("--dport foo", "invalid port/service `foo' specified");
	FAIL("--sport 4:3", "invalid portrange (min > max)");
	FAIL("--dport 4:3", "invalid portrange (min > max)");
	FAIL("--sport 65536", "invalid port/service `65536' specified");
	FAIL("--sport -1", "invalid port/service `-1' specified");
	FAIL("--dport -1", "invalid port/service `-1' specified");
	FAIL("--sport 1:2:3", "invalid port/service `2:3' specified");
	FAIL("--sport 5:foo", "invalid port/service `foo' specified");
	FAIL("--sport foo:5", "invalid port/service `foo' specified");
	FAIL("--sport 5x", "invalid port/service `5x' specified");
	FAIL("--sport ''", "invalid port/service `' specified");
	FAIL("--tcp-flags FOO SYN", "Unknown TCP flag `FOO'");
	FAIL("--tcp-flags SYN FOO", "Unknown TCP flag `FOO'");
	FAIL("--tcp-flags SYN", "--tcp-flags requires two args.");
	FAIL("--tcp-flags SYN ! SYN", "--tcp-flags requires two args.");
	FAIL("--syn --syn",
	     "Only one of `--syn' or `--tcp-flags'  allowed");
	FAIL("--syn --tcp-flags ALL SYN",
	     "Only one of `--syn' or `--tcp-flags'  allowed");
	FAIL("--dport 1 --dport 2", "Only one `--destination-port' allowed");
	FAIL("! --sport 1 --sport 2", "Only one `--source-port' allowed");
	FAIL("--tcp-option 1 --tcp-option 2",
	     "Only one `--tcp-option' allowed");
	FAIL("--tcp-option 0", "Bad TCP option \"0\"");
	FAIL("--tcp-option 256", "Bad TCP option \"256\"");
	FAIL("--tcp-option abc", "Bad TCP option \"abc\"");
}

static void test_kernel_check(void **state)
{
	struct hm m;

	/* "-m tcp --dport 1" without -p tcp: the kernel says EINVAL. */
	assert_int_equal(hm_parse(&m, "tcp", 0, "--dport 1"), 0);
	assert_int_not_equal(hm_check(&m), 0);
	hm_free(&m);
	assert_int_equal(hm_parse_ip(&m, "tcp", 6, true, "--dport 1"), 0);
	assert_int_not_equal(hm_check(&m), 0);
	hm_free(&m);
	assert_int_equal(hm_parse(&m, "tcp", 17, "--dport 1"), 0);
	assert_int_not_equal(hm_check(&m), 0);
	hm_free(&m);
}

static struct pkt pkt;

static int run(const char *opts, const uint8_t *l4, uint16_t len,
	       uint16_t frag_off, bool mf)
{
	struct hm m;
	int r;

	if (hm_parse(&m, "tcp", 6, opts))
		fail_msg("'%s': %s", opts, hm_err(&m));
	hm_pkt(&pkt, 6, 0x0a000001, 0x0a000002, l4, len, frag_off, mf);
	r = hm_match(&m, &pkt);
	hm_free(&m);
	return r;
}

static void test_match_ports_flags(void **state)
{
	uint8_t th[60];
	uint16_t n = (uint16_t)hm_tcp(th, 1234, 80, 0x02, NULL, 0);

	assert_int_equal(run("", th, n, 0, false), 1);
	assert_int_equal(run("--dport 80", th, n, 0, false), 1);
	assert_int_equal(run("--dport 81", th, n, 0, false), 0);
	assert_int_equal(run("! --dport 81", th, n, 0, false), 1);
	assert_int_equal(run("! --dport 80", th, n, 0, false), 0);
	assert_int_equal(run("--dport 79:80", th, n, 0, false), 1);
	assert_int_equal(run("--dport 81:", th, n, 0, false), 0);
	assert_int_equal(run("--sport 1234 --dport 80", th, n, 0, false), 1);
	assert_int_equal(run("--sport 1235 --dport 80", th, n, 0, false), 0);
	assert_int_equal(run("--sport 1024:", th, n, 0, false), 1);
	assert_int_equal(run("! --sport :", th, n, 0, false), 0);
	assert_int_equal(run("--syn", th, n, 0, false), 1);
	assert_int_equal(run("! --syn", th, n, 0, false), 0);
	assert_int_equal(run("--tcp-flags ALL SYN", th, n, 0, false), 1);
	assert_int_equal(run("--tcp-flags ALL NONE", th, n, 0, false), 0);
	n = (uint16_t)hm_tcp(th, 1234, 80, 0x12, NULL, 0); /* SYN+ACK */
	assert_int_equal(run("--syn", th, n, 0, false), 0);
	assert_int_equal(run("! --syn", th, n, 0, false), 1);
	assert_int_equal(run("--tcp-flags SYN,ACK SYN,ACK", th, n, 0, false),
			 1);
	/* ECE/CWR are outside ALL: a mask of ALL ignores them. */
	n = (uint16_t)hm_tcp(th, 1234, 80, 0xC2, NULL, 0);
	assert_int_equal(run("--tcp-flags ALL SYN", th, n, 0, false), 1);
	assert_int_equal(run("--syn", th, n, 0, false), 1);
	n = (uint16_t)hm_tcp(th, 1, 65535, 0x11, NULL, 0);
	assert_int_equal(run("--dport 65535 --sport 1", th, n, 0, false), 1);
	assert_int_equal(run("--dport 65534", th, n, 0, false), 0);
}

static void test_match_option(void **state)
{
	/* MSS, NOP, NOP, SACK-permitted, EOL */
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2, 0 };
	/* NOP, a bad length 0 option of kind 30, then kind 8 */
	static const uint8_t zero[] = { 1, 30, 0, 8, 10, 0, 0, 0 };
	uint8_t th[60];
	uint16_t n = (uint16_t)hm_tcp(th, 1, 2, 0x02, opts, sizeof(opts));

	assert_int_equal(run("--tcp-option 2", th, n, 0, false), 1);
	assert_int_equal(run("--tcp-option 4", th, n, 0, false), 1);
	assert_int_equal(run("--tcp-option 1", th, n, 0, false), 1);
	assert_int_equal(run("--tcp-option 3", th, n, 0, false), 0);
	assert_int_equal(run("! --tcp-option 3", th, n, 0, false), 1);
	assert_int_equal(run("! --tcp-option 2", th, n, 0, false), 0);
	/* 0x05 inside the MSS value is skipped, not taken as option 5. */
	assert_int_equal(run("--tcp-option 5", th, n, 0, false), 0);
	/* A zero length advances by one: 30 (at 1), 0, 8 are all seen. */
	n = (uint16_t)hm_tcp(th, 1, 2, 0x02, zero, sizeof(zero));
	assert_int_equal(run("--tcp-option 30", th, n, 0, false), 1);
	assert_int_equal(run("--tcp-option 8", th, n, 0, false), 1);
	/* No options at all: no match, inverted matches. */
	n = (uint16_t)hm_tcp(th, 1, 2, 0x02, NULL, 0);
	assert_int_equal(run("--tcp-option 2", th, n, 0, false), 0);
	assert_int_equal(run("! --tcp-option 2", th, n, 0, false), 1);
	/* doff < 5 is evil: hotdrop, only when an option is asked for. */
	th[12] = 4 << 4;
	assert_int_equal(run("--tcp-option 2", th, n, 0, false), -1);
	assert_int_equal(run("--dport 2", th, n, 0, false), 1);
	/* doff says 32 bytes, only 24 are there: hotdrop. */
	n = (uint16_t)hm_tcp(th, 1, 2, 0x02, opts, 4);
	th[12] = 8 << 4;
	assert_int_equal(run("--tcp-option 2", th, n, 0, false), -1);
	assert_int_equal(run("--tcp-flags SYN SYN", th, n, 0, false), 1);
}

static void test_match_frag_truncated(void **state)
{
	uint8_t th[60];
	uint16_t n = (uint16_t)hm_tcp(th, 1234, 80, 0x02, NULL, 0);

	/* First fragment (MF set, offset 0) is matched normally. */
	assert_int_equal(run("--dport 80", th, n, 0, true), 1);
	/* Offset 1 (8 bytes) would overwrite the flags: hotdrop. */
	assert_int_equal(run("--dport 80", th, n, 1, true), -1);
	assert_int_equal(run("", th, n, 1, false), -1);
	/* Later fragments never match, inverted or not, no hotdrop. */
	assert_int_equal(run("--dport 80", th, n, 2, true), 0);
	assert_int_equal(run("! --dport 80", th, n, 185, false), 0);
	assert_int_equal(run("", th, n, 2, false), 0);
	/* Truncated header (< 20 bytes) at offset 0: hotdrop. */
	assert_int_equal(run("--dport 80", th, 19, 0, false), -1);
	assert_int_equal(run("", th, 4, 0, false), -1);
	assert_int_equal(run("", th, 0, 0, false), -1);
	assert_int_equal(run("", th, 20, 0, false), 1);
}

static void test_conformance(void **state)
{
	/* The lines of iptables' libxt_tcp.t this harness can model. */
	assert_true(hm_t_file("libxt_tcp.t") >= 39);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_flags_option),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_kernel_check),
		cmocka_unit_test(test_match_ports_flags),
		cmocka_unit_test(test_match_option),
		cmocka_unit_test(test_match_frag_truncated),
	};

	return cmocka_run_group_tests_name("match_tcp", tests, NULL, NULL);
}
