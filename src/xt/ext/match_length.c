// SPDX-License-Identifier: MIT
/*
 * The "length" match: libxt_length's --length MIN[:MAX] with '!', its
 * save/print texts, and the kernel's length_mt() from xt_length.c (IPv4:
 * the IP header's total length). parse, save and print run on the control
 * path; match() runs on the data path and only reads the IP header.
 */
#include "xt/ext.h"

#include "base/compiler.h"
#include "pkt/pkt.h"

enum { O_LENGTH };

/* The kernel's struct xt_length_info. */
struct length_info {
	uint16_t min, max;
	uint8_t invert;
};

static const struct xt_option length_opts[] = {
	{ "length", O_LENGTH, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL },
};

/*
 * libxtables' xtopt_parse_mint() for a uint16 range: up to two numbers
 * separated by ':', an empty first one is 0, an empty second one 65535.
 */
static int length_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			bool invert, void *data)
{
	struct length_info *info = data;
	uint64_t vals[2], v;
	const char *p;
	char *end;
	unsigned n = 0;

	for (p = arg;; p = end + 1) {
		if (n == 2)
			return xt_perr(ctx, "length: Too many components for "
					    "option \"--length\" (max: 2)\n");
		if (*p == '\0' || *p == ':') {
			end = (char *)p;
			v = n == 1 ? 65535 : 0;
		} else {
			if (xt_strtoui(p, &end, &v, 0, 65535))
				return xt_perr(ctx,
					       "length: bad value for option "
					       "\"--length\" near \"%s\", or "
					       "out of range (0-65535).\n", p);
			if (*end != '\0' && *end != ':')
				return xt_perr(ctx,
					       "length: Argument to "
					       "\"--length\" has unexpected "
					       "characters near \"%s\".\n",
					       end);
		}
		vals[n++] = v;
		if (*end == '\0')
			break;
	}
	info->min = (uint16_t)vals[0];
	info->max = (uint16_t)(n >= 2 ? vals[1] : vals[0]);
	if (invert)
		info->invert = 1;
	return 0;
}

static const struct xt_fcheck length_fcheck[] = {
	{ "length", O_LENGTH, true, 0, 0 }, /* XTOPT_MAND */
	{ NULL },
};

static int length_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			      void *data)
{
	return xt_fcheck(ctx, "length", length_fcheck, seen);
}

static void add_range(struct sbuf *sb, const struct length_info *info)
{
	if (info->min == info->max)
		sbuf_addf(sb, "%u", info->min);
	else
		sbuf_addf(sb, "%u:%u", info->min, info->max);
}

static void length_save(const void *data, const struct xt_ip *ip,
			struct sbuf *sb)
{
	const struct length_info *info = data;

	if (info->invert)
		sbuf_adds(sb, " !");
	sbuf_adds(sb, " --length ");
	add_range(sb, info);
}

static void length_print(const void *data, const struct xt_ip *ip,
			 bool numeric, struct sbuf *sb)
{
	const struct length_info *info = data;

	sbuf_adds(sb, info->invert ? " length !" : " length ");
	add_range(sb, info);
}

/* Data path: length_mt(); a reversed range never matches. */
static bool length_match(const struct pkt *pkt, const void *data,
			 struct xt_action *act)
{
	const struct length_info *info = data;
	const uint8_t *iph = pkt_l3(pkt);
	uint16_t len = (uint16_t)(iph[2] << 8 | iph[3]);

	return (len >= info->min && len <= info->max) ^ info->invert;
}

/* The help text 1.8.9 prints for -h after -m length. */
static const char length_help[] =
	"length match options:\n"
	"[!] --length length[:length]    Match packet length against value or "
	"range\n"
	"                                of values (inclusive)\n";

static const struct xt_ext_ops length_match_ops = {
	.name = "length",
	.help = length_help,
	.size = sizeof(struct length_info),
	.opts = length_opts,
	.parse = length_parse,
	.final_check = length_final_check,
	.save = length_save,
	.print = length_print,
	.match = length_match,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&length_match_ops);
}
