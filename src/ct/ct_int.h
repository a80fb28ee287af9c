/* SPDX-License-Identifier: MIT */
/*
 * Inside connection tracking: the per-net state shared by core.c (hooks,
 * knobs), table.c (the hash table and the entry allocator) and the
 * trackers. Nothing outside src/ct includes this.
 *
 * Lock order: ctl_lock (control path), then at most two bucket locks in
 * ascending index order, then an entry's lock, then alloc_lock.
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

	struct ct_pcpu_stats stats[NS_MAX_WORKERS];
};

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

/* The tracking hooks (core.c) and the knobs. */
void ct_sysctl_defaults(struct ct_sysctl *s);
void ct_trace(struct net *net, const struct pkt *pkt, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
