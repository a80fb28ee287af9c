// SPDX-License-Identifier: MIT
/*
 * The iptables core: the rule interpreter (ip part, jumps, gotos, RETURN,
 * policies, counters), ruleset generations (atomic commands, counter
 * carry-over, per-worker counters, no packet lost across a publication),
 * the kernel's commit-time checks (hooks, table, protocol, loops), trace
 * events and TRACE log lines, restore atomicity, and hook registration.
 * Rules are typed as a user would through the command language.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <netsieve/netsieve.h>

#include <pthread.h>
#include <time.h>

#include "base/rcu.h"
#include "core/hook.h"
#include "core/net.h"
#include "ctl/ctl.h"
#include "xt/xt_int.h"

#include "cmd_env.h"

static struct netdev eth0 = { .ifindex = 1, .name = "eth0" };
static struct netdev eth1 = { .ifindex = 2, .name = "eth1" };
static struct netdev ppp0 = { .ifindex = 3, .name = "ppp0" };

struct spec {
	const char *src, *dst;
	uint8_t proto;
	uint16_t sport, dport;
	uint16_t frag;          /* fragment offset (8-byte units) */
	uint16_t paylen;
};

/* A bare IPv4 packet (no L2) as the stack hands it to the hooks. */
static struct pkt *mkpkt(struct env *e, const struct spec *s)
{
	struct pkt *p = pkt_alloc(&e->net->inject.pool);
	uint16_t l4 = s->proto == 6 ? 20 : s->proto == 17 ? 8 : 8;
	uint16_t tot = (uint16_t)(20 + l4 + s->paylen);
	uint8_t *h;

	assert_non_null(p);
	h = p->data;
	memset(h, 0, tot);
	h[0] = 0x45;
	h[2] = (uint8_t)(tot >> 8);
	h[3] = (uint8_t)tot;
	h[6] = (uint8_t)(s->frag >> 8);
	h[7] = (uint8_t)s->frag;
	h[8] = 64;
	h[9] = s->proto;
	inet_pton(AF_INET, s->src ? s->src : "10.0.0.1", h + 12);
	inet_pton(AF_INET, s->dst ? s->dst : "10.9.9.9", h + 16);
	h[20] = (uint8_t)(s->sport >> 8);
	h[21] = (uint8_t)s->sport;
	h[22] = (uint8_t)(s->dport >> 8);
	h[23] = (uint8_t)s->dport;
	if (s->proto == 6)
		h[32] = 0x50;
	p->len = tot;
	p->l3_off = 0;
	p->l4_off = s->frag ? 0 : 20;
	p->l4_len = l4 + s->paylen;
	p->family = NS_PF_INET;
	pkt_set_desc(p);
	p->ethertype = 0x0800;
	p->l4_proto = s->proto;
	p->frag_off = s->frag;
	p->is_frag = s->frag != 0;
	return p;
}

/* Run one packet through table tid at hook; returns the verdict. */
static unsigned classify(struct env *e, int tid, int hook,
			 const struct spec *s, const struct netdev *in,
			 const struct netdev *out)
{
	struct xt_net *xn = e->net->xt;
	struct pkt *p = mkpkt(e, s);
	unsigned v;

	v = xt_do_table(e->net, xn->cur, xn->cur->t[tid], hook, p, in, out);
	pkt_free(p);
	return v;
}

static unsigned in_filter(struct env *e, const struct spec *s,
			  const struct netdev *in)
{
	return classify(e, XT_TABLE_FILTER, NS_INET_LOCAL_IN, s, in, NULL);
}

/* The iptables-save -c line for rule n (1-based) of chain, or "". */
static const char *save_line(struct env *e, const char *chain, unsigned n)
{
	static char line[512];
	char cmd[128];
	const char *p;
	unsigned k = 0;

	snprintf(cmd, sizeof(cmd), "iptables -S %s %u -v", chain, n);
	ok(e, cmd);
	p = sbuf_str(&e->out);
	(void)k;
	snprintf(line, sizeof(line), "%s", p);
	if (strchr(line, '\n'))
		*strchr(line, '\n') = '\0';
	return line;
}

static void test_ip_part(void **state)
{
	struct env *e = *state;
	struct spec tcp = { .src = "10.1.2.3", .proto = 6, .dport = 80 };
	struct spec udp = { .src = "192.168.0.9", .proto = 17 };
	struct spec frag = { .src = "10.1.2.3", .proto = 6, .frag = 10 };

	ok(e, "iptables -P INPUT DROP");
	ok(e, "iptables -A INPUT -s 10.0.0.0/8 -i eth+ -p tcp ! -f -j ACCEPT");
	ok(e, "iptables -A INPUT ! -s 10.0.0.0/8 ! -i ppp0 ! -p tcp "
	      "-j ACCEPT");
	assert_int_equal(in_filter(e, &tcp, &eth0), NS_ACCEPT);
	assert_int_equal(in_filter(e, &tcp, &ppp0), NS_DROP);
	assert_int_equal(in_filter(e, &frag, &eth0), NS_DROP);
	assert_int_equal(in_filter(e, &udp, &eth1), NS_ACCEPT);
	assert_int_equal(in_filter(e, &udp, &ppp0), NS_DROP);
	assert_int_equal(in_filter(e, &udp, NULL), NS_ACCEPT);
	assert_string_equal(save_line(e, "INPUT", 1),
			    "-A INPUT -s 10.0.0.0/8 -i eth+ -p tcp ! -f "
			    "-c 1 40 -j ACCEPT");
	assert_string_equal(save_line(e, "INPUT", 2),
			    "-A INPUT ! -s 10.0.0.0/8 ! -i ppp0 ! -p tcp "
			    "-c 2 56 -j ACCEPT");
	ok(e, "iptables -S INPUT -v");
	assert_non_null(strstr(sbuf_str(&e->out), "-P INPUT DROP -c 3 "));
	/* Exact interface names; -f only non-first fragments. */
	ok(e, "iptables -F");
	ok(e, "iptables -A INPUT -i eth -j ACCEPT");
	ok(e, "iptables -A INPUT -f -j ACCEPT");
	assert_int_equal(in_filter(e, &tcp, &eth0), NS_DROP);
	assert_int_equal(in_filter(e, &frag, &eth0), NS_ACCEPT);
	/* Destination masks. */
	ok(e, "iptables -A INPUT -d 10.9.0.0/255.255.0.0 -p udp -j ACCEPT");
	assert_int_equal(in_filter(e, &udp, &eth0), NS_ACCEPT);
	udp.dst = "10.8.9.9";
	assert_int_equal(in_filter(e, &udp, &eth0), NS_DROP);
}

static void test_jump_goto_return(void **state)
{
	struct env *e = *state;
	struct spec icmp = { .proto = 1 };
	struct spec tcp = { .proto = 6 };
	struct spec udp = { .proto = 17 };

	ok(e, "iptables -N web");
	ok(e, "iptables -N deep");
	ok(e, "iptables -A deep -p tcp -j ACCEPT");
	ok(e, "iptables -A deep -j RETURN");
	ok(e, "iptables -A deep -j DROP");
	ok(e, "iptables -A web -j deep");
	ok(e, "iptables -A web -p udp -j RETURN");
	ok(e, "iptables -A web -p icmp -j DROP");
	ok(e, "iptables -A INPUT -j web");
	ok(e, "iptables -A INPUT -p udp -j DROP");
	assert_int_equal(in_filter(e, &tcp, &eth0), NS_ACCEPT);
	assert_int_equal(in_filter(e, &icmp, &eth0), NS_DROP);
	assert_int_equal(in_filter(e, &udp, &eth0), NS_DROP);
	/* The rule after the jump saw udp (returned), not tcp/icmp. */
	assert_string_equal(save_line(e, "INPUT", 2),
			    "-A INPUT -p udp -c 1 28 -j DROP");
	assert_string_equal(save_line(e, "deep", 2),
			    "-A deep -c 2 56 -j RETURN");
	assert_string_equal(save_line(e, "deep", 3), "-A deep -c 0 0 -j DROP");

	/* goto: the end of the chain returns past the goto's caller. */
	ok(e, "iptables -F INPUT");
	ok(e, "iptables -N g");
	ok(e, "iptables -A INPUT -p udp -g g");
	ok(e, "iptables -A INPUT -j DROP");
	assert_int_equal(in_filter(e, &udp, &eth0), NS_ACCEPT);
	assert_int_equal(in_filter(e, &tcp, &eth0), NS_DROP);
	ok(e, "iptables -R INPUT 1 -p udp -j g");
	assert_int_equal(in_filter(e, &udp, &eth0), NS_DROP);
	/* goto inside a jump: return to the jumping chain's caller. */
	ok(e, "iptables -F");
	ok(e, "iptables -A web -g g");
	ok(e, "iptables -A INPUT -j web");
	ok(e, "iptables -A INPUT -j DROP");
	assert_int_equal(in_filter(e, &udp, &eth0), NS_DROP);
	/* RETURN in a built-in chain: the policy. */
	ok(e, "iptables -F");
	ok(e, "iptables -P INPUT DROP");
	ok(e, "iptables -A INPUT -j RETURN");
	ok(e, "iptables -A INPUT -j ACCEPT");
	assert_int_equal(in_filter(e, &udp, &eth0), NS_DROP);
}

static void test_counters_carry(void **state)
{
	struct env *e = *state;
	struct spec udp = { .proto = 17, .paylen = 12 };   /* 40 bytes */
	struct xt_net *xn = e->net->xt;
	struct xt_gen *draft;
	struct xt_err err = { 0 };
	int i;

	ok(e, "iptables -A INPUT -p udp");
	ok(e, "iptables -A INPUT -p tcp");
	for (i = 0; i < 3; i++)
		in_filter(e, &udp, &eth0);
	ok(e, "iptables -I INPUT -s 1.2.3.4");
	ok(e, "iptables -A INPUT -j ACCEPT");
	assert_string_equal(save_line(e, "INPUT", 2),
			    "-A INPUT -p udp -c 3 120");
	/* Per-worker slots are summed. */
	ns_worker_id = 5;
	in_filter(e, &udp, &eth0);
	ns_worker_id = 0;
	assert_string_equal(save_line(e, "INPUT", 2),
			    "-A INPUT -p udp -c 4 160");
	ok(e, "iptables -N other");
	assert_string_equal(save_line(e, "INPUT", 2),
			    "-A INPUT -p udp -c 4 160");
	/* A packet counted in the old generation after the draft was cloned
	 * is carried into the new one. */
	draft = xt_gen_clone(xn);
	assert_non_null(draft);
	in_filter(e, &udp, &eth0);
	assert_int_equal(xt_gen_commit(xn, draft, &err), 0);
	assert_string_equal(save_line(e, "INPUT", 2),
			    "-A INPUT -p udp -c 5 200");
	/* -R restarts a rule; -Z CHAIN N one rule; -Z all. */
	in_filter(e, &udp, &eth0);
	ok(e, "iptables -R INPUT 1 -s 1.2.3.5");
	assert_string_equal(save_line(e, "INPUT", 1),
			    "-A INPUT -s 1.2.3.5/32 -c 0 0");
	assert_string_equal(save_line(e, "INPUT", 4),
			    "-A INPUT -c 3 120 -j ACCEPT");
	ok(e, "iptables -Z INPUT 2");
	assert_string_equal(save_line(e, "INPUT", 2), "-A INPUT -p udp -c 0 0");
	assert_string_equal(save_line(e, "INPUT", 4),
			    "-A INPUT -c 3 120 -j ACCEPT");
	ok(e, "iptables -A INPUT -c 9 99 -j DROP");
	assert_string_equal(save_line(e, "INPUT", 5), "-A INPUT -c 9 99 -j DROP");
	ok(e, "iptables -Z");
	assert_string_equal(save_line(e, "INPUT", 4), "-A INPUT -c 0 0 -j ACCEPT");
	assert_string_equal(save_line(e, "INPUT", 5), "-A INPUT -c 0 0 -j DROP");
	sbuf_free(&err.msg);
}

static void test_policy_counters(void **state)
{
	struct env *e = *state;
	struct spec udp = { .proto = 17 };

	in_filter(e, &udp, &eth0);
	in_filter(e, &udp, &eth0);
	ok(e, "iptables -S INPUT -v");
	assert_string_equal(sbuf_str(&e->out), "-P INPUT ACCEPT -c 2 56\n");
	/* Listing changes nothing; a change restarts the policy counters
	 * of the changed table (as legacy iptables on Linux does). */
	ok(e, "iptables -t raw -N x");
	ok(e, "iptables -S INPUT -v");
	assert_string_equal(sbuf_str(&e->out), "-P INPUT ACCEPT -c 2 56\n");
	ok(e, "iptables -N x");
	ok(e, "iptables -S INPUT -v");
	assert_string_equal(sbuf_str(&e->out), "-P INPUT ACCEPT -c 0 0\n");
	ok(e, "iptables -P INPUT DROP -c 7 8");
	ok(e, "iptables -L INPUT -v -n");
	assert_string_equal(sbuf_str(&e->out),
			    "Chain INPUT (policy DROP 7 packets, 8 bytes)\n"
			    " pkts bytes target     prot opt in     out     "
			    "source               destination         \n");
}

/* iptables-save text without its timestamp comment lines. */
static const char *nocomments(const char *s)
{
	static char buf[8192];
	size_t n = 0;

	while (*s) {
		size_t l = strcspn(s, "\n") + (s[strcspn(s, "\n")] ? 1 : 0);

		if (*s != '#' && n + l < sizeof(buf)) {
			memcpy(buf + n, s, l);
			n += l;
		}
		s += l;
	}
	buf[n] = '\0';
	return buf;
}

static void test_transactions(void **state)
{
	struct env *e = *state;
	struct xt_net *xn = e->net->xt;
	const struct xt_gen *before;
	char *save;

	ok(e, "iptables -N a");
	ok(e, "iptables -N b");
	ok(e, "iptables -A INPUT -j a");
	ok(e, "iptables -A a -j b");
	ok(e, "iptables-save");
	save = strdup(nocomments(sbuf_str(&e->out)));
	before = xn->cur;
	/* A loop reachable from a hook is refused; nothing changes. */
	assert_int_equal(run(e, "iptables -A b -g a"), 1);
	assert_string_equal(sbuf_str(&e->err), "iptables: Too many levels of "
			    "symbolic links.\n");
	assert_ptr_equal(xn->cur, before);
	/* A loop no hook reaches is accepted (mark_source_chains). */
	ok(e, "iptables -N c");
	ok(e, "iptables -A c -j c");
	assert_int_equal(run(e, "iptables -A a -j c"), 1);
	ok(e, "iptables -D c -j c");
	ok(e, "iptables -X c");
	/* Deleting a referenced or non-empty chain. */
	assert_int_equal(run(e, "iptables -X b"), 1);
	assert_string_equal(sbuf_str(&e->err), "iptables: Too many links.\n");
	assert_int_equal(run(e, "iptables -X a"), 1);
	assert_int_equal(run(e, "iptables -X"), 1);
	ok(e, "iptables-save");
	assert_string_equal(nocomments(sbuf_str(&e->out)), save);
	/* Renaming moves the references. */
	ok(e, "iptables -E b bee");
	ok(e, "iptables -S a");
	assert_string_equal(sbuf_str(&e->out), "-N a\n-A a -j bee\n");
	/* A table that does not exist: iptables' exit code 3. */
	assert_int_equal(run(e, "iptables -t bogus -S"), 3);
	assert_int_equal(run(e, "iptables-save -t bogus"), 1);
	free(save);
}

static void test_restore_atomic(void **state)
{
	struct env *e = *state;
	const char *good = "*raw\n-A PREROUTING -j ACCEPT\nCOMMIT\n"
			   "*filter\n:INPUT DROP [0:0]\n-A INPUT -j ACCEPT\n"
			   "-A INPUT -j NOPE\nCOMMIT\n";

	ok(e, "iptables -A INPUT -s 1.1.1.1");
	sbuf_reset(&e->out);
	sbuf_reset(&e->err);
	assert_int_equal(ctl_exec_line(e->net, "iptables-restore", good,
				       &e->out, &e->err), 2);
	assert_non_null(strstr(sbuf_str(&e->err), "Error occurred at line: 7"));
	ok(e, "iptables -S");
	assert_string_equal(sbuf_str(&e->out), "-P INPUT ACCEPT\n"
			    "-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n"
			    "-A INPUT -s 1.1.1.1/32\n");
	ok(e, "iptables -t raw -S PREROUTING");
	assert_string_equal(sbuf_str(&e->out),
			    "-P PREROUTING ACCEPT\n-A PREROUTING -j ACCEPT\n");
	/* -c restores counters; the save text round-trips. */
	sbuf_reset(&e->out);
	assert_int_equal(ctl_exec_line(e->net, "iptables-restore -c",
				       "*filter\n:INPUT DROP [5:6]\n:u - [0:0]\n"
				       "[1:2] -A INPUT -p tcp -j u\n"
				       "[3:4] -A u -j RETURN\nCOMMIT\n",
				       &e->out, &e->err), 0);
	ok(e, "iptables-save -c -t filter");
	assert_non_null(strstr(sbuf_str(&e->out),
			       "*filter\n:INPUT DROP [5:6]\n:FORWARD ACCEPT "
			       "[0:0]\n:OUTPUT ACCEPT [0:0]\n:u - [0:0]\n"
			       "[1:2] -A INPUT -p tcp -j u\n"
			       "[3:4] -A u -j RETURN\nCOMMIT\n"));
}

/* A test extension with every kernel-side restriction. */
static int live_states;

static int tst_state_create(const void *data, void **state)
{
	(void)data;
	live_states++;
	*state = &live_states;
	return 0;
}

static void tst_state_destroy(void *state)
{
	assert_ptr_equal(state, &live_states);
	live_states--;
}

static bool tst_match(const struct pkt *pkt, const void *data,
		      struct xt_action *act)
{
	(void)pkt;
	(void)data;
	assert_ptr_equal(act->state, &live_states);
	return true;
}

static const struct xt_option tst_opts[] = { { NULL, 0, 0 } };

static const struct xt_ext_ops tst_ops = {
	.name = "xtcoretest",
	.size = 4,
	.opts = tst_opts,
	.proto = 6,
	.hooks = 1u << NS_INET_LOCAL_IN | 1u << NS_INET_FORWARD,
	.table = "filter",
	.state_create = tst_state_create,
	.state_destroy = tst_state_destroy,
	.match = tst_match,
};

static void test_kernel_checks(void **state)
{
	struct env *e = *state;
	struct spec tcp = { .proto = 6 };
	const char *einval = "iptables: Invalid argument. Run `dmesg' for "
			     "more information.\n";

	xt_ext_register(&tst_ops);
	assert_int_equal(run(e, "iptables -A INPUT -m xtcoretest"), 1);
	assert_string_equal(sbuf_str(&e->err), einval);
	assert_int_equal(run(e, "iptables -A INPUT ! -p tcp -m xtcoretest"),
			 1);
	assert_int_equal(run(e, "iptables -A OUTPUT -p tcp -m xtcoretest"), 1);
	assert_int_equal(run(e, "iptables -t mangle -A INPUT -p tcp "
			     "-m xtcoretest"), 1);
	assert_int_equal(live_states, 0);
	ok(e, "iptables -A INPUT -p tcp -m xtcoretest -j DROP");
	assert_int_equal(live_states, 1);
	assert_int_equal(in_filter(e, &tcp, &eth0), NS_DROP);
	/* Reachability through jumps decides the hooks. */
	ok(e, "iptables -N uc");
	ok(e, "iptables -A uc -p tcp -m xtcoretest");
	assert_int_equal(live_states, 2);
	ok(e, "iptables -A FORWARD -j uc");
	assert_int_equal(run(e, "iptables -A OUTPUT -j uc"), 1);
	assert_string_equal(sbuf_str(&e->err), einval);
	/* One state per rule per generation; the old one is destroyed. */
	ok(e, "iptables -A INPUT -j ACCEPT");
	assert_int_equal(live_states, 2);
	ok(e, "iptables -F");
	assert_int_equal(live_states, 0);
}

/* hotdrop: "--ret 1" matches, "--ret 0" does not; both ask to drop. */
struct hd_info {
	int ret;
};

static int hd_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		    bool invert, void *data)
{
	(void)ctx;
	(void)id;
	(void)invert;
	((struct hd_info *)data)->ret = atoi(arg);
	return 0;
}

static void hd_save(const void *data, const struct xt_ip *ip,
		    struct sbuf *sb)
{
	(void)ip;
	sbuf_addf(sb, " --ret %d", ((const struct hd_info *)data)->ret);
}

static bool hd_match(const struct pkt *pkt, const void *data,
		     struct xt_action *act)
{
	(void)pkt;
	act->hotdrop = true;
	return ((const struct hd_info *)data)->ret;
}

static const struct xt_option hd_opts[] = {
	{ "ret", 0, XTO_ARG }, { NULL, 0, 0 },
};

static const struct xt_ext_ops hd_ops = {
	.name = "xthotdrop",
	.size = sizeof(struct hd_info),
	.opts = hd_opts,
	.parse = hd_parse,
	.save = hd_save,
	.match = hd_match,
};

struct trace_rec {
	char lines[16][128];
	uint32_t verdict[16];
	bool hotdrop[16];
	int n;
	char log[4][1200];
	int nlog;
};

static void trace_ev(void *priv, const struct pkt *pkt,
		     const struct trace_event *ev)
{
	struct trace_rec *r = priv;
	static const char *const k[] = { "rule", "return", "policy" };

	(void)pkt;
	if (ev->kind > TRACE_POLICY || r->n >= 16)
		return;
	r->verdict[r->n] = ev->verdict;
	r->hotdrop[r->n] = ev->text && !strcmp(ev->text, "hotdrop");
	snprintf(r->lines[r->n++], 128, "%s:%s:%s:%u", ev->table, ev->chain,
		 k[ev->kind], ev->rulenum);
}

static void trace_log(void *priv, int level, const char *line)
{
	struct trace_rec *r = priv;

	assert_int_equal(level, NS_LOG_WARNING);
	if (r->nlog < 4)
		snprintf(r->log[r->nlog++], 1200, "%s", line);
}

static void test_hotdrop(void **state)
{
	struct env *e = *state;
	struct spec udp = { .proto = 17 };
	struct trace_rec rec = { .n = 0 };

	xt_ext_register(&hd_ops);
	ok(e, "iptables -A INPUT -p tcp -m xthotdrop --ret 0");
	ok(e, "iptables -A INPUT -j ACCEPT");
	assert_int_equal(in_filter(e, &udp, &eth0), NS_ACCEPT);
	ok(e, "iptables -I INPUT -m xthotdrop --ret 0 -j ACCEPT");
	assert_int_equal(in_filter(e, &udp, &eth0), NS_DROP);
	assert_string_equal(save_line(e, "INPUT", 1),
			    "-A INPUT -m xthotdrop --ret 0 -c 0 0 -j ACCEPT");
	/* Matched but hotdrop: counted, target run, then dropped. */
	ok(e, "iptables -R INPUT 1 -m xthotdrop --ret 1 -j ACCEPT");
	assert_int_equal(in_filter(e, &udp, &eth0), NS_DROP);
	assert_string_equal(save_line(e, "INPUT", 1),
			    "-A INPUT -m xthotdrop --ret 1 -c 1 28 -j ACCEPT");
	ok(e, "iptables -R INPUT 1 -m xthotdrop --ret 1");
	assert_int_equal(in_filter(e, &udp, &eth0), NS_DROP);
	assert_string_equal(save_line(e, "INPUT", 3), "-A INPUT -c 1 28 -j ACCEPT");
	/* The trace sink: a hotdrop is a RULE step with verdict DROP. */
	e->net->trace.event = trace_ev;
	e->net->trace.priv = &rec;
	e->net->trace.all = true;
	ok(e, "iptables -R INPUT 1 -m xthotdrop --ret 0 -j ACCEPT");
	ok(e, "iptables -I INPUT -j LOG");
	assert_int_equal(in_filter(e, &udp, &eth0), NS_DROP);
	assert_int_equal(rec.n, 2);
	assert_string_equal(rec.lines[0], "filter:INPUT:rule:1");
	assert_int_equal(rec.verdict[0], TRACE_NO_VERDICT);
	assert_false(rec.hotdrop[0]);
	assert_string_equal(rec.lines[1], "filter:INPUT:rule:2");
	assert_int_equal(rec.verdict[1], NS_DROP);
	assert_true(rec.hotdrop[1]);
	/* Matched, then hotdrop: the verdict is DROP, not the ACCEPT. */
	ok(e, "iptables -R INPUT 2 -m xthotdrop --ret 1 -j ACCEPT");
	rec.n = 0;
	assert_int_equal(in_filter(e, &udp, &eth0), NS_DROP);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.verdict[1], NS_DROP);
	assert_false(rec.hotdrop[1]);
	e->net->trace.event = NULL;
}

static void test_trace(void **state)
{
	struct env *e = *state;
	struct trace_rec rec = { .n = 0 };
	struct spec udp = { .proto = 17, .src = "10.0.0.1", .dst = "10.0.0.2" };
	struct xt_net *xn = e->net->xt;
	struct pkt *p;

	ok(e, "iptables -N u");
	ok(e, "iptables -A u -p tcp");
	ok(e, "iptables -A u -p udp");
	ok(e, "iptables -A INPUT -s 9.9.9.9");
	ok(e, "iptables -A INPUT -j u");
	ok(e, "iptables -A INPUT -p udp -j u");
	e->net->trace.event = trace_ev;
	e->net->trace.priv = &rec;
	e->net->trace.all = true;
	assert_int_equal(in_filter(e, &udp, &eth0), NS_ACCEPT);
	assert_int_equal(rec.n, 7);
	assert_string_equal(rec.lines[0], "filter:INPUT:rule:2");
	assert_string_equal(rec.lines[1], "filter:u:rule:2");
	assert_string_equal(rec.lines[2], "filter:u:return:3");
	assert_string_equal(rec.lines[3], "filter:INPUT:rule:3");
	assert_string_equal(rec.lines[4], "filter:u:rule:2");
	assert_string_equal(rec.lines[5], "filter:u:return:3");
	assert_string_equal(rec.lines[6], "filter:INPUT:policy:4");
	/* Verdicts: only terminal steps carry one. */
	assert_int_equal(rec.verdict[0], TRACE_NO_VERDICT);
	assert_int_equal(rec.verdict[1], TRACE_NO_VERDICT);
	assert_int_equal(rec.verdict[2], TRACE_NO_VERDICT);
	assert_int_equal(rec.verdict[6], NS_ACCEPT);
	ok(e, "iptables -A u -p udp -j DROP");
	rec.n = 0;
	assert_int_equal(in_filter(e, &udp, &eth0), NS_DROP);
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.lines[2], "filter:u:rule:3");
	assert_int_equal(rec.verdict[1], TRACE_NO_VERDICT);
	assert_int_equal(rec.verdict[2], NS_DROP);
	assert_false(rec.hotdrop[2]);
	ok(e, "iptables -R u 3 -p udp -j ACCEPT");
	rec.n = 0;
	assert_int_equal(in_filter(e, &udp, &eth0), NS_ACCEPT);
	assert_int_equal(rec.verdict[2], NS_ACCEPT);
	ok(e, "iptables -D u 3");
	/* pkt->trace (the TRACE target) also writes the kernel's lines. */
	e->net->trace.all = false;
	e->net->log.write = trace_log;
	e->net->log.priv = &rec;
	rec.n = 0;
	p = mkpkt(e, &udp);
	p->trace = true;
	xt_do_table(e->net, xn->cur, xn->cur->t[XT_TABLE_FILTER],
		    NS_INET_LOCAL_IN, p, &eth0, NULL);
	pkt_free(p);
	assert_int_equal(rec.nlog, 4);
	assert_int_equal(strncmp(rec.log[0], "TRACE: filter:INPUT:rule:2 IN=eth0"
				 " OUT= ", 34), 0);
	assert_non_null(strstr(rec.log[0], "SRC=10.0.0.1 DST=10.0.0.2 "));
	assert_int_equal(strncmp(rec.log[2], "TRACE: filter:u:return:3 ", 25),
			 0);
	/* An unconditional ACCEPT/DROP/RETURN is traced as the chain's tail
	 * (get_chainname_rulenum): "return" in a user chain, "policy" in a
	 * built-in one; the sink still sees a rule step with its verdict. */
	ok(e, "iptables -I u -j RETURN");
	rec.nlog = 0;
	p = mkpkt(e, &udp);
	p->trace = true;
	xt_do_table(e->net, xn->cur, xn->cur->t[XT_TABLE_FILTER],
		    NS_INET_LOCAL_IN, p, &eth0, NULL);
	pkt_free(p);
	assert_true(rec.nlog >= 2);
	assert_int_equal(strncmp(rec.log[0], "TRACE: filter:INPUT:rule:2 ", 27),
			 0);
	assert_int_equal(strncmp(rec.log[1], "TRACE: filter:u:return:1 ", 25),
			 0);
	ok(e, "iptables -I INPUT -j DROP");
	ok(e, "iptables -I INPUT -p udp -j DROP");
	rec.nlog = 0;
	rec.n = 0;
	e->net->trace.all = true;
	p = mkpkt(e, &udp);
	p->trace = true;
	assert_int_equal(xt_do_table(e->net, xn->cur,
				     xn->cur->t[XT_TABLE_FILTER],
				     NS_INET_LOCAL_IN, p, &eth0, NULL),
			 NS_DROP);
	pkt_free(p);
	assert_int_equal(rec.nlog, 1);
	assert_int_equal(strncmp(rec.log[0], "TRACE: filter:INPUT:rule:1 ", 27),
			 0);
	ok(e, "iptables -D INPUT 1");
	rec.nlog = 0;
	rec.n = 0;
	p = mkpkt(e, &udp);
	p->trace = true;
	xt_do_table(e->net, xn->cur, xn->cur->t[XT_TABLE_FILTER],
		    NS_INET_LOCAL_IN, p, &eth0, NULL);
	pkt_free(p);
	assert_int_equal(rec.nlog, 1);
	assert_int_equal(strncmp(rec.log[0], "TRACE: filter:INPUT:policy:1 ",
				 29), 0);
	assert_int_equal(rec.n, 1);
	assert_string_equal(rec.lines[0], "filter:INPUT:rule:1");
	assert_int_equal(rec.verdict[0], NS_DROP);
	e->net->trace.event = NULL;
	e->net->log.write = NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Rule updates stay linear in the ruleset: a restore of 40,000 rules, then
 * single appends (each clones and checks the whole table). Linear, an
 * append takes a few ms (tens under ASan); anything per-rule-per-rule (a
 * quadratic commit check or restore) takes seconds here.
 */
static void test_linear_updates(void **state)
{
	struct env *e = *state;
	struct sbuf in = SBUF_INIT;
	double t0, t1;
	int i;

	sbuf_adds(&in, "*filter\n:FORWARD DROP [0:0]\n-N u\n");
	for (i = 0; i < 40000; i++)
		sbuf_addf(&in, "-A %s -s 198.18.%d.%d/32 -p udp -m udp "
			  "--dport %d -j DROP\n", i & 1 ? "u" : "FORWARD",
			  (i >> 8) & 255, i & 255, 10000 + i % 50000);
	sbuf_adds(&in, "-A FORWARD -j u\nCOMMIT\n");
	t0 = now_s();
	assert_int_equal(ctl_exec_line(e->net, "iptables-restore",
				       sbuf_str(&in), &e->out, &e->err), 0);
	t1 = now_s();
	sbuf_free(&in);
	if (t1 - t0 > 10.0)
		fail_msg("restore of 40000 rules took %.2f s", t1 - t0);
	for (i = 0; i < 3; i++) {
		t0 = now_s();
		ok(e, "iptables -A FORWARD -s 198.19.0.1 -j DROP");
		ok(e, "iptables -A u -s 198.19.0.1 -j DROP");
		t1 = now_s();
		if (t1 - t0 > 2.0)
			fail_msg("two appends to 40000 rules took %.2f s",
				 t1 - t0);
	}
}

/* Hook functions of xt in (pf inet, hook), priorities in order. */
static int xt_prios(struct env *e, int hook, int *prios, int max)
{
	const struct hook_entries *h = e->net->hooks[0][hook];
	int n = 0;
	unsigned i;

	for (i = 0; h && i < h->num && n < max; i++)
		if (h->ops[i].hook == e->net->xt->hooks[0].hook)
			prios[n++] = h->ops[i].priority;
	return n;
}

static void test_hooks_registered(void **state)
{
	struct env *e = *state;
	int prios[8], n;

	/* No table exists before its first use, as in a new namespace. */
	assert_int_equal(e->net->xt->nhooks, 0);
	assert_null(e->net->hooks[0][NS_INET_LOCAL_IN]);
	/* iptables-save without -t loads nothing (it lists what is). */
	ok(e, "iptables-save");
	assert_string_equal(sbuf_str(&e->out), "");
	assert_int_equal(e->net->xt->nhooks, 0);
	/* A command that fails before iptc_init loads nothing either. */
	assert_int_not_equal(run(e, "iptables -t security -A INPUT --bogus"),
			     0);
	assert_int_equal(e->net->xt->nhooks, 0);
	ok(e, "iptables -t security -L");
	assert_int_equal(xt_prios(e, NS_INET_LOCAL_IN, prios, 8), 1);
	assert_int_equal(prios[0], 50);
	ok(e, "iptables -A INPUT -j ACCEPT");
	ok(e, "iptables-save -t mangle");
	sbuf_reset(&e->err);
	assert_int_equal(ctl_exec_line(e->net, "iptables-restore --noflush",
				       "*raw\nCOMMIT\n", &e->out, &e->err),
			 0);
	n = xt_prios(e, NS_INET_LOCAL_IN, prios, 8);
	assert_int_equal(n, 3);
	assert_int_equal(prios[0], -150);
	assert_int_equal(prios[1], 0);
	assert_int_equal(prios[2], 50);
	n = xt_prios(e, NS_INET_PRE_ROUTING, prios, 8);
	assert_int_equal(n, 2);
	assert_int_equal(prios[0], -300);
	assert_int_equal(prios[1], -150);
	/* Loaded once: using a table again registers nothing more. */
	ok(e, "iptables -t security -L");
	ok(e, "iptables -F");
	assert_int_equal(e->net->xt->nhooks, 2 + 5 + 3 + 3);
	/* iptables-save lists the loaded tables, the latest first. */
	ok(e, "iptables-save");
	assert_non_null(strstr(sbuf_str(&e->out), "*raw\n"));
	assert_true(strstr(sbuf_str(&e->out), "*raw\n") <
		    strstr(sbuf_str(&e->out), "*security\n"));
}

static void test_parse_print(void **state)
{
	struct env *e = *state;
	static const char *const rules[][2] = {
		{ "-s 10.11.12.13/255.0.12.0", "-A INPUT -s 10.0.12.0/255.0.12.0" },
		{ "! -s 0.0.0.0/0", "-A INPUT ! -s 0.0.0.0/0" },
		{ "-i + -d 1.2.3.4", "-A INPUT -d 1.2.3.4/32" },
		{ "! -i +", "-A INPUT ! -i +" },
		{ "-p 6", "-A INPUT -p tcp" },
		{ "-p 250", "-A INPUT -p 250" },
		{ "--src 1.2.3.4 --dst=5.6.7.8 --in-interface eth0 --jump DROP",
		  "-A INPUT -s 1.2.3.4/32 -d 5.6.7.8/32 -i eth0 -j DROP" },
		{ "-ptcp -s1.2.3.4 -ieth0 -jACCEPT",
		  "-A INPUT -s 1.2.3.4/32 -i eth0 -p tcp -j ACCEPT" },
		{ "-p tcp --dport 22 -m comment --comment \"a b\"",
		  "-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "
		  "\"a b\"" },
	};
	char cmd[512];
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		char want[512];

		snprintf(cmd, sizeof(cmd), "iptables -A INPUT %s", rules[i][0]);
		ok(e, cmd);
		ok(e, "iptables -S INPUT 1");
		snprintf(want, sizeof(want), "%s\n", rules[i][1]);
		assert_string_equal(sbuf_str(&e->out), want);
		/* The save form parses back to the same rule. */
		snprintf(cmd, sizeof(cmd), "iptables -C INPUT %s",
			 rules[i][1] + strlen("-A INPUT "));
		ok(e, cmd);
		ok(e, "iptables -D INPUT 1");
	}
	assert_int_equal(run(e, "iptables -A INPUT -j"), 2);
	assert_string_equal(sbuf_str(&e->err),
			    "iptables v1.8.9 (legacy): option \"-j\" requires "
			    "an argument\nTry `iptables -h' or 'iptables "
			    "--help' for more information.\n");
}

struct worker {
	struct env *e;
	struct pkt *pkt;
	long bursts;
	long sent;
	volatile int stop;
};

/* A data-path thread: bursts of 32 through INPUT, quiescent in between. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct xt_net *xn = w->e->net->xt;
	int i;

	ns_rcu_register();
	ns_worker_id = 1;
	while (!w->stop || w->bursts < 200) {
		const struct xt_gen *gen = ns_rcu_dereference(xn->cur);

		for (i = 0; i < 32; i++) {
			unsigned v = xt_do_table(w->e->net, gen,
						 gen->t[XT_TABLE_FILTER],
						 NS_INET_LOCAL_IN, w->pkt,
						 &eth0, NULL);

			assert_int_equal(v, NS_ACCEPT);
			w->sent++;
		}
		w->bursts++;
		ns_rcu_quiescent();
	}
	ns_rcu_unregister();
	return NULL;
}

static void test_concurrent_commits(void **state)
{
	struct env *e = *state;
	struct spec udp = { .proto = 17, .paylen = 12 };   /* 40 bytes */
	struct worker w = { .e = e };
	pthread_t th;
	char want[128];
	int i;

	ok(e, "iptables -N uc");
	ok(e, "iptables -A uc -s 3.3.3.3");
	ok(e, "iptables -A INPUT -j uc");
	ok(e, "iptables -A INPUT -p udp");
	ok(e, "iptables -A INPUT -p udp -j ACCEPT");
	w.pkt = mkpkt(e, &udp);
	assert_int_equal(pthread_create(&th, NULL, worker_main, &w), 0);
	for (i = 0; i < 100; i++) {
		ok(e, "iptables -I INPUT 2 -s 1.1.1.1");
		ok(e, "iptables -A INPUT -s 2.2.2.2");
		ok(e, "iptables -L -n -v");
		ok(e, "iptables-save -c");
		ok(e, "iptables -D INPUT 2");
		ok(e, "iptables -D INPUT -s 2.2.2.2");
	}
	w.stop = 1;
	pthread_join(th, NULL);
	pkt_free(w.pkt);
	/* Every packet the worker counted is in the published counters. */
	snprintf(want, sizeof(want), "-A INPUT -p udp -c %ld %ld", w.sent,
		 w.sent * 40);
	assert_string_equal(save_line(e, "INPUT", 2), want);
	snprintf(want, sizeof(want), "-A INPUT -p udp -c %ld %ld -j ACCEPT",
		 w.sent, w.sent * 40);
	assert_string_equal(save_line(e, "INPUT", 3), want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ip_part, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jump_goto_return, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_counters_carry, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_policy_counters, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_restore_atomic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kernel_checks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_trace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_registered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_parse_print, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_commits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hotdrop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linear_updates, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
