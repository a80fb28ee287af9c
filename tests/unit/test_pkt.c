// SPDX-License-Identifier: MIT
/*
 * Packet parsing (eth_type_trans + ip_rcv_core checks) and checksums: each
 * malformed header gives its reason, offsets are right for fragments and
 * truncated transport headers, padding is trimmed, and the incremental
 * checksum updates agree with a full recomputation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "stack_harness.h"

static struct pkt_pool pool;

static int setup(void **state)
{
	(void)state;
	return pkt_pool_create(&pool, 8);
}

static int teardown(void **state)
{
	(void)state;
	pkt_pool_destroy(&pool);
	return 0;
}

static const uint8_t MY_MAC[6] = { 0x02, 0x6e, 0x73, 0, 0, 2 };

static struct pkt *mk(const struct frame *f, uint32_t len)
{
	struct pkt *p = pkt_alloc(&pool);

	assert_non_null(p);
	assert_int_equal(pkt_set_frame(p, f->b, len), 0);
	return p;
}

static void udp_frame(struct frame *f, uint32_t dlen, uint16_t frag)
{
	uint8_t l4[256];
	uint32_t n = udp_build(l4, A("10.0.0.2"), A("10.0.0.1"), 1, 2, dlen);

	eth_put(f, MY_MAC, PEER_MAC, NS_ETHTYPE_IP);
	ip_put(f, A("10.0.0.2"), A("10.0.0.1"), 17, 64, frag, l4, n);
}

static void test_eth_pkt_type(void **state)
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mc[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	struct frame f;
	struct pkt *p;

	(void)state;
	eth_put(&f, MY_MAC, PEER_MAC, NS_ETHTYPE_IP);
	p = mk(&f, 13);
	assert_int_equal(pkt_parse_eth(p, MY_MAC), DROP_PKT_TOO_SMALL);
	pkt_free(p);
	p = mk(&f, 14);
	assert_int_equal(pkt_parse_eth(p, MY_MAC), DROP_NOT_DROPPED);
	assert_int_equal(p->pkt_type, PKT_HOST);
	assert_int_equal(p->ethertype, NS_ETHTYPE_IP);
	assert_int_equal(p->l3_off, 14);
	assert_true(p->has_l2);
	pkt_free(p);
	eth_put(&f, bc, PEER_MAC, NS_ETHTYPE_ARP);
	p = mk(&f, 14);
	pkt_parse_eth(p, MY_MAC);
	assert_int_equal(p->pkt_type, PKT_BROADCAST);
	assert_int_equal(p->ethertype, NS_ETHTYPE_ARP);
	pkt_free(p);
	eth_put(&f, mc, PEER_MAC, NS_ETHTYPE_IP);
	p = mk(&f, 14);
	pkt_parse_eth(p, MY_MAC);
	assert_int_equal(p->pkt_type, PKT_MULTICAST);
	pkt_free(p);
	eth_put(&f, PEER2_MAC, PEER_MAC, NS_ETHTYPE_IP);
	p = mk(&f, 14);
	pkt_parse_eth(p, MY_MAC);
	assert_int_equal(p->pkt_type, PKT_OTHERHOST);
	pkt_free(p);
}

static enum drop_reason parse(struct frame *f, uint32_t len, struct pkt **out)
{
	struct pkt *p = mk(f, len);
	enum drop_reason r;

	assert_int_equal(pkt_parse_eth(p, MY_MAC), DROP_NOT_DROPPED);
	r = pkt_parse_ipv4(p);
	if (out)
		*out = p;
	else
		pkt_free(p);
	return r;
}

static void fix_csum(struct frame *f)
{
	struct ns_iphdr *iph = (struct ns_iphdr *)(f->b + 14);

	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph_hlen(iph) / 4);
}

static void test_ipv4_validation(void **state)
{
	struct frame f;
	struct ns_iphdr *iph = (struct ns_iphdr *)(f.b + 14);
	struct pkt *p;

	(void)state;
	udp_frame(&f, 10, 0);
	assert_int_equal(parse(&f, f.len, &p), DROP_NOT_DROPPED);
	assert_int_equal(p->family, NS_PF_INET);
	assert_int_equal(p->l4_proto, 17);
	assert_int_equal(p->l4_off, 34);
	assert_int_equal(p->l4_len, 18);
	assert_false(p->is_frag);
	pkt_free(p);
	/* Shorter than an IP header. */
	assert_int_equal(parse(&f, 14 + 19, NULL), DROP_IP_INHDR);
	/* Version 6 in an IPv4 ethertype, ihl 4. */
	iph->ver_ihl = 0x65;
	fix_csum(&f);
	assert_int_equal(parse(&f, f.len, NULL), DROP_IP_INHDR);
	iph->ver_ihl = 0x44;
	assert_int_equal(parse(&f, f.len, NULL), DROP_IP_INHDR);
	/* ihl 15 but only 20 + 18 bytes there. */
	iph->ver_ihl = 0x4f;
	assert_int_equal(parse(&f, 14 + 40, NULL), DROP_IP_INHDR);
	/* Checksum. */
	udp_frame(&f, 10, 0);
	iph->check ^= htons(0x100);
	assert_int_equal(parse(&f, f.len, NULL), DROP_IP_CSUM);
	/* Total length beyond the frame; below the header length. */
	udp_frame(&f, 10, 0);
	assert_int_equal(parse(&f, f.len - 1, NULL), DROP_IP_TRUNCATED);
	iph->tot_len = htons(19);
	fix_csum(&f);
	assert_int_equal(parse(&f, f.len, NULL), DROP_IP_INHDR);
	/* Padding after the datagram is trimmed. */
	udp_frame(&f, 2, 0);
	memset(f.b + f.len, 0xab, 64);
	assert_int_equal(parse(&f, 60, &p), DROP_NOT_DROPPED);
	assert_int_equal(p->len, 14 + 20 + 10);
	assert_int_equal(p->l4_len, 10);
	pkt_free(p);
	/* Options: l4 after them. */
	{
		uint8_t l4[32];
		uint32_t n = udp_build(l4, A("10.0.0.2"), A("10.0.0.1"), 1, 2, 0);

		eth_put(&f, MY_MAC, PEER_MAC, NS_ETHTYPE_IP);
		ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 17, 64, 0, l4, n);
		memmove(f.b + 38, f.b + 34, n);
		memset(f.b + 34, 1, 4); /* four NOPs */
		iph->ver_ihl = 0x46;
		iph->tot_len = htons(24 + n);
		fix_csum(&f);
		assert_int_equal(parse(&f, 14 + 24 + n, &p), DROP_NOT_DROPPED);
		assert_int_equal(p->l4_off, 38);
		assert_int_equal(p->l4_len, 8);
		pkt_free(p);
	}
}

static void test_fragments_and_truncated_l4(void **state)
{
	struct frame f;
	struct ns_iphdr *iph = (struct ns_iphdr *)(f.b + 14);
	struct pkt *p;

	(void)state;
	/* First fragment: l4 set, is_frag. */
	udp_frame(&f, 10, NS_IPH_MF);
	assert_int_equal(parse(&f, f.len, &p), DROP_NOT_DROPPED);
	assert_true(p->is_frag);
	assert_int_equal(p->frag_off, 0);
	assert_int_equal(p->l4_off, 34);
	pkt_free(p);
	/* Later fragment: no l4. */
	udp_frame(&f, 10, 3);
	assert_int_equal(parse(&f, f.len, &p), DROP_NOT_DROPPED);
	assert_true(p->is_frag);
	assert_int_equal(p->frag_off, 3);
	assert_int_equal(p->l4_off, 0);
	assert_int_equal(p->l4_len, 0);
	pkt_free(p);
	/* DF alone is not a fragment. */
	udp_frame(&f, 10, NS_IPH_DF);
	assert_int_equal(parse(&f, f.len, &p), DROP_NOT_DROPPED);
	assert_false(p->is_frag);
	pkt_free(p);
	/* A 3-byte "TCP header": l4 is there with l4_len 3 (matches hotdrop). */
	udp_frame(&f, 10, 0);
	iph->protocol = 6;
	iph->tot_len = htons(23);
	fix_csum(&f);
	assert_int_equal(parse(&f, 14 + 23, &p), DROP_NOT_DROPPED);
	assert_int_equal(p->l4_off, 34);
	assert_int_equal(p->l4_len, 3);
	pkt_free(p);
	/* Empty payload: no l4. */
	iph->tot_len = htons(20);
	fix_csum(&f);
	assert_int_equal(parse(&f, 14 + 20, &p), DROP_NOT_DROPPED);
	assert_int_equal(p->l4_off, 0);
	pkt_free(p);
}

/* The descriptor: addresses with their family, protocol, ports. */
static void test_descriptor(void **state)
{
	struct frame f;
	struct pkt *p;
	uint8_t l4[64];
	uint32_t n;

	(void)state;
	udp_frame(&f, 4, 0);
	assert_int_equal(parse(&f, f.len, &p), DROP_NOT_DROPPED);
	assert_int_equal(p->desc.saddr.family, NS_PF_INET);
	assert_int_equal(p->desc.saddr.ip, A("10.0.0.2"));
	assert_int_equal(p->desc.daddr.ip, A("10.0.0.1"));
	assert_int_equal(p->desc.proto, 17);
	assert_int_equal(p->desc.sport, htons(1));
	assert_int_equal(p->desc.dport, htons(2));
	pkt_free(p);
	/* A later fragment has no ports. */
	udp_frame(&f, 4, 3);
	assert_int_equal(parse(&f, f.len, &p), DROP_NOT_DROPPED);
	assert_int_equal(p->desc.sport, 0);
	assert_int_equal(p->desc.dport, 0);
	pkt_free(p);
	/* ICMP echo: the id, and type/code. */
	/* un: id 0x1234 then sequence 7, as on the wire */
	n = icmp_build(l4, NS_ICMP_ECHO, 0, htonl(0x12340007), 4);
	eth_put(&f, MY_MAC, PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 1, 64, 0, l4, n);
	assert_int_equal(parse(&f, f.len, &p), DROP_NOT_DROPPED);
	assert_int_equal(p->desc.proto, 1);
	assert_int_equal(p->desc.dport, htons(NS_ICMP_ECHO << 8));
	assert_int_equal(ntohs(p->desc.sport), 0x1234);
	pkt_free(p);
	/* A TCP header rewritten in place is read again. */
	n = tcp_build(l4, A("10.0.0.2"), A("10.0.0.1"), 1000, 80, 1, 0, 0x02,
		      0);
	eth_put(&f, MY_MAC, PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 6, 64, 0, l4, n);
	assert_int_equal(parse(&f, f.len, &p), DROP_NOT_DROPPED);
	assert_int_equal(ntohs(p->desc.dport), 80);
	pkt_l4(p)[3] = 81;
	pkt_set_ipv4_offsets(p);
	assert_int_equal(ntohs(p->desc.dport), 81);
	pkt_free(p);
}

static void test_raw_ip_offsets(void **state)
{
	struct frame f;
	struct pkt *p;

	(void)state;
	udp_frame(&f, 4, 0);
	p = pkt_alloc(&pool);
	assert_true(p->has_l2); /* frames are Ethernet by default */
	pkt_set_frame(p, f.b + 14, f.len - 14);
	p->has_l2 = false;
	p->l3_off = 0;
	assert_int_equal(pkt_parse_ipv4(p), DROP_NOT_DROPPED);
	assert_int_equal(p->l4_off, 20);
	assert_int_equal(p->l4_len, 12);
	pkt_free(p);
}

static void test_checksums(void **state)
{
	uint8_t hdr[20] = { 0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0,
			    10, 0, 0, 2, 10, 0, 0, 1 };
	uint16_t c, c2, from, to;
	uint32_t old, new;
	int i;

	(void)state;
	c = ip_fast_csum(hdr, 5);
	memcpy(hdr + 10, &c, 2);
	assert_int_equal(ip_fast_csum(hdr, 5), 0);
	/* Incremental updates agree with full recomputation. */
	srand(7);
	for (i = 0; i < 2000; i++) {
		memcpy(&from, hdr + 8, 2);
		to = (uint16_t)rand();
		memcpy(&c, hdr + 10, 2);
		csum_replace2(&c, from, to);
		memcpy(hdr + 8, &to, 2);
		memset(hdr + 10, 0, 2);
		c2 = ip_fast_csum(hdr, 5);
		/* 0x0000 and 0xffff are the same in one's complement. */
		if (!((c == 0 && c2 == 0xffff) || (c == 0xffff && c2 == 0)))
			assert_int_equal(c, c2);
		memcpy(hdr + 10, &c2, 2);

		memcpy(&old, hdr + 12, 4);
		new = (uint32_t)rand() * 2654435761u;
		memcpy(&c, hdr + 10, 2);
		csum_replace4(&c, old, new);
		memcpy(hdr + 12, &new, 4);
		memset(hdr + 10, 0, 2);
		c2 = ip_fast_csum(hdr, 5);
		if (!((c == 0 && c2 == 0xffff) || (c == 0xffff && c2 == 0)))
			assert_int_equal(c, c2);
		memcpy(hdr + 10, &c2, 2);
	}
	/* Odd lengths and the pseudo header (RFC 768 example-style). */
	{
		uint8_t b[3] = { 0x01, 0x02, 0x03 };

		assert_int_equal(csum_fold(csum_partial(b, 3, 0)),
				 (uint16_t)~htons(0x0102 + 0x0300));
	}
	{
		uint8_t l4[64];
		uint32_t n = udp_build(l4, A("192.0.2.1"), A("198.51.100.7"),
				       53, 4000, 13);

		assert_int_equal(l4_csum(A("192.0.2.1"), A("198.51.100.7"),
					 17, l4, n), 0);
	}
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eth_pkt_type),
		cmocka_unit_test(test_ipv4_validation),
		cmocka_unit_test(test_fragments_and_truncated_l4),
		cmocka_unit_test(test_raw_ip_offsets),
		cmocka_unit_test(test_descriptor),
		cmocka_unit_test(test_checksums),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
