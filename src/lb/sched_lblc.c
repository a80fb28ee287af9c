// SPDX-License-Identifier: MIT
/*
 * Locality-based least-connection scheduling (the kernel's ip_vs_lblc.c),
 * for cache clusters: a table maps each destination address (the packet's
 * daddr, not the service's) to the real server that last served it. A hit
 * is kept while that server is linked, has a weight above 0 and is not
 * busy (more active connections than its weight while some server has
 * fewer than half its weight); otherwise a server is chosen as wlc does
 * (overloaded ones skipped) and the entry is replaced.
 *
 * State (sched_data): 1024 hash buckets (hash_32 of the folded address,
 * 10 bits) of entries, each holding a reference on its destination. Reads
 * are lock-free under RCU; inserts and removals take svc->sched_lock, and
 * a removed entry is freed after a grace period (call_rcu). Entries are
 * allocated on the data path, as the kernel's GFP_ATOMIC, at most
 * 1024 * 16 * 3 / 2 of them; a full table or a failed allocation leaves
 * the pick uncached and is counted.
 *
 * Expiry: the kernel's minute timer is replayed lazily by schedule from
 * the engine clock (net_now()): every 60 s of engine time a check runs,
 * every 30th a full one dropping entries unused for lblc_expiration (24 h,
 * the sysctl's default: netsieve has no such sysctl yet), the others only
 * when the table holds more than 16384 entries, dropping entries unused
 * for 6 minutes. Missed minutes are replayed at their own times, at most
 * 31 of them (one full check among them) after a long quiet spell.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

#include "core/net.h"

#include <errno.h>
#include <stdlib.h>

#define LBLC_TAB_BITS 10   /* CONFIG_IP_VS_LBLC_TAB_BITS */
#define LBLC_TAB_SIZE (1u << LBLC_TAB_BITS)
#define LBLC_TAB_MASK (LBLC_TAB_SIZE - 1)

#define NSEC 1000000000ull
#define CHECK_EXPIRE_INTERVAL (60 * NSEC)
#define ENTRY_TIMEOUT (6 * 60 * NSEC)
#define DEFAULT_EXPIRATION (24 * 60 * 60 * NSEC)
#define COUNT_FOR_FULL_EXPIRATION 30
#define MAX_REPLAYED_TICKS 31

struct lblc_entry {
	struct cds_hlist_node list;   /* in a bucket (RCU) */
	uint16_t af;
	struct ns_addr addr;          /* the destination address */
	struct lb_dest *dest;         /* holds a reference */
	_Atomic uint64_t lastuse;     /* engine ns */
	struct rcu_head rcu;
};

struct lblc_table {
	struct cds_hlist_head bucket[LBLC_TAB_SIZE];
	_Atomic int entries;
	int max_size;
	/* Under svc->sched_lock: */
	int rover;                    /* where the last check stopped */
	int counter;                  /* checks since the last full one */
	bool dead;                    /* done_service ran */
	_Atomic uint64_t next_check;  /* engine ns of the next minute tick */
	/* Entries not cached: table full, allocation failed. */
	_Atomic uint64_t full, nomem;
	struct rcu_head rcu;
};

static unsigned lblc_hashkey(uint16_t af, const struct ns_addr *addr)
{
	return lb_hash_32(lb_addr_fold(af, addr), LBLC_TAB_BITS);
}

static void lblc_entry_free_rcu(struct rcu_head *head)
{
	struct lblc_entry *en = caa_container_of(head, struct lblc_entry, rcu);

	lb_dest_put(en->dest);
	free(en);
}

/* ip_vs_lblc_del: unlink (sched_lock held), free after a grace period. */
static void lblc_del(struct lblc_table *tbl, struct lblc_entry *en)
{
	cds_hlist_del_rcu(&en->list);
	atomic_fetch_sub_explicit(&tbl->entries, 1, memory_order_relaxed);
	call_rcu(&en->rcu, lblc_entry_free_rcu);
}

static struct lblc_entry *lblc_get(uint16_t af, struct lblc_table *tbl,
				   const struct ns_addr *addr)
{
	struct lblc_entry *en;

	cds_hlist_for_each_entry_rcu_2(en, &tbl->bucket[lblc_hashkey(af, addr)],
				       list)
		if (lb_addr_equal(af, &en->addr, addr))
			return en;
	return NULL;
}

/*
 * ip_vs_lblc_new, sched_lock held: point daddr's entry at dest, replacing
 * an entry for another dest. Returns false when nothing could be cached.
 */
static bool lblc_new(struct lblc_table *tbl, const struct ns_addr *daddr,
		     uint16_t af, struct lb_dest *dest, uint64_t now)
{
	struct lblc_entry *en = lblc_get(af, tbl, daddr);

	if (en) {
		if (en->dest == dest)
			return true;
		lblc_del(tbl, en);
	}
	if (atomic_load_explicit(&tbl->entries, memory_order_relaxed) >=
	    tbl->max_size * 3 / 2) {
		atomic_fetch_add_explicit(&tbl->full, 1, memory_order_relaxed);
		return false;
	}
	en = malloc(sizeof(*en));
	if (!en) {
		atomic_fetch_add_explicit(&tbl->nomem, 1, memory_order_relaxed);
		return false;
	}
	en->af = af;
	en->addr = *daddr;
	atomic_init(&en->lastuse, now);
	lb_dest_hold(dest);
	en->dest = dest;
	cds_hlist_add_head_rcu(&en->list,
			       &tbl->bucket[lblc_hashkey(af, daddr)]);
	atomic_fetch_add_explicit(&tbl->entries, 1, memory_order_relaxed);
	return true;
}

/* Drop, from the bucket after the rover on, entries unused for idle. */
static void lblc_sweep(struct lblc_table *tbl, uint64_t now, uint64_t idle,
		       int goal, bool full)
{
	struct lblc_entry *en, *next;
	unsigned i, j = tbl->rover;

	for (i = 0; i < LBLC_TAB_SIZE; i++) {
		j = (j + 1) & LBLC_TAB_MASK;
		cds_hlist_for_each_entry_safe_2(en, next, &tbl->bucket[j],
						list) {
			if (now < atomic_load_explicit(&en->lastuse,
						       memory_order_relaxed) +
				  idle)
				continue;
			lblc_del(tbl, en);
			goal--;
		}
		if (!full && goal <= 0)
			break;
	}
	tbl->rover = j;
}

/* One minute tick at engine time now (ip_vs_lblc_check_expire). */
static void lblc_check_expire(struct lblc_table *tbl, uint64_t now)
{
	int entries, goal;

	if (tbl->counter % COUNT_FOR_FULL_EXPIRATION == 0) {
		lblc_sweep(tbl, now, DEFAULT_EXPIRATION, 0, true);
		tbl->counter = 1;
		return;
	}
	entries = atomic_load_explicit(&tbl->entries, memory_order_relaxed);
	if (entries <= tbl->max_size) {
		tbl->counter++;
		return;
	}
	goal = (entries - tbl->max_size) * 4 / 3;
	if (goal > tbl->max_size / 2)
		goal = tbl->max_size / 2;
	lblc_sweep(tbl, now, ENTRY_TIMEOUT, goal, false);
}

/*
 * The timer, replayed (sched_lock held): every tick due by now, at its
 * own time; after a long quiet spell only the last MAX_REPLAYED_TICKS,
 * the skipped ones counted as the quiet ticks they were.
 */
static void lblc_expire_due(struct lblc_table *tbl, uint64_t now)
{
	uint64_t t = atomic_load_explicit(&tbl->next_check,
					  memory_order_relaxed);
	uint64_t due;

	if (now < t)
		return;
	due = (now - t) / CHECK_EXPIRE_INTERVAL + 1;
	if (due > MAX_REPLAYED_TICKS) {
		uint64_t skip = due - MAX_REPLAYED_TICKS;

		tbl->counter = (int)((tbl->counter - 1 + skip) %
				     COUNT_FOR_FULL_EXPIRATION) + 1;
		t += skip * CHECK_EXPIRE_INTERVAL;
		due = MAX_REPLAYED_TICKS;
	}
	for (; due; due--, t += CHECK_EXPIRE_INTERVAL)
		lblc_check_expire(tbl, t);
	atomic_store_explicit(&tbl->next_check, t, memory_order_relaxed);
}

static int lblc_init_service(struct lb_service *svc)
{
	struct lblc_table *tbl = calloc(1, sizeof(*tbl));

	if (!tbl)
		return -ENOMEM;
	tbl->max_size = LBLC_TAB_SIZE * 16;
	tbl->rover = 0;
	tbl->counter = 1;
	atomic_init(&tbl->next_check,
		    net_now(svc->net) + CHECK_EXPIRE_INTERVAL);
	svc->sched_data = tbl;
	return 0;
}

static void lblc_table_free_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct lblc_table, rcu));
}

/* ip_vs_lblc_flush, then the table after a grace period. */
static void lblc_done_service(struct lb_service *svc)
{
	struct lblc_table *tbl = svc->sched_data;
	struct lblc_entry *en, *next;

	pthread_spin_lock(&svc->sched_lock);
	tbl->dead = true;
	for (unsigned i = 0; i < LBLC_TAB_SIZE; i++)
		cds_hlist_for_each_entry_safe_2(en, next, &tbl->bucket[i],
						list)
			lblc_del(tbl, en);
	pthread_spin_unlock(&svc->sched_lock);
	svc->sched_data = NULL;
	call_rcu(&tbl->rcu, lblc_table_free_rcu);
}

/*
 * The kernel's is_overloaded() of lblc: more active connections than its
 * weight while some server of the service is under half its weight.
 */
static bool lblc_busy(const struct lb_dest *dest, struct lb_service *svc)
{
	struct lb_dest *d;

	if (lb_dest_active(dest) <= lb_dest_weight(dest))
		return false;
	cds_list_for_each_entry_rcu(d, &svc->destinations, n_list)
		if (lb_dest_active(d) * 2 < lb_dest_weight(d))
			return true;
	return false;
}

static struct lb_dest *lblc_schedule(struct lb_service *svc,
				     const struct lb_iph *iph, struct sbuf *why)
{
	struct lblc_table *tbl = svc->sched_data;
	uint64_t now = net_now(svc->net);
	struct lb_dest *dest, *old = NULL;
	struct lblc_entry *en;
	bool cached = false;
	int oh = 0;

	if (now >= atomic_load_explicit(&tbl->next_check,
					memory_order_relaxed)) {
		pthread_spin_lock(&svc->sched_lock);
		if (!tbl->dead)
			lblc_expire_due(tbl, now);
		pthread_spin_unlock(&svc->sched_lock);
	}

	en = lblc_get(svc->af, tbl, &iph->daddr);
	if (en) {
		atomic_store_explicit(&en->lastuse, now, memory_order_relaxed);
		/*
		 * An unlinked dest (waiting in the service's trash) is not
		 * used: only the list's dests are kept from being freed
		 * under us.
		 */
		old = dest = en->dest;
		if (lb_dest_available(dest) && lb_dest_weight(dest) > 0 &&
		    !lblc_busy(dest, svc)) {
			if (why) {
				sbuf_adds(why, "lblc: ");
				lb_why_addr(why, svc->af, &iph->daddr);
				sbuf_adds(why, " cached -> ");
				lb_why_dest(why, dest);
			}
			return dest;
		}
	}

	dest = lb_sched_least_weighted(svc, lb_dest_conn_overhead, &oh,
				       NULL);
	if (!dest)
		return lb_sched_none(svc, why, "lblc",
				     "no destination available");
	/* If no entry can be made, the pick stands uncached. */
	pthread_spin_lock(&svc->sched_lock);
	if (!tbl->dead)
		cached = lblc_new(tbl, &iph->daddr, svc->af, dest, now);
	pthread_spin_unlock(&svc->sched_lock);
	if (why) {
		sbuf_adds(why, "lblc: ");
		lb_why_addr(why, svc->af, &iph->daddr);
		if (old) {
			sbuf_adds(why, " was ");
			lb_why_dest(why, old);
			sbuf_adds(why, " (unavailable or busy),");
		}
		sbuf_addf(why, " wlc overhead %d weight %d -> ", oh,
			  lb_dest_weight(dest));
		lb_why_dest(why, dest);
		if (!cached)
			sbuf_adds(why, " (not cached: table full or no "
				  "memory)");
	}
	return dest;
}

const struct lb_scheduler lb_sched_lblc = {
	.name = "lblc",
	.init_service = lblc_init_service,
	.done_service = lblc_done_service,
	.schedule = lblc_schedule,
};
