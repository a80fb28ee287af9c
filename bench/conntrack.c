// SPDX-License-Identifier: MIT
/*
 * Benchmark: connection tracking and NAT, the engine alone on one core.
 * 64-byte UDP frames from memory through FORWARD in bursts of 32 (as a
 * worker takes them), in four set-ups:
 *
 *   stateless    no tracking, ACCEPT policy (the baseline)
 *   established  tracking on, `-m conntrack --ctstate ESTABLISHED -j
 *                ACCEPT` first, 256 connections seen both ways before
 *   new          every packet a new connection (new source address and
 *                port), tracking on, ACCEPT
 *   new+SNAT     the same through `-t nat -A POSTROUTING -o eth1 -j SNAT
 *                --to-source 10.0.2.1` (a million connections to 64
 *                server ports: the source port is kept or a free one
 *                found, as on a gateway; not an exhausted port range)
 *
 * Then memory: the resident bytes one million confirmed entries add, per
 * entry, with sizeof(struct ct_conn) beside it. Prints one table; the
 * figures are kept in doc/benchmarks.md.
 *
 * Packet rates are the best of three runs of SECONDS each; connection
 * rates the best of three runs of a million connections, each on a fresh
 * table.
 *
 * usage: bench-conntrack [SECONDS [established|snat]]  (the second
 * argument: only the stateless row and that one, for profiling)
 */
#include <netsieve/netsieve.h>

#include "base/rcu.h"
#include "base/sbuf.h"
#include "core/net.h"
#include "core/worker.h"
#include "ct/ct.h"
#include "ctl/ctl.h"
#include "stack/conf.h"
#include "stack/stack.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const setup[] = {
	"ip link add eth0 type dummy",
	"ip link add eth1 type dummy",
	"ip link set eth0 address 02:00:00:00:00:01",
	"ip link set eth1 address 02:00:00:00:00:02",
	"ip addr add 10.0.1.1/16 dev eth0",
	"ip addr add 10.0.2.1/24 dev eth1",
	"ip link set eth0 up",
	"ip link set eth1 up",
	"ip neigh add 10.0.2.2 lladdr 02:00:00:00:01:02 dev eth1 nud permanent",
	"ip neigh add 10.0.1.2 lladdr 02:00:00:00:01:03 dev eth0 nud permanent",
	"sysctl -w net.ipv4.ip_forward=1",
	NULL,
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint16_t csum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* UDP src:sport -> dst:dport in a 60-byte frame (no UDP checksum). */
static void build(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport,
		  uint16_t dport, const uint8_t *dmac)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	uint16_t c;

	memset(f, 0, 60);
	memcpy(f, dmac, 6);
	memcpy(f + 6, "\x02\0\0\0\x01\x01", 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = 46;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	c = csum16(ip, 20, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[5] = 26;
}

static int run(struct net *net, const char *line)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	int rc = ctl_exec_line(net, line, NULL, &out, &err);

	if (rc)
		fprintf(stderr, "bench: '%s' failed (%d): %s", line, rc,
			sbuf_str(&err));
	sbuf_free(&out);
	sbuf_free(&err);
	return rc;
}

static const uint8_t mac0[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t mac1[6] = { 2, 0, 0, 0, 0, 2 };
static uint64_t clock_ns = 1000000000ull;

/*
 * Push n packets in bursts of 32; flow i of packet k: fill(f, k).
 * Returns packets per second.
 */
static double push(struct net *net, uint64_t n,
		   void (*fill)(uint8_t *f, uint64_t k), int *on_eth1)
{
	struct ns_worker *w = &net->inject;
	uint8_t f[64];
	uint64_t k = 0;
	double t0 = now_s();

	while (k < n) {
		struct netdev *dev0, *dev1;

		ns_rcu_reader_enter();
		ns_worker_enter(w, clock_ns += 32000);
		dev0 = net_dev_by_name(net, "eth0");
		dev1 = net_dev_by_name(net, "eth1");
		for (int i = 0; i < 32 && k < n; i++, k++) {
			struct pkt *p = pkt_alloc(&w->pool);

			if (!p)
				break;
			*on_eth1 = 0;
			fill(f, k);
			pkt_set_frame(p, f, 60);
			p->tstamp_ns = clock_ns;
			stack_rcv(net, *on_eth1 ? dev1 : dev0, p);
		}
		ns_worker_leave(w);
		ns_rcu_reader_leave();
	}
	return (double)n / (now_s() - t0);
}

static int dir_eth1;

/* The best of three runs (other load on the machine only slows a run). */
static double best3(struct net *net, uint64_t n,
		    void (*fill)(uint8_t *f, uint64_t k))
{
	double best = 0, r;

	for (int i = 0; i < 3; i++) {
		r = push(net, n, fill, &dir_eth1);
		if (r > best)
			best = r;
	}
	return best;
}

/* 256 established flows 10.0.1.2:(1024+i) -> 10.0.2.2:5000. */
static void fill_flows(uint8_t *f, uint64_t k)
{
	build(f, htonl(0x0a000102), htonl(0x0a000202),
	      (uint16_t)(1024 + (k & 255)), 5000, mac0);
}

/* Replies of those flows, arriving on eth1. */
static void fill_replies(uint8_t *f, uint64_t k)
{
	build(f, htonl(0x0a000202), htonl(0x0a000102), 5000,
	      (uint16_t)(1024 + (k & 255)), mac1);
	dir_eth1 = 1;
}

/*
 * A new connection per packet: clients 10.0.(1..250).(2..251), each
 * port 1024-60999, to 64 servers' ports (10.0.2.2, ports 5000-5063), so
 * that SNAT to one address finds a free tuple as on a real gateway (one
 * address has 64,512 ports per server port).
 */
static void fill_new(uint8_t *f, uint64_t k)
{
	uint32_t host = (uint32_t)(k / 59976);
	uint32_t src = 0x0a000000u | ((1 + (host >> 8) % 250) << 8) |
		       (2 + (host & 0xff) % 250);

	build(f, htonl(src), htonl(0x0a000202), (uint16_t)(1024 + k % 59976),
	      (uint16_t)(5000 + (k >> 4) % 64), mac0);
}

static struct net *make_net(bool ct, const char *const *rules)
{
	struct net *net;

	if (ns_net_create(&net))
		return NULL;
	ns_net_set_seed(net, 1);
	for (int i = 0; setup[i]; i++)
		if (run(net, setup[i]))
			return NULL;
	/* A hash size for a million entries (two tuples each), as a user
	 * would set it. */
	if (ct && (run(net, "sysctl -w net.netfilter.nf_conntrack_buckets="
		       "2097152") || ct_net_enable(net)))
		return NULL;
	for (int i = 0; rules && rules[i]; i++)
		if (run(net, rules[i])) {
			ns_net_destroy(net);
			return NULL;
		}
	return net;
}

static long rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	static const char *const est_rules[] = {
		"iptables -P FORWARD DROP",
		"iptables -A FORWARD -m conntrack --ctstate ESTABLISHED "
		"-j ACCEPT",
		"iptables -A FORWARD -m conntrack --ctstate NEW -j ACCEPT",
		"sysctl -w net.netfilter.nf_conntrack_max=8000000",
		NULL,
	};
	static const char *const rule_rules[] = {
		"iptables -P FORWARD DROP",
		"iptables -A FORWARD -p tcp -j ACCEPT",
		"iptables -A FORWARD -p udp -j ACCEPT",
		NULL,
	};
	static const char *const new_rules[] = {
		"sysctl -w net.netfilter.nf_conntrack_max=8000000",
		NULL,
	};
	static const char *const snat_rules[] = {
		"sysctl -w net.netfilter.nf_conntrack_max=8000000",
		"iptables -t nat -A POSTROUTING -o eth1 -j SNAT --to-source "
		"10.0.2.1",
		NULL,
	};
	double base, est, nw, ns;
	char mem[256];
	uint64_t n;
	struct net *net;
	long before, after;

	/* Size the runs from a short stateless probe. */
	net = make_net(false, NULL);
	if (!net)
		return 1;
	push(net, 100000, fill_flows, &dir_eth1);
	base = push(net, 2000000, fill_flows, &dir_eth1);
	n = (uint64_t)(base * secs);
	base = best3(net, n, fill_flows);
	ns_net_destroy(net);

	printf("%-44s %12s %10s\n", "set-up (one core, 64-byte UDP)",
	       "pkts/s", "vs base");
	printf("%-44s %12.0f %9.0f%%\n", "stateless, ACCEPT", base, 100.0);

	/* The same traffic through two stateless rules, as many as the
	 * established set-up has: what tracking itself costs. */
	net = make_net(false, rule_rules);
	if (net) {
		double r2 = best3(net, n, fill_flows);

		printf("%-44s %12.0f %9.0f%%\n",
		       "stateless, DROP policy, 2 rules (-p udp)", r2,
		       100.0 * r2 / base);
		ns_net_destroy(net);
	}

	net = make_net(true, est_rules);
	if (net) {
		push(net, 256, fill_flows, &dir_eth1);
		push(net, 256, fill_replies, &dir_eth1);
		est = best3(net, n, fill_flows);
		printf("%-44s %12.0f %9.0f%%\n",
		       "established, --ctstate ESTABLISHED first", est,
		       100.0 * est / base);
		ns_net_destroy(net);
	} else {
		printf("%-44s %12s\n", "established", "n/a (rules refused)");
	}

	if (argc > 2 && !strcmp(argv[2], "established"))
		return 0;
	if (argc > 2 && !strcmp(argv[2], "snat"))
		goto snat;
	net = make_net(true, new_rules);
	if (!net)
		return 1;
	before = rss_kib();
	nw = push(net, 1000000, fill_new, &dir_eth1);
	after = rss_kib();
	snprintf(mem, sizeof(mem), "\nmemory: %u entries in the table; "
		 "resident growth %.0f bytes per entry; sizeof(struct "
		 "ct_conn) = %zu\n", ct_count(net),
		 (double)(after - before) * 1024.0 /
		 (double)(ct_count(net) ? ct_count(net) : 1),
		 sizeof(struct ct_conn));
	ns_net_destroy(net);
	/* Two more runs, each on a fresh table: the best rate counts. */
	for (int i = 0; i < 2; i++) {
		double r;

		net = make_net(true, new_rules);
		if (!net)
			return 1;
		r = push(net, 1000000, fill_new, &dir_eth1);
		if (r > nw)
			nw = r;
		ns_net_destroy(net);
	}
	printf("%-44s %12.0f %9.0f%%  (new conns/s)\n",
	       "new connection per packet", nw, 100.0 * nw / base);
	fputs(mem, stdout);

snat:
	ns = 0;
	for (int i = 0; i < 3; i++) {
		double r;

		net = make_net(true, snat_rules);
		if (!net)
			break;
		r = push(net, 1000000, fill_new, &dir_eth1);
		if (r > ns)
			ns = r;
		ns_net_destroy(net);
	}
	if (ns > 0) {
		printf("%-44s %12.0f %9.0f%%  (new conns/s)\n",
		       "new connection per packet, SNAT", ns,
		       100.0 * ns / base);
	} else {
		printf("%-44s %12s\n", "new connection per packet, SNAT",
		       "n/a (nat refused)");
	}
	return 0;
}
