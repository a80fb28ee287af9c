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
	uint8_t pad[3];
};

struct cls_bucket {
	struct cls_key key;
	uint32_t n;              /* 0: empty slot */
	uint32_t cap;            /* 0: the one index is inline */
	union {
		uint32_t inl;
		uint32_t *idx;   /* n rule indices, ascending */
	} u;
};

static inline const uint32_t *cls_bucket_idx(const struct cls_bucket *b)
{
	return b->cap ? b->u.idx : &b->u.inl;
}

struct cls_tuple {
	struct cls_mask mask;
	uint32_t minidx, maxidx; /* over all its entries */
	uint32_t size;           /* slots, a power of two */
	uint32_t used;
	struct cls_bucket *b;
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
	uint32_t nbarriers;
};

/* FNV-1a of an interface name (up to 16 bytes, NUL-terminated). */
static inline uint32_t cls_name_hash(const char *name)
{
	uint32_t h = 2166136261u;
	unsigned i;

	for (i = 0; i < 16 && name[i]; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static inline uint32_t cls_key_hash(const struct cls_key *k)
{
	uint32_t a = k->src ^ k->in, b = k->dst ^ (k->out * 0x9e3779b1u);
	uint32_t c = ((uint32_t)k->sport << 16 | k->dport) ^
		     ((uint32_t)k->proto << 8);

	a += 0xdeadbeef;
	b += 0xdeadbeef;
	c += 0xdeadbeef;
	c ^= b; c -= (b << 14) | (b >> 18);
	a ^= c; a -= (c << 11) | (c >> 21);
	b ^= a; b -= (a << 25) | (a >> 7);
	c ^= b; c -= (b << 16) | (b >> 16);
	a ^= c; a -= (c << 4) | (c >> 28);
	b ^= a; b -= (a << 14) | (a >> 18);
	c ^= b; c -= (b << 24) | (b >> 8);
	return c;
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
 * rules are final), or share the one of the chain it was cloned from when
 * that had the same rules (old may be NULL). Leaves c->cls NULL when the
 * chain is short, the classifier is switched off, or memory runs out: the
 * linear scan then serves it, so this cannot fail. Control path.
 */
void xt_cls_build(struct xt_chain *c, const struct xt_chain *old);
/* Drop a chain's reference (control path, after the grace period). */
void xt_cls_put(struct xt_cls *cls);

/*
 * The knob: chains with at least min rules get a classifier; min < 0
 * switches it off. Read from NETSIEVE_CLASSIFIER at start-up ("0": off, a
 * number: min, default XT_CLS_MIN_RULES). Applies to generations built
 * after the call. Control path.
 */
#define XT_CLS_MIN_RULES 16
void xt_cls_set_min_rules(int min);
int xt_cls_min_rules(void);

#endif
