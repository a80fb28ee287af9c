// SPDX-License-Identifier: MIT
/* Unit tests for the ttl match (src/xt/ext/match_ttl.c). */
#include "xt_ext_harness.h"

static void test_roundtrip(void **state)
{
	/* Strings recorded from iptables-legacy 1.8.9. */
	h_roundtrip("ttl", "--ttl-eq 5", " --ttl-eq 5", " TTL match TTL == 5",
		    " TTL match TTL == 5");
	h_roundtrip("ttl", "! --ttl-eq 5", " ! --ttl-eq 5",
		    " TTL match TTL != 5", NULL);
	h_roundtrip("ttl", "--ttl-lt 5", " --ttl-lt 5", " TTL match TTL < 5",
		    NULL);
	h_roundtrip("ttl", "--ttl-gt 5", " --ttl-gt 5", " TTL match TTL > 5",
		    NULL);
	h_roundtrip("ttl", "--ttl-eq 0x10", " --ttl-eq 16", NULL, NULL);
	h_roundtrip("ttl", "--ttl-eq 010", " --ttl-eq 8", NULL, NULL);
	h_roundtrip("ttl", "--ttl-eq +7", " --ttl-eq 7", NULL, NULL);
	h_roundtrip("ttl", "--ttl 7", " --ttl-eq 7", NULL, NULL);
	h_roundtrip("ttl", "! --ttl 2", " ! --ttl-eq 2", NULL, NULL);
	h_roundtrip("ttl", "--ttl-gt 255", " --ttl-gt 255", NULL, NULL);
	h_roundtrip("ttl", "--ttl-lt 0", " --ttl-lt 0", NULL, NULL);
}

static void test_reject(void **state)
{
	const char *range =
		"ttl: bad value for option \"--ttl-eq\", or out of range (0-255).\n";

	h_reject("ttl", "", "TTL match: You must specify one of `--ttl-eq', "
		 "`--ttl-lt', `--ttl-gt");
	h_reject("ttl", "--ttl-eq 256", range);
	h_reject("ttl", "--ttl-eq -1", range);
	h_reject("ttl", "--ttl-eq abc", range);
	h_reject("ttl", "--ttl-eq 5x", range);
	h_reject("ttl", "--ttl-eq 5 --ttl-lt 3",
		 "ttl: option \"--ttl-lt\" cannot be used together with \"--ttl-eq\".\n");
	h_reject("ttl", "--ttl-gt 5 --ttl-eq 3",
		 "ttl: option \"--ttl-gt\" cannot be used together with \"--ttl-eq\".\n");
	h_reject("ttl", "--ttl-gt 3 --ttl-lt 5",
		 "ttl: option \"--ttl-lt\" cannot be used together with \"--ttl-gt\".\n");
	h_reject("ttl", "--ttl-eq 1 --ttl-lt 2 --ttl-gt 3",
		 "ttl: option \"--ttl-lt\" cannot be used together with \"--ttl-eq\".\n");
	h_reject("ttl", "! --ttl-lt 5", NULL);
	h_reject("ttl", "! --ttl-gt 5", NULL);
}

static void test_conformance(void **state)
{
	assert_true(h_conformance("libipt_ttl.t", "ttl") >= 8);
}

static void test_match(void **state)
{
	static struct pkt pkt;
	struct h_pktopt o = { .saddr = 0x0a000001, .daddr = 0x0a000002 };
	struct xt_action act = { 0 };
	struct h_rule eq, ne, lt, gt;
	int ttl;

	assert_int_equal(h_parse(&eq, "ttl", "--ttl-eq 64"), 0);
	assert_int_equal(h_parse(&ne, "ttl", "! --ttl-eq 64"), 0);
	assert_int_equal(h_parse(&lt, "ttl", "--ttl-lt 64"), 0);
	assert_int_equal(h_parse(&gt, "ttl", "--ttl-gt 64"), 0);
	for (ttl = 0; ttl <= 255; ttl++) {
		o.ttl = (uint8_t)ttl;
		h_pkt_build(&pkt, &o);
		assert_int_equal(h_match(&eq, &pkt, &act), ttl == 64);
		assert_int_equal(h_match(&ne, &pkt, &act), ttl != 64);
		assert_int_equal(h_match(&lt, &pkt, &act), ttl < 64);
		assert_int_equal(h_match(&gt, &pkt, &act), ttl > 64);
	}
	/* Behind an Ethernet header the IP header is still found. */
	o.l2 = true;
	o.ttl = 64;
	h_pkt_build(&pkt, &o);
	assert_true(h_match(&eq, &pkt, &act));
	/* A truncated packet never matches. */
	pkt.len = pkt.l3_off + 10;
	assert_false(h_match(&ne, &pkt, &act));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("match_ttl", tests, NULL, NULL);
}
