// SPDX-License-Identifier: MIT
/*
 * The kernel's commit-time checks of a table (translate_table,
 * mark_source_chains, check_entry): jumps resolved and counted, jumps to
 * built-ins and loops refused, the jump depth bounded, the hooks that
 * reach every rule computed, and every match and target checked against
 * its table, hooks and protocol and by its own check. Control path only,
 * on drafts.
 */
#include "xt/xt_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
	return !(r->nm || ip->src.ip || ip->smsk.ip || ip->dst.ip || ip->dmsk.ip ||
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

const void *xt_check_match(const struct xt_check_ctx *ctx, unsigned i,
			   const struct xt_ext_ops **ops)
{
	const struct xt_rule *r = ctx->rule;

	if (!r || i >= r->nm)
		return NULL;
	*ops = r->m[i].ops;
	return r->m[i].data;
}

static int check_one(const struct xt_table *t, const struct xt_chain *c,
		     const struct xt_rule *r, const struct xt_mi *mi,
		     struct net *net, struct xt_err *e)
{
	const struct xt_ext_ops *ops = mi->ops;
	struct sbuf msg = SBUF_INIT;
	const char *unsupported = NULL;
	struct xt_check_ctx ctx = {
		.table = t->name, .chain = c->name,
		.hook_mask = r->hook_mask, .ip = &r->ip, .msg = &msg,
		.net = net, .unsupported = &unsupported, .rule = r,
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
	if (rc && unsupported)
		snprintf(e->unsupported, sizeof(e->unsupported), "%s",
			 unsupported);
	/* iptc_strerror(): ENOENT is a match or target the kernel lacks. */
	if (rc == -ENOENT)
		return xt_err_kernel(e, ENOENT, "No chain/target/match by "
				     "that name");
	if (rc)
		return xt_err_kernel(e, rc < 0 ? -rc : EINVAL, NULL);
	return 0;
}

int xt_table_check(struct xt_table *t, struct net *net, struct xt_err *e)
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
				if (check_one(t, c, r, &r->m[k], net, e))
					return -1;
			if (r->vk == XT_VK_EXT &&
			    check_one(t, c, r, &r->t, net, e))
				return -1;
		}
	}
	return 0;
}
