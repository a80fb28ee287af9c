// SPDX-License-Identifier: MIT
/*
 * Setting up and tearing down the stack of one net: the first
 * configuration snapshot (routing table, sysctl defaults, the loopback
 * device, up, 127.0.0.1/8), the neighbour table, and the data-path ops the
 * workers call. Init and fini are control path; stack_timers() is data
 * path.
 */
#include "stack/internal.h"

#include "stack/conf.h"
#include "stack/ipfrag.h"
#include "stack/sysctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int stack_init(struct net *net)
{
	struct netdev *lo;
	int err;

	net->dp = &stack_dp_ops;
	err = stack_conf_create(net);
	if (err)
		return err;
	stack_sysctl_defaults(net);
	err = route_table_create(net);
	if (err)
		goto err_conf;
	err = neigh_table_create(net);
	if (err)
		goto err_conf;
	err = ipfrag_net_create(net);
	if (err)
		goto err_neigh;
	err = stack_dev_create(net, "lo", NULL, NULL, &lo);
	if (err)
		goto err_ipfrag;
	/* lo lives in this thread's draft until the commit below. */
	lo->loopback = true;
	lo->mtu = 65536;
	memset(lo->mac, 0, sizeof(lo->mac));
	dev_set_up(net, lo, true);
	stack_conf_commit(net);
	return 0;

err_ipfrag:
	ipfrag_net_destroy(net);
err_neigh:
	neigh_table_destroy(net);
err_conf:
	stack_conf_destroy(net);
	return err;
}

void stack_fini(struct net *net)
{
	ipfrag_net_destroy(net);
	neigh_table_destroy(net);
	stack_conf_destroy(net);
}

void stack_timers(struct net *net)
{
	neigh_timers(net);
	ipfrag_timers(net);
}

int stack_dev_count(struct net *net)
{
	struct stack_conf *conf = net_conf(net);
	int i, n = 0;

	for (i = 1; i < NS_MAX_DEVS; i++)
		n += conf->devs[i] != NULL;
	return n;
}
