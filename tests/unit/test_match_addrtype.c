// SPDX-License-Identifier: MIT
/* Unit tests for the addrtype match (src/xt/ext/match_addrtype.c). */
#include "xt_ext_harness.h"

#include "core/net.h"
#include "stack/conf.h"
#include "ctl/ctl.h"
#include "stack/stack.h"

#define ALL_TYPES "UNSPEC,UNICAST,LOCAL,BROADCAST,ANYCAST,MULTICAST," \
		  "BLACKHOLE,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE"

static void test_roundtrip(void **state)
{
	/* Recorded from iptables-legacy 1.8.9. */
	h_roundtrip("addrtype", "--src-type LOCAL", " --src-type LOCAL",
		    " ADDRTYPE match src-type LOCAL",
		    " ADDRTYPE match src-type LOCAL");
	h_roundtrip("addrtype", "! --src-type LOCAL,UNICAST",
		    " ! --src-type UNICAST,LOCAL",
		    " ADDRTYPE match src-type !UNICAST,LOCAL", NULL);
	h_roundtrip("addrtype", "--dst-type BROADCAST,MULTICAST,ANYCAST",
		    " --dst-type BROADCAST,ANYCAST,MULTICAST",
		    " ADDRTYPE match dst-type BROADCAST,ANYCAST,MULTICAST",
		    NULL);
	h_roundtrip("addrtype", "--src-type LOCAL --limit-iface-in",
		    " --src-type LOCAL --limit-iface-in",
		    " ADDRTYPE match src-type LOCAL limit-in", NULL);
	h_roundtrip("addrtype", "--dst-type LOCAL --limit-iface-out",
		    " --dst-type LOCAL --limit-iface-out",
		    " ADDRTYPE match dst-type LOCAL limit-out", NULL);
	h_roundtrip("addrtype", "--dst-type " ALL_TYPES,
		    " --dst-type " ALL_TYPES,
		    " ADDRTYPE match dst-type " ALL_TYPES, NULL);
	h_roundtrip("addrtype", "! --src-type LOCAL ! --dst-type LOCAL",
		    " ! --src-type LOCAL ! --dst-type LOCAL",
		    " ADDRTYPE match src-type !LOCAL dst-type !LOCAL", NULL);
	h_roundtrip("addrtype", "--src-type local", " --src-type LOCAL", NULL,
		    NULL);
	h_roundtrip("addrtype", "--src-type LOCAL,LOCAL", " --src-type LOCAL",
		    NULL, NULL);
	/* Prefixes: the first name they start. */
	h_roundtrip("addrtype", "--src-type U", " --src-type UNSPEC", NULL,
		    NULL);
	h_roundtrip("addrtype", "--src-type loc,mul",
		    " --src-type LOCAL,MULTICAST", NULL, NULL);
}

static void test_reject(void **state)
{
	h_reject("addrtype", "",
		 "addrtype: you must specify --src-type or --dst-type");
	h_reject("addrtype", "--limit-iface-in",
		 "addrtype: you must specify --src-type or --dst-type");
	h_reject("addrtype", "--src-type FOO", "addrtype: bad type \"FOO\"");
	h_reject("addrtype", "--src-type LOCALX",
		 "addrtype: bad type \"LOCALX\"");
	h_reject("addrtype", "--src-type LOCAL,", "addrtype: bad type \"\"");
	h_reject("addrtype", "--src-type ,LOCAL",
		 "addrtype: bad type `,LOCAL'");
	h_reject("addrtype", "--src-type LOCAL,,UNICAST",
		 "addrtype: bad type `,UNICAST'");
	h_reject("addrtype", "--src-type LOCAL --limit-iface-in "
		 "--limit-iface-out",
		 "addrtype: option \"--limit-iface-in\" cannot be used together with \"--limit-iface-out\".\n");
}

static void test_check(void **state)
{
	const unsigned pre = 1u << NS_INET_PRE_ROUTING,
		       in = 1u << NS_INET_LOCAL_IN,
		       fwd = 1u << NS_INET_FORWARD,
		       out = 1u << NS_INET_LOCAL_OUT,
		       post = 1u << NS_INET_POST_ROUTING;
	struct h_rule lin, lout, plain;
	char msg[256];

	assert_int_equal(h_parse(&lin, "addrtype",
				 "--src-type LOCAL --limit-iface-in"), 0);
	assert_int_equal(h_parse(&lout, "addrtype",
				 "--src-type LOCAL --limit-iface-out"), 0);
	assert_int_equal(h_parse(&plain, "addrtype", "--src-type LOCAL"), 0);

	assert_int_equal(h_check(&lin, pre | in | fwd, msg, sizeof(msg)), 0);
	assert_int_equal(h_check(&lout, fwd | out | post, msg, sizeof(msg)),
			 0);
	assert_int_equal(h_check(&plain, pre | in | fwd | out | post, msg,
				 sizeof(msg)), 0);

	assert_int_equal(h_check(&lout, in, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "xt_addrtype: output interface limitation "
			    "not valid in PREROUTING and INPUT");
	assert_int_equal(h_check(&lout, pre, msg, sizeof(msg)), -EINVAL);
	assert_int_equal(h_check(&lin, out, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "xt_addrtype: input interface limitation "
			    "not valid in POSTROUTING and OUTPUT");
	assert_int_equal(h_check(&lin, post, msg, sizeof(msg)), -EINVAL);
	/* Reachable from FORWARD and OUTPUT (a user chain): refused. */
	assert_int_equal(h_check(&lin, fwd | out, msg, sizeof(msg)), -EINVAL);
}

static bool rule_matches(struct net *net, const char *args, uint32_t saddr,
			 uint32_t daddr, const struct netdev *in,
			 const struct netdev *out)
{
	static struct pkt pkt;
	struct h_pktopt o = { .ttl = 64, .saddr = saddr, .daddr = daddr };
	struct xt_action act = { .net = net, .in = in, .out = out };
	struct h_rule r;

	if (h_parse(&r, "addrtype", args))
		fail_msg("%s: %s", args, r.err);
	h_pkt_build(&pkt, &o);
	return h_match(&r, &pkt, &act);
}

/* Addresses without a route are RTN_UNICAST for any stack. */
static void test_match_unicast(void **state)
{
	struct net *net;
	const uint32_t a = 0xc0000201, b = 0xc6336401;

	assert_int_equal(ns_net_create(&net), 0);
	assert_int_equal(stack_addr_type(net, htonl(a), NULL), RTN_UNICAST);
	assert_true(rule_matches(net, "--src-type UNICAST", a, b, NULL, NULL));
	assert_false(rule_matches(net, "! --src-type UNICAST", a, b, NULL,
				  NULL));
	assert_false(rule_matches(net, "--src-type LOCAL", a, b, NULL, NULL));
	assert_true(rule_matches(net, "--src-type LOCAL,UNICAST", a, b, NULL,
				 NULL));
	assert_true(rule_matches(net, "! --src-type LOCAL", a, b, NULL, NULL));
	assert_false(rule_matches(net, "--src-type UNICAST --dst-type LOCAL",
				  a, b, NULL, NULL));
	assert_true(rule_matches(net, "--src-type UNICAST ! --dst-type LOCAL",
				 a, b, NULL, NULL));
	assert_true(rule_matches(net, "! --src-type LOCAL ! --dst-type LOCAL",
				 a, b, NULL, NULL));
	assert_false(rule_matches(net, "--dst-type " ALL_TYPES ",LOCAL "
				  "--src-type LOCAL", a, b, NULL, NULL));
	ns_net_destroy(net);
}

/*
 * With the real stack: multicast and broadcast by address, our own address
 * LOCAL, and --limit-iface-in looking it up on the input device only.
 * Skipped while the stack is a placeholder.
 */
static void test_match_stack(void **state)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	struct netdev *eth0, *eth1;
	struct net *net;
	const uint32_t local = 0x0a010101, peer = 0x0a010102;

	assert_int_equal(ns_net_create(&net), 0);
	if (stack_addr_type(net, htonl(0xe0000005), NULL) != RTN_MULTICAST ||
	    stack_dev_create(net, "eth0", NULL, NULL, &eth0) ||
	    stack_dev_create(net, "eth1", NULL, NULL, &eth1) ||
	    ctl_exec_line(net, "ip link set eth0 up", NULL, &out, &err) ||
	    ctl_exec_line(net, "ip link set eth1 up", NULL, &out, &err) ||
	    ctl_exec_line(net, "ip addr add 10.1.1.1/24 dev eth0", NULL, &out,
			  &err)) {
		print_message("stack not available (%s): skipped\n",
			      sbuf_str(&err));
		sbuf_free(&out);
		sbuf_free(&err);
		ns_net_destroy(net);
		skip();
		return;
	}
	/* Devices live in configuration snapshots: take the current ones. */
	eth0 = net_dev_by_name(net, "eth0");
	eth1 = net_dev_by_name(net, "eth1");
	assert_true(rule_matches(net, "--dst-type MULTICAST", peer,
				 0xe0000005, NULL, NULL));
	assert_true(rule_matches(net, "--dst-type BROADCAST", peer,
				 0xffffffff, NULL, NULL));
	assert_true(rule_matches(net, "--dst-type LOCAL", peer, local, NULL,
				 NULL));
	assert_false(rule_matches(net, "--src-type LOCAL", peer, local, NULL,
				  NULL));
	assert_true(rule_matches(net, "--dst-type LOCAL --limit-iface-in",
				 peer, local, eth0, NULL));
	assert_false(rule_matches(net, "--dst-type LOCAL --limit-iface-in",
				  peer, local, eth1, NULL));
	sbuf_free(&out);
	sbuf_free(&err);
	ns_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_match_unicast),
		cmocka_unit_test(test_match_stack),
	};

	return cmocka_run_group_tests_name("match_addrtype", tests, NULL,
					   NULL);
}
