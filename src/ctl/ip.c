// SPDX-License-Identifier: MIT
/*
 * The `ip` tool: iproute2's syntax, output format and error messages for
 * the parts netsieve has (link, addr, route, neigh). Binding an interface
 * to packet I/O is netsieve's own: `ip link add NAME type afpacket dev
 * KDEV`, `type tap [name TAPNAME]`, `type dummy`. Control path: every
 * change and every listing runs under net->stack_lock.
 */
#include "ctl/ctl.h"

#include "core/net.h"
#include "io/io.h"
#include "stack/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ipctx {
	struct net *net;
	struct sbuf *out, *err;
	bool details, stats, brief, oneline;
};

/* iproute2's matches(): arg is a non-empty prefix of word. */
static bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && n <= strlen(word) && !strncmp(arg, word, n);
}

static int parse_addr(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*a = in.s_addr;
	return 0;
}

/* "A/P", "A" (/32), "default"/"any"/"all" (0/0). */
static int parse_prefix(const char *s, uint32_t *a, int *plen)
{
	char buf[64];
	char *slash, *end;
	long p = 32;

	if (!strcmp(s, "default") || !strcmp(s, "any") || !strcmp(s, "all")) {
		*a = 0;
		*plen = 0;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		p = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || p < 0 || p > 32)
			return -1;
	}
	if (parse_addr(buf, a))
		return -1;
	*plen = (int)p;
	return 0;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static const char *fmt_addr(uint32_t a, char *buf)
{
	struct in_addr in = { .s_addr = a };

	inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
	return buf;
}

static void fmt_mac(const uint8_t *m, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static int no_device(struct ipctx *c, const char *name)
{
	sbuf_addf(c->err, "Cannot find device \"%s\"\n", name);
	return 1;
}

static int rtnl_err(struct ipctx *c, int err)
{
	sbuf_addf(c->err, "RTNETLINK answers: %s\n", strerror(-err));
	return 2;
}

static int ext_err(struct ipctx *c, const char *msg)
{
	sbuf_addf(c->err, "Error: %s\n", msg);
	return 2;
}

static int bad_arg(struct ipctx *c, const char *what, const char *arg)
{
	sbuf_addf(c->err, "Error: %s is expected rather than \"%s\".\n", what,
		  arg);
	return 1;
}

static int need_arg(struct ipctx *c, const char *kw)
{
	(void)kw;
	sbuf_adds(c->err, "Command line is not complete. Try option \"help\"\n");
	return 255;
}

/*
 * Take stack_lock and find the device called name. On success the lock is
 * held and *dev set (returns 0); otherwise the lock is released and the
 * tool's exit code returned with iproute2's message.
 */
static int lock_dev(struct ipctx *c, const char *name, struct netdev **dev)
{
	pthread_mutex_lock(&c->net->stack_lock);
	*dev = net_dev_by_name(c->net, name);
	if (!*dev) {
		pthread_mutex_unlock(&c->net->stack_lock);
		return no_device(c, name);
	}
	return 0;
}

/*
 * "[dev] NAME" where every word names the device and the last one wins, as
 * `ip link del` and `ip addr flush` read it. Sets *name (NULL when absent);
 * returns 0 or the exit code for a "dev" without its argument.
 */
static int dev_word(struct ipctx *c, int argc, char **argv, const char **name)
{
	int i;

	*name = NULL;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev") && ++i >= argc)
			return need_arg(c, "dev");
		*name = argv[i];
	}
	return 0;
}

static const char *scope_name(int scope)
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE:
		return "global";
	case RT_SCOPE_LINK:
		return "link";
	case RT_SCOPE_HOST:
		return "host";
	default:
		return "site";
	}
}

static int parse_scope(const char *s)
{
	char *end;
	long v;

	if (!strcmp(s, "global") || !strcmp(s, "universe"))
		return RT_SCOPE_UNIVERSE;
	if (!strcmp(s, "link"))
		return RT_SCOPE_LINK;
	if (!strcmp(s, "host"))
		return RT_SCOPE_HOST;
	if (!strcmp(s, "site"))
		return 200;
	v = strtol(s, &end, 0);
	if (*s && !*end && v >= 0 && v <= 255)
		return (int)v;
	return -1;
}

/* ---- link ---- */

static void link_flags(const struct netdev *d, struct sbuf *sb)
{
	if (d->loopback)
		sbuf_adds(sb, "<LOOPBACK");
	else if (!d->io)
		sbuf_adds(sb, "<BROADCAST,NOARP");
	else
		sbuf_adds(sb, "<BROADCAST,MULTICAST");
	if (d->promisc)
		sbuf_adds(sb, ",PROMISC");
	if (d->up)
		sbuf_adds(sb, ",UP,LOWER_UP");
	sbuf_adds(sb, ">");
}

static void link_head(struct ipctx *c, const struct netdev *d, bool mode)
{
	const char *state;
	char mac[18];

	if (!d->up)
		state = "DOWN";
	else if (d->loopback || !d->io)
		state = "UNKNOWN";
	else
		state = "UP";
	sbuf_addf(c->out, "%d: %s: ", d->ifindex, d->name);
	link_flags(d, c->out);
	sbuf_addf(c->out, " mtu %u qdisc %s state %s %sgroup default qlen 1000\n",
		  d->mtu, d->up ? "noqueue" : "noop", state,
		  mode ? "mode DEFAULT " : "");
	fmt_mac(d->mac, mac);
	if (d->loopback)
		sbuf_addf(c->out, "    link/loopback %s brd 00:00:00:00:00:00\n",
			  mac);
	else
		sbuf_addf(c->out, "    link/ether %s brd ff:ff:ff:ff:ff:ff\n",
			  mac);
	if (c->details && d->io)
		sbuf_addf(c->out, "    %s %s\n", d->io->kind, d->io_arg);
	else if (c->details && !d->loopback)
		sbuf_adds(c->out, "    dummy\n");
	if (c->stats) {
		const struct netdev_stats *s = &d->stats;

		sbuf_adds(c->out, "    RX:  bytes packets errors dropped  missed   mcast           \n");
		sbuf_addf(c->out, "    %10llu %7llu %6u %7llu %7u %7u \n",
			  (unsigned long long)s->rx_bytes,
			  (unsigned long long)s->rx_packets, 0,
			  (unsigned long long)s->rx_dropped, 0, 0);
		sbuf_adds(c->out, "    TX:  bytes packets errors dropped carrier collsns           \n");
		sbuf_addf(c->out, "    %10llu %7llu %6u %7llu %7u %7u \n",
			  (unsigned long long)s->tx_bytes,
			  (unsigned long long)s->tx_packets, 0,
			  (unsigned long long)s->tx_dropped, 0, 0);
	}
}

static const char *oper_state(const struct netdev *d)
{
	if (!d->up)
		return "DOWN";
	return d->loopback || !d->io ? "UNKNOWN" : "UP";
}

/* `ip -br link`: name, state, address, flags. */
static void link_brief(struct ipctx *c, const struct netdev *d)
{
	char mac[18];

	fmt_mac(d->mac, mac);
	sbuf_addf(c->out, "%-16s %-14s %s ", d->name, oper_state(d), mac);
	link_flags(d, c->out);
	sbuf_adds(c->out, " \n");
}

static int link_show(struct ipctx *c, int argc, char **argv)
{
	const char *name = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev")) {
			if (++i >= argc)
				return need_arg(c, "dev");
			name = argv[i];
		} else if (!strcmp(argv[i], "up")) {
			continue;
		} else {
			name = argv[i];
		}
	}
	if (name && !net_dev_by_name(c->net, name))
		return no_device(c, name);
	for (i = 1; i < NS_MAX_DEVS; i++) {
		struct netdev *d = c->net->devs[i];

		if (!d || (name && strcmp(name, d->name)))
			continue;
		if (c->brief)
			link_brief(c, d);
		else
			link_head(c, d, true);
	}
	return 0;
}

static int link_add(struct ipctx *c, int argc, char **argv)
{
	const char *name = NULL, *kind = NULL, *kdev = NULL, *tapname = NULL;
	const struct io_ops *io = NULL;
	struct netdev *dev;
	const char *arg;
	int i, err;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if ((!strcmp(a, "type") || !strcmp(a, "dev") ||
		     !strcmp(a, "name") || !strcmp(a, "link")) && i + 1 >= argc)
			return need_arg(c, a);
		if (!strcmp(a, "type"))
			kind = argv[++i];
		else if (!strcmp(a, "dev") || !strcmp(a, "link"))
			kdev = argv[++i];
		else if (!strcmp(a, "name"))
			(kind ? (tapname = argv[++i]) : (name = argv[++i]));
		else if (!name)
			name = a;
		else {
			sbuf_addf(c->err, "Error: argument \"%s\" is wrong: unknown option\n",
				  a);
			return 255;
		}
	}
	if (!name) {
		sbuf_adds(c->err, "Not enough information: \"dev\" argument is required.\n");
		return 255;
	}
	if (!kind) {
		sbuf_adds(c->err, "Not enough information: \"type\" argument is required\n");
		return 255;
	}
	if (strlen(name) >= NS_IFNAMSIZ) {
		sbuf_addf(c->err, "Error: argument \"%s\" is wrong: \"name\" not a valid ifname\n",
			  name);
		return 1;
	}
	if (!strcmp(kind, "dummy")) {
		arg = NULL;
	} else if (!strcmp(kind, "afpacket")) {
		if (!kdev) {
			sbuf_adds(c->err, "Error: netsieve: type afpacket needs \"dev KDEV\" (the kernel interface to bind).\n");
			return 2;
		}
		arg = kdev;
	} else if (!strcmp(kind, "tap")) {
		arg = tapname ? tapname : name;
	} else {
		arg = kdev ? kdev : tapname;
	}
	if (strcmp(kind, "dummy")) {
		io = io_lookup(kind);
		if (!io) {
			sbuf_addf(c->err, "Error: netsieve: link type \"%s\" is not supported (no such I/O backend in this build).\n",
				  kind);
			return 2;
		}
	}
	err = stack_dev_create(c->net, name, io, arg, &dev);
	if (err == -EEXIST || err == -ENOSPC)
		return rtnl_err(c, err);
	if (err == -EADDRINUSE && arg) {
		/* One netsieve per kernel interface (io/ifbind.c). */
		int pid = io_ifbind_holder(arg);

		if (pid == (int)getpid())
			sbuf_addf(c->err, "Error: netsieve: interface %s is already bound by this netsieve.\n",
				  arg);
		else if (pid > 0)
			sbuf_addf(c->err, "Error: netsieve: interface %s is already bound by another netsieve (pid %d).\n",
				  arg, pid);
		else
			sbuf_addf(c->err, "Error: netsieve: interface %s is already bound by another netsieve.\n",
				  arg);
		return 2;
	}
	if (err) {
		sbuf_addf(c->err, "Error: netsieve: cannot open %s backend on \"%s\": %s\n",
			  kind, arg ? arg : name, strerror(-err));
		return 2;
	}
	return 0;
}

static int link_del(struct ipctx *c, int argc, char **argv)
{
	const char *name = NULL;
	struct netdev *dev;
	int err, rc;

	rc = dev_word(c, argc, argv, &name);
	if (rc)
		return rc;
	if (!name) {
		sbuf_adds(c->err, "Not enough information: \"dev\" argument is required.\n");
		return 255;
	}
	rc = lock_dev(c, name, &dev);
	if (rc)
		return rc;
	err = dev_delete(c->net, dev);
	pthread_mutex_unlock(&c->net->stack_lock);
	if (err)
		return rtnl_err(c, err);
	return 0;
}

static int link_set(struct ipctx *c, int argc, char **argv)
{
	const char *name = NULL;
	struct netdev *dev;
	int i, err = 0, rc = 0;

	/* The device first (with or without "dev"), then the changes. */
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev")) {
			if (++i >= argc)
				return need_arg(c, "dev");
			name = argv[i];
			break;
		}
		if (strcmp(argv[i], "up") && strcmp(argv[i], "down")) {
			name = argv[i];
			break;
		}
	}
	if (!name) {
		sbuf_adds(c->err, "Not enough information: \"dev\" argument is required.\n");
		return 255;
	}
	rc = lock_dev(c, name, &dev);
	if (rc)
		return rc;
	for (i = 0; i < argc && !rc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "dev")) {
			i++;
		} else if (!strcmp(a, name)) {
			continue;
		} else if (!strcmp(a, "up") || !strcmp(a, "down")) {
			err = dev_set_up(c->net, dev, a[0] == 'u');
		} else if (!strcmp(a, "mtu")) {
			char *end;
			unsigned long v;

			if (++i >= argc) {
				rc = need_arg(c, a);
				break;
			}
			v = strtoul(argv[i], &end, 0);
			if (!*argv[i] || *end || v > 0xffffffffu) {
				rc = bad_arg(c, "mtu", argv[i]);
				break;
			}
			err = dev_set_mtu(c->net, dev, (uint32_t)v);
			if (err == -ERANGE)
				rc = ext_err(c, "mtu less than device minimum.");
			else if (err == -E2BIG)
				rc = ext_err(c, "mtu greater than device maximum.");
			err = 0;
		} else if (!strcmp(a, "address")) {
			uint8_t mac[6];

			if (++i >= argc) {
				rc = need_arg(c, a);
				break;
			}
			if (parse_mac(argv[i], mac)) {
				sbuf_addf(c->err, "\"%s\" is invalid lladdr.\n",
					  argv[i]);
				rc = 1;
				break;
			}
			err = dev_set_mac(c->net, dev, mac);
		} else if (!strcmp(a, "name")) {
			if (++i >= argc) {
				rc = need_arg(c, a);
				break;
			}
			if (strlen(argv[i]) >= NS_IFNAMSIZ || !*argv[i] ||
			    strchr(argv[i], '/') || strchr(argv[i], ' ')) {
				sbuf_addf(c->err, "Error: argument \"%s\" is wrong: \"name\" not a valid ifname\n",
					  argv[i]);
				rc = 1;
				break;
			}
			if (strcmp(argv[i], dev->name) &&
			    net_dev_by_name(c->net, argv[i])) {
				rc = rtnl_err(c, -EEXIST);
				break;
			}
			/* dev_change_name(): not while the link is up. */
			if (dev->up && strcmp(argv[i], dev->name)) {
				rc = rtnl_err(c, -EBUSY);
				break;
			}
			/* Rules match interfaces by name, as in Linux. */
			snprintf(dev->name, sizeof(dev->name), "%s", argv[i]);
			name = dev->name;
		} else if (!strcmp(a, "promisc")) {
			if (++i >= argc) {
				rc = need_arg(c, a);
				break;
			}
			dev->promisc = !strcmp(argv[i], "on");
		} else {
			sbuf_addf(c->err, "Error: argument \"%s\" is wrong: unknown option\n",
				  a);
			rc = 255;
		}
		if (err && !rc)
			rc = rtnl_err(c, err);
	}
	pthread_mutex_unlock(&c->net->stack_lock);
	return rc;
}

static int do_link(struct ipctx *c, int argc, char **argv)
{
	if (argc == 0 || matches(argv[0], "show") || matches(argv[0], "list") ||
	    matches(argv[0], "lst")) {
		int rc;

		pthread_mutex_lock(&c->net->stack_lock);
		rc = link_show(c, argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
		pthread_mutex_unlock(&c->net->stack_lock);
		return rc;
	}
	if (matches(argv[0], "add"))
		return link_add(c, argc - 1, argv + 1);
	if (matches(argv[0], "delete"))
		return link_del(c, argc - 1, argv + 1);
	if (matches(argv[0], "set") || matches(argv[0], "change"))
		return link_set(c, argc - 1, argv + 1);
	sbuf_addf(c->err, "Command \"%s\" is unknown, try \"ip link help\".\n",
		  argv[0]);
	return 255;
}

/* ---- addr ---- */

static void addr_show_dev(struct ipctx *c, const struct netdev *d)
{
	int i;

	if (c->brief) {
		char b[INET_ADDRSTRLEN];

		sbuf_addf(c->out, "%-16s %-14s ", d->name, oper_state(d));
		for (i = 0; i < d->naddrs; i++)
			sbuf_addf(c->out, "%s/%u ",
				  fmt_addr(d->addrs[i].addr, b),
				  d->addrs[i].plen);
		sbuf_adds(c->out, "\n");
		return;
	}
	if (c->oneline) {
		for (i = 0; i < d->naddrs; i++) {
			const struct ifaddr *a = &d->addrs[i];
			char b1[INET_ADDRSTRLEN], b2[INET_ADDRSTRLEN];

			sbuf_addf(c->out, "%d: %-5s inet %s/%u ", d->ifindex,
				  d->name, fmt_addr(a->addr, b1), a->plen);
			if (a->bcast)
				sbuf_addf(c->out, "brd %s ",
					  fmt_addr(a->bcast, b2));
			sbuf_addf(c->out, "scope %s %s%s\\       valid_lft forever preferred_lft forever\n",
				  scope_name(a->scope),
				  addr_is_secondary(d, i) ? "secondary " : "",
				  d->name);
		}
		return;
	}
	link_head(c, d, false);
	for (i = 0; i < d->naddrs; i++) {
		const struct ifaddr *a = &d->addrs[i];
		char b1[INET_ADDRSTRLEN], b2[INET_ADDRSTRLEN];

		sbuf_addf(c->out, "    inet %s/%u ", fmt_addr(a->addr, b1),
			  a->plen);
		if (a->bcast)
			sbuf_addf(c->out, "brd %s ", fmt_addr(a->bcast, b2));
		sbuf_addf(c->out, "scope %s %s%s\n", scope_name(a->scope),
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
				return need_arg(c, "dev");
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
		return no_device(c, name);
	for (i = 1; i < NS_MAX_DEVS; i++) {
		struct netdev *d = c->net->devs[i];

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
				return need_arg(c, a);
			if (!strcmp(a, "dev"))
				name = argv[++i];
			else if (a[0] == 'b')
				brd = argv[++i];
			else if (!strcmp(a, "local"))
				local = argv[++i];
			else if (!strcmp(a, "label"))
				i++;
			else {
				scope = parse_scope(argv[++i]);
				if (scope < 0)
					return bad_arg(c, "scope", argv[i]);
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
	} else if (parse_prefix(local, &addr, &plen)) {
		return bad_arg(c, "any valid prefix", local);
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
		} else if (parse_addr(brd, &bcast)) {
			return bad_arg(c, "inet address", brd);
		}
	}
	rc = lock_dev(c, name, &dev);
	if (rc)
		return rc;
	if (!add && !local) {
		addr_flush(c->net, dev);
		pthread_mutex_unlock(&c->net->stack_lock);
		return 0;
	}
	if (add)
		err = addr_add(c->net, dev, addr, plen, bcast, scope);
	else
		err = addr_del(c->net, dev, addr, plen);
	pthread_mutex_unlock(&c->net->stack_lock);
	if (err == -EEXIST)
		return ext_err(c, "ipv4: Address already assigned.");
	if (err == -EADDRNOTAVAIL)
		return ext_err(c, "ipv4: Address not found.");
	if (err)
		return rtnl_err(c, err);
	return 0;
}

static int addr_flush_cmd(struct ipctx *c, int argc, char **argv)
{
	const char *name = NULL;
	struct netdev *dev;
	int rc;

	rc = dev_word(c, argc, argv, &name);
	if (rc)
		return rc;
	if (!name) {
		sbuf_adds(c->err, "Flush requires arguments.\n");
		return 255;
	}
	rc = lock_dev(c, name, &dev);
	if (rc)
		return rc;
	addr_flush(c->net, dev);
	pthread_mutex_unlock(&c->net->stack_lock);
	return 0;
}

static int do_addr(struct ipctx *c, int argc, char **argv)
{
	int rc;

	if (argc == 0 || matches(argv[0], "show") || matches(argv[0], "list") ||
	    matches(argv[0], "lst")) {
		pthread_mutex_lock(&c->net->stack_lock);
		rc = addr_show(c, argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
		pthread_mutex_unlock(&c->net->stack_lock);
		return rc;
	}
	if (matches(argv[0], "add") || matches(argv[0], "replace"))
		return addr_modify(c, true, argc - 1, argv + 1);
	if (matches(argv[0], "delete"))
		return addr_modify(c, false, argc - 1, argv + 1);
	if (matches(argv[0], "flush"))
		return addr_flush_cmd(c, argc - 1, argv + 1);
	sbuf_addf(c->err, "Command \"%s\" is unknown, try \"ip address help\".\n",
		  argv[0]);
	return 255;
}

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

static void print_route(struct ipctx *c, const struct route *r)
{
	char b[INET_ADDRSTRLEN], pb[16];
	struct netdev *d;

	if (r->type != RTN_UNICAST)
		sbuf_addf(c->out, "%s ", type_name(r->type));
	if (r->plen == 0)
		sbuf_adds(c->out, "default ");
	else if (r->plen == 32)
		sbuf_addf(c->out, "%s ", fmt_addr(r->dst, b));
	else
		sbuf_addf(c->out, "%s/%u ", fmt_addr(r->dst, b), r->plen);
	if (r->gw)
		sbuf_addf(c->out, "via %s ", fmt_addr(r->gw, b));
	d = net_dev_by_index(c->net, r->ifindex);
	if (r->ifindex && d)
		sbuf_addf(c->out, "dev %s ", d->name);
	if (r->proto != RTPROT_BOOT)
		sbuf_addf(c->out, "proto %s ", proto_name(r->proto, pb));
	if (r->scope != RT_SCOPE_UNIVERSE)
		sbuf_addf(c->out, "scope %s ", scope_name(r->scope));
	if (r->prefsrc)
		sbuf_addf(c->out, "src %s ", fmt_addr(r->prefsrc, b));
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
		    !((d->addrs[i].addr ^ a->addr) & inet_mask(a->plen)) &&
		    !addr_is_secondary(d, i))
			return d->addrs[i].addr;
	return a->addr;
}

static void show_local_table(struct ipctx *c)
{
	enum { MAXL = NS_MAX_DEVS * NS_MAX_ADDRS * 3 };
	struct lroute *v = calloc(MAXL, sizeof(*v));
	int n = 0, i, j;

	if (!v)
		return;
	for (i = 1; i < NS_MAX_DEVS; i++) {
		const struct netdev *d = c->net->devs[i];

		if (!d || !d->up)
			continue;
		for (j = 0; j < d->naddrs; j++) {
			const struct ifaddr *a = &d->addrs[j];
			uint32_t m = inet_mask(a->plen), src = primary_for(d, j);

			if (d->loopback)
				lroute_put(v, &n, MAXL, a->addr & m, a->plen,
					   RTN_LOCAL, i, src);
			lroute_put(v, &n, MAXL, a->addr, 32, RTN_LOCAL, i, src);
			if (a->bcast && a->bcast != 0xffffffffu)
				lroute_put(v, &n, MAXL, a->bcast, 32,
					   RTN_BROADCAST, i, src);
			if (!addr_is_secondary(d, j) && a->plen < 31 &&
			    (a->addr & m))
				lroute_put(v, &n, MAXL, (a->addr & m) | ~m, 32,
					   RTN_BROADCAST, i, src);
		}
	}
	qsort(v, (size_t)n, sizeof(*v), lroute_cmp);
	for (i = 0; i < n; i++) {
		char b[INET_ADDRSTRLEN];
		const struct netdev *d = c->net->devs[v[i].ifindex];

		sbuf_addf(c->out, "%s ", type_name(v[i].type));
		if (v[i].plen == 32)
			sbuf_addf(c->out, "%s ", fmt_addr(v[i].dst, b));
		else
			sbuf_addf(c->out, "%s/%u ", fmt_addr(v[i].dst, b),
				  v[i].plen);
		sbuf_addf(c->out, "dev %s proto kernel scope %s src %s \n",
			  d->name,
			  v[i].type == RTN_LOCAL ? "host" : "link",
			  fmt_addr(v[i].src, b));
	}
	free(v);
}

static int route_show(struct ipctx *c, int argc, char **argv)
{
	const struct route_table *t = c->net->routes;
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
				return need_arg(c, k);
			if (k[0] == 'v') {
				if (parse_addr(argv[i], &via))
					return bad_arg(c, "inet address", argv[i]);
			} else if (k[0] == 's') {
				scope = parse_scope(argv[i]);
				if (scope < 0)
					return bad_arg(c, "scope", argv[i]);
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
					return need_arg(c, p);
				p = argv[i];
			}
			if (parse_prefix(p, &pfx, &plen))
				return bad_arg(c, "any valid prefix", p);
			have_pfx = true;
			continue;
		}
		if (!strcmp(argv[i], "table") || !strcmp(argv[i], "dev")) {
			if (i + 1 >= argc)
				return need_arg(c, argv[i]);
			if (!strcmp(argv[i], "dev")) {
				dev = net_dev_by_name(c->net, argv[++i]);
				if (!dev)
					return no_device(c, argv[i]);
			} else {
				table = argv[++i];
			}
		}
	}
	if (!strcmp(table, "local") || !strcmp(table, "255") ||
	    !strcmp(table, "all")) {
		if (!strcmp(table, "all"))
			goto main_table;
		show_local_table(c);
		return 0;
	}
	if (strcmp(table, "main") && strcmp(table, "254")) {
		sbuf_addf(c->err, "Error: netsieve: only the main and local tables exist (not \"%s\").\n",
			  table);
		return 2;
	}
main_table:
	for (i = 0; i < t->n; i++) {
		if (dev && t->r[i].ifindex != dev->ifindex)
			continue;
		if (have_pfx && (t->r[i].dst != (pfx & inet_mask(plen)) ||
				 t->r[i].plen != plen))
			continue;
		if ((proto >= 0 && t->r[i].proto != proto) ||
		    (scope >= 0 && t->r[i].scope != scope) ||
		    (via && t->r[i].gw != via))
			continue;
		print_route(c, &t->r[i]);
	}
	if (!strcmp(table, "all"))
		show_local_table(c);
	return 0;
}

/* fib_check_nh(): the gateway must be on a connected (link) route. */
static int check_gateway(struct ipctx *c, uint32_t gw, struct netdev **dev)
{
	const struct route_table *t = c->net->routes;
	int i;

	if (!gw || addr_local_dev(c->net, gw))
		return -1;
	for (i = 0; i < t->n; i++) {
		const struct route *r = &t->r[t->by_len[i]];
		struct netdev *d;

		if (r->type != RTN_UNICAST || r->scope == RT_SCOPE_UNIVERSE)
			continue;
		if ((gw & inet_mask(r->plen)) != r->dst)
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
			return need_arg(c, a);
		if (!strcmp(a, "via")) {
			if (!strcmp(argv[i + 1], "inet") && i + 2 < argc)
				i++;
			if (parse_addr(argv[++i], &r.gw))
				return bad_arg(c, "inet address", argv[i]);
		} else if (!strcmp(a, "dev") || !strcmp(a, "oif")) {
			devname = argv[++i];
		} else if (!strcmp(a, "metric") || !strcmp(a, "priority") ||
			   !strcmp(a, "preference")) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 0);

			if (!*argv[i] || *end || v > 0xffffffffu)
				return bad_arg(c, "\"metric\" value", argv[i]);
			r.metric = (uint32_t)v;
			has_metric = true;
		} else if (!strcmp(a, "src")) {
			if (parse_addr(argv[++i], &r.prefsrc))
				return bad_arg(c, "inet address", argv[i]);
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
			int s = parse_scope(argv[++i]);

			if (s < 0)
				return bad_arg(c, "scope", argv[i]);
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
			if (parse_prefix(p, &dst, &plen))
				return bad_arg(c, "any valid prefix", p);
			have_dst = true;
		}
	}
	if (!have_dst) {
		sbuf_adds(c->err, "Error: netsieve: a destination prefix is required.\n");
		return 2;
	}
	if (dst & ~inet_mask(plen))
		return ext_err(c, "Invalid prefix for given prefix length.");
	r.dst = dst;
	r.plen = (uint8_t)plen;
	pthread_mutex_lock(&c->net->stack_lock);
	if (devname) {
		dev = net_dev_by_name(c->net, devname);
		if (!dev) {
			pthread_mutex_unlock(&c->net->stack_lock);
			return no_device(c, devname);
		}
		r.ifindex = dev->ifindex;
	}
	if (del) {
		err = route_del(c->net, &r, has_metric, r.gw != 0, dev != NULL,
				has_type);
		pthread_mutex_unlock(&c->net->stack_lock);
		return err ? rtnl_err(c, err) : 0;
	}
	if (r.type == RTN_UNICAST) {
		if (r.gw) {
			if (onlink && dev) {
				if (!dev->up) {
					err = 1;
					goto err_not_up;
				}
			} else if (check_gateway(c, r.gw, &dev)) {
				pthread_mutex_unlock(&c->net->stack_lock);
				return ext_err(c, "Nexthop has invalid gateway.");
			}
			r.ifindex = dev->ifindex;
			r.onlink = onlink;
			if (!has_scope)
				r.scope = RT_SCOPE_UNIVERSE;
		} else {
			if (!dev) {
				pthread_mutex_unlock(&c->net->stack_lock);
				return rtnl_err(c, -ENODEV);
			}
			if (!dev->up) {
				err = 1;
				goto err_not_up;
			}
			if (!has_scope)
				r.scope = RT_SCOPE_LINK;
		}
	} else {
		r.ifindex = 0;
		r.gw = 0;
	}
	if (r.prefsrc && !addr_local_dev(c->net, r.prefsrc)) {
		pthread_mutex_unlock(&c->net->stack_lock);
		return ext_err(c, "Invalid prefsrc address.");
	}
	flags = !strcmp(cmd, "replace") ? ROUTE_F_REPLACE : ROUTE_F_EXCL;
	err = route_add(c->net, &r, flags);
	pthread_mutex_unlock(&c->net->stack_lock);
	return err ? rtnl_err(c, err) : 0;

err_not_up:
	pthread_mutex_unlock(&c->net->stack_lock);
	return ext_err(c, "Device for nexthop is not up.");
}

static int route_flush_cmd(struct ipctx *c, int argc, char **argv)
{
	struct route_table *t = c->net->routes;
	struct netdev *dev = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "cache"))
			return 0;
		if (!strcmp(argv[i], "dev")) {
			if (++i >= argc)
				return need_arg(c, "dev");
			dev = net_dev_by_name(c->net, argv[i]);
			if (!dev)
				return no_device(c, argv[i]);
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
				return need_arg(c, argv[i - 1]);
			if (parse_addr(argv[i], &src))
				return bad_arg(c, "inet address", argv[i]);
		} else if (!strcmp(argv[i], "to")) {
			continue;
		} else if (!have) {
			if (parse_prefix(argv[i], &dst, &plen))
				return bad_arg(c, "any valid prefix", argv[i]);
			have = true;
		}
	}
	if (!have) {
		sbuf_adds(c->err, "need at least a destination address\n");
		return 1;
	}
	err = route_output(c->net, dst, src, &rt);
	if (err)
		return rtnl_err(c, err);
	if (rt.type == RTN_LOCAL) {
		sbuf_addf(c->out, "local %s dev %s src %s uid 0 \n    cache <local> \n",
			  fmt_addr(dst, b), rt.dev ? rt.dev->name : "lo",
			  fmt_addr(rt.src, s));
		return 0;
	}
	if (rt.type == RTN_BROADCAST) {
		sbuf_addf(c->out, "broadcast %s dev %s src %s uid 0 \n    cache <local,brd> \n",
			  fmt_addr(dst, b), rt.dev->name, fmt_addr(rt.src, s));
		return 0;
	}
	sbuf_addf(c->out, "%s ", fmt_addr(dst, b));
	if (rt.gw)
		sbuf_addf(c->out, "via %s ", fmt_addr(rt.gw, b));
	sbuf_addf(c->out, "dev %s src %s uid 0 \n    cache \n", rt.dev->name,
		  fmt_addr(rt.src, s));
	return 0;
}

static int do_route(struct ipctx *c, int argc, char **argv)
{
	int rc;

	if (argc == 0 || matches(argv[0], "show") || matches(argv[0], "list") ||
	    matches(argv[0], "lst")) {
		pthread_mutex_lock(&c->net->stack_lock);
		rc = route_show(c, argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
		pthread_mutex_unlock(&c->net->stack_lock);
		return rc;
	}
	if (matches(argv[0], "add"))
		return route_modify(c, "add", argc - 1, argv + 1);
	if (matches(argv[0], "replace"))
		return route_modify(c, "replace", argc - 1, argv + 1);
	if (matches(argv[0], "delete"))
		return route_modify(c, "del", argc - 1, argv + 1);
	if (matches(argv[0], "flush") || matches(argv[0], "get")) {
		pthread_mutex_lock(&c->net->stack_lock);
		if (matches(argv[0], "flush"))
			rc = route_flush_cmd(c, argc - 1, argv + 1);
		else
			rc = route_get(c, argc - 1, argv + 1);
		pthread_mutex_unlock(&c->net->stack_lock);
		return rc;
	}
	sbuf_addf(c->err, "Command \"%s\" is unknown, try \"ip route help\".\n",
		  argv[0]);
	return 255;
}

/* ---- neigh ---- */

static int parse_nud(const char *s, uint16_t *state)
{
	static const struct {
		const char *name;
		uint16_t state;
	} t[] = {
		{ "permanent", NUD_PERMANENT }, { "reachable", NUD_REACHABLE },
		{ "stale", NUD_STALE }, { "noarp", NUD_NOARP },
		{ "delay", NUD_DELAY }, { "probe", NUD_PROBE },
		{ "failed", NUD_FAILED }, { "incomplete", NUD_INCOMPLETE },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcasecmp(s, t[i].name)) {
			*state = t[i].state;
			return 0;
		}
	return -1;
}

static int neigh_modify(struct ipctx *c, const char *cmd, int argc,
			char **argv)
{
	const char *devname = NULL, *dst = NULL;
	uint8_t mac[6];
	bool have_mac = false;
	uint16_t state = NUD_PERMANENT;
	struct netdev *dev;
	uint32_t ip;
	int i, err;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "lladdr") || !strcmp(a, "dev") ||
		    !strcmp(a, "nud") || !strcmp(a, "to")) {
			if (i + 1 >= argc)
				return need_arg(c, a);
			if (!strcmp(a, "lladdr")) {
				if (parse_mac(argv[++i], mac)) {
					sbuf_addf(c->err, "\"%s\" is invalid lladdr.\n",
						  argv[i]);
					return 1;
				}
				have_mac = true;
			} else if (!strcmp(a, "dev")) {
				devname = argv[++i];
			} else if (!strcmp(a, "nud")) {
				if (parse_nud(argv[++i], &state)) {
					sbuf_addf(c->err, "Error: argument \"%s\" is wrong: nud state is bad\n",
						  argv[i]);
					return 1;
				}
			} else {
				dst = argv[++i];
			}
		} else if (!strcmp(a, "router") || !strcmp(a, "proxy") ||
			   !strcmp(a, "extern_learn")) {
			continue;
		} else {
			dst = a;
		}
	}
	if (!devname || !dst) {
		sbuf_adds(c->err, "Device and destination are required arguments.\n");
		return 255;
	}
	if (parse_addr(dst, &ip))
		return bad_arg(c, "inet address", dst);
	pthread_mutex_lock(&c->net->stack_lock);
	dev = net_dev_by_name(c->net, devname);
	if (!dev) {
		pthread_mutex_unlock(&c->net->stack_lock);
		return no_device(c, devname);
	}
	if (!strcmp(cmd, "del")) {
		err = neigh_del(c->net, dev, ip);
	} else if ((state & NUD_VALID) && state != NUD_NOARP && !have_mac) {
		pthread_mutex_unlock(&c->net->stack_lock);
		return ext_err(c, "No link layer address given.");
	} else {
		bool excl = !strcmp(cmd, "add");

		if (!strcmp(cmd, "change") && !neigh_lookup(c->net, dev, ip))
			err = -ENOENT;
		else
			err = neigh_add(c->net, dev, ip, have_mac ? mac : NULL,
					state, !excl, excl);
	}
	pthread_mutex_unlock(&c->net->stack_lock);
	return err ? rtnl_err(c, err) : 0;
}

static int neigh_show(struct ipctx *c, int argc, char **argv, bool flush)
{
	const struct neigh_table *t = c->net->neigh;
	struct netdev *dev = NULL;
	const struct neigh *v[NEIGH_MAX];
	int n = 0, i, j;
	bool all = false;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev")) {
			if (++i >= argc)
				return need_arg(c, "dev");
			dev = net_dev_by_name(c->net, argv[i]);
			if (!dev)
				return no_device(c, argv[i]);
		} else if (!strcmp(argv[i], "all")) {
			all = true;
		} else if (!strcmp(argv[i], "nud")) {
			i++;
		}
	}
	if (flush) {
		if (!dev && !all) {
			sbuf_adds(c->err, "Flush requires arguments.\n");
			return 255;
		}
		neigh_flush(c->net, dev, true);
		return 0;
	}
	for (i = 0; i < NEIGH_MAX; i++)
		if (t->e[i].ifindex && t->e[i].state &&
		    (!dev || t->e[i].ifindex == dev->ifindex))
			v[n++] = &t->e[i];
	/* Stable order: interface, then address. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0; j--) {
			const struct neigh *a = v[j - 1], *b = v[j];

			if (a->ifindex < b->ifindex ||
			    (a->ifindex == b->ifindex &&
			     ntohl(a->ip) <= ntohl(b->ip)))
				break;
			v[j - 1] = b;
			v[j] = a;
		}
	for (i = 0; i < n; i++) {
		char b[INET_ADDRSTRLEN], m[18];
		const struct netdev *d = net_dev_by_index(c->net, v[i]->ifindex);

		sbuf_addf(c->out, "%s ", fmt_addr(v[i]->ip, b));
		if (!dev && d)
			sbuf_addf(c->out, "dev %s ", d->name);
		if (v[i]->state & (NUD_VALID)) {
			fmt_mac(v[i]->mac, m);
			sbuf_addf(c->out, "lladdr %s ", m);
		}
		sbuf_addf(c->out, "%s \n", neigh_state_name(v[i]->state));
	}
	return 0;
}

static int do_neigh(struct ipctx *c, int argc, char **argv)
{
	int rc;

	if (argc == 0 || matches(argv[0], "show") || matches(argv[0], "list") ||
	    matches(argv[0], "lst") || matches(argv[0], "flush")) {
		bool flush = argc && matches(argv[0], "flush");

		pthread_mutex_lock(&c->net->stack_lock);
		rc = neigh_show(c, argc ? argc - 1 : 0, argv + (argc ? 1 : 0),
				flush);
		pthread_mutex_unlock(&c->net->stack_lock);
		return rc;
	}
	if (matches(argv[0], "add"))
		return neigh_modify(c, "add", argc - 1, argv + 1);
	if (matches(argv[0], "replace"))
		return neigh_modify(c, "replace", argc - 1, argv + 1);
	if (matches(argv[0], "change"))
		return neigh_modify(c, "change", argc - 1, argv + 1);
	if (matches(argv[0], "delete"))
		return neigh_modify(c, "del", argc - 1, argv + 1);
	sbuf_addf(c->err, "Command \"%s\" is unknown, try \"ip neigh help\".\n",
		  argv[0]);
	return 255;
}

int ctl_ip_main(struct net *net, int argc, char **argv, struct sbuf *out,
		struct sbuf *err)
{
	struct ipctx c = { .net = net, .out = out, .err = err };
	const char *obj;
	int i = 1;

	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		const char *o = argv[i] + 1;

		if (*o == '-')
			o++;
		if (matches(o, "details"))
			c.details = true;
		else if (matches(o, "brief") || !strcmp(o, "br"))
			c.brief = true;
		else if (matches(o, "oneline"))
			c.oneline = true;
		else if (matches(o, "statistics") || !strcmp(o, "s"))
			c.stats = true;
		else if (!strcmp(o, "4") || matches(o, "family"))
			;
		else if (!strcmp(o, "6")) {
			sbuf_adds(err, "Error: netsieve: IPv6 is not supported yet.\n");
			return 2;
		} else {
			sbuf_addf(err, "Option \"%s\" is unknown, try \"ip -help\".\n",
				  argv[i]);
			return 255;
		}
		i++;
	}
	if (i >= argc) {
		sbuf_adds(err, "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n"
			       "where  OBJECT := { link | address | route | neighbor }\n");
		return 255;
	}
	obj = argv[i++];
	if (matches(obj, "link"))
		return do_link(&c, argc - i, argv + i);
	if (matches(obj, "address"))
		return do_addr(&c, argc - i, argv + i);
	if (matches(obj, "route"))
		return do_route(&c, argc - i, argv + i);
	if (matches(obj, "neighbor") || matches(obj, "neighbour"))
		return do_neigh(&c, argc - i, argv + i);
	sbuf_addf(err, "Object \"%s\" is unknown, try \"ip help\".\n", obj);
	return 255;
}
