// SPDX-License-Identifier: MIT
/*
 * The compiled classifier (xt/cls.h) against the linear scan. Random
 * rulesets - prefixes of every length, protocols, exact ports and port
 * ranges (small and wide, inverted or not), interfaces exact, with '+' and
 * negated, negated addresses and protocols, fragments, tcp flags and
 * options (hotdrop), multiport, length, mark, comment before the port
 * match, limit and statistic nth/random (side effects: barriers), user
 * chains reached by jumps and gotos, RETURN, LOG and MARK as non-terminal
 * targets - are loaded into two nets, one built with a classifier on every
 * chain and one with the linear scan only. Random packets (hits, near
 * misses, fragments, short headers) go through FORWARD of both: the
 * verdicts, the trace steps, the LOG lines and every rule's counter must be
 * equal, and xt_chain_next_match() from every position of every chain must
 * return the same rule. Seeded: a failure names the seed and prints the
 * ruleset.
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

#include "core/net.h"
#include "ctl/ctl.h"
#include "pkt/parse.h"
#include "xt/ext/statistic.h"
#include "xt/xt_int.h"

#define NRULESETS 120
#define NPACKETS 60
#define NCHAINS 5               /* FORWARD, c1..c4 */
#define MAXEV 256

static uint64_t rng;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *const chain_names[NCHAINS] = {
	"FORWARD", "c1", "c2", "c3", "c4",
};
/* Addresses rules and packets share, so prefixes hit and nearly miss. */
static const uint32_t addrs[] = {
	0x0a010203, 0x0a010209, 0x0a01ff01, 0x0a020304, 0xc0a80007,
	0xc0a800ff, 0xac100001, 0x08080808,
};
static const char *const ifnames[] = {
	"eth0", "eth1", "eth+", "ppp0", "e+", "lo",
};
static struct netdev devs[] = {
	{ .ifindex = 1, .name = "eth0" },
	{ .ifindex = 2, .name = "eth1" },
	{ .ifindex = 3, .name = "ppp0" },
};
static const uint16_t ports[] = { 22, 23, 53, 80, 443, 1024, 8080, 65535 };

struct net_side {
	struct net *net;
	struct sbuf out, err, log;
	int nev;
	char ev[MAXEV][80];
};

static struct net_side sides[2];   /* 0: classifier, 1: linear */

static void on_log(void *priv, int level, const char *line)
{
	struct net_side *s = priv;

	(void)level;
	sbuf_addf(&s->log, "%s\n", line);
}

static void on_event(void *priv, const struct pkt *pkt,
		     const struct trace_event *ev)
{
	struct net_side *s = priv;

	(void)pkt;
	if (ev->kind > TRACE_POLICY || s->nev >= MAXEV)
		return;
	snprintf(s->ev[s->nev++], sizeof(s->ev[0]), "%d %s:%u %u %s",
		 (int)ev->kind, ev->chain, ev->rulenum, ev->verdict,
		 ev->text ? ev->text : "");
}

static int setup(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct net_side *s = &sides[i];

		memset(s, 0, sizeof(*s));
		assert_int_equal(ns_net_create(&s->net), 0);
		ns_net_set_seed(s->net, 42);
		sbuf_init(&s->out);
		sbuf_init(&s->err);
		sbuf_init(&s->log);
		s->net->log.write = on_log;
		s->net->log.priv = s;
		s->net->trace.event = on_event;
		s->net->trace.priv = s;
		s->net->trace.all = true;
	}
	return 0;
}

static int teardown(void **state)
{
	int i;

	(void)state;
	xt_cls_set_min_rules(XT_CLS_MIN_RULES);
	for (i = 0; i < 2; i++) {
		sbuf_free(&sides[i].out);
		sbuf_free(&sides[i].err);
		sbuf_free(&sides[i].log);
		ns_net_destroy(sides[i].net);
	}
	return 0;
}

static void addr_text(struct sbuf *sb, const char *opt)
{
	static const unsigned lens[] = { 0, 1, 8, 12, 16, 20, 24, 28, 31,
					 32 };
	uint32_t a = addrs[rnd(ARRAY_SIZE(addrs))];
	unsigned len = lens[rnd(ARRAY_SIZE(lens))];

	if (!rnd(3))
		sbuf_adds(sb, " !");
	sbuf_addf(sb, " %s %u.%u.%u.%u/%u", opt, a >> 24, (a >> 16) & 255,
		  (a >> 8) & 255, a & 255, len);
}

static void port_text(struct sbuf *sb, const char *opt)
{
	uint16_t lo = ports[rnd(ARRAY_SIZE(ports))], hi;

	if (!rnd(4))
		sbuf_adds(sb, " !");
	switch (rnd(4)) {
	case 0:
		hi = (uint16_t)(lo + rnd(6));     /* a small range */
		break;
	case 1:
		hi = ports[rnd(ARRAY_SIZE(ports))];  /* maybe a wide one */
		if (hi < lo) {
			uint16_t t = hi;

			hi = lo;
			lo = t;
		}
		break;
	default:
		hi = lo;
	}
	if (hi < lo)
		hi = lo;
	if (hi == lo)
		sbuf_addf(sb, " %s %u", opt, lo);
	else
		sbuf_addf(sb, " %s %u:%u", opt, lo, hi);
}

/* One rule of chain c (user chains jump only to later ones: no loops). */
static void rule_text(struct sbuf *sb, int c)
{
	static const char *const protos[] = { "tcp", "udp", "icmp" };
	int proto = rnd(4) ? (int)rnd(3) : -1;
	bool pinv = proto >= 0 && !rnd(8);
	bool frag = false;

	sbuf_addf(sb, "-A %s", chain_names[c]);
	if (rnd(2))
		addr_text(sb, "-s");
	if (rnd(3))
		addr_text(sb, "-d");
	if (!rnd(3))
		sbuf_addf(sb, "%s -i %s", rnd(4) ? "" : " !",
			  ifnames[rnd(ARRAY_SIZE(ifnames))]);
	if (!rnd(4))
		sbuf_addf(sb, "%s -o %s", rnd(4) ? "" : " !",
			  ifnames[rnd(ARRAY_SIZE(ifnames))]);
	if (proto >= 0)
		sbuf_addf(sb, "%s -p %s", pinv ? " !" : "", protos[proto]);
	if (!rnd(12)) {
		frag = true;
		sbuf_adds(sb, rnd(2) ? " -f" : " ! -f");
	}
	if (!rnd(10))
		sbuf_adds(sb, " -m comment --comment x");
	if (proto == 0 && !pinv && !frag && rnd(4)) {
		sbuf_adds(sb, " -m tcp");
		if (rnd(2))
			port_text(sb, "--sport");
		if (rnd(4))
			port_text(sb, "--dport");
		if (!rnd(6))
			sbuf_adds(sb, " --tcp-flags SYN,ACK SYN");
		if (!rnd(8))
			sbuf_adds(sb, " --tcp-option 2");
	} else if (proto == 1 && !pinv && !frag && rnd(4)) {
		sbuf_adds(sb, " -m udp");
		if (rnd(2))
			port_text(sb, "--sport");
		if (rnd(4))
			port_text(sb, "--dport");
	} else if (proto == 2 && !pinv && !rnd(3)) {
		sbuf_adds(sb, " -m icmp --icmp-type 8");
	}
	if (proto >= 0 && proto < 2 && !pinv && !rnd(8))
		sbuf_addf(sb, " -m multiport --dports %u,%u",
			  ports[rnd(ARRAY_SIZE(ports))],
			  ports[rnd(ARRAY_SIZE(ports))]);
	if (!rnd(12))
		sbuf_addf(sb, " -m length --length %u:%u", 20 + rnd(20),
			  40 + rnd(20));
	if (!rnd(10))
		sbuf_addf(sb, " -m mark --mark %u", rnd(3));
	switch (rnd(16)) {
	case 0:
		sbuf_adds(sb, " -m limit --limit 3/min --limit-burst 2");
		break;
	case 1:
		sbuf_addf(sb, " -m statistic --mode nth --every %u "
			  "--packet 1", 2 + rnd(3));
		break;
	case 2:
		sbuf_adds(sb, " -m statistic --mode random "
			  "--probability 0.5");
		break;
	}
	switch (rnd(14)) {
	case 0:
	case 1:
		sbuf_adds(sb, " -j ACCEPT");
		break;
	case 2:
	case 3:
		sbuf_adds(sb, " -j DROP");
		break;
	case 4:
		if (c > 0)
			sbuf_adds(sb, " -j RETURN");
		break;
	case 5:
	case 6:
	case 7:
		if (c + 1 < NCHAINS)
			sbuf_addf(sb, " -j %s",
				  chain_names[c + 1 + (int)rnd(NCHAINS - 1 -
							       (unsigned)c)]);
		break;
	case 8:
		if (c + 1 < NCHAINS)
			sbuf_addf(sb, " -g %s",
				  chain_names[c + 1 + (int)rnd(NCHAINS - 1 -
							       (unsigned)c)]);
		break;
	case 9:
		sbuf_adds(sb, " -j LOG --log-prefix L");
		break;
	case 10:
		sbuf_addf(sb, " -j MARK --set-mark %u", rnd(3));
		break;
	default:
		break;      /* no target: count and go on */
	}
	sbuf_adds(sb, "\n");
}

static void ruleset_text(struct sbuf *sb)
{
	int c, i, n;

	sbuf_reset(sb);
	sbuf_addf(sb, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD %s [0:0]\n"
		  ":OUTPUT ACCEPT [0:0]\n", rnd(2) ? "ACCEPT" : "DROP");
	for (c = 1; c < NCHAINS; c++)
		sbuf_addf(sb, ":%s - [0:0]\n", chain_names[c]);
	for (c = 0; c < NCHAINS; c++) {
		n = c == 0 ? 10 + (int)rnd(40) : (int)rnd(20);
		for (i = 0; i < n; i++)
			rule_text(sb, c);
	}
	sbuf_adds(sb, "COMMIT\n");
}

struct tpkt {
	uint32_t src, dst;
	uint8_t proto;
	uint16_t sport, dport;
	uint16_t frag;
	uint8_t flags, doff;
	bool short_l4;
	int in, out;            /* index in devs, -1: none */
	uint32_t mark;
};

static uint32_t pick_addr(void)
{
	uint32_t a = addrs[rnd(ARRAY_SIZE(addrs))];

	switch (rnd(4)) {
	case 0:
		return a ^ (1u << rnd(32));      /* a near miss */
	case 1:
		return (uint32_t)rng;
	default:
		return a;
	}
}

static void gen_pkt(struct tpkt *p)
{
	static const uint8_t protos[] = { 6, 17, 1, 47 };

	memset(p, 0, sizeof(*p));
	p->src = pick_addr();
	p->dst = pick_addr();
	p->proto = protos[rnd(4)];
	p->sport = rnd(3) ? ports[rnd(ARRAY_SIZE(ports))] :
			    (uint16_t)(ports[rnd(ARRAY_SIZE(ports))] + rnd(8));
	p->dport = rnd(3) ? ports[rnd(ARRAY_SIZE(ports))] :
			    (uint16_t)(ports[rnd(ARRAY_SIZE(ports))] + rnd(8));
	p->frag = rnd(10) ? 0 : (uint16_t)(1 + rnd(3));
	p->flags = rnd(2) ? 0x02 : 0x12;
	p->doff = rnd(10) ? (rnd(3) ? 5 : 6) : 4;
	p->short_l4 = !rnd(15);
	p->in = (int)rnd(4) - 1;
	p->out = (int)rnd(4) - 1;
	p->mark = rnd(3);
}

static struct pkt *mkpkt(struct net *net, const struct tpkt *s)
{
	struct pkt *p = pkt_alloc(&net->inject.pool);
	uint16_t l4 = s->proto == 6 ? 24 : 8, tot;
	uint32_t a;
	uint8_t *h;

	assert_non_null(p);
	if (s->short_l4)
		l4 = 4;
	tot = (uint16_t)(20 + l4);
	h = p->data;
	memset(h, 0, tot);
	h[0] = 0x45;
	h[3] = (uint8_t)tot;
	h[6] = (uint8_t)(s->frag >> 8);
	h[7] = (uint8_t)s->frag;
	h[8] = 64;
	h[9] = s->proto;
	a = htonl(s->src);
	memcpy(h + 12, &a, 4);
	a = htonl(s->dst);
	memcpy(h + 16, &a, 4);
	h[20] = (uint8_t)(s->sport >> 8);
	h[21] = (uint8_t)s->sport;
	h[22] = (uint8_t)(s->dport >> 8);
	h[23] = (uint8_t)s->dport;
	if (s->proto == 6 && l4 >= 20) {
		h[32] = (uint8_t)(s->doff << 4);
		h[33] = s->flags;
		h[40] = 2;      /* MSS option */
		h[41] = 4;
	}
	if (s->proto == 1)
		h[20] = 8;
	p->len = tot;
	p->l3_off = 0;
	p->l4_off = s->frag ? 0 : 20;
	p->l4_len = s->frag ? 0 : l4;
	p->family = NS_PF_INET;
	pkt_set_desc(p);
	p->ethertype = 0x0800;
	p->l4_proto = s->proto;
	p->frag_off = s->frag;
	p->is_frag = s->frag != 0;
	p->mark = s->mark;
	return p;
}

static void fail_ruleset(unsigned rs, const char *what, const struct sbuf *text)
{
	/* cmocka cuts long messages: the ruleset goes to stderr whole. */
	fprintf(stderr, "%s", sbuf_str(text));
	fail_msg("seed %u, ruleset %u: %s", (unsigned)(rng >> 32), rs, what);
}

/* One packet through FORWARD of both nets. */
static void check_packet(const struct tpkt *tp, unsigned rs,
			 const struct sbuf *text, unsigned *hotdrops)
{
	uint64_t seed = rng;
	unsigned v[2];
	int i, k;

	for (i = 0; i < 2; i++) {
		struct net_side *s = &sides[i];
		struct pkt *p = mkpkt(s->net, tp);

		/* statistic's random source is the thread's, not the net's:
		 * both sides draw the same numbers. */
		xt_statistic_seed(seed);

		s->nev = 0;
		sbuf_reset(&s->log);
		v[i] = xt_do_table(s->net, s->net->xt->cur,
				   s->net->xt->cur->t[XT_TABLE_FILTER],
				   NS_INET_FORWARD, p,
				   tp->in >= 0 ? &devs[tp->in] : NULL,
				   tp->out >= 0 ? &devs[tp->out] : NULL);
		pkt_free(p);
	}
	if (v[0] != v[1]) {
		char why[128];

		snprintf(why, sizeof(why), "verdict %u, linear %u (packet "
			 "%08x>%08x p%u %u>%u frag %u)", v[0], v[1], tp->src,
			 tp->dst, tp->proto, tp->sport, tp->dport, tp->frag);
		fail_ruleset(rs, why, text);
	}
	for (k = 0; k < sides[0].nev || k < sides[1].nev; k++) {
		if (sides[0].nev != sides[1].nev ||
		    strcmp(sides[0].ev[k], sides[1].ev[k])) {
			struct sbuf why = SBUF_INIT;

			sbuf_addf(&why, "traces differ (packet %08x>%08x p%u "
				  "%u>%u frag %u in %d out %d mark %u "
				  "short %d doff %u)\nclassifier:",
				  tp->src, tp->dst, tp->proto, tp->sport,
				  tp->dport, tp->frag, tp->in, tp->out,
				  tp->mark, tp->short_l4, tp->doff);
			for (i = 0; i < sides[0].nev; i++)
				sbuf_addf(&why, " [%s]", sides[0].ev[i]);
			sbuf_adds(&why, "\nlinear:    ");
			for (i = 0; i < sides[1].nev; i++)
				sbuf_addf(&why, " [%s]", sides[1].ev[i]);
			fail_ruleset(rs, sbuf_str(&why), text);
		}
		*hotdrops += strstr(sides[0].ev[k], "hotdrop") != NULL;
	}
	if (strcmp(sbuf_str(&sides[0].log), sbuf_str(&sides[1].log)))
		fail_ruleset(rs, "LOG lines differ", text);
}

/* xt_chain_next_match() from every position of every chain. */
static void check_positions(const struct tpkt *tp, unsigned rs,
			    const struct sbuf *text)
{
	const struct xt_chain *xc[2];
	struct pkt *p[2];
	int c, i;
	unsigned pos;

	for (i = 0; i < 2; i++)
		p[i] = mkpkt(sides[i].net, tp);
	for (c = 0; c < NCHAINS; c++) {
		for (i = 0; i < 2; i++)
			xc[i] = xt_chain_find(
				sides[i].net->xt->cur->t[XT_TABLE_FILTER],
				chain_names[c]);
		assert_true(xc[1]->cls == NULL);
		assert_true(xc[0]->cls != NULL || xc[0]->nrules == 0);
		for (pos = 0; pos <= xc[0]->nrules; pos++) {
			unsigned got[2];
			bool dropped[2];

			for (i = 0; i < 2; i++) {
				struct xt_walk w = {
					.pkt = p[i],
					.act = {
						.net = sides[i].net,
						.in = tp->in >= 0 ?
						      &devs[tp->in] : NULL,
						.out = tp->out >= 0 ?
						       &devs[tp->out] : NULL,
						.hook = NS_INET_FORWARD,
						.table = "filter",
					},
				};

				xt_statistic_seed(pos);
				w.iph = pkt_l3(p[i]);
				w.len = pkt_l3_len(p[i]);
				w.isfrag = p[i]->frag_off != 0;
				got[i] = xt_chain_next_match(
					sides[i].net->xt->cur, xc[i], pos, &w);
				dropped[i] = w.dropped;
			}
			if (got[0] != got[1] || dropped[0] != dropped[1]) {
				char why[96];

				snprintf(why, sizeof(why), "%s from %u: rule "
					 "%u%s, linear %u%s", chain_names[c],
					 pos, got[0], dropped[0] ? " hotdrop" :
					 "", got[1], dropped[1] ? " hotdrop" :
					 "");
				fail_ruleset(rs, why, text);
			}
		}
	}
	for (i = 0; i < 2; i++)
		pkt_free(p[i]);
}

static void check_counters(unsigned rs, const struct sbuf *text)
{
	int c;
	unsigned j;

	for (c = 0; c < NCHAINS; c++) {
		const struct xt_gen *g[2];
		const struct xt_chain *xc[2];
		int i;

		for (i = 0; i < 2; i++) {
			g[i] = sides[i].net->xt->cur;
			xc[i] = xt_chain_find(g[i]->t[XT_TABLE_FILTER],
					      chain_names[c]);
		}
		for (j = 0; j < xc[0]->nrules; j++) {
			struct xt_cnt a = xt_rule_cnt(g[0], xc[0]->rules[j]);
			struct xt_cnt b = xt_rule_cnt(g[1], xc[1]->rules[j]);

			if (a.pcnt != b.pcnt || a.bcnt != b.bcnt) {
				char why[64];

				snprintf(why, sizeof(why), "%s rule %u counted "
					 "%llu, linear %llu", chain_names[c],
					 j + 1, (unsigned long long)a.pcnt,
					 (unsigned long long)b.pcnt);
				fail_ruleset(rs, why, text);
			}
		}
		if (xt_policy_cnt(g[0], xc[0]).pcnt !=
		    xt_policy_cnt(g[1], xc[1]).pcnt)
			fail_ruleset(rs, "policy counters differ", text);
	}
}

static void load(unsigned rs, const struct sbuf *text)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct net_side *s = &sides[i];

		/* 0: a classifier on every chain; 1: the linear scan. */
		xt_cls_set_min_rules(i == 0 ? 1 : -1);
		sbuf_reset(&s->out);
		sbuf_reset(&s->err);
		if (ctl_exec_line(s->net, "iptables-restore", sbuf_str(text),
				  &s->out, &s->err))
			fail_ruleset(rs, sbuf_str(&s->err), text);
	}
	xt_cls_set_min_rules(XT_CLS_MIN_RULES);
}

/* One iptables command on both nets (the classifier side keeps one on
 * every chain). */
static void apply_both(unsigned rs, const char *cmd, struct sbuf *text)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct net_side *s = &sides[i];

		xt_cls_set_min_rules(i == 0 ? 1 : -1);
		sbuf_reset(&s->out);
		sbuf_reset(&s->err);
		if (ctl_exec_line(s->net, cmd, NULL, &s->out, &s->err))
			fail_ruleset(rs, sbuf_str(&s->err), text);
	}
	xt_cls_set_min_rules(XT_CLS_MIN_RULES);
	sbuf_addf(text, "# then: %s\n", cmd);
}

/*
 * A random single change, as incremental builds see them: -A, -I, -D or
 * -R near the end of a chain (or anywhere).
 */
static void random_edit(unsigned rs, struct sbuf *text)
{
	struct sbuf rule = SBUF_INIT, cmd = SBUF_INIT;
	const struct xt_chain *xc;
	int c = rnd(3) ? 0 : 1 + (int)rnd(NCHAINS - 1);
	unsigned n, pos;
	const char *args;

	xc = xt_chain_find(sides[0].net->xt->cur->t[XT_TABLE_FILTER],
			   chain_names[c]);
	n = xc->nrules;
	pos = n && rnd(4) ? n - 1 - rnd(n < 4 ? n : 4) : (n ? rnd(n) : 0);
	rule_text(&rule, c);
	/* "-A CHAIN rest\n": keep "rest". */
	args = sbuf_str(&rule) + 3 + strlen(chain_names[c]);
	rule.s[rule.len - 1] = '\0';
	switch (n ? rnd(4) : 0) {
	case 0:
		sbuf_addf(&cmd, "iptables -A %s%s", chain_names[c], args);
		break;
	case 1:
		sbuf_addf(&cmd, "iptables -I %s %u%s", chain_names[c],
			  pos + 1, args);
		break;
	case 2:
		sbuf_addf(&cmd, "iptables -D %s %u", chain_names[c], pos + 1);
		break;
	default:
		sbuf_addf(&cmd, "iptables -R %s %u%s", chain_names[c],
			  pos + 1, args);
		break;
	}
	apply_both(rs, sbuf_str(&cmd), text);
	sbuf_free(&rule);
	sbuf_free(&cmd);
}

static void test_classifier_vs_linear(void **state)
{
	struct sbuf text = SBUF_INIT;
	unsigned rs, pi, hotdrops = 0, candidates = 0, derived = 0, ed;

	(void)state;
	rng = 0x2545f4914f6cdd1dull;
	for (rs = 0; rs < NRULESETS; rs++) {
		const struct xt_chain *fw;

		ruleset_text(&text);
		load(rs, &text);
		fw = xt_chain_find(sides[0].net->xt->cur->t[XT_TABLE_FILTER],
				   "FORWARD");
		assert_non_null(fw->cls);
		candidates += fw->cls->ntuples;
		for (pi = 0; pi < NPACKETS; pi++) {
			struct tpkt tp;

			gen_pkt(&tp);
			check_packet(&tp, rs, &text, &hotdrops);
			if (pi % 4 == 0)
				check_positions(&tp, rs, &text);
		}
		check_counters(rs, &text);
		/* Single changes: incremental classifiers. */
		for (ed = 0; ed < 4; ed++) {
			random_edit(rs, &text);
			fw = xt_chain_find(
				sides[0].net->xt->cur->t[XT_TABLE_FILTER],
				"FORWARD");
			derived += fw->cls && fw->cls->nextra > 0;
			for (pi = 0; pi < NPACKETS / 4; pi++) {
				struct tpkt tp;

				gen_pkt(&tp);
				check_packet(&tp, rs, &text, &hotdrops);
				if (pi % 4 == 0)
					check_positions(&tp, rs, &text);
			}
			check_counters(rs, &text);
		}
	}
	/* The random rulesets reached the interesting paths. */
	assert_true(derived > NRULESETS);
	assert_true(hotdrops > 10);
	assert_true(candidates > NRULESETS * 4);
	sbuf_free(&text);
}

/*
 * Blocklist-shaped chains: many rules in few tables, a packet found by
 * hash, the early stop, and sharing an unchanged chain's classifier with
 * the next generation.
 */
static void test_blocklist(void **state)
{
	struct net_side *s = &sides[0];
	struct sbuf text = SBUF_INIT;
	const struct xt_chain *fw, *in;
	const struct xt_cls *shared;
	struct tpkt tp;
	unsigned i, v;

	(void)state;
	sbuf_adds(&text, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT "
		  "[0:0]\n:OUTPUT ACCEPT [0:0]\n");
	for (i = 0; i < 2000; i++)
		sbuf_addf(&text, "-A FORWARD -s 198.18.%u.%u/32 -p udp -m udp "
			  "--dport %u -j DROP\n", i >> 8, i & 255, 1000 + i);
	for (i = 0; i < 40; i++)
		sbuf_addf(&text, "-A INPUT -s 10.%u.0.0/16 -j DROP\n", i);
	/* Rules keyed on nothing: one table, one bucket, in rule order. */
	sbuf_adds(&text, ":u - [0:0]\n");
	for (i = 0; i < 100; i++)
		sbuf_addf(&text, "-A u -m mark --mark %u -j DROP\n", i);
	sbuf_adds(&text, "COMMIT\n");
	assert_int_equal(ctl_exec_line(s->net, "iptables-restore",
				       sbuf_str(&text), &s->out, &s->err), 0);
	fw = xt_chain_find(s->net->xt->cur->t[XT_TABLE_FILTER], "FORWARD");
	assert_non_null(fw->cls);
	assert_int_equal(fw->cls->ntuples, 1);
	assert_int_equal(xt_chain_find(s->net->xt->cur->t[XT_TABLE_FILTER],
				       "u")->cls->ntuples, 1);
	memset(&tp, 0, sizeof(tp));
	tp.proto = 17;
	tp.in = tp.out = -1;
	for (i = 0; i < 2000; i += 97) {
		struct pkt *p;

		tp.src = 0xc6120000 | i;
		tp.dport = (uint16_t)(1000 + i);
		p = mkpkt(s->net, &tp);
		s->nev = 0;
		v = xt_do_table(s->net, s->net->xt->cur,
				s->net->xt->cur->t[XT_TABLE_FILTER],
				NS_INET_FORWARD, p, NULL, NULL);
		pkt_free(p);
		assert_int_equal(v, NS_DROP);
		assert_int_equal(s->nev, 1);
		assert_int_equal(xt_rule_cnt(s->net->xt->cur,
					     fw->rules[i]).pcnt, 1);
	}
	/* A change to INPUT only: FORWARD's classifier is shared. */
	shared = fw->cls;
	assert_int_equal(ctl_exec_line(s->net, "iptables -A INPUT -j ACCEPT",
				       NULL, &s->out, &s->err), 0);
	fw = xt_chain_find(s->net->xt->cur->t[XT_TABLE_FILTER], "FORWARD");
	in = xt_chain_find(s->net->xt->cur->t[XT_TABLE_FILTER], "INPUT");
	assert_ptr_equal(fw->cls, shared);
	assert_int_equal(shared->refs, 1);
	assert_non_null(in->cls);
	assert_int_equal(in->cls->nrules, 41);
	/* A change to FORWARD: its own again. */
	assert_int_equal(ctl_exec_line(s->net, "iptables -D FORWARD 1", NULL,
				       &s->out, &s->err), 0);
	fw = xt_chain_find(s->net->xt->cur->t[XT_TABLE_FILTER], "FORWARD");
	assert_int_equal(fw->cls->nrules, 1999);
	sbuf_free(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_classifier_vs_linear,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocklist, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
