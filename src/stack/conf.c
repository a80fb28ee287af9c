// SPDX-License-Identifier: MIT
/*
 * The RCU-published stack configuration (see conf.h): the first snapshot,
 * a command's draft, its publication, and freeing what no snapshot uses
 * any more. Control path (ctl_lock held), except net_dev_by_*() which run
 * anywhere on the snapshot the thread sees.
 */
#include "stack/conf.h"

#include "io/io.h"
#include "stack/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

__thread struct stack_conf *stack_draft;
__thread struct net *stack_draft_net;

static void conf_free(struct stack_conf *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < NS_MAX_DEVS; i++)
		free(c->devs[i]);
	free(c->routes);
	free(c);
}

static struct stack_conf *conf_copy(const struct stack_conf *old)
{
	struct stack_conf *c;
	int i;

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	*c = *old;
	memset(c->devs, 0, sizeof(c->devs));
	c->routes = malloc(sizeof(*c->routes));
	if (!c->routes)
		goto err_free;
	memcpy(c->routes, old->routes, sizeof(*c->routes));
	for (i = 0; i < NS_MAX_DEVS; i++) {
		if (!old->devs[i])
			continue;
		c->devs[i] = malloc(sizeof(struct netdev));
		if (!c->devs[i])
			goto err_free;
		memcpy(c->devs[i], old->devs[i], sizeof(struct netdev));
	}
	return c;

err_free:
	conf_free(c);
	return NULL;
}

int stack_conf_create(struct net *net)
{
	struct stack_conf *c;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->next_ifindex = 1;
	net->conf = c;
	return 0;
}

/* Is the device (identified by its shared counters) in c? */
static bool has_dev(const struct stack_conf *c, const struct netdev *dev)
{
	const struct netdev *d = c->devs[dev->ifindex];

	return d && d->pstats == dev->pstats;
}

/* Close and release a device that no snapshot refers to any more. */
static void dev_release(struct netdev *dev)
{
	if (dev->io && dev->io->close)
		dev->io->close(dev);
	free(dev->pstats);
	dev->pstats = NULL;
}

void stack_conf_destroy(struct net *net)
{
	struct stack_conf *c = net->conf;
	int i;

	if (stack_draft_net == net) {
		stack_conf_commit(net);
		c = net->conf;
	}
	if (!c)
		return;
	for (i = 0; i < NS_MAX_DEVS; i++)
		if (c->devs[i])
			dev_release(c->devs[i]);
	conf_free(c);
	net->conf = NULL;
}

struct stack_conf *stack_conf_write(struct net *net)
{
	struct stack_conf *c;

	if (stack_draft_net == net)
		return stack_draft;
	/* One draft per thread: publish another net's first. */
	if (stack_draft_net)
		stack_conf_commit(stack_draft_net);
	c = conf_copy(net->conf);
	if (!c)
		return NULL;
	stack_draft = c;
	stack_draft_net = net;
	return c;
}

void stack_conf_commit(struct net *net)
{
	struct stack_conf *old = net->conf, *new;
	int i;

	if (stack_draft_net != net)
		return;
	new = stack_draft;
	stack_draft = NULL;
	stack_draft_net = NULL;
	/* Cannot fail after this point. */
	ns_rcu_assign(net->conf, new);
	ns_rcu_synchronize();
	for (i = 0; i < NS_MAX_DEVS; i++)
		if (old->devs[i] && !has_dev(new, old->devs[i]))
			dev_release(old->devs[i]);
	conf_free(old);
	if (net->kick)
		net->kick(net->kick_priv);
}

struct netdev *net_dev_by_name(struct net *net, const char *name)
{
	struct stack_conf *c = net_conf(net);
	int i;

	for (i = 1; i < NS_MAX_DEVS; i++)
		if (c->devs[i] && !strcmp(c->devs[i]->name, name))
			return c->devs[i];
	return NULL;
}

struct netdev *net_dev_by_index(struct net *net, int ifindex)
{
	if (ifindex <= 0 || ifindex >= NS_MAX_DEVS)
		return NULL;
	return net_conf(net)->devs[ifindex];
}
