// SPDX-License-Identifier: MIT
/*
 * The pkttype match (libxt_pkttype + the kernel's xt_pkttype): the link
 * layer class of a packet (sk_buff pkt_type), optionally inverted. Names as
 * libxt_pkttype 1.8.9 knows them: unicast, broadcast, multicast, otherhost
 * and the aliases bcast, mcast, host. Parsing, save and print are control
 * path; pkttype_mt() is the data path.
 */
#include "xt/ext.h"

#include <netsieve/netsieve.h>
#include <strings.h>

#include "pkt/pkt.h"

enum { O_PKTTYPE };

struct pkttype_info {
	int pkttype;
	int invert;
};

static const struct xt_option pkttype_opts[] = {
	{ "pkt-type", O_PKTTYPE, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL }
};

static const struct xt_fcheck pkttype_fcheck[] = {
	{ "pkt-type", O_PKTTYPE, true, 0, 0 },
	{ NULL }
};

/* libxt_pkttype's supported_types: names first, then the aliases. */
static const struct {
	const char *name;
	int pkttype;
} pkttypes[] = {
	{ "unicast", PKT_HOST },
	{ "broadcast", PKT_BROADCAST },
	{ "multicast", PKT_MULTICAST },
	{ "otherhost", PKT_OTHERHOST },
	{ "bcast", PKT_BROADCAST },
	{ "mcast", PKT_MULTICAST },
	{ "host", PKT_HOST },
};

static int pkttype_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			 bool invert, void *data)
{
	struct pkttype_info *info = data;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pkttypes); i++)
		if (!strcasecmp(arg, pkttypes[i].name))
			break;
	if (i == ARRAY_SIZE(pkttypes))
		return xt_perr(ctx, "Bad packet type '%s'", arg);
	info->pkttype = pkttypes[i].pkttype;
	info->invert = invert;
	return 0;
}

static int pkttype_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			       void *data)
{
	return xt_fcheck(ctx, "pkttype", pkttype_fcheck, seen);
}

static void print_pkttype(const struct pkttype_info *info, struct sbuf *sb)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pkttypes); i++)
		if (pkttypes[i].pkttype == info->pkttype) {
			sbuf_adds(sb, pkttypes[i].name);
			return;
		}
	sbuf_addf(sb, "%d", info->pkttype);
}

static void pkttype_save(const void *data, const struct xt_ip *ip,
			 struct sbuf *sb)
{
	const struct pkttype_info *info = data;

	sbuf_addf(sb, "%s --pkt-type ", info->invert ? " !" : "");
	print_pkttype(info, sb);
}

static void pkttype_print(const void *data, const struct xt_ip *ip,
			  bool numeric, struct sbuf *sb)
{
	const struct pkttype_info *info = data;

	sbuf_addf(sb, " PKTTYPE %s= ", info->invert ? "!" : "");
	print_pkttype(info, sb);
}

/*
 * The kernel's pkttype_mt(): a looped-back packet counts as multicast when
 * its IPv4 destination is multicast (always for IPv6), else as broadcast.
 */
static bool pkttype_mt(const struct pkt *pkt, const void *data,
		       struct xt_action *act)
{
	const struct pkttype_info *info = data;
	int type;

	if (pkt->pkt_type != PKT_LOOPBACK)
		type = pkt->pkt_type;
	else if (pkt->family == NS_PF_INET6)
		type = PKT_MULTICAST;
	else if (pkt->len >= pkt->l3_off + 20u &&
		 (pkt_l3(pkt)[16] & 0xf0) == 0xe0)
		type = PKT_MULTICAST;
	else
		type = PKT_BROADCAST;
	return (type == info->pkttype) ^ !!info->invert;
}

/* The help text 1.8.9 prints for -h after -m pkttype. */
static const char pkttype_help[] =
	"pkttype match options:\n"
	"[!] --pkt-type packettype    match packet type\n"
	"Valid packet types:\n"
	"\tunicast       \t\tto us\n"
	"\tbroadcast     \t\tto all\n"
	"\tmulticast     \t\tto group\n"
	"\totherhost     \t\tto someone else\n"
	"\n";

static const struct xt_ext_ops pkttype_match = {
	.name = "pkttype",
	.help = pkttype_help,
	.size = sizeof(struct pkttype_info),
	.opts = pkttype_opts,
	.parse = pkttype_parse,
	.final_check = pkttype_final_check,
	.save = pkttype_save,
	.print = pkttype_print,
	.match = pkttype_mt,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&pkttype_match);
}
