// SPDX-License-Identifier: MIT
/*
 * The statistic match (libxt_statistic + the kernel's xt_statistic):
 * --mode random matches with a probability, --mode nth matches every n-th
 * packet (starting at --packet), either inverted. Parsing, save, print and
 * state_create/state_destroy are control path; statistic_mt() is the data
 * path. The nth counter lives in per-generation state (reset by every table
 * replace, as the kernel allocates it in statistic_mt_check()); the random
 * draws come from a seeded per-thread generator (statistic.h).
 */
#include "xt/ext.h"
#include "xt/ext/statistic.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include "core/net.h"
#include "pkt/pkt.h"

enum { O_MODE, O_PROBABILITY, O_EVERY, O_PACKET };

enum { STATISTIC_MODE_RANDOM, STATISTIC_MODE_NTH };
#define STATISTIC_MODE_MAX STATISTIC_MODE_NTH
#define STATISTIC_INVERT 0x1
#define STATISTIC_MASK 0x1

/*
 * struct xt_statistic_info without the kernel pointer. The union is kept:
 * libxt_statistic writes --probability and --every over each other, and
 * its final check reads them through it.
 */
struct statistic_info {
	uint16_t mode;
	uint16_t flags;
	union {
		struct {
			uint32_t probability;
		} random;
		struct {
			uint32_t every;   /* n - 1 */
			uint32_t packet;
			uint32_t count;   /* the counter's first value */
		} nth;
	} u;
};

struct statistic_state {
	uint32_t count;
};

static const struct xt_option statistic_opts[] = {
	{ "mode", O_MODE, XTO_ARG | XTO_ONCE },
	{ "probability", O_PROBABILITY, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "every", O_EVERY, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "packet", O_PACKET, XTO_ARG | XTO_ONCE },
	{ NULL }
};

static const struct xt_fcheck statistic_fcheck[] = {
	{ "mode", O_MODE, true, 0, 0 },
	{ "probability", O_PROBABILITY, false, 0,
	  (1u << O_EVERY) | (1u << O_PACKET) },
	{ "every", O_EVERY, false, 1u << O_PACKET, 0 },
	{ "packet", O_PACKET, false, 1u << O_EVERY, 0 },
	{ NULL }
};

/* ---- random source ---- */

static uint64_t rnd_seed;
static uint32_t rnd_epoch = 1;   /* bumped by every xt_statistic_seed() */
static __thread uint64_t rnd_state;
static __thread uint32_t rnd_thread_epoch;

void xt_statistic_seed(uint64_t seed)
{
	__atomic_store_n(&rnd_seed, seed, __ATOMIC_RELAXED);
	__atomic_add_fetch(&rnd_epoch, 1, __ATOMIC_RELEASE);
}

/* splitmix64: small, fast, and good enough for sampling packets. */
uint32_t xt_statistic_random_u32(void)
{
	uint32_t epoch = __atomic_load_n(&rnd_epoch, __ATOMIC_ACQUIRE);
	uint64_t z;

	if (unlikely(rnd_thread_epoch != epoch)) {
		rnd_state = __atomic_load_n(&rnd_seed, __ATOMIC_RELAXED) ^
			    ((uint64_t)ns_worker_id * 0xd1b54a32d192ed03ull);
		rnd_thread_epoch = epoch;
	}
	z = (rnd_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (uint32_t)(z >> 32);
}

/* ---- tool side ---- */

static int statistic_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			   bool invert, void *data)
{
	struct statistic_info *info = data;
	uint64_t v;
	double d;
	char *end;

	if (invert)
		info->flags |= STATISTIC_INVERT;
	switch (id) {
	case O_MODE:
		if (!strcmp(arg, "random"))
			info->mode = STATISTIC_MODE_RANDOM;
		else if (!strcmp(arg, "nth"))
			info->mode = STATISTIC_MODE_NTH;
		else
			return xt_perr(ctx, "Bad mode \"%s\"", arg);
		break;
	case O_PROBABILITY:
		/* libxtables' XTTYPE_DOUBLE with min 0, max 1. */
		d = strtod(arg, &end);
		if (end == arg || *end != '\0' || d < 0 || d > 1)
			return xt_perr(ctx,
				       "statistic: bad value for option \"--probability\", or out of range (0-1).\n");
		/* lround(NaN) is LONG_MIN on x86-64: 0 once cut to 32 bits. */
		info->u.random.probability =
			isnan(d) ? 0 : (uint32_t)lround(0x80000000 * d);
		break;
	case O_EVERY:
		if (xt_parse_uint_opt(ctx, "statistic", "every", arg, 1,
				      UINT32_MAX, &v))
			return -1;
		info->u.nth.every = (uint32_t)v - 1;
		break;
	case O_PACKET:
		if (xt_parse_uint_opt(ctx, "statistic", "packet", arg, 0,
				      UINT32_MAX, &v))
			return -1;
		info->u.nth.packet = (uint32_t)v;
		break;
	}
	return 0;
}

/* libxt_statistic's own check first, then libxtables' generic one. */
static int statistic_final_check(struct xt_parse_ctx *ctx, unsigned seen,
				 void *data)
{
	struct statistic_info *info = data;

	if (info->mode == STATISTIC_MODE_RANDOM &&
	    !(seen & (1u << O_PROBABILITY)))
		return xt_perr(ctx, "--probability must be specified when "
			       "using random mode");
	if (info->mode == STATISTIC_MODE_NTH &&
	    !(seen & ((1u << O_EVERY) | (1u << O_PACKET))))
		return xt_perr(ctx, "--every and --packet must be specified "
			       "when using nth mode");
	/* at this point, u.nth.every has been decreased. */
	if (info->u.nth.packet > info->u.nth.every)
		return xt_perr(ctx, "the --packet p must be 0 <= p <= n-1");
	info->u.nth.count = info->u.nth.every - info->u.nth.packet;
	return xt_fcheck(ctx, "statistic", statistic_fcheck, seen);
}

static void print_match(const struct statistic_info *info,
			const char *prefix, struct sbuf *sb)
{
	const char *inv = (info->flags & STATISTIC_INVERT) ? " !" : "";

	switch (info->mode) {
	case STATISTIC_MODE_RANDOM:
		sbuf_addf(sb, " %smode random%s %sprobability %.11f", prefix,
			  inv, prefix,
			  1.0 * info->u.random.probability / 0x80000000);
		break;
	case STATISTIC_MODE_NTH:
		sbuf_addf(sb, " %smode nth%s %severy %u", prefix, inv, prefix,
			  info->u.nth.every + 1);
		if (info->u.nth.packet || *prefix)
			sbuf_addf(sb, " %spacket %u", prefix,
				  info->u.nth.packet);
		break;
	}
}

static void statistic_save(const void *data, const struct xt_ip *ip,
			   struct sbuf *sb)
{
	print_match(data, "--", sb);
}

static void statistic_print(const void *data, const struct xt_ip *ip,
			    bool numeric, struct sbuf *sb)
{
	sbuf_adds(sb, " statistic");
	print_match(data, "", sb);
}

/* ---- kernel side ---- */

static int statistic_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct statistic_info *info = data;

	if (info->mode > STATISTIC_MODE_MAX || info->flags & ~STATISTIC_MASK)
		return -EINVAL;
	return 0;
}

static int statistic_state_create(const void *data, void **state)
{
	const struct statistic_info *info = data;
	struct statistic_state *st;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->count = info->u.nth.count;
	*state = st;
	return 0;
}

static void statistic_state_destroy(void *state)
{
	free(state);
}

static bool statistic_mt(const struct pkt *pkt, const void *data,
			 struct xt_action *act)
{
	const struct statistic_info *info = data;
	struct statistic_state *st = act->state;
	bool ret = info->flags & STATISTIC_INVERT;
	uint32_t oval, nval;

	switch (info->mode) {
	case STATISTIC_MODE_RANDOM:
		if ((xt_statistic_random_u32() & 0x7FFFFFFF) <
		    info->u.random.probability)
			ret = !ret;
		break;
	case STATISTIC_MODE_NTH:
		if (!st)
			return false;
		oval = __atomic_load_n(&st->count, __ATOMIC_RELAXED);
		do {
			nval = (oval == info->u.nth.every) ? 0 : oval + 1;
		} while (!__atomic_compare_exchange_n(&st->count, &oval, nval,
						      false, __ATOMIC_ACQ_REL,
						      __ATOMIC_RELAXED));
		if (nval == 0)
			ret = !ret;
		break;
	}
	return ret;
}

/* The help text 1.8.9 prints for -h after -m statistic. */
static const char statistic_help[] =
	"statistic match options:\n"
	" --mode mode                    Match mode (random, nth)\n"
	" random mode:\n"
	"[!] --probability p\t\t Probability\n"
	" nth mode:\n"
	"[!] --every n\t\t\t Match every nth packet\n"
	" --packet p\t\t\t Initial counter value (0 <= p <= n-1, default 0)\n";

static const struct xt_ext_ops statistic_match = {
	.name = "statistic",
	.help = statistic_help,
	.size = sizeof(struct statistic_info),
	.opts = statistic_opts,
	.parse = statistic_parse,
	.final_check = statistic_final_check,
	.save = statistic_save,
	.print = statistic_print,
	.check = statistic_check,
	.state_create = statistic_state_create,
	.state_destroy = statistic_state_destroy,
	.match = statistic_mt,
};

static void NS_CONSTRUCTOR reg(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&seed;
	rnd_seed = seed;
	xt_ext_register(&statistic_match);
}
