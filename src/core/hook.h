/* SPDX-License-Identifier: MIT */
/*
 * The hook framework: per family and hook, an array of (priority, function,
 * priv) replaced whole on every change and published with RCU, as the
 * kernel's net/netfilter/core.c does. Traversal is the data path.
 */
#ifndef NS_CORE_HOOK_H
#define NS_CORE_HOOK_H

#include "core/net.h"

struct hook_entries {
	unsigned int num;
	struct ns_hook_ops ops[];
};

/*
 * Run pkt through every entry of (pf, hook) in priority order.
 * Returns NS_ACCEPT (every entry accepted, or one said NS_STOP), NS_DROP
 * (the packet is still owned by the caller, who accounts it), NS_STOLEN
 * (an entry took it), or NS_QUEUE (no queue handler: the caller drops it).
 * NS_REPEAT re-runs the same entry. Data path; caller is RCU-online.
 */
unsigned int hook_run(struct net *net, int pf, int hook, struct pkt *pkt,
		      const struct netdev *in, const struct netdev *out);

/*
 * NF_HOOK() for the stack: run pkt through (pf, hook) and say whether the
 * caller goes on with it. True: accepted (offsets refreshed, a hook may
 * have rewritten headers). False: the packet is gone: dropped and counted
 * (NETFILTER_DROP, QUEUE_NO_HANDLER) or stolen by a hook. Data path.
 */
bool nf_hook(struct net *net, int pf, int hook, struct pkt *pkt,
	     const struct netdev *in, const struct netdev *out);

/*
 * Fault injection: the next hook_fault_alloc hook-array allocations fail
 * (tests walk the error paths with it). Control path only.
 */
extern int hook_fault_alloc;

/* Family index for net->hooks; -1 if unsupported. */
int hook_pf_index(int pf);

/* Free every hook array (net destruction). */
void hook_destroy_all(struct net *net);

#endif
