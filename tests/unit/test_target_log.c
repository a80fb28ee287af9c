// SPDX-License-Identifier: MIT
/*
 * LOG target and the kernel log line formatter. Rule text in,
 * iptables-save/-L text out (recorded from iptables-legacy 1.8.9),
 * messages, libipt_LOG.t; xt_log_format() against lines captured from the
 * Linux 6.18 kernel for the same frames (log_vectors.h: TCP with and
 * without options and sequence numbers, UDP, UDP-Lite, ICMP echo and
 * errors with the quoted packet, fragments, IP options, AH, ESP, other
 * protocols, truncated headers, the CE bit, MAC decoding, marks); and the
 * LOG target writing prefix + line at its level into a net's log sink.
 */
#include "tg_harness.h"

#include "core/net.h"
#include "stack/conf.h"
#include "io/io.h"
#include "stack/stack.h"
#include "core/netdev.h"
#include "xt/log.h"

#include "log_vectors.h"

#define F "filter", "INPUT"

static void test_save_print(void **state)
{
	tg_ok(F, "-j LOG", "-j LOG", " LOG level warn", " LOG flags 0 level 4");
	tg_ok(F, "-j LOG --log-level 0", "-j LOG --log-level 0",
	      " LOG level emerg", " LOG flags 0 level 0");
	tg_ok(F, "-j LOG --log-level 3", "-j LOG --log-level 3",
	      " LOG level err", NULL);
	tg_ok(F, "-j LOG --log-level 4", "-j LOG", " LOG level warn", NULL);
	tg_ok(F, "-j LOG --log-level 7", "-j LOG --log-level 7",
	      " LOG level debug", " LOG flags 0 level 7");
	tg_ok(F, "-j LOG --log-level emerg", "-j LOG --log-level 0", NULL,
	      NULL);
	tg_ok(F, "-j LOG --log-level alert", "-j LOG --log-level 1",
	      " LOG level alert", NULL);
	tg_ok(F, "-j LOG --log-level crit", "-j LOG --log-level 2", NULL,
	      NULL);
	tg_ok(F, "-j LOG --log-level error", "-j LOG --log-level 3", NULL,
	      NULL);
	tg_ok(F, "-j LOG --log-level warning", "-j LOG", NULL, NULL);
	tg_ok(F, "-j LOG --log-level notice", "-j LOG --log-level 5",
	      " LOG level notice", NULL);
	tg_ok(F, "-j LOG --log-level info", "-j LOG --log-level 6",
	      " LOG level info", NULL);
	tg_ok(F, "-j LOG --log-level debug", "-j LOG --log-level 7", NULL,
	      NULL);
	tg_ok(F, "-j LOG --log-level panic", "-j LOG --log-level 0", NULL,
	      NULL);
	tg_ok(F, "-j LOG --log-level 0x3", "-j LOG --log-level 3", NULL, NULL);
	tg_ok(F, "-j LOG --log-level 03", "-j LOG --log-level 3", NULL, NULL);
	tg_ok(F, "-j LOG --log-level ' 3'", "-j LOG --log-level 3", NULL,
	      NULL);
	tg_ok(F, "-j LOG --log-prefix 'test: '",
	      "-j LOG --log-prefix \"test: \"",
	      " LOG level warn prefix \"test: \"",
	      " LOG flags 0 level 4 prefix \"test: \"");
	tg_ok(F, "-j LOG --log-prefix 'a\"b\\c'",
	      "-j LOG --log-prefix \"a\\\"b\\\\c\"",
	      " LOG level warn prefix \"a\"b\\c\"", NULL);
	tg_ok(F, "-j LOG --log-prefix \"it's\"",
	      "-j LOG --log-prefix \"it\\'s\"",
	      " LOG level warn prefix \"it's\"", NULL);
	tg_ok(F, "-j LOG --log-prefix a%sb", "-j LOG --log-prefix \"a%sb\"",
	      " LOG level warn prefix \"a%sb\"", NULL);
	tg_ok(F, "-j LOG --log-prefix 12345678901234567890123456789",
	      "-j LOG --log-prefix 12345678901234567890123456789", NULL,
	      NULL);
	/* Longer prefixes are cut to 29 characters, silently. */
	tg_ok(F, "-j LOG --log-prefix 1234567890123456789012345678901234567890",
	      "-j LOG --log-prefix 12345678901234567890123456789",
	      " LOG level warn prefix \"12345678901234567890123456789\"",
	      NULL);
	tg_ok(F, "-j LOG --log-prefix x --log-level 1 --log-tcp-sequence "
	      "--log-tcp-options --log-ip-options --log-uid --log-macdecode",
	      "-j LOG --log-prefix x --log-level 1 --log-tcp-sequence "
	      "--log-tcp-options --log-ip-options --log-uid --log-macdecode",
	      " LOG level alert tcp-sequence tcp-options ip-options uid "
	      "macdecode prefix \"x\"",
	      " LOG flags 47 level 1 prefix \"x\"");
	tg_ok(F, "-j LOG --log-macdecode --log-uid --log-ip-options "
	      "--log-tcp-options --log-tcp-sequence --log-level 7 "
	      "--log-prefix 'x y'",
	      "-j LOG --log-prefix \"x y\" --log-level 7 --log-tcp-sequence "
	      "--log-tcp-options --log-ip-options --log-uid --log-macdecode",
	      " LOG level debug tcp-sequence tcp-options ip-options uid "
	      "macdecode prefix \"x y\"",
	      " LOG flags 47 level 7 prefix \"x y\"");
	tg_ok(F, "-j LOG --log-tcp-sequence", "-j LOG --log-tcp-sequence",
	      " LOG level warn tcp-sequence", " LOG flags 1 level 4");
	tg_ok(F, "-j LOG --log-tcp-options", "-j LOG --log-tcp-options",
	      " LOG level warn tcp-options", " LOG flags 2 level 4");
	tg_ok(F, "-j LOG --log-ip-options", "-j LOG --log-ip-options",
	      " LOG level warn ip-options", " LOG flags 4 level 4");
	tg_ok(F, "-j LOG --log-uid", "-j LOG --log-uid", " LOG level warn uid",
	      " LOG flags 8 level 4");
	tg_ok(F, "-j LOG --log-macdecode", "-j LOG --log-macdecode",
	      " LOG level warn macdecode", " LOG flags 32 level 4");
	tg_ok("raw", "PREROUTING", "-j LOG", "-j LOG", NULL, NULL);
	tg_ok("mangle", "POSTROUTING", "-j LOG", "-j LOG", NULL, NULL);
}

static void test_errors(void **state)
{
	static const char *const bad[] = { "8", "err", "warn", "bad", "3x",
					   "-1", "ALERT" };
	char rule[64], msg[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(rule, sizeof(rule), "-j LOG --log-level %s", bad[i]);
		snprintf(msg, sizeof(msg), "log level \"%s\" unknown\n",
			 bad[i]);
		tg_fail(F, rule, 2, msg);
	}
	tg_fail(F, "-j LOG --log-prefix ''", 2,
		"Argument must have a minimum length of 1 characters\n");
	tg_fail(F, "-j LOG --log-prefix 'a\nb'", 2,
		"Newlines not allowed in --log-prefix");
	tg_fail(F, "-j LOG --log-prefix", 2,
		"option \"--log-prefix\" requires an argument");
	tg_fail(F, "-j LOG --log-uid --log-uid", 2,
		"LOG: option \"--log-uid\" can only be used once.\n");
	tg_fail(F, "-j LOG ! --log-uid", 2,
		"LOG: option \"--log-uid\" cannot be inverted.\n");
}

static void test_conformance(void **state)
{
	int n = tg_conformance("libipt_LOG.t");

	if (n == 0)
		skip();
	assert_true(n >= 30);
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Load an Ethernet frame given in hex as the stack would see it. */
static void load_frame(struct pkt *pkt, const char *hex)
{
	size_t n = strlen(hex) / 2, i;

	memset(pkt, 0, offsetof(struct pkt, buf));
	pkt->data = pkt->buf + PKT_HEADROOM;
	for (i = 0; i < n; i++)
		pkt->data[i] = (uint8_t)(hexval(hex[2 * i]) << 4 |
					 hexval(hex[2 * i + 1]));
	pkt->len = (uint32_t)n;
	pkt->has_l2 = true;
	pkt->l3_off = 14;
	pkt->family = NS_PF_INET;
	pkt->ethertype = 0x0800;
}

static struct netdev vt0 = {
	.ifindex = 2,
	.name = "vt0",
	.mac = { 2, 0, 0, 0, 0, 1 },
	.mtu = 1500,
	.up = true,
};

static void test_format_kernel_lines(void **state)
{
	static struct pkt pkt;
	struct sbuf sb = SBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(log_vecs); i++) {
		const struct log_vec *v = &log_vecs[i];

		load_frame(&pkt, v->hex);
		sbuf_reset(&sb);
		xt_log_format(&sb, &pkt, &vt0, NULL, 0);
		if (strcmp(sbuf_str(&sb), v->p))
			fail_msg("%s (no flags):\n got [%s]\nwant [%s]",
				 v->name, sbuf_str(&sb), v->p);
		sbuf_reset(&sb);
		xt_log_format(&sb, &pkt, &vt0, NULL, 0x2f);
		if (strcmp(sbuf_str(&sb), v->f))
			fail_msg("%s (all flags):\n got [%s]\nwant [%s]",
				 v->name, sbuf_str(&sb), v->f);
		pkt.mark = 0x2a;
		sbuf_reset(&sb);
		xt_log_format(&sb, &pkt, &vt0, NULL,
			      XT_LOG_IPOPT | XT_LOG_TCPOPT);
		if (strcmp(sbuf_str(&sb), v->k))
			fail_msg("%s (mark):\n got [%s]\nwant [%s]", v->name,
				 sbuf_str(&sb), v->k);
	}
	sbuf_free(&sb);
}

/*
 * Locally generated (OUTPUT): no input device, so no MAC field. Captured:
 * "O: IN= OUT=vt0 SRC=10.9.0.1 DST=10.9.0.2 LEN=31 TOS=0x00 PREC=0x00
 * TTL=64 ID=36532 DF PROTO=UDP SPT=4444 DPT=9 LEN=11 " (from nc -u).
 */
static void test_format_output(void **state)
{
	static struct pkt pkt;
	static const uint8_t ip[] = {
		0x45, 0x00, 0x00, 0x1f, 0x8e, 0xb4, 0x40, 0x00, 0x40, 0x11,
		0x00, 0x00, 10, 9, 0, 1, 10, 9, 0, 2,
		0x11, 0x5c, 0x00, 0x09, 0x00, 0x0b, 0x00, 0x00, 'h', 'i',
		'\n',
	};
	char line[1024];
	size_t n;

	memset(&pkt, 0, offsetof(struct pkt, buf));
	pkt.data = pkt.buf + PKT_HEADROOM;
	memcpy(pkt.data, ip, sizeof(ip));
	pkt.len = sizeof(ip);
	pkt.local_out = true;
	n = xt_log_format_buf(line, sizeof(line), 3, &pkt, NULL, &vt0, 0);
	assert_string_equal(line,
		"IN= OUT=vt0 SRC=10.9.0.1 DST=10.9.0.2 LEN=31 TOS=0x00 "
		"PREC=0x00 TTL=64 ID=36532 DF PROTO=UDP SPT=4444 DPT=9 "
		"LEN=11 ");
	assert_int_equal(n, strlen(line));
	/* An input device without a link-layer header: "MAC= ". */
	n = xt_log_format_buf(line, sizeof(line), 0, &pkt, &vt0, NULL, 0);
	assert_int_equal(strncmp(line, "IN=vt0 OUT= MAC= SRC=10.9.0.1 ", 30),
			 0);
	/* --log-uid: no local sockets in netsieve, so never "UID=". */
	xt_log_format_buf(line, sizeof(line), 0, &pkt, NULL, &vt0,
			  XT_LOG_UID);
	assert_null(strstr(line, "UID="));
}

/* Link padding after the IP datagram is not part of the packet. */
static void test_format_padding(void **state)
{
	static struct pkt pkt;
	char line[1024];

	/* udp_short: IP total length 23, padded to 60 bytes on the wire. */
	load_frame(&pkt, "02000000000102000000000208004500001700064000401126bc"
			 "0a0900020a090001000100000000000000000000000000000000"
			 "00000000000000000000000000000000");
	xt_log_format_buf(line, sizeof(line), 0, &pkt, &vt0, NULL, 0);
	assert_non_null(strstr(line, "PROTO=UDP INCOMPLETE [3 bytes] "));
}

/* The kernel's 1 KiB buffer: long lines are cut, never overflowed. */
static void test_format_limit(void **state)
{
	static struct pkt pkt;
	char line[1024], small[40];
	uint8_t *p;
	size_t n, i;

	/* ICMP error quoting a TCP packet, both with 40 bytes of options. */
	memset(&pkt, 0, offsetof(struct pkt, buf));
	pkt.data = pkt.buf + PKT_HEADROOM;
	p = pkt.data;
	memset(p, 0, 200);
	p[0] = 0x4f;
	p[2] = 0;
	p[3] = 60 + 8 + 60 + 60;
	p[8] = 64;
	p[9] = 1;
	for (i = 20; i < 60; i++)
		p[i] = 1;                /* NOP options */
	p[60] = 3;                       /* DEST_UNREACH */
	p[61] = 4;
	p[68] = 0x4f;
	p[71] = 60 + 60;
	p[77] = 6;
	for (i = 88; i < 128; i++)
		p[i] = 1;
	p[128 + 12] = 0xf0;              /* TCP doff 15 */
	p[128 + 13] = 0xff;
	for (i = 148; i < 188; i++)
		p[i] = 1;
	pkt.len = 188;
	pkt.mark = 0xffffffff;
	n = xt_log_format_buf(line, sizeof(line), 29, &pkt, &vt0, &vt0, 0x2f);
	assert_int_equal(n, strlen(line));
	assert_true(n + 29 <= 1016);
	assert_non_null(strstr(line, "OPT (0101"));
	assert_non_null(strstr(line, "] MTU=0 MARK=0xffffffff "));
	/* A small buffer: cut and NUL-terminated. */
	n = xt_log_format_buf(small, sizeof(small), 29, &pkt, &vt0, &vt0,
			      0x2f);
	assert_int_equal(n, sizeof(small) - 1);
	assert_int_equal(strlen(small), n);
	assert_int_equal(strncmp(small, line, n), 0);
	/* A prefix longer than the limit leaves no room at all. */
	n = xt_log_format_buf(small, sizeof(small), 2000, &pkt, &vt0, NULL,
			      0);
	assert_int_equal(n, 0);
	assert_string_equal(small, "");
}


/*
 * Hostile input: every truncation of every captured frame, and seeded
 * random corruption of their IP parts (header length, total length,
 * protocol, ICMP type, the quoted packet). Under the sanitizer build any
 * read past the packet is reported; here the line must stay a proper,
 * bounded string.
 */
static void test_format_hostile(void **state)
{
	static struct pkt pkt;
	uint32_t seed = 0x5eed1234u, full;
	char line[1024];
	size_t i, n, it;

	for (i = 0; i < ARRAY_SIZE(log_vecs); i++) {
		load_frame(&pkt, log_vecs[i].hex);
		full = pkt.len;
		for (pkt.len = 0; pkt.len <= full; pkt.len++) {
			n = xt_log_format_buf(line, sizeof(line), 0, &pkt,
					      &vt0, &vt0, 0x2f);
			assert_int_equal(strlen(line), n);
			assert_true(n <= 1016);
		}
	}
	for (it = 0; it < 20000; it++) {
		uint32_t flips, k;

		seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
		load_frame(&pkt, log_vecs[seed % ARRAY_SIZE(log_vecs)].hex);
		flips = 1 + (seed >> 8) % 6;
		for (k = 0; k < flips; k++) {
			seed ^= seed << 13, seed ^= seed >> 17,
				seed ^= seed << 5;
			pkt.data[14 + seed % (pkt.len - 14)] ^=
				(uint8_t)(1u << ((seed >> 16) % 8));
		}
		seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
		if (seed & 1)
			pkt.len = 14 + seed % (pkt.len - 13);
		n = xt_log_format_buf(line, sizeof(line), 0, &pkt, &vt0,
				      NULL, (seed >> 1) & 0x2f);
		assert_int_equal(strlen(line), n);
		assert_true(n <= 1016);
	}
}

struct captured {
	int n;
	int level;
	char line[1100];
};

static void capture(void *priv, int level, const char *line)
{
	struct captured *c = priv;

	c->n++;
	c->level = level;
	snprintf(c->line, sizeof(c->line), "%s", line);
}

static char lines[4][1100];

static void capture_all(void *priv, int level, const char *line)
{
	struct captured *c = priv;

	if (c->n < 4)
		snprintf(lines[c->n], sizeof(lines[0]), "%s", line);
	c->n++;
}

static void test_target(void **state)
{
	static struct pkt pkt;
	struct captured cap = { 0 };
	struct xt_action act;
	struct tg_res r;
	struct net *net;
	char want[1100];

	assert_int_equal(ns_net_create(&net), 0);
	net->log.write = capture;
	net->log.priv = &cap;

	assert_int_equal(tg_run("mangle", "PREROUTING",
				"-j LOG --log-prefix 'F: ' --log-level 7 "
				"--log-tcp-sequence --log-tcp-options "
				"--log-ip-options --log-uid --log-macdecode",
				&r), 0);
	load_frame(&pkt, log_vecs[1].hex);    /* tcp_syn */
	memset(&act, 0, sizeof(act));
	act.net = net;
	act.in = &vt0;
	act.hook = NS_INET_PRE_ROUTING;
	act.table = "mangle";
	act.chain = "PREROUTING";
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.level, 7);
	snprintf(want, sizeof(want), "F: %s", log_vecs[1].f);
	assert_string_equal(cap.line, want);

	/* Default level 4, no prefix. */
	assert_int_equal(tg_run("filter", "INPUT", "-j LOG", &r), 0);
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	assert_int_equal(cap.n, 2);
	assert_int_equal(cap.level, 4);
	assert_string_equal(cap.line, log_vecs[1].p);

	/* No sink installed: nothing happens, the packet goes on. */
	net->log.write = NULL;
	assert_int_equal(r.ops->target(&pkt, r.data, &act), XT_CONTINUE);
	assert_int_equal(cap.n, 2);
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
	.kind = "tglognull",
	.open = null_open,
	.tx = null_tx,
};

/*
 * End to end: "iptables -A INPUT -j LOG" in a real struct net, a frame
 * injected on eth0, the line read from the log sink. The kernel's line for
 * the same frame (INPUT of vt0) is the captured one with the interface
 * name and MAC changed. Skipped while the stack or the iptables core is
 * not in the tree.
 */
static void test_stack_log(void **state)
{
	static uint8_t frame[PKT_MAX_FRAME];
	struct captured c = { 0 };
	const char *hex = log_vecs[1].hex;   /* tcp_syn */
	char *out = NULL, *err = NULL, want[1100], mac[64];
	struct netdev *dev;
	struct net *net;
	size_t n = strlen(hex) / 2, i;
	const char *p;

	assert_int_equal(ns_net_create(&net), 0);
	net->log.write = capture;
	net->log.priv = &c;
	if (stack_dev_create(net, "eth0", &null_io, "", &dev) ||
	    ns_exec(net, "ip link set eth0 up", NULL, NULL) ||
	    ns_exec(net, "ip addr add 10.9.0.1/24 dev eth0", NULL, NULL) ||
	    ns_exec(net, "iptables -A INPUT -j LOG --log-prefix \"T: \" "
		    "--log-level 6", &out, &err)) {
		free(out);
		free(err);
		ns_net_destroy(net);
		skip();
	}
	free(out);
	free(err);
	for (i = 0; i < n; i++)
		frame[i] = (uint8_t)(hexval(hex[2 * i]) << 4 |
				     hexval(hex[2 * i + 1]));
	dev = net_dev_by_name(net, "eth0"); /* this snapshot's */
	memcpy(frame, dev->mac, 6);
	assert_int_equal(ns_inject(net, "eth0", frame, n, 1000), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.level, 6);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 dev->mac[0], dev->mac[1], dev->mac[2], dev->mac[3],
		 dev->mac[4], dev->mac[5]);
	p = strstr(log_vecs[1].p, ":02:00:00:00:00:02:08:00 ");
	assert_non_null(p);
	snprintf(want, sizeof(want), "T: IN=eth0 OUT= MAC=%s%s", mac, p);
	assert_string_equal(c.line, want);

	/*
	 * An echo request: logged in INPUT, and its reply (made by the
	 * stack) in OUTPUT and POSTROUTING, where there is no input device
	 * and so no MAC field even with --log-macdecode. Linux 6.18 wrote
	 * "O: IN= OUT=vt0 SRC=10.9.0.1 DST=10.9.0.2 LEN=84 TOS=0x00
	 * PREC=0x00 TTL=64 ID=8157 PROTO=ICMP TYPE=0 CODE=0 ID=12 SEQ=1 "
	 * (the IP ID of a reply is the stack's choice; not compared).
	 */
	if (ns_exec(net, "iptables -A OUTPUT -p icmp -j LOG --log-prefix "
		    "\"O: \"", NULL, NULL) ||
	    ns_exec(net, "iptables -t mangle -A POSTROUTING -p icmp -j LOG "
		    "--log-prefix \"Q: \" --log-macdecode", NULL, NULL))
		fail_msg("LOG rules refused");
	hex = log_vecs[0].hex;                /* icmp_echo */
	n = strlen(hex) / 2;
	for (i = 0; i < n; i++)
		frame[i] = (uint8_t)(hexval(hex[2 * i]) << 4 |
				     hexval(hex[2 * i + 1]));
	memcpy(frame, dev->mac, 6);
	c.n = 0;
	memset(lines, 0, sizeof(lines));
	net->log.write = capture_all;
	assert_int_equal(ns_inject(net, "eth0", frame, n, 2000000000ull), 0);
	assert_int_equal(c.n, 3);
	p = strstr(log_vecs[0].p, ":02:00:00:00:00:02:08:00 ");
	snprintf(want, sizeof(want), "T: IN=eth0 OUT= MAC=%s%s", mac, p);
	assert_string_equal(lines[0], want);
	for (i = 1; i < 3; i++) {
		const char *id = strstr(lines[i], " ID="), *rest;

		assert_non_null(id);
		snprintf(want, sizeof(want), "%s: IN= OUT=eth0 SRC=10.9.0.1 "
			 "DST=10.9.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64",
			 i == 1 ? "O" : "Q");
		assert_int_equal(strncmp(lines[i], want, strlen(want)), 0);
		assert_int_equal(id - lines[i], (long)strlen(want));
		rest = strchr(id + 1, ' ');
		assert_non_null(rest);
		assert_string_equal(rest, " PROTO=ICMP TYPE=0 CODE=0 ID=12 "
				    "SEQ=1 ");
	}
	ns_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_format_kernel_lines),
		cmocka_unit_test(test_format_output),
		cmocka_unit_test(test_format_padding),
		cmocka_unit_test(test_format_limit),
		cmocka_unit_test(test_format_hostile),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_stack_log),
	};

	return cmocka_run_group_tests_name("target_log", tests, NULL, NULL);
}
