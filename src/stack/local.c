// SPDX-License-Identifier: MIT
/*
 * Local delivery: ip_local_deliver() (fragments are reassembled first,
 * user IP_DEFRAG_LOCAL_DELIVER, ipfrag.c), the LOCAL_IN hook, then what the kernel's
 * protocol handlers do when no socket listens: ICMP is answered
 * (icmp.c), TCP gets a RST (tcp_v4_rcv), UDP an ICMP port unreachable
 * (__udp4_lib_rcv), IGMP is consumed, anything else gets a protocol
 * unreachable. net->local_deliver, when set, takes packets after LOCAL_IN
 * instead. Data path.
 */
#include "stack/internal.h"

#include "pkt/csum.h"
#include "stack/ipfrag.h"

#include <arpa/inet.h>

static bool l4_csum_ok(const struct pkt *pkt, uint32_t len)
{
	const struct ns_iphdr *iph = pkt_iph(pkt);
	uint32_t sum;

	/* CHECKSUM_PARTIAL: the sender's stack vouches for it. */
	if (pkt->csum_partial)
		return true;
	sum = csum_partial(pkt_l4(pkt), len, 0);
	sum = csum_tcpudp_nofold(iph->saddr, iph->daddr, (uint16_t)len,
				 iph->protocol, sum);
	return csum_fold(sum) == 0;
}

static void tcp_rcv(struct net *net, struct pkt *pkt, int rt_type)
{
	const struct ns_tcphdr *th;

	if (pkt->pkt_type != PKT_HOST) {
		net_drop(net, pkt, DROP_NO_SOCKET);
		return;
	}
	if (!pkt->l4_off || pkt->l4_len < sizeof(*th)) {
		net_drop(net, pkt, DROP_L4_TRUNCATED);
		return;
	}
	th = (const struct ns_tcphdr *)pkt_l4(pkt);
	if ((th->doff_res >> 4) < 5 || (th->doff_res >> 4) * 4u > pkt->l4_len) {
		net_drop(net, pkt, DROP_L4_TRUNCATED);
		return;
	}
	if (!l4_csum_ok(pkt, pkt->l4_len)) {
		net_drop(net, pkt, DROP_TCP_CSUM);
		return;
	}
	if (net_conf(net)->sysctl.tcp_rst_on_closed && rt_type == RTN_LOCAL)
		tcp_v4_send_reset(net, pkt);
	net_drop(net, pkt, DROP_NO_SOCKET);
}

static void udp_rcv(struct net *net, struct pkt *pkt, int rt_type)
{
	const struct ns_udphdr *uh;
	uint16_t ulen;

	if (!pkt->l4_off || pkt->l4_len < sizeof(*uh)) {
		net_drop(net, pkt, DROP_L4_TRUNCATED);
		return;
	}
	uh = (const struct ns_udphdr *)pkt_l4(pkt);
	ulen = ntohs(uh->len);
	if (ulen > pkt->l4_len || ulen < sizeof(*uh)) {
		net_drop(net, pkt, DROP_L4_TRUNCATED);
		return;
	}
	/* pskb_trim_rcsum(skb, ulen): bytes past the UDP length go. */
	pkt->len = pkt->l4_off + ulen;
	pkt->l4_len = ulen;
	if (uh->check && !l4_csum_ok(pkt, ulen)) {
		net_drop(net, pkt, DROP_UDP_CSUM);
		return;
	}
	if (rt_type == RTN_LOCAL)
		icmp_send(net, pkt, NS_ICMP_DEST_UNREACH, NS_ICMP_PORT_UNREACH,
			  0);
	net_drop(net, pkt, DROP_NO_SOCKET);
}

static void ip_local_deliver_finish(struct net *net, struct pkt *pkt,
				    int rt_type)
{
	net_stats(net)->delivered++;
	if (net->local_deliver) {
		net->local_deliver(net, pkt);
		return;
	}
	switch (pkt->l4_proto) {
	case 1:
		icmp_rcv(net, pkt, rt_type);
		return;
	case 2:
		/* igmp_rcv(): membership reports are consumed. */
		stack_fate(net, pkt, FATE_LOCAL, NULL);
		pkt_free(pkt);
		return;
	case 6:
		tcp_rcv(net, pkt, rt_type);
		return;
	case 17:
		udp_rcv(net, pkt, rt_type);
		return;
	default:
		icmp_send(net, pkt, NS_ICMP_DEST_UNREACH, NS_ICMP_PROT_UNREACH,
			  0);
		net_drop(net, pkt, DROP_IP_NOPROTO);
	}
}

void ip_local_deliver(struct net *net, struct pkt *pkt, int rt_type)
{
	/* Reassembled before LOCAL_IN, which sees whole datagrams only. */
	if (pkt->is_frag &&
	    ipfrag_defrag(net, pkt, IP_DEFRAG_LOCAL_DELIVER))
		return;
	if (!nf_hook_ok(net, NS_INET_LOCAL_IN, pkt, pkt->in, NULL))
		return;
	ip_local_deliver_finish(net, pkt, rt_type);
}
