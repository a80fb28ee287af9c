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
static inline bool ct_tuple_equal(const struct ct_tuple *a,
				  const struct ct_tuple *b)
{
	if (a->proto != b->proto || a->sport != b->sport ||
	    a->dport != b->dport || a->src.family != b->src.family)
		return false;
	if (a->src.family == 2 /* NS_PF_INET */)
		return a->src.ip == b->src.ip && a->dst.ip == b->dst.ip;
	return !__builtin_memcmp(a->src.ip6, b->src.ip6, 16) &&
	       !__builtin_memcmp(a->dst.ip6, b->dst.ip6, 16);
}

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
	CT_NUMBER = 5,
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

/*
 * Per-direction TCP window state (struct ip_ct_tcp_state). 18 bytes, not
 * padded to 20: struct ct_tcp is 56 bytes rather than 60, which keeps
 * union ct_proto_state (8-byte aligned) at 56 bytes instead of 64.
 */
struct __attribute__((packed, aligned(2))) ct_tcp_dir {
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
	/* NAT (src/nat): MASQUERADE's interface. */
	int16_t masq_ifindex;             /* 0: not masqueraded */
	/*
	 * The helper extension (helper.c: expectations this entry made,
	 * its children's references, seq adjustment, the helper's own
	 * data), out of line in a pool of its own: 1 + its index, 0 for
	 * none. Set while the entry is unconfirmed; cleared when freed.
	 * It sits in what would be padding: no bytes added.
	 */
	uint32_t help;
	/*
	 * NAT's by-source chain (src/nat/bysrc.c, the kernel's
	 * nat_bysource): entries with a source manip, by their original
	 * source, so that a client's later connections get the mapping
	 * its earlier ones have. Linked while CT_F_NAT_BYSRC.
	 */
	struct ct_conn *_Atomic nat_bysrc_next;
	struct rcu_head rcu;              /* freeing after a grace period */
};

#define CT_F_UNCONFIRMED_OWNED 0x1   /* owned by a packet, in no table */
#define CT_F_FIXED_TIMEOUT     0x2
#define CT_F_NAT_BYSRC         0x4   /* in NAT's by-source chain */

/*
 * Set by NAT when it starts (the lower layer reaches the upper one only
 * through a pointer): an entry in its by-source chain is leaving (killed,
 * or never confirmed). Called before the entry is freed after a grace
 * period, with no lock of the table held.
 */
extern void (*_Atomic ct_nat_unlink_hook)(struct net *net,
					  struct ct_conn *ct);

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
 *   Runs before .packet on a new entry's first packet, entry unshared.
 * - packet: a packet of ct in direction dir at now: update state and
 *   timeout. Returns the verdict NS_ACCEPT, or -1 for INVALID (the packet
 *   goes on untracked, pkt->ct NULL, as the kernel's -NF_ACCEPT), or
 *   NS_DROP, or NS_REPEAT (TCP: a SYN reopening a closed connection, the
 *   kernel's -NF_REPEAT), meaning "the core kills ct and tracks this
 *   packet again as new". Called without the entry's lock (trackers take
 *   ct_lock() themselves). *why says why it was invalid (for the trace);
 *   it is the text of the kernel's nf_ct_l4proto_log_invalid() and may
 *   also be set with NS_ACCEPT (TCP: packets let through but logged as
 *   ignored) or stay NULL (where the kernel logs nothing). It may point
 *   to a per-thread buffer, valid until the thread's next tracker call.
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
	/*
	 * May this assured entry be early-dropped anyway? (TCP: closing
	 * states only, FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT, CLOSE.)
	 */
	bool (*can_early_drop)(const struct ct_conn *ct);
};

extern const struct ct_l4proto ct_proto_tcp;
extern const struct ct_l4proto ct_proto_udp;
extern const struct ct_l4proto ct_proto_udplite;
extern const struct ct_l4proto ct_proto_icmp;
extern const struct ct_l4proto ct_proto_gre;
extern const struct ct_l4proto ct_proto_generic;

/*
 * REJECT --reject-with tcp-reset answered a segment of ct: move it to
 * CLOSE with the CLOSE timeout (the kernel's nf_conntrack_tcp_set_closing,
 * called by nf_send_reset). No-op for an unconfirmed or non-TCP entry.
 * Any thread; takes the entry's lock.
 */
void ct_tcp_set_closing(struct net *net, struct ct_conn *ct);

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
		 error, expect_new, expect_create, expect_delete, search_restart,
		 clash_resolve, chaintoolong;
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
 * What conntrack prints of an entry, copied at one instant (ct_snap_fill):
 * the -L listing and the -E event stream format the same thing, and an
 * event must keep what the entry was when it happened.
 */
struct ct_snap {
	struct ct_tuple tuple[CT_DIR_MAX];
	uint64_t packets[CT_DIR_MAX], bytes[CT_DIR_MAX];
	uint64_t start_ns;        /* 0: no timestamp (nf_conntrack_timestamp) */
	uint32_t status, mark, id;
	uint32_t timeout;         /* seconds left */
	uint16_t zone;
	uint8_t tcp_state;        /* enum ct_tcp_state, TCP only */
	/*
	 * References beyond the table's own (the kernel's use count minus
	 * one): RELATED entries still alive and expectations pending, of
	 * a helped connection.
	 */
	uint32_t refs_extra;
	char helper[16];          /* "" when none */
};

/*
 * The references a helped entry has beyond the table's (children alive,
 * expectations pending): what the kernel's use count adds. 0 for others.
 * Any thread (RCU reader); takes the expectation lock briefly.
 */
uint32_t ct_help_refs_extra(const struct ct_conn *ct);

/* Fill s from ct at engine time now. Any thread (RCU reader). */
void ct_snap_fill(struct ct_snap *s, const struct ct_conn *ct, uint64_t now);

/*
 * The event ring for conntrack -E (event.c): per net, CT_EVENT_RING
 * records, created by the first subscriber. Emitting is cheap while
 * nobody subscribes (one atomic load). Each reader has its own cursor (a
 * sequence number); a reader that falls more than the ring's size behind
 * loses the oldest records and is told how many (conntrack's ENOBUFS).
 */
#define CT_EVENT_RING 4096

struct ct_event_rec {
	uint64_t seq;
	uint64_t when_ns;         /* engine clock at the event */
	enum ct_event type;
	struct ct_snap snap;
};

/*
 * Start reading events: *cursor is set to the next event's number.
 * Control path. 0 or -ENOMEM.
 */
int ct_event_subscribe(struct net *net, uint64_t *cursor);
/* Stop reading (the ring stays until ct_event_destroy). Control path. */
void ct_event_unsubscribe(struct net *net);
/*
 * Copy up to n events from *cursor on into out and advance *cursor.
 * *lost is set to the events that were overwritten before this reader
 * got them. Returns the number copied. Any thread.
 */
unsigned ct_event_read(struct net *net, uint64_t *cursor,
		       struct ct_event_rec *out, unsigned n, uint64_t *lost);
/* Free the ring (net teardown: no emitter or reader left). */
void ct_event_destroy(struct net *net);

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

/*
 * Expectations (expect.c), the kernel's nf_conntrack_expect: a helper
 * that sees a connection announce another (FTP's PORT, TFTP's read
 * request) expects it. The first packet of a new connection whose
 * original tuple matches an expectation's tuple under its mask makes an
 * entry with CT_S_EXPECTED, master = the expecting entry, ctinfo
 * RELATED; the expectation is used up (unless CT_EXPECT_PERMANENT).
 * Expectations die with their master and on timeout (engine clock).
 * One lock per net guards them all, as the kernel's
 * nf_conntrack_expect_lock; they come from a pool reserved when tracking
 * is created (CT_EXPECT_LIMIT) and nf_conntrack_expect_max caps how many
 * live at once.
 */
#define CT_EXPECT_PERMANENT 0x1    /* NF_CT_EXPECT_PERMANENT */
#define CT_EXPECT_INACTIVE  0x2
#define CT_EXPECT_USERSPACE 0x4
#define CT_EXPECT_CLASS_MAX 4      /* NF_CT_MAX_EXPECT_CLASSES */

struct ct_expect {
	/*
	 * The new connection's original tuple must equal tuple in the bits
	 * mask sets: mask holds the source address and port bits (the
	 * kernel's tuple_mask); destination address, port and protocol
	 * always match whole.
	 */
	struct ct_tuple tuple;
	struct ct_tuple mask;
	struct ct_conn *master;
	const struct ct_helper *helper;        /* the master's (-L expect) */
	const struct ct_helper *assign_helper; /* for the new entry, or NULL */
	/*
	 * Called for the new entry right after it was made from this
	 * expectation (NAT: follow the master, nf_nat_follow_master), with
	 * a copy of the expectation; the entry is unconfirmed. NULL: none.
	 */
	void (*expectfn)(struct net *net, struct ct_conn *ct,
			 const struct ct_expect *exp);
	uint64_t timeout;           /* absolute ns, engine clock */
	uint32_t flags;             /* CT_EXPECT_* */
	uint32_t id;
	uint16_t zone;
	uint8_t class;
	uint8_t dir;                /* NAT: direction seen from the master */
	/* NAT: the part of the tuple the receiver expects (nf_nat_ftp). */
	struct ns_addr saved_addr;
	uint16_t saved_proto;       /* port, network byte order */
	/* expect.c's links (under the expect lock): hash chain, master's. */
	struct ct_expect *hnext, **hpprev;
	struct ct_expect *lnext, **lpprev;
};

/*
 * nf_ct_expect_init(): fill exp (the caller's, typically on its stack)
 * for master: class, family of the addresses, saddr (NULL: any source),
 * daddr, proto, sport (NULL: any) and dport (network byte order). The
 * helper is master's; flags, expectfn and the NAT part are cleared.
 * Data path.
 */
void ct_expect_init(struct ct_expect *exp, struct ct_conn *master,
		    unsigned class, const struct ns_addr *saddr,
		    const struct ns_addr *daddr, uint8_t proto,
		    const uint16_t *sport, const uint16_t *dport);
/*
 * nf_ct_expect_related(): register a copy of exp (timeout from the
 * master helper's policy for its class). An expectation of the same
 * master with the same tuple and mask is replaced; when the master has
 * its policy's max_expected of that class, its oldest goes. Returns 0,
 * -ESHUTDOWN (master has no helper extension), -EALREADY (the same
 * expectation for another class), -EBUSY (it clashes with another
 * master's), -EMFILE (nf_conntrack_expect_max reached) or -ENOMEM (the
 * pool is empty). Data path or control path.
 */
int ct_expect_related(struct net *net, const struct ct_expect *exp);
/* Live expectations in net (those not yet reaped may have expired). */
unsigned ct_expect_count(struct net *net);
/*
 * Visit every unexpired expectation, in hash order, under the expect
 * lock: fn must not call ct_expect_* nor kill entries; nonzero stops.
 * Control path (conntrack -L expect).
 */
int ct_expect_walk(struct net *net,
		   int (*fn)(void *priv, const struct ct_expect *exp),
		   void *priv);
/*
 * One line of conntrack -L expect for exp at now, without the newline:
 * "297 proto=6 src=... dst=... sport=0 dport=50000 mask-src=...
 * mask-dst=255.255.255.255 sport=0 dport=65535 master-src=... class=0
 * helper=ftp".
 */
void ct_expect_print(const struct ct_expect *exp, uint64_t now,
		     struct sbuf *sb);
/* Remove every expectation (conntrack -F expect); returns how many. */
unsigned ct_expect_flush(struct net *net);

/*
 * Helpers (helper.c), the kernel's nf_conntrack_helper: assigned to a
 * connection only explicitly (the CT target's --helper in raw, which
 * puts it in pkt->ct_tmpl->helper; the new entry then gets ct->helper
 * and CT_S_HELPER, as __nf_ct_try_assign_helper). help() runs for every
 * packet of a helped connection (but RELATED replies) last in INPUT and
 * POSTROUTING, just before confirmation, as 6.1's nf_confirm(); after
 * it, the sequence adjustment of a connection whose payload NAT
 * resized (CT_S_SEQ_ADJUST).
 */
struct ct_expect_policy {
	unsigned max_expected;      /* per master and class, 0: no limit */
	unsigned timeout;           /* seconds */
	const char *name;
};

struct ct_helper {
	const char *name;           /* "ftp", as conntrack -L prints */
	uint8_t proto;              /* IPPROTO_TCP, IPPROTO_UDP */
	uint16_t port;              /* its well-known port, host order */
	unsigned expect_class_max;  /* classes 0..expect_class_max */
	const struct ct_expect_policy *expect_policy;
	/*
	 * A packet of ct with ctinfo (pkt parsed, after NAT): read the
	 * payload, create expectations; NAT may rewrite it. Returns
	 * NS_ACCEPT or NS_DROP. Data path.
	 */
	unsigned int (*help)(struct net *net, struct pkt *pkt,
			     struct ct_conn *ct, enum ct_info ctinfo);
};

extern const struct ct_helper ct_helper_ftp;
extern const struct ct_helper ct_helper_tftp;

/*
 * The helper called name for L4 protocol proto (the kernel's
 * nf_conntrack_helper_try_module_get), or NULL. Any thread.
 */
const struct ct_helper *ct_helper_find(const char *name, uint8_t proto);

/*
 * Sequence adjustment (seqadj.c, nf_conntrack_seqadj): after NAT changed
 * the length of a TCP payload, every later seq (and ack the other way)
 * of the connection is shifted. ct must have a helper extension (every
 * helped entry has one). ctinfo gives the direction.
 *
 * ct_seqadj_init: the offset for the whole direction (off 0: nothing).
 * ct_seqadj_set: from seq on (network byte order), add off to the offset.
 * ct_seq_offset: the offset for seq (host order) in dir: what the TCP
 *   tracker adds to an ack it checks against the other direction
 *   (nf_ct_seq_offset); 0 without seqadj.
 * ct_seq_adjust: rewrite the packet's seq, ack and SACK blocks (called
 *   by the helper hook); false if its options are malformed (drop).
 */
int ct_seqadj_init(struct net *net, struct ct_conn *ct, enum ct_info ctinfo,
		   int32_t off);
int ct_seqadj_set(struct net *net, struct ct_conn *ct, enum ct_info ctinfo,
		  uint32_t seq, int32_t off);
int32_t ct_seq_offset(struct net *net, const struct ct_conn *ct,
		      enum ct_dir dir, uint32_t seq);
bool ct_seq_adjust(struct net *net, struct pkt *pkt, struct ct_conn *ct,
		   enum ct_info ctinfo);

/*
 * nf_nat_mangle_tcp_packet(): replace match_len bytes at match_off (from
 * the start of the TCP payload) with rep_len bytes of rep, fix the IP
 * length and checksums, and record the length change for seq adjustment.
 * false when the packet cannot grow that much or is malformed (the
 * caller drops it). Data path.
 */
bool ct_mangle_tcp_packet(struct net *net, struct pkt *pkt,
			  struct ct_conn *ct, enum ct_info ctinfo,
			  unsigned match_off, unsigned match_len,
			  const char *rep, unsigned rep_len);

/*
 * The NAT halves of the helpers, set by NAT when it starts (as the
 * kernel's nf_nat_ftp_hook / nf_nat_tftp_hook): called instead of
 * ct_expect_related() when the master is NATed (CT_S_NAT_MASK). They
 * register exp (adjusted: saved_*, dir, expectfn) themselves and may
 * rewrite the payload; return NS_ACCEPT or NS_DROP. match_off/len: the
 * address text in the TCP payload.
 */
enum ct_ftp_type {
	CT_FTP_PORT,    /* PORT 10,1,0,2,4,1 */
	CT_FTP_PASV,    /* 227 Entering Passive Mode (10,1,0,2,4,1) */
	CT_FTP_EPRT,    /* EPRT |1|10.1.0.2|1025| */
	CT_FTP_EPSV,    /* 229 Entering Extended Passive Mode (|||1025|) */
};

extern unsigned int (*_Atomic ct_nat_ftp_hook)(struct net *net,
		struct pkt *pkt, struct ct_conn *ct, enum ct_info ctinfo,
		enum ct_ftp_type type, unsigned match_off, unsigned match_len,
		struct ct_expect *exp);
extern unsigned int (*_Atomic ct_nat_tftp_hook)(struct net *net,
		struct pkt *pkt, struct ct_conn *ct, enum ct_info ctinfo,
		struct ct_expect *exp);

#endif
