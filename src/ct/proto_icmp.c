// SPDX-License-Identifier: MIT
/*
 * The ICMP tracker (nf_conntrack_proto_icmp.c). Queries (echo, timestamp,
 * information, address mask) are connections of their own, keyed by the
 * id, the reply tuple holding the answering type; they live icmp_timeout
 * (30 s). An ICMP error is not a connection: it quotes the header of a
 * packet it answers, and when that packet belongs to an entry the error
 * is RELATED to it (in the entry's reply direction when it travels that
 * way). Other ICMP is INVALID as a new connection. Data path.
 */
#include "ct/ct_int.h"

#include "pkt/csum.h"
#include "pkt/parse.h"

#include <arpa/inet.h>
#include <string.h>

#define NSEC 1000000000ull
#define NR_ICMP_TYPES 18

/* Request <-> reply types, +1 so that 0 means "none" (the kernel's). */
static const uint8_t invmap[NR_ICMP_TYPES + 1] = {
	[8] = 0 + 1,    /* echo -> echo reply */
	[0] = 8 + 1,
	[13] = 14 + 1,  /* timestamp */
	[14] = 13 + 1,
	[15] = 16 + 1,  /* information */
	[16] = 15 + 1,
	[17] = 18 + 1,  /* address mask */
	[18] = 17 + 1,
};

static const bool valid_new[NR_ICMP_TYPES + 1] = {
	[8] = true, [13] = true, [15] = true, [17] = true,
};

static bool is_error_type(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 ||
	       type == 12;
}

static bool icmp_pkt_to_tuple(const struct pkt *pkt, struct ct_tuple *t)
{
	const uint8_t *ih = pkt_l4(pkt);

	if (!ih || pkt->l4_len < sizeof(struct ns_icmphdr))
		return false;
	/* The id of every type, as the kernel's icmp_pkt_to_tuple. */
	memcpy(&t->sport, ih + 4, 2);
	t->dport = htons((uint16_t)(ih[0] << 8 | ih[1]));
	return true;
}

static bool icmp_invert(struct ct_tuple *reply, const struct ct_tuple *orig)
{
	uint8_t type = ntohs(orig->dport) >> 8, code = ntohs(orig->dport);

	if (type > NR_ICMP_TYPES || !invmap[type])
		return false;
	reply->sport = orig->sport;
	reply->dport = htons((uint16_t)((invmap[type] - 1) << 8 | code));
	return true;
}

static int icmp_packet(struct net *net, struct ct_conn *ct, struct pkt *pkt,
		       enum ct_dir dir, enum ct_info ctinfo, uint64_t now,
		       const char **why)
{
	uint8_t type = ntohs(ct_tuple_of(ct, CT_DIR_ORIGINAL)->dport) >> 8;

	(void)pkt, (void)dir, (void)ctinfo, (void)now;
	if (!ct_is_confirmed(ct) &&
	    (type > NR_ICMP_TYPES || !valid_new[type])) {
		*why = "invalid icmp type";
		return -1;
	}
	ct_refresh(net, ct, (uint64_t)ct_sysctl(net)->icmp_timeout * NSEC);
	return NS_ACCEPT;
}

/*
 * The tuple of the packet an error quotes (IP header and at least the
 * first 8 bytes of its payload), as it was sent.
 */
static bool inner_tuple(const uint8_t *p, unsigned len, struct ct_tuple *t)
{
	const struct ns_iphdr *iph = (const void *)p;
	unsigned hl;
	const uint8_t *l4;

	if (len < sizeof(*iph) || (iph->ver_ihl >> 4) != 4)
		return false;
	hl = (iph->ver_ihl & 15) * 4u;
	if (hl < sizeof(*iph) || len < hl + 8)
		return false;
	memset(t, 0, sizeof(*t));
	t->src = ns_addr4(iph->saddr);
	t->dst = ns_addr4(iph->daddr);
	t->proto = iph->protocol;
	l4 = p + hl;
	switch (t->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case 132: /* SCTP */
	case 33:  /* DCCP */
		memcpy(&t->sport, l4, 2);
		memcpy(&t->dport, l4 + 2, 2);
		break;
	case IPPROTO_ICMP:
		/* Only a query can be quoted by a valid error. */
		if (l4[0] > NR_ICMP_TYPES || !invmap[l4[0]])
			return false;
		memcpy(&t->sport, l4 + 4, 2);
		t->dport = htons((uint16_t)(l4[0] << 8 | l4[1]));
		break;
	default:
		break;
	}
	return true;
}

static int icmp_error(struct net *net, struct pkt *pkt, const char **why)
{
	const struct ns_icmphdr *ih = (const void *)pkt_l4(pkt);
	struct ct_tuple inner, inv;
	const struct ct_l4proto *l4;
	struct ct_conn *ct;
	enum ct_dir dir;
	uint16_t zone = pkt->ct_tmpl ? pkt->ct_tmpl->zone : 0;

	if (pkt->is_frag)
		return 0;
	if (!ih || pkt->l4_len < sizeof(*ih)) {
		*why = "short packet";
		return -1;
	}
	if (ct_sysctl(net)->checksum && pkt->in && !pkt->local_out &&
	    !pkt->csum_partial &&
	    csum_fold(csum_partial(ih, pkt->l4_len, 0)) != 0) {
		*why = "bad hw icmp checksum";
		return -1;
	}
	if (ih->type > NR_ICMP_TYPES) {
		*why = "invalid icmp type";
		return -1;
	}
	if (!is_error_type(ih->type))
		return 0;
	if (!inner_tuple((const uint8_t *)ih + sizeof(*ih),
			 pkt->l4_len - sizeof(*ih), &inner)) {
		*why = "failed to get tuple";
		return -1;
	}
	memset(&inv, 0, sizeof(inv));
	inv.src = inner.dst;
	inv.dst = inner.src;
	inv.proto = inner.proto;
	l4 = ct_l4proto_find(inner.proto);
	if (!l4->invert(&inv, &inner)) {
		*why = "no match";
		return -1;
	}
	ct = ct_find(net, &inv, zone, &dir);
	if (!ct) {
		*why = "no match";
		return -1;
	}
	pkt->ct = ct;
	pkt->ct_owned = false;
	pkt->ctinfo = dir == CT_DIR_REPLY ? CT_RELATED_REPLY : CT_RELATED;
	return 1;
}

const struct ct_l4proto ct_proto_icmp = {
	.proto = IPPROTO_ICMP,
	.name = "icmp",
	.pkt_to_tuple = icmp_pkt_to_tuple,
	.invert = icmp_invert,
	.packet = icmp_packet,
	.error = icmp_error,
};
