// SPDX-License-Identifier: MIT
/*
 * Software GSO for IPv4, as the kernel's skb_gso_segment() path
 * (inet_gso_segment, tcp_gso_segment, udp4_ufo_fragment,
 * __udp_gso_segment) and skb_checksum_help(). A super-frame stays one
 * packet through the stack and netfilter; it is cut here only when its
 * egress cannot take it whole or its segments exceed the egress MTU.
 * Data path: touches the packet it is given and the segments it
 * allocates from the caller's pool; never reads past pkt->len.
 */
#include "pkt/gso.h"

#include "pkt/csum.h"
#include "pkt/parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>

#define TCPF_CWR 0x80
#define UDP_HLEN 8

/* The transport header's length (TCP with options, UDP 8), 0 when bad. */
static uint32_t gso_thlen(const struct pkt *pkt)
{
	const uint8_t *l4 = pkt_l4(pkt);
	uint32_t thlen;

	if (!l4)
		return 0;
	if (pkt->gso_type == PKT_GSO_TCPV4) {
		if (pkt->l4_len < sizeof(struct ns_tcphdr))
			return 0;
		thlen = (uint32_t)(l4[12] >> 4) * 4;
		if (thlen < sizeof(struct ns_tcphdr) || thlen > pkt->l4_len)
			return 0;
		return thlen;
	}
	return pkt->l4_len < UDP_HLEN ? 0 : UDP_HLEN;
}

int pkt_gso_check(const struct pkt *pkt)
{
	uint8_t want;

	switch (pkt->gso_type) {
	case PKT_GSO_TCPV4:
		want = 6;
		break;
	case PKT_GSO_UDP:
	case PKT_GSO_UDP_L4:
		want = 17;
		break;
	default:
		return -EINVAL;
	}
	if (!pkt->gso_size || pkt->family != 2 || pkt->is_frag ||
	    pkt->l4_proto != want || !gso_thlen(pkt))
		return -EINVAL;
	if (pkt->csum_partial && pkt->csum_start != pkt->l4_off)
		return -EINVAL;
	if (pkt->gso_type == PKT_GSO_UDP && (pkt->gso_size & 7))
		return -EINVAL;     /* fragment offsets count 8-byte units */
	return 0;
}

uint32_t pkt_gso_network_seglen(const struct pkt *pkt)
{
	uint32_t nhlen = pkt->l4_off - pkt->l3_off;

	if (pkt->gso_type == PKT_GSO_UDP)
		return nhlen + pkt->gso_size;
	return nhlen + gso_thlen(pkt) + pkt->gso_size;
}

int pkt_csum_help(struct pkt *pkt)
{
	uint32_t start = pkt->csum_start, off = pkt->csum_offset;
	uint16_t sum;

	if (!pkt->csum_partial)
		return 0;
	if (start >= pkt->len || off + 2 > pkt->len - start)
		return -EINVAL;
	sum = csum_fold(csum_partial(pkt->data + start, pkt->len - start, 0));
	if (sum == 0)
		sum = 0xffff;       /* CSUM_MANGLED_0 */
	memcpy(pkt->data + start + off, &sum, 2);
	pkt->csum_partial = false;
	return 0;
}

/* Free a list of segments (on failure). */
static void free_list(struct pkt *segs)
{
	while (segs) {
		struct pkt *next = segs->next;

		segs->next = NULL;
		pkt_free(segs);
		segs = next;
	}
}

/*
 * A new packet of hdrlen + n bytes: pkt's metadata, its headers (data up
 * to hdrlen) and n bytes of payload from src. NULL when the pool is empty.
 */
static struct pkt *new_seg(const struct pkt *pkt, struct pkt_pool *pl,
			   uint32_t hdrlen, const uint8_t *src, uint32_t n)
{
	struct pkt *seg;
	struct pkt *next;
	struct pkt_pool *pool;
	uint8_t *big;

	if (hdrlen + n <= PKT_MAX_FRAME)
		seg = pkt_alloc(pl);
	else
		seg = pkt_alloc_big(pl);
	if (!seg)
		return NULL;
	/* skb_segment() copies the header fields: all but the buffer. */
	next = seg->next;
	pool = seg->pool;
	big = seg->big;
	memcpy(seg, pkt, offsetof(struct pkt, next));
	seg->next = next;
	seg->pool = pool;
	seg->big = big;
	seg->data = pkt_head(seg) + PKT_HEADROOM;
	memcpy(seg->data, pkt->data, hdrlen);
	memcpy(seg->data + hdrlen, src, n);
	seg->len = hdrlen + n;
	seg->gso_type = PKT_GSO_NONE;
	seg->gso_size = 0;
	seg->gso_ecn = false;
	seg->csum_partial = false;
	return seg;
}

/* The IP header of a segment: total length, ID, header checksum. */
static void seg_fix_iph(struct pkt *seg, uint16_t id)
{
	struct ns_iphdr *iph = pkt_iph(seg);

	iph->tot_len = htons((uint16_t)(seg->len - seg->l3_off));
	iph->id = htons(id);
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph_hlen(iph) / 4);
	pkt_set_ipv4_offsets(seg);
}

/* The full TCP/UDP checksum of a segment (0 sent as 0xffff for UDP). */
static uint16_t seg_l4_csum(const struct pkt *seg, uint8_t proto)
{
	const struct ns_iphdr *iph = pkt_iph(seg);
	uint32_t len = seg->len - seg->l4_off;
	uint32_t sum = csum_partial(seg->data + seg->l4_off, len, 0);
	uint16_t check;

	sum = csum_tcpudp_nofold(iph->saddr, iph->daddr, (uint16_t)len, proto,
				 sum);
	check = csum_fold(sum);
	if (proto == 17 && check == 0)
		check = 0xffff;
	return check;
}

/* tcp_gso_segment() with inet_gso_segment()'s IP header updates. */
static int segment_tcp(const struct pkt *pkt, struct pkt_pool *pl,
		       uint32_t thlen, struct pkt **segs)
{
	uint32_t hdrlen = pkt->l4_off + thlen;
	uint32_t total = pkt->len - hdrlen, mss = pkt->gso_size, off = 0;
	const struct ns_tcphdr *oth = (const void *)(pkt->data + pkt->l4_off);
	uint32_t seq = ntohl(ns_get32(&oth->seq));
	uint16_t id = ntohs(pkt_iph(pkt)->id);
	struct pkt *head = NULL, **tail = &head;

	do {
		uint32_t n = total - off > mss ? mss : total - off;
		struct pkt *seg = new_seg(pkt, pl, hdrlen,
					  pkt->data + hdrlen + off, n);
		struct ns_tcphdr *th;
		uint16_t check;
		uint32_t nseq;

		if (!seg) {
			free_list(head);
			return -ENOBUFS;
		}
		seg_fix_iph(seg, id++);
		th = (struct ns_tcphdr *)(seg->data + seg->l4_off);
		nseq = htonl(seq + off);
		memcpy(&th->seq, &nseq, 4);
		if (off)
			th->flags &= (uint8_t)~TCPF_CWR;
		if (off + n < total)
			th->flags &= (uint8_t)~(NS_TCPF_FIN | NS_TCPF_PSH);
		th->check = 0;
		check = seg_l4_csum(seg, 6);
		memcpy(&th->check, &check, 2);
		*tail = seg;
		tail = &seg->next;
		off += n;
	} while (off < total);
	*segs = head;
	return 0;
}

/* __udp_gso_segment(): UDP datagrams of gso_size payload bytes. */
static int segment_udp_l4(const struct pkt *pkt, struct pkt_pool *pl,
			  struct pkt **segs)
{
	uint32_t hdrlen = pkt->l4_off + UDP_HLEN;
	uint32_t total = pkt->len - hdrlen, mss = pkt->gso_size, off = 0;
	uint16_t id = ntohs(pkt_iph(pkt)->id);
	struct pkt *head = NULL, **tail = &head;

	do {
		uint32_t n = total - off > mss ? mss : total - off;
		struct pkt *seg = new_seg(pkt, pl, hdrlen,
					  pkt->data + hdrlen + off, n);
		struct ns_udphdr *uh;
		uint16_t check;

		if (!seg) {
			free_list(head);
			return -ENOBUFS;
		}
		seg_fix_iph(seg, id++);
		uh = (struct ns_udphdr *)(seg->data + seg->l4_off);
		uh->len = htons((uint16_t)(UDP_HLEN + n));
		uh->check = 0;
		check = seg_l4_csum(seg, 17);
		memcpy(&uh->check, &check, 2);
		*tail = seg;
		tail = &seg->next;
		off += n;
	} while (off < total);
	*segs = head;
	return 0;
}

/*
 * udp4_ufo_fragment(): the UDP checksum over the whole datagram, then IP
 * fragments of gso_size bytes of IP payload, the ID kept, DF cleared
 * (inet_gso_segment() rewrites frag_off).
 */
static int segment_ufo(const struct pkt *pkt, struct pkt_pool *pl,
		       struct pkt **segs)
{
	uint32_t hdrlen = pkt->l4_off, mss = pkt->gso_size;
	uint32_t total = pkt->len - hdrlen, off = 0;
	uint16_t id = ntohs(pkt_iph(pkt)->id);
	struct pkt *head = NULL, **tail = &head;
	uint8_t udph[UDP_HLEN];
	uint16_t check;

	/* The datagram's checksum, written into the first fragment. */
	memcpy(udph, pkt->data + hdrlen, UDP_HLEN);
	memset(udph + 6, 0, 2);
	{
		const struct ns_iphdr *iph = pkt_iph(pkt);
		uint32_t sum = csum_partial(udph, UDP_HLEN, 0);

		sum = csum_partial(pkt->data + hdrlen + UDP_HLEN,
				   total - UDP_HLEN, sum);
		sum = csum_tcpudp_nofold(iph->saddr, iph->daddr,
					 (uint16_t)total, 17, sum);
		check = csum_fold(sum);
		if (check == 0)
			check = 0xffff;
	}
	do {
		uint32_t n = total - off > mss ? mss : total - off;
		struct pkt *seg = new_seg(pkt, pl, hdrlen,
					  pkt->data + hdrlen + off, n);
		struct ns_iphdr *iph;
		uint16_t fo;

		if (!seg) {
			free_list(head);
			return -ENOBUFS;
		}
		if (!off)
			memcpy(seg->data + hdrlen + 6, &check, 2);
		iph = pkt_iph(seg);
		fo = (uint16_t)(off >> 3);
		if (off + n < total)
			fo |= NS_IPH_MF;
		iph->frag_off = htons(fo);
		seg_fix_iph(seg, id);
		*tail = seg;
		tail = &seg->next;
		off += n;
	} while (off < total);
	*segs = head;
	return 0;
}

int pkt_gso_segment(const struct pkt *pkt, struct pkt_pool *pool,
		    struct pkt **segs)
{
	uint32_t thlen;
	int err;

	*segs = NULL;
	err = pkt_gso_check(pkt);
	if (err)
		return err;
	thlen = gso_thlen(pkt);
	switch (pkt->gso_type) {
	case PKT_GSO_TCPV4:
		return segment_tcp(pkt, pool, thlen, segs);
	case PKT_GSO_UDP_L4:
		return segment_udp_l4(pkt, pool, segs);
	case PKT_GSO_UDP:
		return segment_ufo(pkt, pool, segs);
	}
	return -EINVAL;
}
