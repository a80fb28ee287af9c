/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the NAT suites: a net with a fixed seed, hand-made
 * conntrack entries (unconfirmed, as NAT sees them on a first packet),
 * IPv4 packets with correct checksums, and checks of every checksum by
 * full recomputation. Include after <cmocka.h>.
 */
#ifndef NS_TESTS_NAT_HARNESS_H
#define NS_TESTS_NAT_HARNESS_H

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <netsieve/netsieve.h>

#include "core/net.h"
#include "nat/nat_int.h"
#include "pkt/csum.h"
#include "pkt/parse.h"

static __attribute__((unused)) uint32_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static __attribute__((unused)) struct ct_tuple
tup(uint8_t proto, const char *src, uint16_t sport, const char *dst,
    uint16_t dport)
{
	struct ct_tuple t;

	memset(&t, 0, sizeof(t));
	t.src = ns_addr4(ip4(src));
	t.dst = ns_addr4(ip4(dst));
	t.sport = htons(sport);
	t.dport = htons(dport);
	t.proto = proto;
	return t;
}

/* An unconfirmed entry for orig, its reply the plain inverse. */
static __attribute__((unused)) struct ct_conn *mkct(const struct ct_tuple *o)
{
	struct ct_conn *ct = calloc(1, sizeof(*ct));

	assert_non_null(ct);
	ct->node[CT_DIR_ORIGINAL].tuple = *o;
	ct->node[CT_DIR_ORIGINAL].dir = CT_DIR_ORIGINAL;
	nat_invert_tuple(&ct->node[CT_DIR_REPLY].tuple, o);
	ct->node[CT_DIR_REPLY].dir = CT_DIR_REPLY;
	return ct;
}

/*
 * An IPv4 packet (no L2) of proto from src:sport to dst:dport with plen
 * payload bytes, checksums right. ICMP: sport is the echo id and dport
 * type << 8 | code. udp_nocsum: a UDP checksum of 0.
 */
static __attribute__((unused)) struct pkt *
mkpkt(struct net *net, uint8_t proto, const char *src, uint16_t sport,
      const char *dst, uint16_t dport, unsigned plen, bool udp_nocsum)
{
	struct pkt *p = pkt_alloc(&net->inject.pool);
	unsigned l4 = proto == 6 ? 20 : 8, i, tot = 20 + l4 + plen;
	uint8_t *h, *t;
	uint16_t s;

	assert_non_null(p);
	p->has_l2 = false;
	h = p->data;
	memset(h, 0, tot);
	h[0] = 0x45;
	h[2] = (uint8_t)(tot >> 8);
	h[3] = (uint8_t)tot;
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, &(uint32_t){ ip4(src) }, 4);
	memcpy(h + 16, &(uint32_t){ ip4(dst) }, 4);
	s = ip_fast_csum(h, 5);
	memcpy(h + 10, &s, 2);
	t = h + 20;
	for (i = 0; i < plen; i++)
		t[l4 + i] = (uint8_t)(i * 7 + 3);
	if (proto == 1) {
		t[0] = (uint8_t)(dport >> 8);
		t[1] = (uint8_t)dport;
		t[4] = (uint8_t)(sport >> 8);
		t[5] = (uint8_t)sport;
		s = csum_fold(csum_partial(t, l4 + plen, 0));
		memcpy(t + 2, &s, 2);
	} else {
		unsigned co = proto == 6 ? 16 : 6;

		t[0] = (uint8_t)(sport >> 8);
		t[1] = (uint8_t)sport;
		t[2] = (uint8_t)(dport >> 8);
		t[3] = (uint8_t)dport;
		if (proto == 6)
			t[12] = 0x50;
		else {
			t[4] = (uint8_t)((l4 + plen) >> 8);
			t[5] = (uint8_t)(l4 + plen);
		}
		if (!udp_nocsum) {
			s = csum_fold(csum_tcpudp_nofold(ip4(src), ip4(dst),
							 (uint16_t)(l4 + plen),
							 proto,
							 csum_partial(t, l4 + plen,
								      0)));
			if (proto == 17 && !s)
				s = 0xffff;
			memcpy(t + co, &s, 2);
		}
	}
	p->len = tot;
	p->l3_off = 0;
	p->family = NS_PF_INET;
	p->ethertype = NS_ETHTYPE_IP;
	pkt_set_ipv4_offsets(p);
	return p;
}

/* Is the IPv4 header checksum at off right? */
static __attribute__((unused)) bool ip_csum_ok(const uint8_t *iph)
{
	return ip_fast_csum(iph, iph[0] & 0x0f) == 0;
}

/* Is the TCP/UDP checksum of the whole datagram at iph right? */
static __attribute__((unused)) bool l4_csum_ok(const uint8_t *iph)
{
	unsigned hl = (iph[0] & 0x0f) * 4u;
	unsigned tot = (unsigned)iph[2] << 8 | iph[3];
	uint32_t s, d;

	memcpy(&s, iph + 12, 4);
	memcpy(&d, iph + 16, 4);
	if (iph[9] == 1)
		return csum_fold(csum_partial(iph + hl, tot - hl, 0)) == 0;
	return csum_fold(csum_tcpudp_nofold(s, d, (uint16_t)(tot - hl),
					    iph[9],
					    csum_partial(iph + hl, tot - hl,
							 0))) == 0;
}

#endif
