// SPDX-License-Identifier: MIT
/*
 * Creating and destroying a stack instance, packet injection, drop
 * accounting and trace reporting. ns_net_create() is control path;
 * ns_inject(), net_drop() and net_trace() are data path.
 */
#include "core/net.h"

#include "base/rcu.h"
#include "core/hook.h"
#include "io/io.h"
#include "ctl/ctl.h"
#include "stack/stack.h"
#include "xt/xt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NET_POOL_PKTS 4096

__thread int ns_worker_id;

int ns_net_create(struct net **out)
{
	pthread_mutexattr_t attr;
	struct net *net;
	int err;

	net = calloc(1, sizeof(*net));
	if (!net)
		return -ENOMEM;
	/* Recursive: a command may run others (iptables-restore FILE). */
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&net->ctl_lock, &attr);
	pthread_mutex_init(&net->stack_lock, &attr);
	pthread_mutexattr_destroy(&attr);
	net->next_ifindex = 1;

	err = pkt_pool_create(&net->pool, NET_POOL_PKTS);
	if (err)
		goto err_free_net;
	err = stack_init(net);
	if (err)
		goto err_free_pool;
	err = xt_net_init(net);
	if (err)
		goto err_fini_stack;
	*out = net;
	return 0;

err_fini_stack:
	stack_fini(net);
err_free_pool:
	pkt_pool_destroy(&net->pool);
err_free_net:
	pthread_mutex_destroy(&net->ctl_lock);
	pthread_mutex_destroy(&net->stack_lock);
	free(net);
	return err;
}

void ns_net_destroy(struct net *net)
{
	int i;

	if (!net)
		return;
	xt_net_fini(net);
	stack_fini(net);
	hook_destroy_all(net);
	for (i = 0; i < NS_MAX_DEVS; i++) {
		struct netdev *dev = net->devs[i];

		if (!dev)
			continue;
		if (dev->io && dev->io->close)
			dev->io->close(dev);
		free(dev);
	}
	pkt_pool_destroy(&net->pool);
	pthread_mutex_destroy(&net->ctl_lock);
	pthread_mutex_destroy(&net->stack_lock);
	free(net);
}

struct netdev *net_dev_by_name(struct net *net, const char *name)
{
	int i;

	for (i = 1; i < NS_MAX_DEVS; i++)
		if (net->devs[i] && !strcmp(net->devs[i]->name, name))
			return net->devs[i];
	return NULL;
}

struct netdev *net_dev_by_index(struct net *net, int ifindex)
{
	if (ifindex <= 0 || ifindex >= NS_MAX_DEVS)
		return NULL;
	return net->devs[ifindex];
}

void net_trace(struct net *net, const struct pkt *pkt,
	       const struct trace_event *ev)
{
	if (net_tracing(net, pkt))
		net->trace.event(net->trace.priv, pkt, ev);
}

void net_drop(struct net *net, struct pkt *pkt, enum drop_reason reason)
{
	if ((unsigned)reason >= DROP_REASON_MAX)
		reason = DROP_NETFILTER_DROP;
	net_stats(net)->drops[reason]++;
	if (net_tracing(net, pkt)) {
		struct trace_event ev = {
			.kind = TRACE_FATE, .fate = FATE_DROPPED,
			.reason = reason,
		};

		net->trace.event(net->trace.priv, pkt, &ev);
	}
	pkt_free(pkt);
}

/*
 * Hand one received frame (has_l2) or IP packet (!has_l2) to the stack as
 * if it arrived on ifname at ts_ns: the one receive entry for replay,
 * embedders and the benchmark. Data path; takes stack_lock.
 */
static int inject(struct net *net, const char *ifname, const void *data,
		  size_t len, uint64_t ts_ns, bool has_l2)
{
	struct netdev *dev;
	struct pkt *pkt;

	pthread_mutex_lock(&net->stack_lock);
	dev = net_dev_by_name(net, ifname);
	if (!dev) {
		pthread_mutex_unlock(&net->stack_lock);
		return -ENODEV;
	}
	if (ts_ns > net->now_ns)
		net->now_ns = ts_ns;
	stack_timers(net);
	pkt = pkt_alloc(&net->pool);
	if (!pkt) {
		net_stats(net)->drops[DROP_NO_BUFFER]++;
		pthread_mutex_unlock(&net->stack_lock);
		return -ENOBUFS;
	}
	pkt->id = ++net->pkt_seq;
	if (pkt_set_frame(pkt, data, (uint32_t)len)) {
		net_drop(net, pkt, DROP_PKT_TOO_BIG);
		pthread_mutex_unlock(&net->stack_lock);
		return 0;
	}
	pkt->has_l2 = has_l2;
	pkt->l3_off = 0;
	pkt->tstamp_ns = net->now_ns;
	stack_rcv(net, dev, pkt);
	pthread_mutex_unlock(&net->stack_lock);
	return 0;
}

int ns_inject(struct net *net, const char *ifname, const void *frame,
	      size_t len, uint64_t ts_ns)
{
	return inject(net, ifname, frame, len, ts_ns, true);
}

/*
 * As ns_inject(), for a packet that starts at its IP header (a raw-IP
 * capture, a TUN device): pkt->has_l2 is false, l3_off 0. Data path.
 */
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
