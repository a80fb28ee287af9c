// SPDX-License-Identifier: MIT
/*
 * REDIRECT target (libxt_NAT's REDIRECT, revision 0, and the kernel's
 * xt_REDIRECT): destination NAT to this host, the receiving interface's
 * primary address (127.0.0.1 for local packets), optionally to other
 * ports. nat table, PREROUTING and OUTPUT. parse/save/print are control
 * path; target() is data path.
 */
#include "xt/ext.h"
#include "xt/ext/nat_util.h"

#include <errno.h>

#include <netsieve/netsieve.h>

#include "base/compiler.h"

enum {
	O_TO_PORTS = 0,
	O_RANDOM,
};

static const struct xt_option redirect_opts[] = {
	{ "to-ports", O_TO_PORTS, XTO_ARG | XTO_ONCE },
	{ "random", O_RANDOM, XTO_ONCE },
	{ NULL },
};

static int redirect_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			  bool invert, void *data)
{
	struct nat_range *r = data;

	switch (id) {
	case O_TO_PORTS:
		return xt_nat_parse_ports(ctx, arg, r);
	case O_RANDOM:
		r->flags |= NAT_RANGE_PROTO_RANDOM;
		return 0;
	}
	return xt_perr(ctx, "REDIRECT: unknown option");
}

/* DNAT_fcheck(), which revision 0 shares. */
static int redirect_final_check(struct xt_parse_ctx *ctx, unsigned seen,
				void *data)
{
	const struct nat_range *r = data;

	if (r->flags & NAT_RANGE_PROTO_OFFSET)
		return xt_perr(ctx, "Shifted portmap ranges not supported "
			       "with this kernel");
	return 0;
}

static void redirect_save(const void *data, const struct xt_ip *ip,
			  struct sbuf *sb)
{
	xt_nat_print(sb, data, "--to-ports ", "--", true);
}

static void redirect_print(const void *data, const struct xt_ip *ip,
			   bool numeric, struct sbuf *sb)
{
	xt_nat_print(sb, data, "redir ports ", "", true);
}

/* redirect_tg4_check(). */
static int redirect_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct nat_range *r = data;

	return r->flags & NAT_RANGE_MAP_IPS ? -EINVAL : 0;
}

static unsigned redirect_target(struct pkt *pkt, const void *data,
				struct xt_action *act)
{
	return nat_redirect(act->net, pkt, data, act->in, act->hook);
}

static const char redirect_help[] =
	"REDIRECT target options:\n"
	" --to-ports <port>[-<port>]\n"
	"\t\t\t\tPort (range) to map to.\n"
	" [--random]\n";

static const struct xt_ext_ops redirect_target_ops = {
	.name = "REDIRECT",
	.help = redirect_help,
	.is_target = true,
	.size = sizeof(struct nat_range),
	.opts = redirect_opts,
	.parse = redirect_parse,
	.final_check = redirect_final_check,
	.save = redirect_save,
	.print = redirect_print,
	.table = "nat",
	.hooks = (1u << NS_INET_PRE_ROUTING) | (1u << NS_INET_LOCAL_OUT),
	.check = redirect_check,
	.target = redirect_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&redirect_target_ops);
}
