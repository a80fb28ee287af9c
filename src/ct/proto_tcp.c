// SPDX-License-Identifier: MIT
/*
 * Placeholder until the TCP tracker lands (branch tcp): TCP tracked by
 * ports with the generic timeout and no state machine. Data path.
 */
#include "ct/ct_int.h"

#define NSEC 1000000000ull

static bool tcp_pkt_to_tuple(const struct pkt *pkt, struct ct_tuple *t)
{
	if (!pkt->l4_off || pkt->l4_len < 20)
		return false;
	t->sport = pkt->desc.sport;
	t->dport = pkt->desc.dport;
	return true;
}

static bool tcp_invert(struct ct_tuple *reply, const struct ct_tuple *orig)
{
	reply->sport = orig->dport;
	reply->dport = orig->sport;
	return true;
}

static int tcp_packet(struct net *net, struct ct_conn *ct, struct pkt *pkt,
		      enum ct_dir dir, enum ct_info ctinfo, uint64_t now,
		      const char **why)
{
	(void)pkt, (void)dir, (void)ctinfo, (void)now, (void)why;
	ct_refresh(net, ct, (uint64_t)ct_sysctl(net)->generic_timeout * NSEC);
	return NS_ACCEPT;
}

const struct ct_l4proto ct_proto_tcp = {
	.proto = 6,
	.name = "tcp",
	.pkt_to_tuple = tcp_pkt_to_tuple,
	.invert = tcp_invert,
	.packet = tcp_packet,
};
