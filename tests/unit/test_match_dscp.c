// SPDX-License-Identifier: MIT
/* Unit tests for the dscp match (src/xt/ext/match_dscp.c). */
#include "xt_ext_harness.h"

static void test_roundtrip(void **state)
{
	/* Recorded from iptables-legacy 1.8.9. */
	h_roundtrip("dscp", "--dscp 10", " --dscp 0x0a", " DSCP match 0x0a",
		    " DSCP match 0x0a");
	h_roundtrip("dscp", "! --dscp 0x2e", " ! --dscp 0x2e",
		    " DSCP match !0x2e", " DSCP match !0x2e");
	h_roundtrip("dscp", "--dscp 63", " --dscp 0x3f", NULL, NULL);
	h_roundtrip("dscp", "--dscp +7", " --dscp 0x07", NULL, NULL);
	h_roundtrip("dscp", "--dscp-class EF", " --dscp 0x2e",
		    " DSCP match 0x2e", NULL);
	h_roundtrip("dscp", "! --dscp-class EF", " ! --dscp 0x2e", NULL,
		    NULL);
	h_roundtrip("dscp", "--dscp-class AF41", " --dscp 0x22", NULL, NULL);
	h_roundtrip("dscp", "--dscp-class AF11", " --dscp 0x0a", NULL, NULL);
	h_roundtrip("dscp", "--dscp-class BE", " --dscp 0x00", NULL, NULL);
	h_roundtrip("dscp", "--dscp-class CS7", " --dscp 0x38", NULL, NULL);
	h_roundtrip("dscp", "--dscp-class ef", " --dscp 0x2e", NULL, NULL);
	h_roundtrip("dscp", "--dscp-class af43", " --dscp 0x26", NULL, NULL);
	/* libxt_dscp compares only the class name's length. */
	h_roundtrip("dscp", "--dscp-class EFxyz", " --dscp 0x2e", NULL, NULL);
	h_roundtrip("dscp", "--dscp-class AF111", " --dscp 0x0a", NULL, NULL);
}

static void test_classes(void **state)
{
	static const struct {
		const char *cls;
		const char *save;
	} t[] = {
		{ "CS0", " --dscp 0x00" }, { "CS1", " --dscp 0x08" },
		{ "CS2", " --dscp 0x10" }, { "CS3", " --dscp 0x18" },
		{ "CS4", " --dscp 0x20" }, { "CS5", " --dscp 0x28" },
		{ "CS6", " --dscp 0x30" }, { "CS7", " --dscp 0x38" },
		{ "AF12", " --dscp 0x0c" }, { "AF13", " --dscp 0x0e" },
		{ "AF21", " --dscp 0x12" }, { "AF22", " --dscp 0x14" },
		{ "AF23", " --dscp 0x16" }, { "AF31", " --dscp 0x1a" },
		{ "AF32", " --dscp 0x1c" }, { "AF33", " --dscp 0x1e" },
		{ "AF42", " --dscp 0x24" }, { "AF43", " --dscp 0x26" },
	};
	char args[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		snprintf(args, sizeof(args), "--dscp-class %s", t[i].cls);
		h_roundtrip("dscp", args, t[i].save, NULL, NULL);
	}
}

static void test_reject(void **state)
{
	const char *range =
		"dscp: bad value for option \"--dscp\", or out of range (0-63).\n";

	h_reject("dscp", "", "DSCP match: Parameter --dscp is required");
	h_reject("dscp", "--dscp 64", range);
	h_reject("dscp", "--dscp foo", range);
	h_reject("dscp", "--dscp -1", range);
	h_reject("dscp", "--dscp-class foo", "Invalid DSCP value `foo'");
	h_reject("dscp", "--dscp-class LE", "Invalid DSCP value `LE'");
	h_reject("dscp", "--dscp-class cs", "Invalid DSCP value `cs'");
	h_reject("dscp", "--dscp 10 --dscp-class EF",
		 "dscp: option \"--dscp\" cannot be used together with \"--dscp-class\".\n");
	h_reject("dscp", "--dscp-class EF --dscp 10",
		 "dscp: option \"--dscp\" cannot be used together with \"--dscp-class\".\n");
}

static void test_match(void **state)
{
	static struct pkt pkt;
	struct h_pktopt o = { .ttl = 64 };
	struct xt_action act = { 0 };
	struct h_rule ef, notef;
	int tos;

	assert_int_equal(h_parse(&ef, "dscp", "--dscp-class EF"), 0);
	assert_int_equal(h_parse(&notef, "dscp", "! --dscp 46"), 0);
	assert_int_equal(h_check(&ef, 1u << NS_INET_LOCAL_IN, NULL, 0), 0);
	for (tos = 0; tos <= 255; tos++) {
		o.tos = (uint8_t)tos;
		h_pkt_build(&pkt, &o);
		/* ECN bits do not matter. */
		assert_int_equal(h_match(&ef, &pkt, &act), (tos >> 2) == 46);
		assert_int_equal(h_match(&notef, &pkt, &act),
				 (tos >> 2) != 46);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("match_dscp", tests, NULL, NULL);
}
