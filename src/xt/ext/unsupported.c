// SPDX-License-Identifier: MIT
/*
 * Extensions iptables 1.8.9 ships and netsieve does not implement yet
 * (connection tracking and NAT come with the next issue): state,
 * conntrack, connmark, helper, SNAT, DNAT, MASQUERADE, REDIRECT, NETMAP,
 * CONNMARK, CT, NOTRACK. Each is what iptables is on a kernel without the
 * module: libxt_NAME loads and parses its options (names, arguments, the
 * options it insists on), and the kernel refuses the rule at commit
 * (checkentry: -ENOENT, "No chain/target/match by that name"). Option
 * values are taken as given, not checked. Control path only: no rule that
 * holds one of these is ever published, so there is no data path.
 */
#include "xt/ext.h"

#include "base/compiler.h"

#include <errno.h>

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

/* The kernel has no such match or target. */
static int missing_check(const struct xt_check_ctx *ctx, const void *data)
{
	(void)ctx;
	(void)data;
	return -ENOENT;
}

#define A (XTO_ARG)
#define AI (XTO_ARG | XTO_INVERT)

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

/* At least one option (conntrack_mt_check / CONNMARK_check). */
#define SOME_CHECK(fn, msg)						\
static int fn(struct xt_parse_ctx *ctx, unsigned seen, void *data)	\
{									\
	(void)data;							\
	if (!seen)							\
		return xt_perr(ctx, msg);				\
	return 0;							\
}

static const struct xt_option state_opts[] = {
	{ "state", 0, AI }, { NULL },
};
MAND_CHECK(state_fcheck, "state", "state")

static const struct xt_option conntrack_opts[] = {
	{ "ctstate", 0, AI }, { "ctproto", 1, AI }, { "ctorigsrc", 2, AI },
	{ "ctorigdst", 3, AI }, { "ctreplsrc", 4, AI },
	{ "ctrepldst", 5, AI }, { "ctstatus", 6, AI }, { "ctexpire", 7, AI },
	{ "ctorigsrcport", 8, AI }, { "ctorigdstport", 9, AI },
	{ "ctreplsrcport", 10, AI }, { "ctrepldstport", 11, AI },
	{ "ctdir", 12, A }, { NULL },
};
SOME_CHECK(conntrack_fcheck, "conntrack: At least one option is required")

static const struct xt_option connmark_opts[] = {
	{ "mark", 0, AI }, { NULL },
};
MAND_CHECK(connmark_fcheck, "connmark", "mark")

static const struct xt_option helper_opts[] = {
	{ "helper", 0, AI }, { NULL },
};
MAND_CHECK(helper_fcheck, "helper", "helper")

static const struct xt_option snat_opts[] = {
	{ "to-source", 0, A }, { "random", 1, 0 }, { "random-fully", 2, 0 },
	{ "persistent", 3, 0 }, { NULL },
};
MAND_CHECK(snat_fcheck, "SNAT", "to-source")

static const struct xt_option dnat_opts[] = {
	{ "to-destination", 0, A }, { "random", 1, 0 },
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

static const struct xt_option connmark_tg_opts[] = {
	{ "set-xmark", 0, A }, { "save-mark", 1, 0 },
	{ "restore-mark", 2, 0 }, { "and-mark", 3, A }, { "or-mark", 4, A },
	{ "xor-mark", 5, A }, { "set-mark", 6, A }, { "mask", 7, A },
	{ "nfmask", 8, A }, { "ctmask", 9, A }, { NULL },
};
SOME_CHECK(connmark_tg_fcheck, "CONNMARK target: No operation specified")

static const struct xt_option ct_opts[] = {
	{ "notrack", 0, 0 }, { "helper", 1, A }, { "ctevents", 2, A },
	{ "expevents", 3, A }, { "zone-orig", 4, A }, { "zone-reply", 5, A },
	{ "zone", 6, A }, { "timeout", 7, A }, { NULL },
};

static const struct xt_option none_opts[] = {
	{ NULL },
};

#define MISSING(var, nm, tg, o, fc)					\
static const struct xt_ext_ops var = {					\
	.name = nm, .is_target = tg, .unsupported = true, .opts = o,	\
	.parse = any_parse, .final_check = fc, .check = missing_check,	\
}

MISSING(state_ops, "state", false, state_opts, state_fcheck);
MISSING(conntrack_ops, "conntrack", false, conntrack_opts,
	conntrack_fcheck);
MISSING(connmark_ops, "connmark", false, connmark_opts, connmark_fcheck);
MISSING(helper_ops, "helper", false, helper_opts, helper_fcheck);
MISSING(snat_ops, "SNAT", true, snat_opts, snat_fcheck);
MISSING(dnat_ops, "DNAT", true, dnat_opts, dnat_fcheck);
MISSING(masquerade_ops, "MASQUERADE", true, masquerade_opts, NULL);
MISSING(redirect_ops, "REDIRECT", true, redirect_opts, NULL);
MISSING(netmap_ops, "NETMAP", true, netmap_opts, netmap_fcheck);
MISSING(connmark_tg_ops, "CONNMARK", true, connmark_tg_opts,
	connmark_tg_fcheck);
MISSING(ct_ops, "CT", true, ct_opts, NULL);
MISSING(notrack_ops, "NOTRACK", true, none_opts, NULL);

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&state_ops);
	xt_ext_register(&conntrack_ops);
	xt_ext_register(&connmark_ops);
	xt_ext_register(&helper_ops);
	xt_ext_register(&snat_ops);
	xt_ext_register(&dnat_ops);
	xt_ext_register(&masquerade_ops);
	xt_ext_register(&redirect_ops);
	xt_ext_register(&netmap_ops);
	xt_ext_register(&connmark_tg_ops);
	xt_ext_register(&ct_ops);
	xt_ext_register(&notrack_ops);
}
