// SPDX-License-Identifier: MIT
/*
 * NAT's by-source table, as the kernel's nf_nat_bysource: every entry
 * that had a source manip set up (a real binding or a null one), chained
 * by a hash of its original source (address, port or id, protocol, zone).
 * get_unique_tuple() asks it first (find_appropriate_src): a client whose
 * source is not in the range gets the mapping an existing connection of
 * the same source already has, when that gives a free tuple in the
 * range. That keeps one source address and port on one outside address
 * and port across its connections, even after a clash moved it.
 *
 * Readers walk chains inside the worker's RCU read section; writers take
 * one of BYSRC_LOCKS striped spinlocks. An entry leaves its chain before
 * it is freed after a grace period (ct_nat_unlink_hook, called by the
 * table). Data path (add, find) and any thread (unlink).
 */
#include "nat/nat_int.h"

#include "base/hash.h"

#include <errno.h>
#include <stdlib.h>

#define BYSRC_LOCKS 256u

struct nat_bysrc {
	uint32_t seed;
	unsigned nbuckets;       /* nf_conntrack_buckets, as the kernel's */
	struct ct_conn *_Atomic *chain;
	pthread_spinlock_t locks[BYSRC_LOCKS];
};

static unsigned bucket(const struct nat_bysrc *b, const struct ct_tuple *t,
		       uint16_t zone)
{
	uint32_t a = t->src.all[0] ^ t->src.all[1] ^ t->src.all[2] ^
		     t->src.all[3];
	uint32_t h = ns_hash_3words(a, (uint32_t)t->sport << 8 | t->proto,
				    zone, b->seed);

	return (unsigned)(((uint64_t)h * b->nbuckets) >> 32);
}

/* same_src(): protocol, source address and port (or id) alike. */
static bool same_src(const struct ct_tuple *a, const struct ct_tuple *b)
{
	if (a->proto != b->proto || a->sport != b->sport ||
	    a->src.family != b->src.family)
		return false;
	if (a->src.family == NS_PF_INET)
		return a->src.ip == b->src.ip;
	return !memcmp(a->src.ip6, b->src.ip6, 16);
}

int nat_bysrc_init(struct nat_net *nn)
{
	struct nat_bysrc *b = calloc(1, sizeof(*b));
	unsigned i;

	if (!b)
		return -ENOMEM;
	/* As nf_nat_htable_size: the conntrack table's size. */
	b->nbuckets = ct_sysctl(nn->net) ? ct_sysctl(nn->net)->buckets : 0;
	if (b->nbuckets < 1024)
		b->nbuckets = 1024;
	b->chain = calloc(b->nbuckets, sizeof(*b->chain));
	if (!b->chain) {
		free(b);
		return -ENOMEM;
	}
	b->seed = (uint32_t)(nn->net->seed >> 17) ^ 0x6e617462u;
	for (i = 0; i < BYSRC_LOCKS; i++)
		pthread_spin_init(&b->locks[i], PTHREAD_PROCESS_PRIVATE);
	nn->bysrc = b;
	return 0;
}

void nat_bysrc_fini(struct nat_net *nn)
{
	struct nat_bysrc *b = nn->bysrc;
	unsigned i;

	if (!b)
		return;
	for (i = 0; i < BYSRC_LOCKS; i++)
		pthread_spin_destroy(&b->locks[i]);
	free(b->chain);
	free(b);
	nn->bysrc = NULL;
}

void nat_bysrc_add(struct net *net, struct ct_conn *ct)
{
	struct nat_net *nn = nat_net(net);
	struct nat_bysrc *b = nn ? nn->bysrc : NULL;
	unsigned i;

	if (!b || (ct->flags & CT_F_NAT_BYSRC))
		return;
	i = bucket(b, ct_tuple_of(ct, CT_DIR_ORIGINAL), ct->zone);
	pthread_spin_lock(&b->locks[i % BYSRC_LOCKS]);
	atomic_store_explicit(&ct->nat_bysrc_next,
			      atomic_load_explicit(&b->chain[i],
						   memory_order_relaxed),
			      memory_order_relaxed);
	atomic_store_explicit(&b->chain[i], ct, memory_order_release);
	ct->flags |= CT_F_NAT_BYSRC;
	pthread_spin_unlock(&b->locks[i % BYSRC_LOCKS]);
}

/* ct_nat_unlink_hook: the entry leaves (killed or never confirmed). */
static void bysrc_unlink(struct net *net, struct ct_conn *ct)
{
	struct nat_net *nn = nat_net(net);
	struct nat_bysrc *b = nn ? nn->bysrc : NULL;
	struct ct_conn *_Atomic *pp;
	struct ct_conn *cur;
	unsigned i;

	if (!b)
		return;
	i = bucket(b, ct_tuple_of(ct, CT_DIR_ORIGINAL), ct->zone);
	pthread_spin_lock(&b->locks[i % BYSRC_LOCKS]);
	for (pp = &b->chain[i];
	     (cur = atomic_load_explicit(pp, memory_order_relaxed));
	     pp = &cur->nat_bysrc_next) {
		if (cur == ct) {
			/* Readers on ct still follow its next: it stays. */
			atomic_store_explicit(pp,
				atomic_load_explicit(&ct->nat_bysrc_next,
						     memory_order_relaxed),
				memory_order_release);
			break;
		}
	}
	pthread_spin_unlock(&b->locks[i % BYSRC_LOCKS]);
}

void nat_bysrc_start(void)
{
	atomic_store_explicit(&ct_nat_unlink_hook, bysrc_unlink,
			      memory_order_release);
}

bool nat_bysrc_find(struct net *net, uint16_t zone,
		    const struct ct_tuple *orig, struct ct_tuple *result,
		    const struct nat_range *r)
{
	struct nat_net *nn = nat_net(net);
	struct nat_bysrc *b = nn ? nn->bysrc : NULL;
	struct ct_conn *ct;

	if (!b)
		return false;
	ct = atomic_load_explicit(&b->chain[bucket(b, orig, zone)],
				  memory_order_acquire);
	for (; ct; ct = atomic_load_explicit(&ct->nat_bysrc_next,
					     memory_order_acquire)) {
		if (ct->zone != zone ||
		    !same_src(ct_tuple_of(ct, CT_DIR_ORIGINAL), orig))
			continue;
		/* Its source as translated, towards our destination. */
		nat_invert_tuple(result, ct_tuple_of(ct, CT_DIR_REPLY));
		result->dst = orig->dst;
		if (nat_in_range(result, r))
			return true;
	}
	return false;
}
