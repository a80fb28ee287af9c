// SPDX-License-Identifier: MIT
/*
 * Interface addresses and what the kernel derives from them: the local
 * table (our addresses, broadcast addresses), connected routes, primary
 * and secondary addresses, and source address selection
 * (inet_select_addr). Lookups are data path (on the snapshot); add, delete
 * and flush are control path, on the command's draft.
 */
#include "stack/internal.h"
#include "stack/notify.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

static bool ifa_match(const struct ifaddr *ifa, uint32_t a)
{
	uint32_t m = inet_mask(ifa->plen);

	return ((a ^ ifa->addr.ip) & m) == 0;
}

static unsigned int local_slot(uint32_t addr)
{
	return (addr * 0x9e3779b1u) >> 20; /* 12 bits: LOCAL_SLOTS */
}

static const struct local_ent *local_find(const struct net *net,
					  uint32_t addr)
{
	const struct local_ent *lt = net_conf(net)->routes->local;
	unsigned int i = local_slot(addr), n;

	for (n = 0; n < LOCAL_SLOTS; n++, i = (i + 1) & (LOCAL_SLOTS - 1)) {
		if (!lt[i].flags)
			return NULL;
		if (lt[i].addr == addr)
			return &lt[i];
	}
	return NULL;
}

static void local_put(struct net *net, uint32_t addr, uint8_t flag,
		      int ifindex)
{
	struct local_ent *lt = net_conf(net)->routes->local;
	unsigned int i = local_slot(addr), n;

	for (n = 0; n < LOCAL_SLOTS; n++, i = (i + 1) & (LOCAL_SLOTS - 1)) {
		if (lt[i].flags && lt[i].addr != addr)
			continue;
		if (!lt[i].flags)
			lt[i].addr = addr;
		/* The first device with the address keeps it, as scanned. */
		if ((flag & LOCAL_F_LOCAL) && !(lt[i].flags & LOCAL_F_LOCAL))
			lt[i].ifindex = (int16_t)ifindex;
		lt[i].flags |= flag;
		return;
	}
}

struct netdev *addr_local_dev(struct net *net, uint32_t addr)
{
	const struct local_ent *e = local_find(net, addr);

	if (!e || !(e->flags & LOCAL_F_LOCAL))
		return NULL;
	return net_conf(net)->devs[e->ifindex];
}

/* The broadcast addresses fib_add_ifaddr() installs for one address. */
static bool ifa_is_bcast(const struct netdev *dev, int idx, uint32_t addr)
{
	const struct ifaddr *ifa = &dev->addrs[idx];
	uint32_t m = inet_mask(ifa->plen);

	if (ifa->bcast.ip && ifa->bcast.ip == addr && addr != 0xffffffffu)
		return true;
	if (addr_is_secondary(dev, idx))
		return false;
	if (ifa->plen < 31 && (ifa->addr.ip & m) != 0 &&
	    addr == ((ifa->addr.ip & m) | ~m))
		return true;
	return false;
}

bool addr_is_bcast(struct net *net, uint32_t addr, const struct netdev *only)
{
	const struct local_ent *e = local_find(net, addr);
	int j;

	if (!e || !(e->flags & LOCAL_F_BCAST))
		return false;
	if (!only)
		return true;
	if (!only->up)
		return false;
	for (j = 0; j < only->naddrs; j++)
		if (ifa_is_bcast(only, j, addr))
			return true;
	return false;
}

void addr_rebuild(struct net *net)
{
	int i, j;

	memset(net_conf(net)->routes->local, 0, sizeof(net_conf(net)->routes->local));
	for (i = 1; i < NS_MAX_DEVS; i++) {
		struct netdev *dev = net_conf(net)->devs[i];

		if (!dev || !dev->up)
			continue;
		for (j = 0; j < dev->naddrs; j++) {
			const struct ifaddr *ifa = &dev->addrs[j];
			uint32_t m = inet_mask(ifa->plen);

			local_put(net, ifa->addr.ip, LOCAL_F_LOCAL, i);
			if (ifa->bcast.ip && ifa->bcast.ip != 0xffffffffu)
				local_put(net, ifa->bcast.ip, LOCAL_F_BCAST, i);
			if (!addr_is_secondary(dev, j) && ifa->plen < 31 &&
			    (ifa->addr.ip & m) != 0)
				local_put(net, (ifa->addr.ip & m) | ~m,
					  LOCAL_F_BCAST, i);
		}
	}
}

bool addr_is_secondary(const struct netdev *dev, int idx)
{
	const struct ifaddr *ifa = &dev->addrs[idx];
	int i;

	for (i = 0; i < idx; i++) {
		const struct ifaddr *p = &dev->addrs[i];

		if (p->plen == ifa->plen && ifa_match(p, ifa->addr.ip))
			return true;
	}
	return false;
}

bool addr_onlink(const struct netdev *dev, uint32_t a, uint32_t b)
{
	int i;

	for (i = 0; i < dev->naddrs; i++) {
		if (!ifa_match(&dev->addrs[i], a))
			continue;
		if (!b || ifa_match(&dev->addrs[i], b))
			return true;
	}
	return false;
}

uint32_t addr_select(struct net *net, const struct netdev *dev, uint32_t dst,
		     int scope)
{
	uint32_t addr = 0;
	int i, j;

	for (i = 0; dev && i < dev->naddrs; i++) {
		const struct ifaddr *ifa = &dev->addrs[i];

		if (addr_is_secondary(dev, i) || ifa->scope > scope)
			continue;
		if (!dst || ifa_match(ifa, dst))
			return ifa->addr.ip;
		if (!addr)
			addr = ifa->addr.ip;
	}
	if (addr)
		return addr;
	/* Not on dev: any primary address of suitable scope elsewhere. */
	for (i = 1; i < NS_MAX_DEVS; i++) {
		struct netdev *d = net_conf(net)->devs[i];

		if (!d || d == dev)
			continue;
		for (j = 0; j < d->naddrs; j++)
			if (!addr_is_secondary(d, j) &&
			    d->addrs[j].scope <= scope &&
			    d->addrs[j].scope < RT_SCOPE_HOST)
				return d->addrs[j].addr.ip;
	}
	return 0;
}

int addr_add(struct net *net, struct netdev *dev, uint32_t addr, int plen,
	     uint32_t bcast, int scope)
{
	struct ifaddr *ifa;
	bool secondary;
	int i, pos;

	if (plen < 0 || plen > 32)
		return -EINVAL;
	for (i = 0; i < dev->naddrs; i++)
		if (dev->addrs[i].addr.ip == addr &&
		    dev->addrs[i].plen == plen)
			return -EEXIST;
	if (dev->naddrs >= NS_MAX_ADDRS)
		return -ENOSPC;
	/*
	 * inet_insert_ifa(): a secondary (same subnet as one we have) goes
	 * last, a primary after the last primary.
	 */
	secondary = false;
	for (i = 0; i < dev->naddrs; i++)
		if (dev->addrs[i].plen == plen &&
		    ifa_match(&dev->addrs[i], addr))
			secondary = true;
	pos = dev->naddrs;
	if (!secondary)
		for (pos = 0; pos < dev->naddrs; pos++)
			if (addr_is_secondary(dev, pos))
				break;
	memmove(&dev->addrs[pos + 1], &dev->addrs[pos],
		(size_t)(dev->naddrs - pos) * sizeof(dev->addrs[0]));
	ifa = &dev->addrs[pos];
	memset(ifa, 0, sizeof(*ifa));
	ifa->addr = ns_addr4(addr);
	ifa->plen = (uint8_t)plen;
	ifa->bcast = ns_addr4(bcast);
	ifa->scope = (uint8_t)scope;
	dev->naddrs++;
	if (!secondary)
		route_add_ifaddr(net, dev, ifa);
	addr_rebuild(net);
	return 0;
}

/* Delete the address at idx; secondaries of a deleted primary go too. */
static void addr_del_at(struct net *net, struct netdev *dev, int idx)
{
	struct ifaddr old = dev->addrs[idx];
	bool secondary = addr_is_secondary(dev, idx);
	int i;

	if (!secondary)
		route_del_ifaddr(net, dev, &old);
	memmove(&dev->addrs[idx], &dev->addrs[idx + 1],
		(size_t)(dev->naddrs - idx - 1) * sizeof(dev->addrs[0]));
	dev->naddrs--;
	/* inetaddr_chain NETDEV_DOWN: MASQUERADE forgets its bindings. */
	stack_notify(net, STACK_EV_ADDR_DEL, dev->ifindex, old.addr.ip);
	if (secondary)
		return;
	/* promote_secondaries=0: the primary takes its secondaries along. */
	for (i = idx; i < dev->naddrs;) {
		if (dev->addrs[i].plen == old.plen &&
		    ifa_match(&old, dev->addrs[i].addr.ip)) {
			stack_notify(net, STACK_EV_ADDR_DEL, dev->ifindex,
				     dev->addrs[i].addr.ip);
			memmove(&dev->addrs[i], &dev->addrs[i + 1],
				(size_t)(dev->naddrs - i - 1) *
				sizeof(dev->addrs[0]));
			dev->naddrs--;
		} else {
			i++;
		}
	}
	/* fib_inetaddr_event(): the last address gone disables IP. */
	if (!dev->naddrs)
		route_flush_dev(net, dev->ifindex);
}

int addr_del(struct net *net, struct netdev *dev, uint32_t addr, int plen)
{
	int i;

	for (i = 0; i < dev->naddrs; i++) {
		if (dev->addrs[i].addr.ip != addr)
			continue;
		if (plen >= 0 && dev->addrs[i].plen != plen)
			continue;
		addr_del_at(net, dev, i);
		addr_rebuild(net);
		return 0;
	}
	return -EADDRNOTAVAIL;
}

void addr_flush(struct net *net, struct netdev *dev)
{
	while (dev->naddrs)
		addr_del_at(net, dev, dev->naddrs - 1);
	addr_rebuild(net);
}
