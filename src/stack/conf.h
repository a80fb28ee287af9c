/* SPDX-License-Identifier: MIT */
/*
 * The stack's configuration as one RCU-published snapshot: interfaces and
 * their settings, addresses and the local table, routes, sysctls. The
 * control path never changes the published snapshot: the first change of
 * a command makes a private draft (a copy; stack_conf_write()), every
 * change of that command goes to the draft, and the command's end
 * publishes it with one pointer store (stack_conf_commit()); the old one
 * is freed after a grace period. A data-path worker takes the snapshot
 * once per burst (net_dp_ops.snapshot), so a packet sees the old or the
 * new configuration, never a mix, and takes no lock for it.
 *
 * A device is copied into every snapshot; what must be shared by all
 * copies of one device (its I/O state, its per-worker counters) is
 * pointed to, and released once no snapshot refers to the device.
 *
 * Neighbours are not in the snapshot: the data path writes them. They
 * have their own lock (net->neigh_lock; see core/net.h for the order).
 */
#ifndef NS_STACK_CONF_H
#define NS_STACK_CONF_H

#include "base/rcu.h"
#include "core/net.h"
#include "core/worker.h"
#include "core/netdev.h"

/* The kernel-named knobs (`netsieve sysctl`), with the kernel's defaults. */
struct net_sysctl {
	int ip_forward;               /* net.ipv4.ip_forward = 0 */
	int ip_default_ttl;           /* net.ipv4.ip_default_ttl = 64 */
	int icmp_echo_ignore_all;     /* = 0 */
	int icmp_echo_ignore_broadcasts; /* = 1 */
	int icmp_ratelimit;           /* ms, = 1000 */
	int icmp_ratemask;            /* = 6168 */
	int icmp_msgs_per_sec;        /* = 1000 */
	int icmp_msgs_burst;          /* = 50 */
	int icmp_errors_use_inbound_ifaddr; /* = 0 */
	int ip_no_pmtu_disc;          /* = 0 */
	int tcp_rst_on_closed;        /* netsieve: answer closed ports (1) */
	int accept_local_all;         /* net.ipv4.conf.all.accept_local = 0 */
	int accept_local_default;
	int send_redirects_all;       /* net.ipv4.conf.all.send_redirects = 1 */
	int send_redirects_default;   /* net.ipv4.conf.default.send_redirects = 1 */
	int default_forwarding;       /* net.ipv4.conf.default.forwarding = 0 */
	int rp_filter_all;            /* net.ipv4.conf.all.rp_filter = 0 */
	int rp_filter_default;        /* net.ipv4.conf.default.rp_filter = 0 */
	int ipfrag_high_thresh;       /* bytes, = 4194304 (>= low_thresh) */
	int ipfrag_low_thresh;        /* bytes, = 3145728 (unused, as 6.1) */
	int ipfrag_time;              /* seconds, = 30 */
	int ipfrag_max_dist;          /* = 64 (0: no check) */
};

struct route_table;

struct stack_conf {
	struct netdev *devs[NS_MAX_DEVS];  /* index = ifindex; 0 unused */
	int next_ifindex;
	struct route_table *routes;        /* src/stack/route.c */
	struct net_sysctl sysctl;
};

/* The draft of the command running on this thread, and its net. */
extern __thread struct stack_conf *stack_draft;
extern __thread struct net *stack_draft_net;

/*
 * The configuration this thread sees: the worker's burst snapshot on the
 * data path, the draft on a control thread in the middle of a change, the
 * published one otherwise.
 */
static inline struct stack_conf *net_conf(struct net *net)
{
	struct ns_worker *w = ns_cur_worker;

	if (w && w->conf && w->net == net)
		return w->conf;
	if (stack_draft_net == net)
		return stack_draft;
	return ns_rcu_dereference(net->conf);
}

/*
 * Control path (ctl_lock held): the draft for this command, made on first
 * use. NULL when out of memory (nothing changed). Device pointers taken
 * from net_conf() after this call point into the draft and may be
 * changed.
 */
struct stack_conf *stack_conf_write(struct net *net);
/*
 * Publish this thread's draft of net, if any: one pointer store, a grace
 * period, then the old snapshot is freed and devices no snapshot has any
 * more are closed. Cannot fail. Wakes the workers (net->kick).
 */
void stack_conf_commit(struct net *net);
/* First snapshot (net creation) and the last (net destruction). */
int stack_conf_create(struct net *net);
void stack_conf_destroy(struct net *net);

/* Interface lookup in the configuration this thread sees. */
struct netdev *net_dev_by_name(struct net *net, const char *name);
struct netdev *net_dev_by_index(struct net *net, int ifindex);

#endif
