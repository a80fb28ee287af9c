// SPDX-License-Identifier: MIT
/*
 * IPv4 reassembly: the kernel's ip_fragment.c (ip_defrag, ip_frag_queue,
 * ip_frag_reasm, ip_expire, ip_frag_too_far) and inet_fragment.c (queue
 * lookup and memory limit, inet_frag_queue_insert's runs and overlap
 * rule), on the engine clock. Data path, any worker; the queues are
 * shared by all workers under one mutex (see ipfrag.h), a leaf lock:
 * nothing is called while it is held. Queues come from a fixed array;
 * fragments wait in them as the packets they arrived in, with nothing
 * that points into a configuration snapshot or a ruleset generation
 * (their receiving interface is kept as an ifindex, as the neighbour
 * queue does).
 */
#include "stack/ipfrag.h"

#include "stack/internal.h"

#include "pkt/csum.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_SEC 1000000000ull
#define IPFRAG_HASH 1024        /* buckets of queues and of peers */
#define NO_EXPIRY UINT64_MAX

/* Queue flags, the kernel's INET_FRAG_*. */
#define FRAG_FIRST_IN 0x01
#define FRAG_LAST_IN 0x02

/* inet_frag_queue_insert() results. */
enum { FRAG_OK, FRAG_DUP, FRAG_OVERLAP };

/*
 * The kernel's inet_peer as far as reassembly uses it: per source
 * address, a count of the fragments seen (rid), for ipfrag_max_dist.
 * Referenced by the queues of that source; free when none is left.
 */
struct ipfrag_peer {
	uint32_t saddr;
	uint32_t rid;
	uint32_t refs;
	int next;               /* bucket chain or free list; -1: end */
};

/* One datagram being reassembled (struct ipq). All fields under lock. */
struct ipfrag_queue {
	/* The key (frag_v4_compare_key; vif is always 0 here). */
	uint32_t saddr, daddr, user;
	uint16_t id;
	uint8_t protocol;
	bool used;
	struct ipfrag_queue *hnext;     /* bucket chain, or the free list */
	struct ipfrag_queue *xnext;     /* batch of expired queues */

	/* Fragments in offset order (pkt->next); the last run's head. */
	struct pkt *frags, *tail, *last_run_head;
	uint64_t seq;                   /* creation order: timer ties */
	uint64_t expires;               /* engine clock, ns */
	uint64_t mem;                   /* truesizes of the fragments */
	uint32_t len, meat;
	uint16_t max_size, max_df_size;
	uint8_t flags, ecn;
	int iif;                        /* of the latest fragment */
	uint32_t rid;
	int peer;                       /* index in peers; -1: none */
};

struct ipfrag_net {
	pthread_mutex_t lock;
	/* Under lock. */
	struct ipfrag_queue *buckets[IPFRAG_HASH];
	struct ipfrag_queue *free;
	unsigned int nqueues;
	uint64_t seq;
	int peer_buckets[IPFRAG_HASH];
	int peer_free;
	struct ipfrag_peer peers[IPFRAG_MAX_QUEUES];
	struct ipfrag_queue q[IPFRAG_MAX_QUEUES];
	/* Written under lock; read without it for the cheap checks. */
	_Atomic uint64_t mem;
	_Atomic uint64_t next_expiry;
	uint32_t seed;
};

/*
 * RFC 3168 5.3 (ip_frag_ecn_table): from the OR of 1 << ECN field of
 * every fragment, the bits to OR into the datagram's TOS, or 0xff: drop.
 */
#define ECN_NOT_ECT 0x01
#define ECN_ECT_1 0x02
#define ECN_ECT_0 0x04
#define ECN_CE 0x08

static uint8_t ecn_result(uint8_t seen)
{
	if ((seen & ECN_NOT_ECT) && (seen & ~ECN_NOT_ECT))
		return 0xff;
	if ((seen & ECN_CE) && (seen & (ECN_ECT_0 | ECN_ECT_1)))
		return 3; /* INET_ECN_CE */
	return 0;
}

int ipfrag_net_create(struct net *net)
{
	struct ipfrag_net *f;
	int i;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	pthread_mutex_init(&f->lock, NULL);
	for (i = IPFRAG_MAX_QUEUES; i-- > 0;) {
		f->q[i].hnext = f->free;
		f->q[i].peer = -1;
		f->free = &f->q[i];
		f->peers[i].next = i + 1 < IPFRAG_MAX_QUEUES ? i + 1 : -1;
	}
	f->peer_free = 0;
	for (i = 0; i < IPFRAG_HASH; i++)
		f->peer_buckets[i] = -1;
	f->next_expiry = NO_EXPIRY;
	f->seed = (uint32_t)(net->seed ^ (net->seed >> 32)) | 1;
	net->ipfrag = f;
	return 0;
}

/*
 * The queued fragments are not given back: the daemon's workers (and
 * their pools) are gone by the time the net is destroyed, and a queued
 * fragment holds nothing but its pool's memory, freed with the pool.
 */
void ipfrag_net_destroy(struct net *net)
{
	struct ipfrag_net *f = net->ipfrag;

	if (!f)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f);
	net->ipfrag = NULL;
}

uint64_t ipfrag_mem(struct net *net)
{
	return net->ipfrag ? atomic_load(&net->ipfrag->mem) : 0;
}

unsigned int ipfrag_queue_count(struct net *net)
{
	struct ipfrag_net *f = net->ipfrag;
	unsigned int n;

	if (!f)
		return 0;
	pthread_mutex_lock(&f->lock);
	n = f->nqueues;
	pthread_mutex_unlock(&f->lock);
	return n;
}

static uint32_t mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

static unsigned int key_hash(const struct ipfrag_net *f, uint32_t saddr,
			     uint32_t daddr, uint16_t id, uint8_t proto,
			     uint32_t user)
{
	uint32_t h = f->seed;

	h = mix(h ^ saddr);
	h = mix(h ^ daddr);
	h = mix(h ^ ((uint32_t)id << 8 | proto));
	h = mix(h ^ user);
	return h & (IPFRAG_HASH - 1);
}

/* Memory a queue accounts besides its fragments (the kernel's qsize). */
#define QSIZE ((uint64_t)sizeof(struct ipfrag_queue))

static void mem_add(struct ipfrag_net *f, int64_t v)
{
	atomic_store_explicit(&f->mem, atomic_load(&f->mem) + (uint64_t)v,
			      memory_order_relaxed);
}

static void note_expiry(struct ipfrag_net *f, uint64_t at)
{
	if (at < atomic_load(&f->next_expiry))
		atomic_store(&f->next_expiry, at);
}

static uint64_t timeout_at(struct net *net, uint64_t now)
{
	int t = net_conf(net)->sysctl.ipfrag_time;

	return t > 0 ? now + (uint64_t)t * NS_PER_SEC : now;
}

/* inet_getpeer_v4() and its reference (under lock). */
static int peer_get(struct ipfrag_net *f, uint32_t saddr)
{
	unsigned int b = mix(saddr ^ f->seed) & (IPFRAG_HASH - 1);
	int i;

	for (i = f->peer_buckets[b]; i >= 0; i = f->peers[i].next)
		if (f->peers[i].saddr == saddr) {
			f->peers[i].refs++;
			return i;
		}
	i = f->peer_free;
	if (i < 0)
		return -1;
	f->peer_free = f->peers[i].next;
	f->peers[i].saddr = saddr;
	f->peers[i].rid = 0;
	f->peers[i].refs = 1;
	f->peers[i].next = f->peer_buckets[b];
	f->peer_buckets[b] = i;
	return i;
}

static void peer_put(struct ipfrag_net *f, int i)
{
	unsigned int b;
	int *pp;

	if (i < 0 || --f->peers[i].refs)
		return;
	b = mix(f->peers[i].saddr ^ f->seed) & (IPFRAG_HASH - 1);
	for (pp = &f->peer_buckets[b]; *pp >= 0; pp = &f->peers[*pp].next)
		if (*pp == i) {
			*pp = f->peers[i].next;
			break;
		}
	f->peers[i].next = f->peer_free;
	f->peer_free = i;
}

/* inet_frag_find(): the queue of this key, created if new (under lock). */
static struct ipfrag_queue *frag_find(struct net *net, struct ipfrag_net *f,
				      const struct ns_iphdr *iph,
				      uint32_t user, uint64_t now)
{
	unsigned int b = key_hash(f, iph->saddr, iph->daddr, iph->id,
				  iph->protocol, user);
	struct ipfrag_queue *q;

	for (q = f->buckets[b]; q; q = q->hnext)
		if (q->saddr == iph->saddr && q->daddr == iph->daddr &&
		    q->id == iph->id && q->protocol == iph->protocol &&
		    q->user == user)
			return q;
	q = f->free;
	if (!q)
		return NULL;
	f->free = q->hnext;
	memset(q, 0, sizeof(*q));
	q->used = true;
	q->saddr = iph->saddr;
	q->daddr = iph->daddr;
	q->id = iph->id;
	q->protocol = iph->protocol;
	q->user = user;
	q->seq = ++f->seq;
	/* ip4_frag_init(): a peer only when ipfrag_max_dist is on. */
	q->peer = net_conf(net)->sysctl.ipfrag_max_dist ?
		  peer_get(f, iph->saddr) : -1;
	q->expires = timeout_at(net, now);
	note_expiry(f, q->expires);
	q->hnext = f->buckets[b];
	f->buckets[b] = q;
	f->nqueues++;
	mem_add(f, (int64_t)QSIZE);
	return q;
}

/*
 * inet_frag_kill() + inet_frag_destroy(): unhash q, give back its memory
 * and return its fragments, which the caller frees outside the lock.
 * With keep, q stays off the free list (the caller still reads it and
 * releases it with queue_release()).
 */
static struct pkt *queue_kill(struct ipfrag_net *f, struct ipfrag_queue *q,
			      bool keep)
{
	unsigned int b = key_hash(f, q->saddr, q->daddr, q->id, q->protocol,
				  q->user);
	struct ipfrag_queue **pp;
	struct pkt *frags = q->frags;

	for (pp = &f->buckets[b]; *pp; pp = &(*pp)->hnext)
		if (*pp == q) {
			*pp = q->hnext;
			break;
		}
	mem_add(f, -(int64_t)(q->mem + QSIZE));
	peer_put(f, q->peer);
	q->peer = -1;
	q->frags = q->tail = q->last_run_head = NULL;
	q->mem = 0;
	f->nqueues--;
	q->used = false;
	q->hnext = NULL;
	if (!keep) {
		q->hnext = f->free;
		f->free = q;
	}
	return frags;
}

static void queue_release(struct ipfrag_net *f, struct ipfrag_queue *q)
{
	q->hnext = f->free;
	f->free = q;
}

static uint32_t frag_payload_len(const struct pkt *p)
{
	return p->len - p->l3_off - iph_hlen(pkt_iph(p));
}

static uint8_t *frag_payload(const struct pkt *p)
{
	return pkt_l3(p) + iph_hlen(pkt_iph(p));
}

static uint32_t frag_offset(const struct pkt *p)
{
	return (uint32_t)p->frag_off << 3;
}

/*
 * inet_frag_queue_insert(): fragments form runs of adjacent ones appended
 * in order; a new fragment after the last one is appended to the last
 * run or starts a run; one that falls before is a duplicate when a run
 * covers it whole, an overlap when it crosses a run's edge.
 */
static int queue_insert(struct ipfrag_queue *q, struct pkt *pkt,
			uint32_t offset, uint32_t end)
{
	uint32_t len = end - offset;
	struct pkt *last = q->tail, *prev_tail = NULL, *r;

	pkt->frag_run_len = 0;
	pkt->next = NULL;
	if (!last) {
		q->frags = q->tail = q->last_run_head = pkt;
		pkt->frag_run_len = len;
		return FRAG_OK;
	}
	if (frag_offset(last) + frag_payload_len(last) < end) {
		uint32_t last_end = frag_offset(last) + frag_payload_len(last);

		if (offset < last_end)
			return FRAG_OVERLAP;
		last->next = pkt;
		q->tail = pkt;
		if (offset == last_end) {
			q->last_run_head->frag_run_len += len;
		} else {
			pkt->frag_run_len = len;
			q->last_run_head = pkt;
		}
		return FRAG_OK;
	}
	/* Before the last fragment: find its place among the runs. */
	for (r = q->frags; r; r = r->next) {
		uint32_t roff, rend;

		if (!r->frag_run_len) {
			prev_tail = r;
			continue;
		}
		roff = frag_offset(r);
		rend = roff + r->frag_run_len;
		if (end <= roff)
			break;
		if (offset >= rend) {
			prev_tail = r;
			continue;
		}
		if (offset >= roff && end <= rend)
			return FRAG_DUP;
		return FRAG_OVERLAP;
	}
	/* A run of its own between prev_tail and r. */
	pkt->frag_run_len = len;
	pkt->next = r;
	if (prev_tail)
		prev_tail->next = pkt;
	else
		q->frags = pkt;
	return FRAG_OK;
}

/* What the caller does once the lock is dropped. */
struct frag_outcome {
	int ret;                   /* ipfrag_defrag()'s return */
	struct pkt *drop;          /* fragments to drop, reason below */
	enum drop_reason reason;
	bool drop_self;            /* pkt itself (not in drop) */
	enum drop_reason self_reason;
	/* A complete datagram: its fragments and what ip_frag_reasm uses. */
	struct pkt *reasm;
	uint32_t len;
	uint16_t max_size, max_df_size;
	uint8_t ecn;
	uint32_t user;
};

/* Kill q (discard_qp): its fragments and the packet dropped, ReasmFails. */
static void discard_qp(struct net *net, struct ipfrag_net *f,
		       struct ipfrag_queue *q, struct frag_outcome *o,
		       enum drop_reason reason)
{
	o->drop = queue_kill(f, q, false);
	o->reason = reason;
	o->drop_self = true;
	o->self_reason = reason;
	o->ret = -EINVAL;
	net_stats(net)->ip.reasm_fails++;
}

/*
 * ip_frag_too_far(): more than ipfrag_max_dist fragments from this source
 * arrived since this queue's last one: it is restarted (ip_frag_reinit),
 * or killed if its time was already up.
 */
static bool too_far(struct net *net, struct ipfrag_net *f,
		    struct ipfrag_queue *q, struct frag_outcome *o,
		    uint64_t now)
{
	unsigned int max = (unsigned int)net_conf(net)->sysctl.ipfrag_max_dist;
	uint32_t start, end;

	if (q->peer < 0 || !max)
		return false;
	start = q->rid;
	end = ++f->peers[q->peer].rid;
	q->rid = end;
	if (!q->tail || end - start <= max)
		return false;
	net_stats(net)->ip.reasm_fails++;
	if (q->expires <= now) {
		/* The timer was due: the queue goes, with this fragment. */
		o->drop = queue_kill(f, q, false);
		o->reason = DROP_FRAG_TOO_FAR;
		o->drop_self = true;
		o->self_reason = DROP_FRAG_TOO_FAR;
		o->ret = -ETIMEDOUT;
		return true;
	}
	o->drop = q->frags;
	o->reason = DROP_FRAG_TOO_FAR;
	mem_add(f, -(int64_t)q->mem);
	q->mem = 0;
	q->frags = q->tail = q->last_run_head = NULL;
	q->flags = 0;
	q->len = q->meat = 0;
	q->iif = 0;
	q->ecn = 0;
	q->expires = timeout_at(net, now);
	note_expiry(f, q->expires);
	return false;
}

/* ip_frag_queue() under the lock; the outcome is acted on after. */
static void frag_queue(struct net *net, struct ipfrag_net *f,
		       struct ipfrag_queue *q, struct pkt *pkt, int iif,
		       uint64_t now, struct frag_outcome *o)
{
	const struct ns_iphdr *iph = pkt_iph(pkt);
	unsigned int ihl = iph_hlen(iph);
	uint16_t fo = ntohs(iph->frag_off);
	uint32_t offset = (uint32_t)(fo & NS_IPH_OFFMASK) << 3, end;
	uint32_t fragsize;
	int err;

	if (too_far(net, f, q, o, now))
		return;
	end = offset + pkt->len - pkt->l3_off - ihl;
	if (!(fo & NS_IPH_MF)) {
		/* The last fragment: nothing may lie beyond its end. */
		if (end < q->len ||
		    ((q->flags & FRAG_LAST_IN) && end != q->len)) {
			discard_qp(net, f, q, o, DROP_FRAG_INVALID);
			return;
		}
		q->flags |= FRAG_LAST_IN;
		q->len = end;
	} else {
		end &= ~7u;
		if (end > q->len) {
			if (q->flags & FRAG_LAST_IN) {
				discard_qp(net, f, q, o, DROP_FRAG_INVALID);
				return;
			}
			q->len = end;
		}
	}
	if (end == offset) {
		discard_qp(net, f, q, o, DROP_FRAG_INVALID);
		return;
	}
	/* pskb_trim_rcsum(skb, end - offset) */
	pkt->len = pkt->l3_off + ihl + (end - offset);
	err = queue_insert(q, pkt, offset, end);
	if (err == FRAG_DUP) {
		o->drop_self = true;
		o->self_reason = DROP_DUP_FRAG;
		o->ret = -EINVAL;
		return;
	}
	if (err == FRAG_OVERLAP) {
		net_stats(net)->ip.reasm_overlaps++;
		discard_qp(net, f, q, o, DROP_FRAG_OVERLAP);
		return;
	}
	if (iif)
		q->iif = iif;
	q->meat += end - offset;
	q->ecn |= (uint8_t)(1u << (iph->tos & 3));
	q->mem += pkt_truesize(pkt);
	mem_add(f, pkt_truesize(pkt));
	if (offset == 0)
		q->flags |= FRAG_FIRST_IN;
	fragsize = end - offset + ihl;
	if (fragsize > q->max_size)
		q->max_size = (uint16_t)fragsize;
	if ((fo & NS_IPH_DF) && fragsize > q->max_df_size)
		q->max_df_size = (uint16_t)fragsize;
	if (q->flags == (FRAG_FIRST_IN | FRAG_LAST_IN) && q->meat == q->len) {
		/* ip_frag_reasm(): the queue goes; the copy is done after. */
		o->len = q->len;
		o->max_size = q->max_size;
		o->max_df_size = q->max_df_size;
		o->ecn = ecn_result(q->ecn);
		o->user = q->user;
		o->reasm = queue_kill(f, q, false);
		o->ret = 0;
		return;
	}
	o->ret = -EINPROGRESS;
}

/*
 * The rest of ip_frag_reasm(), outside the lock: the datagram is built in
 * pkt (one of frags, the one that completed it) from the first fragment's
 * headers and every fragment's payload; the other fragments are freed.
 */
static int reasm_build(struct net *net, struct pkt *pkt,
		       const struct frag_outcome *o)
{
	struct pkt *head = o->reasm, *p, *nx;
	uint8_t hdr[64 + 60];
	uint32_t l2 = head->l3_off, ihl = iph_hlen(pkt_iph(head));
	uint32_t total = ihl + o->len;
	bool geo = o->user != IP_DEFRAG_LOCAL_DELIVER;
	uint8_t ng = 0;
	struct ns_iphdr *iph;
	uint8_t *base;
	int err;

	if (o->ecn == 0xff)
		return -EPROTO;
	if (total > 65535)
		return -E2BIG;
	if (l2 > 64)
		return -EINVAL;
	memcpy(hdr, head->data, l2 + ihl);
	if (l2 + total > pkt_max_frame(pkt)) {
		err = pkt_make_big(pkt);
		if (err)
			return -ENOBUFS;
	}
	base = pkt_head(pkt) + PKT_HEADROOM;
	/* The completing fragment first: its bytes may lie where others go. */
	memmove(base + l2 + ihl + frag_offset(pkt), frag_payload(pkt),
		frag_payload_len(pkt));
	for (p = head; p; p = p->next) {
		uint16_t len = (uint16_t)frag_payload_len(p);

		/* The fragments' lengths, run-length coded (frag_list). */
		if (geo && ng && pkt->frag_geo[ng - 1].len == len) {
			pkt->frag_geo[ng - 1].count++;
		} else if (geo && ng < PKT_FRAG_GEO) {
			pkt->frag_geo[ng].len = len;
			pkt->frag_geo[ng].count = 1;
			ng++;
		} else {
			geo = false;
		}
		if (p != pkt)
			memcpy(base + l2 + ihl + frag_offset(p),
			       frag_payload(p), frag_payload_len(p));
	}
	memcpy(base, hdr, l2 + ihl);
	/* skb_morph(skb, head): the first fragment's metadata. */
	if (head != pkt) {
		pkt->mark = head->mark;
		pkt->trace = head->trace;
		pkt->pkt_type = head->pkt_type;
		pkt->has_l2 = head->has_l2;
		pkt->opt_rr = head->opt_rr;
		pkt->opt_ts = head->opt_ts;
		pkt->opt_srr = head->opt_srr;
		pkt->opt_flags = head->opt_flags;
	}
	pkt->data = base;
	pkt->l3_off = (uint16_t)l2;
	pkt->len = l2 + total;
	pkt->frag_run_len = 0;
	pkt->frag_max_size = o->max_df_size > o->max_size ? o->max_df_size :
			     o->max_size;
	pkt->frag_flags = 0;
	pkt->frag_geo_n = geo ? ng : 0;
	iph = (struct ns_iphdr *)(base + l2);
	iph->tot_len = htons((uint16_t)total);
	iph->tos |= o->ecn;
	/*
	 * DF only when the largest fragment had it, so that a datagram of
	 * one tiny DF fragment and large others is not sent with DF.
	 */
	if (o->max_df_size == o->max_size) {
		pkt->frag_flags |= PKT_FRAG_PMTU;
		iph->frag_off = htons(NS_IPH_DF);
	} else {
		iph->frag_off = 0;
	}
	iph->check = 0;
	iph->check = ip_fast_csum(iph, ihl / 4);
	pkt_set_ipv4_offsets(pkt);
	for (p = head; p; p = nx) {
		nx = p->next;
		p->next = NULL;
		if (p != pkt)
			pkt_free(p);
	}
	return 0;
}

static void drop_list(struct net *net, struct pkt *p, enum drop_reason r)
{
	while (p) {
		struct pkt *nx = p->next;

		p->next = NULL;
		net_drop(net, p, r);
		p = nx;
	}
}

int ipfrag_defrag(struct net *net, struct pkt *pkt, uint32_t user)
{
	struct ipfrag_net *f = net->ipfrag;
	struct frag_outcome o = { .ret = -ENOMEM };
	const struct netdev *in = pkt->in, *out = pkt->out;
	const struct xt_gen *gen = pkt->xt_gen;
	const struct ct_tmpl *tmpl = pkt->ct_tmpl;
	uint64_t now = net_now(net);
	long high = net_conf(net)->sysctl.ipfrag_high_thresh;
	struct ipfrag_queue *q;
	int iif = in ? in->ifindex : 0;

	net_stats(net)->ip.reasm_reqds++;
	/*
	 * A fragment is never a GSO packet, whatever an untrusted
	 * virtio_net_hdr said (inet_frag_queue_insert's skb_gso_reset()).
	 */
	pkt->gso_size = 0;
	pkt->gso_type = PKT_GSO_NONE;
	/* Nor does a partial checksum survive being joined: verify it. */
	pkt->csum_partial = false;
	/*
	 * Once in a queue another worker may take it after our RCU section:
	 * nothing may point into our snapshot or generation, nor at a
	 * connection (a fragment has none before defragmentation but when
	 * looped back; it is released).
	 */
	pkt_ct_drop(pkt);
	pkt->in = pkt->out = NULL;
	pkt->xt_gen = NULL;
	pkt->ct_tmpl = NULL;
	pkt->q_iif = (int16_t)iif;
	pkt->q_oif = out ? (int16_t)out->ifindex : 0;

	pthread_mutex_lock(&f->lock);
	/* inet_frag_find(): over the high threshold nothing is queued. */
	if (high <= 0 || atomic_load(&f->mem) > (uint64_t)high) {
		q = NULL;
	} else {
		q = frag_find(net, f, pkt_iph(pkt), user, now);
	}
	if (q)
		frag_queue(net, f, q, pkt, iif, now, &o);
	pthread_mutex_unlock(&f->lock);

	if (!q) {
		net_stats(net)->ip.reasm_fails++;
		net_drop(net, pkt, DROP_FRAG_MEM);
		return -ENOMEM;
	}
	if (o.drop)
		drop_list(net, o.drop, o.reason);
	if (o.drop_self) {
		net_drop(net, pkt, o.self_reason);
		return o.ret;
	}
	if (o.ret == -EINPROGRESS) {
		if (net_tracing(net, pkt)) {
			struct trace_event ev = {
				.kind = TRACE_FATE, .fate = FATE_STOLEN,
				.text = "queued for reassembly",
			};

			net->trace.event(net->trace.priv, pkt, &ev);
		}
		return -EINPROGRESS;
	}
	/* Complete: pkt is one of o.reasm. */
	pkt->in = in;
	pkt->out = out;
	pkt->xt_gen = gen;
	pkt->ct_tmpl = tmpl;
	o.ret = reasm_build(net, pkt, &o);
	if (o.ret) {
		enum drop_reason r = o.ret == -EPROTO ? DROP_FRAG_ECN :
				     o.ret == -E2BIG ? DROP_FRAG_OVERSIZE :
				     DROP_NO_BUFFER;

		net_stats(net)->ip.reasm_fails++;
		drop_list(net, o.reasm, r);
		return o.ret;
	}
	pkt->q_iif = pkt->q_oif = 0;
	net_stats(net)->ip.reasm_oks++;
	return 0;
}

/*
 * frag_expire_skip_icmp(): only an end host sends "fragment reassembly
 * time exceeded"; conntrack's queues of datagrams not for us stay quiet.
 */
static bool expire_skip_icmp(uint32_t user)
{
	return user == IP_DEFRAG_AF_PACKET ||
	       (user >= IP_DEFRAG_CONNTRACK_IN &&
		user <= IP_DEFRAG_CONNTRACK_IN_END) ||
	       (user >= IP_DEFRAG_CONNTRACK_BRIDGE_IN &&
		user <= IP_DEFRAG_CONNTRACK_BRIDGE_IN_END);
}

/* ip_expire() for one queue taken off the table (outside the lock). */
static void expire_one(struct net *net, struct ipfrag_queue *q,
		       struct pkt *frags)
{
	struct pkt *head = frags;
	struct rt_result rt;
	struct netdev *dev;

	net_stats(net)->ip.reasm_fails++;
	net_stats(net)->ip.reasm_timeout++;
	if (!(q->flags & FRAG_FIRST_IN) || !head)
		goto drop;
	/* inet_frag_pull_head(): the first fragment, with the last's device. */
	dev = q->iif ? net_dev_by_index(net, q->iif) : NULL;
	if (!dev)
		goto drop;
	if (route_input(net, q->daddr, q->saddr, dev, &rt))
		goto drop;
	if (expire_skip_icmp(q->user) && rt.type != RTN_LOCAL)
		goto drop;
	frags = head->next;
	head->next = NULL;
	head->in = dev;
	/* Sent when the kernel's timer fires, not when the head came. */
	head->tstamp_ns = q->expires;
	icmp_send(net, head, NS_ICMP_TIME_EXCEEDED, 1 /* FRAGTIME */, 0);
	head->in = NULL;
	net_drop(net, head, DROP_FRAG_REASM_TIMEOUT);
drop:
	drop_list(net, frags, DROP_FRAG_REASM_TIMEOUT);
}

void ipfrag_timers(struct net *net)
{
	struct ipfrag_net *f = net->ipfrag;
	struct ipfrag_queue *batch = NULL, *q, **pp;
	uint64_t now = net_now(net), next = NO_EXPIRY;
	int i;

	if (!f || now < atomic_load(&f->next_expiry))
		return;
	pthread_mutex_lock(&f->lock);
	for (i = 0; i < IPFRAG_MAX_QUEUES; i++) {
		q = &f->q[i];
		if (!q->used)
			continue;
		if (q->expires > now) {
			if (q->expires < next)
				next = q->expires;
			continue;
		}
		/* Kept in expiry order, as the kernel's timers fire. */
		for (pp = &batch; *pp; pp = &(*pp)->xnext)
			if ((*pp)->expires > q->expires ||
			    ((*pp)->expires == q->expires &&
			     (*pp)->seq > q->seq))
				break;
		q->xnext = *pp;
		*pp = q;
	}
	atomic_store(&f->next_expiry, next);
	/*
	 * Unhash them all now; each keeps its fields, and its fragments in
	 * its own list, until it is released below.
	 */
	for (q = batch; q; q = q->xnext)
		q->frags = queue_kill(f, q, true);
	pthread_mutex_unlock(&f->lock);
	if (!batch)
		return;
	for (q = batch; q; q = q->xnext) {
		struct pkt *frags = q->frags;

		q->frags = NULL;
		expire_one(net, q, frags);
	}
	pthread_mutex_lock(&f->lock);
	while ((q = batch)) {
		batch = q->xnext;
		q->xnext = NULL;
		queue_release(f, q);
	}
	pthread_mutex_unlock(&f->lock);
}
