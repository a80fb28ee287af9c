// SPDX-License-Identifier: MIT
/*
 * ARP (RFC 826) as the kernel's arp_rcv()/arp_process() and arp_solicit():
 * answer requests for any of our addresses (arp_ignore=0), learn the
 * sender of a request addressed to us, update known entries from replies
 * and gratuitous ARP (arp_accept=0: no new entries from them), and send
 * requests for next hops being resolved. Data path.
 */
#include "stack/internal.h"

#include <arpa/inet.h>
#include <string.h>

#define ARP_FRAME_LEN (NS_ETH_HLEN + (int)sizeof(struct ns_arphdr))

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void arp_send(struct net *net, struct netdev *dev, uint16_t op,
		     const uint8_t *eth_dst, uint32_t sip, uint32_t tip,
		     const uint8_t *tha, const struct pkt *cause)
{
	struct ns_ethhdr *eh;
	struct ns_arphdr *ah;
	struct pkt *pkt;

	pkt = pkt_alloc(net_pool(net));
	if (!pkt) {
		net_stats(net)->drops[DROP_NO_BUFFER]++;
		return;
	}
	if (cause) {
		pkt->id = cause->id;
		pkt->tstamp_ns = cause->tstamp_ns;
	} else {
		pkt->tstamp_ns = net_now(net);
	}
	pkt->local_out = true;
	pkt->has_l2 = true;
	pkt->len = ARP_FRAME_LEN;
	pkt->l3_off = NS_ETH_HLEN;
	pkt->ethertype = NS_ETHTYPE_ARP;
	pkt->out = dev;
	eh = (struct ns_ethhdr *)pkt->data;
	memcpy(eh->dst, eth_dst, 6);
	memcpy(eh->src, dev->mac, 6);
	eh->type = htons(NS_ETHTYPE_ARP);
	ah = (struct ns_arphdr *)(pkt->data + NS_ETH_HLEN);
	ah->hrd = htons(1);
	ah->pro = htons(NS_ETHTYPE_IP);
	ah->hln = 6;
	ah->pln = 4;
	ah->op = htons(op);
	memcpy(ah->sha, dev->mac, 6);
	ah->sip = sip;
	if (tha)
		memcpy(ah->tha, tha, 6);
	else
		memset(ah->tha, 0, 6);
	ah->tip = tip;
	net_stats(net)->generated++;
	dev_xmit_frame(net, dev, pkt);
}

void arp_solicit(struct net *net, struct netdev *dev, uint32_t target,
		 uint32_t saddr_hint, const uint8_t *dst_mac,
		 const struct pkt *cause)
{
	uint32_t saddr = 0;

	/* arp_announce=0: the packet's source if it is ours on dev. */
	if (saddr_hint && stack_addr_type(net, saddr_hint, dev) == RTN_LOCAL)
		saddr = saddr_hint;
	if (!saddr)
		saddr = addr_select(net, dev, target, RT_SCOPE_LINK);
	arp_send(net, dev, NS_ARPOP_REQUEST, dst_mac ? dst_mac : bcast_mac,
		 saddr, target, dst_mac, cause);
}

static bool ipv4_multicast(uint32_t a)
{
	return (ntohl(a) & 0xf0000000u) == 0xe0000000u;
}

static bool ipv4_loopback(uint32_t a)
{
	return (ntohl(a) & 0xff000000u) == 0x7f000000u;
}

void arp_rcv(struct net *net, struct netdev *dev, struct pkt *pkt)
{
	struct ns_arphdr ah;
	struct rt_result rt;
	uint16_t op;
	int err;

	if (pkt->pkt_type == PKT_OTHERHOST) {
		net_drop(net, pkt, DROP_OTHERHOST);
		return;
	}
	if (dev_noarp(dev) || pkt->len - pkt->l3_off < sizeof(ah)) {
		net_drop(net, pkt, DROP_ARP_INVALID);
		return;
	}
	memcpy(&ah, pkt->data + pkt->l3_off, sizeof(ah));
	op = ntohs(ah.op);
	if (ah.hln != 6 || ah.pln != 4 ||
	    (ntohs(ah.hrd) != 1 && ntohs(ah.hrd) != 6) ||
	    ntohs(ah.pro) != NS_ETHTYPE_IP ||
	    (op != NS_ARPOP_REQUEST && op != NS_ARPOP_REPLY) ||
	    ipv4_multicast(ah.tip) || ipv4_loopback(ah.tip) ||
	    (ah.sha[0] & 1)) {
		net_drop(net, pkt, DROP_ARP_INVALID);
		return;
	}
	/* Duplicate address detection probe: answer if tip is ours here. */
	if (ah.sip == 0) {
		if (op == NS_ARPOP_REQUEST &&
		    stack_addr_type(net, ah.tip, dev) == RTN_LOCAL) {
			arp_send(net, dev, NS_ARPOP_REPLY, ah.sha, ah.tip, 0,
				 ah.sha, pkt);
			stack_fate(net, pkt, FATE_ANSWERED, NULL);
			pkt_free(pkt);
			return;
		}
		stack_fate(net, pkt, FATE_LOCAL, NULL);
		pkt_free(pkt);
		return;
	}
	if (op == NS_ARPOP_REQUEST) {
		err = route_input(net, ah.tip, ah.sip, dev, &rt);
		if (!err && rt.type == RTN_LOCAL) {
			neigh_event(net, dev, ah.sip, ah.sha, true, false);
			arp_send(net, dev, NS_ARPOP_REPLY, ah.sha, ah.tip,
				 ah.sip, ah.sha, pkt);
			stack_fate(net, pkt, FATE_ANSWERED, NULL);
			pkt_free(pkt);
			return;
		}
	}
	/*
	 * Replies, and requests not for us: refresh an entry we have.
	 * Only a unicast reply confirms reachability.
	 */
	neigh_event(net, dev, ah.sip, ah.sha, false,
		    op == NS_ARPOP_REPLY && pkt->pkt_type == PKT_HOST);
	stack_fate(net, pkt, FATE_LOCAL, NULL);
	pkt_free(pkt);
}
