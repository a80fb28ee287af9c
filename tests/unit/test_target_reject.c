// SPDX-License-Identifier: MIT
/*
 * REJECT target: rule text in, iptables-save/-L text out (recorded from
 * iptables-legacy 1.8.9 on Linux 6.18), prefix matching of the reject
 * types, messages, the kernel's checks (filter table only; INPUT, FORWARD
 * and OUTPUT only; tcp-reset needs -p tcp not inverted), libipt_REJECT.t,
 * and the verdict on the data path.
 */
#include "tg_harness.h"

#include "core/net.h"

#define F "filter", "INPUT"

static void test_save_print(void **state)
{
	static const char *const names[][2] = {
		{ "icmp-net-unreachable", "icmp-net-unreachable" },
		{ "icmp-host-unreachable", "icmp-host-unreachable" },
		{ "icmp-port-unreachable", "icmp-port-unreachable" },
		{ "icmp-proto-unreachable", "icmp-proto-unreachable" },
		{ "icmp-net-prohibited", "icmp-net-prohibited" },
		{ "icmp-host-prohibited", "icmp-host-prohibited" },
		{ "icmp-admin-prohibited", "icmp-admin-prohibited" },
		{ "net-unreach", "icmp-net-unreachable" },
		{ "host-unreach", "icmp-host-unreachable" },
		{ "port-unreach", "icmp-port-unreachable" },
		{ "proto-unreach", "icmp-proto-unreachable" },
		{ "net-prohib", "icmp-net-prohibited" },
		{ "host-prohib", "icmp-host-prohibited" },
		{ "admin-prohib", "icmp-admin-prohibited" },
		{ "tcp-rst", "tcp-reset" },
		{ "tcp-reset", "tcp-reset" },
		/* libipt_REJECT takes the first entry the word starts. */
		{ "icmp", "icmp-net-unreachable" },
		{ "ICMP-NET", "icmp-net-unreachable" },
		{ "tcp", "tcp-reset" },
		{ "''", "icmp-net-unreachable" },
		{ "host", "icmp-host-unreachable" },
		{ "admin", "icmp-admin-prohibited" },
	};
	char rule[128], save[128], print[128];
	size_t i;

	tg_ok(F, "-j REJECT", "-j REJECT --reject-with icmp-port-unreachable",
	      " reject-with icmp-port-unreachable",
	      " reject-with icmp-port-unreachable");
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(rule, sizeof(rule),
			 "-p tcp -j REJECT --reject-with %s", names[i][0]);
		snprintf(save, sizeof(save),
			 "-p tcp -j REJECT --reject-with %s", names[i][1]);
		snprintf(print, sizeof(print), " reject-with %s",
			 names[i][1]);
		tg_ok(F, rule, save, print, print);
	}
	tg_ok("filter", "FORWARD", "-j REJECT --reject-with host-prohib",
	      "-j REJECT --reject-with icmp-host-prohibited", NULL, NULL);
	tg_ok("filter", "OUTPUT", "-p tcp -j REJECT --reject-with tcp-reset",
	      "-p tcp -j REJECT --reject-with tcp-reset", NULL, NULL);
}

static void test_errors(void **state)
{
	tg_fail(F, "-p tcp -j REJECT --reject-with echo-reply", 2,
		"unknown reject type \"echo-reply\"");
	tg_fail(F, "-p tcp -j REJECT --reject-with echoreply", 2,
		"unknown reject type \"echoreply\"");
	tg_fail(F, "-p tcp -j REJECT --reject-with foo", 2,
		"unknown reject type \"foo\"");
	tg_fail(F, "-p tcp -j REJECT --reject-with icmp-port-unreachablex", 2,
		"unknown reject type \"icmp-port-unreachablex\"");
	tg_fail(F, "-p tcp -j REJECT --reject-with", 2,
		"option \"--reject-with\" requires an argument");
	tg_fail(F, "-j REJECT --reject-with icmp-net-unreachable "
		"--reject-with icmp-net-unreachable", 2,
		"REJECT: option \"--reject-with\" can only be used once.\n");
	tg_fail(F, "-j REJECT ! --reject-with icmp-net-unreachable", 2,
		"REJECT: option \"--reject-with\" cannot be inverted.\n");
	/* The kernel's checks (iptables: Invalid argument + dmesg). */
	tg_fail(F, "-j REJECT --reject-with tcp-reset", 1,
		"ipt_REJECT: TCP_RESET invalid for non-tcp");
	tg_fail(F, "! -p tcp -j REJECT --reject-with tcp-reset", 1,
		"ipt_REJECT: TCP_RESET invalid for non-tcp");
	tg_fail(F, "-p udp -j REJECT --reject-with tcp-rst", 1,
		"ipt_REJECT: TCP_RESET invalid for non-tcp");
	/* "REJECT target: only valid in filter table, not raw" */
	tg_fail("raw", "PREROUTING", "-j REJECT", 1, NULL);
	tg_fail("raw", "OUTPUT", "-j REJECT", 1, NULL);
	tg_fail("mangle", "INPUT", "-j REJECT", 1, NULL);
	tg_fail("mangle", "POSTROUTING", "-j REJECT", 1, NULL);
	/* Hooks: a filter chain reached from PREROUTING cannot exist, but
	 * the hook mask is checked all the same. */
	tg_fail("filter", "PREROUTING", "-j REJECT", 1, NULL);
}

static void test_conformance(void **state)
{
	int n = tg_conformance("libipt_REJECT.t");

	if (n == 0)
		skip();
	assert_true(n >= 24);
}

static void test_verdict(void **state)
{
	static struct pkt pkt;
	static const char *const rules[] = {
		"-j REJECT",
		"-j REJECT --reject-with icmp-admin-prohibited",
		"-p tcp -j REJECT --reject-with tcp-reset",
	};
	uint8_t tcp[20] = { 0x9c, 0x40, 0, 22, 0, 0, 3, 0xe8, 0, 0, 0, 0,
			    0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0 };
	struct xt_action act;
	struct tg_res r;
	struct net *net;
	uint8_t before[40];
	size_t i;

	assert_int_equal(ns_net_create(&net), 0);
	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		assert_int_equal(tg_run(F, rules[i], &r), 0);
		tg_ip_pkt(&pkt, 0, 64, 6, tcp, sizeof(tcp));
		memcpy(before, pkt.data, sizeof(before));
		memset(&act, 0, sizeof(act));
		act.net = net;
		act.hook = NS_INET_LOCAL_IN;
		assert_int_equal(r.ops->target(&pkt, r.data, &act), NS_DROP);
		/* REJECT answers; it never changes the packet itself. */
		assert_memory_equal(pkt.data, before, sizeof(before));
	}
	ns_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_verdict),
	};

	return cmocka_run_group_tests_name("target_reject", tests, NULL, NULL);
}
