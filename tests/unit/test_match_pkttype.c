// SPDX-License-Identifier: MIT
/* Unit tests for the pkttype match (src/xt/ext/match_pkttype.c). */
#include "xt_ext_harness.h"

static void test_roundtrip(void **state)
{
	/* Recorded from iptables-legacy 1.8.9. */
	h_roundtrip("pkttype", "--pkt-type unicast", " --pkt-type unicast",
		    " PKTTYPE = unicast", " PKTTYPE = unicast");
	h_roundtrip("pkttype", "--pkt-type broadcast",
		    " --pkt-type broadcast", " PKTTYPE = broadcast", NULL);
	h_roundtrip("pkttype", "--pkt-type multicast",
		    " --pkt-type multicast", " PKTTYPE = multicast", NULL);
	h_roundtrip("pkttype", "--pkt-type host", " --pkt-type unicast",
		    NULL, NULL);
	h_roundtrip("pkttype", "--pkt-type otherhost",
		    " --pkt-type otherhost", " PKTTYPE = otherhost", NULL);
	h_roundtrip("pkttype", "! --pkt-type host", " ! --pkt-type unicast",
		    " PKTTYPE != unicast", " PKTTYPE != unicast");
	h_roundtrip("pkttype", "--pkt-type Unicast", " --pkt-type unicast",
		    NULL, NULL);
	h_roundtrip("pkttype", "--pkt-type BROADCAST",
		    " --pkt-type broadcast", NULL, NULL);
	h_roundtrip("pkttype", "--pkt-type bcast", " --pkt-type broadcast",
		    NULL, NULL);
	h_roundtrip("pkttype", "--pkt-type mcast", " --pkt-type multicast",
		    NULL, NULL);
	h_roundtrip("pkttype", "--pkt-type OtherHost",
		    " --pkt-type otherhost", NULL, NULL);
}

static void test_reject(void **state)
{
	h_reject("pkttype", "",
		 "pkttype: option \"--pkt-type\" must be specified\n");
	h_reject("pkttype", "--pkt-type wrong", "Bad packet type 'wrong'");
	h_reject("pkttype", "--pkt-type outgoing",
		 "Bad packet type 'outgoing'");
	h_reject("pkttype", "--pkt-type loopback",
		 "Bad packet type 'loopback'");
}

static void test_conformance(void **state)
{
	assert_true(h_conformance("libxt_pkttype.t", "pkttype") >= 5);
}

static void test_match(void **state)
{
	static struct pkt pkt;
	struct h_pktopt o = { .ttl = 64, .daddr = 0x0a000001 };
	struct xt_action act = { 0 };
	struct h_rule uc, bc, mc, oh, notuc;

	assert_int_equal(h_parse(&uc, "pkttype", "--pkt-type unicast"), 0);
	assert_int_equal(h_parse(&bc, "pkttype", "--pkt-type broadcast"), 0);
	assert_int_equal(h_parse(&mc, "pkttype", "--pkt-type multicast"), 0);
	assert_int_equal(h_parse(&oh, "pkttype", "--pkt-type otherhost"), 0);
	assert_int_equal(h_parse(&notuc, "pkttype", "! --pkt-type unicast"),
			 0);

	o.pkt_type = PKT_HOST;
	h_pkt_build(&pkt, &o);
	assert_true(h_match(&uc, &pkt, &act));
	assert_false(h_match(&bc, &pkt, &act));
	assert_false(h_match(&notuc, &pkt, &act));

	o.pkt_type = PKT_BROADCAST;
	h_pkt_build(&pkt, &o);
	assert_true(h_match(&bc, &pkt, &act));
	assert_false(h_match(&uc, &pkt, &act));
	assert_true(h_match(&notuc, &pkt, &act));

	o.pkt_type = PKT_MULTICAST;
	h_pkt_build(&pkt, &o);
	assert_true(h_match(&mc, &pkt, &act));

	o.pkt_type = PKT_OTHERHOST;
	h_pkt_build(&pkt, &o);
	assert_true(h_match(&oh, &pkt, &act));
	assert_false(h_match(&uc, &pkt, &act));

	/* Looped back: multicast by destination, else broadcast. */
	o.pkt_type = PKT_LOOPBACK;
	o.daddr = 0xe0000001;
	h_pkt_build(&pkt, &o);
	assert_true(h_match(&mc, &pkt, &act));
	assert_false(h_match(&bc, &pkt, &act));
	o.daddr = 0x0a0000ff;
	h_pkt_build(&pkt, &o);
	assert_true(h_match(&bc, &pkt, &act));
	assert_false(h_match(&mc, &pkt, &act));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("match_pkttype", tests, NULL,
					   NULL);
}
