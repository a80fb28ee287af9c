// SPDX-License-Identifier: MIT
/*
 * Rule and policy counters across generations: reading a slot (the
 * control-owned base plus every worker's share), a draft's value (its
 * start plus the slot it came from), the old generation's counts folded
 * into the new one at commit, and the policy counters a table replace
 * starts from zero. Control path; the data path only adds to its own
 * worker's slots (classify.c).
 */
#include "xt/xt_int.h"

static struct xt_cnt slot_read(const struct xt_gen *g, unsigned idx)
{
	struct xt_cnt c = { 0, 0 };
	int w;

	if (!g || !g->base || idx >= g->ncnt)
		return c;
	c = g->base[idx];
	for (w = 0; w < NS_MAX_WORKERS; w++) {
		if (!__atomic_load_n(&g->w_used[w], __ATOMIC_RELAXED))
			continue;
		c.pcnt += g->w[w][idx].pcnt;
		c.bcnt += g->w[w][idx].bcnt;
	}
	return c;
}

static struct xt_cnt cnt_of(const struct xt_gen *g, unsigned cidx, int from,
			    struct xt_cnt init)
{
	struct xt_cnt c;

	if (g->published)
		return slot_read(g, cidx);
	c = init;
	if (from >= 0) {
		struct xt_cnt o = slot_read(g->prev, (unsigned)from);

		c.pcnt += o.pcnt;
		c.bcnt += o.bcnt;
	}
	return c;
}

struct xt_cnt xt_rule_cnt(const struct xt_gen *g, const struct xt_rule *r)
{
	return cnt_of(g, r->cidx, r->from, r->init);
}

struct xt_cnt xt_policy_cnt(const struct xt_gen *g, const struct xt_chain *c)
{
	return cnt_of(g, c->cidx, c->from, c->init);
}

/* Take the old generation's counts into the new one for carried slots. */
void xt_gen_carry(struct xt_gen *g, const struct xt_gen *old, bool final)
{
	unsigned i, j;
	int ti, w, nw = 0, ws[NS_MAX_WORKERS];

	if (!old || !old->base)
		return;
	for (w = 0; final && w < NS_MAX_WORKERS; w++)
		if (old->w_used[w])
			ws[nw++] = w;
	if (final && !nw)
		return;
	for (ti = 0; ti < XT_TABLE_MAX; ti++) {
		struct xt_table *t = g->t[ti];

		for (i = 0; t && i < t->nchains; i++) {
			struct xt_chain *c = t->chains[i];

			for (j = 0; j <= c->nrules; j++) {
				unsigned idx = j < c->nrules ?
					       c->rules[j]->cidx : c->cidx;
				int from = j < c->nrules ?
					   c->rules[j]->from : c->from;
				struct xt_cnt v;
				int k;

				if (from < 0 || (unsigned)from >= old->ncnt)
					continue;
				if (!final) {
					v = old->base[from];
				} else {
					v.pcnt = v.bcnt = 0;
					for (k = 0; k < nw; k++) {
						w = ws[k];
						v.pcnt += old->w[w][from].pcnt;
						v.bcnt += old->w[w][from].bcnt;
					}
				}
				g->base[idx].pcnt += v.pcnt;
				g->base[idx].bcnt += v.bcnt;
			}
		}
	}
}

/*
 * iptables-legacy 1.8.9 on Linux: replacing a table starts its built-in
 * chains' policy counters from zero, except a value just set with -c.
 */
void xt_policy_counters_reset(struct xt_table *t)
{
	unsigned i;

	for (i = 0; i < t->nchains; i++)
		if (t->chains[i]->hook >= 0 && t->chains[i]->from >= 0)
			t->chains[i]->from = -1;
	t->changed = false;
}
