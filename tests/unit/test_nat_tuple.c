// SPDX-License-Identifier: MIT
/*
 * NAT's tuple selection (src/nat/tuple.c) with the "is it taken" question
 * answered by the test: the original port kept when free, a clash
 * resolved inside the range, address and port ranges, the low-port
 * ranges, --random repeatable under one seed, --persistent and the
 * address hash keeping a client on one address, ICMP ids, the shifted
 * port map, the search's attempt budget, and what nat_setup_info()
 * writes into the entry (reply tuple, status bits).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "nat_harness.h"

/* The test's table: a list of taken original-direction tuples. */
struct taken {
	struct ct_tuple t[64];
	int n;
	bool all;       /* everything is taken */
	unsigned asked;
};

static bool taken_fn(void *priv, struct net *net, const struct ct_tuple *t,
		     const struct ct_conn *ct)
{
	struct taken *tk = priv;
	int i;

	(void)net;
	(void)ct;
	tk->asked++;
	if (tk->all)
		return true;
	for (i = 0; i < tk->n; i++)
		if (ct_tuple_equal(&tk->t[i], t))
			return true;
	return false;
}

static int setup(void **state)
{
	struct net *net;

	assert_int_equal(ns_net_create(&net), 0);
	ns_net_set_seed(net, 42);
	*state = net;
	return 0;
}

static int teardown(void **state)
{
	ns_net_destroy(*state);
	return 0;
}

/* Bind a new entry for orig; returns the new original tuple as NAT sees
 * it (the inverse of the reply). */
static struct ct_tuple bindct(struct net *net, const struct ct_tuple *orig,
			    const struct nat_range *r, enum nat_manip_type mt,
			    struct taken *tk, uint32_t *status)
{
	struct ct_conn *ct = mkct(orig);
	struct ct_tuple out;

	assert_int_equal(nat_setup_info_with(net, ct, r, mt, NULL, taken_fn,
					     tk), NS_ACCEPT);
	nat_invert_tuple(&out, ct_tuple_of(ct, CT_DIR_REPLY));
	if (status)
		*status = ct_status(ct);
	free(ct);
	return out;
}

static void test_port_kept(void **state)
{
	struct net *net = *state;
	struct ct_tuple o = tup(6, "10.0.0.2", 1234, "8.8.8.8", 80), n;
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS,
		.min_addr = ip4("192.0.2.1"), .max_addr = ip4("192.0.2.1"),
	};
	struct taken tk = { .n = 0 };
	uint32_t st;

	n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, &st);
	assert_int_equal(n.src.ip, ip4("192.0.2.1"));
	assert_int_equal(ntohs(n.sport), 1234);
	assert_int_equal(n.dst.ip, o.dst.ip);
	assert_int_equal(n.dport, o.dport);
	assert_int_equal(st, CT_S_SRC_NAT | CT_S_SRC_NAT_DONE);
	/* One candidate: the original port with the new address. */
	assert_int_equal(tk.asked, 1);
}

static void test_clash_resolved(void **state)
{
	struct net *net = *state;
	struct ct_tuple o = tup(6, "10.0.0.2", 1234, "8.8.8.8", 80), n;
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS,
		.min_addr = ip4("192.0.2.1"), .max_addr = ip4("192.0.2.1"),
	};
	struct taken tk = { .n = 1 };

	/* Another client already has 192.0.2.1:1234 -> 8.8.8.8:80. */
	tk.t[0] = tup(6, "192.0.2.1", 1234, "8.8.8.8", 80);
	n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_int_equal(n.src.ip, ip4("192.0.2.1"));
	assert_int_not_equal(ntohs(n.sport), 1234);
	/* An unprivileged source port stays unprivileged. */
	assert_true(ntohs(n.sport) >= 1024);
	assert_false(ct_tuple_equal(&n, &tk.t[0]));
	assert_true(tk.asked >= 2);
	/* A privileged one stays in its class: 1-511 or 600-1023. */
	o = tup(6, "10.0.0.2", 80, "8.8.8.8", 80);
	tk.t[0] = tup(6, "192.0.2.1", 80, "8.8.8.8", 80);
	n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_true(ntohs(n.sport) >= 1 && ntohs(n.sport) <= 511);
	assert_int_not_equal(ntohs(n.sport), 80);
	o = tup(6, "10.0.0.2", 700, "8.8.8.8", 80);
	tk.t[0] = tup(6, "192.0.2.1", 700, "8.8.8.8", 80);
	n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_true(ntohs(n.sport) >= 600 && ntohs(n.sport) <= 1023);
}

static void test_ranges(void **state)
{
	struct net *net = *state;
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS | NAT_RANGE_PROTO_SPECIFIED,
		.min_addr = ip4("192.0.2.1"), .max_addr = ip4("192.0.2.10"),
		.min_proto = htons(2000), .max_proto = htons(2003),
	};
	struct taken tk = { .n = 0 };
	struct ct_tuple o, n;
	int i, p;

	for (i = 0; i < 50; i++) {
		char src[32];

		snprintf(src, sizeof(src), "10.0.%d.%d", i / 7, i % 200 + 1);
		o = tup(17, src, (uint16_t)(30000 + i), "8.8.4.4", 53);
		n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
		assert_true(ntohl(n.src.ip) >= ntohl(r.min_addr));
		assert_true(ntohl(n.src.ip) <= ntohl(r.max_addr));
		assert_true(ntohs(n.sport) >= 2000 && ntohs(n.sport) <= 2003);
	}
	/* Three of the four ports taken on the address chosen: the fourth. */
	o = tup(17, "10.0.0.2", 5555, "8.8.4.4", 53);
	r.max_addr = r.min_addr;
	for (p = 2000; p < 2003; p++)
		tk.t[tk.n++] = tup(17, "192.0.2.1", (uint16_t)p, "8.8.4.4",
				   53);
	n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_int_equal(ntohs(n.sport), 2003);
	/* A port inside the range is kept when free. */
	o = tup(17, "10.0.0.2", 2003, "8.8.4.4", 53);
	tk.asked = 0;
	n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_int_equal(ntohs(n.sport), 2003);
	assert_int_equal(tk.asked, 1);
	/* A single port is taken as it is, clash or not (the kernel's). */
	r.min_proto = r.max_proto = htons(2000);
	o = tup(17, "10.0.0.3", 7000, "8.8.4.4", 53);
	n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_int_equal(ntohs(n.sport), 2000);
}

/* The same seed, the same choices; --random ignores a free original port. */
static void test_random_seeded(void **state)
{
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS | NAT_RANGE_PROTO_SPECIFIED |
			 NAT_RANGE_PROTO_RANDOM,
		.min_addr = ip4("192.0.2.1"), .max_addr = ip4("192.0.2.1"),
		.min_proto = htons(1024), .max_proto = htons(65535),
	};
	struct ct_tuple o = tup(6, "10.0.0.2", 40000, "8.8.8.8", 443), n;
	uint16_t a[16], b[16], c[16];
	struct taken tk = { .n = 0 };
	struct net *n1, *n2, *n3;
	int i, same = 0, kept = 0;

	(void)state;
	assert_int_equal(ns_net_create(&n1), 0);
	assert_int_equal(ns_net_create(&n2), 0);
	assert_int_equal(ns_net_create(&n3), 0);
	ns_net_set_seed(n1, 7);
	ns_net_set_seed(n2, 7);
	ns_net_set_seed(n3, 8);
	for (i = 0; i < 16; i++) {
		n = bindct(n1, &o, &r, NAT_MANIP_SRC, &tk, NULL);
		a[i] = ntohs(n.sport);
		kept += a[i] == 40000;
		n = bindct(n2, &o, &r, NAT_MANIP_SRC, &tk, NULL);
		b[i] = ntohs(n.sport);
		n = bindct(n3, &o, &r, NAT_MANIP_SRC, &tk, NULL);
		c[i] = ntohs(n.sport);
		same += a[i] == c[i];
	}
	assert_memory_equal(a, b, sizeof(a));
	assert_true(same < 4);
	assert_true(kept < 2);
	/* --random-fully too. */
	r.flags ^= NAT_RANGE_PROTO_RANDOM | NAT_RANGE_PROTO_RANDOM_FULLY;
	ns_net_set_seed(n1, 9);
	ns_net_set_seed(n2, 9);
	n = bindct(n1, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	a[0] = n.sport;
	n = bindct(n2, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_int_equal(a[0], n.sport);
	ns_net_destroy(n1);
	ns_net_destroy(n2);
	ns_net_destroy(n3);
}

/*
 * The address comes from a hash of the connection's addresses: a client
 * keeps its address towards one server; --persistent towards every one.
 */
static void test_address_hash(void **state)
{
	struct net *net = *state;
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS,
		.min_addr = ip4("192.0.2.1"), .max_addr = ip4("192.0.2.100"),
	};
	struct taken tk = { .n = 0 };
	struct ct_tuple o, n;
	uint32_t first = 0, addr;
	int i, differ = 0, sport;

	for (sport = 1000; sport < 1010; sport++) {
		o = tup(6, "10.0.0.2", (uint16_t)sport, "8.8.8.8", 80);
		n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
		if (sport == 1000)
			first = n.src.ip;
		assert_int_equal(n.src.ip, first);
	}
	/* Other servers: other addresses, most of the time. */
	for (i = 1; i <= 20; i++) {
		char dst[32];

		snprintf(dst, sizeof(dst), "203.0.113.%d", i);
		o = tup(6, "10.0.0.2", 1000, dst, 80);
		n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
		differ += n.src.ip != first;
	}
	assert_true(differ >= 10);
	/* --persistent: one address for the client, whatever the server. */
	r.flags |= NAT_RANGE_PERSISTENT;
	o = tup(6, "10.0.0.2", 1000, "8.8.8.8", 80);
	addr = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL).src.ip;
	for (i = 1; i <= 20; i++) {
		char dst[32];

		snprintf(dst, sizeof(dst), "203.0.113.%d", i);
		o = tup(6, "10.0.0.2", 1000, dst, 80);
		n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
		assert_int_equal(n.src.ip, addr);
	}
	/* And the kernel's choice: jhash2 of the address, seeded with the
	 * destination (192.0.2.1 + reciprocal_scale(j, 100)). */
	r.flags &= ~NAT_RANGE_PERSISTENT;
	o = tup(6, "10.0.0.2", 1000, "10.0.0.1", 80);
	n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_true(ntohl(n.src.ip) - ntohl(r.min_addr) < 100);
}

/* DNAT: the address changes, the port only when a range asks. */
static void test_dnat(void **state)
{
	struct net *net = *state;
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS,
		.min_addr = ip4("10.0.0.9"), .max_addr = ip4("10.0.0.9"),
	};
	struct ct_tuple o = tup(6, "198.51.100.7", 40000, "192.0.2.1", 80), n;
	struct taken tk = { .n = 1 };
	uint32_t st;

	/* Even a clash does not move a DNAT port that was not asked for. */
	tk.t[0] = tup(6, "198.51.100.7", 40000, "10.0.0.9", 80);
	n = bindct(net, &o, &r, NAT_MANIP_DST, &tk, &st);
	assert_int_equal(n.dst.ip, ip4("10.0.0.9"));
	assert_int_equal(ntohs(n.dport), 80);
	assert_int_equal(n.src.ip, o.src.ip);
	assert_int_equal(n.sport, o.sport);
	assert_int_equal(st, CT_S_DST_NAT | CT_S_DST_NAT_DONE);
	tk.n = 0;
	r.flags |= NAT_RANGE_PROTO_SPECIFIED;
	r.min_proto = r.max_proto = htons(8080);
	n = bindct(net, &o, &r, NAT_MANIP_DST, &tk, NULL);
	assert_int_equal(ntohs(n.dport), 8080);
	/* The shifted map: 8000-8010/80 sends port 85 to 8005. */
	r.flags |= NAT_RANGE_PROTO_OFFSET;
	r.min_proto = htons(8000);
	r.max_proto = htons(8010);
	r.base_proto = htons(80);
	o.dport = htons(85);
	n = bindct(net, &o, &r, NAT_MANIP_DST, &tk, NULL);
	assert_int_equal(ntohs(n.dport), 8005);
}

/* ICMP: the query id is what is made unique, in both directions. */
static void test_icmp_id(void **state)
{
	struct net *net = *state;
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS | NAT_RANGE_PROTO_SPECIFIED,
		.min_addr = ip4("192.0.2.1"), .max_addr = ip4("192.0.2.1"),
		.min_proto = htons(100), .max_proto = htons(200),
	};
	struct ct_tuple o = tup(1, "10.0.0.2", 7, "8.8.8.8", 8 << 8), n;
	struct taken tk = { .n = 0 };

	n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_true(ntohs(n.sport) >= 100 && ntohs(n.sport) <= 200);
	assert_int_equal(ntohs(n.dport), 8 << 8);
	/* Kept when in the range and free. */
	o.sport = htons(150);
	n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_int_equal(ntohs(n.sport), 150);
	/* Without a range any id will do; a clash moves it. */
	r.flags = NAT_RANGE_MAP_IPS;
	tk.t[tk.n++] = tup(1, "192.0.2.1", 150, "8.8.8.8", 8 << 8);
	n = bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_int_not_equal(ntohs(n.sport), 150);
}

/*
 * Everything taken: the search gives up after the kernel's budget, 128
 * tries then 64, 32, 16 and 8 from new random starts (after the
 * candidate with only the address changed: the original, 10.0.0.2, is
 * not in the range), and a small range after one pass.
 */
static void test_attempts(void **state)
{
	struct net *net = *state;
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS,
		.min_addr = ip4("192.0.2.1"), .max_addr = ip4("192.0.2.1"),
	};
	struct ct_tuple o = tup(6, "10.0.0.2", 40000, "8.8.8.8", 80);
	struct taken tk = { .all = true };
	uint32_t st;

	bindct(net, &o, &r, NAT_MANIP_SRC, &tk, &st);
	assert_int_equal(tk.asked, 1 + 128 + 64 + 32 + 16 + 8);
	/* Bound anyway (confirmation will find the clash). */
	assert_true(st & CT_S_SRC_NAT_DONE);
	tk.asked = 0;
	r.flags |= NAT_RANGE_PROTO_SPECIFIED;
	r.min_proto = htons(2000);
	r.max_proto = htons(2003);
	bindct(net, &o, &r, NAT_MANIP_SRC, &tk, NULL);
	assert_int_equal(tk.asked, 4);
}

/* What nat_setup_info() leaves: confirmed entries alone, one binding. */
static void test_setup_rules(void **state)
{
	struct net *net = *state;
	struct ct_tuple o = tup(17, "10.0.0.2", 5000, "8.8.8.8", 53);
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS,
		.min_addr = ip4("192.0.2.1"), .max_addr = ip4("192.0.2.1"),
	};
	struct ct_conn *ct = mkct(&o);
	struct ct_tuple reply = ct->node[CT_DIR_REPLY].tuple;
	struct taken tk = { .n = 0 };

	/* A confirmed entry's tuples belong to the table. */
	ct_status_set(ct, CT_S_CONFIRMED);
	assert_int_equal(nat_setup_info_with(net, ct, &r, NAT_MANIP_SRC, NULL,
					     taken_fn, &tk), NS_ACCEPT);
	assert_true(ct_tuple_equal(&reply, ct_tuple_of(ct, CT_DIR_REPLY)));
	assert_int_equal(ct_status(ct), CT_S_CONFIRMED);
	free(ct);
	/* The null binding: done, nothing changed. */
	ct = mkct(&o);
	assert_int_equal(nat_alloc_null_binding(net, ct, NS_INET_POST_ROUTING),
			 NS_ACCEPT);
	assert_int_equal(ct_status(ct), CT_S_SRC_NAT_DONE);
	assert_true(ct_tuple_equal(&reply, ct_tuple_of(ct, CT_DIR_REPLY)));
	/* A second binding of the same manip is refused. */
	assert_int_equal(nat_setup_info_with(net, ct, &r, NAT_MANIP_SRC, NULL,
					     taken_fn, &tk), NS_DROP);
	/* Both manips on one entry: DNAT then SNAT. */
	assert_int_equal(nat_alloc_null_binding(net, ct, NS_INET_PRE_ROUTING),
			 NS_ACCEPT);
	free(ct);
	ct = mkct(&o);
	r.min_addr = r.max_addr = ip4("10.9.9.9");
	assert_int_equal(nat_setup_info_with(net, ct, &r, NAT_MANIP_DST, NULL,
					     taken_fn, &tk), NS_ACCEPT);
	r.min_addr = r.max_addr = ip4("192.0.2.1");
	assert_int_equal(nat_setup_info_with(net, ct, &r, NAT_MANIP_SRC, NULL,
					     taken_fn, &tk), NS_ACCEPT);
	reply = tup(17, "10.9.9.9", 53, "192.0.2.1", 5000);
	assert_true(ct_tuple_equal(&reply, ct_tuple_of(ct, CT_DIR_REPLY)));
	assert_int_equal(ct_status(ct), CT_S_NAT_MASK | CT_S_NAT_DONE_MASK);
	free(ct);
}

/* The entry's size the issue aims at: no separate NAT allocation. */
static void test_entry_size(void **state)
{
	(void)state;
	/* masq_ifindex is the only NAT field; the rest is tuples/status. */
	assert_int_equal(sizeof(((struct ct_conn *)0)->masq_ifindex), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_kept),
		cmocka_unit_test(test_clash_resolved),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_random_seeded),
		cmocka_unit_test(test_address_hash),
		cmocka_unit_test(test_dnat),
		cmocka_unit_test(test_icmp_id),
		cmocka_unit_test(test_attempts),
		cmocka_unit_test(test_setup_rules),
		cmocka_unit_test(test_entry_size),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
