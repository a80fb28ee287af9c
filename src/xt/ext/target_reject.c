// SPDX-License-Identifier: MIT
/*
 * REJECT target (libipt_REJECT + the kernel's ipt_REJECT and
 * nf_reject_ipv4): drops the packet and answers it with an ICMP
 * destination-unreachable of the chosen code, or with a TCP RST. The
 * kernel allows it in the filter table's INPUT, FORWARD and OUTPUT only;
 * tcp-reset needs "-p tcp" (not inverted). parse/save/print/check are
 * control path. target() is data path: it never changes the packet, it
 * asks the stack to send the answer (icmp_send / tcp_send_reset) and
 * returns NS_DROP.
 */
#include "xt/ext.h"
#include "xt/ext/tg_util.h"

#include <errno.h>
#include <strings.h>

#include <netsieve/netsieve.h>

#include "base/compiler.h"
#include "stack/stack.h"

/* The kernel's enum ipt_reject_with. */
enum reject_with {
	IPT_ICMP_NET_UNREACHABLE = 0,
	IPT_ICMP_HOST_UNREACHABLE,
	IPT_ICMP_PROT_UNREACHABLE,
	IPT_ICMP_PORT_UNREACHABLE,
	IPT_ICMP_ECHOREPLY,
	IPT_ICMP_NET_PROHIBITED,
	IPT_ICMP_HOST_PROHIBITED,
	IPT_TCP_RESET,
	IPT_ICMP_ADMIN_PROHIBITED,
};

struct reject_info {
	uint8_t with;            /* enum reject_with */
};

enum {
	O_REJECT_WITH = 0,
};

static const struct xt_option reject_opts[] = {
	{ "reject-with", O_REJECT_WITH, XTO_ARG | XTO_ONCE },
	{ NULL },
};

#define ICMP_DEST_UNREACH 3
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_GRE_ 47
#define IPPROTO_ESP_ 50
#define IPPROTO_AH_ 51
#define IPPROTO_SCTP_ 132
#define IPPROTO_UDPLITE_ 136
#define IPPROTO_DCCP_ 33

/*
 * libipt_REJECT's reject_table, in its order: the parser takes the first
 * entry whose name or alias starts with the argument (case-insensitive),
 * so "icmp" means icmp-net-unreachable and "tcp" tcp-reset.
 */
static const struct {
	const char *name;
	const char *alias;
	uint8_t with;
	int code;                /* ICMP code; -1 for tcp-reset */
} reject_table[] = {
	{ "icmp-net-unreachable", "net-unreach", IPT_ICMP_NET_UNREACHABLE,
	  0 /* ICMP_NET_UNREACH */ },
	{ "icmp-host-unreachable", "host-unreach", IPT_ICMP_HOST_UNREACHABLE,
	  1 /* ICMP_HOST_UNREACH */ },
	{ "icmp-proto-unreachable", "proto-unreach",
	  IPT_ICMP_PROT_UNREACHABLE, 2 /* ICMP_PROT_UNREACH */ },
	{ "icmp-port-unreachable", "port-unreach", IPT_ICMP_PORT_UNREACHABLE,
	  3 /* ICMP_PORT_UNREACH */ },
	{ "icmp-net-prohibited", "net-prohib", IPT_ICMP_NET_PROHIBITED,
	  9 /* ICMP_NET_ANO */ },
	{ "icmp-host-prohibited", "host-prohib", IPT_ICMP_HOST_PROHIBITED,
	  10 /* ICMP_HOST_ANO */ },
	{ "tcp-reset", "tcp-rst", IPT_TCP_RESET, -1 },
	{ "icmp-admin-prohibited", "admin-prohib", IPT_ICMP_ADMIN_PROHIBITED,
	  13 /* ICMP_PKT_FILTERED */ },
};

static int reject_lookup(uint8_t with)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reject_table); i++)
		if (reject_table[i].with == with)
			return (int)i;
	return -1;
}

static void reject_init(void *data)
{
	struct reject_info *info = data;

	info->with = IPT_ICMP_PORT_UNREACHABLE;
}

static int reject_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			bool invert, void *data)
{
	struct reject_info *info = data;
	size_t i, n = strlen(arg);

	for (i = 0; i < ARRAY_SIZE(reject_table); i++) {
		if (!strncasecmp(reject_table[i].name, arg, n) ||
		    !strncasecmp(reject_table[i].alias, arg, n)) {
			info->with = reject_table[i].with;
			return 0;
		}
	}
	/* libipt_REJECT: a line of its own first for the old names. */
	if (ctx->warn && (!strncasecmp("echo-reply", arg, n) ||
			  !strncasecmp("echoreply", arg, n)))
		sbuf_adds(ctx->warn, "--reject-with echo-reply no longer "
			  "supported\n");
	return xt_perr(ctx, "unknown reject type \"%s\"", arg);
}

static void reject_save(const void *data, const struct xt_ip *ip,
			struct sbuf *sb)
{
	const struct reject_info *info = data;
	int i = reject_lookup(info->with);

	if (i >= 0)
		sbuf_addf(sb, " --reject-with %s", reject_table[i].name);
}

static void reject_print(const void *data, const struct xt_ip *ip,
			 bool numeric, struct sbuf *sb)
{
	const struct reject_info *info = data;
	int i = reject_lookup(info->with);

	if (i >= 0)
		sbuf_addf(sb, " reject-with %s", reject_table[i].name);
}

/* The kernel's reject_tg_check(). */
static int reject_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct reject_info *info = data;

	if (info->with == IPT_ICMP_ECHOREPLY || reject_lookup(info->with) < 0) {
		if (ctx->msg)
			sbuf_adds(ctx->msg,
				  "ipt_REJECT: ECHOREPLY no longer supported.");
		return -EINVAL;
	}
	if (info->with == IPT_TCP_RESET &&
	    (!ctx->ip || ctx->ip->proto != IPPROTO_TCP_ ||
	     (ctx->ip->invflags & XT_INV_PROTO))) {
		if (ctx->msg)
			sbuf_adds(ctx->msg,
				  "ipt_REJECT: TCP_RESET invalid for non-tcp");
		return -EINVAL;
	}
	return 0;
}

/*
 * nf_reject_verify_csum(): protocols whose checksum covers the whole
 * payload with the 16-bit one's complement sum are verified before an
 * error is sent; UDP without a checksum, GRE, AH, ESP, SCTP, UDP-Lite and
 * DCCP are not.
 */
static bool reject_needs_csum(const uint8_t *l4, uint32_t l4len,
			      uint8_t proto)
{
	switch (proto) {
	case IPPROTO_UDP_:
		if (l4len < 8)
			return true;
		return l4[6] != 0 || l4[7] != 0;
	case IPPROTO_GRE_:
	case IPPROTO_AH_:
	case IPPROTO_ESP_:
	case IPPROTO_SCTP_:
	case IPPROTO_UDPLITE_:
	case IPPROTO_DCCP_:
		return false;
	}
	return true;
}

/* nf_ip_checksum() for a packet without hardware checksum help. */
static bool reject_csum_ok(const uint8_t *iph, const uint8_t *l4,
			   uint32_t l4len, uint8_t proto)
{
	uint32_t sum = csum_partial(l4, l4len, 0);
	uint32_t saddr, daddr;

	if (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_) {
		memcpy(&saddr, iph + 12, 4);
		memcpy(&daddr, iph + 16, 4);
		sum = csum_tcpudp_nofold(saddr, daddr, (uint16_t)l4len, proto,
					 sum);
	}
	return csum_fold(sum) == 0;
}

/*
 * nf_send_unreach(): no error for non-first fragments or for packets
 * whose transport checksum is wrong; the rest (not answering ICMP errors,
 * broadcasts, rate limits, the source address) is icmp_send()'s job.
 */
static void reject_send_unreach(struct net *net, const struct pkt *pkt,
				int code)
{
	const uint8_t *iph = tgu_iph(pkt);
	uint32_t ihl, tot, len;
	uint16_t frag;
	uint8_t proto;

	if (!iph)
		return;
	frag = (uint16_t)(iph[6] << 8 | iph[7]);
	if (frag & 0x1fff)
		return;
	ihl = (iph[0] & 0x0f) * 4u;
	tot = (uint32_t)(iph[2] << 8 | iph[3]);
	len = pkt_l3_len(pkt);
	if (tot < len)
		len = tot;
	if (len < ihl)
		return;
	proto = iph[9];
	/* CHECKSUM_PARTIAL (an offloaded sender) counts as good. */
	if (!pkt->csum_partial &&
	    reject_needs_csum(iph + ihl, len - ihl, proto) &&
	    !reject_csum_ok(iph, iph + ihl, len - ihl, proto))
		return;
	icmp_send(net, pkt, ICMP_DEST_UNREACH, code, 0);
}

static unsigned reject_target(struct pkt *pkt, const void *data,
			      struct xt_action *act)
{
	const struct reject_info *info = data;
	int i = reject_lookup(info->with);

	if (i < 0)
		return NS_DROP;
	if (info->with == IPT_TCP_RESET)
		tcp_send_reset(act->net, pkt, act->hook);
	else
		reject_send_unreach(act->net, pkt, reject_table[i].code);
	return NS_DROP;
}

/* The help text 1.8.9 prints for -h after -j REJECT. */
static const char reject_help[] =
	"REJECT target options:\n"
	"--reject-with type              drop input packet and send back\n"
	"                                a reply packet according to type:\n"
	"Valid reject types:\n"
	"    icmp-net-unreachable     \tICMP network unreachable\n"
	"    net-unreach              \talias\n"
	"    icmp-host-unreachable    \tICMP host unreachable\n"
	"    host-unreach             \talias\n"
	"    icmp-proto-unreachable   \tICMP protocol unreachable\n"
	"    proto-unreach            \talias\n"
	"    icmp-port-unreachable    \tICMP port unreachable (default)\n"
	"    port-unreach             \talias\n"
	"    icmp-net-prohibited      \tICMP network prohibited\n"
	"    net-prohib               \talias\n"
	"    icmp-host-prohibited     \tICMP host prohibited\n"
	"    host-prohib              \talias\n"
	"    tcp-reset                \tTCP RST packet\n"
	"    tcp-rst                  \talias\n"
	"    icmp-admin-prohibited    \tICMP administratively prohibited (*)\n"
	"    admin-prohib             \talias\n"
	"\n"
	"(*) See man page or read the INCOMPATIBILITES file for compatibility "
	"issues.\n";

static const struct xt_ext_ops reject_target_ops = {
	.name = "REJECT",
	.help = reject_help,
	.is_target = true,
	.size = sizeof(struct reject_info),
	.opts = reject_opts,
	.init = reject_init,
	.parse = reject_parse,
	.save = reject_save,
	.print = reject_print,
	.hooks = (1u << NS_INET_LOCAL_IN) | (1u << NS_INET_FORWARD) |
		 (1u << NS_INET_LOCAL_OUT),
	.table = "filter",
	.check = reject_check,
	.target = reject_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&reject_target_ops);
}
