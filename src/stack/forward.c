// SPDX-License-Identifier: MIT
/*
 * Forwarding, as the kernel's ip_forward(): packets not addressed to our
 * MAC are not forwarded; TTL <= 1 gets an ICMP time exceeded and a DF
 * packet larger than the output MTU an ICMP fragmentation needed, both
 * before the FORWARD hook; the TTL is decremented (the kernel's
 * incremental checksum update) before the hook, so FORWARD rules see
 * TTL-1; a redirect goes to a sender whose next hop is on its own link.
 * Then FORWARD and the output path. Data path.
 */
#include "stack/internal.h"

#include "pkt/gso.h"

#include <arpa/inet.h>

/*
 * ip_exceeds_mtu(): only a DF packet too big for the link is refused; a
 * super-frame whose segments fit (skb_gso_validate_network_len) is not,
 * nor a datagram conntrack reassembled (ignore_df) whose largest original
 * fragment fits.
 */
static bool ip_exceeds_mtu(const struct pkt *pkt, uint32_t mtu)
{
	if (pkt_l3_len(pkt) <= mtu)
		return false;
	if (!(ntohs(pkt_iph(pkt)->frag_off) & NS_IPH_DF))
		return false;
	if (pkt->frag_max_size > mtu)
		return true;
	if (pkt->frag_flags & PKT_IGNORE_DF)
		return false;
	if (pkt_is_gso(pkt) && pkt_gso_network_seglen(pkt) <= mtu)
		return false;
	return true;
}

/* ip_decrease_ttl(): the kernel's exact checksum arithmetic. */
static void ip_decrease_ttl(struct ns_iphdr *iph)
{
	uint32_t check = iph->check;

	check += htons(0x0100);
	iph->check = (uint16_t)(check + (check >= 0xFFFF));
	iph->ttl--;
}

void ip_forward(struct net *net, struct pkt *pkt, const struct rt_result *rt)
{
	struct ns_iphdr *iph = pkt_iph(pkt);

	if (pkt->pkt_type != PKT_HOST) {
		net_drop(net, pkt, DROP_OTHERHOST);
		return;
	}
	if (iph->ttl <= 1) {
		icmp_send(net, pkt, NS_ICMP_TIME_EXCEEDED, 0, 0);
		net_drop(net, pkt, DROP_IP_TTL_EXPIRED);
		return;
	}
	if (ip_exceeds_mtu(pkt, rt->dev->mtu)) {
		icmp_send(net, pkt, NS_ICMP_DEST_UNREACH, NS_ICMP_FRAG_NEEDED,
			  htonl(rt->dev->mtu));
		net_drop(net, pkt, DROP_IP_FRAG_NEEDED);
		return;
	}
	ip_decrease_ttl(iph);
	if (rt->redirect)
		icmp_send_redirect(net, pkt, rt->nexthop.ip);
	if (!nf_hook_ok(net, NS_INET_FORWARD, pkt, pkt->in, rt->dev))
		return;
	net_stats(net)->forwarded++;
	if (pkt->opt_rr || pkt->opt_ts || (pkt->opt_flags & IPOPT_F_CHANGED))
		ip_forward_options(net, pkt, rt);
	ip_output(net, pkt, rt);
}
