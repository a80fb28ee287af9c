// SPDX-License-Identifier: MIT
/*
 * AUDIT target: rule text in, iptables-save/-L text out (recorded from
 * iptables-legacy 1.8.9), messages, libxt_AUDIT.t's lines; the record it
 * writes into the net's log sink (the kernel's NETFILTER_PKT text as
 * printk shows it: "audit: type=1325 audit(SEC.MSEC:SERIAL): mark=0x..
 * saddr=.. daddr=.. proto=..", level notice, serial counting up, the
 * "?" form for a packet without an IPv4 header) while the packet goes
 * on; and end to end, a frame injected on an interface with
 * "iptables -A INPUT -j AUDIT" in place.
 */
#include "tg_harness.h"

#include <stdatomic.h>

#include "core/net.h"
#include "core/netdev.h"
#include "io/io.h"
#include "stack/conf.h"
#include "stack/stack.h"

#define F "filter", "INPUT"

static void test_save_print(void **state)
{
	tg_ok(F, "-j AUDIT --type accept", "-j AUDIT --type accept",
	      " AUDIT accept", " AUDIT accept");
	tg_ok(F, "-j AUDIT --type drop", "-j AUDIT --type drop",
	      " AUDIT drop", " AUDIT drop");
	tg_ok(F, "-j AUDIT --type reject", "-j AUDIT --type reject",
	      " AUDIT reject", NULL);
	tg_ok(F, "-j AUDIT --type DROP", "-j AUDIT --type drop", NULL, NULL);
	tg_ok(F, "-j AUDIT --type ReJeCt", "-j AUDIT --type reject", NULL,
	      NULL);
	tg_ok("raw", "PREROUTING", "-j AUDIT --type accept", NULL, NULL,
	      NULL);
	tg_ok("mangle", "POSTROUTING", "-p tcp -j AUDIT --type drop",
	      "-p tcp -j AUDIT --type drop", NULL, NULL);
}

static void test_errors(void **state)
{
	tg_fail(F, "-j AUDIT", 2,
		"AUDIT: option \"--type\" must be specified\n");
	tg_fail(F, "-j AUDIT --type wrong", 2,
		"Bad action type value \"wrong\"");
	tg_fail(F, "-j AUDIT --type ''", 2, "Bad action type value \"\"");
	tg_fail(F, "-j AUDIT --type accepted", 2,
		"Bad action type value \"accepted\"");
	tg_fail(F, "-j AUDIT --type drop --type drop", 2,
		"AUDIT: option \"--type\" can only be used once.\n");
	tg_fail(F, "-j AUDIT ! --type drop", 2,
		"AUDIT: option \"--type\" cannot be inverted.\n");
	tg_fail(F, "-j AUDIT --type", 2,
		"option \"--type\" requires an argument");
}

struct captured {
	int n;
	int level;
	char line[512];
};

static void capture(void *priv, int level, const char *line)
{
	struct captured *c = priv;

	c->n++;
	c->level = level;
	snprintf(c->line, sizeof(c->line), "%s", line);
}

static void test_record(void **state)
{
	static struct pkt pkt;
	uint8_t udp[8] = { 0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0 };
	struct captured cap = { 0 };
	struct xt_action act;
	struct tg_res r;
	struct net *net;

	assert_int_equal(ns_net_create(&net), 0);
	net->log.write = capture;
	net->log.priv = &cap;
	atomic_store(&net->now_ns, 1700000000123456789ull);
	assert_int_equal(tg_run(F, "-j AUDIT --type drop", &r), 0);
	memset(&act, 0, sizeof(act));
	act.net = net;
	act.hook = NS_INET_LOCAL_IN;

	tg_ip_pkt(&pkt, 0, 64, 17, udp, sizeof(udp));
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.level, 5);
	assert_string_equal(cap.line, "audit: type=1325 "
			    "audit(1700000000.123:1): mark=0x0 "
			    "saddr=10.0.0.1 daddr=10.0.0.2 proto=17");

	/* The mark in hex, the serial counting, the packet untouched. */
	pkt.mark = 0x1f00;
	pkt.data[9] = 6;
	atomic_store(&net->now_ns, 1700000001999000000ull);
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	assert_string_equal(cap.line, "audit: type=1325 "
			    "audit(1700000001.999:2): mark=0x1f00 "
			    "saddr=10.0.0.1 daddr=10.0.0.2 proto=6");
	assert_int_equal(pkt.mark, 0x1f00);

	/* No IPv4 header to read. */
	pkt.len = 12;
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	assert_string_equal(cap.line, "audit: type=1325 "
			    "audit(1700000001.999:3): mark=0x1f00 "
			    "saddr=? daddr=? proto=-1");

	/* No sink: nothing written, no serial used. */
	net->log.write = NULL;
	pkt.len = 28;
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	net->log.write = capture;
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	assert_int_equal(cap.n, 4);
	assert_string_equal(cap.line + strlen("audit: type=1325 "
					      "audit(1700000001.999:"), "4): "
			    "mark=0x1f00 saddr=10.0.0.1 daddr=10.0.0.2 "
			    "proto=6");
	ns_net_destroy(net);
}

static int null_open(struct netdev *dev, const char *arg, int nqueues)
{
	return 0;
}

static int null_tx(struct netdev *dev, const struct pkt *pkt)
{
	return 0;
}

static const struct io_ops null_io = {
	.kind = "tgauditnull",
	.open = null_open,
	.tx = null_tx,
};

/* A UDP datagram from 10.9.0.2 to us, injected on eth0 at 5.25 s. */
static void test_stack(void **state)
{
	static const uint8_t ip[28] = {
		0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, 17, 0, 0,
		10, 9, 0, 2, 10, 9, 0, 1,
		0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0,
	};
	uint8_t frame[14 + 28];
	struct captured c = { 0 };
	struct netdev *dev;
	struct net *net;
	char *out = NULL;
	uint16_t sum;

	assert_int_equal(ns_net_create(&net), 0);
	net->log.write = capture;
	net->log.priv = &c;
	assert_int_equal(stack_dev_create(net, "eth0", &null_io, "", &dev),
			 0);
	assert_int_equal(ns_exec(net, "ip link set eth0 up", NULL, NULL), 0);
	assert_int_equal(ns_exec(net, "ip addr add 10.9.0.1/24 dev eth0",
				 NULL, NULL), 0);
	assert_int_equal(ns_exec(net, "iptables -t mangle -A INPUT -j MARK "
				 "--set-mark 0x2a", NULL, NULL), 0);
	assert_int_equal(ns_exec(net, "iptables -A INPUT -p udp -j AUDIT "
				 "--type accept", NULL, NULL), 0);
	dev = net_dev_by_name(net, "eth0");
	memcpy(frame, dev->mac, 6);
	memcpy(frame + 6, "\x02\x00\x00\x00\x00\x02\x08\x00", 8);
	memcpy(frame + 14, ip, sizeof(ip));
	sum = ip_fast_csum(frame + 14, 5);
	memcpy(frame + 24, &sum, 2);
	assert_int_equal(ns_inject(net, "eth0", frame, sizeof(frame),
				   5250000000ull), 0);
	/* Also the port unreachable that follows is no AUDIT matter. */
	assert_true(c.n >= 1);
	assert_string_equal(c.line, "audit: type=1325 audit(5.250:1): "
			    "mark=0x2a saddr=10.9.0.2 daddr=10.9.0.1 "
			    "proto=17");
	assert_int_equal(ns_exec(net, "iptables -L INPUT -v -n", &out, NULL),
			 0);
	assert_non_null(strstr(out, "    1    28 AUDIT      17   --  *      "
			       "*       0.0.0.0/0            0.0.0.0/0       "
			       "     AUDIT accept\n"));
	free(out);
	ns_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_stack),
	};

	return cmocka_run_group_tests_name("target_audit", tests, NULL, NULL);
}
