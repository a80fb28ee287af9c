// SPDX-License-Identifier: MIT
/*
 * SNAT target (libxt_NAT's SNAT, revision 0, and the kernel's xt_nat):
 * source NAT of a connection into an address and port range, decided for
 * its first packet in the nat table's POSTROUTING or INPUT chain and kept
 * by NAT (src/nat) for the rest of it. --random and --random-fully start
 * the port search at a random place, --persistent gives a client the same
 * address whatever the destination. parse/save/print are control path;
 * target() is data path and binds the packet's conntrack entry.
 */
#include "xt/ext.h"
#include "xt/ext/nat_util.h"

#include <netsieve/netsieve.h>

#include "base/compiler.h"

enum {
	O_TO_SRC = 0,
	O_RANDOM,
	O_RANDOM_FULLY,
	O_PERSISTENT,
};

static const struct xt_option snat_opts[] = {
	{ "to-source", O_TO_SRC, XTO_ARG | XTO_ONCE },
	{ "random", O_RANDOM, XTO_ONCE },
	{ "random-fully", O_RANDOM_FULLY, XTO_ONCE },
	{ "persistent", O_PERSISTENT, XTO_ONCE },
	{ NULL },
};

static const struct xt_fcheck snat_fcheck[] = {
	{ "to-source", O_TO_SRC, true, 0, 0 },
	{ NULL },
};

static int snat_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		      bool invert, void *data)
{
	struct nat_range *r = data;

	switch (id) {
	case O_TO_SRC:
		if (xt_nat_parse_to(ctx, arg, r))
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
	case O_PERSISTENT:
		r->flags |= NAT_RANGE_PERSISTENT;
		return 0;
	}
	return xt_perr(ctx, "SNAT: unknown option");
}

static int snat_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			    void *data)
{
	return xt_fcheck(ctx, "SNAT", snat_fcheck, seen);
}

static void snat_save(const void *data, const struct xt_ip *ip,
		      struct sbuf *sb)
{
	xt_nat_print(sb, data, "--to-source ", "--", false);
}

static void snat_print(const void *data, const struct xt_ip *ip,
		       bool numeric, struct sbuf *sb)
{
	xt_nat_print(sb, data, "to:", "", false);
}

/* xt_snat_target_v0(). */
static unsigned snat_target(struct pkt *pkt, const void *data,
			    struct xt_action *act)
{
	struct ct_conn *ct = nat_pkt_ct(pkt);

	if (!ct)
		return NS_ACCEPT;
	return nat_setup_info(act->net, ct, data, NAT_MANIP_SRC, pkt);
}

static const char snat_help[] =
	"SNAT target options:\n"
	" --to-source [<ipaddr>[-<ipaddr>]][:port[-port]]\n"
	"\t\t\t\tAddress to map source to.\n"
	"[--random] [--random-fully] [--persistent]\n";

static const struct xt_ext_ops snat_target_ops = {
	.name = "SNAT",
	.help = snat_help,
	.is_target = true,
	.size = sizeof(struct nat_range),
	.opts = snat_opts,
	.parse = snat_parse,
	.final_check = snat_final_check,
	.save = snat_save,
	.print = snat_print,
	.table = "nat",
	.hooks = (1u << NS_INET_POST_ROUTING) | (1u << NS_INET_LOCAL_IN),
	.target = snat_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&snat_target_ops);
}
