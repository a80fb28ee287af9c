// SPDX-License-Identifier: MIT
/*
 * Hook registry and traversal. Registration (control path, under ctl_lock)
 * builds a new sorted array, publishes it with one pointer store and frees
 * the old one after a grace period. Traversal (data path) reads the current
 * array once and walks it; it never allocates or locks.
 */
#include "core/hook.h"

#include "base/rcu.h"
#include "pkt/parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HOOK_MAX_ENTRIES 64

int hook_pf_index(int pf)
{
	switch (pf) {
	case NS_PF_INET:
		return 0;
	case NS_PF_INET6:
		return 1;
	default:
		return -1;
	}
}

static int check_ops(const struct ns_hook_ops *ops)
{
	if (!ops || !ops->hook || hook_pf_index(ops->pf) < 0)
		return -EINVAL;
	if (ops->hooknum < 0 || ops->hooknum >= NS_INET_NUMHOOKS)
		return -EINVAL;
	return 0;
}

/* Fault injection for tests (hook.h): fail this many allocations. */
int hook_fault_alloc;

static struct hook_entries *entries_alloc(unsigned int num)
{
	struct hook_entries *e;

	if (hook_fault_alloc > 0) {
		hook_fault_alloc--;
		return NULL;
	}
	e = calloc(1, sizeof(*e) + num * sizeof(e->ops[0]));
	if (e)
		e->num = num;
	return e;
}

static void publish(struct net *net, int pfi, int hook,
		    struct hook_entries *new)
{
	struct hook_entries *old = net->hooks[pfi][hook];

	ns_rcu_assign(net->hooks[pfi][hook], new);
	ns_rcu_synchronize();
	free(old);
}

int ns_hook_register(struct net *net, const struct ns_hook_ops *ops)
{
	struct hook_entries *old, *new;
	unsigned int i, j, n;
	int pfi, err;

	err = check_ops(ops);
	if (err)
		return err;
	pfi = hook_pf_index(ops->pf);
	pthread_mutex_lock(&net->ctl_lock);
	old = net->hooks[pfi][ops->hooknum];
	n = old ? old->num : 0;
	if (n >= HOOK_MAX_ENTRIES) {
		pthread_mutex_unlock(&net->ctl_lock);
		return -ENOSPC;
	}
	new = entries_alloc(n + 1);
	if (!new) {
		pthread_mutex_unlock(&net->ctl_lock);
		return -ENOMEM;
	}
	/* Insert after every entry with priority <= ours (stable order). */
	for (i = 0, j = 0; i < n; i++) {
		if (j == i && old->ops[i].priority > ops->priority)
			new->ops[j++] = *ops;
		new->ops[j++] = old->ops[i];
	}
	if (j == n)
		new->ops[j++] = *ops;
	/* Cannot fail after this point. */
	publish(net, pfi, ops->hooknum, new);
	pthread_mutex_unlock(&net->ctl_lock);
	return 0;
}

/* What an entry becomes when its array cannot be shrunk: it accepts. */
static unsigned int accept_all(void *priv, struct pkt *pkt,
			       const struct ns_hook_state *state)
{
	return NS_ACCEPT;
}

/*
 * Unregistration cannot fail for want of memory (as the kernel's
 * nf_remove_net_hook): when the smaller array cannot be allocated, the
 * entry is swapped in place for one that accepts, so the caller's
 * function is never called again once this returns, and the array is
 * shrunk at the next change. Only an entry that was never registered is
 * an error (-ENOENT).
 */
int ns_hook_unregister(struct net *net, const struct ns_hook_ops *ops)
{
	struct hook_entries *old, *new = NULL;
	unsigned int i, j;
	int pfi, err, found = -1;

	err = check_ops(ops);
	if (err)
		return err;
	pfi = hook_pf_index(ops->pf);
	pthread_mutex_lock(&net->ctl_lock);
	old = net->hooks[pfi][ops->hooknum];
	for (i = 0; old && i < old->num; i++) {
		if (old->ops[i].hook == ops->hook &&
		    old->ops[i].priv == ops->priv &&
		    old->ops[i].priority == ops->priority) {
			found = (int)i;
			break;
		}
	}
	if (found < 0) {
		pthread_mutex_unlock(&net->ctl_lock);
		return -ENOENT;
	}
	/* Dummies left by an earlier failure go now too. */
	for (i = 0, j = 0; i < old->num; i++)
		j += (int)i != found && old->ops[i].hook != accept_all;
	if (j > 0) {
		new = entries_alloc(j);
		if (!new) {
			__atomic_store_n(&old->ops[found].hook, accept_all,
					 __ATOMIC_RELEASE);
			ns_rcu_synchronize();
			pthread_mutex_unlock(&net->ctl_lock);
			return 0;
		}
		for (i = 0, j = 0; i < old->num; i++)
			if ((int)i != found && old->ops[i].hook != accept_all)
				new->ops[j++] = old->ops[i];
	}
	publish(net, pfi, ops->hooknum, new);
	pthread_mutex_unlock(&net->ctl_lock);
	return 0;
}

unsigned int hook_run(struct net *net, int pf, int hook, struct pkt *pkt,
		      const struct netdev *in, const struct netdev *out)
{
	const struct hook_entries *e;
	struct ns_hook_state st = {
		.net = net, .pf = pf, .hook = hook, .in = in, .out = out,
		.worker = net_worker(net),
	};
	unsigned int i, v;
	int pfi = hook_pf_index(pf);

	if (pfi < 0)
		return NS_ACCEPT;
	e = ns_rcu_dereference(net->hooks[pfi][hook]);
	if (!e)
		return NS_ACCEPT;
	for (i = 0; i < e->num; i++) {
repeat:
		v = __atomic_load_n(&e->ops[i].hook, __ATOMIC_ACQUIRE)(
			e->ops[i].priv, pkt, &st);
		switch (v & 0xff) {
		case NS_ACCEPT:
			continue;
		case NS_STOP:
			return NS_ACCEPT;
		case NS_REPEAT:
			goto repeat;
		case NS_DROP:
			return NS_DROP;
		case NS_STOLEN:
			return NS_STOLEN;
		case NS_QUEUE:
			return NS_QUEUE;
		default:
			/* An unknown verdict is a bug in the hook: drop. */
			return NS_DROP;
		}
	}
	return NS_ACCEPT;
}

bool nf_hook(struct net *net, int pf, int hook, struct pkt *pkt,
	     const struct netdev *in, const struct netdev *out)
{
	unsigned int v = hook_run(net, pf, hook, pkt, in, out);

	switch (v) {
	case NS_ACCEPT:
		/* A hook may have rewritten the header (NAT, mangle). */
		if (pkt->family == NS_PF_INET)
			pkt_set_ipv4_offsets(pkt);
		return true;
	case NS_STOLEN:
		return false;
	case NS_QUEUE:
		net_drop(net, pkt, DROP_QUEUE_NO_HANDLER);
		return false;
	default:
		net_drop(net, pkt, DROP_NETFILTER_DROP);
		return false;
	}
}

void hook_destroy_all(struct net *net)
{
	int p, h;

	for (p = 0; p < NS_NFPROTO_NUM; p++)
		for (h = 0; h < NS_INET_NUMHOOKS; h++) {
			free(net->hooks[p][h]);
			net->hooks[p][h] = NULL;
		}
}
