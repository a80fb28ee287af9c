// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the compiled classifier against the linear scan. The
 * input's bytes choose a ruleset (FORWARD and two user chains: prefixes,
 * protocols, ports and port ranges, interfaces, negations, limit and
 * statistic, jumps, gotos, RETURN, LOG, MARK) and then packets; the
 * ruleset is loaded into two nets, one with a classifier on every chain
 * and one with the linear scan only, and every packet goes through
 * FORWARD of both. A different verdict, trace or rule counter aborts.
 */
#include "common.h"

#include "core/net.h"
#include "pkt/parse.h"
#include "xt/cls.h"
#include "xt/ext/statistic.h"
#include "xt/xt_int.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned pick(struct in *in, unsigned n)
{
	unsigned v;

	if (!in->n)
		return 0;
	v = *in->p++;
	in->n--;
	return v % n;
}

static const uint32_t addrs[] = { 0x0a010203, 0x0a01ff01, 0xc0a80007,
				  0x08080808 };
static const uint16_t ports[] = { 22, 53, 80, 443, 1024, 65535 };
static const char *const ifnames[] = { "eth0", "eth1", "eth+", "lo" };
static const char *const chains[] = { "FORWARD", "u1", "u2" };
static struct netdev devs[] = {
	{ .ifindex = 1, .name = "eth0" },
	{ .ifindex = 2, .name = "eth1" },
};

static void rule(struct in *in, int c, struct sbuf *sb)
{
	static const unsigned lens[] = { 0, 8, 16, 20, 24, 28, 32, 32 };
	unsigned proto = pick(in, 4), f = pick(in, 256);
	uint32_t a;

	sbuf_addf(sb, "-A %s", chains[c]);
	if (f & 1) {
		a = addrs[pick(in, 4)];
		sbuf_addf(sb, "%s -s %u.%u.%u.%u/%u", f & 2 ? " !" : "",
			  a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255,
			  lens[pick(in, 8)]);
	}
	if (f & 4) {
		a = addrs[pick(in, 4)];
		sbuf_addf(sb, " -d %u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255,
			  (a >> 8) & 255, a & 255, lens[pick(in, 8)]);
	}
	if (f & 8)
		sbuf_addf(sb, "%s -i %s", f & 16 ? " !" : "",
			  ifnames[pick(in, 4)]);
	if (proto < 3)
		sbuf_addf(sb, " -p %s", proto == 0 ? "tcp" : proto == 1 ?
			  "udp" : "icmp");
	if (proto < 2 && (f & 32)) {
		uint16_t lo = ports[pick(in, 6)];
		unsigned w = pick(in, 4), hi = lo + w * 3u;

		if (w == 3 || hi > 65535)
			hi = 65535;
		sbuf_addf(sb, " -m %s%s --dport %u:%u", proto ? "udp" : "tcp",
			  f & 64 ? " !" : "", lo, hi);
	}
	switch (pick(in, 10)) {
	case 0:
		sbuf_adds(sb, " -m limit --limit 2/min --limit-burst 1");
		break;
	case 1:
		sbuf_adds(sb, " -m statistic --mode nth --every 2 --packet 0");
		break;
	}
	switch (pick(in, 9)) {
	case 0:
		sbuf_adds(sb, " -j ACCEPT");
		break;
	case 1:
		sbuf_adds(sb, " -j DROP");
		break;
	case 2:
		if (c)
			sbuf_adds(sb, " -j RETURN");
		break;
	case 3:
		if (c < 2)
			sbuf_addf(sb, " -j %s", chains[c + 1]);
		break;
	case 4:
		if (c < 2)
			sbuf_addf(sb, " -g %s", chains[2]);
		break;
	case 5:
		sbuf_adds(sb, " -j LOG");
		break;
	case 6:
		sbuf_adds(sb, " -j MARK --set-mark 1");
		break;
	}
	sbuf_adds(sb, "\n");
}

static struct net *nets[2];
static unsigned nev[2];
static char evs[2][64][48];

static void on_event(void *priv, const struct pkt *pkt,
		     const struct trace_event *ev)
{
	int i = (int)(intptr_t)priv;

	(void)pkt;
	if (ev->kind > TRACE_POLICY || nev[i] >= 64)
		return;
	snprintf(evs[i][nev[i]++], sizeof(evs[0][0]), "%d %s %u %u",
		 (int)ev->kind, ev->chain, ev->rulenum, ev->verdict);
}

static struct pkt *mkpkt(struct net *net, struct in *in)
{
	static const uint8_t protos[] = { 6, 17, 1, 17 };
	struct pkt *p = pkt_alloc(&net->inject.pool);
	uint8_t proto = protos[pick(in, 4)], *h;
	uint32_t a;

	if (!p)
		abort();
	h = p->data;
	memset(h, 0, 48);
	h[0] = 0x45;
	h[3] = 48;
	h[8] = 64;
	h[9] = proto;
	a = htonl(addrs[pick(in, 4)] ^ pick(in, 2));
	memcpy(h + 12, &a, 4);
	a = htonl(addrs[pick(in, 4)] ^ (pick(in, 2) << 8));
	memcpy(h + 16, &a, 4);
	h[22] = (uint8_t)(ports[pick(in, 6)] >> 8);
	h[23] = (uint8_t)(ports[pick(in, 6)] + pick(in, 4));
	h[32] = 0x50;
	p->len = 48;
	p->l3_off = 0;
	p->l4_off = 20;
	p->l4_len = pick(in, 8) ? 28 : 4;   /* sometimes short: hotdrop */
	p->family = NS_PF_INET;
	pkt_set_desc(p);
	p->ethertype = 0x0800;
	p->l4_proto = proto;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct sbuf text = SBUF_INIT, out = SBUF_INIT, err = SBUF_INIT;
	int i, c, k, n;

	if (!nets[0]) {
		for (i = 0; i < 2; i++) {
			if (ns_net_create(&nets[i]))
				abort();
			nets[i]->trace.event = on_event;
			nets[i]->trace.priv = (void *)(intptr_t)i;
			nets[i]->trace.all = true;
		}
	}
	sbuf_adds(&text, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n"
		  ":OUTPUT ACCEPT [0:0]\n:u1 - [0:0]\n:u2 - [0:0]\n");
	for (c = 0; c < 3; c++) {
		n = (int)pick(&in, c ? 8 : 40);
		for (k = 0; k < n; k++)
			rule(&in, c, &text);
	}
	sbuf_adds(&text, "COMMIT\n");
	for (i = 0; i < 2; i++) {
		xt_cls_set_min_rules(i ? -1 : 1);
		sbuf_reset(&err);
		if (ctl_exec_line(nets[i], "iptables-restore", sbuf_str(&text),
				  &out, &err)) {
			fprintf(stderr, "%s%s", sbuf_str(&text),
				sbuf_str(&err));
			abort();   /* the generator writes valid rules only */
		}
	}
	while (in.n) {
		const uint8_t *at = in.p;
		size_t left = in.n;
		unsigned v[2];
		int dev = (int)pick(&in, 3) - 1;

		for (i = 0; i < 2; i++) {
			struct pkt *p;

			in.p = at;
			in.n = left;
			p = mkpkt(nets[i], &in);
			nev[i] = 0;
			xt_statistic_seed(left);
			v[i] = xt_do_table(nets[i], nets[i]->xt->cur,
					   nets[i]->xt->cur->t[XT_TABLE_FILTER],
					   NS_INET_FORWARD, p,
					   dev >= 0 ? &devs[dev] : NULL,
					   &devs[1]);
			pkt_free(p);
		}
		if (v[0] != v[1] || nev[0] != nev[1])
			abort();
		for (k = 0; k < (int)nev[0]; k++)
			if (strcmp(evs[0][k], evs[1][k]))
				abort();
	}
	{
		const struct xt_chain *a, *b;
		unsigned j;

		for (c = 0; c < 3; c++) {
			a = xt_chain_find(nets[0]->xt->cur->t[XT_TABLE_FILTER],
					  chains[c]);
			b = xt_chain_find(nets[1]->xt->cur->t[XT_TABLE_FILTER],
					  chains[c]);
			for (j = 0; j < a->nrules; j++)
				if (xt_rule_cnt(nets[0]->xt->cur,
						a->rules[j]).pcnt !=
				    xt_rule_cnt(nets[1]->xt->cur,
						b->rules[j]).pcnt)
					abort();
		}
	}
	sbuf_free(&text);
	sbuf_free(&out);
	sbuf_free(&err);
	return 0;
}
