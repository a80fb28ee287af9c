// SPDX-License-Identifier: MIT
/*
 * The generic tracker (nf_conntrack_proto_generic.c): any protocol no
 * other tracker knows, tracked by addresses and protocol alone with one
 * timeout (nf_conntrack_generic_timeout, 600 s). Also the registry that
 * maps an IP protocol number to its tracker. Data path.
 */
#include "ct/ct_int.h"

#include "base/sbuf.h"

#define NSEC 1000000000ull

static bool generic_pkt_to_tuple(const struct pkt *pkt, struct ct_tuple *t)
{
	(void)pkt;
	t->sport = t->dport = 0;
	return true;
}

static bool generic_invert(struct ct_tuple *reply, const struct ct_tuple *orig)
{
	(void)orig;
	reply->sport = reply->dport = 0;
	return true;
}

static int generic_packet(struct net *net, struct ct_conn *ct, struct pkt *pkt,
			  enum ct_dir dir, enum ct_info ctinfo, uint64_t now,
			  const char **why)
{
	(void)pkt, (void)dir, (void)ctinfo, (void)now, (void)why;
	ct_refresh(net, ct, (uint64_t)ct_sysctl(net)->generic_timeout * NSEC);
	return NS_ACCEPT;
}

const struct ct_l4proto ct_proto_generic = {
	.proto = 0,
	.name = "unknown",
	.pkt_to_tuple = generic_pkt_to_tuple,
	.invert = generic_invert,
	.packet = generic_packet,
};

const struct ct_l4proto *ct_l4proto_find(uint8_t proto)
{
	switch (proto) {
	case 6:
		return &ct_proto_tcp;
	case 17:
		return &ct_proto_udp;
	case 136:
		return &ct_proto_udplite;
	case 1:
		return &ct_proto_icmp;
	case 47:
		return &ct_proto_gre;
	default:
		return &ct_proto_generic;
	}
}
