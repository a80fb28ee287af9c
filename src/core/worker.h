/* SPDX-License-Identifier: MIT */
/*
 * struct ns_worker: everything one data-path thread touches that no other
 * thread writes: its packet pool, its RCU reader registration, its clock
 * reading, the stack configuration snapshot it classifies a burst by, its
 * burst array, its IP ID counter and ICMP rate-limit state, and its
 * counter slot (net->stats[id]). The daemon runs N of them, each on its
 * own thread with its own receive queues (AF_PACKET fanout); ns_inject()
 * runs the net's built-in worker of one (net->inject) on the caller's
 * thread.
 *
 * The worker loop lives here, but core knows nothing of interfaces or the
 * stack: the stack registers struct net_dp_ops (its receive queues, its
 * receive function, its timers), as the kernel's core knows conntrack only
 * through an RCU-published ops pointer.
 *
 * Thread rules: a worker's fields are written only by its own thread,
 * except `stop` (any thread) and the fields marked "set at creation".
 */
#ifndef NS_CORE_WORKER_H
#define NS_CORE_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "pkt/pkt.h"

#define NS_MAX_WORKERS 8
#define NS_WORKER_BURST 32
#define NS_WORKER_POOL_PKTS 4096
#define NS_WORKER_MAX_QUEUES 65
#define NS_WORKER_TX_DEFER 16   /* transmit batches pending per round */

struct net;
struct stack_conf;
struct ns_worker;

/*
 * A transmit batch an I/O backend holds for the calling worker (frames
 * written into a TX ring or staged for sendmmsg) and sends when fn(arg)
 * is called at the end of the worker's round.
 */
struct ns_tx_defer {
	void (*fn)(void *arg);
	void *arg;
};

/* A receive queue a worker polls: an fd and what to tell the stack. */
struct ns_rxq {
	int fd;
	int ifindex;
	int queue;      /* the device's queue number (io_ops rx_burst q) */
};

/*
 * What the stack gives core's worker loop (registered once by the stack
 * at net creation; set at creation, read-only after).
 */
struct net_dp_ops {
	/* Set w->conf to the published configuration (burst start). */
	void (*snapshot)(struct net *net, struct ns_worker *w);
	/* The receive queues of worker w in w->conf; returns their count. */
	int (*rx_queues)(struct net *net, struct ns_worker *w,
			 struct ns_rxq *q, int max);
	/*
	 * Receive one burst from q and run every packet through the stack.
	 * Returns the number of packets; *more when the burst came back
	 * full.
	 */
	int (*rx_burst)(struct net *net, struct ns_worker *w,
			const struct ns_rxq *q, bool *more);
	/* Timers (ARP retries, neighbour ageing) up to w->now_ns. */
	void (*timers)(struct net *net, struct ns_worker *w);
	/* Per-worker stack state (ICMP rate limits): create/destroy. */
	int (*worker_init)(struct net *net, struct ns_worker *w);
	void (*worker_fini)(struct net *net, struct ns_worker *w);
};

struct ns_worker {
	/* Set at creation. */
	struct net *net;
	int id;                    /* index into net->stats[] */
	int nworkers;              /* how many share the receive queues */

	/* The worker's own (written by its thread only). */
	struct pkt_pool pool;
	uint64_t now_ns;           /* clock reading of the current burst */
	struct stack_conf *conf;   /* snapshot for the current burst */
	uint32_t pkt_seq;          /* ids of received packets */
	uint16_t ip_id;            /* IP ID counter for generated packets */
	void *icmp_rl;             /* src/stack/icmp.c rate-limit state */
	uint64_t rnd;              /* net_random() state; 0: not seeded */
	struct pkt *burst[NS_WORKER_BURST];
	/*
	 * Transmit batches to flush before the round's quiescent state:
	 * only a daemon worker (tx_defer_ok, set by its thread) ends every
	 * round with ns_worker_tx_flush(); others send at once.
	 */
	bool tx_defer_ok;
	int ntx_defer;
	struct ns_tx_defer tx_defer[NS_WORKER_TX_DEFER];

	/* Thread and wake-up (daemon workers only). */
	pthread_t thread;
	int wake_fd;               /* eventfd: configuration changed, stop */
	atomic_bool stop;
	bool running;
};

/* The worker running on this thread (NULL on control-path threads). */
extern __thread struct ns_worker *ns_cur_worker;
/* Its index (0 when none): the counter slot of this thread. */
extern __thread int ns_worker_id;

/*
 * Create worker id of net (pool allocated, stack state through
 * net->dp->worker_init). Control path. Fills *out; the caller owns it.
 */
int ns_worker_create(struct net *net, int id, int nworkers,
		     struct ns_worker **out);
void ns_worker_destroy(struct ns_worker *w);
/* Same, for a worker embedded in another structure (net->inject). */
int ns_worker_init(struct ns_worker *w, struct net *net, int id,
		   int nworkers);
void ns_worker_fini(struct ns_worker *w);

/*
 * Make w the current worker of this thread for a short data-path section
 * (ns_inject: the worker of one): sets the thread's worker and counter
 * slot, the clock (never backwards) and the configuration snapshot.
 * ns_worker_leave() undoes it. Not nested.
 */
void ns_worker_enter(struct ns_worker *w, uint64_t now_ns);
void ns_worker_leave(struct ns_worker *w);

/*
 * Start w's thread: poll its receive queues, bursts through the stack,
 * timers, an RCU quiescent state after every round; offline while asleep.
 * Control path. ns_worker_stop() asks it to stop and joins it.
 */
int ns_worker_start(struct ns_worker *w);
void ns_worker_stop(struct ns_worker *w);
/* Wake w so it re-reads its receive queues (a device came or went). */
void ns_worker_kick(struct ns_worker *w);

/*
 * Ask the worker running on this thread to call fn(arg) at the end of its
 * round, before its RCU quiescent state (so what arg points to, kept alive
 * by the configuration snapshot, is still there). Data path, by an I/O
 * backend's tx: returns false when this thread cannot defer (no worker,
 * ns_inject()'s worker of one, the table full): the caller sends now.
 * The caller registers a batch once, when it goes from empty to not.
 */
bool ns_worker_tx_defer(void (*fn)(void *arg), void *arg);
/* Run and forget w's deferred transmit batches (w's own thread). */
void ns_worker_tx_flush(struct ns_worker *w);

/*
 * The daemon's set of workers (control path). prepare: before any
 * interface exists, so every interface gets n receive queues. start:
 * create and start them (net->workers); after a configuration change each
 * is woken (net->kick) to re-read its queues. stop: stop and free them.
 */
int net_workers_prepare(struct net *net, int n);
int net_workers_start(struct net *net);
void net_workers_stop(struct net *net);
void net_workers_kick(struct net *net);

#endif
