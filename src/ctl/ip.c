// SPDX-License-Identifier: MIT
/*
 * The `ip` tool: iproute2's syntax, output format and error messages for
 * the parts netsieve has (link, addr, route, neigh). Binding an interface
 * to packet I/O is netsieve's own: `ip link add NAME type afpacket dev
 * KDEV`, `type tap [name TAPNAME]`, `type dummy`. Control path: every
 * change and every listing runs on the command's configuration draft.
 *
 * This file holds the entry point (global options, object dispatch) and
 * the helpers the objects share; each object has its own file:
 * ip_link.c, ip_addr.c, ip_route.c, ip_neigh.c.
 */
#include "ctl/ip_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* iproute2's matches(): arg is a non-empty prefix of word. */
bool ip_matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && n <= strlen(word) && !strncmp(arg, word, n);
}

int ip_parse_addr(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*a = in.s_addr;
	return 0;
}

/* "A/P", "A" (/32), "default"/"any"/"all" (0/0). */
int ip_parse_prefix(const char *s, uint32_t *a, int *plen)
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
	if (ip_parse_addr(buf, a))
		return -1;
	*plen = (int)p;
	return 0;
}

int ip_parse_mac(const char *s, uint8_t *mac)
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

const char *ip_fmt_addr(uint32_t a, char *buf)
{
	struct in_addr in = { .s_addr = a };

	inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
	return buf;
}

void ip_fmt_mac(const uint8_t *m, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

int ip_no_device(struct ipctx *c, const char *name)
{
	sbuf_addf(c->err, "Cannot find device \"%s\"\n", name);
	return 1;
}

int ip_rtnl_err(struct ipctx *c, int err)
{
	sbuf_addf(c->err, "RTNETLINK answers: %s\n", strerror(-err));
	return 2;
}

int ip_ext_err(struct ipctx *c, const char *msg)
{
	sbuf_addf(c->err, "Error: %s\n", msg);
	return 2;
}

int ip_bad_arg(struct ipctx *c, const char *what, const char *arg)
{
	sbuf_addf(c->err, "Error: %s is expected rather than \"%s\".\n", what,
		  arg);
	return 1;
}

int ip_need_arg(struct ipctx *c, const char *kw)
{
	(void)kw;
	sbuf_adds(c->err, "Command line is not complete. Try option \"help\"\n");
	return 255;
}

/*
 * Find the device called name for a change: in the command's
 * configuration draft (stack_conf_write(); published when the command
 * ends), so the change never reaches a packet half done. Listings read
 * the published configuration and need no draft. On success *dev is set
 * (returns 0); otherwise the tool's exit code with iproute2's message.
 */
int ip_change_dev(struct ipctx *c, const char *name, struct netdev **dev)
{
	if (!stack_conf_write(c->net))
		return ip_rtnl_err(c, -ENOMEM);
	*dev = net_dev_by_name(c->net, name);
	if (!*dev)
		return ip_no_device(c, name);
	return 0;
}

/*
 * "[dev] NAME" where every word names the device and the last one wins, as
 * `ip link del` and `ip addr flush` read it. Sets *name (NULL when absent);
 * returns 0 or the exit code for a "dev" without its argument.
 */
int ip_dev_word(struct ipctx *c, int argc, char **argv, const char **name)
{
	int i;

	*name = NULL;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev") && ++i >= argc)
			return ip_need_arg(c, "dev");
		*name = argv[i];
	}
	return 0;
}

const char *ip_scope_name(int scope)
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

int ip_parse_scope(const char *s)
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
void ip_json_open(struct ipctx *c)
{
	if (c->json_open)
		return;
	sbuf_addc(c->out, '[');
	c->json_open = true;
}

void ip_json_obj(struct ipctx *c)
{
	ip_json_open(c);
	if (c->json_count++)
		sbuf_addc(c->out, ',');
}

/* "key":"val" with JSON escapes; key NULL: the string alone. */
void ip_json_str(struct sbuf *sb, const char *key, const char *val)
{
	if (key)
		sbuf_addf(sb, "\"%s\":", key);
	sbuf_addc(sb, '"');
	for (; *val; val++) {
		unsigned char ch = (unsigned char)*val;

		if (ch == '"' || ch == '\\')
			sbuf_addf(sb, "\\%c", ch);
		else if (ch < 0x20)
			sbuf_addf(sb, "\\u%04x", ch);
		else
			sbuf_addc(sb, (char)ch);
	}
	sbuf_addc(sb, '"');
}

void ip_json_uint(struct sbuf *sb, const char *key, unsigned long long v)
{
	sbuf_addf(sb, "\"%s\":%llu", key, v);
}

static int ip_dispatch(struct ipctx *c, const char *obj, int argc,
		       char **argv)
{
	if (ip_matches(obj, "link"))
		return ip_link_cmd(c, argc, argv);
	if (ip_matches(obj, "address"))
		return ip_addr_cmd(c, argc, argv);
	if (ip_matches(obj, "route"))
		return ip_route_cmd(c, argc, argv);
	if (ip_matches(obj, "neighbor") || ip_matches(obj, "neighbour"))
		return ip_neigh_cmd(c, argc, argv);
	sbuf_addf(c->err, "Object \"%s\" is unknown, try \"ip help\".\n", obj);
	return 255;
}

int ctl_ip_main(struct net *net, int argc, char **argv, struct sbuf *out,
		struct sbuf *err)
{
	struct ipctx c = { .net = net, .out = out, .err = err };
	const char *obj;
	int i = 1, rc;

	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		const char *o = argv[i] + 1;

		if (*o == '-')
			o++;
		if (ip_matches(o, "details"))
			c.details = true;
		else if (ip_matches(o, "brief") || !strcmp(o, "br"))
			c.brief = true;
		else if (ip_matches(o, "oneline"))
			c.oneline = true;
		else if (ip_matches(o, "statistics") || !strcmp(o, "s"))
			c.stats = true;
		else if (ip_matches(o, "json"))
			c.json = true;
		else if (ip_matches(o, "pretty")) {
			sbuf_adds(err, "Error: netsieve: ip -pretty is not supported yet.\n");
			return 2;
		}
		else if (!strcmp(o, "4"))
			c.inet_only = true;
		else if (ip_matches(o, "family"))
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
	rc = ip_dispatch(&c, obj, argc - i, argv + i);
	if (c.json_open)
		sbuf_adds(out, "]\n");
	return rc;
}

