// SPDX-License-Identifier: MIT
/*
 * Header rewriting, as the kernel's nf_nat_proto.c: the IPv4 address and
 * the L4 part (TCP and UDP ports, UDP-Lite, SCTP and DCCP ports, ICMP
 * query id) with incremental checksum updates (RFC 1624). A packet whose
 * L4 checksum is left to the device (pkt->csum_partial: the field holds
 * the pseudo-header sum only) gets that sum updated for the address and
 * nothing for the port, as inet_proto_csum_replace4/2 do with
 * CHECKSUM_PARTIAL. A UDP checksum of zero (none) stays zero. Also the
 * per-packet decision (nf_nat_packet). Data path: no allocation; never
 * reads or writes past pkt->len.
 */
#include "nat/nat_int.h"

#include <arpa/inet.h>
#include <string.h>

#include "pkt/csum.h"
#include "pkt/parse.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_DCCP 33
#define PROTO_SCTP 132
#define PROTO_UDPLITE 136

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/*
 * inet_proto_csum_replace4/2(): a field covered by the L4 checksum at
 * check changes from `from` to `to` (as stored). pseudo: the field is in
 * the pseudo-header (an address), which is all a partial checksum holds.
 */
static void l4_csum_replace(const struct pkt *pkt, uint8_t *check,
			    uint32_t from, uint32_t to, bool pseudo, bool four)
{
	uint16_t sum = get16(check);

	if (!pkt->csum_partial) {
		if (four)
			csum_replace4(&sum, from, to);
		else
			csum_replace2(&sum, (uint16_t)from, (uint16_t)to);
	} else if (pseudo) {
		/* The field holds the pseudo-header sum, not complemented. */
		sum = (uint16_t)~sum;
		if (four)
			csum_replace4(&sum, from, to);
		else
			csum_replace2(&sum, (uint16_t)from, (uint16_t)to);
		sum = (uint16_t)~sum;
	} else {
		return;
	}
	put16(check, sum);
}

/* nf_csum_update(): the address part of an L4 checksum. */
static void addr_csum_update(const struct pkt *pkt, const uint8_t *iph,
			     uint8_t *check, const struct ct_tuple *t,
			     enum nat_manip_type mt)
{
	uint32_t oldip, newip;

	if (mt == NAT_MANIP_SRC) {
		oldip = ns_get32(iph + 12);
		newip = t->src.ip;
	} else {
		oldip = ns_get32(iph + 16);
		newip = t->dst.ip;
	}
	l4_csum_replace(pkt, check, oldip, newip, true, true);
}

/*
 * The port fields of TCP, UDP, UDP-Lite, SCTP, DCCP: source port at 0,
 * destination at 2. csum_off: the checksum's offset in the L4 header, or
 * -1 for none to update; need: bytes of header the checksum needs (an
 * ICMP error quotes only 8).
 */
static bool ports_manip(struct pkt *pkt, const uint8_t *iph, uint32_t hdroff,
			const struct ct_tuple *t, enum nat_manip_type mt,
			int csum_off, uint32_t need, bool zero_is_none)
{
	uint8_t *hdr;
	uint16_t newport, oldport;
	unsigned portoff;

	if (pkt->len < hdroff + 8)
		return false;
	hdr = pkt->data + hdroff;
	if (mt == NAT_MANIP_SRC) {
		newport = t->sport;
		portoff = 0;
	} else {
		newport = t->dport;
		portoff = 2;
	}
	oldport = get16(hdr + portoff);
	if (csum_off >= 0 && pkt->len >= hdroff + need) {
		uint8_t *check = hdr + csum_off;

		if (!zero_is_none || get16(check)) {
			addr_csum_update(pkt, iph, check, t, mt);
			l4_csum_replace(pkt, check, oldport, newport, false,
					false);
			/* 0 means "no checksum": send its other form. */
			if (zero_is_none && !get16(check))
				put16(check, 0xffff);
		}
	}
	put16(hdr + portoff, newport);
	return true;
}

/* icmp_manip_pkt(): the query id; errors are left to icmp.c. */
static bool icmp_manip(struct pkt *pkt, uint32_t hdroff,
		       const struct ct_tuple *t)
{
	uint8_t *hdr;

	if (pkt->len < hdroff + 8)
		return false;
	hdr = pkt->data + hdroff;
	switch (hdr[0]) {
	case NS_ICMP_ECHO:
	case NS_ICMP_ECHOREPLY:
	case NS_ICMP_TIMESTAMP:
	case NS_ICMP_TIMESTAMPREPLY:
	case NS_ICMP_INFO_REQUEST:
	case NS_ICMP_INFO_REPLY:
	case NS_ICMP_ADDRESS:
	case NS_ICMP_ADDRESSREPLY:
		break;
	default:
		return true;
	}
	l4_csum_replace(pkt, hdr + 2, get16(hdr + 4), t->sport, false, false);
	put16(hdr + 4, t->sport);
	return true;
}

/* l4proto_manip_pkt(). */
static bool l4_manip(struct pkt *pkt, const uint8_t *iph, uint32_t hdroff,
		     const struct ct_tuple *t, enum nat_manip_type mt)
{
	switch (t->proto) {
	case PROTO_TCP:
		return ports_manip(pkt, iph, hdroff, t, mt, 16, 20, false);
	case PROTO_UDP:
		return ports_manip(pkt, iph, hdroff, t, mt, 6, 8, true);
	case PROTO_UDPLITE:
		return ports_manip(pkt, iph, hdroff, t, mt, 6, 8, false);
	case PROTO_DCCP:
		return ports_manip(pkt, iph, hdroff, t, mt, 6, 16, false);
	case PROTO_SCTP:
		/*
		 * SCTP's CRC32c covers no pseudo-header: netsieve has no
		 * CRC32c, so only the ports of a quoted header are
		 * rewritten (sctp is not tracked by netsieve).
		 */
		return ports_manip(pkt, iph, hdroff, t, mt, -1, 0, false);
	case PROTO_ICMP:
		return icmp_manip(pkt, hdroff, t);
	}
	/* An unknown protocol passes with its addresses changed only. */
	return true;
}

bool nat_ipv4_manip_pkt(struct pkt *pkt, uint32_t iphoff,
			const struct ct_tuple *target, enum nat_manip_type mt)
{
	uint8_t *iph;
	uint32_t hdroff;
	uint16_t check, frag;

	if (pkt->len < iphoff + 20)
		return false;
	iph = pkt->data + iphoff;
	hdroff = iphoff + (iph[0] & 0x0f) * 4u;
	frag = ntohs(get16(iph + 6));
	/* A later fragment has no L4 header to rewrite. */
	if (!(frag & NS_IPH_OFFMASK) &&
	    !l4_manip(pkt, iph, hdroff, target, mt))
		return false;
	check = get16(iph + 10);
	if (mt == NAT_MANIP_SRC) {
		csum_replace4(&check, ns_get32(iph + 12), target->src.ip);
		memcpy(iph + 12, &target->src.ip, 4);
	} else {
		csum_replace4(&check, ns_get32(iph + 16), target->dst.ip);
		memcpy(iph + 16, &target->dst.ip, 4);
	}
	put16(iph + 10, check);
	return true;
}

unsigned int nat_manip_pkt(struct pkt *pkt, const struct ct_conn *ct,
			   enum nat_manip_type mt, enum ct_dir dir)
{
	struct ct_tuple target;

	/* Look like the inverse of the other direction. */
	nat_invert_tuple(&target, ct_tuple_of(ct, !dir));
	if (!nat_ipv4_manip_pkt(pkt, pkt->l3_off, &target, mt))
		return NS_DROP;
	pkt_set_desc(pkt);
	return NS_ACCEPT;
}

unsigned int nat_packet(struct pkt *pkt, const struct ct_conn *ct,
			enum ct_info ctinfo, int hook)
{
	enum nat_manip_type mt = nat_hook2manip(hook);
	enum ct_dir dir = ct_info_dir(ctinfo);
	uint32_t bit = mt == NAT_MANIP_SRC ? CT_S_SRC_NAT : CT_S_DST_NAT;

	/* A reply undoes the other manip. */
	if (dir == CT_DIR_REPLY)
		bit ^= CT_S_NAT_MASK;
	if (ct_status(ct) & bit)
		return nat_manip_pkt(pkt, ct, mt, dir);
	return NS_ACCEPT;
}
