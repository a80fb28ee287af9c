// SPDX-License-Identifier: MIT
/*
 * The rateest match (libxt_rateest + the kernel's xt_rateest, revision
 * 0): compares the rate of a named estimator (made by a RATEEST rule, see
 * ext/rateest.c) with a given rate (absolute mode, --rateest NAME or
 * --rateest1 NAME alone) or with the rate of a second estimator (relative
 * mode, --rateest2 NAME), in bytes and/or packets per second, with
 * --rateest-lt/gt/eq (each may be inverted); --rateest-delta compares how
 * far each rate is below the given one instead. Rates parse as tc's
 * ("10mbit", "1MBps", bare numbers are bits/s) and are kept in bytes per
 * second. libxt_rateest is an old-style parser: the rate after
 * --rateest-bps1 etc. is optional, its messages are its own, and its print
 * and save forms are reproduced with their quirks (bps printed as
 * "NNNbit"/"NNNKbit"/"NNNMbit", the mode printed after the pps value in
 * print but before it in save).
 *
 * parse/final_check/save/print/check are control path; net_state_create
 * takes the estimator references at commit (the kernel's checkentry:
 * -ENOENT when a name is unknown), state_destroy drops them; match() is
 * data path and only reads the estimators.
 */
#include "xt/ext.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/compiler.h"
#include "core/net.h"
#include "pkt/pkt.h"
#include "xt/ext/rateest.h"

enum {
	MATCH_INVERT = 1 << 0,
	MATCH_ABS = 1 << 1,
	MATCH_REL = 1 << 2,
	MATCH_DELTA = 1 << 3,
	MATCH_BPS = 1 << 4,
	MATCH_PPS = 1 << 5,
};

enum { MODE_NONE, MODE_EQ, MODE_LT, MODE_GT };

/* The kernel's struct xt_rateest_match_info (user part). */
struct rateest_mt_info {
	char name1[XT_RATEEST_NAMSIZ];
	char name2[XT_RATEEST_NAMSIZ];
	uint16_t flags;
	uint16_t mode;
	uint32_t bps1, pps1, bps2, pps2;
	/* Options seen (libxt_rateest's *flags): parse-time scratch,
	 * cleared by final_check so that equal rules have equal bytes. */
	uint16_t pflags;
};

struct rateest_mt_state {
	struct xt_rateest *est1, *est2;
};

enum {
	O_RATEEST1, O_RATEEST2, O_BPS1, O_PPS1, O_BPS2, O_PPS2, O_DELTA,
	O_LT, O_GT, O_EQ,
};

#define IO (XTO_INVERT)
/* libxt_rateest's option table, aliases where it has them. */
static const struct xt_option rateest_mt_opts[] = {
	{ "rateest1", O_RATEEST1, XTO_ARG | IO },
	{ "rateest", O_RATEEST1, XTO_ARG | IO },
	{ "rateest2", O_RATEEST2, XTO_ARG | IO },
	{ "rateest-bps1", O_BPS1, XTO_OPTARG | IO },
	{ "rateest-pps1", O_PPS1, XTO_OPTARG | IO },
	{ "rateest-bps2", O_BPS2, XTO_OPTARG | IO },
	{ "rateest-pps2", O_PPS2, XTO_OPTARG | IO },
	{ "rateest-bps", O_BPS2, XTO_OPTARG | IO },
	{ "rateest-pps", O_PPS2, XTO_OPTARG | IO },
	{ "rateest-delta", O_DELTA, IO },
	{ "rateest-lt", O_LT, IO },
	{ "rateest-gt", O_GT, IO },
	{ "rateest-eq", O_EQ, IO },
	{ NULL },
};

/* iproute's rate suffixes (bits per second). */
static const struct {
	const char *name;
	double scale;
} suffixes[] = {
	{ "bit", 1. }, { "Kibit", 1024. }, { "kbit", 1000. },
	{ "Mibit", 1024. * 1024. }, { "mbit", 1000000. },
	{ "Gibit", 1024. * 1024. * 1024. }, { "gbit", 1000000000. },
	{ "Tibit", 1024. * 1024. * 1024. * 1024. },
	{ "tbit", 1000000000000. },
	{ "Bps", 8. }, { "KiBps", 8. * 1024. }, { "KBps", 8000. },
	{ "MiBps", 8. * 1024 * 1024. }, { "MBps", 8000000. },
	{ "GiBps", 8. * 1024. * 1024. * 1024. }, { "GBps", 8000000000. },
	{ "TiBps", 8. * 1024. * 1024. * 1024. * 1024. },
	{ "TBps", 8000000000000. },
};

/* (uint32_t)d as gcc does it on x86-64 (through a 64-bit integer). */
static uint32_t to_u32(double d)
{
	if (d != d || d >= 9223372036854775808.0 ||
	    d < -9223372036854775808.0)
		return 0;
	return (uint32_t)(int64_t)d;
}

/* rateest_get_rate(): bits per second in, bytes per second kept. */
static int get_rate(uint32_t *rate, const char *str)
{
	char *p;
	double bps = strtod(str, &p);
	size_t i;

	if (p == str)
		return -1;
	if (*p == '\0') {
		*rate = to_u32(bps / 8.);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
		if (!strcasecmp(suffixes[i].name, p)) {
			*rate = to_u32((bps * suffixes[i].scale) / 8.);
			return 0;
		}
	}
	return -1;
}

static int twice(struct xt_parse_ctx *ctx, struct rateest_mt_info *info,
		 int id, const char *what)
{
	if (info->pflags & (1u << id))
		return xt_perr(ctx, "rateest: can't specify %s twice", what);
	info->pflags |= (uint16_t)(1u << id);
	return 0;
}

static int rateest_mt_parse(struct xt_parse_ctx *ctx, int id,
			    const char *arg, bool invert, void *data)
{
	struct rateest_mt_info *info = data;
	uint32_t *rate = NULL;
	uint64_t v;

	switch (id) {
	case O_RATEEST1:
	case O_RATEEST2:
		if (invert)
			return xt_perr(ctx, "rateest: rateest can't be "
				       "inverted");
		if (twice(ctx, info, id, id == O_RATEEST1 ? "--rateest1" :
			  "--rateest2"))
			return -1;
		/* strncpy(name, optarg, 15) into a zeroed name. */
		strncpy(id == O_RATEEST1 ? info->name1 : info->name2, arg,
			XT_RATEEST_NAMSIZ - 1);
		if (id == O_RATEEST2)
			info->flags |= MATCH_REL;
		return 0;
	case O_BPS1:
	case O_BPS2:
		if (invert)
			return xt_perr(ctx, "rateest: rateest-bps can't be "
				       "inverted");
		if (twice(ctx, info, id, id == O_BPS1 ? "--rateest-bps1" :
			  "--rateest-bps2"))
			return -1;
		info->flags |= MATCH_BPS;
		/* The rate is optional and only needed in absolute mode. */
		if (!arg)
			return 0;
		rate = id == O_BPS1 ? &info->bps1 : &info->bps2;
		if (get_rate(rate, arg) < 0)
			return xt_perr(ctx, "rateest: could not parse rate "
				       "`%s'", arg);
		return 0;
	case O_PPS1:
	case O_PPS2:
		if (invert)
			return xt_perr(ctx, "rateest: rateest-pps can't be "
				       "inverted");
		if (twice(ctx, info, id, id == O_PPS1 ? "--rateest-pps1" :
			  "--rateest-pps2"))
			return -1;
		info->flags |= MATCH_PPS;
		if (!arg)
			return 0;
		if (xt_strtoui(arg, NULL, &v, 0, UINT32_MAX))
			return xt_perr(ctx, "rateest: could not parse pps "
				       "`%s'", arg);
		*(id == O_PPS1 ? &info->pps1 : &info->pps2) = (uint32_t)v;
		return 0;
	case O_DELTA:
		if (invert)
			return xt_perr(ctx, "rateest: rateest-delta can't be "
				       "inverted");
		if (twice(ctx, info, id, "--rateest-delta"))
			return -1;
		info->flags |= MATCH_DELTA;
		return 0;
	case O_EQ:
	case O_LT:
	case O_GT:
		if (twice(ctx, info, id, "lt/gt/eq"))
			return -1;
		info->mode = id == O_EQ ? MODE_EQ :
			     id == O_LT ? MODE_LT : MODE_GT;
		if (invert)
			info->flags |= MATCH_INVERT;
		return 0;
	}
	return xt_perr(ctx, "rateest: unknown option");
}

static int rateest_mt_final_check(struct xt_parse_ctx *ctx, unsigned seen,
				  void *data)
{
	struct rateest_mt_info *info = data;

	info->pflags = 0;
	if (!(info->flags & MATCH_REL))
		info->flags |= MATCH_ABS;
	return 0;
}

/* rateest_print_rate(): bytes/s as bits with a unit, or the number. */
static void print_rate(struct sbuf *sb, uint32_t rate, bool numeric)
{
	double tmp = (double)rate * 8;

	if (numeric)
		sbuf_addf(sb, " %u", rate);
	else if (tmp >= 1000.0 * 1000000.0)
		sbuf_addf(sb, " %.0fMbit", tmp / 1000000.0);
	else if (tmp >= 1000.0 * 1000.0)
		sbuf_addf(sb, " %.0fKbit", tmp / 1000.0);
	else
		sbuf_addf(sb, " %.0fbit", tmp);
}

/* rateest_print_mode(); mode is always set once the kernel took it. */
static void print_mode(struct sbuf *sb, const struct rateest_mt_info *info,
		       const char *prefix)
{
	static const char *const names[] = { "", "eq", "lt", "gt" };

	if (info->flags & MATCH_INVERT)
		sbuf_adds(sb, " !");
	if (info->mode >= MODE_EQ && info->mode <= MODE_GT)
		sbuf_addf(sb, " %s%s", prefix, names[info->mode]);
}

#define NAME(s) (int)sizeof(s), (s)

static void rateest_mt_print(const void *data, const struct xt_ip *ip,
			     bool numeric, struct sbuf *sb)
{
	const struct rateest_mt_info *info = data;

	sbuf_addf(sb, " rateest match %.*s", NAME(info->name1));
	if (info->flags & MATCH_DELTA)
		sbuf_adds(sb, " delta");
	if (info->flags & MATCH_BPS) {
		sbuf_adds(sb, " bps");
		if (info->flags & MATCH_DELTA)
			print_rate(sb, info->bps1, numeric);
		if (info->flags & MATCH_ABS) {
			print_rate(sb, info->bps2, numeric);
			print_mode(sb, info, "");
		}
	}
	if (info->flags & MATCH_PPS) {
		sbuf_adds(sb, " pps");
		if (info->flags & MATCH_DELTA)
			sbuf_addf(sb, " %u", info->pps1);
		if (info->flags & MATCH_ABS) {
			print_mode(sb, info, "");
			sbuf_addf(sb, " %u", info->pps2);
		}
	}
	if (info->flags & MATCH_REL) {
		print_mode(sb, info, "");
		sbuf_addf(sb, " %.*s", NAME(info->name2));
		if (info->flags & MATCH_BPS) {
			sbuf_adds(sb, " bps");
			if (info->flags & MATCH_DELTA)
				print_rate(sb, info->bps2, numeric);
		}
		if (info->flags & MATCH_PPS) {
			sbuf_adds(sb, " pps");
			if (info->flags & MATCH_DELTA)
				sbuf_addf(sb, " %u", info->pps2);
		}
	}
}

/* __rateest_save_rate(). */
static void save_rate(struct sbuf *sb, const struct rateest_mt_info *info,
		      const char *name, uint32_t r1, uint32_t r2,
		      bool numeric)
{
	if (info->flags & MATCH_DELTA) {
		sbuf_addf(sb, " --rateest-%s1", name);
		print_rate(sb, r1, numeric);
		print_mode(sb, info, "--rateest-");
		sbuf_addf(sb, " --rateest-%s2", name);
	} else {
		print_mode(sb, info, "--rateest-");
		sbuf_addf(sb, " --rateest-%s", name);
	}
	if (info->flags & (MATCH_ABS | MATCH_DELTA))
		print_rate(sb, r2, numeric);
}

static void save_rates(struct sbuf *sb, const struct rateest_mt_info *info)
{
	if (info->flags & MATCH_BPS)
		save_rate(sb, info, "bps", info->bps1, info->bps2, false);
	if (info->flags & MATCH_PPS)
		save_rate(sb, info, "pps", info->pps1, info->pps2, true);
}

static void rateest_mt_save(const void *data, const struct xt_ip *ip,
			    struct sbuf *sb)
{
	const struct rateest_mt_info *info = data;

	if (info->flags & MATCH_DELTA)
		sbuf_adds(sb, " --rateest-delta");
	if (info->flags & MATCH_REL) {
		sbuf_addf(sb, " --rateest1 %.*s", NAME(info->name1));
		save_rates(sb, info);
		sbuf_addf(sb, " --rateest2 %.*s", NAME(info->name2));
	} else {
		sbuf_addf(sb, " --rateest %.*s", NAME(info->name1));
		save_rates(sb, info);
	}
}

/* The parameter part of xt_rateest_mt_checkentry(). */
static int rateest_mt_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct rateest_mt_info *info = data;
	unsigned am = info->flags & (MATCH_ABS | MATCH_REL);

	if (am != MATCH_ABS && am != MATCH_REL)
		return -EINVAL;
	if (!(info->flags & (MATCH_BPS | MATCH_PPS)))
		return -EINVAL;
	if (info->mode < MODE_EQ || info->mode > MODE_GT)
		return -EINVAL;
	if (strnlen(info->name1, sizeof(info->name1)) >= sizeof(info->name1) ||
	    strnlen(info->name2, sizeof(info->name2)) >= sizeof(info->name2))
		return -ENAMETOOLONG;
	return 0;
}

/* The lookup part of xt_rateest_mt_checkentry(). */
static int rateest_mt_state_create(struct net *net, const void *data,
				   void **state)
{
	const struct rateest_mt_info *info = data;
	struct rateest_mt_state *st;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->est1 = xt_rateest_lookup(net, info->name1);
	if (!st->est1)
		goto err_noent;
	if (info->flags & MATCH_REL) {
		st->est2 = xt_rateest_lookup(net, info->name2);
		if (!st->est2)
			goto err_put;
	}
	*state = st;
	return 0;

err_put:
	xt_rateest_put(st->est1);
err_noent:
	free(st);
	return -ENOENT;
}

static void rateest_mt_state_destroy(void *state)
{
	struct rateest_mt_state *st = state;

	xt_rateest_put(st->est1);
	xt_rateest_put(st->est2);
	free(st);
}

/* The amount the rate is below the given one, or 0 (delta mode). */
static uint64_t below(uint32_t given, uint64_t rate)
{
	return given >= rate ? given - rate : 0;
}

static bool rateest_mt(const struct pkt *pkt, const void *data,
		       struct xt_action *act)
{
	const struct rateest_mt_info *info = data;
	const struct rateest_mt_state *st = act->state;
	struct xt_rateest_sample s = { 0, 0 };
	uint64_t bps1, bps2, pps1, pps2, now = net_now(act->net);
	bool ret = true;

	if (!st)
		return false;
	xt_rateest_read(st->est1, now, &s);
	if (info->flags & MATCH_DELTA) {
		bps1 = below(info->bps1, s.bps);
		pps1 = below(info->pps1, s.pps);
	} else {
		bps1 = s.bps;
		pps1 = s.pps;
	}
	if (info->flags & MATCH_ABS) {
		bps2 = info->bps2;
		pps2 = info->pps2;
	} else {
		s.bps = s.pps = 0;
		xt_rateest_read(st->est2, now, &s);
		if (info->flags & MATCH_DELTA) {
			bps2 = below(info->bps2, s.bps);
			pps2 = below(info->pps2, s.pps);
		} else {
			bps2 = s.bps;
			pps2 = s.pps;
		}
	}
	switch (info->mode) {
	case MODE_LT:
		if (info->flags & MATCH_BPS)
			ret &= bps1 < bps2;
		if (info->flags & MATCH_PPS)
			ret &= pps1 < pps2;
		break;
	case MODE_GT:
		if (info->flags & MATCH_BPS)
			ret &= bps1 > bps2;
		if (info->flags & MATCH_PPS)
			ret &= pps1 > pps2;
		break;
	case MODE_EQ:
		if (info->flags & MATCH_BPS)
			ret &= bps1 == bps2;
		if (info->flags & MATCH_PPS)
			ret &= pps1 == pps2;
		break;
	}
	return ret ^ !!(info->flags & MATCH_INVERT);
}

static const char rateest_mt_help[] =
	"rateest match options:\n"
	" --rateest1 name\t\tRate estimator name\n"
	" --rateest2 name\t\tRate estimator name\n"
	" --rateest-delta\t\tCompare difference(s) to given rate(s)\n"
	" --rateest-bps1 [bps]\t\tCompare bps\n"
	" --rateest-pps1 [pps]\t\tCompare pps\n"
	" --rateest-bps2 [bps]\t\tCompare bps\n"
	" --rateest-pps2 [pps]\t\tCompare pps\n"
	" [!] --rateest-lt\t\tMatch if rate is less than given "
	"rate/estimator\n"
	" [!] --rateest-gt\t\tMatch if rate is greater than given "
	"rate/estimator\n"
	" [!] --rateest-eq\t\tMatch if rate is equal to given "
	"rate/estimator\n";

static const struct xt_ext_ops rateest_match_ops = {
	.name = "rateest",
	.help = rateest_mt_help,
	.size = sizeof(struct rateest_mt_info),
	.opts = rateest_mt_opts,
	.parse = rateest_mt_parse,
	.final_check = rateest_mt_final_check,
	.save = rateest_mt_save,
	.print = rateest_mt_print,
	.check = rateest_mt_check,
	.net_state_create = rateest_mt_state_create,
	.state_destroy = rateest_mt_state_destroy,
	.match = rateest_mt,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&rateest_match_ops);
}
