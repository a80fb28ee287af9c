// SPDX-License-Identifier: MIT
/*
 * Data-path workers: creation (control path), the enter/leave pair that
 * makes a thread a worker for one ns_inject() (data path), and the worker
 * thread of the daemon. The loop: go RCU-offline, poll the worker's
 * receive queues and its wake-up eventfd, come back online, take the
 * configuration snapshot, receive a burst from every ready queue and run
 * it through the stack, run the timers, report a quiescent state. A
 * worker holds no RCU-protected pointer while offline, so a control-path
 * grace period never waits for an idle worker, and it takes no lock the
 * control path holds.
 */
#include "core/worker.h"

#include "base/rcu.h"
#include "core/net.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define WORKER_IDLE_MS 20       /* timer tick when no packet arrives */
#define WORKER_SPIN_MAX 1000    /* empty wake-ups before backing off */

__thread struct ns_worker *ns_cur_worker;
__thread int ns_worker_id;

int ns_worker_init(struct ns_worker *w, struct net *net, int id,
		   int nworkers)
{
	int err;

	if (id < 0 || id >= NS_MAX_WORKERS)
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	w->net = net;
	w->id = id;
	w->nworkers = nworkers;
	w->wake_fd = -1;
	/* Spread the IP ID spaces of the workers apart. */
	w->ip_id = (uint16_t)(id * (0x10000 / NS_MAX_WORKERS));
	w->pkt_seq = (uint32_t)id;
	err = pkt_pool_create(&w->pool, NS_WORKER_POOL_PKTS);
	if (err)
		return err;
	if (net->dp && net->dp->worker_init) {
		err = net->dp->worker_init(net, w);
		if (err)
			goto err_destroy_pool;
	}
	return 0;

err_destroy_pool:
	pkt_pool_destroy(&w->pool);
	return err;
}

void ns_worker_fini(struct ns_worker *w)
{
	if (w->net && w->net->dp && w->net->dp->worker_fini)
		w->net->dp->worker_fini(w->net, w);
	if (w->wake_fd >= 0)
		close(w->wake_fd);
	w->wake_fd = -1;
	pkt_pool_destroy(&w->pool);
}

int ns_worker_create(struct net *net, int id, int nworkers,
		     struct ns_worker **out)
{
	struct ns_worker *w;
	int err;

	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	err = ns_worker_init(w, net, id, nworkers);
	if (err) {
		free(w);
		return err;
	}
	*out = w;
	return 0;
}

void ns_worker_destroy(struct ns_worker *w)
{
	if (!w)
		return;
	ns_worker_stop(w);
	ns_worker_fini(w);
	free(w);
}

static void set_clock(struct ns_worker *w, uint64_t now_ns)
{
	struct net *net = w->net;
	uint64_t seen;

	if (now_ns > w->now_ns)
		w->now_ns = now_ns;
	/* net->now_ns: the latest any worker saw, for the control path. */
	seen = atomic_load_explicit(&net->now_ns, memory_order_relaxed);
	while (w->now_ns > seen &&
	       !atomic_compare_exchange_weak_explicit(&net->now_ns, &seen,
						      w->now_ns,
						      memory_order_relaxed,
						      memory_order_relaxed))
		;
}

/* This thread is w's from now on (w NULL: no worker's). */
static void set_thread_worker(struct ns_worker *w)
{
	ns_cur_worker = w;
	ns_worker_id = w ? w->id : 0;
	pkt_pool_set_local(w ? &w->pool : NULL);
}

void ns_worker_enter(struct ns_worker *w, uint64_t now_ns)
{
	set_thread_worker(w);
	set_clock(w, now_ns);
	if (w->net->dp && w->net->dp->snapshot)
		w->net->dp->snapshot(w->net, w);
}

void ns_worker_leave(struct ns_worker *w)
{
	w->conf = NULL;
	set_thread_worker(NULL);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool ns_worker_tx_defer(void (*fn)(void *arg), void *arg)
{
	struct ns_worker *w = ns_cur_worker;

	if (!w || !w->tx_defer_ok || w->ntx_defer >= NS_WORKER_TX_DEFER)
		return false;
	w->tx_defer[w->ntx_defer].fn = fn;
	w->tx_defer[w->ntx_defer].arg = arg;
	w->ntx_defer++;
	return true;
}

void ns_worker_tx_flush(struct ns_worker *w)
{
	int i, n = w->ntx_defer;

	/* A flush may not defer again: it sends. */
	w->ntx_defer = 0;
	for (i = 0; i < n; i++)
		w->tx_defer[i].fn(w->tx_defer[i].arg);
}

/*
 * One round over the ready queues, then the timers. The caller is
 * RCU-online and w->conf is this round's snapshot.
 */
static int worker_round(struct ns_worker *w, const struct pollfd *pfd,
			const struct ns_rxq *q, int n, bool *more)
{
	struct net *net = w->net;
	int i, total = 0;

	*more = false;
	for (i = 0; i < n; i++) {
		bool m = false;

		if (!(pfd[i].revents & (POLLIN | POLLERR)))
			continue;
		total += net->dp->rx_burst(net, w, &q[i], &m);
		*more |= m;
	}
	net->dp->timers(net, w);
	/* What the round transmitted leaves now, in one batch per queue. */
	ns_worker_tx_flush(w);
	return total;
}

static void *worker_main(void *arg)
{
	struct ns_worker *w = arg;
	struct net *net = w->net;
	struct pollfd pfd[NS_WORKER_MAX_QUEUES + 1];
	struct ns_rxq q[NS_WORKER_MAX_QUEUES];
	unsigned spins = 0;
	bool more = false;

	ns_rcu_register();
	set_thread_worker(w);
	w->tx_defer_ok = true;
	while (!atomic_load(&w->stop)) {
		int n, pr, got;

		/* The queues of the current configuration. */
		net->dp->snapshot(net, w);
		n = net->dp->rx_queues(net, w, q, NS_WORKER_MAX_QUEUES);
		w->conf = NULL;
		ns_rcu_offline();
		for (int i = 0; i < n; i++) {
			pfd[i].fd = q[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		pfd[n].fd = w->wake_fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		pr = poll(pfd, (nfds_t)n + 1, more ? 0 : WORKER_IDLE_MS);
		if (pr < 0 && errno != EINTR) {
			ns_log(&net->log, NS_LOG_ERR,
			       "netsieve: worker %d: poll: %s; data path "
			       "stopped", w->id, strerror(errno));
			break;
		}
		if (pr > 0 && pfd[n].revents) {
			uint64_t v;

			if (read(w->wake_fd, &v, sizeof(v)) < 0)
				v = 0;
		}
		ns_rcu_online();
		set_clock(w, mono_ns());
		/*
		 * A new snapshot: a queue whose device went away while we
		 * slept is not in it and is skipped by rx_burst.
		 */
		net->dp->snapshot(net, w);
		got = worker_round(w, pfd, q, pr > 0 ? n : 0, &more);
		w->conf = NULL;
		ns_rcu_quiescent();

		/*
		 * A queue that keeps reporting readiness without yielding a
		 * packet (pool exhausted, a socket in error) must not spin
		 * the CPU: back off briefly.
		 */
		if (pr > 0 && !got && !pfd[n].revents) {
			if (++spins >= WORKER_SPIN_MAX) {
				ns_rcu_offline();
				poll(NULL, 0, 10);
				ns_rcu_online();
				spins = 0;
			}
		} else {
			spins = 0;
		}
	}
	ns_worker_tx_flush(w);
	w->tx_defer_ok = false;
	set_thread_worker(NULL);
	ns_rcu_offline();
	ns_rcu_unregister();
	return NULL;
}

int ns_worker_start(struct ns_worker *w)
{
	int e;

	if (w->running)
		return -EBUSY;
	if (!w->net->dp)
		return -EINVAL;
	if (w->wake_fd < 0) {
		w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (w->wake_fd < 0)
			return -errno;
	}
	atomic_store(&w->stop, false);
	e = pthread_create(&w->thread, NULL, worker_main, w);
	if (e)
		return -e;
	w->running = true;
	return 0;
}

void ns_worker_kick(struct ns_worker *w)
{
	uint64_t one = 1;

	if (!w || w->wake_fd < 0)
		return;
	if (write(w->wake_fd, &one, sizeof(one)) < 0)
		return; /* counter saturated: the worker wakes anyway */
}

void ns_worker_stop(struct ns_worker *w)
{
	if (!w || !w->running)
		return;
	atomic_store(&w->stop, true);
	ns_worker_kick(w);
	pthread_join(w->thread, NULL);
	w->running = false;
}

int net_workers_prepare(struct net *net, int n)
{
	if (n < 1 || n > NS_MAX_WORKERS)
		return -EINVAL;
	if (net->nworkers)
		return -EBUSY;
	net->nqueues = n;
	return 0;
}

void net_workers_kick(struct net *net)
{
	int i;

	for (i = 0; i < net->nworkers; i++)
		ns_worker_kick(net->workers[i]);
}

static void kick_all(void *priv)
{
	net_workers_kick(priv);
}

void net_workers_stop(struct net *net)
{
	int i;

	net->kick = NULL;
	for (i = 0; i < net->nworkers; i++) {
		ns_worker_destroy(net->workers[i]);
		net->workers[i] = NULL;
	}
	net->nworkers = 0;
}

int net_workers_start(struct net *net)
{
	int i, n = net->nqueues, err;

	if (net->nworkers)
		return -EBUSY;
	for (i = 0; i < n; i++) {
		err = ns_worker_create(net, i, n, &net->workers[i]);
		if (err)
			goto err_stop;
		net->nworkers = i + 1;
		err = ns_worker_start(net->workers[i]);
		if (err)
			goto err_stop;
	}
	net->kick_priv = net;
	net->kick = kick_all;
	return 0;

err_stop:
	net_workers_stop(net);
	return err;
}
