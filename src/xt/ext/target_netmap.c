// SPDX-License-Identifier: MIT
/*
 * NETMAP target (libipt_NETMAP and the kernel's xt_NETMAP): maps a whole
 * network onto another one address for address, keeping the host part:
 * in PREROUTING and OUTPUT the destination, in POSTROUTING and INPUT the
 * source. The binding is NAT's (src/nat), as for SNAT and DNAT.
 * parse/save/print are control path; target() is data path.
 */
#include "xt/ext.h"
#include "xt/ext/nat_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netsieve/netsieve.h>

#include "base/compiler.h"
#include "pkt/parse.h"

enum {
	O_TO = 0,
};

static const struct xt_option netmap_opts[] = {
	{ "to", O_TO, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static const struct xt_fcheck netmap_fcheck[] = {
	{ "to", O_TO, true, 0, 0 },
	{ NULL },
};

/* xtopt_parse_host(): one address (a name that resolves to one). */
static int parse_host(struct xt_parse_ctx *ctx, const char *s, uint32_t *ip)
{
	struct addrinfo hints = { .ai_family = AF_INET };
	struct addrinfo *res, *p;
	bool have = false;
	int ret;

	ret = getaddrinfo(s, NULL, &hints, &res);
	if (ret)
		return xt_perr(ctx, "getaddrinfo: %s\n", gai_strerror(ret));
	for (p = res; p; p = p->ai_next) {
		uint32_t a = ((struct sockaddr_in *)p->ai_addr)->sin_addr.s_addr;

		if (!have) {
			*ip = a;
			have = true;
		} else if (a != *ip) {
			freeaddrinfo(res);
			return xt_perr(ctx, "%s resolves to more than one "
				       "address\n", s);
		}
	}
	freeaddrinfo(res);
	return 0;
}

/* xtopt_parse_plenmask(): "/len" or a dotted mask, as a mask. */
static int parse_mask(struct xt_parse_ctx *ctx, const char *s, uint32_t *mask)
{
	struct addrinfo hints = {
		.ai_family = AF_INET, .ai_flags = AI_NUMERICHOST,
	};
	struct addrinfo *res;
	uint64_t plen;

	if (xt_strtoui(s, NULL, &plen, 0, 32)) {
		if (getaddrinfo(s, NULL, &hints, &res))
			return xt_perr(ctx, "NETMAP: bad value for option "
				       "\"--to\", neither a valid network "
				       "mask nor valid CIDR (0-32).\n");
		plen = (uint64_t)xt_mask_plen(((struct sockaddr_in *)
					       res->ai_addr)->sin_addr.s_addr);
		freeaddrinfo(res);
		/* A mask with holes keeps every bit of the address. */
		if (plen > 32)
			plen = 32;
	}
	*mask = plen ? htonl(0xffffffffu << (32 - plen)) : 0;
	return 0;
}

static int netmap_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			bool invert, void *data)
{
	struct nat_range *r = data;
	uint32_t addr = 0, mask = 0xffffffffu;
	char *work, *slash;
	int err;

	work = strdup(arg);
	if (!work)
		return xt_perr(ctx, "strdup failed");
	slash = strchr(work, '/');
	if (slash)
		*slash++ = '\0';
	err = parse_host(ctx, work, &addr);
	if (!err && slash)
		err = parse_mask(ctx, slash, &mask);
	free(work);
	if (err)
		return -1;
	r->flags |= NAT_RANGE_MAP_IPS;
	r->min_addr = addr & mask;
	r->max_addr = r->min_addr | ~mask;
	return 0;
}

static int netmap_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			      void *data)
{
	return xt_fcheck(ctx, "NETMAP", netmap_fcheck, seen);
}

static void netmap_addr(const struct nat_range *r, struct sbuf *sb)
{
	char buf[INET_ADDRSTRLEN];
	uint32_t mask = ~(r->min_addr ^ r->max_addr);
	int bits = xt_mask_plen(mask);

	inet_ntop(AF_INET, &r->min_addr, buf, sizeof(buf));
	sbuf_adds(sb, buf);
	if (bits < 0) {
		inet_ntop(AF_INET, &mask, buf, sizeof(buf));
		sbuf_addf(sb, "/%s", buf);
	} else {
		sbuf_addf(sb, "/%d", bits);
	}
}

static void netmap_save(const void *data, const struct xt_ip *ip,
			struct sbuf *sb)
{
	sbuf_adds(sb, " --to ");
	netmap_addr(data, sb);
}

static void netmap_print(const void *data, const struct xt_ip *ip,
			 bool numeric, struct sbuf *sb)
{
	sbuf_adds(sb, " to:");
	netmap_addr(data, sb);
}

/* netmap_tg4_check(). */
static int netmap_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct nat_range *r = data;

	return r->flags & NAT_RANGE_MAP_IPS ? 0 : -EINVAL;
}

/* netmap_tg4(). */
static unsigned netmap_target(struct pkt *pkt, const void *data,
			      struct xt_action *act)
{
	const struct nat_range *r = data;
	struct ct_conn *ct = nat_pkt_ct(pkt);
	uint32_t netmask = ~(r->min_addr ^ r->max_addr), ip;
	const struct ns_iphdr *iph = pkt_iph(pkt);
	struct nat_range nr = *r;

	if (!ct)
		return NS_ACCEPT;
	if (act->hook == NS_INET_PRE_ROUTING || act->hook == NS_INET_LOCAL_OUT)
		ip = iph->daddr & ~netmask;
	else
		ip = iph->saddr & ~netmask;
	ip |= r->min_addr & netmask;
	nr.flags |= NAT_RANGE_MAP_IPS;
	nr.min_addr = nr.max_addr = ip;
	return nat_setup_info(act->net, ct, &nr, nat_hook2manip(act->hook),
			      pkt);
}

static const char netmap_help[] =
	"NETMAP target options:\n"
	"  --to address[/mask]\n"
	"\t\t\t\tNetwork address to map to.\n\n";

static const struct xt_ext_ops netmap_target_ops = {
	.name = "NETMAP",
	.help = netmap_help,
	.is_target = true,
	.size = sizeof(struct nat_range),
	.opts = netmap_opts,
	.parse = netmap_parse,
	.final_check = netmap_final_check,
	.save = netmap_save,
	.print = netmap_print,
	.table = "nat",
	.hooks = (1u << NS_INET_PRE_ROUTING) | (1u << NS_INET_POST_ROUTING) |
		 (1u << NS_INET_LOCAL_OUT) | (1u << NS_INET_LOCAL_IN),
	.check = netmap_check,
	.target = netmap_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&netmap_target_ops);
}
