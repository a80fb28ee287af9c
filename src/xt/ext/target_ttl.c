// SPDX-License-Identifier: MIT
/*
 * TTL target (libipt_TTL + the kernel's xt_HL ttl_tg): set, decrement or
 * increment the IPv4 TTL (saturating at 0 and 255) and update the header
 * checksum incrementally. mangle table only. parse/save/print are control
 * path; target() is data path and touches only the TTL and checksum.
 */
#include "xt/ext.h"
#include "xt/ext/tg_util.h"

#include <errno.h>

#include "base/compiler.h"

/* The kernel's IPT_TTL_* modes. */
enum {
	TTL_SET = 0,
	TTL_INC,
	TTL_DEC,
};

struct ttl_info {
	uint8_t mode;
	uint8_t ttl;
};

enum {
	O_TTL_SET = 0,
	O_TTL_INC,
	O_TTL_DEC,
};

#define F_ANY ((1u << O_TTL_SET) | (1u << O_TTL_INC) | (1u << O_TTL_DEC))

/* libipt_TTL's option order: ttl-set, ttl-dec, ttl-inc. */
static const struct xt_option ttl_opts[] = {
	{ "ttl-set", O_TTL_SET, XTO_ARG | XTO_ONCE },
	{ "ttl-dec", O_TTL_DEC, XTO_ARG | XTO_ONCE },
	{ "ttl-inc", O_TTL_INC, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static const struct xt_fcheck ttl_fcheck[] = {
	{ "ttl-set", O_TTL_SET, false, 0, F_ANY },
	{ "ttl-dec", O_TTL_DEC, false, 0, F_ANY },
	{ "ttl-inc", O_TTL_INC, false, 0, F_ANY },
	{ NULL },
};

static int ttl_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		     bool invert, void *data)
{
	struct ttl_info *info = data;
	uint64_t v = 0;

	switch (id) {
	case O_TTL_SET:
		if (xt_parse_uint_opt(ctx, "TTL", "ttl-set", arg, 0, 255, &v))
			return -1;
		info->mode = TTL_SET;
		break;
	case O_TTL_DEC:
		if (xt_parse_uint_opt(ctx, "TTL", "ttl-dec", arg, 1, 255, &v))
			return -1;
		info->mode = TTL_DEC;
		break;
	case O_TTL_INC:
		if (xt_parse_uint_opt(ctx, "TTL", "ttl-inc", arg, 1, 255, &v))
			return -1;
		info->mode = TTL_INC;
		break;
	default:
		return xt_perr(ctx, "TTL: unknown option");
	}
	info->ttl = (uint8_t)v;
	return 0;
}

static int ttl_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			   void *data)
{
	/* libipt_TTL's exclusion: ttl-set excludes the others; dec and inc
	 * exclude each other (table order decides the message). */
	if (xt_fcheck(ctx, "TTL", ttl_fcheck, seen))
		return -1;
	if (!(seen & F_ANY))
		return xt_perr(ctx, "TTL: You must specify an action");
	return 0;
}

static void ttl_save(const void *data, const struct xt_ip *ip,
		     struct sbuf *sb)
{
	const struct ttl_info *info = data;

	switch (info->mode) {
	case TTL_SET:
		sbuf_addf(sb, " --ttl-set %u", info->ttl);
		break;
	case TTL_DEC:
		sbuf_addf(sb, " --ttl-dec %u", info->ttl);
		break;
	case TTL_INC:
		sbuf_addf(sb, " --ttl-inc %u", info->ttl);
		break;
	}
}

static void ttl_print(const void *data, const struct xt_ip *ip,
		      bool numeric, struct sbuf *sb)
{
	const struct ttl_info *info = data;

	sbuf_adds(sb, " TTL ");
	switch (info->mode) {
	case TTL_SET:
		sbuf_adds(sb, "set to");
		break;
	case TTL_DEC:
		sbuf_adds(sb, "decrement by");
		break;
	case TTL_INC:
		sbuf_adds(sb, "increment by");
		break;
	}
	sbuf_addf(sb, " %u", info->ttl);
}

/* The kernel's ttl_tg_check: a known mode, and no "dec/inc by 0". */
static int ttl_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct ttl_info *info = data;

	if (info->mode > TTL_DEC)
		return -EINVAL;
	if (info->mode != TTL_SET && info->ttl == 0)
		return -EINVAL;
	return 0;
}

static unsigned ttl_target(struct pkt *pkt, const void *data,
			   struct xt_action *act)
{
	const struct ttl_info *info = data;
	uint8_t *iph = tgu_iph(pkt);
	uint16_t from, to, sum;
	int nt;

	if (!iph)
		return XT_CONTINUE;
	switch (info->mode) {
	case TTL_SET:
		nt = info->ttl;
		break;
	case TTL_INC:
		nt = iph[8] + info->ttl;
		if (nt > 255)
			nt = 255;
		break;
	case TTL_DEC:
		nt = iph[8] - info->ttl;
		if (nt < 0)
			nt = 0;
		break;
	default:
		nt = iph[8];
		break;
	}
	if (nt != iph[8]) {
		/* TTL and protocol share one 16-bit checksum word. */
		memcpy(&from, iph + 8, 2);
		iph[8] = (uint8_t)nt;
		memcpy(&to, iph + 8, 2);
		memcpy(&sum, iph + 10, 2);
		csum_replace2(&sum, from, to);
		memcpy(iph + 10, &sum, 2);
	}
	return XT_CONTINUE;
}

/* The help text 1.8.9 prints for -h after -j TTL. */
static const char ttl_help[] =
	"TTL target options\n"
	"  --ttl-set value\t\tSet TTL to <value 0-255>\n"
	"  --ttl-dec value\t\tDecrement TTL by <value 1-255>\n"
	"  --ttl-inc value\t\tIncrement TTL by <value 1-255>\n";

static const struct xt_ext_ops ttl_target_ops = {
	.name = "TTL",
	.help = ttl_help,
	.is_target = true,
	.size = sizeof(struct ttl_info),
	.opts = ttl_opts,
	.parse = ttl_parse,
	.final_check = ttl_final_check,
	.save = ttl_save,
	.print = ttl_print,
	.table = "mangle",
	.check = ttl_check,
	.target = ttl_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&ttl_target_ops);
}
