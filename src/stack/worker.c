// SPDX-License-Identifier: MIT
/*
 * The stack's side of core's worker loop (struct net_dp_ops): which
 * receive queues worker w polls (queue w of every interface whose backend
 * has one, and w + N... of one with more queues than workers), receiving
 * a burst from one and running each packet through stack_rcv(), the
 * timers, and the per-worker state the stack keeps (ICMP rate limits). Data path, except worker_init/fini (control path).
 */
#include "stack/internal.h"

#include "io/io.h"

static void dp_snapshot(struct net *net, struct ns_worker *w)
{
	w->conf = ns_rcu_dereference(net->conf);
}

/*
 * Worker w reads queue w of every device, and w + N, w + 2N... when a
 * device has more queues than there are workers (N): an AF_XDP device has
 * one per receive queue of its kernel interface, whatever N is.
 */
static int dp_rx_queues(struct net *net, struct ns_worker *w,
			struct ns_rxq *q, int max)
{
	struct stack_conf *conf = w->conf;
	int i, n = 0, step = w->nworkers > 0 ? w->nworkers : 1;

	for (i = 1; i < NS_MAX_DEVS && n < max; i++) {
		struct netdev *dev = conf->devs[i];
		int fd, qi;

		if (!dev || !dev->io || !dev->io->fd || !dev->io->rx_burst)
			continue;
		for (qi = w->id; n < max; qi += step) {
			fd = dev->io->fd(dev, qi);
			if (fd < 0)
				break;
			q[n].fd = fd;
			q[n].ifindex = i;
			q[n].queue = qi;
			n++;
		}
	}
	return n;
}

static int dp_rx_burst(struct net *net, struct ns_worker *w,
		       const struct ns_rxq *q, bool *more)
{
	struct netdev *dev = w->conf->devs[q->ifindex];
	int j, got;

	*more = false;
	/* Deleted or replaced while the worker slept: not ours any more. */
	if (!dev || !dev->io || !dev->io->rx_burst ||
	    dev->io->fd(dev, q->queue) != q->fd)
		return 0;
	got = dev->io->rx_burst(dev, q->queue, &w->pool, w->burst,
				NS_WORKER_BURST);
	if (got == NS_WORKER_BURST)
		*more = true;
	for (j = 0; j < got; j++) {
		struct pkt *pkt = w->burst[j];

		pkt->tstamp_ns = w->now_ns;
		w->pkt_seq += (uint32_t)w->nworkers;
		pkt->id = w->pkt_seq;
		stack_rcv(net, dev, pkt);
	}
	return got;
}

static void dp_timers(struct net *net, struct ns_worker *w)
{
	stack_timers(net);
}

const struct net_dp_ops stack_dp_ops = {
	.snapshot = dp_snapshot,
	.rx_queues = dp_rx_queues,
	.rx_burst = dp_rx_burst,
	.timers = dp_timers,
	.worker_init = icmp_worker_init,
	.worker_fini = icmp_worker_fini,
};
