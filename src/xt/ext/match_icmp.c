// SPDX-License-Identifier: MIT
/*
 * The "icmp" match: libipt_icmp's --icmp-type (names and aliases as
 * iptables knows them, prefixes, "any", TYPE[/CODE[:CODE]]) and its
 * save/print texts, plus the kernel's icmp_match() from ip_tables.c. parse,
 * save and print run on the control path; match() runs on the data path
 * and only reads the packet.
 */
#include "xt/ext.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "base/compiler.h"
#include "pkt/pkt.h"

#define ICMP_INV 0x01 /* IPT_ICMP_INV */

enum { O_ICMP_TYPE };

/* The kernel's struct ipt_icmp. */
struct icmp_info {
	uint8_t type;     /* 0xFF: any */
	uint8_t code[2];  /* range */
	uint8_t invflags;
};

static const struct xt_option icmp_opts[] = {
	{ "icmp-type", O_ICMP_TYPE, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL },
};

/* iptables' table, in its order: parse and print depend on the order. */
static const struct icmp_name {
	const char *name;
	uint8_t type;
	uint8_t code_min, code_max;
} icmp_codes[] = {
	{ "any", 0xFF, 0, 0xFF },
	{ "echo-reply", 0, 0, 0xFF },
	{ "pong", 0, 0, 0xFF },
	{ "destination-unreachable", 3, 0, 0xFF },
	{ "network-unreachable", 3, 0, 0 },
	{ "host-unreachable", 3, 1, 1 },
	{ "protocol-unreachable", 3, 2, 2 },
	{ "port-unreachable", 3, 3, 3 },
	{ "fragmentation-needed", 3, 4, 4 },
	{ "source-route-failed", 3, 5, 5 },
	{ "network-unknown", 3, 6, 6 },
	{ "host-unknown", 3, 7, 7 },
	{ "network-prohibited", 3, 9, 9 },
	{ "host-prohibited", 3, 10, 10 },
	{ "TOS-network-unreachable", 3, 11, 11 },
	{ "TOS-host-unreachable", 3, 12, 12 },
	{ "communication-prohibited", 3, 13, 13 },
	{ "host-precedence-violation", 3, 14, 14 },
	{ "precedence-cutoff", 3, 15, 15 },
	{ "source-quench", 4, 0, 0xFF },
	{ "redirect", 5, 0, 0xFF },
	{ "network-redirect", 5, 0, 0 },
	{ "host-redirect", 5, 1, 1 },
	{ "TOS-network-redirect", 5, 2, 2 },
	{ "TOS-host-redirect", 5, 3, 3 },
	{ "echo-request", 8, 0, 0xFF },
	{ "ping", 8, 0, 0xFF },
	{ "router-advertisement", 9, 0, 0xFF },
	{ "router-solicitation", 10, 0, 0xFF },
	{ "time-exceeded", 11, 0, 0xFF },
	{ "ttl-exceeded", 11, 0, 0xFF },
	{ "ttl-zero-during-transit", 11, 0, 0 },
	{ "ttl-zero-during-reassembly", 11, 1, 1 },
	{ "parameter-problem", 12, 0, 0xFF },
	{ "ip-header-bad", 12, 0, 0 },
	{ "required-option-missing", 12, 1, 1 },
	{ "timestamp-request", 13, 0, 0xFF },
	{ "timestamp-reply", 14, 0, 0xFF },
	{ "address-mask-request", 17, 0, 0xFF },
	{ "address-mask-reply", 18, 0, 0xFF },
};

static void icmp_init(void *data)
{
	struct icmp_info *info = data;

	info->code[1] = 0xFF;
}

/* TYPE[/CODE[:CODE]], numbers as libxtables reads them (base 0). */
static int parse_numeric(struct xt_parse_ctx *ctx, const char *arg,
			 struct icmp_info *info)
{
	uint64_t v;
	char *end;

	if (xt_strtoui(arg, &end, &v, 0, 255))
		return xt_perr(ctx, "Unknown ICMP type `%s'", arg);
	info->type = (uint8_t)v;
	info->code[0] = 0;
	info->code[1] = 0xFF;
	if (*end == ':')
		return xt_perr(ctx, "ICMP type range not supported");
	if (*end == '/') {
		if (xt_strtoui(end + 1, &end, &v, 0, 255))
			return xt_perr(ctx, "Unknown ICMP code `%s'", arg);
		info->code[0] = info->code[1] = (uint8_t)v;
		if (*end == ':') {
			if (xt_strtoui(end + 1, &end, &v, 0, 255))
				return xt_perr(ctx, "Unknown ICMP code `%s'",
					       arg);
			info->code[1] = (uint8_t)v;
		}
	}
	if (*end != '\0')
		return xt_perr(ctx, "unknown character %c", *end);
	return 0;
}

static int icmp_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		      bool invert, void *data)
{
	struct icmp_info *info = data;
	size_t i, match = ARRAY_SIZE(icmp_codes), len = strlen(arg);

	/* Any unambiguous prefix of a name, case-insensitive. */
	for (i = 0; i < ARRAY_SIZE(icmp_codes); i++) {
		if (strncasecmp(icmp_codes[i].name, arg, len))
			continue;
		if (match != ARRAY_SIZE(icmp_codes))
			return xt_perr(ctx, "Ambiguous ICMP type `%s': `%s' or "
					    "`%s'?", arg,
				       icmp_codes[match].name,
				       icmp_codes[i].name);
		match = i;
	}
	if (match != ARRAY_SIZE(icmp_codes)) {
		info->type = icmp_codes[match].type;
		info->code[0] = icmp_codes[match].code_min;
		info->code[1] = icmp_codes[match].code_max;
	} else if (parse_numeric(ctx, arg, info)) {
		return -1;
	}
	if (invert)
		info->invflags |= ICMP_INV;
	return 0;
}

static const struct xt_fcheck icmp_fcheck[] = {
	{ "icmp-type", O_ICMP_TYPE, true, 0, 0 }, /* XTOPT_MAND */
	{ NULL },
};

static int icmp_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			    void *data)
{
	return xt_fcheck(ctx, "icmp", icmp_fcheck, seen);
}

static void icmp_save(const void *data, const struct xt_ip *ip,
		      struct sbuf *sb)
{
	const struct icmp_info *info = data;
	bool all_codes = info->code[0] == 0 && info->code[1] == 0xFF;

	if (info->invflags & ICMP_INV)
		sbuf_adds(sb, " !");
	/* iptables >= 1.8.11: "255/255" is not "any" (libipt_icmp.t). */
	if (info->type == 0xFF && all_codes) {
		sbuf_adds(sb, " --icmp-type any");
		return;
	}
	sbuf_addf(sb, " --icmp-type %u", info->type);
	/* Only the first code of a range is saved, as iptables does. */
	if (!all_codes)
		sbuf_addf(sb, "/%u", info->code[0]);
}

static void icmp_print(const void *data, const struct xt_ip *ip,
		       bool numeric, struct sbuf *sb)
{
	const struct icmp_info *info = data;
	bool inv = info->invflags & ICMP_INV;
	size_t i;

	sbuf_adds(sb, " icmp");
	if (!numeric) {
		for (i = 0; i < ARRAY_SIZE(icmp_codes); i++) {
			if (icmp_codes[i].type == info->type &&
			    icmp_codes[i].code_min == info->code[0] &&
			    icmp_codes[i].code_max == info->code[1]) {
				sbuf_addf(sb, " %s%s", inv ? "!" : "",
					  icmp_codes[i].name);
				goto flags;
			}
		}
	}
	/* No space after "icmp" here: iptables prints " icmptype 8". */
	if (inv)
		sbuf_adds(sb, " !");
	sbuf_addf(sb, "type %u", info->type);
	if (info->code[0] == info->code[1])
		sbuf_addf(sb, " code %u", info->code[0]);
	else if (info->code[0] != 0 || info->code[1] != 0xFF)
		sbuf_addf(sb, " codes %u-%u", info->code[0], info->code[1]);
flags:
	if (info->invflags & ~ICMP_INV)
		sbuf_addf(sb, " Unknown invflags: 0x%X",
			  info->invflags & ~ICMP_INV);
}

/* icmp_checkentry(): only the known inversion bit. */
static int icmp_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct icmp_info *info = data;

	return (info->invflags & ~ICMP_INV) ? -EINVAL : 0;
}

/* Data path: icmp_match() of ip_tables.c; type 0xFF matches every type. */
static bool icmp_match(const struct pkt *pkt, const void *data,
		       struct xt_action *act)
{
	const struct icmp_info *info = data;
	const uint8_t *ic;

	if (pkt->frag_off != 0)
		return false;
	ic = pkt_l4(pkt);
	/* The kernel reads a whole struct icmphdr (8 bytes). */
	if (!ic || pkt->l4_len < 8) {
		act->hotdrop = true;
		return false;
	}
	return (info->type == 0xFF ||
		(ic[0] == info->type && ic[1] >= info->code[0] &&
		 ic[1] <= info->code[1])) ^
	       !!(info->invflags & ICMP_INV);
}

/* The help text 1.8.9 prints for -h after -m icmp. */
static const char icmp_help[] =
	"icmp match options:\n"
	"[!] --icmp-type typename\tmatch icmp type\n"
	"[!] --icmp-type type[/code]\t(or numeric type or type/code)\n"
	"Valid ICMP Types:\n"
	"any\n"
	"echo-reply (pong)\n"
	"destination-unreachable\n"
	"   network-unreachable\n"
	"   host-unreachable\n"
	"   protocol-unreachable\n"
	"   port-unreachable\n"
	"   fragmentation-needed\n"
	"   source-route-failed\n"
	"   network-unknown\n"
	"   host-unknown\n"
	"   network-prohibited\n"
	"   host-prohibited\n"
	"   TOS-network-unreachable\n"
	"   TOS-host-unreachable\n"
	"   communication-prohibited\n"
	"   host-precedence-violation\n"
	"   precedence-cutoff\n"
	"source-quench\n"
	"redirect\n"
	"   network-redirect\n"
	"   host-redirect\n"
	"   TOS-network-redirect\n"
	"   TOS-host-redirect\n"
	"echo-request (ping)\n"
	"router-advertisement\n"
	"router-solicitation\n"
	"time-exceeded (ttl-exceeded)\n"
	"   ttl-zero-during-transit\n"
	"   ttl-zero-during-reassembly\n"
	"parameter-problem\n"
	"   ip-header-bad\n"
	"   required-option-missing\n"
	"timestamp-request\n"
	"timestamp-reply\n"
	"address-mask-request\n"
	"address-mask-reply\n";

static const struct xt_ext_ops icmp_match_ops = {
	.name = "icmp",
	.help = icmp_help,
	.size = sizeof(struct icmp_info),
	.opts = icmp_opts,
	.init = icmp_init,
	.parse = icmp_parse,
	.final_check = icmp_final_check,
	.save = icmp_save,
	.print = icmp_print,
	.proto = 1, /* IPPROTO_ICMP */
	.check = icmp_check,
	.match = icmp_match,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&icmp_match_ops);
}
