/* SPDX-License-Identifier: MIT */
/*
 * Conntrack's IPv4 defragmentation, as the kernel's nf_defrag_ipv4: a
 * hook at NS_IP_PRI_CONNTRACK_DEFRAG (-400) on PRE_ROUTING and LOCAL_OUT
 * that gathers fragments (user IP_DEFRAG_CONNTRACK_IN / _OUT plus the
 * conntrack zone) so that tracking, NAT and the tables after it see
 * whole datagrams. Registered while at least one user needs it.
 *
 * How the hook replaces the packet: it does not. The datagram is built in
 * place in the packet that completed it (the kernel morphs that sk_buff
 * into the reassembled one, skb_morph), whose buffer becomes a large one
 * when the datagram needs it (pkt_make_big()); the hook returns NS_ACCEPT
 * with that packet, and NS_STOLEN for every fragment that completes
 * nothing (queued, or dropped and counted by src/stack/ipfrag.c). So
 * ns_hookfn keeps its signature and callers their packet pointer.
 */
#ifndef NS_CT_DEFRAG_H
#define NS_CT_DEFRAG_H

struct net;

/*
 * nf_defrag_ipv4_enable()/_disable(): count a user of the hooks of net,
 * registering them (ns_hook_register) for the first and unregistering
 * them after the last. Control path (takes ctl_lock). Enable returns 0,
 * -EOVERFLOW, or the registration's error (nothing registered then);
 * disable cannot fail and ignores a net without users.
 */
int ct_defrag_enable(struct net *net);
void ct_defrag_disable(struct net *net);

#endif
