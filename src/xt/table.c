// SPDX-License-Identifier: MIT
/*
 * The tables: what each one is (name, hooks, priority - the kernel's
 * xt_table definitions), and its instance in a namespace: hook functions
 * registered on first use and kept until xt_net_fini(), each running its
 * table of the packet's generation. xt_net_init()/xt_net_fini() create and
 * destroy the per-net state. Registration is control path; the hook
 * function is data path.
 */
#include "xt/xt_int.h"

#include "base/rcu.h"
#include "core/hook.h"
#include "nat/nat.h"
#include "xt/xt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const xt_hook_names[NS_INET_NUMHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

#define H(x) (1u << NS_INET_##x)
/* One priority at every hook the table has. */
#define PRIO_ALL(p) { p, p, p, p, p }

const struct xt_table_def xt_table_defs[XT_TABLE_MAX] = {
	[XT_TABLE_RAW] = {
		.name = "raw", .hooks = H(PRE_ROUTING) | H(LOCAL_OUT),
		.prio = PRIO_ALL(NS_IP_PRI_RAW), .available = true,
	},
	[XT_TABLE_MANGLE] = {
		.name = "mangle", .hooks = H(PRE_ROUTING) | H(LOCAL_IN) |
		H(FORWARD) | H(LOCAL_OUT) | H(POST_ROUTING),
		.prio = PRIO_ALL(NS_IP_PRI_MANGLE), .available = true,
	},
	/*
	 * As iptable_nat: destination NAT before routing (PREROUTING,
	 * OUTPUT), source NAT after it (INPUT, POSTROUTING), run by the NAT
	 * module (src/nat) for the first packet of a connection only.
	 */
	[XT_TABLE_NAT] = {
		.name = "nat", .hooks = H(PRE_ROUTING) | H(LOCAL_IN) |
		H(LOCAL_OUT) | H(POST_ROUTING),
		.prio = {
			[NS_INET_PRE_ROUTING] = NS_IP_PRI_NAT_DST,
			[NS_INET_LOCAL_IN] = NS_IP_PRI_NAT_SRC,
			[NS_INET_LOCAL_OUT] = NS_IP_PRI_NAT_DST,
			[NS_INET_POST_ROUTING] = NS_IP_PRI_NAT_SRC,
		},
		.flags = XT_TABLE_F_OWNED, .available = true,
	},
	[XT_TABLE_FILTER] = {
		.name = "filter", .hooks = H(LOCAL_IN) | H(FORWARD) |
		H(LOCAL_OUT),
		.prio = PRIO_ALL(NS_IP_PRI_FILTER), .available = true,
	},
	[XT_TABLE_SECURITY] = {
		.name = "security", .hooks = H(LOCAL_IN) | H(FORWARD) |
		H(LOCAL_OUT),
		.prio = PRIO_ALL(NS_IP_PRI_SECURITY), .available = true,
	},
};

_Static_assert(NS_INET_NUMHOOKS == 5, "PRIO_ALL names every hook");

const char *xt_table_name(enum xt_table_id id)
{
	return (unsigned)id < XT_TABLE_MAX ? xt_table_defs[id].name : "?";
}

int xt_table_lookup(const struct xt_net *xn, const char *name)
{
	int i;

	for (i = 0; i < XT_TABLE_MAX; i++)
		if (xn->defs[i].available && !strcmp(xn->defs[i].name, name))
			return i;
	return -1;
}

bool xt_table_defined(const char *name)
{
	int i;

	for (i = 0; i < XT_TABLE_MAX; i++)
		if (!strcmp(xt_table_defs[i].name, name))
			return true;
	return false;
}

/* ---- running a table -------------------------------------------------- */

static unsigned table_run(struct xt_net *xn, enum xt_table_id id, int hook,
			  struct pkt *pkt, const struct netdev *in,
			  const struct netdev *out)
{
	const struct xt_gen *gen = pkt->xt_gen;

	if (!gen) {
		gen = ns_rcu_dereference(xn->cur);
		pkt->xt_gen = gen;
	}
	if (!gen || !gen->t[id])
		return NS_ACCEPT;
	return xt_do_table(xn->net, gen, gen->t[id], hook, pkt, in, out);
}

unsigned xt_table_run(struct net *net, enum xt_table_id id, int hook,
		      struct pkt *pkt, const struct netdev *in,
		      const struct netdev *out)
{
	struct xt_net *xn = net->xt;

	if (!xn || (unsigned)id >= XT_TABLE_MAX ||
	    (unsigned)hook >= NS_INET_NUMHOOKS)
		return NS_ACCEPT;
	/* A table not yet instantiated in this namespace has no rules and
	 * counts nothing, as in the kernel before the table's first use. */
	if (!__atomic_load_n(&xn->load_seq[id], __ATOMIC_ACQUIRE))
		return NS_ACCEPT;
	return table_run(xn, id, hook, pkt, in, out);
}

static unsigned int xt_hookfn(void *priv, struct pkt *pkt,
			      const struct ns_hook_state *st)
{
	const struct xt_hook_priv *hp = priv;

	return table_run(hp->xn, hp->id, st->hook, pkt, st->in, st->out);
}

/* What NAT runs for a connection's first packet (iptable_nat_do_chain). */
static unsigned int xt_nat_fn(void *priv, struct pkt *pkt,
			      const struct ns_hook_state *st)
{
	const struct xt_hook_priv *hp = priv;

	return table_run(hp->xn, hp->id, st->hook, pkt, st->in, st->out);
}

/*
 * The nat table: NAT on (and with it conntrack), then the table handed
 * to NAT at each of its hooks, as iptable_nat_table_init() registers
 * with nf_nat_ipv4_register_fn().
 */
static int nat_instantiate(struct xt_net *xn, enum xt_table_id id)
{
	const struct xt_table_def *def = &xn->defs[id];
	int h, err;

	err = nat_net_enable(xn->net);
	if (err)
		return err;
	for (h = 0; h < NS_INET_NUMHOOKS; h++) {
		if (!(def->hooks & (1u << h)))
			continue;
		err = nat_register_fn(xn->net, h, xt_nat_fn, &xn->priv[id]);
		if (err)
			goto err_unregister;
	}
	return 0;

err_unregister:
	while (--h >= 0)
		if (def->hooks & (1u << h))
			nat_unregister_fn(xn->net, h);
	return err;
}

/*
 * Instantiate table id: register its hook functions, each at the table's
 * priority for that hook. The kernel creates a table in a namespace on
 * first use (xt_find_table_lock -> table_init) and keeps it until the
 * namespace goes; nothing unregisters it before xt_net_fini(). An owned
 * table registers no hook function: its owner runs it (the nat table:
 * NAT, through nat_register_fn(); any other with xt_table_run()).
 */
static int table_instantiate(struct xt_net *xn, enum xt_table_id id)
{
	const struct xt_table_def *def = &xn->defs[id];
	int h, err, first = xn->nhooks;

	if (id == XT_TABLE_NAT && (def->flags & XT_TABLE_F_OWNED))
		return nat_instantiate(xn, id);
	if (def->flags & XT_TABLE_F_OWNED)
		return 0;
	for (h = 0; h < NS_INET_NUMHOOKS; h++) {
		struct ns_hook_ops *ops;

		if (!(def->hooks & (1u << h)))
			continue;
		if (xn->nhooks >= (int)(sizeof(xn->hooks) /
					sizeof(xn->hooks[0]))) {
			err = -ENOSPC;
			goto err_unregister;
		}
		ops = &xn->hooks[xn->nhooks];
		ops->hook = xt_hookfn;
		ops->priv = &xn->priv[id];
		ops->pf = NS_PF_INET;
		ops->hooknum = h;
		ops->priority = def->prio[h];
		err = ns_hook_register(xn->net, ops);
		if (err)
			goto err_unregister;
		xn->nhooks++;
	}
	return 0;

err_unregister:
	while (xn->nhooks > first)
		ns_hook_unregister(xn->net, &xn->hooks[--xn->nhooks]);
	return err;
}

int xt_table_touch(struct xt_net *xn, enum xt_table_id id)
{
	int err;

	if (xn->load_seq[id])
		return 0;
	if (!xn->defs[id].available)
		return -ENOENT;
	err = table_instantiate(xn, id);
	if (err)
		return err;
	/* xt_table_run() reads it on the data path. */
	__atomic_store_n(&xn->load_seq[id], ++xn->next_seq, __ATOMIC_RELEASE);
	return 0;
}

bool xt_table_loaded(const struct xt_net *xn, enum xt_table_id id)
{
	return xn->load_seq[id] != 0;
}

int xt_net_init(struct net *net)
{
	struct xt_net *xn;
	struct xt_gen *g;
	struct xt_err e = { 0 };
	int ti;

	xn = calloc(1, sizeof(*xn));
	if (!xn)
		return -ENOMEM;
	xn->net = net;
	xn->defs = xt_table_defs;
	g = xt_gen_clone(xn);
	if (!g) {
		free(xn);
		return -ENOMEM;
	}
	if (xt_gen_commit(xn, g, &e)) {
		sbuf_free(&e.msg);
		xt_gen_free(g);
		free(xn);
		return -ENOMEM;
	}
	net->xt = xn;
	/* Hooks are registered per table on first use (xt_table_touch). */
	for (ti = 0; ti < XT_TABLE_MAX; ti++) {
		xn->priv[ti].xn = xn;
		xn->priv[ti].id = ti;
	}
	return 0;
}

void xt_net_fini(struct net *net)
{
	struct xt_net *xn = net->xt;
	int i;

	if (!xn)
		return;
	for (i = 0; i < xn->nhooks; i++)
		ns_hook_unregister(net, &xn->hooks[i]);
	if (xn->load_seq[XT_TABLE_NAT])
		for (i = 0; i < NS_INET_NUMHOOKS; i++)
			nat_unregister_fn(net, i);
	if (xn->cur) {
		xt_gen_states_destroy(xn->cur);
		xt_gen_free(xn->cur);
	}
	free(xn);
	net->xt = NULL;
}
