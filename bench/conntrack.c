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

#include "common.h"

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


static const uint8_t mac0[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t mac1[6] = { 2, 0, 0, 0, 0, 2 };
static uint64_t clock_ns = 1000000000ull;

/* Set by a fill function whose packet arrives on eth1 (not eth0). */
static int dir_eth1;

/*
 * Push n packets in bursts of 32; flow i of packet k: fill(f, k).
 * Returns packets per second.
 */
static double push(struct net *net, uint64_t n,
		   void (*fill)(uint8_t *f, uint64_t k))
{
	struct ns_worker *w = &net->inject;
	uint8_t f[64];
	uint64_t k = 0;
	double t0 = bench_now_s();

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
			dir_eth1 = 0;
			fill(f, k);
			pkt_set_frame(p, f, 60);
			p->tstamp_ns = clock_ns;
			stack_rcv(net, dir_eth1 ? dev1 : dev0, p);
		}
		ns_worker_leave(w);
		ns_rcu_reader_leave();
	}
	return (double)n / (bench_now_s() - t0);
}


/* The best of three runs (other load on the machine only slows a run). */
static double best3(struct net *net, uint64_t n,
		    void (*fill)(uint8_t *f, uint64_t k))
{
	double best = 0, r;

	for (int i = 0; i < 3; i++) {
		r = push(net, n, fill);
		if (r > best)
			best = r;
	}
	return best;
}

/* 256 established flows 10.0.1.2:(1024+i) -> 10.0.2.2:5000. */
static void fill_flows(uint8_t *f, uint64_t k)
{
	bench_udp_frame(f, htonl(0x0a000102), htonl(0x0a000202),
			(uint16_t)(1024 + (k & 255)), 5000, mac0);
}

/* Replies of those flows, arriving on eth1. */
static void fill_replies(uint8_t *f, uint64_t k)
{
	bench_udp_frame(f, htonl(0x0a000202), htonl(0x0a000102), 5000,
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

	bench_udp_frame(f, htonl(src), htonl(0x0a000202),
			(uint16_t)(1024 + k % 59976),
			(uint16_t)(5000 + (k >> 4) % 64), mac0);
}

static struct net *make_net(bool ct, const char *const *rules)
{
	struct net *net;

	if (ns_net_create(&net))
		return NULL;
	ns_net_set_seed(net, 1);
	for (int i = 0; setup[i]; i++)
		if (bench_run(net, setup[i], NULL))
			return NULL;
	/* A hash size for a million entries (two tuples each), as a user
	 * would set it. */
	if (ct && (bench_run(net, "sysctl -w net.netfilter.nf_conntrack_buckets="
			     "2097152", NULL) || ct_net_enable(net)))
		return NULL;
	for (int i = 0; rules && rules[i]; i++)
		if (bench_run(net, rules[i], NULL)) {
			ns_net_destroy(net);
			return NULL;
		}
	return net;
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
	push(net, 100000, fill_flows);
	base = push(net, 2000000, fill_flows);
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
		push(net, 256, fill_flows);
		push(net, 256, fill_replies);
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
	before = bench_rss_kib();
	nw = push(net, 1000000, fill_new);
	after = bench_rss_kib();
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
		r = push(net, 1000000, fill_new);
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
		r = push(net, 1000000, fill_new);
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
