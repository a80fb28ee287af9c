/* SPDX-License-Identifier: MIT */
/*
 * netsieve public API: create a network stack instance ("struct net", as the
 * kernel names a namespace), feed it command lines, register hook functions
 * at the five Netfilter hooks, and inject frames. This is everything an
 * embedding program includes; nothing under src/ is part of the contract.
 *
 * Threading: one data-path thread per net calls ns_inject() (it runs the
 * net's built-in worker of one, taking no lock); any other thread may call
 * ns_exec() at the same time. Hook registration is a control-path call.
 */
#ifndef NETSIEVE_NETSIEVE_H
#define NETSIEVE_NETSIEVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct net;
struct pkt;
struct netdev;
struct ns_worker;

/* Verdicts, with Netfilter's values (NF_DROP .. NF_STOP). */
enum ns_verdict {
	NS_DROP = 0,
	NS_ACCEPT = 1,
	NS_STOLEN = 2,
	NS_QUEUE = 3,
	NS_REPEAT = 4,
	NS_STOP = 5,
};

/* The five hooks, numbered as NF_INET_*. */
enum ns_hook {
	NS_INET_PRE_ROUTING = 0,
	NS_INET_LOCAL_IN = 1,
	NS_INET_FORWARD = 2,
	NS_INET_LOCAL_OUT = 3,
	NS_INET_POST_ROUTING = 4,
	NS_INET_NUMHOOKS = 5,
};

/* Protocol families, with the kernel's values. */
enum ns_family {
	NS_PF_INET = 2,
	NS_PF_INET6 = 10,
};

/* Hook priorities: the kernel's enum nf_ip_hook_priorities. */
enum ns_ip_hook_priority {
	NS_IP_PRI_FIRST = -2147483647 - 1,
	NS_IP_PRI_RAW_BEFORE_DEFRAG = -450,
	NS_IP_PRI_CONNTRACK_DEFRAG = -400,
	NS_IP_PRI_RAW = -300,
	NS_IP_PRI_SELINUX_FIRST = -225,
	NS_IP_PRI_CONNTRACK = -200,
	NS_IP_PRI_MANGLE = -150,
	NS_IP_PRI_NAT_DST = -100,
	NS_IP_PRI_FILTER = 0,
	NS_IP_PRI_SECURITY = 50,
	NS_IP_PRI_NAT_SRC = 100,
	NS_IP_PRI_SELINUX_LAST = 225,
	NS_IP_PRI_CONNTRACK_HELPER = 300,
	NS_IP_PRI_CONNTRACK_CONFIRM = 2147483647,
	NS_IP_PRI_LAST = 2147483647,
};

/* What a hook function is told about the packet's position. */
struct ns_hook_state {
	struct net *net;
	int pf;                     /* enum ns_family */
	int hook;                   /* enum ns_hook */
	const struct netdev *in;    /* NULL on LOCAL_OUT/POST_ROUTING of local */
	const struct netdev *out;   /* NULL before routing */
	struct ns_worker *worker;   /* the data-path worker running the hook */
};

/*
 * A hook function. Runs on the data path: must not block or allocate.
 * Returns an enum ns_verdict. On NS_STOLEN the function owns the packet and
 * must release it with ns_pkt_free().
 */
typedef unsigned int (*ns_hookfn)(void *priv, struct pkt *pkt,
				  const struct ns_hook_state *state);

struct ns_hook_ops {
	ns_hookfn hook;
	void *priv;
	int pf;
	int hooknum;
	int priority;
};

/*
 * Create a stack instance with the iptables tables (raw, mangle, filter,
 * security) registered and empty. Fills *out; the caller owns it and frees
 * it with ns_net_destroy(). Returns 0 or a negative errno.
 */
int ns_net_create(struct net **out);
void ns_net_destroy(struct net *net);

/*
 * Seed every random choice of net (conntrack's hash key, NAT port
 * offsets, statistic's draws), so that the same seed and the same packets
 * give the same output byte for byte. Call before the first packet.
 */
void ns_net_set_seed(struct net *net, uint64_t seed);

/*
 * Register/unregister a hook function. Control path. Entries at one hook run
 * in ascending priority; equal priorities run in registration order. The
 * hook array is replaced whole and published atomically; unregister returns
 * after every data-path thread has stopped using the old array, and cannot
 * fail but for an entry never registered (-ENOENT): without memory for a
 * smaller array, the entry is replaced in place by one that accepts.
 */
int ns_hook_register(struct net *net, const struct ns_hook_ops *ops);
int ns_hook_unregister(struct net *net, const struct ns_hook_ops *ops);

/*
 * Run one line of the command language ("ip addr add 10.0.0.1/24 dev eth0",
 * "iptables -A INPUT -j DROP", "sysctl -w net.ipv4.ip_forward=1", ...).
 * Output the tool would print goes to *out_text (malloc'd, caller frees,
 * may be NULL), error text to *err_text. Returns the tool's exit code.
 */
int ns_exec(struct net *net, const char *line, char **out_text,
	    char **err_text);

/*
 * Hand one received Ethernet frame to the stack as if it arrived on the
 * interface named ifname, at time ts_ns (nanoseconds; the stack's clock).
 * The frame is copied. Data path. Returns 0, or a negative errno if the
 * interface does not exist or no packet buffer is free (counted).
 */
int ns_inject(struct net *net, const char *ifname, const void *frame,
	      size_t len, uint64_t ts_ns);

/*
 * As ns_inject(), for a packet without a link-layer header: it starts at the
 * IP header (raw-IP pcaps, TUN). Same ownership and return values.
 */
int ns_inject_ip(struct net *net, const char *ifname, const void *packet,
		 size_t len, uint64_t ts_ns);

/* Packet accessors for hook functions. */
uint8_t *ns_pkt_network_header(struct pkt *pkt);
size_t ns_pkt_len(const struct pkt *pkt);      /* from the network header */
uint32_t ns_pkt_mark(const struct pkt *pkt);
void ns_pkt_set_mark(struct pkt *pkt, uint32_t mark);
void ns_pkt_free(struct pkt *pkt);

#ifdef __cplusplus
}
#endif
#endif
