// SPDX-License-Identifier: MIT
/*
 * The receive path: a frame from an interface (stack_rcv), link-layer
 * demultiplexing (IPv4, ARP; other ethertypes counted), the IPv4 header
 * checks of ip_rcv_core(), the PREROUTING hook, and the route decision of
 * ip_rcv_finish(): local delivery, forwarding, or an error (ip_error).
 * Data path: reads the worker's snapshot, allocates nothing.
 */
#include "stack/internal.h"

#include "core/hook.h"

#include <arpa/inet.h>
#include <errno.h>

__thread int stack_depth;

/* ip_error(): a received packet we cannot route. */
static void ip_error(struct net *net, struct pkt *pkt, int err,
		     const struct rt_result *rt)
{
	int code;

	if (err == -EXDEV) {
		net_drop(net, pkt, DROP_IP_INADDRERRORS);
		return;
	}
	if (err == -EPERM) {
		net_drop(net, pkt, DROP_IP_RPFILTER);
		return;
	}
	if (!pkt->in || !pkt->in->cnf_forwarding) {
		net_drop(net, pkt, DROP_IP_FORWARDING_OFF);
		return;
	}
	switch (err) {
	case -ENETUNREACH:
		code = NS_ICMP_NET_UNREACH;
		break;
	case -EHOSTUNREACH:
		code = NS_ICMP_HOST_UNREACH;
		break;
	case -EACCES:
		code = NS_ICMP_PKT_FILTERED;
		break;
	default:
		/* blackhole: silently. */
		net_drop(net, pkt, DROP_IP_INNOROUTES);
		return;
	}
	if (icmp_error_allow(net, pkt_iph(pkt)->saddr))
		icmp_send(net, pkt, NS_ICMP_DEST_UNREACH, code, 0);
	(void)rt;
	net_drop(net, pkt, DROP_IP_INNOROUTES);
}

/* ip_rcv_options(): false when the packet is gone (dropped, counted). */
static bool rcv_options(struct net *net, struct pkt *pkt, int rt_type)
{
	int err = ip_options_rcv(net, pkt, rt_type);

	if (!err)
		return true;
	net_drop(net, pkt, err == -EPERM ? DROP_IP_SRR : DROP_IP_INHDR);
	return false;
}

static bool mc_ours(uint32_t daddr, uint8_t proto)
{
	/* We are members of all-hosts; IGMP is taken for any group. */
	return daddr == htonl(0xe0000001) || proto == 2;
}

static void ip_rcv_finish(struct net *net, struct netdev *dev, struct pkt *pkt)
{
	const struct ns_iphdr *iph = pkt_iph(pkt);
	struct rt_result rt;
	int err;

	if ((ntohl(iph->daddr) & 0xf0000000u) == 0xe0000000u) {
		if (!mc_ours(iph->daddr, iph->protocol) ||
		    (ntohl(iph->saddr) >> 24) == 127 ||
		    (ntohl(iph->saddr) & 0xf0000000u) == 0xe0000000u ||
		    iph->saddr == 0xffffffffu) {
			net_drop(net, pkt, DROP_IP_INADDRERRORS);
			return;
		}
		if (iph_hlen(iph) > 20 && !rcv_options(net, pkt, RTN_MULTICAST))
			return;
		ip_local_deliver(net, pkt, RTN_MULTICAST);
		return;
	}
	err = route_input(net, iph->daddr, iph->saddr, dev, &rt);
	if (err) {
		ip_error(net, pkt, err, &rt);
		return;
	}
	if (iph_hlen(iph) > 20 && !rcv_options(net, pkt, rt.type))
		return;
	switch (rt.type) {
	case RTN_LOCAL:
	case RTN_BROADCAST:
		ip_local_deliver(net, pkt, rt.type);
		return;
	case RTN_UNICAST:
		pkt->out = rt.dev;
		pkt->nexthop.ip = rt.nexthop.ip;
		ip_forward(net, pkt, &rt);
		return;
	default:
		net_drop(net, pkt, DROP_IP_INNOROUTES);
	}
}

/* ip_rcv(): validate, then PREROUTING. */
static void ip_rcv(struct net *net, struct netdev *dev, struct pkt *pkt)
{
	enum drop_reason r;

	if (pkt->pkt_type == PKT_OTHERHOST) {
		net_drop(net, pkt, DROP_OTHERHOST);
		return;
	}
	r = pkt_parse_ipv4(pkt);
	if (r != DROP_NOT_DROPPED) {
		net_drop(net, pkt, r);
		return;
	}
	if (!nf_hook_ok(net, NS_INET_PRE_ROUTING, pkt, dev, NULL))
		return;
	ip_rcv_finish(net, dev, pkt);
}

void stack_rcv(struct net *net, struct netdev *dev, struct pkt *pkt)
{
	enum drop_reason r;

	pkt->in = dev;
	pkt->out = NULL;
	pkt->next = NULL;
	if (!pkt->tstamp_ns)
		pkt->tstamp_ns = net_now(net);
	net_stats(net)->rx_packets++;
	dev_stats(dev)->rx_packets++;
	dev_stats(dev)->rx_bytes += pkt->len;
	if (!dev->up) {
		dev_stats(dev)->rx_dropped++;
		net_drop(net, pkt, DROP_DEV_DOWN);
		return;
	}
	/*
	 * Larger than the interface's MTU (plus link header and one VLAN
	 * tag, as veth's is_skb_forwardable): the device would not take it.
	 */
	if (!dev->loopback &&
	    pkt->len > dev->mtu + (pkt->has_l2 ? NS_ETH_HLEN + 4 : 0)) {
		dev_stats(dev)->rx_dropped++;
		net_drop(net, pkt, DROP_PKT_TOO_BIG);
		return;
	}
	if (!pkt->has_l2) {
		/* Raw IP (TUN, DLT_RAW capture): the IP header is first. */
		pkt->l3_off = 0;
		pkt->l4_off = 0;
		pkt->pkt_type = PKT_HOST;
		if (pkt->len && (pkt->data[0] >> 4) == 6) {
			pkt->ethertype = NS_ETHTYPE_IPV6;
			net_drop(net, pkt, DROP_IPV6DISABLED);
			return;
		}
		pkt->ethertype = NS_ETHTYPE_IP;
		ip_rcv(net, dev, pkt);
		return;
	}
	r = pkt_parse_eth(pkt, dev->mac);
	if (r != DROP_NOT_DROPPED) {
		net_drop(net, pkt, r);
		return;
	}
	switch (pkt->ethertype) {
	case NS_ETHTYPE_IP:
		ip_rcv(net, dev, pkt);
		return;
	case NS_ETHTYPE_ARP:
		arp_rcv(net, dev, pkt);
		return;
	case NS_ETHTYPE_IPV6:
		net_drop(net, pkt, DROP_IPV6DISABLED);
		return;
	default:
		net_drop(net, pkt, DROP_UNHANDLED_PROTO);
		return;
	}
}

void ip_rcv_loopback(struct net *net, struct netdev *lo, struct pkt *pkt)
{
	uint32_t daddr;

	pkt->in = lo;
	pkt->out = NULL;
	pkt->pkt_type = PKT_HOST;
	pkt->local_out = false;
	pkt->l3_off = 0;
	pkt->ethertype = NS_ETHTYPE_IP;
	pkt_set_ipv4_offsets(pkt);
	net_stats(net)->rx_packets++;
	if (!nf_hook_ok(net, NS_INET_PRE_ROUTING, pkt, lo, NULL))
		return;
	daddr = pkt_iph(pkt)->daddr;
	/* The output route said local; a PREROUTING DNAT may change that. */
	if (stack_addr_type(net, daddr, NULL) == RTN_LOCAL ||
	    (ntohl(daddr) >> 24) == 127) {
		ip_local_deliver(net, pkt, RTN_LOCAL);
		return;
	}
	ip_rcv_finish(net, lo, pkt);
}
