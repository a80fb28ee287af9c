// SPDX-License-Identifier: MIT
/*
 * The next matching rule of a chain: from a position, the first rule whose
 * ip part (ip_packet_match) and matches all accept the packet. This linear
 * scan is the reference classifier; a compiled one may replace it behind
 * xt_chain_next_match() and must find the same rule. The interpreter
 * (classify.c) does everything else: counters, targets, jumps, returns,
 * policies and trace. Data path: no allocation, no locks, no writes but
 * the walk state.
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

/* ip_packet_match(): the part of a rule every rule has. */
static bool ip_match(const struct xt_ip *ip, const uint8_t *iph,
		     const struct netdev *in, const struct netdev *out,
		     bool isfrag)
{
	uint32_t saddr, daddr;
	bool r;

	memcpy(&saddr, iph + 12, 4);
	memcpy(&daddr, iph + 16, 4);
	r = (saddr & ip->smsk) != ip->src;
	if (r != !!(ip->invflags & XT_INV_SRCIP))
		return false;
	r = (daddr & ip->dmsk) != ip->dst;
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
		r = iph[9] != ip->proto;
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

unsigned xt_chain_next_match(const struct xt_gen *gen,
			     const struct xt_chain *c, unsigned pos,
			     struct xt_walk *w)
{
	struct xt_action *act = &w->act;
	unsigned i, k;

	(void)gen;      /* a compiled classifier hangs off the generation */
	w->dropped = false;
	for (i = pos; i < c->nrules; i++) {
		const struct xt_rule *r = c->rules[i];

		if (!ip_match(&r->ip, w->iph, act->in, act->out, w->isfrag))
			continue;
		act->chain = c->name;
		act->rulenum = i + 1;
		for (k = 0; k < r->nm; k++) {
			act->state = r->m[k].state;
			if (!r->m[k].ops->match(w->pkt, r->m[k].data, act))
				break;
		}
		if (k == r->nm)
			return i;
		/* As ipt_do_table: a hotdrop ends the walk at this rule. */
		if (act->hotdrop) {
			w->dropped = true;
			return i;
		}
	}
	return c->nrules;
}
