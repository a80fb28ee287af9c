/* SPDX-License-Identifier: MIT */
/*
 * Internet checksums: full (RFC 1071) and incremental (RFC 1624) updates,
 * as the kernel's csum_replace2/4 and inet_proto_csum_replace do. Data path.
 */
#ifndef NS_PKT_CSUM_H
#define NS_PKT_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's complement sum of len bytes, added to sum (not folded). */
uint32_t csum_partial(const void *data, size_t len, uint32_t sum);
/* Fold a 32-bit sum and complement it: the value to store (NBO-ready). */
uint16_t csum_fold(uint32_t sum);
/* Checksum of an IPv4 header of ihl*4 bytes (field must be included as is). */
uint16_t ip_fast_csum(const void *iph, unsigned int ihl);
/* Pseudo-header sum for TCP/UDP over IPv4 (addresses NBO, len host order). */
uint32_t csum_tcpudp_nofold(uint32_t saddr, uint32_t daddr, uint16_t len,
			    uint8_t proto, uint32_t sum);
/*
 * RFC 1624: update checksum *sum (as stored, NBO) for a 16/32-bit field
 * changing from `from` to `to` (both as stored, NBO).
 */
void csum_replace2(uint16_t *sum, uint16_t from, uint16_t to);
void csum_replace4(uint16_t *sum, uint32_t from, uint32_t to);

#endif
