// SPDX-License-Identifier: MIT
/*
 * Benchmark: the load balancer (IPVS), the engine alone on one core.
 * 64-byte UDP frames from memory, in bursts of 32 (as a worker takes
 * them), to a virtual service 10.0.1.100:5000 (rr, three real servers,
 * masquerading), in these set-ups:
 *
 *   base         the same frames forwarded to 10.0.2.2, no load balancer
 *                (the stateless baseline)
 *   new          every packet a new connection (new client address and
 *                port): scheduling, a connection entry, NAT
 *   1M conns     a million connections made first, then packets of those
 *                connections in a scattered order (a stride through the
 *                million): lookup, NAT, the server's statistics
 *   1000 svcs    the same with 1000 virtual services configured (ports
 *                5000-5999): the cost does not grow with services
 *   + conntrack  the 1M set-up with connection tracking loaded, as on a
 *                kernel where nf_conntrack is (IPVS's packets then leave
 *                tracking: ip_vs_notrack)
 *
 * Then memory: the resident bytes a million connections add, per
 * connection, with sizeof(struct lb_conn). Rates are the best of three.
 *
 * usage: bench-lb [SECONDS [est]]  (est: base, new and 1M rows only)
 */
#include <netsieve/netsieve.h>

#include "base/rcu.h"
#include "base/sbuf.h"
#include "core/net.h"
#include "core/worker.h"
#include "ct/ct.h"
#include "ctl/ctl.h"
#include "lb/lb_int.h"
#include "stack/conf.h"
#include "stack/stack.h"

#include "common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NCONN 1000000u

static const char *const setup[] = {
	"ip link add eth0 type dummy",
	"ip link add eth1 type dummy",
	"ip link set eth0 address 02:00:00:00:00:01",
	"ip link set eth1 address 02:00:00:00:00:02",
	"ip addr add 10.0.0.1/8 dev eth0",
	"ip addr add 10.0.1.100/32 dev eth0",
	"ip addr add 192.168.2.1/24 dev eth1",
	"ip link set eth0 up",
	"ip link set eth1 up",
	"ip neigh add 192.168.2.2 lladdr 02:00:00:00:01:02 dev eth1 nud permanent",
	"ip neigh add 192.168.2.3 lladdr 02:00:00:00:01:03 dev eth1 nud permanent",
	"ip neigh add 192.168.2.4 lladdr 02:00:00:00:01:04 dev eth1 nud permanent",
	"sysctl -w net.ipv4.ip_forward=1",
	NULL,
};

static const uint8_t mac0[6] = { 2, 0, 0, 0, 0, 1 };
static uint64_t clock_ns = 1000000000ull;
static unsigned svc_ports = 1;

static double push(struct net *net, uint64_t n,
		   void (*fill)(uint8_t *f, uint64_t k))
{
	struct ns_worker *w = &net->inject;
	uint8_t f[64];
	uint64_t k = 0;
	double t0 = bench_now_s();

	while (k < n) {
		struct netdev *dev0;

		ns_rcu_reader_enter();
		ns_worker_enter(w, clock_ns += 32000);
		dev0 = net_dev_by_name(net, "eth0");
		for (int i = 0; i < 32 && k < n; i++, k++) {
			struct pkt *p = pkt_alloc(&w->pool);

			if (!p)
				break;
			fill(f, k);
			pkt_set_frame(p, f, 60);
			p->tstamp_ns = clock_ns;
			stack_rcv(net, dev0, p);
		}
		ns_worker_leave(w);
		ns_rcu_reader_leave();
	}
	return (double)n / (bench_now_s() - t0);
}

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

/* Client k of the million: 10.(k>>16).x.y, one port each. */
static uint32_t client(uint64_t k)
{
	return htonl(0x0a000000u | (uint32_t)((k % NCONN) + 0x10000));
}

/* The stateless baseline: forwarded to 192.168.2.2, no service. */
static void fill_base(uint8_t *f, uint64_t k)
{
	bench_udp_frame(f, client(k & 255), htonl(0xc0a80202), 1024, 5000,
			mac0);
}

/* A new connection per packet (a client never seen before). */
static void fill_new(uint8_t *f, uint64_t k)
{
	bench_udp_frame(f, client(k), htonl(0x0a000164),
			(uint16_t)(1024 + k / NCONN), 5000, mac0);
}

/* The million connections, scattered (a stride prime to 1M). */
static void fill_est(uint8_t *f, uint64_t k)
{
	uint64_t c = (k * 7919) % NCONN;

	bench_udp_frame(f, client(c), htonl(0x0a000164), 1024,
			(uint16_t)(5000 + (c % svc_ports)), mac0);
}

static struct net *make_net(bool ct, unsigned nsvc)
{
	struct net *net;
	char line[160];

	if (ns_net_create(&net))
		return NULL;
	ns_net_set_seed(net, 1);
	for (int i = 0; setup[i]; i++)
		if (bench_run(net, setup[i], NULL))
			return NULL;
	if (ct && (bench_run(net, "sysctl -w net.netfilter.nf_conntrack_max="
			     "8000000", NULL) || ct_net_enable(net)))
		return NULL;
	for (unsigned s = 0; s < nsvc; s++) {
		snprintf(line, sizeof(line), "ipvsadm -A -u 10.0.1.100:%u -s rr",
			 5000 + s);
		if (bench_run(net, line, NULL))
			return NULL;
		for (int r = 2; r <= 4; r++) {
			snprintf(line, sizeof(line), "ipvsadm -a -u "
				 "10.0.1.100:%u -r 192.168.2.%d:8080 -m",
				 5000 + s, r);
			if (bench_run(net, line, NULL))
				return NULL;
		}
	}
	return net;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	double base, nw = 0, est, r;
	long before = 0, after = 0;
	struct net *net;
	unsigned count = 0;
	uint64_t n;

	net = make_net(false, 0);
	if (!net)
		return 1;
	base = push(net, 2000000, fill_base);
	n = (uint64_t)(base * secs);
	base = best3(net, n, fill_base);
	ns_net_destroy(net);
	printf("%-44s %12s %10s\n", "set-up (one core, 64-byte UDP)",
	       "pkts/s", "vs base");
	printf("%-44s %12.0f %9.0f%%\n", "base: forwarded, no load balancer",
	       base, 100.0);

	/* New connections: three runs, each on a fresh table. */
	for (int i = argc > 2 ? 2 : 0; i < 3; i++) {
		net = make_net(false, 1);
		if (!net)
			return 1;
		if (i == 0)
			before = bench_rss_kib();
		r = push(net, NCONN, fill_new);
		if (i == 0) {
			after = bench_rss_kib();
			count = atomic_load(&lb_net(net)->conn_count);
		}
		if (r > nw)
			nw = r;
		if (i < 2)
			ns_net_destroy(net);
	}
	printf("%-44s %12.0f %9.0f%%  (new conns/s)\n",
	       "new connection per packet (rr, NAT)", nw, 100.0 * nw / base);

	/* The million made by the last run above: packets of them. */
	est = best3(net, n, fill_est);
	printf("%-44s %12.0f %9.0f%%\n", "1M connections, NAT, scattered",
	       est, 100.0 * est / base);
	ns_net_destroy(net);
	if (argc > 2)
		return 0;   /* "est": the rows above only, for profiling */

	net = make_net(false, 1000);
	if (net) {
		svc_ports = 1000;
		push(net, NCONN, fill_est);
		r = best3(net, n, fill_est);
		printf("%-44s %12.0f %9.0f%%\n",
		       "1M connections over 1000 services", r,
		       100.0 * r / base);
		svc_ports = 1;
		ns_net_destroy(net);
	}

	net = make_net(true, 1);
	if (net) {
		push(net, NCONN, fill_new);
		r = best3(net, n, fill_est);
		printf("%-44s %12.0f %9.0f%%\n",
		       "1M connections, conntrack loaded", r,
		       100.0 * r / base);
		ns_net_destroy(net);
	}

	printf("\nmemory: %u connections; resident growth %.0f bytes per "
	       "connection; sizeof(struct lb_conn) = %zu\n", count,
	       (double)(after - before) * 1024.0 / (double)(count ? count : 1),
	       sizeof(struct lb_conn));
	return 0;
}
