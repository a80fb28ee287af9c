// SPDX-License-Identifier: MIT
/*
 * AF_PACKET ring memory (src/io/ring.h): the TPACKET_V3 receive block
 * walker and the TPACKET_V2 transmit slot. Every offset the kernel wrote
 * is bounds-checked before use. Status words are shared with the kernel:
 * read with acquire, written with release, as the ring protocol asks.
 * Data path; no allocation, no system call.
 */
#include "io/ring.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <string.h>

/* The block header's size as the kernel lays it out (offset_to_first_pkt
 * is at least this). */
#define BLK_DESC_LEN sizeof(struct tpacket_block_desc)
/*
 * Frames in a V3 block start on 8 bytes (the kernel's V3_ALIGNMENT), not
 * on TPACKET_ALIGNMENT (16) as V1/V2 slots do.
 */
#define V3_ALIGN 8

int io_tpv3_block_open(struct io_tpv3_cursor *c, const void *blk,
		       size_t block_size, bool vnet)
{
	const struct tpacket_block_desc *bd = blk;
	const struct tpacket_hdr_v1 *h = &bd->hdr.bh1;

	memset(c, 0, sizeof(*c));
	if (block_size < BLK_DESC_LEN || h->blk_len > block_size)
		return -EINVAL;
	if (h->num_pkts && (h->offset_to_first_pkt < BLK_DESC_LEN ||
			    h->offset_to_first_pkt >= h->blk_len))
		return -EINVAL;
	c->blk = blk;
	c->blk_len = h->blk_len;
	c->left = h->num_pkts;
	c->off = h->offset_to_first_pkt;
	c->vnet = vnet;
	return (int)(h->num_pkts > INT32_MAX ? INT32_MAX : h->num_pkts);
}

int io_tpv3_next(struct io_tpv3_cursor *c, struct io_ring_frame *f)
{
	const struct tpacket3_hdr *hdr;
	const struct sockaddr_ll *sll;
	uint64_t end;
	uint32_t min_mac = (uint32_t)TPACKET3_HDRLEN;

	if (!c->left)
		return 0;
	if (c->vnet)
		min_mac += sizeof(struct virtio_net_hdr);
	/* The header, aligned as the kernel aligns it, inside the block. */
	if (c->off % V3_ALIGN ||
	    (uint64_t)c->off + TPACKET3_HDRLEN > c->blk_len)
		goto bad;
	hdr = (const struct tpacket3_hdr *)(c->blk + c->off);
	sll = (const struct sockaddr_ll *)(c->blk + c->off +
		TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
	end = (uint64_t)c->off + hdr->tp_mac + hdr->tp_snaplen;
	if (hdr->tp_mac < min_mac || end > c->blk_len ||
	    hdr->tp_snaplen > hdr->tp_len)
		goto bad;
	f->data = c->blk + c->off + hdr->tp_mac;
	f->len = hdr->tp_snaplen;
	f->wire_len = hdr->tp_len;
	f->status = hdr->tp_status;
	f->pkttype = sll->sll_pkttype;
	f->vnet = c->vnet ? (const struct virtio_net_hdr *)
		  (f->data - sizeof(struct virtio_net_hdr)) : NULL;
	c->left--;
	if (c->left) {
		/*
		 * The chain goes forward only: no loop, no overflow. A bad
		 * link still returns this frame; the next call fails.
		 */
		if (!hdr->tp_next_offset ||
		    (uint64_t)c->off + hdr->tp_next_offset >= c->blk_len)
			c->off = c->blk_len;
		else
			c->off += hdr->tp_next_offset;
	}
	return 1;

bad:
	c->left = 0;
	return -EINVAL;
}

size_t io_tpv2_tx_data_off(void)
{
	return TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
}

uint32_t io_tpv2_tx_room(size_t frame_size, bool vnet)
{
	size_t off = io_tpv2_tx_data_off() +
		     (vnet ? sizeof(struct virtio_net_hdr) : 0);

	return frame_size > off ? (uint32_t)(frame_size - off) : 0;
}

bool io_tpv2_tx_slot_free(void *slot, bool *bad)
{
	struct tpacket2_hdr *h = slot;
	uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

	*bad = false;
	if (st == TP_STATUS_AVAILABLE)
		return true;
	if (st & TP_STATUS_WRONG_FORMAT) {
		*bad = true;
		__atomic_store_n(&h->tp_status, TP_STATUS_AVAILABLE,
				 __ATOMIC_RELAXED);
		return true;
	}
	return false;
}

int io_tpv2_tx_fill(void *slot, size_t frame_size,
		    const struct virtio_net_hdr *vh, const void *frame,
		    uint32_t len)
{
	struct tpacket2_hdr *h = slot;
	uint8_t *p = (uint8_t *)slot + io_tpv2_tx_data_off();
	uint32_t vlen = vh ? (uint32_t)sizeof(*vh) : 0;

	if (len > io_tpv2_tx_room(frame_size, vh != NULL))
		return -EMSGSIZE;
	if (vh)
		memcpy(p, vh, vlen);
	memcpy(p + vlen, frame, len);
	/* With PACKET_VNET_HDR the kernel takes the header out of tp_len. */
	h->tp_len = len + vlen;
	__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
			 __ATOMIC_RELEASE);
	return 0;
}
