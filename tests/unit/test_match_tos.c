// SPDX-License-Identifier: MIT
/* Unit tests for the tos match (src/xt/ext/match_tos.c). */
#include "xt_ext_harness.h"

static void test_roundtrip(void **state)
{
	/* save, print -n, print: recorded from iptables-legacy 1.8.9. */
	h_roundtrip("tos", "--tos 0x10", " --tos 0x10/0xff",
		    " tos match0x10/0xff", " tos match0x10/0xff");
	h_roundtrip("tos", "--tos Minimize-Delay", " --tos 0x10/0x3f",
		    " tos match0x10/0x3f", " tos match Minimize-Delay");
	h_roundtrip("tos", "--tos Maximize-Throughput", " --tos 0x08/0x3f",
		    " tos match0x08/0x3f", " tos match Maximize-Throughput");
	h_roundtrip("tos", "--tos Maximize-Reliability", " --tos 0x04/0x3f",
		    " tos match0x04/0x3f", " tos match Maximize-Reliability");
	h_roundtrip("tos", "--tos Minimize-Cost", " --tos 0x02/0x3f",
		    " tos match0x02/0x3f", " tos match Minimize-Cost");
	h_roundtrip("tos", "--tos Normal-Service", " --tos 0x00/0x3f",
		    " tos match0x00/0x3f", " tos match Normal-Service");
	h_roundtrip("tos", "--tos minimize-delay", " --tos 0x10/0x3f", NULL,
		    NULL);
	h_roundtrip("tos", "--tos NORMAL-SERVICE", " --tos 0x00/0x3f", NULL,
		    NULL);
	h_roundtrip("tos", "! --tos 0x10", " ! --tos 0x10/0xff",
		    " tos match!0x10/0xff", " tos match!0x10/0xff");
	h_roundtrip("tos", "! --tos Minimize-Delay", " ! --tos 0x10/0x3f",
		    " tos match!0x10/0x3f", " tos match! Minimize-Delay");
	h_roundtrip("tos", "--tos 0x10/0x1f", " --tos 0x10/0x1f",
		    " tos match0x10/0x1f", " tos match0x10/0x1f");
	h_roundtrip("tos", "--tos 0x12/0x3f", " --tos 0x12/0x3f",
		    " tos match0x12/0x3f", " tos match0x12/0x3f");
	h_roundtrip("tos", "--tos 0x00/0x3f", " --tos 0x00/0x3f", NULL,
		    " tos match Normal-Service");
	h_roundtrip("tos", "--tos 3", " --tos 0x03/0xff", NULL, NULL);
	h_roundtrip("tos", "--tos +5", " --tos 0x05/0xff", NULL, NULL);
	h_roundtrip("tos", "--tos 0377", " --tos 0xff/0xff", NULL, NULL);
	h_roundtrip("tos", "--tos 16/63", " --tos 0x10/0x3f", NULL,
		    " tos match Minimize-Delay");
	h_roundtrip("tos", "--tos 0x10/0x0", " --tos 0x10/0x00", NULL, NULL);
	h_roundtrip("tos", "--tos 0x10/+5", " --tos 0x10/0x05", NULL, NULL);
	h_roundtrip("tos", "--tos 0x08/0x08", " --tos 0x08/0x08",
		    " tos match0x08/0x08", " tos match0x08/0x08");
}

static void test_reject(void **state)
{
	h_reject("tos", "", "tos: option \"--tos\" must be specified\n");
	h_reject("tos", "--tos 256", "Symbolic name \"256\" is unknown");
	h_reject("tos", "--tos 0x100", "Symbolic name \"0x100\" is unknown");
	h_reject("tos", "--tos -1", "Symbolic name \"-1\" is unknown");
	h_reject("tos", "--tos foo", "Symbolic name \"foo\" is unknown");
	h_reject("tos", "--tos /0x10", "Symbolic name \"/0x10\" is unknown");
	h_reject("tos", "--tos 0x10/0x100", "Illegal value: \"0x10/0x100\"");
	h_reject("tos", "--tos 0x10/", "Illegal value: \"0x10/\"");
	h_reject("tos", "--tos 0x10x", "Illegal value: \"0x10x\"");
	h_reject("tos", "--tos 0x10/abc", "Illegal value: \"0x10/abc\"");
	h_reject("tos", "--tos 0x10/0xff/1", "Illegal value: \"0x10/0xff/1\"");
	h_reject("tos", "--tos 0x10/-1", "Illegal value: \"0x10/-1\"");
	h_reject("tos", "--tos 1e1", "Illegal value: \"1e1\"");
}

static void test_match(void **state)
{
	static struct pkt pkt;
	struct h_pktopt o = { .ttl = 64 };
	struct xt_action act = { 0 };
	struct h_rule md, inv, exact, lowbits;
	int tos;

	assert_int_equal(h_parse(&md, "tos", "--tos Minimize-Delay"), 0);
	assert_int_equal(h_parse(&inv, "tos", "! --tos Minimize-Delay"), 0);
	assert_int_equal(h_parse(&exact, "tos", "--tos 0x10"), 0);
	assert_int_equal(h_parse(&lowbits, "tos", "--tos 0x01/0x03"), 0);
	for (tos = 0; tos <= 255; tos++) {
		o.tos = (uint8_t)tos;
		h_pkt_build(&pkt, &o);
		assert_int_equal(h_match(&md, &pkt, &act),
				 (tos & 0x3f) == 0x10);
		assert_int_equal(h_match(&inv, &pkt, &act),
				 (tos & 0x3f) != 0x10);
		assert_int_equal(h_match(&exact, &pkt, &act), tos == 0x10);
		assert_int_equal(h_match(&lowbits, &pkt, &act),
				 (tos & 3) == 1);
	}
	/* IPv6: the traffic class straddles the first two bytes. */
	pkt_reset(&pkt);
	memset(pkt.data, 0, 40);
	pkt.data[0] = 0x61;   /* version 6, TC high nibble 0x1 */
	pkt.data[1] = 0x00;   /* TC low nibble 0x0: TC 0x10 */
	pkt.len = 40;
	pkt.family = NS_PF_INET6;
	assert_true(h_match(&exact, &pkt, &act));
	assert_true(h_match(&md, &pkt, &act));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("match_tos", tests, NULL, NULL);
}
