/* SPDX-License-Identifier: MIT */
/*
 * Connection tracking, as the kernel's nf_conntrack: every packet that
 * passes PREROUTING or OUTPUT is matched to a connection (struct ct_conn)
 * by its tuple, in a table shared by all workers. Lookups are lock-free
 * (RCU, liburcu QSBR: entries are freed after a grace period); inserts and
 * deletes take one of CT_LOCKS striped bucket locks, as the kernel does
 * since it dropped its central lock. A new connection stays unconfirmed
 * (owned by its first packet, in no table) until that packet passes the
 * last hook (confirm, in INPUT or POSTROUTING); a packet dropped before
 * that takes its entry with it.
 *
 * This header is the contract between the tracker core (core.c, table.c),
 * the L4 trackers (proto_*.c), NAT (src/nat), the xt extensions (state,
 * conntrack, connmark, CT, ...) and the conntrack tool (src/ctl).
 *
 * Time is the engine's clock (net_now(), nanoseconds): replay expires
 * entries by packet time.
 */
#ifndef NS_CT_CT_H
#define NS_CT_CT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/rcu.h"
#include "pkt/pkt.h"

struct net;
struct sbuf;
struct ct_net;

enum ct_dir {
	CT_DIR_ORIGINAL = 0,
	CT_DIR_REPLY = 1,
	CT_DIR_MAX = 2,
};

/*
 * A tuple: what identifies one direction of a connection. Ports are in
 * network byte order. ICMP: sport holds the id (bytes 4-5 of the header,
 * for every type, as the kernel's src.u.icmp.id), dport htons(type << 8 |
 * code) (dst.u.icmp.type/code). The generic tracker leaves both 0.
 */
struct ct_tuple {
	struct ns_addr src;
	struct ns_addr dst;
	uint16_t sport, dport;
	uint8_t proto;
};

/* Does a equal b (family, addresses, ports, protocol)? */
bool ct_tuple_equal(const struct ct_tuple *a, const struct ct_tuple *b);

/*
 * ctinfo: how a packet relates to its connection (the kernel's enum
 * ip_conntrack_info). Values are the kernel's.
 */
enum ct_info {
	CT_ESTABLISHED = 0,
	CT_RELATED = 1,
	CT_NEW = 2,
	CT_IS_REPLY = 3,
	CT_ESTABLISHED_REPLY = CT_ESTABLISHED + CT_IS_REPLY,
	CT_RELATED_REPLY = CT_RELATED + CT_IS_REPLY,
	CT_NUMBER = 6,
	CT_UNTRACKED = 7,
	/*
	 * Not the kernel's: the packet has not been through tracking (no
	 * pkt->ct, ctinfo 0 means ESTABLISHED only with a ct). A packet
	 * tracking found INVALID keeps ct NULL and ctinfo CT_NONE.
	 */
	CT_NONE = 0xff,
};

/* Status bits (the kernel's IPS_*), same values, same names in -L. */
enum ct_status {
	CT_S_EXPECTED = 1u << 0,
	CT_S_SEEN_REPLY = 1u << 1,
	CT_S_ASSURED = 1u << 2,
	CT_S_CONFIRMED = 1u << 3,
	CT_S_SRC_NAT = 1u << 4,
	CT_S_DST_NAT = 1u << 5,
	CT_S_SEQ_ADJUST = 1u << 6,
	CT_S_SRC_NAT_DONE = 1u << 7,
	CT_S_DST_NAT_DONE = 1u << 8,
	CT_S_DYING = 1u << 9,
	CT_S_FIXED_TIMEOUT = 1u << 10,
	CT_S_TEMPLATE = 1u << 11,
	CT_S_UNTRACKED = 1u << 12,
	CT_S_NAT_CLASH = 1u << 13,
	CT_S_HELPER = 1u << 14,
	CT_S_OFFLOAD = 1u << 15,
	CT_S_HW_OFFLOAD = 1u << 16,
};
#define CT_S_NAT_MASK (CT_S_SRC_NAT | CT_S_DST_NAT)
#define CT_S_NAT_DONE_MASK (CT_S_SRC_NAT_DONE | CT_S_DST_NAT_DONE)

/* TCP conntrack states, the kernel's enum tcp_conntrack and its names. */
enum ct_tcp_state {
	CT_TCP_NONE,
	CT_TCP_SYN_SENT,
	CT_TCP_SYN_RECV,
	CT_TCP_ESTABLISHED,
	CT_TCP_FIN_WAIT,
	CT_TCP_CLOSE_WAIT,
	CT_TCP_LAST_ACK,
	CT_TCP_TIME_WAIT,
	CT_TCP_CLOSE,
	CT_TCP_SYN_SENT2,
	CT_TCP_MAX,
	CT_TCP_IGNORE,
	CT_TCP_RETRANS,
	CT_TCP_UNACK,
};

/* Per-direction TCP window state (struct ip_ct_tcp_state). */
struct ct_tcp_dir {
	uint32_t td_end;
	uint32_t td_maxend;
	uint32_t td_maxwin;
	uint32_t td_maxack;
	uint8_t td_scale;
	uint8_t flags;          /* IP_CT_TCP_FLAG_* */
};

/* TCP tracker state (struct ip_ct_tcp), guarded by the entry's lock. */
struct ct_tcp {
	struct ct_tcp_dir seen[2];
	uint8_t state;          /* enum ct_tcp_state */
	uint8_t last_dir;
	uint8_t retrans;
	uint8_t last_index;
	uint32_t last_seq;
	uint32_t last_ack;
	uint32_t last_end;
	uint16_t last_win;
	uint8_t last_wscale;
	uint8_t last_flags;
};

/* Per-protocol state; which member by tuple[0].proto. */
union ct_proto_state {
	struct ct_tcp tcp;
	struct {
		uint64_t stream_ts;  /* UDP: when the entry saw its first
				      * packet, for the stream timeout */
	} udp;
	struct {
		_Atomic uint16_t req; /* ICMP: requests not yet answered */
	} icmp;
};

struct ct_helper;

/*
 * One hash node: a tuple in one direction, in its bucket's chain. The
 * entry is found from it with ct_node_conn().
 */
struct ct_node {
	struct ct_node *_Atomic next;  /* RCU-published chain link */
	struct ct_tuple tuple;
	uint8_t dir;                   /* enum ct_dir */
};

/*
 * A connection. Fields are grouped by what guards them:
 *
 * - immutable once confirmed: the original tuple, zone, id, helper;
 *   the reply tuple too (NAT sets it before confirmation);
 * - the entry's lock (`lock`): proto state;
 * - atomics, any worker: status bits that only get set (SEEN_REPLY,
 *   ASSURED, DYING, ...), timeout, mark, counters.
 *
 * Lifetime: an unconfirmed entry belongs to the packet that created it
 * (pkt->ct); once confirmed, the table owns it; it is unlinked under its
 * buckets' locks and freed after an RCU grace period, so a packet that
 * found it may use it until its worker's next quiescent state. Packets
 * never hold it across one (the neighbour queue drops pkt->ct).
 */
struct ct_conn {
	struct ct_node node[CT_DIR_MAX];  /* tuples, [dir] */
	_Atomic uint64_t timeout;         /* absolute ns, engine clock */
	_Atomic uint32_t status;          /* enum ct_status */
	_Atomic uint32_t mark;
	uint32_t id;                      /* the id -o id prints */
	uint16_t zone;
	uint8_t flags;                    /* CT_F_* */
	atomic_flag lock;                 /* proto state (spin) */
	const struct ct_helper *helper;   /* NULL: none */
	struct ct_conn *master;           /* RELATED: the expecting entry */
	uint64_t start_ns;                /* timestamp (-o timestamp) */
	/* Accounting (nf_conntrack_acct): packets/bytes per direction. */
	_Atomic uint64_t packets[CT_DIR_MAX];
	_Atomic uint64_t bytes[CT_DIR_MAX];
	union ct_proto_state proto;
	/* NAT (src/nat): the seq adjustments and MASQUERADE's interface. */
	int16_t masq_ifindex;             /* 0: not masqueraded */
	struct rcu_head rcu;              /* freeing after a grace period */
};

#define CT_F_UNCONFIRMED_OWNED 0x1   /* owned by a packet, in no table */
#define CT_F_FIXED_TIMEOUT     0x2

static inline struct ct_conn *ct_node_conn(const struct ct_node *n)
{
	return (struct ct_conn *)((const char *)(n - n->dir) -
				  __builtin_offsetof(struct ct_conn, node));
}

static inline const struct ct_tuple *ct_tuple_of(const struct ct_conn *ct,
						 enum ct_dir dir)
{
	return &ct->node[dir].tuple;
}

static inline uint32_t ct_status(const struct ct_conn *ct)
{
	return atomic_load_explicit(&ct->status, memory_order_relaxed);
}

static inline void ct_status_set(struct ct_conn *ct, uint32_t bits)
{
	atomic_fetch_or_explicit(&ct->status, bits, memory_order_relaxed);
}

static inline bool ct_is_confirmed(const struct ct_conn *ct)
{
	return ct_status(ct) & CT_S_CONFIRMED;
}

/* The direction of a packet with this ctinfo. */
static inline enum ct_dir ct_info_dir(enum ct_info ctinfo)
{
	return ctinfo >= CT_IS_REPLY ? CT_DIR_REPLY : CT_DIR_ORIGINAL;
}

/* Lock the entry's proto state (short critical sections only). */
static inline void ct_lock(struct ct_conn *ct)
{
	while (atomic_flag_test_and_set_explicit(&ct->lock,
						 memory_order_acquire))
		__builtin_ia32_pause();
}

static inline void ct_unlock(struct ct_conn *ct)
{
	atomic_flag_clear_explicit(&ct->lock, memory_order_release);
}

/*
 * Set the entry's timeout to now + ns, unless CT_F_FIXED_TIMEOUT. Any
 * worker (relaxed store; the kernel's nf_ct_refresh_acct).
 */
void ct_refresh(struct net *net, struct ct_conn *ct, uint64_t ns);

/* Seconds left before ct expires at now (0 if expired). */
uint32_t ct_seconds_left(const struct ct_conn *ct, uint64_t now);

/*
 * One L4 tracker, the kernel's struct nf_conntrack_l4proto. One file each:
 * proto_tcp.c, proto_udp.c, proto_icmp.c, proto_generic.c.
 *
 * - pkt_to_tuple: fill the protocol part of t (sport/dport) from the
 *   packet (pkt->desc is parsed); false if the header is too short.
 * - invert: fill the protocol part of the reply tuple (ICMP: echo ->
 *   echo reply); false if there is no reply (ICMP types that are not
 *   requests: such packets are INVALID as NEW).
 * - new: may this packet create a connection? false: INVALID (set *why).
 * - packet: a packet of ct in direction dir at now: update state and
 *   timeout. Returns the verdict NS_ACCEPT, or -1 for INVALID (the packet
 *   goes on untracked, pkt->ct NULL, as the kernel's -NF_ACCEPT), or
 *   NS_DROP. *why says why it was invalid (for the trace).
 * - error: ICMP only: an ICMP error quoting a connection: set pkt->ct to
 *   that connection and ctinfo RELATED(_REPLY); returns 1 when it handled
 *   the packet, 0 to track it normally, -1 INVALID.
 * - print: the protocol part conntrack -L prints after the protocol
 *   number and timeout (" ESTABLISHED" for TCP, "" for UDP).
 */
struct ct_l4proto {
	uint8_t proto;
	const char *name;       /* "tcp", as conntrack -L prints */
	bool (*pkt_to_tuple)(const struct pkt *pkt, struct ct_tuple *t);
	bool (*invert)(struct ct_tuple *reply, const struct ct_tuple *orig);
	bool (*new)(struct net *net, struct ct_conn *ct,
		    const struct pkt *pkt, const char **why);
	int (*packet)(struct net *net, struct ct_conn *ct, struct pkt *pkt,
		      enum ct_dir dir, enum ct_info ctinfo, uint64_t now,
		      const char **why);
	int (*error)(struct net *net, struct pkt *pkt, const char **why);
	void (*print)(const struct ct_conn *ct, struct sbuf *sb);
	/* Can this entry be early-dropped? (TCP: not if ESTABLISHED-ish) */
	bool (*can_early_drop)(const struct ct_conn *ct);
};

extern const struct ct_l4proto ct_proto_tcp;
extern const struct ct_l4proto ct_proto_udp;
extern const struct ct_l4proto ct_proto_udplite;
extern const struct ct_l4proto ct_proto_icmp;
extern const struct ct_l4proto ct_proto_gre;
extern const struct ct_l4proto ct_proto_generic;

/* The tracker for an IP protocol number (generic when none). */
const struct ct_l4proto *ct_l4proto_find(uint8_t proto);

/*
 * The knobs (net.netfilter.nf_conntrack_*), kernel defaults, seconds
 * unless noted. Read by the data path with relaxed loads.
 */
struct ct_sysctl {
	unsigned max;                 /* nf_conntrack_max */
	unsigned buckets;             /* nf_conntrack_buckets (read-only) */
	int acct, timestamp, events, checksum, log_invalid;
	int tcp_loose, tcp_be_liberal, tcp_ignore_invalid_rst;
	int tcp_max_retrans;
	unsigned tcp_timeout[CT_TCP_MAX];    /* per state */
	unsigned tcp_timeout_max_retrans, tcp_timeout_unacknowledged;
	unsigned udp_timeout, udp_timeout_stream;
	unsigned icmp_timeout, generic_timeout;
	unsigned gre_timeout, gre_timeout_stream;
	unsigned expect_max;
};

/* A tracking template set by the CT target in raw (zone, helper, ...). */
struct ct_tmpl {
	uint16_t zone;
	const struct ct_helper *helper;
	const unsigned *timeouts;     /* --timeout policy, NULL: sysctl */
	bool notrack;
};

/*
 * Per-net tracking state (src/ct/core.c). Created by ct_net_enable() the
 * first time a command needs it (a state/conntrack rule, the nat table,
 * the conntrack tool), as the kernel loads nf_conntrack on first use.
 */
struct ct_net *ct_net(const struct net *net);
int ct_net_enable(struct net *net);
void ct_net_destroy(struct net *net);
struct ct_sysctl *ct_sysctl(struct net *net);

/*
 * Table operations (src/ct/table.c).
 *
 * ct_find: the confirmed, unexpired entry with tuple t in zone, or NULL;
 * *dir is the direction t matched. RCU reader (data path or control
 * path inside ns_rcu_reader_enter/leave).
 */
struct ct_conn *ct_find(struct net *net, const struct ct_tuple *t,
			uint16_t zone, enum ct_dir *dir);
/* Is tuple t taken by a confirmed entry other than ignore? (NAT) */
bool ct_tuple_taken(struct net *net, const struct ct_tuple *t, uint16_t zone,
		    const struct ct_conn *ignore);
/*
 * Kill ct: unlink it (DYING) and free it after a grace period; emits a
 * DESTROY event. Any thread; false if someone else killed it first.
 */
bool ct_kill(struct net *net, struct ct_conn *ct);
/*
 * Visit every confirmed, unexpired entry: in bucket order, within a bucket
 * in chain order. fn returns nonzero to stop. RCU reader; fn may kill.
 */
int ct_walk(struct net *net, int (*fn)(void *priv, struct ct_conn *ct),
	    void *priv);
/* Entries in the table now; the counters conntrack -S prints. */
unsigned ct_count(struct net *net);

struct ct_stats {
	uint64_t found, invalid, insert, insert_failed, drop, early_drop,
		 error, expect_new, expect_create, expect_delete, search_restart;
};
void ct_stats_read(struct net *net, int cpu, struct ct_stats *out);

/*
 * Events for conntrack -E (event.c): a ring the daemon's control server
 * reads. Types as conntrack prints them: [NEW], [UPDATE], [DESTROY].
 */
enum ct_event {
	CT_EV_NEW = 1,
	CT_EV_UPDATE = 2,
	CT_EV_DESTROY = 4,
};

/*
 * Report an event about ct to conntrack -E listeners (event.c). Any
 * thread; never blocks (a full ring counts the event as lost).
 */
void ct_event_emit(struct net *net, struct ct_conn *ct, enum ct_event ev);

/*
 * For NAT: allocate an entry for a packet (ct_conn_alloc, NULL when the
 * table is full and early drop found nothing) and free one that was never
 * confirmed.
 */
struct ct_conn *ct_conn_alloc(struct net *net, uint16_t zone);
void ct_conn_free_unconfirmed(struct net *net, struct ct_conn *ct);

/*
 * Insert an entry built by the control path (conntrack -I): ct from
 * ct_conn_alloc() with both tuples, status, timeout and proto state set.
 * Takes ownership. 0, or -EEXIST when a tuple is taken (ct freed).
 */
int ct_insert(struct net *net, struct ct_conn *ct);

/*
 * Attach a packet the stack generated (REJECT's RST or ICMP error, an
 * ICMP error from routing) to the connection of the packet it answers,
 * as the kernel's nf_ct_attach(): RELATED in the other direction.
 */
void ct_attach(struct pkt *new, const struct pkt *orig);

#endif
