// SPDX-License-Identifier: MIT
/*
 * The rule interpreter: the kernel's ipt_do_table() over one table of a
 * published generation, around xt_chain_next_match() (scan.c), which finds
 * the next matching rule of a chain: counters, targets, jumps, gotos,
 * returns, policies, and one trace event per step. Data path: no
 * allocation, no locks; it writes only the calling worker's counter slots.
 */
#include "xt/xt_int.h"

#include "xt/log.h"

#include <string.h>

static void count(const struct xt_gen *gen, unsigned idx, uint32_t len)
{
	unsigned w = (unsigned)ns_worker_id;
	struct xt_cnt *c;

	if (unlikely(w >= NS_MAX_WORKERS))
		w = 0;   /* a misconfigured thread must not write out of bounds */
	if (unlikely(!gen->w_used[w]))
		gen->w_used[w] = 1;
	c = &gen->w[w][idx];

	c->pcnt++;
	c->bcnt += len;
}

/* The kernel's TRACE line (nf_log_trace), for packets with pkt->trace. */
static void trace_log(struct net *net, struct pkt *pkt, enum trace_kind kind,
		      const struct xt_table *t, const struct xt_chain *c,
		      unsigned rulenum, const struct netdev *in,
		      const struct netdev *out)
{
	static const char *const comments[] = {
		[TRACE_RULE] = "rule", [TRACE_RETURN] = "return",
		[TRACE_POLICY] = "policy",
	};
	char buf[1100];
	int n;

	if (!pkt->trace || !net->log.write)
		return;
	/* nf_log_trace(): "TRACE: table:chain:type:num " + packet */
	n = snprintf(buf, sizeof(buf), "TRACE: %s:%s:%s:%u ", t->name,
		     c->name, comments[kind], rulenum);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	xt_log_format_buf(buf + n, sizeof(buf) - (size_t)n, (size_t)n, pkt,
			  in, out, XT_LOG_DEFAULT_MASK);
	net->log.write(net->log.priv, NS_LOG_WARNING, buf);
}

/*
 * The kind of TRACE line for a matched rule: get_chainname_rulenum() takes
 * an unconditional rule (no address, interface, protocol, flag or match)
 * with a standard verdict (ACCEPT, DROP, RETURN) for a chain's tail and
 * names it "policy" in a built-in chain, "return" in a user chain.
 */
static enum trace_kind rule_trace_kind(const struct xt_chain *c,
				       const struct xt_rule *r)
{
	if (!xt_rule_is_tail(r))
		return TRACE_RULE;
	return c->hook >= 0 ? TRACE_POLICY : TRACE_RETURN;
}

/* The trace sink's event; verdict TRACE_NO_VERDICT unless terminal. */
static void trace_sink(struct net *net, struct pkt *pkt, enum trace_kind kind,
		       const struct xt_table *t, const struct xt_chain *c,
		       unsigned rulenum, int hook, uint32_t verdict,
		       const char *text)
{
	struct trace_event ev = {
		.kind = kind, .table = t->name, .chain = c->name,
		.rulenum = rulenum, .hook = hook, .verdict = verdict,
		.text = text,
	};

	if (net_tracing(net, pkt))
		net->trace.event(net->trace.priv, pkt, &ev);
}

static void trace(struct net *net, struct pkt *pkt, enum trace_kind kind,
		  const struct xt_table *t, const struct xt_chain *c,
		  unsigned rulenum, int hook, uint32_t verdict,
		  const struct netdev *in, const struct netdev *out)
{
	trace_sink(net, pkt, kind, t, c, rulenum, hook, verdict, NULL);
	trace_log(net, pkt, kind, t, c, rulenum, in, out);
}

struct jump_frame {
	const struct xt_chain *chain;
	unsigned next;
};

unsigned xt_do_table(struct net *net, const struct xt_gen *gen,
		     const struct xt_table *t, int hook, struct pkt *pkt,
		     const struct netdev *in, const struct netdev *out)
{
	struct jump_frame stack[XT_MAX_JUMPS];
	const struct xt_chain *base = t->hook_chain[hook];
	const struct xt_chain *c = base;
	struct xt_walk w = {
		.pkt = pkt,
		.act = {
			.net = net, .in = in, .out = out, .hook = hook,
			.table = t->name,
		},
	};
	struct xt_action *act = &w.act;
	const struct xt_chain *rc;
	unsigned sp = 0, i = 0, v, rn;
	uint32_t verdict;
	bool tracing = pkt->trace || net_tracing(net, pkt);

	if (!c || pkt->family != NS_PF_INET)
		return NS_ACCEPT;
	/* The stack validated the header; refuse anything shorter anyway. */
	if (unlikely(pkt_l3_len(pkt) < 20))
		return NS_DROP;
	w.iph = pkt_l3(pkt);
	w.len = pkt_l3_len(pkt);
	w.isfrag = pkt->frag_off != 0;

	for (;;) {
		const struct xt_rule *r;

		i = xt_chain_next_match(gen, c, i, &w);
		if (i >= c->nrules) {
			/* The chain's tail: policy or implicit return. */
			if (c->hook >= 0 || sp == 0) {
				if (c->hook < 0) {
					/* Reached by goto from the built-in. */
					if (tracing)
						trace(net, pkt, TRACE_RETURN,
						      t, c, c->nrules + 1,
						      hook, TRACE_NO_VERDICT,
						      in, out);
					c = base;
				}
				count(gen, c->cidx, w.len);
				if (tracing)
					trace(net, pkt, TRACE_POLICY, t, c,
					      c->nrules + 1, hook, c->policy,
					      in, out);
				return c->policy;
			}
			if (tracing)
				trace(net, pkt, TRACE_RETURN, t, c,
				      c->nrules + 1, hook, TRACE_NO_VERDICT,
				      in, out);
			sp--;
			c = stack[sp].chain;
			i = stack[sp].next;
			continue;
		}
		r = c->rules[i];
		if (w.dropped) {
			/* As ipt_do_table: a hotdrop ends the walk here. The
			 * kernel prints no TRACE line for it (the rule did
			 * not match); the sink learns which rule dropped. */
			if (tracing)
				trace_sink(net, pkt, TRACE_RULE, t, c, i + 1,
					   hook, NS_DROP, "hotdrop");
			return NS_DROP;
		}
		count(gen, r->cidx, w.len);
		/* The kernel traces a rule before running its target. */
		if (tracing)
			trace_log(net, pkt, rule_trace_kind(c, r), t, c, i + 1,
				  in, out);
		rc = c;
		rn = i + 1;
		verdict = TRACE_NO_VERDICT;
		switch (r->vk) {
		case XT_VK_NONE:
			i++;
			break;
		case XT_VK_ACCEPT:
			verdict = NS_ACCEPT;
			break;
		case XT_VK_DROP:
			verdict = NS_DROP;
			break;
		case XT_VK_RETURN:
			if (sp == 0) {
				c = base;
				i = c->nrules;  /* the policy */
				break;
			}
			sp--;
			c = stack[sp].chain;
			i = stack[sp].next;
			break;
		case XT_VK_JUMP:
			if (sp >= XT_MAX_JUMPS) {
				verdict = NS_DROP;
				break;
			}
			stack[sp].chain = c;
			stack[sp].next = i + 1;
			sp++;
			c = r->jchain;
			i = 0;
			break;
		case XT_VK_GOTO:
			c = r->jchain;
			i = 0;
			break;
		case XT_VK_EXT:
			act->state = r->t.state;
			v = r->t.ops->target(pkt, r->t.data, act);
			if (v != XT_CONTINUE) {
				verdict = v;
				break;
			}
			/* A target may have changed the header. */
			w.iph = pkt_l3(pkt);
			w.len = pkt_l3_len(pkt);
			w.key_state = XT_KEY_NONE;
			i++;
			break;
		}
		/* A match or target that set hotdrop: the kernel's
		 * do { } while (!acpar.hotdrop) ends after this entry. */
		if (act->hotdrop)
			verdict = NS_DROP;
		if (tracing)
			trace_sink(net, pkt, TRACE_RULE, t, rc, rn, hook,
				   verdict, NULL);
		if (verdict != TRACE_NO_VERDICT)
			return verdict;
		/* A target (TRACE) may have started tracing. */
		tracing = pkt->trace || net_tracing(net, pkt);
	}
}
