// SPDX-License-Identifier: MIT
/*
 * The conntrack match and its state alias: parse -> save/print against
 * what iptables-legacy 1.8.9 prints (recorded in tests/vectors/
 * ct_matches.vec), error messages, and conntrack_mt() on packets carrying
 * hand-built connections (struct ct_conn): every state incl. INVALID,
 * UNTRACKED, SNAT and DNAT, protocol, addresses with masks, port ranges,
 * status, remaining lifetime and direction, each with '!'.
 */
#include "xt_match_harness.h"

#include <arpa/inet.h>

#include "core/net.h"
#include "ct/ct.h"

#define OK(n, o, s, p) HM_OK(n, 0, o, s, p, p)
#define FAIL(n, o, msg) HM_FAIL(n, 0, o, msg)

static void test_parse_save_print(void **state)
{
	(void)state;
	OK("state", "--state NEW,ESTABLISHED", " --state NEW,ESTABLISHED",
	   " state NEW,ESTABLISHED");
	OK("state", "! --state INVALID", " ! --state INVALID",
	   " ! state INVALID");
	OK("state", "--state UNTRACKED,related", " --state RELATED,UNTRACKED",
	   " state RELATED,UNTRACKED");
	OK("state", "--state new,est", " --state NEW,ESTABLISHED",
	   " state NEW,ESTABLISHED");
	OK("conntrack", "--ctstate ESTABLISHED,RELATED",
	   " --ctstate RELATED,ESTABLISHED", " ctstate RELATED,ESTABLISHED");
	OK("conntrack", "--ctproto tcp", " --ctproto 6", " ctproto 6");
	OK("conntrack", "! --ctproto all", " ! --ctproto 0", " ! ctproto 0");
	OK("conntrack", "--ctorigsrc 10.1.2.3/24", " --ctorigsrc 10.1.2.3/24",
	   " ctorigsrc 10.1.2.3/24");
	OK("conntrack", "--ctorigsrc 10.1.2.3/255.0.255.0",
	   " --ctorigsrc 10.1.2.3", " ctorigsrc 10.1.2.3");
	OK("conntrack", "--ctorigsrcport 100: ! --ctrepldstport :5",
	   " --ctorigsrcport 100:65535 ! --ctrepldstport 0:5",
	   " ctorigsrcport 100:65535 ! ctrepldstport 0:5");
	OK("conntrack", "--ctstatus assured,none", " --ctstatus ASSURED",
	   " ctstatus ASSURED");
	OK("conntrack", "--ctstatus NONE", " --ctstatus NONE",
	   " ctstatus NONE");
	OK("conntrack", "! --ctexpire 10:", " ! --ctexpire 10:4294967295",
	   " ! ctexpire 10:4294967295");
	OK("conntrack", "--ctdir reply", " --ctdir REPLY", " ctdir REPLY");
}

static void test_errors(void **state)
{
	(void)state;
	FAIL("state", "--state SNAT", "Bad state \"SNAT\"");
	FAIL("state", "--state ,NEW", "Bad state \",NEW\"");
	FAIL("state", "--state NEW,", "\"--state\" requires a list of states "
	     "with no spaces, e.g. ESTABLISHED,RELATED");
	FAIL("state", "", "state: option \"--state\" must be specified\n");
	FAIL("conntrack", "--ctstate NEW,", "Bad ctstate \"\"");
	FAIL("conntrack", "--ctstate FOO,NEW", "Bad ctstate \"FOO,NEW\"");
	FAIL("conntrack", "", "conntrack: At least one option is required");
	FAIL("conntrack", "--ctproto foo",
	     "unknown protocol \"foo\" specified");
	FAIL("conntrack", "! --ctstatus NONE --ctproto 0",
	     "conntrack: rule would never match protocol");
	FAIL("conntrack", "--ctorigsrc 1.2.3.4/x", "conntrack: bad value for "
	     "option \"--ctorigsrc\", neither a valid network mask nor valid "
	     "CIDR (0-32).\n");
	FAIL("conntrack", "--ctrepldstport 1:2:3", "conntrack: Too many "
	     "components for option \"--ctrepldstport\" (max: 2)\n");
	FAIL("conntrack", "--ctorigsrcport nosuchport",
	     "Port \"nosuchport\" does not resolve to anything.\n");
	FAIL("conntrack", "--ctexpire 1:x", "conntrack: bad value for option "
	     "\"--ctexpire\" near \"x\", or out of range (0-4294967295).\n");
	FAIL("conntrack", "--ctexpire 1x", "conntrack: Argument to "
	     "\"--ctexpire\" has unexpected characters near \"x\".\n");
	FAIL("conntrack", "--ctexpire 1:2:3", "conntrack: Too many components "
	     "for option \"--ctexpire\" (max: 2)\n");
	FAIL("conntrack", "--ctdir foo",
	     "conntrack: Bad value for \"--ctdir\" option: \"foo\"");
}

/* ---- data path ---- */

static struct net *net;
static struct pkt pkt;
static struct ct_conn ct;

static void tuple(struct ct_tuple *t, uint32_t s, uint32_t d, uint16_t sp,
		  uint16_t dp, uint8_t proto)
{
	memset(t, 0, sizeof(*t));
	t->src = ns_addr4(htonl(s));
	t->dst = ns_addr4(htonl(d));
	t->sport = htons(sp);
	t->dport = htons(dp);
	t->proto = proto;
}

/* A UDP connection 10.0.0.1:1000 -> 10.0.0.2:53, reply from .2. */
static void conn_init(uint32_t status, uint64_t timeout)
{
	memset(&ct, 0, sizeof(ct));
	tuple(&ct.node[CT_DIR_ORIGINAL].tuple, 0x0a000001, 0x0a000002, 1000,
	      53, 17);
	tuple(&ct.node[CT_DIR_REPLY].tuple, 0x0a000002, 0x0a000001, 53, 1000,
	      17);
	ct.node[CT_DIR_REPLY].dir = CT_DIR_REPLY;
	atomic_store(&ct.status, status);
	atomic_store(&ct.timeout, timeout);
}

/* Run name+opts on the packet with (ct or NULL, ctinfo). */
static int run(const char *name, const char *opts, struct ct_conn *c,
	       uint8_t ctinfo)
{
	struct xt_action act;
	uint8_t uh[8];
	struct hm m;
	bool r;

	if (hm_parse(&m, name, 0, opts))
		fail_msg("'%s': %s", opts, hm_err(&m));
	hm_pkt(&pkt, 17, 0x0a000001, 0x0a000002, uh,
	       (uint16_t)hm_udp(uh, 1000, 53), 0, false);
	pkt.ct = c;
	pkt.ctinfo = ctinfo;
	memset(&act, 0, sizeof(act));
	act.net = net;
	act.hook = NS_INET_LOCAL_IN;
	r = m.ops->match(&pkt, m.data, &act);
	hm_free(&m);
	pkt.ct = NULL;
	return r ? 1 : 0;
}

static void test_states(void **state)
{
	(void)state;
	conn_init(0, 0);
	assert_int_equal(run("state", "--state NEW", &ct, CT_NEW), 1);
	assert_int_equal(run("state", "--state NEW", &ct, CT_ESTABLISHED), 0);
	assert_int_equal(run("state", "--state ESTABLISHED", &ct,
			     CT_ESTABLISHED_REPLY), 1);
	assert_int_equal(run("state", "--state RELATED", &ct,
			     CT_RELATED_REPLY), 1);
	assert_int_equal(run("state", "--state INVALID", NULL, CT_NONE), 1);
	assert_int_equal(run("state", "--state NEW", NULL, CT_NONE), 0);
	assert_int_equal(run("state", "! --state NEW", NULL, CT_NONE), 1);
	assert_int_equal(run("state", "--state UNTRACKED", NULL,
			     CT_UNTRACKED), 1);
	assert_int_equal(run("state", "--state INVALID", NULL,
			     CT_UNTRACKED), 0);
	assert_int_equal(run("state", "! --state INVALID", &ct, CT_NEW), 1);
	/* Without --ctstate, a packet without connection never matches. */
	assert_int_equal(run("conntrack", "! --ctproto 6", NULL, CT_NONE), 0);
	assert_int_equal(run("conntrack", "--ctstate SNAT", &ct, CT_NEW), 0);
	conn_init(CT_S_SRC_NAT, 0);
	assert_int_equal(run("conntrack", "--ctstate SNAT", &ct, CT_NEW), 1);
	assert_int_equal(run("conntrack", "--ctstate DNAT", &ct, CT_NEW), 0);
	conn_init(CT_S_DST_NAT, 0);
	assert_int_equal(run("conntrack", "--ctstate DNAT", &ct,
			     CT_ESTABLISHED), 1);
	assert_int_equal(run("conntrack", "! --ctstate DNAT,NEW", &ct,
			     CT_ESTABLISHED), 0);
}

static void test_fields(void **state)
{
	(void)state;
	conn_init(CT_S_CONFIRMED | CT_S_SEEN_REPLY, 0);
	assert_int_equal(run("conntrack", "--ctproto udp", &ct, CT_NEW), 1);
	assert_int_equal(run("conntrack", "--ctproto tcp", &ct, CT_NEW), 0);
	assert_int_equal(run("conntrack", "! --ctproto tcp", &ct, CT_NEW), 1);
	assert_int_equal(run("conntrack", "--ctorigsrc 10.0.0.0/8", &ct,
			     CT_NEW), 1);
	assert_int_equal(run("conntrack", "--ctorigsrc 10.0.0.2", &ct,
			     CT_NEW), 0);
	assert_int_equal(run("conntrack", "--ctorigdst 10.0.0.2 --ctreplsrc "
			     "10.0.0.2 --ctrepldst 10.0.0.1", &ct, CT_NEW), 1);
	assert_int_equal(run("conntrack", "! --ctrepldst 10.0.0.1", &ct,
			     CT_NEW), 0);
	/* The address is kept unmasked; the mask applies to both. */
	assert_int_equal(run("conntrack", "--ctorigsrc 10.0.0.99/24", &ct,
			     CT_NEW), 1);
	assert_int_equal(run("conntrack", "--ctorigsrcport 1000 "
			     "--ctorigdstport 50:60 --ctreplsrcport 53 "
			     "--ctrepldstport 999:1001", &ct, CT_NEW), 1);
	assert_int_equal(run("conntrack", "--ctorigdstport 54:", &ct, CT_NEW),
			 0);
	assert_int_equal(run("conntrack", "! --ctorigdstport 54:", &ct,
			     CT_NEW), 1);
	/* A reversed range is empty. */
	assert_int_equal(run("conntrack", "--ctorigdstport 60:50", &ct,
			     CT_NEW), 0);
	assert_int_equal(run("conntrack", "--ctstatus SEEN_REPLY", &ct,
			     CT_NEW), 1);
	assert_int_equal(run("conntrack", "--ctstatus ASSURED,EXPECTED", &ct,
			     CT_NEW), 0);
	assert_int_equal(run("conntrack", "! --ctstatus ASSURED", &ct,
			     CT_NEW), 1);
	/* NONE is the empty mask: never matches, '!': always. */
	assert_int_equal(run("conntrack", "--ctstatus NONE", &ct, CT_NEW), 0);
	assert_int_equal(run("conntrack", "--ctdir ORIGINAL", &ct, CT_NEW), 1);
	assert_int_equal(run("conntrack", "--ctdir REPLY", &ct, CT_NEW), 0);
	assert_int_equal(run("conntrack", "--ctdir REPLY", &ct,
			     CT_ESTABLISHED_REPLY), 1);
}

static void test_expire(void **state)
{
	uint64_t now = 1000ull * 1000000000ull;

	(void)state;
	atomic_store(&net->now_ns, now);
	conn_init(0, now + 30ull * 1000000000ull + 500000000ull);
	assert_int_equal(run("conntrack", "--ctexpire 30", &ct, CT_NEW), 1);
	assert_int_equal(run("conntrack", "--ctexpire 31:40", &ct, CT_NEW), 0);
	assert_int_equal(run("conntrack", "! --ctexpire 31:40", &ct, CT_NEW),
			 1);
	assert_int_equal(run("conntrack", "--ctexpire :30", &ct, CT_NEW), 1);
	conn_init(0, now - 1);
	assert_int_equal(run("conntrack", "--ctexpire 0", &ct, CT_NEW), 1);
}

/* check(): the kernel's nf_ct_netns_get turns tracking on. */
static void test_check_enables(void **state)
{
	struct xt_check_ctx c = { .table = "filter", .chain = "INPUT",
				  .hook_mask = 1u << NS_INET_LOCAL_IN };
	struct hm m;

	(void)state;
	assert_null(ct_net(net));
	assert_int_equal(hm_parse(&m, "state", 0, "--state NEW"), 0);
	c.ip = &m.ip;
	c.net = net;
	assert_int_equal(m.ops->check(&c, m.data), 0);
	assert_non_null(ct_net(net));
	hm_free(&m);
}

static int setup(void **state)
{
	(void)state;
	return ns_net_create(&net);
}

static int teardown(void **state)
{
	(void)state;
	ns_net_destroy(net);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_check_enables),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
