// SPDX-License-Identifier: MIT
/*
 * MARK target (libxt_MARK revision 2 + the kernel's xt_MARK): sets the
 * packet mark to (mark & ~mask) ^ value. Every option is turned into one
 * value/mask pair at parse time, which is why iptables-save always prints
 * --set-xmark. Valid in every table and chain. parse/save/print are control
 * path; target() is data path and touches only pkt->mark.
 */
#include "xt/ext.h"

#include <netsieve/netsieve.h>

#include "base/compiler.h"
#include "pkt/pkt.h"

struct mark_info {
	uint32_t mark;
	uint32_t mask;
};

enum {
	O_SET_XMARK = 0,
	O_SET_MARK,
	O_AND_MARK,
	O_OR_MARK,
	O_XOR_MARK,
};

#define F_ANY ((1u << O_SET_XMARK) | (1u << O_SET_MARK) | \
	       (1u << O_AND_MARK) | (1u << O_OR_MARK) | (1u << O_XOR_MARK))

/* libxt_MARK's mark_tg_opts order: it decides the exclusion message. */
static const struct xt_option mark_opts[] = {
	{ "set-xmark", O_SET_XMARK, XTO_ARG | XTO_ONCE },
	{ "set-mark", O_SET_MARK, XTO_ARG | XTO_ONCE },
	{ "and-mark", O_AND_MARK, XTO_ARG | XTO_ONCE },
	{ "or-mark", O_OR_MARK, XTO_ARG | XTO_ONCE },
	{ "xor-mark", O_XOR_MARK, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static const struct xt_fcheck mark_fcheck[] = {
	{ "set-xmark", O_SET_XMARK, false, 0, F_ANY },
	{ "set-mark", O_SET_MARK, false, 0, F_ANY },
	{ "and-mark", O_AND_MARK, false, 0, F_ANY },
	{ "or-mark", O_OR_MARK, false, 0, F_ANY },
	{ "xor-mark", O_XOR_MARK, false, 0, F_ANY },
	{ NULL },
};

static int mark_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		      bool invert, void *data)
{
	struct mark_info *info = data;
	uint32_t val = 0, mask = 0;
	uint64_t v = 0;

	switch (id) {
	case O_SET_XMARK:
	case O_SET_MARK:
		if (xt_parse_mark_mask(ctx, "MARK", mark_opts[id].name, arg,
				       &val, &mask))
			return -1;
		/* --set-mark v/m clears the mask bits first: xmark v/(m|v). */
		info->mark = val;
		info->mask = id == O_SET_MARK ? (mask | val) : mask;
		return 0;
	case O_AND_MARK:
	case O_OR_MARK:
	case O_XOR_MARK:
		if (xt_parse_uint_opt(ctx, "MARK", mark_opts[id].name, arg, 0,
				   UINT32_MAX, &v))
			return -1;
		if (id == O_AND_MARK) {
			info->mark = 0;
			info->mask = ~(uint32_t)v;
		} else if (id == O_OR_MARK) {
			info->mark = info->mask = (uint32_t)v;
		} else {
			info->mark = (uint32_t)v;
			info->mask = 0;
		}
		return 0;
	}
	return xt_perr(ctx, "MARK: unknown option");
}

static int mark_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			    void *data)
{
	if (xt_fcheck(ctx, "MARK", mark_fcheck, seen))
		return -1;
	if (!(seen & F_ANY))
		return xt_perr(ctx, "MARK: One of the --set-xmark, "
			       "--{and,or,xor,set}-mark options is required");
	return 0;
}

static void mark_save(const void *data, const struct xt_ip *ip,
		      struct sbuf *sb)
{
	const struct mark_info *info = data;

	sbuf_addf(sb, " --set-xmark 0x%x/0x%x", info->mark, info->mask);
}

static void mark_print(const void *data, const struct xt_ip *ip,
		       bool numeric, struct sbuf *sb)
{
	const struct mark_info *info = data;

	if (info->mark == 0)
		sbuf_addf(sb, " MARK and 0x%x", ~info->mask);
	else if (info->mark == info->mask)
		sbuf_addf(sb, " MARK or 0x%x", info->mark);
	else if (info->mask == 0)
		sbuf_addf(sb, " MARK xor 0x%x", info->mark);
	else if (info->mask == 0xffffffffu)
		sbuf_addf(sb, " MARK set 0x%x", info->mark);
	else
		sbuf_addf(sb, " MARK xset 0x%x/0x%x", info->mark, info->mask);
}

static unsigned mark_target(struct pkt *pkt, const void *data,
			    struct xt_action *act)
{
	const struct mark_info *info = data;

	pkt->mark = (pkt->mark & ~info->mask) ^ info->mark;
	return XT_CONTINUE;
}

/* The help text 1.8.9 prints for -h after -j MARK. */
static const char mark_help[] =
	"MARK target options:\n"
	"  --set-xmark value[/mask]  Clear bits in mask and XOR value into "
	"nfmark\n"
	"  --set-mark value[/mask]   Clear bits in mask and OR value into "
	"nfmark\n"
	"  --and-mark bits           Binary AND the nfmark with bits\n"
	"  --or-mark bits            Binary OR the nfmark with bits\n"
	"  --xor-mark bits           Binary XOR the nfmark with bits\n";

static const struct xt_ext_ops mark_target_ops = {
	.name = "MARK",
	.help = mark_help,
	.is_target = true,
	.size = sizeof(struct mark_info),
	.opts = mark_opts,
	.parse = mark_parse,
	.final_check = mark_final_check,
	.save = mark_save,
	.print = mark_print,
	.target = mark_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&mark_target_ops);
}
