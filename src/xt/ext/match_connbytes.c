// SPDX-License-Identifier: MIT
/*
 * The "connbytes" match: libxt_connbytes' [!] --connbytes from[:to],
 * --connbytes-dir original|reply|both and --connbytes-mode
 * packets|bytes|avgpkt (all three required), and the kernel's
 * connbytes_mt() from xt_connbytes.c over the connection's accounting
 * counters (ct->packets/bytes per direction). '!' is stored, as there, by
 * swapping from and to. check, as connbytes_mt_check(), turns tracking
 * on and forces accounting on for the net (nf_conntrack_acct = 1) with
 * the kernel's "Forcing CT accounting to be enabled" warning. Control
 * path except match(), which reads pkt->ct's counters.
 */
#include "xt/ext.h"

#include <errno.h>
#include <string.h>

#include "base/compiler.h"
#include "ct/ct.h"
#include "pkt/pkt.h"

enum {
	O_CONNBYTES = 0,
	O_CONNBYTES_DIR,
	O_CONNBYTES_MODE,
};

enum { MODE_PKTS, MODE_BYTES, MODE_AVGPKT };
enum { DIR_ORIGINAL, DIR_REPLY, DIR_BOTH };

/* The kernel's struct xt_connbytes_info. */
struct connbytes_info {
	uint64_t from, to;
	uint8_t what;           /* MODE_* */
	uint8_t direction;      /* DIR_* */
};

static const struct xt_option connbytes_opts[] = {
	{ "connbytes", O_CONNBYTES, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "connbytes-dir", O_CONNBYTES_DIR, XTO_ARG | XTO_ONCE },
	{ "connbytes-mode", O_CONNBYTES_MODE, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static int connbytes_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			   bool invert, void *data)
{
	struct connbytes_info *info = data;
	uint64_t r[2], tmp;
	int n;

	switch (id) {
	case O_CONNBYTES:
		n = xt_parse_range_opt(ctx, "connbytes", "connbytes", arg,
				       UINT64_MAX, r);
		if (n < 0)
			return -1;
		info->from = r[0];
		info->to = n == 2 ? r[1] : UINT64_MAX;
		if (info->to < info->from)
			return xt_perr(ctx, "%llu should be less than %llu",
				       (unsigned long long)info->from,
				       (unsigned long long)info->to);
		if (invert) {
			tmp = info->from;
			info->from = info->to;
			info->to = tmp;
		}
		return 0;
	case O_CONNBYTES_DIR:
		if (!strcmp(arg, "original"))
			info->direction = DIR_ORIGINAL;
		else if (!strcmp(arg, "reply"))
			info->direction = DIR_REPLY;
		else if (!strcmp(arg, "both"))
			info->direction = DIR_BOTH;
		else
			return xt_perr(ctx, "Unknown --connbytes-dir `%s'",
				       arg);
		return 0;
	case O_CONNBYTES_MODE:
		if (!strcmp(arg, "packets"))
			info->what = MODE_PKTS;
		else if (!strcmp(arg, "bytes"))
			info->what = MODE_BYTES;
		else if (!strcmp(arg, "avgpkt"))
			info->what = MODE_AVGPKT;
		else
			return xt_perr(ctx, "Unknown --connbytes-mode `%s'",
				       arg);
		return 0;
	}
	return xt_perr(ctx, "connbytes: unknown option");
}

static const struct xt_fcheck connbytes_fcheck[] = {
	{ "connbytes", O_CONNBYTES, true, 0, 0 },
	{ "connbytes-dir", O_CONNBYTES_DIR, true, 0, 0 },
	{ "connbytes-mode", O_CONNBYTES_MODE, true, 0, 0 },
	{ NULL },
};

static int connbytes_final_check(struct xt_parse_ctx *ctx, unsigned seen,
				 void *data)
{
	(void)data;
	return xt_fcheck(ctx, "connbytes", connbytes_fcheck, seen);
}

static void print_from_to(struct sbuf *sb, const struct connbytes_info *info,
			  const char *prefix)
{
	uint64_t from = info->from, to = info->to;

	if (info->from > info->to) {
		sbuf_adds(sb, " !");
		from = info->to;
		to = info->from;
	}
	sbuf_addf(sb, " %sconnbytes %llu", prefix, (unsigned long long)from);
	if (to && to < UINT64_MAX)
		sbuf_addf(sb, ":%llu", (unsigned long long)to);
}

static const char *const modes[] = { " packets", " bytes", " avgpkt" };
static const char *const dirs[] = { " original", " reply", " both" };

static void connbytes_save(const void *data, const struct xt_ip *ip,
			   struct sbuf *sb)
{
	const struct connbytes_info *info = data;

	(void)ip;
	print_from_to(sb, info, "--");
	sbuf_adds(sb, " --connbytes-mode");
	sbuf_adds(sb, info->what <= MODE_AVGPKT ? modes[info->what] :
						   " unknown");
	sbuf_adds(sb, " --connbytes-dir");
	sbuf_adds(sb, info->direction <= DIR_BOTH ? dirs[info->direction] :
						     " unknown");
}

static void connbytes_print(const void *data, const struct xt_ip *ip,
			    bool numeric, struct sbuf *sb)
{
	const struct connbytes_info *info = data;

	(void)ip;
	(void)numeric;
	print_from_to(sb, info, "");
	sbuf_adds(sb, " connbytes mode");
	sbuf_adds(sb, info->what <= MODE_AVGPKT ? modes[info->what] :
						   " unknown");
	sbuf_adds(sb, " connbytes direction");
	sbuf_adds(sb, info->direction <= DIR_BOTH ? dirs[info->direction] :
						     " unknown");
}

/*
 * connbytes_mt_check(): mode and direction valid, tracking on, and
 * accounting forced on (nf_ct_set_acct) with the kernel's warning.
 */
static int connbytes_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct connbytes_info *info = data;
	struct ct_sysctl *sc;
	int err;

	if (info->what > MODE_AVGPKT || info->direction > DIR_BOTH)
		return -EINVAL;
	if (!ctx->net)
		return 0;
	err = ct_net_enable(ctx->net);
	if (err)
		return err;
	sc = ct_sysctl(ctx->net);
	if (sc && !__atomic_load_n(&sc->acct, __ATOMIC_RELAXED)) {
		if (ctx->msg)
			sbuf_adds(ctx->msg, "xt_connbytes: Forcing CT "
				  "accounting to be enabled\n");
		__atomic_store_n(&sc->acct, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static uint64_t ld(const _Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static bool connbytes_match(const struct pkt *pkt, const void *data,
			    struct xt_action *act)
{
	const struct connbytes_info *info = data;
	const struct ct_conn *ct = pkt->ct;
	uint64_t what = 0, pkts = 0, bytes = 0;

	(void)act;
	if (!ct)
		return false;
	switch (info->direction) {
	case DIR_ORIGINAL:
		pkts = ld(&ct->packets[CT_DIR_ORIGINAL]);
		bytes = ld(&ct->bytes[CT_DIR_ORIGINAL]);
		break;
	case DIR_REPLY:
		pkts = ld(&ct->packets[CT_DIR_REPLY]);
		bytes = ld(&ct->bytes[CT_DIR_REPLY]);
		break;
	default:
		pkts = ld(&ct->packets[CT_DIR_ORIGINAL]) +
		       ld(&ct->packets[CT_DIR_REPLY]);
		bytes = ld(&ct->bytes[CT_DIR_ORIGINAL]) +
			ld(&ct->bytes[CT_DIR_REPLY]);
		break;
	}
	switch (info->what) {
	case MODE_PKTS:
		what = pkts;
		break;
	case MODE_BYTES:
		what = bytes;
		break;
	default:
		what = pkts ? bytes / pkts : 0;
		break;
	}
	if (info->to >= info->from)
		return what <= info->to && what >= info->from;
	return what < info->to || what > info->from;
}

static const char connbytes_help[] =
	"connbytes match options:\n"
	" [!] --connbytes from:[to]\n"
	"     --connbytes-dir [original, reply, both]\n"
	"     --connbytes-mode [packets, bytes, avgpkt]\n";

static const struct xt_ext_ops connbytes_match_ops = {
	.name = "connbytes",
	.help = connbytes_help,
	.size = sizeof(struct connbytes_info),
	.opts = connbytes_opts,
	.parse = connbytes_parse,
	.final_check = connbytes_final_check,
	.save = connbytes_save,
	.print = connbytes_print,
	.check = connbytes_check,
	.match = connbytes_match,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&connbytes_match_ops);
}
