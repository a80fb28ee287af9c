// SPDX-License-Identifier: MIT
/* Unit tests for the mac match (src/xt/ext/match_mac.c). */
#include "xt_ext_harness.h"

static void test_roundtrip(void **state)
{
	/* Recorded from iptables-legacy 1.8.9. */
	h_roundtrip("mac", "--mac-source 42:01:02:03:04:05",
		    " --mac-source 42:01:02:03:04:05",
		    " MAC 42:01:02:03:04:05", " MAC 42:01:02:03:04:05");
	h_roundtrip("mac", "! --mac-source 42:01:02:03:04:05",
		    " ! --mac-source 42:01:02:03:04:05",
		    " MAC ! 42:01:02:03:04:05", " MAC ! 42:01:02:03:04:05");
	h_roundtrip("mac", "--mac-source aa:BB:cc:dd:ee:ff",
		    " --mac-source aa:bb:cc:dd:ee:ff",
		    " MAC aa:bb:cc:dd:ee:ff", NULL);
	h_roundtrip("mac", "--mac-source 4:1:2:3:4:5",
		    " --mac-source 04:01:02:03:04:05", NULL, NULL);
	/* libxtables' strtoul-based parser is that lenient. */
	h_roundtrip("mac", "--mac-source 42::02:03:04:05",
		    " --mac-source 42:00:02:03:04:05", NULL, NULL);
	h_roundtrip("mac", "--mac-source -1:02:03:04:05:06",
		    " --mac-source ff:02:03:04:05:06", NULL, NULL);
	h_roundtrip("mac", "--mac-source +f:02:03:04:05:06",
		    " --mac-source 0f:02:03:04:05:06", NULL, NULL);
	h_roundtrip("mac", "--mac-source 02:03:04:05:06:",
		    " --mac-source 02:03:04:05:06:00", NULL, NULL);
}

static void test_reject(void **state)
{
	const char *bad = "Invalid MAC address specified.";

	h_reject("mac", "", "mac: option \"--mac-source\" must be specified\n");
	h_reject("mac", "--mac-source 42:01:02:03:04", bad);
	h_reject("mac", "--mac-source 42:01:02:03:04:05:06", bad);
	h_reject("mac", "--mac-source 42:01:02:03:04:zz", bad);
	h_reject("mac", "--mac-source 42-01-02-03-04-05", bad);
	h_reject("mac", "--mac-source 420:01:02:03:04:05", bad);
	h_reject("mac", "--mac-source 0x:02:03:04:05:06", bad);
}

static void test_hooks(void **state)
{
	struct h_rule r;

	assert_int_equal(h_parse(&r, "mac", "--mac-source 42:01:02:03:04:05"),
			 0);
	assert_int_equal(h_check(&r, 1u << NS_INET_PRE_ROUTING, NULL, 0), 0);
	assert_int_equal(h_check(&r, 1u << NS_INET_LOCAL_IN, NULL, 0), 0);
	assert_int_equal(h_check(&r, 1u << NS_INET_FORWARD, NULL, 0), 0);
	assert_int_not_equal(h_check(&r, 1u << NS_INET_LOCAL_OUT, NULL, 0), 0);
	assert_int_not_equal(h_check(&r, 1u << NS_INET_POST_ROUTING, NULL, 0),
			     0);
	assert_int_not_equal(h_check(&r, (1u << NS_INET_LOCAL_IN) |
					 (1u << NS_INET_LOCAL_OUT), NULL, 0),
			     0);
}

static void test_conformance(void **state)
{
	assert_true(h_conformance("libxt_mac.t", "mac") >= 4);
}

static void test_match(void **state)
{
	static struct pkt pkt;
	struct h_pktopt o = { .ttl = 64, .l2 = true,
			      .smac = { 0x42, 1, 2, 3, 4, 5 } };
	struct xt_action act = { 0 };
	struct h_rule eq, ne;

	assert_int_equal(h_parse(&eq, "mac", "--mac-source 42:01:02:03:04:05"),
			 0);
	assert_int_equal(h_parse(&ne, "mac",
				 "! --mac-source 42:01:02:03:04:05"), 0);
	h_pkt_build(&pkt, &o);
	assert_true(h_match(&eq, &pkt, &act));
	assert_false(h_match(&ne, &pkt, &act));
	o.smac[5] = 6;
	h_pkt_build(&pkt, &o);
	assert_false(h_match(&eq, &pkt, &act));
	assert_true(h_match(&ne, &pkt, &act));
	/* The destination MAC is not looked at. */
	memcpy(pkt.data, o.smac, 6);
	o.smac[5] = 5;
	assert_false(h_match(&eq, &pkt, &act));
	/* No link-layer header: no match either way, as in the kernel. */
	o.l2 = false;
	h_pkt_build(&pkt, &o);
	assert_false(h_match(&eq, &pkt, &act));
	assert_false(h_match(&ne, &pkt, &act));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("match_mac", tests, NULL, NULL);
}
