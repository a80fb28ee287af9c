// SPDX-License-Identifier: MIT
/*
 * `ip route`: show (main and local tables), add/change/replace/append/del, flush, get.
 * iproute2's syntax, output and messages. Control path, on the command's
 * configuration draft.
 */
#include "ctl/ip_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- route ---- */

static const char *proto_name(int p, char *buf)
{
	switch (p) {
	case RTPROT_KERNEL:
		return "kernel";
	case RTPROT_BOOT:
		return "boot";
	case RTPROT_STATIC:
		return "static";
	case 16:
		return "dhcp";
	default:
		snprintf(buf, 16, "%d", p);
		return buf;
	}
}

static const char *type_name(int t)
{
	switch (t) {
	case RTN_LOCAL:
		return "local";
	case RTN_BROADCAST:
		return "broadcast";
	case RTN_BLACKHOLE:
		return "blackhole";
	case RTN_UNREACHABLE:
		return "unreachable";
	case RTN_PROHIBIT:
		return "prohibit";
	default:
		return "unicast";
	}
}

/* One route as `ip -j route` prints it, members in iproute2's order. */
static void route_json(struct ipctx *c, int type, uint32_t dst, int plen,
		       uint32_t gw, const struct netdev *d, bool local_tb,
		       int proto, int scope, uint32_t prefsrc,
		       unsigned metric, bool onlink)
{
	char b[INET_ADDRSTRLEN], pb[16];

	ip_json_obj(c);
	sbuf_addc(c->out, '{');
	if (type != RTN_UNICAST)
		sbuf_addf(c->out, "\"type\":\"%s\",", type_name(type));
	if (plen == 0)
		sbuf_adds(c->out, "\"dst\":\"default\"");
	else if (plen == 32)
		sbuf_addf(c->out, "\"dst\":\"%s\"", ip_fmt_addr(dst, b));
	else
		sbuf_addf(c->out, "\"dst\":\"%s/%d\"", ip_fmt_addr(dst, b),
			  plen);
	if (gw)
		sbuf_addf(c->out, ",\"gateway\":\"%s\"", ip_fmt_addr(gw, b));
	if (d && !c->dev_filter) {
		sbuf_addc(c->out, ',');
		ip_json_str(c->out, "dev", d->name);
	}
	if (local_tb)
		sbuf_adds(c->out, ",\"table\":\"local\"");
	if (proto != RTPROT_BOOT)
		sbuf_addf(c->out, ",\"protocol\":\"%s\"",
			  proto_name(proto, pb));
	if (scope != RT_SCOPE_UNIVERSE)
		sbuf_addf(c->out, ",\"scope\":\"%s\"", ip_scope_name(scope));
	if (prefsrc)
		sbuf_addf(c->out, ",\"prefsrc\":\"%s\"",
			  ip_fmt_addr(prefsrc, b));
	if (metric)
		sbuf_addf(c->out, ",\"metric\":%u", metric);
	sbuf_addf(c->out, ",\"flags\":[%s]}", onlink ? "\"onlink\"" : "");
}

static void print_route(struct ipctx *c, const struct route *r)
{
	char b[INET_ADDRSTRLEN], pb[16];
	struct netdev *d;

	if (c->json) {
		d = r->ifindex ? net_dev_by_index(c->net, r->ifindex) : NULL;
		route_json(c, r->type, r->dst.ip, r->plen, r->gw.ip, d, false,
			   r->proto, r->scope, r->prefsrc.ip, r->metric,
			   r->onlink);
		return;
	}

	if (r->type != RTN_UNICAST)
		sbuf_addf(c->out, "%s ", type_name(r->type));
	if (r->plen == 0)
		sbuf_adds(c->out, "default ");
	else if (r->plen == 32)
		sbuf_addf(c->out, "%s ", ip_fmt_addr(r->dst.ip, b));
	else
		sbuf_addf(c->out, "%s/%u ", ip_fmt_addr(r->dst.ip, b), r->plen);
	if (r->gw.ip)
		sbuf_addf(c->out, "via %s ", ip_fmt_addr(r->gw.ip, b));
	d = net_dev_by_index(c->net, r->ifindex);
	if (r->ifindex && d && !c->dev_filter)
		sbuf_addf(c->out, "dev %s ", d->name);
	if (r->proto != RTPROT_BOOT)
		sbuf_addf(c->out, "proto %s ", proto_name(r->proto, pb));
	if (r->scope != RT_SCOPE_UNIVERSE)
		sbuf_addf(c->out, "scope %s ", ip_scope_name(r->scope));
	if (r->prefsrc.ip)
		sbuf_addf(c->out, "src %s ", ip_fmt_addr(r->prefsrc.ip, b));
	if (r->metric)
		sbuf_addf(c->out, "metric %u ", r->metric);
	if (r->onlink)
		sbuf_adds(c->out, "onlink ");
	sbuf_adds(c->out, "\n");
}

/* The local table as the kernel would have built it from the addresses. */
struct lroute {
	uint32_t dst;
	uint8_t plen, type;
	int ifindex;
	uint32_t src;
};

static int lroute_cmp(const void *pa, const void *pb)
{
	const struct lroute *a = pa, *b = pb;
	uint32_t x = ntohl(a->dst), y = ntohl(b->dst);

	if (x != y)
		return x < y ? -1 : 1;
	return b->plen - a->plen;
}

static void lroute_put(struct lroute *v, int *n, int max, uint32_t dst,
		       int plen, int type, int ifindex, uint32_t src)
{
	int i;

	for (i = 0; i < *n; i++)
		if (v[i].dst == dst && v[i].plen == plen)
			return;
	if (*n >= max)
		return;
	v[*n].dst = dst;
	v[*n].plen = (uint8_t)plen;
	v[*n].type = (uint8_t)type;
	v[*n].ifindex = ifindex;
	v[*n].src = src;
	(*n)++;
}

static uint32_t primary_for(const struct netdev *d, int idx)
{
	const struct ifaddr *a = &d->addrs[idx];
	int i;

	for (i = 0; i < idx; i++)
		if (d->addrs[i].plen == a->plen &&
		    !((d->addrs[i].addr.ip ^ a->addr.ip) & inet_mask(a->plen)) &&
		    !addr_is_secondary(d, i))
			return d->addrs[i].addr.ip;
	return a->addr.ip;
}

/*
 * all: listed after the main table (`table all`), each route then says
 * "table local". dev: only that device's routes.
 */
static void show_local_table(struct ipctx *c, bool all,
			     const struct netdev *dev)
{
	enum { MAXL = NS_MAX_DEVS * NS_MAX_ADDRS * 3 };
	struct lroute *v = calloc(MAXL, sizeof(*v));
	int n = 0, i, j;

	if (!v)
		return;
	for (i = 1; i < NS_MAX_DEVS; i++) {
		const struct netdev *d = net_conf(c->net)->devs[i];

		if (!d || !d->up || (dev && d != dev))
			continue;
		for (j = 0; j < d->naddrs; j++) {
			const struct ifaddr *a = &d->addrs[j];
			uint32_t m = inet_mask(a->plen), src = primary_for(d, j);

			if (d->loopback)
				lroute_put(v, &n, MAXL, a->addr.ip & m, a->plen,
					   RTN_LOCAL, i, src);
			lroute_put(v, &n, MAXL, a->addr.ip, 32, RTN_LOCAL, i, src);
			if (a->bcast.ip && a->bcast.ip != 0xffffffffu)
				lroute_put(v, &n, MAXL, a->bcast.ip, 32,
					   RTN_BROADCAST, i, src);
			if (!addr_is_secondary(d, j) && a->plen < 31 &&
			    (a->addr.ip & m))
				lroute_put(v, &n, MAXL, (a->addr.ip & m) | ~m, 32,
					   RTN_BROADCAST, i, src);
		}
	}
	qsort(v, (size_t)n, sizeof(*v), lroute_cmp);
	for (i = 0; i < n; i++) {
		char b[INET_ADDRSTRLEN];
		const struct netdev *d = net_conf(c->net)->devs[v[i].ifindex];

		if (c->json) {
			route_json(c, v[i].type, v[i].dst, v[i].plen, 0, d,
				   all, RTPROT_KERNEL,
				   v[i].type == RTN_LOCAL ? RT_SCOPE_HOST :
							    RT_SCOPE_LINK,
				   v[i].src, 0, false);
			continue;
		}
		sbuf_addf(c->out, "%s ", type_name(v[i].type));
		if (v[i].plen == 32)
			sbuf_addf(c->out, "%s ", ip_fmt_addr(v[i].dst, b));
		else
			sbuf_addf(c->out, "%s/%u ", ip_fmt_addr(v[i].dst, b),
				  v[i].plen);
		if (!dev)
			sbuf_addf(c->out, "dev %s ", d->name);
		sbuf_addf(c->out, "%sproto kernel scope %s src %s \n",
			  all ? "table local " : "",
			  v[i].type == RTN_LOCAL ? "host" : "link",
			  ip_fmt_addr(v[i].src, b));
	}
	free(v);
}

static int route_show(struct ipctx *c, int argc, char **argv)
{
	const struct route_table *t = net_conf(c->net)->routes;
	const char *table = "main";
	struct netdev *dev = NULL;
	bool have_pfx = false;
	uint32_t pfx = 0, via = 0;
	int i, plen = 0, proto = -1, scope = -1;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "proto") || !strcmp(argv[i], "scope") ||
		    !strcmp(argv[i], "via")) {
			const char *k = argv[i];

			if (++i >= argc)
				return ip_need_arg(c, k);
			if (k[0] == 'v') {
				if (ip_parse_addr(argv[i], &via))
					return ip_bad_arg(c, "inet address", argv[i]);
			} else if (k[0] == 's') {
				scope = ip_parse_scope(argv[i]);
				if (scope < 0)
					return ip_bad_arg(c, "scope", argv[i]);
			} else {
				proto = !strcmp(argv[i], "kernel") ? RTPROT_KERNEL :
					!strcmp(argv[i], "boot") ? RTPROT_BOOT :
					!strcmp(argv[i], "static") ? RTPROT_STATIC :
					!strcmp(argv[i], "dhcp") ? 16 :
					atoi(argv[i]);
			}
			continue;
		}
		if (strcmp(argv[i], "table") && strcmp(argv[i], "dev")) {
			const char *p = argv[i];

			if (!strcmp(p, "exact") || !strcmp(p, "to")) {
				if (++i >= argc)
					return ip_need_arg(c, p);
				p = argv[i];
			}
			if (ip_parse_prefix(p, &pfx, &plen))
				return ip_bad_arg(c, "any valid prefix", p);
			have_pfx = true;
			continue;
		}
		if (!strcmp(argv[i], "table") || !strcmp(argv[i], "dev")) {
			if (i + 1 >= argc)
				return ip_need_arg(c, argv[i]);
			if (!strcmp(argv[i], "dev")) {
				dev = net_dev_by_name(c->net, argv[++i]);
				if (!dev)
					return ip_no_device(c, argv[i]);
			} else {
				table = argv[++i];
			}
		}
	}
	if (strcmp(table, "main") && strcmp(table, "254") &&
	    strcmp(table, "local") && strcmp(table, "255") &&
	    strcmp(table, "all")) {
		sbuf_addf(c->err, "Error: netsieve: only the main and local tables exist (not \"%s\").\n",
			  table);
		return 2;
	}
	if (c->json)
		ip_json_open(c);
	c->dev_filter = dev != NULL;
	if (!strcmp(table, "local") || !strcmp(table, "255") ||
	    !strcmp(table, "all")) {
		if (!strcmp(table, "all"))
			goto main_table;
		show_local_table(c, false, dev);
		return 0;
	}
main_table:
	for (i = 0; i < t->n; i++) {
		if (dev && t->r[i].ifindex != dev->ifindex)
			continue;
		if (have_pfx && (t->r[i].dst.ip != (pfx & inet_mask(plen)) ||
				 t->r[i].plen != plen))
			continue;
		if ((proto >= 0 && t->r[i].proto != proto) ||
		    (scope >= 0 && t->r[i].scope != scope) ||
		    (via && t->r[i].gw.ip != via))
			continue;
		print_route(c, &t->r[i]);
	}
	if (!strcmp(table, "all"))
		show_local_table(c, true, dev);
	return 0;
}

/* fib_check_nh(): the gateway must be on a connected (link) route. */
static int check_gateway(struct ipctx *c, uint32_t gw, struct netdev **dev)
{
	const struct route_table *t = net_conf(c->net)->routes;
	int i;

	if (!gw || addr_local_dev(c->net, gw))
		return -1;
	for (i = 0; i < t->n; i++) {
		const struct route *r = &t->r[t->by_len[i]];
		struct netdev *d;

		if (r->type != RTN_UNICAST || r->scope == RT_SCOPE_UNIVERSE)
			continue;
		if ((gw & inet_mask(r->plen)) != r->dst.ip)
			continue;
		d = net_dev_by_index(c->net, r->ifindex);
		if (!d || !d->up)
			continue;
		if (*dev && d != *dev)
			continue;
		*dev = d;
		return 0;
	}
	return -1;
}

static int route_modify(struct ipctx *c, const char *cmd, int argc,
			char **argv)
{
	struct route r = { .type = RTN_UNICAST, .proto = RTPROT_BOOT };
	bool del = !strcmp(cmd, "del"), have_dst = false, has_metric = false;
	bool has_type = false, has_scope = false, onlink = false;
	const char *devname = NULL;
	struct netdev *dev = NULL;
	uint32_t dst;
	int plen, i, err, flags;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool kw = !strcmp(a, "via") || !strcmp(a, "dev") ||
			  !strcmp(a, "oif") || !strcmp(a, "metric") ||
			  !strcmp(a, "priority") || !strcmp(a, "preference") ||
			  !strcmp(a, "src") || !strcmp(a, "proto") ||
			  !strcmp(a, "scope") || !strcmp(a, "table") ||
			  !strcmp(a, "to");

		if (kw && i + 1 >= argc)
			return ip_need_arg(c, a);
		if (!strcmp(a, "via")) {
			if (!strcmp(argv[i + 1], "inet") && i + 2 < argc)
				i++;
			if (ip_parse_addr(argv[++i], &r.gw.ip))
				return ip_bad_arg(c, "inet address", argv[i]);
		} else if (!strcmp(a, "dev") || !strcmp(a, "oif")) {
			devname = argv[++i];
		} else if (!strcmp(a, "metric") || !strcmp(a, "priority") ||
			   !strcmp(a, "preference")) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 0);

			if (!*argv[i] || *end || v > 0xffffffffu)
				return ip_bad_arg(c, "\"metric\" value", argv[i]);
			r.metric = (uint32_t)v;
			has_metric = true;
		} else if (!strcmp(a, "src")) {
			if (ip_parse_addr(argv[++i], &r.prefsrc.ip))
				return ip_bad_arg(c, "inet address", argv[i]);
		} else if (!strcmp(a, "proto")) {
			const char *p = argv[++i];

			if (!strcmp(p, "kernel"))
				r.proto = RTPROT_KERNEL;
			else if (!strcmp(p, "boot"))
				r.proto = RTPROT_BOOT;
			else if (!strcmp(p, "static"))
				r.proto = RTPROT_STATIC;
			else if (!strcmp(p, "dhcp"))
				r.proto = 16;
			else
				r.proto = (uint8_t)atoi(p);
		} else if (!strcmp(a, "scope")) {
			int s = ip_parse_scope(argv[++i]);

			if (s < 0)
				return ip_bad_arg(c, "scope", argv[i]);
			r.scope = (uint8_t)s;
			has_scope = true;
		} else if (!strcmp(a, "table")) {
			if (strcmp(argv[++i], "main") && strcmp(argv[i], "254")) {
				sbuf_adds(c->err, "Error: netsieve: only the main table can be changed.\n");
				return 2;
			}
		} else if (!strcmp(a, "onlink")) {
			onlink = true;
		} else if (!strcmp(a, "blackhole") || !strcmp(a, "unreachable") ||
			   !strcmp(a, "prohibit") || !strcmp(a, "unicast")) {
			r.type = a[0] == 'b' ? RTN_BLACKHOLE :
				 a[0] == 'p' ? RTN_PROHIBIT :
				 a[1] == 'n' && a[2] == 'r' ? RTN_UNREACHABLE :
				 RTN_UNICAST;
			has_type = true;
		} else if (!strcmp(a, "local") || !strcmp(a, "broadcast") ||
			   !strcmp(a, "multicast") || !strcmp(a, "throw") ||
			   !strcmp(a, "nat") || !strcmp(a, "anycast")) {
			sbuf_addf(c->err, "Error: netsieve: route type \"%s\" is not supported.\n",
				  a);
			return 2;
		} else {
			const char *p = a;

			if (!strcmp(a, "to"))
				p = argv[++i];
			if (have_dst) {
				sbuf_addf(c->err, "Error: either \"to\" is duplicate, or \"%s\" is a garbage.\n",
					  p);
				return 1;
			}
			if (ip_parse_prefix(p, &dst, &plen))
				return ip_bad_arg(c, "any valid prefix", p);
			have_dst = true;
		}
	}
	if (!have_dst) {
		sbuf_adds(c->err, "Error: netsieve: a destination prefix is required.\n");
		return 2;
	}
	if (dst & ~inet_mask(plen))
		return ip_ext_err(c, "Invalid prefix for given prefix length.");
	r.dst.ip = dst;
	r.plen = (uint8_t)plen;
	if (!stack_conf_write(c->net))
		return ip_rtnl_err(c, -ENOMEM);
	if (devname) {
		dev = net_dev_by_name(c->net, devname);
		if (!dev)
			return ip_no_device(c, devname);
		r.ifindex = dev->ifindex;
	}
	if (del) {
		err = route_del(c->net, &r, has_metric, r.gw.ip != 0, dev != NULL,
				has_type);
		return err ? ip_rtnl_err(c, err) : 0;
	}
	if (r.type == RTN_UNICAST) {
		if (r.gw.ip) {
			if (onlink && dev) {
				if (!dev->up) {
					err = 1;
					goto err_not_up;
				}
			} else if (check_gateway(c, r.gw.ip, &dev)) {
				return ip_ext_err(c, "Nexthop has invalid gateway.");
			}
			r.ifindex = dev->ifindex;
			r.onlink = onlink;
			if (!has_scope)
				r.scope = RT_SCOPE_UNIVERSE;
		} else {
			if (!dev)
				return ip_rtnl_err(c, -ENODEV);
			if (!dev->up) {
				err = 1;
				goto err_not_up;
			}
			if (!has_scope)
				r.scope = RT_SCOPE_LINK;
		}
	} else {
		r.ifindex = 0;
		r.gw.ip = 0;
	}
	if (r.prefsrc.ip && !addr_local_dev(c->net, r.prefsrc.ip))
		return ip_ext_err(c, "Invalid prefsrc address.");
	flags = !strcmp(cmd, "replace") ? ROUTE_F_REPLACE : ROUTE_F_EXCL;
	err = route_add(c->net, &r, flags);
	return err ? ip_rtnl_err(c, err) : 0;

err_not_up:
	return ip_ext_err(c, "Device for nexthop is not up.");
}

static int route_flush_cmd(struct ipctx *c, int argc, char **argv)
{
	struct route_table *t = net_conf(c->net)->routes;
	struct netdev *dev = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "cache"))
			return 0;
		if (!strcmp(argv[i], "dev")) {
			if (++i >= argc)
				return ip_need_arg(c, "dev");
			dev = net_dev_by_name(c->net, argv[i]);
			if (!dev)
				return ip_no_device(c, argv[i]);
		}
	}
	/* Like `ip route flush table main`: every route (or dev's). */
	for (i = 0; i < t->n;) {
		if (dev && t->r[i].ifindex != dev->ifindex) {
			i++;
			continue;
		}
		{
			struct route m = t->r[i];

			route_del(c->net, &m, true, true, true, true);
		}
	}
	return 0;
}

static int route_get(struct ipctx *c, int argc, char **argv)
{
	struct rt_result rt;
	char b[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
	uint32_t dst = 0, src = 0;
	bool have = false;
	int i, err, plen;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "from") || !strcmp(argv[i], "src")) {
			if (++i >= argc)
				return ip_need_arg(c, argv[i - 1]);
			if (ip_parse_addr(argv[i], &src))
				return ip_bad_arg(c, "inet address", argv[i]);
		} else if (!strcmp(argv[i], "to")) {
			continue;
		} else if (!have) {
			if (ip_parse_prefix(argv[i], &dst, &plen))
				return ip_bad_arg(c, "any valid prefix", argv[i]);
			have = true;
		}
	}
	if (!have) {
		sbuf_adds(c->err, "need at least a destination address\n");
		return 1;
	}
	if (c->json) {
		sbuf_adds(c->err, "Error: netsieve: ip -j route get is not supported yet.\n");
		return 2;
	}
	err = route_output(c->net, dst, src, &rt);
	if (err)
		return ip_rtnl_err(c, err);
	if (rt.type == RTN_LOCAL) {
		sbuf_addf(c->out, "local %s dev %s src %s uid 0 \n    cache <local> \n",
			  ip_fmt_addr(dst, b), rt.dev ? rt.dev->name : "lo",
			  ip_fmt_addr(rt.src.ip, s));
		return 0;
	}
	if (rt.type == RTN_BROADCAST) {
		sbuf_addf(c->out, "broadcast %s dev %s src %s uid 0 \n    cache <local,brd> \n",
			  ip_fmt_addr(dst, b), rt.dev->name, ip_fmt_addr(rt.src.ip, s));
		return 0;
	}
	sbuf_addf(c->out, "%s ", ip_fmt_addr(dst, b));
	if (rt.gw.ip)
		sbuf_addf(c->out, "via %s ", ip_fmt_addr(rt.gw.ip, b));
	sbuf_addf(c->out, "dev %s src %s uid 0 \n    cache \n", rt.dev->name,
		  ip_fmt_addr(rt.src.ip, s));
	return 0;
}

int ip_route_cmd(struct ipctx *c, int argc, char **argv)
{
	int rc;

	if (argc == 0 || ip_matches(argv[0], "show") || ip_matches(argv[0], "list") ||
	    ip_matches(argv[0], "lst")) {
		rc = route_show(c, argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
		return rc;
	}
	if (ip_matches(argv[0], "add"))
		return route_modify(c, "add", argc - 1, argv + 1);
	if (ip_matches(argv[0], "replace"))
		return route_modify(c, "replace", argc - 1, argv + 1);
	if (ip_matches(argv[0], "delete"))
		return route_modify(c, "del", argc - 1, argv + 1);
	if (ip_matches(argv[0], "flush")) {
		if (!stack_conf_write(c->net))
			return ip_rtnl_err(c, -ENOMEM);
		return route_flush_cmd(c, argc - 1, argv + 1);
	}
	if (ip_matches(argv[0], "get"))
		return route_get(c, argc - 1, argv + 1);
	sbuf_addf(c->err, "Command \"%s\" is unknown, try \"ip route help\".\n",
		  argv[0]);
	return 255;
}

