// SPDX-License-Identifier: MIT
/*
 * The mac match (libxt_mac + the kernel's xt_mac): the Ethernet source
 * address of a received frame, optionally inverted. The kernel allows it
 * from PREROUTING, INPUT and FORWARD only (the frame header exists only for
 * received packets). Parsing, save and print are control path; mac_mt() is
 * the data path and reads the Ethernet header at pkt->data.
 */
#include "xt/ext.h"

#include <netsieve/netsieve.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"

#define ETH_ALEN 6
#define ETH_HLEN 14

enum { O_MAC };

struct mac_info {
	uint8_t srcaddr[ETH_ALEN];
	uint8_t invert;
};

static const struct xt_option mac_opts[] = {
	{ "mac-source", O_MAC, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL }
};

static const struct xt_fcheck mac_fcheck[] = {
	{ "mac-source", O_MAC, true, 0, 0 },
	{ NULL }
};

/*
 * libxtables' XTTYPE_ETHERMAC: six strtoul(.., 16) fields of at most two
 * characters separated by ':'. It is that permissive: an empty field is 0
 * ("42::02:03:04:05"), "-1" is ff, "+f" is 0f.
 */
static int parse_ethermac(const char *arg, uint8_t *mac)
{
	char *end;
	int i;

	for (i = 0; i < ETH_ALEN; i++) {
		mac[i] = (uint8_t)strtoul(arg, &end, 16);
		if (end - arg > 2)
			return -1;
		if (i < ETH_ALEN - 1) {
			if (*end != ':')
				return -1;
			arg = end + 1;
		} else if (*end != '\0') {
			return -1;
		}
	}
	return 0;
}

static int mac_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		     bool invert, void *data)
{
	struct mac_info *info = data;

	if (parse_ethermac(arg, info->srcaddr))
		return xt_perr(ctx, "Invalid MAC address specified.");
	if (invert)
		info->invert = 1;
	return 0;
}

static int mac_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			   void *data)
{
	return xt_fcheck(ctx, "mac", mac_fcheck, seen);
}

static void print_mac(const uint8_t *mac, struct sbuf *sb)
{
	sbuf_addf(sb, " %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		  mac[2], mac[3], mac[4], mac[5]);
}

static void mac_save(const void *data, const struct xt_ip *ip,
		     struct sbuf *sb)
{
	const struct mac_info *info = data;

	if (info->invert)
		sbuf_adds(sb, " !");
	sbuf_adds(sb, " --mac-source");
	print_mac(info->srcaddr, sb);
}

static void mac_print(const void *data, const struct xt_ip *ip, bool numeric,
		      struct sbuf *sb)
{
	const struct mac_info *info = data;

	sbuf_adds(sb, " MAC");
	if (info->invert)
		sbuf_adds(sb, " !");
	print_mac(info->srcaddr, sb);
}

/*
 * Like the kernel: no Ethernet header (a raw-IP device, a locally
 * generated packet) means no match, inverted or not.
 */
static bool mac_mt(const struct pkt *pkt, const void *data,
		   struct xt_action *act)
{
	const struct mac_info *info = data;

	if (!pkt->has_l2 || pkt->l3_off < ETH_HLEN || pkt->len < ETH_HLEN)
		return false;
	return (memcmp(pkt->data + ETH_ALEN, info->srcaddr, ETH_ALEN) == 0) ^
	       !!info->invert;
}

/* The help text 1.8.9 prints for -h after -m mac. */
static const char mac_help[] =
	"mac match options:\n"
	"[!] --mac-source XX:XX:XX:XX:XX:XX\n"
	"\t\t\t\tMatch source MAC address\n";

static const struct xt_ext_ops mac_match = {
	.name = "mac",
	.help = mac_help,
	.size = sizeof(struct mac_info),
	.opts = mac_opts,
	.parse = mac_parse,
	.final_check = mac_final_check,
	.save = mac_save,
	.print = mac_print,
	.hooks = (1u << NS_INET_PRE_ROUTING) | (1u << NS_INET_LOCAL_IN) |
		 (1u << NS_INET_FORWARD),
	.match = mac_mt,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&mac_match);
}
