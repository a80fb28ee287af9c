// SPDX-License-Identifier: MIT
/*
 * TOS target (libxt_TOS revision 1 + the kernel's xt_DSCP tos_tg): sets
 * the IPv4 TOS byte to (tos & ~mask) ^ value and updates the header
 * checksum incrementally. --and/--or/--xor-tos become value/mask pairs at
 * parse time; iptables-save prints --set-tos value/mask. mangle table
 * only. parse/save/print are control path; target() is data path and
 * touches only the IP header's TOS byte and checksum.
 */
#include "xt/ext.h"
#include "xt/ext/tg_util.h"

#include <strings.h>

#include "base/compiler.h"

struct tos_info {
	uint8_t value;
	uint8_t mask;
};

enum {
	O_SET_TOS = 0,
	O_AND_TOS,
	O_OR_TOS,
	O_XOR_TOS,
};

#define F_ANY ((1u << O_SET_TOS) | (1u << O_AND_TOS) | (1u << O_OR_TOS) | \
	       (1u << O_XOR_TOS))

static const struct xt_option tos_opts[] = {
	{ "set-tos", O_SET_TOS, XTO_ARG | XTO_ONCE },
	{ "and-tos", O_AND_TOS, XTO_ARG | XTO_ONCE },
	{ "or-tos", O_OR_TOS, XTO_ARG | XTO_ONCE },
	{ "xor-tos", O_XOR_TOS, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static const struct xt_fcheck tos_fcheck[] = {
	{ "set-tos", O_SET_TOS, false, 0, F_ANY },
	{ "and-tos", O_AND_TOS, false, 0, F_ANY },
	{ "or-tos", O_OR_TOS, false, 0, F_ANY },
	{ "xor-tos", O_XOR_TOS, false, 0, F_ANY },
	{ NULL },
};

/* libxtables' tos_symbol_names (RFC 1349 values). */
static const struct {
	uint8_t value;
	const char *name;
} tos_names[] = {
	{ 0x10, "Minimize-Delay" },
	{ 0x08, "Maximize-Throughput" },
	{ 0x04, "Maximize-Reliability" },
	{ 0x02, "Minimize-Cost" },
	{ 0x00, "Normal-Service" },
};

/*
 * tos_parse_symbolic(): "value[/mask]" (numbers up to 0xff, mask default
 * 0xff) or one of the names above (case-insensitive, mask 0x3f).
 */
static int tos_parse_value(struct xt_parse_ctx *ctx, const char *arg,
			   struct tos_info *info)
{
	uint64_t v = 0, m = 0xff;
	char *end;
	size_t i;

	if (!xt_strtoui(arg, &end, &v, 0, 0xff)) {
		if (*end == '/') {
			if (xt_strtoui(end + 1, &end, &m, 0, 0xff))
				goto bad;
		}
		if (*end != '\0')
			goto bad;
		info->value = (uint8_t)v;
		info->mask = (uint8_t)m;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(tos_names); i++) {
		if (!strcasecmp(arg, tos_names[i].name)) {
			info->value = tos_names[i].value;
			info->mask = 0x3f;
			return 0;
		}
	}
	return xt_perr(ctx, "Symbolic name \"%s\" is unknown", arg);
bad:
	return xt_perr(ctx, "Illegal value: \"%s\"", arg);
}

static int tos_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		     bool invert, void *data)
{
	struct tos_info *info = data;
	uint64_t v = 0;

	if (id == O_SET_TOS)
		return tos_parse_value(ctx, arg, info);
	if (xt_parse_uint_opt(ctx, "TOS", tos_opts[id].name, arg, 0, 0xff, &v))
		return -1;
	switch (id) {
	case O_AND_TOS:
		info->value = 0;
		info->mask = (uint8_t)~v;
		break;
	case O_OR_TOS:
		info->value = info->mask = (uint8_t)v;
		break;
	case O_XOR_TOS:
		info->value = (uint8_t)v;
		info->mask = 0;
		break;
	}
	return 0;
}

static int tos_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			   void *data)
{
	if (xt_fcheck(ctx, "TOS", tos_fcheck, seen))
		return -1;
	if (!(seen & F_ANY))
		return xt_perr(ctx, "TOS: An action is required");
	return 0;
}

static void tos_save(const void *data, const struct xt_ip *ip,
		     struct sbuf *sb)
{
	const struct tos_info *info = data;

	sbuf_addf(sb, " --set-tos 0x%02x/0x%02x", info->value, info->mask);
}

static void tos_print(const void *data, const struct xt_ip *ip,
		      bool numeric, struct sbuf *sb)
{
	const struct tos_info *info = data;
	size_t i;

	if (numeric) {
		sbuf_addf(sb, " TOS set 0x%02x/0x%02x", info->value,
			  info->mask);
		return;
	}
	if (info->mask == 0x3f) {
		for (i = 0; i < ARRAY_SIZE(tos_names); i++) {
			if (info->value == tos_names[i].value) {
				/* libxt_TOS prints " %s%s" with prefix
				 * " TOS set": two spaces, none before the
				 * name. Kept for byte compatibility. */
				sbuf_addf(sb, "  TOS set%s",
					  tos_names[i].name);
				return;
			}
		}
	}
	if (info->value == 0)
		sbuf_addf(sb, " TOS and 0x%02x", (uint8_t)~info->mask);
	else if (info->value == info->mask)
		sbuf_addf(sb, " TOS or 0x%02x", info->value);
	else if (info->mask == 0)
		sbuf_addf(sb, " TOS xor 0x%02x", info->value);
	else
		sbuf_addf(sb, " TOS set 0x%02x/0x%02x", info->value,
			  info->mask);
}

static unsigned tos_target(struct pkt *pkt, const void *data,
			   struct xt_action *act)
{
	const struct tos_info *info = data;
	uint8_t *iph = tgu_iph(pkt);
	uint8_t nv;

	if (!iph)
		return XT_CONTINUE;
	nv = (uint8_t)((iph[1] & ~info->mask) ^ info->value);
	tgu_set_tos(iph, 0, nv);
	return XT_CONTINUE;
}

/* The help text 1.8.9 prints for -h after -j TOS. */
static const char tos_help[] =
	"TOS target vlibxtables.so.12 options:\n"
	"  --set-tos value[/mask]  Set Type of Service/Priority field to "
	"value\n"
	"                          (Zero out bits in mask and XOR value into "
	"TOS)\n"
	"  --set-tos symbol        Set TOS field (IPv4 only) by symbol\n"
	"                          (this zeroes the 4-bit Precedence part!)\n"
	"                          Accepted symbolic names for value are:\n"
	"                            (0x10) 16 Minimize-Delay\n"
	"                            (0x08)  8 Maximize-Throughput\n"
	"                            (0x04)  4 Maximize-Reliability\n"
	"                            (0x02)  2 Minimize-Cost\n"
	"                            (0x00)  0 Normal-Service\n"
	"\n"
	"  --and-tos bits          Binary AND the TOS value with bits\n"
	"  --or-tos  bits          Binary OR the TOS value with bits\n"
	"  --xor-tos bits          Binary XOR the TOS value with bits\n";

static const struct xt_ext_ops tos_target_ops = {
	.name = "TOS",
	.help = tos_help,
	.is_target = true,
	.size = sizeof(struct tos_info),
	.opts = tos_opts,
	.parse = tos_parse,
	.final_check = tos_final_check,
	.save = tos_save,
	.print = tos_print,
	.table = "mangle",
	.target = tos_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&tos_target_ops);
}
