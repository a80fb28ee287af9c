// SPDX-License-Identifier: MIT
/*
 * Ruleset generations: drafts cloned from the published generation (or
 * empty tables), their counter slots and per-rule extension state built,
 * and the commit that checks (check.c), builds, publishes with one RCU
 * store, folds in the old counts (counter.c) and frees the old
 * generation after a grace period. Control path only, under
 * net->ctl_lock; the data path sees a generation only once it is
 * published.
 */
#include "xt/xt_int.h"

#include "base/rcu.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void table_free(struct xt_table *t)
{
	unsigned i;

	if (!t)
		return;
	for (i = 0; i < t->nchains; i++)
		xt_chain_free(t->chains[i]);
	free(t->chains);
	free(t);
}

static struct xt_table *table_new(const struct xt_table_def *def,
				  enum xt_table_id id)
{
	struct xt_table *t;
	int h;

	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->id = id;
	t->name = def->name;
	t->valid_hooks = def->hooks;
	t->chains = calloc(NS_INET_NUMHOOKS, sizeof(*t->chains));
	if (!t->chains)
		goto err_free;
	for (h = 0; h < NS_INET_NUMHOOKS; h++) {
		struct xt_chain *c;

		if (!(t->valid_hooks & (1u << h)))
			continue;
		c = xt_chain_new(xt_hook_names[h], h);
		if (!c)
			goto err_free;
		t->chains[t->nchains++] = c;
		t->hook_chain[h] = c;
	}
	return t;

err_free:
	table_free(t);
	return NULL;
}

static struct xt_table *table_clone(const struct xt_table *src)
{
	struct xt_table *t;
	unsigned i, j;

	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->id = src->id;
	t->name = src->name;
	t->valid_hooks = src->valid_hooks;
	t->chains = calloc(src->nchains ? src->nchains : 1,
			   sizeof(*t->chains));
	if (!t->chains)
		goto err_free;
	for (i = 0; i < src->nchains; i++) {
		const struct xt_chain *sc = src->chains[i];
		struct xt_chain *c = xt_chain_new(sc->name, sc->hook);

		if (!c)
			goto err_free;
		t->chains[t->nchains++] = c;
		c->policy = sc->policy;
		c->from = (int)sc->cidx;
		if (c->hook >= 0)
			t->hook_chain[c->hook] = c;
		if (!sc->nrules)
			continue;
		c->rules = calloc(sc->nrules, sizeof(*c->rules));
		if (!c->rules)
			goto err_free;
		c->cap = sc->nrules;
		for (j = 0; j < sc->nrules; j++) {
			struct xt_rule *r = xt_rule_dup(sc->rules[j]);

			if (!r)
				goto err_free;
			r->from = (int)sc->rules[j]->cidx;
			r->init.pcnt = r->init.bcnt = 0;
			c->rules[c->nrules++] = r;
		}
		c->dirty = UINT_MAX;
		c->keep = c->nrules;
	}
	return t;

err_free:
	table_free(t);
	return NULL;
}

void xt_gen_free(struct xt_gen *g)
{
	int i;

	if (!g)
		return;
	for (i = 0; i < XT_TABLE_MAX; i++)
		table_free(g->t[i]);
	free(g->base);
	free(g->w_used);
	for (i = 0; i < NS_MAX_WORKERS; i++)
		free(g->w_mem[i]);
	free(g);
}

struct xt_gen *xt_gen_clone(const struct xt_net *xn)
{
	const struct xt_gen *cur = xn->cur;
	struct xt_gen *g;
	int i;

	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->prev = cur;
	for (i = 0; i < XT_TABLE_MAX; i++) {
		if (!xn->defs[i].available)
			continue;
		g->t[i] = cur && cur->t[i] ? table_clone(cur->t[i]) :
					     table_new(&xn->defs[i], i);
		if (!g->t[i])
			goto err_free;
	}
	return g;

err_free:
	xt_gen_free(g);
	return NULL;
}

static int mi_state(struct net *net, struct xt_mi *mi)
{
	if (!mi->ops)
		return 0;
	if (mi->ops->net_state_create)
		return mi->ops->net_state_create(net, mi->data, &mi->state);
	if (!mi->ops->state_create)
		return 0;
	return mi->ops->state_create(mi->data, &mi->state);
}

void xt_gen_states_destroy(struct xt_gen *g)
{
	unsigned i, j, k;
	int ti;

	for (ti = 0; ti < XT_TABLE_MAX; ti++) {
		struct xt_table *t = g->t[ti];

		for (i = 0; t && i < t->nchains; i++) {
			struct xt_chain *c = t->chains[i];

			for (j = 0; j < c->nrules; j++) {
				struct xt_rule *r = c->rules[j];

				for (k = 0; k < r->nm; k++) {
					if (r->m[k].state &&
					    r->m[k].ops->state_destroy)
						r->m[k].ops->state_destroy(
							r->m[k].state);
					r->m[k].state = NULL;
				}
				if (r->t.state && r->t.ops->state_destroy)
					r->t.ops->state_destroy(r->t.state);
				r->t.state = NULL;
			}
		}
	}
}

static int gen_build(struct net *net, struct xt_gen *g, struct xt_err *e)
{
	unsigned i, j, k, n = 0;
	int ti, w, err;

	/* Number the counter slots: policies and rules. */
	for (ti = 0; ti < XT_TABLE_MAX; ti++) {
		struct xt_table *t = g->t[ti];

		for (i = 0; t && i < t->nchains; i++) {
			struct xt_chain *c = t->chains[i];

			c->cidx = n++;
			for (j = 0; j < c->nrules; j++)
				c->rules[j]->cidx = n++;
		}
	}
	g->ncnt = n;
	g->base = calloc(n ? n : 1, sizeof(*g->base));
	g->w_used = calloc(NS_MAX_WORKERS, sizeof(*g->w_used));
	if (!g->base || !g->w_used)
		goto err_nomem;
	/*
	 * Each worker's counters start on a cache line of their own, so two
	 * workers counting the same few rules do not share one.
	 */
	for (w = 0; w < NS_MAX_WORKERS; w++) {
		size_t sz = (n ? n : 1) * sizeof(*g->w[w]) + 64;

		/* calloc: large arrays come as untouched zero pages. */
		g->w_mem[w] = calloc(1, sz);
		if (!g->w_mem[w])
			goto err_nomem;
		g->w[w] = (struct xt_cnt *)(((uintptr_t)g->w_mem[w] + 63) &
					    ~(uintptr_t)63);
	}
	for (ti = 0; ti < XT_TABLE_MAX; ti++) {
		struct xt_table *t = g->t[ti];

		for (i = 0; t && i < t->nchains; i++) {
			struct xt_chain *c = t->chains[i];

			g->base[c->cidx] = c->init;
			for (j = 0; j < c->nrules; j++) {
				struct xt_rule *r = c->rules[j];

				g->base[r->cidx] = r->init;
				for (k = 0; k < r->nm; k++) {
					err = mi_state(net, &r->m[k]);
					if (err)
						goto err_state;
				}
				if (r->vk == XT_VK_EXT) {
					err = mi_state(net, &r->t);
					if (err)
						goto err_state;
				}
			}
		}
	}
	return 0;

err_state:
	xt_gen_states_destroy(g);
	/* iptc_strerror(): ENOENT is a match or target the kernel lacks. */
	if (err == -ENOENT)
		return xt_err_kernel(e, ENOENT, "No chain/target/match by "
				     "that name");
	return xt_err_kernel(e, err < 0 ? -err : ENOMEM, NULL);
err_nomem:
	return xt_err_kernel(e, ENOMEM, "Memory allocation problem");
}

/*
 * The compiled classifiers of g's chains; a chain whose rules are those of
 * its namesake in old shares that one's. Cannot fail (a chain without one
 * is served by the linear scan).
 */
static void cls_build_all(struct xt_gen *g, const struct xt_gen *old)
{
	unsigned i;
	int ti;

	for (ti = 0; ti < XT_TABLE_MAX; ti++) {
		struct xt_table *t = g->t[ti];
		const struct xt_table *ot = old ? old->t[ti] : NULL;

		for (i = 0; t && i < t->nchains; i++)
			xt_cls_build(t->chains[i],
				     ot ? xt_chain_find(ot, t->chains[i]->name)
					: NULL);
	}
}

int xt_gen_commit(struct xt_net *xn, struct xt_gen *g, struct xt_err *e)
{
	struct xt_gen *old = xn->cur;
	int ti;

	for (ti = 0; ti < XT_TABLE_MAX; ti++)
		if (g->t[ti] && xt_table_check(g->t[ti], xn->net, e))
			return -1;
	if (gen_build(xn->net, g, e))
		return -1;
	/* Cannot fail after this point. */
	for (ti = 0; ti < XT_TABLE_MAX; ti++)
		if (g->t[ti] && g->t[ti]->changed)
			xt_policy_counters_reset(g->t[ti]);
	cls_build_all(g, old);
	xt_gen_carry(g, old, false);
	g->published = true;
	g->prev = NULL;
	ns_rcu_assign(xn->cur, g);
	ns_rcu_synchronize();
	xt_gen_carry(g, old, true);
	if (old) {
		xt_gen_states_destroy(old);
		xt_gen_free(old);
	}
	return 0;
}
