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
#include "base/crc32c.h"
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

/* conntrack=1: the entry expects the real server's replies. */
static void test_conntrack_sees_ipvs(void **state)
{
	struct lb_svc_conf s = svc("rr");
	struct lb_dest_conf d2 = rs("10.2.0.2", LB_FWD_MASQ);
	struct ct_tuple t = { .proto = 6 };
	struct ct_conn *ct;
	enum ct_dir dir;

	(void)state;
	assert_int_equal(run(net, "sysctl -w net.ipv4.vs.conntrack=1", NULL),
			 0);
	assert_int_equal(lb_svc_add(net, &s), 0);
	assert_int_equal(lb_dest_add(net, &s, &d2), 0);
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 1600, 80,
				  1, 0, TH_SYN, NULL), 1);
	t.src = ns_addr4(A("10.2.0.2"));
	t.dst = ns_addr4(A("10.1.0.2"));
	t.sport = htons(8080);
	t.dport = htons(1600);
	ns_rcu_reader_enter();
	ct = ct_find(net, &t, 0, &dir);
	assert_non_null(ct);
	assert_int_equal(dir, CT_DIR_REPLY);
	ns_rcu_reader_leave();
	/* The reply is ESTABLISHED (seen by the FORWARD spy). */
	assert_int_equal(tcp_send("rb", "10.2.0.2", "10.1.0.2", 8080, 1600,
				  1, 2, TH_SYN | TH_ACK, NULL), 1);
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED_REPLY);
	assert_int_equal(cap_saddr(0), A("10.1.0.100"));
	/* Without: the request left tracking, so the reply is not
	 * ESTABLISHED (a SYN+ACK out of nowhere: invalid, as Linux). */
	assert_int_equal(run(net, "sysctl -w net.ipv4.vs.conntrack=0", NULL),
			 0);
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 1601, 80,
				  1, 0, TH_SYN, NULL), 1);
	assert_int_equal(tcp_send("rb", "10.2.0.2", "10.1.0.2", 8080, 1601,
				  1, 2, TH_SYN | TH_ACK, NULL), 1);
	assert_int_not_equal(seen_ctinfo, CT_ESTABLISHED_REPLY);
	assert_int_equal(cap_saddr(0), A("10.1.0.100"));
	assert_int_equal(lb_flush(net), 0);
}

/*
 * The kernel's order with iptables: a filter INPUT rule sees requests
 * before IPVS (LOCAL_IN 0 < 99); with conntrack=1, MASQUERADE in
 * POSTROUTING applies to what IPVS sends ("full NAT"), and the real
 * server's reply finds its way back to the client from the VIP.
 */
static void test_iptables_order(void **state)
{
	struct lb_svc_conf s = svc("rr");
	struct lb_dest_conf d2 = rs("10.2.0.2", LB_FWD_MASQ);

	(void)state;
	assert_int_equal(lb_svc_add(net, &s), 0);
	assert_int_equal(lb_dest_add(net, &s, &d2), 0);
	assert_int_equal(run(net, "iptables -A INPUT -p tcp --sport 1700 "
			 "-j DROP", NULL), 0);
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 1700, 80,
				  1, 0, TH_SYN, NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.vs.conntrack=1", NULL),
			 0);
	assert_int_equal(run(net, "iptables -t nat -A POSTROUTING -o rb "
			 "-j MASQUERADE", NULL), 0);
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 1701, 80,
				  1, 0, TH_SYN, NULL), 1);
	assert_int_equal(cap_saddr(0), A("10.2.0.1"));
	assert_int_equal(cap_daddr(0), A("10.2.0.2"));
	assert_int_equal(cap_port(0, 1), 8080);
	/* The server answers the director; the client gets it from the VIP. */
	assert_int_equal(tcp_send("rb", "10.2.0.2", "10.2.0.1", 8080,
				  cap_port(0, 0), 1, 2, TH_SYN | TH_ACK, NULL),
			 1);
	assert_string_equal(cap[0].ifname, "ra");
	assert_int_equal(cap_saddr(0), A("10.1.0.100"));
	assert_int_equal(cap_daddr(0), A("10.1.0.2"));
	assert_int_equal(cap_port(0, 0), 80);
	assert_int_equal(cap_port(0, 1), 1701);
	assert_int_equal(lb_flush(net), 0);
}

/* GRE (with its checksum) and GUE (with a UDP checksum) tunnels. */
static void test_gre_gue(void **state)
{
	struct lb_svc_conf s = svc("rr");
	struct lb_dest_conf gre = rs("10.2.0.2", LB_FWD_TUNNEL);
	struct lb_dest_conf gue = rs("10.2.0.3", LB_FWD_TUNNEL);
	const uint8_t *o;
	uint32_t sum;

	(void)state;
	gre.port = gue.port = htons(80);
	gre.tun_type = LB_TUN_GRE;
	gre.tun_flags = LB_TUN_F_CSUM;
	gue.tun_type = LB_TUN_GUE;
	gue.tun_flags = LB_TUN_F_CSUM;
	assert_int_equal(lb_svc_add(net, &s), 0);
	gue.tun_port = 0;
	assert_int_equal(lb_dest_add(net, &s, &gue), -EINVAL);
	gue.tun_port = htons(6080);
	assert_int_equal(lb_dest_add(net, &s, &gre), 0);
	assert_int_equal(lb_dest_add(net, &s, &gue), 0);
	/* GUE first (added last). */
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 4100, 80,
				  1, 0, TH_SYN, NULL), 1);
	o = cap[0].data + 14;
	assert_int_equal(o[9], 17);
	assert_int_equal(cap_daddr(0), A("10.2.0.3"));
	assert_int_equal(cap_port(0, 1), 6080);
	assert_int_equal(o[28 + 1], 4);                    /* GUE: IPIP */
	assert_int_equal(o[32 + 9], 6);                    /* inner TCP */
	sum = csum_tcpudp_nofold(A("10.2.0.1"), A("10.2.0.3"),
				 (uint16_t)(cap[0].len - 34), 17, 0);
	assert_int_equal(csum_fold(csum_partial(o + 20, cap[0].len - 34,
						sum)), 0);
	/* GRE with its checksum over header and payload. */
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 4101, 80,
				  1, 0, TH_SYN, NULL), 1);
	o = cap[0].data + 14;
	assert_int_equal(o[9], 47);
	assert_int_equal(o[20], 0x80);
	assert_int_equal(o[22], 0x08);
	assert_int_equal(o[23], 0x00);
	assert_int_equal(csum_fold(csum_partial(o + 20, cap[0].len - 34, 0)),
			 0);
	assert_int_equal(o[28 + 9], 6);
	assert_int_equal(lb_flush(net), 0);
}

/* SCTP: an INIT starts a connection; NAT recomputes the CRC32c. */
static void test_sctp(void **state)
{
	struct lb_svc_conf s = svc("rr");
	struct lb_dest_conf d2 = rs("10.2.0.2", LB_FWD_MASQ);
	uint8_t l4[32] = { 0 }, *o;
	struct frame f;
	uint32_t crc, got;
	struct lb_conn_snap *v;
	unsigned n;

	(void)state;
	/* The check value of CRC32c (RFC 3720, B.4). */
	assert_int_equal(~ns_crc32c(~0u, "123456789", 9), 0xe3069283u);
	s.protocol = 132;
	assert_int_equal(lb_svc_add(net, &s), 0);
	assert_int_equal(lb_dest_add(net, &s, &d2), 0);
	l4[0] = 0x13;            /* source port 5000 */
	l4[1] = 0x88;
	l4[3] = 80;
	l4[12] = 1;              /* INIT */
	l4[15] = 20;
	crc = ~ns_crc32c(~0u, l4, sizeof(l4));
	memcpy(l4 + 8, &crc, 4);
	eth_put(&f, (const uint8_t *)"\x02\0\0\0\0\x01", PEER_MAC, 0x0800);
	ip_put(&f, A("10.1.0.2"), A("10.1.0.100"), 132, 64, 0, l4,
	       sizeof(l4));
	inject("ra", &f);
	assert_int_equal(ncap, 1);
	assert_int_equal(cap_daddr(0), A("10.2.0.2"));
	assert_int_equal(cap_port(0, 1), 8080);
	o = cap[0].data + 34;
	memcpy(&got, o + 8, 4);
	memset(o + 8, 0, 4);
	assert_int_equal(got, ~ns_crc32c(~0u, o, sizeof(l4)));
	assert_int_equal(lb_conn_dump(net, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].state, "INIT1");
	free(v);
	assert_int_equal(lb_flush(net), 0);
}

/* schedule_icmp: an error about a service's packet with no connection. */
static void test_schedule_icmp(void **state)
{
	struct lb_svc_conf s = svc("rr");
	struct lb_dest_conf d2 = rs("10.2.0.2", LB_FWD_MASQ);
	uint8_t l4[8 + 28] = { 0 }, q[28] = { 0 };
	struct frame f;
	uint16_t sum;

	(void)state;
	assert_int_equal(lb_svc_add(net, &s), 0);
	assert_int_equal(lb_dest_add(net, &s, &d2), 0);
	/* Quoted: 10.1.0.100:80 -> 10.1.0.2:1800, TCP. */
	q[0] = 0x45;
	q[3] = 40;
	q[8] = 64;
	q[9] = 6;
	memcpy(q + 12, "\x0a\x01\x00\x64", 4);
	memcpy(q + 16, "\x0a\x01\x00\x02", 4);
	sum = ip_fast_csum(q, 5);
	memcpy(q + 10, &sum, 2);
	q[20] = 0;
	q[21] = 80;
	q[22] = 0x07;
	q[23] = 0x08;
	l4[0] = 3;
	l4[1] = 4;               /* fragmentation needed */
	memcpy(l4 + 8, q, 28);
	sum = csum_fold(csum_partial(l4, sizeof(l4), 0));
	memcpy(l4 + 2, &sum, 2);
	eth_put(&f, (const uint8_t *)"\x02\0\0\0\0\x01", PEER_MAC, 0x0800);
	ip_put(&f, A("10.1.0.2"), A("10.1.0.100"), 1, 64, 0, l4, sizeof(l4));
	/* Off (the default): not IPVS's. */
	inject("ra", &f);
	assert_int_equal(ncap, 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.vs.schedule_icmp=1",
			     NULL), 0);
	inject("ra", &f);
	assert_int_equal(ncap, 1);
	assert_string_equal(cap[0].ifname, "rb");
	assert_int_equal(cap_daddr(0), A("10.2.0.2"));
	/* Inside: the real server's address and port. */
	assert_memory_equal(cap[0].data + 14 + 28 + 12, "\x0a\x02\x00\x02",
			    4);
	assert_int_equal(cap[0].data[14 + 28 + 20], 0x1f);
	assert_int_equal(cap[0].data[14 + 28 + 21], 0x90);
	assert_int_equal(lb_flush(net), 0);
}

/* A tunnel's headers on a full-size DF packet: fragmentation needed. */
static void test_tunnel_mtu(void **state)
{
	struct lb_svc_conf s = svc("rr");
	struct lb_dest_conf d2 = rs("10.2.0.2", LB_FWD_TUNNEL);
	static uint8_t l4[1480];
	struct frame f;
	uint32_t mtu;

	(void)state;
	s.protocol = 17;
	d2.port = htons(80);
	assert_int_equal(lb_svc_add(net, &s), 0);
	assert_int_equal(lb_dest_add(net, &s, &d2), 0);
	memset(l4, 0, sizeof(l4));
	l4[0] = 0x07;
	l4[1] = 0x08;
	l4[3] = 80;
	l4[4] = (uint8_t)(sizeof(l4) >> 8);
	l4[5] = (uint8_t)sizeof(l4);
	eth_put(&f, (const uint8_t *)"\x02\0\0\0\0\x01", PEER_MAC, 0x0800);
	ip_put(&f, A("10.1.0.2"), A("10.1.0.100"), 17, 64, 0x4000, l4,
	       sizeof(l4));
	inject("ra", &f);
	assert_int_equal(ncap, 1);
	assert_string_equal(cap[0].ifname, "ra");
	assert_int_equal(cap[0].data[14 + 20], 3);
	assert_int_equal(cap[0].data[14 + 21], 4);
	memcpy(&mtu, cap[0].data + 14 + 24, 4);
	assert_int_equal(ntohl(mtu), 1480);
	/* Without DF it goes, fragmented by the output path. */
	ip_put(&f, A("10.1.0.2"), A("10.1.0.100"), 17, 64, 0, l4,
	       sizeof(l4));
	inject("ra", &f);
	assert_true(ncap >= 1);
	assert_string_equal(cap[0].ifname, "rb");
	assert_int_equal(cap[0].data[14 + 9], 4);
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

/* The template's state in lb_conn_dump (ipvsadm -Lc) for client caddr. */
static const char *tmpl_state(const char *caddr)
{
	static char st[16];
	struct lb_conn_snap *c;
	unsigned n;

	st[0] = 0;
	assert_int_equal(lb_conn_dump(net, &c, &n), 0);
	for (unsigned i = 0; i < n; i++)
		if ((c[i].flags & LB_CONN_F_TEMPLATE) &&
		    c[i].caddr.ip == A(caddr))
			snprintf(st, sizeof(st), "%s", c[i].state);
	free(c);
	return st;
}

/*
 * A persistence template is NONE until a connection it controls is
 * established (TCP) or answered (UDP), then ASSURED, as the kernel's
 * ip_vs_control_assure_ct() (found by tests/lb-oracle).
 */
static void test_template_assured(void **state)
{
	struct lb_svc_conf s = svc("rr");
	struct lb_svc_conf u = svc("rr");
	struct lb_dest_conf d2 = rs("10.2.0.2", LB_FWD_MASQ);

	(void)state;
	s.flags = LB_SVC_F_PERSISTENT;
	s.timeout = 300;
	assert_int_equal(lb_svc_add(net, &s), 0);
	assert_int_equal(lb_dest_add(net, &s, &d2), 0);
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 2000, 80,
				  1, 0, TH_SYN, NULL), 1);
	assert_string_equal(tmpl_state("10.1.0.2"), "NONE");
	/* The server's SYN+ACK: still SYN_RECV. */
	assert_int_equal(tcp_send("rb", "10.2.0.2", "10.1.0.2", 8080, 2000,
				  1, 2, TH_SYN | TH_ACK, NULL), 1);
	assert_string_equal(tmpl_state("10.1.0.2"), "NONE");
	/* The client's ACK: ESTABLISHED, the template is assured. */
	assert_int_equal(tcp_send("ra", "10.1.0.2", "10.1.0.100", 2000, 80,
				  2, 2, TH_ACK, NULL), 1);
	assert_string_equal(tmpl_state("10.1.0.2"), "ASSURED");

	/* UDP: a request leaves it NONE, the reply assures it. */
	u.protocol = 17;
	u.flags = LB_SVC_F_PERSISTENT;
	u.timeout = 300;
	assert_int_equal(lb_svc_add(net, &u), 0);
	assert_int_equal(lb_dest_add(net, &u, &d2), 0);
	assert_int_equal(udp_send("ra", "10.1.0.3", "10.1.0.100", 3000, 80,
				  NULL, 0), 1);
	assert_string_equal(tmpl_state("10.1.0.3"), "NONE");
	assert_int_equal(udp_send("rb", "10.2.0.2", "10.1.0.3", 8080, 3000,
				  NULL, 0), 1);
	assert_string_equal(tmpl_state("10.1.0.3"), "ASSURED");
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
		cmocka_unit_test_setup_teardown(test_conntrack_sees_ipvs,
						lb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_iptables_order, lb_setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gre_gue, lb_setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sctp, lb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_schedule_icmp, lb_setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_mtu, lb_setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_dest_unreachable,
						lb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_persistence_and_removal,
						lb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_template_assured,
						lb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_dr_and_tunnel, lb_setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
