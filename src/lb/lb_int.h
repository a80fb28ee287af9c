/* SPDX-License-Identifier: MIT */
/*
 * The load balancer's inside: the per-net state (struct lb_net: service
 * hashes, the connection table, the knobs), a connection (struct lb_conn,
 * the kernel's ip_vs_conn) and the functions the files of src/lb share.
 * lb-internal.
 */
#ifndef NS_LB_LB_INT_H
#define NS_LB_LB_INT_H

#include "lb/lb.h"

#include "core/net.h"

#define LB_SVC_TAB_BITS 8
#define LB_SVC_TAB_SIZE (1u << LB_SVC_TAB_BITS)
#define LB_CONN_TAB_BITS 12             /* what ipvsadm shows (size=) */
#define LB_CONN_BUCKETS (1u << 20)      /* netsieve's own hash */
#define LB_CONN_LOCKS 1024
#define LB_CONN_MAX (1u << 24)          /* the arena's reservation */
#define LB_GC_BUCKETS 4096              /* buckets looked at per GC step */
#define LB_NSEC 1000000000ull

/* IPVS's TCP states (IP_VS_TCP_S_*), in the kernel's order. */
enum lb_tcp_state {
	LB_TCP_S_NONE = 0,
	LB_TCP_S_ESTABLISHED,
	LB_TCP_S_SYN_SENT,
	LB_TCP_S_SYN_RECV,
	LB_TCP_S_FIN_WAIT,
	LB_TCP_S_TIME_WAIT,
	LB_TCP_S_CLOSE,
	LB_TCP_S_CLOSE_WAIT,
	LB_TCP_S_LAST_ACK,
	LB_TCP_S_LISTEN,
	LB_TCP_S_SYNACK,
	LB_TCP_S_LAST,
};
/* IPVS's SCTP states (IP_VS_SCTP_S_*). */
#define LB_SCTP_S_LAST 14

enum lb_udp_state {
	LB_UDP_S_NORMAL = 0,
	LB_UDP_S_LAST,
};
/*
 * A template's state (IP_VS_CTPL_S_*): NONE until a connection it
 * controls is established (TCP) or answered (UDP), then ASSURED; ipvsadm
 * -Lc shows the name. Set with __atomic builtins: connections of one
 * template may run on several workers.
 */
enum lb_ctpl_state {
	LB_CTPL_S_NONE = 0x0000,
	LB_CTPL_S_ASSURED = 0x0001,
	LB_CTPL_S_LAST = 0x0002,
};

/* Packet directions for state transitions (IP_VS_DIR_*). */
enum lb_dir {
	LB_DIR_INPUT = 0,
	LB_DIR_OUTPUT,
	LB_DIR_INPUT_ONLY,
};

/*
 * A connection (struct ip_vs_conn): client caddr:cport to virtual
 * vaddr:vport, sent to real server daddr:dport. A template
 * (LB_CONN_F_TEMPLATE) records a persistent client's server: cport 0,
 * vport 0 for port-zero and fwmark services (vaddr then holds the mark).
 * Kept in one hash keyed by (protocol, caddr, cport), as the kernel's
 * ip_vs_conn_tab, which serves both directions (a NAT reply's destination
 * is the client). Freed after a grace period once expired.
 */
struct lb_conn {
	struct lb_conn *_Atomic next;   /* hash chain */
	uint32_t hash;
	uint16_t af;
	uint16_t protocol;
	struct ns_addr caddr, vaddr, daddr;
	uint16_t cport, vport, dport;   /* network byte order */
	uint32_t fwmark;
	pthread_spinlock_t lock;        /* flags, state, timeout */
	unsigned flags;                 /* LB_CONN_F_* | lb_fwd */
	uint16_t state, old_state;
	uint64_t timeout;               /* ns, the state's */
	_Atomic uint64_t expires;       /* engine time */
	struct lb_dest *dest;           /* holds a reference */
	struct lb_conn *control;        /* its template (holds n_control) */
	_Atomic int n_control;          /* conns this template controls */
	_Atomic bool dead;              /* unlinked */
	struct rcu_head rcu;
};

/* Per-protocol behaviour (struct ip_vs_protocol). */
struct lb_proto {
	uint8_t protocol;
	const char *name;
	unsigned num_states;
	/* Timeouts by state, seconds (the net's copy is in lb_net). */
	const unsigned *default_timeouts;
	const char *(*state_name)(unsigned state);
	/* Update cp's state for a packet (L4 header at l4, l4len bytes). */
	void (*state_transition)(struct lb_net *ln, struct lb_conn *cp,
				 enum lb_dir dir, const uint8_t *l4,
				 uint32_t l4len);
	/* May this packet start a connection? (tcp: SYN, or sloppy_tcp) */
	bool (*may_schedule)(struct lb_net *ln, const uint8_t *l4,
			     uint32_t l4len);
	/* Is it a new connection's first packet (is_new_conn())? */
	bool (*is_new_conn)(const uint8_t *l4, uint32_t l4len);
};
extern const struct lb_proto lb_proto_tcp;
extern const struct lb_proto lb_proto_udp;
extern const struct lb_proto lb_proto_sctp;
const struct lb_proto *lb_proto_get(uint8_t protocol);

/* The knobs of net.ipv4.vs (kernel names and defaults). */
struct lb_sysctl {
	int am_droprate, amemthresh, cache_bypass, conn_reuse_mode,
	    conntrack, drop_entry, drop_packet, expire_nodest_conn,
	    expire_quiescent_template, ignore_tunneled, nat_icmp_send,
	    pmtu_disc, run_estimation, schedule_icmp, secure_tcp,
	    sloppy_sctp, sloppy_tcp, snat_reroute, backup_only;
};

struct lb_conn_bucket {
	struct lb_conn *_Atomic head;
};

struct lb_net {
	struct net *net;
	pthread_mutex_t lock;          /* services and destinations */
	struct cds_hlist_head svc_table[LB_SVC_TAB_SIZE];
	struct cds_hlist_head fwm_table[LB_SVC_TAB_SIZE];
	unsigned num_services;
	struct cds_list_head trash;    /* removed dests still referenced */
	struct lb_sysctl sysctl;
	/* Timeouts (seconds) by protocol and state. */
	unsigned tcp_timeouts[LB_TCP_S_LAST + 1];
	unsigned udp_timeouts[LB_UDP_S_LAST + 1];
	unsigned sctp_timeouts[LB_SCTP_S_LAST + 1];
	bool hooks_on;
	struct ns_hook_ops *hook_ops;  /* NHOOKS of core.c */
	/* Connections. */
	struct lb_conn_bucket *buckets;
	pthread_spinlock_t locks[LB_CONN_LOCKS];
	uint32_t hash_rnd;
	struct lb_conn *arena;
	unsigned arena_used;
	struct lb_conn *free;
	pthread_mutex_t alloc_lock;
	_Atomic unsigned conn_count;
	_Atomic unsigned gc_pos;
	_Atomic uint64_t gc_last;
	_Atomic uint64_t est_last;     /* the estimator's last tick */
	struct lb_stats tot_stats;
	_Atomic uint64_t no_dest;      /* "no destination available" */
	_Atomic uint64_t conn_fail;    /* table full */
};

static inline struct lb_net *lb_net(const struct net *net)
{
	return atomic_load_explicit(&((struct net *)net)->lb,
				    memory_order_acquire);
}

/* service.c */
int lb_net_get(struct net *net, struct lb_net **out);
/* The service a packet is for (ip_vs_service_find), RCU. */
struct lb_service *lb_service_find(struct lb_net *ln, uint16_t af,
				   uint32_t mark, uint8_t protocol,
				   const struct ns_addr *vaddr, uint16_t vport);
/* Is there a real server daddr:dport of protocol (ip_vs_has_real_service)? */
bool lb_has_real_service(struct lb_net *ln, uint16_t af, uint8_t protocol,
			 const struct ns_addr *daddr, uint16_t dport);
void lb_dest_release(struct lb_net *ln, struct lb_dest *d);
/* The workers' counters of s added up (without the -Z offset). */
void lb_stats_sum(const struct lb_stats *s, struct lb_counters *t);
/* "Masq", "Local", "Tunnel", "Route", "Bypass": as ipvsadm -L. */
const char *lb_fwd_name(unsigned conn_flags);
/* u_threshold bookkeeping after totalconns changed by delta (+1/-1). */
void lb_dest_update_overload(struct lb_dest *d, int mode);

/* conn.c */
int lb_conn_table_init(struct lb_net *ln);
void lb_conn_table_fini(struct lb_net *ln);
/* ip_vs_conn_new(): a hashed connection bound to dest, or NULL (full). */
struct lb_conn *lb_conn_new(struct lb_net *ln, uint16_t af, uint8_t protocol,
			    const struct ns_addr *caddr, uint16_t cport,
			    const struct ns_addr *vaddr, uint16_t vport,
			    const struct ns_addr *daddr, uint16_t dport,
			    unsigned flags, struct lb_dest *dest,
			    uint32_t fwmark);
/* Client to virtual (ip_vs_conn_in_get). */
struct lb_conn *lb_conn_in_get(struct lb_net *ln, uint8_t protocol,
			       const struct ns_addr *caddr, uint16_t cport,
			       const struct ns_addr *vaddr, uint16_t vport);
/* A template (ip_vs_ct_in_get); protocol 0 and vaddr = fwmark for
 * fwmark services. */
struct lb_conn *lb_conn_tmpl_get(struct lb_net *ln, uint8_t protocol,
				 const struct ns_addr *caddr, uint16_t cport,
				 const struct ns_addr *vaddr, uint16_t vport);
/* Real server to client (ip_vs_conn_out_get): saddr:sport is the
 * packet's source (the real server), daddr:dport the client. */
struct lb_conn *lb_conn_out_get(struct lb_net *ln, uint8_t protocol,
				const struct ns_addr *saddr, uint16_t sport,
				const struct ns_addr *daddr, uint16_t dport);
/* Restart cp's timer with its timeout (ip_vs_conn_put). */
void lb_conn_touch(struct lb_net *ln, struct lb_conn *cp, uint64_t now);
/* Expire it at the next look (ip_vs_conn_expire_now). */
void lb_conn_expire_now(struct lb_conn *cp);
/*
 * ip_vs_control_assure_ct(): mark cp's template, if it has one, ASSURED.
 * Called by the protocols' state transitions (a TCP connection entering
 * ESTABLISHED, a UDP reply). Data path; any worker.
 */
void lb_conn_assure_template(struct lb_conn *cp);
/* Kill expired connections in the next LB_GC_BUCKETS buckets. */
void lb_conn_gc(struct lb_net *ln, uint64_t now);
/* Free a one-packet connection after its packet (never hashed). */
void lb_conn_release_unhashed(struct lb_net *ln, struct lb_conn *cp);
/* Unlink every connection (flush at the last service). */
void lb_conn_flush(struct lb_net *ln);
/* ip_vs_check_template(): is the template's server still usable?
 * Invalidates it when not. */
bool lb_conn_check_template(struct lb_net *ln, struct lb_conn *ct,
			    struct lb_dest *cdest);
/* Seconds left (engine clock). */
uint32_t lb_conn_seconds_left(const struct lb_conn *cp, uint64_t now);
/* Walk every live connection (control path). */
int lb_conn_walk(struct lb_net *ln, int (*fn)(void *, struct lb_conn *),
		 void *priv);

/* icmp.c: ICMP errors quoting a connection's packet (related: it did). */
unsigned lb_in_icmp(struct lb_net *ln, struct pkt *pkt, int hook,
		    bool *related);
unsigned lb_out_icmp(struct lb_net *ln, struct pkt *pkt, bool *related);

/* core.c */
/*
 * ip_vs_schedule(): a new connection of svc for iph (client saddr:sport
 * to virtual daddr:dport), by persistence or the scheduler, or NULL with
 * *ignored 0 (no server), -1 (no memory) or 1 (nothing to schedule). why:
 * the explanation, or NULL. Data path.
 */
struct lb_conn *lb_schedule(struct lb_net *ln, struct lb_service *svc,
			    const struct lb_iph *iph, uint32_t mark,
			    int *ignored, struct sbuf *why);
int lb_hooks_enable(struct net *net);
void lb_hooks_disable(struct net *net);
/* Fold the per-worker counters into the rates (every 2 s). */
void lb_estimate(struct lb_net *ln, uint64_t now);

/* xmit.c: send pkt to cp's real server; NS_STOLEN or a verdict. */
unsigned lb_xmit(struct lb_net *ln, struct pkt *pkt, struct lb_conn *cp,
		 int hook);
/* An ICMP error about cp towards its real server (icmp.c rewrote it). */
unsigned lb_xmit_icmp(struct lb_net *ln, struct pkt *pkt, struct lb_conn *cp,
		      int hook);
/* A NAT reply from the real server: source back to the virtual address. */
unsigned lb_xmit_nat_reply(struct lb_net *ln, struct pkt *pkt,
			   struct lb_conn *cp, int hook);

static inline bool lb_addr_equal(uint16_t af, const struct ns_addr *a,
				 const struct ns_addr *b)
{
	if (af == 2)
		return a->ip == b->ip;
	return !__builtin_memcmp(a->ip6, b->ip6, 16);
}

#endif
