// SPDX-License-Identifier: MIT
/*
 * `netsieve stats`: per-interface rx/tx counters, the stack's packet
 * counters, the GSO super-frames each interface received, sent whole and
 * cut in software, and every nonzero drop reason, summed over the per-worker
 * counters. Control path: reads the counters under net->stack_lock (the
 * data path updates them under the same lock, once per burst).
 */
#include "ctl/ctl.h"

#include "core/net.h"
#include "io/io.h"

#include <inttypes.h>
#include <string.h>

int ctl_stats_main(struct net *net, int argc, char **argv, struct sbuf *out,
		   struct sbuf *err)
{
	struct net_stats sum;
	unsigned long long pool_free, pool_size, pool_fail;
	unsigned long long big_free, big_size, big_fail;
	int i, r, ndrops = 0;

	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			sbuf_adds(out, "usage: netsieve stats\n");
			return 0;
		}
		sbuf_addf(err, "stats: unexpected argument \"%s\"\n"
			  "usage: netsieve stats\n", argv[1]);
		return 2;
	}
	memset(&sum, 0, sizeof(sum));
	pthread_mutex_lock(&net->stack_lock);
	sbuf_addf(out, "%-10s %-9s %12s %14s %12s %14s %9s %9s\n",
		  "Interface", "Kind", "RX-packets", "RX-bytes", "TX-packets",
		  "TX-bytes", "RX-drop", "TX-drop");
	for (i = 1; i < NS_MAX_DEVS; i++) {
		const struct netdev *dev = net->devs[i];

		if (!dev)
			continue;
		sbuf_addf(out,
			  "%-10s %-9s %12" PRIu64 " %14" PRIu64 " %12" PRIu64
			  " %14" PRIu64 " %9" PRIu64 " %9" PRIu64 "\n",
			  dev->name, dev->io ? dev->io->kind : "none",
			  dev->stats.rx_packets, dev->stats.rx_bytes,
			  dev->stats.tx_packets, dev->stats.tx_bytes,
			  dev->stats.rx_dropped, dev->stats.tx_dropped);
	}
	sbuf_addf(out, "\n%-10s %12s %12s %12s %14s\n", "GSO",
		  "RX-super", "TX-super", "TX-split", "TX-segments");
	for (i = 1; i < NS_MAX_DEVS; i++) {
		const struct netdev *dev = net->devs[i];

		if (!dev)
			continue;
		sbuf_addf(out,
			  "%-10s %12" PRIu64 " %12" PRIu64 " %12" PRIu64
			  " %14" PRIu64 "\n", dev->name, dev->stats.rx_gso,
			  dev->stats.tx_gso, dev->stats.tx_gso_split,
			  dev->stats.tx_gso_segments);
	}
	for (i = 0; i < NS_MAX_WORKERS; i++) {
		const struct net_stats *st = &net->stats[i];

		for (r = 0; r < DROP_REASON_MAX; r++)
			sum.drops[r] += st->drops[r];
		sum.rx_packets += st->rx_packets;
		sum.tx_packets += st->tx_packets;
		sum.forwarded += st->forwarded;
		sum.delivered += st->delivered;
		sum.generated += st->generated;
	}
	pool_free = net->pool.nfree;
	pool_size = net->pool.size;
	pool_fail = net->pool.alloc_fail;
	big_free = net->pool.big_nfree;
	big_size = net->pool.big_size;
	big_fail = net->pool.big_alloc_fail;
	pthread_mutex_unlock(&net->stack_lock);

	sbuf_addf(out,
		  "\nPackets: rx %" PRIu64 " tx %" PRIu64 " forwarded %" PRIu64
		  " delivered %" PRIu64 " generated %" PRIu64 "\n",
		  sum.rx_packets, sum.tx_packets, sum.forwarded, sum.delivered,
		  sum.generated);
	sbuf_addf(out, "Buffers: %llu free of %llu, %llu allocation failures\n",
		  pool_free, pool_size, pool_fail);
	sbuf_addf(out, "Large buffers: %llu free of %llu, %llu allocation "
		  "failures\n", big_free, big_size, big_fail);
	sbuf_adds(out, "\nDrops:\n");
	for (r = 1; r < DROP_REASON_MAX; r++) {
		if (!sum.drops[r])
			continue;
		ndrops++;
		sbuf_addf(out, "  %-20s %12" PRIu64 "  %s\n",
			  drop_reason_name((enum drop_reason)r), sum.drops[r],
			  drop_reason_desc((enum drop_reason)r));
	}
	if (!ndrops)
		sbuf_adds(out, "  (none)\n");
	return 0;
}
