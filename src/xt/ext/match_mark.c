// SPDX-License-Identifier: MIT
/*
 * The "mark" match (revision 1): libxt_mark's --mark value[/mask] with '!',
 * its save/print texts, and the kernel's mark_mt() from xt_mark.c. parse,
 * save and print run on the control path; match() runs on the data path
 * and only reads pkt->mark.
 */
#include "xt/ext.h"

#include "base/compiler.h"
#include "pkt/pkt.h"

enum { O_MARK };

/* The kernel's struct xt_mark_mtinfo1. */
struct mark_info {
	uint32_t mark, mask;
	uint8_t invert;
};

static const struct xt_option mark_opts[] = {
	{ "mark", O_MARK, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL },
};

static int mark_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		      bool invert, void *data)
{
	struct mark_info *info = data;

	if (xt_parse_mark_mask(ctx, "mark", "mark", arg, &info->mark,
			       &info->mask))
		return -1;
	if (invert)
		info->invert = 1;
	return 0;
}

static const struct xt_fcheck mark_fcheck[] = {
	{ "mark", O_MARK, true, 0, 0 }, /* XTOPT_MAND */
	{ NULL },
};

static int mark_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			    void *data)
{
	return xt_fcheck(ctx, "mark", mark_fcheck, seen);
}

static void add_mark(struct sbuf *sb, const struct mark_info *info)
{
	if (info->mask != 0xffffffffU)
		sbuf_addf(sb, " 0x%x/0x%x", info->mark, info->mask);
	else
		sbuf_addf(sb, " 0x%x", info->mark);
}

static void mark_save(const void *data, const struct xt_ip *ip,
		      struct sbuf *sb)
{
	const struct mark_info *info = data;

	if (info->invert)
		sbuf_adds(sb, " !");
	sbuf_adds(sb, " --mark");
	add_mark(sb, info);
}

static void mark_print(const void *data, const struct xt_ip *ip,
		       bool numeric, struct sbuf *sb)
{
	const struct mark_info *info = data;

	sbuf_adds(sb, " mark match");
	if (info->invert)
		sbuf_adds(sb, " !");
	add_mark(sb, info);
}

/* Data path: mark_mt(). */
static bool mark_match(const struct pkt *pkt, const void *data,
		       struct xt_action *act)
{
	const struct mark_info *info = data;

	return ((pkt->mark & info->mask) == info->mark) ^ info->invert;
}

/* The help text 1.8.9 prints for -h after -m mark. */
static const char mark_help[] =
	"mark match options:\n"
	"[!] --mark value[/mask]    Match nfmark value with optional mask\n";

static const struct xt_ext_ops mark_match_ops = {
	.name = "mark",
	.help = mark_help,
	.size = sizeof(struct mark_info),
	.opts = mark_opts,
	.parse = mark_parse,
	.final_check = mark_final_check,
	.save = mark_save,
	.print = mark_print,
	.match = mark_match,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&mark_match_ops);
}
