// SPDX-License-Identifier: MIT
/*
 * `ip addr`: show, add, del, flush.
 * iproute2's syntax, output and messages. Control path, on the command's
 * configuration draft.
 */
#include "ctl/ip_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- addr ---- */

/* One address as an addr_info member of `ip -j addr`. */
static void addr_json(struct ipctx *c, const struct netdev *d, int i)
{
	const struct ifaddr *a = &d->addrs[i];
	char b[INET_ADDRSTRLEN];

	sbuf_addf(c->out, "{\"family\":\"inet\",\"local\":\"%s\","
		  "\"prefixlen\":%u,", ip_fmt_addr(a->addr.ip, b), a->plen);
	if (a->bcast.ip)
		sbuf_addf(c->out, "\"broadcast\":\"%s\",",
			  ip_fmt_addr(a->bcast.ip, b));
	sbuf_addf(c->out, "\"scope\":\"%s\",%s", ip_scope_name(a->scope),
		  addr_is_secondary(d, i) ? "\"secondary\":true," : "");
	ip_json_str(c->out, "label", d->name);
	sbuf_adds(c->out, ",\"valid_life_time\":4294967295,"
		  "\"preferred_life_time\":4294967295}");
}

/* `ip -j [-br] addr`: one object per device. */
static void addr_show_json(struct ipctx *c, const struct netdev *d)
{
	char b[INET_ADDRSTRLEN];
	int i;

	ip_json_obj(c);
	sbuf_addc(c->out, '{');
	if (c->brief) {
		ip_json_str(c->out, "ifname", d->name);
		sbuf_addf(c->out, ",\"operstate\":\"%s\",\"addr_info\":[",
			  ip_oper_state(d));
		for (i = 0; i < d->naddrs; i++)
			sbuf_addf(c->out, "%s{\"local\":\"%s\",\"prefixlen\":%u}",
				  i ? "," : "",
				  ip_fmt_addr(d->addrs[i].addr.ip, b),
				  d->addrs[i].plen);
		sbuf_adds(c->out, "]}");
		return;
	}
	ip_link_json(c, d, false);
	sbuf_adds(c->out, ",\"addr_info\":[");
	for (i = 0; i < d->naddrs; i++) {
		if (i)
			sbuf_addc(c->out, ',');
		addr_json(c, d, i);
	}
	sbuf_adds(c->out, "]}");
}

static void addr_show_dev(struct ipctx *c, const struct netdev *d)
{
	int i;

	if (c->json) {
		addr_show_json(c, d);
		return;
	}

	if (c->brief) {
		char b[INET_ADDRSTRLEN];

		sbuf_addf(c->out, "%-16s %-14s ", d->name, ip_oper_state(d));
		for (i = 0; i < d->naddrs; i++)
			sbuf_addf(c->out, "%s/%u ",
				  ip_fmt_addr(d->addrs[i].addr.ip, b),
				  d->addrs[i].plen);
		sbuf_adds(c->out, "\n");
		return;
	}
	if (c->oneline) {
		for (i = 0; i < d->naddrs; i++) {
			const struct ifaddr *a = &d->addrs[i];
			char b1[INET_ADDRSTRLEN], b2[INET_ADDRSTRLEN];

			sbuf_addf(c->out, "%d: %-5s inet %s/%u ", d->ifindex,
				  d->name, ip_fmt_addr(a->addr.ip, b1), a->plen);
			if (a->bcast.ip)
				sbuf_addf(c->out, "brd %s ",
					  ip_fmt_addr(a->bcast.ip, b2));
			sbuf_addf(c->out, "scope %s %s%s\\       valid_lft forever preferred_lft forever\n",
				  ip_scope_name(a->scope),
				  addr_is_secondary(d, i) ? "secondary " : "",
				  d->name);
		}
		return;
	}
	ip_link_head(c, d, false);
	for (i = 0; i < d->naddrs; i++) {
		const struct ifaddr *a = &d->addrs[i];
		char b1[INET_ADDRSTRLEN], b2[INET_ADDRSTRLEN];

		sbuf_addf(c->out, "    inet %s/%u ", ip_fmt_addr(a->addr.ip, b1),
			  a->plen);
		if (a->bcast.ip)
			sbuf_addf(c->out, "brd %s ", ip_fmt_addr(a->bcast.ip, b2));
		sbuf_addf(c->out, "scope %s %s%s\n", ip_scope_name(a->scope),
			  addr_is_secondary(d, i) ? "secondary " : "",
			  d->name);
		sbuf_adds(c->out, "       valid_lft forever preferred_lft forever\n");
	}
}

static int addr_show(struct ipctx *c, int argc, char **argv)
{
	const char *name = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev")) {
			if (++i >= argc)
				return ip_need_arg(c, "dev");
			name = argv[i];
		} else if (!strcmp(argv[i], "up") ||
			   !strcmp(argv[i], "scope") ||
			   !strcmp(argv[i], "label")) {
			if (strcmp(argv[i], "up"))
				i++;
		} else {
			name = argv[i];
		}
	}
	if (name && !net_dev_by_name(c->net, name))
		return ip_no_device(c, name);
	if (c->json)
		ip_json_open(c);
	for (i = 1; i < NS_MAX_DEVS; i++) {
		struct netdev *d = net_conf(c->net)->devs[i];

		if (d && (!name || !strcmp(d->name, name)))
			addr_show_dev(c, d);
	}
	return 0;
}

static int addr_modify(struct ipctx *c, bool add, int argc, char **argv)
{
	const char *local = NULL, *name = NULL, *brd = NULL;
	uint32_t addr, bcast = 0;
	int plen, scope = RT_SCOPE_UNIVERSE, i, err, rc;
	struct netdev *dev;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "dev") || !strcmp(a, "broadcast") ||
		    !strcmp(a, "brd") || !strcmp(a, "scope") ||
		    !strcmp(a, "local") || !strcmp(a, "label")) {
			if (i + 1 >= argc)
				return ip_need_arg(c, a);
			if (!strcmp(a, "dev"))
				name = argv[++i];
			else if (a[0] == 'b')
				brd = argv[++i];
			else if (!strcmp(a, "local"))
				local = argv[++i];
			else if (!strcmp(a, "label"))
				i++;
			else {
				scope = ip_parse_scope(argv[++i]);
				if (scope < 0)
					return ip_bad_arg(c, "scope", argv[i]);
			}
		} else if (!strcmp(a, "noprefixroute") ||
			   !strcmp(a, "valid_lft") ||
			   !strcmp(a, "preferred_lft")) {
			if (strcmp(a, "noprefixroute"))
				i++;
		} else if (!local) {
			local = a;
		} else {
			sbuf_addf(c->err, "Error: either \"local\" is duplicate, or \"%s\" is a garbage.\n",
				  a);
			return 1;
		}
	}
	if (!name) {
		sbuf_adds(c->err, "Not enough information: \"dev\" argument is required.\n");
		return 255;
	}
	if (!local) {
		if (add) {
			sbuf_adds(c->err, "Not enough information: \"local\" argument is required.\n");
			return 255;
		}
	} else if (ip_parse_prefix(local, &addr, &plen)) {
		return ip_bad_arg(c, "any valid prefix", local);
	}
	if (local && !strchr(local, '/') && strcmp(local, "default")) {
		plen = add ? 32 : -1;
		if (!add)
			sbuf_addf(c->err, "Warning: Executing wildcard deletion to stay compatible with old scripts.\n"
				  "         Explicitly specify the prefix length (%s/32) to avoid this warning.\n"
				  "         This special behaviour is likely to disappear in further releases,\n"
				  "         fix your scripts!\n", local);
	}
	if (brd) {
		if (!strcmp(brd, "+") || !strcmp(brd, "-")) {
			uint32_t m = inet_mask(plen < 0 ? 32 : plen);

			if (plen >= 0 && plen < 31)
				bcast = brd[0] == '+' ? (addr & m) | ~m :
							addr & m;
		} else if (ip_parse_addr(brd, &bcast)) {
			return ip_bad_arg(c, "inet address", brd);
		}
	}
	rc = ip_change_dev(c, name, &dev);
	if (rc)
		return rc;
	if (!add && !local) {
		addr_flush(c->net, dev);
		return 0;
	}
	if (add)
		err = addr_add(c->net, dev, addr, plen, bcast, scope);
	else
		err = addr_del(c->net, dev, addr, plen);
	if (err == -EEXIST)
		return ip_ext_err(c, "ipv4: Address already assigned.");
	if (err == -EADDRNOTAVAIL)
		return ip_ext_err(c, "ipv4: Address not found.");
	if (err)
		return ip_rtnl_err(c, err);
	return 0;
}

static int addr_flush_cmd(struct ipctx *c, int argc, char **argv)
{
	const char *name = NULL;
	struct netdev *dev;
	int rc;

	rc = ip_dev_word(c, argc, argv, &name);
	if (rc)
		return rc;
	if (!name) {
		sbuf_adds(c->err, "Flush requires arguments.\n");
		return 255;
	}
	rc = ip_change_dev(c, name, &dev);
	if (rc)
		return rc;
	addr_flush(c->net, dev);
	return 0;
}

int ip_addr_cmd(struct ipctx *c, int argc, char **argv)
{
	int rc;

	if (argc == 0 || ip_matches(argv[0], "show") || ip_matches(argv[0], "list") ||
	    ip_matches(argv[0], "lst")) {
		rc = addr_show(c, argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
		return rc;
	}
	if (ip_matches(argv[0], "add") || ip_matches(argv[0], "replace"))
		return addr_modify(c, true, argc - 1, argv + 1);
	if (ip_matches(argv[0], "delete"))
		return addr_modify(c, false, argc - 1, argv + 1);
	if (ip_matches(argv[0], "flush"))
		return addr_flush_cmd(c, argc - 1, argv + 1);
	sbuf_addf(c->err, "Command \"%s\" is unknown, try \"ip address help\".\n",
		  argv[0]);
	return 255;
}

