// SPDX-License-Identifier: MIT
/*
 * RATEEST target (libxt_RATEEST + the kernel's xt_RATEEST, revision 0):
 * counts each packet's bytes into the named rate estimator
 * (--rateest-name) and lets it continue. The estimator is made by the
 * first rule that names it, with the interval and averaging time constant
 * given in seconds, milliseconds or microseconds and turned into the
 * kernel's interval (-2..3, 250 ms << (interval + 2)) and ewma_log exactly
 * as libxt_RATEEST does; later rules naming it must give the same values.
 * Estimators live in the namespace (ext/rateest.c) and are shared with the
 * rateest match. Valid in every table and chain.
 *
 * parse/final_check/save/print are control path; net_state_create takes
 * the estimator reference at commit (the kernel's checkentry) and
 * state_destroy drops it; target() is data path and touches only the
 * estimator's counters.
 */
#include "xt/ext.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/compiler.h"
#include "core/net.h"
#include "pkt/pkt.h"
#include "xt/ext/rateest.h"

#define TIME_UNITS_PER_SEC 1000000u      /* iproute's microseconds */

struct rateest_tg_info {
	char name[XT_RATEEST_NAMSIZ];
	int8_t interval;
	uint8_t ewma_log;
	/*
	 * libxt_RATEEST's udata (the times as given, in microseconds):
	 * parse-time scratch, cleared by final_check so that equal rules
	 * have equal bytes.
	 */
	uint32_t u_interval;
	uint32_t u_ewma_log;
};

enum { O_NAME = 0, O_INTERVAL, O_EWMALOG };

static const struct xt_option rateest_tg_opts[] = {
	{ "rateest-name", O_NAME, XTO_ARG | XTO_ONCE },
	{ "rateest-interval", O_INTERVAL, XTO_ARG | XTO_ONCE },
	{ "rateest-ewmalog", O_EWMALOG, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static const struct xt_fcheck rateest_tg_fcheck[] = {
	{ "rateest-name", O_NAME, true, 0, 0 },
	{ "rateest-interval", O_INTERVAL, true, 0, 0 },
	{ "rateest-ewmalog", O_EWMALOG, true, 0, 0 },
	{ NULL },
};

/* (unsigned int)t as gcc does it on x86-64 (through a 64-bit integer). */
static uint32_t to_uint(double t)
{
	if (isnan(t) || t >= 9223372036854775808.0 ||
	    t < -9223372036854775808.0)
		return 0;
	return (uint32_t)(int64_t)t;
}

/* RATEEST_get_time(): a number with an optional s/ms/us unit. */
static int get_time(uint32_t *time, const char *str)
{
	double t;
	char *p;

	t = strtod(str, &p);
	if (p == str)
		return -1;
	if (*p) {
		if (!strcasecmp(p, "s") || !strcasecmp(p, "sec") ||
		    !strcasecmp(p, "secs"))
			t *= TIME_UNITS_PER_SEC;
		else if (!strcasecmp(p, "ms") || !strcasecmp(p, "msec") ||
			 !strcasecmp(p, "msecs"))
			t *= TIME_UNITS_PER_SEC / 1000;
		else if (!strcasecmp(p, "us") || !strcasecmp(p, "usec") ||
			 !strcasecmp(p, "usecs"))
			t *= TIME_UNITS_PER_SEC / 1000000;
		else
			return -1;
	}
	*time = to_uint(t);
	return 0;
}

static int rateest_tg_parse(struct xt_parse_ctx *ctx, int id,
			    const char *arg, bool invert, void *data)
{
	struct rateest_tg_info *info = data;
	size_t n;

	switch (id) {
	case O_NAME:
		/* XTOPT_PUT into name[16]: what fits, silently. */
		n = strlen(arg);
		if (n >= sizeof(info->name))
			n = sizeof(info->name) - 1;
		memset(info->name, 0, sizeof(info->name));
		memcpy(info->name, arg, n);
		return 0;
	case O_INTERVAL:
		if (get_time(&info->u_interval, arg) < 0)
			return xt_perr(ctx, "RATEEST: bad interval value "
				       "\"%s\"", arg);
		return 0;
	case O_EWMALOG:
		if (get_time(&info->u_ewma_log, arg) < 0)
			return xt_perr(ctx, "RATEEST: bad ewmalog value "
				       "\"%s\"", arg);
		return 0;
	}
	return xt_perr(ctx, "RATEEST: unknown option");
}

/* RATEEST_final_check(), then libxtables' mandatory options. */
static int rateest_tg_final_check(struct xt_parse_ctx *ctx, unsigned seen,
				  void *data)
{
	struct rateest_tg_info *info = data;
	uint32_t uint_ = info->u_interval, uewma = info->u_ewma_log;
	int interval;
	unsigned e;

	info->u_interval = info->u_ewma_log = 0;
	for (interval = 0; interval <= 5; interval++)
		if (uint_ <= (1u << interval) * (TIME_UNITS_PER_SEC / 4))
			break;
	if (interval > 5)
		return xt_perr(ctx, "RATEEST: interval value is too large");
	info->interval = (int8_t)(interval - 2);

	for (e = 1; e < 32; e++) {
		/* 1 << 31 is INT_MIN in libxt_RATEEST's int arithmetic. */
		double w = 1.0 - 1.0 / (double)(int32_t)(1u << e);

		if ((double)uint_ / (-log(w)) > (double)uewma)
			break;
	}
	e--;
	if (e == 0 || e >= 31)
		return xt_perr(ctx, "RATEEST: ewmalog value is out of range");
	info->ewma_log = (uint8_t)e;
	return xt_fcheck(ctx, "RATEEST", rateest_tg_fcheck, seen);
}

/* RATEEST_print_time(). */
static void print_time(struct sbuf *sb, uint32_t time)
{
	double tmp = time;

	if (tmp >= TIME_UNITS_PER_SEC)
		sbuf_addf(sb, " %.1fs", tmp / TIME_UNITS_PER_SEC);
	else if (tmp >= TIME_UNITS_PER_SEC / 1000)
		sbuf_addf(sb, " %.1fms", tmp / (TIME_UNITS_PER_SEC / 1000));
	else
		sbuf_addf(sb, " %uus", time);
}

static void rateest_tg_out(const struct rateest_tg_info *info,
			   const char *prefix, struct sbuf *sb)
{
	/* Unsigned int arithmetic, wrapping as libxt_RATEEST's does. */
	uint32_t ival = (uint32_t)(TIME_UNITS_PER_SEC <<
				   (info->interval + 2)) / 4;
	uint32_t ewma = ival * (uint32_t)(1u << info->ewma_log);

	sbuf_addf(sb, " %sname %.*s", prefix, (int)sizeof(info->name),
		  info->name);
	sbuf_addf(sb, " %sinterval", prefix);
	print_time(sb, ival);
	sbuf_addf(sb, " %sewmalog", prefix);
	print_time(sb, ewma);
}

static void rateest_tg_save(const void *data, const struct xt_ip *ip,
			    struct sbuf *sb)
{
	rateest_tg_out(data, "--rateest-", sb);
}

static void rateest_tg_print(const void *data, const struct xt_ip *ip,
			     bool numeric, struct sbuf *sb)
{
	rateest_tg_out(data, "", sb);
}

/* xt_rateest_tg_checkentry(): find or make the estimator. */
static int rateest_tg_state_create(struct net *net, const void *data,
				   void **state)
{
	const struct rateest_tg_info *info = data;
	struct xt_rateest *est;
	int err;

	err = xt_rateest_get(net, info->name, info->interval, info->ewma_log,
			     &est);
	if (err)
		return err;
	*state = est;
	return 0;
}

static void rateest_tg_state_destroy(void *state)
{
	xt_rateest_put(state);
}

static unsigned rateest_tg_target(struct pkt *pkt, const void *data,
				  struct xt_action *act)
{
	struct xt_rateest *est = act->state;

	if (est)
		xt_rateest_count(est, pkt_l3_len(pkt), net_now(act->net));
	return XT_CONTINUE;
}

static const char rateest_tg_help[] =
	"RATEEST target options:\n"
	"  --rateest-name name\t\tRate estimator name\n"
	"  --rateest-interval sec\tRate measurement interval in seconds\n"
	"  --rateest-ewmalog value\tRate measurement averaging time "
	"constant\n";

static const struct xt_ext_ops rateest_target_ops = {
	.name = "RATEEST",
	.help = rateest_tg_help,
	.is_target = true,
	.size = sizeof(struct rateest_tg_info),
	.opts = rateest_tg_opts,
	.parse = rateest_tg_parse,
	.final_check = rateest_tg_final_check,
	.save = rateest_tg_save,
	.print = rateest_tg_print,
	.net_state_create = rateest_tg_state_create,
	.state_destroy = rateest_tg_state_destroy,
	.target = rateest_tg_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&rateest_target_ops);
}
