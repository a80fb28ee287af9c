/* SPDX-License-Identifier: MIT */
/*
 * struct net: one instance of the stack, the way the kernel's struct net is
 * one network namespace. It owns the hook arrays, the stack configuration
 * snapshot, the neighbours, the iptables state, the workers, the clock and
 * the counters.
 *
 * Fields are grouped below by who may write them. Lock order (the only
 * one): ctl_lock, then neigh_lock. The data path takes no lock but
 * neigh_lock, which nobody holds for more than one neighbour operation,
 * and the reassembly queues' lock (src/stack/ipfrag.c), a leaf: nothing
 * is called or locked while it is held.
 */
#ifndef NS_CORE_NET_H
#define NS_CORE_NET_H

#include <netsieve/netsieve.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/log.h"
#include "pkt/drop.h"
#include "core/worker.h"
#include "pkt/pkt.h"

#define NS_MAX_DEVS 64
#define NS_NFPROTO_NUM 2 /* index 0: IPv4, 1: IPv6 */

struct hook_entries;
struct neigh_table;
struct ipfrag_net;
struct stack_conf;
struct xt_net;
struct trace_event;
struct ct_net;
struct nat_net;
struct lb_net;
struct ct_event_ring;

/*
 * The kernel's SNMP Ip counters netsieve keeps (/proc/net/snmp and
 * netstat names): reassembly (src/stack/ipfrag.c) and fragmentation on
 * output.
 */
struct ip_mib {
	uint64_t reasm_timeout, reasm_reqds, reasm_oks, reasm_fails;
	uint64_t reasm_overlaps;   /* IpExt */
	uint64_t frag_oks, frag_fails, frag_creates;
};

/* Per-worker counters; summed by readers. */
struct net_stats {
	uint64_t drops[DROP_REASON_MAX];
	uint64_t rx_packets, tx_packets;
	uint64_t forwarded, delivered, generated;
	struct ip_mib ip;
} __attribute__((aligned(64)));

/* The fate of a packet, reported to the trace sink at its end. */
enum pkt_fate {
	FATE_SENT,        /* transmitted on an interface */
	FATE_LOCAL,       /* delivered to the local stack (a listener) */
	FATE_ANSWERED,    /* the stack answered it (echo reply, ARP reply) */
	FATE_DROPPED,     /* dropped: reason and, for NETFILTER_DROP, the rule */
	FATE_STOLEN,      /* a hook took ownership */
	FATE_QUEUED,      /* waiting for ARP resolution */
};

/*
 * What the trace sink receives. One event per step a packet takes through
 * a table (rule N matched, return, policy) and one at its end (fate).
 */
enum trace_kind {
	TRACE_RULE,
	TRACE_RETURN,
	TRACE_POLICY,
	TRACE_FATE,
	TRACE_NOTE,       /* free text: "routed to eth1 via 10.0.2.2" */
};

struct trace_event {
	enum trace_kind kind;
	const char *table;     /* RULE/RETURN/POLICY */
	const char *chain;
	unsigned rulenum;      /* RULE, RETURN (1-based position) */
	int hook;              /* the hook being traversed */
	enum pkt_fate fate;    /* FATE */
	enum drop_reason reason; /* FATE_DROPPED */
	const char *ifname;    /* FATE_SENT: the interface */
	const char *text;      /* NOTE, or extra detail for FATE */
	uint32_t verdict;      /* RULE: the verdict it led to, if terminal */
};

/*
 * trace_event.verdict of a RULE step whose target let the packet go on
 * (LOG, a jump, RETURN) and of RETURN steps. A RULE step of a terminal
 * target has its verdict (NS_ACCEPT, NS_DROP for DROP/REJECT or a hotdrop,
 * whose step carries text "hotdrop"); a POLICY step the policy.
 */
#define TRACE_NO_VERDICT 0xFFFFFFFFu

struct ns_trace_sink {
	void (*event)(void *priv, const struct pkt *pkt,
		      const struct trace_event *ev);
	void *priv;
	bool all;   /* trace every packet, not only those with pkt->trace */
};

struct net {
	/*
	 * Set at creation, read-only after: the data-path ops the stack
	 * registered, the sinks the driver installed before starting
	 * workers.
	 */
	const struct net_dp_ops *dp;
	struct ns_log_sink log;       /* kernel log lines (LOG, TRACE) */
	struct ns_trace_sink trace;   /* per-packet trace (replay --trace) */
	/* Local delivery hook for embedders/tests: NULL = stack default. */
	void (*local_deliver)(struct net *net, struct pkt *pkt);
	/* Called after a new configuration is published (wake workers). */
	void (*kick)(void *priv);
	void *kick_priv;
	int nqueues;                  /* receive queues per device (workers) */

	/*
	 * Written by the control path under ctl_lock; RCU-published, read
	 * by the data path without a lock.
	 */
	pthread_mutex_t ctl_lock;     /* one command at a time (recursive) */
	struct hook_entries *hooks[NS_NFPROTO_NUM][NS_INET_NUMHOOKS];
	struct stack_conf *conf;      /* src/stack/conf.h */
	struct xt_net *xt;            /* src/xt: tables and generations */
	/* Users of conntrack's defragmentation hooks (src/ct/defrag.c). */
	unsigned int defrag_ipv4_users;

	/* Written by data and control path under neigh_lock. */
	pthread_mutex_t neigh_lock;
	struct neigh_table *neigh;    /* src/stack/neigh.c */

	/* IPv4 reassembly queues: their own lock (src/stack/ipfrag.c). */
	struct ipfrag_net *ipfrag;

	/* Each worker writes its own slot; readers sum. */
	struct net_stats stats[NS_MAX_WORKERS];

	/* The built-in worker of one: ns_inject() runs on it. */
	struct ns_worker inject;
	/* The daemon's workers (control path: set before they start). */
	struct ns_worker *workers[NS_MAX_WORKERS];
	int nworkers;

	/*
	 * The seed of every random choice (conntrack's hash key, NAT port
	 * offsets): set at creation from getrandom(), or by --seed before
	 * the first packet (ns_net_set_seed()), so a replay repeats.
	 */
	uint64_t seed;

	/* Tracking and NAT state (src/ct, src/nat), NULL until first use;
	 * set once under ctl_lock, read by the data path. */
	struct ct_net *_Atomic ct;
	struct nat_net *_Atomic nat;
	/* The load balancer (src/lb), NULL until the first service. */
	struct lb_net *_Atomic lb;
	/* conntrack -E's event ring (src/ct/event.c), NULL until the
	 * first subscriber; freed with the net. */
	struct ct_event_ring *_Atomic ct_events;

	/* Any thread: the latest clock reading a worker saw. */
	_Atomic uint64_t now_ns;
};

static inline struct net_stats *net_stats(struct net *net)
{
	return &net->stats[ns_worker_id];
}

/*
 * The clock of the calling worker (its burst's reading), or the latest
 * any worker saw on a control-path thread.
 */
static inline uint64_t net_now(struct net *net)
{
	struct ns_worker *w = ns_cur_worker;

	if (w && w->net == net)
		return w->now_ns;
	return atomic_load_explicit(&net->now_ns, memory_order_relaxed);
}

/* The packet pool of the calling worker (the inject worker otherwise). */
static inline struct pkt_pool *net_pool(struct net *net)
{
	struct ns_worker *w = ns_cur_worker;

	if (w && w->net == net)
		return &w->pool;
	return &net->inject.pool;
}

/* The calling worker (the inject worker on other threads). */
static inline struct ns_worker *net_worker(struct net *net)
{
	struct ns_worker *w = ns_cur_worker;

	if (w && w->net == net)
		return w;
	return &net->inject;
}

/*
 * A random 32-bit number from the calling worker's generator, seeded from
 * net->seed and the worker's id on first use (splitmix64), so the same
 * seed and the same packets give the same numbers. Data path.
 */
static inline uint32_t net_random(struct net *net)
{
	struct ns_worker *w = net_worker(net);
	uint64_t z;

	if (!w->rnd)
		w->rnd = net->seed ^ (0x9e3779b97f4a7c15ull * (w->id + 1)) ^ 1;
	z = (w->rnd += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

/*
 * Account a dropped packet: count it under reason, report the fate to the
 * trace sink, and free it. Data path. Takes ownership of pkt.
 */
void net_drop(struct net *net, struct pkt *pkt, enum drop_reason reason);

/* Report an event for pkt to the trace sink if it is being traced. */
void net_trace(struct net *net, const struct pkt *pkt,
	       const struct trace_event *ev);
/*
 * A note (TRACE_NOTE) for pkt, formatted only when it is being traced:
 * what tracking, NAT and the load balancer decided, in words.
 */
void net_note(struct net *net, const struct pkt *pkt, const char *fmt, ...)
	NS_PRINTF(3, 4);
void net_vnote(struct net *net, const struct pkt *pkt, const char *fmt,
	       va_list ap);

static inline bool net_tracing(const struct net *net, const struct pkt *pkt)
{
	return net->trace.event && (net->trace.all || pkt->trace);
}

#endif
