// SPDX-License-Identifier: MIT
/*
 * DSCP target (libxt_DSCP + the kernel's xt_DSCP dscp_tg): replaces the
 * upper six bits of the IPv4 TOS byte, keeping the two ECN bits, and
 * updates the header checksum incrementally. --set-dscp-class maps a
 * class name (RFC 2474/2597/3246) to its value at parse time. mangle table
 * only. parse/save/print are control path; target() is data path and
 * touches only the TOS byte and checksum.
 */
#include "xt/ext.h"
#include "xt/ext/tg_util.h"

#include <errno.h>
#include <strings.h>

#include "base/compiler.h"

#define DSCP_MAX 0x3f
#define DSCP_SHIFT 2

struct dscp_info {
	uint8_t dscp;
};

enum {
	O_SET_DSCP = 0,
	O_SET_DSCP_CLASS,
};

#define F_ANY ((1u << O_SET_DSCP) | (1u << O_SET_DSCP_CLASS))

static const struct xt_option dscp_opts[] = {
	{ "set-dscp", O_SET_DSCP, XTO_ARG | XTO_ONCE },
	{ "set-dscp-class", O_SET_DSCP_CLASS, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static const struct xt_fcheck dscp_fcheck[] = {
	{ "set-dscp", O_SET_DSCP, false, 0, F_ANY },
	{ "set-dscp-class", O_SET_DSCP_CLASS, false, 0, F_ANY },
	{ NULL },
};

static int dscp_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		      bool invert, void *data)
{
	struct dscp_info *info = data;
	uint64_t v = 0;
	int d;

	if (id == O_SET_DSCP) {
		if (xt_parse_uint_opt(ctx, "DSCP", "set-dscp", arg, 0, DSCP_MAX,
				   &v))
			return -1;
		info->dscp = (uint8_t)v;
		return 0;
	}
	d = xt_dscp_class(arg);
	if (d >= 0) {
		info->dscp = (uint8_t)d;
		return 0;
	}
	return xt_perr(ctx, "Invalid DSCP value `%s'", arg);
}

static int dscp_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			    void *data)
{
	if (xt_fcheck(ctx, "DSCP", dscp_fcheck, seen))
		return -1;
	if (!(seen & F_ANY))
		return xt_perr(ctx, "DSCP target: Parameter --set-dscp is "
			       "required");
	return 0;
}

static void dscp_save(const void *data, const struct xt_ip *ip,
		      struct sbuf *sb)
{
	const struct dscp_info *info = data;

	sbuf_addf(sb, " --set-dscp 0x%02x", info->dscp);
}

static void dscp_print(const void *data, const struct xt_ip *ip,
		       bool numeric, struct sbuf *sb)
{
	const struct dscp_info *info = data;

	sbuf_addf(sb, " DSCP set 0x%02x", info->dscp);
}

/* The kernel's dscp_tg_check: -EDOM above 0x3f. */
static int dscp_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct dscp_info *info = data;

	if (info->dscp > DSCP_MAX)
		return -EDOM;
	return 0;
}

static unsigned dscp_target(struct pkt *pkt, const void *data,
			    struct xt_action *act)
{
	const struct dscp_info *info = data;
	uint8_t *iph = tgu_iph(pkt);

	if (!iph)
		return XT_CONTINUE;
	if ((iph[1] >> DSCP_SHIFT) != info->dscp)
		tgu_set_tos(iph, 0x03, (uint8_t)(info->dscp << DSCP_SHIFT));
	return XT_CONTINUE;
}

/* The help text 1.8.9 prints for -h after -j DSCP. */
static const char dscp_help[] =
	"DSCP target options\n"
	"  --set-dscp value\t\tSet DSCP field in packet header to value\n"
	"  \t\t                This value can be in decimal (ex: 32)\n"
	"               \t\tor in hex (ex: 0x20)\n"
	"  --set-dscp-class class\tSet the DSCP field in packet header to the\n"
	"\t\t\t\tvalue represented by the DiffServ class value.\n"
	"\t\t\t\tThis class may be EF,BE or any of the CSxx\n"
	"\t\t\t\tor AFxx classes.\n"
	"\n"
	"\t\t\t\tThese two options are mutually exclusive !\n";

static const struct xt_ext_ops dscp_target_ops = {
	.name = "DSCP",
	.help = dscp_help,
	.is_target = true,
	.size = sizeof(struct dscp_info),
	.opts = dscp_opts,
	.parse = dscp_parse,
	.final_check = dscp_final_check,
	.save = dscp_save,
	.print = dscp_print,
	.table = "mangle",
	.check = dscp_check,
	.target = dscp_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&dscp_target_ops);
}
