// SPDX-License-Identifier: MIT
/*
 * TCPMSS target (libxt_TCPMSS + the kernel's xt_TCPMSS, IPv4): lowers the
 * MSS option of TCP SYN packets to --set-mss N, or to the path MTU minus
 * 40 with --clamp-mss-to-pmtu (the smaller of the output route's MTU and
 * the MTU of the route back to the source). It never raises an MSS. When
 * the SYN has no MSS option and no payload, one is added (the packet grows
 * by 4 bytes) with at most 536, the MSS a peer must assume without the
 * option (RFC 1122). Checksums are updated incrementally (RFC 1624) as
 * inet_proto_csum_replace2/4() do: with a CHECKSUM_PARTIAL packet only
 * the pseudo-header part (the TCP length) changes. A packet too short for
 * its headers, or a path MTU of 40 or less, is dropped (the kernel's
 * NF_DROP). The rule must be -p tcp with a tcp match that requires SYN
 * ("--syn" or "--tcp-flags ... SYN"), and clamping is allowed only where
 * the route is known (FORWARD, OUTPUT, POSTROUTING), as the kernel checks.
 *
 * parse/final_check/save/print/check are control path; target() is data
 * path: it rewrites the packet in place (and may use 4 bytes of its
 * tailroom), reads the routing snapshot, allocates nothing.
 */
#include "xt/ext.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "base/compiler.h"
#include "core/net.h"
#include "core/netdev.h"
#include "pkt/csum.h"
#include "pkt/pkt.h"
#include "stack/config.h"
#include "xt/ext/tg_util.h"

#define XT_TCPMSS_CLAMP_PMTU 0xffff
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOLEN_MSS 4
#define TCP_MIN_MSS_DEFAULT 536   /* RFC 1122 */
#define IP_TCP_MINLEN 40          /* sizeof(struct iphdr) + tcphdr */

struct tcpmss_info {
	uint16_t mss;
};

enum { O_SET_MSS = 0, O_CLAMP_MSS };

static const struct xt_option tcpmss_opts[] = {
	{ "set-mss", O_SET_MSS, XTO_ARG | XTO_ONCE },
	{ "clamp-mss-to-pmtu", O_CLAMP_MSS, XTO_ONCE },
	{ NULL },
};

static int tcpmss_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			bool invert, void *data)
{
	struct tcpmss_info *info = data;
	uint64_t v;

	switch (id) {
	case O_SET_MSS:
		/* XTTYPE_UINT16, 0 .. UINT16_MAX - sizeof(struct iphdr). */
		if (xt_parse_uint_opt(ctx, "TCPMSS", "set-mss", arg, 0,
				      UINT16_MAX - 20, &v))
			return -1;
		info->mss = (uint16_t)v;
		return 0;
	case O_CLAMP_MSS:
		info->mss = XT_TCPMSS_CLAMP_PMTU;
		return 0;
	}
	return xt_perr(ctx, "TCPMSS: unknown option");
}

static int tcpmss_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			      void *data)
{
	if (!seen)
		return xt_perr(ctx, "TCPMSS target: At least one parameter "
			       "is required");
	return 0;
}

static void tcpmss_save(const void *data, const struct xt_ip *ip,
			struct sbuf *sb)
{
	const struct tcpmss_info *info = data;

	if (info->mss == XT_TCPMSS_CLAMP_PMTU)
		sbuf_adds(sb, " --clamp-mss-to-pmtu");
	else
		sbuf_addf(sb, " --set-mss %u", info->mss);
}

static void tcpmss_print(const void *data, const struct xt_ip *ip,
			 bool numeric, struct sbuf *sb)
{
	const struct tcpmss_info *info = data;

	if (info->mss == XT_TCPMSS_CLAMP_PMTU)
		sbuf_adds(sb, " TCPMSS clamp to PMTU");
	else
		sbuf_addf(sb, " TCPMSS set %u", info->mss);
}

/* tcpmss_tg4_check(): the proto test (-p tcp) is the core's (.proto). */
static int tcpmss_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct tcpmss_info *info = data;
	const struct xt_ext_ops *ops;
	const void *m;
	unsigned i;

	if (info->mss == XT_TCPMSS_CLAMP_PMTU &&
	    (ctx->hook_mask & ~((1u << NS_INET_FORWARD) |
				(1u << NS_INET_LOCAL_OUT) |
				(1u << NS_INET_POST_ROUTING)))) {
		if (ctx->msg)
			sbuf_adds(ctx->msg, "xt_TCPMSS: path-MTU clamping "
				  "only supported in FORWARD, OUTPUT and "
				  "POSTROUTING hooks");
		return -EINVAL;
	}
	for (i = 0; (m = xt_check_match(ctx, i, &ops)); i++)
		if (!strcmp(ops->name, "tcp") && xt_tcp_info_syn(m))
			return 0;
	if (ctx->msg)
		sbuf_adds(ctx->msg, "xt_TCPMSS: Only works on TCP SYN packets");
	return -EINVAL;
}

/* The kernel's optlen(): zero-length options still make progress. */
static unsigned optlen(const uint8_t *opt, unsigned off)
{
	if (opt[off] <= TCPOPT_NOP || opt[off + 1] == 0)
		return 1;
	return opt[off + 1];
}

/* One's complement a + ~from + to folded to 16 bits (no complement). */
static uint16_t csum_add_sub(uint16_t sum, uint32_t from, uint32_t to)
{
	uint64_t x = (uint64_t)sum + (uint32_t)~from + to;

	while (x >> 16)
		x = (x & 0xffff) + (x >> 16);
	return (uint16_t)x;
}

/*
 * inet_proto_csum_replace2/4() on the TCP checksum at check: a field of
 * the header changed from `from` to `to` (as stored). pseudo: the field is
 * part of the pseudo-header (the TCP length), which is all a
 * CHECKSUM_PARTIAL packet's field holds the sum of.
 */
static void l4_replace(const struct pkt *pkt, uint8_t *check, uint32_t from,
		       uint32_t to, bool wide, bool pseudo)
{
	uint16_t sum;

	memcpy(&sum, check, 2);
	if (!pkt->csum_partial) {
		if (wide)
			csum_replace4(&sum, from, to);
		else
			csum_replace2(&sum, (uint16_t)from, (uint16_t)to);
	} else if (pseudo) {
		sum = csum_add_sub(sum, from, to);
	} else {
		return;
	}
	memcpy(check, &sum, 2);
}

/* tcpmss_reverse_mtu(): the MTU of the route back to the source. */
static uint32_t reverse_mtu(struct net *net, uint32_t saddr)
{
	struct rt_result rt;

	if (!net || route_output(net, saddr, 0, &rt) || !rt.dev)
		return ~0u;
	return rt.dev->mtu;
}

/*
 * tcpmss_mangle_packet() for IPv4: -1 to drop, 0 unchanged or changed in
 * place, 4 when the option was added (the caller fixes the IP length).
 */
static int tcpmss_mangle(struct pkt *pkt, const struct tcpmss_info *info,
			 struct xt_action *act, uint8_t *iph, uint32_t skblen)
{
	unsigned ihl = (iph[0] & 0x0f) * 4u, hdrlen, i;
	uint8_t *tcph = iph + ihl, *opt, *end;
	uint16_t newmss, oldmss, from, to;
	uint32_t mtu, in_mtu, w;
	int len;

	len = (int)skblen - (int)ihl;
	if (len < 20)
		return -1;
	hdrlen = (tcph[12] >> 4) * 4u;
	if (len < (int)hdrlen || hdrlen < 20)
		return -1;

	if (info->mss == XT_TCPMSS_CLAMP_PMTU) {
		uint32_t saddr;

		memcpy(&saddr, iph + 12, 4);
		in_mtu = reverse_mtu(act->net, saddr);
		mtu = act->out ? act->out->mtu : ~0u;
		if (in_mtu < mtu)
			mtu = in_mtu;
		if (mtu <= IP_TCP_MINLEN)
			return -1;  /* "unknown or invalid path-MTU" */
		newmss = (uint16_t)(mtu - IP_TCP_MINLEN);
	} else {
		newmss = info->mss;
	}

	opt = tcph;
	for (i = 20; i + TCPOLEN_MSS <= hdrlen; i += optlen(opt, i)) {
		if (opt[i] != TCPOPT_MSS || opt[i + 1] != TCPOLEN_MSS)
			continue;
		oldmss = (uint16_t)(opt[i + 2] << 8 | opt[i + 3]);
		/* Never increase the MSS, even when setting it. */
		if (oldmss <= newmss)
			return 0;
		opt[i + 2] = (uint8_t)(newmss >> 8);
		opt[i + 3] = (uint8_t)newmss;
		l4_replace(pkt, tcph + 16, htons(oldmss), htons(newmss), false,
			   false);
		return 0;
	}

	/* Payload after the header: adding the option would move it. */
	if (len > (int)hdrlen)
		return 0;
	/* doff has 4 bits. */
	if (hdrlen >= 15 * 4)
		return 0;
	end = pkt_head(pkt) + PKT_HEADROOM + pkt_max_frame(pkt);
	if (pkt->data + pkt->l3_off + skblen + TCPOLEN_MSS > end)
		return -1;  /* the kernel drops if it cannot expand */
	/* Drop what follows the datagram (link padding) as ip_rcv did. */
	pkt->len = pkt->l3_off + skblen + TCPOLEN_MSS;
	if (pkt->l4_off)
		pkt->l4_len = (uint16_t)(pkt->l4_len + TCPOLEN_MSS);

	if (newmss > TCP_MIN_MSS_DEFAULT)
		newmss = TCP_MIN_MSS_DEFAULT;
	opt = tcph + 20;
	memmove(opt + TCPOLEN_MSS, opt, (size_t)len - 20);
	l4_replace(pkt, tcph + 16, htons((uint16_t)len),
		   htons((uint16_t)(len + TCPOLEN_MSS)), false, true);
	opt[0] = TCPOPT_MSS;
	opt[1] = TCPOLEN_MSS;
	opt[2] = (uint8_t)(newmss >> 8);
	opt[3] = (uint8_t)newmss;
	memcpy(&w, opt, 4);
	l4_replace(pkt, tcph + 16, 0, w, true, false);
	memcpy(&from, tcph + 12, 2);
	tcph[12] = (uint8_t)(tcph[12] + ((TCPOLEN_MSS / 4) << 4));
	memcpy(&to, tcph + 12, 2);
	l4_replace(pkt, tcph + 16, from, to, false, false);
	return TCPOLEN_MSS;
}

/* tcpmss_tg4(). */
static unsigned tcpmss_target(struct pkt *pkt, const void *data,
			      struct xt_action *act)
{
	uint8_t *iph = tgu_iph(pkt);
	uint16_t tot, from, to;
	int ret;

	if (!iph)
		return NS_DROP;
	/* A later fragment has no TCP header: left alone. */
	if (((iph[6] & 0x1f) << 8 | iph[7]) != 0)
		return XT_CONTINUE;
	tot = (uint16_t)(iph[2] << 8 | iph[3]);
	if (tot > pkt_l3_len(pkt) || tot < (iph[0] & 0x0f) * 4u)
		return NS_DROP;
	ret = tcpmss_mangle(pkt, data, act, iph, tot);
	if (ret < 0)
		return NS_DROP;
	if (ret > 0) {
		memcpy(&from, iph + 2, 2);
		to = htons((uint16_t)(tot + ret));
		memcpy(iph + 2, &to, 2);
		{
			uint16_t sum;

			memcpy(&sum, iph + 10, 2);
			csum_replace2(&sum, from, to);
			memcpy(iph + 10, &sum, 2);
		}
	}
	return XT_CONTINUE;
}

static const char tcpmss_help[] =
	"TCPMSS target mutually-exclusive options:\n"
	"  --set-mss value               explicitly set MSS option to "
	"specified value\n"
	"  --clamp-mss-to-pmtu           automatically clamp MSS value to "
	"(path_MTU - 20)\n";

static const struct xt_ext_ops tcpmss_target_ops = {
	.name = "TCPMSS",
	.help = tcpmss_help,
	.is_target = true,
	.size = sizeof(struct tcpmss_info),
	.opts = tcpmss_opts,
	.parse = tcpmss_parse,
	.final_check = tcpmss_final_check,
	.save = tcpmss_save,
	.print = tcpmss_print,
	.proto = 6,
	.check = tcpmss_check,
	.target = tcpmss_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&tcpmss_target_ops);
}
