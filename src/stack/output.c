// SPDX-License-Identifier: MIT
/*
 * The output path. Locally generated packets (stack_output): routing,
 * LOCAL_OUT (re-routed if a hook changed the destination or mark, as
 * ip_route_me_harder), then as forwarded ones: POSTROUTING,
 * fragmentation to the output MTU (ip_fragment; DF packets too big get
 * an ICMP fragmentation needed), the neighbour and the device. Also the
 * helpers that build packets the stack sends. Data path: generated
 * packets come from the calling worker's pool (net_pool()).
 */
#include "stack/internal.h"

#include "pkt/csum.h"
#include "pkt/gso.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

struct pkt *ip_alloc_reply(struct net *net, const struct pkt *cause)
{
	return ip_alloc_reply_len(net, cause, 0);
}

struct pkt *ip_alloc_reply_len(struct net *net, const struct pkt *cause,
			       uint32_t len)
{
	struct pkt *pkt = len > PKT_MAX_FRAME - NS_ETH_HLEN ?
			  pkt_alloc_big(net_pool(net)) :
			  pkt_alloc(net_pool(net));

	if (!pkt) {
		net_stats(net)->drops[DROP_NO_BUFFER]++;
		return NULL;
	}
	pkt->has_l2 = false;
	pkt->l3_off = 0;
	pkt->local_out = true;
	pkt->ethertype = NS_ETHTYPE_IP;
	pkt->family = NS_PF_INET;
	/* A fresh packet: not traced (nf_trace) even if the cause was. */
	if (cause) {
		pkt->id = cause->id;
		pkt->tstamp_ns = cause->tstamp_ns;
	} else {
		pkt->tstamp_ns = net_now(net);
	}
	return pkt;
}

void ip_build_header_opts(struct net *net, struct pkt *pkt, uint32_t saddr,
			  uint32_t daddr, uint8_t proto, uint8_t tos,
			  uint8_t ttl, bool df, const uint8_t *opts,
			  const struct ip_echo_opts *eo, uint32_t payload_len)
{
	struct ns_iphdr *iph = (struct ns_iphdr *)pkt->data;
	unsigned int optlen = eo ? (unsigned int)eo->optlen : 0;

	iph->ver_ihl = (uint8_t)(0x40 | (5 + optlen / 4));
	iph->tos = tos;
	iph->tot_len = htons((uint16_t)(20 + optlen + payload_len));
	iph->id = df ? 0 : htons(net_worker(net)->ip_id++);
	iph->frag_off = df ? htons(NS_IPH_DF) : 0;
	iph->ttl = ttl;
	iph->protocol = proto;
	iph->check = 0;
	iph->saddr = saddr;
	iph->daddr = daddr;
	if (optlen) {
		memcpy(pkt->data + 20, opts, optlen);
		ip_options_build(net, pkt->data, eo, saddr);
	}
	iph->check = ip_fast_csum(iph, 5 + optlen / 4);
	pkt->len = 20 + optlen + payload_len;
	pkt->l3_off = 0;
	pkt_set_ipv4_offsets(pkt);
}

void ip_build_header(struct net *net, struct pkt *pkt, uint32_t saddr,
		     uint32_t daddr, uint8_t proto, uint8_t tos, uint8_t ttl,
		     bool df, uint32_t payload_len)
{
	ip_build_header_opts(net, pkt, saddr, daddr, proto, tos, ttl, df,
			     NULL, NULL, payload_len);
}

/*
 * ip_options_fragment(): after the first fragment, options without the
 * "copied" flag become NOOPs (the header keeps its length).
 */
static void options_fragment(uint8_t *iph)
{
	uint8_t *optptr = iph + 20;
	int l = (int)iph_hlen((const struct ns_iphdr *)iph) - 20, optlen;

	while (l > 0) {
		if (*optptr == 0)
			return;
		if (*optptr == 1) {
			l--;
			optptr++;
			continue;
		}
		optlen = l > 1 ? optptr[1] : 0;
		if (optlen < 2 || optlen > l)
			return;
		if (!(*optptr & 0x80))
			memset(optptr, 1, (size_t)optlen);
		l -= optlen;
		optptr += optlen;
	}
}

/*
 * ip_do_fragment()'s fast path: does the datagram still have the lengths
 * of the fragments it was reassembled from (as the kernel its frag_list),
 * each fitting space bytes, all summing to total?
 */
static bool frag_geo_fits(const struct pkt *pkt, uint32_t space,
			  uint32_t total)
{
	uint32_t sum = 0;
	int i;

	if (!pkt->frag_geo_n || pkt->frag_geo_n > PKT_FRAG_GEO)
		return false;
	for (i = 0; i < pkt->frag_geo_n; i++) {
		if (pkt->frag_geo[i].len > space || !pkt->frag_geo[i].len)
			return false;
		sum += (uint32_t)pkt->frag_geo[i].len * pkt->frag_geo[i].count;
	}
	return sum == total;
}

/*
 * ip_do_fragment(): split pkt into fragments of at most mtu bytes (or of
 * its largest original fragment, frag_max_size, when it was reassembled),
 * each through the neighbour; later fragments keep only the copied
 * options. A datagram conntrack reassembled comes out as the fragments it
 * was made of when each fits (the kernel re-sends the frag_list it kept,
 * its fast path), with headers that carry MF and the offset only.
 * Otherwise (the slow path) DF stays when the largest fragment had it
 * (IPSKB_FRAG_PMTU).
 */
static void ip_do_fragment(struct net *net, struct pkt *pkt,
			   const struct rt_result *rt, uint32_t mtu)
{
	const struct ns_iphdr *iph = pkt_iph(pkt);
	unsigned int hlen = iph_hlen(iph);
	uint32_t total = pkt_l3_len(pkt) - hlen, off = 0, chunk;
	uint16_t fo = ntohs(iph->frag_off);
	const uint8_t *payload = pkt_l3(pkt) + hlen;
	unsigned int gi = 0, gc = 0;
	bool fast, df;

	if (pkt->frag_max_size && pkt->frag_max_size < mtu)
		mtu = pkt->frag_max_size;
	if (mtu < hlen + 8) {
		net_stats(net)->ip.frag_fails++;
		net_drop(net, pkt, DROP_IP_FRAG_NEEDED);
		return;
	}
	fast = frag_geo_fits(pkt, mtu - hlen, total);
	df = (pkt->frag_flags & PKT_FRAG_PMTU) && !fast;
	chunk = (mtu - hlen) & ~7u;
	while (off < total) {
		uint32_t n = total - off > chunk ? chunk : total - off;
		struct pkt *f;

		if (fast) {
			n = pkt->frag_geo[gi].len;
			if (++gc == pkt->frag_geo[gi].count) {
				gi++;
				gc = 0;
			}
		}
		f = ip_alloc_reply_len(net, pkt, hlen + n);
		struct ns_iphdr *fh;
		uint16_t nfo;

		if (!f) {
			net_stats(net)->ip.frag_fails++;
			net_drop(net, pkt, DROP_NO_BUFFER);
			return;
		}
		f->local_out = pkt->local_out;
		f->trace = pkt->trace; /* ip_copy_metadata() */
		f->mark = pkt->mark;
		f->in = pkt->in;
		f->out = pkt->out;
		f->nexthop.ip = pkt->nexthop.ip;
		f->xt_gen = pkt->xt_gen;
		memcpy(f->data, iph, hlen);
		if (off && hlen > 20)
			options_fragment(f->data);
		memcpy(f->data + hlen, payload + off, n);
		fh = (struct ns_iphdr *)f->data;
		nfo = (uint16_t)((fast ? 0 : fo & NS_IPH_OFFMASK) + off / 8);
		if (off + n < total || (!fast && (fo & NS_IPH_MF)))
			nfo |= NS_IPH_MF;
		if (df)
			nfo |= NS_IPH_DF;
		fh->frag_off = htons(nfo);
		fh->tot_len = htons((uint16_t)(hlen + n));
		fh->check = 0;
		fh->check = ip_fast_csum(fh, hlen / 4);
		f->len = hlen + n;
		pkt_set_ipv4_offsets(f);
		net_stats(net)->ip.frag_creates++;
		neigh_output(net, rt->dev, rt->nexthop.ip, f);
		off += n;
	}
	net_stats(net)->ip.frag_oks++;
	/* The original was sent as its fragments. */
	pkt_free(pkt);
}

/*
 * ip_fragment(): a DF packet too big is refused with an ICMP
 * fragmentation needed, unless conntrack reassembled it (ignore_df) from
 * fragments that fit.
 */
static void ip_fragment(struct net *net, struct pkt *pkt,
			const struct rt_result *rt, uint32_t mtu)
{
	if ((ntohs(pkt_iph(pkt)->frag_off) & NS_IPH_DF) &&
	    (!(pkt->frag_flags & PKT_IGNORE_DF) ||
	     pkt->frag_max_size > mtu)) {
		net_stats(net)->ip.frag_fails++;
		icmp_send(net, pkt, NS_ICMP_DEST_UNREACH, NS_ICMP_FRAG_NEEDED,
			  htonl(mtu));
		net_drop(net, pkt, DROP_IP_FRAG_NEEDED);
		return;
	}
	ip_do_fragment(net, pkt, rt, mtu);
}

/*
 * One packet (not GSO) to the neighbour; fragmented if larger than the
 * MTU or reassembled here (__ip_finish_output: frag_max_size set).
 */
static void ip_finish_output_mtu(struct net *net, struct pkt *pkt,
				 const struct rt_result *rt, uint32_t mtu)
{
	if (pkt_l3_len(pkt) > mtu || pkt->frag_max_size) {
		ip_fragment(net, pkt, rt, mtu);
		return;
	}
	neigh_output(net, rt->dev, rt->nexthop.ip, pkt);
}

/*
 * ip_finish_output_gso(): a super-frame whose segments fit the MTU goes
 * on whole (the device or dev_xmit cuts it); otherwise (a forwarded
 * frame without DF, ip_forward having answered DF ones) it is segmented
 * here and each segment fragmented.
 */
static void ip_finish_output_gso(struct net *net, struct pkt *pkt,
				 const struct rt_result *rt, uint32_t mtu)
{
	struct pkt *segs, *seg;
	int err;

	if (pkt_gso_network_seglen(pkt) <= mtu) {
		neigh_output(net, rt->dev, rt->nexthop.ip, pkt);
		return;
	}
	err = pkt_gso_segment(pkt, net_pool(net), &segs);
	if (err) {
		net_drop(net, pkt, err == -ENOBUFS ? DROP_NO_BUFFER :
			 DROP_GSO_BAD);
		return;
	}
	pkt_free(pkt);          /* sent as its segments */
	while ((seg = segs)) {
		segs = seg->next;
		seg->next = NULL;
		ip_finish_output_mtu(net, seg, rt, mtu);
	}
}

static void ip_finish_output(struct net *net, struct pkt *pkt,
			     const struct rt_result *rt)
{
	uint32_t mtu = rt->dev->mtu;

	if (rt->dev->loopback) {
		dev_loopback_xmit(net, rt->dev, pkt);
		return;
	}
	if (pkt_is_gso(pkt)) {
		ip_finish_output_gso(net, pkt, rt, mtu);
		return;
	}
	ip_finish_output_mtu(net, pkt, rt, mtu);
}

void ip_output(struct net *net, struct pkt *pkt, const struct rt_result *rt)
{
	pkt->out = rt->dev;
	pkt->nexthop.ip = rt->nexthop.ip;
	if (!nf_hook_ok(net, NS_INET_POST_ROUTING, pkt, pkt->in, rt->dev))
		return;
	ip_finish_output(net, pkt, rt);
}

static void output(struct net *net, struct pkt *pkt, uint32_t route_to)
{
	const struct ns_iphdr *iph;
	struct rt_result rt;
	uint32_t daddr, mark;

	if (pkt->has_l2 && pkt->l3_off)
		pkt_pull(pkt, pkt->l3_off);
	pkt->has_l2 = false;
	pkt->l3_off = 0;
	pkt->in = NULL;
	pkt->local_out = true;
	pkt->pkt_type = PKT_HOST;
	pkt->ethertype = NS_ETHTYPE_IP;
	if (!pkt->tstamp_ns)
		pkt->tstamp_ns = net_now(net);
	if (pkt->len < 20 || (pkt->data[0] >> 4) != 4 ||
	    iph_hlen((const struct ns_iphdr *)pkt->data) > pkt->len) {
		net_drop(net, pkt, DROP_IP_INHDR);
		return;
	}
	pkt_set_ipv4_offsets(pkt);
	if (stack_depth >= STACK_MAX_DEPTH) {
		net_drop(net, pkt, DROP_TX_ERROR);
		return;
	}
	iph = pkt_iph(pkt);
	if (route_output(net, route_to ? route_to : iph->daddr, iph->saddr,
			 &rt)) {
		net_drop(net, pkt, DROP_IP_INNOROUTES);
		return;
	}
	pkt->out = rt.dev;
	pkt->nexthop.ip = rt.nexthop.ip;
	daddr = iph->daddr;
	mark = pkt->mark;
	stack_depth++;
	if (!nf_hook_ok(net, NS_INET_LOCAL_OUT, pkt, NULL, rt.dev))
		goto out;
	iph = pkt_iph(pkt);
	/* ip_route_me_harder(): a hook moved the packet elsewhere. */
	if (!route_to && (iph->daddr != daddr || pkt->mark != mark)) {
		if (route_output(net, iph->daddr, iph->saddr, &rt)) {
			net_drop(net, pkt, DROP_IP_INNOROUTES);
			goto out;
		}
	}
	ip_output(net, pkt, &rt);
out:
	stack_depth--;
}

void stack_output(struct net *net, struct pkt *pkt)
{
	output(net, pkt, 0);
}

void stack_output_via(struct net *net, struct pkt *pkt, uint32_t route_to)
{
	output(net, pkt, route_to);
}
