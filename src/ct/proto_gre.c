// SPDX-License-Identifier: MIT
/*
 * The GRE tracker (nf_conntrack_proto_gre.c) for GRE that is not PPTP's
 * enhanced GRE (version 1): tracked like the generic tracker, by
 * addresses alone (keys 0), but with GRE's own timeouts: an entry lives
 * nf_conntrack_gre_timeout (30 s) until it has seen a reply, then
 * nf_conntrack_gre_timeout_stream (180 s) and is ASSURED. Version 1 (PPTP
 * call ids) needs the PPTP helper, which netsieve does not have: such
 * packets are tracked the same way. Data path.
 */
#include "ct/ct_int.h"

#define NSEC 1000000000ull

static bool gre_pkt_to_tuple(const struct pkt *pkt, struct ct_tuple *t)
{
	(void)pkt;
	t->sport = t->dport = 0;
	return true;
}

static bool gre_invert(struct ct_tuple *reply, const struct ct_tuple *orig)
{
	reply->sport = orig->dport;
	reply->dport = orig->sport;
	return true;
}

static int gre_packet(struct net *net, struct ct_conn *ct, struct pkt *pkt,
		      enum ct_dir dir, enum ct_info ctinfo, uint64_t now,
		      const char **why)
{
	const struct ct_sysctl *s = ct_sysctl(net);
	uint32_t st = ct_status(ct);

	(void)pkt, (void)dir, (void)ctinfo, (void)now, (void)why;
	if (!(st & CT_S_SEEN_REPLY)) {
		ct_refresh(net, ct, (uint64_t)s->gre_timeout * NSEC);
		return NS_ACCEPT;
	}
	ct_refresh(net, ct, (uint64_t)s->gre_timeout_stream * NSEC);
	if (!(st & (CT_S_ASSURED | CT_S_NAT_CLASH))) {
		ct_status_set(ct, CT_S_ASSURED);
		ct_event_emit(net, ct, CT_EV_UPDATE);
	}
	return NS_ACCEPT;
}

const struct ct_l4proto ct_proto_gre = {
	.proto = 47,
	.name = "gre",
	.pkt_to_tuple = gre_pkt_to_tuple,
	.invert = gre_invert,
	.packet = gre_packet,
};
