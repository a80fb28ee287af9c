// SPDX-License-Identifier: MIT
/*
 * NAT's packet side: header rewriting (src/nat/manip.c) for TCP, UDP
 * (a zero checksum stays zero, a result of zero is sent as 0xffff),
 * UDP-Lite and ICMP echo, every checksum checked by full recomputation;
 * packets with a partial checksum (the pseudo-header sum updated, the
 * rest left to the device); ICMP errors about a translated connection
 * (src/nat/icmp.c: the quoted packet comes back as it was sent); the
 * hooks with a registered table, the null binding and the trace line
 * (src/nat/core.c); MASQUERADE's and REDIRECT's address choice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "nat_harness.h"

#include "core/netdev.h"

static int setup(void **state)
{
	struct net *net;

	assert_int_equal(ns_net_create(&net), 0);
	ns_net_set_seed(net, 1);
	*state = net;
	return 0;
}

static int teardown(void **state)
{
	ns_net_destroy(*state);
	return 0;
}

static bool never_taken(void *priv, struct net *net, const struct ct_tuple *t,
			const struct ct_conn *ct)
{
	(void)priv;
	(void)net;
	(void)t;
	(void)ct;
	return false;
}

/* Bind ct for mt to addr[:port] (port 0: no port range). */
static void bind_to(struct net *net, struct ct_conn *ct, enum nat_manip_type mt,
		    const char *addr, uint16_t port)
{
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS,
		.min_addr = ip4(addr), .max_addr = ip4(addr),
	};

	if (port) {
		r.flags |= NAT_RANGE_PROTO_SPECIFIED;
		r.min_proto = r.max_proto = htons(port);
	}
	assert_int_equal(nat_setup_info_with(net, ct, &r, mt, NULL,
					     never_taken, NULL), NS_ACCEPT);
}

static void put(struct pkt *p)
{
	p->ct = NULL;
	pkt_free(p);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* SNAT out, un-SNAT of the reply: addresses, ports, checksums, desc. */
static void test_tcp_both_ways(void **state)
{
	struct net *net = *state;
	struct ct_tuple o = tup(6, "10.0.0.2", 1234, "8.8.8.8", 80);
	struct ct_conn *ct = mkct(&o);
	struct pkt *p;
	uint8_t *h;

	bind_to(net, ct, NAT_MANIP_SRC, "192.0.2.1", 4000);
	p = mkpkt(net, 6, "10.0.0.2", 1234, "8.8.8.8", 80, 100, false);
	assert_int_equal(nat_packet(p, ct, CT_NEW, NS_INET_POST_ROUTING),
			 NS_ACCEPT);
	h = pkt_l3(p);
	assert_int_equal(ns_get32(h + 12), ip4("192.0.2.1"));
	assert_int_equal(get16(h + 20), 4000);
	assert_int_equal(get16(h + 22), 80);
	assert_true(ip_csum_ok(h));
	assert_true(l4_csum_ok(h));
	assert_int_equal(p->desc.saddr.ip, ip4("192.0.2.1"));
	assert_int_equal(ntohs(p->desc.sport), 4000);
	/* DNAT does nothing to this connection. */
	assert_int_equal(nat_packet(p, ct, CT_NEW, NS_INET_PRE_ROUTING),
			 NS_ACCEPT);
	assert_int_equal(ns_get32(h + 16), ip4("8.8.8.8"));
	put(p);
	/* The reply, at PREROUTING: back to the client. */
	p = mkpkt(net, 6, "8.8.8.8", 80, "192.0.2.1", 4000, 33, false);
	assert_int_equal(nat_packet(p, ct, CT_ESTABLISHED_REPLY,
				    NS_INET_PRE_ROUTING), NS_ACCEPT);
	h = pkt_l3(p);
	assert_int_equal(ns_get32(h + 16), ip4("10.0.0.2"));
	assert_int_equal(get16(h + 22), 1234);
	assert_int_equal(ns_get32(h + 12), ip4("8.8.8.8"));
	assert_true(ip_csum_ok(h));
	assert_true(l4_csum_ok(h));
	put(p);
	free(ct);
}

/* DNAT: destination address and port. */
static void test_udp_dnat(void **state)
{
	struct net *net = *state;
	struct ct_tuple o = tup(17, "198.51.100.7", 5353, "192.0.2.1", 53);
	struct ct_conn *ct = mkct(&o);
	struct pkt *p;
	uint8_t *h;

	bind_to(net, ct, NAT_MANIP_DST, "10.0.0.53", 5300);
	p = mkpkt(net, 17, "198.51.100.7", 5353, "192.0.2.1", 53, 41, false);
	assert_int_equal(nat_packet(p, ct, CT_NEW, NS_INET_PRE_ROUTING),
			 NS_ACCEPT);
	h = pkt_l3(p);
	assert_int_equal(ns_get32(h + 16), ip4("10.0.0.53"));
	assert_int_equal(get16(h + 22), 5300);
	assert_true(ip_csum_ok(h));
	assert_true(l4_csum_ok(h));
	put(p);
	/* A UDP datagram without a checksum keeps none. */
	p = mkpkt(net, 17, "198.51.100.7", 5353, "192.0.2.1", 53, 41, true);
	assert_int_equal(nat_packet(p, ct, CT_NEW, NS_INET_PRE_ROUTING),
			 NS_ACCEPT);
	h = pkt_l3(p);
	assert_int_equal(get16(h + 26), 0);
	assert_int_equal(get16(h + 22), 5300);
	assert_true(ip_csum_ok(h));
	put(p);
	free(ct);
}

/* Whatever the new port, a UDP checksum never comes out as 0. */
static void test_udp_zero_result(void **state)
{
	struct net *net = *state;
	struct ct_tuple o = tup(17, "10.0.0.2", 1111, "8.8.8.8", 53);
	unsigned port, ffff = 0;

	for (port = 1; port < 65536; port += 1) {
		struct ct_conn *ct = mkct(&o);
		struct pkt *p;
		uint8_t *h;

		bind_to(net, ct, NAT_MANIP_SRC, "192.0.2.1", (uint16_t)port);
		p = mkpkt(net, 17, "10.0.0.2", 1111, "8.8.8.8", 53, 4, false);
		assert_int_equal(nat_packet(p, ct, CT_NEW,
					    NS_INET_POST_ROUTING), NS_ACCEPT);
		h = pkt_l3(p);
		assert_int_not_equal(get16(h + 26), 0);
		ffff += get16(h + 26) == 0xffff;
		if (!l4_csum_ok(h))
			fail_msg("port %u: bad UDP checksum", port);
		put(p);
		free(ct);
	}
	/* Some port led to a sum of zero, sent as 0xffff. */
	assert_true(ffff >= 1);
}

static void test_udplite_icmp(void **state)
{
	struct net *net = *state;
	struct ct_tuple o = tup(136, "10.0.0.2", 7000, "8.8.8.8", 7001);
	struct ct_conn *ct = mkct(&o);
	struct pkt *p;
	uint8_t *h;

	bind_to(net, ct, NAT_MANIP_SRC, "192.0.2.9", 9000);
	p = mkpkt(net, 136, "10.0.0.2", 7000, "8.8.8.8", 7001, 20, false);
	assert_int_equal(nat_packet(p, ct, CT_NEW, NS_INET_POST_ROUTING),
			 NS_ACCEPT);
	h = pkt_l3(p);
	assert_int_equal(get16(h + 20), 9000);
	assert_true(ip_csum_ok(h));
	assert_true(l4_csum_ok(h));
	put(p);
	free(ct);
	/* An echo request: the id is the port. */
	o = tup(1, "10.0.0.2", 77, "8.8.8.8", 8 << 8);
	ct = mkct(&o);
	bind_to(net, ct, NAT_MANIP_SRC, "192.0.2.9", 500);
	p = mkpkt(net, 1, "10.0.0.2", 77, "8.8.8.8", 8 << 8, 56, false);
	assert_int_equal(nat_packet(p, ct, CT_NEW, NS_INET_POST_ROUTING),
			 NS_ACCEPT);
	h = pkt_l3(p);
	assert_int_equal(get16(h + 24), 500);
	assert_int_equal(ns_get32(h + 12), ip4("192.0.2.9"));
	assert_true(ip_csum_ok(h));
	assert_true(l4_csum_ok(h));
	put(p);
	/* Its reply comes back with the client's id. */
	p = mkpkt(net, 1, "8.8.8.8", 500, "192.0.2.9", 0, 56, false);
	assert_int_equal(nat_packet(p, ct, CT_ESTABLISHED_REPLY,
				    NS_INET_PRE_ROUTING), NS_ACCEPT);
	h = pkt_l3(p);
	assert_int_equal(get16(h + 24), 77);
	assert_int_equal(ns_get32(h + 16), ip4("10.0.0.2"));
	assert_true(l4_csum_ok(h));
	put(p);
	free(ct);
}

/*
 * A partial checksum (offloaded): the field holds the pseudo-header sum;
 * NAT updates that for the address and leaves the port to the device.
 */
static void test_partial_csum(void **state)
{
	struct net *net = *state;
	struct ct_tuple o = tup(6, "10.0.0.2", 1234, "8.8.8.8", 80);
	struct ct_conn *ct = mkct(&o);
	struct pkt *p;
	uint8_t *h, *t;
	uint16_t s, len;
	int proto;

	for (proto = 6; proto <= 17; proto += 11) {
		unsigned co = proto == 6 ? 16 : 6;

		o.proto = (uint8_t)proto;
		free(ct);
		ct = mkct(&o);
		bind_to(net, ct, NAT_MANIP_SRC, "192.0.2.1", 4000);
		p = mkpkt(net, (uint8_t)proto, "10.0.0.2", 1234, "8.8.8.8", 80,
			  300, false);
		h = pkt_l3(p);
		t = h + 20;
		len = (uint16_t)(p->len - 20);
		s = (uint16_t)~csum_fold(csum_tcpudp_nofold(ip4("10.0.0.2"),
				ip4("8.8.8.8"), len, (uint8_t)proto, 0));
		memcpy(t + co, &s, 2);
		p->csum_partial = true;
		p->csum_start = 20;
		p->csum_offset = (uint16_t)co;
		assert_int_equal(nat_packet(p, ct, CT_NEW,
					    NS_INET_POST_ROUTING), NS_ACCEPT);
		assert_true(ip_csum_ok(h));
		s = (uint16_t)~csum_fold(csum_tcpudp_nofold(ip4("192.0.2.1"),
				ip4("8.8.8.8"), len, (uint8_t)proto, 0));
		assert_int_equal(ns_get16(t + co), s);
		assert_int_equal(get16(t), 4000);
		/* What the device does: sum from csum_start, store. */
		s = csum_fold(csum_partial(t, len, 0));
		memcpy(t + co, &s, 2);
		assert_true(l4_csum_ok(h));
		put(p);
	}
	free(ct);
}

/*
 * An ICMP error about an SNAT'ed connection: the quoted packet comes back
 * byte for byte as the client sent it, outer header to the client.
 */
static void test_icmp_error(void **state)
{
	struct net *net = *state;
	struct ct_tuple o;
	struct ct_conn *ct;
	struct pkt *orig, *wire, *err;
	uint8_t *h, *ic;
	unsigned qlen, tot;
	uint16_t s;
	int proto;

	for (proto = 6; proto <= 17; proto += 11) {
		o = tup((uint8_t)proto, "10.0.0.2", 1234, "8.8.8.8", 53);
		ct = mkct(&o);
		bind_to(net, ct, NAT_MANIP_SRC, "192.0.2.1", 4000);
		/* The client's packet, and as it left the NAT. */
		orig = mkpkt(net, (uint8_t)proto, "10.0.0.2", 1234, "8.8.8.8",
			     53, 12, false);
		wire = mkpkt(net, (uint8_t)proto, "10.0.0.2", 1234, "8.8.8.8",
			     53, 12, false);
		assert_int_equal(nat_packet(wire, ct, CT_NEW,
					    NS_INET_POST_ROUTING), NS_ACCEPT);
		/* 8.8.8.8 answers 192.0.2.1 with a port unreachable. */
		qlen = wire->len;
		tot = 20 + 8 + qlen;
		err = mkpkt(net, 1, "8.8.8.8", 0, "192.0.2.1",
			    NS_ICMP_DEST_UNREACH << 8 | NS_ICMP_PORT_UNREACH,
			    qlen, false);
		h = pkt_l3(err);
		ic = h + 20;
		memcpy(ic + 8, pkt_l3(wire), qlen);
		memset(ic + 4, 0, 4);
		memset(ic + 2, 0, 2);
		s = csum_fold(csum_partial(ic, 8 + qlen, 0));
		memcpy(ic + 2, &s, 2);
		assert_int_equal(err->len, tot);
		assert_int_equal(nat_icmp_reply_translation(err, ct,
				 CT_RELATED_REPLY, NS_INET_PRE_ROUTING), 1);
		assert_int_equal(ns_get32(h + 16), ip4("10.0.0.2"));
		assert_int_equal(ns_get32(h + 12), ip4("8.8.8.8"));
		assert_true(ip_csum_ok(h));
		assert_true(l4_csum_ok(h));
		assert_memory_equal(ic + 8, pkt_l3(orig), qlen);
		/* A corrupt error is not translated but dropped. */
		ic[8 + qlen - 1] ^= 0xff;
		assert_int_equal(nat_icmp_reply_translation(err, ct,
				 CT_RELATED_REPLY, NS_INET_PRE_ROUTING), 0);
		put(orig);
		put(wire);
		put(err);
		free(ct);
	}
}

/* The hooks: the registered table binds, else the null binding. */
struct trace_cap {
	char text[8][160];
	int n;
};

static void trace_ev(void *priv, const struct pkt *pkt,
		     const struct trace_event *ev)
{
	struct trace_cap *tc = priv;

	(void)pkt;
	if (ev->kind == TRACE_NOTE && tc->n < 8)
		snprintf(tc->text[tc->n++], 160, "%s", ev->text);
}

static unsigned int snat_table(void *priv, struct pkt *pkt,
			       const struct ns_hook_state *st)
{
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS,
		.min_addr = ip4("192.0.2.1"), .max_addr = ip4("192.0.2.1"),
	};
	int *runs = priv;

	(*runs)++;
	if (pkt->desc.saddr.ip != ip4("10.0.0.2"))
		return NS_ACCEPT;
	return nat_setup_info(st->net, pkt->ct, &r, NAT_MANIP_SRC, pkt);
}

static unsigned run_nat_hook(struct net *net, int hook, struct pkt *p)
{
	struct nat_net *nn = nat_net(net);
	struct ns_hook_state st = { .net = net, .pf = NS_PF_INET,
				    .hook = hook };
	int i;

	for (i = 0; i < nn->nops; i++)
		if (nn->ops[i].hooknum == hook)
			return nn->ops[i].hook(nn->ops[i].priv, p, &st);
	fail_msg("no NAT hook at %d", hook);
	return NS_DROP;
}

static void test_hooks(void **state)
{
	struct net *net = *state;
	struct ct_tuple o = tup(6, "10.0.0.2", 1234, "8.8.8.8", 80);
	struct ct_conn *ct = mkct(&o);
	struct trace_cap tc = { .n = 0 };
	struct pkt *p;
	int runs = 0;

	assert_int_equal(nat_register_fn(net, NS_INET_POST_ROUTING, snat_table,
					 &runs), -ENOENT);
	assert_int_equal(nat_net_enable(net), 0);
	assert_int_equal(nat_net_enable(net), 0);
	assert_int_equal(nat_register_fn(net, NS_INET_POST_ROUTING, snat_table,
					 &runs), 0);
	assert_int_equal(nat_register_fn(net, NS_INET_POST_ROUTING, snat_table,
					 &runs), -EBUSY);
	assert_int_equal(nat_register_fn(net, NS_INET_FORWARD, snat_table,
					 &runs), -EINVAL);
	net->trace.event = trace_ev;
	net->trace.priv = &tc;
	p = mkpkt(net, 6, "10.0.0.2", 1234, "8.8.8.8", 80, 0, false);
	p->ct = ct;
	p->ctinfo = CT_NEW;
	p->trace = true;
	/* PREROUTING: no table there: the null binding, no rewrite. */
	assert_int_equal(run_nat_hook(net, NS_INET_PRE_ROUTING, p), NS_ACCEPT);
	assert_int_equal(ct_status(ct), CT_S_DST_NAT_DONE);
	assert_int_equal(tc.n, 0);
	/* POSTROUTING: the table binds it and the packet is rewritten. */
	assert_int_equal(run_nat_hook(net, NS_INET_POST_ROUTING, p),
			 NS_ACCEPT);
	assert_int_equal(runs, 1);
	assert_int_equal(ct_status(ct), CT_S_DST_NAT_DONE | CT_S_SRC_NAT |
			 CT_S_SRC_NAT_DONE);
	assert_int_equal(ns_get32(pkt_l3(p) + 12), ip4("192.0.2.1"));
	assert_true(l4_csum_ok(pkt_l3(p)));
	assert_int_equal(tc.n, 1);
	assert_string_equal(tc.text[0], "nat: SNAT 10.0.0.2:1234 -> "
			    "192.0.2.1:1234 (1 tuple tried)");
	/* Seen again (a retransmission): the table is not asked again. */
	put(p);
	p = mkpkt(net, 6, "10.0.0.2", 1234, "8.8.8.8", 80, 0, false);
	p->ct = ct;
	p->ctinfo = CT_NEW;
	assert_int_equal(run_nat_hook(net, NS_INET_POST_ROUTING, p),
			 NS_ACCEPT);
	assert_int_equal(runs, 1);
	assert_int_equal(ns_get32(pkt_l3(p) + 12), ip4("192.0.2.1"));
	put(p);
	/* Untracked packets pass untouched. */
	p = mkpkt(net, 6, "10.0.0.2", 1234, "8.8.8.8", 80, 0, false);
	assert_int_equal(run_nat_hook(net, NS_INET_POST_ROUTING, p),
			 NS_ACCEPT);
	assert_int_equal(ns_get32(pkt_l3(p) + 12), ip4("10.0.0.2"));
	put(p);
	/* Another client: the table runs, binds nothing: null binding. */
	free(ct);
	o = tup(6, "10.0.0.3", 1234, "8.8.8.8", 80);
	ct = mkct(&o);
	p = mkpkt(net, 6, "10.0.0.3", 1234, "8.8.8.8", 80, 0, false);
	p->ct = ct;
	p->ctinfo = CT_NEW;
	assert_int_equal(run_nat_hook(net, NS_INET_POST_ROUTING, p),
			 NS_ACCEPT);
	assert_int_equal(runs, 2);
	assert_int_equal(ct_status(ct), CT_S_SRC_NAT_DONE);
	assert_int_equal(ns_get32(pkt_l3(p) + 12), ip4("10.0.0.3"));
	put(p);
	free(ct);
	net->trace.event = NULL;
	nat_unregister_fn(net, NS_INET_POST_ROUTING);
}

/* MASQUERADE: the out device's address for the next hop; REDIRECT. */
static void test_masquerade_redirect(void **state)
{
	struct net *net = *state;
	struct netdev out = { .ifindex = 3, .name = "wan" };
	struct netdev in = { .ifindex = 4, .name = "lan" };
	struct ct_tuple o = tup(17, "10.0.0.2", 5000, "8.8.8.8", 53), r;
	struct nat_range range = { .flags = 0 };
	struct ct_conn *ct = mkct(&o);
	struct pkt *p;

	p = mkpkt(net, 17, "10.0.0.2", 5000, "8.8.8.8", 53, 0, false);
	p->ct = ct;
	p->ctinfo = CT_NEW;
	/* No address: the kernel's "ate my IP address" drop. */
	assert_int_equal(nat_masquerade(net, p, &range, &out), NS_DROP);
	out.addrs[0].addr = ns_addr4(ip4("203.0.113.1"));
	out.addrs[0].plen = 24;
	out.addrs[1].addr = ns_addr4(ip4("198.51.100.1"));
	out.addrs[1].plen = 24;
	out.naddrs = 2;
	/* The next hop is on the second subnet: its address. */
	p->nexthop = ns_addr4(ip4("198.51.100.254"));
	assert_int_equal(nat_masquerade(net, p, &range, &out), NS_ACCEPT);
	nat_invert_tuple(&r, ct_tuple_of(ct, CT_DIR_REPLY));
	assert_int_equal(r.src.ip, ip4("198.51.100.1"));
	assert_int_equal(ct->masq_ifindex, 3);
	assert_true(ct_status(ct) & CT_S_SRC_NAT);
	/* Not a first packet: nothing to do. */
	p->ctinfo = CT_ESTABLISHED;
	assert_int_equal(nat_masquerade(net, p, &range, &out), NS_ACCEPT);
	free(ct);
	/* REDIRECT at PREROUTING: the primary address of the input. */
	o = tup(6, "10.0.0.2", 5000, "1.2.3.4", 80);
	ct = mkct(&o);
	p->ct = ct;
	p->ctinfo = CT_NEW;
	range.flags = NAT_RANGE_PROTO_SPECIFIED;
	range.min_proto = range.max_proto = htons(3128);
	assert_int_equal(nat_redirect(net, p, &range, &in,
				      NS_INET_PRE_ROUTING), NS_DROP);
	in.addrs[0].addr = ns_addr4(ip4("10.0.0.1"));
	in.addrs[0].plen = 24;
	in.naddrs = 1;
	assert_int_equal(nat_redirect(net, p, &range, &in,
				      NS_INET_PRE_ROUTING), NS_ACCEPT);
	nat_invert_tuple(&r, ct_tuple_of(ct, CT_DIR_REPLY));
	assert_int_equal(r.dst.ip, ip4("10.0.0.1"));
	assert_int_equal(ntohs(r.dport), 3128);
	free(ct);
	/* At OUTPUT: loopback. */
	ct = mkct(&o);
	p->ct = ct;
	assert_int_equal(nat_redirect(net, p, &range, NULL,
				      NS_INET_LOCAL_OUT), NS_ACCEPT);
	nat_invert_tuple(&r, ct_tuple_of(ct, CT_DIR_REPLY));
	assert_int_equal(r.dst.ip, ip4("127.0.0.1"));
	free(ct);
	put(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_both_ways),
		cmocka_unit_test(test_udp_dnat),
		cmocka_unit_test(test_udp_zero_result),
		cmocka_unit_test(test_udplite_icmp),
		cmocka_unit_test(test_partial_csum),
		cmocka_unit_test(test_icmp_error),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_masquerade_redirect),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
