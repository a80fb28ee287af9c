// SPDX-License-Identifier: MIT
/*
 * The dscp match (libxt_dscp + the kernel's xt_dscp): the upper six bits of
 * the TOS / traffic class byte equal a value, optionally inverted. --dscp
 * takes the number, --dscp-class a DiffServ class name (libxt_dscp's
 * dscp_helper table). Parsing, save and print are control path; dscp_mt()
 * is the data path and only reads the IP header.
 */
#include "xt/ext.h"

#include <errno.h>
#include <netsieve/netsieve.h>
#include <string.h>
#include <strings.h>

#include "pkt/pkt.h"

#define DSCP_MAX 0x3f
#define DSCP_SHIFT 2

enum { O_DSCP, O_DSCP_CLASS };

struct dscp_info {
	uint8_t dscp;
	uint8_t invert;
};

static const struct xt_option dscp_opts[] = {
	{ "dscp", O_DSCP, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "dscp-class", O_DSCP_CLASS, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL }
};

static const struct xt_fcheck dscp_fcheck[] = {
	{ "dscp", O_DSCP, false, 0, 1u << O_DSCP_CLASS },
	{ "dscp-class", O_DSCP_CLASS, false, 0, 1u << O_DSCP },
	{ NULL }
};

static int dscp_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		      bool invert, void *data)
{
	struct dscp_info *info = data;
	uint64_t v;
	int d;

	if (id == O_DSCP) {
		if (xt_parse_uint_opt(ctx, "dscp", "dscp", arg, 0, DSCP_MAX,
				      &v))
			return -1;
		info->dscp = (uint8_t)v;
	} else {
		d = xt_dscp_class(arg);
		if (d < 0)
			return xt_perr(ctx, "Invalid DSCP value `%s'", arg);
		info->dscp = (uint8_t)d;
	}
	if (invert)
		info->invert = 1;
	return 0;
}

static int dscp_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			    void *data)
{
	if (!seen)
		return xt_perr(ctx, "DSCP match: Parameter --dscp is required");
	return xt_fcheck(ctx, "dscp", dscp_fcheck, seen);
}

static void dscp_save(const void *data, const struct xt_ip *ip,
		      struct sbuf *sb)
{
	const struct dscp_info *info = data;

	sbuf_addf(sb, "%s --dscp 0x%02x", info->invert ? " !" : "",
		  info->dscp);
}

static void dscp_print(const void *data, const struct xt_ip *ip, bool numeric,
		       struct sbuf *sb)
{
	const struct dscp_info *info = data;

	sbuf_addf(sb, " DSCP match %s0x%02x", info->invert ? "!" : "",
		  info->dscp);
}

/* The kernel's dscp_mt_check(). */
static int dscp_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct dscp_info *info = data;

	if (info->dscp > DSCP_MAX)
		return -EDOM;
	return 0;
}

static bool dscp_mt(const struct pkt *pkt, const void *data,
		    struct xt_action *act)
{
	const struct dscp_info *info = data;
	const uint8_t *ip = pkt_l3(pkt);
	uint8_t dsfield;

	if (pkt->family == NS_PF_INET6) {
		if (pkt->len < pkt->l3_off + 40u)
			return false;
		dsfield = (uint8_t)((ip[0] << 4) | (ip[1] >> 4));
	} else {
		if (pkt->len < pkt->l3_off + 20u)
			return false;
		dsfield = ip[1];
	}
	return ((dsfield >> DSCP_SHIFT) == info->dscp) ^ !!info->invert;
}

/* The help text 1.8.9 prints for -h after -m dscp. */
static const char dscp_help[] =
	"dscp match options\n"
	"[!] --dscp value\t\tMatch DSCP codepoint with numerical value\n"
	"  \t\t                This value can be in decimal (ex: 32)\n"
	"               \t\tor in hex (ex: 0x20)\n"
	"[!] --dscp-class name\t\tMatch the DiffServ class. This value may\n"
	"\t\t\t\tbe any of the BE,EF, AFxx or CSx classes\n"
	"\n"
	"\t\t\t\tThese two options are mutually exclusive !\n";

static const struct xt_ext_ops dscp_match = {
	.name = "dscp",
	.help = dscp_help,
	.size = sizeof(struct dscp_info),
	.opts = dscp_opts,
	.parse = dscp_parse,
	.final_check = dscp_final_check,
	.save = dscp_save,
	.print = dscp_print,
	.check = dscp_check,
	.match = dscp_mt,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&dscp_match);
}
