/* SPDX-License-Identifier: MIT */
/*
 * The netfilter defragmentation hook (nf_defrag_ipv4) at -400 on
 * PREROUTING and OUTPUT, enabled (refcounted) by connection tracking.
 * Control path.
 */
#ifndef NS_CT_DEFRAG_H
#define NS_CT_DEFRAG_H

struct net;

int ct_defrag_enable(struct net *net);
void ct_defrag_disable(struct net *net);

#endif
