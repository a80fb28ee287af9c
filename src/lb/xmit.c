// SPDX-License-Identifier: MIT
/*
 * The forwarding methods (ip_vs_xmit.c): masquerading (the destination
 * rewritten to the real server, replies rewritten back), direct routing
 * (the packet unchanged, sent to the real server's link address) and IPIP
 * tunnelling (the packet wrapped in an outer IPv4 header to the real
 * server). A sent packet is marked ipvs_property, leaves connection
 * tracking (ip_vs_notrack: net.ipv4.vs.conntrack=0) and goes out through
 * OUTPUT and POSTROUTING as the kernel's NF_HOOK(LOCAL_OUT, dst_output).
 * TTL is decremented as __ip_vs_get_out_rt() does. Data path.
 */
#include "lb/lb_int.h"

#include <arpa/inet.h>
#include <string.h>

#include "ct/ct.h"
#include "nat/nat.h"
#include "pkt/csum.h"
#include "pkt/parse.h"
#include "stack/config.h"
#include "stack/stack.h"

/* ip_vs_notrack(): the packet leaves connection tracking. */
static void notrack(struct pkt *pkt)
{
	pkt_ct_drop(pkt);
	pkt->ctinfo = CT_UNTRACKED;
}

/* decrement_ttl(): time exceeded at 1, as a forwarding router. */
static bool decrement_ttl(struct net *net, struct pkt *pkt)
{
	uint8_t *iph = pkt_l3(pkt);
	uint16_t sum;

	if (iph[8] <= 1) {
		icmp_send(net, pkt, 11, 0, 0);
		return false;
	}
	memcpy(&sum, iph + 10, 2);
	csum_replace2(&sum, htons((uint16_t)(iph[8] << 8)),
		      htons((uint16_t)((iph[8] - 1) << 8)));
	memcpy(iph + 10, &sum, 2);
	iph[8]--;
	return true;
}

static void send_out(struct lb_net *ln, struct pkt *pkt, uint32_t route_to)
{
	pkt->ipvs_property = true;
	notrack(pkt);
	stack_output_via(ln->net, pkt, route_to);
}

/* ip_vs_nat_xmit(): destination to the real server. */
static unsigned nat_xmit(struct lb_net *ln, struct pkt *pkt,
			 struct lb_conn *cp)
{
	struct ct_tuple t = { 0 };
	int type = stack_addr_type(ln->net, cp->daddr.ip, NULL);

	if (type == RTN_LOCAL) {
		/* A local real server: rewrite and deliver here. */
		t.proto = (uint8_t)cp->protocol;
		t.dst = cp->daddr;
		t.dport = cp->dport;
		if (!nat_ipv4_manip_pkt(pkt, pkt->l3_off, &t, NAT_MANIP_DST))
			return NS_DROP;
		pkt_set_ipv4_offsets(pkt);
		pkt->ipvs_property = true;
		notrack(pkt);
		return NS_ACCEPT;
	}
	if (type != RTN_UNICAST) {
		icmp_send(ln->net, pkt, 3, 1, 0);
		return NS_DROP;
	}
	if (!decrement_ttl(ln->net, pkt))
		return NS_DROP;
	t.proto = (uint8_t)cp->protocol;
	t.dst = cp->daddr;
	t.dport = cp->dport;
	if (!nat_ipv4_manip_pkt(pkt, pkt->l3_off, &t, NAT_MANIP_DST))
		return NS_DROP;
	pkt_set_ipv4_offsets(pkt);
	send_out(ln, pkt, 0);
	return NS_STOLEN;
}

/* ip_vs_dr_xmit(): unchanged, to the real server's link address. */
static unsigned dr_xmit(struct lb_net *ln, struct pkt *pkt,
			struct lb_conn *cp)
{
	int type = stack_addr_type(ln->net, cp->daddr.ip, NULL);

	if (type == RTN_LOCAL) {
		pkt->ipvs_property = true;
		notrack(pkt);
		return NS_ACCEPT;
	}
	if (type != RTN_UNICAST) {
		icmp_send(ln->net, pkt, 3, 1, 0);
		return NS_DROP;
	}
	if (!decrement_ttl(ln->net, pkt))
		return NS_DROP;
	send_out(ln, pkt, cp->daddr.ip);
	return NS_STOLEN;
}

/* ip_vs_tunnel_xmit() for IPIP: an outer header to the real server. */
static unsigned tun_xmit(struct lb_net *ln, struct pkt *pkt,
			 struct lb_conn *cp)
{
	static _Atomic uint16_t ident;
	int type = stack_addr_type(ln->net, cp->daddr.ip, NULL);
	uint8_t *in, *out;
	uint16_t tot, id, sum;
	uint32_t saddr;
	struct rt_result rt;

	if (type == RTN_LOCAL) {
		pkt->ipvs_property = true;
		notrack(pkt);
		return NS_ACCEPT;
	}
	if (type != RTN_UNICAST || route_lookup(ln->net, cp->daddr.ip, &rt)) {
		icmp_send(ln->net, pkt, 3, 1, 0);
		return NS_DROP;
	}
	if (!decrement_ttl(ln->net, pkt))
		return NS_DROP;
	saddr = rt.src.ip;
	if (pkt->has_l2 && pkt->l3_off)
		pkt_pull(pkt, pkt->l3_off);
	pkt->has_l2 = false;
	if (pkt_headroom(pkt) < 20 || pkt->len + 20 > 65535) {
		net_drop(ln->net, pkt, DROP_NO_BUFFER);
		return NS_STOLEN;
	}
	in = pkt->data;
	out = pkt_push(pkt, 20);
	tot = (uint16_t)pkt->len;
	memset(out, 0, 20);
	out[0] = 0x45;
	out[1] = in[1];                               /* dsfield */
	tot = htons(tot);
	memcpy(out + 2, &tot, 2);
	id = atomic_fetch_add(&ident, 1);
	if (ln->sysctl.pmtu_disc && (in[6] & 0x40)) {
		out[6] = 0x40;                        /* DF as inside */
		id = 0;
	}
	id = htons(id);
	memcpy(out + 4, &id, 2);
	out[8] = in[8];                               /* inner TTL */
	out[9] = 4;                                   /* IPPROTO_IPIP */
	memcpy(out + 12, &saddr, 4);
	memcpy(out + 16, &cp->daddr.ip, 4);
	sum = ip_fast_csum(out, 5);
	memcpy(out + 10, &sum, 2);
	pkt->l3_off = 0;
	pkt->l4_off = 0;
	/* The inner packet's checksum offload stays as it was. */
	pkt_set_ipv4_offsets(pkt);
	send_out(ln, pkt, 0);
	return NS_STOLEN;
}

unsigned lb_xmit(struct lb_net *ln, struct pkt *pkt, struct lb_conn *cp,
		 int hook)
{
	(void)hook;
	switch (cp->flags & LB_FWD_MASK) {
	case LB_FWD_MASQ:
		return nat_xmit(ln, pkt, cp);
	case LB_FWD_DROUTE:
		return dr_xmit(ln, pkt, cp);
	case LB_FWD_TUNNEL:
		return tun_xmit(ln, pkt, cp);
	case LB_FWD_LOCALNODE:
		pkt->ipvs_property = true;
		return NS_ACCEPT;
	default:
		return NS_ACCEPT;
	}
}

/*
 * ip_vs_icmp_xmit(): an ICMP error for cp's real server, already rewritten
 * for NAT (icmp.c); DR and TUN send it as their packets.
 */
unsigned lb_xmit_icmp(struct lb_net *ln, struct pkt *pkt, struct lb_conn *cp,
		      int hook)
{
	int type;

	if ((cp->flags & LB_FWD_MASK) != LB_FWD_MASQ)
		return lb_xmit(ln, pkt, cp, hook);
	type = stack_addr_type(ln->net, cp->daddr.ip, NULL);
	if (type == RTN_LOCAL) {
		pkt->ipvs_property = true;
		notrack(pkt);
		return NS_ACCEPT;
	}
	if (type != RTN_UNICAST || !decrement_ttl(ln->net, pkt))
		return NS_DROP;
	send_out(ln, pkt, 0);
	return NS_STOLEN;
}

/* handle_response(): a NAT reply's source back to the virtual service. */
unsigned lb_xmit_nat_reply(struct lb_net *ln, struct pkt *pkt,
			   struct lb_conn *cp, int hook)
{
	struct ct_tuple t = { 0 };

	(void)ln;
	(void)hook;
	t.proto = (uint8_t)cp->protocol;
	t.src = cp->vaddr;
	t.sport = cp->vport;
	if (!nat_ipv4_manip_pkt(pkt, pkt->l3_off, &t, NAT_MANIP_SRC))
		return NS_DROP;
	pkt_set_ipv4_offsets(pkt);
	return NS_ACCEPT;
}
