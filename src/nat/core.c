// SPDX-License-Identifier: MIT
/*
 * NAT's hooks and per-net setup, as the kernel's nf_nat_ipv4_fn() and
 * nf_nat_inet_fn(): destination NAT at PREROUTING and OUTPUT (-100),
 * source NAT at INPUT and POSTROUTING (+100). For the first packet of a
 * connection (NEW, or RELATED) without a binding for this hook's manip,
 * the table registered at the hook decides (nat_register_fn: the iptables
 * nat table); if no rule bound it, the identity binding is set, so the
 * manip is decided once. Then every packet of a connection with a binding
 * is rewritten in its direction; ICMP errors about a connection have the
 * packet they quote translated too. OUTPUT's re-route after a changed
 * destination is the stack's (src/stack/output.c). The hook functions are
 * data path; enabling and registering are control path (ctl_lock).
 */
#include "nat/nat_int.h"

#include <errno.h>
#include <stdlib.h>

#include "base/rcu.h"
#include "core/hook.h"
#include "core/netdev.h"
#include "pkt/parse.h"

#define PROTO_ICMP 1

/* nf_nat_oif_changed(): a masqueraded connection leaving elsewhere. */
static bool oif_changed(int hook, enum ct_info ctinfo,
			const struct ct_conn *ct, const struct netdev *out)
{
	return ct->masq_ifindex && hook == NS_INET_POST_ROUTING &&
	       ct_info_dir(ctinfo) == CT_DIR_ORIGINAL && out &&
	       ct->masq_ifindex != out->ifindex;
}

/* nf_nat_inet_fn(). */
static unsigned int nat_inet_fn(struct nat_net *nn, struct pkt *pkt,
				const struct ns_hook_state *st)
{
	struct ct_conn *ct = pkt->ct;
	enum ct_info ctinfo = (enum ct_info)pkt->ctinfo;
	enum nat_manip_type mt = nat_hook2manip(st->hook);
	struct nat_lookup *l;
	unsigned int ret;

	switch (ctinfo) {
	case CT_RELATED:
	case CT_RELATED_REPLY:
	case CT_NEW:
		/* Seen before (loopback, a retransmit): bound already. */
		if (nat_initialized(ct, mt)) {
			if (oif_changed(st->hook, ctinfo, ct, st->out))
				goto oif_changed;
			break;
		}
		l = atomic_load_explicit(&nn->lookup[st->hook],
					 memory_order_acquire);
		if (l) {
			ret = l->fn(l->priv, pkt, st);
			if (ret != NS_ACCEPT)
				return ret;
			if (nat_initialized(ct, mt))
				break;
		}
		ret = nat_alloc_null_binding(st->net, ct, st->hook);
		if (ret != NS_ACCEPT)
			return ret;
		break;
	default:
		if (oif_changed(st->hook, ctinfo, ct, st->out))
			goto oif_changed;
		break;
	}
	return nat_packet(pkt, ct, ctinfo, st->hook);

oif_changed:
	ct_kill(st->net, ct);
	return NS_DROP;
}

/* nf_nat_ipv4_fn(), at all four hooks. */
static unsigned int nat_hookfn(void *priv, struct pkt *pkt,
			       const struct ns_hook_state *st)
{
	struct nat_net *nn = priv;

	if (!pkt->ct || pkt->ctinfo == CT_UNTRACKED ||
	    pkt->ctinfo == CT_NONE || pkt->family != NS_PF_INET)
		return NS_ACCEPT;
	if ((pkt->ctinfo == CT_RELATED || pkt->ctinfo == CT_RELATED_REPLY) &&
	    pkt->l4_proto == PROTO_ICMP) {
		if (!nat_icmp_reply_translation(pkt, pkt->ct,
						(enum ct_info)pkt->ctinfo,
						st->hook))
			return NS_DROP;
		return NS_ACCEPT;
	}
	return nat_inet_fn(nn, pkt, st);
}

static const struct {
	int hook;
	int prio;
} nat_hooks[4] = {
	{ NS_INET_PRE_ROUTING, NS_IP_PRI_NAT_DST },
	{ NS_INET_POST_ROUTING, NS_IP_PRI_NAT_SRC },
	{ NS_INET_LOCAL_OUT, NS_IP_PRI_NAT_DST },
	{ NS_INET_LOCAL_IN, NS_IP_PRI_NAT_SRC },
};

int nat_net_enable(struct net *net)
{
	struct nat_net *nn;
	int i, err;

	if (nat_net(net))
		return 0;
	err = ct_net_enable(net);
	if (err)
		return err;
	nn = calloc(1, sizeof(*nn));
	if (!nn)
		return -ENOMEM;
	nn->net = net;
	err = nat_bysrc_init(nn);
	if (err)
		goto err_free;
	nat_bysrc_start();
	err = nat_masq_notifier_get();
	if (err)
		goto err_free;
	for (i = 0; i < 4; i++) {
		struct ns_hook_ops *ops = &nn->ops[i];

		ops->hook = nat_hookfn;
		ops->priv = nn;
		ops->pf = NS_PF_INET;
		ops->hooknum = nat_hooks[i].hook;
		ops->priority = nat_hooks[i].prio;
		err = ns_hook_register(net, ops);
		if (err)
			goto err_unregister;
		nn->nops++;
	}
	nat_helpers_register();
	atomic_store_explicit(&net->nat, nn, memory_order_release);
	return 0;

err_unregister:
	while (nn->nops)
		ns_hook_unregister(net, &nn->ops[--nn->nops]);
	nat_masq_notifier_put();
err_free:
	nat_bysrc_fini(nn);
	free(nn);
	return err;
}

void nat_net_destroy(struct net *net)
{
	struct nat_net *nn = nat_net(net);
	int h;

	if (!nn)
		return;
	while (nn->nops)
		ns_hook_unregister(net, &nn->ops[--nn->nops]);
	atomic_store_explicit(&net->nat, NULL, memory_order_release);
	/* Unregistering waited for the hooks' readers. */
	for (h = 0; h < NS_INET_NUMHOOKS; h++)
		free(atomic_load(&nn->lookup[h]));
	nat_masq_notifier_put();
	/*
	 * Entries still chained stay in the table until it goes (after
	 * us): the unlink hook finds no NAT state from now on.
	 */
	nat_bysrc_fini(nn);
	free(nn);
}

int nat_register_fn(struct net *net, int hook, nat_table_fn fn, void *priv)
{
	struct nat_net *nn = nat_net(net);
	struct nat_lookup *l;

	if (!nn)
		return -ENOENT;
	if (hook != NS_INET_PRE_ROUTING && hook != NS_INET_LOCAL_IN &&
	    hook != NS_INET_LOCAL_OUT && hook != NS_INET_POST_ROUTING)
		return -EINVAL;
	if (atomic_load(&nn->lookup[hook]))
		return -EBUSY;
	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->fn = fn;
	l->priv = priv;
	atomic_store_explicit(&nn->lookup[hook], l, memory_order_release);
	return 0;
}

void nat_unregister_fn(struct net *net, int hook)
{
	struct nat_net *nn = nat_net(net);
	struct nat_lookup *l;

	if (!nn || hook < 0 || hook >= NS_INET_NUMHOOKS)
		return;
	l = atomic_exchange(&nn->lookup[hook], NULL);
	if (!l)
		return;
	ns_rcu_synchronize();
	free(l);
}
