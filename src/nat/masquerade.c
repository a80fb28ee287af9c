// SPDX-License-Identifier: MIT
/*
 * MASQUERADE, as the kernel's nf_nat_masquerade.c: source NAT to the
 * address the output device would pick for the packet's next hop
 * (inet_select_addr), with the device remembered in the entry
 * (ct->masq_ifindex) so the binding dies with its address: when the
 * address is deleted, or the device goes down, the connections
 * masqueraded through it are killed (the kernel's inetaddr and netdevice
 * notifiers, here the stack's notify.h list). nat_masquerade() is data
 * path; the notifier runs on the control path.
 */
#include "nat/nat_int.h"

#include <pthread.h>

#include "base/rcu.h"
#include "pkt/parse.h"
#include "stack/config.h"
#include "stack/notify.h"

unsigned int nat_masquerade(struct net *net, struct pkt *pkt,
			    const struct nat_range *range,
			    const struct netdev *out)
{
	struct ct_conn *ct = nat_pkt_ct(pkt);
	struct nat_range r;
	uint32_t newsrc;

	if (!ct || !out)
		return NS_ACCEPT;
	/* A local packet without a source yet is not masqueraded. */
	if (!ct_tuple_of(ct, CT_DIR_ORIGINAL)->src.ip)
		return NS_ACCEPT;
	newsrc = addr_select(net, out, pkt->nexthop.ip ? pkt->nexthop.ip :
			     pkt_iph(pkt)->daddr, RT_SCOPE_UNIVERSE);
	if (!newsrc)
		return NS_DROP;  /* "%s ate my IP address" */
	ct->masq_ifindex = (int16_t)out->ifindex;
	r = *range;
	r.flags |= NAT_RANGE_MAP_IPS;
	r.min_addr = r.max_addr = newsrc;
	return nat_setup_info(net, ct, &r, NAT_MANIP_SRC, pkt);
}

struct masq_kill {
	struct net *net;
	int ifindex;
	uint32_t addr;  /* 0: every entry of the device */
	unsigned killed;
};

/* device_cmp() and inet_cmp(): is ct bound to what went away? */
static int masq_kill_one(void *priv, struct ct_conn *ct)
{
	struct masq_kill *mk = priv;

	if (!ct->masq_ifindex || ct->masq_ifindex != mk->ifindex)
		return 0;
	/* The reply comes back to the address that went. */
	if (mk->addr && ct_tuple_of(ct, CT_DIR_REPLY)->dst.ip != mk->addr)
		return 0;
	if (ct_kill(mk->net, ct))
		mk->killed++;
	return 0;
}

static void masq_event(struct stack_notifier *n, struct net *net,
		       enum stack_event ev, int ifindex, uint32_t addr)
{
	struct masq_kill mk = { .net = net, .ifindex = ifindex };

	(void)n;
	if (!nat_net(net))
		return;
	if (ev == STACK_EV_ADDR_DEL)
		mk.addr = addr;
	ns_rcu_reader_enter();
	ct_walk(net, masq_kill_one, &mk);
	ns_rcu_reader_leave();
}

static struct stack_notifier masq_notifier = { .fn = masq_event };
static pthread_mutex_t masq_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned masq_refs;

int nat_masq_notifier_get(void)
{
	pthread_mutex_lock(&masq_lock);
	if (!masq_refs++)
		stack_notifier_register(&masq_notifier);
	pthread_mutex_unlock(&masq_lock);
	return 0;
}

void nat_masq_notifier_put(void)
{
	pthread_mutex_lock(&masq_lock);
	if (masq_refs && !--masq_refs)
		stack_notifier_unregister(&masq_notifier);
	pthread_mutex_unlock(&masq_lock);
}
