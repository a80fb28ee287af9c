// SPDX-License-Identifier: MIT
/*
 * MASQUERADE target (libxt_NAT's MASQUERADE, revision 0, and the
 * kernel's xt_MASQUERADE): source NAT to the address of the interface the
 * packet leaves by, chosen for its next hop; the binding is forgotten when
 * that address or interface goes (src/nat/masquerade.c). nat table,
 * POSTROUTING only. parse/save/print are control path; target() is data
 * path.
 */
#include "xt/ext.h"
#include "xt/ext/nat_util.h"

#include <errno.h>

#include <netsieve/netsieve.h>

#include "base/compiler.h"

enum {
	O_TO_PORTS = 0,
	O_RANDOM,
	O_RANDOM_FULLY,
};

static const struct xt_option masq_opts[] = {
	{ "to-ports", O_TO_PORTS, XTO_ARG | XTO_ONCE },
	{ "random", O_RANDOM, XTO_ONCE },
	{ "random-fully", O_RANDOM_FULLY, XTO_ONCE },
	{ NULL },
};

static int masq_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		      bool invert, void *data)
{
	struct nat_range *r = data;

	switch (id) {
	case O_TO_PORTS:
		if (xt_nat_parse_ports(ctx, arg, r))
			return -1;
		/* Revision 0 keeps no base port: it prints as /0. */
		r->base_proto = 0;
		return 0;
	case O_RANDOM:
		r->flags |= NAT_RANGE_PROTO_RANDOM;
		return 0;
	case O_RANDOM_FULLY:
		r->flags |= NAT_RANGE_PROTO_RANDOM_FULLY;
		return 0;
	}
	return xt_perr(ctx, "MASQUERADE: unknown option");
}

static void masq_save(const void *data, const struct xt_ip *ip,
		      struct sbuf *sb)
{
	xt_nat_print(sb, data, "--to-ports ", "--", true);
}

static void masq_print(const void *data, const struct xt_ip *ip,
		       bool numeric, struct sbuf *sb)
{
	xt_nat_print(sb, data, "masq ports: ", "", true);
}

/* masquerade_tg_check(): no addresses (iptables never gives any). */
static int masq_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct nat_range *r = data;

	return r->flags & NAT_RANGE_MAP_IPS ? -EINVAL : 0;
}

static unsigned masq_target(struct pkt *pkt, const void *data,
			    struct xt_action *act)
{
	return nat_masquerade(act->net, pkt, data, act->out);
}

static const char masq_help[] =
	"MASQUERADE target options:\n"
	" --to-ports <port>[-<port>]\n"
	"\t\t\t\tPort (range) to map to.\n"
	" --random\n"
	"\t\t\t\tRandomize source port.\n"
	" --random-fully\n"
	"\t\t\t\tFully randomize source port.\n";

static const struct xt_ext_ops masq_target_ops = {
	.name = "MASQUERADE",
	.help = masq_help,
	.is_target = true,
	.size = sizeof(struct nat_range),
	.opts = masq_opts,
	.parse = masq_parse,
	.save = masq_save,
	.print = masq_print,
	.table = "nat",
	.hooks = 1u << NS_INET_POST_ROUTING,
	.check = masq_check,
	.target = masq_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&masq_target_ops);
}
