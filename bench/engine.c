// SPDX-License-Identifier: MIT
/*
 * Benchmark: the engine alone. Packets per second on one core through
 * FORWARD with 0, 100, 1,000 and 10,000 non-matching rules (`-s` /32 and
 * `--dport`, as a real blocklist) before the final ACCEPT, with 64-byte UDP
 * frames injected from memory (ns_inject: one lock, one copy, parse, the
 * hooks of every table, routing, forwarding, transmit to a device without
 * I/O). Also measures how long a rule update takes at each size: a full
 * iptables-restore of the ruleset and one `iptables -A` on top of it.
 * Then the same traffic through 1 and 2 data-path workers, each on its own
 * thread with its own pool, taking bursts of 32 as the daemon's workers
 * do (256 flows, so both carry traffic), to show how cores add up.
 * Prints two tables; figures are kept in doc/benchmarks.md.
 *
 * usage: bench-engine [SECONDS_PER_SIZE] [SIZES...]
 */
#include <netsieve/netsieve.h>

#include "base/rcu.h"
#include "base/sbuf.h"
#include "core/net.h"
#include "core/worker.h"
#include "ctl/ctl.h"
#include "stack/conf.h"
#include "stack/stack.h"

#include "common.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	"sysctl -w net.ipv4.ip_forward=1",
	NULL,
};

/* A 60-byte frame (64 on the wire with FCS): UDP 10.0.1.2 -> 10.0.2.2. */
static size_t build_frame(uint8_t *f)
{
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 1 };

	return bench_udp_frame(f, htonl(0x0a000102), htonl(0x0a000202), 1234,
			       5000, dst);
}

/* The ruleset: n blocklist rules that never match, then ACCEPT. */
static char *ruleset(int n)
{
	struct sbuf sb = SBUF_INIT;
	int i;

	sbuf_adds(&sb, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n"
		       ":OUTPUT ACCEPT [0:0]\n");
	for (i = 0; i < n; i++)
		sbuf_addf(&sb, "-A FORWARD -s 198.18.%d.%d/32 -p udp -m udp "
			  "--dport %d -j DROP\n", (i >> 8) & 255, i & 255,
			  10000 + i % 50000);
	sbuf_adds(&sb, "-A FORWARD -j ACCEPT\nCOMMIT\n");
	return sbuf_detach(&sb);
}

struct wctx {
	struct net *net;
	struct ns_worker *w;
	const uint8_t *frame;
	size_t flen;
	double secs;
	uint64_t sent;
	atomic_int *go;
};

/* One worker's thread: bursts of 32, as the daemon's workers take them. */
static void *worker_thread(void *arg)
{
	struct wctx *c = arg;
	uint8_t f[64];
	uint64_t ts = 0;
	uint16_t flow = 0;
	double end;

	memcpy(f, c->frame, c->flen);
	while (!atomic_load(c->go))
		;
	end = bench_now_s() + c->secs;
	do {
		struct netdev *dev;
		int i;

		ns_rcu_reader_enter();
		ns_worker_enter(c->w, ts += 32000);
		dev = net_dev_by_name(c->net, "eth0");
		for (i = 0; i < 32; i++) {
			struct pkt *p = pkt_alloc(&c->w->pool);

			if (!p)
				break;
			/* 256 flows: the source port's low byte. */
			f[14 + 20 + 1] = (uint8_t)flow++;
			pkt_set_frame(p, f, (uint32_t)c->flen);
			p->tstamp_ns = ts;
			stack_rcv(c->net, dev, p);
		}
		ns_worker_leave(c->w);
		ns_rcu_reader_leave();
		c->sent += 32;
	} while ((c->sent & 1023) || bench_now_s() < end);
	return NULL;
}

/* Packets per second through nw workers on their own threads. */
static double workers_pps(int n, int nw, const uint8_t *frame, size_t flen,
			  double secs)
{
	struct ns_worker *w[2];
	struct wctx c[2];
	pthread_t t[2];
	atomic_int go = 0;
	struct net *net;
	char *rules = ruleset(n);
	uint64_t sent = 0, fwd;
	double t0, el;
	int i;

	if (ns_net_create(&net))
		return -1;
	for (i = 0; setup[i]; i++)
		if (bench_run(net, setup[i], NULL))
			return -1;
	if (bench_run(net, "iptables-restore", rules))
		return -1;
	free(rules);
	for (i = 0; i < nw; i++) {
		if (ns_worker_create(net, i, nw, &w[i]))
			return -1;
		c[i] = (struct wctx){ .net = net, .w = w[i], .frame = frame,
				      .flen = flen, .secs = secs, .go = &go };
		pthread_create(&t[i], NULL, worker_thread, &c[i]);
	}
	t0 = bench_now_s();
	atomic_store(&go, 1);
	for (i = 0; i < nw; i++) {
		pthread_join(t[i], NULL);
		sent += c[i].sent;
	}
	el = bench_now_s() - t0;
	fwd = netdev_stats_read(net_dev_by_name(net, "eth1")).tx_packets;
	if (fwd != sent) {
		fprintf(stderr, "bench: %d workers, %d rules: sent %llu, "
			"forwarded %llu\n", nw, n, (unsigned long long)sent,
			(unsigned long long)fwd);
		return -1;
	}
	for (i = 0; i < nw; i++)
		ns_worker_destroy(w[i]);
	ns_net_destroy(net);
	return (double)sent / el;
}

int main(int argc, char **argv)
{
	static const int default_sizes[] = { 0, 100, 1000, 10000 };
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	int nsizes = argc > 2 ? argc - 2 : 4;
	uint8_t frame[64];
	size_t flen = build_frame(frame);
	int s;

	printf("%-8s %14s %12s %14s %14s\n", "rules", "pkts/s", "ns/pkt",
	       "restore ms", "append ms");
	for (s = 0; s < nsizes; s++) {
		int n = argc > 2 ? atoi(argv[2 + s]) : default_sizes[s];
		struct net *net;
		struct netdev *out;
		char *rules = ruleset(n);
		double t0, t1, ta;
		uint64_t sent = 0, tx0;
		int i;

		if (ns_net_create(&net)) {
			fprintf(stderr, "bench: cannot create net\n");
			return 1;
		}
		for (i = 0; setup[i]; i++)
			if (bench_run(net, setup[i], NULL))
				return 1;
		t0 = bench_now_s();
		if (bench_run(net, "iptables-restore", rules))
			return 1;
		t1 = bench_now_s();
		if (bench_run(net, "iptables -A FORWARD -s 198.19.0.1 -j DROP", NULL))
			return 1;
		ta = bench_now_s();
		/* That rule went after ACCEPT: it never matches either. */
		out = net_dev_by_name(net, "eth1");
		tx0 = netdev_stats_read(out).tx_packets;
		{
			double start = bench_now_s(), end = start + secs, now;
			uint64_t ts = 0;

			do {
				for (i = 0; i < 1024; i++)
					ns_inject(net, "eth0", frame, flen,
						  ts += 1000);
				sent += 1024;
				now = bench_now_s();
			} while (now < end);
			end = now - start;
			if (netdev_stats_read(out).tx_packets - tx0 != sent) {
				fprintf(stderr, "bench: %d rules: sent %llu, "
					"forwarded %llu: the ruleset is not "
					"what it should be\n", n,
					(unsigned long long)sent,
					(unsigned long long)(netdev_stats_read(out).tx_packets - tx0));
				return 1;
			}
			printf("%-8d %14.0f %12.1f %14.2f %14.2f\n", n,
			       (double)sent / end, end * 1e9 / (double)sent,
			       (t1 - t0) * 1e3, (ta - t1) * 1e3);
			fflush(stdout);
		}
		free(rules);
		ns_net_destroy(net);
	}
	printf("\n%-8s %16s %16s %8s\n", "rules", "1 worker pkts/s",
	       "2 workers pkts/s", "ratio");
	for (s = 0; s < nsizes; s++) {
		int n = argc > 2 ? atoi(argv[2 + s]) : default_sizes[s];
		double one = workers_pps(n, 1, frame, flen, secs);
		double two = workers_pps(n, 2, frame, flen, secs);

		if (one < 0 || two < 0)
			return 1;
		printf("%-8d %16.0f %16.0f %8.2f\n", n, one, two, two / one);
		fflush(stdout);
	}
	return 0;
}
