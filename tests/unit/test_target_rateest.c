// SPDX-License-Identifier: MIT
/*
 * RATEEST target and rateest match, with the named estimators they share
 * (ext/rateest.c). Texts and messages against iptables-legacy 1.8.9's
 * (libxt_RATEEST's time conversions and print formats, libxt_rateest's
 * old-style optional rates, "Kbit"/"Mbit" printing and odd mode order);
 * the registry as the kernel keeps it (made by the first RATEEST naming
 * it, parameters that must agree, unknown names refused, references that
 * carry an estimator across ruleset generations and free it with the
 * last rule); the EWMA against values worked out by hand from
 * gen_estimator's formulas, on the engine clock; and end to end, frames
 * injected at set times through RATEEST and rateest rules, with the
 * counters of each rule read back from iptables -L -v.
 */
#include "tg_harness.h"

#include <math.h>
#include <stdatomic.h>

#include "cmd_env.h"
#include "core/net.h"
#include "core/netdev.h"
#include "io/io.h"
#include "stack/conf.h"
#include "stack/stack.h"
#include "xt/ext/rateest.h"

#define F "filter", "FORWARD"

static void test_target_texts(void **state)
{
	tg_ok(F, "-j RATEEST --rateest-name foo --rateest-interval 250ms "
	      "--rateest-ewmalog 0.5s",
	      "-j RATEEST --rateest-name foo --rateest-interval 250.0ms "
	      "--rateest-ewmalog 500.0ms",
	      " name foo interval 250.0ms ewmalog 500.0ms",
	      " name foo interval 250.0ms ewmalog 500.0ms");
	tg_ok(F, "-j RATEEST --rateest-name bar --rateest-interval 1s "
	      "--rateest-ewmalog 8s",
	      "-j RATEEST --rateest-name bar --rateest-interval 1.0s "
	      "--rateest-ewmalog 8.0s", NULL, NULL);
	/* Name cut to 15 characters; bare numbers are microseconds. */
	tg_ok(F, "-j RATEEST --rateest-name abcdefghijklmnopqrstuvwxyz "
	      "--rateest-interval 4 --rateest-ewmalog 100",
	      "-j RATEEST --rateest-name abcdefghijklmno --rateest-interval "
	      "250.0ms --rateest-ewmalog 4.0s", NULL, NULL);
	tg_ok(F, "-j RATEEST --rateest-name y --rateest-interval 1s "
	      "--rateest-ewmalog 1000000s",
	      "-j RATEEST --rateest-name y --rateest-interval 1.0s "
	      "--rateest-ewmalog 2048.0s", NULL, NULL);
	tg_ok(F, "-j RATEEST --rateest-name w --rateest-interval 8S "
	      "--rateest-ewmalog 64SECS",
	      "-j RATEEST --rateest-name w --rateest-interval 8.0s "
	      "--rateest-ewmalog 64.0s", NULL, NULL);
	tg_ok(F, "-j RATEEST --rateest-name v --rateest-interval 2000msec "
	      "--rateest-ewmalog 3000000usecs",
	      "-j RATEEST --rateest-name v --rateest-interval 2.0s "
	      "--rateest-ewmalog 4.0s", NULL, NULL);
	tg_ok(F, "-j RATEEST --rateest-name z --rateest-interval 100us "
	      "--rateest-ewmalog 1ms",
	      "-j RATEEST --rateest-name z --rateest-interval 250.0ms "
	      "--rateest-ewmalog 2.0s", NULL, NULL);
}

static void test_target_errors(void **state)
{
	tg_fail(F, "-j RATEEST --rateest-name x --rateest-interval 10s "
		"--rateest-ewmalog 100s", 2,
		"RATEEST: interval value is too large");
	tg_fail(F, "-j RATEEST --rateest-name x --rateest-interval 1s", 2,
		"RATEEST: ewmalog value is out of range");
	tg_fail(F, "-j RATEEST --rateest-interval 1s --rateest-ewmalog 2s", 2,
		"RATEEST: option \"--rateest-name\" must be specified\n");
	tg_fail(F, "-j RATEEST --rateest-name y --rateest-interval 1x "
		"--rateest-ewmalog 2s", 2,
		"RATEEST: bad interval value \"1x\"");
	tg_fail(F, "-j RATEEST --rateest-name y --rateest-interval 1s "
		"--rateest-ewmalog 2q", 2,
		"RATEEST: bad ewmalog value \"2q\"");
	tg_fail(F, "-j RATEEST --rateest-name a --rateest-name b", 2,
		"RATEEST: option \"--rateest-name\" can only be used once.\n");
}

/* The pkts column of each rule of chain in `iptables -L CHAIN -v -x -n`. */
static int counts(struct env *e, const char *chain, unsigned long *out,
		  int max)
{
	char cmd[64];
	const char *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "iptables -L %s -v -x -n", chain);
	ok(e, cmd);
	p = sbuf_str(&e->out);
	p = strchr(p, '\n');          /* Chain ... */
	p = p ? strchr(p + 1, '\n') : NULL;  /* header */
	while (p && p[1] && n < max) {
		if (sscanf(p + 1, "%lu", &out[n]) != 1)
			break;
		n++;
		p = strchr(p + 1, '\n');
	}
	return n;
}

static void test_match_texts(void **state)
{
	struct env *e = *state;

	ok(e, "iptables -A FORWARD -j RATEEST --rateest-name foo "
	   "--rateest-interval 250ms --rateest-ewmalog 0.5s");
	ok(e, "iptables -A FORWARD -j RATEEST --rateest-name bar "
	   "--rateest-interval 1s --rateest-ewmalog 8s");
	ok(e, "iptables -A INPUT -m rateest --rateest foo --rateest-bps 1mbit "
	   "--rateest-gt -j ACCEPT");
	ok(e, "iptables -A INPUT -m rateest --rateest1 foo --rateest-pps1 "
	   "--rateest-lt --rateest2 bar -j ACCEPT");
	ok(e, "iptables -A INPUT -m rateest --rateest-delta --rateest1 foo "
	   "--rateest-bps1 10mbit --rateest-bps2 20mbit ! --rateest-gt "
	   "--rateest2 bar -j ACCEPT");
	ok(e, "iptables -A INPUT -m rateest --rateest foo --rateest-bps "
	   "1000000000 --rateest-pps 5 --rateest-lt");
	ok(e, "iptables -A INPUT -m rateest --rateest-delta --rateest foo "
	   "--rateest-bps1 2GBps --rateest-pps1 7 --rateest-gt");
	ok(e, "iptables -A INPUT -m rateest --rateest foo --rateest-bps "
	   "3.5Mibit --rateest-gt");
	ok(e, "iptables -S INPUT");
	assert_string_equal(sbuf_str(&e->out), "-P INPUT ACCEPT\n"
		"-A INPUT -m rateest --rateest foo --rateest-gt --rateest-bps "
		"1000Kbit -j ACCEPT\n"
		"-A INPUT -m rateest --rateest1 foo --rateest-lt --rateest-pps "
		"--rateest2 bar -j ACCEPT\n"
		"-A INPUT -m rateest --rateest-delta --rateest1 foo "
		"--rateest-bps1 10000Kbit ! --rateest-gt --rateest-bps2 "
		"20000Kbit --rateest2 bar -j ACCEPT\n"
		"-A INPUT -m rateest --rateest foo --rateest-lt --rateest-bps "
		"1000Mbit --rateest-lt --rateest-pps 5\n"
		"-A INPUT -m rateest --rateest-delta --rateest foo "
		"--rateest-bps1 16000Mbit --rateest-gt --rateest-bps2 0bit "
		"--rateest-pps1 7 --rateest-gt --rateest-pps2 0\n"
		"-A INPUT -m rateest --rateest foo --rateest-gt --rateest-bps "
		"3670Kbit\n");
	ok(e, "iptables -L INPUT");
	assert_non_null(strstr(sbuf_str(&e->out), "rateest match foo delta "
			       "bps 10000Kbit ! gt bar bps 20000Kbit\n"));
	assert_non_null(strstr(sbuf_str(&e->out), "rateest match foo bps "
			       "1000Mbit lt pps lt 5\n"));
	ok(e, "iptables -L INPUT -n");
	assert_non_null(strstr(sbuf_str(&e->out), "rateest match foo bps "
			       "125000 gt\n"));
	assert_non_null(strstr(sbuf_str(&e->out), "rateest match foo delta "
			       "bps 2000000000 0 gt pps 7 gt 0\n"));

	/* libxt_rateest's own messages (exit 2). */
	assert_int_equal(run(e, "iptables -A INPUT -m rateest ! --rateest "
			     "foo"), 2);
	assert_non_null(strstr(sbuf_str(&e->err), "rateest: rateest can't be "
			       "inverted\n"));
	assert_int_equal(run(e, "iptables -A INPUT -m rateest --rateest foo "
			     "--rateest1 foo"), 2);
	assert_non_null(strstr(sbuf_str(&e->err), "rateest: can't specify "
			       "--rateest1 twice\n"));
	assert_int_equal(run(e, "iptables -A INPUT -m rateest --rateest foo "
			     "--rateest-bps xyz"), 2);
	assert_non_null(strstr(sbuf_str(&e->err), "rateest: could not parse "
			       "rate `xyz'\n"));
	assert_int_equal(run(e, "iptables -A INPUT -m rateest --rateest foo "
			     "--rateest-pps abc --rateest-gt"), 2);
	assert_non_null(strstr(sbuf_str(&e->err), "rateest: could not parse "
			       "pps `abc'\n"));
	/* The rate is optional: "-1" is then an option of its own. */
	assert_int_equal(run(e, "iptables -A INPUT -m rateest --rateest foo "
			     "--rateest-pps -1 --rateest-gt"), 2);
	assert_non_null(strstr(sbuf_str(&e->err), "unknown option \"-1\"\n"));
	assert_int_equal(run(e, "iptables -A INPUT -m rateest --rateest foo "
			     "--rateest-lt --rateest-lt"), 2);
	assert_non_null(strstr(sbuf_str(&e->err), "rateest: can't specify "
			       "lt/gt/eq twice\n"));
	assert_int_equal(run(e, "iptables -A INPUT -m rateest --rateest foo "
			     "! --rateest-pps 5"), 2);
	assert_non_null(strstr(sbuf_str(&e->err), "rateest: rateest-pps "
			       "can't be inverted\n"));
	/* The kernel's checks (exit 1). */
	assert_int_equal(run(e, "iptables -A INPUT -m rateest"), 1);
	assert_string_equal(sbuf_str(&e->err), "iptables: Invalid argument. "
			    "Run `dmesg' for more information.\n");
	assert_int_equal(run(e, "iptables -A INPUT -m rateest --rateest foo "
			     "--rateest-gt"), 1);
	assert_int_equal(run(e, "iptables -A INPUT -m rateest --rateest foo "
			     "--rateest-bps 1"), 1);
	/* lt then gt: the last wins; a bare rate is bits (5/8 -> 0). */
	ok(e, "iptables -A INPUT -m rateest --rateest foo --rateest-lt "
	   "--rateest-gt --rateest-bps 5");
	ok(e, "iptables -S INPUT 7");
	assert_string_equal(sbuf_str(&e->out), "-A INPUT -m rateest --rateest "
			    "foo --rateest-gt --rateest-bps 0bit\n");
	/* -D finds the rule by its options, whatever their order. */
	ok(e, "iptables -D INPUT -m rateest --rateest-gt --rateest-bps 5 "
	   "--rateest foo");
}

static void test_registry(void **state)
{
	struct env *e = *state;

	assert_int_equal(xt_rateest_count_names(e->net), 0);
	assert_int_equal(run(e, "iptables -A INPUT -m rateest --rateest a "
			     "--rateest-bps 1 --rateest-gt"), 1);
	assert_string_equal(sbuf_str(&e->err), "iptables: No chain/target/"
			    "match by that name.\n");
	ok(e, "iptables -A INPUT -j RATEEST --rateest-name a "
	   "--rateest-interval 1s --rateest-ewmalog 4s");
	assert_int_equal(xt_rateest_count_names(e->net), 1);
	ok(e, "iptables -A INPUT -m rateest --rateest a --rateest-bps 1 "
	   "--rateest-gt");
	/* Same name, other parameters: EINVAL; the same: shared. */
	assert_int_equal(run(e, "iptables -A INPUT -j RATEEST --rateest-name "
			     "a --rateest-interval 2s --rateest-ewmalog 8s"),
			 1);
	assert_string_equal(sbuf_str(&e->err), "iptables: Invalid argument. "
			    "Run `dmesg' for more information.\n");
	ok(e, "iptables -A OUTPUT -j RATEEST --rateest-name a "
	   "--rateest-interval 1s --rateest-ewmalog 4s");
	assert_int_equal(xt_rateest_count_names(e->net), 1);
	/* A relative match needs both names. */
	assert_int_equal(run(e, "iptables -A INPUT -m rateest --rateest1 a "
			     "--rateest-bps --rateest-gt --rateest2 b"), 1);
	assert_string_equal(sbuf_str(&e->err), "iptables: No chain/target/"
			    "match by that name.\n");
	/* A match alone keeps the estimator alive, as the kernel's ref. */
	ok(e, "iptables -D INPUT 1");
	ok(e, "iptables -F OUTPUT");
	assert_int_equal(xt_rateest_count_names(e->net), 1);
	assert_int_equal(run(e, "iptables -A INPUT -j RATEEST --rateest-name "
			     "a --rateest-interval 2s --rateest-ewmalog 8s"),
			 1);
	ok(e, "iptables -F");
	assert_int_equal(xt_rateest_count_names(e->net), 0);
	/* Gone with its last rule: made anew with other parameters. */
	ok(e, "iptables -A INPUT -j RATEEST --rateest-name a "
	   "--rateest-interval 2s --rateest-ewmalog 8s");
	/* A rule before the RATEEST that makes it: refused, as the
	 * kernel checks entries in order. */
	assert_int_equal(run(e, "iptables -I INPUT -m rateest --rateest c "
			     "--rateest-pps 1 --rateest-gt"), 1);
	sbuf_reset(&e->err);
	assert_int_equal(ctl_exec_line(e->net, "iptables-restore",
		"*filter\n-A INPUT -j RATEEST --rateest-name c "
		"--rateest-interval 1s --rateest-ewmalog 4s\n"
		"-A INPUT -m rateest --rateest c --rateest-pps 1 --rateest-gt\n"
		"COMMIT\n", &e->out, &e->err), 0);
	assert_int_equal(xt_rateest_count_names(e->net), 1);
	ok(e, "iptables -F");
	assert_int_equal(xt_rateest_count_names(e->net), 0);
}

/*
 * gen_estimator's arithmetic on the engine clock. interval 0 (1 s),
 * ewma_log 2: 10 packets of 100 bytes a second. Worked out by hand:
 *   tick 1: bytes (1000 << 8) >> 2 = 64000 -> 250 B/s;
 *           packets (10 << 8) >> 2 = 640 -> 2/s
 *   tick 2: 64000 + 64000 - 16000 = 112000 -> 437; 640 + 640 - 160 = 1120 -> 4
 *   tick 3: 112000 + 64000 - 28000 = 148000 -> 578;
 *           1120 + 640 - 280 = 1480 -> 5
 */
static void test_ewma(void **state)
{
	struct env *e = *state;
	struct xt_rateest_sample s;
	struct xt_rateest *est, *again;
	static const uint64_t want_bps[] = { 0, 250, 437 };
	static const uint64_t want_pps[] = { 0, 2, 4 };
	uint64_t sec = 1000000000ull, t;
	int i, k;

	atomic_store(&e->net->now_ns, 7 * sec);
	assert_int_equal(xt_rateest_get(e->net, "m", 0, 2, &est), 0);
	assert_int_equal(xt_rateest_get(e->net, "m", 0, 0, &again), -EINVAL);
	assert_int_equal(xt_rateest_get(e->net, "m", 1, 2, &again), -EINVAL);
	assert_int_equal(xt_rateest_get(e->net, "n", 4, 2, &again), -EINVAL);
	assert_int_equal(xt_rateest_get(e->net, "n", 0, 31, &again), -EINVAL);
	assert_int_equal(xt_rateest_get(e->net, "n", 0, 0, &again), -EINVAL);
	assert_null(xt_rateest_lookup(e->net, "n"));
	again = xt_rateest_lookup(e->net, "m");
	assert_ptr_equal(again, est);
	xt_rateest_put(again);

	for (k = 0; k < 3; k++) {
		for (i = 0; i < 10; i++)
			xt_rateest_count(est, 100, 7 * sec + k * sec +
					 (uint64_t)i * sec / 10);
		xt_rateest_read(est, 7 * sec + k * sec + sec - 1, &s);
		assert_int_equal(s.bps, want_bps[k]);
		assert_int_equal(s.pps, want_pps[k]);
	}
	xt_rateest_read(est, 10 * sec, &s);
	assert_int_equal(s.bps, 578);
	assert_int_equal(s.pps, 5);
	/* Reading does not change it; time does (quarter steps down). */
	xt_rateest_read(est, 10 * sec + sec / 2, &s);
	assert_int_equal(s.bps, 578);
	xt_rateest_read(est, 11 * sec, &s);
	assert_int_equal(s.bps, 148000 * 3 / 4 / 256);   /* 111000 -> 433 */
	/* A long idle time ends at 0, at once. */
	t = 11 * sec + 1000000ull * sec;
	xt_rateest_read(est, t, &s);
	assert_int_equal(s.bps, 0);
	assert_int_equal(s.pps, 0);
	/* And it starts again from there. */
	xt_rateest_count(est, 500, t + 1);
	xt_rateest_read(est, t + sec, &s);
	assert_int_equal(s.bps, (500 << 8 >> 2) >> 8);   /* 125 */
	xt_rateest_put(est);
	assert_int_equal(xt_rateest_count_names(e->net), 0);
}

/* More than 65536 idle ticks with a slow average: the float decay. */
static void test_ewma_long_decay(void **state)
{
	struct env *e = *state;
	struct xt_rateest_sample s;
	struct xt_rateest *est;
	uint64_t ms = 1000000ull, avg, want;
	unsigned n;

	atomic_store(&e->net->now_ns, 0);
	assert_int_equal(xt_rateest_get(e->net, "slow", -2, 16, &est), 0);
	xt_rateest_count(est, 4000000000u, 1);
	xt_rateest_read(est, 250 * ms, &s);
	/* (4e9 << 10) >> 16 = 62500000 -> 244140 B/s */
	avg = (4000000000ull << 10) >> 16;
	assert_int_equal(s.bps, avg >> 8);
	/* 100000 more ticks, decaying by 1/65536 each (exact model). */
	for (n = 0; n < 100000; n++)
		avg -= avg >> 16;
	want = avg >> 8;
	xt_rateest_read(est, 250 * ms + 100000ull * 250 * ms, &s);
	assert_true(fabs((double)s.bps - (double)want) <= want / 100.0 + 1);
	assert_true(s.bps < 244140 / 3);
	xt_rateest_put(est);
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
	.kind = "tgrateestnull",
	.open = null_open,
	.tx = null_tx,
};

/*
 * End to end: an estimator of 250 ms, ewma_log 1, fed by the first INPUT
 * rule with 1000-byte datagrams at 0.1 + 0.25 k s (k = 0..4) and 3.1 s.
 * Its rate when each arrives (ticks at 0.25 s steps, from creation at 0):
 *   p0 0, p1 2000, p2 3000, p3 3500, p4 3750, p5 30 B/s
 *   pps: 0, 2, 3, 3, 3, 0
 * Between p2 and p3 the ruleset changes twice (another chain, and the
 * feeding rule replaced): the estimator and its average carry over.
 */
static void test_stack(void **state)
{
	static const uint64_t at_ms[] = { 100, 350, 600, 850, 1100, 3100 };
	struct env *e = *state;
	uint8_t frame[14 + 1000];
	unsigned long c[16];
	struct netdev *dev;
	uint16_t sum;
	size_t i;

	assert_int_equal(stack_dev_create(e->net, "eth0", &null_io, "", &dev),
			 0);
	ok(e, "ip link set eth0 up");
	ok(e, "ip addr add 10.9.0.1/24 dev eth0");
	ok(e, "iptables -A INPUT -j RATEEST --rateest-name r "
	   "--rateest-interval 250ms --rateest-ewmalog 500ms");
	ok(e, "iptables -A INPUT -p tcp -j RATEEST --rateest-name r2 "
	   "--rateest-interval 1s --rateest-ewmalog 4s");
	ok(e, "iptables -A INPUT -m rateest --rateest r --rateest-bps 2500Bps "
	   "--rateest-gt");
	ok(e, "iptables -A INPUT -m rateest --rateest r --rateest-pps 2 "
	   "--rateest-eq");
	ok(e, "iptables -A INPUT -m rateest --rateest r --rateest-bps 3500Bps "
	   "--rateest-lt");
	ok(e, "iptables -A INPUT -m rateest --rateest-delta --rateest r "
	   "--rateest-bps1 4000Bps --rateest-lt --rateest-bps2 600Bps");
	ok(e, "iptables -A INPUT -m rateest --rateest1 r --rateest-pps1 "
	   "--rateest-gt --rateest2 r2 --rateest-pps2");
	ok(e, "iptables -A INPUT -m rateest --rateest1 r --rateest-pps1 "
	   "! --rateest-gt --rateest2 r2 --rateest-pps2");

	dev = net_dev_by_name(e->net, "eth0");
	memset(frame, 0, sizeof(frame));
	memcpy(frame, dev->mac, 6);
	memcpy(frame + 6, "\x02\x00\x00\x00\x00\x02\x08\x00", 8);
	memcpy(frame + 14, "\x45\x00\x03\xe8\x00\x01\x40\x00\x40\x11\x00\x00"
	       "\x0a\x09\x00\x02\x0a\x09\x00\x01\x30\x39\x00\x35\x03\xd4"
	       "\x00\x00", 28);
	sum = ip_fast_csum(frame + 14, 5);
	memcpy(frame + 24, &sum, 2);
	for (i = 0; i < ARRAY_SIZE(at_ms); i++) {
		if (i == 3) {
			ok(e, "iptables -A OUTPUT -j ACCEPT");
			ok(e, "iptables -R INPUT 1 -j RATEEST --rateest-name r "
			   "--rateest-interval 250ms --rateest-ewmalog 500ms");
		}
		assert_int_equal(ns_inject(e->net, "eth0", frame,
					   sizeof(frame),
					   at_ms[i] * 1000000ull), 0);
	}
	assert_int_equal(counts(e, "INPUT", c, 16), 8);
	assert_int_equal(c[0], 3);     /* replaced before p3: p3..p5 */
	assert_int_equal(c[1], 0);     /* tcp only */
	assert_int_equal(c[2], 3);     /* > 2500: p2 p3 p4 */
	assert_int_equal(c[3], 1);     /* pps == 2: p1 */
	assert_int_equal(c[4], 4);     /* < 3500: p0 p1 p2 p5 */
	assert_int_equal(c[5], 2);     /* 4000 - rate < 600: p3 p4 */
	assert_int_equal(c[6], 4);     /* pps > r2's 0: p1..p4 */
	assert_int_equal(c[7], 2);     /* not: p0 p5 */
	assert_int_equal(xt_rateest_count_names(e->net), 2);
	ok(e, "iptables -F INPUT");
	assert_int_equal(xt_rateest_count_names(e->net), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_texts),
		cmocka_unit_test(test_target_errors),
		cmocka_unit_test_setup_teardown(test_match_texts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_registry, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ewma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ewma_long_decay, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stack, setup, teardown),
	};

	return cmocka_run_group_tests_name("target_rateest", tests, NULL,
					   NULL);
}
