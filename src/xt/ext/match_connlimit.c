// SPDX-License-Identifier: MIT
/*
 * The "connlimit" match (libxt_connlimit revision 1 + the kernel's
 * xt_connlimit.c over nf_conncount.c): counts the connections whose
 * source (--connlimit-saddr, the default) or destination
 * (--connlimit-daddr) address, under --connlimit-mask, and zone equal the
 * packet's, and matches when there are more than --connlimit-above (or at
 * most --connlimit-upto) of them.
 *
 * Counting is nf_conncount's: each rule keeps, per masked address, the
 * tuples of the connections its packets belonged to. A packet adds its
 * connection's tuple unless it is there already or the connection is
 * ASSURED (a confirmed, assured connection was counted when it was set
 * up); the list is cleaned lazily, while it is walked: a tuple whose
 * connection left the table (or is a TCP connection in TIME_WAIT/CLOSE)
 * is dropped, unless it was added less than two ticks ago by another
 * worker (its connection may not be confirmed yet). Cleaning is skipped
 * when the list was cleaned in the same tick and grew by fewer than 64
 * since. A key with no tuple left is freed when a packet with another key
 * walks its slot.
 *
 * The state is the rule's, per ruleset generation (state_create), as the
 * kernel's checkentry allocates it for every table replace: a new
 * generation counts from zero and relearns the connections from their
 * next packets. Its tuples live in a pool sized at creation
 * (CL_MAX_CONNS): the data path allocates nothing, and a rule that would
 * need more drops the packet, as the kernel does when its allocation
 * fails (hotdrop). One lock per rule guards it (data path, short).
 * Control path: parse/save/print/check/state_*; data path: match().
 */
#include "xt/ext.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netdb.h>
#include <sys/socket.h>

#include "base/compiler.h"
#include "core/net.h"
#include "core/worker.h"
#include "ct/ct.h"
#include "pkt/pkt.h"

enum {
	O_UPTO = 0,
	O_ABOVE,
	O_MASK,
	O_SADDR,
	O_DADDR,
};

#define CL_F_INVERT 0x1      /* XT_CONNLIMIT_INVERT */
#define CL_F_DADDR 0x2       /* XT_CONNLIMIT_DADDR */

/* The kernel's struct xt_connlimit_info for IPv4 (mask NBO). */
struct connlimit_info {
	uint32_t mask;
	uint32_t limit;
	uint32_t flags;
};

static const struct xt_option connlimit_opts[] = {
	{ "connlimit-upto", O_UPTO, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "connlimit-above", O_ABOVE, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "connlimit-mask", O_MASK, XTO_ARG | XTO_ONCE },
	{ "connlimit-saddr", O_SADDR, XTO_ONCE },
	{ "connlimit-daddr", O_DADDR, XTO_ONCE },
	{ NULL },
};

static const struct xt_fcheck connlimit_fcheck[] = {
	{ "connlimit-upto", O_UPTO, false, 0, 1u << O_ABOVE },
	{ "connlimit-above", O_ABOVE, false, 0, 1u << O_UPTO },
	{ "connlimit-mask", O_MASK, false, 0, 0 },
	{ "connlimit-saddr", O_SADDR, false, 0, 1u << O_DADDR },
	{ "connlimit-daddr", O_DADDR, false, 0, 1u << O_SADDR },
	{ NULL },
};

/* connlimit_init(): the mask is all ones until --connlimit-mask. */
static void connlimit_init(void *data)
{
	struct connlimit_info *info = data;

	info->mask = 0xffffffffu;
}

/*
 * XTTYPE_PLENMASK: a prefix length 0-32, or a dotted mask (one that is
 * not a prefix counts as /32, as xtopt_parse_plenmask() leaves it).
 */
static int parse_plenmask(struct xt_parse_ctx *ctx, const char *arg,
			  uint32_t *mask)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_flags = AI_NUMERICHOST };
	struct addrinfo *res;
	uint64_t plen;
	int cidr;

	if (!xt_strtoui(arg, NULL, &plen, 0, 32)) {
		cidr = (int)plen;
	} else if (!getaddrinfo(arg, NULL, &hints, &res)) {
		cidr = xt_mask_plen(((const struct sockaddr_in *)
				  res->ai_addr)->sin_addr.s_addr);
		freeaddrinfo(res);
	} else {
		return xt_perr(ctx, "connlimit: bad value for option "
			       "\"--connlimit-mask\", neither a valid network "
			       "mask nor valid CIDR (0-32).\n");
	}
	*mask = 0xffffffffu;
	if (cidr >= 0)
		*mask = cidr ? htonl(0xffffffffu << (32 - cidr)) : 0;
	return 0;
}

static int connlimit_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			   bool invert, void *data)
{
	struct connlimit_info *info = data;
	uint64_t v;

	switch (id) {
	case O_UPTO:
	case O_ABOVE:
		if (xt_parse_uint_opt(ctx, "connlimit", connlimit_opts[id].name,
				      arg, 0, UINT32_MAX, &v))
			return -1;
		info->limit = (uint32_t)v;
		/* upto n is "not above n"; '!' turns either around. */
		if ((id == O_ABOVE) == invert)
			info->flags |= CL_F_INVERT;
		return 0;
	case O_MASK:
		return parse_plenmask(ctx, arg, &info->mask);
	case O_SADDR:
		info->flags &= ~CL_F_DADDR;
		return 0;
	case O_DADDR:
		info->flags |= CL_F_DADDR;
		return 0;
	}
	return xt_perr(ctx, "connlimit: unknown option");
}

static int connlimit_final_check(struct xt_parse_ctx *ctx, unsigned seen,
				 void *data)
{
	(void)data;
	if (!(seen & ((1u << O_UPTO) | (1u << O_ABOVE))))
		return xt_perr(ctx, "You must specify \"--connlimit-above\" "
			       "or \"--connlimit-upto\".");
	return xt_fcheck(ctx, "connlimit", connlimit_fcheck, seen);
}

/* libxt_connlimit's count_bits4(): 32 minus the bits after the last 1. */
static unsigned count_bits(uint32_t mask)
{
	unsigned bits = 0;
	uint32_t m;

	for (m = ~ntohl(mask); m; m >>= 1)
		bits++;
	return 32 - bits;
}

static void connlimit_save(const void *data, const struct xt_ip *ip,
			   struct sbuf *sb)
{
	const struct connlimit_info *info = data;

	(void)ip;
	sbuf_addf(sb, " --connlimit-%s %u",
		  info->flags & CL_F_INVERT ? "upto" : "above", info->limit);
	sbuf_addf(sb, " --connlimit-mask %u", count_bits(info->mask));
	sbuf_adds(sb, info->flags & CL_F_DADDR ? " --connlimit-daddr" :
						  " --connlimit-saddr");
}

static void connlimit_print(const void *data, const struct xt_ip *ip,
			    bool numeric, struct sbuf *sb)
{
	const struct connlimit_info *info = data;

	(void)ip;
	(void)numeric;
	sbuf_addf(sb, " #conn %s/%u %s %u",
		  info->flags & CL_F_DADDR ? "dst" : "src",
		  count_bits(info->mask),
		  info->flags & CL_F_INVERT ? "<=" : ">", info->limit);
}

/* connlimit_mt_check() needs conntrack: nf_conncount_init() gets it. */
static int connlimit_check(const struct xt_check_ctx *ctx, const void *data)
{
	(void)data;
	return ctx->net ? ct_net_enable(ctx->net) : 0;
}

/* ---- nf_conncount ---- */

#define CL_SLOTS 256u          /* CONNCOUNT_SLOTS */
#define CL_GC_MAX_NODES 8u     /* CONNCOUNT_GC_MAX_NODES */
#define CL_GC_MAX_COLLECT 64u  /* CONNCOUNT_GC_MAX_COLLECT */
#define CL_MAX_CONNS 8192u     /* tuples one rule can hold */
#define CL_NONE UINT32_MAX
/* The kernel's jiffy at HZ=250: the grain of "cleaned just now". */
#define CL_TICK_NS 4000000ull

struct cl_conn {
	uint32_t next;          /* in its key's list, or the free list */
	uint16_t zone;
	int16_t worker;         /* who added it (the kernel's cpu) */
	uint32_t tick;          /* when (jiffies32) */
	struct ct_tuple tuple;  /* the connection's original tuple */
};

struct cl_key {
	uint32_t next;          /* in its slot's chain, or the free list */
	uint32_t key[2];        /* masked address (NBO), zone */
	uint32_t head, tail;    /* its tuples */
	uint32_t count;
	uint32_t last_gc, last_gc_count;
};

struct cl_state {
	atomic_flag lock;
	uint32_t free_conn, free_key;
	uint32_t slot[CL_SLOTS];
	struct cl_key keys[CL_MAX_CONNS];
	struct cl_conn conns[CL_MAX_CONNS];
};

static int connlimit_state_create(const void *data, void **state)
{
	struct cl_state *s;
	uint32_t i;

	(void)data;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	atomic_flag_clear(&s->lock);
	for (i = 0; i < CL_SLOTS; i++)
		s->slot[i] = CL_NONE;
	for (i = 0; i < CL_MAX_CONNS; i++) {
		s->conns[i].next = i + 1 < CL_MAX_CONNS ? i + 1 : CL_NONE;
		s->keys[i].next = i + 1 < CL_MAX_CONNS ? i + 1 : CL_NONE;
	}
	s->free_conn = 0;
	s->free_key = 0;
	*state = s;
	return 0;
}

static void connlimit_state_destroy(void *state)
{
	free(state);
}

static void cl_lock(struct cl_state *s)
{
	while (atomic_flag_test_and_set_explicit(&s->lock,
						 memory_order_acquire))
		__builtin_ia32_pause();
}

static void cl_unlock(struct cl_state *s)
{
	atomic_flag_clear_explicit(&s->lock, memory_order_release);
}

/* One packet's view: its connection (if any), tuple and zone. */
struct cl_pkt {
	struct net *net;
	const struct ct_conn *ct;
	struct ct_tuple tuple;
	uint16_t zone;
	uint32_t tick;
};

/*
 * get_ct_or_tuple_from_skb(): the packet's own entry, or its tuple and
 * the confirmed entry that has it. false when no tuple can be made.
 */
static bool cl_pkt_init(struct cl_pkt *p, const struct pkt *pkt,
			struct net *net)
{
	const struct ct_l4proto *l4;
	enum ct_dir dir;

	p->net = net;
	p->tick = (uint32_t)(net_now(net) / CL_TICK_NS);
	if (pkt->ct) {
		p->ct = pkt->ct;
		p->tuple = *ct_tuple_of(pkt->ct, CT_DIR_ORIGINAL);
		p->zone = pkt->ct->zone;
		return true;
	}
	memset(&p->tuple, 0, sizeof(p->tuple));
	p->tuple.src = pkt->desc.saddr;
	p->tuple.dst = pkt->desc.daddr;
	p->tuple.proto = pkt->desc.proto;
	l4 = ct_l4proto_find(pkt->desc.proto);
	if (l4 && l4->pkt_to_tuple && !l4->pkt_to_tuple(pkt, &p->tuple))
		return false;
	p->zone = pkt->ct_tmpl ? pkt->ct_tmpl->zone : 0;
	p->ct = ct_find(net, &p->tuple, p->zone, &dir);
	return true;
}

/* already_closed(). */
static bool cl_closed(const struct ct_conn *ct)
{
	uint8_t st;

	if (ct_tuple_of(ct, CT_DIR_ORIGINAL)->proto != IPPROTO_TCP)
		return false;
	st = __atomic_load_n(&ct->proto.tcp.state, __ATOMIC_RELAXED);
	return st == CT_TCP_TIME_WAIT || st == CT_TCP_CLOSE;
}

/* Unlink conn c (after prev, CL_NONE: the head) from key k, free it. */
static void cl_conn_free(struct cl_state *s, struct cl_key *k, uint32_t prev,
			 uint32_t c)
{
	uint32_t next = s->conns[c].next;

	if (prev == CL_NONE)
		k->head = next;
	else
		s->conns[prev].next = next;
	if (k->tail == c)
		k->tail = prev;
	s->conns[c].next = s->free_conn;
	s->free_conn = c;
	k->count--;
}

enum { CL_FOUND, CL_GONE, CL_AGAIN };

/*
 * find_or_evict(): is the connection of tuple c still there? Gone ones
 * are freed unless another worker added them less than two ticks ago.
 */
static int cl_find_or_evict(struct cl_state *s, struct cl_key *k,
			    uint32_t prev, uint32_t c, const struct cl_pkt *p,
			    struct ct_conn **found)
{
	struct cl_conn *cc = &s->conns[c];
	enum ct_dir dir;

	*found = ct_find(p->net, &cc->tuple, cc->zone, &dir);
	if (*found)
		return CL_FOUND;
	if (cc->worker == ns_worker_id || p->tick - cc->tick >= 2) {
		cl_conn_free(s, k, prev, c);
		return CL_GONE;
	}
	return CL_AGAIN;
}

static bool cl_same(const struct cl_conn *cc, const struct cl_pkt *p)
{
	return cc->zone == p->zone && ct_tuple_equal(&cc->tuple, &p->tuple);
}

/* Append p's tuple to k; -ENOMEM when the pool is used up. */
static int cl_conn_add(struct cl_state *s, struct cl_key *k,
		       const struct cl_pkt *p)
{
	uint32_t c = s->free_conn;
	struct cl_conn *cc;

	if (c == CL_NONE)
		return -ENOMEM;
	cc = &s->conns[c];
	s->free_conn = cc->next;
	cc->next = CL_NONE;
	cc->tuple = p->tuple;
	cc->zone = p->zone;
	cc->worker = (int16_t)ns_worker_id;
	cc->tick = p->tick;
	if (k->tail == CL_NONE)
		k->head = c;
	else
		s->conns[k->tail].next = c;
	k->tail = c;
	k->count++;
	return 0;
}

/* __nf_conncount_add(): 0, -EEXIST (not added: assured) or -ENOMEM. */
static int cl_add(struct cl_state *s, struct cl_key *k,
		  const struct cl_pkt *p)
{
	unsigned collect = 0;
	uint32_t c, prev, next;
	struct ct_conn *found;

	if (p->ct && ct_is_confirmed(p->ct)) {
		if (ct_status(p->ct) & CT_S_ASSURED)
			return -EEXIST;
	} else if (p->tick == k->last_gc &&
		   k->count - k->last_gc_count < CL_GC_MAX_COLLECT) {
		return cl_conn_add(s, k, p);
	}
	for (prev = CL_NONE, c = k->head; c != CL_NONE; c = next) {
		next = s->conns[c].next;
		if (collect > CL_GC_MAX_COLLECT)
			break;
		switch (cl_find_or_evict(s, k, prev, c, p, &found)) {
		case CL_AGAIN:
			if (cl_same(&s->conns[c], p))
				return 0;
			prev = c;
			continue;
		case CL_GONE:
			collect++;
			continue;
		}
		if (cl_same(&s->conns[c], p))
			return 0;
		if (cl_closed(found)) {
			cl_conn_free(s, k, prev, c);
			collect++;
			continue;
		}
		prev = c;
	}
	k->last_gc = p->tick;
	k->last_gc_count = k->count;
	return cl_conn_add(s, k, p);
}

/* nf_conncount_gc_list(): true when the key has no tuple left. */
static bool cl_gc(struct cl_state *s, struct cl_key *k,
		  const struct cl_pkt *p)
{
	unsigned collected = 0;
	uint32_t c, prev, next;
	struct ct_conn *found;

	if (p->tick == k->last_gc)
		return false;
	for (prev = CL_NONE, c = k->head; c != CL_NONE; c = next) {
		next = s->conns[c].next;
		switch (cl_find_or_evict(s, k, prev, c, p, &found)) {
		case CL_GONE:
			collected++;
			continue;
		case CL_AGAIN:
			prev = c;
			continue;
		}
		if (cl_closed(found)) {
			cl_conn_free(s, k, prev, c);
			collected++;
			continue;
		}
		prev = c;
		if (collected > CL_GC_MAX_COLLECT)
			break;
	}
	k->last_gc = p->tick;
	k->last_gc_count = k->count;
	return k->count == 0;
}

static uint32_t fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/*
 * The key's slot: every bit of both words mixed in (the kernel uses
 * jhash2), so neighbouring addresses land in different slots and a new
 * key rarely walks (and cleans) another's list.
 */
static uint32_t cl_hash(const uint32_t key[2])
{
	return fmix32(key[0] ^ fmix32(key[1] + 0x9e3779b9u)) % CL_SLOTS;
}

/*
 * count_tree() + insert_tree(): the number of connections of key after
 * adding p's, 0 when it cannot be counted (no tuple, pool exhausted).
 */
static uint32_t cl_count(struct cl_state *s, const uint32_t key[2],
			 const struct cl_pkt *p, bool have_tuple)
{
	uint32_t slot = cl_hash(key), i, prev, next, n;
	unsigned gc = 0;
	struct cl_key *k;
	int ret;

	for (i = s->slot[slot]; i != CL_NONE; i = s->keys[i].next) {
		k = &s->keys[i];
		if (k->key[0] != key[0] || k->key[1] != key[1])
			continue;
		if (!have_tuple)
			return 0;
		ret = cl_add(s, k, p);
		if (ret && ret != -EEXIST)
			return 0;
		if (ret == -EEXIST)
			cl_gc(s, k, p);
		return k->count;
	}
	/* A new key: clean a few others of the slot on the way. */
	for (prev = CL_NONE, i = s->slot[slot]; i != CL_NONE; i = next) {
		k = &s->keys[i];
		next = k->next;
		if (gc < CL_GC_MAX_NODES && (gc++, cl_gc(s, k, p))) {
			if (prev == CL_NONE)
				s->slot[slot] = next;
			else
				s->keys[prev].next = next;
			k->next = s->free_key;
			s->free_key = i;
			continue;
		}
		prev = i;
	}
	if (!have_tuple)
		return 0;
	n = s->free_key;
	if (n == CL_NONE)
		return 0;
	k = &s->keys[n];
	s->free_key = k->next;
	memset(k, 0, sizeof(*k));
	k->key[0] = key[0];
	k->key[1] = key[1];
	k->head = k->tail = CL_NONE;
	k->last_gc = p->tick;
	if (cl_conn_add(s, k, p)) {
		k->next = s->free_key;
		s->free_key = n;
		return 0;
	}
	k->next = s->slot[slot];
	s->slot[slot] = n;
	return k->count;
}

/* Data path: connlimit_mt(). */
static bool connlimit_match(const struct pkt *pkt, const void *data,
			    struct xt_action *act)
{
	const struct connlimit_info *info = data;
	struct cl_state *s = act->state;
	uint32_t key[2], n;
	struct cl_pkt p;
	bool have;

	if (!s || !act->net) {
		act->hotdrop = true;
		return false;
	}
	key[0] = (info->flags & CL_F_DADDR) ? pkt->desc.daddr.ip :
					       pkt->desc.saddr.ip;
	key[0] &= info->mask;
	key[1] = pkt->ct ? pkt->ct->zone : 0;
	have = cl_pkt_init(&p, pkt, act->net);
	cl_lock(s);
	n = cl_count(s, key, &p, have);
	cl_unlock(s);
	if (n == 0) {
		act->hotdrop = true;
		return false;
	}
	return (n > info->limit) ^ !!(info->flags & CL_F_INVERT);
}

static const char connlimit_help[] =
	"connlimit match options:\n"
	"  --connlimit-upto n     match if the number of existing "
	"connections is 0..n\n"
	"  --connlimit-above n    match if the number of existing "
	"connections is >n\n"
	"  --connlimit-mask n     group hosts using prefix length (default: "
	"max len)\n"
	"  --connlimit-saddr      select source address for grouping\n"
	"  --connlimit-daddr      select destination addresses for "
	"grouping\n";

static const struct xt_ext_ops connlimit_match_ops = {
	.name = "connlimit",
	.help = connlimit_help,
	.size = sizeof(struct connlimit_info),
	.opts = connlimit_opts,
	.init = connlimit_init,
	.parse = connlimit_parse,
	.final_check = connlimit_final_check,
	.save = connlimit_save,
	.print = connlimit_print,
	.check = connlimit_check,
	.state_create = connlimit_state_create,
	.state_destroy = connlimit_state_destroy,
	.match = connlimit_match,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&connlimit_match_ops);
}
