// SPDX-License-Identifier: MIT
/*
 * The packet pool: every struct pkt the data path uses is allocated here at
 * start-up, with a few large packets for GSO super-frames beside the
 * ordinary ones. Allocation on the data path is a free-list pop;
 * exhaustion is counted, never fatal. One pool per data-path thread; the
 * small and the large packets each have the owner's free list and a
 * remote list other threads push to.
 */
#include "pkt/pkt.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

int pkt_pool_create(struct pkt_pool *pool, uint32_t npkts)
{
	uint32_t nbig = PKT_POOL_BIG(npkts);
	uint32_t i;

	memset(pool, 0, sizeof(*pool));
	pool->mem = calloc(npkts, sizeof(struct pkt));
	if (!pool->mem)
		return -ENOMEM;
	pool->big_mem = calloc(nbig, sizeof(struct pkt));
	if (!pool->big_mem)
		goto err_free_mem;
	/* Touched only when a super-frame arrives: mostly never paged in. */
	pool->big_data = malloc((size_t)nbig * PKT_BIG_BUFSIZE);
	if (!pool->big_data)
		goto err_free_big_mem;
	for (i = npkts; i-- > 0;) {
		pool->mem[i].next = pool->free;
		pool->mem[i].pool = pool;
		pool->free = &pool->mem[i];
	}
	pool->nfree = pool->size = npkts;
	for (i = nbig; i-- > 0;) {
		pool->big_mem[i].next = pool->big_free;
		pool->big_mem[i].pool = pool;
		pool->big_mem[i].big = pool->big_data +
				       (size_t)i * PKT_BIG_BUFSIZE;
		pool->big_free = &pool->big_mem[i];
	}
	pool->big_nfree = pool->big_size = nbig;
	return 0;

err_free_big_mem:
	free(pool->big_mem);
	pool->big_mem = NULL;
err_free_mem:
	free(pool->mem);
	pool->mem = NULL;
	return -ENOMEM;
}

void pkt_pool_destroy(struct pkt_pool *pool)
{
	free(pool->mem);
	free(pool->big_mem);
	free(pool->big_data);
	memset(pool, 0, sizeof(*pool));
}

void pkt_reset(struct pkt *pkt)
{
	struct pkt *next = pkt->next;
	struct pkt_pool *pool = pkt->pool;
	uint8_t *big = pkt->big;

	memset(pkt, 0, offsetof(struct pkt, buf));
	pkt->ctinfo = 0xff; /* CT_NONE */
	pkt->next = next;
	pkt->pool = pool;
	pkt->big = big;
	pkt->data = pkt_head(pkt) + PKT_HEADROOM;
	/*
	 * Backends deliver Ethernet frames (io.h); a raw-IP source (TUN, a
	 * DLT_RAW capture) clears this, as does the stack for packets it
	 * builds from the IP header up.
	 */
	pkt->has_l2 = true;
}

void (*pkt_ct_release)(struct pkt *pkt);
void (*pkt_ct_attach)(struct pkt *new, const struct pkt *orig);
void (*pkt_ct_set_closing)(const struct pkt *pkt);

static __thread struct pkt_pool *local_pool;

void pkt_pool_set_local(struct pkt_pool *pool)
{
	local_pool = pool;
}

uint32_t pkt_pool_avail(const struct pkt_pool *pool)
{
	return pool->nfree + __atomic_load_n(&pool->nremote, __ATOMIC_RELAXED);
}

uint32_t pkt_pool_big_avail(const struct pkt_pool *pool)
{
	return pool->big_nfree +
	       __atomic_load_n(&pool->big_nremote, __ATOMIC_RELAXED);
}

/* Take every packet other threads gave back to one list (owner thread). */
static struct pkt *take_remote(struct pkt **remote, uint32_t *nremote,
			       uint32_t *nfree)
{
	struct pkt *list, *p;
	uint32_t n = 0;

	list = __atomic_exchange_n(remote, NULL, __ATOMIC_ACQUIRE);
	for (p = list; p; p = p->next)
		n++;
	__atomic_sub_fetch(nremote, n, __ATOMIC_RELAXED);
	*nfree += n;
	return list;
}

/* Pop from one free list, refilled from its remote list when empty. */
static struct pkt *pop(struct pkt **free_list, uint32_t *nfree,
		       struct pkt **remote, uint32_t *nremote, uint64_t *fail)
{
	struct pkt *pkt = *free_list;

	if (!pkt && __atomic_load_n(remote, __ATOMIC_RELAXED))
		pkt = *free_list = take_remote(remote, nremote, nfree);
	if (!pkt) {
		(*fail)++;
		return NULL;
	}
	*free_list = pkt->next;
	(*nfree)--;
	pkt->next = NULL;
	pkt_reset(pkt);
	return pkt;
}

struct pkt *pkt_alloc(struct pkt_pool *pool)
{
	return pop(&pool->free, &pool->nfree, &pool->remote, &pool->nremote,
		   &pool->alloc_fail);
}

struct pkt *pkt_alloc_big(struct pkt_pool *pool)
{
	return pop(&pool->big_free, &pool->big_nfree, &pool->big_remote,
		   &pool->big_nremote, &pool->big_alloc_fail);
}

bool pkt_pool_has_big(struct pkt_pool *pool)
{
	return pool->big_free ||
	       __atomic_load_n(&pool->big_remote, __ATOMIC_RELAXED);
}

int pkt_make_big(struct pkt *pkt)
{
	struct pkt_pool *pool = local_pool;
	struct pkt *carrier;
	uint32_t off;

	if (pkt->big)
		return 0;
	if (!pool || pkt->pool != pool)
		return -EXDEV;
	carrier = pkt_alloc_big(pool);
	if (!carrier)
		return -ENOBUFS;
	off = (uint32_t)(pkt->data - pkt->buf);
	memcpy(carrier->big + off, pkt->data, pkt->len);
	pkt->big = carrier->big;
	pkt->data = pkt->big + off;
	/* The carrier, without its buffer, is a small packet from now on. */
	carrier->big = NULL;
	pkt_free(carrier);
	return 0;
}

void pkt_free(struct pkt *pkt)
{
	struct pkt_pool *pool;
	struct pkt **remote;
	uint32_t *nremote;

	if (!pkt)
		return;
	if (pkt->ct)
		pkt_ct_drop(pkt);
	pool = pkt->pool;
	if (pool == local_pool) {
		if (pkt->big) {
			pkt->next = pool->big_free;
			pool->big_free = pkt;
			pool->big_nfree++;
			return;
		}
		pkt->next = pool->free;
		pool->free = pkt;
		pool->nfree++;
		return;
	}
	/* Another thread's pool: push on its remote list. */
	remote = pkt->big ? &pool->big_remote : &pool->remote;
	nremote = pkt->big ? &pool->big_nremote : &pool->nremote;
	pkt->next = __atomic_load_n(remote, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(remote, &pkt->next, pkt, true,
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
	__atomic_add_fetch(nremote, 1, __ATOMIC_RELAXED);
}

int pkt_set_frame(struct pkt *pkt, const void *frame, uint32_t len)
{
	if (len > pkt_max_frame(pkt))
		return -EMSGSIZE;
	pkt->data = pkt_head(pkt) + PKT_HEADROOM;
	memcpy(pkt->data, frame, len);
	pkt->len = len;
	return 0;
}
