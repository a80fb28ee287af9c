// SPDX-License-Identifier: MIT
/*
 * ICMP errors about a translated connection, as the kernel's
 * nf_nat_icmp_reply_translation(): the error quotes a packet as it was on
 * the wire on the far side of the NAT, so the quoted IP and L4 headers are
 * translated back (the manip opposite to this hook's, in the other
 * direction), the ICMP checksum computed again over the message, and the
 * outer header then translated as a reply of the connection would be.
 * Data path: no allocation.
 */
#include "nat/nat_int.h"

#include <string.h>

#include "pkt/csum.h"
#include "pkt/parse.h"

#define PROTO_ICMP 1

int nat_icmp_reply_translation(struct pkt *pkt, const struct ct_conn *ct,
			       enum ct_info ctinfo, int hook)
{
	enum ct_dir dir = ct_info_dir(ctinfo);
	enum nat_manip_type mt = nat_hook2manip(hook);
	uint32_t hdrlen, icmpoff, len, bit, status = ct_status(ct);
	struct ct_tuple target;
	uint8_t *icmp;
	uint16_t sum;

	if (pkt->len < pkt->l3_off + 20)
		return 0;
	hdrlen = iph_hlen(pkt_iph(pkt));
	icmpoff = pkt->l3_off + hdrlen;
	/* The ICMP header and the quoted IP header must be there. */
	if (pkt->len < icmpoff + 8 + 20)
		return 0;
	len = pkt->len - icmpoff;
	icmp = pkt->data + icmpoff;
	/* nf_ip_checksum(): a bad message is not translated but dropped. */
	if (!pkt->csum_partial && csum_fold(csum_partial(icmp, len, 0)))
		return 0;
	if (icmp[0] == NS_ICMP_REDIRECT) {
		/* Redirects only for connections NAT left alone. */
		if ((status & CT_S_NAT_DONE_MASK) != CT_S_NAT_DONE_MASK)
			return 0;
		if (status & CT_S_NAT_MASK)
			return 0;
	}
	bit = mt == NAT_MANIP_SRC ? CT_S_SRC_NAT : CT_S_DST_NAT;
	if (dir == CT_DIR_REPLY)
		bit ^= CT_S_NAT_MASK;
	if (!(status & bit))
		return 1;
	/* The quoted packet went the other way: the other manip. */
	if (!nat_ipv4_manip_pkt(pkt, icmpoff + 8, ct_tuple_of(ct, !dir),
				mt == NAT_MANIP_SRC ? NAT_MANIP_DST :
				NAT_MANIP_SRC))
		return 0;
	if (!pkt->csum_partial) {
		memset(icmp + 2, 0, 2);
		sum = csum_fold(csum_partial(icmp, len, 0));
		memcpy(icmp + 2, &sum, 2);
	}
	/* The outer header: as a reply to the quoted packet. */
	nat_invert_tuple(&target, ct_tuple_of(ct, !dir));
	target.proto = PROTO_ICMP;
	if (!nat_ipv4_manip_pkt(pkt, pkt->l3_off, &target, mt))
		return 0;
	pkt_set_desc(pkt);
	return 1;
}
