// SPDX-License-Identifier: MIT
/*
 * TCP resets the stack sends: tcp_v4_send_reset() for a segment to a
 * closed local port, and nf_send_reset() for REJECT --reject-with
 * tcp-reset. Both answer with the ports swapped and RST (+ACK when the
 * segment had no ACK), never answer a RST, and go out through
 * stack_output (OUTPUT and POSTROUTING). Data path.
 */
#include "stack/internal.h"

#include "pkt/csum.h"

#include <arpa/inet.h>
#include <string.h>

/* Build and send the RST for th (the segment in pkt). */
static void send_rst(struct net *net, const struct pkt *pkt,
		     const struct ns_tcphdr *th, uint8_t tos, bool df,
		     uint8_t ttl, bool echo_opts)
{
	const struct ns_iphdr *oiph = pkt_iph(pkt);
	struct ip_echo_opts eo = { 0 };
	struct ns_tcphdr *nth;
	struct pkt *nskb;
	uint8_t opts[40];
	uint32_t sum;

	/* ip_send_unicast_reply() echoes the options; nf_send_reset not. */
	if (echo_opts && ip_options_echo(net, pkt, opts, &eo) < 0)
		return;
	nskb = ip_alloc_reply(net, pkt);
	if (!nskb)
		return;
	nth = (struct ns_tcphdr *)(nskb->data + 20 + eo.optlen);
	memset(nth, 0, sizeof(*nth));
	nth->source = th->dest;
	nth->dest = th->source;
	nth->doff_res = 5 << 4;
	if (th->flags & NS_TCPF_ACK) {
		nth->seq = th->ack_seq;
		nth->flags = NS_TCPF_RST;
	} else {
		uint32_t len = pkt->l4_len - (th->doff_res >> 4) * 4u;

		len += !!(th->flags & NS_TCPF_SYN) + !!(th->flags & NS_TCPF_FIN);
		nth->ack_seq = htonl(ntohl(th->seq) + len);
		nth->flags = NS_TCPF_RST | NS_TCPF_ACK;
	}
	ip_build_header_opts(net, nskb, oiph->daddr, oiph->saddr, 6, tos, ttl,
			     df, opts, &eo, sizeof(*nth));
	sum = csum_partial(nth, sizeof(*nth), 0);
	sum = csum_tcpudp_nofold(oiph->daddr, oiph->saddr, sizeof(*nth), 6,
				 sum);
	nth->check = csum_fold(sum);
	/* nf_send_reset() attaches the RST to the segment's connection
	 * (nf_ct_attach); the stack's own reset is tracked on its own. */
	if (!echo_opts && pkt_ct_attach)
		pkt_ct_attach(nskb, pkt);
	if (!echo_opts && pkt_ct_set_closing)
		pkt_ct_set_closing(pkt);
	net_stats(net)->generated++;
	stack_output(net, nskb);
}

void tcp_v4_send_reset(struct net *net, const struct pkt *pkt)
{
	const struct ns_tcphdr *th = (const struct ns_tcphdr *)pkt_l4(pkt);

	if (!th || pkt->l4_len < sizeof(*th) || (th->flags & NS_TCPF_RST))
		return;
	send_rst(net, pkt, th, pkt_iph(pkt)->tos & ~3,
		 true, (uint8_t)net_conf(net)->sysctl.ip_default_ttl, true);
}

void tcp_send_reset(struct net *net, const struct pkt *pkt, int hook)
{
	const struct ns_iphdr *iph;
	const struct ns_tcphdr *th;
	int dtype;

	(void)hook;
	if (!pkt || pkt->l3_off + 20u > pkt->len)
		return;
	iph = pkt_iph(pkt);
	/* nf_reject_ip_tcphdr_get(): first fragment, TCP, no RST. */
	if ((ntohs(iph->frag_off) & NS_IPH_OFFMASK) || iph->protocol != 6)
		return;
	th = (const struct ns_tcphdr *)pkt_l4(pkt);
	if (!th || pkt->l4_len < sizeof(*th) || (th->flags & NS_TCPF_RST))
		return;
	if (!pkt->local_out && !pkt->csum_partial) {
		uint32_t sum = csum_partial(th, pkt->l4_len, 0);

		sum = csum_tcpudp_nofold(iph->saddr, iph->daddr, pkt->l4_len,
					 6, sum);
		if (csum_fold(sum) != 0)
			return;
	}
	dtype = stack_addr_type(net, iph->daddr, NULL);
	if (dtype == RTN_BROADCAST || dtype == RTN_MULTICAST)
		return;
	/* nf_reject_iphdr_put(): TOS 0, ID 0, DF. */
	send_rst(net, pkt, th, 0, true, (uint8_t)net_conf(net)->sysctl.ip_default_ttl,
		 false);
}
