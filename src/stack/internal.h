/* SPDX-License-Identifier: MIT */
/*
 * Internal interfaces between the files of src/stack/: the steps of the
 * packet path and the helpers that build packets (the routing table,
 * addresses, neighbours and devices are in stack/config.h, the part other
 * layers may use). Not for use outside src/stack/. Data-path functions read the worker's configuration
 * snapshot (stack/conf.h); control-path functions change the command's
 * draft, and say so.
 */
#ifndef NS_STACK_INTERNAL_H
#define NS_STACK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/hook.h"
#include "core/net.h"
#include "pkt/parse.h"
#include "stack/conf.h"
#include "stack/config.h"
#include "stack/stack.h"


/* arp.c */
void arp_rcv(struct net *net, struct netdev *dev, struct pkt *pkt);
/* Send an ARP request for target on dev (dst_mac NULL: broadcast). */
void arp_solicit(struct net *net, struct netdev *dev, uint32_t target,
		 uint32_t saddr_hint, const uint8_t *dst_mac,
		 const struct pkt *cause);

/* input.c */
/*
 * A packet looped back through lo (sent to one of our addresses): its
 * route is already known (local), so PREROUTING then local delivery.
 */
void ip_rcv_loopback(struct net *net, struct netdev *lo, struct pkt *pkt);
/* NF_HOOK for IPv4 (core/hook.c does the work). */
static inline bool nf_hook_ok(struct net *net, int hook, struct pkt *pkt,
			      const struct netdev *in,
			      const struct netdev *out)
{
	return nf_hook(net, NS_PF_INET, hook, pkt, in, out);
}

/* local.c */
/* Local delivery; rt_type RTN_LOCAL, RTN_BROADCAST or RTN_MULTICAST. */
void ip_local_deliver(struct net *net, struct pkt *pkt, int rt_type);

/* forward.c */
void ip_forward(struct net *net, struct pkt *pkt, const struct rt_result *rt);

/* output.c */
/*
 * After routing: POSTROUTING, then fragmentation and the neighbour.
 * Consumes pkt. Data path.
 */
void ip_output(struct net *net, struct pkt *pkt, const struct rt_result *rt);
/*
 * Allocate a packet for the stack to send: data at the IP header, room for
 * hdr_room bytes of IP header plus payload, metadata taken from cause
 * (id, tstamp_ns, mark) when not NULL. NULL when the pool is empty.
 */
struct pkt *ip_alloc_reply(struct net *net, const struct pkt *cause);
/* The same for a packet of len bytes from the IP header: a large one
 * when it would not fit an ordinary buffer with its link header. */
struct pkt *ip_alloc_reply_len(struct net *net, const struct pkt *cause,
			       uint32_t len);
/*
 * Fill the IPv4 header of a generated packet whose payload (l4_len bytes)
 * is already at data + 20: ID from the counter, checksum, offsets.
 */
void ip_build_header(struct net *net, struct pkt *pkt, uint32_t saddr,
		     uint32_t daddr, uint8_t proto, uint8_t tos, uint8_t ttl,
		     bool df, uint32_t payload_len);

/* As ip_build_header, with options (eo from ip_options_echo) before a
 * payload already at data + 20 + eo->optlen. */
struct ip_echo_opts;
void ip_build_header_opts(struct net *net, struct pkt *pkt, uint32_t saddr,
			  uint32_t daddr, uint8_t proto, uint8_t tos,
			  uint8_t ttl, bool df, const uint8_t *opts,
			  const struct ip_echo_opts *eo, uint32_t payload_len);

/* dev.c */
/* Put an Ethernet header on pkt and hand it to dev's backend. Consumes. */
void dev_xmit(struct net *net, struct netdev *dev, struct pkt *pkt,
	      const uint8_t *dst_mac, uint16_t ethertype);
/* Transmit a complete frame (ARP) as it is. Consumes pkt. */
void dev_xmit_frame(struct net *net, struct netdev *dev, struct pkt *pkt);
/* Deliver a packet sent to a local address back into the input path. */
void dev_loopback_xmit(struct net *net, struct netdev *lo, struct pkt *pkt);

/* icmp.c */
int icmp_worker_init(struct net *net, struct ns_worker *w);
void icmp_worker_fini(struct net *net, struct ns_worker *w);
void icmp_rcv(struct net *net, struct pkt *pkt, int rt_type);
/* ip_error()'s own per-source limit (1 s cost, 5 s burst). */
bool icmp_error_allow(struct net *net, uint32_t saddr);
/* ip_rt_send_redirect(): a host redirect, rate limited per source. */
void icmp_send_redirect(struct net *net, const struct pkt *pkt, uint32_t gw);

/* Nonzero while an ICMP message of ours is being sent (icmp_xmit_lock). */
extern __thread int icmp_xmit_busy;

/* options.c: IPv4 options (pkt->opt_* hold what receive found). */
#define IPOPT_F_RR_NEEDADDR 0x01
#define IPOPT_F_TS_NEEDADDR 0x02
#define IPOPT_F_TS_NEEDTIME 0x04
#define IPOPT_F_CHANGED 0x08
#define IPOPT_F_CIPSO 0x10

/* Options to put in a reply, from ip_options_echo(). */
struct ip_echo_opts {
	int optlen;
	uint8_t rr, ts;         /* offsets from the IP header */
	bool rr_needaddr, ts_needaddr, ts_needtime;
};

/*
 * ip_options_compile() + ip_rcv_options() for a received packet whose
 * route type is known: 0, -EINVAL (malformed: parameter problem sent) or
 * -EPERM (source routed). Updates the header as the kernel does.
 */
int ip_options_rcv(struct net *net, struct pkt *pkt, int rt_type);
/* After FORWARD: our outgoing address into record route; checksum. */
void ip_forward_options(struct net *net, struct pkt *pkt,
			const struct rt_result *rt);
/* Options for a reply to pkt into buf (40 bytes); returns the length. */
int ip_options_echo(struct net *net, const struct pkt *pkt, uint8_t *buf,
		    struct ip_echo_opts *d);
/* ip_options_build(): fill what the echoed options still need. */
void ip_options_build(struct net *net, uint8_t *iph,
		      const struct ip_echo_opts *opt, uint32_t saddr);

/* reset.c */
/* tcp_v4_send_reset() for a segment to a closed port (rt_type local). */
void tcp_v4_send_reset(struct net *net, const struct pkt *pkt);

/* worker.c: the stack's side of core's worker loop. */
extern const struct net_dp_ops stack_dp_ops;

/* Fate reporting helpers. */
static inline void stack_fate(struct net *net, const struct pkt *pkt,
			      enum pkt_fate fate, const char *ifname)
{
	if (net_tracing(net, pkt)) {
		struct trace_event ev = {
			.kind = TRACE_FATE, .fate = fate, .ifname = ifname,
		};

		net->trace.event(net->trace.priv, pkt, &ev);
	}
}

/* Recursion bound for packets looped back to ourselves. */
#define STACK_MAX_DEPTH 6
extern __thread int stack_depth;

#endif
