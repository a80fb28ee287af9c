// SPDX-License-Identifier: MIT
/*
 * The NAT targets' range syntax (nat_util.h), as libxt_NAT parses and
 * prints it, messages included. Control path.
 */
#include "xt/ext/nat_util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_DCCP 33
#define PROTO_SCTP 132

bool xt_nat_portok(const struct xt_parse_ctx *ctx)
{
	uint16_t p = ctx->ip ? ctx->ip->proto : 0;

	return p == PROTO_TCP || p == PROTO_UDP || p == PROTO_SCTP ||
	       p == PROTO_DCCP || p == PROTO_ICMP;
}

/* A port number, or a service name of any protocol; -1 if neither. */
static int port_or_service(const char *s, char **end)
{
	uint64_t v;

	if (!xt_strtoui(s, end, &v, 0, 65535))
		return (int)v;
	*end = (char *)"";
	return xt_ipt_parse_port(s, NULL);
}

int xt_nat_parse_ports(struct xt_parse_ctx *ctx, const char *arg,
		       struct nat_range *r)
{
	uint64_t maxport, base;
	char *end = NULL;
	int port;

	if (!xt_nat_portok(ctx))
		return xt_perr(ctx, "Need TCP, UDP, SCTP or DCCP with port "
			       "specification");
	r->flags |= NAT_RANGE_PROTO_SPECIFIED;
	port = port_or_service(arg, &end);
	if (port < 0)
		return xt_perr(ctx, "Port `%s' not valid", arg);
	switch (*end) {
	case '\0':
		r->min_proto = r->max_proto = htons((uint16_t)port);
		return 0;
	case '-':
		arg = end + 1;
		break;
	case ':':
		return xt_perr(ctx, "Invalid port:port syntax - use dash");
	default:
		return xt_perr(ctx, "Garbage after port value: `%s'", end);
	}
	/* A range: numbers only. */
	if (xt_strtoui(arg, &end, &maxport, 0, 65535))
		return xt_perr(ctx, "Port `%s' not valid", arg);
	if (maxport < (uint64_t)port)
		return xt_perr(ctx, "Port range `%s' funky", arg);
	r->min_proto = htons((uint16_t)port);
	r->max_proto = htons((uint16_t)maxport);
	switch (*end) {
	case '\0':
		return 0;
	case '/':
		arg = end + 1;
		break;
	default:
		return xt_perr(ctx, "Garbage after port range: `%s'", end);
	}
	if (xt_strtoui(arg, &end, &base, 1, 65535)) {
		int b = xt_ipt_parse_port(arg, NULL);

		/* xtables_service_to_port(): a name only. */
		if (b < 0 || xt_strtoui(arg, NULL, &base, 0, 65535) == 0)
			return xt_perr(ctx, "Port `%s' not valid", arg);
		base = (uint64_t)b;
	}
	r->flags |= NAT_RANGE_PROTO_OFFSET;
	r->base_proto = htons((uint16_t)base);
	return 0;
}

int xt_nat_parse_to(struct xt_parse_ctx *ctx, const char *orig,
		    struct nat_range *r)
{
	char *arg, *colon, *dash;
	struct in_addr a;
	int ret = -1;

	arg = strdup(orig);
	if (!arg)
		return xt_perr(ctx, "strdup failed");
	if (strchr(arg, '[')) {
		xt_perr(ctx, "Invalid address format");
		goto out;
	}
	/* One colon starts the ports; more would be an IPv6 address. */
	colon = strchr(arg, ':');
	if (colon && strchr(colon + 1, ':'))
		colon = NULL;
	if (colon) {
		if (xt_nat_parse_ports(ctx, colon + 1, r))
			goto out;
		/* libxt_NAT's "no IP info" test (meant for "[]:port"). */
		if (colon == arg || colon == arg + 2) {
			ret = 0;
			goto out;
		}
		*colon = '\0';
	}
	r->flags |= NAT_RANGE_MAP_IPS;
	dash = strchr(arg, '-');
	if (dash)
		*dash = '\0';
	if (inet_pton(AF_INET, arg, &a) != 1) {
		xt_perr(ctx, "Bad IP address \"%s\"", arg);
		goto out;
	}
	r->min_addr = r->max_addr = a.s_addr;
	if (dash) {
		if (inet_pton(AF_INET, dash + 1, &a) != 1) {
			xt_perr(ctx, "Bad IP address \"%s\"", dash + 1);
			goto out;
		}
		r->max_addr = a.s_addr;
	}
	ret = 0;
out:
	free(arg);
	return ret;
}

void xt_nat_print(struct sbuf *sb, const struct nat_range *r,
		  const char *rangeopt, const char *pfx, bool skip_colon)
{
	char buf[64] = "", ip[INET_ADDRSTRLEN];
	size_t n = 0;
	const char *s = buf;

	if (r->flags & NAT_RANGE_MAP_IPS) {
		inet_ntop(AF_INET, &r->min_addr, ip, sizeof(ip));
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", ip);
		if (r->min_addr != r->max_addr) {
			inet_ntop(AF_INET, &r->max_addr, ip, sizeof(ip));
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "-%s",
					      ip);
		}
	}
	if (r->flags & NAT_RANGE_PROTO_SPECIFIED) {
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ":%hu",
				      ntohs(r->min_proto));
		if (r->max_proto != r->min_proto)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "-%hu",
					      ntohs(r->max_proto));
		if (r->flags & NAT_RANGE_PROTO_OFFSET)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "/%hu",
					      ntohs(r->base_proto));
	}
	if (buf[0]) {
		if (buf[0] == ':' && skip_colon)
			s++;
		sbuf_addf(sb, " %s%s", rangeopt, s);
	}
	if (r->flags & NAT_RANGE_PROTO_RANDOM)
		sbuf_addf(sb, " %srandom", pfx);
	if (r->flags & NAT_RANGE_PROTO_RANDOM_FULLY)
		sbuf_addf(sb, " %srandom-fully", pfx);
	if (r->flags & NAT_RANGE_PERSISTENT)
		sbuf_addf(sb, " %spersistent", pfx);
}
