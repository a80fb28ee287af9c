// SPDX-License-Identifier: MIT
/*
 * The packet pool: every struct pkt the data path uses is allocated here at
 * start-up. Allocation on the data path is a free-list pop; exhaustion is
 * counted, never fatal. One pool per data-path thread.
 */
#include "pkt/pkt.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

int pkt_pool_create(struct pkt_pool *pool, uint32_t npkts)
{
	uint32_t i;

	pool->mem = calloc(npkts, sizeof(struct pkt));
	if (!pool->mem)
		return -ENOMEM;
	pool->free = NULL;
	for (i = npkts; i-- > 0;) {
		pool->mem[i].next = pool->free;
		pool->mem[i].pool = pool;
		pool->free = &pool->mem[i];
	}
	pool->nfree = pool->size = npkts;
	pool->alloc_fail = 0;
	pool->remote = NULL;
	pool->nremote = 0;
	return 0;
}

void pkt_pool_destroy(struct pkt_pool *pool)
{
	free(pool->mem);
	pool->mem = NULL;
	pool->free = NULL;
	pool->nfree = pool->size = 0;
}

void pkt_reset(struct pkt *pkt)
{
	struct pkt *next = pkt->next;
	struct pkt_pool *pool = pkt->pool;

	memset(pkt, 0, offsetof(struct pkt, buf));
	pkt->next = next;
	pkt->pool = pool;
	pkt->data = pkt->buf + PKT_HEADROOM;
	/*
	 * Backends deliver Ethernet frames (io.h); a raw-IP source (TUN, a
	 * DLT_RAW capture) clears this, as does the stack for packets it
	 * builds from the IP header up.
	 */
	pkt->has_l2 = true;
}

static __thread struct pkt_pool *local_pool;

void pkt_pool_set_local(struct pkt_pool *pool)
{
	local_pool = pool;
}

uint32_t pkt_pool_avail(const struct pkt_pool *pool)
{
	return pool->nfree + __atomic_load_n(&pool->nremote, __ATOMIC_RELAXED);
}

/* Take every packet other threads gave back (owner thread). */
static struct pkt *take_remote(struct pkt_pool *pool)
{
	struct pkt *list, *p;
	uint32_t n = 0;

	list = __atomic_exchange_n(&pool->remote, NULL, __ATOMIC_ACQUIRE);
	for (p = list; p; p = p->next)
		n++;
	__atomic_sub_fetch(&pool->nremote, n, __ATOMIC_RELAXED);
	pool->nfree += n;
	return list;
}

struct pkt *pkt_alloc(struct pkt_pool *pool)
{
	struct pkt *pkt = pool->free;

	if (!pkt && __atomic_load_n(&pool->remote, __ATOMIC_RELAXED))
		pkt = pool->free = take_remote(pool);
	if (!pkt) {
		pool->alloc_fail++;
		return NULL;
	}
	pool->free = pkt->next;
	pool->nfree--;
	pkt->next = NULL;
	pkt_reset(pkt);
	return pkt;
}

void pkt_free(struct pkt *pkt)
{
	struct pkt_pool *pool;

	if (!pkt)
		return;
	pool = pkt->pool;
	if (pool == local_pool) {
		pkt->next = pool->free;
		pool->free = pkt;
		pool->nfree++;
		return;
	}
	/* Another thread's pool: push on its remote list. */
	pkt->next = __atomic_load_n(&pool->remote, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&pool->remote, &pkt->next, pkt,
					    true, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED))
		;
	__atomic_add_fetch(&pool->nremote, 1, __ATOMIC_RELAXED);
}

int pkt_set_frame(struct pkt *pkt, const void *frame, uint32_t len)
{
	if (len > PKT_MAX_FRAME)
		return -EMSGSIZE;
	pkt->data = pkt->buf + PKT_HEADROOM;
	memcpy(pkt->data, frame, len);
	pkt->len = len;
	return 0;
}
