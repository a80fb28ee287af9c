// SPDX-License-Identifier: MIT
/*
 * Building a chain's compiled classifier (cls.h, doc/classifier.md): every
 * rule whose matches are all cls_pure is keyed on what can be hashed - its
 * source and destination prefixes (rounded down to /0, /16, /24 or /32),
 * its protocol, its exact interface names, and the port ranges its first
 * match declares (cls_ports: exact ports, small ranges expanded) - and
 * placed, as TupleMerge does, in the most specific existing hash table
 * whose mask is within its own and whose bucket is not full, else in a new
 * table of its own mask. Each entry keeps the rule's exact prefixes and
 * port ranges for a check before the rule is touched; everything else is
 * the full check the data path runs on candidates. Rules with a match that
 * is not pure are barriers, left to the linear scan. After one change to
 * a chain the next classifier shares the previous one's tables and notes
 * the index shift as an edit (cls.h, cls_map). Control path, under
 * net->ctl_lock, on a draft's chain just before it is published; a failed
 * allocation leaves the chain to the linear scan.
 */
#include "xt/cls.h"

#include "xt/xt_int.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PORT_VALUES 8        /* per port field, after expansion */

static int min_rules = -2;  /* -2: not read from the environment yet */

void xt_cls_set_min_rules(int min)
{
	min_rules = min;
}

int xt_cls_min_rules(void)
{
	const char *s;

	if (min_rules == -2) {
		s = getenv("NETSIEVE_CLASSIFIER");
		if (!s || !*s)
			min_rules = XT_CLS_MIN_RULES;
		else if (!strcmp(s, "0") || !strcmp(s, "off"))
			min_rules = -1;
		else
			min_rules = atoi(s) > 0 ? atoi(s) : XT_CLS_MIN_RULES;
	}
	return min_rules;
}

static void tuple_free(struct cls_tuple *t)
{
	uint32_t j;

	if (t->refs && --*t->refs)
		return;
	free(t->refs);
	for (j = 0; t->b && j < t->size; j++)
		if (t->b[j].cap)
			free(t->b[j].u.ent);
	free(t->b);
}

static void cls_free(struct xt_cls *cls)
{
	uint32_t i;

	for (i = 0; i < cls->ntuples; i++)
		tuple_free(&cls->t[i]);
	free(cls->t);
	free(cls->next_barrier);
	free(cls);
}

void xt_cls_put(struct xt_cls *cls)
{
	if (cls && !--cls->refs)
		cls_free(cls);
}

/* Whether the linear scan must evaluate r at its own position. */
static bool rule_is_barrier(const struct xt_rule *r)
{
	unsigned k;

	for (k = 0; k < r->nm; k++)
		if (!r->m[k].ops->cls_pure)
			return true;
	return false;
}

/* An address mask cut to its leading ones, rounded down to /32, /24, /16
 * or /0: few shapes, so few tuples. */
static uint32_t addr_level(uint32_t msk_be)
{
	uint32_t m = ntohl(msk_be);
	unsigned ones = 0;

	while (ones < 32 && (m & (0x80000000u >> ones)))
		ones++;
	ones = ones >= 32 ? 32 : ones >= 24 ? 24 : ones >= 16 ? 16 : 0;
	return ones ? htonl(~0u << (32 - ones)) : 0;
}

/*
 * A port range as a mask and the masked values that cover it: exact
 * values for a short range (at most MAX_PORT_VALUES), else nothing (mask
 * 0, one value 0; the entry's exact range still prunes). Returns the
 * number of values.
 */
static unsigned port_values(const uint16_t r[2], uint16_t *mask,
			    uint16_t v[MAX_PORT_VALUES])
{
	unsigned n = 0, p;

	*mask = 0;
	v[0] = 0;
	if (r[0] > r[1] || (r[0] == 0 && r[1] == 0xFFFF))
		return 1;
	if ((unsigned)r[1] - r[0] < MAX_PORT_VALUES) {
		*mask = 0xFFFF;
		for (p = r[0]; p <= r[1]; p++)
			v[n++] = (uint16_t)p;
		return n;
	}
	return 1;
}

struct shape_count {
	struct cls_mask m;
	uint32_t n;              /* keys of rules with this mask */
};

struct build {
	struct xt_cls *cls;
	uint32_t cap;            /* of cls->t */
	uint32_t last;           /* tuple of the previous rule */
	struct shape_count *shapes;
	uint32_t nshapes, capshapes, lastshape;
	uint32_t first_own;      /* tuples before it are shared: no adds */
};

/* Whether a rule keyed under m may live in a tuple of mask tm. */
static bool mask_within(const struct cls_mask *tm, const struct cls_mask *m)
{
	if ((tm->src & ~m->src) || (tm->dst & ~m->dst) ||
	    (tm->in & ~m->in) || (tm->out & ~m->out) ||
	    (tm->sport & ~m->sport) || (tm->dport & ~m->dport))
		return false;
	if (tm->proto && (!m->proto || tm->proto_val != m->proto_val))
		return false;
	return true;
}

static unsigned mask_bits(const struct cls_mask *m)
{
	return (unsigned)(__builtin_popcount(m->src) +
			  __builtin_popcount(m->dst) +
			  __builtin_popcount(m->in) +
			  __builtin_popcount(m->out) +
			  __builtin_popcount(m->sport) +
			  __builtin_popcount(m->dport) + (m->proto ? 8 : 0));
}

static uint32_t shapes_size(const struct build *bd, const struct cls_mask *m);

static struct cls_tuple *tuple_new(struct build *b, const struct cls_mask *m)
{
	struct xt_cls *cls = b->cls;
	struct cls_tuple *t;

	if (cls->ntuples == b->cap) {
		uint32_t nc = b->cap ? 2 * b->cap : 8;
		struct cls_tuple *nt = realloc(cls->t, nc * sizeof(*nt));

		if (!nt)
			return NULL;
		cls->t = nt;
		b->cap = nc;
	}
	t = &cls->t[cls->ntuples];
	memset(t, 0, sizeof(*t));
	t->size = shapes_size(b, m);
	t->b = calloc(t->size, sizeof(*t->b));
	t->refs = malloc(sizeof(*t->refs));
	if (!t->b || !t->refs) {
		free(t->b);
		free(t->refs);
		return NULL;
	}
	*t->refs = 1;
	t->mask = *m;
	t->minidx = UINT32_MAX;
	t->from_edit = cls->nedits;
	b->last = cls->ntuples++;
	return t;
}

static struct cls_bucket *slot_find(struct cls_bucket *tab, uint32_t size,
				    const struct cls_key *k)
{
	uint32_t i = cls_key_hash(k) & (size - 1);

	while (tab[i].n && memcmp(&tab[i].key, k, sizeof(*k)))
		i = (i + 1) & (size - 1);
	return &tab[i];
}

static int tuple_grow(struct cls_tuple *t)
{
	uint32_t ns = t->size ? 2 * t->size : 16, i;
	struct cls_bucket *nb = calloc(ns, sizeof(*nb));

	if (!nb)
		return -1;
	for (i = 0; i < t->size; i++)
		if (t->b[i].n)
			*slot_find(nb, ns, &t->b[i].key) = t->b[i];
	free(t->b);
	t->b = nb;
	t->size = ns;
	return 0;
}

/* Add entry e (ascending idx across calls) under key k. */
static int tuple_add(struct cls_tuple *t, const struct cls_key *k,
		     const struct cls_ent *e)
{
	struct cls_bucket *b;

	if (2 * (t->used + 1) > t->size && tuple_grow(t))
		return -1;
	b = slot_find(t->b, t->size, k);
	if (!b->n) {
		b->key = *k;
		b->n = 1;
		b->cap = 0;
		b->u.inl = *e;
		t->used++;
	} else {
		struct cls_ent *v;

		if (cls_bucket_ents(b)[b->n - 1].idx == e->idx)
			return 0;  /* two expansions landed on one key */
		if (!b->cap) {
			v = malloc(4 * sizeof(*v));
			if (!v)
				return -1;
			v[0] = b->u.inl;
			b->u.ent = v;
			b->cap = 4;
		} else if (b->n == b->cap) {
			v = realloc(b->u.ent, 2 * b->cap * sizeof(*v));
			if (!v)
				return -1;
			b->u.ent = v;
			b->cap *= 2;
		}
		b->u.ent[b->n++] = *e;
	}
	if (e->idx < t->minidx)
		t->minidx = e->idx;
	if (e->idx > t->maxidx)
		t->maxidx = e->idx;
	return 0;
}

/*
 * Whether the keys of a rule (k with the port values sv x dv) all land in
 * buckets of t that hold fewer than XT_CLS_BUCKET_MAX entries.
 */
static bool tuple_fits(const struct cls_tuple *t, const struct cls_key *k,
		       const uint16_t *sv, unsigned ns, const uint16_t *dv,
		       unsigned nd)
{
	struct cls_key rk = *k, tk;
	unsigned i, j;

	if (!t->size)
		return true;
	for (i = 0; i < ns; i++)
		for (j = 0; j < nd; j++) {
			rk.sport = sv[i];
			rk.dport = dv[j];
			cls_key_apply(&tk, &rk, &t->mask);
			if (slot_find(t->b, t->size, &tk)->n >=
			    XT_CLS_BUCKET_MAX)
				return false;
		}
	return true;
}

/*
 * TupleMerge's placement: a table of the rule's own mask, else the most
 * specific existing tuple whose mask is within the rule's and where it
 * fits, else a new tuple of the rule's own mask. Fewer tuples mean fewer lookups per packet; the exact check of
 * each entry (cls_ent) keeps a coarser tuple's extra candidates cheap.
 */
static struct cls_tuple *tuple_pick(struct build *b, const struct cls_mask *m,
				    const struct cls_key *k,
				    const uint16_t *sv, unsigned ns,
				    const uint16_t *dv, unsigned nd)
{
	struct xt_cls *cls = b->cls;
	struct cls_tuple *best = NULL;
	unsigned bits = 0, tb;
	uint32_t i;

	/* A table of the rule's own mask takes it however full the bucket:
	 * rules equal under their own mask cannot be told apart by any
	 * other table either (many rules keyed on nothing, say). */
	if (b->last < cls->ntuples && b->last >= b->first_own &&
	    !memcmp(&cls->t[b->last].mask, m, sizeof(*m)))
		return &cls->t[b->last];
	for (i = b->first_own; i < cls->ntuples; i++) {
		struct cls_tuple *t = &cls->t[i];

		if (!memcmp(&t->mask, m, sizeof(*m))) {
			b->last = i;
			return t;
		}
		if (!mask_within(&t->mask, m))
			continue;
		tb = mask_bits(&t->mask);
		if (best && tb <= bits)
			continue;
		if (!tuple_fits(t, k, sv, ns, dv, nd))
			continue;
		best = t;
		bits = tb;
		b->last = i;
	}
	return best ? best : tuple_new(b, m);
}

/* What a rule is keyed on: its mask, key, entry and port values. */
struct shape {
	struct cls_mask m;
	struct cls_key k;
	struct cls_ent e;
	uint16_t sv[MAX_PORT_VALUES], dv[MAX_PORT_VALUES];
	unsigned ns, nd;
};

/* Key rule r (index idx). */
static void rule_shape(const struct xt_rule *r, uint32_t idx,
		       struct shape *sh)
{
	const struct xt_ip *ip = &r->ip;
	uint16_t sp[2] = { 0, 0xFFFF }, dp[2] = { 0, 0xFFFF };
	struct cls_ent *e = &sh->e;
	struct cls_mask *m = &sh->m;
	struct cls_key *k = &sh->k;

	memset(sh, 0, sizeof(*sh));
	e->idx = idx;
	if (!(ip->invflags & XT_INV_SRCIP)) {
		m->src = addr_level(ip->smsk.ip);
		k->src = ip->src.ip & m->src;
		e->src = ip->src.ip;
		e->smsk = ip->smsk.ip;
	}
	if (!(ip->invflags & XT_INV_DSTIP)) {
		m->dst = addr_level(ip->dmsk.ip);
		k->dst = ip->dst.ip & m->dst;
		e->dst = ip->dst.ip;
		e->dmsk = ip->dmsk.ip;
	}
	if (ip->iniface[0] && !ip->in_wild &&
	    !(ip->invflags & XT_INV_VIA_IN)) {
		m->in = ~0u;
		k->in = cls_name_hash(ip->iniface);
	}
	if (ip->outiface[0] && !ip->out_wild &&
	    !(ip->invflags & XT_INV_VIA_OUT)) {
		m->out = ~0u;
		k->out = cls_name_hash(ip->outiface);
	}
	if (ip->proto && ip->proto < 256 && !(ip->invflags & XT_INV_PROTO)) {
		m->proto = 0xFF;
		m->proto_val = (uint8_t)ip->proto;
		k->proto = (uint8_t)ip->proto;
		/* Ports from the first match only: a match before it could
		 * hotdrop where the linear scan runs it. */
		if ((ip->proto == 6 || ip->proto == 17) && r->nm &&
		    r->m[0].ops->cls_ports)
			r->m[0].ops->cls_ports(r->m[0].data, sp, dp);
	}
	/* An empty range (a > b) is left to the full check. */
	e->sport[1] = e->dport[1] = 0xFFFF;
	if (sp[0] <= sp[1]) {
		e->sport[0] = sp[0];
		e->sport[1] = sp[1];
	}
	if (dp[0] <= dp[1]) {
		e->dport[0] = dp[0];
		e->dport[1] = dp[1];
	}
	sh->ns = port_values(sp, &m->sport, sh->sv);
	sh->nd = port_values(dp, &m->dport, sh->dv);
}

/* Enter a keyed rule. */
static int rule_add(struct build *bd, struct shape *sh)
{
	struct cls_tuple *t;
	unsigned i, j;

	t = tuple_pick(bd, &sh->m, &sh->k, sh->sv, sh->ns, sh->dv, sh->nd);
	if (!t)
		return -1;
	for (i = 0; i < sh->ns; i++)
		for (j = 0; j < sh->nd; j++) {
			struct cls_key tk;

			sh->k.sport = sh->sv[i];
			sh->k.dport = sh->dv[j];
			cls_key_apply(&tk, &sh->k, &t->mask);
			if (tuple_add(t, &tk, &sh->e))
				return -1;
		}
	return 0;
}

/*
 * Count the rules of each mask (a first pass), so that a tuple made for a
 * mask starts at the size its rules need instead of doubling its way up.
 */
static int shapes_count(struct build *bd, const struct cls_mask *m,
			unsigned nvals)
{
	struct shape_count *sc;
	uint32_t i;

	if (bd->lastshape < bd->nshapes &&
	    !memcmp(&bd->shapes[bd->lastshape].m, m, sizeof(*m))) {
		bd->shapes[bd->lastshape].n += nvals;
		return 0;
	}
	for (i = 0; i < bd->nshapes; i++)
		if (!memcmp(&bd->shapes[i].m, m, sizeof(*m))) {
			bd->shapes[i].n += nvals;
			bd->lastshape = i;
			return 0;
		}
	if (bd->nshapes == bd->capshapes) {
		uint32_t nc = bd->capshapes ? 2 * bd->capshapes : 16;

		sc = realloc(bd->shapes, nc * sizeof(*sc));
		if (!sc)
			return -1;
		bd->shapes = sc;
		bd->capshapes = nc;
	}
	sc = &bd->shapes[bd->nshapes];
	sc->m = *m;
	sc->n = nvals;
	bd->lastshape = bd->nshapes++;
	return 0;
}

static uint32_t shapes_size(const struct build *bd, const struct cls_mask *m)
{
	uint32_t i, n = 0, size = 16;

	for (i = 0; i < bd->nshapes; i++)
		if (!memcmp(&bd->shapes[i].m, m, sizeof(*m))) {
			n = bd->shapes[i].n;
			break;
		}
	while (size < 2 * n && size < (1u << 30))
		size *= 2;
	return size;
}

static int tuple_cmp(const void *a, const void *b)
{
	const struct cls_tuple *x = a, *y = b;

	return x->minidx < y->minidx ? -1 : x->minidx > y->minidx;
}

struct order {
	uint32_t bits, idx;
};

static int order_cmp(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->bits != y->bits)
		return x->bits < y->bits ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct cls_ent *x = a, *y = b;

	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Place the rules at [lo, hi) coarsest mask first, so the
 * tables made first are the coarse ones the more specific rules can join
 * (in rule order, a ruleset written most specific first would make a
 * table for nearly every shape), then put each bucket back in rule order.
 */
static int add_coarse_first(struct xt_cls *cls, struct build *bd,
			    const struct xt_chain *c, uint32_t lo, uint32_t hi)
{
	struct order *ord;
	uint32_t i, n = 0, ti, j;

	ord = malloc((hi - lo) * sizeof(*ord));
	if (!ord)
		return -1;
	for (i = lo; i < hi; i++) {
		struct shape sh;

		if (rule_is_barrier(c->rules[i]))
			continue;
		rule_shape(c->rules[i], i, &sh);
		ord[n].bits = mask_bits(&sh.m);
		ord[n++].idx = i;
	}
	qsort(ord, n, sizeof(*ord), order_cmp);
	for (i = 0; i < n; i++) {
		struct shape sh;

		rule_shape(c->rules[ord[i].idx], ord[i].idx, &sh);
		if (rule_add(bd, &sh)) {
			free(ord);
			return -1;
		}
	}
	free(ord);
	for (ti = bd->first_own; ti < cls->ntuples; ti++) {
		struct cls_tuple *t = &cls->t[ti];

		for (j = 0; j < t->size; j++)
			if (t->b[j].n > 1)
				qsort(t->b[j].u.ent, t->b[j].n,
				      sizeof(struct cls_ent), ent_cmp);
	}
	return 0;
}

/*
 * The rules of c at [lo, hi), keyed into new tuples of cls (after the
 * ntuples it already has, which stay untouched), and next_barrier for
 * those positions (next_barrier[hi] must be set). 0 or -1 (out of
 * memory).
 */
static int build_range(struct xt_cls *cls, struct build *bd,
		       const struct xt_chain *c, uint32_t lo, uint32_t hi)
{
	uint32_t i, nb;

	bd->cls = cls;
	bd->first_own = cls->ntuples;
	bd->last = UINT32_MAX;
	bd->lastshape = UINT32_MAX;
	for (i = lo; i < hi; i++) {
		struct shape sh;

		if (rule_is_barrier(c->rules[i]))
			continue;
		rule_shape(c->rules[i], i, &sh);
		if (shapes_count(bd, &sh.m, sh.ns * sh.nd))
			return -1;
	}
	nb = cls->next_barrier[hi];
	for (i = hi; i-- > lo;) {
		if (rule_is_barrier(c->rules[i]))
			nb = i;
		cls->next_barrier[i] = nb;
	}
	if (bd->nshapes <= 1) {
		/* One shape (a blocklist): index order, buckets sorted. */
		for (i = lo; i < hi; i++) {
			struct shape sh;

			if (rule_is_barrier(c->rules[i]))
				continue;
			rule_shape(c->rules[i], i, &sh);
			if (rule_add(bd, &sh))
				return -1;
		}
		return 0;
	}
	return add_coarse_first(cls, bd, c, lo, hi);
}

static struct xt_cls *cls_alloc(uint32_t nrules)
{
	struct xt_cls *cls = calloc(1, sizeof(*cls));

	if (!cls)
		return NULL;
	cls->refs = 1;
	cls->nrules = nrules;
	cls->next_barrier = malloc((nrules + 1) * sizeof(*cls->next_barrier));
	if (!cls->next_barrier) {
		free(cls);
		return NULL;
	}
	return cls;
}

/* An index of the chain before edit ed, after it (dead: its position). */
static uint32_t edit_map(const struct cls_edit *ed, uint32_t idx)
{
	if (idx < ed->pos)
		return idx;
	if (idx < ed->pos + ed->ndel)
		return ed->pos;
	return idx - ed->ndel + ed->nins;
}

/*
 * Incremental: old's tuples shared, the change noted as an edit (the
 * rules at [d, d + ndel) of old became the nins rules at [d, d + nins)
 * of c), new tuples for those nins rules. NULL when memory runs out.
 */
static struct xt_cls *cls_derive(const struct xt_chain *c,
				 const struct xt_cls *old, uint32_t d,
				 uint32_t ndel, uint32_t nins)
{
	struct build bd = { 0 };
	struct xt_cls *cls = cls_alloc(c->nrules);
	struct cls_edit *ed;
	uint32_t i, nb, v;

	if (!cls)
		return NULL;
	cls->t = malloc((old->ntuples + 8) * sizeof(*cls->t));
	if (!cls->t)
		goto err_free;
	memcpy(cls->edits, old->edits, old->nedits * sizeof(old->edits[0]));
	cls->nedits = old->nedits;
	ed = &cls->edits[cls->nedits++];
	ed->pos = d;
	ed->ndel = ndel;
	ed->nins = nins;
	for (i = 0; i < old->ntuples; i++) {
		cls->t[i] = old->t[i];
		cls->t[i].minidx = edit_map(ed, cls->t[i].minidx);
		cls->t[i].maxidx = edit_map(ed, cls->t[i].maxidx);
		(*cls->t[i].refs)++;
	}
	cls->ntuples = old->ntuples;
	bd.cap = old->ntuples + 8;
	/* After the change: old's barriers, shifted. */
	for (i = d + nins; i <= c->nrules; i++) {
		v = old->next_barrier[i - nins + ndel];
		cls->next_barrier[i] = v >= old->nrules ? c->nrules :
				       v - ndel + nins;
	}
	if (build_range(cls, &bd, c, d, d + nins)) {
		free(bd.shapes);
		goto err_free;
	}
	free(bd.shapes);
	cls->nextra = old->nextra + (cls->ntuples - old->ntuples);
	/* Before d, barriers are where they were; the first one at or
	 * after d is where the rebuilt part says. */
	nb = cls->next_barrier[d];
	for (i = 0; i < d; i++)
		cls->next_barrier[i] = old->next_barrier[i] < d ?
				       old->next_barrier[i] : nb;
	qsort(cls->t, cls->ntuples, sizeof(*cls->t), tuple_cmp);
	return cls;

err_free:
	cls_free(cls);
	return NULL;
}

/* At most this many tuples come from incremental builds before a full one. */
#define MAX_EXTRA_TUPLES 32

void xt_cls_build(struct xt_chain *c, const struct xt_chain *old)
{
	struct build bd = { 0 };
	struct xt_cls *cls;
	int min = xt_cls_min_rules();
	uint32_t d = c->dirty, k = c->keep, ndel, nins;

	c->cls = NULL;
	if (min < 0 || c->nrules < (unsigned)min)
		return;
	if (old && old->cls && old->cls->nrules == old->nrules) {
		if (d >= c->nrules && c->nrules == old->nrules) {
			old->cls->refs++;
			c->cls = old->cls;
			return;
		}
		/* Rules [0, d) and the last k are those of old. */
		if (d > c->nrules)
			d = c->nrules;
		if (d > old->nrules)
			d = old->nrules;
		if (k > c->nrules - d)
			k = c->nrules - d;
		if (k > old->nrules - d)
			k = old->nrules - d;
		ndel = old->nrules - d - k;
		nins = c->nrules - d - k;
		/* Worth it when little is rebuilt. */
		if (old->cls->nextra < MAX_EXTRA_TUPLES &&
		    old->cls->nedits < XT_CLS_MAX_EDITS &&
		    nins <= c->nrules / 8 + 64) {
			c->cls = cls_derive(c, old->cls, d, ndel, nins);
			if (c->cls)
				return;
		}
	}
	cls = cls_alloc(c->nrules);
	if (!cls)
		return;
	cls->next_barrier[c->nrules] = c->nrules;
	if (build_range(cls, &bd, c, 0, c->nrules)) {
		free(bd.shapes);
		cls_free(cls);
		return;
	}
	free(bd.shapes);
	if (cls->ntuples)
		qsort(cls->t, cls->ntuples, sizeof(*cls->t), tuple_cmp);
	c->cls = cls;
}
