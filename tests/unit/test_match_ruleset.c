// SPDX-License-Identifier: MIT
/*
 * The ttl, tos, dscp, mac, pkttype, addrtype, limit and statistic matches
 * end to end through the iptables command and the rule interpreter: rules
 * typed as a user would, texts from iptables-save, the kernel-side checks
 * as iptables reports them, and verdicts of packets run through the
 * filter table's hooks with an injected clock.
 */
#include "xt_ext_harness.h"

#include "core/hook.h"
#include "core/net.h"
#include "ctl/ctl.h"

#define JIFFY_NS 4000000ull

#include "cmd_env.h"

/* One packet through the filter table at hook; returns the verdict. */
static unsigned verdict(struct env *e, int hook, const struct h_pktopt *o,
			uint64_t t)
{
	static struct pkt pkt;

	h_pkt_build(&pkt, o);
	e->net->now_ns = t;
	return hook_run(e->net, NS_PF_INET, hook, &pkt, NULL, NULL);
}

static void test_save_texts(void **state)
{
	struct env *e = *state;
	static const char *const rules[] = {
		"-A INPUT -m ttl ! --ttl-eq 5",
		"-A INPUT -m tos --tos 0x10/0x3f",
		"-A INPUT -m dscp ! --dscp 0x2e",
		"-A INPUT -m mac --mac-source 42:01:02:03:04:05",
		"-A INPUT -m pkttype ! --pkt-type unicast",
		"-A INPUT -m addrtype ! --src-type UNICAST,LOCAL --limit-iface-in",
		"-A INPUT -m limit --limit 100/min --limit-burst 20",
		"-A INPUT -m statistic --mode random ! --probability 0.10000000009",
		"-A INPUT -m statistic --mode nth --every 3 --packet 2",
	};
	char line[256];
	size_t i;

	ok(e, "iptables -A INPUT -m ttl ! --ttl-eq 5");
	ok(e, "iptables -A INPUT -m tos --tos Minimize-Delay");
	ok(e, "iptables -A INPUT -m dscp ! --dscp-class EF");
	ok(e, "iptables -A INPUT -m mac --mac-source 42:01:02:03:04:05");
	ok(e, "iptables -A INPUT -m pkttype ! --pkt-type host");
	ok(e, "iptables -A INPUT -m addrtype ! --src-type LOCAL,UNICAST "
	      "--limit-iface-in");
	ok(e, "iptables -A INPUT -m limit --limit 100/m --limit-burst 20");
	ok(e, "iptables -A INPUT -m statistic --mode random ! --probability "
	      "0.1");
	ok(e, "iptables -A INPUT -m statistic --mode nth --every 3 "
	      "--packet 2");
	ok(e, "iptables-save");
	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		snprintf(line, sizeof(line), "\n%s\n", rules[i]);
		if (!strstr(sbuf_str(&e->out), line))
			fail_msg("missing '%s' in:\n%s", rules[i],
				 sbuf_str(&e->out));
	}
	/* Each saved rule deletes by its own text. */
	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		snprintf(line, sizeof(line), "iptables -D%s", rules[i] + 2);
		ok(e, line);
	}
	ok(e, "iptables -S INPUT");
	assert_string_equal(sbuf_str(&e->out), "-P INPUT ACCEPT\n");
}

static void test_kernel_checks(void **state)
{
	struct env *e = *state;

	assert_int_equal(run(e, "iptables -A OUTPUT -m mac --mac-source "
			     "42:01:02:03:04:05"), 1);
	assert_string_equal(sbuf_str(&e->err), "iptables: Invalid argument. "
			    "Run `dmesg' for more information.\n");
	ok(e, "iptables -t mangle -A PREROUTING -m mac --mac-source "
	      "42:01:02:03:04:05");
	assert_int_equal(run(e, "iptables -A INPUT -m addrtype --src-type "
			     "LOCAL --limit-iface-out"), 1);
	assert_int_equal(run(e, "iptables -A OUTPUT -m addrtype --src-type "
			     "LOCAL --limit-iface-in"), 1);
	ok(e, "iptables -A FORWARD -m addrtype --src-type LOCAL "
	      "--limit-iface-in");
	assert_int_equal(run(e, "iptables -A INPUT -m limit --limit 1/sec "
			     "--limit-burst 0"), 1);
	assert_string_equal(sbuf_str(&e->err),
			    "iptables: Numerical result out of range.\n");
	assert_int_equal(run(e, "iptables -A INPUT -m limit --limit 1/d"), 1);
	/* A user chain reached from OUTPUT cannot hold a mac rule. */
	ok(e, "iptables -N maconly");
	ok(e, "iptables -A maconly -m mac --mac-source 42:01:02:03:04:05");
	ok(e, "iptables -A INPUT -j maconly");
	assert_int_equal(run(e, "iptables -A OUTPUT -j maconly"), 1);
	/* Parameter problems exit with 2. */
	assert_int_equal(run(e, "iptables -A INPUT -m ttl --ttl-eq 256"), 2);
	assert_int_equal(run(e, "iptables -A INPUT -m statistic --mode nth "
			     "--every 3"), 2);
}

static void test_limit_path(void **state)
{
	struct env *e = *state;
	struct h_pktopt o = { .ttl = 64, .saddr = 0xc0000201,
			      .daddr = 0xc0000202 };
	const uint64_t t0 = 1000 * JIFFY_NS;
	int i;

	ok(e, "iptables -P INPUT DROP");
	ok(e, "iptables -A INPUT -m limit --limit 1/sec --limit-burst 2 "
	      "-j ACCEPT");
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o, t0), NS_ACCEPT);
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o, t0), NS_ACCEPT);
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o, t0), NS_DROP);
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o,
				 t0 + 249 * JIFFY_NS), NS_DROP);
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o,
				 t0 + 250 * JIFFY_NS), NS_ACCEPT);
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o,
				 t0 + 250 * JIFFY_NS), NS_DROP);
	/*
	 * Any change to the table is a replace in the kernel, which
	 * re-creates every limit bucket full.
	 */
	ok(e, "iptables -A OUTPUT -j ACCEPT");
	for (i = 0; i < 2; i++)
		assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o,
					 t0 + 250 * JIFFY_NS), NS_ACCEPT);
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o, t0 + 250 * JIFFY_NS),
			 NS_DROP);
}

static void test_nth_and_matches_path(void **state)
{
	struct env *e = *state;
	struct h_pktopt o = { .ttl = 64, .saddr = 0xc0000201,
			      .daddr = 0xc0000202 };
	char got[16];
	int i;

	ok(e, "iptables -P INPUT DROP");
	ok(e, "iptables -A INPUT -m statistic --mode nth --every 3 --packet 0 "
	      "-j ACCEPT");
	for (i = 0; i < 9; i++)
		got[i] = verdict(e, NS_INET_LOCAL_IN, &o, 0) == NS_ACCEPT ?
			 '1' : '0';
	got[9] = '\0';
	assert_string_equal(got, "100100100");

	ok(e, "iptables -F INPUT");
	ok(e, "iptables -A INPUT -m ttl --ttl-lt 10 -m tos --tos 0x08/0x08 "
	      "-m dscp ! --dscp-class EF -m pkttype --pkt-type unicast "
	      "-m addrtype --src-type UNICAST -j ACCEPT");
	o.ttl = 9;
	o.tos = 0x08;
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o, 0), NS_ACCEPT);
	o.ttl = 10;
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o, 0), NS_DROP);
	o.ttl = 9;
	o.tos = 0xb8;   /* EF */
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o, 0), NS_DROP);
	o.tos = 0x08;
	o.pkt_type = PKT_BROADCAST;
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o, 0), NS_DROP);

	ok(e, "iptables -F INPUT");
	ok(e, "iptables -A INPUT -m mac ! --mac-source 42:01:02:03:04:05 "
	      "-j ACCEPT");
	o.pkt_type = PKT_HOST;
	o.l2 = true;
	memcpy(o.smac, "\x42\x01\x02\x03\x04\x06", 6);
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o, 0), NS_ACCEPT);
	o.smac[5] = 5;
	assert_int_equal(verdict(e, NS_INET_LOCAL_IN, &o, 0), NS_DROP);
}

/*
 * Hostile arguments to every option of the eight matches: each call either
 * succeeds or fails with a message, never crashes (run under ASan/UBSan in
 * the sanitizer build); whatever parses also saves and prints.
 */
static void test_hostile_args(void **state)
{
	static const char *const names[] = {
		"ttl", "tos", "dscp", "mac", "pkttype", "addrtype", "limit",
		"statistic",
	};
	static const char *const args[] = {
		"", " ", "!", "-", "+", "/", ",", ":", "0x", "0x/", "/0x",
		"-0", "+-1", "00000000000000000000000000000000000001",
		"18446744073709551616", "4294967296", "1e999", "inf", "nan",
		"-nan", "0x1p999", "%s%s%n", ",,,", "LOCAL,", ":::::",
		"ff:ff:ff:ff:ff:ff:", "1/", "1/s/s", "1//sec", "/", "x/y/z",
		"random", "nth", "CS", "AF", "Minimize-Delay/0x3f",
	};
	char longarg[4096];
	struct sbuf err = SBUF_INIT, out = SBUF_INIT;
	struct xt_ip ip;
	struct xt_parse_ctx ctx;
	uint8_t data[H_MAXDATA];
	size_t n, a;
	int pass;

	memset(longarg, '9', sizeof(longarg) - 1);
	longarg[sizeof(longarg) - 1] = '\0';
	memset(&ip, 0, sizeof(ip));
	for (n = 0; n < ARRAY_SIZE(names); n++) {
		const struct xt_ext_ops *ops = xt_match_find(names[n]);
		const struct xt_option *o;

		assert_non_null(ops);
		for (o = ops->opts; o->name; o++) {
			for (a = 0; a <= ARRAY_SIZE(args); a++) {
				const char *arg = a < ARRAY_SIZE(args) ?
						  args[a] : longarg;

				for (pass = 0; pass < 2; pass++) {
					memset(data, 0, sizeof(data));
					memset(&ctx, 0, sizeof(ctx));
					ctx.ip = &ip;
					ctx.table = "filter";
					ctx.chain = "INPUT";
					ctx.err = &err;
					sbuf_reset(&err);
					if (ops->init)
						ops->init(data);
					if (ops->parse(&ctx, o->id,
						       (o->flags & XTO_ARG) ?
						       arg : NULL,
						       pass && (o->flags &
								XTO_INVERT),
						       data)) {
						assert_true(err.len > 0);
						continue;
					}
					sbuf_reset(&out);
					ops->save(data, &ip, &out);
					ops->print(data, &ip, true, &out);
					ops->print(data, &ip, false, &out);
				}
			}
		}
	}
	sbuf_free(&err);
	sbuf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save_texts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kernel_checks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_limit_path, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_nth_and_matches_path,
						setup, teardown),
		cmocka_unit_test(test_hostile_args),
	};

	return cmocka_run_group_tests_name("match_ruleset", tests, NULL,
					   NULL);
}
