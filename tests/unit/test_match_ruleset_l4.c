// SPDX-License-Identifier: MIT
/*
 * The tcp, udp, icmp, multiport, iprange, mark, comment and length matches
 * end to end through the iptables command and the rule interpreter: a
 * chain typed as a user would, its iptables-save, -L and -L -n -v texts
 * byte for byte as iptables-legacy 1.8.9 printed them for the same
 * commands, the kernel-side checks, and verdicts of packets run through
 * the filter table's hooks (hot-drops of truncated headers and offset-1
 * TCP fragments included).
 */
#include "xt_match_harness.h"

#include "core/hook.h"
#include "core/net.h"
#include "ctl/ctl.h"

#include "cmd_env.h"

/* The commands, then what iptables-legacy 1.8.9 printed for them. */
static const char *const chain[] = {
	"iptables -A INPUT -p tcp --dport 80 -j ACCEPT",
	"iptables -A INPUT -p tcp ! --sport 1:1023 --syn -j DROP",
	"iptables -A INPUT -p tcp -m tcp --tcp-option 2 ! --dport ssh:http",
	"iptables -A INPUT -p udp --sport 53 --dport 1024: -j ACCEPT",
	"iptables -A INPUT -p icmp --icmp-type echo-request -j ACCEPT",
	"iptables -A INPUT -p icmp ! --icmp-type 3/0:5",
	"iptables -A INPUT -p tcp -m multiport --dports 22,80,443:450 -j "
		"ACCEPT",
	"iptables -A INPUT -p udp -m multiport ! --ports 53,123",
	"iptables -A INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 ! "
		"--dst-range 1.2.3.4-1.2.3.5 -j DROP",
	"iptables -A INPUT -m mark --mark 0x5/0xff -j ACCEPT",
	"iptables -A INPUT -m comment --comment \"allow web\" -j ACCEPT",
	"iptables -A INPUT -m length ! --length 100:200 -m comment --comment x",
};

static const char saved[] =
	"-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT\n"
	"-A INPUT -p tcp -m tcp ! --sport 1:1023 --tcp-flags "
		"FIN,SYN,RST,ACK SYN -j DROP\n"
	"-A INPUT -p tcp -m tcp ! --dport 22:80 --tcp-option 2\n"
	"-A INPUT -p udp -m udp --sport 53 --dport 1024:65535 -j ACCEPT\n"
	"-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT\n"
	"-A INPUT -p icmp -m icmp ! --icmp-type 3/0\n"
	"-A INPUT -p tcp -m multiport --dports 22,80,443:450 -j ACCEPT\n"
	"-A INPUT -p udp -m multiport ! --ports 53,123\n"
	"-A INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 ! --dst-range "
		"1.2.3.4-1.2.3.5 -j DROP\n"
	"-A INPUT -m mark --mark 0x5/0xff -j ACCEPT\n"
	"-A INPUT -m comment --comment \"allow web\" -j ACCEPT\n"
	"-A INPUT -m length ! --length 100:200 -m comment --comment x\n"
	;

static const char list[] =
	"Chain INPUT (policy ACCEPT)\n"
	"target     prot opt source               destination         \n"
	"ACCEPT     tcp  --  anywhere             anywhere             tcp "
		"dpt:http\n"
	"DROP       tcp  --  anywhere             anywhere             tcp "
		"spts:!tcpmux:1023 flags:FIN,SYN,RST,ACK/SYN\n"
	"           tcp  --  anywhere             anywhere             tcp "
		"dpts:!ssh:http option=2\n"
	"ACCEPT     udp  --  anywhere             anywhere             udp "
		"spt:domain dpts:1024:65535\n"
	"ACCEPT     icmp --  anywhere             anywhere             "
		"icmp echo-request\n"
	"           icmp --  anywhere             anywhere             "
		"icmp !type 3 codes 0-5\n"
	"ACCEPT     tcp  --  anywhere             anywhere             "
		"multiport dports ssh,http,https:450\n"
	"           udp  --  anywhere             anywhere             "
		"multiport ports  !domain,ntp\n"
	"DROP       all  --  anywhere             anywhere             "
		"source IP range 10.0.0.1-10.0.0.9 destination IP range ! "
		"1.2.3.4-1.2.3.5\n"
	"ACCEPT     all  --  anywhere             anywhere             "
		"mark match 0x5/0xff\n"
	"ACCEPT     all  --  anywhere             anywhere             /* "
		"allow web */\n"
	"           all  --  anywhere             anywhere             "
		"length !100:200 /* x */\n"
	;

static const char list_nv[] =
	"Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n"
	" pkts bytes target     prot opt in     out     source             "
		"  destination         \n"
	"    0     0 ACCEPT     6    --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            tcp dpt:80\n"
	"    0     0 DROP       6    --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            tcp spts:!1:1023 flags:0x17/0x02\n"
	"    0     0            6    --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            tcp dpts:!22:80 option=2\n"
	"    0     0 ACCEPT     17   --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            udp spt:53 dpts:1024:65535\n"
	"    0     0 ACCEPT     1    --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            icmptype 8\n"
	"    0     0            1    --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            icmp !type 3 codes 0-5\n"
	"    0     0 ACCEPT     6    --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            multiport dports 22,80,443:450\n"
	"    0     0            17   --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            multiport ports  !53,123\n"
	"    0     0 DROP       0    --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            source IP range 10.0.0.1-10.0.0.9 "
		"destination IP range ! 1.2.3.4-1.2.3.5\n"
	"    0     0 ACCEPT     0    --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            mark match 0x5/0xff\n"
	"    0     0 ACCEPT     0    --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            /* allow web */\n"
	"    0     0            0    --  *      *       0.0.0.0/0          "
		"  0.0.0.0/0            length !100:200 /* x */\n"
	;

static void test_texts(void **state)
{
	struct env *e = *state;
	const char *p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(chain); i++)
		ok(e, chain[i]);
	ok(e, "iptables-save");
	p = strstr(sbuf_str(&e->out), "-A INPUT");
	assert_non_null(p);
	assert_memory_equal(p, saved, strlen(saved));
	ok(e, "iptables -L INPUT");
	assert_string_equal(sbuf_str(&e->out), list);
	ok(e, "iptables -L INPUT -n -v");
	assert_string_equal(sbuf_str(&e->out), list_nv);
	/*
	 * The saved form of --syn deletes the rule typed with --syn (equal
	 * rule bytes); the saved "3/0" of a code range does not delete it,
	 * as in iptables ("Bad rule").
	 */
	ok(e, "iptables -D INPUT -p tcp -m tcp ! --sport 1:1023 --tcp-flags "
	      "FIN,SYN,RST,ACK SYN -j DROP");
	assert_int_equal(run(e, "iptables -D INPUT -p icmp -m icmp ! "
			     "--icmp-type 3/0"), 1);
	assert_string_equal(sbuf_str(&e->err), "iptables: Bad rule (does a "
			    "matching rule exist in that chain?).\n");
	/* Every other rule deletes by the command that added it. */
	for (i = 0; i < ARRAY_SIZE(chain); i++) {
		char line[512];

		if (strstr(chain[i], "--syn"))
			continue;
		snprintf(line, sizeof(line), "iptables -D%s",
			 chain[i] + strlen("iptables -A"));
		ok(e, line);
	}
	ok(e, "iptables -S INPUT");
	assert_string_equal(sbuf_str(&e->out), "-P INPUT ACCEPT\n");
}

static void test_errors(void **state)
{
	struct env *e = *state;

	/* Kernel checks: exit 1 and the kernel's EINVAL. */
	assert_int_equal(run(e, "iptables -A INPUT -m tcp --dport 1"), 1);
	assert_string_equal(sbuf_str(&e->err), "iptables: Invalid argument. "
			    "Run `dmesg' for more information.\n");
	assert_int_equal(run(e, "iptables -A INPUT ! -p udp -m udp --dport 1"),
			 1);
	assert_int_equal(run(e, "iptables -A INPUT -p tcp -m icmp "
			     "--icmp-type 8"), 1);
	/* Tool-side errors: exit 2 and iptables' words. */
	assert_int_equal(run(e, "iptables -A INPUT -p tcp --dport foo"), 2);
	assert_string_equal(sbuf_str(&e->err),
			    "iptables v1.8.9 (legacy): invalid port/service "
			    "`foo' specified\nTry `iptables -h' or 'iptables "
			    "--help' for more information.\n");
	assert_int_equal(run(e, "iptables -A INPUT -p icmp -m multiport "
			     "--ports 5"), 2);
	assert_string_equal(sbuf_str(&e->err),
			    "iptables v1.8.9 (legacy): multiport only works "
			    "with TCP, UDP, UDPLITE, SCTP and DCCP\nTry "
			    "`iptables -h' or 'iptables --help' for more "
			    "information.\n");
	assert_int_equal(run(e, "iptables -A INPUT -m mark"), 2);
	assert_string_equal(sbuf_str(&e->err),
			    "iptables v1.8.9 (legacy): mark: option \"--mark\" "
			    "must be specified\n\nTry `iptables -h' or "
			    "'iptables --help' for more information.\n");
	ok(e, "iptables -S INPUT");
	assert_string_equal(sbuf_str(&e->out), "-P INPUT ACCEPT\n");
}

static struct pkt pkt;

/* A packet through the filter table's INPUT hook; returns the verdict. */
static unsigned verdict(struct env *e, uint8_t proto, uint32_t src,
			uint32_t dst, const uint8_t *l4, uint16_t len,
			uint16_t frag_off, uint32_t mark)
{
	hm_pkt(&pkt, proto, src, dst, l4, len, frag_off, false);
	pkt.mark = mark;
	return hook_run(e->net, NS_PF_INET, NS_INET_LOCAL_IN, &pkt, NULL,
			NULL);
}

/* "pkts" of rule n (1-based) of INPUT, from iptables -L -v -x. */
static unsigned long pkts(struct env *e, int n)
{
	const char *p;
	int i;

	ok(e, "iptables -L INPUT -n -v -x");
	p = sbuf_str(&e->out);
	for (i = 0; i < n + 1 && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	assert_non_null(p);
	return strtoul(p, NULL, 10);
}

static void test_verdicts(void **state)
{
	struct env *e = *state;
	const uint32_t a = 0x0a000001, b = 0x01020304;
	uint8_t th[60], uh[8], ic[8] = { 8, 0, 0, 0, 0, 1, 0, 1 };
	uint16_t tn = (uint16_t)hm_tcp(th, 40000, 80, 0x02, NULL, 0);

	hm_udp(uh, 53, 5353);
	ok(e, "iptables -P INPUT DROP");
	ok(e, "iptables -A INPUT -p tcp --dport 80 -j ACCEPT");
	ok(e, "iptables -A INPUT -p udp -m multiport --sports 53,123 "
	      "-m length --length 28 -j ACCEPT");
	ok(e, "iptables -A INPUT -p icmp --icmp-type echo-request -m iprange "
	      "--src-range 10.0.0.0-10.0.0.9 -j ACCEPT");
	ok(e, "iptables -A INPUT -m mark --mark 0x5/0xff -m comment "
	      "--comment marked -j ACCEPT");
	assert_int_equal(verdict(e, 6, a, b, th, tn, 0, 0), NS_ACCEPT);
	th[3] = 81;
	assert_int_equal(verdict(e, 6, a, b, th, tn, 0, 0), NS_DROP);
	assert_int_equal(verdict(e, 6, a, b, th, tn, 0, 0x105), NS_ACCEPT);
	assert_int_equal(verdict(e, 17, a, b, uh, 8, 0, 0), NS_ACCEPT);
	assert_int_equal(verdict(e, 17, a, b, uh, 8, 2, 0), NS_DROP);
	uh[1] = 54;
	assert_int_equal(verdict(e, 17, a, b, uh, 8, 0, 0), NS_DROP);
	assert_int_equal(verdict(e, 1, a, b, ic, 8, 0, 0), NS_ACCEPT);
	assert_int_equal(verdict(e, 1, 0x0a00000a, b, ic, 8, 0, 0), NS_DROP);
	ic[0] = 0;
	assert_int_equal(verdict(e, 1, a, b, ic, 8, 0, 0), NS_DROP);
	assert_int_equal(pkts(e, 1), 1);
	assert_int_equal(pkts(e, 2), 1);
	assert_int_equal(pkts(e, 3), 1);
	assert_int_equal(pkts(e, 4), 1);
}

static void test_hotdrop(void **state)
{
	struct env *e = *state;
	uint8_t th[60], ic[8] = { 8, 0, 0, 0, 0, 1, 0, 1 };
	uint16_t tn = (uint16_t)hm_tcp(th, 40000, 80, 0x02, NULL, 0);

	/* Policy ACCEPT: only a hot-drop can drop these packets. */
	ok(e, "iptables -A INPUT -p tcp --dport 81 -j ACCEPT");
	ok(e, "iptables -A INPUT -p icmp --icmp-type any -j ACCEPT");
	ok(e, "iptables -A INPUT -j ACCEPT");
	assert_int_equal(verdict(e, 6, 1, 2, th, tn, 0, 0), NS_ACCEPT);
	/* A TCP header cut short, and an offset-1 fragment: dropped. */
	assert_int_equal(verdict(e, 6, 1, 2, th, 12, 0, 0), NS_DROP);
	assert_int_equal(verdict(e, 6, 1, 2, th, tn, 1, 0), NS_DROP);
	/* Later fragments only fail to match. */
	assert_int_equal(verdict(e, 6, 1, 2, th, tn, 2, 0), NS_ACCEPT);
	/* ICMP: the kernel wants all 8 bytes of the header. */
	assert_int_equal(verdict(e, 1, 1, 2, ic, 8, 0, 0), NS_ACCEPT);
	assert_int_equal(verdict(e, 1, 1, 2, ic, 4, 0, 0), NS_DROP);
	/* A hot-dropped packet counts for no rule. */
	assert_int_equal(pkts(e, 1), 0);
	assert_int_equal(pkts(e, 2), 1);
	assert_int_equal(pkts(e, 3), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_texts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verdicts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hotdrop, setup, teardown),
	};

	return cmocka_run_group_tests_name("match_ruleset_l4", tests, NULL,
					   NULL);
}
