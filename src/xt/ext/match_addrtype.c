// SPDX-License-Identifier: MIT
/*
 * The addrtype match (libxt_addrtype revision 1 + the kernel's
 * xt_addrtype): the route type (RTN_*) of the source and/or destination
 * address is in a set, each test optionally inverted, the lookup optionally
 * limited to the input or output interface. Parsing, save, print and the
 * hook check are control path; addrtype_mt() is the data path and asks the
 * stack (stack_addr_type(), the kernel's inet_dev_addr_type()).
 */
#include "xt/ext.h"

#include <errno.h>
#include <netsieve/netsieve.h>
#include <string.h>
#include <strings.h>

#include "pkt/pkt.h"
#include "stack/stack.h"

enum { O_SRC_TYPE, O_DST_TYPE, O_LIMIT_IFACE_IN, O_LIMIT_IFACE_OUT };

/* struct xt_addrtype_info_v1's flags. */
#define ADDRTYPE_INVERT_SOURCE 0x0001
#define ADDRTYPE_INVERT_DEST 0x0002
#define ADDRTYPE_LIMIT_IFACE_IN 0x0004
#define ADDRTYPE_LIMIT_IFACE_OUT 0x0008

struct addrtype_info {
	uint16_t source;   /* bit (1 << RTN_*) per accepted type */
	uint16_t dest;
	uint32_t flags;
};

/* Indexed by RTN_*, as libxt_addrtype's rtn_names. */
static const char *const rtn_names[] = {
	"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
	"BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
	NULL
};

static const struct xt_option addrtype_opts[] = {
	{ "src-type", O_SRC_TYPE, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "dst-type", O_DST_TYPE, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "limit-iface-in", O_LIMIT_IFACE_IN, XTO_ONCE },
	{ "limit-iface-out", O_LIMIT_IFACE_OUT, XTO_ONCE },
	{ NULL }
};

static const struct xt_fcheck addrtype_fcheck[] = {
	{ "src-type", O_SRC_TYPE, false, 0, 0 },
	{ "dst-type", O_DST_TYPE, false, 0, 0 },
	{ "limit-iface-in", O_LIMIT_IFACE_IN, false, 0,
	  1u << O_LIMIT_IFACE_OUT },
	{ "limit-iface-out", O_LIMIT_IFACE_OUT, false, 0,
	  1u << O_LIMIT_IFACE_IN },
	{ NULL }
};

/*
 * libxt_addrtype's parse_type(): the first name whose first len characters
 * equal the word, case-insensitively, so "U" is UNSPEC and "loc" LOCAL.
 */
static int parse_type(const char *name, size_t len, uint16_t *mask)
{
	int i;

	for (i = 0; rtn_names[i]; i++)
		if (!strncasecmp(name, rtn_names[i], len)) {
			*mask |= (uint16_t)(1u << i);
			return 0;
		}
	return -1;
}

static int parse_types(struct xt_parse_ctx *ctx, const char *arg,
		       uint16_t *mask)
{
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		if (comma == arg ||
		    parse_type(arg, (size_t)(comma - arg), mask))
			return xt_perr(ctx, "addrtype: bad type `%s'", arg);
		arg = comma + 1;
	}
	if (!*arg || parse_type(arg, strlen(arg), mask))
		return xt_perr(ctx, "addrtype: bad type \"%s\"", arg);
	return 0;
}

static int addrtype_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			  bool invert, void *data)
{
	struct addrtype_info *info = data;

	switch (id) {
	case O_SRC_TYPE:
		if (parse_types(ctx, arg, &info->source))
			return -1;
		if (invert)
			info->flags |= ADDRTYPE_INVERT_SOURCE;
		break;
	case O_DST_TYPE:
		if (parse_types(ctx, arg, &info->dest))
			return -1;
		if (invert)
			info->flags |= ADDRTYPE_INVERT_DEST;
		break;
	case O_LIMIT_IFACE_IN:
		info->flags |= ADDRTYPE_LIMIT_IFACE_IN;
		break;
	case O_LIMIT_IFACE_OUT:
		info->flags |= ADDRTYPE_LIMIT_IFACE_OUT;
		break;
	}
	return 0;
}

static int addrtype_final_check(struct xt_parse_ctx *ctx, unsigned seen,
				void *data)
{
	if (!(seen & ((1u << O_SRC_TYPE) | (1u << O_DST_TYPE))))
		return xt_perr(ctx, "addrtype: you must specify --src-type or "
			       "--dst-type");
	return xt_fcheck(ctx, "addrtype", addrtype_fcheck, seen);
}

static void print_types(uint16_t mask, struct sbuf *sb)
{
	const char *sep = "";
	int i;

	for (i = 0; rtn_names[i]; i++)
		if (mask & (1u << i)) {
			sbuf_addf(sb, "%s%s", sep, rtn_names[i]);
			sep = ",";
		}
}

static void addrtype_save(const void *data, const struct xt_ip *ip,
			  struct sbuf *sb)
{
	const struct addrtype_info *info = data;

	if (info->source) {
		if (info->flags & ADDRTYPE_INVERT_SOURCE)
			sbuf_adds(sb, " !");
		sbuf_adds(sb, " --src-type ");
		print_types(info->source, sb);
	}
	if (info->dest) {
		if (info->flags & ADDRTYPE_INVERT_DEST)
			sbuf_adds(sb, " !");
		sbuf_adds(sb, " --dst-type ");
		print_types(info->dest, sb);
	}
	if (info->flags & ADDRTYPE_LIMIT_IFACE_IN)
		sbuf_adds(sb, " --limit-iface-in");
	if (info->flags & ADDRTYPE_LIMIT_IFACE_OUT)
		sbuf_adds(sb, " --limit-iface-out");
}

static void addrtype_print(const void *data, const struct xt_ip *ip,
			   bool numeric, struct sbuf *sb)
{
	const struct addrtype_info *info = data;

	sbuf_adds(sb, " ADDRTYPE match");
	if (info->source) {
		sbuf_adds(sb, " src-type ");
		if (info->flags & ADDRTYPE_INVERT_SOURCE)
			sbuf_adds(sb, "!");
		print_types(info->source, sb);
	}
	if (info->dest) {
		sbuf_adds(sb, " dst-type ");
		if (info->flags & ADDRTYPE_INVERT_DEST)
			sbuf_adds(sb, "!");
		print_types(info->dest, sb);
	}
	if (info->flags & ADDRTYPE_LIMIT_IFACE_IN)
		sbuf_adds(sb, " limit-in");
	if (info->flags & ADDRTYPE_LIMIT_IFACE_OUT)
		sbuf_adds(sb, " limit-out");
}

/* The kernel's addrtype_mt_checkentry_v1() for IPv4, with its messages. */
static int addrtype_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct addrtype_info *info = data;
	const char *errmsg;

	if ((info->flags & ADDRTYPE_LIMIT_IFACE_IN) &&
	    (info->flags & ADDRTYPE_LIMIT_IFACE_OUT)) {
		errmsg = "both incoming and outgoing interface limitation "
			 "cannot be selected";
		goto err;
	}
	if ((ctx->hook_mask & ((1u << NS_INET_PRE_ROUTING) |
			       (1u << NS_INET_LOCAL_IN))) &&
	    (info->flags & ADDRTYPE_LIMIT_IFACE_OUT)) {
		errmsg = "output interface limitation not valid in "
			 "PREROUTING and INPUT";
		goto err;
	}
	if ((ctx->hook_mask & ((1u << NS_INET_POST_ROUTING) |
			       (1u << NS_INET_LOCAL_OUT))) &&
	    (info->flags & ADDRTYPE_LIMIT_IFACE_IN)) {
		errmsg = "input interface limitation not valid in "
			 "POSTROUTING and OUTPUT";
		goto err;
	}
	return 0;
err:
	if (ctx->msg)
		sbuf_addf(ctx->msg, "xt_addrtype: %s", errmsg);
	return -EINVAL;
}

static bool match_type(struct net *net, const struct netdev *dev,
		       const uint8_t *addr, uint16_t mask)
{
	uint32_t a;
	int type;

	memcpy(&a, addr, sizeof(a));
	type = stack_addr_type(net, a, dev);
	if (type < 0 || type > 15)
		return false;
	return !!(mask & (1u << type));
}

/*
 * The kernel's addrtype_mt_v1() for IPv4: the destination is looked at
 * only when the source test passed.
 */
static bool addrtype_mt(const struct pkt *pkt, const void *data,
			struct xt_action *act)
{
	const struct addrtype_info *info = data;
	const struct netdev *dev = NULL;
	const uint8_t *iph = pkt_l3(pkt);
	bool ret = true;

	if (pkt->family == NS_PF_INET6 || pkt->len < pkt->l3_off + 20u)
		return false;
	if (info->flags & ADDRTYPE_LIMIT_IFACE_IN)
		dev = act->in;
	else if (info->flags & ADDRTYPE_LIMIT_IFACE_OUT)
		dev = act->out;
	if (info->source)
		ret &= match_type(act->net, dev, iph + 12, info->source) ^
		       !!(info->flags & ADDRTYPE_INVERT_SOURCE);
	if (ret && info->dest)
		ret &= match_type(act->net, dev, iph + 16, info->dest) ^
		       !!(info->flags & ADDRTYPE_INVERT_DEST);
	return ret;
}

/* The help text 1.8.9 prints for -h after -m addrtype. */
static const char addrtype_help[] =
	"Address type match options:\n"
	" [!] --src-type type[,...]      Match source address type\n"
	" [!] --dst-type type[,...]      Match destination address type\n"
	"     --limit-iface-in           Match only on the packet's incoming "
	"device\n"
	"     --limit-iface-out          Match only on the packet's outgoing "
	"device\n"
	"\n"
	"Valid types:           \n"
	"                                UNSPEC\n"
	"                                UNICAST\n"
	"                                LOCAL\n"
	"                                BROADCAST\n"
	"                                ANYCAST\n"
	"                                MULTICAST\n"
	"                                BLACKHOLE\n"
	"                                UNREACHABLE\n"
	"                                PROHIBIT\n"
	"                                THROW\n"
	"                                NAT\n"
	"                                XRESOLVE\n";

static const struct xt_ext_ops addrtype_match = {
	.name = "addrtype",
	.help = addrtype_help,
	.size = sizeof(struct addrtype_info),
	.opts = addrtype_opts,
	.parse = addrtype_parse,
	.final_check = addrtype_final_check,
	.save = addrtype_save,
	.print = addrtype_print,
	.check = addrtype_check,
	.match = addrtype_mt,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&addrtype_match);
}
