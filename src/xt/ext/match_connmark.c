// SPDX-License-Identifier: MIT
/*
 * The "connmark" match (revision 1): libxt_connmark's --mark value[/mask]
 * with '!', and the kernel's connmark_mt() from xt_connmark.c: the
 * connection's mark (ct->mark) under the mask equals the value. A packet
 * without a connection (untracked, invalid) never matches, '!' or not.
 * parse/save/print/check are control path (check turns tracking on for
 * the net); match() is data path and only reads pkt->ct's mark.
 */
#include "xt/ext.h"

#include "base/compiler.h"
#include "ct/ct.h"
#include "pkt/pkt.h"

enum { O_MARK };

/* The kernel's struct xt_connmark_mtinfo1. */
struct connmark_info {
	uint32_t mark, mask;
	uint8_t invert;
};

static const struct xt_option connmark_opts[] = {
	{ "mark", O_MARK, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL },
};

static int connmark_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			  bool invert, void *data)
{
	struct connmark_info *info = data;

	(void)id;
	if (xt_parse_mark_mask(ctx, "connmark", "mark", arg, &info->mark,
			       &info->mask))
		return -1;
	if (invert)
		info->invert = 1;
	return 0;
}

static const struct xt_fcheck connmark_fcheck[] = {
	{ "mark", O_MARK, true, 0, 0 },
	{ NULL },
};

static int connmark_final_check(struct xt_parse_ctx *ctx, unsigned seen,
				void *data)
{
	(void)data;
	return xt_fcheck(ctx, "connmark", connmark_fcheck, seen);
}

/* xtables_print_mark_mask(). */
static void add_mark(struct sbuf *sb, const struct connmark_info *info)
{
	if (info->mask != 0xffffffffU)
		sbuf_addf(sb, " 0x%x/0x%x", info->mark, info->mask);
	else
		sbuf_addf(sb, " 0x%x", info->mark);
}

static void connmark_save(const void *data, const struct xt_ip *ip,
			  struct sbuf *sb)
{
	const struct connmark_info *info = data;

	(void)ip;
	if (info->invert)
		sbuf_adds(sb, " !");
	sbuf_adds(sb, " --mark");
	add_mark(sb, info);
}

static void connmark_print(const void *data, const struct xt_ip *ip,
			   bool numeric, struct sbuf *sb)
{
	const struct connmark_info *info = data;

	(void)ip;
	(void)numeric;
	sbuf_adds(sb, " connmark match ");
	if (info->invert)
		sbuf_adds(sb, "!");
	add_mark(sb, info);
}

/* connmark_mt_check(): nf_ct_netns_get(). */
static int connmark_check(const struct xt_check_ctx *ctx, const void *data)
{
	(void)data;
	return ctx->net ? ct_net_enable(ctx->net) : 0;
}

static bool connmark_match(const struct pkt *pkt, const void *data,
			   struct xt_action *act)
{
	const struct connmark_info *info = data;
	const struct ct_conn *ct = pkt->ct;

	(void)act;
	if (!ct)
		return false;
	return ((atomic_load_explicit(&ct->mark, memory_order_relaxed) &
		 info->mask) == info->mark) ^ info->invert;
}

static const char connmark_help[] =
	"connmark match options:\n"
	"[!] --mark value[/mask]    Match ctmark value with optional mask\n";

static const struct xt_ext_ops connmark_match_ops = {
	.name = "connmark",
	.help = connmark_help,
	.size = sizeof(struct connmark_info),
	.opts = connmark_opts,
	.parse = connmark_parse,
	.final_check = connmark_final_check,
	.save = connmark_save,
	.print = connmark_print,
	.check = connmark_check,
	.match = connmark_match,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&connmark_match_ops);
}
