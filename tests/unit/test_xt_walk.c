// SPDX-License-Identifier: MIT
/*
 * The rule walk against a brute-force reference. Random small rulesets
 * (a built-in chain and user chains with returns, gotos, RETURN, ACCEPT,
 * DROP, no verdict; addresses, interfaces, protocols, fragments and tcp
 * ports, inverted or not) are loaded with iptables-restore; random packets
 * go through the interpreter (xt_do_table, which finds rules with
 * xt_chain_next_match) and through a recursive evaluator written here from
 * the kernel's rules, which shares no code with netsieve. Both must give
 * the same verdict, the same trace steps (chain, rule number, kind,
 * verdict, hotdrop) and the same counters; and xt_chain_next_match() from
 * every position of every chain must return the rule the reference finds
 * first. Seeded: a failure names the seed and prints the ruleset.
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
#include "xt/xt_int.h"

#include "cmd_env.h"

#define NRULESETS 200
#define NPACKETS 50
#define NUSER 4                 /* user chains c0..c3 */
#define NCHAINS (NUSER + 1)     /* chain 0 is INPUT */
#define MAXRULES 7
#define MAXEV 128

/* ---- the model ---------------------------------------------------------- */

static const char *const nets[] = {
	"10.0.0.0/8", "10.1.0.0/16", "10.1.2.3/32", "192.168.0.0/24",
	"0.0.0.0/1",
};
static const char *const addrs[] = {
	"10.1.2.3", "10.1.9.9", "10.200.0.1", "192.168.0.7", "172.16.0.1",
	"200.1.1.1",
};
static const char *const ifnames[] = { "eth0", "eth+", "ppp0" };
static struct netdev devs[] = {
	{ .ifindex = 1, .name = "eth0" },
	{ .ifindex = 2, .name = "eth1" },
	{ .ifindex = 3, .name = "ppp0" },
};
static const uint8_t protos[] = { 6, 17, 1 };
static const char *const pnames[] = { "tcp", "udp", "icmp" };
static const uint16_t ports[] = { 22, 80, 443, 8080 };
static const uint16_t frags[] = { 0, 0, 0, 1, 10 };

enum vk { V_NONE, V_ACCEPT, V_DROP, V_RETURN, V_JUMP, V_GOTO };

struct mrule {
	int src, dst;           /* index in nets, or -1 */
	bool src_inv, dst_inv;
	int proto;              /* index in protos, or -1 */
	bool proto_inv;
	int iface;              /* index in ifnames, or -1 */
	bool if_inv;
	int frag;               /* 0 none, 1 -f, 2 ! -f */
	int dlo, dhi;           /* -m tcp --dport dlo:dhi, dlo < 0: none */
	bool dport_inv;
	enum vk vk;
	int target;             /* user chain 1..NUSER for returns/gotos */
};

struct mchain {
	int n;
	struct mrule r[MAXRULES];
};

struct model {
	struct mchain c[NCHAINS];
	bool policy_drop;
	unsigned long long cnt[NCHAINS][MAXRULES], policy_cnt;
};

struct mpkt {
	uint32_t src, dst;      /* host order */
	int proto;              /* index in protos */
	uint16_t dport;
	uint16_t frag;
	int dev;                /* index in devs */
};

/* One trace step: kind (0 rule, 1 return, 2 policy). */
struct ev {
	int kind;
	char chain[32];
	unsigned rulenum;
	uint32_t verdict;
	bool hotdrop;
};

struct evlist {
	int n;
	struct ev e[MAXEV];
};

static uint64_t rng;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *chain_name(int c)
{
	static const char *const names[NCHAINS] = {
		"INPUT", "c1", "c2", "c3", "c4",
	};

	return names[c];
}

static void gen_rule(struct mrule *r, int chain)
{
	memset(r, 0, sizeof(*r));
	r->src = rnd(3) ? -1 : (int)rnd(5);
	r->src_inv = !rnd(3);
	r->dst = rnd(4) ? -1 : (int)rnd(5);
	r->dst_inv = !rnd(3);
	r->proto = rnd(2) ? -1 : (int)rnd(3);
	r->proto_inv = !rnd(4);
	r->iface = rnd(3) ? -1 : (int)rnd(3);
	r->if_inv = !rnd(3);
	r->frag = rnd(6) ? 0 : 1 + (int)rnd(2);
	r->dlo = -1;
	if (r->proto == 0 && !r->proto_inv && !r->frag && rnd(2)) {
		r->dlo = ports[rnd(4)];
		r->dhi = rnd(2) ? r->dlo : ports[rnd(4)];
		if (r->dhi < r->dlo) {
			int t = r->dlo;

			r->dlo = r->dhi;
			r->dhi = t;
		}
		r->dport_inv = !rnd(4);
	}
	r->vk = (enum vk)rnd(6);
	if (r->vk == V_JUMP || r->vk == V_GOTO) {
		/* Jumps only go to later chains: no loops. */
		if (chain >= NUSER) {
			r->vk = V_NONE;
		} else {
			r->target = chain + 1 + (int)rnd(NUSER - chain);
		}
	}
}

static void gen_model(struct model *m)
{
	int c, i;

	memset(m, 0, sizeof(*m));
	m->policy_drop = rnd(2);
	for (c = 0; c < NCHAINS; c++) {
		m->c[c].n = (int)rnd(MAXRULES + 1);
		for (i = 0; i < m->c[c].n; i++)
			gen_rule(&m->c[c].r[i], c);
	}
}

static void rule_text(const struct mrule *r, int chain, struct sbuf *sb)
{
	sbuf_addf(sb, "-A %s", chain_name(chain));
	if (r->src >= 0)
		sbuf_addf(sb, "%s -s %s", r->src_inv ? " !" : "",
			  nets[r->src]);
	if (r->dst >= 0)
		sbuf_addf(sb, "%s -d %s", r->dst_inv ? " !" : "",
			  nets[r->dst]);
	if (r->iface >= 0)
		sbuf_addf(sb, "%s -i %s", r->if_inv ? " !" : "",
			  ifnames[r->iface]);
	if (r->proto >= 0)
		sbuf_addf(sb, "%s -p %s", r->proto_inv ? " !" : "",
			  pnames[r->proto]);
	if (r->frag)
		sbuf_adds(sb, r->frag == 1 ? " -f" : " ! -f");
	if (r->dlo >= 0)
		sbuf_addf(sb, " -m tcp%s --dport %d:%d",
			  r->dport_inv ? " !" : "", r->dlo, r->dhi);
	switch (r->vk) {
	case V_NONE:
		break;
	case V_ACCEPT:
		sbuf_adds(sb, " -j ACCEPT");
		break;
	case V_DROP:
		sbuf_adds(sb, " -j DROP");
		break;
	case V_RETURN:
		sbuf_adds(sb, " -j RETURN");
		break;
	case V_JUMP:
		sbuf_addf(sb, " -j %s", chain_name(r->target));
		break;
	case V_GOTO:
		sbuf_addf(sb, " -g %s", chain_name(r->target));
		break;
	}
	sbuf_addc(sb, '\n');
}

static void model_text(const struct model *m, struct sbuf *sb)
{
	int c, i;

	sbuf_reset(sb);
	sbuf_addf(sb, "*filter\n:INPUT %s [0:0]\n:FORWARD ACCEPT [0:0]\n"
		  ":OUTPUT ACCEPT [0:0]\n", m->policy_drop ? "DROP" : "ACCEPT");
	for (c = 1; c < NCHAINS; c++)
		sbuf_addf(sb, ":%s - [0:0]\n", chain_name(c));
	for (c = 0; c < NCHAINS; c++)
		for (i = 0; i < m->c[c].n; i++)
			rule_text(&m->c[c].r[i], c, sb);
	sbuf_adds(sb, "COMMIT\n");
}

/* ---- the reference: the kernel's rules, recursively ------------------- */

static uint32_t net_addr(int i, uint32_t *mask)
{
	char buf[32], *slash;
	struct in_addr a;
	int bits;

	snprintf(buf, sizeof(buf), "%s", nets[i]);
	slash = strchr(buf, '/');
	*slash = '\0';
	bits = atoi(slash + 1);
	inet_pton(AF_INET, buf, &a);
	*mask = bits ? 0xffffffffu << (32 - bits) : 0;
	return ntohl(a.s_addr) & *mask;
}

static bool ref_iface(int iface, int dev)
{
	const char *name = devs[dev].name;

	if (iface == 1)
		return !strncmp(name, "eth", 3);
	return !strcmp(name, ifnames[iface]);
}

/* 1 matches, 0 does not, -1 hotdrop (the tcp match on a fragment at 1). */
static int ref_match(const struct mrule *r, const struct mpkt *p)
{
	uint32_t mask, a;

	if (r->src >= 0) {
		a = net_addr(r->src, &mask);
		if (((p->src & mask) == a) == r->src_inv)
			return 0;
	}
	if (r->dst >= 0) {
		a = net_addr(r->dst, &mask);
		if (((p->dst & mask) == a) == r->dst_inv)
			return 0;
	}
	if (r->iface >= 0 && ref_iface(r->iface, p->dev) == r->if_inv)
		return 0;
	if (r->proto >= 0 && (p->proto == r->proto) == r->proto_inv)
		return 0;
	if (r->frag == 1 && !p->frag)
		return 0;
	if (r->frag == 2 && p->frag)
		return 0;
	if (r->dlo >= 0) {
		/* tcp_mt(): no ports in a fragment; the one at offset 8
		 * could rewrite the header: drop it. */
		if (p->frag)
			return p->frag == 1 ? -1 : 0;
		if ((p->dport >= r->dlo && p->dport <= r->dhi) ==
		    r->dport_inv)
			return 0;
	}
	return 1;
}

static void ev_add(struct evlist *l, int kind, int chain, unsigned rulenum,
		   uint32_t verdict, bool hotdrop)
{
	struct ev *e;

	assert_true(l->n < MAXEV);
	e = &l->e[l->n++];
	e->kind = kind;
	snprintf(e->chain, sizeof(e->chain), "%s", chain_name(chain));
	e->rulenum = rulenum;
	e->verdict = verdict;
	e->hotdrop = hotdrop;
}

enum { R_CONT, R_ACCEPT, R_DROP };

static int ref_chain(struct model *m, int c, const struct mpkt *p,
		     struct evlist *l)
{
	struct mchain *ch = &m->c[c];
	int i, res;

	for (i = 0; i < ch->n; i++) {
		const struct mrule *r = &ch->r[i];
		int mt = ref_match(r, p);

		if (mt < 0) {
			ev_add(l, 0, c, i + 1, NS_DROP, true);
			return R_DROP;
		}
		if (!mt)
			continue;
		m->cnt[c][i]++;
		switch (r->vk) {
		case V_NONE:
			ev_add(l, 0, c, i + 1, TRACE_NO_VERDICT, false);
			break;
		case V_ACCEPT:
			ev_add(l, 0, c, i + 1, NS_ACCEPT, false);
			return R_ACCEPT;
		case V_DROP:
			ev_add(l, 0, c, i + 1, NS_DROP, false);
			return R_DROP;
		case V_RETURN:
			ev_add(l, 0, c, i + 1, TRACE_NO_VERDICT, false);
			return R_CONT;
		case V_JUMP:
			ev_add(l, 0, c, i + 1, TRACE_NO_VERDICT, false);
			res = ref_chain(m, r->target, p, l);
			if (res != R_CONT)
				return res;
			break;
		case V_GOTO:
			/* The goto'd chain returns to this chain's caller. */
			ev_add(l, 0, c, i + 1, TRACE_NO_VERDICT, false);
			return ref_chain(m, r->target, p, l);
		}
	}
	/* The tail: a user chain returns (traced); INPUT's is the policy. */
	if (c != 0)
		ev_add(l, 1, c, (unsigned)ch->n + 1, TRACE_NO_VERDICT, false);
	return R_CONT;
}

static unsigned ref_run(struct model *m, const struct mpkt *p,
			struct evlist *l)
{
	uint32_t policy = m->policy_drop ? NS_DROP : NS_ACCEPT;

	switch (ref_chain(m, 0, p, l)) {
	case R_ACCEPT:
		return NS_ACCEPT;
	case R_DROP:
		return NS_DROP;
	}
	m->policy_cnt++;
	ev_add(l, 2, 0, (unsigned)m->c[0].n + 1, policy, false);
	return policy;
}

/* First rule of chain c at or after pos that matches (or hotdrops). */
static int ref_first(const struct model *m, int c, int pos,
		     const struct mpkt *p)
{
	int i;

	for (i = pos; i < m->c[c].n; i++)
		if (ref_match(&m->c[c].r[i], p))
			return i;
	return m->c[c].n;
}

/* ---- netsieve's side ---------------------------------------------------- */

static void gen_pkt(struct mpkt *p)
{
	struct in_addr a;

	inet_pton(AF_INET, addrs[rnd(6)], &a);
	p->src = ntohl(a.s_addr);
	inet_pton(AF_INET, addrs[rnd(6)], &a);
	p->dst = ntohl(a.s_addr);
	p->proto = (int)rnd(3);
	p->dport = ports[rnd(4)];
	p->frag = frags[rnd(5)];
	p->dev = (int)rnd(3);
}

static struct pkt *mkpkt(struct env *e, const struct mpkt *s)
{
	struct pkt *p = pkt_alloc(&e->net->pool);
	uint8_t proto = protos[s->proto];
	uint16_t l4 = proto == 6 ? 20 : 8;
	uint16_t tot = (uint16_t)(20 + l4);
	uint32_t a;
	uint8_t *h;

	assert_non_null(p);
	h = p->data;
	memset(h, 0, tot);
	h[0] = 0x45;
	h[3] = (uint8_t)tot;
	h[6] = (uint8_t)(s->frag >> 8);
	h[7] = (uint8_t)s->frag;
	h[8] = 64;
	h[9] = proto;
	a = htonl(s->src);
	memcpy(h + 12, &a, 4);
	a = htonl(s->dst);
	memcpy(h + 16, &a, 4);
	h[20] = 0x30;
	h[22] = (uint8_t)(s->dport >> 8);
	h[23] = (uint8_t)s->dport;
	if (proto == 6)
		h[32] = 0x50;
	p->len = tot;
	p->l3_off = 0;
	p->l4_off = s->frag ? 0 : 20;
	p->l4_len = s->frag ? 0 : l4;
	p->family = NS_PF_INET;
	p->ethertype = 0x0800;
	p->l4_proto = proto;
	p->frag_off = s->frag;
	p->is_frag = s->frag != 0;
	return p;
}

static void on_event(void *priv, const struct pkt *pkt,
		     const struct trace_event *ev)
{
	struct evlist *l = priv;
	struct ev *e;

	(void)pkt;
	if (ev->kind > TRACE_POLICY)
		return;
	assert_true(l->n < MAXEV);
	e = &l->e[l->n++];
	e->kind = (int)ev->kind;
	snprintf(e->chain, sizeof(e->chain), "%s", ev->chain);
	e->rulenum = ev->rulenum;
	e->verdict = ev->verdict;
	e->hotdrop = ev->text && !strcmp(ev->text, "hotdrop");
}

static bool ev_same(const struct evlist *a, const struct evlist *b)
{
	int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->e[i].kind != b->e[i].kind ||
		    strcmp(a->e[i].chain, b->e[i].chain) ||
		    a->e[i].rulenum != b->e[i].rulenum ||
		    a->e[i].verdict != b->e[i].verdict ||
		    a->e[i].hotdrop != b->e[i].hotdrop)
			return false;
	return true;
}

static void ev_str(const struct evlist *l, struct sbuf *sb)
{
	static const char *const k[] = { "rule", "return", "policy" };
	int i;

	for (i = 0; i < l->n; i++)
		sbuf_addf(sb, " %s:%s:%u:%d%s", l->e[i].chain, k[l->e[i].kind],
			  l->e[i].rulenum, (int)l->e[i].verdict,
			  l->e[i].hotdrop ? ":hotdrop" : "");
}

static void pkt_str(const struct mpkt *p, struct sbuf *sb)
{
	struct in_addr a, b;
	char s[16], d[16];

	a.s_addr = htonl(p->src);
	b.s_addr = htonl(p->dst);
	inet_ntop(AF_INET, &a, s, sizeof(s));
	inet_ntop(AF_INET, &b, d, sizeof(d));
	sbuf_addf(sb, "%s > %s proto %s dport %u frag %u in %s", s, d,
		  pnames[p->proto], p->dport, p->frag, devs[p->dev].name);
}

/* xt_chain_next_match() of every chain from every position. */
static unsigned check_next_match(struct env *e, const struct model *m,
				 const struct xt_chain *const *xc,
				 const struct mpkt *mp, unsigned rs,
				 const struct sbuf *text)
{
	struct pkt *p = mkpkt(e, mp);
	struct sbuf why = SBUF_INIT;
	unsigned checked = 0, idx;
	struct xt_walk w;
	int c, i, want;

	for (c = 0; c < NCHAINS; c++) {
		for (i = 0; i <= m->c[c].n; i++) {
			want = ref_first(m, c, i, mp);
			memset(&w, 0, sizeof(w));
			w.pkt = p;
			w.iph = pkt_l3(p);
			w.len = pkt_l3_len(p);
			w.isfrag = p->frag_off != 0;
			w.act.net = e->net;
			w.act.in = &devs[mp->dev];
			w.act.hook = NS_INET_LOCAL_IN;
			w.act.table = "filter";
			idx = xt_chain_next_match(e->net->xt->cur, xc[c], i,
						  &w);
			if ((int)idx != want) {
				pkt_str(mp, &why);
				fail_msg("ruleset %u: next match of %s from "
					 "%d: %u, want %d\n%s\n%s", rs,
					 chain_name(c), i, idx, want,
					 sbuf_str(&why), sbuf_str(text));
			}
			checked++;
		}
	}
	pkt_free(p);
	sbuf_free(&why);
	return checked;
}

/* The interpreter around it: verdict and trace steps. */
static void check_walk(struct env *e, struct model *m,
		       const struct xt_table *t, const struct mpkt *mp,
		       unsigned rs, unsigned pi, const struct sbuf *text,
		       struct evlist *got, struct evlist *want)
{
	struct sbuf why = SBUF_INIT;
	struct pkt *p = mkpkt(e, mp);
	unsigned v, rv;

	got->n = want->n = 0;
	v = xt_do_table(e->net, e->net->xt->cur, t, NS_INET_LOCAL_IN, p,
			&devs[mp->dev], NULL);
	pkt_free(p);
	rv = ref_run(m, mp, want);
	if (v == rv && ev_same(got, want)) {
		sbuf_free(&why);
		return;
	}
	pkt_str(mp, &why);
	sbuf_addf(&why, "\nverdict %u, want %u\ngot: ", v, rv);
	ev_str(got, &why);
	sbuf_adds(&why, "\nwant:");
	ev_str(want, &why);
	fail_msg("ruleset %u, packet %u: %s\n%s", rs, pi, sbuf_str(&why),
		 sbuf_str(text));
}

/* Counters: every rule and the policy. */
static void check_counters(const struct model *m,
			   const struct xt_gen *gen,
			   const struct xt_chain *const *xc, unsigned rs,
			   const struct sbuf *text)
{
	unsigned long long n;
	int c, i;

	for (c = 0; c < NCHAINS; c++) {
		for (i = 0; i < m->c[c].n; i++) {
			n = xt_rule_cnt(gen, xc[c]->rules[i]).pcnt;
			if (n != m->cnt[c][i])
				fail_msg("ruleset %u: %s rule %d counted %llu,"
					 " want %llu\n%s", rs, chain_name(c),
					 i + 1, n, m->cnt[c][i],
					 sbuf_str(text));
		}
	}
	assert_int_equal(xt_policy_cnt(gen, xc[0]).pcnt, m->policy_cnt);
}

static void test_walk_vs_reference(void **state)
{
	struct env *e = *state;
	struct xt_net *xn = e->net->xt;
	struct sbuf text = SBUF_INIT;
	static struct model m;
	struct evlist got, want;
	unsigned rs, pi, checked = 0, hotdrops = 0, returns = 0;

	rng = 0x9e3779b97f4a7c15ull;
	e->net->trace.event = on_event;
	e->net->trace.priv = &got;
	e->net->trace.all = true;
	for (rs = 0; rs < NRULESETS; rs++) {
		const struct xt_table *t;
		const struct xt_chain *xc[NCHAINS];
		int c, i;

		gen_model(&m);
		model_text(&m, &text);
		sbuf_reset(&e->out);
		sbuf_reset(&e->err);
		if (ctl_exec_line(e->net, "iptables-restore", sbuf_str(&text),
				  &e->out, &e->err))
			fail_msg("ruleset %u refused: %s\n%s", rs,
				 sbuf_str(&e->err), sbuf_str(&text));
		t = xn->cur->t[XT_TABLE_FILTER];
		for (c = 0; c < NCHAINS; c++) {
			xc[c] = xt_chain_find(t, chain_name(c));
			assert_non_null(xc[c]);
			assert_int_equal(xc[c]->nrules, m.c[c].n);
		}
		for (pi = 0; pi < NPACKETS; pi++) {
			struct mpkt mp;

			gen_pkt(&mp);
			checked += check_next_match(e, &m, xc, &mp, rs, &text);
			check_walk(e, &m, t, &mp, rs, pi, &text, &got, &want);
			for (i = 0; i < want.n; i++) {
				hotdrops += want.e[i].hotdrop;
				returns += want.e[i].kind == 1;
			}
		}
		check_counters(&m, xn->cur, xc, rs, &text);
	}
	/* The random rulesets did reach the interesting paths. */
	assert_true(checked > NRULESETS * NPACKETS * NCHAINS);
	assert_true(hotdrops > 10);
	assert_true(returns > 100);
	e->net->trace.event = NULL;
	sbuf_free(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_walk_vs_reference, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
