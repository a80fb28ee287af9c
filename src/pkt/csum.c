// SPDX-License-Identifier: MIT
/* Internet checksum, full and incremental (RFC 1071, RFC 1624). Data path. */
#include "pkt/csum.h"

#include <string.h>

uint32_t csum_partial(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t s = sum;

	while (len >= 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		s += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint16_t w = 0;

		memcpy(&w, p, 1);
		s += w;
	}
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t ip_fast_csum(const void *iph, unsigned int ihl)
{
	return csum_fold(csum_partial(iph, ihl * 4u, 0));
}

uint32_t csum_tcpudp_nofold(uint32_t saddr, uint32_t daddr, uint16_t len,
			    uint8_t proto, uint32_t sum)
{
	uint64_t s = sum;
	uint16_t w[2];

	s += (saddr & 0xffff) + (saddr >> 16);
	s += (daddr & 0xffff) + (daddr >> 16);
	/* Protocol and length in network order, summed as 16-bit words. */
	w[0] = (uint16_t)(proto << 8);
	w[1] = (uint16_t)((len >> 8) | (len << 8));
	{
		uint8_t b[4];

		b[0] = 0;
		b[1] = proto;
		b[2] = (uint8_t)(len >> 8);
		b[3] = (uint8_t)len;
		memcpy(w, b, 4);
	}
	s += w[0];
	s += w[1];
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
void csum_replace2(uint16_t *sum, uint16_t from, uint16_t to)
{
	uint32_t s = (uint16_t)~*sum;

	s += (uint16_t)~from;
	s += to;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	*sum = (uint16_t)~s;
}

void csum_replace4(uint16_t *sum, uint32_t from, uint32_t to)
{
	csum_replace2(sum, (uint16_t)(from & 0xffff), (uint16_t)(to & 0xffff));
	csum_replace2(sum, (uint16_t)(from >> 16), (uint16_t)(to >> 16));
}
