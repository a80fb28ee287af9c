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

void pkt_free(struct pkt *pkt)
{
	struct pkt_pool *pool;

	if (!pkt)
		return;
	pool = pkt->pool;
	pkt->next = pool->free;
	pool->free = pkt;
	pool->nfree++;
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
