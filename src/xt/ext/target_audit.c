// SPDX-License-Identifier: MIT
/*
 * AUDIT target (libxt_AUDIT + the kernel's xt_AUDIT): writes one
 * NETFILTER_PKT audit record about the packet and lets it continue
 * (XT_CONTINUE). --type accept|drop|reject (any case) is mandatory; the
 * kernel only range-checks it, it does not appear in the record. Valid in
 * every table and chain.
 *
 * The record is what Linux 6.x writes (audit_tg() and the IPv4 part of
 * audit_log_nf_skb()): "mark=%#x saddr=%pI4 daddr=%pI4 proto=%hhu", or
 * "mark=%#x saddr=? daddr=? proto=-1" when the packet has no readable IPv4
 * header. The kernel's %#x prints "0x0" for 0, unlike printf. Since 4.17
 * ("audit: normalize NETFILTER_PKT") the record has no ports, interfaces
 * or IP id. With no audit daemon the kernel hands records to printk at
 * KERN_NOTICE as "audit: type=1325 audit(SEC.MSEC:SERIAL): RECORD"
 * (audit_log_start()'s "audit(%llu.%03lu:%u): " stamp, then
 * kauditd_printk_skb()'s "type=%d %s" with the "audit: " pr_fmt prefix),
 * which is what dmesg and the journal show. netsieve writes that same line
 * to the net's log sink (the one LOG uses) at level notice, with the
 * stamp taken from the engine clock (net_now(): seconds and milliseconds)
 * and a per-net serial starting at 1. Unlike the kernel it writes records
 * whether or not an audit daemon enabled auditing (audit_enabled), and
 * without printk's rate limit.
 *
 * parse/final_check/save/print/check are control path; target() is data
 * path: it formats on the stack and calls the sink, never changes the
 * packet.
 */
#include "xt/ext.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "base/compiler.h"
#include "base/log.h"
#include "core/net.h"
#include "pkt/pkt.h"
#include "xt/xt_int.h"

#define AUDIT_NETFILTER_PKT 1325

enum {
	AUDIT_TYPE_ACCEPT = 0,
	AUDIT_TYPE_DROP,
	AUDIT_TYPE_REJECT,
	AUDIT_TYPE_MAX = AUDIT_TYPE_REJECT,
};

struct audit_info {
	uint8_t type;
};

enum { O_AUDIT_TYPE = 0 };

static const struct xt_option audit_opts[] = {
	{ "type", O_AUDIT_TYPE, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static const struct xt_fcheck audit_fcheck[] = {
	{ "type", O_AUDIT_TYPE, true, 0, 0 },
	{ NULL },
};

static const char *const type_names[] = { "accept", "drop", "reject" };

static int audit_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		       bool invert, void *data)
{
	struct audit_info *info = data;
	uint8_t t;

	for (t = 0; t <= AUDIT_TYPE_MAX; t++) {
		if (!strcasecmp(arg, type_names[t])) {
			info->type = t;
			return 0;
		}
	}
	return xt_perr(ctx, "Bad action type value \"%s\"", arg);
}

static int audit_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			     void *data)
{
	return xt_fcheck(ctx, "AUDIT", audit_fcheck, seen);
}

static void audit_save(const void *data, const struct xt_ip *ip,
		       struct sbuf *sb)
{
	const struct audit_info *info = data;

	if (info->type <= AUDIT_TYPE_MAX)
		sbuf_addf(sb, " --type %s", type_names[info->type]);
}

static void audit_print(const void *data, const struct xt_ip *ip,
			bool numeric, struct sbuf *sb)
{
	const struct audit_info *info = data;

	sbuf_adds(sb, " AUDIT ");
	if (info->type <= AUDIT_TYPE_MAX)
		sbuf_adds(sb, type_names[info->type]);
}

/* audit_tg_check(). */
static int audit_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct audit_info *info = data;

	if (info->type > AUDIT_TYPE_MAX) {
		if (ctx->msg)
			sbuf_addf(ctx->msg, "xt_AUDIT: Audit type out of "
				  "range (valid range: 0..%u)",
				  AUDIT_TYPE_MAX);
		return -ERANGE;
	}
	return 0;
}

static unsigned audit_target(struct pkt *pkt, const void *data,
			     struct xt_action *act)
{
	struct net *net = act->net;
	const uint8_t *iph;
	uint64_t now;
	uint32_t serial;

	if (!net || !net->log.write || !net->xt)
		return XT_CONTINUE;
	now = net_now(net);
	serial = atomic_fetch_add_explicit(&net->xt->audit_serial, 1,
					   memory_order_relaxed) + 1;
	/* skb_header_pointer() of a struct iphdr: 20 bytes, unchecked. */
	iph = pkt->len >= pkt->l3_off + 20u ? pkt_l3(pkt) : NULL;
	if (!iph) {
		ns_log(&net->log, NS_LOG_NOTICE,
		       "audit: type=%d audit(%llu.%03u:%u): mark=0x%x "
		       "saddr=? daddr=? proto=-1", AUDIT_NETFILTER_PKT,
		       (unsigned long long)(now / 1000000000ull),
		       (unsigned)(now % 1000000000ull / 1000000u), serial,
		       pkt->mark);
		return XT_CONTINUE;
	}
	ns_log(&net->log, NS_LOG_NOTICE,
	       "audit: type=%d audit(%llu.%03u:%u): mark=0x%x "
	       "saddr=%u.%u.%u.%u daddr=%u.%u.%u.%u proto=%u",
	       AUDIT_NETFILTER_PKT, (unsigned long long)(now / 1000000000ull),
	       (unsigned)(now % 1000000000ull / 1000000u), serial, pkt->mark,
	       iph[12], iph[13], iph[14], iph[15], iph[16], iph[17], iph[18],
	       iph[19], iph[9]);
	return XT_CONTINUE;
}

static const char audit_help[] =
	"AUDIT target options\n"
	"  --type TYPE\t\tAction type to be recorded.\n";

static const struct xt_ext_ops audit_target_ops = {
	.name = "AUDIT",
	.help = audit_help,
	.is_target = true,
	.size = sizeof(struct audit_info),
	.opts = audit_opts,
	.parse = audit_parse,
	.final_check = audit_final_check,
	.save = audit_save,
	.print = audit_print,
	.check = audit_check,
	.target = audit_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&audit_target_ops);
}
