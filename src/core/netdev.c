// SPDX-License-Identifier: MIT
/*
 * Per-worker interface counters: each worker writes its own slot of
 * dev->pstats (data path, no atomics); readers sum the slots.
 */
#include "core/netdev.h"

#include "core/worker.h"

#include <string.h>

struct netdev_stats *dev_stats(const struct netdev *dev)
{
	return &dev->pstats[ns_worker_id];
}

struct netdev_stats netdev_stats_read(const struct netdev *dev)
{
	struct netdev_stats sum;
	int i;

	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < NS_MAX_WORKERS; i++) {
		const struct netdev_stats *s = &dev->pstats[i];

		sum.rx_packets += s->rx_packets;
		sum.rx_bytes += s->rx_bytes;
		sum.tx_packets += s->tx_packets;
		sum.tx_bytes += s->tx_bytes;
		sum.rx_dropped += s->rx_dropped;
		sum.tx_dropped += s->tx_dropped;
	}
	return sum;
}
