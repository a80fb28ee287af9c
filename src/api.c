// SPDX-License-Identifier: MIT
/*
 * The public API (include/netsieve/netsieve.h), at the top of the layers:
 * creating and destroying a stack instance, running command lines, and
 * injecting frames through the net's built-in worker of one. Creation,
 * destruction and ns_exec() are control path; ns_inject() is data path:
 * it takes no lock, and is an RCU reader for exactly the time it runs.
 */
#include <netsieve/netsieve.h>

#include "base/rcu.h"
#include "base/sbuf.h"
#include "core/hook.h"
#include "core/net.h"
#include "core/worker.h"
#include "ct/ct.h"
#include "ctl/ctl.h"
#include "lb/lb.h"
#include "nat/nat.h"
#include "stack/conf.h"
#include "stack/stack.h"
#include "xt/xt.h"
#include "xt/ext/statistic.h"

#include <errno.h>
#include <sys/random.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

void ns_net_set_seed(struct net *net, uint64_t seed)
{
	net->seed = seed;
	xt_statistic_seed(seed);
	net->inject.rnd = 0;
	for (int i = 0; i < net->nworkers; i++)
		if (net->workers[i])
			net->workers[i]->rnd = 0;
}

int ns_net_create(struct net **out)
{
	pthread_mutexattr_t attr;
	struct net *net;
	int err;

	net = calloc(1, sizeof(*net));
	if (!net)
		return -ENOMEM;
	/*
	 * Recursive: a command may run others (iptables-restore FILE); an
	 * ICMP error about a queued packet is routed to a neighbour again.
	 */
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&net->ctl_lock, &attr);
	pthread_mutex_init(&net->neigh_lock, &attr);
	pthread_mutexattr_destroy(&attr);
	net->nqueues = 1;
	if (getrandom(&net->seed, sizeof(net->seed), GRND_NONBLOCK) !=
	    sizeof(net->seed))
		net->seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)net;

	err = stack_init(net);
	if (err)
		goto err_free_net;
	err = ns_worker_init(&net->inject, net, 0, 1);
	if (err)
		goto err_fini_stack;
	err = xt_net_init(net);
	if (err)
		goto err_fini_worker;
	*out = net;
	return 0;

err_fini_worker:
	ns_worker_fini(&net->inject);
err_fini_stack:
	stack_fini(net);
err_free_net:
	pthread_mutex_destroy(&net->ctl_lock);
	pthread_mutex_destroy(&net->neigh_lock);
	free(net);
	return err;
}

void ns_net_destroy(struct net *net)
{
	if (!net)
		return;
	xt_net_fini(net);
	nat_net_destroy(net);
	lb_net_destroy(net);
	ct_net_destroy(net);
	stack_fini(net);
	ns_worker_fini(&net->inject);
	hook_destroy_all(net);
	pthread_mutex_destroy(&net->ctl_lock);
	pthread_mutex_destroy(&net->neigh_lock);
	free(net);
}

/*
 * Hand one received frame (has_l2) or IP packet (!has_l2) to the stack as
 * if it arrived on ifname at ts_ns: the one receive entry for replay,
 * embedders and the benchmark. Data path, as the worker of one.
 */
static int inject(struct net *net, const char *ifname, const void *data,
		  size_t len, uint64_t ts_ns, bool has_l2)
{
	struct ns_worker *w = &net->inject;
	struct netdev *dev;
	struct pkt *pkt;
	int rc = 0;

	/*
	 * Changes made on this thread by direct library calls outside a
	 * command (tests, embedders) are published before the packet.
	 */
	if (stack_draft_net == net)
		stack_conf_commit(net);
	ns_rcu_reader_enter();
	ns_worker_enter(w, ts_ns);
	dev = net_dev_by_name(net, ifname);
	if (!dev) {
		rc = -ENODEV;
		goto out;
	}
	stack_timers(net);
	pkt = pkt_alloc(&w->pool);
	if (!pkt) {
		net_stats(net)->drops[DROP_NO_BUFFER]++;
		rc = -ENOBUFS;
		goto out;
	}
	pkt->id = ++w->pkt_seq;
	if (pkt_set_frame(pkt, data, (uint32_t)len)) {
		net_drop(net, pkt, DROP_PKT_TOO_BIG);
		goto out;
	}
	pkt->has_l2 = has_l2;
	pkt->l3_off = 0;
	pkt->tstamp_ns = w->now_ns;
	stack_rcv(net, dev, pkt);
out:
	ns_worker_leave(w);
	ns_rcu_reader_leave();
	return rc;
}

int ns_inject(struct net *net, const char *ifname, const void *frame,
	      size_t len, uint64_t ts_ns)
{
	return inject(net, ifname, frame, len, ts_ns, true);
}

int ns_inject_ip(struct net *net, const char *ifname, const void *packet,
		 size_t len, uint64_t ts_ns)
{
	return inject(net, ifname, packet, len, ts_ns, false);
}

int ns_exec(struct net *net, const char *line, char **out_text,
	    char **err_text)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	int rc;

	rc = ctl_exec_line(net, line, NULL, &out, &err);
	if (out_text)
		*out_text = sbuf_detach(&out);
	if (err_text)
		*err_text = sbuf_detach(&err);
	sbuf_free(&out);
	sbuf_free(&err);
	return rc;
}

uint8_t *ns_pkt_network_header(struct pkt *pkt)
{
	return pkt_l3(pkt);
}

size_t ns_pkt_len(const struct pkt *pkt)
{
	return pkt_l3_len(pkt);
}

uint32_t ns_pkt_mark(const struct pkt *pkt)
{
	return pkt->mark;
}

void ns_pkt_set_mark(struct pkt *pkt, uint32_t mark)
{
	pkt->mark = mark;
}

void ns_pkt_free(struct pkt *pkt)
{
	pkt_free(pkt);
}
