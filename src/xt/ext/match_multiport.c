// SPDX-License-Identifier: MIT
/*
 * The "multiport" match (revision 1): libxt_multiport's --sports, --dports
 * and --ports with up to 15 ports, a range counting as two, and '!', its
 * save/print texts, and the kernel's multiport_mt() from xt_multiport.c.
 * parse, save and print run on the control path; match() runs on the data
 * path and only reads the packet.
 */
#include "xt/ext.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "pkt/pkt.h"

#define MULTI_PORTS 15 /* XT_MULTI_PORTS */

enum mp_flags { MP_SOURCE, MP_DESTINATION, MP_EITHER };
enum { O_SOURCE_PORTS, O_DEST_PORTS, O_SD_PORTS };

/* The kernel's struct xt_multiport_v1. */
struct mp_info {
	uint8_t flags;                 /* enum mp_flags */
	uint8_t count;                 /* entries used in ports[] */
	uint16_t ports[MULTI_PORTS];
	uint8_t pflags[MULTI_PORTS];   /* 1: ports[i]..ports[i+1] is a range */
	uint8_t invert;
};

static const struct xt_option mp_opts[] = {
	{ "source-ports", O_SOURCE_PORTS, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "sports", O_SOURCE_PORTS, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "destination-ports", O_DEST_PORTS, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "dports", O_DEST_PORTS, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ports", O_SD_PORTS, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL },
};

/* The three options exclude each other (libxt_multiport's .excl). */
#define MP_ALL ((1u << O_SOURCE_PORTS) | (1u << O_DEST_PORTS) | \
		(1u << O_SD_PORTS))
static const struct xt_fcheck mp_fcheck[] = {
	{ "source-ports", O_SOURCE_PORTS, false, 0, MP_ALL },
	{ "destination-ports", O_DEST_PORTS, false, 0, MP_ALL },
	{ "ports", O_SD_PORTS, false, 0, MP_ALL },
	{ NULL },
};

/* The protocols whose ports multiport understands (proto_to_name()). */
static const char *proto_name(uint16_t proto)
{
	switch (proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 136:
		return "udplite";
	case 132:
		return "sctp";
	case 33:
		return "dccp";
	}
	return NULL;
}

/* libxt_multiport's parse_multi_ports_v1(). */
static int parse_ports(struct xt_parse_ctx *ctx, const char *arg,
		       struct mp_info *info, const char *proto)
{
	char *buf, *cp, *next, *range;
	unsigned i;
	int p, rc = -1;

	buf = strdup(arg);
	if (!buf)
		return xt_perr(ctx, "out of memory");
	memset(info->pflags, 0, sizeof(info->pflags));
	for (cp = buf, i = 0; cp && i < MULTI_PORTS; cp = next, i++) {
		next = strchr(cp, ',');
		if (next)
			*next++ = '\0';
		range = strchr(cp, ':');
		if (range) {
			if (i == MULTI_PORTS - 1) {
				xt_perr(ctx, "too many ports specified");
				goto out;
			}
			*range++ = '\0';
		}
		p = xt_ipt_parse_port(cp, proto);
		if (p < 0) {
			xt_perr(ctx, "invalid port/service `%s' specified",
				cp);
			goto out;
		}
		info->ports[i] = (uint16_t)p;
		if (range) {
			info->pflags[i] = 1;
			p = xt_ipt_parse_port(range, proto);
			if (p < 0) {
				xt_perr(ctx,
					"invalid port/service `%s' specified",
					range);
				goto out;
			}
			info->ports[++i] = (uint16_t)p;
			if (info->ports[i - 1] >= info->ports[i]) {
				xt_perr(ctx, "invalid portrange specified");
				goto out;
			}
		}
	}
	if (cp) {
		xt_perr(ctx, "too many ports specified");
		goto out;
	}
	info->count = (uint8_t)i;
	rc = 0;
out:
	free(buf);
	return rc;
}

static int mp_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		    bool invert, void *data)
{
	struct mp_info *info = data;
	const char *proto;

	/* libxt_multiport's check_proto(): -p is needed to name ports. */
	if (ctx->ip->invflags & XT_INV_PROTO)
		return xt_perr(ctx, "multiport only works with TCP, UDP, "
				    "UDPLITE, SCTP and DCCP");
	proto = proto_name(ctx->ip->proto);
	if (!proto) {
		if (!ctx->ip->proto)
			return xt_perr(ctx, "multiport needs `-p tcp', "
					    "`-p udp', `-p udplite', "
					    "`-p sctp' or `-p dccp'");
		return xt_perr(ctx, "multiport only works with TCP, UDP, "
				    "UDPLITE, SCTP and DCCP");
	}
	if (id < O_SOURCE_PORTS || id > O_SD_PORTS)
		return xt_perr(ctx, "multiport: unknown option");
	if (parse_ports(ctx, arg, info, proto))
		return -1;
	info->flags = (uint8_t)(id == O_SOURCE_PORTS ? MP_SOURCE :
				id == O_DEST_PORTS ? MP_DESTINATION :
						     MP_EITHER);
	if (invert)
		info->invert = 1;
	return 0;
}

static int mp_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			  void *data)
{
	if (!seen)
		return xt_perr(ctx, "multiport expection an option");
	return xt_fcheck(ctx, "multiport", mp_fcheck, seen);
}

static void add_ports(struct sbuf *sb, const struct mp_info *info,
		      const char *proto, bool numeric)
{
	unsigned i;

	for (i = 0; i < info->count && i < MULTI_PORTS; i++) {
		if (i)
			sbuf_addc(sb, ',');
		xt_print_port(sb, info->ports[i], numeric, proto);
		if (info->pflags[i] && i + 1 < MULTI_PORTS) {
			sbuf_addc(sb, ':');
			xt_print_port(sb, info->ports[++i], numeric, proto);
		}
	}
}

static void mp_save(const void *data, const struct xt_ip *ip,
		    struct sbuf *sb)
{
	static const char *const opt[] = { " --sports ", " --dports ",
					   " --ports " };
	const struct mp_info *info = data;

	if (info->invert)
		sbuf_adds(sb, " !");
	sbuf_adds(sb, info->flags <= MP_EITHER ? opt[info->flags] : " ERROR ");
	add_ports(sb, info, NULL, true);
}

static void mp_print(const void *data, const struct xt_ip *ip, bool numeric,
		     struct sbuf *sb)
{
	static const char *const word[] = { "sports ", "dports ", "ports " };
	const struct mp_info *info = data;

	sbuf_adds(sb, " multiport ");
	sbuf_adds(sb, info->flags <= MP_EITHER ? word[info->flags] : "ERROR ");
	if (info->invert)
		sbuf_adds(sb, " !");
	add_ports(sb, info, ip ? proto_name(ip->proto) : NULL, numeric);
}

/* multiport_mt_check(): a port protocol, not inverted, sane flags/count. */
static int mp_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct mp_info *info = data;

	if (!ctx->ip || !proto_name(ctx->ip->proto) ||
	    (ctx->ip->invflags & XT_INV_PROTO) || info->flags > MP_EITHER ||
	    info->count > MULTI_PORTS)
		return -EINVAL;
	return 0;
}

/* Data path: ports_match_v1() of xt_multiport.c. */
static bool mp_match(const struct pkt *pkt, const void *data,
		     struct xt_action *act)
{
	const struct mp_info *info = data;
	const uint8_t *l4;
	uint16_t src, dst, s, e;
	bool use_src, use_dst;
	unsigned i;

	if (pkt->frag_off != 0)
		return false;
	l4 = pkt_l4(pkt);
	if (!l4 || pkt->l4_len < 4) {
		act->hotdrop = true;
		return false;
	}
	src = (uint16_t)(l4[0] << 8 | l4[1]);
	dst = (uint16_t)(l4[2] << 8 | l4[3]);
	/* Which ports count; unknown flags match nothing, as the kernel. */
	use_src = info->flags == MP_SOURCE || info->flags == MP_EITHER;
	use_dst = info->flags == MP_DESTINATION || info->flags == MP_EITHER;
	for (i = 0; i < info->count; i++) {
		s = e = info->ports[i];
		if (info->pflags[i] && i + 1 < MULTI_PORTS)
			e = info->ports[++i];
		if ((use_src && src >= s && src <= e) ||
		    (use_dst && dst >= s && dst <= e))
			return !info->invert;
	}
	return info->invert;
}

/* The help text 1.8.9 prints for -h after -m multiport. */
static const char multiport_help[] =
	"multiport match options:\n"
	"[!] --source-ports port[,port:port,port...]\n"
	" --sports ...\n"
	"\t\t\t\tmatch source port(s)\n"
	"[!] --destination-ports port[,port:port,port...]\n"
	" --dports ...\n"
	"\t\t\t\tmatch destination port(s)\n"
	"[!] --ports port[,port:port,port]\n"
	"\t\t\t\tmatch both source and destination port(s)\n";

static const struct xt_ext_ops multiport_match_ops = {
	.name = "multiport",
	.help = multiport_help,
	.size = sizeof(struct mp_info),
	.opts = mp_opts,
	.parse = mp_parse,
	.final_check = mp_final_check,
	.save = mp_save,
	.print = mp_print,
	.check = mp_check,
	.match = mp_match,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&multiport_match_ops);
}
