// SPDX-License-Identifier: MIT
/*
 * `netsieve stats [--json]`: per-interface rx/tx counters and GSO
 * super-frames (received, sent whole, cut in software), the stack's
 * packet counters per worker and in sum, packet buffers per worker, and
 * every nonzero drop reason, summed over the per-worker counters. Control
 * path: reads the published configuration and the workers' counters
 * without a lock (each counter is written by one worker; a read may be a
 * packet behind, never torn).
 */
#include "ctl/ctl.h"
#include "lb/lb.h"

#include "core/net.h"
#include "io/io.h"
#include "stack/conf.h"
#include "stack/ipfrag.h"

#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#define USAGE "usage: netsieve stats [--json]\n"

struct worker_row {
	int id;
	struct net_stats st;
	unsigned long long buf_free, buf_size, buf_fail;
	unsigned long long big_free, big_size, big_fail;
};

static void sum_stats(struct net_stats *sum, const struct net_stats *st)
{
	int r;

	for (r = 0; r < DROP_REASON_MAX; r++)
		sum->drops[r] += st->drops[r];
	sum->rx_packets += st->rx_packets;
	sum->tx_packets += st->tx_packets;
	sum->forwarded += st->forwarded;
	sum->delivered += st->delivered;
	sum->generated += st->generated;
	sum->ip.reasm_timeout += st->ip.reasm_timeout;
	sum->ip.reasm_reqds += st->ip.reasm_reqds;
	sum->ip.reasm_oks += st->ip.reasm_oks;
	sum->ip.reasm_fails += st->ip.reasm_fails;
	sum->ip.reasm_overlaps += st->ip.reasm_overlaps;
	sum->ip.frag_oks += st->ip.frag_oks;
	sum->ip.frag_fails += st->ip.frag_fails;
	sum->ip.frag_creates += st->ip.frag_creates;
}

/*
 * The kernel's SNMP names (/proc/net/snmp Ip, /proc/net/netstat IpExt),
 * as nstat prints them.
 */
static const struct {
	const char *name;
	size_t off;
} ip_mib_fields[] = {
	{ "IpReasmTimeout", offsetof(struct ip_mib, reasm_timeout) },
	{ "IpReasmReqds", offsetof(struct ip_mib, reasm_reqds) },
	{ "IpReasmOKs", offsetof(struct ip_mib, reasm_oks) },
	{ "IpReasmFails", offsetof(struct ip_mib, reasm_fails) },
	{ "IpFragOKs", offsetof(struct ip_mib, frag_oks) },
	{ "IpFragFails", offsetof(struct ip_mib, frag_fails) },
	{ "IpFragCreates", offsetof(struct ip_mib, frag_creates) },
	{ "IpExtReasmOverlaps", offsetof(struct ip_mib, reasm_overlaps) },
};

static uint64_t ip_mib_get(const struct ip_mib *m, size_t i)
{
	return *(const uint64_t *)((const char *)m + ip_mib_fields[i].off);
}

static void fill_row(struct worker_row *row, struct net *net,
		     const struct ns_worker *w)
{
	memset(row, 0, sizeof(*row));
	row->id = w->id;
	row->st = net->stats[w->id];
	row->buf_free = pkt_pool_avail(&w->pool);
	row->buf_size = w->pool.size;
	row->buf_fail = w->pool.alloc_fail;
	row->big_free = pkt_pool_big_avail(&w->pool);
	row->big_size = w->pool.big_size;
	row->big_fail = w->pool.big_alloc_fail;
}

/* The workers that exist: the daemon's, or the built-in one. */
static int worker_rows(struct net *net, struct worker_row *rows)
{
	int i, n = 0;

	if (!net->nworkers) {
		fill_row(&rows[0], net, &net->inject);
		return 1;
	}
	for (i = 0; i < net->nworkers; i++)
		if (net->workers[i])
			fill_row(&rows[n++], net, net->workers[i]);
	return n;
}

static void json_str(struct sbuf *out, const char *s)
{
	sbuf_addc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sbuf_addc(out, '\\');
		if ((unsigned char)*s < 0x20)
			sbuf_addf(out, "\\u%04x", *s);
		else
			sbuf_addc(out, *s);
	}
	sbuf_addc(out, '"');
}

static void print_json(struct net *net, const struct worker_row *rows,
		       int nrows, const struct net_stats *sum,
		       struct sbuf *out)
{
	struct stack_conf *conf = net_conf(net);
	bool first = true;
	int i, r;

	sbuf_adds(out, "{\"interfaces\":[");
	for (i = 1; i < NS_MAX_DEVS; i++) {
		const struct netdev *dev = conf->devs[i];
		struct netdev_stats s;

		if (!dev)
			continue;
		s = netdev_stats_read(dev);
		sbuf_adds(out, first ? "{\"name\":" : ",{\"name\":");
		first = false;
		json_str(out, dev->name);
		sbuf_adds(out, ",\"kind\":");
		json_str(out, dev->io ? dev->io->kind : "none");
		sbuf_addf(out, ",\"rx_packets\":%" PRIu64 ",\"rx_bytes\":%"
			  PRIu64 ",\"tx_packets\":%" PRIu64 ",\"tx_bytes\":%"
			  PRIu64 ",\"rx_dropped\":%" PRIu64 ",\"tx_dropped\":%"
			  PRIu64, s.rx_packets, s.rx_bytes, s.tx_packets,
			  s.tx_bytes, s.rx_dropped, s.tx_dropped);
		sbuf_addf(out, ",\"rx_gso\":%" PRIu64 ",\"tx_gso\":%" PRIu64
			  ",\"tx_gso_split\":%" PRIu64
			  ",\"tx_gso_segments\":%" PRIu64 "}", s.rx_gso,
			  s.tx_gso, s.tx_gso_split, s.tx_gso_segments);
	}
	sbuf_adds(out, "],\"workers\":[");
	for (i = 0; i < nrows; i++) {
		const struct net_stats *st = &rows[i].st;

		sbuf_addf(out, "%s{\"id\":%d,\"rx\":%" PRIu64 ",\"tx\":%"
			  PRIu64 ",\"forwarded\":%" PRIu64 ",\"delivered\":%"
			  PRIu64 ",\"generated\":%" PRIu64
			  ",\"buffers_free\":%llu,\"buffers\":%llu,"
			  "\"buffer_failures\":%llu,\"large_buffers_free\":%llu,"
			  "\"large_buffers\":%llu,"
			  "\"large_buffer_failures\":%llu}",
			  i ? "," : "", rows[i].id, st->rx_packets,
			  st->tx_packets, st->forwarded, st->delivered,
			  st->generated, rows[i].buf_free, rows[i].buf_size,
			  rows[i].buf_fail, rows[i].big_free, rows[i].big_size,
			  rows[i].big_fail);
	}
	sbuf_addf(out, "],\"packets\":{\"rx\":%" PRIu64 ",\"tx\":%" PRIu64
		  ",\"forwarded\":%" PRIu64 ",\"delivered\":%" PRIu64
		  ",\"generated\":%" PRIu64 "},",
		  sum->rx_packets, sum->tx_packets, sum->forwarded,
		  sum->delivered, sum->generated);
	sbuf_adds(out, "\"ip\":{");
	for (i = 0; i < (int)(sizeof(ip_mib_fields) / sizeof(ip_mib_fields[0]));
	     i++)
		sbuf_addf(out, "%s\"%s\":%" PRIu64, i ? "," : "",
			  ip_mib_fields[i].name, ip_mib_get(&sum->ip, (size_t)i));
	sbuf_addf(out, "},\"reassembly\":{\"queues\":%u,\"memory\":%" PRIu64
		  "},\"drops\":{", ipfrag_queue_count(net), ipfrag_mem(net));
	first = true;
	for (r = 1; r < DROP_REASON_MAX; r++) {
		if (!sum->drops[r])
			continue;
		if (!first)
			sbuf_addc(out, ',');
		first = false;
		json_str(out, drop_reason_name((enum drop_reason)r));
		sbuf_addf(out, ":%" PRIu64, sum->drops[r]);
	}
	sbuf_adds(out, "}}\n");
}

static void print_text(struct net *net, const struct worker_row *rows,
		       int nrows, const struct net_stats *sum,
		       struct sbuf *out)
{
	struct stack_conf *conf = net_conf(net);
	unsigned long long bfree = 0, bsize = 0, bfail = 0;
	unsigned long long gfree = 0, gsize = 0, gfail = 0;
	int i, r, ndrops = 0;

	sbuf_addf(out, "%-10s %-9s %12s %14s %12s %14s %9s %9s\n",
		  "Interface", "Kind", "RX-packets", "RX-bytes", "TX-packets",
		  "TX-bytes", "RX-drop", "TX-drop");
	for (i = 1; i < NS_MAX_DEVS; i++) {
		const struct netdev *dev = conf->devs[i];
		struct netdev_stats s;

		if (!dev)
			continue;
		s = netdev_stats_read(dev);
		sbuf_addf(out,
			  "%-10s %-9s %12" PRIu64 " %14" PRIu64 " %12" PRIu64
			  " %14" PRIu64 " %9" PRIu64 " %9" PRIu64 "\n",
			  dev->name, dev->io ? dev->io->kind : "none",
			  s.rx_packets, s.rx_bytes, s.tx_packets, s.tx_bytes,
			  s.rx_dropped, s.tx_dropped);
	}
	sbuf_addf(out, "\n%-10s %12s %12s %12s %14s\n", "GSO",
		  "RX-super", "TX-super", "TX-split", "TX-segments");
	for (i = 1; i < NS_MAX_DEVS; i++) {
		const struct netdev *dev = conf->devs[i];
		struct netdev_stats s;

		if (!dev)
			continue;
		s = netdev_stats_read(dev);
		sbuf_addf(out,
			  "%-10s %12" PRIu64 " %12" PRIu64 " %12" PRIu64
			  " %14" PRIu64 "\n", dev->name, s.rx_gso, s.tx_gso,
			  s.tx_gso_split, s.tx_gso_segments);
	}
	sbuf_addf(out,
		  "\nPackets: rx %" PRIu64 " tx %" PRIu64 " forwarded %" PRIu64
		  " delivered %" PRIu64 " generated %" PRIu64 "\n",
		  sum->rx_packets, sum->tx_packets, sum->forwarded,
		  sum->delivered, sum->generated);
	for (i = 0; i < (int)(sizeof(ip_mib_fields) / sizeof(ip_mib_fields[0]));
	     i++)
		sbuf_addf(out, "%s%s %" PRIu64, i ? " " : "Ip: ",
			  ip_mib_fields[i].name, ip_mib_get(&sum->ip, (size_t)i));
	sbuf_addf(out, "\nReassembly: %u queues, %" PRIu64 " bytes\n",
		  ipfrag_queue_count(net), ipfrag_mem(net));
	{
		struct lb_health h;

		if (lb_health_read(net, &h))
			sbuf_addf(out, "IPVS: %u connections, %" PRIu64
				  " requests without a real server, %" PRIu64
				  " refused (table full)\n", h.conns,
				  h.no_dest, h.table_full);
	}
	if (net->nworkers) {
		sbuf_addf(out, "\n%-8s %12s %12s %12s %12s %12s\n", "Worker",
			  "RX", "TX", "Forwarded", "Delivered", "Generated");
		for (i = 0; i < nrows; i++)
			sbuf_addf(out, "%-8d %12" PRIu64 " %12" PRIu64
				  " %12" PRIu64 " %12" PRIu64 " %12" PRIu64
				  "\n", rows[i].id, rows[i].st.rx_packets,
				  rows[i].st.tx_packets, rows[i].st.forwarded,
				  rows[i].st.delivered, rows[i].st.generated);
	}
	for (i = 0; i < nrows; i++) {
		bfree += rows[i].buf_free;
		bsize += rows[i].buf_size;
		bfail += rows[i].buf_fail;
		gfree += rows[i].big_free;
		gsize += rows[i].big_size;
		gfail += rows[i].big_fail;
	}
	sbuf_addf(out, "Buffers: %llu free of %llu, %llu allocation failures\n",
		  bfree, bsize, bfail);
	sbuf_addf(out, "Large buffers: %llu free of %llu, %llu allocation "
		  "failures\n", gfree, gsize, gfail);
	sbuf_adds(out, "\nDrops:\n");
	for (r = 1; r < DROP_REASON_MAX; r++) {
		if (!sum->drops[r])
			continue;
		ndrops++;
		sbuf_addf(out, "  %-20s %12" PRIu64 "  %s\n",
			  drop_reason_name((enum drop_reason)r), sum->drops[r],
			  drop_reason_desc((enum drop_reason)r));
	}
	if (!ndrops)
		sbuf_adds(out, "  (none)\n");
}

int ctl_stats_main(struct net *net, int argc, char **argv, struct sbuf *out,
		   struct sbuf *err)
{
	struct worker_row rows[NS_MAX_WORKERS];
	struct net_stats sum;
	bool json = false;
	int i, nrows;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			sbuf_adds(out, USAGE
				  "  --json, -j   one JSON object: interfaces, "
				  "workers, packets, drops\n");
			return 0;
		}
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			json = true;
			continue;
		}
		sbuf_addf(err, "stats: unexpected argument \"%s\"\n" USAGE,
			  argv[i]);
		return 2;
	}
	memset(&sum, 0, sizeof(sum));
	/* Every slot: a counter written before the workers changed counts. */
	for (i = 0; i < NS_MAX_WORKERS; i++)
		sum_stats(&sum, &net->stats[i]);
	nrows = worker_rows(net, rows);
	if (json)
		print_json(net, rows, nrows, &sum, out);
	else
		print_text(net, rows, nrows, &sum, out);
	return 0;
}
