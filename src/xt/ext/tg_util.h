/* SPDX-License-Identifier: MIT */
/*
 * Data-path helpers the packet-rewriting targets share (REJECT, TOS, TTL,
 * DSCP): access to a complete IPv4 header and the TOS byte rewrite with
 * its RFC 1624 checksum update. The option parsing helpers are in util.c
 * (declared in xt/ext.h). Data path: no allocation.
 */
#ifndef NS_XT_EXT_TG_UTIL_H
#define NS_XT_EXT_TG_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "pkt/csum.h"
#include "pkt/pkt.h"
#include "xt/ext.h"

/*
 * The IPv4 header of pkt when it has a complete one (data path): NULL for
 * non-IPv4 packets or a buffer too short for the header it announces.
 */
static inline uint8_t *tgu_iph(const struct pkt *pkt)
{
	uint8_t *iph;
	uint32_t l3len;

	if (pkt->len <= pkt->l3_off)
		return NULL;
	l3len = pkt_l3_len(pkt);
	if (l3len < 20)
		return NULL;
	iph = pkt_l3(pkt);
	if ((iph[0] >> 4) != 4 || (iph[0] & 0x0f) * 4u > l3len ||
	    (iph[0] & 0x0f) < 5)
		return NULL;
	return iph;
}

/*
 * ipv4_change_dsfield(): set the TOS byte to (tos & mask) | value and
 * update the header checksum incrementally (RFC 1624). Data path.
 */
static inline void tgu_set_tos(uint8_t *iph, uint8_t mask, uint8_t value)
{
	uint8_t nt = (uint8_t)((iph[1] & mask) | value);
	uint16_t from, to, sum;

	if (nt == iph[1])
		return;
	memcpy(&from, iph, 2);
	iph[1] = nt;
	memcpy(&to, iph, 2);
	memcpy(&sum, iph + 10, 2);
	csum_replace2(&sum, from, to);
	memcpy(iph + 10, &sum, 2);
}

#endif
