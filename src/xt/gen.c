// SPDX-License-Identifier: MIT
/*
 * Ruleset generations: the tables and their built-in chains, drafts cloned
 * from the published generation, the kernel's commit-time checks
 * (translate_table, mark_source_chains, check_entry), per-rule extension
 * state, counter carry-over, and RCU publication. Control path only, under
 * net->ctl_lock; the data path sees a generation only once it is published.
 */
#include "xt/xt_int.h"

#include "base/rcu.h"
#include "core/hook.h"
#include "xt/xt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const xt_hook_names[NS_INET_NUMHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

#define H(x) (1u << NS_INET_##x)

static const struct {
	const char *name;
	unsigned hooks;
	int prio;
	bool available;
} tabdef[XT_TABLE_MAX] = {
	[XT_TABLE_RAW] = { "raw", H(PRE_ROUTING) | H(LOCAL_OUT),
			   NS_IP_PRI_RAW, true },
	[XT_TABLE_MANGLE] = { "mangle", H(PRE_ROUTING) | H(LOCAL_IN) |
			      H(FORWARD) | H(LOCAL_OUT) | H(POST_ROUTING),
			      NS_IP_PRI_MANGLE, true },
	[XT_TABLE_NAT] = { "nat", H(PRE_ROUTING) | H(LOCAL_IN) |
			   H(LOCAL_OUT) | H(POST_ROUTING), NS_IP_PRI_NAT_DST,
			   false },
	[XT_TABLE_FILTER] = { "filter", H(LOCAL_IN) | H(FORWARD) |
			      H(LOCAL_OUT), NS_IP_PRI_FILTER, true },
	[XT_TABLE_SECURITY] = { "security", H(LOCAL_IN) | H(FORWARD) |
				H(LOCAL_OUT), NS_IP_PRI_SECURITY, true },
};

const char *xt_table_name(enum xt_table_id id)
{
	return (unsigned)id < XT_TABLE_MAX ? tabdef[id].name : "?";
}

int xt_table_lookup(const char *name)
{
	int i;

	for (i = 0; i < XT_TABLE_MAX; i++)
		if (tabdef[i].available && !strcmp(tabdef[i].name, name))
			return i;
	return -1;
}

/* ---- errors ---------------------------------------------------------- */

int xt_err_set(struct xt_err *e, enum xt_err_kind kind, const char *fmt, ...)
{
	va_list ap;

	e->kind = kind;
	sbuf_reset(&e->msg);
	sbuf_adds(&e->msg, "");
	va_start(ap, fmt);
	sbuf_vaddf(&e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int xt_err_kernel(struct xt_err *e, int errnum, const char *msg)
{
	xt_err_set(e, XT_E_KERNEL, "%s", msg ? msg : strerror(errnum));
	e->errnum = errnum;
	return -1;
}

int xt_err_report(const struct xt_err *e, const char *prog,
		  struct sbuf *err)
{
	switch (e->kind) {
	case XT_E_NONE:
		return 0;
	case XT_E_KERNEL:
		sbuf_addf(err, "%s: %s.%s\n", prog, sbuf_str(&e->msg),
			  e->errnum == EINVAL ?
			  " Run `dmesg' for more information." : "");
		return 1;
	case XT_E_PARAM:
		sbuf_addf(err, "%s " XT_VERSION " (legacy): %s\n", prog,
			  sbuf_str(&e->msg));
		sbuf_addf(err, "Try `%s -h' or '%s --help' for more "
			  "information.\n", prog, prog);
		return 2;
	case XT_E_BADARG:
		sbuf_addf(err, "Bad argument `%s'\n", sbuf_str(&e->msg));
		sbuf_addf(err, "Try `%s -h' or '%s --help' for more "
			  "information.\n", prog, prog);
		return 2;
	case XT_E_TABLE:
		sbuf_addf(err, "%s " XT_VERSION " (legacy): %s\n", prog,
			  sbuf_str(&e->msg));
		sbuf_adds(err, "Perhaps iptables or your kernel needs to be "
			  "upgraded.\n");
		return 3;
	case XT_E_OTHER:
		sbuf_addf(err, "%s " XT_VERSION " (legacy): %s\n", prog,
			  sbuf_str(&e->msg));
		return 1;
	case XT_E_TRYHELP:
		sbuf_addf(err, "Try `%s -h' or '%s --help' for more "
			  "information.\n", prog, prog);
		return 2;
	}
	return 1;
}

/* ---- rules and chains ------------------------------------------------ */

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
	return a->src == b->src && a->smsk == b->smsk && a->dst == b->dst &&
	       a->dmsk == b->dmsk && !strcmp(a->iniface, b->iniface) &&
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

static struct xt_chain *chain_new(const char *name, int hook)
{
	struct xt_chain *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->hook = hook;
	c->policy = NS_ACCEPT;
	c->from = -1;
	return c;
}

static void chain_free(struct xt_chain *c)
{
	unsigned i;

	if (!c)
		return;
	for (i = 0; i < c->nrules; i++)
		xt_rule_free(c->rules[i]);
	free(c->rules);
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
	c = chain_new(name, -1);
	if (!c)
		return -ENOMEM;
	nc = realloc(t->chains, (t->nchains + 1) * sizeof(*nc));
	if (!nc) {
		chain_free(c);
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
	chain_free(c);
}

void xt_chain_flush(struct xt_chain *c)
{
	unsigned i;

	for (i = 0; i < c->nrules; i++)
		xt_rule_free(c->rules[i]);
	c->nrules = 0;
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
	memmove(&c->rules[pos], &c->rules[pos + 1],
		(c->nrules - pos - 1) * sizeof(c->rules[0]));
	c->nrules--;
}

/* ---- tables and generations ----------------------------------------- */

static void table_free(struct xt_table *t)
{
	unsigned i;

	if (!t)
		return;
	for (i = 0; i < t->nchains; i++)
		chain_free(t->chains[i]);
	free(t->chains);
	free(t);
}

static struct xt_table *table_new(enum xt_table_id id)
{
	struct xt_table *t;
	int h;

	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->id = id;
	t->name = tabdef[id].name;
	t->valid_hooks = tabdef[id].hooks;
	t->chains = calloc(NS_INET_NUMHOOKS, sizeof(*t->chains));
	if (!t->chains)
		goto err_free;
	for (h = 0; h < NS_INET_NUMHOOKS; h++) {
		struct xt_chain *c;

		if (!(t->valid_hooks & (1u << h)))
			continue;
		c = chain_new(xt_hook_names[h], h);
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
		struct xt_chain *c = chain_new(sc->name, sc->hook);

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
	for (i = 0; i < NS_MAX_WORKERS; i++)
		free(g->w[i]);
	free(g);
}

struct xt_gen *xt_gen_clone(const struct xt_gen *cur)
{
	struct xt_gen *g;
	int i;

	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->prev = cur;
	for (i = 0; i < XT_TABLE_MAX; i++) {
		if (!tabdef[i].available)
			continue;
		g->t[i] = cur && cur->t[i] ? table_clone(cur->t[i]) :
					     table_new(i);
		if (!g->t[i])
			goto err_free;
	}
	return g;

err_free:
	xt_gen_free(g);
	return NULL;
}

/* ---- counters -------------------------------------------------------- */

static struct xt_cnt slot_read(const struct xt_gen *g, unsigned idx)
{
	struct xt_cnt c = { 0, 0 };
	int w;

	if (!g || !g->base || idx >= g->ncnt)
		return c;
	c = g->base[idx];
	for (w = 0; w < NS_MAX_WORKERS; w++) {
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

/* ---- commit-time checks (translate_table) ---------------------------- */

/* Resolve jumps and count references. Drafts only: the data path reads
 * jchain of a published generation. */
void xt_refs_compute(struct xt_table *t)
{
	unsigned i, j;

	for (i = 0; i < t->nchains; i++)
		t->chains[i]->refs = 0;
	for (i = 0; i < t->nchains; i++) {
		struct xt_chain *c = t->chains[i];

		for (j = 0; j < c->nrules; j++) {
			struct xt_rule *r = c->rules[j];

			r->jchain = NULL;
			if (r->vk != XT_VK_JUMP && r->vk != XT_VK_GOTO)
				continue;
			r->jchain = xt_chain_find(t, r->jname);
			if (r->jchain)
				r->jchain->refs++;
		}
	}
}

bool xt_rule_is_tail(const struct xt_rule *r)
{
	const struct xt_ip *ip = &r->ip;

	if (r->vk != XT_VK_ACCEPT && r->vk != XT_VK_DROP &&
	    r->vk != XT_VK_RETURN)
		return false;
	return !(r->nm || ip->src || ip->smsk || ip->dst || ip->dmsk ||
		 ip->iniface[0] || ip->outiface[0] || ip->in_wild ||
		 ip->out_wild || ip->proto || ip->flags || ip->invflags);
}

/* Rules of c the kernel's walk reaches: up to the first tail-like rule. */
static unsigned chain_reach(const struct xt_chain *c)
{
	unsigned j;

	for (j = 0; j < c->nrules; j++)
		if (xt_rule_is_tail(c->rules[j]))
			return j + 1;
	return c->nrules;
}

/*
 * DFS over jumps/gotos: refuse cycles (ELOOP), collect hook masks. As
 * mark_source_chains(), the walk of a chain ends at its first
 * unconditional ACCEPT/DROP/RETURN: jumps after it are never followed.
 */
static int chain_walk(struct xt_chain *c, unsigned mask, unsigned depth,
		      unsigned jumps)
{
	unsigned j, reach;
	int err;

	if (c->mark == 1)
		return -ELOOP;
	if (depth > XT_MAX_CHAINS)
		return -ELOOP;
	/* The interpreter's jump stack is fixed (no allocation on the data
	 * path): refuse rulesets that nest deeper than it. */
	if (jumps > XT_MAX_JUMPS)
		return -ENOMEM;
	if (c->mark == 2 && (c->hook_mask | mask) == c->hook_mask &&
	    jumps <= c->jdepth)
		return 0;
	c->hook_mask |= mask;
	if (jumps > c->jdepth)
		c->jdepth = jumps;
	c->mark = 1;
	reach = chain_reach(c);
	for (j = 0; j < reach; j++) {
		struct xt_rule *r = c->rules[j];

		if (!r->jchain)
			continue;
		err = chain_walk(r->jchain, mask, depth + 1,
				 jumps + (r->vk == XT_VK_JUMP));
		if (err)
			return err;
	}
	c->mark = 2;
	return 0;
}

static int check_one(const struct xt_table *t, const struct xt_chain *c,
		     const struct xt_rule *r, const struct xt_mi *mi,
		     struct xt_err *e)
{
	const struct xt_ext_ops *ops = mi->ops;
	struct sbuf msg = SBUF_INIT;
	struct xt_check_ctx ctx = {
		.table = t->name, .chain = c->name,
		.hook_mask = r->hook_mask, .ip = &r->ip, .msg = &msg,
	};
	int rc;

	if (ops->table && strcmp(ops->table, t->name))
		return xt_err_kernel(e, EINVAL, NULL);
	if (ops->hooks && (r->hook_mask & ~ops->hooks))
		return xt_err_kernel(e, EINVAL, NULL);
	if (ops->proto && (ops->proto != r->ip.proto ||
			   (r->ip.invflags & XT_INV_PROTO)))
		return xt_err_kernel(e, EINVAL, NULL);
	if (!ops->check)
		return 0;
	rc = ops->check(&ctx, mi->data);
	sbuf_free(&msg);
	if (rc)
		return xt_err_kernel(e, rc < 0 ? -rc : EINVAL, NULL);
	return 0;
}

static int table_check(struct xt_table *t, struct xt_err *e)
{
	unsigned i, j, k;
	int err, h;

	xt_refs_compute(t);
	for (i = 0; i < t->nchains; i++) {
		struct xt_chain *c = t->chains[i];

		c->mark = 0;
		c->hook_mask = 0;
		c->jdepth = 0;
		for (j = 0; j < c->nrules; j++) {
			struct xt_rule *r = c->rules[j];

			if ((r->vk == XT_VK_JUMP || r->vk == XT_VK_GOTO) &&
			    !r->jchain)
				return xt_err_kernel(e, ENOENT, "No chain/"
						     "target/match by that "
						     "name");
			/* A jump to a built-in chain: translate_table()
			 * refuses it (mark_source_chains: EINVAL). */
			if ((r->vk == XT_VK_JUMP || r->vk == XT_VK_GOTO) &&
			    r->jchain->hook >= 0)
				return xt_err_kernel(e, EINVAL, NULL);
		}
	}
	for (h = 0; h < NS_INET_NUMHOOKS; h++) {
		if (!t->hook_chain[h])
			continue;
		err = chain_walk(t->hook_chain[h], 1u << h, 0, 0);
		if (err)
			return xt_err_kernel(e, -err, NULL);
	}
	/*
	 * Like mark_source_chains(), only what a hook reaches is walked: a
	 * loop among chains no hook reaches is accepted (as the kernel
	 * does), and refused once a jump makes it reachable.
	 */
	for (i = 0; i < t->nchains; i++) {
		struct xt_chain *c = t->chains[i];

		unsigned reach = chain_reach(c);

		for (j = 0; j < c->nrules; j++) {
			struct xt_rule *r = c->rules[j];

			/* The kernel's comefrom: 0 for rules no walk
			 * reaches (after a chain's first tail-like rule). */
			r->hook_mask = j < reach ? c->hook_mask : 0;
			for (k = 0; k < r->nm; k++)
				if (check_one(t, c, r, &r->m[k], e))
					return -1;
			if (r->vk == XT_VK_EXT && check_one(t, c, r, &r->t, e))
				return -1;
		}
	}
	return 0;
}

/* ---- state and publication ------------------------------------------ */

static int mi_state(struct xt_mi *mi)
{
	if (!mi->ops || !mi->ops->state_create)
		return 0;
	return mi->ops->state_create(mi->data, &mi->state);
}

static void gen_states_destroy(struct xt_gen *g)
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

static int gen_build(struct xt_gen *g, struct xt_err *e)
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
	if (!g->base)
		goto err_nomem;
	for (w = 0; w < NS_MAX_WORKERS; w++) {
		g->w[w] = calloc(n ? n : 1, sizeof(*g->w[w]));
		if (!g->w[w])
			goto err_nomem;
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
					err = mi_state(&r->m[k]);
					if (err)
						goto err_state;
				}
				if (r->vk == XT_VK_EXT) {
					err = mi_state(&r->t);
					if (err)
						goto err_state;
				}
			}
		}
	}
	return 0;

err_state:
	gen_states_destroy(g);
	return xt_err_kernel(e, err < 0 ? -err : ENOMEM, NULL);
err_nomem:
	return xt_err_kernel(e, ENOMEM, "Memory allocation problem");
}

/* Take the old generation's counts into the new one for carried slots. */
static void gen_carry(struct xt_gen *g, const struct xt_gen *old, bool final)
{
	unsigned i, j;
	int ti;

	if (!old || !old->base)
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
				int w;

				if (from < 0 || (unsigned)from >= old->ncnt)
					continue;
				if (!final) {
					v = old->base[from];
				} else {
					v.pcnt = v.bcnt = 0;
					for (w = 0; w < NS_MAX_WORKERS; w++) {
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
static void policy_counters_reset(struct xt_table *t)
{
	unsigned i;

	for (i = 0; i < t->nchains; i++)
		if (t->chains[i]->hook >= 0 && t->chains[i]->from >= 0)
			t->chains[i]->from = -1;
	t->changed = false;
}

int xt_gen_commit(struct xt_net *xn, struct xt_gen *g, struct xt_err *e)
{
	struct xt_gen *old = xn->cur;
	int ti;

	for (ti = 0; ti < XT_TABLE_MAX; ti++)
		if (g->t[ti] && table_check(g->t[ti], e))
			return -1;
	if (gen_build(g, e))
		return -1;
	/* Cannot fail after this point. */
	for (ti = 0; ti < XT_TABLE_MAX; ti++)
		if (g->t[ti] && g->t[ti]->changed)
			policy_counters_reset(g->t[ti]);
	gen_carry(g, old, false);
	g->published = true;
	g->prev = NULL;
	ns_rcu_assign(xn->cur, g);
	ns_rcu_synchronize();
	gen_carry(g, old, true);
	if (old) {
		gen_states_destroy(old);
		xt_gen_free(old);
	}
	return 0;
}


/* ---- the tables' hooks ------------------------------------------------ */

static unsigned int xt_hookfn(void *priv, struct pkt *pkt,
			      const struct ns_hook_state *st)
{
	const struct xt_hook_priv *hp = priv;
	const struct xt_gen *gen = pkt->xt_gen;

	if (!gen) {
		gen = ns_rcu_dereference(hp->xn->cur);
		pkt->xt_gen = gen;
	}
	if (!gen || !gen->t[hp->id])
		return NS_ACCEPT;
	return xt_do_table(st->net, gen, gen->t[hp->id], st->hook, pkt,
			   st->in, st->out);
}

/*
 * Instantiate table id: register its hook functions. The kernel creates a
 * table in a namespace on first use (xt_find_table_lock -> table_init) and
 * keeps it until the namespace goes; nothing unregisters it before
 * xt_net_fini().
 */
static int table_instantiate(struct xt_net *xn, enum xt_table_id id)
{
	int h, err, first = xn->nhooks;

	for (h = 0; h < NS_INET_NUMHOOKS; h++) {
		struct ns_hook_ops *ops;

		if (!(tabdef[id].hooks & (1u << h)))
			continue;
		if (xn->nhooks >= (int)(sizeof(xn->hooks) /
					sizeof(xn->hooks[0]))) {
			err = -ENOSPC;
			goto err_unregister;
		}
		ops = &xn->hooks[xn->nhooks];
		ops->hook = xt_hookfn;
		ops->priv = &xn->priv[id];
		ops->pf = NS_PF_INET;
		ops->hooknum = h;
		ops->priority = tabdef[id].prio;
		err = ns_hook_register(xn->net, ops);
		if (err)
			goto err_unregister;
		xn->nhooks++;
	}
	return 0;

err_unregister:
	while (xn->nhooks > first)
		ns_hook_unregister(xn->net, &xn->hooks[--xn->nhooks]);
	return err;
}

int xt_table_touch(struct xt_net *xn, enum xt_table_id id)
{
	int err;

	if (xn->load_seq[id])
		return 0;
	if (!tabdef[id].available)
		return -ENOENT;
	err = table_instantiate(xn, id);
	if (err)
		return err;
	xn->load_seq[id] = ++xn->next_seq;
	return 0;
}

bool xt_table_loaded(const struct xt_net *xn, enum xt_table_id id)
{
	return xn->load_seq[id] != 0;
}

int xt_net_init(struct net *net)
{
	struct xt_net *xn;
	struct xt_gen *g;
	struct xt_err e = { 0 };
	int ti;

	xn = calloc(1, sizeof(*xn));
	if (!xn)
		return -ENOMEM;
	xn->net = net;
	g = xt_gen_clone(NULL);
	if (!g) {
		free(xn);
		return -ENOMEM;
	}
	if (xt_gen_commit(xn, g, &e)) {
		sbuf_free(&e.msg);
		xt_gen_free(g);
		free(xn);
		return -ENOMEM;
	}
	net->xt = xn;
	/* Hooks are registered per table on first use (xt_table_touch). */
	for (ti = 0; ti < XT_TABLE_MAX; ti++) {
		xn->priv[ti].xn = xn;
		xn->priv[ti].id = ti;
	}
	return 0;
}

void xt_net_fini(struct net *net)
{
	struct xt_net *xn = net->xt;
	int i;

	if (!xn)
		return;
	for (i = 0; i < xn->nhooks; i++)
		ns_hook_unregister(net, &xn->hooks[i]);
	if (xn->cur) {
		gen_states_destroy(xn->cur);
		xt_gen_free(xn->cur);
	}
	free(xn);
	net->xt = NULL;
}
