// SPDX-License-Identifier: MIT
/*
 * The conntrack defragmentation hook (the kernel's nf_defrag_ipv4.c):
 * ipv4_conntrack_defrag() on PRE_ROUTING and LOCAL_OUT at priority -400,
 * refcounted registration per net. The hook runs on the data path and
 * hands fragments to the stack's reassembly (src/stack/ipfrag.c); enable
 * and disable are control path, under ctl_lock. See defrag.h for how the
 * reassembled datagram takes the fragment's place.
 */
#include "ct/defrag.h"

#include "ct/ct.h"
#include "core/net.h"
#include "stack/ipfrag.h"

#include <errno.h>
#include <limits.h>

/*
 * nf_ct_defrag_user(): the zone of the packet's entry or template (a
 * zone set by the raw table's CT target before defragmentation, or kept
 * by a looped-back packet) separates the queues.
 */
static uint32_t defrag_user(int hook, const struct pkt *pkt)
{
	uint16_t zone = 0;

	if (pkt->ct)
		zone = pkt->ct->zone;
	else if (pkt->ct_tmpl)
		zone = pkt->ct_tmpl->zone;
	if (hook == NS_INET_PRE_ROUTING)
		return IP_DEFRAG_CONNTRACK_IN + zone;
	return IP_DEFRAG_CONNTRACK_OUT + zone;
}

static unsigned int ipv4_conntrack_defrag(void *priv, struct pkt *pkt,
					  const struct ns_hook_state *state)
{
	(void)priv;
	/* NOTRACK (raw before defrag, or a looped-back packet): as is. */
	if (pkt->ctinfo == CT_UNTRACKED ||
	    (pkt->ct_tmpl && pkt->ct_tmpl->notrack))
		return NS_ACCEPT;
	if (!pkt->is_frag)
		return NS_ACCEPT;
	/* Queued, or dropped and counted: either way no longer ours. */
	if (ipfrag_defrag(state->net, pkt, defrag_user(state->hook, pkt)))
		return NS_STOLEN;
	/* nf_ct_ipv4_gather_frags(): skb->ignore_df. */
	pkt->frag_flags |= PKT_IGNORE_DF;
	return NS_ACCEPT;
}

static const struct ns_hook_ops defrag_ops[] = {
	{
		.hook = ipv4_conntrack_defrag,
		.pf = NS_PF_INET,
		.hooknum = NS_INET_PRE_ROUTING,
		.priority = NS_IP_PRI_CONNTRACK_DEFRAG,
	},
	{
		.hook = ipv4_conntrack_defrag,
		.pf = NS_PF_INET,
		.hooknum = NS_INET_LOCAL_OUT,
		.priority = NS_IP_PRI_CONNTRACK_DEFRAG,
	},
};

int ct_defrag_enable(struct net *net)
{
	int err = 0;

	pthread_mutex_lock(&net->ctl_lock);
	if (net->defrag_ipv4_users == UINT_MAX) {
		err = -EOVERFLOW;
		goto out;
	}
	if (net->defrag_ipv4_users) {
		net->defrag_ipv4_users++;
		goto out;
	}
	err = ns_hook_register(net, &defrag_ops[0]);
	if (err)
		goto out;
	err = ns_hook_register(net, &defrag_ops[1]);
	if (err) {
		ns_hook_unregister(net, &defrag_ops[0]);
		goto out;
	}
	net->defrag_ipv4_users = 1;
out:
	pthread_mutex_unlock(&net->ctl_lock);
	return err;
}

void ct_defrag_disable(struct net *net)
{
	pthread_mutex_lock(&net->ctl_lock);
	if (net->defrag_ipv4_users && !--net->defrag_ipv4_users) {
		ns_hook_unregister(net, &defrag_ops[0]);
		ns_hook_unregister(net, &defrag_ops[1]);
	}
	pthread_mutex_unlock(&net->ctl_lock);
}
