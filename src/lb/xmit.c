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
#include "base/crc32c.h"
#include "base/hash.h"
#include "pkt/csum.h"
#include "pkt/gso.h"
#include "pkt/parse.h"
#include "stack/config.h"
#include "stack/stack.h"

/*
 * sctp_nat_csum(): SCTP's CRC32c covers the whole packet and no
 * pseudo-header, so a port rewrite means computing it again (an
 * offloaded one included: it is final afterwards).
 */
static void sctp_csum(struct pkt *pkt)
{
	uint8_t *sh = pkt_l4(pkt);
	uint32_t n, crc;

	if (!sh || pkt->l4_len < 12)
		return;
	n = pkt->l4_len;
	memset(sh + 8, 0, 4);
	crc = ~ns_crc32c(~0u, sh, n);
	sh[8] = (uint8_t)crc;
	sh[9] = (uint8_t)(crc >> 8);
	sh[10] = (uint8_t)(crc >> 16);
	sh[11] = (uint8_t)(crc >> 24);
	pkt->csum_partial = false;
}

/* nat_ipv4_manip_pkt() and, for SCTP, its checksum. */
static bool manip(struct pkt *pkt, const struct ct_tuple *t,
		  enum nat_manip_type mt)
{
	if (!nat_ipv4_manip_pkt(pkt, pkt->l3_off, t, mt))
		return false;
	pkt_set_ipv4_offsets(pkt);
	if (t->proto == 132)
		sctp_csum(pkt);
	return true;
}

/* ip_vs_notrack(): the packet leaves connection tracking. */
static void notrack(struct pkt *pkt)
{
	pkt_ct_drop(pkt);
	pkt->ctinfo = CT_UNTRACKED;
}

/*
 * ip_vs_update_conntrack() for a request (conntrack=1): the new entry of a
 * masquerading connection expects its replies from the real server, so
 * they are ESTABLISHED when they come. Only an unconfirmed entry, in the
 * original direction, not for one-packet connections.
 */
static void update_conntrack(struct pkt *pkt, const struct lb_conn *cp)
{
	struct ct_conn *ct = pkt->ct;
	struct ct_tuple *r;

	if (!ct || !pkt->ct_owned || pkt->ctinfo >= CT_IS_REPLY ||
	    (cp->flags & LB_FWD_MASK) != LB_FWD_MASQ ||
	    (cp->flags & LB_CONN_F_ONE_PACKET))
		return;
	r = &ct->node[CT_DIR_REPLY].tuple;
	r->src = cp->daddr;
	r->sport = cp->dport;
}

/* ip_vs_nat_send_or_cont() / ip_vs_send_or_cont(): tracking's part. */
static void leave_or_update(struct pkt *pkt, const struct lb_conn *cp)
{
	if (cp->flags & LB_CONN_F_NFCT)
		update_conntrack(pkt, cp);
	else
		notrack(pkt);
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

static void send_out(struct lb_net *ln, struct pkt *pkt, uint32_t route_to,
		     const struct lb_conn *cp)
{
	if (net_tracing(ln->net, pkt)) {
		struct trace_event ev = {
			.kind = TRACE_FATE, .fate = FATE_STOLEN,
			.text = "ipvs: sent on to the real server",
		};

		ln->net->trace.event(ln->net->trace.priv, pkt, &ev);
	}
	pkt->ipvs_property = true;
	if (cp)
		leave_or_update(pkt, cp);
	else
		notrack(pkt);
	stack_output_via(ln->net, pkt, route_to);
}

/*
 * __ip_vs_get_out_rt(): where cp's real server is. 1: one of our own
 * addresses (deliver here); 0: routed: rt filled, TTL decremented, and the
 * packet fits the route's MTU less extra (a tunnel's headers); -1: it
 * cannot go (unreachable, TTL, or DF and too large: the kernel's ICMP
 * sent, ensure_mtu_is_adequate()), the caller drops it.
 */
static int out_route(struct lb_net *ln, struct pkt *pkt,
		     const struct lb_conn *cp, uint32_t extra,
		     struct rt_result *rt)
{
	int type = stack_addr_type(ln->net, cp->daddr.ip, NULL);
	uint32_t mtu, len;

	if (type == RTN_LOCAL)
		return 1;
	if (type != RTN_UNICAST || route_lookup(ln->net, cp->daddr.ip, rt)) {
		icmp_send(ln->net, pkt, 3, 1, 0);
		return -1;
	}
	if (!decrement_ttl(ln->net, pkt))
		return -1;
	mtu = rt->dev->mtu > extra ? rt->dev->mtu - extra : 0;
	len = pkt_is_gso(pkt) ? pkt_gso_network_seglen(pkt) : pkt_l3_len(pkt);
	/* Not for the ICMP errors IPVS passes on (ip_vs_iph_icmp). */
	if ((pkt_l3(pkt)[6] & 0x40) && len > mtu && pkt->desc.proto != 1) {
		icmp_send(ln->net, pkt, 3, 4, htonl(mtu));
		return -1;
	}
	return 0;
}

/* A packet for a real server that is a local address: here it stays. */
static unsigned deliver_here(struct pkt *pkt, const struct lb_conn *cp)
{
	pkt->ipvs_property = true;
	leave_or_update(pkt, cp);
	return NS_ACCEPT;
}

/* ip_vs_nat_xmit(): destination to the real server. */
static unsigned nat_xmit(struct lb_net *ln, struct pkt *pkt,
			 struct lb_conn *cp)
{
	struct ct_tuple t = {
		.proto = (uint8_t)cp->protocol, .dst = cp->daddr,
		.dport = cp->dport,
	};
	struct rt_result rt;
	int r = out_route(ln, pkt, cp, 0, &rt);

	if (r < 0)
		return NS_DROP;
	if (!manip(pkt, &t, NAT_MANIP_DST))
		return NS_DROP;
	if (r > 0)
		return deliver_here(pkt, cp);
	send_out(ln, pkt, 0, cp);
	return NS_STOLEN;
}

/* ip_vs_dr_xmit(): unchanged, to the real server's link address. */
static unsigned dr_xmit(struct lb_net *ln, struct pkt *pkt,
			struct lb_conn *cp)
{
	struct rt_result rt;
	int r = out_route(ln, pkt, cp, 0, &rt);

	if (r < 0)
		return NS_DROP;
	if (r > 0)
		return deliver_here(pkt, cp);
	send_out(ln, pkt, cp->daddr.ip, cp);
	return NS_STOLEN;
}

/*
 * ipvs_gue_encap(): a UDP header to the real server's tunnel port and a
 * 4-byte GUE header (version 0, no options) carrying IPIP. The source
 * port comes from the inner flow (udp_flow_src_port: a hash of it in the
 * local port range 32768-60999; the kernel's hash is salted, so the port
 * differs, not how flows spread).
 */
static bool gue_encap(struct pkt *pkt, const struct lb_conn *cp)
{
	const struct lb_dest *d = cp->dest;
	uint32_t h = ns_hash_3words(cp->caddr.ip, cp->vaddr.ip,
				    (uint32_t)cp->cport << 16 | cp->vport,
				    0x6e7ca11u);
	uint16_t sport = htons((uint16_t)(32768 + (((uint64_t)h *
						    (60999 - 32768)) >> 32)));
	uint8_t *u;
	uint16_t len;

	if (pkt_headroom(pkt) < 8 + 4 + 20)
		return false;
	u = pkt_push(pkt, 4);
	memset(u, 0, 4);
	u[1] = 4;                                     /* IPPROTO_IPIP */
	u = pkt_push(pkt, 8);
	memcpy(u, &sport, 2);
	memcpy(u + 2, &d->tun_port, 2);
	len = htons((uint16_t)pkt->len);
	memcpy(u + 4, &len, 2);
	memset(u + 6, 0, 2);
	return true;
}

/* ipvs_gre_encap(): a GRE header (with its checksum if asked) for IPv4. */
static bool gre_encap(struct pkt *pkt, const struct lb_conn *cp)
{
	bool csum = cp->dest->tun_flags & LB_TUN_F_CSUM;
	uint8_t *g;

	if (pkt_headroom(pkt) < 8 + 20)
		return false;
	g = pkt_push(pkt, csum ? 8 : 4);
	memset(g, 0, csum ? 8 : 4);
	g[0] = csum ? 0x80 : 0;                       /* C bit */
	g[2] = 0x08;                                  /* ETH_P_IP */
	if (csum) {
		uint16_t sum = csum_fold(csum_partial(g, pkt->len, 0));

		memcpy(g + 4, &sum, 2);
	}
	return true;
}

/* The outer IPv4 header (from saddr to the real server), then out. */
static void tun_encap_send(struct lb_net *ln, struct pkt *pkt,
			   const struct lb_conn *cp, uint32_t saddr)
{
	static _Atomic uint16_t ident;
	const struct lb_dest *d = cp->dest;
	uint8_t inner[20], *out, proto = 4;           /* IPPROTO_IPIP */
	uint16_t tot, id, sum;
	bool check = d->tun_flags & (LB_TUN_F_CSUM | LB_TUN_F_REMCSUM);

	memcpy(inner, pkt->data, 20);
	/* A checksum over the inner packet needs it final (no remote
	 * checksum offload: the kernel's REMCSUM option is not sent). */
	if (((d->tun_type == LB_TUN_GUE && check) ||
	     (d->tun_type == LB_TUN_GRE && (d->tun_flags & LB_TUN_F_CSUM))) &&
	    pkt->csum_partial && pkt_csum_help(pkt)) {
		net_drop(ln->net, pkt, DROP_GSO_BAD);
		return;
	}
	if (d->tun_type == LB_TUN_GUE) {
		if (!gue_encap(pkt, cp))
			goto nobuf;
		proto = 17;
	} else if (d->tun_type == LB_TUN_GRE) {
		if (!gre_encap(pkt, cp))
			goto nobuf;
		proto = 47;
	}
	if (pkt_headroom(pkt) < 20 || pkt->len + 20 > 65535)
		goto nobuf;
	out = pkt_push(pkt, 20);
	memset(out, 0, 20);
	out[0] = 0x45;
	out[1] = inner[1];                            /* dsfield */
	tot = htons((uint16_t)pkt->len);
	memcpy(out + 2, &tot, 2);
	id = atomic_fetch_add(&ident, 1);
	if (ln->sysctl.pmtu_disc && (inner[6] & 0x40)) {
		out[6] = 0x40;                        /* DF as inside */
		id = 0;
	}
	id = htons(id);
	memcpy(out + 4, &id, 2);
	out[8] = inner[8];                            /* inner TTL */
	out[9] = proto;
	memcpy(out + 12, &saddr, 4);
	memcpy(out + 16, &cp->daddr.ip, 4);
	sum = ip_fast_csum(out, 5);
	memcpy(out + 10, &sum, 2);
	if (proto == 17 && check) {
		/* udp_set_csum(): the whole datagram. */
		uint8_t *u = out + 20;
		uint16_t ulen = (uint16_t)(pkt->len - 20);
		uint32_t s = csum_tcpudp_nofold(saddr, cp->daddr.ip, ulen, 17,
						0);

		sum = csum_fold(csum_partial(u, ulen, s));
		if (!sum)
			sum = 0xffff;
		memcpy(u + 6, &sum, 2);
	}
	pkt->l3_off = 0;
	pkt->l4_off = 0;
	/* An inner partial checksum keeps its (shifted) offsets. */
	pkt_set_ipv4_offsets(pkt);
	/* Tunnelled packets leave tracking even with conntrack=1 (the
	 * kernel confirms the entry first: not done here yet). */
	send_out(ln, pkt, 0, NULL);
	return;
nobuf:
	net_drop(ln->net, pkt, DROP_NO_BUFFER);
}

/*
 * ip_vs_tunnel_xmit(): IPIP, GUE or GRE to the real server, from the
 * address the route to it prefers. A GSO super-frame is cut into its
 * segments first, each encapsulated (the kernel offloads the tunnel's
 * segmentation instead; the wire sees the same packets).
 */
static unsigned tun_xmit(struct lb_net *ln, struct pkt *pkt,
			 struct lb_conn *cp)
{
	const struct lb_dest *d = cp->dest;
	uint32_t extra = 20;
	struct pkt *segs, *seg;
	struct rt_result rt;
	int r;

	if (d->tun_type == LB_TUN_GUE)
		extra += 8 + 4;
	else if (d->tun_type == LB_TUN_GRE)
		extra += (d->tun_flags & LB_TUN_F_CSUM) ? 8 : 4;
	r = out_route(ln, pkt, cp, extra, &rt);
	if (r < 0)
		return NS_DROP;
	if (r > 0) {
		pkt->ipvs_property = true;
		notrack(pkt);
		return NS_ACCEPT;
	}
	if (pkt->has_l2 && pkt->l3_off)
		pkt_pull(pkt, pkt->l3_off);
	pkt->has_l2 = false;
	if (!pkt_is_gso(pkt)) {
		tun_encap_send(ln, pkt, cp, rt.src.ip);
		return NS_STOLEN;
	}
	if (pkt_gso_segment(pkt, net_pool(ln->net), &segs)) {
		net_drop(ln->net, pkt, DROP_GSO_BAD);
		return NS_STOLEN;
	}
	pkt_free(pkt);
	while ((seg = segs)) {
		segs = seg->next;
		seg->next = NULL;
		tun_encap_send(ln, seg, cp, rt.src.ip);
	}
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
	struct rt_result rt;
	int r;

	if ((cp->flags & LB_FWD_MASK) != LB_FWD_MASQ)
		return lb_xmit(ln, pkt, cp, hook);
	r = out_route(ln, pkt, cp, 0, &rt);
	if (r < 0)
		return NS_DROP;
	if (r > 0)
		return deliver_here(pkt, cp);
	send_out(ln, pkt, 0, cp);
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
	if (!manip(pkt, &t, NAT_MANIP_SRC))
		return NS_DROP;
	return NS_ACCEPT;
}
