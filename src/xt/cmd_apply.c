// SPDX-License-Identifier: MIT
/*
 * Applying a changing iptables command to one table of a draft generation:
 * append/insert/replace/delete/check rules (one per -s x -d pair), flush,
 * zero, new/delete/rename chains, policies - with libiptc's error for
 * each refusal. The draft is checked and published by the caller.
 * Control path only.
 */
#include "xt/cmd_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FMT_PRINT_RULE (XT_FMT_NOCOUNTS | XT_FMT_OPTIONS | XT_FMT_VIA | \
			XT_FMT_NUMERIC | XT_FMT_NOTABLE)

static void zero_chain(struct xt_chain *c)
{
	unsigned j;

	c->from = -1;
	c->init.pcnt = c->init.bcnt = 0;
	for (j = 0; j < c->nrules; j++) {
		c->rules[j]->from = -1;
		c->rules[j]->init.pcnt = c->rules[j]->init.bcnt = 0;
	}
}

static int zero_entries(struct parse *p, struct xt_table *t)
{
	struct xt_chain *c;
	unsigned i;

	if (p->chain) {
		/* zero_entries4(): the message comes before the lookup. */
		if (p->verbose)
			sbuf_addf(p->env->out, "Zeroing chain `%s'\n",
				  p->chain);
		c = xt_chain_find(t, p->chain);
		if (!c)
			return xt_err_kernel(p->e, ENOENT, "No chain/target/"
					     "match by that name");
		zero_chain(c);
		return 0;
	}
	for (i = 0; i < t->nchains; i++) {
		if (p->verbose)
			sbuf_addf(p->env->out, "Zeroing chain `%s'\n",
				  t->chains[i]->name);
		zero_chain(t->chains[i]);
	}
	return 0;
}

/* Build the rules for every -s x -d combination (template p->r). */
static int expand_rules(struct parse *p, struct xt_rule ***out, unsigned *n)
{
	unsigned ns = p->ns, nd = p->nd, i, j, k = 0;
	struct xt_rule **rules;

	rules = calloc((size_t)ns * nd, sizeof(*rules));
	if (!rules)
		return xt_err_set(p->e, XT_E_OTHER, "can't alloc memory!");
	for (i = 0; i < ns; i++)
		for (j = 0; j < nd; j++) {
			struct xt_rule *r = xt_rule_dup(p->r);

			if (!r) {
				for (i = 0; i < k; i++)
					xt_rule_free(rules[i]);
				free(rules);
				return xt_err_set(p->e, XT_E_OTHER,
						  "can't alloc memory!");
			}
			r->ip.src = ns_addr4(p->sa[i]);
			r->ip.smsk = ns_addr4(p->sm[i]);
			r->ip.dst = ns_addr4(p->da[j]);
			r->ip.dmsk = ns_addr4(p->dm[j]);
			r->from = -1;
			r->init = p->counters;
			rules[k++] = r;
		}
	*out = rules;
	*n = k;
	return 0;
}

static int delete_chain(struct parse *p, struct xt_table *t,
			struct xt_chain *c)
{
	if (p->verbose)
		sbuf_addf(p->env->out, "Deleting chain `%s'\n", c->name);
	if (c->hook >= 0)
		return xt_err_kernel(p->e, EINVAL, NULL);
	if (c->refs)
		return xt_err_kernel(p->e, EMLINK, NULL);
	if (c->nrules)
		return xt_err_kernel(p->e, ENOTEMPTY, NULL);
	xt_chain_remove(t, c);
	return 0;
}

static int rename_chain(struct parse *p, struct xt_table *t)
{
	struct xt_chain *c = xt_chain_find(t, p->chain), *nc;
	const char *nn = p->newname;
	unsigned i, j;

	char stored[XT_FUNCTION_MAXNAMELEN];

	/* iptc_rename_chain(): the new name first, then the old one, then
	 * the length of an IPT_CHAINLABEL (32 with its NUL). */
	if (xt_chain_find(t, nn) || !strcmp(nn, "ACCEPT") ||
	    !strcmp(nn, "DROP") || !strcmp(nn, "QUEUE") ||
	    !strcmp(nn, "RETURN"))
		return xt_err_kernel(p->e, EEXIST, NULL);
	if (!c || c->hook >= 0)
		return xt_err_kernel(p->e, ENOENT, "No chain/target/match by "
				     "that name");
	if (strlen(nn) + 1 > 32)
		return xt_err_kernel(p->e, EINVAL, NULL);
	/* The kernel keeps a user chain's name in its ERROR target's
	 * XT_FUNCTION_MAXNAMELEN bytes: 30- and 31-char names come back
	 * cut to 29. */
	snprintf(stored, sizeof(stored), "%s", nn);
	nn = stored;
	/* Re-insert under the new name to keep the order sorted. */
	if (xt_chain_add(t, nn, &nc))
		return xt_err_kernel(p->e, ENOMEM, "Memory allocation "
				     "problem");
	nc->rules = c->rules;
	nc->nrules = c->nrules;
	nc->cap = c->cap;
	c->rules = NULL;
	c->nrules = c->cap = 0;
	for (i = 0; i < t->nchains; i++)
		for (j = 0; j < t->chains[i]->nrules; j++) {
			struct xt_rule *r = t->chains[i]->rules[j];

			if ((r->vk == XT_VK_JUMP || r->vk == XT_VK_GOTO) &&
			    !strcmp(r->jname, c->name))
				snprintf(r->jname, sizeof(r->jname), "%s", nn);
		}
	xt_chain_remove(t, c);
	return 0;
}

static int set_policy(struct parse *p, struct xt_table *t)
{
	struct xt_chain *c = xt_chain_find(t, p->chain);

	if (!c || c->hook < 0)
		return xt_err_kernel(p->e, ENOENT, "Bad built-in chain name");
	if (!strcmp(p->policy, "ACCEPT"))
		c->policy = NS_ACCEPT;
	else if (!strcmp(p->policy, "DROP"))
		c->policy = NS_DROP;
	else
		return xt_err_kernel(p->e, EINVAL, "Bad policy name");
	if (p->options & OPT_COUNTERS) {
		c->from = -1;
		c->init = p->counters;
	}
	return 0;
}

/*
 * libiptc's iptcc_map_target() refuses a jump or goto to a built-in chain
 * (EINVAL) when the rule is added, inserted, replaced, deleted or checked,
 * after it found the chain (and the index): before any commit.
 */
static int builtin_jump(struct parse *p, struct xt_table *t,
			const struct xt_rule *r)
{
	const struct xt_chain *to;

	if (r->vk != XT_VK_JUMP && r->vk != XT_VK_GOTO)
		return 0;
	to = xt_chain_find(t, r->jname);
	if (!to || to->hook < 0)
		return 0;
	return xt_err_kernel(p->e, EINVAL, NULL);
}

static int rule_cmd(struct parse *p, struct xt_table *t)
{
	struct xt_chain *c = xt_chain_find(t, p->chain);
	struct xt_rule **rules = NULL;
	unsigned n = 0, i, j;
	int rc = -1;

	if (expand_rules(p, &rules, &n))
		return -1;
	for (i = 0; i < n; i++) {
		struct xt_rule *r = rules[i];

		if (p->verbose)
			xt_rule_print(r, r->init, 0, FMT_PRINT_RULE,
				      p->env->out);
		if (p->command & (CMD_DELETE | CMD_CHECK)) {
			if (!c) {
				xt_err_kernel(p->e, ENOENT, "Bad rule (does a "
					      "matching rule exist in that "
					      "chain?)");
				goto out;
			}
			if (builtin_jump(p, t, r))
				goto out;
			for (j = 0; j < c->nrules; j++)
				if (xt_rule_equal(c->rules[j], r))
					break;
			if (j == c->nrules) {
				/* libiptc maps a chain or extension target
				 * first; its errno wins then. */
				xt_err_kernel(p->e, ENOENT,
					      r->vk == XT_VK_JUMP ||
					      r->vk == XT_VK_GOTO ||
					      r->vk == XT_VK_EXT ?
					      "No chain/target/match by that "
					      "name" :
					      "Bad rule (does a matching rule "
					      "exist in that chain?)");
				goto out;
			}
			if (p->command & CMD_DELETE)
				xt_chain_delete(c, j);
			continue;
		}
		if (!c) {
			xt_err_kernel(p->e, ENOENT, "No chain/target/match by "
				      "that name");
			goto out;
		}
		if (p->command & CMD_APPEND) {
			if (builtin_jump(p, t, r))
				goto out;
			if (xt_chain_insert(c, c->nrules, r))
				goto nomem;
		} else if (p->command & CMD_INSERT) {
			/* Each address pair goes to the same position,
			 * so the last one ends up first (as iptables). */
			if (p->rulenum - 1 > c->nrules) {
				xt_err_kernel(p->e, E2BIG, "Index of insertion"
					      " too big");
				goto out;
			}
			if (builtin_jump(p, t, r))
				goto out;
			if (xt_chain_insert(c, p->rulenum - 1, r))
				goto nomem;
		} else if (p->command & CMD_REPLACE) {
			if (p->rulenum - 1 >= c->nrules) {
				xt_err_kernel(p->e, E2BIG, "Index of "
					      "replacement too big");
				goto out;
			}
			if (builtin_jump(p, t, r))
				goto out;
			xt_rule_free(c->rules[p->rulenum - 1]);
			c->rules[p->rulenum - 1] = r;
			if (p->rulenum - 1 < c->dirty)
				c->dirty = p->rulenum - 1;
			if (c->nrules - p->rulenum < c->keep)
				c->keep = c->nrules - p->rulenum;
		}
		rules[i] = NULL;
	}
	rc = 0;
	goto out;
nomem:
	xt_err_kernel(p->e, ENOMEM, "Memory allocation problem");
out:
	for (i = 0; i < n; i++)
		xt_rule_free(rules[i]);
	free(rules);
	return rc;
}

/* Apply a changing command to table t of a draft. */
int xt_cmd_apply(struct parse *p, struct xt_table *t)
{
	struct xt_chain *c;
	unsigned i;

	switch (p->command) {
	case CMD_APPEND:
	case CMD_INSERT:
	case CMD_REPLACE:
	case CMD_DELETE:
	case CMD_CHECK:
		return rule_cmd(p, t);
	case CMD_DELETE_NUM:
		c = xt_chain_find(t, p->chain);
		if (!c)
			return xt_err_kernel(p->e, ENOENT, "No chain/target/"
					     "match by that name");
		if (p->rulenum > c->nrules)
			return xt_err_kernel(p->e, E2BIG, "Index of deletion "
					     "too big");
		xt_chain_delete(c, p->rulenum - 1);
		return 0;
	case CMD_FLUSH:
		if (p->chain) {
			/* flush_entries4(): message, then lookup. */
			if (p->verbose)
				sbuf_addf(p->env->out, "Flushing chain `%s'\n",
					  p->chain);
			c = xt_chain_find(t, p->chain);
			if (!c)
				return xt_err_kernel(p->e, ENOENT, "No chain/"
						     "target/match by that "
						     "name");
			xt_chain_flush(c);
			return 0;
		}
		for (i = 0; i < t->nchains; i++) {
			if (p->verbose)
				sbuf_addf(p->env->out, "Flushing chain `%s'\n",
					  t->chains[i]->name);
			xt_chain_flush(t->chains[i]);
		}
		return 0;
	case CMD_ZERO:
	case CMD_LIST | CMD_ZERO:
	case CMD_LIST_RULES | CMD_ZERO:
		return zero_entries(p, t);
	case CMD_ZERO_NUM:
	case CMD_LIST | CMD_ZERO_NUM:
	case CMD_LIST_RULES | CMD_ZERO_NUM:
		c = xt_chain_find(t, p->chain);
		if (!c)
			return xt_err_kernel(p->e, ENOENT, "No chain/target/"
					     "match by that name");
		if (p->rulenum > c->nrules)
			return xt_err_kernel(p->e, E2BIG, "Index of counter "
					     "too big");
		c->rules[p->rulenum - 1]->from = -1;
		memset(&c->rules[p->rulenum - 1]->init, 0,
		       sizeof(struct xt_cnt));
		return 0;
	case CMD_NEW_CHAIN:
		if (xt_chain_find(t, p->chain))
			return xt_err_kernel(p->e, EEXIST, "Chain already "
					     "exists");
		if (xt_chain_add(t, p->chain, NULL))
			return xt_err_kernel(p->e, ENOMEM, "Memory allocation"
					     " problem");
		return 0;
	case CMD_DELETE_CHAIN:
		/* References only matter here (and for -L): count them now,
		 * not for every command of a long iptables-restore. */
		xt_refs_compute(t);
		if (p->chain) {
			c = xt_chain_find(t, p->chain);
			if (!c) {
				/* delete_chain4(): message, then lookup. */
				if (p->verbose)
					sbuf_addf(p->env->out, "Deleting chain"
						  " `%s'\n", p->chain);
				return xt_err_kernel(p->e, ENOENT, "No chain/"
						     "target/match by that "
						     "name");
			}
			return delete_chain(p, t, c);
		}
		for (i = 0; i < t->nchains;) {
			c = t->chains[i];
			if (c->hook >= 0) {
				i++;
				continue;
			}
			if (delete_chain(p, t, c))
				return -1;
		}
		return 0;
	case CMD_RENAME_CHAIN:
		return rename_chain(p, t);
	case CMD_SET_POLICY:
		return set_policy(p, t);
	}
	return xt_err_set(p->e, XT_E_PARAM, "unsupported command combination");
}
