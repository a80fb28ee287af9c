/* SPDX-License-Identifier: MIT */
/*
 * IPv4 reassembly, as the kernel's net/ipv4/ip_fragment.c and
 * inet_fragment.c: fragment queues keyed by (saddr, daddr, id, protocol,
 * user), shared by every worker of a net (the fragments of one datagram
 * may reach different workers), with the kernel's limits and knobs
 * (net.ipv4.ipfrag_high_thresh, ipfrag_low_thresh, ipfrag_time,
 * ipfrag_max_dist), its overlap rule (RFC 5722: an overlapping fragment
 * discards the whole datagram; a duplicate is dropped alone), its expiry
 * (ICMP "fragment reassembly time exceeded" as ip_expire sends it) and its
 * SNMP counters (Ip ReasmReqds, ReasmOKs, ReasmFails, ReasmTimeout and
 * IpExt ReasmOverlaps, in struct net_stats).
 *
 * Data path. One mutex guards every queue; it is held only to find,
 * insert or detach, never while a datagram is copied together, an ICMP
 * message is sent or a packet is freed. No allocation: the queues are a
 * fixed array made at start-up and fragments are the packets themselves.
 */
#ifndef NS_STACK_IPFRAG_H
#define NS_STACK_IPFRAG_H

#include <stdint.h>

#include "core/net.h"

/*
 * Who reassembles, the kernel's enum ip_defrag_users (same values): a
 * fragment is only ever joined with fragments of the same user. The
 * conntrack users take the conntrack zone as an offset.
 */
enum ip_defrag_users {
	IP_DEFRAG_LOCAL_DELIVER = 0,
	IP_DEFRAG_CALL_RA_CHAIN = 1,
	IP_DEFRAG_CONNTRACK_IN = 2,
	IP_DEFRAG_CONNTRACK_IN_END = IP_DEFRAG_CONNTRACK_IN + 65535,
	IP_DEFRAG_CONNTRACK_OUT = IP_DEFRAG_CONNTRACK_IN_END + 1,
	IP_DEFRAG_CONNTRACK_OUT_END = IP_DEFRAG_CONNTRACK_OUT + 65535,
	IP_DEFRAG_CONNTRACK_BRIDGE_IN = IP_DEFRAG_CONNTRACK_OUT_END + 1,
	IP_DEFRAG_CONNTRACK_BRIDGE_IN_END =
		IP_DEFRAG_CONNTRACK_BRIDGE_IN + 65535,
	IP_DEFRAG_VS_IN,
	IP_DEFRAG_VS_OUT,
	IP_DEFRAG_VS_FWD,
	IP_DEFRAG_AF_PACKET,
	IP_DEFRAG_MACVLAN,
};

/* How many queues may exist at once (a queue beyond: ReasmFails). */
#define IPFRAG_MAX_QUEUES 2048

/*
 * Create and destroy the engine of net (stack_init/stack_fini; control
 * path). Destroy frees every queued fragment.
 */
int ipfrag_net_create(struct net *net);
void ipfrag_net_destroy(struct net *net);

/*
 * ip_defrag(): pkt is an IPv4 fragment (pkt->is_frag), parsed, its length
 * trimmed to the IP total length. Returns:
 *
 *  0            pkt now holds the whole datagram, in place: the same
 *               struct pkt, its buffer replaced by a large one when the
 *               datagram does not fit (pkt_make_big()), with the first
 *               fragment's link and IP headers (tot_len, frag_off, tos
 *               and checksum rewritten as ip_frag_reasm does), the first
 *               fragment's mark and options, frag_max_size and the
 *               PKT_FRAG_* flags set; offsets are refreshed.
 *  -EINPROGRESS pkt waits in a queue: the engine owns it.
 *  other < 0    pkt was dropped and counted under a drop reason (and, as
 *               the kernel, ReasmFails where it counts one).
 *
 * Either way ReasmReqds is counted. The caller must not touch pkt unless
 * 0 is returned. Data path, any worker.
 */
int ipfrag_defrag(struct net *net, struct pkt *pkt, uint32_t user);

/*
 * Expire queues older than ipfrag_time at net_now(net) (ip_expire):
 * ReasmFails and ReasmTimeout each, the fragments dropped, and for a queue
 * that had its first fragment an ICMP time exceeded (code 1) about it,
 * except for conntrack users when the datagram was not for us. Called
 * from stack_timers() by every worker; cheap when nothing is due.
 */
void ipfrag_timers(struct net *net);

/* Bytes the queues account now (frag_mem_limit) and how many exist. */
uint64_t ipfrag_mem(struct net *net);
unsigned int ipfrag_queue_count(struct net *net);

#endif
