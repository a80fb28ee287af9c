// SPDX-License-Identifier: MIT
/*
 * The ttl match (libipt_ttl + the kernel's ipt_ttl): compare the IPv4 TTL
 * with a value: --ttl-eq (invertible), --ttl-lt, --ttl-gt. Option parsing,
 * save and print run on the control path; ttl_mt() is the data path and
 * only reads the IP header.
 */
#include "xt/ext.h"

#include <netsieve/netsieve.h>

#include "pkt/pkt.h"

enum { O_TTL_EQ, O_TTL_LT, O_TTL_GT };

/* struct ipt_ttl_info's modes. */
enum ttl_mode { TTL_EQ, TTL_NE, TTL_LT, TTL_GT };

struct ttl_info {
	uint8_t mode;
	uint8_t ttl;
};

static const struct xt_option ttl_opts[] = {
	{ "ttl-eq", O_TTL_EQ, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ttl-lt", O_TTL_LT, XTO_ARG | XTO_ONCE },
	{ "ttl-gt", O_TTL_GT, XTO_ARG | XTO_ONCE },
	/* libipt_ttl's hidden alias of --ttl-eq. */
	{ "ttl", O_TTL_EQ, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL }
};

/* libipt_ttl's table order (lt, gt, eq) decides the exclusion message. */
#define TTL_ANY ((1u << O_TTL_EQ) | (1u << O_TTL_LT) | (1u << O_TTL_GT))
static const struct xt_fcheck ttl_fcheck[] = {
	{ "ttl-lt", O_TTL_LT, false, 0, TTL_ANY },
	{ "ttl-gt", O_TTL_GT, false, 0, TTL_ANY },
	{ "ttl-eq", O_TTL_EQ, false, 0, TTL_ANY },
	{ NULL }
};

static const char *ttl_optname(int id)
{
	return id == O_TTL_LT ? "ttl-lt" : id == O_TTL_GT ? "ttl-gt" : "ttl-eq";
}

static int ttl_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		     bool invert, void *data)
{
	struct ttl_info *info = data;
	uint64_t v;

	if (xt_parse_uint_opt(ctx, "ttl", ttl_optname(id), arg, 0, 255, &v))
		return -1;
	info->ttl = (uint8_t)v;
	switch (id) {
	case O_TTL_EQ:
		info->mode = invert ? TTL_NE : TTL_EQ;
		break;
	case O_TTL_LT:
		info->mode = TTL_LT;
		break;
	case O_TTL_GT:
		info->mode = TTL_GT;
		break;
	}
	return 0;
}

static int ttl_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			   void *data)
{
	if (!seen)
		return xt_perr(ctx, "TTL match: You must specify one of "
			       "`--ttl-eq', `--ttl-lt', `--ttl-gt");
	return xt_fcheck(ctx, "ttl", ttl_fcheck, seen);
}

static void ttl_save(const void *data, const struct xt_ip *ip,
		     struct sbuf *sb)
{
	const struct ttl_info *info = data;
	static const char *const opt[] = {
		[TTL_EQ] = " --ttl-eq", [TTL_NE] = " ! --ttl-eq",
		[TTL_LT] = " --ttl-lt", [TTL_GT] = " --ttl-gt",
	};

	if (info->mode <= TTL_GT)
		sbuf_adds(sb, opt[info->mode]);
	sbuf_addf(sb, " %u", info->ttl);
}

static void ttl_print(const void *data, const struct xt_ip *ip, bool numeric,
		      struct sbuf *sb)
{
	const struct ttl_info *info = data;
	static const char *const op[] = {
		[TTL_EQ] = "TTL == ", [TTL_NE] = "TTL != ",
		[TTL_LT] = "TTL < ", [TTL_GT] = "TTL > ",
	};

	sbuf_adds(sb, " TTL match ");
	if (info->mode <= TTL_GT)
		sbuf_adds(sb, op[info->mode]);
	sbuf_addf(sb, "%u", info->ttl);
}

static bool ttl_mt(const struct pkt *pkt, const void *data,
		   struct xt_action *act)
{
	const struct ttl_info *info = data;
	uint8_t ttl;

	/* The rule sits in an IPv4 table: the IP header is there. */
	if (pkt->len < pkt->l3_off + 20u)
		return false;
	ttl = pkt_l3(pkt)[8];
	switch (info->mode) {
	case TTL_EQ:
		return ttl == info->ttl;
	case TTL_NE:
		return ttl != info->ttl;
	case TTL_LT:
		return ttl < info->ttl;
	case TTL_GT:
		return ttl > info->ttl;
	}
	return false;
}

/* The help text 1.8.9 prints for -h after -m ttl. */
static const char ttl_help[] =
	"ttl match options:\n"
	"[!] --ttl-eq value\tMatch time to live value\n"
	"  --ttl-lt value\tMatch TTL < value\n"
	"  --ttl-gt value\tMatch TTL > value\n";

static const struct xt_ext_ops ttl_match = {
	.name = "ttl",
	.help = ttl_help,
	.size = sizeof(struct ttl_info),
	.opts = ttl_opts,
	.parse = ttl_parse,
	.final_check = ttl_final_check,
	.save = ttl_save,
	.print = ttl_print,
	.match = ttl_mt,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&ttl_match);
}
