// SPDX-License-Identifier: MIT
/*
 * Setting up and tearing down the stack of one net: the routing and
 * neighbour tables, ICMP rate-limit state, sysctl defaults and the
 * loopback device (up, 127.0.0.1/8). Also the timer entry point. Init and
 * fini are control path; stack_timers() is data path.
 */
#include "stack/internal.h"

#include "stack/sysctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int stack_init(struct net *net)
{
	struct netdev *lo;
	int err;

	stack_sysctl_defaults(net);
	err = route_table_create(net);
	if (err)
		return err;
	err = neigh_table_create(net);
	if (err)
		goto err_routes;
	err = icmp_init(net);
	if (err)
		goto err_neigh;
	err = stack_dev_create(net, "lo", NULL, NULL, &lo);
	if (err)
		goto err_icmp;
	lo->loopback = true;
	lo->mtu = 65536;
	memset(lo->mac, 0, sizeof(lo->mac));
	pthread_mutex_lock(&net->stack_lock);
	dev_set_up(net, lo, true);
	pthread_mutex_unlock(&net->stack_lock);
	return 0;

err_icmp:
	icmp_fini(net);
err_neigh:
	neigh_table_destroy(net);
err_routes:
	route_table_destroy(net);
	return err;
}

void stack_fini(struct net *net)
{
	neigh_table_destroy(net);
	icmp_fini(net);
	route_table_destroy(net);
}

void stack_timers(struct net *net)
{
	neigh_timers(net);
}
