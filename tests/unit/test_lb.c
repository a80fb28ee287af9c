// SPDX-License-Identifier: MIT
/*
 * The load balancer's data path on a forwarding stack (ct_harness.h:
 * client 10.1.0.2 on ra, real servers 10.2.0.2-4 on rb, tracking on as
 * on a kernel with conntrack loaded): a virtual service 10.1.0.100:80 on
 * ra, requests rewritten to the scheduled real server (NAT), replies
 * rewritten back, rr's order (the last added server first, as the
 * kernel's list), persistence, a removed server's connections dropped,
 * no server: ICMP port unreachable, direct routing and IPIP tunnelling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ct_harness.h"
#include "lb/lb.h"
#include "pkt/csum.h"

static struct lb_svc_conf svc(const char *sched)
{
	struct lb_svc_conf c = { .af = 2, .protocol = 6 };

	c.addr = ns_addr4(A("10.1.0.100"));
	c.port = htons(80);
	snprintf(c.sched_name, sizeof(c.sched_name), "%s", sched);
	c.netmask = 0xffffffff;
	return c;
}

static struct lb_dest_conf rs(const char *ip, unsigned fwd)
{
	struct lb_dest_conf d = { .af = 2, .weight = 1 };

	d.addr = ns_addr4(A(ip));
	d.port = htons(8080);
	d.conn_flags = fwd;
	return d;
}

static int lb_setup(void **state)
{
	setup(state);
	with_helper = false;
	assert_int_equal(run(net, "ip addr add 10.1.0.100/32 dev ra", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.2.0.3 lladdr "
			 "02:00:00:00:02:03 dev rb nud permanent", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.2.0.4 lladdr "
			 "02:00:00:00:02:04 dev rb nud permanent", NULL), 0);
	return 0;
}

/* The frame's IPv4 destination and TCP/UDP ports. */
static uint32_t cap_daddr(int i)
{
	uint32_t a;

	memcpy(&a, cap[i].data + 14 + 16, 4);
	return a;
}

static uint32_t cap_saddr(int i)
{
	uint32_t a;

	memcpy(&a, cap[i].data + 14 + 12, 4);
	return a;
}

static uint16_t cap_port(int i, int which)
{
	uint16_t p;

	memcpy(&p, cap[i].data + 14 + 20 + which * 2, 2);
	return ntohs(p);
}

static void test_nat_rr(void **state)
{
	struct lb_svc_conf s = svc("rr");
	struct lb_dest_conf d2 = rs("10.2.0.2", LB_FWD_MASQ);
	struct lb_dest_conf d3 = rs("10.2.0.3", LB_FWD_MASQ);
	struct lb_dest_conf d4 = rs("10.2.0.4", LB_FWD_MASQ);
	const char *order[] = { "10.2.0.4", "10.2.0.3", "10.2.0.2",
				"10.2.0.4" };
	struct lb_svc_snap *snap;
	unsigned n;

	(void)state;
	assert_int_equal(lb_svc_add(net, &s), 0);
	assert_int_equal(lb_svc_add(net, &s), -EEXIST);
	assert_int_equal(lb_dest_add(net, &s, &d2), 0);
	assert_int_equal(lb_dest_add(net, &s, &d3), 0);
	assert_int_equal(lb_dest_add(net, &s, &d4), 0);
	assert_int_equal(lb_dest_add(net, &s, &d4), -EEXIST);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100",
					  (uint16_t)(1000 + i), 80, 1, 0,
					  TH_SYN, NULL), 1);
		assert_string_equal(cap[0].ifname, "rb");
		assert_int_equal(cap_daddr(0), A(order[i]));
		assert_int_equal(cap_port(0, 1), 8080);
		/* TTL decremented, as the kernel's decrement_ttl(). */
		assert_int_equal(cap[0].data[14 + 8], 63);
	}
	/* The first connection's packets keep their server. */
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 1000, 80,
				  2, 1, TH_ACK, NULL), 1);
	assert_int_equal(cap_daddr(0), A("10.2.0.4"));
	/* Its reply leaves from the virtual service. */
	assert_int_equal(tcp_send("rb", "10.2.0.4", "10.1.0.2", 8080, 1000,
				  1, 2, TH_SYN | TH_ACK, NULL), 1);
	assert_string_equal(cap[0].ifname, "ra");
	assert_int_equal(cap_saddr(0), A("10.1.0.100"));
	assert_int_equal(cap_port(0, 0), 80);
	assert_int_equal(lb_dump(net, NULL, &snap, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(snap[0].ndests, 3);
	/* Listed as the kernel's list: the last added first. */
	assert_int_equal(snap[0].dests[0].conf.addr.ip, A("10.2.0.4"));
	assert_int_equal(snap[0].stats.c.conns, 4);
	/* 10.2.0.4 has 2 connections, ESTABLISHED and SYN_RECV: active. */
	assert_int_equal(snap[0].dests[0].activeconns, 2);
	assert_int_equal(snap[0].dests[0].inactconns, 0);
	lb_dump_free(snap, n);
}

/* An ICMP error from the real server about a NAT connection. */
static void test_icmp_from_server(void **state)
{
	struct lb_svc_conf s = svc("rr");
	struct lb_dest_conf d2 = rs("10.2.0.2", LB_FWD_MASQ);
	uint8_t inner[28], l4[36];
	struct frame f;
	uint16_t sum;

	(void)state;
	assert_int_equal(lb_svc_add(net, &s), 0);
	assert_int_equal(lb_dest_add(net, &s, &d2), 0);
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 1500, 80,
				  1, 0, TH_SYN, NULL), 1);
	/* What the server got: 10.1.0.2:1500 -> 10.2.0.2:8080. */
	memcpy(inner, cap[0].data + 14, 28);
	memset(l4, 0, sizeof(l4));
	l4[0] = 3;
	l4[1] = 3;
	memcpy(l4 + 8, inner, 28);
	sum = csum_fold(csum_partial(l4, 36, 0));
	memcpy(l4 + 2, &sum, 2);
	eth_put(&f, (const uint8_t *)"\x02\0\0\0\0\x01", PEER_MAC, 0x0800);
	ip_put(&f, A("10.2.0.2"), A("10.1.0.2"), 1, 64, 0, l4, 36);
	inject("rb", &f);
	assert_int_equal(ncap, 1);
	assert_string_equal(cap[0].ifname, "ra");
	/* Outside and inside, the virtual service again. */
	assert_int_equal(cap_saddr(0), A("10.1.0.100"));
	assert_memory_equal(cap[0].data + 14 + 28 + 16, "\x0a\x01\x00\x64", 4);
	assert_int_equal(cap[0].data[14 + 28 + 20 + 2], 0);
	assert_int_equal(cap[0].data[14 + 28 + 20 + 3], 80);
	/* A valid ICMP checksum. */
	assert_int_equal(csum_fold(csum_partial(cap[0].data + 34, 36, 0)), 0);
	assert_int_equal(lb_flush(net), 0);
}

static void test_no_dest_unreachable(void **state)
{
	struct lb_svc_conf s = svc("wlc");

	(void)state;
	assert_int_equal(lb_svc_add(net, &s), 0);
	/* No server: ICMP port unreachable back to the client. */
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 1000, 80,
				  1, 0, TH_SYN, NULL), 1);
	assert_string_equal(cap[0].ifname, "ra");
	assert_int_equal(cap[0].data[14 + 9], 1);
	assert_int_equal(cap[0].data[14 + 20], 3);
	assert_int_equal(cap[0].data[14 + 21], 3);
	/* Not a SYN: not for IPVS (the local stack answers: RST). */
	assert_int_equal(lb_svc_del(net, &s), 0);
	assert_int_equal(lb_svc_del(net, &s), -ESRCH);
}

static void test_persistence_and_removal(void **state)
{
	struct lb_svc_conf s = svc("rr");
	struct lb_dest_conf d2 = rs("10.2.0.2", LB_FWD_MASQ);
	struct lb_dest_conf d3 = rs("10.2.0.3", LB_FWD_MASQ);
	uint32_t first;

	(void)state;
	s.flags = LB_SVC_F_PERSISTENT;
	s.timeout = 300;
	assert_int_equal(lb_svc_add(net, &s), 0);
	assert_int_equal(lb_dest_add(net, &s, &d2), 0);
	assert_int_equal(lb_dest_add(net, &s, &d3), 0);
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 2000, 80,
				  1, 0, TH_SYN, NULL), 1);
	first = cap_daddr(0);
	for (int i = 1; i < 5; i++) {
		assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100",
					  (uint16_t)(2000 + i), 80, 1, 0,
					  TH_SYN, NULL), 1);
		assert_int_equal(cap_daddr(0), first);
	}
	/* The server goes: its connections' packets are dropped. */
	if (first == A("10.2.0.2"))
		assert_int_equal(lb_dest_del(net, &s, &d2), 0);
	else
		assert_int_equal(lb_dest_del(net, &s, &d3), 0);
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 2001, 80,
				  2, 1, TH_ACK, NULL), 0);
	/* A new connection gets the remaining server. */
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 3000, 80,
				  1, 0, TH_SYN, NULL), 1);
	assert_true(cap_daddr(0) != first);
	assert_int_equal(lb_flush(net), 0);
}

static void test_dr_and_tunnel(void **state)
{
	struct lb_svc_conf s = svc("rr");
	struct lb_dest_conf d2 = rs("10.2.0.2", LB_FWD_DROUTE);
	struct lb_dest_conf d3 = rs("10.2.0.3", LB_FWD_TUNNEL);

	(void)state;
	d2.port = htons(80);
	d3.port = htons(80);
	assert_int_equal(lb_svc_add(net, &s), 0);
	assert_int_equal(lb_dest_add(net, &s, &d2), 0);
	assert_int_equal(lb_dest_add(net, &s, &d3), 0);
	/* rr: the tunnel server (added last) first. */
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 4000, 80,
				  1, 0, TH_SYN, NULL), 1);
	assert_string_equal(cap[0].ifname, "rb");
	assert_int_equal(cap[0].data[14 + 9], 4);           /* IPIP */
	assert_int_equal(cap_daddr(0), A("10.2.0.3"));
	assert_int_equal(cap_saddr(0), A("10.2.0.1"));
	/* Direct routing: to 10.2.0.2's MAC, still for the VIP. */
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 4001, 80,
				  1, 0, TH_SYN, NULL), 1);
	assert_int_equal(cap_daddr(0), A("10.1.0.100"));
	assert_memory_equal(cap[0].data, "\x02\0\0\0\x02\x02", 6);
	assert_int_equal(lb_flush(net), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nat_rr, lb_setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_icmp_from_server,
						lb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_dest_unreachable,
						lb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_persistence_and_removal,
						lb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_dr_and_tunnel, lb_setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
