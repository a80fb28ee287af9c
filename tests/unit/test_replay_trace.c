// SPDX-License-Identifier: MIT
/*
 * The replay trace collector and renderers (tools/replay_trace.c), fed with
 * synthetic trace events: steps in kernel TRACE notation, drops attributed
 * to the rule right before them, replies grouped under their cause, JSON,
 * and the one-line packet summaries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

/* Tool code, not in the library: compile it into this test. */
#include "tools/replay_trace.c"

static const uint8_t echo_req[] = {
	/* Ethernet */
	0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 1, 2, 0x08, 0x00,
	/* IPv4 10.0.1.2 > 10.0.2.2 ICMP */
	0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 1, 2, 10, 0, 2, 2,
	/* ICMP echo request */
	8, 0, 0, 0, 0x12, 0x34, 0, 1,
};

static const uint8_t echo_rep_ip[] = {
	0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 1, 1, 10, 0, 1, 2,
	0, 0, 0, 0, 0x12, 0x34, 0, 1,
};

static void ev(struct ns_trace_sink *s, const struct pkt *p,
	       enum trace_kind kind, const char *table, const char *chain,
	       unsigned n)
{
	struct trace_event e = {
		.kind = kind, .table = table, .chain = chain, .rulenum = n,
		/* As the xt core reports them: policies here accept, rules
		 * drop, a return has no verdict. */
		.verdict = kind == TRACE_POLICY ? NS_ACCEPT :
			   kind == TRACE_RULE ? NS_DROP : TRACE_NO_VERDICT,
	};

	/* No generation (pkt->xt_gen NULL): no rule text. */
	s->event(s->priv, p, &e);
}

static void fate(struct ns_trace_sink *s, const struct pkt *p,
		 enum pkt_fate f, enum drop_reason r, const char *ifname)
{
	struct trace_event e = {
		.kind = TRACE_FATE, .fate = f, .reason = r, .ifname = ifname,
	};

	s->event(s->priv, p, &e);
}

/* A collector writing into memory; finish() returns the text. */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static struct rt_trace *mem_trace(struct mem *m, size_t n, bool json)
{
	struct rt_trace *t;

	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
	assert_int_equal(rt_trace_create(n, m->f, json, &t), 0);
	return t;
}

static char *finish(struct rt_trace *t, struct mem *m)
{
	assert_int_equal(rt_trace_finish(t), 0);
	rt_trace_destroy(t);
	fclose(m->f);
	return m->buf;
}

static struct pkt in_pkt, gen_pkt;

static void setup_pkts(uint32_t id)
{
	memset(&in_pkt, 0, sizeof(in_pkt));
	in_pkt.id = id;
	memset(&gen_pkt, 0, sizeof(gen_pkt));
	gen_pkt.id = id;
	gen_pkt.local_out = true;
	gen_pkt.data = gen_pkt.buf + PKT_HEADROOM;
	memcpy(gen_pkt.data, echo_rep_ip, sizeof(echo_rep_ip));
	gen_pkt.len = sizeof(echo_rep_ip);
	gen_pkt.has_l2 = false;
}

static void feed_drops(struct rt_trace *t)
{
	struct ns_trace_sink sink = { 0 };

	rt_trace_sink(t, &sink);
	assert_true(sink.all);
	assert_int_equal(rt_trace_begin(t, 1, "eth0", 5, echo_req,
					sizeof(echo_req), RT_LINK_ETH), 0);
	setup_pkts(1);
	ev(&sink, &in_pkt, TRACE_POLICY, "raw", "PREROUTING", 1);
	ev(&sink, &in_pkt, TRACE_RULE, "filter", "FORWARD", 2);
	fate(&sink, &in_pkt, FATE_DROPPED, DROP_NETFILTER_DROP, NULL);

	/* A drop after a RETURN names no rule. */
	assert_int_equal(rt_trace_begin(t, 2, "eth1", 6, echo_req,
					sizeof(echo_req), RT_LINK_ETH), 0);
	setup_pkts(2);
	ev(&sink, &in_pkt, TRACE_RETURN, "filter", "sub", 3);
	fate(&sink, &in_pkt, FATE_DROPPED, DROP_NETFILTER_DROP, NULL);

	assert_int_equal(rt_trace_begin(t, 3, "eth0", 7, echo_req,
					sizeof(echo_req), RT_LINK_ETH), 0);
	setup_pkts(3);
	fate(&sink, &in_pkt, FATE_DROPPED, DROP_IP_CSUM, NULL);
	assert_int_equal(rt_trace_begin(t, 4, "eth0", 7, echo_req,
					sizeof(echo_req), RT_LINK_ETH),
			 -ERANGE);
}

static void test_drop_by_rule(void **state)
{
	struct mem m;
	struct rt_trace *t;
	char *out;

	(void)state;
	t = mem_trace(&m, 3, false);
	feed_drops(t);
	out = finish(t, &m);
	assert_string_equal(out,
		"pkt 1 eth0 10.0.1.2 > 10.0.2.2 ICMP echo-request\n"
		"  raw:PREROUTING:policy:1: ACCEPT\n"
		"  filter:FORWARD:rule:2: DROP\n"
		"  -> dropped by filter:FORWARD:rule:2\n"
		"pkt 2 eth1 10.0.1.2 > 10.0.2.2 ICMP echo-request\n"
		"  filter:sub:return:3\n"
		"  -> dropped: NETFILTER_DROP (dropped by a hook)\n"
		"pkt 3 eth0 10.0.1.2 > 10.0.2.2 ICMP echo-request\n"
		"  -> dropped: IP_CSUM (bad IP header checksum)\n");
	free(out);

	t = mem_trace(&m, 3, true);
	feed_drops(t);
	out = finish(t, &m);
	assert_non_null(strstr(out,
		"{\"pkt\":1,\"ts_ns\":5,\"in\":\"eth0\",\"len\":42,"
		"\"summary\":\"10.0.1.2 > 10.0.2.2 ICMP echo-request\","
		"\"steps\":[{\"table\":\"raw\",\"chain\":\"PREROUTING\","
		"\"type\":\"policy\",\"rulenum\":1,\"verdict\":\"ACCEPT\"},"
		"{\"table\":\"filter\",\"chain\":\"FORWARD\",\"type\":\"rule\","
		"\"rulenum\":2,\"verdict\":\"DROP\"}],"
		"\"fates\":[{\"fate\":\"dropped\",\"reason\":\"NETFILTER_DROP\","
		"\"desc\":\"dropped by a hook\",\"by\":\"filter:FORWARD:rule:2\"}],"
		"\"replies\":[]}\n"));
	assert_null(strstr(out, "\"by\":\"filter:sub"));
	free(out);
}

static void feed_reply(struct rt_trace *t)
{
	struct ns_trace_sink sink = { 0 };

	rt_trace_sink(t, &sink);
	assert_int_equal(rt_trace_begin(t, 1, "eth0", 9, echo_req,
					sizeof(echo_req), RT_LINK_ETH), 0);
	setup_pkts(1);
	ev(&sink, &in_pkt, TRACE_POLICY, "filter", "INPUT", 1);
	/* The reply goes out before the request's fate is reported. */
	ev(&sink, &gen_pkt, TRACE_POLICY, "filter", "OUTPUT", 1);
	fate(&sink, &gen_pkt, FATE_SENT, 0, "eth0");
	fate(&sink, &in_pkt, FATE_ANSWERED, 0, NULL);
	/* Events of a packet with an unknown id are kept apart. */
	in_pkt.id = 42;
	fate(&sink, &in_pkt, FATE_DROPPED, DROP_NEIGH_FAILED, NULL);
}

static void test_reply_grouped(void **state)
{
	struct mem m;
	struct rt_trace *t;
	char *out;

	(void)state;
	t = mem_trace(&m, 1, false);
	feed_reply(t);
	out = finish(t, &m);
	assert_string_equal(out,
		"pkt 1 eth0 10.0.1.2 > 10.0.2.2 ICMP echo-request\n"
		"  filter:INPUT:policy:1: ACCEPT\n"
		"  -> answered (echo reply out eth0)\n"
		"  reply 10.0.1.1 > 10.0.1.2 ICMP echo-reply\n"
		"    filter:OUTPUT:policy:1: ACCEPT\n"
		"    -> sent out eth0\n"
		"stack (events of no input packet)\n"
		"  -> dropped: NEIGH_FAILED (neighbour unreachable)\n");
	free(out);
	t = mem_trace(&m, 1, true);
	feed_reply(t);
	out = finish(t, &m);
	assert_non_null(strstr(out, "\"replies\":[{\"kind\":\"echo reply\","
				    "\"summary\":\"10.0.1.1 > 10.0.1.2 ICMP "
				    "echo-reply\",\"steps\":[{\"table\":"
				    "\"filter\",\"chain\":\"OUTPUT\",\"type\":"
				    "\"policy\",\"rulenum\":1,\"verdict\":\"ACCEPT\"}],"
		"\"fates\":"
				    "[{\"fate\":\"sent\",\"out\":\"eth0\"}]}]}"));
	assert_non_null(strstr(out, "{\"pkt\":0,"));
	free(out);
}

/*
 * Records are written as soon as they and every record before them are
 * settled: a packet waiting for its neighbour holds back the ones after
 * it, and its late fate still lands under it.
 */
static void test_streaming(void **state)
{
	struct ns_trace_sink sink = { 0 };
	static struct pkt p1, p2;
	struct mem m;
	struct rt_trace *t;
	char *out;

	(void)state;
	t = mem_trace(&m, 2, false);
	rt_trace_sink(t, &sink);
	p1.id = 1;
	p2.id = 2;
	assert_int_equal(rt_trace_begin(t, 1, "eth0", 1, echo_req,
					sizeof(echo_req), RT_LINK_ETH), 0);
	fate(&sink, &p1, FATE_QUEUED, 0, NULL);
	rt_trace_flush(t);
	fflush(m.f);
	assert_int_equal(m.len, 0);
	assert_int_equal(rt_trace_begin(t, 2, "eth1", 2, echo_req,
					sizeof(echo_req), RT_LINK_ETH), 0);
	fate(&sink, &p2, FATE_LOCAL, 0, NULL);
	fate(&sink, &p1, FATE_SENT, 0, "eth1");
	rt_trace_flush(t);
	fflush(m.f);
	assert_string_equal(m.buf,
		"pkt 1 eth0 10.0.1.2 > 10.0.2.2 ICMP echo-request\n"
		"  -> queued (waiting for the neighbour)\n"
		"  -> sent out eth1\n"
		"pkt 2 eth1 10.0.1.2 > 10.0.2.2 ICMP echo-request\n"
		"  -> delivered locally\n");
	/* After its record is written, an event goes to the catch-all. */
	fate(&sink, &p2, FATE_DROPPED, DROP_DEV_DOWN, NULL);
	out = finish(t, &m);
	assert_non_null(strstr(out, "stack (events of no input packet)\n"
				    "  -> dropped: DEV_DOWN (interface down)\n"));
	free(out);
}

static void test_summary(void **state)
{
	static const uint8_t tcp_syn[] = {
		0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 1, 2,
		10, 0, 2, 2, 0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0,
		0x50, 0x12, 0xfa, 0xf0, 0, 0, 0, 0,
	};
	static const uint8_t udp[] = {
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 1, 2,
		10, 0, 2, 2, 0x14, 0xe9, 0, 53, 0, 8, 0, 0,
	};
	static const uint8_t arp[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 1, 2, 0x08, 0x06,
		0, 1, 0x08, 0, 6, 4, 0, 1, 2, 0, 0, 0, 1, 2, 10, 0, 1, 2,
		0, 0, 0, 0, 0, 0, 10, 0, 1, 1,
	};
	static const uint8_t ttl[] = {
		0x45, 0, 0, 56, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 1, 1, 10, 0, 1, 2,
		11, 0, 0, 0, 0, 0, 0, 0,
	};
	char buf[192], kind[48];

	(void)state;
	rt_summary(tcp_syn, sizeof(tcp_syn), RT_LINK_IP, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.1.2:40000 > 10.0.2.2:80 TCP [SA]");
	rt_summary(udp, sizeof(udp), RT_LINK_IP, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.1.2:5353 > 10.0.2.2:53 UDP");
	rt_summary(arp, sizeof(arp), RT_LINK_ETH, buf, sizeof(buf));
	assert_string_equal(buf, "ARP who-has 10.0.1.1 tell 10.0.1.2");
	rt_summary(arp, 10, RT_LINK_ETH, buf, sizeof(buf));
	assert_string_equal(buf, "runt frame (10 bytes)");
	rt_summary(udp, 12, RT_LINK_IP, buf, sizeof(buf));
	assert_string_equal(buf, "IP (truncated header)");
	/* Total length beyond the capture. */
	rt_summary(ttl, 28, RT_LINK_IP, buf, sizeof(buf));
	assert_string_equal(buf,
		"10.0.1.1 > 10.0.1.2 ICMP ttl-zero-during-transit (truncated)");
	reply_kind(ttl, sizeof(ttl), kind, sizeof(kind));
	assert_string_equal(kind, "ICMP ttl-zero-during-transit");
	reply_kind(tcp_syn, sizeof(tcp_syn), kind, sizeof(kind));
	assert_string_equal(kind, "reply");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_by_rule),
		cmocka_unit_test(test_reply_grouped),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
