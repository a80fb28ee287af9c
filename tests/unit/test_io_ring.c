// SPDX-License-Identifier: MIT
/*
 * The AF_PACKET ring layouts (src/io/ring.c) on hand-built memory: a
 * TPACKET_V3 block laid out as the kernel lays it out (with and without
 * the virtio_net_hdr before each frame) is walked frame by frame, and
 * every way a block can point outside itself is refused without a read
 * out of bounds (the block sits at the end of a guard-paged mapping in
 * the bounds tests). The TPACKET_V2 transmit slot: fill, room, reclaim.
 * No socket, no root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/if_packet.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io/ring.h"

#define BLK 8192
#define ALIGN8(x) (((x) + 7u) & ~7u)

/* Lay out n frames of the given lengths as tpacket_rcv() does. */
static uint32_t build_block(uint8_t *blk, int n, const uint32_t *lens,
			    bool vnet, uint8_t pkttype)
{
	struct tpacket_block_desc *bd = (struct tpacket_block_desc *)blk;
	uint32_t off = ALIGN8(sizeof(*bd)), prev = 0;
	int i;

	memset(blk, 0, BLK);
	bd->version = TPACKET_V3;
	bd->hdr.bh1.num_pkts = (uint32_t)n;
	bd->hdr.bh1.offset_to_first_pkt = off;
	bd->hdr.bh1.block_status = TP_STATUS_USER;
	for (i = 0; i < n; i++) {
		struct tpacket3_hdr *h = (struct tpacket3_hdr *)(blk + off);
		struct sockaddr_ll *sll = (struct sockaddr_ll *)
			((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
		/* netoff = align(hdrlen + 16) (+ vnet); mac = netoff - 14 */
		uint32_t netoff = TPACKET_ALIGN(TPACKET3_HDRLEN + 16) +
				  (vnet ? sizeof(struct virtio_net_hdr) : 0);
		uint32_t mac = netoff - 14;

		h->tp_mac = (uint16_t)mac;
		h->tp_net = (uint16_t)netoff;
		h->tp_snaplen = lens[i];
		h->tp_len = lens[i];
		h->tp_status = TP_STATUS_USER;
		sll->sll_pkttype = pkttype;
		memset((uint8_t *)h + mac, 0x10 + i, lens[i]);
		if (vnet) {
			struct virtio_net_hdr *vh = (struct virtio_net_hdr *)
				((uint8_t *)h + mac - sizeof(*vh));

			vh->gso_size = (uint16_t)(100 + i);
		}
		if (i)
			((struct tpacket3_hdr *)(blk + prev))->tp_next_offset =
				off - prev;
		prev = off;
		off += ALIGN8(mac + lens[i]);     /* V3_ALIGNMENT */
	}
	bd->hdr.bh1.blk_len = off;
	return off;
}

static void walk_ok(bool vnet)
{
	static uint8_t blk[BLK] __attribute__((aligned(16)));
	const uint32_t lens[3] = { 60, 1514, 99 };
	struct io_tpv3_cursor c;
	struct io_ring_frame f;
	int i;

	build_block(blk, 3, lens, vnet, PACKET_HOST);
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, vnet), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(io_tpv3_next(&c, &f), 1);
		assert_int_equal(f.len, lens[i]);
		assert_int_equal(f.wire_len, lens[i]);
		assert_int_equal(f.pkttype, PACKET_HOST);
		assert_int_equal(f.data[0], 0x10 + i);
		assert_int_equal(f.data[lens[i] - 1], 0x10 + i);
		if (vnet) {
			assert_non_null(f.vnet);
			assert_int_equal(f.vnet->gso_size, 100 + i);
		} else {
			assert_null(f.vnet);
		}
	}
	assert_int_equal(io_tpv3_next(&c, &f), 0);
	assert_int_equal(io_tpv3_next(&c, &f), 0);
}

static void test_walk(void **state)
{
	(void)state;
	walk_ok(false);
	walk_ok(true);
}

static void test_empty_block(void **state)
{
	static uint8_t blk[BLK] __attribute__((aligned(16)));
	struct io_tpv3_cursor c;
	struct io_ring_frame f;

	(void)state;
	build_block(blk, 0, NULL, false, 0);
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), 0);
	assert_int_equal(io_tpv3_next(&c, &f), 0);
}

static void test_outgoing_and_truncated(void **state)
{
	static uint8_t blk[BLK] __attribute__((aligned(16)));
	const uint32_t lens[1] = { 200 };
	struct tpacket3_hdr *h;
	struct io_tpv3_cursor c;
	struct io_ring_frame f;

	(void)state;
	build_block(blk, 1, lens, true, PACKET_OUTGOING);
	h = (struct tpacket3_hdr *)(blk + ALIGN8(
		sizeof(struct tpacket_block_desc)));
	h->tp_len = 5000;        /* cut by the ring: the caller drops it */
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, true), 1);
	assert_int_equal(io_tpv3_next(&c, &f), 1);
	assert_int_equal(f.pkttype, PACKET_OUTGOING);
	assert_true(f.len < f.wire_len);
}

/* Each corruption is refused; the walk stops there. */
static void test_bad_blocks(void **state)
{
	static uint8_t blk[BLK] __attribute__((aligned(16)));
	const uint32_t lens[2] = { 60, 70 };
	struct tpacket_block_desc *bd = (struct tpacket_block_desc *)blk;
	struct tpacket3_hdr *h;
	struct io_tpv3_cursor c;
	struct io_ring_frame f;
	uint32_t first = ALIGN8(sizeof(*bd));

	(void)state;
	h = (struct tpacket3_hdr *)(blk + first);

	/* blk_len beyond the block. */
	build_block(blk, 2, lens, false, 0);
	bd->hdr.bh1.blk_len = BLK + 1;
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), -EINVAL);

	/* First frame inside the descriptor, or past blk_len. */
	build_block(blk, 2, lens, false, 0);
	bd->hdr.bh1.offset_to_first_pkt = 4;
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), -EINVAL);
	build_block(blk, 2, lens, false, 0);
	bd->hdr.bh1.offset_to_first_pkt = bd->hdr.bh1.blk_len;
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), -EINVAL);

	/* Misaligned first frame. */
	build_block(blk, 2, lens, false, 0);
	bd->hdr.bh1.offset_to_first_pkt = first + 4;    /* not on 8 */
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), 2);
	assert_int_equal(io_tpv3_next(&c, &f), -EINVAL);
	assert_int_equal(io_tpv3_next(&c, &f), 0);

	/* Data past the end of what the kernel filled. */
	build_block(blk, 2, lens, false, 0);
	h->tp_snaplen = BLK;
	h->tp_len = BLK;
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), 2);
	assert_int_equal(io_tpv3_next(&c, &f), -EINVAL);

	/* tp_mac inside the frame header (no room for sll), or no room
	 * for the vnet header. */
	build_block(blk, 2, lens, false, 0);
	h->tp_mac = 8;
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), 2);
	assert_int_equal(io_tpv3_next(&c, &f), -EINVAL);
	build_block(blk, 2, lens, false, 0);
	h->tp_mac = TPACKET3_HDRLEN;
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, true), 2);
	assert_int_equal(io_tpv3_next(&c, &f), -EINVAL);

	/* More bytes captured than on the wire. */
	build_block(blk, 2, lens, false, 0);
	h->tp_len = 10;
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), 2);
	assert_int_equal(io_tpv3_next(&c, &f), -EINVAL);

	/* A chain that stops early, loops on itself or jumps out. */
	build_block(blk, 2, lens, false, 0);
	h->tp_next_offset = 0;
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), 2);
	assert_int_equal(io_tpv3_next(&c, &f), 1);
	assert_int_equal(io_tpv3_next(&c, &f), -EINVAL);
	assert_int_equal(io_tpv3_next(&c, &f), 0);
	build_block(blk, 2, lens, false, 0);
	h->tp_next_offset = 0x7fffffff;
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), 2);
	assert_int_equal(io_tpv3_next(&c, &f), 1);
	assert_int_equal(io_tpv3_next(&c, &f), -EINVAL);

	/* num_pkts larger than the frames there: the walk ends in bounds. */
	build_block(blk, 2, lens, false, 0);
	bd->hdr.bh1.num_pkts = 1000;
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), 1000);
	assert_int_equal(io_tpv3_next(&c, &f), 1);
	assert_int_equal(io_tpv3_next(&c, &f), 1);
	assert_int_equal(io_tpv3_next(&c, &f), -EINVAL);
}

/*
 * A block that ends at a page the process may not read: a header near the
 * end whose fields point past it must be refused before any access.
 */
static void test_guard_page(void **state)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *map, *blk;
	struct tpacket_block_desc *bd;
	struct io_tpv3_cursor c;
	struct io_ring_frame f;
	const uint32_t lens[1] = { 60 };
	uint32_t used;

	(void)state;
	map = mmap(NULL, (size_t)pg * 4, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + pg * 3, (size_t)pg, PROT_NONE), 0);
	blk = map + pg * 3 - BLK;
	bd = (struct tpacket_block_desc *)blk;
	{
		static uint8_t tmp[BLK] __attribute__((aligned(16)));

		used = build_block(tmp, 1, lens, false, 0);
		memcpy(blk, tmp, BLK);
	}
	/* The descriptor claims the block runs to its end; the frame chain
	 * jumps to the last bytes. */
	bd->hdr.bh1.blk_len = BLK;
	bd->hdr.bh1.num_pkts = 2;
	((struct tpacket3_hdr *)(blk + bd->hdr.bh1.offset_to_first_pkt))
		->tp_next_offset = BLK - 16 - bd->hdr.bh1.offset_to_first_pkt;
	assert_int_equal(io_tpv3_block_open(&c, blk, BLK, false), 2);
	assert_int_equal(io_tpv3_next(&c, &f), 1);
	assert_int_equal(io_tpv3_next(&c, &f), -EINVAL);
	(void)used;
	munmap(map, (size_t)pg * 4);
}

static void test_tx_slot(void **state)
{
	static uint8_t slot[2048] __attribute__((aligned(16)));
	struct tpacket2_hdr *h = (struct tpacket2_hdr *)slot;
	struct virtio_net_hdr vh = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				     .csum_start = 34, .csum_offset = 6 };
	uint8_t frame[2048];   /* as large as the largest fill below */
	size_t off = io_tpv2_tx_data_off();
	bool bad;

	(void)state;
	/* The kernel reads the data right after the V2 header. */
	assert_int_equal(off, TPACKET_ALIGN(sizeof(struct tpacket2_hdr)));
	assert_int_equal(io_tpv2_tx_room(2048, false), 2048 - off);
	assert_int_equal(io_tpv2_tx_room(2048, true), 2048 - off - 10);
	assert_int_equal(io_tpv2_tx_room(16, true), 0);

	memset(slot, 0, sizeof(slot));
	memset(frame, 0xab, sizeof(frame));
	assert_true(io_tpv2_tx_slot_free(slot, &bad));
	assert_false(bad);
	assert_int_equal(io_tpv2_tx_fill(slot, 2048, &vh, frame, 1514), 0);
	assert_int_equal(h->tp_status, TP_STATUS_SEND_REQUEST);
	assert_int_equal(h->tp_len, 1514 + 10);
	assert_memory_equal(slot + off, &vh, sizeof(vh));
	assert_memory_equal(slot + off + 10, frame, 1514);
	/* Owned by the kernel until it gives the slot back. */
	assert_false(io_tpv2_tx_slot_free(slot, &bad));
	h->tp_status = TP_STATUS_SENDING;
	assert_false(io_tpv2_tx_slot_free(slot, &bad));
	h->tp_status = TP_STATUS_AVAILABLE;
	assert_true(io_tpv2_tx_slot_free(slot, &bad));
	assert_false(bad);
	/* Refused by the kernel: reusable, and said so. */
	h->tp_status = TP_STATUS_WRONG_FORMAT;
	assert_true(io_tpv2_tx_slot_free(slot, &bad));
	assert_true(bad);
	assert_int_equal(h->tp_status, TP_STATUS_AVAILABLE);

	/* Without vnet; too large for the slot: untouched. */
	assert_int_equal(io_tpv2_tx_fill(slot, 2048, NULL, frame, 60), 0);
	assert_int_equal(h->tp_len, 60);
	h->tp_status = TP_STATUS_AVAILABLE;
	assert_int_equal(io_tpv2_tx_fill(slot, 2048, &vh, frame,
					 io_tpv2_tx_room(2048, true) + 1),
			 -EMSGSIZE);
	assert_int_equal(h->tp_status, TP_STATUS_AVAILABLE);
	assert_int_equal(io_tpv2_tx_fill(slot, 2048, &vh, frame,
					 io_tpv2_tx_room(2048, true)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_empty_block),
		cmocka_unit_test(test_outgoing_and_truncated),
		cmocka_unit_test(test_bad_blocks),
		cmocka_unit_test(test_guard_page),
		cmocka_unit_test(test_tx_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
