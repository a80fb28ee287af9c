// SPDX-License-Identifier: MIT
/*
 * The limit match (libxt_limit + the kernel's xt_limit): a token bucket
 * counted in the kernel's units. The rate is kept as the time between
 * packets in 1/XT_LIMIT_SCALE seconds (avg); the bucket holds "credits",
 * CREDITS_PER_JIFFY of which arrive every jiffy, and a packet costs
 * user2credits(avg). Time is net_now(net) cut into jiffies of this kernel's
 * HZ (250, CONFIG_HZ of the reference machine).
 *
 * Parsing, save, print, check and state_create/state_destroy are control
 * path. The bucket is per ruleset generation: state_create() fills it, as
 * the kernel's limit_mt_check() does on every table replace. limit_mt() is
 * the data path: lock-free like the kernel's (xchg on prev, cmpxchg on
 * credit), so several workers may share one rule's bucket.
 */
#include "xt/ext.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/net.h"
#include "pkt/pkt.h"

#define XT_LIMIT_SCALE 10000u
#define XT_LIMIT_AVG "3/hour"
#define XT_LIMIT_BURST 5u

/* CONFIG_HZ of the kernel netsieve follows (/proc/config.gz: CONFIG_HZ=250). */
#define LIMIT_HZ 250u
#define LIMIT_NSEC_PER_JIFFY (1000000000ull / LIMIT_HZ)

/* The kernel's CREDITS_PER_JIFFY: the power of two below MAX_CPJ. */
#define MAX_CPJ (0xFFFFFFFFu / (LIMIT_HZ * 60 * 60 * 24))
#define _POW2_BELOW2(x) ((x) | ((x) >> 1))
#define _POW2_BELOW4(x) (_POW2_BELOW2(x) | _POW2_BELOW2((x) >> 2))
#define _POW2_BELOW8(x) (_POW2_BELOW4(x) | _POW2_BELOW4((x) >> 4))
#define _POW2_BELOW16(x) (_POW2_BELOW8(x) | _POW2_BELOW8((x) >> 8))
#define _POW2_BELOW32(x) (_POW2_BELOW16(x) | _POW2_BELOW16((x) >> 16))
#define POW2_BELOW32(x) ((_POW2_BELOW32(x) >> 1) + 1)
#define CREDITS_PER_JIFFY POW2_BELOW32(MAX_CPJ)

/* prev before the first packet: the bucket starts full at that moment. */
#define LIMIT_PREV_UNSET ULONG_MAX

enum { O_LIMIT, O_BURST };

/* struct xt_rateinfo's user part. */
struct limit_info {
	uint32_t avg;    /* period between packets, 1/XT_LIMIT_SCALE s */
	uint32_t burst;
};

/* struct xt_limit_priv plus the credit_cap/cost the kernel derives. */
struct limit_state {
	unsigned long prev;  /* jiffies of the last refill */
	uint32_t credit;
	uint32_t credit_cap;
	uint32_t cost;
};

static const struct xt_option limit_opts[] = {
	{ "limit", O_LIMIT, XTO_ARG | XTO_ONCE },
	{ "limit-burst", O_BURST, XTO_ARG | XTO_ONCE },
	{ NULL }
};

static const struct {
	const char *name;
	uint32_t mult;
} rates[] = {
	{ "day", XT_LIMIT_SCALE * 24 * 60 * 60 },
	{ "hour", XT_LIMIT_SCALE * 60 * 60 },
	{ "min", XT_LIMIT_SCALE * 60 },
	{ "sec", XT_LIMIT_SCALE },
};

/*
 * libxt_limit's parse_rate(): "N[/unit]", the unit any prefix of second,
 * minute, hour or day (case-insensitive), N read by atoi() (so "5x/sec" is
 * 5 and "-5/sec" a huge number). Returns 1 and *val, 0 for a bad rate, or
 * -1 when the rate is too fast to express (*val would be 0).
 */
static int parse_rate(const char *rate, uint32_t *val)
{
	const char *delim = strchr(rate, '/');
	uint32_t mult = 1;
	uint32_t r;
	size_t n;

	if (delim) {
		n = strlen(delim + 1);
		if (n == 0)
			return 0;
		if (!strncasecmp(delim + 1, "second", n))
			mult = 1;
		else if (!strncasecmp(delim + 1, "minute", n))
			mult = 60;
		else if (!strncasecmp(delim + 1, "hour", n))
			mult = 60 * 60;
		else if (!strncasecmp(delim + 1, "day", n))
			mult = 24 * 60 * 60;
		else
			return 0;
	}
	r = (uint32_t)atoi(rate);
	if (!r)
		return 0;
	*val = XT_LIMIT_SCALE * mult / r;
	if (*val == 0)
		return -1;
	return 1;
}

static void limit_init(void *data)
{
	struct limit_info *info = data;

	parse_rate(XT_LIMIT_AVG, &info->avg);
	info->burst = XT_LIMIT_BURST;
}

static int limit_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		       bool invert, void *data)
{
	struct limit_info *info = data;
	uint64_t v;
	int ret;

	switch (id) {
	case O_LIMIT:
		ret = parse_rate(arg, &info->avg);
		if (ret < 0)
			return xt_perr(ctx, "Rate too fast \"%s\"", arg);
		if (ret == 0)
			return xt_perr(ctx, "bad rate \"%s\"'", arg);
		break;
	case O_BURST:
		if (xt_parse_uint_opt(ctx, "limit", "limit-burst", arg, 0,
				      10000, &v))
			return -1;
		info->burst = (uint32_t)v;
		break;
	}
	return 0;
}

/* libxt_limit's print_rate(): the largest unit that shows it exactly enough. */
static void print_rate(uint32_t period, struct sbuf *sb)
{
	size_t i;

	if (period == 0) {
		sbuf_addf(sb, " %f", INFINITY);
		return;
	}
	for (i = 1; i < ARRAY_SIZE(rates); i++)
		if (period > rates[i].mult ||
		    rates[i].mult / period < rates[i].mult % period)
			break;
	sbuf_addf(sb, " %u/%s", rates[i - 1].mult / period, rates[i - 1].name);
}

static void limit_save(const void *data, const struct xt_ip *ip,
		       struct sbuf *sb)
{
	const struct limit_info *info = data;

	sbuf_adds(sb, " --limit");
	print_rate(info->avg, sb);
	if (info->burst != XT_LIMIT_BURST)
		sbuf_addf(sb, " --limit-burst %u", info->burst);
}

static void limit_print(const void *data, const struct xt_ip *ip,
			bool numeric, struct sbuf *sb)
{
	const struct limit_info *info = data;

	sbuf_adds(sb, " limit: avg");
	print_rate(info->avg, sb);
	sbuf_addf(sb, " burst %u", info->burst);
}

/* The kernel's user2credits(), in its u32 arithmetic. */
static uint32_t user2credits(uint32_t user)
{
	/* If multiplying would overflow... */
	if (user > 0xFFFFFFFFu / (LIMIT_HZ * CREDITS_PER_JIFFY))
		/* Divide first. */
		return (user / XT_LIMIT_SCALE) * LIMIT_HZ * CREDITS_PER_JIFFY;
	return (user * LIMIT_HZ * CREDITS_PER_JIFFY) / XT_LIMIT_SCALE;
}

/* The kernel's limit_mt_check() overflow test (avg * burst is u32). */
static int limit_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct limit_info *info = data;

	if (info->burst == 0 ||
	    user2credits(info->avg * info->burst) < user2credits(info->avg)) {
		if (ctx->msg)
			sbuf_addf(ctx->msg,
				  "xt_limit: Overflow, try lower: %u/%u",
				  info->avg, info->burst);
		return -ERANGE;
	}
	return 0;
}

static int limit_state_create(const void *data, void **state)
{
	const struct limit_info *info = data;
	struct limit_state *st;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->prev = LIMIT_PREV_UNSET;
	st->credit = user2credits(info->avg * info->burst); /* Credits full. */
	st->credit_cap = st->credit;
	st->cost = user2credits(info->avg);
	*state = st;
	return 0;
}

static void limit_state_destroy(void *state)
{
	free(state);
}

/*
 * The kernel's limit_mt(), including its u32 wrap of the credit increase
 * after very long idle periods (2^32 / CREDITS_PER_JIFFY jiffies).
 */
static bool limit_mt(const struct pkt *pkt, const void *data,
		     struct xt_action *act)
{
	struct limit_state *st = act->state;
	unsigned long now, prev;
	uint32_t old_credit, new_credit, credit_increase = 0;
	bool ret;

	if (!st)
		return false;
	now = (unsigned long)(net_now(act->net) / LIMIT_NSEC_PER_JIFFY);
	prev = __atomic_load_n(&st->prev, __ATOMIC_RELAXED);
	if (prev == LIMIT_PREV_UNSET)
		__atomic_compare_exchange_n(&st->prev, &prev, now, false,
					    __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);

	/* fastpath if there is nothing to update */
	if (__atomic_load_n(&st->credit, __ATOMIC_RELAXED) < st->cost &&
	    __atomic_load_n(&st->prev, __ATOMIC_RELAXED) == now)
		return false;

	do {
		prev = __atomic_exchange_n(&st->prev, now, __ATOMIC_ACQ_REL);
		credit_increase += (uint32_t)((now - prev) * CREDITS_PER_JIFFY);
		old_credit = __atomic_load_n(&st->credit, __ATOMIC_RELAXED);
		new_credit = old_credit;
		new_credit += credit_increase;
		if (new_credit > st->credit_cap)
			new_credit = st->credit_cap;
		if (new_credit >= st->cost) {
			ret = true;
			new_credit -= st->cost;
		} else {
			ret = false;
		}
	} while (!__atomic_compare_exchange_n(&st->credit, &old_credit,
					      new_credit, false,
					      __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return ret;
}

/* The help text 1.8.9 prints for -h after -m limit. */
static const char limit_help[] =
	"limit match options:\n"
	"--limit avg\t\t\tmax average match rate: default 3/hour\n"
	"                                [Packets per second unless followed "
	"by \n"
	"                                /sec /minute /hour /day postfixes]\n"
	"--limit-burst number\t\tnumber to match in a burst, default 5\n";

static const struct xt_ext_ops limit_match = {
	.name = "limit",
	.help = limit_help,
	.size = sizeof(struct limit_info),
	.opts = limit_opts,
	.init = limit_init,
	.parse = limit_parse,
	.save = limit_save,
	.print = limit_print,
	.check = limit_check,
	.state_create = limit_state_create,
	.state_destroy = limit_state_destroy,
	.match = limit_mt,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&limit_match);
}
