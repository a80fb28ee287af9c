/* SPDX-License-Identifier: MIT */
/*
 * The compiled classifier of one chain (doc/classifier.md): tuple-space
 * search over the fields of a rule's ip part and its first match's ports,
 * one hash table per mask shape, each entry holding the indices of the
 * rules with that masked key in ascending order. Built on the control path
 * (cls_build.c) when a generation is committed, immutable once published,
 * read by the data path (scan.c) without locks. Shared by src/xt/ only.
 */
#ifndef NS_XT_CLS_H
#define NS_XT_CLS_H

#include <stdbool.h>
#include <stdint.h>

struct xt_chain;

/* Changes a classifier takes before it is built anew. */
#define XT_CLS_MAX_EDITS 16

/*
 * A packet's key, or a rule's key under its tuple's mask: addresses in
 * network byte order, interface names as hashes (cls_name_hash), ports in
 * host order. Padding is zero so keys compare with memcmp.
 */
struct cls_key {
	uint32_t src, dst;
	uint32_t in, out;
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t pad[3];
};

/* A tuple's mask: which bits of each field its rules are keyed on. */
struct cls_mask {
	uint32_t src, dst;       /* network byte order */
	uint32_t in, out;        /* 0 or ~0 */
	uint16_t sport, dport;   /* host order prefixes */
	uint8_t proto;           /* 0 or 0xff */
	/* With proto 0xff, the protocol of every rule of the tuple: a
	 * packet of another is not looked up (no hash, no memory). */
	uint8_t proto_val;
	uint8_t pad[2];
};

/*
 * One rule under one key: its index and the exact values of what it is
 * keyed on (the tuple's mask may be coarser), checked before the rule
 * itself is touched. Ports in host order, addresses in network order.
 */
struct cls_ent {
	uint32_t idx;
	uint32_t src, smsk, dst, dmsk;
	uint16_t sport[2], dport[2];
};

static inline bool cls_ent_match(const struct cls_ent *e,
				 const struct cls_key *k)
{
	return (k->src & e->smsk) == e->src && (k->dst & e->dmsk) == e->dst &&
	       k->sport >= e->sport[0] && k->sport <= e->sport[1] &&
	       k->dport >= e->dport[0] && k->dport <= e->dport[1];
}

struct cls_bucket {
	struct cls_key key;
	uint32_t n;              /* 0: empty slot */
	uint32_t cap;            /* 0: the one entry is inline */
	union {
		struct cls_ent inl;
		struct cls_ent *ent;  /* n entries, ascending idx */
	} u;
};

static inline const struct cls_ent *cls_bucket_ents(const struct cls_bucket *b)
{
	return b->cap ? b->u.ent : &b->u.inl;
}

/*
 * A hash table of one mask. Its buckets may be shared with the classifier
 * of the generation before (an incremental build, cls_build.c): *refs
 * counts the tuples that point to them, and their entries hold rule
 * indices of the chain as it was then: the classifier's edits from
 * from_edit on map them to today's (cls_map).
 */
struct cls_tuple {
	struct cls_mask mask;
	uint32_t minidx, maxidx; /* bounds of its entries, today's indices */
	uint32_t from_edit;      /* edits that apply to its entries */
	uint32_t size;           /* slots, a power of two */
	uint32_t used;
	struct cls_bucket *b;
	unsigned *refs;
};

struct xt_cls {
	unsigned refs;           /* generations sharing it (control path) */
	uint32_t nrules;
	uint32_t ntuples;
	struct cls_tuple *t;     /* ascending minidx */
	/*
	 * next_barrier[i]: the first rule at or after i that the classifier
	 * leaves to the linear scan (a match that is not cls_pure), or
	 * nrules; nrules + 1 entries.
	 */
	uint32_t *next_barrier;
	uint32_t nextra;         /* tuples added by incremental builds */
	/*
	 * Changes since the last full build, oldest first: the rules at
	 * [pos, pos + ndel) were replaced by nins others, so an index at or
	 * after pos + ndel moves by nins - ndel.
	 */
	uint32_t nedits;
	struct cls_edit {
		uint32_t pos, ndel, nins;
	} edits[XT_CLS_MAX_EDITS];
};

/*
 * A tuple's rule index as of today: edits from `from` on applied. An
 * index whose rule was replaced since is dead (*dead set) and maps to the
 * position of the change, which keeps the mapping monotone.
 */
static inline uint32_t cls_map(const struct xt_cls *cls, uint32_t from,
			       uint32_t idx, bool *dead)
{
	uint32_t e;

	for (e = from; e < cls->nedits; e++) {
		const struct cls_edit *ed = &cls->edits[e];

		if (idx < ed->pos)
			continue;
		if (idx < ed->pos + ed->ndel) {
			*dead = true;
			idx = ed->pos;
			continue;
		}
		idx = idx - ed->ndel + ed->nins;
	}
	return idx;
}

/* FNV-1a of an interface name (up to 16 bytes, NUL-terminated). */
static inline uint32_t cls_name_hash(const char *name)
{
	uint32_t h = 2166136261u;
	unsigned i;

	for (i = 0; i < 16 && name[i]; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

/* Multiply-xorshift over the key's three 64-bit words. */
static inline uint32_t cls_key_hash(const struct cls_key *k)
{
	uint64_t w0 = (uint64_t)k->src | (uint64_t)k->dst << 32;
	uint64_t w1 = (uint64_t)k->in | (uint64_t)k->out << 32;
	uint64_t w2 = (uint64_t)k->sport | (uint64_t)k->dport << 16 |
		      (uint64_t)k->proto << 32;
	uint64_t h = w0 * 0x9e3779b97f4a7c15ull;

	h ^= h >> 29;
	h += w1 * 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	h += w2 * 0x94d049bb133111ebull;
	h ^= h >> 29;
	h *= 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32);
}

static inline void cls_key_apply(struct cls_key *out, const struct cls_key *k,
				 const struct cls_mask *m)
{
	out->src = k->src & m->src;
	out->dst = k->dst & m->dst;
	out->in = k->in & m->in;
	out->out = k->out & m->out;
	out->sport = k->sport & m->sport;
	out->dport = k->dport & m->dport;
	out->proto = k->proto & m->proto;
	out->pad[0] = out->pad[1] = out->pad[2] = 0;
}

/*
 * Build the classifier of chain c of a draft about to be published (c's
 * rules are final). With old, the published chain c was cloned from (may
 * be NULL), it shares old's classifier when the rules are the same, and
 * when only the rules between c->dirty and the c->keep last changed (one
 * -A, -I, -D or -R) shares old's tables, notes the index shift as an
 * edit, and builds tables for the new rules alone. Leaves c->cls NULL when the
 * chain is short, the classifier is switched off, or memory runs out: the
 * linear scan then serves it, so this cannot fail. Control path.
 */
void xt_cls_build(struct xt_chain *c, const struct xt_chain *old);
/* Drop a chain's reference (control path, after the grace period). */
void xt_cls_put(struct xt_cls *cls);

/*
 * The knob (process-wide): chains with at least min rules get a
 * classifier; min < 0 switches it off. Read from NETSIEVE_CLASSIFIER when
 * first needed ("0" or "off": off, a number: min, default
 * XT_CLS_MIN_RULES, measured in doc/benchmarks.md). Applies to
 * generations built after the call. Control path.
 */
#define XT_CLS_MIN_RULES 16
/* Entries a bucket takes before a rule goes to another tuple. */
#define XT_CLS_BUCKET_MAX 8
void xt_cls_set_min_rules(int min);
int xt_cls_min_rules(void);

#endif
