/* SPDX-License-Identifier: MIT */
/*
 * The IPv4 stack around the hooks, behaving like Linux: receive (ip_rcv),
 * routing, local delivery, forwarding, local output, neighbours/ARP, ICMP
 * generation. These are the entry points other layers use; each function
 * says whether it consumes the packet. Data-path functions run on a
 * worker's configuration snapshot (stack/conf.h) and take no lock but the
 * neighbours' own.
 */
#ifndef NS_STACK_STACK_H
#define NS_STACK_STACK_H

#include <stdint.h>

#include "core/net.h"

/* Set up/tear down routes, neighbours, ICMP state and sysctl defaults. */
int stack_init(struct net *net);
void stack_fini(struct net *net);

/*
 * A frame arrived on dev (pkt->data at the Ethernet header, or at the IP
 * header for raw-IP devices). Consumes pkt. Data path.
 */
void stack_rcv(struct net *net, struct netdev *dev, struct pkt *pkt);

/*
 * Send a locally generated IPv4 packet (pkt->data at the IP header, header
 * complete, checksums set): OUTPUT hook, routing, POSTROUTING, neighbour,
 * transmit. Consumes pkt. Data path.
 */
void stack_output(struct net *net, struct pkt *pkt);

/*
 * As stack_output(), routed towards route_to (network byte order) instead
 * of the packet's destination: IPVS's direct routing sends a packet still
 * addressed to the virtual address to a real server's link address (the
 * kernel's IP_VS_RT_MODE_KNOWN_NH). No re-routing after OUTPUT. Consumes
 * pkt. Data path.
 */
void stack_output_via(struct net *net, struct pkt *pkt, uint32_t route_to);

/*
 * Send an ICMP error about pkt (the offending packet, IP header at l3_off),
 * as the kernel's icmp_send(): the rules about which packets get no error,
 * rate limiting, source address choice. Does not consume pkt.
 */
void icmp_send(struct net *net, const struct pkt *pkt, int type, int code,
	       uint32_t info);

/*
 * Send a TCP RST in reply to pkt as nf_send_reset() does (REJECT
 * --reject-with tcp-reset, hook is where REJECT ran). Does not consume pkt.
 */
void tcp_send_reset(struct net *net, const struct pkt *pkt, int hook);

/* Route types, with the kernel's values (RTN_*). */
enum rtn_type {
	RTN_UNSPEC = 0,
	RTN_UNICAST = 1,
	RTN_LOCAL = 2,
	RTN_BROADCAST = 3,
	RTN_ANYCAST = 4,
	RTN_MULTICAST = 5,
	RTN_BLACKHOLE = 6,
	RTN_UNREACHABLE = 7,
	RTN_PROHIBIT = 8,
	RTN_THROW = 9,
	RTN_NAT = 10,
	RTN_XRESOLVE = 11,
};

/*
 * The kernel's inet_addr_type_dev_table(): what kind of address addr is
 * (RTN_LOCAL for our own, RTN_BROADCAST, RTN_MULTICAST, RTN_UNICAST via a
 * route, RTN_UNREACHABLE ...). dev restricts the lookup when not NULL
 * (addrtype --limit-iface-in/out). Data path.
 */
int stack_addr_type(struct net *net, uint32_t addr, const struct netdev *dev);

/*
 * Create an interface named name bound to backend io (NULL: no I/O, frames
 * sent on it are counted and discarded) with backend argument arg. Assigns
 * the next ifindex; MAC and MTU come from the backend or default to a
 * locally administered MAC and 1500. Control path: the device is in the
 * command's draft (stack/conf.h) until the command ends. Fills *out
 * (owned by the draft). Returns 0, -EEXIST, -ENOSPC or the backend's
 * error.
 */
struct io_ops;
int stack_dev_create(struct net *net, const char *name,
		     const struct io_ops *io, const char *arg,
		     struct netdev **out);

/* How many interfaces the published configuration has. */
int stack_dev_count(struct net *net);

/* Run timers (ARP retries, neighbour ageing) up to net_now(net). */
void stack_timers(struct net *net);

#endif
