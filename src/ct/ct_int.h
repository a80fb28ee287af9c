/* SPDX-License-Identifier: MIT */
/*
 * Inside connection tracking: the per-net state shared by core.c (hooks,
 * knobs), table.c (the hash table and the entry allocator) and the
 * trackers. Nothing outside src/ct includes this.
 *
 * Lock order: ctl_lock (control path), then at most two bucket locks in
 * ascending index order, then an entry's lock, then alloc_lock. The
 * helpers': helper_lock (a helper's private data, as nf_ftp_lock), then
 * an entry's lock (seq adjustment), then expect_lock, then help_lock.
 */
#ifndef NS_CT_CT_INT_H
#define NS_CT_CT_INT_H

#include "ct/ct.h"
#include "core/net.h"

#define CT_LOCKS 1024                 /* striped bucket locks */
#define CT_MAX_LIMIT (16u << 20)      /* entries the arena can hold */
#define CT_GC_BUCKETS 64              /* buckets a GC step scans */
#define CT_GC_INTERVAL_NS 100000000ull /* 100 ms between GC steps */
#define CT_EARLY_DROP_BUCKETS 8       /* the kernel's NF_CT_EVICTION_RANGE */

/* Per-worker counters (conntrack -S's columns), summed on read. */
struct ct_pcpu_stats {
	struct ct_stats s;
} __attribute__((aligned(64)));

struct ct_net {
	struct net *net;

	/* Knobs: written by sysctl under ctl_lock, read relaxed. */
	struct ct_sysctl sysctl;

	/* Set at creation. */
	uint32_t hash_seed;
	unsigned nbuckets;
	struct ct_node *_Atomic *buckets;  /* chains of nodes, RCU */
	pthread_spinlock_t locks[CT_LOCKS];

	/* Hooks are registered once tracking is enabled (under ctl_lock). */
	bool hooks_on;
	struct ns_hook_ops hooks[4];

	/* Any thread. */
	_Atomic unsigned count;            /* confirmed + unconfirmed */
	_Atomic uint32_t next_id;
	_Atomic uint64_t next_gc;          /* engine time of the next GC step */
	_Atomic unsigned gc_pos;           /* next bucket the GC scans */

	/* The entry allocator: an arena reserved once, a free list. */
	pthread_mutex_t alloc_lock;
	struct ct_conn *arena;             /* CT_MAX_LIMIT entries, reserved */
	unsigned arena_used;               /* entries handed out of it */
	struct ct_conn *free;              /* linked through rcu.next */

	/*
	 * Expectations (expect.c): a hash on the destination, the pool
	 * they come from and every master's list, all under expect_lock.
	 * expect_count is read without it (is there anything to look for?).
	 */
	pthread_spinlock_t expect_lock;
	_Atomic unsigned expect_count;
	unsigned expect_hsize;
	struct ct_expect **expect_hash;
	struct ct_expect *expect_pool;     /* CT_EXPECT_LIMIT, reserved */
	unsigned expect_used;
	struct ct_expect *expect_free;     /* linked through hnext */
	unsigned expect_gc_pos;
	uint32_t expect_next_id;

	/* Helper extensions (helper.c): a pool, under help_lock. */
	pthread_spinlock_t help_lock;
	struct ct_help *help_pool;         /* CT_HELP_LIMIT, reserved */
	unsigned help_used;
	struct ct_help *help_free;
	/* The helpers' private data (struct ct_help.data). */
	pthread_spinlock_t helper_lock;

	struct ct_pcpu_stats stats[NS_MAX_WORKERS];
};

#define CT_EXPECT_LIMIT (1u << 18)    /* expectations the pool can hold */
#define CT_EXPECT_GC_BUCKETS 64       /* expect buckets a GC step scans */
#define CT_HELP_LIMIT (1u << 20)      /* helper extensions */

/* One direction's seq adjustment (struct nf_ct_seqadj). */
struct ct_seqadj {
	uint32_t correction_pos;
	int32_t offset_before;
	int32_t offset_after;
};

/* FTP's per-connection state (struct nf_ct_ftp_master). */
#define CT_FTP_SEQ_PICKUP 0x1
struct ct_ftp_info {
	uint32_t seq_aft_nl[CT_DIR_MAX][2];  /* seqs just after a \n */
	uint8_t seq_aft_nl_num[CT_DIR_MAX];
	uint8_t flags[CT_DIR_MAX];
};

/*
 * The helper extension (nf_conn_help + nf_conn_seqadj) of one entry.
 * refs: 1 for the entry itself, plus one per entry whose master it is
 * (an expected connection keeps its master's memory, as the kernel's
 * nf_ct_put(ct->master) when it goes); the entry returns to its pool
 * only when refs drops to 0.
 */
struct ct_help {
	struct ct_conn *ct;
	struct ct_expect *expects;            /* under expect_lock */
	uint8_t expecting[CT_EXPECT_CLASS_MAX]; /* under expect_lock */
	_Atomic uint32_t refs;
	struct ct_seqadj seq[CT_DIR_MAX];     /* under the entry's lock */
	union {
		struct ct_ftp_info ftp;
	} data;                               /* under helper_lock */
	struct ct_help *next_free;
};

static inline struct ct_help *ct_help_of(const struct ct_net *cn,
					 const struct ct_conn *ct)
{
	return ct->help ? &cn->help_pool[ct->help - 1] : NULL;
}

static inline struct ct_stats *ct_pcpu(struct ct_net *cn)
{
	return &cn->stats[ns_worker_id].s;
}

/* Table internals (table.c). */
int ct_table_init(struct ct_net *cn, unsigned nbuckets);
void ct_table_fini(struct ct_net *cn);
/* A new, empty bucket array (only while no worker can see the table). */
int ct_table_resize(struct ct_net *cn, unsigned nbuckets);
uint32_t ct_tuple_hash(const struct ct_net *cn, const struct ct_tuple *t,
		       uint16_t zone);
/*
 * Confirm ct (unconfirmed, owned by the caller): insert both directions
 * unless a confirmed entry already holds either tuple (a race between two
 * workers, or a NAT clash). 0, or -EEXIST (the caller drops the packet,
 * insert_failed counted).
 */
int ct_table_confirm(struct ct_net *cn, struct ct_conn *ct);
/* ct_find() with the tuple's hash already known (the tracker's). */
struct ct_conn *ct_table_find(struct ct_net *cn, const struct ct_tuple *t,
			      uint16_t zone, uint32_t hash, enum ct_dir *dir);
/*
 * ct_conn_alloc() for the tracker: when the table is full, early drop
 * looks for a victim from the bucket of hash (the new entry's).
 */
struct ct_conn *ct_table_alloc(struct ct_net *cn, uint16_t zone,
			       uint32_t hash);
/* The net whose table ct belongs to (found from its address). */
struct ct_net *ct_net_of(const struct ct_conn *ct);
/* Free an entry never confirmed (ct_conn_free_unconfirmed's body). */
void ct_table_free_unconfirmed(struct ct_net *cn, struct ct_conn *ct);
/* One GC step from the data path (expired entries killed). */
void ct_table_gc(struct ct_net *cn, uint64_t now);
/* Make room for one more entry when full: false if nothing could go. */
bool ct_table_early_drop(struct ct_net *cn, uint32_t hash);

/* Put an entry back into the pool (table.c's free list). */
void ct_table_conn_put(struct ct_net *cn, struct ct_conn *ct);

/* Expectations (expect.c). */
int ct_expect_net_init(struct ct_net *cn);
void ct_expect_net_fini(struct ct_net *cn);
/*
 * nf_ct_find_expectation() for a new entry ct (unconfirmed, tuples set):
 * when one matches, ct becomes its child (CT_S_EXPECTED, master, mark,
 * helper to assign), the expectation is used up and *out gets a copy of
 * it (for its expectfn); true. Data path.
 */
bool ct_expect_take(struct ct_net *cn, struct ct_conn *ct,
		    struct ct_expect *out);
/* Remove every expectation master made (its death). Any thread. */
void ct_expect_remove_all(struct ct_net *cn, struct ct_conn *master);
/* Reap expired expectations in a few buckets (the GC step). */
void ct_expect_gc(struct ct_net *cn, uint64_t now);

/* Helper extensions (helper.c). */
int ct_help_net_init(struct ct_net *cn);
void ct_help_net_fini(struct ct_net *cn);
/* Give ct (unconfirmed) an extension; NULL when the pool is empty. */
struct ct_help *ct_help_attach(struct ct_net *cn, struct ct_conn *ct);
/*
 * A new entry: assign the template's helper (when no expectation made
 * it) or the expectation's. Data path, ct unconfirmed.
 */
void ct_helper_assign(struct ct_net *cn, struct ct_conn *ct,
		      const struct ct_helper *helper);
/*
 * ct's memory is about to return to the pool (a grace period after its
 * death, or never confirmed): drop its expectations, its reference to
 * its master, its extension. false: children still hold it; the last
 * one puts it back (ct_table_conn_put) later.
 */
bool ct_help_release(struct ct_net *cn, struct ct_conn *ct);
/*
 * The confirm hook's part (nf_confirm): run ct's helper and the seq
 * adjustment for pkt. NS_ACCEPT or NS_DROP. Data path.
 */
unsigned int ct_helper_confirm(struct ct_net *cn, struct pkt *pkt,
			       struct ct_conn *ct);

/* The tracking hooks (core.c) and the knobs. */
void ct_sysctl_defaults(struct ct_sysctl *s);
void ct_trace(struct net *net, const struct pkt *pkt, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
