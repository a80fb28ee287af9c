/* SPDX-License-Identifier: MIT */
/*
 * The extension ABI: one `struct xt_ext_ops` per match or target, in its own
 * file under src/xt/ext/, registered from a constructor. It plays both parts
 * that iptables splits between libxt_NAME.so (parse, print, save) and the
 * kernel's xt_NAME.ko (checkentry, match/target):
 *
 *   control path: init -> parse (once per option) -> final_check   (tool)
 *                 check (kernel's checkentry, at commit, knows hooks)
 *                 state_create/state_destroy (per ruleset generation)
 *                 save/print (iptables-save / iptables -L text)
 *   data path:    match / target
 *
 * Texts are byte-for-byte what the iptables extension prints: save() writes
 * e.g. " --dport 80" and print() e.g. " tcp dpt:80", leading spaces included.
 */
#ifndef NS_XT_EXT_H
#define NS_XT_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/sbuf.h"
#include "pkt/pkt.h"

struct net;
struct netdev;
struct pkt;
struct xt_ext_ops;

/* XT_CONTINUE: a target lets the packet go on to the next rule. */
#define XT_CONTINUE 0xFFFFFFFFu

enum xt_table_id {
	XT_TABLE_RAW,
	XT_TABLE_MANGLE,
	XT_TABLE_NAT,       /* arrives with the NAT issue */
	XT_TABLE_FILTER,
	XT_TABLE_SECURITY,
	XT_TABLE_MAX
};

/* struct ipt_ip: the part of a rule every rule has (-s -d -i -o -p -f). */
#define XT_INV_VIA_IN   0x01
#define XT_INV_VIA_OUT  0x02
#define XT_INV_TOS      0x04
#define XT_INV_SRCIP    0x08
#define XT_INV_DSTIP    0x10
#define XT_INV_FRAG     0x20
#define XT_INV_PROTO    0x40
#define XT_F_FRAG       0x01
#define XT_F_GOTO       0x02

struct xt_ip {
	/* family-neutral; IPv4 rules read .ip (network byte order) */
	struct ns_addr src, smsk;
	struct ns_addr dst, dmsk;
	char iniface[16];        /* without the '+' */
	char outiface[16];
	bool in_wild, out_wild;  /* name ended in '+' */
	uint16_t proto;          /* 0: all */
	uint8_t flags;           /* XT_F_* */
	uint8_t invflags;        /* XT_INV_* */
};

/* Option table of an extension (getopt_long style). */
enum xt_opt_flags {
	XTO_ARG = 1 << 0,       /* takes an argument */
	XTO_INVERT = 1 << 1,    /* may be preceded by '!' */
	XTO_ONCE = 1 << 2,      /* may be given once per rule */
	/*
	 * Takes two arguments, as tcp's "--tcp-flags MASK COMP". The rule
	 * parser hands parse() both words joined by one space ("SYN,ACK
	 * SYN") when the word after the first exists and does not start with
	 * '-' or '!' (iptables' own test), else the first word alone; the
	 * extension then reports its own "requires two args" error. Set
	 * together with XTO_ARG.
	 */
	XTO_ARG2 = 1 << 3,
	/*
	 * Takes an optional argument the way old-style libxtables parsers
	 * peek at argv[optind] (libxt_rateest's "--rateest-bps1 [bps]"):
	 * parse() gets the next word when it exists and does not start with
	 * '-' or '!', else NULL. Not together with XTO_ARG.
	 */
	XTO_OPTARG = 1 << 4,
};

struct xt_option {
	const char *name;       /* without dashes: "dport" */
	int id;                 /* 0..31, the bit in final_check's `seen` */
	unsigned flags;         /* enum xt_opt_flags */
};

/* What parse/final_check may look at and how they report a problem. */
struct xt_parse_ctx {
	const struct xt_ip *ip;  /* the rule so far (-p is known) */
	const char *table;       /* "filter", ... */
	const char *chain;       /* chain named by -A/-I/... */
	struct sbuf *err;        /* iptables' message, no program prefix */
	int exit_code;           /* 2 (PARAMETER_PROBLEM) unless set to 1 */
	struct sbuf *warn;       /* stderr lines printed at once, before any
				  * error (NULL: dropped) */
};

/* Set ctx->err with a printf-style message; returns -1 for convenience. */
int xt_perr(struct xt_parse_ctx *ctx, const char *fmt, ...) NS_PRINTF(2, 3);

/* What check (the kernel's checkentry) sees at commit time. */
struct xt_check_ctx {
	const char *table;
	const char *chain;
	unsigned hook_mask;       /* hooks from which the rule is reachable */
	const struct xt_ip *ip;
	struct sbuf *msg;         /* the kernel's dmesg line, optional */
	/*
	 * The net the ruleset is for (the kernel's par->net), e.g. for
	 * ct_net_enable(); NULL in unit tests that check a rule alone.
	 */
	struct net *net;
	/*
	 * check() sets *unsupported when it refuses what netsieve does not
	 * implement yet ("the CT target's --ctevents"): the tools add their
	 * "not supported yet" line after the kernel's error. May be NULL.
	 */
	const char **unsupported;
	const void *rule;         /* the rule checked (xt_check_match()),
				   * NULL when there is none */
};

/*
 * The i-th match of the rule a check looks at (the kernel's
 * xt_ematch_foreach, for checkentries that look at the other matches, as
 * TCPMSS's): its data, with *ops set, or NULL past the last one or when
 * ctx has no rule. Control path.
 */
const void *xt_check_match(const struct xt_check_ctx *ctx, unsigned i,
			   const struct xt_ext_ops **ops);

/* What match/target see on the data path (the kernel's xt_action_param). */
struct xt_action {
	struct net *net;
	const struct netdev *in, *out;
	int hook;                /* enum ns_hook */
	const char *table;       /* for LOG/TRACE */
	const char *chain;
	unsigned rulenum;
	void *state;             /* this rule's per-generation state */
	bool hotdrop;            /* a match asks to drop the packet now */
};

struct xt_ext_ops {
	const char *name;        /* "tcp", "REJECT" */
	bool is_target;          /* a target (-j) rather than a match (-m) */
	/*
	 * An extension iptables has and netsieve does not implement yet
	 * (ext/unsupported.c): it loads and parses as libxtables does when
	 * the kernel module is missing (with its warning), and the commit
	 * refuses it as the kernel does (ENOENT). The tools add one line
	 * saying it is not supported yet.
	 */
	bool unsupported;
	const char *real_name;   /* the kernel's name, if not name (alias) */
	const char *notice;      /* printed (stderr) each time it loads */
	size_t size;             /* bytes of per-rule data (zeroed, then init) */
	const struct xt_option *opts; /* terminated by { NULL } */
	const char *help;        /* -h's section; NULL: "takes no options" */

	/* Tool side. */
	void (*init)(void *data);
	int (*parse)(struct xt_parse_ctx *ctx, int id, const char *arg,
		     bool invert, void *data);
	int (*final_check)(struct xt_parse_ctx *ctx, unsigned seen,
			   void *data);
	void (*save)(const void *data, const struct xt_ip *ip,
		     struct sbuf *sb);
	void (*print)(const void *data, const struct xt_ip *ip, bool numeric,
		      struct sbuf *sb);

	/* Kernel side. */
	uint16_t proto;          /* -p this (not inverted) is required; 0: any */
	unsigned hooks;          /* allowed hooks (1 << NS_INET_*); 0: any */
	const char *table;       /* only in this table; NULL: any */
	int (*check)(const struct xt_check_ctx *ctx, const void *data);
	int (*state_create)(const void *data, void **state);
	/*
	 * As state_create, for state that lives in the namespace rather than
	 * in one ruleset generation (RATEEST's named estimators): called
	 * instead of state_create when set, on the control path under
	 * net->ctl_lock, in rule order (matches, then the target), so a
	 * later rule sees what an earlier one created, as the kernel's
	 * checkentries do. -ENOENT reads "No chain/target/match by that
	 * name". state_destroy undoes it.
	 */
	int (*net_state_create)(struct net *net, const void *data,
				void **state);
	void (*state_destroy)(void *state);
	bool (*match)(const struct pkt *pkt, const void *data,
		      struct xt_action *act);
	/*
	 * What the compiled classifier (doc/classifier.md) may know of a
	 * match. cls_pure: match() writes nothing (no state, no counter,
	 * no random draw) and its result depends on the packet alone, so
	 * running it where the linear scan would not have run it changes
	 * nothing but act->hotdrop. A rule with a match that is not pure
	 * (limit, statistic, connlimit, ...) is evaluated by the linear
	 * scan at its own position. cls_ports (NULL: nothing to say):
	 * the source and destination port ranges a packet must fall in
	 * for match() to return true; given a packet that is no fragment
	 * and whose TCP (20 bytes) or UDP (8 bytes) header is whole,
	 * match() must return false without hotdrop when a port is
	 * outside them. It narrows sport and dport (filled with 0..65535
	 * by the caller) and leaves an inverted range wide. Control path.
	 */
	bool cls_pure;
	void (*cls_ports)(const void *data, uint16_t sport[2],
			  uint16_t dport[2]);
	unsigned (*target)(struct pkt *pkt, const void *data,
			   struct xt_action *act);
};

void xt_ext_register(const struct xt_ext_ops *ops);
const struct xt_ext_ops *xt_match_find(const char *name);
const struct xt_ext_ops *xt_target_find(const char *name);
/*
 * Whether iptables 1.8.9 ships a match (target: a target) of that name that
 * netsieve neither implements nor registers as unsupported: refused by
 * name, with netsieve's "not supported yet" line (ext/unsupported.c).
 */
bool xt_ext_iptables_has(const char *name, bool target);

/* Helpers shared by extensions (src/xt/ext/util.c). */
/* Parse an unsigned in [min,max]; base 0 (dec/hex/oct). 0 or -1. */
int xt_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Port by number or service name for proto ("tcp"/"udp"); -1 if unknown. */
int xt_parse_port(const char *s, const char *proto);
/* "value[/mask]" as mark/TOS use; 0 or -1. */
int xt_parse_val_mask(const char *s, uint32_t *val, uint32_t *mask,
		      uint32_t max);

/*
 * libxtables' number parsing (xtables_strtoul_base): leading blanks and '+'
 * allowed, '-' refused, base 0 (dec/hex/oct), at least one digit, value in
 * [min,max]. With end != NULL the number may be followed by anything and
 * *end points there; with end == NULL the whole string must be the number.
 * Returns 0 or -1.
 */
int xt_strtoui(const char *s, char **end, uint64_t *out, uint64_t min,
	       uint64_t max);
/*
 * An XTTYPE_UINT* option argument: xt_strtoui() on the whole string, and on
 * failure libxtables' message "EXT: bad value for option "--OPT", or out
 * of range (MIN-MAX).\n". Returns 0 or -1.
 */
int xt_parse_uint_opt(struct xt_parse_ctx *ctx, const char *ext,
		      const char *opt, const char *arg, uint64_t min,
		      uint64_t max, uint64_t *out);

/*
 * An XTTYPE_UINT32RC/UINT64RC option argument (xtopt_parse_mint): "a",
 * "a:b", "a:" (b = max), ":b" (a = 0), each part as xt_strtoui reads it
 * in [0,max]. Fills r[0..n-1] and returns n (1 or 2), or -1 with
 * libxtables' message ("EXT: bad value for option "--OPT" near "X", or
 * out of range (0-MAX).", "Too many components", "unexpected
 * characters").
 */
int xt_parse_range_opt(struct xt_parse_ctx *ctx, const char *ext,
		       const char *opt, const char *arg, uint64_t max,
		       uint64_t r[2]);

/*
 * libxtables' generic final check (xtables_options_fcheck), for the option
 * rules struct xt_option cannot express: one row per option in the order
 * of the extension's option table (the order decides which message wins).
 * Messages, with their trailing newline as libxtables prints them:
 *   EXT: option "--A" must be specified\n
 *   EXT: option "--A" also requires "--B".\n
 *   EXT: option "--A" cannot be used together with "--B".\n
 * Call it after the extension's own checks, as libxtables does.
 */
struct xt_fcheck {
	const char *name;        /* option name without dashes; NULL ends */
	int id;
	bool mand;               /* XTOPT_MAND */
	unsigned also;           /* bits (1 << id) this option requires */
	unsigned excl;           /* bits it cannot be combined with */
};
int xt_fcheck(struct xt_parse_ctx *ctx, const char *ext,
	      const struct xt_fcheck *tab, unsigned seen);
/*
 * xtables_parse_port(): a number as xt_strtoui reads it (0..65535) or a
 * service name for proto ("tcp", "udp", ..., NULL: any). -1 if neither.
 */
int xt_ipt_parse_port(const char *s, const char *proto);
/*
 * The name of port for proto as `iptables -L` shows it (getservbyport), or
 * NULL when /etc/services has none. Control path, not thread safe.
 */
const char *xt_port_to_service(uint16_t port, const char *proto);
/*
 * tcp/udp save and print of a port range p[0]..p[1] with its '!': appends
 * " --OPT a[:b]" (nothing for the full range unless inverted) and
 * " NAME:[!]a" / " NAMEs:[!]a:b" (NAME "spt"/"dpt"; service names for proto
 * unless numeric).
 */
/* A port as -L shows it: its service name for proto, or the number. */
void xt_print_port(struct sbuf *sb, uint16_t port, bool numeric,
		   const char *proto);
void xt_save_port_range(struct sbuf *sb, const char *opt, const uint16_t p[2],
			bool inv);
void xt_print_port_range(struct sbuf *sb, const char *name,
			 const uint16_t p[2], bool inv, bool numeric,
			 const char *proto);
/*
 * xtables_numeric_to_ipaddr(): dotted quad with libxtables' rules (each
 * part as xt_strtoui reads it, base 0; fewer than four parts are padded
 * with zeros: "10.1" is 10.1.0.0). Address in network byte order. 0 or -1.
 */
int xt_parse_ipaddr(const char *s, uint32_t *addr);

/*
 * The prefix length of an IPv4 netmask (network byte order), or -1 for a
 * mask with holes (xtables_ipmask_to_cidr, the kernel's netmask2bits).
 */
int xt_mask_plen(uint32_t mask);
/*
 * xtables_save_string(): appends ' word' when s is non-empty and only
 * [A-Za-z0-9_-], else ' "..."' with each ", \ and ' escaped by a '\'.
 */
void xt_save_string(struct sbuf *sb, const char *s);
/*
 * xtables_parse_mark_mask() for option --opt of extension ext:
 * "value[/mask]" (mask defaults to 0xffffffff), with libxtables' messages
 * on error (via xt_perr, returns -1). 0 on success.
 */
int xt_parse_mark_mask(struct xt_parse_ctx *ctx, const char *ext,
		       const char *opt, const char *arg, uint32_t *val,
		       uint32_t *mask);

/*
 * The kernel's find_syn_match() for the data of a "tcp" match: its
 * --tcp-flags (or --syn) compare value has SYN and is not inverted
 * (src/xt/ext/match_tcp.c). Control path.
 */
bool xt_tcp_info_syn(const void *data);

/* DSCP class name (CS0..CS7, BE, AF11..AF43, EF) to value, as iptables
 * matches it; -1 if none (src/xt/ext/util.c). */
int xt_dscp_class(const char *name);

#endif
