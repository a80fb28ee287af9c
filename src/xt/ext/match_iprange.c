// SPDX-License-Identifier: MIT
/*
 * The "iprange" match (revision 1, IPv4): libxt_iprange's --src-range and
 * --dst-range FROM[-TO] with '!', its save/print texts, and the kernel's
 * iprange_mt4() from xt_iprange.c. parse, save and print run on the
 * control path; match() runs on the data path and only reads the packet.
 */
#include "xt/ext.h"

#include <string.h>
#include <arpa/inet.h>

#include "base/compiler.h"
#include "pkt/pkt.h"

/* struct xt_iprange_mtinfo's flags. */
#define IPRANGE_SRC 0x01
#define IPRANGE_DST 0x02
#define IPRANGE_SRC_INV 0x10
#define IPRANGE_DST_INV 0x20

enum { O_SRC_RANGE, O_DST_RANGE };

/* struct xt_iprange_mtinfo, IPv4 part; addresses in network byte order. */
struct iprange_info {
	uint32_t src_min, src_max;
	uint32_t dst_min, dst_max;
	uint8_t flags;
};

static const struct xt_option iprange_opts[] = {
	{ "src-range", O_SRC_RANGE, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "dst-range", O_DST_RANGE, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL },
};

static int bad_value(struct xt_parse_ctx *ctx, const char *opt,
		     const char *s, size_t n)
{
	return xt_perr(ctx, "iprange: Bad value for \"--%s\" option: \"%.*s\"",
		       opt, (int)n, s);
}

/* libxt_iprange's iprange_parse_range(): "A" (A-A) or "A-B". */
static int parse_range(struct xt_parse_ctx *ctx, const char *opt,
		       const char *arg, uint32_t *min, uint32_t *max)
{
	const char *dash = strchr(arg, '-');
	size_t n = dash ? (size_t)(dash - arg) : strlen(arg);
	char from[64];

	if (n >= sizeof(from))
		return bad_value(ctx, opt, arg, n);
	memcpy(from, arg, n);
	from[n] = '\0';
	if (xt_parse_ipaddr(from, min))
		return bad_value(ctx, opt, arg, n);
	if (!dash) {
		*max = *min;
		return 0;
	}
	if (xt_parse_ipaddr(dash + 1, max))
		return bad_value(ctx, opt, dash + 1, strlen(dash + 1));
	/* iptables warns that a reversed range will never match, and loads
	 * it anyway. */
	if (ntohl(*min) > ntohl(*max) && ctx->warn)
		sbuf_addf(ctx->warn, "xt_iprange: range %s is reversed and "
			  "will never match\n", arg);
	return 0;
}

static int iprange_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			 bool invert, void *data)
{
	struct iprange_info *info = data;

	switch (id) {
	case O_SRC_RANGE:
		if (parse_range(ctx, "src-range", arg, &info->src_min,
				&info->src_max))
			return -1;
		info->flags |= IPRANGE_SRC | (invert ? IPRANGE_SRC_INV : 0);
		return 0;
	case O_DST_RANGE:
		if (parse_range(ctx, "dst-range", arg, &info->dst_min,
				&info->dst_max))
			return -1;
		info->flags |= IPRANGE_DST | (invert ? IPRANGE_DST_INV : 0);
		return 0;
	}
	return xt_perr(ctx, "iprange: unknown option");
}

static int iprange_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			       void *data)
{
	if (!seen)
		return xt_perr(ctx, "iprange match: You must specify "
				    "`--src-range' or `--dst-range'");
	return 0;
}

static void add_range(struct sbuf *sb, uint32_t min, uint32_t max)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &min, a, sizeof(a));
	inet_ntop(AF_INET, &max, b, sizeof(b));
	sbuf_addf(sb, "%s-%s", a, b);
}

static void iprange_save(const void *data, const struct xt_ip *ip,
			 struct sbuf *sb)
{
	const struct iprange_info *info = data;

	if (info->flags & IPRANGE_SRC) {
		if (info->flags & IPRANGE_SRC_INV)
			sbuf_adds(sb, " !");
		sbuf_adds(sb, " --src-range ");
		add_range(sb, info->src_min, info->src_max);
	}
	if (info->flags & IPRANGE_DST) {
		if (info->flags & IPRANGE_DST_INV)
			sbuf_adds(sb, " !");
		sbuf_adds(sb, " --dst-range ");
		add_range(sb, info->dst_min, info->dst_max);
	}
}

static void iprange_print(const void *data, const struct xt_ip *ip,
			  bool numeric, struct sbuf *sb)
{
	const struct iprange_info *info = data;

	if (info->flags & IPRANGE_SRC) {
		sbuf_adds(sb, " source IP range");
		if (info->flags & IPRANGE_SRC_INV)
			sbuf_adds(sb, " !");
		sbuf_addc(sb, ' ');
		add_range(sb, info->src_min, info->src_max);
	}
	if (info->flags & IPRANGE_DST) {
		sbuf_adds(sb, " destination IP range");
		if (info->flags & IPRANGE_DST_INV)
			sbuf_adds(sb, " !");
		sbuf_addc(sb, ' ');
		add_range(sb, info->dst_min, info->dst_max);
	}
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Data path: iprange_mt4(); a reversed range never matches. */
static bool iprange_match(const struct pkt *pkt, const void *data,
			  struct xt_action *act)
{
	const struct iprange_info *info = data;
	const uint8_t *iph = pkt_l3(pkt);
	uint32_t a;
	bool out;

	if (info->flags & IPRANGE_SRC) {
		a = rd32(iph + 12);
		out = a < ntohl(info->src_min) || a > ntohl(info->src_max);
		if (out ^ !!(info->flags & IPRANGE_SRC_INV))
			return false;
	}
	if (info->flags & IPRANGE_DST) {
		a = rd32(iph + 16);
		out = a < ntohl(info->dst_min) || a > ntohl(info->dst_max);
		if (out ^ !!(info->flags & IPRANGE_DST_INV))
			return false;
	}
	return true;
}

/* The help text 1.8.9 prints for -h after -m iprange. */
static const char iprange_help[] =
	"iprange match options:\n"
	"[!] --src-range ip[-ip]    Match source IP in the specified range\n"
	"[!] --dst-range ip[-ip]    Match destination IP in the specified "
	"range\n";

static const struct xt_ext_ops iprange_match_ops = {
	.name = "iprange",
	.help = iprange_help,
	.size = sizeof(struct iprange_info),
	.opts = iprange_opts,
	.parse = iprange_parse,
	.final_check = iprange_final_check,
	.save = iprange_save,
	.print = iprange_print,
	.match = iprange_match,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&iprange_match_ops);
}
