/* SPDX-License-Identifier: MIT */
/*
 * The iptables command's parsed form (struct parse), shared by the files of
 * the command and by no one else: cmd_parse.c turns argv into it,
 * cmd_list.c lists a table from it (-L, -S), cmd_apply.c changes a draft
 * table with it, and cmd.c runs the whole command (the table, the target,
 * which generation to read or change, the commit). Control path only,
 * under net->ctl_lock.
 */
#ifndef NS_XT_CMD_INT_H
#define NS_XT_CMD_INT_H

#include "xt/xt_int.h"

enum {
	CMD_INSERT = 1 << 0,
	CMD_DELETE = 1 << 1,
	CMD_DELETE_NUM = 1 << 2,
	CMD_REPLACE = 1 << 3,
	CMD_APPEND = 1 << 4,
	CMD_LIST = 1 << 5,
	CMD_FLUSH = 1 << 6,
	CMD_ZERO = 1 << 7,
	CMD_NEW_CHAIN = 1 << 8,
	CMD_DELETE_CHAIN = 1 << 9,
	CMD_SET_POLICY = 1 << 10,
	CMD_RENAME_CHAIN = 1 << 11,
	CMD_LIST_RULES = 1 << 12,
	CMD_ZERO_NUM = 1 << 13,
	CMD_CHECK = 1 << 14,
	NUMBER_OF_CMD = 15,
};

enum {
	OPT_NUMERIC = 1 << 0,
	OPT_SOURCE = 1 << 1,
	OPT_DESTINATION = 1 << 2,
	OPT_PROTOCOL = 1 << 3,
	OPT_JUMP = 1 << 4,
	OPT_VERBOSE = 1 << 5,
	OPT_EXPANDED = 1 << 6,
	OPT_VIANAMEIN = 1 << 7,
	OPT_VIANAMEOUT = 1 << 8,
	OPT_LINENUMBERS = 1 << 9,
	OPT_COUNTERS = 1 << 10,
	OPT_FRAGMENT = 1 << 11,
	NUMBER_OF_OPT = 12,
};

/* One iptables command as parsed, and where it runs. */
struct parse {
	struct xt_cmd_env *env;
	struct xt_err *e;
	int argc;
	char **argv;
	int optind;
	unsigned command;
	unsigned options;
	const char *chain;
	const char *newname;
	const char *policy;
	unsigned rulenum;
	const char *table;
	bool invert;
	int verbose;
	struct xt_rule *r;        /* the rule being parsed */
	const char *jumpto;
	bool have_target_ext;
	unsigned target_nm;       /* matches loaded before the target */
	char protocol[32];
	bool proto_used;
	const char *shost, *dhost;
	uint32_t *sa, *sm, *da, *dm;  /* parsed -s/-d (post_parse) */
	unsigned ns, nd;
	struct xt_cnt counters;
	bool extra_args;          /* words after "--" */
	int wait;                 /* -w seconds, -1 forever, 0 none */
	bool wait_interval;       /* -W given */
	bool ipv6_line;           /* restore: -6 ended the parse */
};

/*
 * do_parse() up to the table: the options and the extensions' own, their
 * final checks, -s/-d, which options go with which command, the chain
 * name and -i/-o against a built-in chain. p->env, p->e, p->argc, p->argv,
 * p->table and p->r are set by the caller. Returns 0, 'h' (-h: print the
 * help), 'V' (-V: print the version) or -1 with p->e filled.
 */
int xt_cmd_parse(struct parse *p);

/*
 * -L (list_entries4) and -S (list_rules4) of table t of generation g, to
 * p->env->out. g may be published (never written) or a draft whose
 * references are counted. Return 0 or -1 with p->e filled.
 */
int xt_cmd_list_entries(struct parse *p, const struct xt_gen *g,
			const struct xt_table *t);
int xt_cmd_list_rules(struct parse *p, const struct xt_gen *g,
		      const struct xt_table *t);

/*
 * Apply a changing command (rules, chains, policies, zeroing) to table t
 * of a draft. Returns 0 or -1 with p->e filled; on -1 the draft may be
 * half changed and the caller throws it away.
 */
int xt_cmd_apply(struct parse *p, struct xt_table *t);

#endif
