/* SPDX-License-Identifier: MIT */
/*
 * The load balancer, as the kernel's IPVS (net/netfilter/ipvs): virtual
 * services (protocol, address and port, or a firewall mark) with real
 * servers ("destinations"), a scheduler per service that picks a real
 * server for each new connection, and a connection table (struct lb_conn)
 * shared by all workers that sends every later packet of a connection to
 * the same real server by masquerading (NAT), direct routing or
 * tunnelling.
 *
 * This header is the contract between the service table (service.c), the
 * schedulers (sched.c, sched_*.c: one file per algorithm), the connection
 * table and the hooks (conn.c, core.c, proto_*.c, xmit.c) and the ipvsadm
 * tool (src/ctl/ipvsadm*.c). Names and numbers follow the kernel's
 * (ip_vs.h): a reader of ip_vs_*.c finds the same fields here.
 *
 * Concurrency: the control path (ipvsadm, under ctl_lock) changes
 * services and destinations under lb_net.lock; the data path reads them
 * under RCU (liburcu QSBR). A service's destination list is an RCU list
 * (urcu/rculist.h): schedulers walk it with cds_list_for_each_entry_rcu.
 * A scheduler that keeps a cursor (rr, wrr) guards it with svc->sched_lock,
 * as the kernel's. Removed destinations stay allocated while connections
 * hold them (refcnt) and are freed after a grace period.
 *
 * Time is the engine's clock (net_now(), nanoseconds).
 */
#ifndef NS_LB_LB_H
#define NS_LB_LB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/rcu.h"
#include <urcu/rculist.h>
#include <urcu/rcuhlist.h>
#include "pkt/pkt.h"
#include "core/worker.h"

struct net;
struct sbuf;
struct lb_net;

/* Forwarding methods: IP_VS_CONN_F_FWD_MASK values (conn_flags & 7). */
enum lb_fwd {
	LB_FWD_MASQ = 0,        /* NAT, ipvsadm -m, "Masq" */
	LB_FWD_LOCALNODE = 1,   /* the director itself, "Local" */
	LB_FWD_TUNNEL = 2,      /* ipvsadm -i, "Tunnel" */
	LB_FWD_DROUTE = 3,      /* ipvsadm -g, "Route" (the default) */
	LB_FWD_BYPASS = 4,      /* "Bypass" (cache-cluster bypass) */
};
#define LB_FWD_MASK 0x0007

/* Connection and destination conn_flags (IP_VS_CONN_F_*). */
#define LB_CONN_F_HASHED 0x0040
#define LB_CONN_F_NOOUTPUT 0x0080
#define LB_CONN_F_INACTIVE 0x0100
#define LB_CONN_F_OUT_SEQ 0x0200
#define LB_CONN_F_IN_SEQ 0x0400
#define LB_CONN_F_SEQ_MASK 0x0600
#define LB_CONN_F_NO_CPORT 0x0800
#define LB_CONN_F_TEMPLATE 0x1000
#define LB_CONN_F_ONE_PACKET 0x2000
#define LB_CONN_F_NFCT (1 << 16)
#define LB_CONN_F_DEST_MASK (LB_FWD_MASK | LB_CONN_F_NOOUTPUT | \
			     LB_CONN_F_NFCT)   /* what a dest gives its conns */

/* Tunnel types and flags (IP_VS_CONN_F_TUNNEL_TYPE_*, _TUNNEL_FLAG_*). */
enum lb_tun_type {
	LB_TUN_IPIP = 0,
	LB_TUN_GUE = 1,
	LB_TUN_GRE = 2,
};
/* The kernel's IP_VS_TUNNEL_ENCAP_FLAG_* values (NOCSUM is no bit). */
#define LB_TUN_F_NOCSUM 0x0000
#define LB_TUN_F_CSUM 0x0001
#define LB_TUN_F_REMCSUM 0x0002

/* Service flags (IP_VS_SVC_F_*). */
#define LB_SVC_F_PERSISTENT 0x0001
#define LB_SVC_F_HASHED 0x0002
#define LB_SVC_F_ONEPACKET 0x0004
#define LB_SVC_F_SCHED1 0x0008      /* sh-fallback, mh-fallback */
#define LB_SVC_F_SCHED2 0x0010      /* sh-port, mh-port */
#define LB_SVC_F_SCHED3 0x0020
#define LB_SVC_F_SCHED_SH_FALLBACK LB_SVC_F_SCHED1
#define LB_SVC_F_SCHED_SH_PORT LB_SVC_F_SCHED2
#define LB_SVC_F_SCHED_MH_FALLBACK LB_SVC_F_SCHED1
#define LB_SVC_F_SCHED_MH_PORT LB_SVC_F_SCHED2

/* Destination flags (IP_VS_DEST_F_*). */
#define LB_DEST_F_AVAILABLE 0x0001
#define LB_DEST_F_OVERLOAD 0x0002

#define LB_SCHEDNAME_MAX 16
#define LB_PENAME_MAX 16

/*
 * Counters of a service, a destination or the whole table: one slot per
 * worker (added up when read), and the rate estimates the estimator
 * refreshes every 2 s of engine time (ip_vs_est.c's arithmetic).
 */
struct lb_counters {
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
};
struct lb_rates {
	uint32_t cps, inpps, outpps, inbps, outbps;
};
struct lb_stats {
	struct lb_counters cpu[NS_MAX_WORKERS];
	struct lb_counters zero;   /* totals at the last -Z (subtracted) */
	/* The estimator's state (control path + estimator only). */
	struct lb_counters last;
	uint64_t cps_avg, inpps_avg, outpps_avg, inbps_avg, outbps_avg;
	struct lb_rates rate;
};

/* The calling worker's slot. Data path. */
static inline struct lb_counters *lb_stats_this(struct lb_stats *s)
{
	return &s->cpu[ns_worker_id];
}

struct lb_scheduler;
struct lb_service;

/* A real server of a service (struct ip_vs_dest). */
struct lb_dest {
	struct cds_list_head n_list;   /* in svc->destinations (RCU) */
	struct lb_service *svc;        /* the service it belongs to */
	uint16_t af;                   /* 2 (AF_INET) or 10 */
	struct ns_addr addr;
	uint16_t port;                 /* network byte order */
	_Atomic unsigned flags;        /* LB_DEST_F_* */
	_Atomic unsigned conn_flags;   /* lb_fwd | LB_CONN_F_* */
	_Atomic int weight;
	_Atomic int last_weight;       /* weight before it was set to 0 */
	uint16_t tun_type;             /* enum lb_tun_type */
	uint16_t tun_port;             /* GUE port, network byte order */
	uint16_t tun_flags;            /* LB_TUN_F_* */
	uint32_t u_threshold;          /* 0: no upper limit */
	uint32_t l_threshold;
	_Atomic int activeconns;
	_Atomic int totalconns;        /* active + inactive (6.1's count;
					* inactive = total - active) */
	_Atomic int persistconns;      /* templates pointing here */
	_Atomic int refcnt;            /* connections + the service */
	bool removed;                  /* unlinked, waiting for its conns */
	struct lb_stats stats;
	/* The virtual service's identity, for connections and listings. */
	uint16_t protocol;
	struct ns_addr vaddr;
	uint16_t vport;
	uint32_t vfwmark;
	struct rcu_head rcu;
};

/*
 * Connection overhead as lc, wlc, lblc, lblcr, fo count it (Debian's 6.1:
 * activeconns * 256 + totalconns).
 */
static inline int lb_dest_conn_overhead(const struct lb_dest *d)
{
	return (atomic_load_explicit(&d->activeconns,
				     memory_order_relaxed) << 8) +
	       atomic_load_explicit(&d->totalconns, memory_order_relaxed);
}

/* InActConn as ipvsadm shows it: max(total - active, 0). */
static inline int lb_dest_inactconns(const struct lb_dest *d)
{
	int v = atomic_load_explicit(&d->totalconns, memory_order_relaxed) -
		atomic_load_explicit(&d->activeconns, memory_order_relaxed);

	return v > 0 ? v : 0;
}

static inline int lb_dest_weight(const struct lb_dest *d)
{
	return atomic_load_explicit(&d->weight, memory_order_relaxed);
}

static inline bool lb_dest_overloaded(const struct lb_dest *d)
{
	return atomic_load_explicit(&d->flags, memory_order_relaxed) &
	       LB_DEST_F_OVERLOAD;
}

/*
 * A reference on a destination (ip_vs_dest_hold/ip_vs_dest_put), taken by
 * a scheduler that keeps a destination beyond the list's life for it:
 * lblc's and lblcr's caches, whose entries outlive a del_dest. A put
 * never frees: the service table frees a removed destination once the
 * references are gone (the kernel's trash), so a put may come from a
 * call_rcu() callback. Added by the schedulers (helper "sched").
 */
static inline void lb_dest_hold(struct lb_dest *d)
{
	atomic_fetch_add_explicit(&d->refcnt, 1, memory_order_relaxed);
}

static inline void lb_dest_put(struct lb_dest *d)
{
	atomic_fetch_sub_explicit(&d->refcnt, 1, memory_order_release);
}

/* A virtual service (struct ip_vs_service). */
struct lb_service {
	struct cds_hlist_node s_list;   /* in lb_net's service hash (RCU) */
	struct cds_hlist_node f_list;   /* in the fwmark hash */
	struct net *net;
	uint16_t af;
	uint16_t protocol;              /* IPPROTO_TCP/UDP/SCTP, 0: fwmark */
	struct ns_addr addr;
	uint16_t port;                  /* network byte order */
	uint32_t fwmark;                /* 0: not a fwmark service */
	unsigned flags;                 /* LB_SVC_F_* */
	unsigned timeout;               /* persistence, seconds */
	uint32_t netmask;               /* persistence granularity: an IPv4
					 * mask (network order) or an IPv6
					 * prefix length */
	struct cds_list_head destinations;   /* struct lb_dest (RCU) */
	unsigned num_dests;
	struct lb_stats stats;
	const struct lb_scheduler *scheduler;   /* RCU */
	void *sched_data;                /* the scheduler's own */
	pthread_spinlock_t sched_lock;   /* for schedulers with a cursor */
	char pe_name[LB_PENAME_MAX];     /* "" or "sip" (refused) */
	_Atomic int refcnt;
	struct rcu_head rcu;
};

/*
 * What a scheduler sees of a new connection's first packet: the kernel's
 * ip_vs_iphdr plus the transport ports (network byte order; 0 for
 * protocols without ports).
 */
struct lb_iph {
	uint16_t af;
	uint8_t protocol;
	struct ns_addr saddr, daddr;
	uint16_t sport, dport;
};

/*
 * A scheduler (struct ip_vs_scheduler). Every hook but schedule is called
 * on the control path with lb_net.lock held; schedule on the data path
 * under RCU. schedule returns the chosen destination (no reference taken)
 * or NULL when none is available (it then reports with lb_sched_err()).
 * why, when not NULL, receives a one-line explanation of the choice for
 * `netsieve lb explain` and the replay trace ("rr: after 10.0.0.2:80",
 * "mh: slot 1234 of 4093", "wlc: overhead 256/1 lowest"); schedule must
 * pick the same with and without it.
 * init_service allocates sched_data (may fail with -ENOMEM);
 * done_service frees it; add_dest/del_dest/upd_dest (each may be NULL)
 * follow changes of the destination list or of a weight, after the list
 * has changed (del_dest: the dest is already unlinked).
 */
struct lb_scheduler {
	const char *name;
	int (*init_service)(struct lb_service *svc);
	void (*done_service)(struct lb_service *svc);
	int (*add_dest)(struct lb_service *svc, struct lb_dest *dest);
	int (*del_dest)(struct lb_service *svc, struct lb_dest *dest);
	int (*upd_dest)(struct lb_service *svc, struct lb_dest *dest);
	struct lb_dest *(*schedule)(struct lb_service *svc,
				    const struct lb_iph *iph,
				    struct sbuf *why);
};

/* The scheduler named name, or NULL (sched.c). */
const struct lb_scheduler *lb_sched_find(const char *name);
/* Every scheduler, NULL-terminated, in the order `lb explain` shows. */
extern const struct lb_scheduler *const lb_schedulers[];

/*
 * "SCHED: no destination available" (ip_vs_scheduler_err): counted and
 * logged at most once a second. Data path.
 */
void lb_sched_err(struct lb_service *svc, const char *msg);

/* ---- Control-path API (ipvsadm) ---------------------------------- */

/* Free the net's load balancer (services, connections), if any. */
void lb_net_destroy(struct net *net);

/*
 * A service as ipvsadm names and configures it (struct ip_vs_service_user
 * / the netlink attributes). The key: fwmark != 0, or protocol + addr +
 * port; af always.
 */
struct lb_svc_conf {
	uint16_t af;
	uint16_t protocol;
	struct ns_addr addr;
	uint16_t port;                  /* network byte order */
	uint32_t fwmark;
	char sched_name[LB_SCHEDNAME_MAX];
	unsigned flags;                 /* LB_SVC_F_* (HASHED ignored) */
	unsigned timeout;               /* seconds */
	uint32_t netmask;               /* as struct lb_service */
	char pe_name[LB_PENAME_MAX];
};

struct lb_dest_conf {
	uint16_t af;                    /* 0: the service's */
	struct ns_addr addr;
	uint16_t port;                  /* network byte order */
	unsigned conn_flags;            /* lb_fwd */
	int weight;
	uint32_t u_threshold, l_threshold;
	uint16_t tun_type, tun_port, tun_flags;
};

/*
 * Errors are the kernel's, so ipvsadm's messages follow: -EEXIST (service
 * or destination exists), -ESRCH (no such service), -ENOENT (no such
 * scheduler / destination: see ipvsadm's ipvs_strerror table), -EINVAL
 * (bad weight, thresholds, netmask, protocol), -EBUSY, -ENOMEM,
 * -EAFNOSUPPORT, -EOPNOTSUPP (a feature netsieve does not have yet, with
 * the reason in the log).
 */
int lb_svc_add(struct net *net, const struct lb_svc_conf *c);
int lb_svc_edit(struct net *net, const struct lb_svc_conf *c);
int lb_svc_del(struct net *net, const struct lb_svc_conf *key);
int lb_flush(struct net *net);                       /* ipvsadm -C */
int lb_dest_add(struct net *net, const struct lb_svc_conf *key,
		const struct lb_dest_conf *d);
int lb_dest_edit(struct net *net, const struct lb_svc_conf *key,
		 const struct lb_dest_conf *d);
int lb_dest_del(struct net *net, const struct lb_svc_conf *key,
		const struct lb_dest_conf *d);
/* ipvsadm -Z: one service (key) or all (NULL). */
int lb_zero(struct net *net, const struct lb_svc_conf *key);

/* ipvsadm --set tcp tcpfin udp / -L --timeout (seconds; 0: unchanged). */
struct lb_timeouts {
	int tcp, tcp_fin, udp;
};
int lb_timeouts_get(struct net *net, struct lb_timeouts *t);
int lb_timeouts_set(struct net *net, const struct lb_timeouts *t);

/* The version line: "IP Virtual Server version 1.2.1 (size=4096)". */
#define LB_VERSION_CODE 0x010201
unsigned lb_conn_tab_size(struct net *net);

/* Snapshots for listings (control path; free with lb_dump_free()). */
struct lb_stats_snap {
	struct lb_counters c;
	struct lb_rates r;
};
struct lb_dest_snap {
	struct lb_dest_conf conf;
	int activeconns, inactconns, persistconns;
	struct lb_stats_snap stats;
};
struct lb_svc_snap {
	struct lb_svc_conf conf;
	struct lb_stats_snap stats;
	unsigned ndests;
	struct lb_dest_snap *dests;     /* in the kernel's list order */
};
/*
 * Every service, in the kernel's dump order (the service hash, bucket by
 * bucket, then the fwmark hash), or only key's (-ESRCH if none).
 */
int lb_dump(struct net *net, const struct lb_svc_conf *key,
	    struct lb_svc_snap **out, unsigned *n);
void lb_dump_free(struct lb_svc_snap *s, unsigned n);
/*
 * What `netsieve stats` shows of the load balancer: connections in the
 * table, requests that found no real server (answered ICMP port
 * unreachable) and connections refused for a full table. false: no
 * load balancer in this net yet.
 */
struct lb_health {
	unsigned conns;
	uint64_t no_dest, table_full;
};
bool lb_health_read(struct net *net, struct lb_health *out);

/* The totals of /proc/net/ip_vs_stats. */
void lb_total_stats(struct net *net, struct lb_stats_snap *out);

/*
 * One connection as ipvsadm -Lc shows it (/proc/net/ip_vs_conn).
 * lb_conn_dump fills *out with one malloc'd array of *n entries (state
 * points to static text): the caller free()s it (src/ctl/ipvsadm_fmt.c).
 */
struct lb_conn_snap {
	uint16_t af;
	uint16_t protocol;
	struct ns_addr caddr, vaddr, daddr;
	uint16_t cport, vport, dport;   /* network byte order */
	uint32_t fwmark;
	unsigned flags;                 /* LB_CONN_F_* | lb_fwd */
	const char *state;              /* "ESTABLISHED", "NONE", ... */
	uint32_t expires;               /* seconds left */
	char pe_name[LB_PENAME_MAX];
	char pe_data[64];
};
int lb_conn_dump(struct net *net, struct lb_conn_snap **out, unsigned *n);

/*
 * `netsieve lb explain` (explain.c): for client:cport of the service svc
 * names, what decides its next connection and each scheduler's pick
 * (change 0; all_scheds: every scheduler, else the service's), or what a
 * planned change to the real server target does to the connections and
 * templates there are (change 1: weight 0, 2: removed). Text to out.
 * -ESRCH: no such service; -ENOENT: no such real server.
 */
struct lb_explain_req {
	struct lb_svc_conf svc;
	struct ns_addr client;
	uint16_t cport;                 /* network byte order; 0: any */
	bool all_scheds;
	int change;
	struct lb_dest_conf target;
};
int lb_explain(struct net *net, const struct lb_explain_req *r,
	       struct sbuf *out);

#endif
