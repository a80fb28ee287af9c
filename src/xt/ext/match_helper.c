// SPDX-License-Identifier: MIT
/*
 * The "helper" match: libxt_helper's [!] --helper NAME (at most 29
 * characters kept, as struct xt_helper_info's 30-byte name) and the
 * kernel's helper_mt() from xt_helper.c, which looks at the helper of the
 * packet's connection's master (a RELATED connection an expectation
 * created), by name ("" for any). parse/save/print/check are
 * control path (check turns tracking on); match() is data path and reads
 * pkt->ct only.
 */
#include "xt/ext.h"

#include <string.h>

#include "base/compiler.h"
#include "ct/ct.h"
#include "pkt/pkt.h"

enum { O_HELPER };

/* The kernel's struct xt_helper_info. */
struct helper_info {
	int invert;
	char name[30];
};

static const struct xt_option helper_opts[] = {
	{ "helper", O_HELPER, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL },
};

static int helper_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			bool invert, void *data)
{
	struct helper_info *info = data;
	size_t z = strlen(arg);

	(void)ctx;
	(void)id;
	/* XTOPT_PUT into name[30]: longer names are cut. */
	if (z >= sizeof(info->name))
		z = sizeof(info->name) - 1;
	memcpy(info->name, arg, z);
	info->name[z] = '\0';
	if (invert)
		info->invert = 1;
	return 0;
}

static const struct xt_fcheck helper_fcheck[] = {
	{ "helper", O_HELPER, true, 0, 0 },
	{ NULL },
};

static int helper_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			      void *data)
{
	(void)data;
	return xt_fcheck(ctx, "helper", helper_fcheck, seen);
}

static void helper_save(const void *data, const struct xt_ip *ip,
			struct sbuf *sb)
{
	const struct helper_info *info = data;

	(void)ip;
	sbuf_addf(sb, "%s --helper", info->invert ? " !" : "");
	xt_save_string(sb, info->name);
}

static void helper_print(const void *data, const struct xt_ip *ip,
			 bool numeric, struct sbuf *sb)
{
	const struct helper_info *info = data;

	(void)ip;
	(void)numeric;
	sbuf_addf(sb, " helper match %s\"%s\"", info->invert ? "! " : "",
		  info->name);
}

/* helper_mt_check(): nf_ct_netns_get(). */
static int helper_check(const struct xt_check_ctx *ctx, const void *data)
{
	(void)data;
	return ctx->net ? ct_net_enable(ctx->net) : 0;
}

/*
 * helper_mt(): no connection, no master or a master without helper gives
 * "no match" before '!' is applied.
 */
static bool helper_match(const struct pkt *pkt, const void *data,
			 struct xt_action *act)
{
	const struct helper_info *info = data;
	const struct ct_conn *ct = pkt->ct;
	const struct ct_conn *master;

	(void)act;
	if (!ct)
		return info->invert;
	master = ct->master;
	if (!master)
		return info->invert;
	if (!master->helper)
		return info->invert;
	/* "" matches any helper; else the helper's name, compared over
	 * its own length as the kernel does. */
	if (info->name[0] == '\0')
		return !info->invert;
	return info->invert ^ !strncmp(master->helper->name, info->name,
				       strlen(master->helper->name));
}

static const char helper_help[] =
	"helper match options:\n"
	"[!] --helper string        Match helper identified by string\n";

static const struct xt_ext_ops helper_match_ops = {
	.name = "helper",
	.help = helper_help,
	.size = sizeof(struct helper_info),
	.opts = helper_opts,
	.parse = helper_parse,
	.final_check = helper_final_check,
	.save = helper_save,
	.print = helper_print,
	.check = helper_check,
	.match = helper_match,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&helper_match_ops);
}
