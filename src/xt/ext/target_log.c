// SPDX-License-Identifier: MIT
/*
 * LOG target (libxt_LOG + the kernel's xt_LOG with nf_log_syslog): writes
 * one kernel-format line about the packet to the net's log sink at the
 * chosen syslog level and lets the packet continue. Options: --log-level
 * (number or name), --log-prefix (29 characters kept), --log-tcp-sequence,
 * --log-tcp-options, --log-ip-options, --log-uid, --log-macdecode. Valid
 * in every table and chain. parse/save/print/check are control path;
 * target() is data path: it formats on the stack and calls the sink, it
 * never changes the packet.
 */
#include "xt/ext.h"

#include <errno.h>
#include <string.h>

#include "base/compiler.h"
#include "base/log.h"
#include "core/net.h"
#include "xt/log.h"

#define LOG_PREFIX_SIZE 30       /* struct xt_log_info's prefix[30] */
#define LOG_DEFAULT_LEVEL 4      /* LOG_WARNING */

struct log_info {
	uint8_t level;
	uint8_t logflags;        /* XT_LOG_* */
	char prefix[LOG_PREFIX_SIZE];
};

enum {
	O_LOG_LEVEL = 0,
	O_LOG_PREFIX,
	O_LOG_TCPSEQ,
	O_LOG_TCPOPT,
	O_LOG_IPOPT,
	O_LOG_UID,
	O_LOG_MAC,
};

static const struct xt_option log_opts[] = {
	{ "log-level", O_LOG_LEVEL, XTO_ARG | XTO_ONCE },
	{ "log-prefix", O_LOG_PREFIX, XTO_ARG | XTO_ONCE },
	{ "log-tcp-sequence", O_LOG_TCPSEQ, XTO_ONCE },
	{ "log-tcp-options", O_LOG_TCPOPT, XTO_ONCE },
	{ "log-ip-options", O_LOG_IPOPT, XTO_ONCE },
	{ "log-uid", O_LOG_UID, XTO_ONCE },
	{ "log-macdecode", O_LOG_MAC, XTO_ONCE },
	{ NULL },
};

/* libxtables' xtopt_sysloglevel (no "err", no "warn": as 1.8.9). */
static const struct {
	const char *name;
	uint8_t level;
} level_names[] = {
	{ "alert", 1 }, { "crit", 2 }, { "debug", 7 }, { "emerg", 0 },
	{ "error", 3 }, { "info", 6 }, { "notice", 5 }, { "panic", 0 },
	{ "warning", 4 },
};

/* libxt_LOG's print names: the kernel's syslog names. */
static const char *const level_print[8] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
};

static void log_init(void *data)
{
	struct log_info *info = data;

	info->level = LOG_DEFAULT_LEVEL;
}

static int log_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		     bool invert, void *data)
{
	struct log_info *info = data;
	uint64_t v = 0;
	size_t i, n;

	switch (id) {
	case O_LOG_LEVEL:
		if (!xt_strtoui(arg, NULL, &v, 0, 7)) {
			info->level = (uint8_t)v;
			return 0;
		}
		for (i = 0; i < ARRAY_SIZE(level_names); i++) {
			if (!strcmp(arg, level_names[i].name)) {
				info->level = level_names[i].level;
				return 0;
			}
		}
		return xt_perr(ctx, "log level \"%s\" unknown\n", arg);
	case O_LOG_PREFIX:
		n = strlen(arg);
		if (n < 1)
			return xt_perr(ctx, "Argument must have a minimum "
				       "length of 1 characters\n");
		/* libxtables keeps what fits in prefix[30], silently. */
		if (n >= LOG_PREFIX_SIZE)
			n = LOG_PREFIX_SIZE - 1;
		memcpy(info->prefix, arg, n);
		info->prefix[n] = '\0';
		if (strchr(arg, '\n'))
			return xt_perr(ctx, "Newlines not allowed in "
				       "--log-prefix");
		return 0;
	case O_LOG_TCPSEQ:
		info->logflags |= XT_LOG_TCPSEQ;
		return 0;
	case O_LOG_TCPOPT:
		info->logflags |= XT_LOG_TCPOPT;
		return 0;
	case O_LOG_IPOPT:
		info->logflags |= XT_LOG_IPOPT;
		return 0;
	case O_LOG_UID:
		info->logflags |= XT_LOG_UID;
		return 0;
	case O_LOG_MAC:
		info->logflags |= XT_LOG_MACDECODE;
		return 0;
	}
	return xt_perr(ctx, "LOG: unknown option");
}

static void log_save(const void *data, const struct xt_ip *ip,
		     struct sbuf *sb)
{
	const struct log_info *info = data;

	if (info->prefix[0]) {
		sbuf_adds(sb, " --log-prefix");
		xt_save_string(sb, info->prefix);
	}
	if (info->level != LOG_DEFAULT_LEVEL)
		sbuf_addf(sb, " --log-level %d", info->level);
	if (info->logflags & XT_LOG_TCPSEQ)
		sbuf_adds(sb, " --log-tcp-sequence");
	if (info->logflags & XT_LOG_TCPOPT)
		sbuf_adds(sb, " --log-tcp-options");
	if (info->logflags & XT_LOG_IPOPT)
		sbuf_adds(sb, " --log-ip-options");
	if (info->logflags & XT_LOG_UID)
		sbuf_adds(sb, " --log-uid");
	if (info->logflags & XT_LOG_MACDECODE)
		sbuf_adds(sb, " --log-macdecode");
}

static void log_print(const void *data, const struct xt_ip *ip, bool numeric,
		      struct sbuf *sb)
{
	const struct log_info *info = data;

	sbuf_adds(sb, " LOG");
	if (numeric) {
		sbuf_addf(sb, " flags %u level %u", info->logflags,
			  info->level);
	} else {
		if (info->level < 8)
			sbuf_addf(sb, " level %s", level_print[info->level]);
		else
			sbuf_addf(sb, " UNKNOWN level %u", info->level);
		if (info->logflags & XT_LOG_TCPSEQ)
			sbuf_adds(sb, " tcp-sequence");
		if (info->logflags & XT_LOG_TCPOPT)
			sbuf_adds(sb, " tcp-options");
		if (info->logflags & XT_LOG_IPOPT)
			sbuf_adds(sb, " ip-options");
		if (info->logflags & XT_LOG_UID)
			sbuf_adds(sb, " uid");
		if (info->logflags & XT_LOG_MACDECODE)
			sbuf_adds(sb, " macdecode");
	}
	if (info->prefix[0])
		sbuf_addf(sb, " prefix \"%s\"", info->prefix);
}

/* The kernel's log_tg_check(). */
static int log_check(const struct xt_check_ctx *ctx, const void *data)
{
	const struct log_info *info = data;

	if (info->level >= 8)
		return -EINVAL;
	if (memchr(info->prefix, '\0', sizeof(info->prefix)) == NULL)
		return -EINVAL;
	return 0;
}

static unsigned log_target(struct pkt *pkt, const void *data,
			   struct xt_action *act)
{
	const struct log_info *info = data;
	char line[1024];
	size_t plen;

	if (!act->net || !act->net->log.write)
		return XT_CONTINUE;
	plen = strnlen(info->prefix, sizeof(info->prefix) - 1);
	memcpy(line, info->prefix, plen);
	xt_log_format_buf(line + plen, sizeof(line) - plen, plen, pkt,
			  act->in, act->out, info->logflags);
	ns_log(&act->net->log, info->level, "%s", line);
	return XT_CONTINUE;
}

/* The help text 1.8.9 prints for -h after -j LOG. */
static const char log_help[] =
	"LOG target options:\n"
	" --log-level level\t\tLevel of logging (numeric or see syslog.conf)\n"
	" --log-prefix prefix\t\tPrefix log messages with this prefix.\n"
	" --log-tcp-sequence\t\tLog TCP sequence numbers.\n"
	" --log-tcp-options\t\tLog TCP options.\n"
	" --log-ip-options\t\tLog IP options.\n"
	" --log-uid\t\t\tLog UID owning the local socket.\n"
	" --log-macdecode\t\tDecode MAC addresses and protocol.\n";

static const struct xt_ext_ops log_target_ops = {
	.name = "LOG",
	.help = log_help,
	.is_target = true,
	.size = sizeof(struct log_info),
	.opts = log_opts,
	.init = log_init,
	.parse = log_parse,
	.save = log_save,
	.print = log_print,
	.check = log_check,
	.target = log_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&log_target_ops);
}
