// SPDX-License-Identifier: MIT
/*
 * The next matching rule of a chain: from a position, the first rule whose
 * ip part (ip_packet_match) and matches all accept the packet. Two ways
 * find it: the linear scan, the reference, and the compiled classifier of
 * a chain that has one (cls.h, built by cls_build.c; doc/classifier.md),
 * which must find the same rule with the same side effects. The
 * interpreter (classify.c) does everything else: counters, targets, jumps,
 * returns, policies and trace. Data path: no allocation, no locks, no
 * writes but the walk state.
 */
#include "xt/xt_int.h"

#include <string.h>

static bool iface_match(const struct netdev *dev, const char *name,
			bool wild)
{
	const char *dn = dev ? dev->name : "";
	size_t n;

	if (wild) {
		n = strlen(name);
		return !strncmp(dn, name, n);
	}
	return !strcmp(dn, name);
}

/*
 * ip_packet_match(): the part of a rule every rule has, on the packet's
 * descriptor (addresses and protocol parsed once).
 */
static bool ip_match(const struct xt_ip *ip, const struct pkt_desc *d,
		     const struct netdev *in, const struct netdev *out,
		     bool isfrag)
{
	bool r;

	r = (d->saddr.ip & ip->smsk.ip) != ip->src.ip;
	if (r != !!(ip->invflags & XT_INV_SRCIP))
		return false;
	r = (d->daddr.ip & ip->dmsk.ip) != ip->dst.ip;
	if (r != !!(ip->invflags & XT_INV_DSTIP))
		return false;
	if (ip->iniface[0] || ip->in_wild) {
		r = !iface_match(in, ip->iniface, ip->in_wild);
		if (r != !!(ip->invflags & XT_INV_VIA_IN))
			return false;
	} else if (ip->invflags & XT_INV_VIA_IN) {
		return false;
	}
	if (ip->outiface[0] || ip->out_wild) {
		r = !iface_match(out, ip->outiface, ip->out_wild);
		if (r != !!(ip->invflags & XT_INV_VIA_OUT))
			return false;
	} else if (ip->invflags & XT_INV_VIA_OUT) {
		return false;
	}
	if (ip->proto) {
		r = d->proto != ip->proto;
		if (r != !!(ip->invflags & XT_INV_PROTO))
			return false;
	}
	if (ip->flags & XT_F_FRAG) {
		r = !isfrag;
		if (r != !!(ip->invflags & XT_INV_FRAG))
			return false;
	}
	return true;
}

enum rule_result { R_NOMATCH, R_MATCH, R_HOTDROP };

/* One rule as the linear scan evaluates it (act->hotdrop false on entry). */
static enum rule_result rule_eval(const struct xt_chain *c, unsigned i,
				  struct xt_walk *w)
{
	const struct xt_rule *r = c->rules[i];
	struct xt_action *act = &w->act;
	unsigned k;

	if (!ip_match(&r->ip, &w->pkt->desc, act->in, act->out, w->isfrag))
		return R_NOMATCH;
	act->chain = c->name;
	act->rulenum = i + 1;
	for (k = 0; k < r->nm; k++) {
		act->state = r->m[k].state;
		if (!r->m[k].ops->match(w->pkt, r->m[k].data, act))
			break;
	}
	if (k == r->nm)
		return R_MATCH;
	/* As ipt_do_table: a hotdrop ends the walk at this rule. */
	return act->hotdrop ? R_HOTDROP : R_NOMATCH;
}

static unsigned linear(const struct xt_chain *c, unsigned pos,
		       struct xt_walk *w)
{
	unsigned i;

	for (i = pos; i < c->nrules; i++) {
		switch (rule_eval(c, i, w)) {
		case R_NOMATCH:
			break;
		case R_HOTDROP:
			w->dropped = true;
			return i;
		case R_MATCH:
			return i;
		}
	}
	return c->nrules;
}

/*
 * The packet's key. TCP and UDP ports come from the header, as their
 * matches read them; a fragment or a short header is left to the linear
 * scan, where those matches may hotdrop on it whatever their ports.
 */
static void key_compute(struct xt_walk *w)
{
	const struct pkt *pkt = w->pkt;
	const struct pkt_desc *d = &pkt->desc;
	struct cls_key *k = &w->key;
	const uint8_t *l4;

	memset(k, 0, sizeof(*k));
	k->src = d->saddr.ip;
	k->dst = d->daddr.ip;
	k->proto = d->proto;
	k->in = cls_name_hash(w->act.in ? w->act.in->name : "");
	k->out = cls_name_hash(w->act.out ? w->act.out->name : "");
	if (d->proto == 6 || d->proto == 17) {
		l4 = pkt_l4(pkt);
		if (pkt->frag_off || !l4 ||
		    pkt->l4_len < (d->proto == 6 ? 20 : 8)) {
			w->key_state = XT_KEY_LINEAR;
			return;
		}
		k->sport = (uint16_t)(l4[0] << 8 | l4[1]);
		k->dport = (uint16_t)(l4[2] << 8 | l4[3]);
	}
	w->key_state = XT_KEY_READY;
}

/* Tuples looked up at once: their buckets are fetched side by side. */
#define PROBE_BATCH 8

struct probe {
	const struct cls_tuple *t;
	struct cls_key k;        /* the packet's key under t's mask */
	uint32_t slot;
};

static const struct cls_bucket *probe_find(const struct probe *p)
{
	const struct cls_tuple *t = p->t;
	uint32_t i = p->slot;

	while (t->b[i].n) {
		if (!memcmp(&t->b[i].key, &p->k, sizeof(p->k)))
			return &t->b[i];
		i = (i + 1) & (t->size - 1);
	}
	return NULL;
}

/* The first entry of v[0..n) at or after rule pos. */
static uint32_t first_at(const struct cls_ent *v, uint32_t n, uint32_t pos)
{
	uint32_t lo = 0, hi = n;

	if (n <= 8) {
		while (lo < n && v[lo].idx < pos)
			lo++;
		return lo;
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (v[mid].idx < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The classifier: between barriers, the first candidate at or after pos
 * that the full check (rule_eval) accepts or hotdrops on. Rules that are
 * no candidate cannot match: a keyed field of their ip part differs (the
 * linear scan stops there too), or the ports their first match declared
 * (it would return false without hotdrop). Candidates are pure, so
 * evaluating one the linear scan would not have reached changes nothing;
 * only the winner's hotdrop is kept. A barrier is evaluated in place.
 */
static unsigned classify(const struct xt_cls *cls, const struct xt_chain *c,
			 unsigned pos, struct xt_walk *w)
{
	struct xt_action *act = &w->act;
	struct probe pr[PROBE_BATCH];
	uint32_t n = cls->nrules;

	while (pos < n) {
		uint32_t b = cls->next_barrier[pos], best = b, ti = 0;
		enum rule_result res = R_NOMATCH, rr;
		bool hd = false, stop = false;

		while (!stop && ti < cls->ntuples) {
			unsigned np = 0, q;

			/* Hash a batch of tuples and fetch their buckets. */
			for (; ti < cls->ntuples && np < PROBE_BATCH; ti++) {
				const struct cls_tuple *t = &cls->t[ti];
				struct probe *p = &pr[np];

				if (t->minidx >= best) {
					stop = true;  /* sorted: none can win */
					break;
				}
				if (t->maxidx < pos || (t->mask.proto &&
							t->mask.proto_val !=
							w->key.proto))
					continue;
				p->t = t;
				cls_key_apply(&p->k, &w->key, &t->mask);
				p->slot = cls_key_hash(&p->k) & (t->size - 1);
				__builtin_prefetch(&t->b[p->slot]);
				np++;
			}
			for (q = 0; q < np; q++) {
				const struct cls_bucket *bk;
				const struct cls_ent *v;
				uint32_t j, idx;

				if (pr[q].t->minidx >= best) {
					stop = true;
					break;
				}
				bk = probe_find(&pr[q]);
				if (!bk)
					continue;
				v = cls_bucket_ents(bk);
				j = pr[q].t->from_edit == cls->nedits ?
				    first_at(v, bk->n, pos) : 0;
				for (; j < bk->n; j++) {
					bool dead = false;

					/* A shared table's indices are mapped
					 * through the edits made since. */
					idx = pr[q].t->from_edit == cls->nedits ?
					      v[j].idx :
					      cls_map(cls, pr[q].t->from_edit,
						      v[j].idx, &dead);
					if (idx >= best)
						break;
					if (dead || idx < pos ||
					    !cls_ent_match(&v[j], &w->key))
						continue;
					rr = rule_eval(c, idx, w);
					if (rr == R_NOMATCH) {
						act->hotdrop = false;
						continue;
					}
					best = idx;
					res = rr;
					hd = act->hotdrop;
					act->hotdrop = false;
					break;
				}
			}
		}
		if (best < b) {
			act->chain = c->name;
			act->rulenum = best + 1;
			act->hotdrop = hd;
			w->dropped = res == R_HOTDROP;
			return best;
		}
		if (b >= n)
			return n;
		switch (rule_eval(c, b, w)) {
		case R_NOMATCH:
			break;
		case R_HOTDROP:
			w->dropped = true;
			return b;
		case R_MATCH:
			return b;
		}
		pos = b + 1;
	}
	return n;
}

unsigned xt_chain_next_match(const struct xt_gen *gen,
			     const struct xt_chain *c, unsigned pos,
			     struct xt_walk *w)
{
	(void)gen;
	w->dropped = false;
	if (c->cls) {
		if (w->key_state == XT_KEY_NONE)
			key_compute(w);
		if (w->key_state == XT_KEY_READY)
			return classify(c->cls, c, pos, w);
	}
	return linear(c, pos, w);
}
