// SPDX-License-Identifier: MIT
/*
 * Extensions iptables 1.8.9 ships and netsieve does not implement yet
 * (connection tracking comes with the next issue): state, conntrack,
 * connmark, helper, CONNMARK, CT, NOTRACK. Each is what iptables is on a kernel without the
 * module: libxt_NAME loads at revision 0 and parses its options (names,
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

/* The kernel has no such match or target. */
static int missing_check(const struct xt_check_ctx *ctx, const void *data)
{
	(void)ctx;
	(void)data;
	return -ENOENT;
}

#define A (XTO_ARG)
#define A1 (XTO_ARG | XTO_ONCE)
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
	{ "state", 0, AI | XTO_ONCE }, { NULL },
};
MAND_CHECK(state_fcheck, "state", "state")

/* Revision 0: the one libxtables falls back to without the module. */
static const struct xt_option conntrack_opts[] = {
	{ "ctstate", 0, AI }, { "ctproto", 1, AI }, { "ctorigsrc", 2, AI },
	{ "ctorigdst", 3, AI }, { "ctreplsrc", 4, AI },
	{ "ctrepldst", 5, AI }, { "ctstatus", 6, AI }, { "ctexpire", 7, AI },
	{ NULL },
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

/* Revision 0 (--set-xmark and the others came with revision 1). */
static const struct xt_option connmark_tg_opts[] = {
	{ "set-mark", 0, A }, { "save-mark", 1, 0 }, { "restore-mark", 2, 0 },
	{ "mask", 3, A }, { NULL },
};
SOME_CHECK(connmark_tg_fcheck, "CONNMARK target: No operation specified")

/* Revision 0 (--timeout came with revision 1). */
static const struct xt_option ct_opts[] = {
	{ "notrack", 0, 0 }, { "helper", 1, A }, { "ctevents", 2, A },
	{ "expevents", 3, A }, { "zone-orig", 4, A }, { "zone-reply", 5, A },
	{ "zone", 6, A }, { NULL },
};

static const struct xt_option none_opts[] = {
	{ NULL },
};

#define MISSING(var, nm, tg, o, pa, fc)					\
static const struct xt_ext_ops var = {					\
	.name = nm, .is_target = tg, .unsupported = true, .opts = o,	\
	.parse = pa, .final_check = fc, .check = missing_check,	\
}

MISSING(state_ops, "state", false, state_opts, any_parse, state_fcheck);
MISSING(conntrack_ops, "conntrack", false, conntrack_opts, any_parse,
	conntrack_fcheck);
MISSING(connmark_ops, "connmark", false, connmark_opts, any_parse,
	connmark_fcheck);
MISSING(helper_ops, "helper", false, helper_opts, any_parse,
	helper_fcheck);
MISSING(connmark_tg_ops, "CONNMARK", true, connmark_tg_opts, any_parse,
	connmark_tg_fcheck);
MISSING(ct_ops, "CT", true, ct_opts, any_parse, NULL);

/* libxt_CT's NOTRACK: an alias the kernel knows as CT. */
static const struct xt_ext_ops notrack_ops = {
	.name = "NOTRACK", .is_target = true, .unsupported = true,
	.real_name = "CT",
	.notice = "Notice: The NOTRACK target is converted into CT target "
		  "in rule listing and saving.\n",
	.opts = none_opts, .parse = any_parse, .check = missing_check,
};

/*
 * Every other match and target iptables 1.8.9 ships a library for (IPv4):
 * netsieve refuses them by name, as iptables refuses an extension it has
 * no library for, and says it does not support them yet.
 */
static const char *const other_matches[] = {
	"ah", "bpf", "cgroup", "cluster", "connbytes", "connlabel",
	"connlimit", "cpu", "dccp", "devgroup", "ecn", "esp", "hashlimit",
	"ipcomp", "ipvs", "nfacct", "osf", "owner", "physdev", "policy",
	"quota", "rateest", "realm", "recent", "rpfilter", "sctp", "set",
	"socket", "string", "tcpmss", "time", "u32", NULL,
};
static const char *const other_targets[] = {
	"AUDIT", "CHECKSUM", "CLASSIFY", "CLUSTERIP", "CONNSECMARK", "ECN",
	"HMARK", "IDLETIMER", "LED", "NFLOG", "NFQUEUE", "RATEEST", "SECMARK",
	"SET", "SYNPROXY", "TCPMSS", "TCPOPTSTRIP", "TEE", "TPROXY", "ULOG",
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
	xt_ext_register(&state_ops);
	xt_ext_register(&conntrack_ops);
	xt_ext_register(&connmark_ops);
	xt_ext_register(&helper_ops);
	xt_ext_register(&connmark_tg_ops);
	xt_ext_register(&ct_ops);
	xt_ext_register(&notrack_ops);
}
