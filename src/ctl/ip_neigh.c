// SPDX-License-Identifier: MIT
/*
 * `ip neigh`: show, add/change/replace/del, flush.
 * iproute2's syntax, output and messages. Control path, on the command's
 * configuration draft.
 */
#include "ctl/ip_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
				return ip_need_arg(c, a);
			if (!strcmp(a, "lladdr")) {
				if (ip_parse_mac(argv[++i], mac)) {
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
	if (ip_parse_addr(dst, &ip))
		return ip_bad_arg(c, "inet address", dst);
	/* Neighbours are not in the configuration snapshot: no draft. */
	dev = net_dev_by_name(c->net, devname);
	if (!dev)
		return ip_no_device(c, devname);
	if (!strcmp(cmd, "del")) {
		err = neigh_del(c->net, dev, ip);
	} else if ((state & NUD_VALID) && state != NUD_NOARP && !have_mac) {
		return ip_ext_err(c, "No link layer address given.");
	} else {
		bool excl = !strcmp(cmd, "add");

		if (!strcmp(cmd, "change") && !neigh_lookup(c->net, dev, ip))
			err = -ENOENT;
		else
			err = neigh_add(c->net, dev, ip, have_mac ? mac : NULL,
					state, !excl, excl);
	}
	return err ? ip_rtnl_err(c, err) : 0;
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
				return ip_need_arg(c, "dev");
			dev = net_dev_by_name(c->net, argv[i]);
			if (!dev)
				return ip_no_device(c, argv[i]);
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
	/* The data path writes neighbours: walk them under their lock. */
	pthread_mutex_lock(&c->net->neigh_lock);
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
	if (c->json)
		ip_json_open(c);
	for (i = 0; i < n; i++) {
		char b[INET_ADDRSTRLEN], m[18];
		const struct netdev *d = net_dev_by_index(c->net, v[i]->ifindex);

		if (c->json) {
			/* iproute2: "dev" only without a dev filter, as in
			 * the text form. */
			ip_json_obj(c);
			sbuf_addf(c->out, "{\"dst\":\"%s\"",
				  ip_fmt_addr(v[i]->ip, b));
			if (!dev && d) {
				sbuf_addc(c->out, ',');
				ip_json_str(c->out, "dev", d->name);
			}
			if (v[i]->state & NUD_VALID) {
				ip_fmt_mac(v[i]->mac, m);
				sbuf_addf(c->out, ",\"lladdr\":\"%s\"", m);
			}
			sbuf_addf(c->out, ",\"state\":[\"%s\"]}",
				  neigh_state_name(v[i]->state));
			continue;
		}

		sbuf_addf(c->out, "%s ", ip_fmt_addr(v[i]->ip, b));
		if (!dev && d)
			sbuf_addf(c->out, "dev %s ", d->name);
		if (v[i]->state & (NUD_VALID)) {
			ip_fmt_mac(v[i]->mac, m);
			sbuf_addf(c->out, "lladdr %s ", m);
		}
		sbuf_addf(c->out, "%s \n", neigh_state_name(v[i]->state));
	}
	pthread_mutex_unlock(&c->net->neigh_lock);
	return 0;
}

int ip_neigh_cmd(struct ipctx *c, int argc, char **argv)
{
	int rc;

	if (argc == 0 || ip_matches(argv[0], "show") || ip_matches(argv[0], "list") ||
	    ip_matches(argv[0], "lst") || ip_matches(argv[0], "flush")) {
		bool flush = argc && ip_matches(argv[0], "flush");

		rc = neigh_show(c, argc ? argc - 1 : 0, argv + (argc ? 1 : 0),
				flush);
		return rc;
	}
	if (ip_matches(argv[0], "add"))
		return neigh_modify(c, "add", argc - 1, argv + 1);
	if (ip_matches(argv[0], "replace"))
		return neigh_modify(c, "replace", argc - 1, argv + 1);
	if (ip_matches(argv[0], "change"))
		return neigh_modify(c, "change", argc - 1, argv + 1);
	if (ip_matches(argv[0], "delete"))
		return neigh_modify(c, "del", argc - 1, argv + 1);
	sbuf_addf(c->err, "Command \"%s\" is unknown, try \"ip neigh help\".\n",
		  argv[0]);
	return 255;
}

