/* SPDX-License-Identifier: MIT */
/*
 * struct net: one instance of the stack, the way the kernel's struct net is
 * one network namespace. It owns the hook arrays, the interfaces, routes and
 * neighbours, the sysctl knobs, the iptables state, the packet pool, the
 * clock and the counters.
 *
 * Locking (documented once, here):
 *  - ctl_lock serialises control-path operations (one command at a time).
 *  - stack_lock guards interfaces, addresses, routes, neighbours and sysctls.
 *    The data path takes it once per burst; the control path takes it for
 *    the short time a change to those takes. It is never held while a
 *    ruleset is built.
 *  - Hook arrays and ruleset generations are RCU-published: the data path
 *    reads them without a lock; the control path replaces them whole.
 *  - Counters are per worker (no atomics); readers sum them.
 */
#ifndef NS_CORE_NET_H
#define NS_CORE_NET_H

#include <netsieve/netsieve.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/log.h"
#include "core/drop.h"
#include "pkt/pkt.h"
#include "stack/netdev.h"

#define NS_MAX_WORKERS 8
#define NS_MAX_DEVS 64
#define NS_NFPROTO_NUM 2 /* index 0: IPv4, 1: IPv6 */

struct hook_entries;
struct route_table;
struct neigh_table;
struct xt_net;
struct trace_event;

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
	int send_redirects_all;       /* net.ipv4.conf.all.send_redirects = 1 */
	int send_redirects_default;   /* net.ipv4.conf.default.send_redirects = 1 */
	int default_forwarding;       /* net.ipv4.conf.default.forwarding = 0 */
	int rp_filter_all;            /* net.ipv4.conf.all.rp_filter = 0 */
	int rp_filter_default;        /* net.ipv4.conf.default.rp_filter = 0 */
};

/* Per-worker counters; summed by readers. */
struct net_stats {
	uint64_t drops[DROP_REASON_MAX];
	uint64_t rx_packets, tx_packets;
	uint64_t forwarded, delivered, generated;
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
	pthread_mutex_t ctl_lock;
	pthread_mutex_t stack_lock;

	/* RCU-published hook arrays, [family index][hook]. */
	struct hook_entries *hooks[NS_NFPROTO_NUM][NS_INET_NUMHOOKS];

	/* Interfaces (index = ifindex; 0 unused). Under stack_lock. */
	struct netdev *devs[NS_MAX_DEVS];
	int next_ifindex;
	struct route_table *routes;   /* src/stack/route.c */
	struct neigh_table *neigh;    /* src/stack/neigh.c */
	struct net_sysctl sysctl;
	void *icmp_rl;                /* src/stack/icmp.c: rate-limit state */
	uint16_t ip_id;               /* IP ID counter for generated packets */

	struct xt_net *xt;            /* src/xt: tables and generations */

	struct pkt_pool pool;         /* used by the single data-path thread */
	uint64_t now_ns;              /* the clock (injected by the driver) */
	uint32_t pkt_seq;             /* ids for received packets */

	struct net_stats stats[NS_MAX_WORKERS];
	struct ns_log_sink log;       /* kernel log lines (LOG, TRACE) */
	struct ns_trace_sink trace;   /* per-packet trace (replay --trace) */

	/* Local delivery hook for embedders/tests: NULL = stack default. */
	void (*local_deliver)(struct net *net, struct pkt *pkt);
};

/* The worker index of the calling thread (0 unless a daemon set it). */
extern __thread int ns_worker_id;

static inline struct net_stats *net_stats(struct net *net)
{
	return &net->stats[ns_worker_id];
}

/* Interface lookup. Caller holds stack_lock or is the only thread. */
struct netdev *net_dev_by_name(struct net *net, const char *name);
struct netdev *net_dev_by_index(struct net *net, int ifindex);

/*
 * Account a dropped packet: count it under reason, report the fate to the
 * trace sink, and free it. Data path. Takes ownership of pkt.
 */
void net_drop(struct net *net, struct pkt *pkt, enum drop_reason reason);

/* Report an event for pkt to the trace sink if it is being traced. */
void net_trace(struct net *net, const struct pkt *pkt,
	       const struct trace_event *ev);

static inline bool net_tracing(const struct net *net, const struct pkt *pkt)
{
	return net->trace.event && (net->trace.all || pkt->trace);
}

#endif
