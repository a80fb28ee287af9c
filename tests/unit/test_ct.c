// SPDX-License-Identifier: MIT
/*
 * Connection tracking's core (src/ct/core.c, table.c) and its UDP, ICMP
 * and generic trackers, driven through a forwarding stack with an
 * injected clock: which ctinfo each packet gets, when entries are
 * confirmed, expire and are evicted, and that an entry never confirmed
 * goes with its packet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

/* The forwarding stack with tracking on, the FORWARD spy, inject(). */
#include "ct_harness.h"

/* Send a UDP datagram in on ifname; returns frames sent. */
static int udp(const char *ifname, const char *s, const char *d,
	       uint16_t sp, uint16_t dp)
{
	struct frame f;
	uint8_t l4[64];
	uint32_t n = udp_build(l4, A(s), A(d), sp, dp, 4);

	eth_put(&f, (const uint8_t *)"\x02\0\0\0\0\x01", PEER_MAC, 0x0800);
	ip_put(&f, A(s), A(d), 17, 64, 0, l4, n);
	inject(ifname, &f);
	return ncap;
}

static int icmp(const char *ifname, const char *s, const char *d,
		uint8_t type, uint8_t code, uint32_t un, const void *quote,
		uint32_t qlen)
{
	struct frame f;
	uint8_t l4[128];
	uint32_t n;

	if (quote) {
		struct ns_icmphdr *ih = (struct ns_icmphdr *)l4;

		ih->type = type;
		ih->code = code;
		ih->un = un;
		ih->checksum = 0;
		memcpy(l4 + 8, quote, qlen);
		n = 8 + qlen;
		ih->checksum = csum_fold(csum_partial(l4, n, 0));
	} else {
		n = icmp_build(l4, type, code, un, 8);
	}
	eth_put(&f, (const uint8_t *)"\x02\0\0\0\0\x01", PEER_MAC, 0x0800);
	ip_put(&f, A(s), A(d), 1, 64, 0, l4, n);
	inject(ifname, &f);
	return ncap;
}

static void test_udp_new_then_reply(void **state)
{
	struct ct_conn *ct;

	(void)state;
	assert_int_equal(udp("ra", "10.1.0.2", "10.2.0.2", 1000, 53), 1);
	assert_int_equal(seen_ctinfo, CT_NEW);
	ct = seen_ct;
	assert_non_null(ct);
	assert_int_equal(ct_count(net), 1);
	assert_true(ct_is_confirmed(ct));
	assert_int_equal(ct_seconds_left(ct, now), 30);
	/* A second packet before any reply: still NEW. */
	udp("ra", "10.1.0.2", "10.2.0.2", 1000, 53);
	assert_int_equal(seen_ctinfo, CT_NEW);
	assert_ptr_equal(seen_ct, ct);
	/* The reply. */
	udp("rb", "10.2.0.2", "10.1.0.2", 53, 1000);
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED_REPLY);
	assert_ptr_equal(seen_ct, ct);
	assert_true(ct_status(ct) & CT_S_SEEN_REPLY);
	assert_false(ct_status(ct) & CT_S_ASSURED);
	udp("ra", "10.1.0.2", "10.2.0.2", 1000, 53);
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED);
	/* More than 2 s after the first packet: a stream, ASSURED. */
	now += 3 * NSEC;
	udp("ra", "10.1.0.2", "10.2.0.2", 1000, 53);
	assert_true(ct_status(ct) & CT_S_ASSURED);
	assert_int_equal(ct_seconds_left(ct, now), 120);
	assert_int_equal(ct_count(net), 1);
}

static void test_udp_expires_by_packet_time(void **state)
{
	(void)state;
	udp("ra", "10.1.0.2", "10.2.0.2", 1001, 53);
	assert_int_equal(seen_ctinfo, CT_NEW);
	now += 31 * NSEC;
	/* The reply comes too late: it starts a new connection. */
	udp("rb", "10.2.0.2", "10.1.0.2", 53, 1001);
	assert_int_equal(seen_ctinfo, CT_NEW);
	assert_int_equal(ct_tuple_of(seen_ct, CT_DIR_ORIGINAL)->sport,
			 htons(53));
}

static void test_unconfirmed_goes_with_its_packet(void **state)
{
	(void)state;
	drop_all = true;
	assert_int_equal(udp("ra", "10.1.0.2", "10.2.0.2", 1002, 53), 0);
	assert_int_equal(seen_ctinfo, CT_NEW);
	assert_int_equal(ct_count(net), 0);
	drop_all = false;
	udp("ra", "10.1.0.2", "10.2.0.2", 1002, 53);
	assert_int_equal(seen_ctinfo, CT_NEW);
	assert_int_equal(ct_count(net), 1);
}

static void test_icmp_echo_and_error(void **state)
{
	uint8_t quote[28];
	struct ns_iphdr *iph = (struct ns_iphdr *)quote;
	struct ct_conn *echo, *u;

	(void)state;
	icmp("ra", "10.1.0.2", "10.2.0.2", 8, 0, htonl(0x77 << 16 | 1),
	     NULL, 0);
	assert_int_equal(seen_ctinfo, CT_NEW);
	echo = seen_ct;
	icmp("rb", "10.2.0.2", "10.1.0.2", 0, 0, htonl(0x77 << 16 | 1),
	     NULL, 0);
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED_REPLY);
	assert_ptr_equal(seen_ct, echo);
	/* An echo reply nobody asked for is INVALID: no entry. */
	icmp("rb", "10.2.0.2", "10.1.0.2", 0, 0, htonl(0x99 << 16 | 1),
	     NULL, 0);
	assert_int_equal(seen_ctinfo, CT_NONE);
	assert_null(seen_ct);

	/* A port unreachable about a UDP datagram: RELATED, reply way. */
	udp("ra", "10.1.0.2", "10.2.0.2", 1003, 99);
	u = seen_ct;
	memset(quote, 0, sizeof(quote));
	iph->ver_ihl = 0x45;
	iph->tot_len = htons(28);
	iph->ttl = 63;
	iph->protocol = 17;
	iph->saddr = A("10.1.0.2");
	iph->daddr = A("10.2.0.2");
	quote[20] = 1003 >> 8;
	quote[21] = 1003 & 0xff;
	quote[22] = 0;
	quote[23] = 99;
	icmp("rb", "10.2.0.2", "10.1.0.2", 3, 3, 0, quote, sizeof(quote));
	assert_int_equal(seen_ctinfo, CT_RELATED_REPLY);
	assert_ptr_equal(seen_ct, u);
	/* ...about nothing known: INVALID. */
	quote[23] = 98;
	icmp("rb", "10.2.0.2", "10.1.0.2", 3, 3, 0, quote, sizeof(quote));
	assert_int_equal(seen_ctinfo, CT_NONE);
}

static void test_generic_protocol(void **state)
{
	struct frame f;
	uint8_t payload[8] = { 0 };

	(void)state;
	eth_put(&f, (const uint8_t *)"\x02\0\0\0\0\x01", PEER_MAC, 0x0800);
	ip_put(&f, A("10.1.0.2"), A("10.2.0.2"), 99, 64, 0, payload, 8);
	now += NSEC;
	ns_inject(net, "ra", f.b, f.len, now);
	assert_int_equal(seen_ctinfo, CT_NEW);
	assert_int_equal(ct_seconds_left(seen_ct, now), 600);
	/* GRE (not PPTP's): 30 s, 180 s once both ways, then ASSURED. */
	ip_put(&f, A("10.1.0.2"), A("10.2.0.2"), 47, 64, 0, payload, 8);
	ns_inject(net, "ra", f.b, f.len, now += NSEC);
	assert_int_equal(ct_seconds_left(seen_ct, now), 30);
	ip_put(&f, A("10.2.0.2"), A("10.1.0.2"), 47, 64, 0, payload, 8);
	memcpy(f.b, "\x02\0\0\0\0\x01", 6);
	ns_inject(net, "rb", f.b, f.len, now += NSEC);
	/* The first reply is not yet "seen both ways" (the kernel sets
	 * SEEN_REPLY after the tracker ran); the next packet is. */
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED_REPLY);
	assert_int_equal(ct_seconds_left(seen_ct, now), 30);
	ns_inject(net, "rb", f.b, f.len, now += NSEC);
	assert_int_equal(ct_seconds_left(seen_ct, now), 180);
	assert_true(ct_status(seen_ct) & CT_S_ASSURED);
}

static int count_one(void *priv, struct ct_conn *ct)
{
	(void)ct;
	++*(int *)priv;
	return 0;
}

static void test_full_table_early_drop(void **state)
{
	char out[64];
	struct ct_conn *keep;
	int n = 0;

	(void)state;
	assert_int_equal(run(net, "sysctl -w net.netfilter.nf_conntrack_max=8",
			     NULL), 0);
	/* One assured connection, which early drop must spare. */
	udp("ra", "10.1.0.2", "10.2.0.2", 2000, 53);
	keep = seen_ct;
	udp("rb", "10.2.0.2", "10.1.0.2", 53, 2000);
	now += 3 * NSEC;
	udp("ra", "10.1.0.2", "10.2.0.2", 2000, 53);
	assert_true(ct_status(keep) & CT_S_ASSURED);
	for (int i = 0; i < 100; i++)
		udp("ra", "10.1.0.2", "10.2.0.2", (uint16_t)(3000 + i), 53);
	assert_true(ct_count(net) <= 8);
	ns_rcu_reader_enter();
	ct_walk(net, count_one, &n);
	assert_non_null(ct_find(net, ct_tuple_of(keep, CT_DIR_ORIGINAL), 0,
				NULL));
	ns_rcu_reader_leave();
	assert_int_equal(n, (int)ct_count(net));
	snprintf(out, sizeof(out), "%u", ct_count(net));
	assert_true(n >= 1);
}

static void test_sysctl_knobs(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(run(net, "sysctl net.netfilter.nf_conntrack_udp_timeout",
			     &out), 0);
	assert_string_equal(out, "net.netfilter.nf_conntrack_udp_timeout = 30\n");
	free(out);
	assert_int_equal(run(net, "sysctl -w net.netfilter.nf_conntrack_udp_timeout=5",
			     NULL), 0);
	udp("ra", "10.1.0.2", "10.2.0.2", 4000, 53);
	assert_int_equal(ct_seconds_left(seen_ct, now), 5);
	assert_int_not_equal(run(net, "sysctl -w net.netfilter.nf_conntrack_count=5",
				 NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_udp_new_then_reply, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_udp_expires_by_packet_time,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_unconfirmed_goes_with_its_packet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp_echo_and_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_generic_protocol, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_full_table_early_drop,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysctl_knobs, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
