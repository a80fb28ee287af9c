// SPDX-License-Identifier: MIT
/*
 * The "comment" match: libxt_comment's --comment TEXT (kept to 255 bytes,
 * as iptables does) and its save/print texts; the kernel's comment_mt()
 * always matches. Control path except match(), which reads nothing.
 */
#include "xt/ext.h"

#include <string.h>

#include "base/compiler.h"

#define COMMENT_LEN 256 /* XT_MAX_COMMENT_LEN, with the NUL */

enum { O_COMMENT };

struct comment_info {
	char comment[COMMENT_LEN];
};

static const struct xt_option comment_opts[] = {
	{ "comment", O_COMMENT, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static int comment_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			 bool invert, void *data)
{
	struct comment_info *info = data;
	size_t n = strlen(arg);

	/*
	 * iptables (1.8.9 and 1.8.11, see libxt_comment.t) cuts a longer
	 * comment to 255 bytes without a word; so does netsieve.
	 */
	if (n >= COMMENT_LEN)
		n = COMMENT_LEN - 1;
	memcpy(info->comment, arg, n);
	info->comment[n] = '\0';
	return 0;
}

static const struct xt_fcheck comment_fcheck[] = {
	{ "comment", O_COMMENT, true, 0, 0 }, /* XTOPT_MAND */
	{ NULL },
};

static int comment_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			       void *data)
{
	return xt_fcheck(ctx, "comment", comment_fcheck, seen);
}

static void comment_save(const void *data, const struct xt_ip *ip,
			 struct sbuf *sb)
{
	const struct comment_info *info = data;

	sbuf_adds(sb, " --comment");
	xt_save_string(sb, info->comment);
}

static void comment_print(const void *data, const struct xt_ip *ip,
			  bool numeric, struct sbuf *sb)
{
	const struct comment_info *info = data;

	sbuf_addf(sb, " /* %s */", info->comment);
}

/* Data path: comment_mt() matches every packet. */
static bool comment_match(const struct pkt *pkt, const void *data,
			  struct xt_action *act)
{
	return true;
}

/* The help text 1.8.9 prints for -h after -m comment. */
static const char comment_help[] =
	"comment match options:\n"
	"--comment COMMENT             Attach a comment to a rule\n";

static const struct xt_ext_ops comment_match_ops = {
	.name = "comment",
	.help = comment_help,
	.size = sizeof(struct comment_info),
	.opts = comment_opts,
	.parse = comment_parse,
	.final_check = comment_final_check,
	.save = comment_save,
	.print = comment_print,
	.match = comment_match,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&comment_match_ops);
}
