// SPDX-License-Identifier: MIT
/*
 * `ip link`: show, add (binding an interface to an I/O backend), del, set.
 * iproute2's syntax, output and messages. Control path, on the command's
 * configuration draft.
 */
#include "ctl/ip_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- link ---- */

/* The link's flags as iproute2 names them, in its order; returns how many. */
static int link_flag_names(const struct netdev *d, const char *names[6])
{
	int n = 0;

	if (d->loopback) {
		names[n++] = "LOOPBACK";
	} else {
		names[n++] = "BROADCAST";
		names[n++] = d->io ? "MULTICAST" : "NOARP";
	}
	if (d->promisc)
		names[n++] = "PROMISC";
	if (d->up) {
		names[n++] = "UP";
		names[n++] = "LOWER_UP";
	}
	return n;
}

/* <BROADCAST,MULTICAST,UP,LOWER_UP> */
static void link_flags(const struct netdev *d, struct sbuf *sb)
{
	const char *names[6];
	int i, n = link_flag_names(d, names);

	for (i = 0; i < n; i++)
		sbuf_addf(sb, "%c%s", i ? ',' : '<', names[i]);
	sbuf_addc(sb, '>');
}

void ip_link_head(struct ipctx *c, const struct netdev *d, bool mode)
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
	ip_fmt_mac(d->mac, mac);
	/* ip -4 addr lists the IPv4 addresses, not the link address. */
	if (c->inet_only && !mode)
		;
	else if (d->loopback)
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
		const struct netdev_stats sum = netdev_stats_read(d);
		const struct netdev_stats *s = &sum;

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

/* "flags":["BROADCAST","MULTICAST","UP","LOWER_UP"], as link_flags(). */
void ip_link_flags_json(const struct netdev *d, struct sbuf *sb)
{
	const char *names[6];
	int i, n = link_flag_names(d, names);

	sbuf_adds(sb, "\"flags\":[");
	for (i = 0; i < n; i++)
		sbuf_addf(sb, "%s\"%s\"", i ? "," : "", names[i]);
	sbuf_addc(sb, ']');
}

/*
 * ip_link_head() as `ip -j` prints it: the members of the link object in
 * iproute2's order (mode: "linkmode", as ip link shows it; -s adds
 * "stats64", -d "linkinfo" with the I/O backend).
 */
void ip_link_json(struct ipctx *c, const struct netdev *d, bool mode)
{
	struct sbuf *o = c->out;
	char mac[18];

	ip_fmt_mac(d->mac, mac);
	ip_json_uint(o, "ifindex", (unsigned)d->ifindex);
	sbuf_addc(o, ',');
	ip_json_str(o, "ifname", d->name);
	sbuf_addc(o, ',');
	ip_link_flags_json(d, o);
	sbuf_addc(o, ',');
	ip_json_uint(o, "mtu", d->mtu);
	sbuf_addf(o, ",\"qdisc\":\"%s\",\"operstate\":\"%s\",%s"
		  "\"group\":\"default\",\"txqlen\":1000,",
		  d->up ? "noqueue" : "noop", ip_oper_state(d),
		  mode ? "\"linkmode\":\"DEFAULT\"," : "");
	if (c->inet_only && !mode)
		o->s[--o->len] = '\0';         /* no link address: drop ',' */
	else
		sbuf_addf(o, "\"link_type\":\"%s\",\"address\":\"%s\","
			  "\"broadcast\":\"%s\"",
			  d->loopback ? "loopback" : "ether", mac,
			  d->loopback ? "00:00:00:00:00:00" :
					"ff:ff:ff:ff:ff:ff");
	if (c->details && !d->loopback) {
		sbuf_adds(o, ",\"linkinfo\":{");
		ip_json_str(o, "info_kind", d->io ? d->io->kind : "dummy");
		if (d->io && d->io_arg[0]) {
			sbuf_adds(o, ",\"info_data\":{");
			/* afpacket, afxdp: the kernel device (and options). */
			ip_json_str(o, !strcmp(d->io->kind, "afpacket") ||
					!strcmp(d->io->kind, "afxdp") ? "dev" :
				    !strcmp(d->io->kind, "tap") ? "name" : "arg",
				    d->io_arg);
			sbuf_addc(o, '}');
		}
		sbuf_addc(o, '}');
	}
	if (c->stats) {
		const struct netdev_stats s = netdev_stats_read(d);

		sbuf_addf(o, ",\"stats64\":{\"rx\":{\"bytes\":%llu,"
			  "\"packets\":%llu,\"errors\":0,\"dropped\":%llu,"
			  "\"over_errors\":0,\"multicast\":0},",
			  (unsigned long long)s.rx_bytes,
			  (unsigned long long)s.rx_packets,
			  (unsigned long long)s.rx_dropped);
		sbuf_addf(o, "\"tx\":{\"bytes\":%llu,\"packets\":%llu,"
			  "\"errors\":0,\"dropped\":%llu,"
			  "\"carrier_errors\":0,\"collisions\":0}}",
			  (unsigned long long)s.tx_bytes,
			  (unsigned long long)s.tx_packets,
			  (unsigned long long)s.tx_dropped);
	}
}

const char *ip_oper_state(const struct netdev *d)
{
	if (!d->up)
		return "DOWN";
	return d->loopback || !d->io ? "UNKNOWN" : "UP";
}

/* `ip -br link`: name, state, address, flags. */
static void link_brief(struct ipctx *c, const struct netdev *d)
{
	char mac[18];

	ip_fmt_mac(d->mac, mac);
	if (c->json) {
		ip_json_obj(c);
		sbuf_addc(c->out, '{');
		ip_json_str(c->out, "ifname", d->name);
		sbuf_addf(c->out, ",\"operstate\":\"%s\",\"address\":\"%s\",",
			  ip_oper_state(d), mac);
		ip_link_flags_json(d, c->out);
		sbuf_addc(c->out, '}');
		return;
	}
	sbuf_addf(c->out, "%-16s %-14s %s ", d->name, ip_oper_state(d), mac);
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
				return ip_need_arg(c, "dev");
			name = argv[i];
		} else if (!strcmp(argv[i], "up")) {
			continue;
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

		if (!d || (name && strcmp(name, d->name)))
			continue;
		if (c->brief) {
			link_brief(c, d);
		} else if (c->json) {
			ip_json_obj(c);
			sbuf_addc(c->out, '{');
			ip_link_json(c, d, true);
			sbuf_addc(c->out, '}');
		} else {
			ip_link_head(c, d, true);
		}
	}
	return 0;
}

/*
 * Options a backend takes after "dev KDEV" as KEY VALUE pairs, handed to
 * it in its argument (src/io/afpacket.c, src/io/afxdp.c check them).
 */
static bool io_link_opt(const char *kind, const char *key)
{
	if (!strcmp(kind, "afpacket"))
		return !strcmp(key, "rx") || !strcmp(key, "tx") ||
		       !strcmp(key, "qdisc-bypass");
	if (!strcmp(kind, "afxdp"))
		return !strcmp(key, "xdp-mode") || !strcmp(key, "zerocopy");
	return false;
}

static int link_add(struct ipctx *c, int argc, char **argv)
{
	const char *name = NULL, *kind = NULL, *kdev = NULL, *tapname = NULL;
	const struct io_ops *io = NULL;
	char opts[64] = "", argbuf[128];
	struct netdev *dev;
	const char *arg;
	int i, err;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if ((!strcmp(a, "type") || !strcmp(a, "dev") ||
		     !strcmp(a, "name") || !strcmp(a, "link")) && i + 1 >= argc)
			return ip_need_arg(c, a);
		if (!strcmp(a, "type"))
			kind = argv[++i];
		else if (!strcmp(a, "dev") || !strcmp(a, "link"))
			kdev = argv[++i];
		else if (!strcmp(a, "name"))
			(kind ? (tapname = argv[++i]) : (name = argv[++i]));
		else if (kind && io_link_opt(kind, a)) {
			/* A backend's own option: "KEY VALUE", checked by it. */
			if (i + 1 >= argc)
				return ip_need_arg(c, a);
			if (strlen(opts) + strlen(a) + strlen(argv[i + 1]) + 3 >
			    sizeof(opts)) {
				sbuf_adds(c->err, "Error: netsieve: too many link options.\n");
				return 2;
			}
			strcat(opts, " ");
			strcat(opts, a);
			strcat(opts, " ");
			strcat(opts, argv[++i]);
		} else if (!name)
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
	} else if (!strcmp(kind, "afpacket") || !strcmp(kind, "afxdp")) {
		if (!kdev) {
			sbuf_addf(c->err, "Error: netsieve: type %s needs \"dev KDEV\" (the kernel interface to bind).\n",
				  kind);
			return 2;
		}
		snprintf(argbuf, sizeof(argbuf), "%s%s", kdev, opts);
		arg = argbuf;
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
		return ip_rtnl_err(c, err);
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

	rc = ip_dev_word(c, argc, argv, &name);
	if (rc)
		return rc;
	if (!name) {
		sbuf_adds(c->err, "Not enough information: \"dev\" argument is required.\n");
		return 255;
	}
	rc = ip_change_dev(c, name, &dev);
	if (rc)
		return rc;
	err = dev_delete(c->net, dev);
	if (err)
		return ip_rtnl_err(c, err);
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
				return ip_need_arg(c, "dev");
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
	rc = ip_change_dev(c, name, &dev);
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
				rc = ip_need_arg(c, a);
				break;
			}
			v = strtoul(argv[i], &end, 0);
			if (!*argv[i] || *end || v > 0xffffffffu) {
				rc = ip_bad_arg(c, "mtu", argv[i]);
				break;
			}
			err = dev_set_mtu(c->net, dev, (uint32_t)v);
			if (err == -ERANGE)
				rc = ip_ext_err(c, "mtu less than device minimum.");
			else if (err == -E2BIG)
				rc = ip_ext_err(c, "mtu greater than device maximum.");
			err = 0;
		} else if (!strcmp(a, "address")) {
			uint8_t mac[6];

			if (++i >= argc) {
				rc = ip_need_arg(c, a);
				break;
			}
			if (ip_parse_mac(argv[i], mac)) {
				sbuf_addf(c->err, "\"%s\" is invalid lladdr.\n",
					  argv[i]);
				rc = 1;
				break;
			}
			err = dev_set_mac(c->net, dev, mac);
		} else if (!strcmp(a, "name")) {
			if (++i >= argc) {
				rc = ip_need_arg(c, a);
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
				rc = ip_rtnl_err(c, -EEXIST);
				break;
			}
			/* dev_change_name(): not while the link is up. */
			if (dev->up && strcmp(argv[i], dev->name)) {
				rc = ip_rtnl_err(c, -EBUSY);
				break;
			}
			/* Rules match interfaces by name, as in Linux. */
			snprintf(dev->name, sizeof(dev->name), "%s", argv[i]);
			name = dev->name;
		} else if (!strcmp(a, "promisc")) {
			if (++i >= argc) {
				rc = ip_need_arg(c, a);
				break;
			}
			dev->promisc = !strcmp(argv[i], "on");
		} else {
			sbuf_addf(c->err, "Error: argument \"%s\" is wrong: unknown option\n",
				  a);
			rc = 255;
		}
		if (err && !rc)
			rc = ip_rtnl_err(c, err);
	}
	return rc;
}

int ip_link_cmd(struct ipctx *c, int argc, char **argv)
{
	if (argc == 0 || ip_matches(argv[0], "show") || ip_matches(argv[0], "list") ||
	    ip_matches(argv[0], "lst")) {
		int rc;

		rc = link_show(c, argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
		return rc;
	}
	if (ip_matches(argv[0], "add"))
		return link_add(c, argc - 1, argv + 1);
	if (ip_matches(argv[0], "delete"))
		return link_del(c, argc - 1, argv + 1);
	if (ip_matches(argv[0], "set") || ip_matches(argv[0], "change"))
		return link_set(c, argc - 1, argv + 1);
	sbuf_addf(c->err, "Command \"%s\" is unknown, try \"ip link help\".\n",
		  argv[0]);
	return 255;
}

