// SPDX-License-Identifier: MIT
/*
 * DNAT target (libxt_NAT's DNAT, revision 2, and the kernel's xt_nat):
 * destination NAT of a connection into an address and port range, decided
 * for its first packet in the nat table's PREROUTING or OUTPUT chain and
 * kept by NAT (src/nat) for the rest of it. Revision 2 takes a shifted
 * port map ("ip:a-b/base": port p goes to a + (p - base)). --random
 * starts the port search at a random place, --persistent gives a client
 * the same address whatever the destination. parse/save/print are control path;
 * target() is data path and binds the packet's conntrack entry.
 */
#include "xt/ext.h"
#include "xt/ext/nat_util.h"

#include <netsieve/netsieve.h>

#include "base/compiler.h"

enum {
	O_TO_DEST = 0,
	O_RANDOM,
	O_PERSISTENT,
};

static const struct xt_option dnat_opts[] = {
	{ "to-destination", O_TO_DEST, XTO_ARG | XTO_ONCE },
	{ "random", O_RANDOM, XTO_ONCE },
	{ "persistent", O_PERSISTENT, XTO_ONCE },
	{ NULL },
};

static const struct xt_fcheck dnat_fcheck[] = {
	{ "to-destination", O_TO_DEST, true, 0, 0 },
	{ NULL },
};

static int dnat_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		      bool invert, void *data)
{
	struct nat_range *r = data;

	switch (id) {
	case O_TO_DEST:
		return xt_nat_parse_to(ctx, arg, r);
	case O_RANDOM:
		r->flags |= NAT_RANGE_PROTO_RANDOM;
		return 0;
	case O_PERSISTENT:
		r->flags |= NAT_RANGE_PERSISTENT;
		return 0;
	}
	return xt_perr(ctx, "DNAT: unknown option");
}

static int dnat_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			    void *data)
{
	return xt_fcheck(ctx, "DNAT", dnat_fcheck, seen);
}

static void dnat_save(const void *data, const struct xt_ip *ip,
		      struct sbuf *sb)
{
	xt_nat_print(sb, data, "--to-destination ", "--", false);
}

static void dnat_print(const void *data, const struct xt_ip *ip,
		       bool numeric, struct sbuf *sb)
{
	xt_nat_print(sb, data, "to:", "", false);
}

/* xt_dnat_target_v2(). */
static unsigned dnat_target(struct pkt *pkt, const void *data,
			    struct xt_action *act)
{
	struct ct_conn *ct = nat_pkt_ct(pkt);

	if (!ct)
		return NS_ACCEPT;
	return nat_setup_info(act->net, ct, data, NAT_MANIP_DST, pkt);
}

static const char dnat_help[] =
	"DNAT target options:\n"
	" --to-destination [<ipaddr>[-<ipaddr>]][:port[-port[/port]]]\n"
	"\t\t\t\tAddress to map destination to.\n"
	"[--random] [--persistent]\n";

static const struct xt_ext_ops dnat_target_ops = {
	.name = "DNAT",
	.help = dnat_help,
	.is_target = true,
	.size = sizeof(struct nat_range),
	.opts = dnat_opts,
	.parse = dnat_parse,
	.final_check = dnat_final_check,
	.save = dnat_save,
	.print = dnat_print,
	.table = "nat",
	.hooks = (1u << NS_INET_PRE_ROUTING) | (1u << NS_INET_LOCAL_OUT),
	.target = dnat_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&dnat_target_ops);
}
