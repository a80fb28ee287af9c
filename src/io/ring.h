/* SPDX-License-Identifier: MIT */
/*
 * The AF_PACKET memory-mapped rings seen as data structures, apart from
 * the sockets that own them (src/io/afpacket.c), so they can be tested
 * on hand-built memory: walking a TPACKET_V3 receive block (block
 * descriptor, then frames chained by tp_next_offset, each with its
 * sockaddr_ll and, with PACKET_VNET_HDR, a virtio_net_hdr right before
 * the frame), and filling or reclaiming a TPACKET_V2 transmit slot. The
 * kernel writes the receive side: every offset is checked against the
 * block before it is followed, so a bad block is refused, never read out
 * of bounds. Data path; touches only the memory given.
 */
#ifndef NS_IO_RING_H
#define NS_IO_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>

/* One received frame, pointing into the block. */
struct io_ring_frame {
	const uint8_t *data;    /* link header first */
	uint32_t len;           /* bytes in the ring (tp_snaplen) */
	uint32_t wire_len;      /* bytes on the wire (tp_len) */
	uint32_t status;        /* tp_status: TP_STATUS_* flags */
	uint8_t pkttype;        /* PACKET_HOST, PACKET_OUTGOING, ... */
	/* The frame's offload header, or NULL (socket without vnet). */
	const struct virtio_net_hdr *vnet;
};

/* Where a walk over one block stands. */
struct io_tpv3_cursor {
	const uint8_t *blk;
	uint32_t blk_len;       /* bytes of the block the kernel filled */
	uint32_t left;          /* frames not yet returned */
	uint32_t off;           /* offset of the next frame */
	bool vnet;
};

/*
 * Start walking the block at blk (block_size bytes, handed to user space:
 * block_status has TP_STATUS_USER). vnet: the socket has PACKET_VNET_HDR.
 * Returns the block's frame count, or -EINVAL when the descriptor points
 * outside the block (the caller gives the block back and counts an error).
 */
int io_tpv3_block_open(struct io_tpv3_cursor *c, const void *blk,
		       size_t block_size, bool vnet);

/*
 * The next frame of the block into *f: 1, 0 when the block is done,
 * -EINVAL when the frame's header or data lie outside the block, or the
 * previous frame's link did (the rest of the block is then skipped: the
 * chain cannot be trusted).
 */
int io_tpv3_next(struct io_tpv3_cursor *c, struct io_ring_frame *f);

/*
 * Offset of a transmit slot's frame from the slot's start (TPACKET_V2,
 * no PACKET_TX_HAS_OFF): the kernel reads the data after the header,
 * where a received frame's sockaddr_ll would be.
 */
size_t io_tpv2_tx_data_off(void);

/*
 * Largest frame a transmit slot of frame_size bytes holds (with the
 * virtio_net_hdr in front when vnet).
 */
uint32_t io_tpv2_tx_room(size_t frame_size, bool vnet);

/*
 * Whether the slot may be filled: true when the kernel gave it back
 * (TP_STATUS_AVAILABLE). A slot the kernel refused (TP_STATUS_WRONG_FORMAT)
 * is made available and *bad set, for the caller to count.
 */
bool io_tpv2_tx_slot_free(void *slot, bool *bad);

/*
 * Fill a free slot with one frame (vh, when not NULL, written first) and
 * hand it to the kernel (TP_STATUS_SEND_REQUEST, stored after the data).
 * Returns 0, or -EMSGSIZE when the frame does not fit (slot untouched).
 */
int io_tpv2_tx_fill(void *slot, size_t frame_size,
		    const struct virtio_net_hdr *vh, const void *frame,
		    uint32_t len);

#endif
