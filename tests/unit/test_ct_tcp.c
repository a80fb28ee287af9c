// SPDX-License-Identifier: MIT
/*
 * The TCP tracker (src/ct/proto_tcp.c) driven directly with crafted
 * IPv4/TCP packets and an injected clock, doing what the core does around
 * it (.new for an entry's first packet, SEEN_REPLY after a reply was
 * accepted, CONFIRMED after the first): states, timeouts, ASSURED, the
 * window checks and the kernel's reasons for INVALID packets. Expected
 * answers are the kernel's (6.1), checked with tests/kernel/ct_tcp.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <netsieve/netsieve.h>

#include "stack_harness.h"

#include "base/rcu.h"
#include "base/sbuf.h"
#include "core/hook.h"
#include "core/net.h"
#include "ct/ct.h"
#include "ct/ct_int.h"
#include "pkt/csum.h"
#include "pkt/parse.h"
#include "pkt/pkt.h"

#define NSEC 1000000000ull

static struct net *net;
static struct ct_sysctl *sysctl;
static uint64_t now = 1000 * NSEC;

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

#define CLIENT 0x0a010002u /* 10.1.0.2:40000 */
#define SERVER 0x0a020002u /* 10.2.0.2:80 */
#define CPORT 40000
#define SPORT 80

/* Initial sequence numbers. */
#define CISN 1000u
#define SISN 5000000u

static struct ct_conn *ct;
static struct pkt pkt;
static const char *why;

/* Options of a segment (raw bytes, padded by the caller to 4n). */
struct opts {
	const uint8_t *b;
	unsigned len;
};

static const uint8_t opt_ws7[] = { 1, 3, 3, 7 };           /* NOP, WS 7 */
static const uint8_t opt_sackperm[] = { 1, 1, 4, 2 };      /* SACK perm */
static const uint8_t opt_ws7_sackperm[] = { 1, 3, 3, 7, 1, 1, 4, 2 };

/*
 * Build a segment of ct's connection in direction dir into pkt: flags,
 * seq, ack, window, paylen payload bytes, options. Valid checksums.
 */
static unsigned build(uint8_t *f, enum ct_dir dir, uint8_t flags,
		      uint32_t seq, uint32_t ack, uint16_t win, unsigned paylen,
		      struct opts o)
{
	unsigned thl = 20 + o.len, tot = 20 + thl + paylen;
	uint32_t src = htonl(dir ? SERVER : CLIENT);
	uint32_t dst = htonl(dir ? CLIENT : SERVER);
	uint16_t sp = htons(dir ? SPORT : CPORT);
	uint16_t dp = htons(dir ? CPORT : SPORT);
	uint8_t *ip = f, *th = f + 20;
	uint16_t c;

	assert_true(tot <= 1500);
	memset(f, 0, tot);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	c = ip_fast_csum(ip, 5);
	memcpy(ip + 10, &c, 2);
	memcpy(th, &sp, 2);
	memcpy(th + 2, &dp, 2);
	seq = htonl(seq);
	ack = htonl(ack);
	memcpy(th + 4, &seq, 4);
	memcpy(th + 8, &ack, 4);
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = flags;
	th[14] = (uint8_t)(win >> 8);
	th[15] = (uint8_t)win;
	if (o.len)
		memcpy(th + 20, o.b, o.len);
	for (unsigned i = 0; i < paylen; i++)
		th[thl + i] = (uint8_t)i;
	c = csum_fold(csum_tcpudp_nofold(src, dst, (uint16_t)(thl + paylen), 6,
					 csum_partial(th, thl + paylen, 0)));
	memcpy(th + 16, &c, 2);
	return tot;
}

static struct pkt *seg_opts(enum ct_dir dir, uint8_t flags, uint32_t seq,
			    uint32_t ack, uint16_t win, unsigned paylen,
			    struct opts o)
{
	uint8_t f[1500];
	unsigned tot = build(f, dir, flags, seq, ack, win, paylen, o);

	pkt_reset(&pkt);
	pkt.has_l2 = false;
	assert_int_equal(pkt_set_frame(&pkt, f, tot), 0);
	pkt.l3_off = 0;
	assert_int_equal(pkt_parse_ipv4(&pkt), DROP_NOT_DROPPED);
	return &pkt;
}

static struct pkt *seg(enum ct_dir dir, uint8_t flags, uint32_t seq,
		       uint32_t ack, uint16_t win, unsigned paylen)
{
	return seg_opts(dir, flags, seq, ack, win, paylen,
			(struct opts){ NULL, 0 });
}

/* Let go of the test entry: kill it or free it if never confirmed. */
static void conn_put(void)
{
	if (!ct)
		return;
	if (!ct_is_confirmed(ct))
		ct_conn_free_unconfirmed(net, ct);
	else if (!(ct_status(ct) & CT_S_DYING))
		assert_true(ct_kill(net, ct));
	ct = NULL;
}

/* A fresh entry for the test connection (not confirmed). */
static void conn_reset(void)
{
	conn_put();
	ct = ct_conn_alloc(net, 0);
	assert_non_null(ct);
	ct->node[0].tuple = (struct ct_tuple){
		.src = ns_addr4(htonl(CLIENT)), .dst = ns_addr4(htonl(SERVER)),
		.sport = htons(CPORT), .dport = htons(SPORT), .proto = 6 };
	ct_proto_tcp.invert(&ct->node[1].tuple, &ct->node[0].tuple);
	ct->node[1].tuple.src = ct->node[0].tuple.dst;
	ct->node[1].tuple.dst = ct->node[0].tuple.src;
	ct->node[1].tuple.proto = 6;
}

/* What .new refused (the packet is INVALID as NEW). */
#define REFUSED (-100)

/*
 * Feed p to the tracker at now as the core does: .new first for an
 * unconfirmed entry, then .packet; SEEN_REPLY after an accepted reply;
 * the entry goes into the table (confirmed) after its first accepted
 * packet. Returns .packet's verdict or REFUSED.
 */
static int feed(enum ct_dir dir, struct pkt *p)
{
	enum ct_info ctinfo;
	int ret;

	why = NULL;
	atomic_store(&net->now_ns, now);
	if (!ct_is_confirmed(ct) && !ct_proto_tcp.new(net, ct, p, &why))
		return REFUSED;
	if (dir == CT_DIR_REPLY)
		ctinfo = CT_ESTABLISHED_REPLY;
	else if (ct_status(ct) & CT_S_SEEN_REPLY)
		ctinfo = CT_ESTABLISHED;
	else
		ctinfo = CT_NEW;
	ns_rcu_reader_enter();
	ret = ct_proto_tcp.packet(net, ct, p, dir, ctinfo, now, &why);
	ns_rcu_reader_leave();
	if (ret == NS_ACCEPT && !(ct_status(ct) & CT_S_DYING)) {
		if (!ct_is_confirmed(ct))
			assert_int_equal(ct_insert(net, ct), 0);
		if (dir == CT_DIR_REPLY)
			ct_status_set(ct, CT_S_SEEN_REPLY);
	}
	return ret;
}

static unsigned state(void)
{
	return ct->proto.tcp.state;
}

/* Seconds to expiry (the timeout the last accepted packet set). */
static uint64_t left(void)
{
	return (atomic_load(&ct->timeout) - now) / NSEC;
}

static bool assured(void)
{
	return ct_status(ct) & CT_S_ASSURED;
}

static void tick(unsigned s)
{
	now += s * NSEC;
}

/* The three-way handshake with windows of 1000 (no options). */
static void handshake(void)
{
	conn_reset();
	assert_int_equal(feed(0, seg(0, TH_SYN, CISN, 0, 1000, 0)), NS_ACCEPT);
	assert_int_equal(feed(1, seg(1, TH_SYN | TH_ACK, SISN, CISN + 1, 1000,
				     0)), NS_ACCEPT);
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 1, SISN + 1, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_ESTABLISHED);
}

static int setup(void **s)
{
	(void)s;
	assert_int_equal(ns_net_create(&net), 0);
	assert_int_equal(ct_net_enable(net), 0);
	sysctl = ct_sysctl(net);
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	conn_put();
	ns_net_destroy(net);
	net = NULL;
	return 0;
}

static void test_handshake(void **s)
{
	(void)s;
	conn_reset();
	assert_int_equal(feed(0, seg(0, TH_SYN, CISN, 0, 1000, 0)), NS_ACCEPT);
	assert_null(why);
	assert_int_equal(state(), CT_TCP_SYN_SENT);
	assert_int_equal(left(), 120);
	assert_false(assured());

	/* the SYN again: state kept, timeout not renewed */
	tick(5);
	assert_int_equal(feed(0, seg(0, TH_SYN, CISN, 0, 1000, 0)), NS_ACCEPT);
	assert_int_equal(left(), 115);

	assert_int_equal(feed(1, seg(1, TH_SYN | TH_ACK, SISN, CISN + 1, 1000,
				     0)), NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_SYN_RECV);
	assert_int_equal(left(), 60);
	assert_false(assured());

	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 1, SISN + 1, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_ESTABLISHED);
	assert_int_equal(left(), 432000);
	assert_true(assured());
	assert_false(ct_proto_tcp.can_early_drop(ct));
	assert_false(ct_status(ct) & CT_S_DYING);
}

static void test_data_in_window(void **s)
{
	(void)s;
	handshake();
	/* 100 bytes not acked yet: the UNACK timeout */
	assert_int_equal(feed(0, seg(0, TH_ACK | TH_PSH, CISN + 1, SISN + 1,
				     1000, 100)), NS_ACCEPT);
	assert_int_equal(left(), 300);
	assert_int_equal(ct->proto.tcp.seen[0].td_end, CISN + 101);
	/* acked: back to ESTABLISHED's */
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 101, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(left(), 432000);
	/* a full window of data from the server */
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 101, 1000,
				     1000)), NS_ACCEPT);
	assert_null(why);
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 101, SISN + 1001, 1000,
				     0)), NS_ACCEPT);
	assert_int_equal(left(), 432000);
}

static void test_out_of_window(void **s)
{
	char exp[128];

	(void)s;
	handshake();
	/*
	 * The client's right edge: the server's ack + its window, CISN + 1 +
	 * 1000; a segment may start up to one past it.
	 */
	assert_int_equal(ct->proto.tcp.seen[0].td_maxend, CISN + 1 + 1000);
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 5000, SISN + 1, 1000,
				     10)), -1);
	snprintf(exp, sizeof(exp), "SEQ is over upper bound %u (over the "
		 "window of the receiver)", CISN + 1 + 1000 + 1);
	assert_string_equal(why, exp);
	assert_int_equal(state(), CT_TCP_ESTABLISHED);

	/* acking server data not sent */
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 1, SISN + 500, 1000,
				     0)), -1);
	snprintf(exp, sizeof(exp), "ACK is over upper bound %u (ACKed data "
		 "not seen yet)", SISN + 1 + 1);
	assert_string_equal(why, exp);

	/* only the start is checked against the right edge */
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 1, SISN + 1, 1000,
				     1010)), NS_ACCEPT);
	assert_null(why);
	assert_int_equal(ct->proto.tcp.seen[0].td_end, CISN + 1011);
	/* the server's window grew by the 10 bytes over its edge */
	assert_int_equal(ct->proto.tcp.seen[1].td_maxwin, 1010);
	/* starting past the edge, but in the window: passes, logged */
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 1002, SISN + 1, 1000,
				     10)), NS_ACCEPT);
	assert_string_equal(why, "12 bytes more than expected");
	assert_int_equal(ct->proto.tcp.seen[0].td_end, CISN + 1012);

	/* old data, far below: ignored (accepted, logged) */
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN - 200000, SISN + 1, 1000,
				     10)), NS_ACCEPT);
	snprintf(exp, sizeof(exp), "SEQ is under lower bound %u (already "
		 "ACKed data retransmitted)", CISN + 1);
	assert_string_equal(why, exp);
	/* an ack too old */
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 500, SISN - 70000,
				     1000, 0)), NS_ACCEPT);
	snprintf(exp, sizeof(exp), "ignored ACK under lower bound %u "
		 "(possible overly delayed)", SISN + 1 - 66000 - 1);
	assert_string_equal(why, exp);
}

static void test_be_liberal(void **s)
{
	(void)s;
	sysctl->tcp_be_liberal = 1;
	handshake();
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 5000, SISN + 1, 1000,
				     10)), NS_ACCEPT);
	assert_null(why);
	sysctl->tcp_be_liberal = 0;
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 50000, SISN + 1, 1000,
				     10)), -1);
}

static void test_fin_teardown(void **s)
{
	(void)s;
	handshake();
	assert_int_equal(feed(0, seg(0, TH_FIN | TH_ACK, CISN + 1, SISN + 1,
				     1000, 0)), NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_FIN_WAIT);
	assert_int_equal(left(), 120);
	assert_true(ct_proto_tcp.can_early_drop(ct));
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 2, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_CLOSE_WAIT);
	assert_int_equal(left(), 60);
	assert_int_equal(feed(1, seg(1, TH_FIN | TH_ACK, SISN + 1, CISN + 2,
				     1000, 0)), NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_LAST_ACK);
	assert_int_equal(left(), 30);
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 2, SISN + 2, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_TIME_WAIT);
	assert_int_equal(left(), 120);

	/* a new SYN on the same tuple: a fresh entry (NS_REPEAT) */
	assert_int_equal(feed(0, seg(0, TH_SYN, CISN + 100000, 0, 1000, 0)),
			 NS_REPEAT);
	assert_int_equal(state(), CT_TCP_TIME_WAIT);
}

static void test_fin_both_at_once(void **s)
{
	(void)s;
	handshake();
	/* both FINs cross: FIN_WAIT -> LAST_ACK, then the ACKs */
	assert_int_equal(feed(0, seg(0, TH_FIN | TH_ACK, CISN + 1, SISN + 1,
				     1000, 0)), NS_ACCEPT);
	assert_int_equal(feed(1, seg(1, TH_FIN | TH_ACK, SISN + 1, CISN + 1,
				     1000, 0)), NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_LAST_ACK);
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 2, SISN + 2, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_TIME_WAIT);
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 2, CISN + 2, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_TIME_WAIT);
}

static void test_rst(void **s)
{
	(void)s;
	handshake();
	assert_int_equal(feed(0, seg(0, TH_RST, CISN + 1, 0, 0, 0)), NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_CLOSE);
	assert_int_equal(left(), 10);
	assert_false(ct_status(ct) & CT_S_DYING);
	/* the client's SYN after its own RST reopens */
	assert_int_equal(feed(0, seg(0, TH_SYN, CISN + 7, 0, 1000, 0)),
			 NS_REPEAT);
}

static void test_rst_out_of_window(void **s)
{
	char exp[128];

	(void)s;
	handshake();
	assert_int_equal(feed(0, seg(0, TH_ACK | TH_PSH, CISN + 1, SISN + 1,
				     1000, 100)), NS_ACCEPT);
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 101, 1000, 0)),
			 NS_ACCEPT);
	/* below what the server acked: invalid rst */
	assert_int_equal(feed(0, seg(0, TH_RST, CISN + 50, 0, 0, 0)), -1);
	assert_string_equal(why, "invalid rst");
	assert_int_equal(state(), CT_TCP_ESTABLISHED);
	/* beyond the window */
	assert_int_equal(feed(0, seg(0, TH_RST, CISN + 100000, 0, 0, 0)), -1);
	snprintf(exp, sizeof(exp), "SEQ is over upper bound %u (over the "
		 "window of the receiver)", CISN + 101 + 1000 + 1);
	assert_string_equal(why, exp);
	/* in the window, not exact: state kept for the challenge ACK */
	assert_int_equal(feed(0, seg(0, TH_RST, CISN + 150, 0, 0, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_ESTABLISHED);
	assert_int_equal(left(), 10);
	/* ignore_invalid_rst: the one below passes too, state kept */
	sysctl->tcp_ignore_invalid_rst = 1;
	assert_int_equal(feed(0, seg(0, TH_RST, CISN + 50, 0, 0, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_ESTABLISHED);
	sysctl->tcp_ignore_invalid_rst = 0;
	/* exact: closed */
	assert_int_equal(feed(0, seg(0, TH_RST, CISN + 101, 0, 0, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_CLOSE);
}

static void test_rst_refused(void **s)
{
	(void)s;
	conn_reset();
	assert_int_equal(feed(0, seg(0, TH_SYN, CISN, 0, 1000, 0)), NS_ACCEPT);
	/* a closed port: RST/ACK, no reply seen before: entry killed */
	assert_int_equal(feed(1, seg(1, TH_RST | TH_ACK, 0, CISN + 1, 0, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_CLOSE);
	assert_true(ct_status(ct) & CT_S_DYING);
	ns_rcu_reader_enter();
	assert_null(ct_find(net, ct_tuple_of(ct, CT_DIR_ORIGINAL), 0, NULL));
	ns_rcu_reader_leave();
}

static void test_new(void **s)
{
	(void)s;
	/* SYN/ACK, FIN, RST cannot start a connection, loose or not */
	conn_reset();
	assert_int_equal(feed(0, seg(0, TH_SYN | TH_ACK, CISN, 1, 1000, 0)),
			 REFUSED);
	assert_null(why);
	assert_int_equal(feed(0, seg(0, TH_RST, CISN, 0, 0, 0)), REFUSED);
	assert_int_equal(feed(0, seg(0, TH_FIN | TH_ACK, CISN, 1, 1000, 0)),
			 REFUSED);
	/* a bare ACK only with loose */
	sysctl->tcp_loose = 0;
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN, SISN, 1000, 10)),
			 REFUSED);
	assert_null(why);
	sysctl->tcp_loose = 1;
}

static void test_loose_pickup(void **s)
{
	(void)s;
	conn_reset();
	assert_int_equal(feed(0, seg(0, TH_ACK | TH_PSH, CISN, SISN, 1000, 10)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_ESTABLISHED);
	/* one side only: not ESTABLISHED's five days */
	assert_int_equal(left(), 300);
	assert_false(assured());
	assert_int_equal(ct->proto.tcp.seen[0].flags & 0x08, 0x08);
	/* the server answers; then the client again: ASSURED */
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN, CISN + 10, 1000, 0)),
			 NS_ACCEPT);
	assert_false(assured());
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 10, SISN, 1000, 0)),
			 NS_ACCEPT);
	assert_true(assured());
	assert_int_equal(left(), 432000);
	/* liberal: far out of window still passes */
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 9000000, SISN, 1000,
				     0)), NS_ACCEPT);
}

static void test_window_scale(void **s)
{
	const struct opts ws = { opt_ws7, sizeof(opt_ws7) };

	(void)s;
	conn_reset();
	assert_int_equal(feed(0, seg_opts(0, TH_SYN, CISN, 0, 1000, 0, ws)),
			 NS_ACCEPT);
	assert_int_equal(feed(1, seg_opts(1, TH_SYN | TH_ACK, SISN, CISN + 1,
					  1000, 0, ws)), NS_ACCEPT);
	assert_int_equal(ct->proto.tcp.seen[0].td_scale, 7);
	assert_int_equal(ct->proto.tcp.seen[1].td_scale, 7);
	/* the server's window, now 1000 << 7 */
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 1, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(ct->proto.tcp.seen[0].td_maxend,
			 CISN + 1 + (1000u << 7));
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 1 + 100000, SISN + 1,
				     1000, 0)), NS_ACCEPT);
	assert_null(why);

	/* only the client offers it: no scaling either way */
	conn_reset();
	assert_int_equal(feed(0, seg_opts(0, TH_SYN, CISN, 0, 1000, 0, ws)),
			 NS_ACCEPT);
	assert_int_equal(ct->proto.tcp.seen[0].td_scale, 7);
	assert_int_equal(feed(1, seg(1, TH_SYN | TH_ACK, SISN, CISN + 1, 1000,
				     0)), NS_ACCEPT);
	assert_int_equal(ct->proto.tcp.seen[0].td_scale, 0);
	assert_int_equal(ct->proto.tcp.seen[1].td_scale, 0);
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 1, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 1 + 100000, SISN + 1,
				     1000, 0)), -1);
}

static void test_sack(void **s)
{
	const struct opts sp = { opt_ws7_sackperm, sizeof(opt_ws7_sackperm) };
	const struct opts sp2 = { opt_sackperm, sizeof(opt_sackperm) };
	/* NOP NOP SACK(10) one block: left, right */
	uint8_t sack[12] = { 1, 1, 5, 10 };
	uint32_t l = htonl(SISN + 101), r = htonl(SISN + 201);

	(void)s;
	memcpy(sack + 4, &l, 4);
	memcpy(sack + 8, &r, 4);
	conn_reset();
	assert_int_equal(feed(0, seg_opts(0, TH_SYN, CISN, 0, 1000, 0, sp)),
			 NS_ACCEPT);
	assert_int_equal(ct->proto.tcp.seen[0].flags & 0x03, 0x03);
	assert_int_equal(feed(1, seg_opts(1, TH_SYN | TH_ACK, SISN, CISN + 1,
					  1000, 0, sp2)), NS_ACCEPT);
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 1, SISN + 1, 1000, 0)),
			 NS_ACCEPT);
	/* the server sends 200 bytes, 1..100 lost, the client SACKs the rest */
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 1, 1000, 200)),
			 NS_ACCEPT);
	assert_int_equal(feed(0, seg_opts(0, TH_ACK, CISN + 1, SISN + 1, 1000,
					  0, (struct opts){ sack, 12 })),
			 NS_ACCEPT);
	/* a SACK edge past what the server sent: over the bound */
	r = htonl(SISN + 301);
	memcpy(sack + 8, &r, 4);
	assert_int_equal(feed(0, seg_opts(0, TH_ACK, CISN + 1, SISN + 1, 1000,
					  0, (struct opts){ sack, 12 })), -1);
	assert_non_null(strstr(why, "ACK is over upper bound"));
}

static void test_retrans(void **s)
{
	(void)s;
	handshake();
	/* the client's data and the same segment again and again */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 1,
					     1000, 0)), NS_ACCEPT);
		assert_int_equal(ct->proto.tcp.retrans, i ? i : 0);
		assert_int_equal(left(), 432000);
		(void)0;
	}
	assert_int_equal(ct->proto.tcp.retrans, 2);
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 1, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(ct->proto.tcp.retrans, 3);
	assert_int_equal(left(), 300);
	/* something new: count reset */
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 1, 999, 0)),
			 NS_ACCEPT);
	assert_int_equal(ct->proto.tcp.retrans, 0);
	assert_int_equal(left(), 432000);
}

static void test_zero_window(void **s)
{
	(void)s;
	handshake();
	/* the last ACK advertised a zero window: the retrans timeout */
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 1, 0, 0)),
			 NS_ACCEPT);
	assert_int_equal(left(), 300);
}

static void test_simultaneous_open(void **s)
{
	(void)s;
	conn_reset();
	assert_int_equal(feed(0, seg(0, TH_SYN, CISN, 0, 1000, 0)), NS_ACCEPT);
	assert_int_equal(feed(1, seg(1, TH_SYN, SISN, 0, 1000, 0)), NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_SYN_SENT2);
	assert_int_equal(left(), 120);
	assert_int_equal(feed(0, seg(0, TH_SYN | TH_ACK, CISN, SISN + 1, 1000,
				     0)), NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_SYN_RECV);
	/* the server's SYN/ACK: ignored in SYN_RECV */
	assert_int_equal(feed(1, seg(1, TH_SYN | TH_ACK, SISN, CISN + 1, 1000,
				     0)), NS_ACCEPT);
	assert_string_equal(why, "packet (index 1) in dir 1 ignored, state "
				 "SYN_RECV");
	assert_int_equal(state(), CT_TCP_SYN_RECV);
	/* the reply's ACK completes a simultaneous open */
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 1, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_ESTABLISHED);
	/* SEEN_REPLY since the server's SYN: assured at once */
	assert_true(assured());
	assert_int_equal(left(), 432000);
}

static void test_invalid_state(void **s)
{
	(void)s;
	conn_reset();
	assert_int_equal(feed(0, seg(0, TH_SYN, CISN, 0, 1000, 0)), NS_ACCEPT);
	/* ACK from the client before any SYN/ACK */
	assert_int_equal(feed(0, seg(0, TH_ACK, CISN + 1, 1, 1000, 0)), -1);
	assert_string_equal(why, "packet (index 3) in dir 0 invalid, state "
				 "SYN_SENT");
	/* a server ACK in SYN_SENT: ignored (half-open?) */
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN, CISN + 1, 1000, 0)),
			 NS_ACCEPT);
	assert_string_equal(why, "packet (index 3) in dir 1 ignored, state "
				 "SYN_SENT");
	assert_int_equal(state(), CT_TCP_SYN_SENT);
}

static void test_ignored_syn_resync(void **s)
{
	(void)s;
	handshake();
	/* the client restarts: new SYN on an established entry, ignored */
	assert_int_equal(feed(0, seg_opts(0, TH_SYN, 77777, 0, 2000, 0,
					  (struct opts){ opt_ws7, 4 })),
			 NS_ACCEPT);
	assert_string_equal(why, "packet (index 0) in dir 0 ignored, state "
				 "ESTABLISHED");
	assert_int_equal(state(), CT_TCP_ESTABLISHED);
	/* the server accepts it: we follow */
	assert_int_equal(feed(1, seg_opts(1, TH_SYN | TH_ACK, 999, 77778, 3000,
					  0, (struct opts){ opt_ws7, 4 })),
			 NS_ACCEPT);
	assert_null(why);
	assert_int_equal(state(), CT_TCP_SYN_RECV);
	assert_int_equal(ct->proto.tcp.seen[0].td_end, 77778);
	assert_int_equal(ct->proto.tcp.seen[0].td_scale, 7);
	assert_int_equal(ct->proto.tcp.seen[1].td_scale, 7);
	assert_int_equal(feed(0, seg(0, TH_ACK, 77778, 1000, 2000, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_ESTABLISHED);
}

static void test_challenge_ack(void **s)
{
	(void)s;
	handshake();
	assert_int_equal(feed(1, seg(1, TH_FIN | TH_ACK, SISN + 1, CISN + 1,
				     1000, 0)), NS_ACCEPT);
	assert_int_equal(feed(0, seg(0, TH_FIN | TH_ACK, CISN + 1, SISN + 2,
				     1000, 0)), NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_LAST_ACK);
	/* a SYN in LAST_ACK: ignored; the server's ACK to it is a challenge */
	assert_int_equal(feed(0, seg(0, TH_SYN, 123456, 0, 1000, 0)),
			 NS_ACCEPT);
	assert_string_equal(why, "packet (index 0) in dir 0 ignored, state "
				 "LAST_ACK");
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 2, CISN + 2, 1000, 0)),
			 NS_ACCEPT);
	assert_string_equal(why, "challenge-ack ignored");
	assert_int_equal(state(), CT_TCP_LAST_ACK);
}

static void test_close_resync(void **s)
{
	(void)s;
	handshake();
	assert_int_equal(feed(1, seg(1, TH_RST, SISN + 1, 0, 0, 0)), NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_CLOSE);
	assert_int_equal(left(), 10);
	/* the client's SYN: the server closed, not it: no reopening */
	assert_int_equal(feed(0, seg(0, TH_SYN, 90000, 0, 1000, 0)), NS_ACCEPT);
	assert_string_equal(why, "packet (index 0) in dir 0 ignored, state "
				 "CLOSE");
	assert_int_equal(state(), CT_TCP_CLOSE);
	assert_int_equal(left(), 10);
	/* the server takes it: resynchronised */
	assert_int_equal(feed(1, seg(1, TH_SYN | TH_ACK, 777, 90001, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_SYN_RECV);
	assert_int_equal(left(), 60);
	assert_int_equal(feed(0, seg(0, TH_ACK, 90001, 778, 1000, 0)),
			 NS_ACCEPT);
	assert_int_equal(state(), CT_TCP_ESTABLISHED);
	assert_int_equal(left(), 432000);
}

static void test_lowered_timeout(void **s)
{
	(void)s;
	handshake();
	/* an out-of-window FIN, then an out-of-window RST from the other end */
	assert_int_equal(feed(0, seg(0, TH_FIN | TH_ACK, CISN + 100000,
				     SISN + 1, 1000, 0)), -1);
	assert_int_equal(left(), 432000);
	assert_int_equal(feed(1, seg(1, TH_RST, SISN + 100000, 0, 0, 0)), -1);
	assert_non_null(strstr(why, "SEQ is over upper bound"));
	assert_int_equal(state(), CT_TCP_ESTABLISHED);
	assert_int_equal(left(), 300);
}

static void test_errors(void **s)
{
	struct pkt *p;

	(void)s;
	handshake();
	/* SYN+FIN, and no flags at all */
	assert_int_equal(feed(0, seg(0, TH_SYN | TH_FIN, CISN + 1, 0, 1000, 0)),
			 -1);
	assert_string_equal(why, "invalid tcp flag combination");
	assert_int_equal(feed(0, seg(0, 0, CISN + 1, 0, 1000, 0)), -1);
	assert_string_equal(why, "invalid tcp flag combination");
	/* PSH/ECE/CWR do not count; URG with ACK is fine */
	assert_int_equal(feed(0, seg(0, TH_ACK | TH_URG | 0xc8, CISN + 1,
				     SISN + 1, 1000, 0)), NS_ACCEPT);

	/* data offset below 5, or past the packet's end */
	p = seg(0, TH_ACK, CISN + 1, SISN + 1, 1000, 0);
	pkt_l4(p)[12] = 4 << 4;
	assert_int_equal(feed(0, p), -1);
	assert_string_equal(why, "truncated packet");
	p = seg(0, TH_ACK, CISN + 1, SISN + 1, 1000, 4);
	pkt_l4(p)[12] = 15 << 4;
	assert_int_equal(feed(0, p), -1);
	assert_string_equal(why, "truncated packet");
	/* fewer than 20 bytes: no header, nothing logged */
	p = seg(0, TH_ACK, CISN + 1, SISN + 1, 1000, 0);
	p->l4_len = 19;
	assert_int_equal(feed(0, p), -1);
	assert_null(why);

	/* a bad checksum from outside */
	p = seg(0, TH_ACK, CISN + 1, SISN + 1, 1000, 0);
	pkt_l4(p)[16] ^= 0x55;
	assert_int_equal(feed(0, p), -1);
	assert_string_equal(why, "bad checksum");
	/* ... not checked when generated here, partial, or sysctl off */
	p->local_out = true;
	assert_int_equal(feed(0, p), NS_ACCEPT);
	p->local_out = false;
	p->csum_partial = true;
	assert_int_equal(feed(0, p), NS_ACCEPT);
	p->csum_partial = false;
	sysctl->checksum = 0;
	assert_int_equal(feed(0, p), NS_ACCEPT);
	sysctl->checksum = 1;
	/* and for a new entry: .new refuses it */
	conn_reset();
	p = seg(0, TH_SYN, CISN, 0, 1000, 0);
	pkt_l4(p)[16] ^= 0x55;
	assert_int_equal(feed(0, p), REFUSED);
	assert_string_equal(why, "bad checksum");
}

static void test_seqadj(void **s)
{
	(void)s;
	handshake();
	/* NAT made the client's data 10 bytes longer on the way */
	assert_non_null(ct_help_attach(ct_net(net), ct));
	assert_int_equal(ct_seqadj_init(net, ct, CT_NEW, 10), 0);
	assert_int_equal(feed(0, seg(0, TH_ACK | TH_PSH, CISN + 1, SISN + 1,
				     1000, 100)), NS_ACCEPT);
	/* the server acks 110 bytes: right, after the offset */
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 111, 1000, 0)),
			 NS_ACCEPT);
	assert_null(why);
	assert_int_equal(left(), 432000);
	/* acking 120 is beyond what was sent */
	assert_int_equal(feed(1, seg(1, TH_ACK, SISN + 1, CISN + 121, 1000, 0)),
			 -1);
	assert_non_null(strstr(why, "ACK is over upper bound"));
}

static void test_set_closing(void **s)
{
	(void)s;
	handshake();
	tick(10);
	atomic_store(&net->now_ns, now);
	ct_tcp_set_closing(net, ct);
	assert_int_equal(state(), CT_TCP_CLOSE);
	assert_int_equal(left(), 10);
	/* CLOSE already: nothing changes */
	atomic_store(&ct->timeout, now + 77 * NSEC);
	ct_tcp_set_closing(net, ct);
	assert_int_equal(left(), 77);
	/* an unconfirmed entry: untouched */
	conn_reset();
	ct_tcp_set_closing(net, ct);
	assert_int_equal(state(), CT_TCP_NONE);
}

static void test_tuple_print(void **s)
{
	struct sbuf sb = SBUF_INIT;
	struct ct_tuple t = { 0 }, r = { 0 };

	(void)s;
	assert_true(ct_proto_tcp.pkt_to_tuple(seg(0, TH_SYN, 1, 0, 1, 0), &t));
	assert_int_equal(ntohs(t.sport), CPORT);
	assert_int_equal(ntohs(t.dport), SPORT);
	assert_true(ct_proto_tcp.invert(&r, &t));
	assert_int_equal(ntohs(r.sport), SPORT);
	assert_int_equal(ntohs(r.dport), CPORT);
	pkt.l4_len = 3;
	assert_false(ct_proto_tcp.pkt_to_tuple(&pkt, &t));

	handshake();
	ct_proto_tcp.print(ct, &sb);
	assert_string_equal(sbuf_str(&sb), " ESTABLISHED");
	sbuf_free(&sb);
	assert_string_equal(ct_proto_tcp.name, "tcp");
	assert_int_equal(ct_proto_tcp.proto, 6);
}

/*
 * Through the stack: a router (ra 10.1.0.1, rb 10.2.0.1) forwarding
 * between the client and the server, the tracker called by the core's
 * hooks; a FORWARD hook records what tracking made of each packet.
 */
static struct netdev *ra, *rb;
static int seen_ctinfo;
static struct ct_conn *seen_ct;

static unsigned int spy(void *priv, struct pkt *p,
			const struct ns_hook_state *st)
{
	(void)priv, (void)st;
	seen_ctinfo = p->ctinfo;
	seen_ct = p->ct;
	return NS_ACCEPT;
}

static const struct ns_hook_ops spy_ops = {
	.hook = spy, .pf = NS_PF_INET, .hooknum = NS_INET_FORWARD,
	.priority = NS_IP_PRI_FILTER,
};

static int stack_setup(void **state)
{
	static const char *const cmds[] = {
		"ip link set ra address 02:00:00:00:00:01",
		"ip link set rb address 02:00:00:00:00:02",
		"ip link set ra up", "ip link set rb up",
		"ip addr add 10.1.0.1/24 dev ra",
		"ip addr add 10.2.0.1/24 dev rb",
		"ip neigh add 10.2.0.2 lladdr 02:00:00:00:02:02 dev rb nud "
		"permanent",
		"ip neigh add 10.1.0.2 lladdr 02:00:00:00:01:02 dev ra nud "
		"permanent",
		"sysctl -w net.ipv4.ip_forward=1",
	};

	(void)state;
	assert_int_equal(ns_net_create(&net), 0);
	assert_int_equal(stack_dev_create(net, "ra", &cap_ops, "", &ra), 0);
	assert_int_equal(stack_dev_create(net, "rb", &cap_ops, "", &rb), 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_int_equal(run(net, cmds[i], NULL), 0);
	assert_int_equal(ct_net_enable(net), 0);
	assert_int_equal(ns_hook_register(net, &spy_ops), 0);
	sysctl = ct_sysctl(net);
	return 0;
}

static int stack_teardown(void **state)
{
	(void)state;
	ns_net_destroy(net);
	net = NULL;
	return 0;
}

/* A segment in on ra (client) or rb (server); returns frames forwarded. */
static int inject(enum ct_dir dir, uint8_t flags, uint32_t seq, uint32_t ack,
		  unsigned paylen)
{
	static const uint8_t mac_ra[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t mac_rb[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t mac_c[6] = { 2, 0, 0, 0, 1, 2 };
	static const uint8_t mac_s[6] = { 2, 0, 0, 0, 2, 2 };
	struct frame f;

	eth_put(&f, dir ? mac_rb : mac_ra, dir ? mac_s : mac_c, 0x0800);
	f.len += build(f.b + 14, dir, flags, seq, ack, 1000, paylen,
		       (struct opts){ NULL, 0 });
	cap_reset();
	seen_ctinfo = -1;
	seen_ct = NULL;
	now += NSEC / 10;
	ns_inject(net, dir ? "rb" : "ra", f.b, f.len, now);
	return ncap;
}

static struct ct_conn *lookup(void)
{
	struct ct_tuple t = {
		.src = ns_addr4(htonl(CLIENT)), .dst = ns_addr4(htonl(SERVER)),
		.sport = htons(CPORT), .dport = htons(SPORT), .proto = 6 };
	struct ct_conn *c;

	ns_rcu_reader_enter();
	c = ct_find(net, &t, 0, NULL);
	ns_rcu_reader_leave();
	return c;
}

static void test_stack_handshake(void **s)
{
	struct ct_conn *c;

	(void)s;
	assert_int_equal(inject(0, TH_SYN, CISN, 0, 0), 1);
	assert_int_equal(seen_ctinfo, CT_NEW);
	c = lookup();
	assert_non_null(c);
	assert_ptr_equal(c, seen_ct);
	assert_int_equal(c->proto.tcp.state, CT_TCP_SYN_SENT);
	assert_int_equal(inject(1, TH_SYN | TH_ACK, SISN, CISN + 1, 0), 1);
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED_REPLY);
	assert_int_equal(c->proto.tcp.state, CT_TCP_SYN_RECV);
	assert_true(ct_status(c) & CT_S_SEEN_REPLY);
	assert_false(ct_status(c) & CT_S_ASSURED);
	assert_int_equal(inject(0, TH_ACK, CISN + 1, SISN + 1, 0), 1);
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED);
	assert_int_equal(c->proto.tcp.state, CT_TCP_ESTABLISHED);
	assert_true(ct_status(c) & CT_S_ASSURED);
	assert_int_equal(ct_seconds_left(c, now), 432000);

	/* out of window: INVALID, forwarded without an entry */
	assert_int_equal(inject(0, TH_ACK, CISN + 90000, SISN + 1, 10), 1);
	assert_int_equal(seen_ctinfo, CT_NONE);
	assert_null(seen_ct);
	assert_int_equal(ct_count(net), 1);

	/* FIN teardown to TIME_WAIT, then a SYN starts a new entry */
	assert_int_equal(inject(0, TH_FIN | TH_ACK, CISN + 1, SISN + 1, 0), 1);
	assert_int_equal(inject(1, TH_FIN | TH_ACK, SISN + 1, CISN + 2, 0), 1);
	assert_int_equal(inject(0, TH_ACK, CISN + 2, SISN + 2, 0), 1);
	assert_int_equal(c->proto.tcp.state, CT_TCP_TIME_WAIT);
	assert_int_equal(inject(0, TH_SYN, CISN + 100000, 0, 0), 1);
	assert_int_equal(seen_ctinfo, CT_NEW);
	assert_non_null(seen_ct);
	assert_ptr_not_equal(seen_ct, c);
	c = lookup();
	assert_ptr_equal(c, seen_ct);
	assert_int_equal(c->proto.tcp.state, CT_TCP_SYN_SENT);
	assert_false(ct_status(c) & CT_S_ASSURED);
	assert_int_equal(ct_count(net), 1);
}

static void test_stack_events(void **s)
{
	/* conntrack -E in the kernel for the same segments */
	static const struct {
		enum ct_event type;
		uint8_t state;
		bool assured;
	} want[] = {
		{ CT_EV_NEW, CT_TCP_SYN_SENT, false },
		{ CT_EV_UPDATE, CT_TCP_SYN_RECV, false },
		{ CT_EV_UPDATE, CT_TCP_ESTABLISHED, true },
		{ CT_EV_UPDATE, CT_TCP_FIN_WAIT, true },
		{ CT_EV_UPDATE, CT_TCP_CLOSE_WAIT, true },
		{ CT_EV_UPDATE, CT_TCP_LAST_ACK, true },
		{ CT_EV_UPDATE, CT_TCP_TIME_WAIT, true },
		{ CT_EV_DESTROY, CT_TCP_TIME_WAIT, true },
		{ CT_EV_NEW, CT_TCP_SYN_SENT, false },
	};
	struct ct_event_rec rec[16];
	uint64_t cur, lost;
	unsigned n;

	(void)s;
	assert_int_equal(ct_event_subscribe(net, &cur), 0);
	inject(0, TH_SYN, CISN, 0, 0);
	inject(1, TH_SYN | TH_ACK, SISN, CISN + 1, 0);
	inject(0, TH_ACK, CISN + 1, SISN + 1, 0);
	inject(0, TH_ACK | TH_PSH, CISN + 1, SISN + 1, 100);
	inject(1, TH_ACK, SISN + 1, CISN + 101, 0);
	inject(0, TH_FIN | TH_ACK, CISN + 101, SISN + 1, 0);
	inject(1, TH_ACK, SISN + 1, CISN + 102, 0);
	inject(1, TH_FIN | TH_ACK, SISN + 1, CISN + 102, 0);
	inject(0, TH_ACK, CISN + 102, SISN + 2, 0);
	inject(0, TH_SYN, CISN + 99999, 0, 0);
	n = ct_event_read(net, &cur, rec, 16, &lost);
	assert_int_equal(lost, 0);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(rec[i].type, want[i].type);
		assert_int_equal(rec[i].snap.tcp_state, want[i].state);
		assert_int_equal(!!(rec[i].snap.status & CT_S_ASSURED),
				 want[i].assured);
	}
	ct_event_unsubscribe(net);
}

static void test_stack_refused(void **s)
{
	(void)s;
	assert_int_equal(inject(0, TH_SYN, CISN, 0, 0), 1);
	assert_non_null(lookup());
	/* the server refuses: the entry goes at once */
	assert_int_equal(inject(1, TH_RST | TH_ACK, 0, CISN + 1, 0), 1);
	assert_null(lookup());
	assert_int_equal(ct_count(net), 0);
	/* a SYN/ACK nobody asked for: INVALID, no entry */
	assert_int_equal(inject(1, TH_SYN | TH_ACK, SISN, CISN + 1, 0), 1);
	assert_int_equal(seen_ctinfo, CT_NONE);
	assert_int_equal(ct_count(net), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_handshake),
		T(test_data_in_window),
		T(test_out_of_window),
		T(test_be_liberal),
		T(test_fin_teardown),
		T(test_fin_both_at_once),
		T(test_rst),
		T(test_rst_out_of_window),
		T(test_rst_refused),
		T(test_new),
		T(test_loose_pickup),
		T(test_window_scale),
		T(test_sack),
		T(test_retrans),
		T(test_zero_window),
		T(test_simultaneous_open),
		T(test_invalid_state),
		T(test_ignored_syn_resync),
		T(test_challenge_ack),
		T(test_close_resync),
		T(test_lowered_timeout),
		T(test_errors),
		T(test_seqadj),
		T(test_set_closing),
		T(test_tuple_print),
	};
	const struct CMUnitTest stack[] = {
		cmocka_unit_test_setup_teardown(test_stack_handshake,
						stack_setup, stack_teardown),
		cmocka_unit_test_setup_teardown(test_stack_events,
						stack_setup, stack_teardown),
		cmocka_unit_test_setup_teardown(test_stack_refused,
						stack_setup, stack_teardown),
	};

	return cmocka_run_group_tests_name("tracker", tests, NULL, NULL) |
	       cmocka_run_group_tests_name("stack", stack, NULL, NULL);
}
