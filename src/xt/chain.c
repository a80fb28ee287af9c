// SPDX-License-Identifier: MIT
/*
 * Chains and their rules as objects of a draft generation: create, find
 * (built-ins first, user chains sorted by name as libiptc keeps them),
 * insert, delete, flush, remove; rules copied without their state and
 * compared as libiptc compares them for -D/-C. Control path only.
 */
#include "xt/xt_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void mi_free(struct xt_mi *mi)
{
	if (mi->state && mi->ops && mi->ops->state_destroy)
		mi->ops->state_destroy(mi->state);
	mi->state = NULL;
	free(mi->data);
	mi->data = NULL;
}

void xt_rule_free(struct xt_rule *r)
{
	unsigned i;

	if (!r)
		return;
	for (i = 0; i < r->nm; i++)
		mi_free(&r->m[i]);
	free(r->m);
	mi_free(&r->t);
	free(r);
}

static int mi_dup(struct xt_mi *dst, const struct xt_mi *src)
{
	*dst = *src;
	dst->state = NULL;
	dst->data = NULL;
	if (!src->ops)
		return 0;
	dst->data = calloc(1, src->ops->size ? src->ops->size : 1);
	if (!dst->data)
		return -ENOMEM;
	if (src->ops->size)
		memcpy(dst->data, src->data, src->ops->size);
	return 0;
}

struct xt_rule *xt_rule_dup(const struct xt_rule *r)
{
	struct xt_rule *n;
	unsigned i;

	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	*n = *r;
	n->m = NULL;
	n->nm = 0;
	n->t.data = NULL;
	n->t.state = NULL;
	n->jchain = NULL;
	if (r->nm) {
		n->m = calloc(r->nm, sizeof(*n->m));
		if (!n->m)
			goto err_free;
		for (i = 0; i < r->nm; i++) {
			if (mi_dup(&n->m[i], &r->m[i]))
				goto err_free;
			n->nm++;
		}
	}
	if (mi_dup(&n->t, &r->t))
		goto err_free;
	return n;

err_free:
	xt_rule_free(n);
	return NULL;
}

static bool mi_equal(const struct xt_mi *a, const struct xt_mi *b)
{
	if (a->ops != b->ops)
		return false;
	if (!a->ops)
		return true;
	return !a->ops->size || !memcmp(a->data, b->data, a->ops->size);
}

static bool ip_equal(const struct xt_ip *a, const struct xt_ip *b)
{
	return a->src.ip == b->src.ip && a->smsk.ip == b->smsk.ip &&
	       a->dst.ip == b->dst.ip && a->dmsk.ip == b->dmsk.ip && !strcmp(a->iniface, b->iniface) &&
	       !strcmp(a->outiface, b->outiface) &&
	       /* libiptc compares names under their masks: "+" is "". */
	       (!a->iniface[0] || a->in_wild == b->in_wild) &&
	       (!a->outiface[0] || a->out_wild == b->out_wild) &&
	       a->proto == b->proto && a->flags == b->flags &&
	       a->invflags == b->invflags;
}

bool xt_rule_equal(const struct xt_rule *a, const struct xt_rule *b)
{
	unsigned i;

	if (!ip_equal(&a->ip, &b->ip) || a->nm != b->nm || a->vk != b->vk)
		return false;
	for (i = 0; i < a->nm; i++)
		if (!mi_equal(&a->m[i], &b->m[i]))
			return false;
	if (a->vk == XT_VK_EXT && !mi_equal(&a->t, &b->t))
		return false;
	if ((a->vk == XT_VK_JUMP || a->vk == XT_VK_GOTO) &&
	    strcmp(a->jname, b->jname))
		return false;
	return true;
}

struct xt_chain *xt_chain_new(const char *name, int hook)
{
	struct xt_chain *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->hook = hook;
	c->policy = NS_ACCEPT;
	c->from = -1;
	c->dirty = 0;
	c->keep = 0;
	return c;
}

void xt_chain_free(struct xt_chain *c)
{
	unsigned i;

	if (!c)
		return;
	for (i = 0; i < c->nrules; i++)
		xt_rule_free(c->rules[i]);
	free(c->rules);
	xt_cls_put(c->cls);
	free(c);
}

struct xt_chain *xt_chain_find(const struct xt_table *t, const char *name)
{
	unsigned i, lo, hi;

	if (!t)
		return NULL;
	/* Built-ins first, then user chains sorted by name: search those. */
	for (i = 0; i < t->nchains && t->chains[i]->hook >= 0; i++)
		if (!strcmp(t->chains[i]->name, name))
			return t->chains[i];
	lo = i;
	hi = t->nchains;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = strcmp(t->chains[mid]->name, name);

		if (!c)
			return t->chains[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int xt_chain_add(struct xt_table *t, const char *name, struct xt_chain **out)
{
	struct xt_chain **nc, *c;
	unsigned pos;

	if (t->nchains >= XT_MAX_CHAINS)
		return -ENOMEM;
	c = xt_chain_new(name, -1);
	if (!c)
		return -ENOMEM;
	nc = realloc(t->chains, (t->nchains + 1) * sizeof(*nc));
	if (!nc) {
		xt_chain_free(c);
		return -ENOMEM;
	}
	t->chains = nc;
	/* Built-ins stay first; user chains are kept sorted (libiptc). */
	for (pos = 0; pos < t->nchains; pos++)
		if (t->chains[pos]->hook < 0 &&
		    strcmp(t->chains[pos]->name, name) > 0)
			break;
	memmove(&t->chains[pos + 1], &t->chains[pos],
		(t->nchains - pos) * sizeof(*nc));
	t->chains[pos] = c;
	t->nchains++;
	if (out)
		*out = c;
	return 0;
}

void xt_chain_remove(struct xt_table *t, struct xt_chain *c)
{
	unsigned i;

	for (i = 0; i < t->nchains; i++)
		if (t->chains[i] == c)
			break;
	if (i == t->nchains)
		return;
	memmove(&t->chains[i], &t->chains[i + 1],
		(t->nchains - i - 1) * sizeof(c));
	t->nchains--;
	xt_chain_free(c);
}

void xt_chain_flush(struct xt_chain *c)
{
	unsigned i;

	for (i = 0; i < c->nrules; i++)
		xt_rule_free(c->rules[i]);
	c->nrules = 0;
	c->dirty = 0;
	c->keep = 0;
}

int xt_chain_insert(struct xt_chain *c, unsigned pos, struct xt_rule *r)
{
	if (c->nrules == c->cap) {
		unsigned ncap = c->cap ? c->cap * 2 : 8;
		struct xt_rule **nr = realloc(c->rules, ncap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		c->rules = nr;
		c->cap = ncap;
	}
	if (pos > c->nrules)
		pos = c->nrules;
	if (pos < c->dirty)
		c->dirty = pos;
	if (c->nrules - pos < c->keep)
		c->keep = c->nrules - pos;
	memmove(&c->rules[pos + 1], &c->rules[pos],
		(c->nrules - pos) * sizeof(r));
	c->rules[pos] = r;
	c->nrules++;
	return 0;
}

void xt_chain_delete(struct xt_chain *c, unsigned pos)
{
	if (pos >= c->nrules)
		return;
	xt_rule_free(c->rules[pos]);
	if (pos < c->dirty)
		c->dirty = pos;
	if (c->nrules - pos - 1 < c->keep)
		c->keep = c->nrules - pos - 1;
	memmove(&c->rules[pos], &c->rules[pos + 1],
		(c->nrules - pos - 1) * sizeof(c->rules[0]));
	c->nrules--;
}
