// SPDX-License-Identifier: MIT
/*
 * Locality-based least-connection with replication scheduling (the
 * kernel's ip_vs_lblcr.c): as lblc, a table keyed by the packet's
 * destination address, but each entry holds a set of real servers. A hit
 * takes the set's least loaded server (overhead / weight, as wlc, among
 * the linked ones not overloaded); when it is busy (more active
 * connections than its weight while some server is under half its
 * weight) or there is none, a server chosen by wlc over the whole service
 * joins the set. A set of more than one server that has not changed for
 * lblcr_expiration loses its most loaded member on the next hit.
 *
 * State (sched_data): 1024 hash buckets of entries; each set element
 * holds a reference on its destination. Reads (lookup, the set's minimum)
 * are lock-free under RCU; changes take svc->sched_lock; removed entries
 * and elements are freed after a grace period (call_rcu). Entries and
 * elements are allocated on the data path, as the kernel's GFP_ATOMIC, at
 * most 1024 * 16 * 3 / 2 entries; failures leave the pick uncached and
 * are counted.
 *
 * Expiry is lblc's: the minute timer replayed lazily from the engine clock
 * by schedule (full check every 30th tick with lblcr_expiration, 24 h,
 * the sysctl's default, which netsieve does not have yet; otherwise 6
 * minutes of idleness when over 16384 entries).
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

#include "core/net.h"

#include <errno.h>
#include <stdlib.h>

#define LBLCR_TAB_BITS 10   /* CONFIG_IP_VS_LBLCR_TAB_BITS */
#define LBLCR_TAB_SIZE (1u << LBLCR_TAB_BITS)
#define LBLCR_TAB_MASK (LBLCR_TAB_SIZE - 1)

#define NSEC 1000000000ull
#define CHECK_EXPIRE_INTERVAL (60 * NSEC)
#define ENTRY_TIMEOUT (6 * 60 * NSEC)
#define DEFAULT_EXPIRATION (24 * 60 * 60 * NSEC)
#define COUNT_FOR_FULL_EXPIRATION 30
#define MAX_REPLAYED_TICKS 31

struct lblcr_elem {
	struct cds_list_head list;    /* in the set (RCU) */
	struct lb_dest *dest;         /* holds a reference */
	struct rcu_head rcu;
};

struct lblcr_set {
	_Atomic int size;
	_Atomic uint64_t lastmod;     /* engine ns of the last change */
	struct cds_list_head list;    /* struct lblcr_elem, newest first */
};

struct lblcr_entry {
	struct cds_hlist_node list;   /* in a bucket (RCU) */
	uint16_t af;
	struct ns_addr addr;          /* the destination address */
	struct lblcr_set set;
	_Atomic uint64_t lastuse;     /* engine ns */
	struct rcu_head rcu;
};

struct lblcr_table {
	struct cds_hlist_head bucket[LBLCR_TAB_SIZE];
	_Atomic int entries;
	int max_size;
	/* Under svc->sched_lock: */
	int rover;
	int counter;
	bool dead;
	_Atomic uint64_t next_check;  /* engine ns of the next minute tick */
	/* Not cached: table full; entry or element allocation failed. */
	_Atomic uint64_t full, nomem;
	struct rcu_head rcu;
};

static unsigned lblcr_hashkey(uint16_t af, const struct ns_addr *addr)
{
	return lb_hash_32(lb_addr_fold(af, addr), LBLCR_TAB_BITS);
}

/* ---- The destination set ------------------------------------------ */

/* ip_vs_dest_set_insert, sched_lock held; check: not if already in. */
static void set_insert(struct lblcr_table *tbl, struct lblcr_set *set,
		       struct lb_dest *dest, bool check, uint64_t now)
{
	struct lblcr_elem *e;

	if (check) {
		cds_list_for_each_entry(e, &set->list, list)
			if (e->dest == dest)
				return;
	}
	e = malloc(sizeof(*e));
	if (!e) {
		atomic_fetch_add_explicit(&tbl->nomem, 1, memory_order_relaxed);
		return;
	}
	lb_dest_hold(dest);
	e->dest = dest;
	cds_list_add_rcu(&e->list, &set->list);
	atomic_fetch_add_explicit(&set->size, 1, memory_order_relaxed);
	atomic_store_explicit(&set->lastmod, now, memory_order_relaxed);
}

static void elem_free_rcu(struct rcu_head *head)
{
	struct lblcr_elem *e = caa_container_of(head, struct lblcr_elem, rcu);

	lb_dest_put(e->dest);
	free(e);
}

/* ip_vs_dest_set_erase, sched_lock held. */
static void set_erase(struct lblcr_set *set, struct lb_dest *dest,
		      uint64_t now)
{
	struct lblcr_elem *e;

	cds_list_for_each_entry(e, &set->list, list) {
		if (e->dest == dest) {
			atomic_fetch_sub_explicit(&set->size, 1,
						  memory_order_relaxed);
			atomic_store_explicit(&set->lastmod, now,
					      memory_order_relaxed);
			cds_list_del_rcu(&e->list);
			call_rcu(&e->rcu, elem_free_rcu);
			break;
		}
	}
}

static void set_eraseall(struct lblcr_set *set)
{
	struct lblcr_elem *e, *ep;

	cds_list_for_each_entry_safe(e, ep, &set->list, list) {
		cds_list_del_rcu(&e->list);
		call_rcu(&e->rcu, elem_free_rcu);
	}
}

/*
 * ip_vs_dest_set_min: the weighted least-loaded member, starting from the
 * first linked one with a weight above 0 that is not overloaded. RCU.
 */
static struct lb_dest *set_min(struct lblcr_set *set)
{
	struct lblcr_elem *e;
	struct lb_dest *dest, *least;
	int loh, doh;

	cds_list_for_each_entry_rcu(e, &set->list, list) {
		least = e->dest;
		if (lb_dest_overloaded(least))
			continue;
		if (lb_dest_weight(least) > 0 && lb_dest_available(least)) {
			loh = lb_dest_conn_overhead(least);
			goto nextstage;
		}
	}
	return NULL;

nextstage:
	lb_list_for_each_entry_continue_rcu(e, &set->list, list) {
		dest = e->dest;
		if (lb_dest_overloaded(dest))
			continue;
		doh = lb_dest_conn_overhead(dest);
		if ((int64_t)loh * lb_dest_weight(dest) >
		    (int64_t)doh * lb_dest_weight(least) &&
		    lb_dest_available(dest)) {
			least = dest;
			loh = doh;
		}
	}
	return least;
}

/* ip_vs_dest_set_max: the weighted most-loaded member, sched_lock held. */
static struct lb_dest *set_max(struct lblcr_set *set)
{
	struct lblcr_elem *e;
	struct lb_dest *dest, *most;
	int moh, doh;

	cds_list_for_each_entry(e, &set->list, list) {
		most = e->dest;
		if (lb_dest_weight(most) > 0) {
			moh = lb_dest_conn_overhead(most);
			goto nextstage;
		}
	}
	return NULL;

nextstage:
	for (e = cds_list_entry(e->list.next, struct lblcr_elem, list);
	     &e->list != &set->list;
	     e = cds_list_entry(e->list.next, struct lblcr_elem, list)) {
		dest = e->dest;
		doh = lb_dest_conn_overhead(dest);
		/* moh/mw < doh/dw, weights above 0 */
		if ((int64_t)moh * lb_dest_weight(dest) <
		    (int64_t)doh * lb_dest_weight(most) &&
		    lb_dest_weight(dest) > 0) {
			most = dest;
			moh = doh;
		}
	}
	return most;
}

/* ---- The table ----------------------------------------------------- */

static void entry_free_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct lblcr_entry, rcu));
}

/* ip_vs_lblcr_free + the count, sched_lock held. */
static void lblcr_del(struct lblcr_table *tbl, struct lblcr_entry *en)
{
	cds_hlist_del_rcu(&en->list);
	set_eraseall(&en->set);
	atomic_fetch_sub_explicit(&tbl->entries, 1, memory_order_relaxed);
	call_rcu(&en->rcu, entry_free_rcu);
}

static struct lblcr_entry *lblcr_get(uint16_t af, struct lblcr_table *tbl,
				     const struct ns_addr *addr)
{
	struct lblcr_entry *en;

	cds_hlist_for_each_entry_rcu_2(en,
				       &tbl->bucket[lblcr_hashkey(af, addr)],
				       list)
		if (lb_addr_equal(af, &en->addr, addr))
			return en;
	return NULL;
}

/*
 * ip_vs_lblcr_new, sched_lock held: an entry for daddr with dest in its
 * set (added to the existing entry's set if there is one). Returns false
 * when no entry could be made.
 */
static bool lblcr_new(struct lblcr_table *tbl, const struct ns_addr *daddr,
		      uint16_t af, struct lb_dest *dest, uint64_t now)
{
	struct lblcr_entry *en = lblcr_get(af, tbl, daddr);

	if (en) {
		set_insert(tbl, &en->set, dest, true, now);
		return true;
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
	atomic_init(&en->set.size, 0);
	atomic_init(&en->set.lastmod, now);
	CDS_INIT_LIST_HEAD(&en->set.list);
	set_insert(tbl, &en->set, dest, false, now);
	cds_hlist_add_head_rcu(&en->list,
			       &tbl->bucket[lblcr_hashkey(af, daddr)]);
	atomic_fetch_add_explicit(&tbl->entries, 1, memory_order_relaxed);
	return true;
}

static void lblcr_sweep(struct lblcr_table *tbl, uint64_t now,
			uint64_t idle, int goal, bool full)
{
	struct lblcr_entry *en, *next;
	unsigned i, j = tbl->rover;

	for (i = 0; i < LBLCR_TAB_SIZE; i++) {
		j = (j + 1) & LBLCR_TAB_MASK;
		cds_hlist_for_each_entry_safe_2(en, next, &tbl->bucket[j],
						list) {
			if (now < atomic_load_explicit(&en->lastuse,
						       memory_order_relaxed) +
				  idle)
				continue;
			lblcr_del(tbl, en);
			goal--;
		}
		if (!full && goal <= 0)
			break;
	}
	tbl->rover = j;
}

/* One minute tick at engine time now (ip_vs_lblcr_check_expire). */
static void lblcr_check_expire(struct lblcr_table *tbl, uint64_t now)
{
	int entries, goal;

	if (tbl->counter % COUNT_FOR_FULL_EXPIRATION == 0) {
		lblcr_sweep(tbl, now, DEFAULT_EXPIRATION, 0, true);
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
	lblcr_sweep(tbl, now, ENTRY_TIMEOUT, goal, false);
}

/* The timer replayed up to now, as lblc's (sched_lock held). */
static void lblcr_expire_due(struct lblcr_table *tbl, uint64_t now)
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
		lblcr_check_expire(tbl, t);
	atomic_store_explicit(&tbl->next_check, t, memory_order_relaxed);
}

static int lblcr_init_service(struct lb_service *svc)
{
	struct lblcr_table *tbl = calloc(1, sizeof(*tbl));

	if (!tbl)
		return -ENOMEM;
	tbl->max_size = LBLCR_TAB_SIZE * 16;
	tbl->counter = 1;
	atomic_init(&tbl->next_check,
		    net_now(svc->net) + CHECK_EXPIRE_INTERVAL);
	svc->sched_data = tbl;
	return 0;
}

static void table_free_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct lblcr_table, rcu));
}

static void lblcr_done_service(struct lb_service *svc)
{
	struct lblcr_table *tbl = svc->sched_data;
	struct lblcr_entry *en, *next;

	pthread_spin_lock(&svc->sched_lock);
	tbl->dead = true;
	for (unsigned i = 0; i < LBLCR_TAB_SIZE; i++)
		cds_hlist_for_each_entry_safe_2(en, next, &tbl->bucket[i],
						list)
			lblcr_del(tbl, en);
	pthread_spin_unlock(&svc->sched_lock);
	svc->sched_data = NULL;
	call_rcu(&tbl->rcu, table_free_rcu);
}

/* lblcr's is_overloaded(), as lblc's. */
static bool lblcr_busy(const struct lb_dest *dest, struct lb_service *svc)
{
	struct lb_dest *d;

	if (lb_dest_active(dest) <= lb_dest_weight(dest))
		return false;
	cds_list_for_each_entry_rcu(d, &svc->destinations, n_list)
		if (lb_dest_active(d) * 2 < lb_dest_weight(d))
			return true;
	return false;
}

static void why_pick(struct sbuf *why, struct lb_service *svc,
		     const struct lb_iph *iph, const char *how,
		     struct lb_dest *dest, int size)
{
	if (!why)
		return;
	sbuf_adds(why, "lblcr: ");
	lb_why_addr(why, svc->af, &iph->daddr);
	sbuf_addf(why, " %s -> ", how);
	lb_why_dest(why, dest);
	if (size >= 0)
		sbuf_addf(why, " (set of %d)", size);
}

static struct lb_dest *lblcr_schedule(struct lb_service *svc,
				      const struct lb_iph *iph,
				      struct sbuf *why)
{
	struct lblcr_table *tbl = svc->sched_data;
	uint64_t now = net_now(svc->net);
	struct lblcr_entry *en;
	struct lb_dest *dest;
	bool cached = false;
	int oh;

	if (now >= atomic_load_explicit(&tbl->next_check,
					memory_order_relaxed)) {
		pthread_spin_lock(&svc->sched_lock);
		if (!tbl->dead)
			lblcr_expire_due(tbl, now);
		pthread_spin_unlock(&svc->sched_lock);
	}

	en = lblcr_get(svc->af, tbl, &iph->daddr);
	if (en) {
		atomic_store_explicit(&en->lastuse, now, memory_order_relaxed);
		dest = set_min(&en->set);
		/* A set of several unchanged for long loses its busiest. */
		if (atomic_load_explicit(&en->set.size,
					 memory_order_relaxed) > 1 &&
		    now > atomic_load_explicit(&en->set.lastmod,
					       memory_order_relaxed) +
			  DEFAULT_EXPIRATION) {
			pthread_spin_lock(&svc->sched_lock);
			if (atomic_load_explicit(&en->set.size,
						 memory_order_relaxed) > 1) {
				struct lb_dest *m = set_max(&en->set);

				if (m)
					set_erase(&en->set, m, now);
			}
			pthread_spin_unlock(&svc->sched_lock);
		}
		if (dest && !lblcr_busy(dest, svc)) {
			why_pick(why, svc, iph, "set least loaded", dest,
				 atomic_load(&en->set.size));
			return dest;
		}
		dest = lb_sched_least_weighted(svc, lb_dest_conn_overhead, &oh,
					       NULL);
		if (!dest)
			return lb_sched_none(svc, why, "lblcr",
					     "no destination available");
		pthread_spin_lock(&svc->sched_lock);
		if (!tbl->dead)
			set_insert(tbl, &en->set, dest, true, now);
		pthread_spin_unlock(&svc->sched_lock);
		why_pick(why, svc, iph, "set busy or empty, wlc adds", dest,
			 atomic_load(&en->set.size));
		return dest;
	}

	dest = lb_sched_least_weighted(svc, lb_dest_conn_overhead, &oh,
					       NULL);
	if (!dest) {
		/* The kernel only debug-logs this one. */
		if (why)
			sbuf_adds(why, "lblcr: no destination available");
		return NULL;
	}
	pthread_spin_lock(&svc->sched_lock);
	if (!tbl->dead)
		cached = lblcr_new(tbl, &iph->daddr, svc->af, dest, now);
	pthread_spin_unlock(&svc->sched_lock);
	why_pick(why, svc, iph, cached ? "new entry, wlc" :
		 "not cached (table full or no memory), wlc", dest, -1);
	return dest;
}

const struct lb_scheduler lb_sched_lblcr = {
	.name = "lblcr",
	.init_service = lblcr_init_service,
	.done_service = lblcr_done_service,
	.schedule = lblcr_schedule,
};
