// SPDX-License-Identifier: MIT
/*
 * The tos match (libxt_tos revision 1 + the kernel's xt_tos in xt_dscp.c):
 * (TOS byte & mask) == value, optionally inverted. --tos takes
 * value[/mask] (mask 0xff when left out) or one of the RFC 1349 names,
 * which mean value/0x3f. Parsing, save and print are control path;
 * tos_mt() is the data path and only reads the IP header.
 */
#include "xt/ext.h"

#include <netsieve/netsieve.h>
#include <strings.h>

#include "pkt/pkt.h"

enum { O_TOS };

struct tos_info {
	uint8_t value;
	uint8_t mask;
	uint8_t invert;
};

/* libxtables' tos_symbol_names, in its order. */
static const struct {
	const char *name;
	uint8_t value;
} tos_names[] = {
	{ "Minimize-Delay", 0x10 },
	{ "Maximize-Throughput", 0x08 },
	{ "Maximize-Reliability", 0x04 },
	{ "Minimize-Cost", 0x02 },
	{ "Normal-Service", 0x00 },
};

static const struct xt_option tos_opts[] = {
	{ "tos", O_TOS, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL }
};

static const struct xt_fcheck tos_fcheck[] = {
	{ "tos", O_TOS, true, 0, 0 },
	{ NULL }
};

/*
 * libxtables' XTTYPE_TOSMASK: a number that starts the argument selects
 * the numeric form, where anything but "/mask" after it is an error; else
 * the argument must be a symbolic name (case-insensitive).
 */
static int tos_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		     bool invert, void *data)
{
	struct tos_info *info = data;
	uint64_t v, m = 0xff;
	char *end;
	size_t i;

	if (!xt_strtoui(arg, &end, &v, 0, 0xff)) {
		if (*end == '/' && xt_strtoui(end + 1, &end, &m, 0, 0xff))
			return xt_perr(ctx, "Illegal value: \"%s\"", arg);
		if (*end != '\0')
			return xt_perr(ctx, "Illegal value: \"%s\"", arg);
		info->value = (uint8_t)v;
		info->mask = (uint8_t)m;
	} else {
		for (i = 0; i < ARRAY_SIZE(tos_names); i++)
			if (!strcasecmp(arg, tos_names[i].name))
				break;
		if (i == ARRAY_SIZE(tos_names))
			return xt_perr(ctx, "Symbolic name \"%s\" is unknown",
				       arg);
		info->value = tos_names[i].value;
		info->mask = 0x3f;
	}
	info->invert = invert;
	return 0;
}

static int tos_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			   void *data)
{
	return xt_fcheck(ctx, "tos", tos_fcheck, seen);
}

static void tos_save(const void *data, const struct xt_ip *ip,
		     struct sbuf *sb)
{
	const struct tos_info *info = data;

	if (info->invert)
		sbuf_adds(sb, " !");
	sbuf_addf(sb, " --tos 0x%02x/0x%02x", info->value, info->mask);
}

/* libxt_tos prints "tos match" glued to the value: "tos match0x10/0xff". */
static void tos_print(const void *data, const struct xt_ip *ip, bool numeric,
		      struct sbuf *sb)
{
	const struct tos_info *info = data;
	size_t i;

	sbuf_adds(sb, " tos match");
	if (info->invert)
		sbuf_adds(sb, "!");
	if (!numeric && info->mask == 0x3f)
		for (i = 0; i < ARRAY_SIZE(tos_names); i++)
			if (tos_names[i].value == info->value) {
				sbuf_addf(sb, " %s", tos_names[i].name);
				return;
			}
	sbuf_addf(sb, "0x%02x/0x%02x", info->value, info->mask);
}

static bool tos_mt(const struct pkt *pkt, const void *data,
		   struct xt_action *act)
{
	const struct tos_info *info = data;
	const uint8_t *ip = pkt_l3(pkt);
	uint8_t tos;

	if (pkt->family == NS_PF_INET6) {
		if (pkt->len < pkt->l3_off + 40u)
			return false;
		tos = (uint8_t)((ip[0] << 4) | (ip[1] >> 4));
	} else {
		if (pkt->len < pkt->l3_off + 20u)
			return false;
		tos = ip[1];
	}
	return ((tos & info->mask) == info->value) ^ !!info->invert;
}

/* The help text 1.8.9 prints for -h after -m tos. */
static const char tos_help[] =
	"tos match options:\n"
	"[!] --tos value[/mask]    Match Type of Service/Priority field value\n"
	"[!] --tos symbol          Match TOS field (IPv4 only) by symbol\n"
	"                          Accepted symbolic names for value are:\n"
	"                          (0x10) 16 Minimize-Delay\n"
	"                          (0x08)  8 Maximize-Throughput\n"
	"                          (0x04)  4 Maximize-Reliability\n"
	"                          (0x02)  2 Minimize-Cost\n"
	"                          (0x00)  0 Normal-Service\n"
	"\n";

static const struct xt_ext_ops tos_match = {
	.name = "tos",
	.help = tos_help,
	.size = sizeof(struct tos_info),
	.opts = tos_opts,
	.parse = tos_parse,
	.final_check = tos_final_check,
	.save = tos_save,
	.print = tos_print,
	.match = tos_mt,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&tos_match);
}
