// SPDX-License-Identifier: MIT
/*
 * The packet pool: every struct pkt the data path uses is allocated here at
 * start-up, with a few large packets for GSO super-frames beside the
 * ordinary ones. Allocation on the data path is a free-list pop;
 * exhaustion is counted, never fatal. One pool per data-path thread.
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

struct pkt *pkt_alloc(struct pkt_pool *pool)
{
	struct pkt *pkt = pool->free;

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

struct pkt *pkt_alloc_big(struct pkt_pool *pool)
{
	struct pkt *pkt = pool->big_free;

	if (!pkt) {
		pool->big_alloc_fail++;
		return NULL;
	}
	pool->big_free = pkt->next;
	pool->big_nfree--;
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
	if (pkt->big) {
		pkt->next = pool->big_free;
		pool->big_free = pkt;
		pool->big_nfree++;
		return;
	}
	pkt->next = pool->free;
	pool->free = pkt;
	pool->nfree++;
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
