// SPDX-License-Identifier: MIT
/*
 * Tables as other modules will use them: a table registered at a different
 * priority per hook (nat: -100 before routing, +100 after), a table that
 * is registered but not hooked because its owner runs it (NAT runs the nat
 * table for the first packet of a connection only), and xt_table_run()
 * from a hook function of the test's own. The nat definition is the one
 * netsieve ships (xt_table_defs), made available in this namespace only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <netsieve/netsieve.h>

#include "core/hook.h"
#include "core/net.h"
#include "pkt/csum.h"
#include "pkt/parse.h"
#include "xt/xt.h"
#include "xt/xt_int.h"

#include "cmd_env.h"

static struct netdev eth0 = { .ifindex = 1, .name = "eth0" };

/* The shipped definitions with nat available; owned or not. */
static struct xt_table_def defs[XT_TABLE_MAX];

static void use_nat(struct env *e, bool owned)
{
	struct xt_err err = { 0 };
	struct xt_gen *g;

	memcpy(defs, xt_table_defs, sizeof(defs));
	/*
	 * Renamed: iptables refuses DROP in a table called "nat", and these
	 * tests want a verdict to see.
	 */
	defs[XT_TABLE_NAT].name = "xnat";
	if (!owned)
		defs[XT_TABLE_NAT].flags &= ~XT_TABLE_F_OWNED;
	e->net->xt->defs = defs;
	/* The first generation was built without nat: publish one with. */
	g = xt_gen_clone(e->net->xt);
	assert_non_null(g);
	assert_int_equal(xt_gen_commit(e->net->xt, g, &err), 0);
	assert_non_null(e->net->xt->cur->t[XT_TABLE_NAT]);
}

/* A TCP packet from src to 10.9.9.9:dport, as the stack hands it on. */
static struct pkt *mkpkt(struct env *e, const char *src, uint16_t dport)
{
	struct pkt *p = pkt_alloc(&e->net->inject.pool);
	uint8_t *h;

	assert_non_null(p);
	h = p->data;
	memset(h, 0, 40);
	h[0] = 0x45;
	h[3] = 40;
	h[8] = 64;
	h[9] = 6;
	inet_pton(AF_INET, src, h + 12);
	inet_pton(AF_INET, "10.9.9.9", h + 16);
	h[20] = 0x30;
	h[22] = (uint8_t)(dport >> 8);
	h[23] = (uint8_t)dport;
	h[32] = 0x50;
	h[33] = 0x02;   /* a SYN: tracking makes it a new connection */
	{
		uint32_t sa, da;
		uint16_t c;

		memcpy(&sa, h + 12, 4);
		memcpy(&da, h + 16, 4);
		c = csum_fold(csum_tcpudp_nofold(sa, da, 20, 6,
						 csum_partial(h + 20, 20, 0)));
		memcpy(h + 36, &c, 2);
		c = ip_fast_csum(h, 5);
		memcpy(h + 10, &c, 2);
	}
	p->len = 40;
	p->l3_off = 0;
	p->l4_off = 20;
	p->l4_len = 20;
	p->family = NS_PF_INET;
	pkt_set_desc(p);
	p->ethertype = 0x0800;
	p->l4_proto = 6;
	return p;
}

/* Priorities of the xt hook functions at (inet, hook), in order. */
static int xt_prios(struct env *e, int hook, int *prios, int max)
{
	const struct hook_entries *h = e->net->hooks[0][hook];
	int n = 0;
	unsigned i;

	for (i = 0; h && i < h->num && n < max; i++)
		if (e->net->xt->nhooks &&
		    h->ops[i].hook == e->net->xt->hooks[0].hook)
			prios[n++] = h->ops[i].priority;
	return n;
}

static unsigned run_hook(struct env *e, int hook, const char *src,
			 uint16_t dport)
{
	struct pkt *p = mkpkt(e, src, dport);
	const struct netdev *in = hook == NS_INET_PRE_ROUTING ||
				  hook == NS_INET_LOCAL_IN ? &eth0 : NULL;
	const struct netdev *out = in ? NULL : &eth0;
	unsigned v;

	v = hook_run(e->net, NS_PF_INET, hook, p, in, out);
	if (v != NS_STOLEN)
		pkt_free(p);
	return v;
}

/* The packet count of rule n (1-based) of chain in table, via -S -v. */
static unsigned long long rule_pcnt(struct env *e, const char *table,
				    const char *chain, unsigned n)
{
	char cmd[128];
	const char *c;

	snprintf(cmd, sizeof(cmd), "iptables -t %s -S %s %u -v", table, chain,
		 n);
	ok(e, cmd);
	c = strstr(sbuf_str(&e->out), " -c ");
	assert_non_null(c);
	return strtoull(c + 4, NULL, 10);
}

static void test_shipped_nat_definition(void **state)
{
	const struct xt_table_def *nat = &xt_table_defs[XT_TABLE_NAT];

	(void)state;
	assert_string_equal(nat->name, "nat");
	assert_int_equal(nat->prio[NS_INET_PRE_ROUTING], NS_IP_PRI_NAT_DST);
	assert_int_equal(nat->prio[NS_INET_LOCAL_OUT], NS_IP_PRI_NAT_DST);
	assert_int_equal(nat->prio[NS_INET_LOCAL_IN], NS_IP_PRI_NAT_SRC);
	assert_int_equal(nat->prio[NS_INET_POST_ROUTING], NS_IP_PRI_NAT_SRC);
	assert_true(nat->flags & XT_TABLE_F_OWNED);
	assert_false(nat->hooks & (1u << NS_INET_FORWARD));
	/* src/nat runs it. */
	assert_true(nat->available);
}

/* A hooked table registers each hook at that hook's own priority. */
static void test_priority_per_hook(void **state)
{
	struct env *e = *state;
	int prios[8];

	use_nat(e, false);
	ok(e, "iptables -t filter -L");
	ok(e, "iptables -t xnat -L");
	assert_int_equal(xt_prios(e, NS_INET_PRE_ROUTING, prios, 8), 1);
	assert_int_equal(prios[0], -100);
	assert_int_equal(xt_prios(e, NS_INET_LOCAL_OUT, prios, 8), 2);
	assert_int_equal(prios[0], -100);
	assert_int_equal(prios[1], 0);
	assert_int_equal(xt_prios(e, NS_INET_LOCAL_IN, prios, 8), 2);
	assert_int_equal(prios[0], 0);
	assert_int_equal(prios[1], 100);
	assert_int_equal(xt_prios(e, NS_INET_POST_ROUTING, prios, 8), 1);
	assert_int_equal(prios[0], 100);
	assert_int_equal(xt_prios(e, NS_INET_FORWARD, prios, 8), 1);
	/* Hooked: the nat rules run at their hooks without an owner. */
	ok(e, "iptables -t xnat -A PREROUTING -p tcp --dport 22 -j DROP");
	ok(e, "iptables -t xnat -A POSTROUTING -j DROP");
	assert_int_equal(run_hook(e, NS_INET_PRE_ROUTING, "10.0.0.1", 22),
			 NS_DROP);
	assert_int_equal(run_hook(e, NS_INET_PRE_ROUTING, "10.0.0.1", 80),
			 NS_ACCEPT);
	assert_int_equal(run_hook(e, NS_INET_POST_ROUTING, "10.0.0.1", 80),
			 NS_DROP);
	assert_int_equal(run_hook(e, NS_INET_LOCAL_OUT, "10.0.0.1", 22),
			 NS_ACCEPT);
}

/*
 * The owned nat table is run by NAT (src/nat), registered through
 * nat_register_fn() when the table is first used: for every packet of a
 * new connection (these never get confirmed: they stop at PREROUTING),
 * and no xt hook function of its own.
 */
static void test_owned_table(void **state)
{
	struct env *e = *state;
	int prios[8];

	use_nat(e, true);
	/* Before the table's first use nothing runs it. */
	assert_int_equal(run_hook(e, NS_INET_PRE_ROUTING, "10.0.0.7", 22),
			 NS_ACCEPT);
	assert_null(atomic_load(&e->net->nat));
	ok(e, "iptables -t xnat -A PREROUTING -p tcp --dport 22 -j DROP");
	ok(e, "iptables -t xnat -A PREROUTING -s 10.0.0.2 -j DROP");
	assert_non_null(atomic_load(&e->net->nat));
	/* Registered (listed, saved) but not hooked by xt. */
	assert_int_equal(e->net->xt->nhooks, 0);
	assert_int_equal(xt_prios(e, NS_INET_PRE_ROUTING, prios, 8), 0);
	ok(e, "iptables-save");
	assert_non_null(strstr(sbuf_str(&e->out), "*nat\n"));
	assert_non_null(strstr(sbuf_str(&e->out),
			       "-A PREROUTING -s 10.0.0.2/32 -j DROP\n"));
	/* NAT runs the table for each new connection. */
	assert_int_equal(run_hook(e, NS_INET_PRE_ROUTING, "10.0.0.1", 22),
			 NS_DROP);
	assert_int_equal(run_hook(e, NS_INET_PRE_ROUTING, "10.0.0.1", 22),
			 NS_DROP);
	assert_int_equal(run_hook(e, NS_INET_PRE_ROUTING, "10.0.0.2", 80),
			 NS_DROP);
	assert_int_equal(run_hook(e, NS_INET_PRE_ROUTING, "10.0.0.3", 80),
			 NS_ACCEPT);
	assert_int_equal(rule_pcnt(e, "xnat", "PREROUTING", 1), 2);
	assert_int_equal(rule_pcnt(e, "xnat", "PREROUTING", 2), 1);
	ok(e, "iptables -t xnat -S PREROUTING -v");
	assert_non_null(strstr(sbuf_str(&e->out),
			       "-P PREROUTING ACCEPT -c 1 "));
	/* An untracked packet (no conntrack at POSTROUTING) is not NATed. */
	ok(e, "iptables -t xnat -A POSTROUTING -j DROP");
	assert_int_equal(run_hook(e, NS_INET_POST_ROUTING, "10.0.0.9", 1),
			 NS_ACCEPT);
	assert_int_equal(rule_pcnt(e, "xnat", "POSTROUTING", 1), 0);
}

/* Any hook function may run a table: here filter from FORWARD at -50. */
static unsigned int runner_fn(void *priv, struct pkt *pkt,
			      const struct ns_hook_state *st)
{
	int *table = priv;

	return xt_table_run(st->net, *table, NS_INET_LOCAL_IN, pkt, st->in,
			    NULL);
}

static void test_run_from_hook(void **state)
{
	struct env *e = *state;
	int table = XT_TABLE_SECURITY;
	struct ns_hook_ops ops = {
		.hook = runner_fn, .priv = &table, .pf = NS_PF_INET,
		.hooknum = NS_INET_PRE_ROUTING, .priority = -50,
	};

	assert_int_equal(ns_hook_register(e->net, &ops), 0);
	/* security is not loaded yet: nothing runs, nothing counts. */
	assert_int_equal(run_hook(e, NS_INET_PRE_ROUTING, "10.0.0.1", 22),
			 NS_ACCEPT);
	ok(e, "iptables -t security -P INPUT DROP");
	ok(e, "iptables -t security -A INPUT -s 10.0.0.5 -j ACCEPT");
	assert_int_equal(run_hook(e, NS_INET_PRE_ROUTING, "10.0.0.1", 22),
			 NS_DROP);
	assert_int_equal(run_hook(e, NS_INET_PRE_ROUTING, "10.0.0.5", 22),
			 NS_ACCEPT);
	assert_int_equal(rule_pcnt(e, "security", "INPUT", 1), 1);
	ok(e, "iptables -t security -S INPUT -v");
	assert_non_null(strstr(sbuf_str(&e->out), "-P INPUT DROP -c 1 40"));
	/* Out-of-range arguments are answered, not crashed on. */
	{
		struct pkt *p = mkpkt(e, "10.0.0.1", 1);

		assert_int_equal(xt_table_run(e->net, XT_TABLE_MAX,
					      NS_INET_LOCAL_IN, p, NULL, NULL),
				 NS_ACCEPT);
		assert_int_equal(xt_table_run(e->net, XT_TABLE_SECURITY,
					      NS_INET_NUMHOOKS, p, NULL, NULL),
				 NS_ACCEPT);
		/* A hook the table has no chain at. */
		assert_int_equal(xt_table_run(e->net, XT_TABLE_SECURITY,
					      NS_INET_PRE_ROUTING, p, NULL,
					      NULL), NS_ACCEPT);
		pkt_free(p);
	}
	assert_int_equal(ns_hook_unregister(e->net, &ops), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_nat_definition),
		cmocka_unit_test_setup_teardown(test_priority_per_hook, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_owned_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_from_hook, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
