// SPDX-License-Identifier: MIT
/*
 * The connection table, shared by every worker, as the kernel's
 * nf_conntrack_hash since it dropped its central lock: a bucket array of
 * singly linked chains of tuple nodes (each entry is in two chains, one
 * per direction), keyed by a hash of the tuple and zone with the net's
 * secret seed. Readers walk chains without a lock (RCU: a node's next
 * pointer is published with a release store; an unlinked entry is freed
 * after a grace period). Writers take the striped locks of the buckets
 * they change, both at once in ascending order.
 *
 * Entries come from an arena reserved once for CT_MAX_LIMIT entries
 * (virtual memory, touched as used) and a free list: the data path never
 * calls malloc. Data path and control path.
 */
#include "ct/ct_int.h"

#include "base/hash.h"
#include "base/rcu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

uint32_t ct_tuple_hash(const struct ct_net *cn, const struct ct_tuple *t,
		       uint16_t zone)
{
	uint32_t a, b, c;

	a = t->src.all[0] ^ t->src.all[1] ^ t->src.all[2] ^ t->src.all[3];
	b = t->dst.all[0] ^ t->dst.all[1] ^ t->dst.all[2] ^ t->dst.all[3];
	c = ((uint32_t)t->sport << 16 | t->dport) ^
	    ((uint32_t)t->proto << 16 | zone);
	if (t->src.family != NS_PF_INET)
		c ^= 0x80000000u;
	return ns_hash_3words(a, b, c, cn->hash_seed);
}

static inline unsigned bucket_of(const struct ct_net *cn, uint32_t hash)
{
	return (unsigned)(((uint64_t)hash * cn->nbuckets) >> 32);
}

static inline pthread_spinlock_t *lock_of(struct ct_net *cn, unsigned b)
{
	return &cn->locks[b % CT_LOCKS];
}

static bool expired(const struct ct_conn *ct, uint64_t now)
{
	return atomic_load_explicit(&ct->timeout, memory_order_relaxed) <= now;
}

/*
 * Every net's table, so that an entry finds its own from its address
 * (pkt_free() and call_rcu() callbacks know only the entry).
 */
#define CT_MAX_NETS 64
static struct ct_net *_Atomic nets[CT_MAX_NETS];

struct ct_net *ct_net_of(const struct ct_conn *ct)
{
	for (int i = 0; i < CT_MAX_NETS; i++) {
		struct ct_net *cn = atomic_load_explicit(&nets[i],
							 memory_order_acquire);

		if (cn && ct >= cn->arena && ct < cn->arena + CT_MAX_LIMIT)
			return cn;
	}
	return NULL;
}

static int nets_add(struct ct_net *cn)
{
	for (int i = 0; i < CT_MAX_NETS; i++) {
		struct ct_net *none = NULL;

		if (atomic_compare_exchange_strong(&nets[i], &none, cn))
			return 0;
	}
	return -ENOSPC;
}

static void nets_del(struct ct_net *cn)
{
	for (int i = 0; i < CT_MAX_NETS; i++) {
		struct ct_net *me = cn;

		if (atomic_compare_exchange_strong(&nets[i], &me, NULL))
			return;
	}
}

int ct_table_init(struct ct_net *cn, unsigned nbuckets)
{
	int i;

	cn->nbuckets = nbuckets;
	cn->buckets = calloc(nbuckets, sizeof(*cn->buckets));
	if (!cn->buckets)
		return -ENOMEM;
	cn->arena = mmap(NULL, (size_t)CT_MAX_LIMIT * sizeof(struct ct_conn),
			 PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (cn->arena == MAP_FAILED) {
		cn->arena = NULL;
		free(cn->buckets);
		cn->buckets = NULL;
		return -ENOMEM;
	}
	if (nets_add(cn)) {
		munmap(cn->arena, (size_t)CT_MAX_LIMIT * sizeof(struct ct_conn));
		free(cn->buckets);
		return -ENOSPC;
	}
	for (i = 0; i < CT_LOCKS; i++)
		pthread_spin_init(&cn->locks[i], PTHREAD_PROCESS_PRIVATE);
	pthread_mutex_init(&cn->alloc_lock, NULL);
	return 0;
}

int ct_table_resize(struct ct_net *cn, unsigned nbuckets)
{
	struct ct_node *_Atomic *b = calloc(nbuckets, sizeof(*b));

	if (!b)
		return -ENOMEM;
	free(cn->buckets);
	cn->buckets = b;
	cn->nbuckets = nbuckets;
	cn->sysctl.buckets = nbuckets;
	return 0;
}

void ct_table_fini(struct ct_net *cn)
{
	int i;

	/* Every call_rcu() callback has run: the arena can go. */
	rcu_barrier();
	nets_del(cn);
	if (cn->arena)
		munmap(cn->arena, (size_t)CT_MAX_LIMIT * sizeof(struct ct_conn));
	free(cn->buckets);
	for (i = 0; i < CT_LOCKS; i++)
		pthread_spin_destroy(&cn->locks[i]);
	pthread_mutex_destroy(&cn->alloc_lock);
}

/* Entry allocation. */

static struct ct_conn *conn_get(struct ct_net *cn)
{
	struct ct_conn *ct = NULL;

	pthread_mutex_lock(&cn->alloc_lock);
	if (cn->free) {
		ct = cn->free;
		cn->free = (struct ct_conn *)ct->rcu.next.next;
	} else if (cn->arena_used < CT_MAX_LIMIT) {
		ct = &cn->arena[cn->arena_used++];
	}
	pthread_mutex_unlock(&cn->alloc_lock);
	return ct;
}

void ct_table_conn_put(struct ct_net *cn, struct ct_conn *ct)
{
	pthread_mutex_lock(&cn->alloc_lock);
	ct->rcu.next.next = (struct cds_wfcq_node *)cn->free;
	cn->free = ct;
	pthread_mutex_unlock(&cn->alloc_lock);
}

struct ct_conn *ct_conn_alloc(struct net *net, uint16_t zone)
{
	return ct_table_alloc(ct_net(net), zone, net_random(net));
}

struct ct_conn *ct_table_alloc(struct ct_net *cn, uint16_t zone,
			       uint32_t hash)
{
	struct ct_conn *ct;
	unsigned max, n;

	if (!cn)
		return NULL;
	max = __atomic_load_n(&cn->sysctl.max, __ATOMIC_RELAXED);
	/*
	 * As __nf_conntrack_alloc: count first; over the limit, an early
	 * drop pays for this entry (its kill gives the count back), else
	 * the increment is undone. Concurrent allocations each need their
	 * own victim, so the table never ends above the limit.
	 */
	n = atomic_fetch_add_explicit(&cn->count, 1, memory_order_relaxed) + 1;
	if (max && n > max) {
		/* The kernel evicts from the new entry's neighbourhood. */
		if (!ct_table_early_drop(cn, hash)) {
			atomic_fetch_sub_explicit(&cn->count, 1,
						  memory_order_relaxed);
			ct_pcpu(cn)->drop++;
			return NULL;
		}
	}
	ct = conn_get(cn);
	if (!ct) {
		atomic_fetch_sub_explicit(&cn->count, 1, memory_order_relaxed);
		ct_pcpu(cn)->drop++;
		return NULL;
	}
	memset(ct, 0, sizeof(*ct));
	ct->node[CT_DIR_REPLY].dir = CT_DIR_REPLY;
	ct->zone = zone;
	ct->flags = CT_F_UNCONFIRMED_OWNED;
	ct->id = atomic_fetch_add_explicit(&cn->next_id, 1,
					   memory_order_relaxed) + 1;
	return ct;
}

void ct_conn_free_unconfirmed(struct net *net, struct ct_conn *ct)
{
	ct_table_free_unconfirmed(ct_net(net), ct);
}

void (*_Atomic ct_nat_unlink_hook)(struct net *net, struct ct_conn *ct);

static void nat_unlink(struct ct_net *cn, struct ct_conn *ct)
{
	void (*fn)(struct net *, struct ct_conn *);

	if (!(ct->flags & CT_F_NAT_BYSRC))
		return;
	fn = atomic_load_explicit(&ct_nat_unlink_hook, memory_order_acquire);
	if (fn)
		fn(cn->net, ct);
}

static void conn_free_rcu(struct rcu_head *head);

void ct_table_free_unconfirmed(struct ct_net *cn, struct ct_conn *ct)
{
	atomic_fetch_sub_explicit(&cn->count, 1, memory_order_relaxed);
	/*
	 * NAT's by-source chain may have readers on it: such an entry
	 * waits for a grace period like a killed one.
	 */
	if (ct->flags & CT_F_NAT_BYSRC) {
		nat_unlink(cn, ct);
		call_rcu(&ct->rcu, conn_free_rcu);
		return;
	}
	if (ct_help_release(cn, ct))
		ct_table_conn_put(cn, ct);
}

/* call_rcu() callback: the grace period is over, nobody sees ct. */
static void conn_free_rcu(struct rcu_head *head)
{
	struct ct_conn *ct = (struct ct_conn *)((char *)head -
		__builtin_offsetof(struct ct_conn, rcu));
	struct ct_net *cn = ct_net_of(ct);

	/* Children may still hold it (their master): the last puts it. */
	if (ct_help_release(cn, ct))
		ct_table_conn_put(cn, ct);
}

/* Lookup. */

static struct ct_node *find_node(struct ct_net *cn, const struct ct_tuple *t,
				 uint16_t zone, uint32_t hash, uint64_t now,
				 const struct ct_conn *ignore, bool all)
{
	struct ct_node *n;
	struct ct_conn *ct;

	n = atomic_load_explicit(&cn->buckets[bucket_of(cn, hash)],
				 memory_order_acquire);
	for (; n; n = atomic_load_explicit(&n->next, memory_order_acquire)) {
		if (!ct_tuple_equal(&n->tuple, t))
			continue;
		ct = ct_node_conn(n);
		if (ct->zone != zone || ct == ignore)
			continue;
		if (ct_status(ct) & CT_S_DYING)
			continue;
		if (!all && expired(ct, now))
			continue;
		return n;
	}
	return NULL;
}

struct ct_conn *ct_table_find(struct ct_net *cn, const struct ct_tuple *t,
			      uint16_t zone, uint32_t hash, enum ct_dir *dir)
{
	struct ct_node *n = find_node(cn, t, zone, hash, net_now(cn->net),
				      NULL, false);

	if (!n)
		return NULL;
	if (dir)
		*dir = n->dir;
	return ct_node_conn(n);
}

struct ct_conn *ct_find(struct net *net, const struct ct_tuple *t,
			uint16_t zone, enum ct_dir *dir)
{
	struct ct_net *cn = ct_net(net);

	if (!cn)
		return NULL;
	return ct_table_find(cn, t, zone, ct_tuple_hash(cn, t, zone), dir);
}

bool ct_tuple_taken(struct net *net, const struct ct_tuple *t, uint16_t zone,
		    const struct ct_conn *ignore)
{
	struct ct_net *cn = ct_net(net);

	if (!cn)
		return false;
	/* An expired entry still holds its tuple until it is reaped, as
	 * in the kernel (nf_conntrack_tuple_taken skips only dying ones);
	 * expiring it here would be the kernel's gc, not a lookup. */
	return find_node(cn, t, zone, ct_tuple_hash(cn, t, zone),
			 net_now(net), ignore, false) != NULL;
}

/* Insertion and removal, under the two buckets' locks. */

static void lock_two(struct ct_net *cn, unsigned b1, unsigned b2)
{
	unsigned l1 = b1 % CT_LOCKS, l2 = b2 % CT_LOCKS;

	if (l1 > l2) {
		unsigned t = l1;

		l1 = l2;
		l2 = t;
	}
	pthread_spin_lock(&cn->locks[l1]);
	if (l2 != l1)
		pthread_spin_lock(&cn->locks[l2]);
}

static void unlock_two(struct ct_net *cn, unsigned b1, unsigned b2)
{
	unsigned l1 = b1 % CT_LOCKS, l2 = b2 % CT_LOCKS;

	if (l2 != l1)
		pthread_spin_unlock(&cn->locks[l2]);
	pthread_spin_unlock(&cn->locks[l1]);
}

static void chain_add(struct ct_net *cn, unsigned b, struct ct_node *n)
{
	atomic_store_explicit(&n->next,
			      atomic_load_explicit(&cn->buckets[b],
						   memory_order_relaxed),
			      memory_order_relaxed);
	atomic_store_explicit(&cn->buckets[b], n, memory_order_release);
}

static void chain_del(struct ct_net *cn, unsigned b, struct ct_node *n)
{
	struct ct_node *_Atomic *pp = &cn->buckets[b];
	struct ct_node *cur;

	while ((cur = atomic_load_explicit(pp, memory_order_relaxed))) {
		if (cur == n) {
			/* Readers on n still see n->next: it stays. */
			atomic_store_explicit(pp,
				atomic_load_explicit(&n->next,
						     memory_order_relaxed),
				memory_order_release);
			return;
		}
		pp = &cur->next;
	}
}

int ct_table_confirm(struct ct_net *cn, struct ct_conn *ct)
{
	const struct ct_tuple *o = ct_tuple_of(ct, CT_DIR_ORIGINAL);
	const struct ct_tuple *r = ct_tuple_of(ct, CT_DIR_REPLY);
	uint32_t ho = ct_tuple_hash(cn, o, ct->zone);
	uint32_t hr = ct_tuple_hash(cn, r, ct->zone);
	unsigned bo = bucket_of(cn, ho), br = bucket_of(cn, hr);
	uint64_t now = net_now(cn->net);

	lock_two(cn, bo, br);
	if (find_node(cn, o, ct->zone, ho, now, NULL, false) ||
	    find_node(cn, r, ct->zone, hr, now, NULL, false)) {
		unlock_two(cn, bo, br);
		ct_pcpu(cn)->insert_failed++;
		return -EEXIST;
	}
	ct->flags &= ~CT_F_UNCONFIRMED_OWNED;
	ct_status_set(ct, CT_S_CONFIRMED);
	chain_add(cn, br, &ct->node[CT_DIR_REPLY]);
	chain_add(cn, bo, &ct->node[CT_DIR_ORIGINAL]);
	unlock_two(cn, bo, br);
	ct_pcpu(cn)->insert++;
	return 0;
}

bool ct_kill(struct net *net, struct ct_conn *ct)
{
	struct ct_net *cn = ct_net(net);
	uint32_t old;
	unsigned bo, br;

	old = atomic_fetch_or_explicit(&ct->status, CT_S_DYING,
				       memory_order_acq_rel);
	if (old & CT_S_DYING)
		return false;
	bo = bucket_of(cn, ct_tuple_hash(cn, ct_tuple_of(ct, CT_DIR_ORIGINAL),
					 ct->zone));
	br = bucket_of(cn, ct_tuple_hash(cn, ct_tuple_of(ct, CT_DIR_REPLY),
					 ct->zone));
	lock_two(cn, bo, br);
	chain_del(cn, bo, &ct->node[CT_DIR_ORIGINAL]);
	chain_del(cn, br, &ct->node[CT_DIR_REPLY]);
	unlock_two(cn, bo, br);
	/* clean_from_lists(): its expectations go with it. */
	ct_expect_remove_all(cn, ct);
	nat_unlink(cn, ct);
	ct_event_emit(net, ct, CT_EV_DESTROY);
	atomic_fetch_sub_explicit(&cn->count, 1, memory_order_relaxed);
	call_rcu(&ct->rcu, conn_free_rcu);
	return true;
}

/* Walking, GC, early drop. */

int ct_walk(struct net *net, int (*fn)(void *priv, struct ct_conn *ct),
	    void *priv)
{
	struct ct_net *cn = ct_net(net);
	uint64_t now = net_now(net);
	struct ct_node *n;
	unsigned b;
	int rc;

	if (!cn)
		return 0;
	for (b = 0; b < cn->nbuckets; b++) {
		n = atomic_load_explicit(&cn->buckets[b], memory_order_acquire);
		for (; n; n = atomic_load_explicit(&n->next,
						   memory_order_acquire)) {
			struct ct_conn *ct = ct_node_conn(n);

			/* Each entry once: from its original node. */
			if (n->dir != CT_DIR_ORIGINAL)
				continue;
			if ((ct_status(ct) & CT_S_DYING) || expired(ct, now))
				continue;
			rc = fn(priv, ct);
			if (rc)
				return rc;
		}
	}
	return 0;
}

void ct_table_gc(struct ct_net *cn, uint64_t now)
{
	unsigned pos, i, b;
	struct ct_node *n;

	pos = atomic_fetch_add_explicit(&cn->gc_pos, CT_GC_BUCKETS,
					memory_order_relaxed);
	for (i = 0; i < CT_GC_BUCKETS; i++) {
		b = (pos + i) % cn->nbuckets;
restart:
		n = atomic_load_explicit(&cn->buckets[b], memory_order_acquire);
		for (; n; n = atomic_load_explicit(&n->next,
						   memory_order_acquire)) {
			struct ct_conn *ct = ct_node_conn(n);

			if (!(ct_status(ct) & CT_S_DYING) && expired(ct, now)) {
				ct_kill(cn->net, ct);
				goto restart;
			}
		}
	}
}

bool ct_table_early_drop(struct ct_net *cn, uint32_t hash)
{
	unsigned b0 = bucket_of(cn, hash), i;
	struct ct_node *n;

	for (i = 0; i < CT_EARLY_DROP_BUCKETS; i++) {
		unsigned b = (b0 + i) % cn->nbuckets;

		n = atomic_load_explicit(&cn->buckets[b], memory_order_acquire);
		for (; n; n = atomic_load_explicit(&n->next,
						   memory_order_acquire)) {
			struct ct_conn *ct = ct_node_conn(n);
			const struct ct_l4proto *l4;

			if (ct_status(ct) & (CT_S_ASSURED | CT_S_DYING))
				continue;
			l4 = ct_l4proto_find(ct_tuple_of(ct, 0)->proto);
			if (l4->can_early_drop && !l4->can_early_drop(ct))
				continue;
			if (ct_kill(cn->net, ct)) {
				ct_pcpu(cn)->early_drop++;
				return true;
			}
		}
	}
	return false;
}

unsigned ct_count(struct net *net)
{
	struct ct_net *cn = ct_net(net);

	return cn ? atomic_load_explicit(&cn->count, memory_order_relaxed) : 0;
}
