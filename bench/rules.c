// SPDX-License-Identifier: MIT
/*
 * Benchmark: large rulesets, the compiled classifier (doc/classifier.md)
 * against the linear scan. Packets per second on one core through FORWARD
 * (64-byte UDP injected from memory with ns_inject, as bench/engine.c) for
 * 0, 10,000 and 100,000 blocklist rules (`-s X/32 -p udp --dport N -j
 * DROP`, then ACCEPT) with traffic that misses every rule and traffic
 * spread evenly over the rules (every packet dropped by its rule); a
 * ClassBench-style set of 10,000 rules with many mask shapes (prefix
 * lengths, port ranges, protocols), in random order and most specific
 * first, with traffic drawn from the rules; and
 * how long updates take at 100,000 rules: iptables-restore, one -A, one
 * -D, one -I 1. Benchmark code, one thread.
 *
 * With "threshold": short blocklists (4 to 64 rules, traffic missing them
 * and traffic spread over them) through the classifier and through the
 * linear scan, to choose the chain length from which the classifier is
 * used (XT_CLS_MIN_RULES).
 *
 * usage: bench-rules [SECONDS_PER_CELL] [linear|threshold]
 */
#include <netsieve/netsieve.h>

#include "base/sbuf.h"
#include "core/net.h"
#include "core/netdev.h"
#include "ctl/ctl.h"
#include "stack/conf.h"
#include "stack/stack.h"
#include "xt/cls.h"

#include "common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NFRAMES 4096

static const char *const setup[] = {
	"ip link add eth0 type dummy",
	"ip link add eth1 type dummy",
	"ip link set eth0 address 02:00:00:00:00:01",
	"ip link set eth1 address 02:00:00:00:00:02",
	"ip addr add 10.0.1.1/24 dev eth0",
	"ip addr add 10.0.2.1/24 dev eth1",
	"ip link set eth0 up",
	"ip link set eth1 up",
	"ip neigh add 10.0.2.2 lladdr 02:00:00:00:01:02 dev eth1 nud permanent",
	"ip route add default via 10.0.2.2",
	"sysctl -w net.ipv4.ip_forward=1",
	NULL,
};

static const uint8_t dmac[6] = { 2, 0, 0, 0, 0, 1 };
static uint8_t frames[NFRAMES][64];
static uint64_t rng = 88172645463325252ull;

static uint32_t rnd32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static unsigned rnd(unsigned n)
{
	return rnd32() % n;
}

/* Blocklist rule i: source 198.18.0.0 + i, UDP destination port. */
static uint32_t bl_src(int i)
{
	return 0xc6120000u + (uint32_t)i;
}

static uint16_t bl_dport(int i)
{
	return (uint16_t)(10000 + i % 50000);
}

static char *blocklist(int n)
{
	struct sbuf sb = SBUF_INIT;
	int i;

	sbuf_adds(&sb, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n"
		       ":OUTPUT ACCEPT [0:0]\n");
	for (i = 0; i < n; i++) {
		uint32_t s = bl_src(i);

		sbuf_addf(&sb, "-A FORWARD -s %u.%u.%u.%u/32 -p udp -m udp "
			  "--dport %u -j DROP\n", s >> 24, (s >> 16) & 255,
			  (s >> 8) & 255, s & 255, bl_dport(i));
	}
	sbuf_adds(&sb, "-A FORWARD -j ACCEPT\nCOMMIT\n");
	return sbuf_detach(&sb);
}

/* ---- a ClassBench-style ruleset ---------------------------------------- */

struct cb_rule {
	uint32_t src, dst;
	unsigned slen, dlen;
	int proto;               /* 6, 17, 1 or 0 */
	uint16_t sp[2], dp[2];
	bool drop;
};

static struct cb_rule *cb;

/* Prefix lengths as in ACL seeds: many /32, /24, /16 and some odd ones. */
static unsigned cb_len(void)
{
	static const unsigned lens[] = { 0, 0, 8, 16, 16, 20, 24, 24, 24,
					 28, 32, 32, 32, 32, 12, 30 };

	return lens[rnd(16)];
}

/* Addresses from a few hundred networks, so prefixes nest and overlap. */
static uint32_t cb_addr(void)
{
	return ((10u + rnd(4)) << 24) | (rnd(16) << 16) | (rnd(32) << 8) |
	       rnd(256);
}

static void cb_ports(uint16_t p[2], bool dst)
{
	static const uint16_t well[] = { 21, 22, 25, 53, 80, 110, 123, 443,
					 3306, 8080 };

	switch (rnd(dst ? 8 : 10)) {
	case 0:
		p[0] = 1024;
		p[1] = 65535;
		return;
	case 1:
		p[0] = 0;
		p[1] = 1023;
		return;
	case 2:
		p[0] = (uint16_t)(6000 + rnd(1000));
		p[1] = (uint16_t)(p[0] + rnd(8));
		return;
	case 3:
	case 4:
	case 5:
		p[0] = p[1] = dst ? well[rnd(10)] :
				    (uint16_t)(1024 + rnd(60000));
		if (!dst && rnd(3))
			break;
		return;
	}
	p[0] = 0;
	p[1] = 65535;
}

/* More specific first (longer prefixes, then ports), as ACLs are written. */
static int cb_cmp(const void *a, const void *b)
{
	const struct cb_rule *x = a, *y = b;
	unsigned sx = x->slen + x->dlen + (x->proto ? 8 : 0) +
		      (x->dp[0] == x->dp[1] ? 16 : 0);
	unsigned sy = y->slen + y->dlen + (y->proto ? 8 : 0) +
		      (y->dp[0] == y->dp[1] ? 16 : 0);

	return sx > sy ? -1 : sx < sy;
}

/*
 * n rules with many mask shapes; sorted: most specific first (else in
 * the random order they were drawn, wide rules anywhere).
 */
static char *classbench(int n, bool sorted)
{
	static const int protos[] = { 6, 6, 6, 17, 17, 17, 1, 0 };
	struct sbuf sb = SBUF_INIT;
	int i;

	cb = calloc((size_t)n, sizeof(*cb));
	sbuf_adds(&sb, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		       ":OUTPUT ACCEPT [0:0]\n");
	for (i = 0; i < n; i++) {
		struct cb_rule *r = &cb[i];

		r->slen = cb_len();
		r->dlen = cb_len();
		r->src = r->slen ? cb_addr() & (~0u << (32 - r->slen)) : 0;
		r->dst = r->dlen ? cb_addr() & (~0u << (32 - r->dlen)) : 0;
		r->proto = protos[rnd(8)];
		r->sp[0] = r->dp[0] = 0;
		r->sp[1] = r->dp[1] = 65535;
		if (r->proto == 6 || r->proto == 17) {
			cb_ports(r->sp, false);
			cb_ports(r->dp, true);
		}
		r->drop = rnd(2);
	}
	if (sorted)
		qsort(cb, (size_t)n, sizeof(*cb), cb_cmp);
	for (i = 0; i < n; i++) {
		const struct cb_rule *r = &cb[i];

		sbuf_addf(&sb, "-A FORWARD -s %u.%u.%u.%u/%u -d %u.%u.%u.%u/%u",
			  r->src >> 24, (r->src >> 16) & 255,
			  (r->src >> 8) & 255, r->src & 255, r->slen,
			  r->dst >> 24, (r->dst >> 16) & 255,
			  (r->dst >> 8) & 255, r->dst & 255, r->dlen);
		if (r->proto)
			sbuf_addf(&sb, " -p %s", r->proto == 6 ? "tcp" :
				  r->proto == 17 ? "udp" : "icmp");
		if (r->proto == 6 || r->proto == 17) {
			sbuf_addf(&sb, " -m %s", r->proto == 6 ? "tcp" : "udp");
			if (r->sp[0] || r->sp[1] != 65535)
				sbuf_addf(&sb, " --sport %u:%u", r->sp[0],
					  r->sp[1]);
			if (r->dp[0] || r->dp[1] != 65535)
				sbuf_addf(&sb, " --dport %u:%u", r->dp[0],
					  r->dp[1]);
		}
		sbuf_addf(&sb, " -j %s\n", r->drop ? "DROP" : "ACCEPT");
	}
	sbuf_adds(&sb, "COMMIT\n");
	return sbuf_detach(&sb);
}

/* A UDP packet inside rule r's box (udp or any-protocol rules). */
static void cb_frame(uint8_t *f, const struct cb_rule *r)
{
	uint32_t hs = r->slen == 32 ? 0 : rnd32() >> r->slen;
	uint32_t hd = r->dlen == 32 ? 0 : rnd32() >> r->dlen;
	uint16_t sp = (uint16_t)(r->sp[0] + rnd(r->sp[1] - r->sp[0] + 1u));
	uint16_t dp = (uint16_t)(r->dp[0] + rnd(r->dp[1] - r->dp[0] + 1u));

	if (!r->slen)
		hs = rnd32();
	if (!r->dlen)
		hd = rnd32();
	bench_udp_frame(f, htonl(r->src | hs), htonl(r->dst | hd), sp, dp,
			dmac);
}

/* ---- running ------------------------------------------------------------ */

static struct net *net_new(const char *rules)
{
	struct net *net;
	int i;

	if (ns_net_create(&net))
		return NULL;
	for (i = 0; setup[i]; i++)
		if (bench_run(net, setup[i], NULL))
			return NULL;
	if (rules && bench_run(net, "iptables-restore", rules))
		return NULL;
	return net;
}

/*
 * CPU seconds of this process: on a machine shared with builds the wall
 * clock counts their time too; one thread injects, so this is its time.
 */
static double cpu_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * Inject frames[0..nf) round robin for secs of CPU time; packets per
 * CPU second.
 */
static double run(struct net *net, int nf, double secs, uint64_t *fwd)
{
	struct netdev *out = net_dev_by_name(net, "eth1");
	uint64_t tx0 = netdev_stats_read(out).tx_packets, sent = 0, ts = 0;
	double start = cpu_now_s(), end = start + secs, now;
	int i;

	do {
		for (i = 0; i < 1024; i++)
			ns_inject(net, "eth0", frames[(sent + (uint64_t)i) %
						      (uint64_t)nf],
				  60, ts += 1000);
		sent += 1024;
		now = cpu_now_s();
	} while (now < end);
	*fwd = netdev_stats_read(out).tx_packets - tx0;
	return (double)sent / (now - start);
}

/* A command's CPU milliseconds (*wall: its wall-clock milliseconds). */
static double timed(struct net *net, const char *line, const char *input,
		    double *wall)
{
	double t0 = cpu_now_s(), w0 = bench_now_s();

	if (bench_run(net, line, input))
		exit(1);
	*wall = (bench_now_s() - w0) * 1e3;
	return (cpu_now_s() - t0) * 1e3;
}

/* Miss and spread traffic over a blocklist of n; packets per second. */
static void blocklist_pps(int n, double secs, double pps[2])
{
	char *rules = blocklist(n);
	struct net *net = net_new(rules);
	uint64_t fwd;
	int i;

	free(rules);
	if (!net)
		exit(1);
	for (i = 0; i < NFRAMES; i++)
		bench_udp_frame(frames[i], htonl(0x0a000102),
				htonl(0x0a000202), (uint16_t)(1024 + i), 5000,
				dmac);
	pps[0] = run(net, NFRAMES, secs, &fwd);
	for (i = 0; i < NFRAMES; i++) {
		int r = n ? i % n : 0;

		bench_udp_frame(frames[i], htonl(bl_src(r)), htonl(0x0a000202),
				1234, bl_dport(r), dmac);
	}
	pps[1] = run(net, NFRAMES, secs, &fwd);
	ns_net_destroy(net);
}

static int threshold(double secs)
{
	static const int sizes[] = { 4, 8, 12, 16, 24, 32, 64 };
	size_t s;

	printf("%-6s %14s %14s %14s %14s\n", "rules", "linear miss",
	       "cls miss", "linear spread", "cls spread");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		double lin[2], cls[2];

		xt_cls_set_min_rules(-1);
		blocklist_pps(sizes[s], secs, lin);
		xt_cls_set_min_rules(1);
		blocklist_pps(sizes[s], secs, cls);
		printf("%-6d %14.0f %14.0f %14.0f %14.0f\n", sizes[s], lin[0],
		       cls[0], lin[1], cls[1]);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 0, 10000, 100000 };
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	bool linear = argc > 2 && !strcmp(argv[2], "linear");
	double base = 0;
	size_t s;
	int i;

	if (argc > 2 && !strcmp(argv[2], "threshold"))
		return threshold(secs);
	xt_cls_set_min_rules(linear ? -1 : XT_CLS_MIN_RULES);
	printf("%s; 64-byte UDP through FORWARD, one core\n",
	       linear ? "linear scan" : "compiled classifier");
	printf("%-28s %12s %10s %8s\n", "ruleset, traffic", "pkts/s",
	       "ns/pkt", "vs 0");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		int n = sizes[s];
		char *rules = blocklist(n);
		struct net *net = net_new(rules);
		uint64_t fwd;
		double pps;
		char name[64];

		free(rules);
		if (!net)
			return 1;
		for (i = 0; i < NFRAMES; i++)
			bench_udp_frame(frames[i], htonl(0x0a000102),
					htonl(0x0a000202),
					(uint16_t)(1024 + i), 5000, dmac);
		pps = run(net, NFRAMES, secs, &fwd);
		if (!n)
			base = pps;
		snprintf(name, sizeof(name), "blocklist %d, miss", n);
		printf("%-28s %12.0f %10.1f %7.0f%%\n", name, pps, 1e9 / pps,
		       100 * pps / base);
		fflush(stdout);
		if (n) {
			uint64_t hits = 0;

			for (i = 0; i < NFRAMES; i++) {
				int r = (int)((uint64_t)i * (uint64_t)n /
					      NFRAMES);

				bench_udp_frame(frames[i], htonl(bl_src(r)),
						htonl(0x0a000202), 1234,
						bl_dport(r), dmac);
			}
			pps = run(net, NFRAMES, secs, &hits);
			if (hits) {
				fprintf(stderr, "bench: %llu hits forwarded\n",
					(unsigned long long)hits);
				return 1;
			}
			snprintf(name, sizeof(name), "blocklist %d, spread", n);
			printf("%-28s %12.0f %10.1f %7.0f%%\n", name, pps,
			       1e9 / pps, 100 * pps / base);
			fflush(stdout);
		}
		ns_net_destroy(net);
	}
	for (s = 0; s < 2; s++) {
		char *rules = classbench(10000, s == 1);
		struct net *net = net_new(rules);
		uint64_t fwd;
		double pps;

		free(rules);
		if (!net)
			return 1;
		for (i = 0; i < NFRAMES; i++) {
			const struct cb_rule *r;

			do
				r = &cb[rnd(10000)];
			while (r->proto != 17 && r->proto != 0);
			cb_frame(frames[i], r);
		}
		pps = run(net, NFRAMES, secs, &fwd);
		printf("%-28s %12.0f %10.1f %7.0f%%\n", s ? "classbench 10000, "
		       "sorted" : "classbench 10000, random", pps, 1e9 / pps,
		       100 * pps / base);
		fflush(stdout);
		ns_net_destroy(net);
		free(cb);
	}
	{
		static const char *const cmds[] = {
			"iptables -A FORWARD -s 198.19.0.1 -j DROP",
			"iptables -D FORWARD 100002",
			"iptables -I FORWARD 100000 -s 198.19.0.2 -j DROP",
			"iptables -D FORWARD 1",
		};
		char *rules = blocklist(100000);
		struct net *net = net_new(NULL);
		double cpu, wall;
		size_t k;

		if (!net)
			return 1;
		printf("\nupdates at 100,000 rules        CPU ms    wall ms\n");
		cpu = timed(net, "iptables-restore", rules, &wall);
		printf("%-30s %9.2f %10.2f\n", "iptables-restore", cpu, wall);
		for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
			cpu = timed(net, cmds[k], NULL, &wall);
			printf("%-30.30s %9.2f %10.2f\n", cmds[k] + 9, cpu,
			       wall);
		}
		free(rules);
		ns_net_destroy(net);
	}
	return 0;
}
