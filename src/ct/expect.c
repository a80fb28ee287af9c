// SPDX-License-Identifier: MIT
/*
 * Expectations, as the kernel's nf_conntrack_expect.c: connections a
 * helper announced (FTP data, TFTP replies), kept in a hash on their
 * destination (address, port, protocol: the part never masked) and in
 * their master's list, under one lock per net (the kernel's
 * nf_conntrack_expect_lock). A new connection looks here only while some
 * expectation exists. They come from a pool reserved once
 * (CT_EXPECT_LIMIT, virtual memory touched as used); nothing on the data
 * path calls malloc. Expired ones are reaped by lookups in their bucket,
 * by the GC step and when their master makes a new one. Data path
 * (helpers, new connections) and control path (listing, flush).
 */
#include "ct/ct_int.h"

#include "base/hash.h"
#include "base/sbuf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define NSEC 1000000000ull

static bool exp_expired(const struct ct_expect *e, uint64_t now)
{
	return e->timeout <= now;
}

static unsigned exp_bucket(const struct ct_net *cn, const struct ct_tuple *t)
{
	uint32_t a = t->dst.all[0] ^ t->dst.all[1] ^ t->dst.all[2] ^
		     t->dst.all[3];
	uint32_t h = ns_hash_3words(a, (uint32_t)t->dport << 8 | t->proto,
				    t->dst.family, cn->hash_seed ^ 0xe4b3c7);

	return (unsigned)(((uint64_t)h * cn->expect_hsize) >> 32);
}

int ct_expect_net_init(struct ct_net *cn)
{
	/* The kernel's nf_ct_expect_hsize: the table's size / 256. */
	cn->expect_hsize = cn->nbuckets / 256 ? cn->nbuckets / 256 : 1;
	cn->expect_hash = calloc(cn->expect_hsize, sizeof(*cn->expect_hash));
	if (!cn->expect_hash)
		return -ENOMEM;
	cn->expect_pool = mmap(NULL,
			       (size_t)CT_EXPECT_LIMIT * sizeof(struct ct_expect),
			       PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			       -1, 0);
	if (cn->expect_pool == MAP_FAILED) {
		cn->expect_pool = NULL;
		free(cn->expect_hash);
		cn->expect_hash = NULL;
		return -ENOMEM;
	}
	pthread_spin_init(&cn->expect_lock, PTHREAD_PROCESS_PRIVATE);
	return 0;
}

void ct_expect_net_fini(struct ct_net *cn)
{
	if (cn->expect_pool)
		munmap(cn->expect_pool,
		       (size_t)CT_EXPECT_LIMIT * sizeof(struct ct_expect));
	free(cn->expect_hash);
	cn->expect_pool = NULL;
	cn->expect_hash = NULL;
	pthread_spin_destroy(&cn->expect_lock);
}

/* Pool, under expect_lock. */
static struct ct_expect *exp_get(struct ct_net *cn)
{
	struct ct_expect *e = cn->expect_free;

	if (e)
		cn->expect_free = e->hnext;
	else if (cn->expect_used < CT_EXPECT_LIMIT)
		e = &cn->expect_pool[cn->expect_used++];
	return e;
}

static void exp_put(struct ct_net *cn, struct ct_expect *e)
{
	e->hnext = cn->expect_free;
	cn->expect_free = e;
}

/* nf_ct_unlink_expect(): out of both lists, back to the pool. */
static void unlink_expect(struct ct_net *cn, struct ct_expect *e)
{
	struct ct_help *h = ct_help_of(cn, e->master);

	*e->hpprev = e->hnext;
	if (e->hnext)
		e->hnext->hpprev = e->hpprev;
	*e->lpprev = e->lnext;
	if (e->lnext)
		e->lnext->lpprev = e->lpprev;
	if (h && h->expecting[e->class])
		h->expecting[e->class]--;
	atomic_fetch_sub_explicit(&cn->expect_count, 1, memory_order_relaxed);
	ct_pcpu(cn)->expect_delete++;
	exp_put(cn, e);
}

void ct_expect_init(struct ct_expect *exp, struct ct_conn *master,
		    unsigned class, const struct ns_addr *saddr,
		    const struct ns_addr *daddr, uint8_t proto,
		    const uint16_t *sport, const uint16_t *dport)
{
	memset(exp, 0, sizeof(*exp));
	exp->master = master;
	exp->helper = master->helper;
	exp->class = (uint8_t)class;
	exp->zone = master->zone;
	exp->tuple.proto = proto;
	exp->tuple.src.family = daddr->family;
	exp->tuple.dst = *daddr;
	exp->mask.src.family = daddr->family;
	exp->mask.dst.family = daddr->family;
	if (saddr) {
		exp->tuple.src = *saddr;
		if (daddr->family == NS_PF_INET)
			exp->mask.src.ip = 0xffffffffu;
		else
			memset(exp->mask.src.all, 0xff, 16);
	}
	if (sport) {
		exp->tuple.sport = *sport;
		exp->mask.sport = 0xffff;
	}
	exp->tuple.dport = *dport;
}

/* nf_ct_tuple_mask_cmp(): does t match e's tuple under its mask? */
static bool mask_cmp(const struct ct_tuple *t, const struct ct_tuple *et,
		     const struct ct_tuple *m)
{
	int i;

	if (t->src.family != et->src.family || t->proto != et->proto ||
	    t->dport != et->dport || ((t->sport ^ et->sport) & m->sport))
		return false;
	for (i = 0; i < 4; i++) {
		if ((t->src.all[i] ^ et->src.all[i]) & m->src.all[i])
			return false;
		if (t->dst.all[i] != et->dst.all[i])
			return false;
	}
	return true;
}

/* expect_matches(): the same tuple and mask, in the same zone. */
static bool exp_matches(const struct ct_expect *a, const struct ct_expect *b)
{
	return ct_tuple_equal(&a->tuple, &b->tuple) &&
	       a->mask.sport == b->mask.sport &&
	       !memcmp(a->mask.src.all, b->mask.src.all, 16) &&
	       a->zone == b->zone;
}

/* expect_clash(): equal where both masks look. */
static bool exp_clash(const struct ct_expect *a, const struct ct_expect *b)
{
	struct ct_tuple m;
	int i;

	memset(&m, 0, sizeof(m));
	m.sport = a->mask.sport & b->mask.sport;
	for (i = 0; i < 4; i++)
		m.src.all[i] = a->mask.src.all[i] & b->mask.src.all[i];
	return mask_cmp(&a->tuple, &b->tuple, &m) && a->zone == b->zone;
}

/* evict_oldest_expect(): reap the master's expired ones, drop its oldest
 * of the class if it still has max_expected. */
static void evict_oldest(struct ct_net *cn, struct ct_help *h,
			 const struct ct_expect *new,
			 const struct ct_expect_policy *p, uint64_t now)
{
	struct ct_expect *e, *next, *last = NULL;

	for (e = h->expects; e; e = next) {
		next = e->lnext;
		if (exp_expired(e, now)) {
			unlink_expect(cn, e);
			continue;
		}
		if (e->class == new->class)
			last = e;
	}
	if (last && h->expecting[last->class] >= p->max_expected)
		unlink_expect(cn, last);
}

int ct_expect_related(struct net *net, const struct ct_expect *exp)
{
	struct ct_net *cn = ct_net(net);
	const struct ct_expect_policy *p = NULL;
	const struct ct_helper *helper;
	struct ct_expect *i, *next, *e;
	struct ct_help *h;
	uint64_t now = net_now(net);
	unsigned b, max;
	int ret = 0;

	if (!cn || exp->class >= CT_EXPECT_CLASS_MAX)
		return -EINVAL;
	pthread_spin_lock(&cn->expect_lock);
	h = ct_help_of(cn, exp->master);
	if (!h) {
		ret = -ESHUTDOWN;
		goto out;
	}
	b = exp_bucket(cn, &exp->tuple);
	for (i = cn->expect_hash[b]; i; i = next) {
		next = i->hnext;
		if (exp_expired(i, now)) {
			unlink_expect(cn, i);
			continue;
		}
		if (i->master == exp->master && exp_matches(i, exp)) {
			if (i->class != exp->class) {
				ret = -EALREADY;
				goto out;
			}
			unlink_expect(cn, i);
			break;
		} else if (exp_clash(i, exp)) {
			ret = -EBUSY;
			goto out;
		}
	}
	helper = exp->master->helper;
	if (helper && exp->class <= helper->expect_class_max) {
		p = &helper->expect_policy[exp->class];
		if (p->max_expected &&
		    h->expecting[exp->class] >= p->max_expected)
			evict_oldest(cn, h, exp, p, now);
	}
	max = __atomic_load_n(&cn->sysctl.expect_max, __ATOMIC_RELAXED);
	if (atomic_load_explicit(&cn->expect_count, memory_order_relaxed) >=
	    max) {
		ret = -EMFILE;
		goto out;
	}
	e = exp_get(cn);
	if (!e) {
		ret = -ENOMEM;
		goto out;
	}
	/* nf_ct_expect_insert(). */
	*e = *exp;
	e->id = ++cn->expect_next_id;
	e->timeout = now + (p ? (uint64_t)p->timeout * NSEC : 0);
	e->lnext = h->expects;
	if (e->lnext)
		e->lnext->lpprev = &e->lnext;
	e->lpprev = &h->expects;
	h->expects = e;
	h->expecting[e->class]++;
	e->hnext = cn->expect_hash[b];
	if (e->hnext)
		e->hnext->hpprev = &e->hnext;
	e->hpprev = &cn->expect_hash[b];
	cn->expect_hash[b] = e;
	atomic_fetch_add_explicit(&cn->expect_count, 1, memory_order_relaxed);
	ct_pcpu(cn)->expect_create++;
out:
	pthread_spin_unlock(&cn->expect_lock);
	return ret;
}

bool ct_expect_take(struct ct_net *cn, struct ct_conn *ct,
		    struct ct_expect *out)
{
	const struct ct_tuple *t = ct_tuple_of(ct, CT_DIR_ORIGINAL);
	uint64_t now = net_now(cn->net);
	struct ct_expect *i, *next, *e = NULL;
	struct ct_help *mh;
	unsigned b;

	if (!atomic_load_explicit(&cn->expect_count, memory_order_relaxed))
		return false;
	pthread_spin_lock(&cn->expect_lock);
	b = exp_bucket(cn, t);
	for (i = cn->expect_hash[b]; i; i = next) {
		next = i->hnext;
		if (exp_expired(i, now)) {
			unlink_expect(cn, i);
			continue;
		}
		if (!(i->flags & CT_EXPECT_INACTIVE) && i->zone == ct->zone &&
		    mask_cmp(t, &i->tuple, &i->mask)) {
			e = i;
			break;
		}
	}
	/*
	 * A master not yet confirmed has not left this machine: nobody can
	 * know what it announced. A dying one is on its way out; its
	 * expectations go with it.
	 */
	if (!e || !ct_is_confirmed(e->master) ||
	    (ct_status(e->master) & CT_S_DYING)) {
		pthread_spin_unlock(&cn->expect_lock);
		return false;
	}
	mh = ct_help_of(cn, e->master);
	atomic_fetch_add_explicit(&mh->refs, 1, memory_order_relaxed);
	*out = *e;
	out->hnext = out->lnext = NULL;
	out->hpprev = out->lpprev = NULL;
	if (!(e->flags & CT_EXPECT_PERMANENT))
		unlink_expect(cn, e);
	ct_status_set(ct, CT_S_EXPECTED);
	ct->master = out->master;
	atomic_store_explicit(&ct->mark,
			      atomic_load_explicit(&out->master->mark,
						   memory_order_relaxed),
			      memory_order_relaxed);
	ct_pcpu(cn)->expect_new++;
	pthread_spin_unlock(&cn->expect_lock);
	return true;
}

void ct_expect_remove_all(struct ct_net *cn, struct ct_conn *master)
{
	struct ct_help *h = ct_help_of(cn, master);

	/* Most entries never expect anything. */
	if (!h || !__atomic_load_n(&h->expects, __ATOMIC_RELAXED))
		return;
	pthread_spin_lock(&cn->expect_lock);
	while (h->expects)
		unlink_expect(cn, h->expects);
	pthread_spin_unlock(&cn->expect_lock);
}

void ct_expect_gc(struct ct_net *cn, uint64_t now)
{
	struct ct_expect *e, *next;
	unsigned i, b;

	if (!atomic_load_explicit(&cn->expect_count, memory_order_relaxed))
		return;
	pthread_spin_lock(&cn->expect_lock);
	for (i = 0; i < CT_EXPECT_GC_BUCKETS && i < cn->expect_hsize; i++) {
		b = cn->expect_gc_pos++ % cn->expect_hsize;
		for (e = cn->expect_hash[b]; e; e = next) {
			next = e->hnext;
			if (exp_expired(e, now))
				unlink_expect(cn, e);
		}
	}
	pthread_spin_unlock(&cn->expect_lock);
}

unsigned ct_expect_count(struct net *net)
{
	struct ct_net *cn = ct_net(net);

	return cn ? atomic_load_explicit(&cn->expect_count,
					 memory_order_relaxed) : 0;
}

int ct_expect_walk(struct net *net,
		   int (*fn)(void *priv, const struct ct_expect *exp),
		   void *priv)
{
	struct ct_net *cn = ct_net(net);
	uint64_t now = net_now(net);
	struct ct_expect *e;
	unsigned b;
	int rc = 0;

	if (!cn)
		return 0;
	pthread_spin_lock(&cn->expect_lock);
	for (b = 0; b < cn->expect_hsize && !rc; b++)
		for (e = cn->expect_hash[b]; e && !rc; e = e->hnext)
			if (!exp_expired(e, now))
				rc = fn(priv, e);
	pthread_spin_unlock(&cn->expect_lock);
	return rc;
}

unsigned ct_expect_flush(struct net *net)
{
	struct ct_net *cn = ct_net(net);
	unsigned b, n = 0;

	if (!cn)
		return 0;
	pthread_spin_lock(&cn->expect_lock);
	for (b = 0; b < cn->expect_hsize; b++)
		while (cn->expect_hash[b]) {
			unlink_expect(cn, cn->expect_hash[b]);
			n++;
		}
	pthread_spin_unlock(&cn->expect_lock);
	return n;
}

/* Printing, as conntrack(8) prints an expectation. */

static void addr_str(const struct ns_addr *a, char *buf, size_t n)
{
	inet_ntop(a->family == NS_PF_INET ? AF_INET : AF_INET6, a->all, buf,
		  (socklen_t)n);
}

static void tuple_part(struct sbuf *sb, const char *pfx,
		       const struct ns_addr *src, const struct ns_addr *dst,
		       uint16_t sport, uint16_t dport, uint8_t proto)
{
	char s[64], d[64];

	addr_str(src, s, sizeof(s));
	addr_str(dst, d, sizeof(d));
	sbuf_addf(sb, "%ssrc=%s %sdst=%s ", pfx, s, pfx, d);
	/* Ports only for the protocols conntrack prints them for. */
	if (proto == 6 || proto == 17 || proto == 136 || proto == 132 ||
	    proto == 33)
		sbuf_addf(sb, "sport=%u dport=%u ", ntohs(sport), ntohs(dport));
}

void ct_expect_print(const struct ct_expect *exp, uint64_t now,
		     struct sbuf *sb)
{
	const struct ct_tuple *t = &exp->tuple;
	const struct ct_tuple *mt = ct_tuple_of(exp->master, CT_DIR_ORIGINAL);
	struct ns_addr mdst = { .family = t->dst.family };
	uint64_t left = exp->timeout > now ? (exp->timeout - now) / NSEC : 0;

	memset(mdst.all, 0xff, t->dst.family == NS_PF_INET ? 4 : 16);
	sbuf_addf(sb, "%llu proto=%u ", (unsigned long long)left, t->proto);
	tuple_part(sb, "", &t->src, &t->dst, t->sport, t->dport, t->proto);
	/* The mask as ctnetlink sends it: the destination all ones. */
	tuple_part(sb, "mask-", &exp->mask.src, &mdst, exp->mask.sport,
		   0xffff, t->proto);
	tuple_part(sb, "master-", &mt->src, &mt->dst, mt->sport, mt->dport,
		   mt->proto);
	if (exp->flags & (CT_EXPECT_PERMANENT | CT_EXPECT_INACTIVE |
			  CT_EXPECT_USERSPACE)) {
		const char *sep = "";

		if (exp->flags & CT_EXPECT_PERMANENT) {
			sbuf_adds(sb, "PERMANENT");
			sep = ",";
		}
		if (exp->flags & CT_EXPECT_INACTIVE) {
			sbuf_addf(sb, "%sINACTIVE", sep);
			sep = ",";
		}
		if (exp->flags & CT_EXPECT_USERSPACE)
			sbuf_addf(sb, "%sUSERSPACE", sep);
		sbuf_addc(sb, ' ');
	}
	sbuf_addf(sb, "class=%u", exp->class);
	if (exp->helper)
		sbuf_addf(sb, " helper=%s", exp->helper->name);
}
