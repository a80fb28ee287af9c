// SPDX-License-Identifier: MIT
/*
 * Listing a table as the iptables command does: -L (list_entries4: the
 * chain headers with policy counters or references, then print_firewall
 * per rule) and -S (list_rules4: -P/-N lines, then the save form).
 * Reads a published generation or a draft; writes neither. Control path.
 */
#include "xt/cmd_int.h"

#include <errno.h>
#include <string.h>

static void print_header(const struct xt_gen *g, const struct xt_chain *c,
			 unsigned f, struct sbuf *sb)
{
	sbuf_addf(sb, "Chain %s", c->name);
	if (c->hook >= 0) {
		sbuf_addf(sb, " (policy %s",
			  c->policy == NS_ACCEPT ? "ACCEPT" : "DROP");
		if (!(f & XT_FMT_NOCOUNTS)) {
			struct xt_cnt cnt = xt_policy_cnt(g, c);

			sbuf_addc(sb, ' ');
			xt_print_num(cnt.pcnt, f | XT_FMT_NOTABLE, sb);
			sbuf_adds(sb, "packets, ");
			xt_print_num(cnt.bcnt, f | XT_FMT_NOTABLE, sb);
			sbuf_adds(sb, "bytes");
		}
		sbuf_adds(sb, ")\n");
	} else {
		sbuf_addf(sb, " (%u references)\n", c->refs);
	}
	if (f & XT_FMT_LINENUMBERS)
		sbuf_addf(sb, "%-4s ", "num");
	if (!(f & XT_FMT_NOCOUNTS)) {
		if (f & XT_FMT_KMG) {
			sbuf_addf(sb, "%5s ", "pkts");
			sbuf_addf(sb, "%5s ", "bytes");
		} else {
			sbuf_addf(sb, "%8s ", "pkts");
			sbuf_addf(sb, "%10s ", "bytes");
		}
	}
	sbuf_addf(sb, "%-9s ", "target");
	sbuf_adds(sb, " prot ");
	sbuf_adds(sb, "opt");
	if (f & XT_FMT_VIA) {
		sbuf_addf(sb, " %-6s ", "in");
		sbuf_addf(sb, "%-6s ", "out");
	}
	sbuf_addf(sb, " %-19s ", "source");
	sbuf_addf(sb, " %-19s ", "destination");
	sbuf_addc(sb, '\n');
}

int xt_cmd_list_entries(struct parse *p, const struct xt_gen *g,
			const struct xt_table *t)
{
	unsigned f = XT_FMT_OPTIONS, i, j;
	bool found = false;
	struct sbuf *out = p->env->out;

	if (!(p->options & OPT_VERBOSE))
		f |= XT_FMT_NOCOUNTS;
	else
		f |= XT_FMT_VIA;
	if (p->options & OPT_NUMERIC)
		f |= XT_FMT_NUMERIC;
	if (!(p->options & OPT_EXPANDED))
		f |= XT_FMT_KMG;
	if (p->options & OPT_LINENUMBERS)
		f |= XT_FMT_LINENUMBERS;
	for (i = 0; i < t->nchains; i++) {
		const struct xt_chain *c = t->chains[i];

		if (p->chain && strcmp(p->chain, c->name))
			continue;
		if (found)
			sbuf_addc(out, '\n');
		if (!p->rulenum)
			print_header(g, c, f, out);
		for (j = 0; j < c->nrules; j++)
			if (!p->rulenum || j + 1 == p->rulenum)
				xt_rule_print(c->rules[j],
					      xt_rule_cnt(g, c->rules[j]),
					      j + 1, f, out);
		found = true;
	}
	if (!found)
		return xt_err_kernel(p->e, ENOENT, "No chain/target/match by "
				     "that name");
	return 0;
}

int xt_cmd_list_rules(struct parse *p, const struct xt_gen *g,
		      const struct xt_table *t)
{
	int counters = (p->options & OPT_VERBOSE) ? -1 : 0;
	struct sbuf *out = p->env->out;
	bool found = false;
	unsigned i, j;

	for (i = 0; !p->rulenum && i < t->nchains; i++) {
		const struct xt_chain *c = t->chains[i];

		if (p->chain && strcmp(p->chain, c->name))
			continue;
		if (c->hook >= 0) {
			sbuf_addf(out, "-P %s %s", c->name,
				  c->policy == NS_ACCEPT ? "ACCEPT" : "DROP");
			if (counters) {
				struct xt_cnt cnt = xt_policy_cnt(g, c);

				sbuf_addf(out, " -c %llu %llu",
					  (unsigned long long)cnt.pcnt,
					  (unsigned long long)cnt.bcnt);
			}
			sbuf_addc(out, '\n');
		} else {
			sbuf_addf(out, "-N %s\n", c->name);
		}
	}
	for (i = 0; i < t->nchains; i++) {
		const struct xt_chain *c = t->chains[i];

		if (p->chain && strcmp(p->chain, c->name))
			continue;
		for (j = 0; j < c->nrules; j++)
			if (!p->rulenum || j + 1 == p->rulenum)
				xt_rule_save(c->rules[j], c->name, counters,
					     xt_rule_cnt(g, c->rules[j]), out);
		found = true;
	}
	if (!found)
		return xt_err_kernel(p->e, ENOENT, "No chain/target/match by "
				     "that name");
	return 0;
}
