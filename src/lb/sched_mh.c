// SPDX-License-Identifier: MIT
/*
 * Maglev hashing scheduling (the kernel's ip_vs_mh.c): a lookup table of
 * 4093 slots (the prime for CONFIG_IP_VS_MH_TAB_INDEX 12) filled Maglev's
 * way. Each destination has a permutation of the slots, an offset and a
 * skip from two keyed hashes of its address and port; in list order, the
 * destinations take turns claiming the next free slot of their
 * permutation, each as many times in a turn as its last non-zero weight
 * divided by the weights' gcd (shifted right so the largest fits in 6
 * bits; 1 at least), until every slot is taken. A new connection goes to
 * the slot of hash(source address + source port); the port counts only
 * with LB_SVC_F_SCHED_MH_PORT and for TCP, UDP and SCTP. A destination
 * with a weight of 0 (it keeps its slots: last_weight) or overloaded
 * gives no pick, unless LB_SVC_F_SCHED_MH_FALLBACK is set: then the slots
 * of hash(offset + port + address) for offsets from the first slot on are
 * tried until one holds an available destination.
 *
 * The hash is the kernel's hsiphash() on a 64-bit machine, which is
 * SipHash-1-3 (one compression round, three finalisation rounds) with a
 * 128-bit key, truncated to 32 bits, over the 4 bytes of the u32 value in
 * memory (little-endian on x86), with the kernel's fixed keys
 * (2654435761 twice, and 2654446892 twice for the skips). Checked
 * against the oracle: see tests/unit/test_lb_sched.c.
 *
 * The table (sched_data) is refilled on the control path on every change
 * (allocating the permutation state and a bitmap there) and read on the
 * data path under RCU; done_service frees it after a grace period.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MH_TAB_SIZE 4093u   /* primes[CONFIG_IP_VS_MH_TAB_INDEX - 8] */
#define MH_TAB_BITS 6       /* CONFIG_IP_VS_MH_TAB_INDEX / 2 */

struct mh_key {
	uint64_t k0, k1;
};

/* generate_hash_secret(): fixed, so every director builds the same table. */
static const struct mh_key mh_hash1 = { 2654435761ull, 2654435761ull };
static const struct mh_key mh_hash2 = { 2654446892ull, 2654446892ull };

struct mh_dest_setup {
	unsigned offset;   /* starting slot */
	unsigned skip;     /* step through the slots */
	unsigned perm;     /* next slot to try */
	int turns;         /* slots claimed per turn */
};

struct mh_state {
	struct lb_dest *lookup[MH_TAB_SIZE];   /* RCU */
	int gcd;
	int rshift;
	struct rcu_head rcu;
};

static inline uint64_t rol64(uint64_t w, unsigned s)
{
	return (w << s) | (w >> (64 - s));
}

#define SIPROUND                                                        \
	do {                                                            \
		v0 += v1; v1 = rol64(v1, 13); v1 ^= v0; v0 = rol64(v0, 32); \
		v2 += v3; v3 = rol64(v3, 16); v3 ^= v2;                 \
		v0 += v3; v3 = rol64(v3, 21); v3 ^= v0;                 \
		v2 += v1; v1 = rol64(v1, 17); v1 ^= v2; v2 = rol64(v2, 32); \
	} while (0)

/*
 * hsiphash() of a 4-byte value as the kernel computes it on 64-bit
 * machines (SipHash-1-3, result truncated to 32 bits). The value's bytes
 * are taken little-endian, as x86 lays a u32 out in memory.
 */
static uint32_t mh_hsiphash_u32(uint32_t v, const struct mh_key *key)
{
	uint64_t v0 = 0x736f6d6570736575ull ^ key->k0;
	uint64_t v1 = 0x646f72616e646f6dull ^ key->k1;
	uint64_t v2 = 0x6c7967656e657261ull ^ key->k0;
	uint64_t v3 = 0x7465646279746573ull ^ key->k1;
	uint64_t b = ((uint64_t)4 << 56) | v;

	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return (uint32_t)((v0 ^ v1) ^ (v2 ^ v3));
}

/* ip_vs_mh_hashkey: offset, port and folded address summed, hashed. */
static uint32_t mh_hashkey(uint16_t af, const struct ns_addr *addr,
			   uint16_t port, const struct mh_key *key,
			   unsigned offset)
{
	uint32_t v = offset + ntohs(port) + lb_addr_fold(af, addr);

	return mh_hsiphash_u32(v, key);
}

static bool mh_unavailable(const struct lb_dest *d)
{
	return lb_dest_weight(d) <= 0 || lb_dest_overloaded(d);
}

static int mh_last_weight(const struct lb_dest *d)
{
	return atomic_load_explicit(&d->last_weight, memory_order_relaxed);
}

static void mh_reset(struct mh_state *s)
{
	for (unsigned i = 0; i < MH_TAB_SIZE; i++)
		ns_rcu_assign(s->lookup[i], NULL);
}

/* ip_vs_mh_permutate: offset, skip and turns of each dest, list order. */
static void mh_permutate(struct mh_state *s, struct lb_service *svc,
			 struct mh_dest_setup *ds)
{
	struct lb_dest *dest;

	if (s->gcd < 1)
		return;
	cds_list_for_each_entry(dest, &svc->destinations, n_list) {
		int lw = mh_last_weight(dest);

		ds->offset = mh_hashkey(svc->af, &dest->addr, dest->port,
					&mh_hash1, 0) % MH_TAB_SIZE;
		ds->skip = mh_hashkey(svc->af, &dest->addr, dest->port,
				      &mh_hash2, 0) % (MH_TAB_SIZE - 1) + 1;
		ds->perm = ds->offset;
		ds->turns = (lw / s->gcd) >> s->rshift;
		if (!ds->turns)
			ds->turns = lw != 0;
		ds++;
	}
}

/*
 * ip_vs_mh_populate: dests in list order claim the next free slot of
 * their permutation, turns times each, round after round, until the
 * table is full. Slots keep their pointer when it does not change, so
 * readers see only the slots that move.
 */
static int mh_populate(struct mh_state *s, struct lb_service *svc,
		       struct mh_dest_setup *setup)
{
	struct cds_list_head *p;
	struct mh_dest_setup *ds;
	unsigned long *table;
	unsigned n = 0;
	int dt_count = 0;
	const unsigned lbits = 8 * sizeof(unsigned long);

	if (s->gcd < 1) {
		mh_reset(s);
		return 0;
	}
	table = calloc((MH_TAB_SIZE + lbits - 1) / lbits, sizeof(*table));
	if (!table)
		return -ENOMEM;
	p = &svc->destinations;
	while (n < MH_TAB_SIZE) {
		if (p == &svc->destinations)
			p = p->next;
		ds = setup;
		while (p != &svc->destinations) {
			struct lb_dest *new_dest;
			unsigned c;

			/* A dest added with weight 0 gets no slot. */
			if (ds->turns < 1) {
				p = p->next;
				ds++;
				continue;
			}
			c = ds->perm;
			while (table[c / lbits] & (1ul << (c % lbits))) {
				ds->perm += ds->skip;
				if (ds->perm >= MH_TAB_SIZE)
					ds->perm -= MH_TAB_SIZE;
				c = ds->perm;
			}
			table[c / lbits] |= 1ul << (c % lbits);
			new_dest = cds_list_entry(p, struct lb_dest, n_list);
			if (s->lookup[c] != new_dest)
				ns_rcu_assign(s->lookup[c], new_dest);
			if (++n == MH_TAB_SIZE)
				goto out;
			if (++dt_count >= ds->turns) {
				dt_count = 0;
				p = p->next;
				ds++;
			}
		}
	}
out:
	free(table);
	return 0;
}

/* ip_vs_mh_gcd_weight: gcd of the positive last weights, 0 if none. */
static int mh_gcd_weight(struct lb_service *svc)
{
	struct lb_dest *dest;
	int g = 0;

	cds_list_for_each_entry(dest, &svc->destinations, n_list) {
		int w = mh_last_weight(dest);

		if (w > 0)
			g = g > 0 ? lb_gcd(w, g) : w;
	}
	return g;
}

/* ip_vs_mh_shift_weight: bits of max/gcd beyond MH_TAB_BITS. */
static int mh_shift_weight(struct lb_service *svc, int gcd)
{
	struct lb_dest *dest;
	int weight = 0, mw, shift, fls = 0;

	if (gcd < 1)
		return 0;
	cds_list_for_each_entry(dest, &svc->destinations, n_list)
		if (mh_last_weight(dest) > weight)
			weight = mh_last_weight(dest);
	mw = weight / gcd;
	while (fls < 32 && (mw >> fls))
		fls++;
	shift = fls - MH_TAB_BITS;
	return shift >= 0 ? shift : 0;
}

/*
 * ip_vs_mh_reassign: -EINVAL past 4093 dests, -ENOMEM. Control path.
 * The list is counted rather than svc->num_dests trusted: the setup array
 * is indexed by list position.
 */
static int mh_reassign(struct mh_state *s, struct lb_service *svc)
{
	struct mh_dest_setup *setup = NULL;
	struct lb_dest *dest;
	unsigned n = 0;
	int ret;

	cds_list_for_each_entry(dest, &svc->destinations, n_list)
		n++;
	if (n > MH_TAB_SIZE)
		return -EINVAL;
	if (n >= 1) {
		setup = calloc(n, sizeof(*setup));
		if (!setup)
			return -ENOMEM;
	}
	mh_permutate(s, svc, setup);
	ret = mh_populate(s, svc, setup);
	free(setup);
	return ret;
}

static int mh_init_service(struct lb_service *svc)
{
	struct mh_state *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->gcd = mh_gcd_weight(svc);
	s->rshift = mh_shift_weight(svc, s->gcd);
	ret = mh_reassign(s, svc);
	if (ret < 0) {
		free(s);
		return ret;
	}
	svc->sched_data = s;
	return 0;
}

static void mh_free_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct mh_state, rcu));
}

static void mh_done_service(struct lb_service *svc)
{
	struct mh_state *s = svc->sched_data;

	svc->sched_data = NULL;
	call_rcu(&s->rcu, mh_free_rcu);
}

static int mh_dest_changed(struct lb_service *svc, struct lb_dest *dest)
{
	struct mh_state *s = svc->sched_data;

	(void)dest;
	s->gcd = mh_gcd_weight(svc);
	s->rshift = mh_shift_weight(svc, s->gcd);
	return mh_reassign(s, svc);
}

/* ip_vs_mh_get_port: the source port of TCP, UDP and SCTP only. */
static uint16_t mh_port(const struct lb_iph *iph)
{
	switch (iph->protocol) {
	case LB_PROTO_TCP:
	case LB_PROTO_UDP:
	case LB_PROTO_SCTP:
		return iph->sport;
	default:
		return 0;
	}
}

static struct lb_dest *mh_schedule(struct lb_service *svc,
				   const struct lb_iph *iph, struct sbuf *why)
{
	struct mh_state *s = svc->sched_data;
	const struct ns_addr *addr = &iph->saddr;
	uint16_t port = 0;
	unsigned ihash, hash, offset = 0;
	struct lb_dest *dest, *first;

	if (svc->flags & LB_SVC_F_SCHED_MH_PORT)
		port = mh_port(iph);
	ihash = hash = mh_hashkey(svc->af, addr, port, &mh_hash1, 0) %
		       MH_TAB_SIZE;
	first = dest = ns_rcu_dereference(s->lookup[ihash]);
	if (dest && mh_unavailable(dest)) {
		dest = NULL;
		/*
		 * ip_vs_mh_get_fallback: the slot of hash(offset + port +
		 * address) for offsets from the first slot on; an empty
		 * slot ends it.
		 */
		if (svc->flags & LB_SVC_F_SCHED_MH_FALLBACK) {
			for (offset = 0; offset < MH_TAB_SIZE; offset++) {
				unsigned roffset = (offset + ihash) %
						   MH_TAB_SIZE;

				hash = mh_hashkey(svc->af, addr, port,
						  &mh_hash1, roffset) %
				       MH_TAB_SIZE;
				dest = ns_rcu_dereference(s->lookup[hash]);
				if (!dest)
					break;
				if (!mh_unavailable(dest))
					break;
				dest = NULL;
			}
		}
	}
	if (!dest) {
		lb_sched_none(svc, why, "mh", "no destination available");
		if (why) {
			sbuf_addf(why, " (slot %u: ", ihash);
			if (first)
				lb_why_dest(why, first);
			sbuf_adds(why, first ? " unavailable)" : "empty)");
		}
		return NULL;
	}
	if (why) {
		sbuf_adds(why, "mh: ");
		lb_why_addr(why, svc->af, addr);
		if (port)
			sbuf_addf(why, " port %u", ntohs(port));
		if (hash != ihash || dest != first)
			sbuf_addf(why, " slot %u unavailable, fallback "
				  "offset %u", ihash, offset);
		sbuf_addf(why, " slot %u -> ", hash);
		lb_why_dest(why, dest);
	}
	return dest;
}

const struct lb_scheduler lb_sched_mh = {
	.name = "mh",
	.init_service = mh_init_service,
	.done_service = mh_done_service,
	.add_dest = mh_dest_changed,
	.del_dest = mh_dest_changed,
	.upd_dest = mh_dest_changed,
	.schedule = mh_schedule,
};
