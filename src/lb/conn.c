// SPDX-License-Identifier: MIT
/*
 * The connection table (ip_vs_conn.c): one hash keyed by (protocol,
 * client address, client port), as the kernel's ip_vs_conn_tab, serving
 * requests (client to virtual: ip_vs_conn_in_get), templates
 * (ip_vs_ct_in_get) and NAT replies (real server to client:
 * ip_vs_conn_out_get). Shared by all workers: lookups take no lock (RCU,
 * entries freed after a grace period), inserts and unlinks take one of
 * LB_CONN_LOCKS striped locks. Entries come from an arena reserved once,
 * so the data path never calls malloc. There are no timers: an entry's
 * expiry is an engine time, and a garbage collector run from the hooks
 * (lb_conn_gc) unlinks what has expired, as ip_vs_conn_expire() would
 * (a template that still controls connections lives 60 s more).
 */
#include "lb/lb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/hash.h"
#include "ct/ct.h"

static uint32_t conn_hash(const struct lb_net *ln, uint8_t proto,
			  const struct ns_addr *a, uint16_t port)
{
	uint32_t k = a->ip;

	if (a->family == 10)
		k = a->ip6[0] ^ a->ip6[1] ^ a->ip6[2] ^ a->ip6[3];
	return ns_hash_3words(k, port, proto, ln->hash_rnd);
}

static inline unsigned bucket_of(uint32_t h)
{
	return h & (LB_CONN_BUCKETS - 1);
}

static inline pthread_spinlock_t *lock_of(struct lb_net *ln, unsigned b)
{
	return &ln->locks[b % LB_CONN_LOCKS];
}

int lb_conn_table_init(struct lb_net *ln)
{
	ln->buckets = mmap(NULL, LB_CONN_BUCKETS * sizeof(*ln->buckets),
			   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
	if (ln->buckets == MAP_FAILED) {
		ln->buckets = NULL;
		return -ENOMEM;
	}
	ln->arena = mmap(NULL, (size_t)LB_CONN_MAX * sizeof(struct lb_conn),
			 PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ln->arena == MAP_FAILED) {
		munmap(ln->buckets, LB_CONN_BUCKETS * sizeof(*ln->buckets));
		ln->buckets = NULL;
		ln->arena = NULL;
		return -ENOMEM;
	}
	/*
	 * Lookups land anywhere in both: huge pages spare a TLB miss (and a
	 * page walk) per packet. Advice only; nothing fails without it.
	 */
	madvise(ln->buckets, LB_CONN_BUCKETS * sizeof(*ln->buckets),
		MADV_HUGEPAGE);
	madvise(ln->arena, (size_t)LB_CONN_MAX * sizeof(struct lb_conn),
		MADV_HUGEPAGE);
	for (unsigned i = 0; i < LB_CONN_LOCKS; i++)
		pthread_spin_init(&ln->locks[i], PTHREAD_PROCESS_PRIVATE);
	return 0;
}

static void conn_unlink_all(struct lb_net *ln);

void lb_conn_table_fini(struct lb_net *ln)
{
	if (!ln->buckets)
		return;
	conn_unlink_all(ln);
	ns_rcu_synchronize();
	rcu_barrier();
	munmap(ln->buckets, LB_CONN_BUCKETS * sizeof(*ln->buckets));
	ln->buckets = NULL;
	if (ln->arena)
		munmap(ln->arena, (size_t)LB_CONN_MAX * sizeof(struct lb_conn));
	ln->arena = NULL;
}

/* ---- allocation ---- */

static struct lb_conn *conn_alloc(struct lb_net *ln)
{
	struct lb_conn *cp = NULL;

	pthread_mutex_lock(&ln->alloc_lock);
	if (ln->free) {
		cp = ln->free;
		ln->free = cp->control;
	} else if (ln->arena_used < LB_CONN_MAX) {
		cp = &ln->arena[ln->arena_used++];
	}
	pthread_mutex_unlock(&ln->alloc_lock);
	return cp;
}

static struct lb_net *conn_net(struct lb_conn *cp)
{
	/* The conn's dest belongs to a service of the owning net. */
	return lb_net(cp->dest->svc->net);
}

static void conn_free_rcu(struct rcu_head *h)
{
	struct lb_conn *cp = caa_container_of(h, struct lb_conn, rcu);
	struct lb_dest *d = cp->dest;
	struct lb_net *ln = conn_net(cp);

	lb_dest_release(ln, d);
	pthread_spin_destroy(&cp->lock);
	pthread_mutex_lock(&ln->alloc_lock);
	cp->control = ln->free;
	ln->free = cp;
	pthread_mutex_unlock(&ln->alloc_lock);
}

/* ---- binding to a destination (ip_vs_bind_dest / ip_vs_unbind_dest) -- */

static void bind_dest(struct lb_conn *cp, struct lb_dest *d)
{
	unsigned cf = atomic_load(&d->conn_flags);

	if (cp->protocol != 17)
		cf &= ~LB_CONN_F_ONE_PACKET;
	cp->flags |= cf;
	cp->dest = d;
	atomic_fetch_add(&d->refcnt, 1);
	if (!(cp->flags & LB_CONN_F_TEMPLATE)) {
		int tc;

		if (!(cp->flags & LB_CONN_F_INACTIVE))
			atomic_fetch_add(&d->activeconns, 1);
		tc = atomic_fetch_add(&d->totalconns, 1) + 1;
		if (d->u_threshold && tc == (int)d->u_threshold)
			lb_dest_update_overload(d, 1);
	} else {
		atomic_fetch_add(&d->persistconns, 1);
	}
}

static void unbind_dest(struct lb_conn *cp)
{
	struct lb_dest *d = cp->dest;

	if (!(cp->flags & LB_CONN_F_TEMPLATE)) {
		int tc, l;

		if (!(cp->flags & LB_CONN_F_INACTIVE))
			atomic_fetch_sub(&d->activeconns, 1);
		tc = atomic_fetch_sub(&d->totalconns, 1);
		l = (int)(d->l_threshold ? d->l_threshold :
			  d->u_threshold - (d->u_threshold >> 2));
		if (d->u_threshold && tc == l)
			lb_dest_update_overload(d, -1);
	} else {
		atomic_fetch_sub(&d->persistconns, 1);
	}
}

/* ---- hashing ---- */

static void conn_hash_add(struct lb_net *ln, struct lb_conn *cp)
{
	unsigned b = bucket_of(cp->hash);
	pthread_spinlock_t *lk = lock_of(ln, b);

	pthread_spin_lock(lk);
	atomic_store_explicit(&cp->next,
			      atomic_load_explicit(&ln->buckets[b].head,
						   memory_order_relaxed),
			      memory_order_relaxed);
	atomic_store_explicit(&ln->buckets[b].head, cp, memory_order_release);
	/* Set once, at creation (a rehash finds it set: no write that could
	 * race with a worker's update under cp->lock). */
	if (!(cp->flags & LB_CONN_F_HASHED))
		cp->flags |= LB_CONN_F_HASHED;
	pthread_spin_unlock(lk);
}

/* Unlink cp from its chain; false if someone else did first. */
static bool conn_unhash(struct lb_net *ln, struct lb_conn *cp)
{
	unsigned b = bucket_of(cp->hash);
	pthread_spinlock_t *lk = lock_of(ln, b);
	struct lb_conn *_Atomic *pp;
	struct lb_conn *c;
	bool found = false;

	pthread_spin_lock(lk);
	if (atomic_load(&cp->dead)) {
		pthread_spin_unlock(lk);
		return false;
	}
	for (pp = &ln->buckets[b].head;
	     (c = atomic_load_explicit(pp, memory_order_relaxed));
	     pp = &c->next) {
		if (c == cp) {
			atomic_store_explicit(pp, atomic_load(&cp->next),
					      memory_order_release);
			found = true;
			break;
		}
	}
	/* flags stay as they are: workers may be updating them under
	 * cp->lock; dead says it is out of the table. */
	if (found)
		atomic_store(&cp->dead, true);
	pthread_spin_unlock(lk);
	return found;
}

/* Rehash after the key changed (an invalidated template). */
static void conn_rehash(struct lb_net *ln, struct lb_conn *cp)
{
	if (!conn_unhash(ln, cp))
		return;
	atomic_store(&cp->dead, false);
	cp->hash = conn_hash(ln, (uint8_t)cp->protocol, &cp->caddr,
			     cp->cport);
	conn_hash_add(ln, cp);
}

/* ---- creation ---- */

struct lb_conn *lb_conn_new(struct lb_net *ln, uint16_t af, uint8_t protocol,
			    const struct ns_addr *caddr, uint16_t cport,
			    const struct ns_addr *vaddr, uint16_t vport,
			    const struct ns_addr *daddr, uint16_t dport,
			    unsigned flags, struct lb_dest *dest,
			    uint32_t fwmark)
{
	struct lb_conn *cp = conn_alloc(ln);
	uint64_t now = net_now(ln->net);

	if (!cp) {
		atomic_fetch_add(&ln->conn_fail, 1);
		return NULL;
	}
	memset(cp, 0, sizeof(*cp));
	pthread_spin_init(&cp->lock, PTHREAD_PROCESS_PRIVATE);
	cp->af = af;
	cp->protocol = protocol;
	cp->caddr = *caddr;
	cp->cport = cport;
	cp->vaddr = *vaddr;
	cp->vport = vport;
	cp->daddr = *daddr;
	cp->dport = dport;
	cp->fwmark = fwmark;
	cp->flags = flags;
	if (ln->sysctl.conntrack)
		cp->flags |= LB_CONN_F_NFCT;
	if (!cport && !(flags & LB_CONN_F_TEMPLATE))
		cp->flags |= LB_CONN_F_NO_CPORT;
	bind_dest(cp, dest);
	/* A new connection lives 3 s until its protocol sets a state. */
	cp->timeout = 3 * LB_NSEC;
	atomic_store(&cp->expires, now + cp->timeout);
	cp->hash = conn_hash(ln, protocol, caddr, cport);
	if (!(cp->flags & LB_CONN_F_ONE_PACKET))
		conn_hash_add(ln, cp);
	atomic_fetch_add(&ln->conn_count, 1);
	return cp;
}

/* ---- lookups ---- */

struct lb_conn *lb_conn_in_get(struct lb_net *ln, uint8_t protocol,
			       const struct ns_addr *caddr, uint16_t cport,
			       const struct ns_addr *vaddr, uint16_t vport)
{
	uint32_t h = conn_hash(ln, protocol, caddr, cport);
	struct lb_conn *cp;

	for (cp = atomic_load_explicit(&ln->buckets[bucket_of(h)].head,
				       memory_order_acquire);
	     cp; cp = atomic_load_explicit(&cp->next, memory_order_acquire)) {
		if (cp->cport == cport && cp->vport == vport &&
		    cp->protocol == protocol &&
		    !(cp->flags & LB_CONN_F_TEMPLATE) &&
		    lb_addr_equal(cp->af, &cp->caddr, caddr) &&
		    lb_addr_equal(cp->af, &cp->vaddr, vaddr) &&
		    (!cport) == !!(cp->flags & LB_CONN_F_NO_CPORT))
			return cp;
	}
	return NULL;
}

struct lb_conn *lb_conn_tmpl_get(struct lb_net *ln, uint8_t protocol,
				 const struct ns_addr *caddr, uint16_t cport,
				 const struct ns_addr *vaddr, uint16_t vport)
{
	uint32_t h = conn_hash(ln, protocol, caddr, cport);
	struct lb_conn *cp;

	for (cp = atomic_load_explicit(&ln->buckets[bucket_of(h)].head,
				       memory_order_acquire);
	     cp; cp = atomic_load_explicit(&cp->next, memory_order_acquire)) {
		if ((cp->flags & LB_CONN_F_TEMPLATE) &&
		    cp->protocol == protocol && cp->cport == cport &&
		    cp->vport == vport &&
		    lb_addr_equal(cp->af, &cp->caddr, caddr) &&
		    lb_addr_equal(cp->af, &cp->vaddr, vaddr))
			return cp;
	}
	return NULL;
}

struct lb_conn *lb_conn_out_get(struct lb_net *ln, uint8_t protocol,
				const struct ns_addr *saddr, uint16_t sport,
				const struct ns_addr *daddr, uint16_t dport)
{
	uint32_t h = conn_hash(ln, protocol, daddr, dport);
	struct lb_conn *cp;

	/* The reply's destination is the client: the same key. */
	for (cp = atomic_load_explicit(&ln->buckets[bucket_of(h)].head,
				       memory_order_acquire);
	     cp; cp = atomic_load_explicit(&cp->next, memory_order_acquire)) {
		if (cp->cport != dport || cp->protocol != protocol ||
		    (cp->flags & LB_CONN_F_TEMPLATE))
			continue;
		if ((cp->flags & LB_FWD_MASK) != LB_FWD_MASQ) {
			/* DR/TUN replies leave from the virtual address. */
			if (cp->vport != sport ||
			    !lb_addr_equal(cp->af, &cp->vaddr, saddr))
				continue;
		} else if (cp->dport != sport ||
			   !lb_addr_equal(cp->af, &cp->daddr, saddr)) {
			continue;
		}
		if (lb_addr_equal(cp->af, &cp->caddr, daddr))
			return cp;
	}
	return NULL;
}

/* ---- expiry ---- */

void lb_conn_touch(struct lb_net *ln, struct lb_conn *cp, uint64_t now)
{
	(void)ln;
	atomic_store_explicit(&cp->expires, now + cp->timeout,
			      memory_order_relaxed);
}

void lb_conn_expire_now(struct lb_conn *cp)
{
	atomic_store_explicit(&cp->expires, 0, memory_order_relaxed);
}

void lb_conn_assure_template(struct lb_conn *cp)
{
	struct lb_conn *ct = cp->control;

	if (!ct || !(ct->flags & LB_CONN_F_TEMPLATE))
		return;
	if (!(__atomic_load_n(&ct->state, __ATOMIC_RELAXED) &
	      LB_CTPL_S_ASSURED))
		__atomic_fetch_or(&ct->state, LB_CTPL_S_ASSURED,
				  __ATOMIC_RELAXED);
}

uint32_t lb_conn_seconds_left(const struct lb_conn *cp, uint64_t now)
{
	uint64_t e = atomic_load_explicit(&cp->expires, memory_order_relaxed);

	return e > now ? (uint32_t)((e - now) / LB_NSEC) : 0;
}

/*
 * ip_vs_conn_drop_conntrack(): a connection that conntrack saw takes its
 * conntrack entry with it.
 */
static void drop_conntrack(struct lb_net *ln, const struct lb_conn *cp)
{
	struct ct_tuple t = {
		.src = cp->caddr, .dst = cp->vaddr,
		.sport = cp->cport, .dport = cp->vport,
		.proto = (uint8_t)cp->protocol,
	};
	struct ct_conn *ct;
	enum ct_dir dir;

	ct = ct_find(ln->net, &t, 0, &dir);
	if (ct)
		ct_kill(ln->net, ct);
}

/* ip_vs_conn_expire(): unlink, leave the template, unbind the server. */
static bool conn_expire(struct lb_net *ln, struct lb_conn *cp, uint64_t now,
			bool force)
{
	if (!force && atomic_load(&cp->n_control)) {
		/* Templates outlive the connections they control. */
		cp->timeout = 60 * LB_NSEC;
		lb_conn_touch(ln, cp, now);
		return false;
	}
	if (!conn_unhash(ln, cp))
		return false;
	if ((cp->flags & LB_CONN_F_NFCT) &&
	    !(cp->flags & (LB_CONN_F_ONE_PACKET | LB_CONN_F_TEMPLATE)) &&
	    !force)
		drop_conntrack(ln, cp);
	if (cp->control) {
		atomic_fetch_sub(&cp->control->n_control, 1);
		cp->control = NULL;
	}
	unbind_dest(cp);
	atomic_fetch_sub(&ln->conn_count, 1);
	call_rcu(&cp->rcu, conn_free_rcu);
	return true;
}

void lb_conn_gc(struct lb_net *ln, uint64_t now)
{
	unsigned pos = atomic_fetch_add_explicit(&ln->gc_pos, LB_GC_BUCKETS,
						 memory_order_relaxed);

	for (unsigned i = 0; i < LB_GC_BUCKETS; i++) {
		unsigned b = (pos + i) & (LB_CONN_BUCKETS - 1);
		struct lb_conn *cp;
restart:
		for (cp = atomic_load_explicit(&ln->buckets[b].head,
					       memory_order_acquire);
		     cp; cp = atomic_load_explicit(&cp->next,
						   memory_order_acquire)) {
			uint64_t e = atomic_load_explicit(
				&cp->expires, memory_order_relaxed);

			if (e <= now && conn_expire(ln, cp, now, false))
				goto restart;
		}
	}
}

/* A one-packet connection is never hashed: it goes after its packet. */
void lb_conn_release_unhashed(struct lb_net *ln, struct lb_conn *cp)
{
	if (cp->flags & LB_CONN_F_HASHED)
		return;
	if (cp->control) {
		atomic_fetch_sub(&cp->control->n_control, 1);
		cp->control = NULL;
	}
	unbind_dest(cp);
	atomic_store(&cp->dead, true);
	atomic_fetch_sub(&ln->conn_count, 1);
	call_rcu(&cp->rcu, conn_free_rcu);
}

static void conn_unlink_all(struct lb_net *ln)
{
	for (unsigned b = 0; b < LB_CONN_BUCKETS; b++) {
		struct lb_conn *cp;
restart:
		for (cp = atomic_load(&ln->buckets[b].head); cp;
		     cp = atomic_load(&cp->next)) {
			/* Controlled connections first, then templates. */
			if (atomic_load(&cp->n_control))
				continue;
			if (conn_expire(ln, cp, 0, true))
				goto restart;
		}
		for (cp = atomic_load(&ln->buckets[b].head); cp;
		     cp = atomic_load(&cp->next))
			if (conn_expire(ln, cp, 0, true))
				goto restart;
	}
}

void lb_conn_flush(struct lb_net *ln)
{
	conn_unlink_all(ln);
}

bool lb_conn_check_template(struct lb_net *ln, struct lb_conn *ct,
			    struct lb_dest *cdest)
{
	struct lb_dest *d = ct->dest;

	if (!d || !(atomic_load(&d->flags) & LB_DEST_F_AVAILABLE) ||
	    (ln->sysctl.expire_quiescent_template && !lb_dest_weight(d)) ||
	    (cdest && d != cdest)) {
		/* Invalidate it: nothing will find it again. */
		if (ct->vport != 0xffff) {
			ct->dport = 0xffff;
			ct->vport = 0xffff;
			ct->cport = 0;
			conn_rehash(ln, ct);
		}
		return false;
	}
	return true;
}

int lb_conn_walk(struct lb_net *ln, int (*fn)(void *, struct lb_conn *),
		 void *priv)
{
	for (unsigned b = 0; b < LB_CONN_BUCKETS; b++) {
		struct lb_conn *cp;

		for (cp = atomic_load(&ln->buckets[b].head); cp;
		     cp = atomic_load(&cp->next)) {
			int rc = fn(priv, cp);

			if (rc)
				return rc;
		}
	}
	return 0;
}

/* ---- ipvsadm -Lc ---- */

struct dump_ctx {
	struct lb_conn_snap *v;
	unsigned n, cap;
	uint64_t now;
};

static int dump_one(void *priv, struct lb_conn *cp)
{
	struct dump_ctx *c = priv;
	const struct lb_proto *pp = lb_proto_get((uint8_t)cp->protocol);
	struct lb_conn_snap *s;

	if (atomic_load(&cp->dead))
		return 0;
	/* Expired and waiting for the collector: gone, as for the kernel
	 * (whose timer would have run). A template that still controls
	 * connections is kept: the collector gives it 60 s more. */
	if (atomic_load_explicit(&cp->expires, memory_order_relaxed) <= c->now &&
	    !atomic_load(&cp->n_control))
		return 0;
	if (c->n == c->cap) {
		unsigned cap = c->cap ? c->cap * 2 : 256;
		struct lb_conn_snap *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	s = &c->v[c->n++];
	memset(s, 0, sizeof(*s));
	s->af = cp->af;
	s->protocol = cp->protocol;
	s->caddr = cp->caddr;
	s->vaddr = cp->vaddr;
	s->daddr = cp->daddr;
	s->cport = cp->cport;
	s->vport = cp->vport;
	s->dport = cp->dport;
	s->fwmark = cp->fwmark;
	s->flags = cp->flags;
	/* ip_vs_state_name(): a template's own states. */
	if (cp->flags & LB_CONN_F_TEMPLATE) {
		unsigned st = __atomic_load_n(&cp->state, __ATOMIC_RELAXED);

		s->state = st >= LB_CTPL_S_LAST ? "ERR!" :
			   st & LB_CTPL_S_ASSURED ? "ASSURED" : "NONE";
	} else if (!pp)
		s->state = "NONE";
	else
		s->state = pp->state_name(cp->state);
	s->expires = lb_conn_seconds_left(cp, c->now);
	return 0;
}

int lb_conn_dump(struct net *net, struct lb_conn_snap **out, unsigned *n)
{
	struct lb_net *ln = lb_net(net);
	struct dump_ctx c = { .now = net_now(net) };
	int err;

	*out = NULL;
	*n = 0;
	if (!ln)
		return 0;
	ns_rcu_reader_enter();
	err = lb_conn_walk(ln, dump_one, &c);
	ns_rcu_reader_leave();
	if (err) {
		free(c.v);
		return err;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}
