// SPDX-License-Identifier: MIT
/*
 * CONNMARK target (libxt_CONNMARK revision 2 + the kernel's
 * connmark_tg_shift() from xt_connmark.c): sets the connection's mark
 * (--set-xmark and its --set/and/or/xor-mark spellings, turned into one
 * value/mask pair at parse time), copies the packet mark into it
 * (--save-mark) or back (--restore-mark) under --nfmask/--ctmask (--mask
 * sets both), each shifted by --left-shift-mark/--right-shift-mark.
 * Valid in every table and chain; check turns tracking on for the net and
 * refuses a shift of 32 bits (EINVAL, as connmark_tg_check_v2). A packet
 * without a connection is left alone. Control path except target(),
 * which touches pkt->mark and pkt->ct's mark (atomic).
 */
#include "xt/ext.h"

#include <errno.h>

#include "base/compiler.h"
#include "ct/ct.h"
#include "pkt/pkt.h"

/* Ids in libxt_CONNMARK's revision 2 table order (exclusion messages). */
enum {
	O_SET_XMARK = 0,
	O_SET_MARK,
	O_AND_MARK,
	O_OR_MARK,
	O_XOR_MARK,
	O_SAVE_MARK,
	O_RESTORE_MARK,
	O_LEFT_SHIFT_MARK,
	O_RIGHT_SHIFT_MARK,
	O_CTMASK,
	O_NFMASK,
	O_MASK,
};

#define F(o) (1u << (o))
#define F_OP_ANY (F(O_SET_XMARK) | F(O_SET_MARK) | F(O_AND_MARK) | \
		  F(O_OR_MARK) | F(O_XOR_MARK) | F(O_SAVE_MARK) | \
		  F(O_RESTORE_MARK))

enum { MODE_SET, MODE_SAVE, MODE_RESTORE };
enum { SHIFT_LEFT, SHIFT_RIGHT };

/* The kernel's struct xt_connmark_tginfo2. */
struct connmark_tginfo {
	uint32_t ctmark, ctmask, nfmask;
	uint8_t shift_dir, shift_bits, mode;
};

static const struct xt_option connmark_opts[] = {
	{ "set-xmark", O_SET_XMARK, XTO_ARG | XTO_ONCE },
	{ "set-mark", O_SET_MARK, XTO_ARG | XTO_ONCE },
	{ "and-mark", O_AND_MARK, XTO_ARG | XTO_ONCE },
	{ "or-mark", O_OR_MARK, XTO_ARG | XTO_ONCE },
	{ "xor-mark", O_XOR_MARK, XTO_ARG | XTO_ONCE },
	{ "save-mark", O_SAVE_MARK, XTO_ONCE },
	{ "restore-mark", O_RESTORE_MARK, XTO_ONCE },
	{ "left-shift-mark", O_LEFT_SHIFT_MARK, XTO_ARG | XTO_ONCE },
	{ "right-shift-mark", O_RIGHT_SHIFT_MARK, XTO_ARG | XTO_ONCE },
	{ "ctmask", O_CTMASK, XTO_ARG | XTO_ONCE },
	{ "nfmask", O_NFMASK, XTO_ARG | XTO_ONCE },
	{ "mask", O_MASK, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static const struct xt_fcheck connmark_fcheck[] = {
	{ "set-xmark", O_SET_XMARK, false, 0, F_OP_ANY },
	{ "set-mark", O_SET_MARK, false, 0, F_OP_ANY },
	{ "and-mark", O_AND_MARK, false, 0, F_OP_ANY },
	{ "or-mark", O_OR_MARK, false, 0, F_OP_ANY },
	{ "xor-mark", O_XOR_MARK, false, 0, F_OP_ANY },
	{ "save-mark", O_SAVE_MARK, false, 0, F_OP_ANY },
	{ "restore-mark", O_RESTORE_MARK, false, 0, F_OP_ANY },
	{ "left-shift-mark", O_LEFT_SHIFT_MARK, false, 0, 0 },
	{ "right-shift-mark", O_RIGHT_SHIFT_MARK, false, 0, 0 },
	{ "ctmask", O_CTMASK, false, 0, F(O_MASK) },
	{ "nfmask", O_NFMASK, false, 0, F(O_MASK) },
	{ "mask", O_MASK, false, 0, F(O_CTMASK) | F(O_NFMASK) },
	{ NULL },
};

/* connmark_tg_init_v2(): the masks default to all ones. */
static void connmark_init(void *data)
{
	struct connmark_tginfo *info = data;

	info->ctmask = UINT32_MAX;
	info->nfmask = UINT32_MAX;
	info->shift_dir = SHIFT_LEFT;
	info->shift_bits = 0;
}

static int connmark_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			  bool invert, void *data)
{
	struct connmark_tginfo *info = data;
	const char *opt = connmark_opts[id].name;
	uint32_t val, mask;
	uint64_t v;

	(void)invert;
	switch (id) {
	case O_SET_XMARK:
	case O_SET_MARK:
		if (xt_parse_mark_mask(ctx, "CONNMARK", opt, arg, &val, &mask))
			return -1;
		info->mode = MODE_SET;
		info->ctmark = val;
		info->ctmask = id == O_SET_MARK ? (val | mask) : mask;
		return 0;
	case O_AND_MARK:
	case O_OR_MARK:
	case O_XOR_MARK:
		if (xt_parse_uint_opt(ctx, "CONNMARK", opt, arg, 0, UINT32_MAX,
				      &v))
			return -1;
		info->mode = MODE_SET;
		if (id == O_AND_MARK) {
			info->ctmark = 0;
			info->ctmask = ~(uint32_t)v;
		} else if (id == O_OR_MARK) {
			info->ctmark = info->ctmask = (uint32_t)v;
		} else {
			info->ctmark = (uint32_t)v;
			info->ctmask = 0;
		}
		return 0;
	case O_SAVE_MARK:
		info->mode = MODE_SAVE;
		return 0;
	case O_RESTORE_MARK:
		info->mode = MODE_RESTORE;
		return 0;
	case O_LEFT_SHIFT_MARK:
	case O_RIGHT_SHIFT_MARK:
		if (xt_parse_uint_opt(ctx, "CONNMARK", opt, arg, 0, 32, &v))
			return -1;
		info->shift_dir = id == O_LEFT_SHIFT_MARK ? SHIFT_LEFT :
							    SHIFT_RIGHT;
		info->shift_bits = (uint8_t)v;
		return 0;
	case O_CTMASK:
	case O_NFMASK:
	case O_MASK:
		if (xt_parse_uint_opt(ctx, "CONNMARK", opt, arg, 0, UINT32_MAX,
				      &v))
			return -1;
		if (id != O_NFMASK)
			info->ctmask = (uint32_t)v;
		if (id != O_CTMASK)
			info->nfmask = (uint32_t)v;
		return 0;
	}
	return xt_perr(ctx, "CONNMARK: unknown option");
}

static int connmark_final_check(struct xt_parse_ctx *ctx, unsigned seen,
				void *data)
{
	(void)data;
	if (!(seen & F_OP_ANY))
		return xt_perr(ctx, "CONNMARK target: No operation specified");
	return xt_fcheck(ctx, "CONNMARK", connmark_fcheck, seen);
}

static const char *const shift_ops[] = {
	"left-shift-mark", "right-shift-mark",
};

static void connmark_save(const void *data, const struct xt_ip *ip,
			  struct sbuf *sb)
{
	const struct connmark_tginfo *info = data;

	(void)ip;
	switch (info->mode) {
	case MODE_SET:
		sbuf_addf(sb, " --set-xmark 0x%x/0x%x", info->ctmark,
			  info->ctmask);
		break;
	case MODE_SAVE:
		sbuf_addf(sb, " --save-mark --nfmask 0x%x --ctmask 0x%x",
			  info->nfmask, info->ctmask);
		break;
	case MODE_RESTORE:
		sbuf_addf(sb, " --restore-mark --nfmask 0x%x --ctmask 0x%x",
			  info->nfmask, info->ctmask);
		break;
	default:
		sbuf_adds(sb, " ERROR: UNKNOWN CONNMARK MODE");
		break;
	}
	if (info->mode <= MODE_RESTORE && info->shift_bits)
		sbuf_addf(sb, " --%s %u", shift_ops[info->shift_dir & 1],
			  info->shift_bits);
}

static void connmark_print(const void *data, const struct xt_ip *ip,
			   bool numeric, struct sbuf *sb)
{
	const struct connmark_tginfo *info = data;

	(void)ip;
	(void)numeric;
	switch (info->mode) {
	case MODE_SET:
		if (info->ctmark == 0)
			sbuf_addf(sb, " CONNMARK and 0x%x", ~info->ctmask);
		else if (info->ctmark == info->ctmask)
			sbuf_addf(sb, " CONNMARK or 0x%x", info->ctmark);
		else if (info->ctmask == 0)
			sbuf_addf(sb, " CONNMARK xor 0x%x", info->ctmark);
		else if (info->ctmask == 0xffffffffu)
			sbuf_addf(sb, " CONNMARK set 0x%x", info->ctmark);
		else
			sbuf_addf(sb, " CONNMARK xset 0x%x/0x%x",
				  info->ctmark, info->ctmask);
		break;
	case MODE_SAVE:
		if (info->nfmask == UINT32_MAX && info->ctmask == UINT32_MAX)
			sbuf_adds(sb, " CONNMARK save");
		else if (info->nfmask == info->ctmask)
			sbuf_addf(sb, " CONNMARK save mask 0x%x",
				  info->nfmask);
		else
			sbuf_addf(sb, " CONNMARK save nfmask 0x%x ctmask "
				  "~0x%x", info->nfmask, info->ctmask);
		break;
	case MODE_RESTORE:
		if (info->ctmask == UINT32_MAX && info->nfmask == UINT32_MAX)
			sbuf_adds(sb, " CONNMARK restore");
		else if (info->ctmask == info->nfmask)
			sbuf_addf(sb, " CONNMARK restore mask 0x%x",
				  info->ctmask);
		else
			sbuf_addf(sb, " CONNMARK restore ctmask 0x%x nfmask "
				  "~0x%x", info->ctmask, info->nfmask);
		break;
	default:
		sbuf_adds(sb, " ERROR: UNKNOWN CONNMARK MODE");
		break;
	}
	if (info->mode <= MODE_RESTORE && info->shift_bits)
		sbuf_addf(sb, " %s %u", shift_ops[info->shift_dir & 1],
			  info->shift_bits);
}

/* connmark_tg_check_v2(). */
static int connmark_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct connmark_tginfo *info = data;

	if (info->shift_dir > SHIFT_RIGHT || info->shift_bits >= 32)
		return -EINVAL;
	return ctx->net ? ct_net_enable(ctx->net) : 0;
}

static uint32_t shifted(const struct connmark_tginfo *info, uint32_t v)
{
	return info->shift_dir == SHIFT_RIGHT ? v >> info->shift_bits :
						v << info->shift_bits;
}

/* Data path: connmark_tg_shift(). */
static unsigned connmark_target(struct pkt *pkt, const void *data,
				struct xt_action *act)
{
	const struct connmark_tginfo *info = data;
	struct ct_conn *ct = pkt->ct;
	uint32_t old, newmark;

	(void)act;
	if (!ct)
		return XT_CONTINUE;
	switch (info->mode) {
	case MODE_SET:
		old = atomic_load_explicit(&ct->mark, memory_order_relaxed);
		newmark = shifted(info, (old & ~info->ctmask) ^ info->ctmark);
		if (old != newmark)
			atomic_store_explicit(&ct->mark, newmark,
					      memory_order_relaxed);
		break;
	case MODE_SAVE:
		old = atomic_load_explicit(&ct->mark, memory_order_relaxed);
		newmark = (old & ~info->ctmask) ^
			  shifted(info, pkt->mark & info->nfmask);
		if (old != newmark)
			atomic_store_explicit(&ct->mark, newmark,
					      memory_order_relaxed);
		break;
	case MODE_RESTORE:
		old = atomic_load_explicit(&ct->mark, memory_order_relaxed);
		pkt->mark = (pkt->mark & ~info->nfmask) ^
			    shifted(info, old & info->ctmask);
		break;
	}
	return XT_CONTINUE;
}

/* The help text 1.8.9 prints for -h after -j CONNMARK (revision 2). */
static const char connmark_help[] =
	"CONNMARK target options:\n"
	"  --set-xmark value[/ctmask]    Zero mask bits and XOR ctmark with "
	"value\n"
	"  --save-mark [--ctmask mask] [--nfmask mask]\n"
	"                                Copy ctmark to nfmark using masks\n"
	"  --restore-mark [--ctmask mask] [--nfmask mask]\n"
	"                                Copy nfmark to ctmark using masks\n"
	"  --set-mark value[/mask]       Set conntrack mark value\n"
	"  --save-mark [--mask mask]     Save the packet nfmark in the "
	"connection\n"
	"  --restore-mark [--mask mask]  Restore saved nfmark value\n"
	"  --and-mark value              Binary AND the ctmark with bits\n"
	"  --or-mark value               Binary OR  the ctmark with bits\n"
	"  --xor-mark value              Binary XOR the ctmark with bits\n"
	"  --left-shift-mark value       Left shift the ctmark with bits\n"
	"  --right-shift-mark value      Right shift the ctmark with bits\n";

static const struct xt_ext_ops connmark_target_ops = {
	.name = "CONNMARK",
	.help = connmark_help,
	.is_target = true,
	.size = sizeof(struct connmark_tginfo),
	.opts = connmark_opts,
	.init = connmark_init,
	.parse = connmark_parse,
	.final_check = connmark_final_check,
	.save = connmark_save,
	.print = connmark_print,
	.check = connmark_check,
	.target = connmark_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&connmark_target_ops);
}
