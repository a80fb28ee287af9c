/* SPDX-License-Identifier: MIT */
/*
 * NAT, as the kernel's nf_nat: a connection's address translation is
 * decided once, for its first packet, and kept in its conntrack entry
 * (the reply tuple and the CT_S_*_NAT status bits: no allocation of its
 * own); every later packet of the connection is rewritten to match.
 * Destination NAT happens at PREROUTING and OUTPUT (priority -100), source
 * NAT at INPUT and POSTROUTING (+100). The rules that decide come from
 * above (the iptables nat table, src/xt) through nat_register_fn(), as
 * iptable_nat registers with nf_nat_ipv4_register_fn(): this layer knows
 * conntrack (src/ct) below it and nothing of xt.
 *
 * Control path: nat_net_enable(), nat_register_fn(). Data path: the
 * hook functions, nat_setup_info() and the target helpers (masquerade,
 * redirect), which run inside the table function for a connection's first
 * packet, while its entry is unconfirmed and owned by that packet.
 */
#ifndef NS_NAT_NAT_H
#define NS_NAT_NAT_H

#include <stdbool.h>
#include <stdint.h>

#include <netsieve/netsieve.h>

#include "ct/ct.h"
#include "pkt/pkt.h"

struct net;
struct netdev;

/* The kernel's enum nf_nat_manip_type. */
enum nat_manip_type {
	NAT_MANIP_SRC = 0,
	NAT_MANIP_DST = 1,
};

/* Which manip a hook does (HOOK2MANIP). */
static inline enum nat_manip_type nat_hook2manip(int hook)
{
	return hook != NS_INET_POST_ROUTING && hook != NS_INET_LOCAL_IN ?
	       NAT_MANIP_DST : NAT_MANIP_SRC;
}

/* Range flags, the kernel's NF_NAT_RANGE_* values. */
#define NAT_RANGE_MAP_IPS            (1u << 0)
#define NAT_RANGE_PROTO_SPECIFIED    (1u << 1)
#define NAT_RANGE_PROTO_RANDOM       (1u << 2)
#define NAT_RANGE_PERSISTENT         (1u << 3)
#define NAT_RANGE_PROTO_RANDOM_FULLY (1u << 4)
#define NAT_RANGE_PROTO_OFFSET       (1u << 5)
#define NAT_RANGE_NETMAP             (1u << 6)
#define NAT_RANGE_PROTO_RANDOM_ALL \
	(NAT_RANGE_PROTO_RANDOM | NAT_RANGE_PROTO_RANDOM_FULLY)

/*
 * struct nf_nat_range2: addresses (network byte order) and the port or
 * ICMP id range (network byte order); base_proto is the port
 * min_proto maps from with NAT_RANGE_PROTO_OFFSET (DNAT's ":a-b/base").
 */
struct nat_range {
	uint32_t flags;
	uint32_t min_addr, max_addr;
	uint16_t min_proto, max_proto;
	uint16_t base_proto;
};

/* Has ct a binding for this manip yet (nf_nat_initialized)? */
static inline bool nat_initialized(const struct ct_conn *ct,
				   enum nat_manip_type mt)
{
	return ct_status(ct) & (mt == NAT_MANIP_SRC ? CT_S_SRC_NAT_DONE :
				CT_S_DST_NAT_DONE);
}

/*
 * The function a table (the iptables nat table) runs for the first packet
 * of a connection at one hook: the hook function's signature. It returns
 * a verdict; a rule that maps the connection calls nat_setup_info()
 * (through a target) before returning NS_ACCEPT.
 */
typedef unsigned int (*nat_table_fn)(void *priv, struct pkt *pkt,
				     const struct ns_hook_state *st);

/*
 * Turn NAT on in net (the kernel loading nf_nat with the first nat table):
 * enables conntrack (ct_net_enable), creates net->nat and registers the
 * four NAT hook functions. Idempotent. Control path, ctl_lock held.
 * Returns 0 or a negative errno (nothing changed then).
 */
int nat_net_enable(struct net *net);
/* Unregister the hooks and free net->nat (net destruction). */
void nat_net_destroy(struct net *net);

/*
 * Register fn(priv, ...) as the table NAT runs at hook (PRE_ROUTING,
 * LOCAL_IN, LOCAL_OUT, POST_ROUTING) for a connection without a binding
 * for that hook's manip, as nf_nat_ipv4_register_fn. One table per hook:
 * -EBUSY if one is there, -EINVAL for another hook, -ENOENT when NAT is
 * not enabled in net. Control path. nat_unregister_fn() removes it; the
 * caller waits for a grace period before freeing priv.
 */
int nat_register_fn(struct net *net, int hook, nat_table_fn fn, void *priv);
void nat_unregister_fn(struct net *net, int hook);

/*
 * nf_nat_setup_info(): bind ct (unconfirmed, owned by the calling packet)
 * for manip mt into range: choose a unique tuple (address from the range
 * by a hash of the connection's addresses, the port kept when free, else
 * searched in the port range), set the reply tuple and CT_S_SRC_NAT /
 * CT_S_DST_NAT when it changed, and CT_S_*_NAT_DONE. Returns NS_ACCEPT
 * (also for a confirmed entry, which is left as it is) or NS_DROP (a
 * binding for mt exists already). pkt is only for the trace (may be
 * NULL). Data path.
 */
unsigned int nat_setup_info(struct net *net, struct ct_conn *ct,
			    const struct nat_range *range,
			    enum nat_manip_type mt, const struct pkt *pkt);
/* The identity binding for hook's manip (nf_nat_alloc_null_binding). */
unsigned int nat_alloc_null_binding(struct net *net, struct ct_conn *ct,
				    int hook);

/*
 * MASQUERADE (nf_nat_masquerade_ipv4): source NAT to out's address chosen
 * for the packet's next hop, remembering out in ct->masq_ifindex so the
 * binding goes when that address or device does. range carries the
 * ports and flags. NS_DROP when out has no usable address. POSTROUTING
 * only; data path.
 */
unsigned int nat_masquerade(struct net *net, struct pkt *pkt,
			    const struct nat_range *range,
			    const struct netdev *out);
/*
 * REDIRECT (nf_nat_redirect_ipv4): destination NAT to in's primary
 * address (PREROUTING) or 127.0.0.1 (OUTPUT), ports from range. NS_DROP
 * when in has no address. Data path.
 */
unsigned int nat_redirect(struct net *net, struct pkt *pkt,
			  const struct nat_range *range,
			  const struct netdev *in, int hook);

/*
 * The packet's entry when a NAT target may bind it: NEW or RELATED (the
 * first packet), else NULL (the targets then accept, where the kernel
 * would WARN).
 */
struct ct_conn *nat_pkt_ct(const struct pkt *pkt);

/*
 * nf_nat_ipv4_manip_pkt(): rewrite the IPv4 header at iphoff (bytes from
 * pkt->data) and its L4 header to match target for manip mt, checksums
 * updated incrementally (a partial checksum's pseudo-header sum when
 * pkt->csum_partial). False when the headers are not all in the packet.
 * Does not refresh pkt->desc. Also the load balancer's header
 * rewriting (src/lb/xmit.c, as IPVS's tcp/udp_*nat_handler). Data path.
 */
bool nat_ipv4_manip_pkt(struct pkt *pkt, uint32_t iphoff,
			const struct ct_tuple *target, enum nat_manip_type mt);

#endif
