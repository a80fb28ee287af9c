// SPDX-License-Identifier: MIT
/*
 * NAT through the whole stack with real connection tracking: the iptables
 * nat table drives the bindings (MASQUERADE out of eth1, DNAT in), the
 * frames leave rewritten, the replies come back translated, the trace
 * names the manip, and MASQUERADE's bindings die with the address or the
 * device they used (the stack's notifier, src/stack/notify.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <netsieve/netsieve.h>

#include "ct/ct.h"
#include "stack/config.h"
#include "stack/internal.h"
#include "stack_harness.h"

/* eth0 10.0.0.1/24 (inside, peer 10.0.0.2), eth1 10.0.1.1/24 (outside,
 * peer 10.0.1.2), forwarding on. */
static int setup(void **state)
{
	struct net *net;

	assert_int_equal(ns_net_create(&net), 0);
	ns_net_set_seed(net, 3);
	assert_int_equal(stack_dev_create(net, "eth0", &cap_ops, NULL, NULL), 0);
	assert_int_equal(stack_dev_create(net, "eth1", &cap_ops, NULL, NULL), 0);
	assert_int_equal(run(net, "ip link set eth0 up", NULL), 0);
	assert_int_equal(run(net, "ip link set eth1 up", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.0.1/24 dev eth0", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.1.1/24 dev eth1", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.0.2 lladdr "
			     "02:00:00:00:00:99 dev eth0", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.1.2 lladdr "
			     "02:00:00:00:00:98 dev eth1", NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	net->now_ns = 1000000000000ull;
	cap_reset();
	*state = net;
	return 0;
}

static int teardown(void **state)
{
	ns_net_destroy(*state);
	return 0;
}

static void send_udp(struct net *net, const char *ifname, const char *s,
		     const char *d, uint16_t sport, uint16_t dport)
{
	struct frame f;
	uint8_t l4[64];
	uint32_t n = udp_build(l4, A(s), A(d), sport, dport, 4);

	eth_put(&f, net_dev_by_name(net, ifname)->mac, PEER_MAC,
		NS_ETHTYPE_IP);
	ip_put(&f, A(s), A(d), 17, 64, 0, l4, n);
	assert_int_equal(ns_inject(net, ifname, f.b, f.len, net->now_ns), 0);
}

/* The last frame sent: its IPv4 header (after Ethernet). */
static const uint8_t *last_ip(const char *ifname)
{
	assert_true(ncap > 0);
	assert_string_equal(cap[ncap - 1].ifname, ifname);
	return cap[ncap - 1].data + 14;
}

static uint16_t port_at(const uint8_t *iph, unsigned off)
{
	return (uint16_t)(iph[20 + off] << 8 | iph[21 + off]);
}

static bool udp_ok(const uint8_t *iph)
{
	unsigned tot = (unsigned)iph[2] << 8 | iph[3];
	uint32_t s, d;

	memcpy(&s, iph + 12, 4);
	memcpy(&d, iph + 16, 4);
	return ip_fast_csum(iph, 5) == 0 &&
	       l4_csum(s, d, 17, iph + 20, tot - 20) == 0;
}

struct notes {
	char text[4][128];
	int n;
};

static void note_ev(void *priv, const struct pkt *pkt,
		    const struct trace_event *ev)
{
	struct notes *nt = priv;

	(void)pkt;
	if (ev->kind == TRACE_NOTE && !strncmp(ev->text, "nat:", 4) &&
	    nt->n < 4)
		snprintf(nt->text[nt->n++], 128, "%s", ev->text);
}

static void test_masquerade_flow(void **state)
{
	struct net *net = *state;
	struct notes nt = { .n = 0 };
	const uint8_t *ip;

	assert_int_equal(run(net, "iptables -t nat -A POSTROUTING -o eth1 "
			     "-j MASQUERADE", NULL), 0);
	net->trace.event = note_ev;
	net->trace.priv = &nt;
	net->trace.all = true;
	send_udp(net, "eth0", "10.0.0.2", "10.0.1.2", 5000, 53);
	net->trace.event = NULL;
	ip = last_ip("eth1");
	assert_int_equal(ns_get32(ip + 12), A("10.0.1.1"));
	assert_int_equal(port_at(ip, 0), 5000);
	assert_true(udp_ok(ip));
	assert_int_equal(nt.n, 1);
	assert_string_equal(nt.text[0], "nat: SNAT 10.0.0.2:5000 -> "
			    "10.0.1.1:5000 (1 tuple tried)");
	assert_int_equal(ct_count(net), 1);
	/* The reply comes back to the client. */
	send_udp(net, "eth1", "10.0.1.2", "10.0.1.1", 53, 5000);
	ip = last_ip("eth0");
	assert_int_equal(ns_get32(ip + 16), A("10.0.0.2"));
	assert_int_equal(port_at(ip, 2), 5000);
	assert_true(udp_ok(ip));
	/* A second client with the same port gets another one. */
	send_udp(net, "eth0", "10.0.0.3", "10.0.1.2", 5000, 53);
	ip = last_ip("eth1");
	assert_int_equal(ns_get32(ip + 12), A("10.0.1.1"));
	assert_int_not_equal(port_at(ip, 0), 5000);
	assert_true(port_at(ip, 0) >= 1024);
	assert_true(udp_ok(ip));
	assert_int_equal(ct_count(net), 2);
	/* The address goes: its bindings go (nf_nat_masquerade). */
	assert_int_equal(run(net, "ip addr del 10.0.1.1/24 dev eth1", NULL),
			 0);
	assert_int_equal(ct_count(net), 0);
	/* Back, a new flow; then the device goes down: gone again. */
	assert_int_equal(run(net, "ip addr add 10.0.1.1/24 dev eth1", NULL),
			 0);
	assert_int_equal(run(net, "ip neigh replace 10.0.1.2 lladdr "
			     "02:00:00:00:00:98 dev eth1", NULL), 0);
	send_udp(net, "eth0", "10.0.0.2", "10.0.1.2", 5001, 53);
	assert_int_equal(ns_get32(last_ip("eth1") + 12), A("10.0.1.1"));
	assert_int_equal(ct_count(net), 1);
	/* Another address on eth0 going away leaves it alone. */
	assert_int_equal(run(net, "ip addr add 10.0.9.1/24 dev eth0", NULL),
			 0);
	assert_int_equal(run(net, "ip addr del 10.0.9.1/24 dev eth0", NULL),
			 0);
	assert_int_equal(ct_count(net), 1);
	assert_int_equal(run(net, "ip link set eth1 down", NULL), 0);
	assert_int_equal(ct_count(net), 0);
}

/*
 * find_appropriate_src: a source that a clash moved keeps its new port
 * for its next connection (to another server, where its own port would
 * be free), as the kernel's by-source table gives it.
 */
static void test_mapping_follows_the_source(void **state)
{
	struct net *net = *state;
	uint16_t moved;

	assert_int_equal(run(net, "ip neigh add 10.0.1.3 lladdr "
			     "02:00:00:00:00:97 dev eth1", NULL), 0);
	assert_int_equal(run(net, "iptables -t nat -A POSTROUTING -o eth1 "
			     "-j MASQUERADE", NULL), 0);
	send_udp(net, "eth0", "10.0.0.2", "10.0.1.2", 7000, 53);
	assert_int_equal(port_at(last_ip("eth1"), 0), 7000);
	/* Same port from another client, same server: moved. */
	send_udp(net, "eth0", "10.0.0.3", "10.0.1.2", 7000, 53);
	moved = port_at(last_ip("eth1"), 0);
	assert_int_not_equal(moved, 7000);
	/* That client to another server: the moved port again, though
	 * 7000 would be free there. */
	send_udp(net, "eth0", "10.0.0.3", "10.0.1.3", 7000, 53);
	assert_int_equal(port_at(last_ip("eth1"), 0), moved);
	/* The first client to that server keeps its own port. */
	send_udp(net, "eth0", "10.0.0.2", "10.0.1.3", 7000, 53);
	assert_int_equal(port_at(last_ip("eth1"), 0), 7000);
	/* When the moved entries go, the source maps afresh. */
	assert_int_equal(run(net, "conntrack -D -s 10.0.0.3", NULL), 0);
	send_udp(net, "eth0", "10.0.0.3", "10.0.1.3", 7000, 54);
	assert_int_not_equal(port_at(last_ip("eth1"), 0), moved);
}

static void test_dnat_flow(void **state)
{
	struct net *net = *state;
	const uint8_t *ip;

	assert_int_equal(run(net, "iptables -t nat -A PREROUTING -i eth1 -p "
			     "udp --dport 5353 -j DNAT --to-destination "
			     "10.0.0.2:53", NULL), 0);
	send_udp(net, "eth1", "10.0.1.2", "10.0.1.1", 7000, 5353);
	ip = last_ip("eth0");
	assert_int_equal(ns_get32(ip + 16), A("10.0.0.2"));
	assert_int_equal(port_at(ip, 2), 53);
	assert_int_equal(ns_get32(ip + 12), A("10.0.1.2"));
	assert_true(udp_ok(ip));
	/* The server's answer leaves with the router's address and port. */
	send_udp(net, "eth0", "10.0.0.2", "10.0.1.2", 53, 7000);
	ip = last_ip("eth1");
	assert_int_equal(ns_get32(ip + 12), A("10.0.1.1"));
	assert_int_equal(port_at(ip, 0), 5353);
	assert_true(udp_ok(ip));
}

/* A UDP datagram the host itself sends (stack_output). */
static void local_udp(struct net *net, const char *s, const char *d,
		      uint16_t sport, uint16_t dport)
{
	struct pkt *pkt;
	uint8_t l4[64];
	uint32_t n = udp_build(l4, A(s), A(d), sport, dport, 4);

	dp_enter(net);
	pkt = ip_alloc_reply(net, NULL);
	assert_non_null(pkt);
	memcpy(pkt->data + 20, l4, n);
	ip_build_header(net, pkt, A(s), A(d), 17, 0, 64, false, n);
	stack_output(net, pkt);
	dp_leave(net);
}

static int delivered;
static uint8_t delivered_ip[64];

static void deliver(struct net *net, struct pkt *pkt)
{
	(void)net;
	delivered++;
	memcpy(delivered_ip, pkt_l3(pkt), sizeof(delivered_ip));
	pkt_free(pkt);
}

/*
 * OUTPUT DNAT: the destination changes in LOCAL_OUT, so the packet is
 * routed again (ip_route_me_harder) and leaves by the other interface;
 * REDIRECT there sends it to 127.0.0.1, delivered locally.
 */
static void test_output_dnat(void **state)
{
	struct net *net = *state;
	const uint8_t *ip;

	assert_int_equal(run(net, "iptables -t nat -A OUTPUT -p udp "
			     "--dport 53 -j DNAT --to-destination 10.0.1.2:5353",
			     NULL), 0);
	assert_int_equal(run(net, "iptables -t nat -A OUTPUT -p udp "
			     "--dport 99 -j REDIRECT --to-ports 9999", NULL),
			 0);
	local_udp(net, "10.0.0.1", "10.0.0.2", 4000, 53);
	ip = last_ip("eth1");
	assert_int_equal(ns_get32(ip + 16), A("10.0.1.2"));
	assert_int_equal(port_at(ip, 2), 5353);
	assert_true(udp_ok(ip));
	/* Its answer is translated back for the local socket. */
	net->local_deliver = deliver;
	send_udp(net, "eth1", "10.0.1.2", "10.0.0.1", 5353, 4000);
	assert_int_equal(delivered, 1);
	assert_int_equal(ns_get32(delivered_ip + 12), A("10.0.0.2"));
	assert_int_equal(port_at(delivered_ip, 0), 53);
	/* REDIRECT at OUTPUT: to loopback. */
	cap_reset();
	local_udp(net, "10.0.0.1", "10.0.0.2", 4001, 99);
	assert_int_equal(ncap, 0);
	assert_int_equal(delivered, 2);
	assert_int_equal(ns_get32(delivered_ip + 16), A("127.0.0.1"));
	assert_int_equal(port_at(delivered_ip, 2), 9999);
	net->local_deliver = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_masquerade_flow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mapping_follows_the_source,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dnat_flow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_output_dnat, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
