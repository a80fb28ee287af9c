// SPDX-License-Identifier: MIT
/*
 * The routing table (the kernel's main table) and route resolution for
 * received and locally generated packets, as ip_route_input_slow() and
 * ip_route_output_key() decide. The local table (our addresses and
 * broadcast addresses) is derived from the interfaces' addresses in
 * addr.c, not stored. Lookups are data path (on the snapshot, no
 * allocation); changes are control path, on the command's draft.
 */
#include "stack/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static inline bool is_multicast(uint32_t a)
{
	return (ntohl(a) & 0xf0000000u) == 0xe0000000u;
}

static inline bool is_lbcast(uint32_t a)
{
	return a == 0xffffffffu;
}

/* Since Linux 5.3 only 0.0.0.0 itself, not 0/8 ("allow 0.0.0.0/8"). */
static inline bool is_zeronet(uint32_t a)
{
	return a == 0;
}

static inline bool is_loopback(uint32_t a)
{
	return (ntohl(a) & 0xff000000u) == 0x7f000000u;
}

/* The first snapshot's table (stack_init); snapshots free their own. */
int route_table_create(struct net *net)
{
	struct route_table *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	memset(t->slot, 0xff, sizeof(t->slot));
	net_conf(net)->routes = t;
	return 0;
}

/* The table holds IPv4 routes: their addresses say so. */
static void route_set_family(struct route *r)
{
	r->dst.family = NS_PF_INET;
	r->gw.family = NS_PF_INET;
	r->prefsrc.family = NS_PF_INET;
}

/* `ip route show` order: prefix ascending, longer first, metric. */
static int show_cmp(const struct route *a, const struct route *b)
{
	uint32_t x = ntohl(a->dst.ip), y = ntohl(b->dst.ip);

	if (x != y)
		return x < y ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen > b->plen ? -1 : 1;
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	return 0;
}

static int len_cmp(const void *pa, const void *pb, void *base)
{
	const struct route *r = base;
	const struct route *a = &r[*(const uint16_t *)pa];
	const struct route *b = &r[*(const uint16_t *)pb];

	if (a->plen != b->plen)
		return a->plen > b->plen ? -1 : 1;
	if (a->dst.ip != b->dst.ip)
		return ntohl(a->dst.ip) < ntohl(b->dst.ip) ? -1 : 1;
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	return *(const uint16_t *)pa - *(const uint16_t *)pb;
}

#define SLOT_MASK (2 * ROUTE_MAX - 1)

static unsigned int prefix_hash(uint32_t dst, int plen)
{
	uint32_t h = (dst ^ (uint32_t)plen * 0x85ebca6bu) * 0x9e3779b1u;

	return (h >> 16) & SLOT_MASK;
}

/* Rebuild the lookup order after a change. Control path. */
static void reindex(struct route_table *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		t->by_len[i] = (uint16_t)i;
	qsort_r(t->by_len, (size_t)t->n, sizeof(t->by_len[0]), len_cmp, t->r);
	memset(t->slot, 0xff, sizeof(t->slot));
	t->nplens = 0;
	for (i = 0; i < t->n; i++) {
		const struct route *r = &t->r[t->by_len[i]];
		const struct route *p = i ? &t->r[t->by_len[i - 1]] : NULL;
		unsigned int h;

		if (p && p->plen == r->plen && p->dst.ip == r->dst.ip)
			continue;
		if (!t->nplens || t->plens[t->nplens - 1] != r->plen)
			t->plens[t->nplens++] = r->plen;
		for (h = prefix_hash(r->dst.ip, r->plen); t->slot[h] >= 0;
		     h = (h + 1) & SLOT_MASK)
			;
		t->slot[h] = (int16_t)i;
	}
}

static void fill_result(struct net *net, const struct route *r,
			uint32_t daddr, struct rt_result *res)
{
	memset(res, 0, sizeof(*res));
	res->type = r->type;
	res->metric = r->metric;
	if (r->type != RTN_UNICAST)
		return;
	res->dev = net_dev_by_index(net, r->ifindex);
	res->gw.ip = r->gw.ip;
	res->nexthop.ip = r->gw.ip ? r->gw.ip : daddr;
	res->src.ip = r->prefsrc.ip;
	if (!res->src.ip && res->dev)
		res->src.ip = addr_select(net, res->dev, r->gw.ip, r->scope);
}

int route_lookup(struct net *net, uint32_t daddr, struct rt_result *res)
{
	const struct route_table *t = net_conf(net)->routes;
	int l;

	for (l = 0; l < t->nplens; l++) {
		int plen = t->plens[l];
		uint32_t key = daddr & inet_mask(plen);
		unsigned int h = prefix_hash(key, plen);

		for (; t->slot[h] >= 0; h = (h + 1) & SLOT_MASK) {
			int i = t->slot[h];

			if (t->r[t->by_len[i]].dst.ip != key ||
			    t->r[t->by_len[i]].plen != plen)
				continue;
			/* Same prefix: by metric; skip unusable ones. */
			for (; i < t->n; i++) {
				const struct route *r = &t->r[t->by_len[i]];

				if (r->dst.ip != key || r->plen != plen)
					break;
				if (r->type == RTN_UNICAST) {
					struct netdev *dev =
						net_dev_by_index(net, r->ifindex);

					if (!dev || !dev->up)
						continue;
				}
				fill_result(net, r, daddr, res);
				return 0;
			}
			break;
		}
	}
	memset(res, 0, sizeof(*res));
	res->type = RTN_UNSPEC;
	return -ENETUNREACH;
}

/* The error a non-unicast route gives (fib_props[].error). */
static int route_type_err(int type)
{
	switch (type) {
	case RTN_BLACKHOLE:
		return -EINVAL;
	case RTN_UNREACHABLE:
		return -EHOSTUNREACH;
	case RTN_PROHIBIT:
		return -EACCES;
	default:
		return -EINVAL;
	}
}

/*
 * fib_validate_source() with rp_filter on (the larger of conf.all and the
 * interface's value): the route back to the source must leave through
 * the input interface (1, strict) or merely exist (2, loose).
 * Returns 0, -EPERM (rp_filter: IP_RPFILTER) or -EXDEV (martian).
 */
static int validate_source(struct net *net, uint32_t saddr,
			   const struct netdev *in)
{
	int rpf = net_conf(net)->sysctl.rp_filter_all > in->cnf_rp_filter ?
		  net_conf(net)->sysctl.rp_filter_all : in->cnf_rp_filter;
	struct rt_result r;

	if (!rpf || in->loopback)
		return 0;
	if (route_lookup(net, saddr, &r))
		return -EPERM;                  /* last_resort */
	if (r.type != RTN_UNICAST)
		return -EXDEV;                  /* e_inval */
	if (r.dev == in)
		return 0;
	if (!in->naddrs || rpf == 1)
		return -EPERM;
	return 0;
}

int route_input(struct net *net, uint32_t daddr, uint32_t saddr,
		const struct netdev *in, struct rt_result *res)
{
	struct netdev *ldev;
	int err;

	memset(res, 0, sizeof(*res));
	if (is_multicast(saddr) || is_lbcast(saddr))
		return -EXDEV; /* martian source */
	if (is_lbcast(daddr) || (saddr == 0 && daddr == 0))
		goto brd_input;
	if (is_zeronet(saddr))
		return -EXDEV;
	if (is_zeronet(daddr))
		return -EXDEV;
	if (!in->loopback && (is_loopback(daddr) || is_loopback(saddr)))
		return -EXDEV;
	/*
	 * Our own address as the source of a received packet: martian,
	 * unless accept_local (IN_DEV_ACCEPT_LOCAL: all or the interface),
	 * which an IPVS director needs for direct-routing replies.
	 */
	if (!in->loopback && addr_local_dev(net, saddr) &&
	    !(net_conf(net)->sysctl.accept_local_all || in->cnf_accept_local))
		return -EXDEV;
	ldev = addr_local_dev(net, daddr);
	if (ldev) {
		err = validate_source(net, saddr, in);
		if (err)
			return err;
		res->type = RTN_LOCAL;
		res->dev = dev_loopback(net);
		res->src.ip = daddr;
		return 0;
	}
	if (addr_is_bcast(net, daddr, NULL))
		goto brd_input;
	err = route_lookup(net, daddr, res);
	if (err || res->type != RTN_UNICAST) {
		if (!err)
			err = route_type_err(res->type);
		if (!in->cnf_forwarding)
			return -EHOSTUNREACH;
		return err;
	}
	/* IN_DEV_FORWARD(): forwarding is the input interface's. */
	if (!in->cnf_forwarding) {
		res->type = RTN_UNSPEC;
		return -EHOSTUNREACH;
	}
	err = validate_source(net, saddr, in);
	if (err) {
		res->type = RTN_UNSPEC;
		return err;
	}
	/*
	 * __mkroute_input(): going back out where it came in, to a next hop
	 * on the sender's own subnet: tell the sender, if conf.all or the
	 * interface's send_redirects is on (IN_DEV_TX_REDIRECTS).
	 */
	if (res->dev == in && (net_conf(net)->sysctl.send_redirects_all ||
			       in->cnf_send_redirects) &&
	    addr_onlink(in, saddr, res->gw.ip)) {
		struct rt_result sr;

		if (!route_lookup(net, saddr, &sr) && sr.type == RTN_UNICAST &&
		    sr.dev == in && !sr.gw.ip)
			res->redirect = true;
	}
	return 0;

brd_input:
	if (saddr) {
		/* fib_validate_source(): our own address is a martian. */
		if (!in->loopback && addr_local_dev(net, saddr))
			return -EXDEV;
		err = validate_source(net, saddr, in);
		if (err)
			return err;
	}
	res->type = RTN_BROADCAST;
	res->dev = dev_loopback(net);
	res->src.ip = addr_select(net, in, 0, RT_SCOPE_LINK);
	return 0;
}

int route_output(struct net *net, uint32_t daddr, uint32_t saddr,
		 struct rt_result *res)
{
	struct netdev *dev;
	int err;

	memset(res, 0, sizeof(*res));
	dev = addr_local_dev(net, daddr);
	if (dev || is_loopback(daddr)) {
		struct netdev *lo = dev_loopback(net);

		if (!dev && (!lo || !lo->up))
			return -ENETUNREACH;
		res->type = RTN_LOCAL;
		res->dev = lo;
		res->nexthop.ip = daddr;
		res->src.ip = saddr ? saddr : daddr;
		return 0;
	}
	err = route_lookup(net, daddr, res);
	if (err)
		return err;
	if (res->type != RTN_UNICAST)
		return route_type_err(res->type);
	if (addr_is_bcast(net, daddr, res->dev) || is_lbcast(daddr))
		res->type = RTN_BROADCAST;
	else if (is_multicast(daddr))
		res->type = RTN_MULTICAST;
	if (saddr)
		res->src.ip = saddr;
	return 0;
}

int stack_addr_type(struct net *net, uint32_t addr, const struct netdev *dev)
{
	struct netdev *ldev;

	if (is_zeronet(addr) || is_lbcast(addr))
		return RTN_BROADCAST;
	if (is_multicast(addr))
		return RTN_MULTICAST;
	/* The local table: our addresses, broadcast routes, 127/8 on lo. */
	ldev = addr_local_dev(net, addr);
	if (ldev)
		return (!dev || dev == ldev) ? RTN_LOCAL : RTN_UNICAST;
	if (is_loopback(addr)) {
		struct netdev *lo = dev_loopback(net);

		if (lo && lo->up && lo->naddrs)
			return (!dev || dev == lo) ? RTN_LOCAL : RTN_UNICAST;
	}
	if (addr_is_bcast(net, addr, dev))
		return RTN_BROADCAST;
	return RTN_UNICAST;
}

/* Control path below: on the command's draft (stack_conf_write). */

static int find_exact(const struct route_table *t, uint32_t dst, int plen,
		      uint32_t metric)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (t->r[i].dst.ip == dst && t->r[i].plen == plen &&
		    t->r[i].metric == metric)
			return i;
	return -1;
}

static void remove_at(struct route_table *t, int i)
{
	memmove(&t->r[i], &t->r[i + 1], (size_t)(t->n - i - 1) * sizeof(t->r[0]));
	t->n--;
}

int route_add(struct net *net, const struct route *r, int flags)
{
	struct route_table *t = net_conf(net)->routes;
	int i;

	i = find_exact(t, r->dst.ip, r->plen, r->metric);
	if (i >= 0) {
		if (!(flags & ROUTE_F_REPLACE))
			return -EEXIST;
		t->r[i] = *r;
		route_set_family(&t->r[i]);
		reindex(t);
		return 0;
	}
	if (t->n >= ROUTE_MAX)
		return -ENOSPC;
	for (i = 0; i < t->n; i++)
		if (show_cmp(r, &t->r[i]) < 0)
			break;
	memmove(&t->r[i + 1], &t->r[i], (size_t)(t->n - i) * sizeof(t->r[0]));
	t->r[i] = *r;
	route_set_family(&t->r[i]);
	t->n++;
	reindex(t);
	return 0;
}

int route_del(struct net *net, const struct route *m, bool has_metric,
	      bool has_gw, bool has_dev, bool has_type)
{
	struct route_table *t = net_conf(net)->routes;
	int i;

	for (i = 0; i < t->n; i++) {
		const struct route *r = &t->r[i];

		if (r->dst.ip != m->dst.ip || r->plen != m->plen)
			continue;
		if (has_metric && r->metric != m->metric)
			continue;
		if (has_gw && r->gw.ip != m->gw.ip)
			continue;
		if (has_dev && r->ifindex != m->ifindex)
			continue;
		if (has_type && r->type != m->type)
			continue;
		if (m->prefsrc.ip && r->prefsrc.ip != m->prefsrc.ip)
			continue;
		if (m->proto && r->proto != m->proto)
			continue;
		remove_at(t, i);
		reindex(t);
		return 0;
	}
	return -ESRCH;
}

void route_flush_dev(struct net *net, int ifindex)
{
	struct route_table *t = net_conf(net)->routes;
	int i;

	for (i = 0; i < t->n;) {
		if (t->r[i].type == RTN_UNICAST && t->r[i].ifindex == ifindex)
			remove_at(t, i);
		else
			i++;
	}
	reindex(t);
}

void route_add_ifaddr(struct net *net, const struct netdev *dev,
		      const struct ifaddr *ifa)
{
	struct route r = {
		.dst = ns_addr4(ifa->addr.ip & inet_mask(ifa->plen)),
		.plen = ifa->plen,
		.type = RTN_UNICAST,
		.proto = RTPROT_KERNEL,
		.scope = RT_SCOPE_LINK,
		.ifindex = dev->ifindex,
		.prefsrc = ns_addr4(ifa->addr.ip),
	};

	if (!dev->up || dev->loopback)
		return;
	/* fib_add_ifaddr(): no prefix route for a /32 host address. */
	if (ifa->plen == 32 || is_zeronet(r.dst.ip))
		return;
	(void)route_add(net, &r, 0);
}

void route_del_ifaddr(struct net *net, const struct netdev *dev,
		      const struct ifaddr *ifa)
{
	struct route_table *t = net_conf(net)->routes;
	uint32_t dst = ifa->addr.ip & inet_mask(ifa->plen);
	int i;

	for (i = 0; i < t->n; i++) {
		const struct route *r = &t->r[i];

		if (r->proto == RTPROT_KERNEL && r->ifindex == dev->ifindex &&
		    r->dst.ip == dst && r->plen == ifa->plen &&
		    r->prefsrc.ip == ifa->addr.ip) {
			remove_at(t, i);
			reindex(t);
			return;
		}
	}
}
