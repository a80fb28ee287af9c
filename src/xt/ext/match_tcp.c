// SPDX-License-Identifier: MIT
/*
 * The "tcp" match: libxt_tcp's options (--sport/--dport with ranges and
 * service names, --tcp-flags MASK COMP, --syn, --tcp-option N) and its
 * save/print texts, plus the kernel's tcp_mt() from xt_tcpudp.c. parse,
 * save and print run on the control path; match() runs on the data path and
 * only reads the packet.
 */
#include "xt/ext.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "base/compiler.h"
#include "pkt/pkt.h"

/* struct xt_tcp's invflags. */
#define TCP_INV_SRCPT 0x01
#define TCP_INV_DSTPT 0x02
#define TCP_INV_FLAGS 0x04
#define TCP_INV_OPTION 0x08
#define TCP_INV_MASK 0x0F

enum { O_SPORT, O_DPORT, O_SYN, O_FLAGS, O_OPTION };

/* The kernel's struct xt_tcp, plus which options the tool has seen. */
struct tcp_info {
	uint16_t spts[2];
	uint16_t dpts[2];
	uint8_t option;
	uint8_t flg_mask;
	uint8_t flg_cmp;
	uint8_t invflags;
	/*
	 * Options seen so far, for "Only one ... allowed": parse-time
	 * scratch, cleared by final_check so that equal rules have equal
	 * bytes (-D and -C compare them, as the kernel does).
	 */
	uint8_t seen;
};

static const struct xt_option tcp_opts[] = {
	{ "source-port", O_SPORT, XTO_ARG | XTO_INVERT },
	{ "sport", O_SPORT, XTO_ARG | XTO_INVERT },
	{ "destination-port", O_DPORT, XTO_ARG | XTO_INVERT },
	{ "dport", O_DPORT, XTO_ARG | XTO_INVERT },
	{ "syn", O_SYN, XTO_INVERT },
	{ "tcp-flags", O_FLAGS, XTO_ARG | XTO_ARG2 | XTO_INVERT },
	{ "tcp-option", O_OPTION, XTO_ARG | XTO_INVERT },
	{ NULL },
};

/* libxt_tcp's table: print walks it in this order, ALL and NONE last. */
static const struct {
	const char *name;
	uint8_t flag;
} tcp_flag_names[] = {
	{ "FIN", 0x01 }, { "SYN", 0x02 }, { "RST", 0x04 }, { "PSH", 0x08 },
	{ "ACK", 0x10 }, { "URG", 0x20 }, { "ALL", 0x3F }, { "NONE", 0 },
};

static void tcp_init(void *data)
{
	struct tcp_info *info = data;

	info->spts[1] = info->dpts[1] = 0xFFFF;
}

/* One end of a port range, s[0..n); an empty one is dflt (none if < 0). */
static int parse_port(struct xt_parse_ctx *ctx, const char *s, size_t n,
		      int dflt, int *out)
{
	char buf[128];

	if (!n && dflt >= 0) {
		*out = dflt;
		return 0;
	}
	if (n < sizeof(buf)) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		*out = xt_ipt_parse_port(buf, "tcp");
		if (*out >= 0)
			return 0;
	}
	return xt_perr(ctx, "invalid port/service `%.*s' specified", (int)n, s);
}

/* libxt_tcp's parse_tcp_ports(): "p", "a:b", ":b", "a:", ":". */
static int parse_ports(struct xt_parse_ctx *ctx, const char *arg,
		       uint16_t ports[2])
{
	const char *colon = strchr(arg, ':');
	int a, b;

	if (!colon) {
		if (parse_port(ctx, arg, strlen(arg), -1, &a))
			return -1;
		b = a;
	} else {
		if (parse_port(ctx, arg, (size_t)(colon - arg), 0, &a) ||
		    parse_port(ctx, colon + 1, strlen(colon + 1), 0xFFFF, &b))
			return -1;
		if (a > b)
			return xt_perr(ctx, "invalid portrange (min > max)");
	}
	ports[0] = (uint16_t)a;
	ports[1] = (uint16_t)b;
	return 0;
}

/* libxt_tcp's parse_tcp_flag(): comma list, empty items skipped. */
static int parse_flag_list(struct xt_parse_ctx *ctx, const char *s,
			   size_t len, uint8_t *out)
{
	char item[64];
	size_t i, n;
	uint8_t ret = 0;

	while (len > 0) {
		n = 0;
		while (n < len && s[n] != ',')
			n++;
		if (n > 0) {
			if (n >= sizeof(item))
				return xt_perr(ctx, "Unknown TCP flag `%.*s'",
					       (int)n, s);
			memcpy(item, s, n);
			item[n] = '\0';
			for (i = 0; i < ARRAY_SIZE(tcp_flag_names); i++)
				if (!strcasecmp(tcp_flag_names[i].name, item))
					break;
			if (i == ARRAY_SIZE(tcp_flag_names))
				return xt_perr(ctx, "Unknown TCP flag `%s'",
					       item);
			ret |= tcp_flag_names[i].flag;
		}
		if (n == len)
			break;
		s += n + 1;
		len -= n + 1;
	}
	*out = ret;
	return 0;
}

static int tcp_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		     bool invert, void *data)
{
	struct tcp_info *info = data;
	const char *sp;
	uint64_t v;

	switch (id) {
	case O_SPORT:
	case O_DPORT:
		if (info->seen & (1u << id))
			return xt_perr(ctx, "Only one `--%s' allowed",
				       id == O_SPORT ? "source-port" :
						       "destination-port");
		if (parse_ports(ctx, arg,
				id == O_SPORT ? info->spts : info->dpts))
			return -1;
		if (invert)
			info->invflags |= id == O_SPORT ? TCP_INV_SRCPT :
							  TCP_INV_DSTPT;
		break;
	case O_SYN:
	case O_FLAGS:
		if (info->seen & ((1u << O_SYN) | (1u << O_FLAGS)))
			return xt_perr(ctx, "Only one of `--syn' or "
					    "`--tcp-flags'  allowed");
		if (id == O_SYN) {
			/* FIN,SYN,RST,ACK SYN */
			info->flg_mask = 0x17;
			info->flg_cmp = 0x02;
		} else {
			/* "MASK COMP", joined by the rule parser (XTO_ARG2). */
			sp = arg ? strchr(arg, ' ') : NULL;
			if (!sp)
				return xt_perr(ctx, "--tcp-flags requires two "
						    "args.");
			if (parse_flag_list(ctx, arg, (size_t)(sp - arg),
					    &info->flg_mask) ||
			    parse_flag_list(ctx, sp + 1, strlen(sp + 1),
					    &info->flg_cmp))
				return -1;
		}
		if (invert)
			info->invflags |= TCP_INV_FLAGS;
		break;
	case O_OPTION:
		if (info->seen & (1u << O_OPTION))
			return xt_perr(ctx, "Only one `--tcp-option' allowed");
		if (xt_strtoui(arg, NULL, &v, 1, 255))
			return xt_perr(ctx, "Bad TCP option \"%s\"", arg);
		info->option = (uint8_t)v;
		if (invert)
			info->invflags |= TCP_INV_OPTION;
		break;
	default:
		return xt_perr(ctx, "tcp: unknown option");
	}
	info->seen |= 1u << id;
	return 0;
}

static void add_tcp_flags(struct sbuf *sb, uint8_t flags)
{
	bool have = false;
	size_t i;

	while (flags) {
		for (i = 0; !(flags & tcp_flag_names[i].flag); i++)
			;
		if (have)
			sbuf_addc(sb, ',');
		sbuf_adds(sb, tcp_flag_names[i].name);
		have = true;
		flags &= ~tcp_flag_names[i].flag;
	}
	if (!have)
		sbuf_adds(sb, "NONE");
}

static int tcp_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			   void *data)
{
	struct tcp_info *info = data;

	info->seen = 0;
	return 0;
}

static void tcp_save(const void *data, const struct xt_ip *ip,
		     struct sbuf *sb)
{
	const struct tcp_info *info = data;

	xt_save_port_range(sb, "sport", info->spts,
			   info->invflags & TCP_INV_SRCPT);
	xt_save_port_range(sb, "dport", info->dpts,
			   info->invflags & TCP_INV_DSTPT);
	if (info->option || (info->invflags & TCP_INV_OPTION)) {
		if (info->invflags & TCP_INV_OPTION)
			sbuf_adds(sb, " !");
		sbuf_addf(sb, " --tcp-option %u", info->option);
	}
	if (info->flg_mask || (info->invflags & TCP_INV_FLAGS)) {
		if (info->invflags & TCP_INV_FLAGS)
			sbuf_adds(sb, " !");
		sbuf_adds(sb, " --tcp-flags ");
		add_tcp_flags(sb, info->flg_mask);
		sbuf_addc(sb, ' ');
		add_tcp_flags(sb, info->flg_cmp);
	}
}

static void tcp_print(const void *data, const struct xt_ip *ip, bool numeric,
		      struct sbuf *sb)
{
	const struct tcp_info *info = data;
	bool inv;

	sbuf_adds(sb, " tcp");
	xt_print_port_range(sb, "spt", info->spts,
			    info->invflags & TCP_INV_SRCPT, numeric, "tcp");
	xt_print_port_range(sb, "dpt", info->dpts,
			    info->invflags & TCP_INV_DSTPT, numeric, "tcp");
	inv = info->invflags & TCP_INV_OPTION;
	if (info->option || inv)
		sbuf_addf(sb, " option=%s%u", inv ? "!" : "", info->option);
	inv = info->invflags & TCP_INV_FLAGS;
	if (info->flg_mask || inv) {
		sbuf_addf(sb, " flags:%s", inv ? "!" : "");
		if (numeric) {
			sbuf_addf(sb, "0x%02X/0x%02X", info->flg_mask,
				  info->flg_cmp);
		} else {
			add_tcp_flags(sb, info->flg_mask);
			sbuf_addc(sb, '/');
			add_tcp_flags(sb, info->flg_cmp);
		}
	}
	if (info->invflags & ~TCP_INV_MASK)
		sbuf_addf(sb, " Unknown invflags: 0x%X",
			  info->invflags & ~TCP_INV_MASK);
}

/* tcp_mt_check(): only the known inversion bits. */
static int tcp_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct tcp_info *info = data;

	return (info->invflags & ~TCP_INV_MASK) ? -EINVAL : 0;
}

static inline bool port_match(const uint16_t range[2], uint16_t port,
			      bool inv)
{
	return (port >= range[0] && port <= range[1]) ^ inv;
}

/*
 * tcp_find_option(): walk the options after the fixed header. *hotdrop
 * when they are not all in the packet.
 */
static bool find_option(const struct pkt *pkt, uint8_t option,
			unsigned optlen, bool inv, bool *hotdrop)
{
	const uint8_t *op = pkt_l4(pkt) + 20;
	unsigned i;

	if (!optlen)
		return inv;
	if (pkt->l4_len < 20 + optlen) {
		*hotdrop = true;
		return false;
	}
	for (i = 0; i < optlen;) {
		if (op[i] == option)
			return !inv;
		if (op[i] < 2 || i + 1 >= optlen)
			i++;
		else
			i += op[i + 1] ? op[i + 1] : 1;
	}
	return inv;
}

/* Data path: tcp_mt() of xt_tcpudp.c. */
static bool tcp_match(const struct pkt *pkt, const void *data,
		      struct xt_action *act)
{
	const struct tcp_info *info = data;
	const uint8_t *th;
	unsigned doff;

	if (pkt->frag_off != 0) {
		/* A fragment at offset 8 could rewrite the flags: drop it. */
		if (pkt->frag_off == 1)
			act->hotdrop = true;
		return false;
	}
	th = pkt_l4(pkt);
	if (!th || pkt->l4_len < 20) {
		act->hotdrop = true;
		return false;
	}
	if (!port_match(info->spts, (uint16_t)(th[0] << 8 | th[1]),
			info->invflags & TCP_INV_SRCPT))
		return false;
	if (!port_match(info->dpts, (uint16_t)(th[2] << 8 | th[3]),
			info->invflags & TCP_INV_DSTPT))
		return false;
	if (!(((th[13] & info->flg_mask) == info->flg_cmp) ^
	      !!(info->invflags & TCP_INV_FLAGS)))
		return false;
	if (info->option) {
		doff = (unsigned)(th[12] >> 4) * 4;
		if (doff < 20) {
			act->hotdrop = true;
			return false;
		}
		if (!find_option(pkt, info->option, doff - 20,
				 info->invflags & TCP_INV_OPTION,
				 &act->hotdrop))
			return false;
	}
	return true;
}

/*
 * The classifier's view (ext.h, cls_ports): the port ranges not inverted.
 * On a whole, unfragmented header match() tests the ports first and
 * returns false without hotdrop when one is outside its range.
 */
static void tcp_cls_ports(const void *data, uint16_t sport[2],
			 uint16_t dport[2])
{
	const struct tcp_info *info = data;

	if (!(info->invflags & TCP_INV_SRCPT)) {
		sport[0] = info->spts[0];
		sport[1] = info->spts[1];
	}
	if (!(info->invflags & TCP_INV_DSTPT)) {
		dport[0] = info->dpts[0];
		dport[1] = info->dpts[1];
	}
}

/* The help text 1.8.9 prints for -h after -m tcp. */
static const char tcp_help[] =
	"tcp match options:\n"
	"[!] --tcp-flags mask comp\tmatch when TCP flags & mask == comp\n"
	"\t\t\t\t(Flags: SYN ACK FIN RST URG PSH ALL NONE)\n"
	"[!] --syn\t\t\tmatch when only SYN flag set\n"
	"\t\t\t\t(equivalent to --tcp-flags SYN,RST,ACK,FIN SYN)\n"
	"[!] --source-port port[:port]\n"
	" --sport ...\n"
	"\t\t\t\tmatch source port(s)\n"
	"[!] --destination-port port[:port]\n"
	" --dport ...\n"
	"\t\t\t\tmatch destination port(s)\n"
	"[!] --tcp-option number        match if TCP option set\n";

bool xt_tcp_info_syn(const void *data)
{
	const struct tcp_info *info = data;

	return (info->flg_cmp & 0x02) && !(info->invflags & TCP_INV_FLAGS);
}

static const struct xt_ext_ops tcp_match_ops = {
	.name = "tcp",
	.help = tcp_help,
	.size = sizeof(struct tcp_info),
	.opts = tcp_opts,
	.init = tcp_init,
	.parse = tcp_parse,
	.final_check = tcp_final_check,
	.save = tcp_save,
	.print = tcp_print,
	.proto = 6, /* IPPROTO_TCP */
	.check = tcp_check,
	.match = tcp_match,
	.cls_pure = true,
	.cls_ports = tcp_cls_ports,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&tcp_match_ops);
}
