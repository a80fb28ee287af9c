// SPDX-License-Identifier: MIT
/*
 * Parsing and validating received frames: Ethernet classification as
 * eth_type_trans() and the IPv4 header checks of ip_rcv_core(). Data path:
 * touches only the packet it is given, never reads past pkt->len and never
 * allocates.
 */
#include "pkt/parse.h"

#include <arpa/inet.h>
#include <string.h>

#include "pkt/csum.h"
#include "pkt/gso.h"

enum drop_reason pkt_parse_eth(struct pkt *pkt, const uint8_t *dev_mac)
{
	const struct ns_ethhdr *eh;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (pkt->len < NS_ETH_HLEN)
		return DROP_PKT_TOO_SMALL;
	eh = (const struct ns_ethhdr *)pkt->data;
	pkt->has_l2 = true;
	pkt->l3_off = NS_ETH_HLEN;
	pkt->l4_off = 0;
	pkt->l4_len = 0;
	pkt->ethertype = ntohs(eh->type);
	if (eh->dst[0] & 1) {
		if (!memcmp(eh->dst, bcast, 6))
			pkt->pkt_type = PKT_BROADCAST;
		else
			pkt->pkt_type = PKT_MULTICAST;
	} else if (dev_mac && memcmp(eh->dst, dev_mac, 6)) {
		pkt->pkt_type = PKT_OTHERHOST;
	} else {
		pkt->pkt_type = PKT_HOST;
	}
	if (pkt->ethertype == NS_ETHTYPE_VLAN) {
		const uint8_t *tag = pkt->data + NS_ETH_HLEN;

		/*
		 * No VLAN devices: a priority tag (VID 0) is stripped and the
		 * frame handled as untagged; other VIDs are for nobody here
		 * (__netif_receive_skb marks them PACKET_OTHERHOST).
		 */
		if (pkt->len < NS_ETH_HLEN + 4)
			return DROP_PKT_TOO_SMALL;
		if (((tag[0] << 8 | tag[1]) & 0x0fff) != 0)
			pkt->pkt_type = PKT_OTHERHOST;
		pkt->ethertype = (uint16_t)(tag[2] << 8 | tag[3]);
		pkt->l3_off = NS_ETH_HLEN + 4;
	}
	return DROP_NOT_DROPPED;
}

/* The descriptor's ports from the transport header, if it is there. */
static void desc_ports(struct pkt *pkt)
{
	const uint8_t *l4 = pkt_l4(pkt);
	struct pkt_desc *d = &pkt->desc;

	d->sport = d->dport = 0;
	if (!l4)
		return;
	switch (d->proto) {
	case 6: case 17: case 33: case 132: case 136:
		/* TCP, UDP, DCCP, SCTP, UDP-Lite: ports first. */
		if (pkt->l4_len >= 4) {
			memcpy(&d->sport, l4, 2);
			memcpy(&d->dport, l4 + 2, 2);
		}
		break;
	case 1:
		if (pkt->l4_len >= 2)
			d->dport = htons((uint16_t)(l4[0] << 8 | l4[1]));
		/* echo, timestamp, info request/reply carry an id */
		if (pkt->l4_len >= 6 &&
		    (l4[0] == 0 || l4[0] == 8 || (l4[0] >= 13 && l4[0] <= 16)))
			memcpy(&d->sport, l4 + 4, 2);
		break;
	default:
		break;
	}
}

void pkt_set_desc(struct pkt *pkt)
{
	const struct ns_iphdr *iph = pkt_iph(pkt);

	/*
	 * Field by field: building whole struct ns_addr values here made the
	 * CPU stall on store forwarding (this runs after every hook).
	 */
	pkt->desc.saddr.family = 2; /* NS_PF_INET */
	pkt->desc.saddr.ip = iph->saddr;
	pkt->desc.daddr.family = 2;
	pkt->desc.daddr.ip = iph->daddr;
	pkt->desc.proto = iph->protocol;
	desc_ports(pkt);
}

void pkt_set_ipv4_offsets(struct pkt *pkt)
{
	const struct ns_iphdr *iph = pkt_iph(pkt);
	unsigned int hlen = iph_hlen(iph);
	uint32_t end = pkt->len;
	uint16_t fo = ntohs(iph->frag_off);

	pkt->family = 2; /* NS_PF_INET */
	pkt->l4_proto = iph->protocol;
	pkt->frag_off = fo & NS_IPH_OFFMASK;
	pkt->is_frag = (fo & (NS_IPH_MF | NS_IPH_OFFMASK)) != 0;
	if (pkt->frag_off == 0 && pkt->l3_off + hlen < end) {
		pkt->l4_off = (uint16_t)(pkt->l3_off + hlen);
		pkt->l4_len = (uint16_t)(end - pkt->l4_off);
	} else {
		pkt->l4_off = 0;
		pkt->l4_len = 0;
	}
	pkt_set_desc(pkt);
}

enum drop_reason pkt_parse_ipv4(struct pkt *pkt)
{
	const struct ns_iphdr *iph;
	uint32_t avail, hlen, tot;

	if (pkt->l3_off > pkt->len)
		return DROP_IP_INHDR;
	avail = pkt->len - pkt->l3_off;
	if (avail < sizeof(struct ns_iphdr))
		return DROP_IP_INHDR;
	iph = pkt_iph(pkt);
	hlen = iph_hlen(iph);
	if ((iph->ver_ihl >> 4) != 4 || hlen < 20)
		return DROP_IP_INHDR;
	if (avail < hlen)
		return DROP_IP_INHDR;
	if (ip_fast_csum(iph, hlen / 4) != 0)
		return DROP_IP_CSUM;
	/*
	 * A GSO super-frame's tot_len is its full length, as the kernel's
	 * TCP stack writes it (at most 64 KiB: no BIG TCP here, as 6.1's
	 * ip_rcv_core()), so the checks below hold for it too.
	 */
	tot = ntohs(iph->tot_len);
	if (avail < tot)
		return DROP_IP_TRUNCATED;
	if (tot < hlen)
		return DROP_IP_INHDR;
	/* pskb_trim_rcsum(): drop the link layer's padding. */
	pkt->len = pkt->l3_off + tot;
	pkt_set_ipv4_offsets(pkt);
	if (pkt_is_gso(pkt) && pkt_gso_check(pkt))
		return DROP_GSO_BAD;
	return DROP_NOT_DROPPED;
}
