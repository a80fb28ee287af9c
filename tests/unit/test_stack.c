// SPDX-License-Identifier: MIT
/*
 * The IPv4 stack end to end on crafted frames: ARP, ICMP echo/timestamp,
 * errors (time exceeded, unreachables, frag needed, redirect), TCP RST,
 * forwarding with longest-prefix match, neighbour resolution with its
 * queue and timeout, rate limiting on an injected clock, malformed frames
 * counted by reason, hook verdicts, and the sysctl tool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "stack_harness.h"

#include <unistd.h>

#include "core/hook.h"
#include "stack/internal.h"

static const uint8_t *mac_of(struct net *net, const char *ifname)
{
	return net_dev_by_name(net, ifname)->mac;
}

/* eth0 10.0.0.1/24 (peer 10.0.0.2), eth1 10.0.1.1/24 (peer 10.0.1.2). */
static int setup(void **state)
{
	struct net *net;

	assert_int_equal(ns_net_create(&net), 0);
	assert_int_equal(stack_dev_create(net, "eth0", &cap_ops, NULL, NULL), 0);
	assert_int_equal(stack_dev_create(net, "eth1", &cap_ops, NULL, NULL), 0);
	assert_int_equal(run(net, "ip link set eth0 up", NULL), 0);
	assert_int_equal(run(net, "ip link set eth1 up", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.0.1/24 dev eth0", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.1.1/24 dev eth1", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:99 dev eth0", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.1.2 lladdr 02:00:00:00:00:98 dev eth1", NULL), 0);
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

static void inject(struct net *net, const char *ifname, struct frame *f)
{
	assert_int_equal(ns_inject(net, ifname, f->b, f->len, net->now_ns), 0);
}

static void send_udp(struct net *net, const char *ifname, uint32_t s,
		     uint32_t d, uint16_t dport, uint8_t ttl, uint32_t dlen)
{
	struct frame f;
	uint8_t l4[1600];
	uint32_t n = udp_build(l4, s, d, 1000, dport, dlen);

	eth_put(&f, mac_of(net, ifname), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, s, d, 17, ttl, 0, l4, n);
	inject(net, ifname, &f);
}

static void test_arp_request_answered(void **state)
{
	struct net *net = *state;
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];
	const struct ns_arphdr *ah;
	struct frame f;
	char *out;

	arp_put(&f, bc, PEER2_MAC, NS_ARPOP_REQUEST, A("10.0.0.7"), zero,
		A("10.0.0.1"));
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 1);
	assert_string_equal(cap[0].ifname, "eth0");
	assert_memory_equal(cap[0].data, PEER2_MAC, 6);
	assert_memory_equal(cap[0].data + 6, mac_of(net, "eth0"), 6);
	ah = (const struct ns_arphdr *)(cap[0].data + 14);
	assert_int_equal(ntohs(ah->op), NS_ARPOP_REPLY);
	assert_memory_equal(ah->sha, mac_of(net, "eth0"), 6);
	assert_int_equal(ah->sip, A("10.0.0.1"));
	assert_memory_equal(ah->tha, PEER2_MAC, 6);
	assert_int_equal(ah->tip, A("10.0.0.7"));
	/* The requester was learnt (STALE). */
	assert_int_equal(run(net, "ip neigh show dev eth0", &out), 0);
	assert_non_null(strstr(out, "10.0.0.7 lladdr 02:00:00:00:00:98 STALE"));
	free(out);
	/* A request for an address that is not ours: no answer. */
	cap_reset();
	arp_put(&f, bc, PEER2_MAC, NS_ARPOP_REQUEST, A("10.0.0.7"), zero,
		A("10.0.0.50"));
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 0);
	/* Weak host: eth1's address is answered on eth0 too. */
	arp_put(&f, bc, PEER2_MAC, NS_ARPOP_REQUEST, A("10.0.0.7"), zero,
		A("10.0.1.1"));
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 1);
	/* Malformed ARP is counted. */
	arp_put(&f, bc, PEER2_MAC, NS_ARPOP_REQUEST, A("10.0.0.7"), zero,
		A("10.0.0.1"));
	f.b[14 + 4] = 8; /* hln */
	inject(net, "eth0", &f);
	assert_int_equal(drops(net, DROP_ARP_INVALID), 1);
}

static void test_echo_reply(void **state)
{
	struct net *net = *state;
	struct frame f;
	uint8_t l4[64];
	uint32_t n = icmp_build(l4, NS_ICMP_ECHO, 0, htonl(0x00010002), 16);
	const struct ns_iphdr *iph;
	const uint8_t *r;

	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 1, 64, 0, l4, n);
	((struct ns_iphdr *)(f.b + 14))->tos = 0x11;
	((struct ns_iphdr *)(f.b + 14))->check = 0;
	((struct ns_iphdr *)(f.b + 14))->check = ip_fast_csum(f.b + 14, 5);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 1);
	assert_memory_equal(cap[0].data, PEER_MAC, 6);
	iph = cap_iph(0);
	assert_int_equal(iph->saddr, A("10.0.0.1"));
	assert_int_equal(iph->daddr, A("10.0.0.2"));
	assert_int_equal(iph->ttl, 64);
	assert_int_equal(iph->tos, 0x11);          /* copied, as Linux */
	assert_int_equal(ntohs(iph->frag_off), 0); /* no DF */
	assert_int_equal(ip_fast_csum(iph, 5), 0);
	assert_int_equal(ntohs(iph->tot_len), 20 + n);
	r = cap_l4(0);
	assert_int_equal(r[0], NS_ICMP_ECHOREPLY);
	assert_memory_equal(r + 4, l4 + 4, n - 4); /* id, seq, data */
	assert_int_equal(csum_fold(csum_partial(r, n, 0)), 0);
	assert_int_equal(cap[0].id, net->inject.pkt_seq); /* carries the cause id */

	/* icmp_echo_ignore_all */
	cap_reset();
	assert_int_equal(run(net, "sysctl -w net.ipv4.icmp_echo_ignore_all=1", NULL), 0);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 0);
	assert_int_equal(drops(net, DROP_ICMP_IGNORED), 1);
	assert_int_equal(run(net, "sysctl -w net.ipv4.icmp_echo_ignore_all=0", NULL), 0);

	/* To the subnet broadcast: ignored by default. */
	ip_put(&f, A("10.0.0.2"), A("10.0.0.255"), 1, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 0);
	assert_int_equal(drops(net, DROP_ICMP_IGNORED), 2);
	/* ... answered from our address when allowed. */
	assert_int_equal(run(net, "sysctl -w net.ipv4.icmp_echo_ignore_broadcasts=0", NULL), 0);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 1);
	assert_int_equal(cap_iph(0)->saddr, A("10.0.0.1"));
}

static void test_timestamp_reply(void **state)
{
	struct net *net = *state;
	struct frame f;
	uint8_t l4[64] = { 0 };
	uint32_t n, ts;
	const uint8_t *r;

	memset(l4, 0, sizeof(l4));
	l4[11] = 1; /* originate timestamp 1 */
	n = 20;
	l4[0] = NS_ICMP_TIMESTAMP;
	((struct ns_icmphdr *)l4)->un = htonl(0x00050006);
	((struct ns_icmphdr *)l4)->checksum = csum_fold(csum_partial(l4, n, 0));
	net->now_ns = (86400000ull * 3 + 1234) * 1000000ull;
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 1, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 1);
	assert_int_equal(ntohs(cap_iph(0)->tot_len), 40);
	r = cap_l4(0);
	assert_int_equal(r[0], NS_ICMP_TIMESTAMPREPLY);
	assert_int_equal(ntohl(ns_get32(r + 4)), 0x00050006);
	assert_int_equal(ntohl(ns_get32(r + 8)), 1);
	ts = ntohl(ns_get32(r + 12));
	assert_int_equal(ts, 1234);
	assert_int_equal(ntohl(ns_get32(r + 16)), 1234);
	assert_int_equal(csum_fold(csum_partial(r, 20, 0)), 0);
}

static void test_ttl_expired(void **state)
{
	struct net *net = *state;
	const struct ns_iphdr *iph, *q;
	const uint8_t *r;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.2"), 2000, 1, 30);
	assert_int_equal(ncap, 1);
	assert_string_equal(cap[0].ifname, "eth0");
	iph = cap_iph(0);
	assert_int_equal(iph->saddr, A("10.0.0.1"));
	assert_int_equal(iph->daddr, A("10.0.0.2"));
	assert_int_equal(iph->tos, 0xc0);
	assert_int_equal(iph->protocol, 1);
	r = cap_l4(0);
	assert_int_equal(r[0], NS_ICMP_TIME_EXCEEDED);
	assert_int_equal(r[1], 0);
	/* The whole offending packet is quoted (it is < 548 bytes). */
	assert_int_equal(ntohs(iph->tot_len), 20 + 8 + 20 + 8 + 30);
	q = (const struct ns_iphdr *)(r + 8);
	assert_int_equal(q->ttl, 1);
	assert_int_equal(q->daddr, A("10.0.1.2"));
	assert_int_equal(drops(net, DROP_IP_TTL_EXPIRED), 1);

	/* Long packets: the quote stops at 576 bytes in all. */
	cap_reset();
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.2"), 2000, 1, 1000);
	assert_int_equal(ncap, 1);
	assert_int_equal(ntohs(cap_iph(0)->tot_len), 576);

	/* No error about an ICMP error. */
	cap_reset();
	{
		struct frame f;
		uint8_t l4[64];
		uint32_t n = icmp_build(l4, NS_ICMP_DEST_UNREACH, 1, 0, 28);

		eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
		ip_put(&f, A("10.0.0.2"), A("10.0.1.2"), 1, 1, 0, l4, n);
		inject(net, "eth0", &f);
		assert_int_equal(ncap, 0);
		/* ... nor about a non-first fragment. */
		ip_put(&f, A("10.0.0.2"), A("10.0.1.2"), 17, 1, 100, l4, n);
		inject(net, "eth0", &f);
		assert_int_equal(ncap, 0);
		/* ... nor about a frame to a broadcast MAC. */
		ip_put(&f, A("10.0.0.2"), A("10.0.1.2"), 17, 1, 0, l4, n);
		memset(f.b, 0xff, 6);
		inject(net, "eth0", &f);
		assert_int_equal(ncap, 0);
	}
}

static void test_forward_lpm(void **state)
{
	struct net *net = *state;
	const struct ns_iphdr *iph;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.1.3 lladdr 02:00:00:00:00:33 dev eth1", NULL), 0);
	assert_int_equal(run(net, "ip route add 10.9.0.0/16 via 10.0.1.2", NULL), 0);
	assert_int_equal(run(net, "ip route add 10.9.1.0/24 via 10.0.1.3", NULL), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.9.1.5"), 53, 64, 10);
	assert_int_equal(ncap, 1);
	assert_string_equal(cap[0].ifname, "eth1");
	assert_int_equal(cap[0].data[5], 0x33);
	assert_memory_equal(cap[0].data + 6, mac_of(net, "eth1"), 6);
	iph = cap_iph(0);
	assert_int_equal(iph->ttl, 63);
	assert_int_equal(ip_fast_csum(iph, 5), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.9.2.5"), 53, 64, 10);
	assert_int_equal(ncap, 2);
	assert_int_equal(cap[1].data[5], 0x98);
	/* Default route, and a lower metric wins. */
	assert_int_equal(run(net, "ip route add default via 10.0.1.2 metric 10", NULL), 0);
	assert_int_equal(run(net, "ip route add default via 10.0.1.3 metric 5", NULL), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("8.8.8.8"), 53, 64, 10);
	assert_int_equal(ncap, 3);
	assert_int_equal(cap[2].data[5], 0x33);
	assert_int_equal(net_stats(net)->forwarded, 3);
	/* No route at all: net unreachable back to the sender. */
	assert_int_equal(run(net, "ip route flush dev eth1", NULL), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("8.8.8.8"), 53, 64, 10);
	assert_int_equal(ncap, 4);
	assert_int_equal(cap_l4(3)[0], NS_ICMP_DEST_UNREACH);
	assert_int_equal(cap_l4(3)[1], NS_ICMP_NET_UNREACH);
	assert_int_equal(drops(net, DROP_IP_INNOROUTES), 1);
}

static void test_forwarding_off(void **state)
{
	struct net *net = *state;

	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.2"), 53, 64, 10);
	assert_int_equal(ncap, 0);
	assert_int_equal(drops(net, DROP_IP_FORWARDING_OFF), 1);
	send_udp(net, "eth0", A("10.0.0.2"), A("1.2.3.4"), 53, 64, 10);
	assert_int_equal(ncap, 0);
	assert_int_equal(drops(net, DROP_IP_FORWARDING_OFF), 2);
}

static void test_neigh_resolution(void **state)
{
	struct net *net = *state;
	const struct ns_arphdr *ah;
	struct frame f;
	char *out;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.7"), 53, 64, 10);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.7"), 54, 64, 10);
	assert_int_equal(ncap, 1); /* one ARP request, two packets wait */
	assert_string_equal(cap[0].ifname, "eth1");
	assert_int_equal(cap[0].data[0], 0xff);
	ah = (const struct ns_arphdr *)(cap[0].data + 14);
	assert_int_equal(ntohs(ah->op), NS_ARPOP_REQUEST);
	assert_int_equal(ah->sip, A("10.0.1.1"));
	assert_int_equal(ah->tip, A("10.0.1.7"));
	assert_int_equal(run(net, "ip neigh show dev eth1", &out), 0);
	assert_non_null(strstr(out, "10.0.1.7 INCOMPLETE"));
	free(out);
	/* The reply releases both, in order. */
	arp_put(&f, mac_of(net, "eth1"), PEER2_MAC, NS_ARPOP_REPLY,
		A("10.0.1.7"), mac_of(net, "eth1"), A("10.0.1.1"));
	inject(net, "eth1", &f);
	assert_int_equal(ncap, 3);
	assert_memory_equal(cap[1].data, PEER2_MAC, 6);
	assert_int_equal(ntohs(*(uint16_t *)(cap[1].data + 14 + 20 + 2)), 53);
	assert_int_equal(ntohs(*(uint16_t *)(cap[2].data + 14 + 20 + 2)), 54);
	assert_int_equal(run(net, "ip neigh show dev eth1", &out), 0);
	assert_non_null(strstr(out, "10.0.1.7 lladdr 02:00:00:00:00:98 REACHABLE"));
	free(out);
	/* After 30 s it is STALE but still used. */
	net->now_ns += 31000000000ull;
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.7"), 55, 64, 10);
	assert_int_equal(ncap, 4);
	assert_memory_equal(cap[3].data, PEER2_MAC, 6);
}

static void test_neigh_timeout(void **state)
{
	struct net *net = *state;
	const uint8_t *r;
	int i;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	for (i = 0; i < 3; i++)
		send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.9"), 53, 64, 10);
	assert_int_equal(ncap, 1);
	net->now_ns += 1000000000ull;
	stack_timers(net);
	assert_int_equal(ncap, 2);
	net->now_ns += 1000000000ull;
	stack_timers(net);
	assert_int_equal(ncap, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(ntohs(*(uint16_t *)(cap[i].data + 12)),
				 NS_ETHTYPE_ARP);
	net->now_ns += 1000000000ull;
	stack_timers(net);
	/* Three host unreachables, rate limited per destination (burst 6). */
	assert_int_equal(ncap, 6);
	for (i = 3; i < 6; i++) {
		assert_string_equal(cap[i].ifname, "eth0");
		r = cap_l4(i);
		assert_int_equal(r[0], NS_ICMP_DEST_UNREACH);
		assert_int_equal(r[1], NS_ICMP_HOST_UNREACH);
	}
	assert_int_equal(drops(net, DROP_NEIGH_FAILED), 3);
}

static void test_neigh_queue_bounded(void **state)
{
	struct net *net = *state;
	int i;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	for (i = 0; i < NEIGH_QUEUE_MAX + 5; i++)
		send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.9"), 53, 64, 10);
	assert_int_equal(drops(net, DROP_NEIGH_QUEUEFULL), 5);
	assert_int_equal(ncap, 1);
}

static void test_tcp_rst(void **state)
{
	struct net *net = *state;
	const struct ns_tcphdr *th;
	struct frame f;
	uint8_t l4[64];
	uint32_t n;

	n = tcp_build(l4, A("10.0.0.2"), A("10.0.0.1"), 1000, 80, 1000, 0,
		      NS_TCPF_SYN, 2);
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 6, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 1);
	assert_int_equal(ntohs(cap_iph(0)->frag_off), NS_IPH_DF);
	assert_int_equal(cap_iph(0)->id, 0);
	th = (const struct ns_tcphdr *)cap_l4(0);
	assert_int_equal(ntohs(th->source), 80);
	assert_int_equal(ntohs(th->dest), 1000);
	assert_int_equal(th->flags, NS_TCPF_RST | NS_TCPF_ACK);
	assert_int_equal(ntohl(th->seq), 0);
	assert_int_equal(ntohl(th->ack_seq), 1003);
	assert_int_equal(l4_csum(A("10.0.0.1"), A("10.0.0.2"), 6, th, 20), 0);
	assert_int_equal(drops(net, DROP_NO_SOCKET), 1);
	/* With ACK: seq = ack_seq, no ACK flag. */
	n = tcp_build(l4, A("10.0.0.2"), A("10.0.0.1"), 1000, 80, 1000, 5555,
		      NS_TCPF_ACK, 0);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 6, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 2);
	th = (const struct ns_tcphdr *)cap_l4(1);
	assert_int_equal(th->flags, NS_TCPF_RST);
	assert_int_equal(ntohl(th->seq), 5555);
	/* Never a RST for a RST; bad checksum: dropped, no answer. */
	n = tcp_build(l4, A("10.0.0.2"), A("10.0.0.1"), 1000, 80, 1000, 5555,
		      NS_TCPF_ACK | NS_TCPF_RST, 0);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 6, 64, 0, l4, n);
	inject(net, "eth0", &f);
	n = tcp_build(l4, A("10.0.0.2"), A("10.0.0.1"), 1000, 80, 1000, 5555,
		      NS_TCPF_SYN, 0);
	l4[16] ^= 1;
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 6, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 2);
	assert_int_equal(drops(net, DROP_TCP_CSUM), 1);
	/* Truncated TCP header. */
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 6, 64, 0, l4, 10);
	inject(net, "eth0", &f);
	assert_int_equal(drops(net, DROP_L4_TRUNCATED), 1);
}

static void test_udp_port_unreachable(void **state)
{
	struct net *net = *state;
	const uint8_t *r;
	struct frame f;
	uint8_t l4[64];

	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 2000, 64, 10);
	assert_int_equal(ncap, 1);
	assert_int_equal(cap_iph(0)->saddr, A("10.0.0.1"));
	r = cap_l4(0);
	assert_int_equal(r[0], NS_ICMP_DEST_UNREACH);
	assert_int_equal(r[1], NS_ICMP_PORT_UNREACH);
	assert_int_equal(ntohs(cap_iph(0)->tot_len), 20 + 8 + 20 + 18);
	assert_int_equal(drops(net, DROP_NO_SOCKET), 1);
	/* Unknown protocol: protocol unreachable. */
	memcpy(l4, "hello world", 11);
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 99, 64, 0, l4, 11);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 2);
	assert_int_equal(cap_l4(1)[1], NS_ICMP_PROT_UNREACH);
	assert_int_equal(drops(net, DROP_IP_NOPROTO), 1);
	/* UDP to the broadcast address: no error. */
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.255"), 2000, 64, 10);
	assert_int_equal(ncap, 2);
	/* A fragment for us: queued for reassembly before INPUT. */
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 17, 64, NS_IPH_MF, l4, 16);
	inject(net, "eth0", &f);
	assert_int_equal(net->stats[0].ip.reasm_reqds, 1);
	assert_int_equal(ncap, 2);
}

static void test_rate_limit(void **state)
{
	struct net *net = *state;
	int i;

	/* Per destination: a burst of 6, then one per icmp_ratelimit ms. */
	for (i = 0; i < 10; i++)
		send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 2000, 64, 1);
	assert_int_equal(ncap, 6);
	net->now_ns += 500000000ull;
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 2000, 64, 1);
	assert_int_equal(ncap, 6);
	net->now_ns += 500000000ull;
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 2000, 64, 1);
	assert_int_equal(ncap, 7);
	/* Echo replies are not in the default ratemask. */
	{
		struct frame f;
		uint8_t l4[64];
		uint32_t n = icmp_build(l4, NS_ICMP_ECHO, 0, 1, 4);

		eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
		ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 1, 64, 0, l4, n);
		for (i = 0; i < 10; i++)
			inject(net, "eth0", &f);
		assert_int_equal(ncap, 17);
	}
	/* Global bucket: icmp_msgs_burst caps errors to all peers. */
	cap_reset();
	assert_int_equal(run(net, "sysctl -w net.ipv4.icmp_ratelimit=0", NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.icmp_msgs_burst=3", NULL), 0);
	net->now_ns += 5000000000ull;
	for (i = 0; i < 10; i++)
		send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 2000, 64, 1);
	/* The bucket held up to 50 credits from before, capped only on refill. */
	assert_true(ncap >= 3);
	{
		int before = ncap;

		for (i = 0; i < 100; i++)
			send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"),
				 2000, 64, 1);
		assert_true(ncap - before < 60);
		before = ncap;
		net->now_ns += 1000000000ull;
		for (i = 0; i < 10; i++)
			send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"),
				 2000, 64, 1);
		assert_int_equal(ncap - before, 3);
	}
	/* ratemask 0: nothing is limited. */
	cap_reset();
	assert_int_equal(run(net, "sysctl -w net.ipv4.icmp_ratemask=0", NULL), 0);
	for (i = 0; i < 20; i++)
		send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 2000, 64, 1);
	assert_int_equal(ncap, 20);
}

static void test_malformed(void **state)
{
	struct net *net = *state;
	struct frame f;
	uint8_t l4[64];
	uint32_t n = udp_build(l4, A("10.0.0.2"), A("10.0.0.1"), 1, 2, 4);
	struct ns_iphdr *iph = (struct ns_iphdr *)(f.b + 14);

	assert_int_equal(ns_inject(net, "eth0", f.b, 10, 0), 0);
	assert_int_equal(drops(net, DROP_PKT_TOO_SMALL), 1);

	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 17, 64, 0, l4, n);
	assert_int_equal(ns_inject(net, "eth0", f.b, 14 + 19, 0), 0);
	assert_int_equal(drops(net, DROP_IP_INHDR), 1);
	iph->ver_ihl = 0x65;
	inject(net, "eth0", &f);
	iph->ver_ihl = 0x44;
	inject(net, "eth0", &f);
	assert_int_equal(drops(net, DROP_IP_INHDR), 3);
	iph->ver_ihl = 0x45;
	iph->check ^= 1;
	inject(net, "eth0", &f);
	assert_int_equal(drops(net, DROP_IP_CSUM), 1);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 17, 64, 0, l4, n);
	assert_int_equal(ns_inject(net, "eth0", f.b, f.len - 1, 0), 0);
	assert_int_equal(drops(net, DROP_IP_TRUNCATED), 1);
	/* tot_len below the header length */
	iph->tot_len = htons(12);
	iph->check = 0;
	iph->check = ip_fast_csum(iph, 5);
	inject(net, "eth0", &f);
	assert_int_equal(drops(net, DROP_IP_INHDR), 4);
	/* Other ethertypes and hosts */
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IPV6);
	f.len = 60;
	inject(net, "eth0", &f);
	assert_int_equal(drops(net, DROP_IPV6DISABLED), 1);
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, 0x88cc);
	f.len = 60;
	inject(net, "eth0", &f);
	assert_int_equal(drops(net, DROP_UNHANDLED_PROTO), 1);
	eth_put(&f, PEER2_MAC, PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 17, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(drops(net, DROP_OTHERHOST), 1);
	/* Martians: our own source address, a loopback source. */
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.1.1"), A("10.0.0.1"), 17, 64, 0, l4, n);
	inject(net, "eth0", &f);
	ip_put(&f, A("127.0.0.1"), A("10.0.0.1"), 17, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(drops(net, DROP_IP_INADDRERRORS), 2);
	/* Interface down */
	assert_int_equal(run(net, "ip link set eth0 down", NULL), 0);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 17, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(drops(net, DROP_DEV_DOWN), 1);
	assert_int_equal(ncap, 0);
	/* Link padding is trimmed: a padded 60-byte frame is fine. */
	assert_int_equal(run(net, "ip link set eth0 up", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:99 dev eth0", NULL), 0);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 17, 64, 0, l4, n);
	memset(f.b + f.len, 0xee, 60 - f.len);
	assert_int_equal(ns_inject(net, "eth0", f.b, 60, 0), 0);
	assert_int_equal(ncap, 1);
	/* quote = IP header + UDP 12 bytes, not the padding */
	assert_int_equal(ntohs(cap_iph(0)->tot_len), 20 + 8 + 20 + 12);
}

static unsigned int verdict_hook(void *priv, struct pkt *pkt,
				 const struct ns_hook_state *st)
{
	unsigned int *v = priv;

	(void)pkt;
	(void)st;
	return *v;
}

static uint8_t seen_ttl;
static const struct netdev *seen_in, *seen_out;

static unsigned int ttl_hook(void *priv, struct pkt *pkt,
			     const struct ns_hook_state *st)
{
	(void)priv;
	seen_ttl = pkt_iph(pkt)->ttl;
	seen_in = st->in;
	seen_out = st->out;
	/* The received link header is still there for the mac match. */
	assert_true(pkt->has_l2);
	assert_memory_equal(pkt->data + 6, PEER_MAC, 6);
	return NS_ACCEPT;
}

static void test_hook_verdicts(void **state)
{
	struct net *net = *state;
	unsigned int verdict = NS_DROP;
	struct ns_hook_ops ops = {
		.hook = verdict_hook, .priv = &verdict, .pf = NS_PF_INET,
		.hooknum = NS_INET_PRE_ROUTING, .priority = 0,
	};
	struct ns_hook_ops fw = {
		.hook = ttl_hook, .pf = NS_PF_INET,
		.hooknum = NS_INET_FORWARD, .priority = 0,
	};

	assert_int_equal(ns_hook_register(net, &ops), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 2000, 64, 1);
	assert_int_equal(drops(net, DROP_NETFILTER_DROP), 1);
	verdict = NS_QUEUE;
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 2000, 64, 1);
	assert_int_equal(drops(net, DROP_QUEUE_NO_HANDLER), 1);
	assert_int_equal(ncap, 0);
	verdict = NS_ACCEPT;
	assert_int_equal(ns_hook_register(net, &fw), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.2"), 2000, 64, 1);
	assert_int_equal(seen_ttl, 63);
	assert_ptr_equal(seen_in, net_dev_by_name(net, "eth0"));
	assert_ptr_equal(seen_out, net_dev_by_name(net, "eth1"));
	assert_int_equal(ncap, 1);
	/* OUTPUT drop of the stack's own answer. */
	{
		unsigned int v2 = NS_DROP;
		struct ns_hook_ops out = {
			.hook = verdict_hook, .priv = &v2, .pf = NS_PF_INET,
			.hooknum = NS_INET_LOCAL_OUT, .priority = 0,
		};

		assert_int_equal(ns_hook_register(net, &out), 0);
		send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 2000, 64, 1);
		assert_int_equal(ncap, 1);
		assert_int_equal(drops(net, DROP_NETFILTER_DROP), 1 + 1);
	}
}

static void test_frag_needed_and_fragmentation(void **state)
{
	struct net *net = *state;
	struct frame f;
	uint8_t l4[1600];
	uint32_t n = udp_build(l4, A("10.0.0.2"), A("10.0.1.2"), 1, 2, 1172);
	const uint8_t *r;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	assert_int_equal(run(net, "ip link set eth1 mtu 1000", NULL), 0);
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.1.2"), 17, 64, NS_IPH_DF, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 1);
	r = cap_l4(0);
	assert_int_equal(r[0], NS_ICMP_DEST_UNREACH);
	assert_int_equal(r[1], NS_ICMP_FRAG_NEEDED);
	assert_int_equal(ntohl(ns_get32(r + 4)), 1000);
	assert_int_equal(drops(net, DROP_IP_FRAG_NEEDED), 1);
	/* Without DF: two fragments, 976 + 224 payload bytes. */
	ip_put(&f, A("10.0.0.2"), A("10.0.1.2"), 17, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 3);
	assert_int_equal(ntohs(cap_iph(1)->tot_len), 996);
	assert_int_equal(ntohs(cap_iph(1)->frag_off), NS_IPH_MF);
	assert_int_equal(ntohs(cap_iph(2)->tot_len), 20 + 1180 - 976);
	assert_int_equal(ntohs(cap_iph(2)->frag_off), 976 / 8);
	assert_int_equal(cap_iph(2)->ttl, 63);
	assert_int_equal(ip_fast_csum(cap_iph(2), 5), 0);
}

static void test_redirect(void **state)
{
	struct net *net = *state;
	const uint8_t *r;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.0.0.3 lladdr 02:00:00:00:00:03 dev eth0", NULL), 0);
	assert_int_equal(run(net, "ip route add 10.8.0.0/16 via 10.0.0.3", NULL), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.8.0.1"), 2000, 64, 1);
	assert_int_equal(ncap, 2);
	/* The redirect first (before FORWARD), then the packet itself. */
	r = cap_l4(0);
	assert_int_equal(r[0], NS_ICMP_REDIRECT);
	assert_int_equal(r[1], 1);
	assert_int_equal(ns_get32(r + 4), A("10.0.0.3"));
	assert_int_equal(((const struct ns_iphdr *)(r + 8))->ttl, 63);
	assert_int_equal(cap[1].data[5], 0x03);
	/* Back-off: the next one right away is not redirected. */
	send_udp(net, "eth0", A("10.0.0.2"), A("10.8.0.1"), 2000, 64, 1);
	assert_int_equal(ncap, 3);
	/* conf.all alone does not turn them off (IN_DEV_TX_REDIRECTS ORs). */
	net->now_ns += 60000000000ull;
	assert_int_equal(run(net, "sysctl -w net.ipv4.conf.all.send_redirects=0", NULL), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.8.0.1"), 2000, 64, 1);
	assert_int_equal(ncap, 5);
	net->now_ns += 60000000000ull;
	assert_int_equal(run(net, "sysctl -w net.ipv4.conf.default.send_redirects=0", NULL), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.8.0.1"), 2000, 64, 1);
	assert_int_equal(ncap, 6);
	assert_int_equal(cap_iph(5)->protocol, 17);
}

static void test_raw_ip_device(void **state)
{
	struct net *net = *state;
	struct netdev *tun;
	struct frame f;
	struct pkt *pkt;
	uint8_t l4[64];
	uint32_t n = icmp_build(l4, NS_ICMP_ECHO, 0, 1, 4);

	assert_int_equal(stack_dev_create(net, "tun0", &cap_ops, NULL, &tun), 0);
	assert_int_equal(run(net, "ip link set tun0 up", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.5.0.1/24 dev tun0", NULL), 0);
	assert_int_equal(run(net, "ip neigh add 10.5.0.2 lladdr 02:00:00:00:00:52 dev tun0", NULL), 0);
	ip_put(&f, A("10.5.0.2"), A("10.5.0.1"), 1, 64, 0, l4, n);
	dp_enter(net);
	tun = net_dev_by_name(net, "tun0");
	pkt = pkt_alloc(&net->inject.pool);
	assert_non_null(pkt);
	assert_int_equal(pkt_set_frame(pkt, f.b + 14, f.len - 14), 0);
	pkt->has_l2 = false;
	stack_rcv(net, tun, pkt);
	dp_leave(net);
	assert_int_equal(ncap, 1);
	assert_int_equal(cap_l4(0)[0], NS_ICMP_ECHOREPLY);
}

static void test_sysctl_tool(void **state)
{
	struct net *net = *state;
	char *out = NULL, *err = NULL;

	assert_int_equal(ns_exec(net, "sysctl net.ipv4.ip_forward", &out, &err), 0);
	assert_string_equal(out, "net.ipv4.ip_forward = 0\n");
	free(out);
	free(err);
	assert_int_equal(ns_exec(net, "sysctl -w net.ipv4.ip_forward=1", &out, &err), 0);
	assert_string_equal(out, "net.ipv4.ip_forward = 1\n");
	free(out);
	free(err);
	assert_int_equal(ns_exec(net, "sysctl net/ipv4/ip_default_ttl=99", &out, &err), 0);
	assert_string_equal(out, "net.ipv4.ip_default_ttl = 99\n");
	assert_int_equal(net_conf(net)->sysctl.ip_default_ttl, 99);
	free(out);
	free(err);
	assert_int_equal(ns_exec(net, "sysctl -n net.ipv4.icmp_ratemask", &out, &err), 0);
	assert_string_equal(out, "6168\n");
	free(out);
	free(err);
	assert_int_equal(ns_exec(net, "sysctl net.ipv4.nope", &out, &err), 1);
	assert_string_equal(err, "sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory\n");
	free(out);
	free(err);
	assert_int_equal(ns_exec(net, "sysctl -w net.ipv4.ip_default_ttl=0", &out, &err), 1);
	assert_string_equal(err, "sysctl: setting key \"net.ipv4.ip_default_ttl\": Invalid argument\n");
	assert_int_equal(net_conf(net)->sysctl.ip_default_ttl, 99);
	free(out);
	free(err);
	assert_int_equal(ns_exec(net, "sysctl -w net.ipv4.icmp_echo_ignore_all=2", &out, &err), 1);
	free(out);
	free(err);
	assert_int_equal(ns_exec(net, "sysctl -a", &out, &err), 0);
	assert_non_null(strstr(out, "net.ipv4.icmp_msgs_burst = 50\n"));
	assert_non_null(strstr(out, "net.ipv4.icmp_echo_ignore_broadcasts = 1\n"));
	assert_non_null(strstr(out, "net.ipv4.icmp_ratelimit = 1000\n"));
	assert_non_null(strstr(out, "net.ipv4.icmp_msgs_per_sec = 1000\n"));
	free(out);
	free(err);
	/* sysctl -p FILE, as procps-ng 4.0.2 (messages recorded there). */
	{
		char path[] = "/tmp/ns-sysctl-XXXXXX";
		int fd = mkstemp(path);
		FILE *fp;
		char line[128];

		assert_true(fd >= 0);
		fp = fdopen(fd, "w");
		fputs("# c\nnet.ipv4.icmp_ratemask = 6160\n; x\n\n"
		      "net.ipv4.nope=3\n  net.ipv4.ip_default_ttl=70  \n"
		      "bad line\n", fp);
		fclose(fp);
		snprintf(line, sizeof(line), "sysctl -p %s", path);
		assert_int_equal(ns_exec(net, line, &out, &err), 1);
		assert_string_equal(out, "net.ipv4.icmp_ratemask = 6160\n"
					 "net.ipv4.ip_default_ttl = 70\n");
		assert_non_null(strstr(err, "(7): invalid syntax, continuing...\n"));
		assert_non_null(strstr(err, "sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory\n"));
		free(out);
		free(err);
		unlink(path);
		assert_int_equal(run(net, "sysctl -w net.ipv4.ip_default_ttl=99", NULL), 0);
	}
	/* The TTL knob reaches generated packets. */
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 2000, 64, 1);
	assert_int_equal(ncap, 1);
	assert_int_equal(cap_iph(0)->ttl, 99);
}

static void test_local_output_loopback(void **state)
{
	struct net *net = *state;
	struct pkt *pkt;
	uint8_t l4[64];
	uint32_t n = icmp_build(l4, NS_ICMP_ECHO, 0, 1, 4);

	/* A packet we send to our own address loops back through lo. */
	dp_enter(net);
	pkt = ip_alloc_reply(net, NULL);
	memcpy(pkt->data + 20, l4, n);
	ip_build_header(net, pkt, A("10.0.0.1"), A("10.0.1.1"), 1, 0, 64,
			false, n);
	stack_output(net, pkt);
	dp_leave(net);
	assert_int_equal(ncap, 0);
	assert_true(netdev_stats_read(net_dev_by_name(net, "lo")).rx_packets >= 2);
	assert_int_equal(pkt_pool_avail(&net->inject.pool), net->inject.pool.size);
}

struct fate_rec {
	enum pkt_fate fate;
	enum drop_reason reason;
	char ifname[NS_IFNAMSIZ];
	uint32_t id;
	bool local_out;
};

static struct fate_rec fates[32];
static int nfates;

static void fate_sink(void *priv, const struct pkt *pkt,
		      const struct trace_event *ev)
{
	(void)priv;
	if (ev->kind != TRACE_FATE || nfates >= 32)
		return;
	fates[nfates].fate = ev->fate;
	fates[nfates].reason = ev->reason;
	snprintf(fates[nfates].ifname, NS_IFNAMSIZ, "%s",
		 ev->ifname ? ev->ifname : "");
	fates[nfates].id = pkt->id;
	fates[nfates].local_out = pkt->local_out;
	nfates++;
}

static void test_trace_fates(void **state)
{
	struct net *net = *state;
	struct frame f;
	uint8_t l4[64];
	uint32_t n = icmp_build(l4, NS_ICMP_ECHO, 0, 1, 4);

	net->trace.event = fate_sink;
	net->trace.all = true;
	nfates = 0;
	/* Echo: the reply is sent, the request answered; same id. */
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 1, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(nfates, 2);
	assert_int_equal(fates[0].fate, FATE_SENT);
	assert_string_equal(fates[0].ifname, "eth0");
	assert_true(fates[0].local_out);
	assert_int_equal(fates[1].fate, FATE_ANSWERED);
	assert_int_equal(fates[0].id, fates[1].id);
	/* Forwarded to an unresolved neighbour: queued, then sent. */
	nfates = 0;
	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.7"), 53, 64, 10);
	assert_int_equal(nfates, 2); /* queued, then the ARP request */
	assert_int_equal(fates[0].fate, FATE_QUEUED);
	assert_int_equal(fates[1].fate, FATE_SENT);
	assert_string_equal(fates[1].ifname, "eth1");
	assert_int_equal(fates[0].id, fates[1].id);
	arp_put(&f, mac_of(net, "eth1"), PEER2_MAC, NS_ARPOP_REPLY,
		A("10.0.1.7"), mac_of(net, "eth1"), A("10.0.1.1"));
	inject(net, "eth1", &f);
	assert_int_equal(nfates, 4);
	assert_int_equal(fates[2].fate, FATE_SENT);
	assert_string_equal(fates[2].ifname, "eth1");
	assert_int_equal(fates[2].id, fates[0].id);
	assert_int_equal(fates[3].fate, FATE_LOCAL); /* the ARP reply */
	/* A drop says why. */
	nfates = 0;
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 9, 64, 1);
	assert_int_equal(nfates, 2);
	assert_int_equal(fates[0].fate, FATE_SENT);
	assert_int_equal(fates[1].fate, FATE_DROPPED);
	assert_int_equal(fates[1].reason, DROP_NO_SOCKET);
	net->trace.event = NULL;
}

/*
 * Mutated frames on ARP-capable interfaces with unresolved next hops:
 * nothing crashes and, once every neighbour has failed, every packet
 * buffer is back in the pool.
 */
static void test_random_frames_no_leak(void **state)
{
	struct net *net = *state;
	static const uint32_t dsts[] = { 0x0100000a, 0x0101000a, 0x0701000a,
					 0xff00000a, 0x08080808, 0x010000e0 };
	uint32_t seed = 12345;
	int i, j;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.icmp_ratelimit=0", NULL), 0);
	assert_int_equal(run(net, "ip route add default via 10.0.1.50", NULL), 0);
	for (i = 0; i < 20000; i++) {
		struct frame f;
		uint8_t l4[256];
		uint32_t n, d;
		uint8_t proto;

		seed = seed * 1103515245u + 12345u;
		d = dsts[(seed >> 8) % 6];
		proto = (uint8_t[]){ 1, 6, 17, 99 }[(seed >> 4) & 3];
		if (proto == 1)
			n = icmp_build(l4, (seed >> 12) & 15, 0, 0, 20);
		else if (proto == 6)
			n = tcp_build(l4, A("10.0.0.2"), d, 1, 2, 3, 4,
				      (uint8_t)(seed >> 16), 8);
		else
			n = udp_build(l4, A("10.0.0.2"), d, 1, 2, 8);
		eth_put(&f, (seed & 0x100000) ? (const uint8_t *)"\xff\xff\xff\xff\xff\xff" :
			mac_of(net, "eth0"), PEER_MAC,
			(seed & 0x7000000) ? NS_ETHTYPE_IP : NS_ETHTYPE_ARP);
		ip_put(&f, A("10.0.0.2"), d, proto, (seed >> 20) & 3,
		       (seed & 0x8000000) ? NS_IPH_MF : 0, l4, n);
		/* Flip a few bytes anywhere. */
		for (j = 0; j < (int)((seed >> 28) & 3); j++) {
			seed = seed * 1103515245u + 12345u;
			f.b[(seed >> 8) % f.len] ^= (uint8_t)(seed >> 20);
		}
		if ((seed & 0x30) == 0x30) {
			/* Fix the IP checksum so the mutation gets further. */
			struct ns_iphdr *iph = (struct ns_iphdr *)(f.b + 14);

			if (iph_hlen(iph) >= 20 && iph_hlen(iph) <= f.len - 14) {
				iph->check = 0;
				iph->check = ip_fast_csum(iph, iph_hlen(iph) / 4);
			}
		}
		net->now_ns += 1000000;
		assert_int_equal(ns_inject(net, (seed & 0x40) ? "eth1" : "eth0",
					   f.b, f.len, net->now_ns), 0);
	}
	/* Past ipfrag_time too: the reassembly queues let go. */
	net->now_ns += 40000000000ull;
	dp_enter(net);
	stack_timers(net);
	neigh_flush(net, NULL, false);
	dp_leave(net);
	assert_int_equal(pkt_pool_avail(&net->inject.pool), net->inject.pool.size);
}

static unsigned int reject_hook(void *priv, struct pkt *pkt,
				const struct ns_hook_state *st)
{
	(void)priv;
	if (pkt_iph(pkt)->protocol == 1 && pkt_iph(pkt)->daddr == A("10.0.0.1"))
		return NS_ACCEPT; /* the error to ourselves */
	icmp_send(st->net, pkt, NS_ICMP_DEST_UNREACH, NS_ICMP_PORT_UNREACH, 0);
	return NS_DROP;
}

/*
 * REJECT in OUTPUT of our own echo reply: the kernel's icmp_xmit_lock is
 * held, so no error is generated; a RST (not ICMP) can be rejected.
 */
static void test_reject_own_icmp(void **state)
{
	struct net *net = *state;
	struct ns_hook_ops out = {
		.hook = reject_hook, .pf = NS_PF_INET,
		.hooknum = NS_INET_LOCAL_OUT, .priority = 0,
	};
	struct frame f;
	uint8_t l4[64];
	uint32_t n = icmp_build(l4, NS_ICMP_ECHO, 0, 1, 4);
	uint64_t lo_rx = netdev_stats_read(net_dev_by_name(net, "lo")).rx_packets;

	assert_int_equal(ns_hook_register(net, &out), 0);
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 1, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 0);
	assert_int_equal(netdev_stats_read(net_dev_by_name(net, "lo")).rx_packets, lo_rx);
	assert_int_equal(drops(net, DROP_NETFILTER_DROP), 1);
	/* A RST rejected in OUTPUT: the port unreachable goes to ourselves
	 * (through lo, consumed by the stack). */
	n = tcp_build(l4, A("10.0.0.2"), A("10.0.0.1"), 1000, 80, 1, 0,
		      NS_TCPF_SYN, 0);
	ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 6, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 0);
	assert_true(netdev_stats_read(net_dev_by_name(net, "lo")).rx_packets > lo_rx);
}

/* icmp_ratelimit=0: ip_error's own limit (burst 5) still holds. */
static void test_ip_error_burst(void **state)
{
	struct net *net = *state;
	int i;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.icmp_ratelimit=0", NULL), 0);
	for (i = 0; i < 10; i++)
		send_udp(net, "eth0", A("10.0.0.2"), A("192.0.2.1"), 53, 64, 1);
	assert_int_equal(ncap, 5);
	/* One more per second (ip_rt_error_cost). */
	net->now_ns += 1000000000ull;
	for (i = 0; i < 3; i++)
		send_udp(net, "eth0", A("10.0.0.2"), A("192.0.2.1"), 53, 64, 1);
	assert_int_equal(ncap, 6);
	/* With the default 1000 ms: two per burst (both limits charge). */
	cap_reset();
	assert_int_equal(run(net, "ip neigh add 10.0.0.3 lladdr 02:00:00:00:00:03 dev eth0", NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.icmp_ratelimit=1000", NULL), 0);
	for (i = 0; i < 10; i++)
		send_udp(net, "eth0", A("10.0.0.3"), A("192.0.2.1"), 53, 64, 1);
	assert_int_equal(ncap, 2);
}

/* 802.1Q priority tags are stripped; other VLANs and oversize frames drop. */
static void test_vlan_and_mtu(void **state)
{
	struct net *net = *state;
	struct frame f, g;
	uint8_t l4[1600];
	uint32_t n = udp_build(l4, A("10.0.0.2"), A("10.0.1.2"), 1, 2, 10);

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.1.2"), 17, 64, 0, l4, n);
	/* Insert a tag with VID 0, priority 5. */
	memcpy(g.b, f.b, 12);
	g.b[12] = 0x81;
	g.b[13] = 0x00;
	g.b[14] = 0xa0;
	g.b[15] = 0x00;
	memcpy(g.b + 16, f.b + 12, f.len - 12);
	g.len = f.len + 4;
	inject(net, "eth0", &g);
	assert_int_equal(ncap, 1);
	assert_int_equal(cap[0].len, f.len);          /* untagged out */
	assert_int_equal(cap[0].data[12], 0x08);
	assert_int_equal(cap_iph(0)->ttl, 63);
	/* VID 7: not ours. */
	g.b[15] = 0x07;
	inject(net, "eth0", &g);
	assert_int_equal(ncap, 1);
	assert_int_equal(drops(net, DROP_OTHERHOST), 1);
	/* A frame larger than MTU + 18 is refused at the device. */
	assert_int_equal(run(net, "ip link set eth0 mtu 1280", NULL), 0);
	n = udp_build(l4, A("10.0.0.2"), A("10.0.1.2"), 1, 2, 1300);
	ip_put(&f, A("10.0.0.2"), A("10.0.1.2"), 17, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 1);
	assert_int_equal(drops(net, DROP_PKT_TOO_BIG), 1);
	assert_int_equal(netdev_stats_read(net_dev_by_name(net, "eth0")).rx_dropped, 1);
	/* Exactly MTU: fine. */
	n = udp_build(l4, A("10.0.0.2"), A("10.0.1.2"), 1, 2, 1280 - 28);
	ip_put(&f, A("10.0.0.2"), A("10.0.1.2"), 17, 64, 0, l4, n);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 2);
}

/* net.ipv4.conf.IF.forwarding: the input interface decides. */
static void test_forwarding_per_interface(void **state)
{
	struct net *net = *state;
	char *out = NULL, *err = NULL;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	assert_int_equal(ns_exec(net, "sysctl net.ipv4.conf.eth1.forwarding", &out, &err), 0);
	assert_string_equal(out, "net.ipv4.conf.eth1.forwarding = 1\n");
	free(out);
	free(err);
	assert_int_equal(run(net, "sysctl -w net.ipv4.conf.eth1.forwarding=0", NULL), 0);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.2"), 53, 64, 1);
	assert_int_equal(ncap, 1);
	assert_string_equal(cap[0].ifname, "eth1");
	{
		struct frame f;
		uint8_t l4[64];
		uint32_t n = udp_build(l4, A("10.0.1.2"), A("10.0.0.2"), 1, 2, 1);

		eth_put(&f, mac_of(net, "eth1"), PEER_MAC, NS_ETHTYPE_IP);
		ip_put(&f, A("10.0.1.2"), A("10.0.0.2"), 17, 64, 0, l4, n);
		inject(net, "eth1", &f);
		assert_int_equal(ncap, 1);
		assert_int_equal(drops(net, DROP_IP_FORWARDING_OFF), 1);
	}
	/* ip_forward rewrites every interface; new ones follow default. */
	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=0", NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.conf.default.forwarding=1", NULL), 0);
	assert_int_equal(run(net, "ip link add eth2 type dummy", NULL), 0);
	assert_int_equal(ns_exec(net, "sysctl -a", &out, &err), 0);
	assert_non_null(strstr(out, "net.ipv4.conf.eth0.accept_local = 0\n"
				    "net.ipv4.conf.eth0.forwarding = 0\n"
				    "net.ipv4.conf.eth0.rp_filter = 0\n"
				    "net.ipv4.conf.eth0.send_redirects = 1\n"
				    "net.ipv4.conf.eth1.accept_local = 0\n"
				    "net.ipv4.conf.eth1.forwarding = 0\n"));
	assert_non_null(strstr(out, "net.ipv4.conf.eth2.forwarding = 1\n"));
	assert_non_null(strstr(out, "net.ipv4.conf.default.forwarding = 1\n"));
	free(out);
	free(err);
	assert_int_equal(ns_exec(net, "sysctl net.ipv4.conf.nope.forwarding", &out, &err), 1);
	assert_string_equal(err, "sysctl: cannot stat /proc/sys/net/ipv4/conf/nope/forwarding: No such file or directory\n");
	free(out);
	free(err);
}

/* IPv4 options: record route, source routing, malformed, echoed. */
static void test_ip_options(void **state)
{
	struct net *net = *state;
	struct frame f;
	uint8_t l4[64];
	uint32_t n = udp_build(l4, A("10.0.0.2"), A("10.0.1.2"), 1, 2, 0);
	struct ns_iphdr *iph = (struct ns_iphdr *)(f.b + 14);
	const uint8_t *o;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	/* Record route with two empty slots. */
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.1.2"), 17, 64, 0, l4, n);
	memmove(f.b + 34 + 12, f.b + 34, n);
	{
		static const uint8_t rr[12] = { 7, 11, 4, 0, 0, 0, 0, 0, 0, 0,
						0, 0 };

		memcpy(f.b + 34, rr, 12);
	}
	iph->ver_ihl = 0x48;
	iph->tot_len = htons(32 + n);
	iph->check = 0;
	iph->check = ip_fast_csum(iph, 8);
	f.len = 14 + 32 + n;
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 1);
	assert_string_equal(cap[0].ifname, "eth1");
	o = cap[0].data + 14 + 20;
	assert_int_equal(o[2], 8);                     /* pointer moved */
	assert_int_equal(ns_get32(o + 3), A("10.0.1.1")); /* outgoing addr */
	assert_int_equal(ip_fast_csum(cap_iph(0), 8), 0);
	/* Loose source route: refused. */
	f.b[34] = 131;
	f.b[36] = 4;
	iph->check = 0;
	iph->check = ip_fast_csum(iph, 8);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 1);
	assert_int_equal(drops(net, DROP_IP_SRR), 1);
	/* Malformed (RR of length 2): parameter problem at byte 21. */
	f.b[34] = 7;
	f.b[35] = 2;
	iph->check = 0;
	iph->check = ip_fast_csum(iph, 8);
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 2);
	assert_int_equal(cap_l4(1)[0], NS_ICMP_PARAMETERPROB);
	assert_int_equal(cap_l4(1)[4], 21);
	assert_int_equal(drops(net, DROP_IP_INHDR), 1);
	/* An echo request with record route: the reply carries it. */
	{
		uint32_t m = icmp_build(l4, NS_ICMP_ECHO, 0, 1, 4);

		ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 1, 64, 0, l4, m);
		memmove(f.b + 34 + 8, f.b + 34, m);
		memcpy(f.b + 34, "\x07\x07\x04\0\0\0\0\0", 8);
		iph->ver_ihl = 0x47;
		iph->tot_len = htons(28 + m);
		iph->check = 0;
		iph->check = ip_fast_csum(iph, 7);
		f.len = 14 + 28 + m;
		inject(net, "eth0", &f);
		assert_int_equal(ncap, 3);
		assert_int_equal(cap_iph(2)->ver_ihl, 0x47);
		o = cap[2].data + 14 + 20;
		assert_int_equal(o[0], 7);
		assert_int_equal(o[2], 8);
		assert_int_equal(ns_get32(o + 3), A("10.0.0.1"));
		assert_int_equal(o[7], 0);
		assert_int_equal(cap_l4(2)[0], NS_ICMP_ECHOREPLY);
		assert_int_equal(ip_fast_csum(cap_iph(2), 7), 0);
	}
	/* Port unreachable about a 2-slot record route (as Linux 6.18):
	 * slot 1 filled on receive, slot 2 with the error's source. */
	{
		uint32_t m = udp_build(l4, A("10.0.0.2"), A("10.0.0.1"), 1000,
				       81, 1);

		ip_put(&f, A("10.0.0.2"), A("10.0.0.1"), 17, 64, 0, l4, m);
		memmove(f.b + 34 + 12, f.b + 34, m);
		memcpy(f.b + 34, "\x07\x0b\x04\0\0\0\0\0\0\0\0\0", 12);
		iph->ver_ihl = 0x48;
		iph->tot_len = htons(32 + m);
		iph->check = 0;
		iph->check = ip_fast_csum(iph, 8);
		f.len = 14 + 32 + m;
		inject(net, "eth0", &f);
		assert_int_equal(ncap, 4);
		o = cap[3].data + 14 + 20;
		assert_memory_equal(o, "\x07\x0b\x0c\x0a\0\0\x01\x0a\0\0\x01\0", 12);
		assert_int_equal(ntohs(cap_iph(3)->tot_len), 81);
		assert_int_equal(cap_l4(3)[0], NS_ICMP_DEST_UNREACH);
		/* The quote shows the header as receive left it. */
		assert_int_equal(cap_l4(3)[8], 0x48);
		assert_memory_equal(cap_l4(3) + 8 + 20,
				    "\x07\x0b\x08\x0a\0\0\x01\0\0\0\0\0", 12);
	}
}

/* Deleting the input interface of packets waiting for ARP elsewhere. */
static void test_delete_dev_with_queued(void **state)
{
	struct net *net = *state;

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	assert_int_equal(stack_dev_create(net, "eth2", &cap_ops, NULL, NULL), 0);
	assert_int_equal(run(net, "ip link set eth2 up", NULL), 0);
	assert_int_equal(run(net, "ip addr add 10.0.2.1/24 dev eth2", NULL), 0);
	send_udp(net, "eth2", A("10.0.2.2"), A("10.0.1.9"), 53, 64, 1);
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.1.9"), 53, 64, 1);
	assert_int_equal(run(net, "ip link del eth2", NULL), 0);
	assert_int_equal(drops(net, DROP_DEV_DOWN), 1);
	/* A clock jump runs the overdue timers as if on time. */
	net->now_ns += 5000000000ull;
	stack_timers(net);
	/* The eth0 packet still gets its host unreachable. */
	assert_int_equal(drops(net, DROP_NEIGH_FAILED), 1);
	assert_int_equal(cap_l4(ncap - 1)[1], NS_ICMP_HOST_UNREACH);
	assert_int_equal(pkt_pool_avail(&net->inject.pool), net->inject.pool.size);
}

/* Fragmenting a forwarded packet with record route (as Linux 6.18). */
static void test_fragment_options(void **state)
{
	struct net *net = *state;
	struct frame f;
	static uint8_t l4[1600];
	uint32_t n = udp_build(l4, A("10.0.0.2"), A("10.0.1.2"), 1, 2, 1172);
	struct ns_iphdr *iph = (struct ns_iphdr *)(f.b + 14);

	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	assert_int_equal(run(net, "ip link set eth1 mtu 1000", NULL), 0);
	eth_put(&f, mac_of(net, "eth0"), PEER_MAC, NS_ETHTYPE_IP);
	ip_put(&f, A("10.0.0.2"), A("10.0.1.2"), 17, 64, 0, l4, n);
	memmove(f.b + 34 + 8, f.b + 34, n);
	memcpy(f.b + 34, "\x07\x07\x04\0\0\0\0\0", 8);
	iph->ver_ihl = 0x47;
	iph->tot_len = htons(28 + n);
	iph->check = 0;
	iph->check = ip_fast_csum(iph, 7);
	f.len = 14 + 28 + n;
	inject(net, "eth0", &f);
	assert_int_equal(ncap, 2);
	assert_int_equal(ntohs(cap_iph(0)->tot_len), 996);
	assert_memory_equal(cap[0].data + 34, "\x07\x07\x08\x0a\x00\x01\x01\x00", 8);
	assert_int_equal(ntohs(cap_iph(1)->frag_off), 121);
	assert_int_equal(ntohs(cap_iph(1)->tot_len), 0xf0);
	assert_memory_equal(cap[1].data + 34, "\x01\x01\x01\x01\x01\x01\x01\x00", 8);
	assert_int_equal(ip_fast_csum(cap_iph(1), 7), 0);
}

/* rp_filter: strict (1) and loose (2), the larger of all and the iface. */
static void test_rp_filter(void **state)
{
	struct net *net = *state;

	/* A source from eth1's subnet arriving on eth0. */
	send_udp(net, "eth0", A("10.0.1.7"), A("10.0.0.1"), 9, 64, 1);
	assert_int_equal(drops(net, DROP_NO_SOCKET), 1);
	assert_int_equal(run(net, "sysctl -w net.ipv4.conf.eth0.rp_filter=1", NULL), 0);
	send_udp(net, "eth0", A("10.0.1.7"), A("10.0.0.1"), 9, 64, 1);
	assert_int_equal(drops(net, DROP_IP_RPFILTER), 1);
	/* The right interface passes. */
	send_udp(net, "eth0", A("10.0.0.2"), A("10.0.0.1"), 9, 64, 1);
	assert_int_equal(drops(net, DROP_NO_SOCKET), 2);
	/* Loose: any route back will do; none at all still fails. */
	assert_int_equal(run(net, "sysctl -w net.ipv4.conf.all.rp_filter=2", NULL), 0);
	send_udp(net, "eth0", A("10.0.1.7"), A("10.0.0.1"), 9, 64, 1);
	assert_int_equal(drops(net, DROP_IP_RPFILTER), 1);
	send_udp(net, "eth0", A("192.0.2.7"), A("10.0.0.1"), 9, 64, 1);
	assert_int_equal(drops(net, DROP_IP_RPFILTER), 2);
	/* Forwarded packets too. */
	assert_int_equal(run(net, "sysctl -w net.ipv4.ip_forward=1", NULL), 0);
	assert_int_equal(run(net, "sysctl -w net.ipv4.conf.all.rp_filter=1", NULL), 0);
	send_udp(net, "eth0", A("10.0.1.7"), A("10.0.1.2"), 9, 64, 1);
	assert_int_equal(drops(net, DROP_IP_RPFILTER), 3);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_arp_request_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timestamp_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ttl_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forward_lpm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forwarding_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neigh_resolution, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neigh_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neigh_queue_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcp_rst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_udp_port_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_verdicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frag_needed_and_fragmentation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_ip_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysctl_tool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_output_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_fates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_frames_no_leak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reject_own_icmp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip_error_burst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vlan_and_mtu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forwarding_per_interface, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_dev_with_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragment_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rp_filter, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
