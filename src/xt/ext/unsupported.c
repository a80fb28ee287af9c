// SPDX-License-Identifier: MIT
/*
 * Extensions iptables 1.8.9 ships and netsieve does not implement yet
 * (NAT comes with the next issue): SNAT, DNAT, MASQUERADE, REDIRECT,
 * NETMAP. Each is what iptables is on a kernel without the module:
 * libxt_NAME loads at revision 0 and parses its options (names,
 * arguments, the options it insists on), and the kernel refuses the rule
 * at commit (checkentry: -ENOENT, "No chain/target/match by that name").
 * Option values are taken as given, not checked. The other extensions
 * iptables ships are only known by name (xt_ext_iptables_has()). Control
 * path only: no rule that holds one of these is ever published, so there
 * is no data path.
 */
#include "xt/ext.h"

#include "base/compiler.h"

#include <errno.h>
#include <string.h>

/* Options are taken without looking at them. */
static int any_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		     bool invert, void *data)
{
	(void)ctx;
	(void)id;
	(void)arg;
	(void)invert;
	(void)data;
	return 0;
}

/*
 * libxt_SNAT/DNAT/MASQUERADE/REDIRECT: a port range needs a protocol (any
 * -p given before the target will do). id 0 is the address option, whose
 * port follows a ':'; to-ports is always a port.
 */
static int nat_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		     bool invert, void *data)
{
	(void)invert;
	(void)data;
	if (id == 0 && (!strchr(arg, ':') || ctx->ip->proto))
		return 0;
	if (ctx->ip->proto)
		return 0;
	return xt_perr(ctx, "Need TCP, UDP, SCTP or DCCP with port "
		       "specification");
}

static int ports_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		       bool invert, void *data)
{
	(void)arg;
	(void)invert;
	(void)data;
	if (id != 0 || ctx->ip->proto)
		return 0;
	return xt_perr(ctx, "Need TCP, UDP, SCTP or DCCP with port "
		       "specification");
}

/* The kernel has no such match or target. */
static int missing_check(const struct xt_check_ctx *ctx, const void *data)
{
	(void)ctx;
	(void)data;
	return -ENOENT;
}

#define A (XTO_ARG)
#define A1 (XTO_ARG | XTO_ONCE)

/* An option that must be given (XTOPT_MAND): its id is 0. */
#define MAND_CHECK(fn, ext, opt)					\
static int fn(struct xt_parse_ctx *ctx, unsigned seen, void *data)	\
{									\
	(void)data;							\
	if (!(seen & 1u))						\
		return xt_perr(ctx, "%s: option \"--%s\" must be "	\
			       "specified\n", ext, opt);		\
	return 0;							\
}

static const struct xt_option snat_opts[] = {
	{ "to-source", 0, A1 }, { "random", 1, 0 }, { "random-fully", 2, 0 },
	{ "persistent", 3, 0 }, { NULL },
};
MAND_CHECK(snat_fcheck, "SNAT", "to-source")

static const struct xt_option dnat_opts[] = {
	{ "to-destination", 0, A1 }, { "random", 1, 0 },
	{ "persistent", 2, 0 }, { NULL },
};
MAND_CHECK(dnat_fcheck, "DNAT", "to-destination")

static const struct xt_option masquerade_opts[] = {
	{ "to-ports", 0, A }, { "random", 1, 0 }, { "random-fully", 2, 0 },
	{ NULL },
};

static const struct xt_option redirect_opts[] = {
	{ "to-ports", 0, A }, { "random", 1, 0 }, { NULL },
};

static const struct xt_option netmap_opts[] = {
	{ "to", 0, A }, { NULL },
};
MAND_CHECK(netmap_fcheck, "NETMAP", "to")

#define MISSING(var, nm, tg, o, pa, fc)					\
static const struct xt_ext_ops var = {					\
	.name = nm, .is_target = tg, .unsupported = true, .opts = o,	\
	.parse = pa, .final_check = fc, .check = missing_check,	\
}

MISSING(snat_ops, "SNAT", true, snat_opts, nat_parse, snat_fcheck);
MISSING(dnat_ops, "DNAT", true, dnat_opts, nat_parse, dnat_fcheck);
MISSING(masquerade_ops, "MASQUERADE", true, masquerade_opts, ports_parse,
	NULL);
MISSING(redirect_ops, "REDIRECT", true, redirect_opts, ports_parse, NULL);
MISSING(netmap_ops, "NETMAP", true, netmap_opts, any_parse,
	netmap_fcheck);

/*
 * Every other match and target iptables 1.8.9 ships a library for (IPv4):
 * netsieve refuses them by name, as iptables refuses an extension it has
 * no library for, and says it does not support them yet.
 */
static const char *const other_matches[] = {
	"ah", "bpf", "cgroup", "cluster", "connlabel", "cpu", "dccp",
	"devgroup", "ecn", "esp", "hashlimit",
	"ipcomp", "ipvs", "nfacct", "osf", "owner", "physdev", "policy",
	"quota", "realm", "recent", "rpfilter", "sctp", "set",
	"socket", "string", "tcpmss", "time", "u32", NULL,
};
static const char *const other_targets[] = {
	"CHECKSUM", "CLASSIFY", "CLUSTERIP", "CONNSECMARK", "ECN",
	"HMARK", "IDLETIMER", "LED", "NFLOG", "NFQUEUE", "SECMARK",
	"SET", "SYNPROXY", "TCPOPTSTRIP", "TEE", "TPROXY", "ULOG",
	NULL,
};

bool xt_ext_iptables_has(const char *name, bool target)
{
	const char *const *n;

	for (n = target ? other_targets : other_matches; *n; n++)
		if (!strcmp(*n, name))
			return true;
	return false;
}

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&snat_ops);
	xt_ext_register(&dnat_ops);
	xt_ext_register(&masquerade_ops);
	xt_ext_register(&redirect_ops);
	xt_ext_register(&netmap_ops);
}
