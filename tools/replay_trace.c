// SPDX-License-Identifier: MIT
/*
 * The replay trace: collects the trace sink's events (src/core/net.h) under
 * the input packet that caused them and renders them as text in the style
 * of the kernel's TRACE target ("filter:FORWARD:rule:2") or as JSON, one
 * object per input packet. Events for packets the stack generated in answer
 * (echo replies, ICMP errors, RSTs: pkt->local_out, carrying the causing
 * packet's id) are grouped as "replies" under that packet. A drop with
 * reason NETFILTER_DROP is attributed to the rule or policy step just
 * before it if that step's verdict was NS_DROP (a rule's DROP/REJECT, a
 * DROP policy, or a match's hotdrop). Every rule and policy step carries
 * the rule's text as `iptables -S` prints it, taken from the generation
 * the packet walked (pkt->xt_gen) and kept once per rule in a small cache.
 * Tool code on the replay thread; it allocates.
 */
#include "tools/replay_trace.h"

#include "base/sbuf.h"
#include "core/net.h"
#include "core/netdev.h"
#include "pkt/drop.h"
#include "pkt/pkt.h"
#include "xt/xt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define RT_SUMMARY 192
#define RT_STEP_NAME 80
#define RT_RULE_BUCKETS 1024        /* rule-text cache; chains grow */

struct rt_step {
	uint8_t kind;               /* enum trace_kind */
	uint8_t fate;               /* enum pkt_fate */
	uint16_t reason;            /* enum drop_reason */
	unsigned rulenum;
	uint32_t verdict;           /* RULE/POLICY; TRACE_NO_VERDICT */
	char table[16];
	char chain[32];
	char ifname[NS_IFNAMSIZ];
	char *text;                 /* NOTE text or FATE detail; malloc'd */
	const char *rule;           /* RULE/POLICY: the rule's text, owned
				     * by the cache; NULL if unknown */
};

/* The text of one rule of one generation (rt_trace.rules). */
struct rt_rule_text {
	struct rt_rule_text *next;
	const void *gen;
	unsigned rulenum;
	char table[16];
	char chain[32];
	char text[];
};

/* One packet's steps: the input packet, or one the stack generated. */
struct rt_sub {
	const void *ptr;            /* generated packet, to group its events */
	bool done;                  /* had a final fate (not QUEUED) */
	char summary[RT_SUMMARY];
	char kind[48];              /* "echo reply", "ICMP time-exceeded" */
	bool is_ip;                 /* generated IP packet (else ARP ...) */
	struct rt_step *steps;
	size_t nsteps, capsteps;
};

struct rt_rec {
	uint32_t id;
	bool begun;
	bool flushed;               /* written and freed */
	char why[64];               /* not injected: why */
	char ifname[NS_IFNAMSIZ];
	uint64_t ts_ns;
	size_t len;
	struct rt_sub *subs;        /* [0]: the input packet; then replies */
	size_t nsubs, capsubs;
};

struct rt_trace {
	struct rt_rec *recs;        /* recs[id - 1] */
	size_t n;
	size_t next;                /* recs[next] is the next to write */
	struct rt_rec other;        /* events of no (unwritten) input packet */
	FILE *f;
	bool json;
	bool oom;
	struct rt_rule_text *rules[RT_RULE_BUCKETS];
};

/* ---- packet summaries ---------------------------------------------- */

static const char *icmp_name(uint8_t type, uint8_t code)
{
	static const char *const unreach[] = {
		"network-unreachable", "host-unreachable",
		"protocol-unreachable", "port-unreachable",
		"fragmentation-needed", "source-route-failed",
		"network-unknown", "host-unknown", NULL,
		"network-prohibited", "host-prohibited",
		"TOS-network-unreachable", "TOS-host-unreachable",
		"communication-prohibited", "host-precedence-violation",
		"precedence-cutoff",
	};

	switch (type) {
	case 0: return "echo-reply";
	case 3:
		if (code < sizeof(unreach) / sizeof(unreach[0]) &&
		    unreach[code])
			return unreach[code];
		return "destination-unreachable";
	case 4: return "source-quench";
	case 5: return "redirect";
	case 8: return "echo-request";
	case 9: return "router-advertisement";
	case 10: return "router-solicitation";
	case 11:
		return code == 1 ? "ttl-zero-during-reassembly" :
				   "ttl-zero-during-transit";
	case 12: return "parameter-problem";
	case 13: return "timestamp-request";
	case 14: return "timestamp-reply";
	case 17: return "address-mask-request";
	case 18: return "address-mask-reply";
	default: return NULL;
	}
}

static void addf(char *buf, size_t size, const char *fmt, ...)
	NS_PRINTF(3, 4);

static void addf(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

static void ip4_str(const uint8_t *p, char *s)
{
	sprintf(s, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

static void summary_ip4(const uint8_t *ip, size_t len, char *buf,
			size_t size)
{
	char src[16], dst[16];
	unsigned ihl, tot, frag;
	const uint8_t *l4;
	size_t l4len;

	if (len < 20) {
		addf(buf, size, "IP (truncated header)");
		return;
	}
	ihl = (ip[0] & 0x0f) * 4u;
	ip4_str(ip + 12, src);
	ip4_str(ip + 16, dst);
	if (ihl < 20 || ihl > len) {
		addf(buf, size, "%s > %s IP (bad header length)", src, dst);
		return;
	}
	tot = (unsigned)ip[2] << 8 | ip[3];
	l4len = (tot >= ihl && tot <= len ? tot : len) - ihl;
	l4 = ip + ihl;
	frag = ((unsigned)ip[6] << 8 | ip[7]) & 0x1fff;
	if (frag) {
		addf(buf, size, "%s > %s proto %u fragment offset %u", src,
		     dst, ip[9], frag * 8);
		return;
	}
	switch (ip[9]) {
	case 1: {
		const char *n;

		if (l4len < 4) {
			addf(buf, size, "%s > %s ICMP (truncated)", src, dst);
			break;
		}
		n = icmp_name(l4[0], l4[1]);
		if (n)
			addf(buf, size, "%s > %s ICMP %s", src, dst, n);
		else
			addf(buf, size, "%s > %s ICMP type %u code %u", src,
			     dst, l4[0], l4[1]);
		break;
	}
	case 6: {
		static const char flagc[] = "FSRPAUEC";
		char flags[9] = "";
		int i, k = 0;

		if (l4len < 14) {
			addf(buf, size, "%s > %s TCP (truncated)", src, dst);
			break;
		}
		for (i = 0; i < 8; i++)
			if (l4[13] & (1 << i))
				flags[k++] = flagc[i];
		flags[k] = '\0';
		addf(buf, size, "%s:%u > %s:%u TCP [%s]", src,
		     (unsigned)l4[0] << 8 | l4[1], dst,
		     (unsigned)l4[2] << 8 | l4[3], k ? flags : "none");
		break;
	}
	case 17:
		if (l4len < 4) {
			addf(buf, size, "%s > %s UDP (truncated)", src, dst);
			break;
		}
		addf(buf, size, "%s:%u > %s:%u UDP", src,
		     (unsigned)l4[0] << 8 | l4[1], dst,
		     (unsigned)l4[2] << 8 | l4[3]);
		break;
	default:
		addf(buf, size, "%s > %s proto %u", src, dst, ip[9]);
	}
	if (tot > len)
		addf(buf, size, " (truncated)");
}

static void summary_arp(const uint8_t *a, size_t len, char *buf,
			size_t size)
{
	char spa[16], tpa[16];
	unsigned op;

	if (len < 28 || a[4] != 6 || a[5] != 4) {
		addf(buf, size, "ARP (malformed)");
		return;
	}
	op = (unsigned)a[6] << 8 | a[7];
	ip4_str(a + 14, spa);
	ip4_str(a + 24, tpa);
	if (op == 1)
		addf(buf, size, "ARP who-has %s tell %s", tpa, spa);
	else if (op == 2)
		addf(buf, size,
		     "ARP %s is-at %02x:%02x:%02x:%02x:%02x:%02x", spa, a[8],
		     a[9], a[10], a[11], a[12], a[13]);
	else
		addf(buf, size, "ARP op %u", op);
}

void rt_summary(const uint8_t *frame, size_t len, enum rt_link link,
		char *buf, size_t size)
{
	unsigned type;

	if (!size)
		return;
	buf[0] = '\0';
	if (link == RT_LINK_IP) {
		if (len >= 1 && frame[0] >> 4 == 4)
			summary_ip4(frame, len, buf, size);
		else if (len >= 1 && frame[0] >> 4 == 6)
			addf(buf, size, "IPv6");
		else
			addf(buf, size, "not IP (version %u)",
			     len ? frame[0] >> 4 : 0);
		return;
	}
	if (len < 14) {
		addf(buf, size, "runt frame (%zu bytes)", len);
		return;
	}
	type = (unsigned)frame[12] << 8 | frame[13];
	switch (type) {
	case 0x0800:
		summary_ip4(frame + 14, len - 14, buf, size);
		break;
	case 0x0806:
		summary_arp(frame + 14, len - 14, buf, size);
		break;
	case 0x86dd:
		addf(buf, size, "IPv6");
		break;
	default:
		addf(buf, size, "ethertype 0x%04x", type);
	}
}

/* What a generated packet is, for "-> answered (echo reply out eth0)". */
static void reply_kind(const uint8_t *ip, size_t len, char *buf, size_t size)
{
	unsigned ihl;
	const char *n;

	snprintf(buf, size, "reply");
	if (len < 20 || ip[0] >> 4 != 4)
		return;
	ihl = (ip[0] & 0x0f) * 4u;
	if (ihl < 20 || len < ihl + 2)
		return;
	if (ip[9] == 1) {
		if (ip[ihl] == 0) {
			snprintf(buf, size, "echo reply");
			return;
		}
		n = icmp_name(ip[ihl], ip[ihl + 1]);
		if (n)
			snprintf(buf, size, "ICMP %s", n);
		else
			snprintf(buf, size, "ICMP type %u", ip[ihl]);
	} else if (ip[9] == 6 && len >= ihl + 14 && (ip[ihl + 13] & 0x04)) {
		snprintf(buf, size, "TCP reset");
	}
}

/* ---- collecting ------------------------------------------------------ */

int rt_trace_create(size_t npkts, FILE *f, bool json, struct rt_trace **out)
{
	struct rt_trace *t;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (npkts) {
		t->recs = calloc(npkts, sizeof(*t->recs));
		if (!t->recs) {
			free(t);
			return -ENOMEM;
		}
	}
	t->n = npkts;
	t->f = f;
	t->json = json;
	*out = t;
	return 0;
}

static void rec_free(struct rt_rec *r)
{
	size_t i, j;

	for (i = 0; i < r->nsubs; i++) {
		for (j = 0; j < r->subs[i].nsteps; j++)
			free(r->subs[i].steps[j].text);
		free(r->subs[i].steps);
	}
	free(r->subs);
	r->subs = NULL;
	r->nsubs = r->capsubs = 0;
}

void rt_trace_destroy(struct rt_trace *t)
{
	struct rt_rule_text *rt, *next;
	size_t i;

	if (!t)
		return;
	for (i = 0; i < RT_RULE_BUCKETS; i++)
		for (rt = t->rules[i]; rt; rt = next) {
			next = rt->next;
			free(rt);
		}
	for (i = 0; i < t->n; i++)
		rec_free(&t->recs[i]);
	rec_free(&t->other);
	free(t->recs);
	free(t);
}

static struct rt_sub *rec_add_sub(struct rt_trace *t, struct rt_rec *r)
{
	if (r->nsubs == r->capsubs) {
		size_t cap = r->capsubs ? r->capsubs * 2 : 2;
		struct rt_sub *s = realloc(r->subs, cap * sizeof(*s));

		if (!s) {
			t->oom = true;
			return NULL;
		}
		r->subs = s;
		r->capsubs = cap;
	}
	memset(&r->subs[r->nsubs], 0, sizeof(r->subs[0]));
	return &r->subs[r->nsubs++];
}

int rt_trace_begin(struct rt_trace *t, uint32_t id, const char *ifname,
		   uint64_t ts_ns, const uint8_t *frame, size_t len,
		   enum rt_link link)
{
	struct rt_rec *r;
	struct rt_sub *s;

	if (id < 1 || id > t->n)
		return -ERANGE;
	r = &t->recs[id - 1];
	r->id = id;
	r->begun = true;
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->ts_ns = ts_ns;
	r->len = len;
	if (!r->nsubs && !rec_add_sub(t, r))
		return -ENOMEM;
	s = &r->subs[0];
	rt_summary(frame, len, link, s->summary, sizeof(s->summary));
	return 0;
}

void rt_trace_not_injected(struct rt_trace *t, uint32_t id, const char *why)
{
	if (id >= 1 && id <= t->n)
		snprintf(t->recs[id - 1].why, sizeof(t->recs[0].why), "%s",
			 why);
}

/* The sub-record an event for pkt belongs to, creating it if new. */
static struct rt_sub *event_sub(struct rt_trace *t, struct rt_rec *r,
				const struct pkt *pkt)
{
	const uint8_t *ip;
	struct rt_sub *s;
	size_t i, len;

	if (!r->nsubs && !rec_add_sub(t, r))
		return NULL;
	if (!pkt->local_out)
		return &r->subs[0];
	for (i = r->nsubs; i-- > 1;)
		if (r->subs[i].ptr == pkt && !r->subs[i].done)
			return &r->subs[i];
	s = rec_add_sub(t, r);
	if (!s)
		return NULL;
	s->ptr = pkt;
	/* Describe it from its IP header, wherever the stack has data now. */
	ip = pkt->data + pkt->l3_off;
	len = pkt->len > pkt->l3_off ? pkt->len - pkt->l3_off : 0;
	if (len && ip[0] >> 4 == 4 &&
	    (!pkt->has_l2 || pkt->ethertype == 0x0800 || !pkt->ethertype)) {
		s->is_ip = true;
		rt_summary(ip, len, RT_LINK_IP, s->summary, sizeof(s->summary));
		reply_kind(ip, len, s->kind, sizeof(s->kind));
	} else {
		const char *k = "generated";

		rt_summary(pkt->data, pkt->len,
			   pkt->has_l2 ? RT_LINK_ETH : RT_LINK_IP, s->summary,
			   sizeof(s->summary));

		if (!strncmp(s->summary, "ARP who-has", 11))
			k = "ARP request";
		else if (!strncmp(s->summary, "ARP", 3))
			k = "ARP reply";
		snprintf(s->kind, sizeof(s->kind), "%s", k);
	}
	return s;
}

static const char *step_type(enum trace_kind k)
{
	switch (k) {
	case TRACE_RULE: return "rule";
	case TRACE_RETURN: return "return";
	case TRACE_POLICY: return "policy";
	default: return "?";
	}
}

static unsigned rule_hash(const void *gen, const char *table,
			  const char *chain, unsigned rulenum)
{
	uint32_t h = 2166136261u ^ (uint32_t)(uintptr_t)gen ^ rulenum;

	for (; *table; table++)
		h = (h ^ (uint8_t)*table) * 16777619u;
	for (; *chain; chain++)
		h = (h ^ (uint8_t)*chain) * 16777619u;
	return h & (RT_RULE_BUCKETS - 1);
}

/*
 * The `iptables -S` text of the rule (or policy) a step names, in the
 * generation the packet walked; formatted once per rule and kept until
 * the trace is destroyed. NULL if there is no such rule (a user chain's
 * implicit return) or memory ran out.
 */
static const char *rule_text(struct rt_trace *t, const struct pkt *pkt,
			     const struct trace_event *ev)
{
	struct sbuf sb = SBUF_INIT;
	struct rt_rule_text *rt;
	unsigned h;

	if (!pkt->xt_gen || !ev->table || !ev->chain)
		return NULL;
	h = rule_hash(pkt->xt_gen, ev->table, ev->chain, ev->rulenum);
	for (rt = t->rules[h]; rt; rt = rt->next)
		if (rt->gen == pkt->xt_gen && rt->rulenum == ev->rulenum &&
		    !strcmp(rt->table, ev->table) &&
		    !strcmp(rt->chain, ev->chain))
			return rt->text;
	if (xt_rule_text(pkt->xt_gen, ev->table, ev->chain, ev->rulenum,
			 &sb)) {
		sbuf_free(&sb);
		return NULL;
	}
	rt = malloc(sizeof(*rt) + sb.len + 1);
	if (!rt) {
		sbuf_free(&sb);
		t->oom = true;
		return NULL;
	}
	rt->gen = pkt->xt_gen;
	rt->rulenum = ev->rulenum;
	snprintf(rt->table, sizeof(rt->table), "%s", ev->table);
	snprintf(rt->chain, sizeof(rt->chain), "%s", ev->chain);
	memcpy(rt->text, sbuf_str(&sb), sb.len + 1);
	sbuf_free(&sb);
	rt->next = t->rules[h];
	t->rules[h] = rt;
	return rt->text;
}

static void rt_event(void *priv, const struct pkt *pkt,
		     const struct trace_event *ev)
{
	struct rt_trace *t = priv;
	struct rt_rec *r;
	struct rt_sub *s;
	struct rt_step *st;

	r = pkt->id >= 1 && pkt->id <= t->n && !t->recs[pkt->id - 1].flushed ?
		    &t->recs[pkt->id - 1] : &t->other;
	s = event_sub(t, r, pkt);
	if (!s)
		return;
	if (s->nsteps == s->capsteps) {
		size_t cap = s->capsteps ? s->capsteps * 2 : 8;
		struct rt_step *n = realloc(s->steps, cap * sizeof(*n));

		if (!n) {
			t->oom = true;
			return;
		}
		s->steps = n;
		s->capsteps = cap;
	}
	st = &s->steps[s->nsteps];
	memset(st, 0, sizeof(*st));
	st->kind = ev->kind;
	if (ev->table)
		snprintf(st->table, sizeof(st->table), "%s", ev->table);
	if (ev->chain)
		snprintf(st->chain, sizeof(st->chain), "%s", ev->chain);
	st->rulenum = ev->rulenum;
	st->verdict = ev->kind == TRACE_RULE || ev->kind == TRACE_POLICY ?
			      ev->verdict : TRACE_NO_VERDICT;
	if (ev->kind == TRACE_RULE || ev->kind == TRACE_POLICY)
		st->rule = rule_text(t, pkt, ev);
	st->fate = ev->fate;
	st->reason = ev->reason;
	if (ev->ifname)
		snprintf(st->ifname, sizeof(st->ifname), "%s", ev->ifname);
	if (ev->text) {
		st->text = strdup(ev->text);
		if (!st->text)
			t->oom = true;
	}
	if (ev->kind == TRACE_FATE && ev->fate != FATE_QUEUED)
		s->done = true;
	s->nsteps++;
}

void rt_trace_sink(struct rt_trace *t, struct ns_trace_sink *sink)
{
	sink->event = rt_event;
	sink->priv = t;
	sink->all = true;
}

/* ---- text ------------------------------------------------------------- */

/* The generated packet's final fate step, or NULL. */
static const struct rt_step *final_fate(const struct rt_sub *s)
{
	size_t i;

	for (i = s->nsteps; i-- > 0;)
		if (s->steps[i].kind == TRACE_FATE)
			return &s->steps[i];
	return NULL;
}

/* A RULE step for a match's hotdrop (the rule did not match). */
static bool step_hotdrop(const struct rt_step *st)
{
	return st->kind == TRACE_RULE && st->text &&
	       !strcmp(st->text, "hotdrop");
}

/*
 * The rule that dropped a packet: a NETFILTER_DROP fate right after a rule
 * or policy step of the same packet whose verdict was NS_DROP is that
 * step's doing (the xt core reports the step with its verdict, then the
 * stack the drop; a hotdrop is reported as a RULE step with verdict
 * NS_DROP). A step that let the packet go on (LOG) dropped nothing. Fills
 * buf with "filter:FORWARD:rule:2" and returns true, or returns false.
 */
static bool drop_by(const struct rt_sub *s, size_t i, char *buf, size_t size)
{
	const struct rt_step *st = &s->steps[i], *prev;

	if (st->fate != FATE_DROPPED || st->reason != DROP_NETFILTER_DROP ||
	    i == 0)
		return false;
	prev = &s->steps[i - 1];
	if (prev->kind != TRACE_RULE && prev->kind != TRACE_POLICY)
		return false;
	if (prev->verdict != NS_DROP)
		return false;
	snprintf(buf, size, "%s:%s:%s:%u", prev->table, prev->chain,
		 step_type(prev->kind), prev->rulenum);
	return true;
}

static void fate_text(const struct rt_rec *r, const struct rt_sub *s,
		      size_t i, char *buf, size_t size)
{
	const struct rt_step *st = &s->steps[i];
	char by[RT_STEP_NAME];

	buf[0] = '\0';
	switch (st->fate) {
	case FATE_SENT:
		addf(buf, size, "sent out %s",
		     st->ifname[0] ? st->ifname : "?");
		break;
	case FATE_LOCAL:
		addf(buf, size, "delivered locally");
		break;
	case FATE_ANSWERED: {
		const struct rt_sub *rep = s == &r->subs[0] && r->nsubs > 1 ?
						   &r->subs[1] : NULL;
		const struct rt_step *f = rep ? final_fate(rep) : NULL;

		addf(buf, size, "answered");
		if (rep && f && f->fate == FATE_SENT)
			addf(buf, size, " (%s out %s)", rep->kind, f->ifname);
		else if (rep && f && f->fate == FATE_DROPPED)
			addf(buf, size, " (%s dropped)", rep->kind);
		else if (rep)
			addf(buf, size, " (%s)", rep->kind);
		break;
	}
	case FATE_DROPPED:
		if (drop_by(s, i, by, sizeof(by))) {
			const struct rt_step *prev = &s->steps[i - 1];

			addf(buf, size, "dropped by %s", by);
			if (prev->rule)
				addf(buf, size, " (%s)", prev->rule);
			if (step_hotdrop(prev))
				addf(buf, size, " (hotdrop)");
		} else {
			addf(buf, size, "dropped: %s (%s)",
			     drop_reason_name(st->reason),
			     drop_reason_desc(st->reason));
		}
		break;
	case FATE_STOLEN:
		addf(buf, size, "stolen by a hook");
		break;
	case FATE_QUEUED:
		addf(buf, size, "queued (waiting for the neighbour)");
		break;
	}
	if (st->text && st->text[0])
		addf(buf, size, " [%s]", st->text);
}

/* A terminal verdict's name ("DROP"), or NULL when the packet went on. */
static const char *verdict_name(uint32_t v)
{
	static const char *const names[] = {
		[NS_DROP] = "DROP", [NS_ACCEPT] = "ACCEPT",
		[NS_STOLEN] = "STOLEN", [NS_QUEUE] = "QUEUE",
		[NS_REPEAT] = "REPEAT", [NS_STOP] = "STOP",
	};

	if (v == TRACE_NO_VERDICT)
		return NULL;
	v &= 0xff;
	return v < sizeof(names) / sizeof(names[0]) && names[v] ? names[v] :
								  "?";
}

/*
 * "filter:FORWARD:rule:1 (-A FORWARD -p udp -m udp --dport 53 -j DROP):
 * DROP": the kernel TRACE notation, the rule as iptables -S prints it, and
 * the verdict when the step ended the chain walk.
 */
static void write_step_text(const struct rt_step *st, const char *ind,
			    FILE *f)
{
	const char *v = verdict_name(st->verdict);

	fprintf(f, "%s%s:%s:%s:%u", ind, st->table, st->chain,
		step_type(st->kind), st->rulenum);
	if (st->rule)
		fprintf(f, " (%s)", st->rule);
	if (v)
		fprintf(f, ": %s", v);
	if (step_hotdrop(st))
		fputs(" (hotdrop)", f);
	fputc('\n', f);
}

static void write_steps_text(const struct rt_rec *r, const struct rt_sub *s,
			     const char *ind, FILE *f)
{
	char line[16384];
	bool fate = false;
	size_t i;

	for (i = 0; i < s->nsteps; i++) {
		const struct rt_step *st = &s->steps[i];

		switch (st->kind) {
		case TRACE_RULE:
		case TRACE_RETURN:
		case TRACE_POLICY:
			write_step_text(st, ind, f);
			break;
		case TRACE_NOTE:
			fprintf(f, "%snote: %s\n", ind,
				st->text ? st->text : "");
			break;
		case TRACE_FATE:
			fate_text(r, s, i, line, sizeof(line));
			fprintf(f, "%s-> %s\n", ind, line);
			fate = true;
			break;
		}
	}
	if (!fate)
		fprintf(f, "%s-> no fate reported\n", ind);
}

static void write_rec_text(const struct rt_rec *r, FILE *f)
{
	size_t i;

	if (r->begun)
		fprintf(f, "pkt %" PRIu32 " %s %s\n", r->id, r->ifname,
			r->nsubs ? r->subs[0].summary : "");
	else
		fprintf(f, "stack (events of no input packet)\n");
	if (r->why[0]) {
		fprintf(f, "  -> not injected: %s\n", r->why);
		return;
	}
	if (r->nsubs)
		write_steps_text(r, &r->subs[0], "  ", f);
	for (i = 1; i < r->nsubs; i++) {
		fprintf(f, "  %s %s\n",
			r->subs[i].is_ip ? "reply" : "generated",
			r->subs[i].summary);
		write_steps_text(r, &r->subs[i], "    ", f);
	}
}

/* ---- JSON ------------------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static const char *fate_name(enum pkt_fate fate)
{
	switch (fate) {
	case FATE_SENT: return "sent";
	case FATE_LOCAL: return "local";
	case FATE_ANSWERED: return "answered";
	case FATE_DROPPED: return "dropped";
	case FATE_STOLEN: return "stolen";
	case FATE_QUEUED: return "queued";
	}
	return "unknown";
}

static void write_sub_json(const struct rt_sub *s, FILE *f)
{
	char by[RT_STEP_NAME];
	const char *sep = "";
	size_t i;

	fputs("\"summary\":", f);
	json_str(f, s->summary);
	fputs(",\"steps\":[", f);
	for (i = 0; i < s->nsteps; i++) {
		const struct rt_step *st = &s->steps[i];

		if (st->kind == TRACE_FATE)
			continue;
		fputs(sep, f);
		sep = ",";
		if (st->kind == TRACE_NOTE) {
			fputs("{\"note\":", f);
			json_str(f, st->text ? st->text : "");
			fputc('}', f);
			continue;
		}
		fputs("{\"table\":", f);
		json_str(f, st->table);
		fputs(",\"chain\":", f);
		json_str(f, st->chain);
		fprintf(f, ",\"type\":\"%s\",\"rulenum\":%u",
			step_type(st->kind), st->rulenum);
		if (st->rule) {
			fputs(",\"rule\":", f);
			json_str(f, st->rule);
		}
		if (verdict_name(st->verdict))
			fprintf(f, ",\"verdict\":\"%s\"",
				verdict_name(st->verdict));
		fprintf(f, "%s}", step_hotdrop(st) ? ",\"hotdrop\":true" : "");
	}
	fputs("],\"fates\":[", f);
	sep = "";
	for (i = 0; i < s->nsteps; i++) {
		const struct rt_step *st = &s->steps[i];

		if (st->kind != TRACE_FATE)
			continue;
		fprintf(f, "%s{\"fate\":\"%s\"", sep, fate_name(st->fate));
		sep = ",";
		if (st->fate == FATE_SENT) {
			fputs(",\"out\":", f);
			json_str(f, st->ifname);
		}
		if (st->fate == FATE_DROPPED) {
			fprintf(f, ",\"reason\":\"%s\",\"desc\":",
				drop_reason_name(st->reason));
			json_str(f, drop_reason_desc(st->reason));
			if (drop_by(s, i, by, sizeof(by))) {
				fputs(",\"by\":", f);
				json_str(f, by);
				if (s->steps[i - 1].rule) {
					fputs(",\"rule\":", f);
					json_str(f, s->steps[i - 1].rule);
				}
			}
		}
		if (st->text) {
			fputs(",\"text\":", f);
			json_str(f, st->text);
		}
		fputc('}', f);
	}
	fputc(']', f);
}

static void write_rec_json(const struct rt_rec *r, FILE *f)
{
	static const struct rt_sub empty;
	size_t i;

	if (r->begun) {
		fprintf(f, "{\"pkt\":%" PRIu32 ",\"ts_ns\":%" PRIu64
			",\"in\":", r->id, r->ts_ns);
		json_str(f, r->ifname);
		fprintf(f, ",\"len\":%zu,", r->len);
	} else {
		fputs("{\"pkt\":0,", f);
	}
	if (r->why[0]) {
		fputs("\"not_injected\":", f);
		json_str(f, r->why);
		fputc(',', f);
	}
	write_sub_json(r->nsubs ? &r->subs[0] : &empty, f);
	fputs(",\"replies\":[", f);
	for (i = 1; i < r->nsubs; i++) {
		fputs(i > 1 ? ",{" : "{", f);
		fputs("\"kind\":", f);
		json_str(f, r->subs[i].kind);
		fputc(',', f);
		write_sub_json(&r->subs[i], f);
		fputc('}', f);
	}
	fputs("]}\n", f);
}

/* ---- writing as packets settle ------------------------------------------ */

/* Nothing more will happen to it: every packet of it has its final fate. */
static bool rec_settled(const struct rt_rec *r)
{
	size_t i;

	if (r->why[0])
		return true;
	if (!r->nsubs)
		return false;
	for (i = 0; i < r->nsubs; i++)
		if (!r->subs[i].done)
			return false;
	return true;
}

static void write_rec(struct rt_trace *t, struct rt_rec *r)
{
	if (t->json)
		write_rec_json(r, t->f);
	else
		write_rec_text(r, t->f);
	rec_free(r);
	r->flushed = true;
}

void rt_trace_flush(struct rt_trace *t)
{
	while (t->next < t->n && t->recs[t->next].begun &&
	       rec_settled(&t->recs[t->next]))
		write_rec(t, &t->recs[t->next++]);
}

int rt_trace_finish(struct rt_trace *t)
{
	for (; t->next < t->n; t->next++)
		if (t->recs[t->next].begun)
			write_rec(t, &t->recs[t->next]);
	if (t->other.nsubs)
		write_rec(t, &t->other);
	if (t->oom && !t->json)
		fprintf(t->f, "# trace incomplete: out of memory\n");
	fflush(t->f);
	return ferror(t->f) || t->oom ? -EIO : 0;
}
