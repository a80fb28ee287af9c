/* SPDX-License-Identifier: MIT */
/*
 * The stack's configuration API, for the tools (src/ctl: ip, sysctl) and
 * the files of src/stack/: devices, addresses, routes and neighbours, the
 * structures `ip ... show` lists, and the functions that change them.
 * Changes go to the command's draft (stack_conf_write() in stack/conf.h)
 * and are published when the command ends; lookups read the snapshot the
 * calling thread sees. Neighbour functions take net->neigh_lock
 * themselves; a caller walking struct neigh_table holds it.
 */
#ifndef NS_STACK_CONFIG_H
#define NS_STACK_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/net.h"
#include "stack/conf.h"
#include "core/netdev.h"
#include "stack/stack.h"

/* Route scopes and protocols, the kernel's values. */
#define RT_SCOPE_UNIVERSE 0
#define RT_SCOPE_LINK 253
#define RT_SCOPE_HOST 254
#define RTPROT_KERNEL 2
#define RTPROT_BOOT 3
#define RTPROT_STATIC 4

#define ROUTE_MAX 4096

/* One route of the main table. */
struct route {
	struct ns_addr dst; /* host bits zero */
	uint8_t plen;
	uint8_t type;      /* RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT */
	uint8_t proto;     /* RTPROT_* */
	uint8_t scope;     /* RT_SCOPE_* */
	struct ns_addr gw; /* .ip 0: directly connected */
	int ifindex;       /* 0 for blackhole/unreachable/prohibit */
	uint32_t metric;
	struct ns_addr prefsrc; /* .ip 0: none */
	bool onlink;       /* gateway taken as on-link without a check */
};

/*
 * The local table, derived from the addresses of up devices and rebuilt
 * on every change (addr_rebuild): open addressing on the address.
 */
#define LOCAL_SLOTS 4096
#define LOCAL_F_LOCAL 1
#define LOCAL_F_BCAST 2

struct local_ent {
	uint32_t addr;
	uint8_t flags;          /* LOCAL_F_*; 0: empty slot */
	int16_t ifindex;        /* the device of the local address */
};

/* Sorted as `ip route show` lists them: prefix, longer first, metric. */
struct route_table {
	struct local_ent local[LOCAL_SLOTS];
	int n;
	struct route r[ROUTE_MAX];
	/* Lookup order: longest prefix first, then prefix, then metric. */
	uint16_t by_len[ROUTE_MAX];
	/* Prefix lengths in use, longest first. */
	uint8_t plens[33];
	int nplens;
	/* (dst, plen) -> first by_len position of that prefix; -1 empty. */
	int16_t slot[2 * ROUTE_MAX];
};

/* What a route lookup found (the kernel's fib_result + rtable). */
struct rt_result {
	int type;             /* RTN_* */
	struct netdev *dev;   /* output device; lo for RTN_LOCAL */
	struct ns_addr gw;    /* gateway, .ip 0 when on link */
	struct ns_addr nexthop; /* gw or the destination */
	struct ns_addr src;   /* preferred source address */
	uint32_t metric;
	bool redirect;        /* forwarding back out the input interface */
};

/* route.c */
int route_table_create(struct net *net);
/* Main-table lookup (longest prefix, lowest metric). 0 or -ENETUNREACH. */
int route_lookup(struct net *net, uint32_t daddr, struct rt_result *res);
/*
 * Classify a received packet's destination as ip_route_input_slow():
 * local, broadcast, multicast, forward (unicast) or an error (-EINVAL
 * martian, -ENETUNREACH no route, -EHOSTUNREACH forwarding off).
 */
int route_input(struct net *net, uint32_t daddr, uint32_t saddr,
		const struct netdev *in, struct rt_result *res);
/* Route a locally generated packet (ip_route_output_key). */
int route_output(struct net *net, uint32_t daddr, uint32_t saddr,
		 struct rt_result *res);
/* Control path (on the command's draft, stack_conf_write): add, replace, delete, flush. */
#define ROUTE_F_EXCL 1
#define ROUTE_F_REPLACE 2
int route_add(struct net *net, const struct route *r, int flags);
int route_del(struct net *net, const struct route *match, bool has_metric,
	      bool has_gw, bool has_dev, bool has_type);
void route_flush_dev(struct net *net, int ifindex);
/* Remove the connected (kernel) routes that came from one address. */
void route_del_ifaddr(struct net *net, const struct netdev *dev,
		      const struct ifaddr *ifa);
void route_add_ifaddr(struct net *net, const struct netdev *dev,
		      const struct ifaddr *ifa);

/* addr.c: addresses, the local table and source selection. */
static inline uint32_t inet_mask(int plen)
{
	return plen ? __builtin_bswap32(~0u << (32 - plen)) : 0;
}

/* Rebuild the local table after addresses or device states changed. */
void addr_rebuild(struct net *net);
/* The device that owns local address addr (up devices only), or NULL. */
struct netdev *addr_local_dev(struct net *net, uint32_t addr);
/* Is addr a broadcast address of some up device (dev: of that one)? */
bool addr_is_bcast(struct net *net, uint32_t addr, const struct netdev *dev);
/* An address is secondary when an earlier one covers the same subnet. */
bool addr_is_secondary(const struct netdev *dev, int idx);
/* inet_select_addr(): a source address on dev for dst within scope. */
uint32_t addr_select(struct net *net, const struct netdev *dev, uint32_t dst,
		     int scope);
/* Is a on a connected subnet of dev (and b too, unless b is 0)? */
bool addr_onlink(const struct netdev *dev, uint32_t a, uint32_t b);
/* Control path (on the command's draft, stack_conf_write). */
int addr_add(struct net *net, struct netdev *dev, uint32_t addr, int plen,
	     uint32_t bcast, int scope);
int addr_del(struct net *net, struct netdev *dev, uint32_t addr, int plen);
void addr_flush(struct net *net, struct netdev *dev);

/* Neighbour states, the kernel's NUD_* values. */
#define NUD_INCOMPLETE 0x01
#define NUD_REACHABLE 0x02
#define NUD_STALE 0x04
#define NUD_DELAY 0x08
#define NUD_PROBE 0x10
#define NUD_FAILED 0x20
#define NUD_NOARP 0x40
#define NUD_PERMANENT 0x80
#define NUD_VALID (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | \
		   NUD_STALE | NUD_DELAY)

#define NEIGH_MAX 1024
#define NEIGH_QUEUE_MAX 64

struct neigh {
	uint32_t ip;            /* NBO */
	int ifindex;            /* 0: free slot */
	uint8_t mac[6];
	uint16_t state;
	int probes;
	uint64_t updated_ns;    /* last state change (for ip neigh show) */
	uint64_t confirmed_ns;  /* last confirmation of reachability */
	uint64_t timer_ns;      /* 0: no timer */
	struct pkt *q_head, *q_tail;
	int qlen;
	int next;               /* hash chain / free list, -1 ends */
};

struct neigh_table {
	uint32_t seq;           /* odd while a writer holds neigh_lock */
	int depth;              /* writer recursion (under neigh_lock) */
	int buckets[256];
	int free;
	int count;
	uint64_t next_timer_ns;
	struct neigh e[NEIGH_MAX];
};

/* neigh.c */
int neigh_table_create(struct net *net);
void neigh_table_destroy(struct net *net);
struct neigh *neigh_lookup(struct net *net, const struct netdev *dev,
			   uint32_t ip);
/*
 * Transmit pkt (IP header at l3_off) to nexthop on dev: with a known
 * address now, otherwise queue it and resolve. Consumes pkt. Data path.
 */
void neigh_output(struct net *net, struct netdev *dev, uint32_t nexthop,
		  struct pkt *pkt);
/*
 * ARP told us ip is at mac (arp_process): update an existing entry (or
 * create one when create), flush its queue when it becomes valid.
 * solicited: a reply addressed to us (REACHABLE) rather than STALE.
 */
void neigh_event(struct net *net, struct netdev *dev, uint32_t ip,
		 const uint8_t *mac, bool create, bool solicited);
void neigh_timers(struct net *net);
/* Control path (on the command's draft, stack_conf_write). */
int neigh_add(struct net *net, struct netdev *dev, uint32_t ip,
	      const uint8_t *mac, uint16_t state, bool replace, bool excl);
int neigh_del(struct net *net, struct netdev *dev, uint32_t ip);
/* Flush entries of dev (NULL: all); keep_perm keeps PERMANENT ones. */
int neigh_flush(struct net *net, const struct netdev *dev, bool keep_perm);
const char *neigh_state_name(uint16_t state);
/* Drop waiting packets that refer to dev (it is being deleted). */
void neigh_forget_dev(struct net *net, const struct netdev *dev);
/* dev.c */
struct netdev *dev_loopback(struct net *net);
/* A device that does no ARP (dummy: no I/O backend, loopback). */
bool dev_noarp(const struct netdev *dev);
/* Control path (on the command's draft, stack_conf_write). */
int dev_set_up(struct net *net, struct netdev *dev, bool up);
int dev_set_mtu(struct net *net, struct netdev *dev, uint32_t mtu);
int dev_set_mac(struct net *net, struct netdev *dev, const uint8_t *mac);
int dev_delete(struct net *net, struct netdev *dev);

#endif
