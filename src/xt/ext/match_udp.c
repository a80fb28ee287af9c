// SPDX-License-Identifier: MIT
/*
 * The "udp" match: libxt_udp's --sport/--dport (ranges a:b, ':b', 'a:',
 * service names) and its save/print texts, plus the kernel's udp_mt() from
 * xt_tcpudp.c. parse, save and print run on the control path; match() runs
 * on the data path and only reads the packet.
 */
#include "xt/ext.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "base/compiler.h"
#include "pkt/pkt.h"

/* struct xt_udp's invflags. */
#define UDP_INV_SRCPT 0x01
#define UDP_INV_DSTPT 0x02
#define UDP_INV_MASK 0x03

enum { O_SPORT, O_DPORT };

/* The kernel's struct xt_udp. */
struct udp_info {
	uint16_t spts[2];
	uint16_t dpts[2];
	uint8_t invflags;
};

static const struct xt_option udp_opts[] = {
	{ "source-port", O_SPORT, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "sport", O_SPORT, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "destination-port", O_DPORT, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "dport", O_DPORT, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL },
};

static void udp_init(void *data)
{
	struct udp_info *info = data;

	info->spts[1] = info->dpts[1] = 0xFFFF;
}

/*
 * xtables_getportbyname() as libxtables' port-range type uses it: a decimal
 * number or a service of any protocol. -1 if neither.
 */
static int port_by_name(const char *s)
{
	struct servent *se;
	unsigned long v;
	const char *p;
	char *end;

	for (p = s; isspace((unsigned char)*p); p++)
		;
	if (isdigit((unsigned char)*p)) {
		errno = 0;
		v = strtoul(p, &end, 10);
		/*
		 * 1.8.9 keeps the low 16 bits of larger numbers (65536 is
		 * port 0): refused here.
		 */
		if (*end == '\0')
			return (errno || v > 65535) ? -1 : (int)v;
	}
	se = getservbyname(s, NULL);
	return se ? ntohs((uint16_t)se->s_port) : -1;
}

/* libxtables' xtopt_parse_mport() for two components: "p", "a:b", ... */
static int parse_ports(struct xt_parse_ctx *ctx, const char *opt,
		       const char *arg, uint16_t ports[2])
{
	char buf[256], *wp = buf, *part;
	unsigned n = 0;
	int v;

	if (strlen(arg) >= sizeof(buf))
		return xt_perr(ctx, "Port \"%s\" does not resolve to "
				    "anything.\n", arg);
	strcpy(buf, arg);
	ports[0] = 0;
	ports[1] = 0xFFFF;
	while ((part = strsep(&wp, ":")) != NULL) {
		if (n == 2)
			return xt_perr(ctx, "udp: Too many components for "
					    "option \"--%s\" (max: 2)\n", opt);
		/* 1.8.9 takes a lone "" as port 0: refused here. */
		if (*part == '\0' && (n > 0 || wp)) {
			n++;
			continue;
		}
		v = port_by_name(part);
		if (v < 0)
			return xt_perr(ctx, "Port \"%s\" does not resolve to "
					    "anything.\n", part);
		ports[n++] = (uint16_t)v;
	}
	if (n == 1)
		ports[1] = ports[0];
	/* iptables >= 1.8.11 refuses a reversed range (libxt_udp.t). */
	if (ports[0] > ports[1])
		return xt_perr(ctx, "invalid portrange (min > max)");
	return 0;
}

static int udp_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		     bool invert, void *data)
{
	struct udp_info *info = data;

	switch (id) {
	case O_SPORT:
		if (parse_ports(ctx, "source-port", arg, info->spts))
			return -1;
		if (invert)
			info->invflags |= UDP_INV_SRCPT;
		return 0;
	case O_DPORT:
		if (parse_ports(ctx, "destination-port", arg, info->dpts))
			return -1;
		if (invert)
			info->invflags |= UDP_INV_DSTPT;
		return 0;
	}
	return xt_perr(ctx, "udp: unknown option");
}

static void udp_save(const void *data, const struct xt_ip *ip,
		     struct sbuf *sb)
{
	const struct udp_info *info = data;

	xt_save_port_range(sb, "sport", info->spts,
			   info->invflags & UDP_INV_SRCPT);
	xt_save_port_range(sb, "dport", info->dpts,
			   info->invflags & UDP_INV_DSTPT);
}

static void udp_print(const void *data, const struct xt_ip *ip, bool numeric,
		      struct sbuf *sb)
{
	const struct udp_info *info = data;

	sbuf_adds(sb, " udp");
	xt_print_port_range(sb, "spt", info->spts,
			    info->invflags & UDP_INV_SRCPT, numeric, "udp");
	xt_print_port_range(sb, "dpt", info->dpts,
			    info->invflags & UDP_INV_DSTPT, numeric, "udp");
	if (info->invflags & ~UDP_INV_MASK)
		sbuf_addf(sb, " Unknown invflags: 0x%X",
			  info->invflags & ~UDP_INV_MASK);
}

/* udp_mt_check(): only the known inversion bits. */
static int udp_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct udp_info *info = data;

	return (info->invflags & ~UDP_INV_MASK) ? -EINVAL : 0;
}

static inline bool port_match(const uint16_t range[2], uint16_t port,
			      bool inv)
{
	return (port >= range[0] && port <= range[1]) ^ inv;
}

/* Data path: udp_mt() of xt_tcpudp.c. */
static bool udp_match(const struct pkt *pkt, const void *data,
		      struct xt_action *act)
{
	const struct udp_info *info = data;
	const uint8_t *uh;

	if (pkt->frag_off != 0)
		return false;
	uh = pkt_l4(pkt);
	if (!uh || pkt->l4_len < 8) {
		act->hotdrop = true;
		return false;
	}
	return port_match(info->spts, (uint16_t)(uh[0] << 8 | uh[1]),
			  info->invflags & UDP_INV_SRCPT) &&
	       port_match(info->dpts, (uint16_t)(uh[2] << 8 | uh[3]),
			  info->invflags & UDP_INV_DSTPT);
}

/*
 * The classifier's view (ext.h, cls_ports): the port ranges not inverted.
 * On a whole, unfragmented header match() tests the ports first and
 * returns false without hotdrop when one is outside its range.
 */
static void udp_cls_ports(const void *data, uint16_t sport[2],
			 uint16_t dport[2])
{
	const struct udp_info *info = data;

	if (!(info->invflags & UDP_INV_SRCPT)) {
		sport[0] = info->spts[0];
		sport[1] = info->spts[1];
	}
	if (!(info->invflags & UDP_INV_DSTPT)) {
		dport[0] = info->dpts[0];
		dport[1] = info->dpts[1];
	}
}

/* The help text 1.8.9 prints for -h after -m udp. */
static const char udp_help[] =
	"udp match options:\n"
	"[!] --source-port port[:port]\n"
	" --sport ...\n"
	"\t\t\t\tmatch source port(s)\n"
	"[!] --destination-port port[:port]\n"
	" --dport ...\n"
	"\t\t\t\tmatch destination port(s)\n";

static const struct xt_ext_ops udp_match_ops = {
	.name = "udp",
	.help = udp_help,
	.size = sizeof(struct udp_info),
	.opts = udp_opts,
	.init = udp_init,
	.parse = udp_parse,
	.save = udp_save,
	.print = udp_print,
	.proto = 17, /* IPPROTO_UDP */
	.check = udp_check,
	.match = udp_match,
	.cls_pure = true,
	.cls_ports = udp_cls_ports,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&udp_match_ops);
}
