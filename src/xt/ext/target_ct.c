// SPDX-License-Identifier: MIT
/*
 * The CT target (libxt_CT revision 2 + the kernel's xt_CT.c) and its
 * NOTRACK alias, raw table only. --notrack marks the packet untracked
 * (pkt->ctinfo = CT_UNTRACKED, no entry, as notrack sets _nfct); anything
 * else attaches a template (struct ct_tmpl, one per rule and ruleset
 * generation, made by state_create) that tracking reads when it creates
 * the packet's connection: today its zone. What the template cannot carry
 * yet is refused at commit with the kernel's error and netsieve's "not
 * supported yet" line: per-direction zones and zones from the mark,
 * --ctevents/--expevents (no per-connection event masks), --helper
 * other than ftp and tftp, and --timeout (timeout policies are made with nfct, which
 * netsieve has not; on the kernel iptables alone cannot make one either,
 * so such a rule fails there too). Control path except target().
 */
#include "xt/ext.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/compiler.h"
#include "ct/ct.h"
#include "pkt/pkt.h"

enum {
	O_NOTRACK = 0,
	O_HELPER,
	O_TIMEOUT,
	O_CTEVENTS,
	O_EXPEVENTS,
	O_ZONE,
	O_ZONE_ORIG,
	O_ZONE_REPLY,
};

/* uapi xt_CT.h flags. */
enum {
	CT_F_NOTRACK = 1 << 0,
	CT_F_NOTRACK_ALIAS = 1 << 1,
	CT_F_ZONE_DIR_ORIG = 1 << 2,
	CT_F_ZONE_DIR_REPL = 1 << 3,
	CT_F_ZONE_MARK = 1 << 4,
	CT_F_MASK = 0x1f,
};

/* The kernel's struct xt_ct_target_info_v1, without the kernel pointer. */
struct ct_tginfo {
	uint16_t flags;
	uint16_t zone;
	uint32_t ct_events;
	uint32_t exp_events;
	char helper[16];
	char timeout[32];
};

static const struct xt_option ct_opts[] = {
	{ "notrack", O_NOTRACK, XTO_ONCE },
	{ "helper", O_HELPER, XTO_ARG | XTO_ONCE },
	{ "timeout", O_TIMEOUT, XTO_ARG | XTO_ONCE },
	{ "ctevents", O_CTEVENTS, XTO_ARG | XTO_ONCE },
	{ "expevents", O_EXPEVENTS, XTO_ARG | XTO_ONCE },
	{ "zone-orig", O_ZONE_ORIG, XTO_ARG | XTO_ONCE },
	{ "zone-reply", O_ZONE_REPLY, XTO_ARG | XTO_ONCE },
	{ "zone", O_ZONE, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static const struct xt_option notrack_opts[] = {
	{ NULL },
};

struct event {
	const char *name;
	unsigned bit;           /* IPCT_* / IPEXP_* */
};

/* libxt_CT's tables: the parse order is the print order. */
static const struct event ct_events[] = {
	{ "new", 0 }, { "related", 1 }, { "destroy", 2 }, { "reply", 3 },
	{ "assured", 4 }, { "protoinfo", 5 }, { "helper", 6 },
	{ "mark", 7 }, { "natseqinfo", 8 }, { "secmark", 9 },
	{ NULL },
};
static const struct event exp_events[] = {
	{ "new", 0 }, { NULL },
};

/* ct_parse_events(): a comma list; "" (and an empty item) is unknown. */
static int parse_events(struct xt_parse_ctx *ctx, const struct event *tbl,
			const char *arg, uint32_t *mask)
{
	const char *p = arg, *comma;
	const struct event *e;
	size_t len;

	*mask = 0;
	for (;;) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		for (e = tbl; e->name; e++)
			if (strlen(e->name) == len && !strncmp(e->name, p, len))
				break;
		if (!e->name)
			return xt_perr(ctx, "Unknown event type \"%.*s\"",
				       (int)len, p);
		*mask |= 1u << e->bit;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* ct_parse_zone_id(). */
static int parse_zone(struct xt_parse_ctx *ctx, int id, const char *arg,
		      struct ct_tginfo *info)
{
	uint64_t v;

	if (id == O_ZONE_ORIG)
		info->flags |= CT_F_ZONE_DIR_ORIG;
	if (id == O_ZONE_REPLY)
		info->flags |= CT_F_ZONE_DIR_REPL;
	info->zone = 0;
	if (!strcasecmp(arg, "mark")) {
		info->flags |= CT_F_ZONE_MARK;
		return 0;
	}
	if (xt_strtoui(arg, NULL, &v, 0, UINT16_MAX))
		return xt_perr(ctx, "Cannot parse %s as a zone ID", arg);
	info->zone = (uint16_t)v;
	return 0;
}

/* XTOPT_PUT of a string into a fixed array: cut to fit. */
static void put_string(char *dst, size_t size, const char *src)
{
	size_t z = strlen(src);

	if (z >= size)
		z = size - 1;
	memcpy(dst, src, z);
	dst[z] = '\0';
}

static int ct_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		    bool invert, void *data)
{
	struct ct_tginfo *info = data;

	(void)invert;
	switch (id) {
	case O_NOTRACK:
		info->flags |= CT_F_NOTRACK;
		return 0;
	case O_HELPER:
		put_string(info->helper, sizeof(info->helper), arg);
		return 0;
	case O_TIMEOUT:
		put_string(info->timeout, sizeof(info->timeout), arg);
		return 0;
	case O_CTEVENTS:
		return parse_events(ctx, ct_events, arg, &info->ct_events);
	case O_EXPEVENTS:
		return parse_events(ctx, exp_events, arg, &info->exp_events);
	case O_ZONE:
	case O_ZONE_ORIG:
	case O_ZONE_REPLY:
		return parse_zone(ctx, id, arg, info);
	}
	return xt_perr(ctx, "CT: unknown option");
}

/* notrack_ct2_tg_init(). */
static void notrack_init(void *data)
{
	struct ct_tginfo *info = data;

	info->flags = CT_F_NOTRACK | CT_F_NOTRACK_ALIAS;
}

static void print_events(struct sbuf *sb, const char *pfx,
			 const struct event *tbl, uint32_t mask)
{
	const char *sep = "";

	sbuf_addf(sb, " %s ", pfx);
	for (; tbl->name; tbl++) {
		if (!(mask & (1u << tbl->bit)))
			continue;
		sbuf_addf(sb, "%s%s", sep, tbl->name);
		sep = ",";
	}
}

static void print_zone(struct sbuf *sb, const char *pfx,
		       const struct ct_tginfo *info)
{
	unsigned dir = info->flags & (CT_F_ZONE_DIR_ORIG | CT_F_ZONE_DIR_REPL);

	sbuf_addf(sb, " %s", pfx);
	if (dir == CT_F_ZONE_DIR_ORIG)
		sbuf_adds(sb, "-orig");
	if (dir == CT_F_ZONE_DIR_REPL)
		sbuf_adds(sb, "-reply");
	if (info->flags & CT_F_ZONE_MARK)
		sbuf_adds(sb, " mark");
	else
		sbuf_addf(sb, " %u", info->zone);
}

/* ct_save_v1() / ct_print_v1(): pfx "--" or "". */
static void ct_dump(const struct ct_tginfo *info, const char *pfx,
		    struct sbuf *sb)
{
	char name[32];

	if (info->flags & CT_F_NOTRACK)
		sbuf_addf(sb, " %snotrack", pfx);
	if (info->helper[0])
		sbuf_addf(sb, " %shelper %s", pfx, info->helper);
	if (info->timeout[0])
		sbuf_addf(sb, " %stimeout %s", pfx, info->timeout);
	if (info->ct_events) {
		snprintf(name, sizeof(name), "%sctevents", pfx);
		print_events(sb, name, ct_events, info->ct_events);
	}
	if (info->exp_events) {
		snprintf(name, sizeof(name), "%sexpevents", pfx);
		print_events(sb, name, exp_events, info->exp_events);
	}
	if ((info->flags & CT_F_ZONE_MARK) || info->zone) {
		snprintf(name, sizeof(name), "%szone", pfx);
		print_zone(sb, name, info);
	}
}

static void ct_save(const void *data, const struct xt_ip *ip,
		    struct sbuf *sb)
{
	const struct ct_tginfo *info = data;

	(void)ip;
	if (info->flags & CT_F_NOTRACK_ALIAS)
		return;
	ct_dump(info, "--", sb);
}

static void ct_print(const void *data, const struct xt_ip *ip, bool numeric,
		     struct sbuf *sb)
{
	const struct ct_tginfo *info = data;

	(void)ip;
	(void)numeric;
	if (info->flags & CT_F_NOTRACK_ALIAS) {
		sbuf_adds(sb, " NOTRACK");
		return;
	}
	sbuf_adds(sb, " CT");
	ct_dump(info, "", sb);
}

/* xt_ct_find_proto(): the rule's -p, 0 when absent or inverted. */
static uint16_t rule_proto(const struct xt_check_ctx *ctx)
{
	if (!ctx->ip || (ctx->ip->invflags & XT_INV_PROTO))
		return 0;
	return ctx->ip->proto;
}

static void set_unsupported(const struct xt_check_ctx *ctx, const char *what)
{
	if (ctx->unsupported)
		*ctx->unsupported = what;
}

/*
 * xt_ct_tg_check_v2() + xt_ct_tg_check(), in the kernel's order; the
 * kernel's errors where it refuses, EOPNOTSUPP/ENOENT with
 * ctx->unsupported where netsieve lacks what the kernel has.
 */
static int ct_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct ct_tginfo *info = data;
	int err;

	if (info->flags & ~CT_F_MASK)
		return -EINVAL;
	if (info->flags & CT_F_NOTRACK)
		return 0;
	if (ctx->net) {
		err = ct_net_enable(ctx->net);
		if (err)
			return err;
	}
	if (info->flags & (CT_F_ZONE_DIR_ORIG | CT_F_ZONE_DIR_REPL |
			   CT_F_ZONE_MARK)) {
		set_unsupported(ctx, "the CT target's zone by direction or "
				"by mark");
		return -EOPNOTSUPP;
	}
	if (info->ct_events || info->exp_events) {
		set_unsupported(ctx, "the CT target's event masks "
				"(--ctevents, --expevents)");
		return -EOPNOTSUPP;
	}
	if (info->helper[0]) {
		if (!rule_proto(ctx)) {
			if (ctx->msg)
				sbuf_adds(ctx->msg, "xt_CT: You must specify "
					  "a L4 protocol and not use "
					  "inversions on it\n");
			return -ENOENT;
		}
		/* nf_conntrack_helper_try_module_get(): netsieve has
		 * ftp and tftp; any other is a module it does not have. */
		if (!ct_helper_find(info->helper, (uint8_t)rule_proto(ctx))) {
			set_unsupported(ctx, "the CT target's --helper (only "
					"ftp and tftp helpers)");
			return -ENOENT;
		}
	}
	if (info->timeout[0]) {
		if (!rule_proto(ctx))
			return -EINVAL;
		/* nf_ct_set_timeout(): no such timeout policy. */
		set_unsupported(ctx, "the CT target's --timeout (timeout "
				"policies)");
		return -ENOENT;
	}
	return 0;
}

/* The template of a rule that tracks (not for --notrack). */
static int ct_state_create(const void *data, void **state)
{
	const struct ct_tginfo *info = data;
	struct ct_tmpl *t;

	*state = NULL;
	if (info->flags & CT_F_NOTRACK)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->zone = info->zone;
	/* The check found it for the rule's protocol; names are unique
	 * across protocols among netsieve's helpers (ftp: tcp, tftp: udp). */
	if (info->helper[0]) {
		t->helper = ct_helper_find(info->helper, 6);
		if (!t->helper)
			t->helper = ct_helper_find(info->helper, 17);
	}
	*state = t;
	return 0;
}

static void ct_state_destroy(void *state)
{
	free(state);
}

/*
 * Data path: xt_ct_target() and notrack_tg(). A packet tracking already
 * looked at (or that an earlier CT rule marked) is left alone, as the
 * kernel's "skb->_nfct != 0" test.
 */
static unsigned ct_target(struct pkt *pkt, const void *data,
			  struct xt_action *act)
{
	const struct ct_tginfo *info = data;

	if (pkt->ct || pkt->ctinfo != CT_NONE || pkt->ct_tmpl)
		return XT_CONTINUE;
	if (info->flags & CT_F_NOTRACK)
		pkt->ctinfo = CT_UNTRACKED;
	else
		pkt->ct_tmpl = act->state;
	return XT_CONTINUE;
}

static const char ct_help[] =
	"CT target options:\n"
	" --notrack\t\t\tDon't track connection\n"
	" --helper name\t\t\tUse conntrack helper 'name' for connection\n"
	" --timeout name \t\tUse timeout policy 'name' for connection\n"
	" --ctevents event[,event...]\tGenerate specified conntrack events "
	"for connection\n"
	" --expevents event[,event...]\tGenerate specified expectation "
	"events for connection\n"
	" --zone {ID|mark}\t\tAssign/Lookup connection in zone ID/packet "
	"nfmark\n"
	" --zone-orig {ID|mark}\t\tSame as 'zone' option, but only applies "
	"to ORIGINAL direction\n"
	" --zone-reply {ID|mark} \tSame as 'zone' option, but only applies "
	"to REPLY direction\n";

static const struct xt_ext_ops ct_target_ops = {
	.name = "CT",
	.help = ct_help,
	.is_target = true,
	.size = sizeof(struct ct_tginfo),
	.opts = ct_opts,
	.parse = ct_parse,
	.save = ct_save,
	.print = ct_print,
	.table = "raw",
	.check = ct_check,
	.state_create = ct_state_create,
	.state_destroy = ct_state_destroy,
	.target = ct_target,
};

/* libxt_CT's NOTRACK: revision 2's alias, CT with NOTRACK_ALIAS. */
static const struct xt_ext_ops notrack_target_ops = {
	.name = "NOTRACK",
	.real_name = "CT",
	.is_target = true,
	.size = sizeof(struct ct_tginfo),
	.opts = notrack_opts,
	.init = notrack_init,
	.save = ct_save,
	.print = ct_print,
	.table = "raw",
	.check = ct_check,
	.target = ct_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&ct_target_ops);
	xt_ext_register(&notrack_target_ops);
}
