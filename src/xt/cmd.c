// SPDX-License-Identifier: MIT
/*
 * The iptables command (iptables-legacy 1.8.9's do_parse + do_command4):
 * argv -> a parsed command and rule -> a change to a draft generation, or a
 * listing of the published one. Used by `iptables` (one draft per command,
 * committed at the end) and by iptables-restore (one draft per table
 * block). Control path only, under net->ctl_lock.
 */
#include "xt/xt_int.h"

#include "xt/xt.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

static const char cmdflags[] = "IDDRALFZNXPESZC";

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

static const char *const optflags[NUMBER_OF_OPT] = {
	"-n", "-s", "-d", "-p", "-j", "-v", "-x", "-i", "-o",
	"-0", "-c", "-f",
};

static const uint8_t inverse_for_options[NUMBER_OF_OPT] = {
	0, XT_INV_SRCIP, XT_INV_DSTIP, XT_INV_PROTO, 0, 0, 0, XT_INV_VIA_IN,
	XT_INV_VIA_OUT, 0, 0, XT_INV_FRAG,
};

static const char commands_v_options[NUMBER_OF_CMD][NUMBER_OF_OPT] = {
	/*     -n  -s  -d  -p  -j  -v  -x  -i  -o --line -c -f */
	/*INSERT*/    {'x',' ',' ',' ',' ',' ','x',' ',' ','x',' ',' '},
	/*DELETE*/    {'x',' ',' ',' ',' ',' ','x',' ',' ','x',' ',' '},
	/*DELETE_NUM*/{'x','x','x','x','x',' ','x','x','x','x','x','x'},
	/*REPLACE*/   {'x',' ',' ',' ',' ',' ','x',' ',' ','x',' ',' '},
	/*APPEND*/    {'x',' ',' ',' ',' ',' ','x',' ',' ','x',' ',' '},
	/*LIST*/      {' ','x','x','x','x',' ',' ','x','x',' ','x','x'},
	/*FLUSH*/     {'x','x','x','x','x',' ','x','x','x','x','x','x'},
	/*ZERO*/      {'x','x','x','x','x',' ','x','x','x','x','x','x'},
	/*NEW_CHAIN*/ {'x','x','x','x','x',' ','x','x','x','x','x','x'},
	/*DEL_CHAIN*/ {'x','x','x','x','x',' ','x','x','x','x','x','x'},
	/*SET_POLICY*/{'x','x','x','x','x',' ','x','x','x','x',' ','x'},
	/*RENAME*/    {'x','x','x','x','x',' ','x','x','x','x','x','x'},
	/*LIST_RULES*/{'x','x','x','x','x',' ','x','x','x','x','x','x'},
	/*ZERO_NUM*/  {'x','x','x','x','x',' ','x','x','x','x','x','x'},
	/*CHECK*/     {'x',' ',' ',' ',' ',' ','x',' ',' ','x','x',' '},
};

/* The base long options (iptables' original_opts). */
enum { A_NONE, A_REQ, A_OPT };
static const struct {
	const char *name;
	int code;
	int arg;
} base_opts[] = {
	{ "append", 'A', A_REQ }, { "delete", 'D', A_REQ },
	{ "check", 'C', A_REQ }, { "insert", 'I', A_REQ },
	{ "replace", 'R', A_REQ }, { "list", 'L', A_OPT },
	{ "list-rules", 'S', A_OPT }, { "flush", 'F', A_OPT },
	{ "zero", 'Z', A_OPT }, { "new-chain", 'N', A_REQ },
	{ "delete-chain", 'X', A_OPT }, { "rename-chain", 'E', A_REQ },
	{ "policy", 'P', A_REQ }, { "source", 's', A_REQ },
	{ "destination", 'd', A_REQ }, { "src", 's', A_REQ },
	{ "dst", 'd', A_REQ }, { "protocol", 'p', A_REQ },
	{ "in-interface", 'i', A_REQ }, { "jump", 'j', A_REQ },
	{ "table", 't', A_REQ }, { "match", 'm', A_REQ },
	{ "numeric", 'n', A_NONE }, { "out-interface", 'o', A_REQ },
	{ "verbose", 'v', A_NONE }, { "wait", 'w', A_OPT },
	{ "wait-interval", 'W', A_OPT }, { "exact", 'x', A_NONE },
	{ "fragments", 'f', A_NONE }, { "fragment", 'f', A_NONE },
	{ "version", 'V', A_NONE }, { "help", 'h', A_OPT },
	{ "line-numbers", '0', A_NONE }, { "modprobe", 'M', A_REQ },
	{ "set-counters", 'c', A_REQ }, { "goto", 'g', A_REQ },
	{ "ipv4", '4', A_NONE }, { "ipv6", '6', A_NONE },
};

/* Short options: letter -> argument kind (iptables' optstring). */
static int short_arg(int c)
{
	switch (c) {
	case 'A': case 'C': case 'D': case 'R': case 'I': case 'N':
	case 'E': case 'P': case 'o': case 'p': case 's': case 'd':
	case 'j': case 'i': case 't': case 'm': case 'c': case 'g':
	case 'M':
		return A_REQ;
	case 'L': case 'S': case 'F': case 'Z': case 'X': case 'h':
	case 'w': case 'W':
		return A_OPT;
	case 'V': case 'b': case 'v': case 'n': case 'x': case '4':
	case '6': case 'f':
		return A_NONE;
	}
	return -1;
}

#define MAX_MATCHES 64

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
};

static int perr(struct parse *p, const char *fmt, ...) NS_PRINTF(2, 3);
static int perr(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	p->e->kind = XT_E_PARAM;
	sbuf_reset(&p->e->msg);
	sbuf_adds(&p->e->msg, "");
	va_start(ap, fmt);
	sbuf_vaddf(&p->e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

static char cmd2char(unsigned cmd)
{
	int i;

	for (i = 0; i < NUMBER_OF_CMD; i++)
		if (cmd & (1u << i))
			return cmdflags[i];
	return '?';
}

static int add_command(struct parse *p, unsigned newcmd, unsigned other)
{
	if (p->invert)
		return perr(p, "unexpected '!' flag");
	if (p->command & ~other)
		return perr(p, "Cannot use -%c with -%c", cmd2char(newcmd),
			    cmd2char(p->command & ~other));
	p->command |= newcmd;
	return 0;
}

static int set_option(struct parse *p, unsigned opt)
{
	int i;

	for (i = 0; (1u << i) != opt; i++)
		;
	if (p->options & opt)
		return perr(p, "multiple %s flags not allowed", optflags[i]);
	p->options |= opt;
	if (p->invert) {
		if (!inverse_for_options[i])
			return perr(p, "cannot have ! before %s",
				    optflags[i]);
		p->r->ip.invflags |= inverse_for_options[i];
	}
	return 0;
}

/* xs_has_arg(): the next word is an argument, not an option. */
static bool has_arg(struct parse *p)
{
	return p->optind < p->argc && p->argv[p->optind][0] != '-' &&
	       p->argv[p->optind][0] != '!';
}

static int parse_rulenumber(struct parse *p, const char *s, unsigned *out)
{
	uint64_t v;

	if (xt_parse_uint(s, 1, 0x7fffffff, &v) || !isdigit((unsigned char)*s))
		return perr(p, "Invalid rule number `%s'", s);
	*out = (unsigned)v;
	return 0;
}

/* ---- extension loading and option dispatch -------------------------- */

static int mi_init(struct xt_mi *mi, const struct xt_ext_ops *ops)
{
	memset(mi, 0, sizeof(*mi));
	mi->ops = ops;
	mi->data = calloc(1, ops->size ? ops->size : 1);
	if (!mi->data)
		return -ENOMEM;
	if (ops->init)
		ops->init(mi->data);
	return 0;
}

static int load_match(struct parse *p, const struct xt_ext_ops *ops)
{
	struct xt_rule *r = p->r;
	struct xt_mi *nm;
	unsigned i;

	if (r->nm >= MAX_MATCHES)
		return perr(p, "too many matches");
	nm = realloc(r->m, (r->nm + 1) * sizeof(*nm));
	if (!nm)
		return xt_err_set(p->e, XT_E_OTHER, "can't alloc memory!");
	r->m = nm;
	for (i = 0; i < r->nm; i++)
		if (r->m[i].ops == ops)
			r->m[i].completed = true;
	if (mi_init(&r->m[r->nm], ops))
		return xt_err_set(p->e, XT_E_OTHER, "can't alloc memory!");
	r->nm++;
	return 0;
}

static const struct xt_option *opt_find(const struct xt_ext_ops *ops,
					const char *name, size_t len,
					bool exact)
{
	const struct xt_option *o;

	if (!ops || !ops->opts)
		return NULL;
	for (o = ops->opts; o->name; o++)
		if (!strncmp(o->name, name, len) &&
		    (!exact || o->name[len] == '\0'))
			return o;
	return NULL;
}

static struct xt_parse_ctx pctx(struct parse *p)
{
	struct xt_parse_ctx c = {
		.ip = &p->r->ip,
		.table = p->table,
		.chain = p->chain,
		.err = &p->e->msg,
		.exit_code = 2,
	};

	return c;
}

static int ext_error(struct parse *p, struct xt_parse_ctx *c)
{
	p->e->kind = c->exit_code == 1 ? XT_E_OTHER : XT_E_PARAM;
	if (!p->e->msg.len)
		sbuf_addf(&p->e->msg, "bad argument");
	return -1;
}

static int call_parse(struct parse *p, struct xt_mi *mi,
		      const struct xt_option *o, const char *arg)
{
	struct xt_parse_ctx c = pctx(p);
	const struct xt_option *first;

	/* xtables_option_lookup(): messages name the first entry of the
	 * table with the option's id (--destination-port for --dport). */
	for (first = mi->ops->opts; first->id != o->id; first++)
		;
	if ((o->flags & XTO_ONCE) && (mi->seen & (1u << o->id)))
		return perr(p, "%s: option \"--%s\" can only be used once.\n",
			    mi->ops->name, first->name);
	if (p->invert && !(o->flags & XTO_INVERT))
		return perr(p, "%s: option \"--%s\" cannot be inverted.\n",
			    mi->ops->name, first->name);
	mi->seen |= 1u << o->id;
	sbuf_reset(&p->e->msg);
	if (mi->ops->parse &&
	    mi->ops->parse(&c, o->id, arg, p->invert, mi->data))
		return ext_error(p, &c);
	return 0;
}

/* Which loaded extension owns --name; NULL if none. */
static struct xt_mi *ext_owner(struct parse *p, const char *name, size_t len,
			       const struct xt_option **op)
{
	unsigned i;
	int exact;

	/*
	 * libxtables merges a newly loaded extension's options in front of
	 * the older ones: the most recently loaded owner wins. The target
	 * was loaded after the first target_nm matches.
	 */
	for (exact = 1; exact >= 0; exact--) {
		for (i = p->r->nm; i-- > 0;) {
			if (p->have_target_ext && i + 1 == p->target_nm) {
				*op = opt_find(p->r->t.ops, name, len, exact);
				if (*op)
					return &p->r->t;
			}
			if (p->r->m[i].completed)
				continue;
			*op = opt_find(p->r->m[i].ops, name, len, exact);
			if (*op)
				return &p->r->m[i];
		}
		if (p->have_target_ext && p->target_nm == 0) {
			*op = opt_find(p->r->t.ops, name, len, exact);
			if (*op)
				return &p->r->t;
		}
	}
	return NULL;
}

/* The implicit match named after -p (iptables' load_proto()). */
static const struct xt_ext_ops *proto_match(struct parse *p)
{
	const char *name;
	unsigned i;

	if (!p->protocol[0])
		return NULL;
	name = xt_proto_name(p->r->ip.proto);
	if (!name)
		return NULL;
	for (i = 0; i < p->r->nm; i++)
		if (!strcmp(p->r->m[i].ops->name, name) && p->proto_used)
			return NULL;
	if (p->proto_used)
		return NULL;
	return xt_match_find(name);
}

static int do_option(struct parse *p, int c, const char *arg);

/*
 * Resolve --name as getopt_long does over the base options and every loaded
 * extension's options: an exact name, else a unique abbreviation (names
 * that stand for the same option count once). Returns 1 for a base option
 * (*code, *kind), 2 for an extension option (*mi, *o), 0 if unknown or
 * ambiguous.
 */
static int resolve_long(struct parse *p, const char *name, size_t len,
			int *code, int *kind, struct xt_mi **mi,
			const struct xt_option **o)
{
	const struct xt_ext_ops *seen_ops[MAX_MATCHES + 1];
	int seen_ids[MAX_MATCHES + 1];
	unsigned nseen = 0, i, k;
	int found = 0, bcode = -1;
	size_t b;

	for (b = 0; b < ARRAY_SIZE(base_opts); b++)
		if (!strncmp(base_opts[b].name, name, len) &&
		    !base_opts[b].name[len]) {
			*code = base_opts[b].code;
			*kind = base_opts[b].arg;
			return 1;
		}
	*mi = ext_owner(p, name, len, o);
	if (*mi && (*o)->name[len] == '\0')
		return 2;
	/* Abbreviations. */
	for (b = 0; b < ARRAY_SIZE(base_opts); b++) {
		if (strncmp(base_opts[b].name, name, len))
			continue;
		if (bcode == base_opts[b].code)
			continue;
		if (bcode >= 0)
			return 0;
		bcode = base_opts[b].code;
		*code = bcode;
		*kind = base_opts[b].arg;
		found = 1;
	}
	for (i = 0; i <= p->r->nm; i++) {
		const struct xt_ext_ops *ops;
		const struct xt_option *op;

		if (i == p->r->nm) {
			if (!p->have_target_ext)
				break;
			ops = p->r->t.ops;
		} else {
			ops = p->r->m[i].ops;
		}
		for (op = ops->opts; op && op->name; op++) {
			if (strncmp(op->name, name, len))
				continue;
			for (k = 0; k < nseen; k++)
				if (seen_ops[k] == ops && seen_ids[k] == op->id)
					break;
			if (k < nseen)
				continue;
			if (found || nseen >= MAX_MATCHES)
				return 0;
			seen_ops[nseen] = ops;
			seen_ids[nseen++] = op->id;
		}
	}
	if (found)
		return nseen ? 0 : 1;
	if (nseen != 1)
		return 0;
	*mi = ext_owner(p, name, len, o);
	return *mi ? 2 : 0;
}

static int long_option(struct parse *p, const char *word)
{
	const char *name = word + 2, *eq, *arg = NULL;
	const struct xt_option *o = NULL;
	const struct xt_ext_ops *pm;
	struct xt_mi *mi = NULL;
	int code = 0, kind = 0, r;
	size_t len;

	eq = strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	for (;;) {
		r = resolve_long(p, name, len, &code, &kind, &mi, &o);
		if (r)
			break;
		/* Unknown: try the match named after -p, once. */
		pm = proto_match(p);
		if (!pm)
			return perr(p, "unknown option \"%s\"", word);
		p->proto_used = true;
		if (load_match(p, pm))
			return -1;
	}
	if (r == 1) {
		if (eq)
			arg = eq + 1;
		if (kind == A_REQ && !arg) {
			if (p->optind >= p->argc)
				return perr(p, "option \"%s\" requires an "
					    "argument", word);
			arg = p->argv[p->optind++];
		}
		return do_option(p, code, arg);
	}
	if (o->flags & XTO_ARG) {
		if (eq) {
			arg = eq + 1;
		} else if (p->optind < p->argc) {
			arg = p->argv[p->optind++];
		} else {
			return perr(p, "option \"%s\" requires an argument",
				    word);
		}
	} else if (eq) {
		return perr(p, "unknown option \"%s\"", word);
	}
	if ((o->flags & XTO_ARG2) && has_arg(p)) {
		struct sbuf two = SBUF_INIT;
		int rc;

		sbuf_addf(&two, "%s %s", arg, p->argv[p->optind++]);
		rc = call_parse(p, mi, o, sbuf_str(&two));
		sbuf_free(&two);
		return rc;
	}
	return call_parse(p, mi, o, arg);
}

static int final_checks(struct parse *p)
{
	struct xt_parse_ctx c = pctx(p);
	unsigned i;

	for (i = 0; i < p->r->nm; i++) {
		struct xt_mi *mi = &p->r->m[i];

		sbuf_reset(&p->e->msg);
		if (mi->ops->final_check &&
		    mi->ops->final_check(&c, mi->seen, mi->data))
			return ext_error(p, &c);
	}
	if (p->have_target_ext && p->r->t.ops->final_check) {
		sbuf_reset(&p->e->msg);
		if (p->r->t.ops->final_check(&c, p->r->t.seen, p->r->t.data))
			return ext_error(p, &c);
	}
	return 0;
}

/* ---- one option ------------------------------------------------------ */

static int opt_chain_and_num(struct parse *p, const char *arg, unsigned cmd,
			     unsigned other, bool want_num)
{
	if (add_command(p, cmd, other))
		return -1;
	/* As do_parse: a later -Z/-L without a chain keeps the earlier one. */
	if (arg)
		p->chain = arg;
	else if (has_arg(p))
		p->chain = p->argv[p->optind++];
	if (want_num && has_arg(p)) {
		if (parse_rulenumber(p, p->argv[p->optind++], &p->rulenum))
			return -1;
		if (cmd == CMD_ZERO) {
			p->command &= ~CMD_ZERO;
			p->command |= CMD_ZERO_NUM;
		}
	}
	return 0;
}

static void warn(struct parse *p, const char *fmt, ...) NS_PRINTF(2, 3);
static void warn(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->env->warn)
		return;
	va_start(ap, fmt);
	sbuf_vaddf(p->env->warn, fmt, ap);
	va_end(ap);
}

/* xtables_parse_interface(): a name without '+' that the kernel refuses
 * (it still loads; the interface just never matches). */
static void iface_warn(struct parse *p, const char *name)
{
	size_t n = strlen(name);

	if (!n || name[n - 1] == '+')
		return;
	if (strchr(name, '/') || strchr(name, ' '))
		warn(p, "Warning: weird character in interface `%s' ('/' and "
		     "' ' are not allowed by the kernel).\n", name);
}

static bool has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return true;
	return false;
}

static int do_option(struct parse *p, int c, const char *arg)
{
	struct xt_rule *r = p->r;
	const struct xt_ext_ops *ops;
	uint64_t v;

	switch (c) {
	case 'A':
		if (add_command(p, CMD_APPEND, 0))
			return -1;
		p->chain = arg;
		return 0;
	case 'C':
		if (add_command(p, CMD_CHECK, 0))
			return -1;
		p->chain = arg;
		return 0;
	case 'D':
		if (add_command(p, CMD_DELETE, 0))
			return -1;
		p->chain = arg;
		if (has_arg(p)) {
			if (parse_rulenumber(p, p->argv[p->optind++],
					     &p->rulenum))
				return -1;
			p->command = CMD_DELETE_NUM;
		}
		return 0;
	case 'R':
		if (add_command(p, CMD_REPLACE, 0))
			return -1;
		p->chain = arg;
		if (!has_arg(p))
			return perr(p, "-%c requires a rule number", 'R');
		return parse_rulenumber(p, p->argv[p->optind++], &p->rulenum);
	case 'I':
		if (add_command(p, CMD_INSERT, 0))
			return -1;
		p->chain = arg;
		p->rulenum = 1;
		if (has_arg(p))
			return parse_rulenumber(p, p->argv[p->optind++],
						&p->rulenum);
		return 0;
	case 'L':
		return opt_chain_and_num(p, arg, CMD_LIST,
					 CMD_ZERO | CMD_ZERO_NUM, true);
	case 'S':
		return opt_chain_and_num(p, arg, CMD_LIST_RULES,
					 CMD_ZERO | CMD_ZERO_NUM, true);
	case 'F':
		return opt_chain_and_num(p, arg, CMD_FLUSH, 0, false);
	case 'Z':
		return opt_chain_and_num(p, arg, CMD_ZERO,
					 CMD_LIST | CMD_LIST_RULES, true);
	case 'N':
		/* parse_chain() */
		if (strlen(arg) >= XT_CHAIN_MAXLEN)
			return perr(p, "chain name `%s' too long (must be "
				    "under %u chars)", arg, XT_CHAIN_MAXLEN);
		if (arg[0] == '-' || arg[0] == '!')
			return perr(p, "chain name not allowed to start with "
				    "`%c'", arg[0]);
		/* xtables_find_target() takes "" for the standard target. */
		if (xt_target_find(arg) || !arg[0] ||
		    !strcmp(arg, "ACCEPT") || !strcmp(arg, "DROP") ||
		    !strcmp(arg, "RETURN") || !strcmp(arg, "QUEUE"))
			return perr(p, "chain name may not clash with target "
				    "name");
		if (has_space(arg))
			return perr(p, "Invalid chain name `%s'", arg);
		if (add_command(p, CMD_NEW_CHAIN, 0))
			return -1;
		p->chain = arg;
		return 0;
	case 'X':
		return opt_chain_and_num(p, arg, CMD_DELETE_CHAIN, 0, false);
	case 'E':
		if (add_command(p, CMD_RENAME_CHAIN, 0))
			return -1;
		p->chain = arg;
		if (!has_arg(p))
			return perr(p, "-%c requires old-chain-name and "
				    "new-chain-name", 'E');
		p->newname = p->argv[p->optind++];
		return 0;
	case 'P':
		if (add_command(p, CMD_SET_POLICY, 0))
			return -1;
		p->chain = arg;
		if (!has_arg(p))
			return perr(p, "-%c requires a chain and a policy",
				    'P');
		p->policy = p->argv[p->optind++];
		return 0;
	case 'h':
		return 'h';
	case 'p': {
		size_t i;

		if (set_option(p, OPT_PROTOCOL))
			return -1;
		snprintf(p->protocol, sizeof(p->protocol), "%s", arg);
		for (i = 0; p->protocol[i]; i++)
			p->protocol[i] = (char)tolower(
				(unsigned char)p->protocol[i]);
		if (xt_parse_proto(p->protocol, &r->ip.proto))
			return perr(p, "unknown protocol \"%s\" specified",
				    p->protocol);
		if (r->ip.proto == 0 && (r->ip.invflags & XT_INV_PROTO))
			return perr(p, "rule would never match protocol");
		return 0;
	}
	case 's':
		if (set_option(p, OPT_SOURCE))
			return -1;
		p->shost = arg;
		return 0;
	case 'd':
		if (set_option(p, OPT_DESTINATION))
			return -1;
		p->dhost = arg;
		return 0;
	case 'j':
	case 'g':
		if (set_option(p, OPT_JUMP))
			return -1;
		/* xt_parse_target() */
		if (!arg[0])
			return perr(p, "Invalid target name (too short)");
		if (strlen(arg) >= XT_CHAIN_MAXLEN)
			return perr(p, "Invalid target name `%s' (%u chars "
				    "max)", arg, XT_CHAIN_MAXLEN - 1);
		if (has_space(arg))
			return perr(p, "Invalid target name `%s'", arg);
		p->jumpto = arg;
		if (c == 'g') {
			r->ip.flags |= XT_F_GOTO;
			return 0;
		}
		if (!strcmp(arg, "ACCEPT") || !strcmp(arg, "DROP") ||
		    !strcmp(arg, "RETURN"))
			return 0;
		ops = xt_target_find(arg);
		if (ops) {
			if (mi_init(&r->t, ops))
				return xt_err_set(p->e, XT_E_OTHER,
						  "can't alloc memory!");
			p->have_target_ext = true;
			p->target_nm = r->nm;
		}
		return 0;
	case 'i':
		if (set_option(p, OPT_VIANAMEIN))
			return -1;
		if (xt_parse_iface(arg, r->ip.iniface, &r->ip.in_wild, p->e))
			return -1;
		iface_warn(p, arg);
		return 0;
	case 'o':
		if (set_option(p, OPT_VIANAMEOUT))
			return -1;
		if (xt_parse_iface(arg, r->ip.outiface, &r->ip.out_wild,
				   p->e))
			return -1;
		iface_warn(p, arg);
		return 0;
	case 'f':
		if (set_option(p, OPT_FRAGMENT))
			return -1;
		r->ip.flags |= XT_F_FRAG;
		return 0;
	case 'v':
		if (!p->verbose)
			p->options |= OPT_VERBOSE;
		p->verbose++;
		return 0;
	case 'm':
		if (p->invert)
			return perr(p, "unexpected ! flag before --match");
		ops = xt_match_find(arg);
		if (!ops)
			return perr(p, "Couldn't load match `%s':No such file "
				    "or directory\n", arg);
		return load_match(p, ops);
	case 'n':
		return set_option(p, OPT_NUMERIC);
	case 't':
		if (p->invert)
			return perr(p, "unexpected ! flag before --table");
		if (p->env->restore)
			return perr(p, "The -t option cannot be used in %s.\n",
				    "iptables-restore");
		p->table = arg;
		return 0;
	case 'x':
		return set_option(p, OPT_EXPANDED);
	case 'V':
		return 'V';
	case 'w': {
		int secs = -1;   /* -w alone: wait forever */

		if (!arg && has_arg(p))
			arg = p->argv[p->optind++];
		if (arg && sscanf(arg, "%i", &secs) != 1)
			return perr(p, "wait seconds not numeric");
		p->wait = secs;
		return 0;
	}
	case 'W': {
		unsigned usec;

		/* parse_wait_interval() */
		if (!arg && has_arg(p))
			arg = p->argv[p->optind++];
		if (!arg)
			return perr(p, "wait interval value required");
		if (sscanf(arg, "%u", &usec) != 1)
			return perr(p, "wait interval not numeric");
		if (usec > 999999)
			return perr(p, "too long usec wait %u > 999999 usec",
				    usec);
		warn(p, "Ignoring deprecated --wait-interval option.\n");
		p->wait_interval = true;
		return 0;
	}
	case '0':
		return set_option(p, OPT_LINENUMBERS);
	case 'M':
	case '4':
		return 0;
	case '6':
		return xt_err_set(p->e, XT_E_TRYHELP, "-6");
	case 'c': {
		const char *pc = arg, *bc;
		unsigned long long cnt;
		char tail;

		if (set_option(p, OPT_COUNTERS))
			return -1;
		bc = pc[0] ? strchr(pc + 1, ',') : NULL;
		if (bc)
			bc++;
		if (!bc && has_arg(p))
			bc = p->argv[p->optind++];
		if (!bc)
			return perr(p, "-%c requires packet and byte counter",
				    'c');
		if (sscanf(pc, "%llu%c", &cnt, &tail) < 1)
			return perr(p, "-%c packet counter not numeric", 'c');
		p->counters.pcnt = cnt;
		if (sscanf(bc, "%llu", &cnt) != 1)
			return perr(p, "-%c byte counter not numeric", 'c');
		p->counters.bcnt = cnt;
		return 0;
	}
	}
	return perr(p, "unknown option \"-%c\"", c);
}

/* A getopt_long("-:A:C:...") walk that also dispatches extension options. */
static int parse_args(struct parse *p)
{
	int rc;

	p->optind = 1;
	while (p->optind < p->argc) {
		char *w = p->argv[p->optind++];

		if (!strcmp(w, "--")) {
			p->extra_args = p->optind < p->argc;
			break;
		}
		if (w[0] != '-' || w[1] == '\0') {
			if (!strcmp(w, "!")) {
				if (p->invert)
					return perr(p, "multiple consecutive "
						    "! not allowed");
				p->invert = true;
				continue;
			}
			return xt_err_set(p->e, XT_E_BADARG, "%s", w);
		}
		if (w[1] == '-') {
			rc = long_option(p, w);
			if (rc)
				return rc;
			p->invert = false;
			continue;
		}
		/* A cluster of short options: -nvL, -ptcp, -jACCEPT. */
		for (w++; *w; ) {
			int c = *w++, kind = short_arg(c);
			const char *arg = NULL;

			if (kind < 0)
				return perr(p, "unknown option \"-%c\"", c);
			if (kind == A_REQ) {
				if (*w) {
					arg = w;
				} else if (p->optind < p->argc) {
					arg = p->argv[p->optind++];
				} else {
					return perr(p, "option \"-%c\" requires"
						    " an argument", c);
				}
				w += strlen(w);
			} else if (kind == A_OPT && *w) {
				arg = w;
				w += strlen(w);
			}
			rc = do_option(p, c, arg);
			if (rc)
				return rc;
			p->invert = false;
		}
	}
	return 0;
}

static int generic_opt_check(struct parse *p)
{
	int i, j, legal;

	for (i = 0; i < NUMBER_OF_OPT; i++) {
		legal = 0;
		for (j = 0; j < NUMBER_OF_CMD; j++) {
			if (!(p->command & (1u << j)))
				continue;
			if (!(p->options & (1u << i)))
				continue;
			if (commands_v_options[j][i] != 'x')
				legal = 1;
			else if (legal == 0)
				legal = -1;
		}
		if (legal == -1)
			return perr(p, "Illegal option `%s' with this command",
				    optflags[i]);
	}
	return 0;
}

/* ---- execution -------------------------------------------------------- */

#define FMT_PRINT_RULE (XT_FMT_NOCOUNTS | XT_FMT_OPTIONS | XT_FMT_VIA | \
			XT_FMT_NUMERIC | XT_FMT_NOTABLE)

static void print_header(const struct xt_gen *g, const struct xt_chain *c,
			 unsigned f, struct sbuf *sb)
{
	sbuf_addf(sb, "Chain %s", c->name);
	if (c->hook >= 0) {
		sbuf_addf(sb, " (policy %s",
			  c->policy == NS_ACCEPT ? "ACCEPT" : "DROP");
		if (!(f & XT_FMT_NOCOUNTS)) {
			struct xt_cnt cnt = xt_policy_cnt(g, c);

			sbuf_addc(sb, ' ');
			xt_print_num(cnt.pcnt, f | XT_FMT_NOTABLE, sb);
			sbuf_adds(sb, "packets, ");
			xt_print_num(cnt.bcnt, f | XT_FMT_NOTABLE, sb);
			sbuf_adds(sb, "bytes");
		}
		sbuf_adds(sb, ")\n");
	} else {
		sbuf_addf(sb, " (%u references)\n", c->refs);
	}
	if (f & XT_FMT_LINENUMBERS)
		sbuf_addf(sb, "%-4s ", "num");
	if (!(f & XT_FMT_NOCOUNTS)) {
		if (f & XT_FMT_KMG) {
			sbuf_addf(sb, "%5s ", "pkts");
			sbuf_addf(sb, "%5s ", "bytes");
		} else {
			sbuf_addf(sb, "%8s ", "pkts");
			sbuf_addf(sb, "%10s ", "bytes");
		}
	}
	sbuf_addf(sb, "%-9s ", "target");
	sbuf_adds(sb, " prot ");
	sbuf_adds(sb, "opt");
	if (f & XT_FMT_VIA) {
		sbuf_addf(sb, " %-6s ", "in");
		sbuf_addf(sb, "%-6s ", "out");
	}
	sbuf_addf(sb, " %-19s ", "source");
	sbuf_addf(sb, " %-19s ", "destination");
	sbuf_addc(sb, '\n');
}

static int list_entries(struct parse *p, const struct xt_gen *g,
			const struct xt_table *t)
{
	unsigned f = XT_FMT_OPTIONS, i, j;
	bool found = false;
	struct sbuf *out = p->env->out;

	if (!(p->options & OPT_VERBOSE))
		f |= XT_FMT_NOCOUNTS;
	else
		f |= XT_FMT_VIA;
	if (p->options & OPT_NUMERIC)
		f |= XT_FMT_NUMERIC;
	if (!(p->options & OPT_EXPANDED))
		f |= XT_FMT_KMG;
	if (p->options & OPT_LINENUMBERS)
		f |= XT_FMT_LINENUMBERS;
	for (i = 0; i < t->nchains; i++) {
		const struct xt_chain *c = t->chains[i];

		if (p->chain && strcmp(p->chain, c->name))
			continue;
		if (found)
			sbuf_addc(out, '\n');
		if (!p->rulenum)
			print_header(g, c, f, out);
		for (j = 0; j < c->nrules; j++)
			if (!p->rulenum || j + 1 == p->rulenum)
				xt_rule_print(c->rules[j],
					      xt_rule_cnt(g, c->rules[j]),
					      j + 1, f, out);
		found = true;
	}
	if (!found)
		return xt_err_kernel(p->e, ENOENT, "No chain/target/match by "
				     "that name");
	return 0;
}

static int list_rules(struct parse *p, const struct xt_gen *g,
		      const struct xt_table *t)
{
	int counters = (p->options & OPT_VERBOSE) ? -1 : 0;
	struct sbuf *out = p->env->out;
	bool found = false;
	unsigned i, j;

	for (i = 0; !p->rulenum && i < t->nchains; i++) {
		const struct xt_chain *c = t->chains[i];

		if (p->chain && strcmp(p->chain, c->name))
			continue;
		if (c->hook >= 0) {
			sbuf_addf(out, "-P %s %s", c->name,
				  c->policy == NS_ACCEPT ? "ACCEPT" : "DROP");
			if (counters) {
				struct xt_cnt cnt = xt_policy_cnt(g, c);

				sbuf_addf(out, " -c %llu %llu",
					  (unsigned long long)cnt.pcnt,
					  (unsigned long long)cnt.bcnt);
			}
			sbuf_addc(out, '\n');
		} else {
			sbuf_addf(out, "-N %s\n", c->name);
		}
	}
	for (i = 0; i < t->nchains; i++) {
		const struct xt_chain *c = t->chains[i];

		if (p->chain && strcmp(p->chain, c->name))
			continue;
		for (j = 0; j < c->nrules; j++)
			if (!p->rulenum || j + 1 == p->rulenum)
				xt_rule_save(c->rules[j], c->name, counters,
					     xt_rule_cnt(g, c->rules[j]), out);
		found = true;
	}
	if (!found)
		return xt_err_kernel(p->e, ENOENT, "No chain/target/match by "
				     "that name");
	return 0;
}

static void zero_chain(struct xt_chain *c)
{
	unsigned j;

	c->from = -1;
	c->init.pcnt = c->init.bcnt = 0;
	for (j = 0; j < c->nrules; j++) {
		c->rules[j]->from = -1;
		c->rules[j]->init.pcnt = c->rules[j]->init.bcnt = 0;
	}
}

static int zero_entries(struct parse *p, struct xt_table *t)
{
	struct xt_chain *c;
	unsigned i;

	if (p->chain) {
		/* zero_entries4(): the message comes before the lookup. */
		if (p->verbose)
			sbuf_addf(p->env->out, "Zeroing chain `%s'\n",
				  p->chain);
		c = xt_chain_find(t, p->chain);
		if (!c)
			return xt_err_kernel(p->e, ENOENT, "No chain/target/"
					     "match by that name");
		zero_chain(c);
		return 0;
	}
	for (i = 0; i < t->nchains; i++) {
		if (p->verbose)
			sbuf_addf(p->env->out, "Zeroing chain `%s'\n",
				  t->chains[i]->name);
		zero_chain(t->chains[i]);
	}
	return 0;
}

/*
 * ipv4_post_parse(): after the option loop, parse -s/-d (0.0.0.0/0 for a
 * rule command without them) before iptables looks at anything else of
 * the rule (targets, -i/-o against the chain, the table).
 */
static int post_parse(struct parse *p)
{
	const char *sh = p->shost, *dh = p->dhost;

	if (p->command & (CMD_REPLACE | CMD_INSERT | CMD_DELETE | CMD_APPEND |
			  CMD_CHECK)) {
		if (!sh)
			sh = "0.0.0.0/0";
		if (!dh)
			dh = "0.0.0.0/0";
	}
	if (sh && xt_parse_addrs(sh, &p->sa, &p->sm, &p->ns, p->e))
		return -1;
	if (dh && xt_parse_addrs(dh, &p->da, &p->dm, &p->nd, p->e))
		return -1;
	if ((p->ns > 1 || p->nd > 1) &&
	    (p->r->ip.invflags & (XT_INV_SRCIP | XT_INV_DSTIP)))
		return perr(p, "! not allowed with multiple source or "
			    "destination IP addresses");
	if (p->command == CMD_REPLACE && (p->ns != 1 || p->nd != 1))
		return perr(p, "Replacement rule does not specify a unique "
			    "address");
	return 0;
}

/* Build the rules for every -s x -d combination (template p->r). */
static int expand_rules(struct parse *p, struct xt_rule ***out, unsigned *n)
{
	unsigned ns = p->ns, nd = p->nd, i, j, k = 0;
	struct xt_rule **rules;

	rules = calloc((size_t)ns * nd, sizeof(*rules));
	if (!rules)
		return xt_err_set(p->e, XT_E_OTHER, "can't alloc memory!");
	for (i = 0; i < ns; i++)
		for (j = 0; j < nd; j++) {
			struct xt_rule *r = xt_rule_dup(p->r);

			if (!r) {
				for (i = 0; i < k; i++)
					xt_rule_free(rules[i]);
				free(rules);
				return xt_err_set(p->e, XT_E_OTHER,
						  "can't alloc memory!");
			}
			r->ip.src = p->sa[i];
			r->ip.smsk = p->sm[i];
			r->ip.dst = p->da[j];
			r->ip.dmsk = p->dm[j];
			r->from = -1;
			r->init = p->counters;
			rules[k++] = r;
		}
	*out = rules;
	*n = k;
	return 0;
}

static int delete_chain(struct parse *p, struct xt_table *t,
			struct xt_chain *c)
{
	if (p->verbose)
		sbuf_addf(p->env->out, "Deleting chain `%s'\n", c->name);
	if (c->hook >= 0)
		return xt_err_kernel(p->e, EINVAL, NULL);
	if (c->refs)
		return xt_err_kernel(p->e, EMLINK, NULL);
	if (c->nrules)
		return xt_err_kernel(p->e, ENOTEMPTY, NULL);
	xt_chain_remove(t, c);
	return 0;
}

static int rename_chain(struct parse *p, struct xt_table *t)
{
	struct xt_chain *c = xt_chain_find(t, p->chain), *nc;
	const char *nn = p->newname;
	unsigned i, j;

	char stored[XT_FUNCTION_MAXNAMELEN];

	/* iptc_rename_chain(): the new name first, then the old one, then
	 * the length of an IPT_CHAINLABEL (32 with its NUL). */
	if (xt_chain_find(t, nn) || !strcmp(nn, "ACCEPT") ||
	    !strcmp(nn, "DROP") || !strcmp(nn, "QUEUE") ||
	    !strcmp(nn, "RETURN"))
		return xt_err_kernel(p->e, EEXIST, NULL);
	if (!c || c->hook >= 0)
		return xt_err_kernel(p->e, ENOENT, "No chain/target/match by "
				     "that name");
	if (strlen(nn) + 1 > 32)
		return xt_err_kernel(p->e, EINVAL, NULL);
	/* The kernel keeps a user chain's name in its ERROR target's
	 * XT_FUNCTION_MAXNAMELEN bytes: 30- and 31-char names come back
	 * cut to 29. */
	snprintf(stored, sizeof(stored), "%s", nn);
	nn = stored;
	/* Re-insert under the new name to keep the order sorted. */
	if (xt_chain_add(t, nn, &nc))
		return xt_err_kernel(p->e, ENOMEM, "Memory allocation "
				     "problem");
	nc->rules = c->rules;
	nc->nrules = c->nrules;
	nc->cap = c->cap;
	c->rules = NULL;
	c->nrules = c->cap = 0;
	for (i = 0; i < t->nchains; i++)
		for (j = 0; j < t->chains[i]->nrules; j++) {
			struct xt_rule *r = t->chains[i]->rules[j];

			if ((r->vk == XT_VK_JUMP || r->vk == XT_VK_GOTO) &&
			    !strcmp(r->jname, c->name))
				snprintf(r->jname, sizeof(r->jname), "%s", nn);
		}
	xt_chain_remove(t, c);
	return 0;
}

static int set_policy(struct parse *p, struct xt_table *t)
{
	struct xt_chain *c = xt_chain_find(t, p->chain);

	if (!c || c->hook < 0)
		return xt_err_kernel(p->e, ENOENT, "Bad built-in chain name");
	if (!strcmp(p->policy, "ACCEPT"))
		c->policy = NS_ACCEPT;
	else if (!strcmp(p->policy, "DROP"))
		c->policy = NS_DROP;
	else
		return xt_err_kernel(p->e, EINVAL, "Bad policy name");
	if (p->options & OPT_COUNTERS) {
		c->from = -1;
		c->init = p->counters;
	}
	return 0;
}

static int rule_cmd(struct parse *p, struct xt_table *t)
{
	struct xt_chain *c = xt_chain_find(t, p->chain);
	struct xt_rule **rules = NULL;
	unsigned n = 0, i, j;
	int rc = -1;

	if (expand_rules(p, &rules, &n))
		return -1;
	for (i = 0; i < n; i++) {
		struct xt_rule *r = rules[i];

		if (p->verbose)
			xt_rule_print(r, r->init, 0, FMT_PRINT_RULE,
				      p->env->out);
		if (p->command & (CMD_DELETE | CMD_CHECK)) {
			if (!c) {
				xt_err_kernel(p->e, ENOENT, "Bad rule (does a "
					      "matching rule exist in that "
					      "chain?)");
				goto out;
			}
			for (j = 0; j < c->nrules; j++)
				if (xt_rule_equal(c->rules[j], r))
					break;
			if (j == c->nrules) {
				/* libiptc maps a chain or extension target
				 * first; its errno wins then. */
				xt_err_kernel(p->e, ENOENT,
					      r->vk == XT_VK_JUMP ||
					      r->vk == XT_VK_GOTO ||
					      r->vk == XT_VK_EXT ?
					      "No chain/target/match by that "
					      "name" :
					      "Bad rule (does a matching rule "
					      "exist in that chain?)");
				goto out;
			}
			if (p->command & CMD_DELETE)
				xt_chain_delete(c, j);
			continue;
		}
		if (!c) {
			xt_err_kernel(p->e, ENOENT, "No chain/target/match by "
				      "that name");
			goto out;
		}
		if (p->command & CMD_APPEND) {
			if (xt_chain_insert(c, c->nrules, r))
				goto nomem;
		} else if (p->command & CMD_INSERT) {
			/* Each address pair goes to the same position,
			 * so the last one ends up first (as iptables). */
			if (p->rulenum - 1 > c->nrules) {
				xt_err_kernel(p->e, E2BIG, "Index of insertion"
					      " too big");
				goto out;
			}
			if (xt_chain_insert(c, p->rulenum - 1, r))
				goto nomem;
		} else if (p->command & CMD_REPLACE) {
			if (p->rulenum - 1 >= c->nrules) {
				xt_err_kernel(p->e, E2BIG, "Index of "
					      "replacement too big");
				goto out;
			}
			xt_rule_free(c->rules[p->rulenum - 1]);
			c->rules[p->rulenum - 1] = r;
		}
		rules[i] = NULL;
	}
	rc = 0;
	goto out;
nomem:
	xt_err_kernel(p->e, ENOMEM, "Memory allocation problem");
out:
	for (i = 0; i < n; i++)
		xt_rule_free(rules[i]);
	free(rules);
	return rc;
}

/* Apply a changing command to table t of a draft. */
static int apply(struct parse *p, struct xt_table *t)
{
	struct xt_chain *c;
	unsigned i;

	switch (p->command) {
	case CMD_APPEND:
	case CMD_INSERT:
	case CMD_REPLACE:
	case CMD_DELETE:
	case CMD_CHECK:
		return rule_cmd(p, t);
	case CMD_DELETE_NUM:
		c = xt_chain_find(t, p->chain);
		if (!c)
			return xt_err_kernel(p->e, ENOENT, "No chain/target/"
					     "match by that name");
		if (p->rulenum > c->nrules)
			return xt_err_kernel(p->e, E2BIG, "Index of deletion "
					     "too big");
		xt_chain_delete(c, p->rulenum - 1);
		return 0;
	case CMD_FLUSH:
		if (p->chain) {
			/* flush_entries4(): message, then lookup. */
			if (p->verbose)
				sbuf_addf(p->env->out, "Flushing chain `%s'\n",
					  p->chain);
			c = xt_chain_find(t, p->chain);
			if (!c)
				return xt_err_kernel(p->e, ENOENT, "No chain/"
						     "target/match by that "
						     "name");
			xt_chain_flush(c);
			return 0;
		}
		for (i = 0; i < t->nchains; i++) {
			if (p->verbose)
				sbuf_addf(p->env->out, "Flushing chain `%s'\n",
					  t->chains[i]->name);
			xt_chain_flush(t->chains[i]);
		}
		return 0;
	case CMD_ZERO:
	case CMD_LIST | CMD_ZERO:
	case CMD_LIST_RULES | CMD_ZERO:
		return zero_entries(p, t);
	case CMD_ZERO_NUM:
	case CMD_LIST | CMD_ZERO_NUM:
	case CMD_LIST_RULES | CMD_ZERO_NUM:
		c = xt_chain_find(t, p->chain);
		if (!c)
			return xt_err_kernel(p->e, ENOENT, "No chain/target/"
					     "match by that name");
		if (p->rulenum > c->nrules)
			return xt_err_kernel(p->e, E2BIG, "Index of counter "
					     "too big");
		c->rules[p->rulenum - 1]->from = -1;
		memset(&c->rules[p->rulenum - 1]->init, 0,
		       sizeof(struct xt_cnt));
		return 0;
	case CMD_NEW_CHAIN:
		if (xt_chain_find(t, p->chain))
			return xt_err_kernel(p->e, EEXIST, "Chain already "
					     "exists");
		if (xt_chain_add(t, p->chain, NULL))
			return xt_err_kernel(p->e, ENOMEM, "Memory allocation"
					     " problem");
		return 0;
	case CMD_DELETE_CHAIN:
		/* References only matter here (and for -L): count them now,
		 * not for every command of a long iptables-restore. */
		xt_refs_compute(t);
		if (p->chain) {
			c = xt_chain_find(t, p->chain);
			if (!c) {
				/* delete_chain4(): message, then lookup. */
				if (p->verbose)
					sbuf_addf(p->env->out, "Deleting chain"
						  " `%s'\n", p->chain);
				return xt_err_kernel(p->e, ENOENT, "No chain/"
						     "target/match by that "
						     "name");
			}
			return delete_chain(p, t, c);
		}
		for (i = 0; i < t->nchains;) {
			c = t->chains[i];
			if (c->hook >= 0) {
				i++;
				continue;
			}
			if (delete_chain(p, t, c))
				return -1;
		}
		return 0;
	case CMD_RENAME_CHAIN:
		return rename_chain(p, t);
	case CMD_SET_POLICY:
		return set_policy(p, t);
	}
	return perr(p, "unsupported command combination");
}

/* iptables-legacy 1.8.9 -h, verbatim. */
static const char *help_text =
"iptables v1.8.9 (legacy)\n"
"\n"
"Usage: iptables -[ACD] chain rule-specification [options]\n"
"       iptables -I chain [rulenum] rule-specification [options]\n"
"       iptables -R chain rulenum rule-specification [options]\n"
"       iptables -D chain rulenum [options]\n"
"       iptables -[LS] [chain [rulenum]] [options]\n"
"       iptables -[FZ] [chain] [options]\n"
"       iptables -[NX] chain\n"
"       iptables -E old-chain-name new-chain-name\n"
"       iptables -P chain target [options]\n"
"       iptables -h (print this help information)\n"
"\n"
"Commands:\n"
"Either long or short options are allowed.\n"
"  --append  -A chain\t\tAppend to chain\n"
"  --check   -C chain\t\tCheck for the existence of a rule\n"
"  --delete  -D chain\t\tDelete matching rule from chain\n"
"  --delete  -D chain rulenum\n"
"\t\t\t\tDelete rule rulenum (1 = first) from chain\n"
"  --insert  -I chain [rulenum]\n"
"\t\t\t\tInsert in chain as rulenum (default 1=first)\n"
"  --replace -R chain rulenum\n"
"\t\t\t\tReplace rule rulenum (1 = first) in chain\n"
"  --list    -L [chain [rulenum]]\n"
"\t\t\t\tList the rules in a chain or all chains\n"
"  --list-rules -S [chain [rulenum]]\n"
"\t\t\t\tPrint the rules in a chain or all chains\n"
"  --flush   -F [chain]\t\tDelete all rules in  chain or all chains\n"
"  --zero    -Z [chain [rulenum]]\n"
"\t\t\t\tZero counters in chain or all chains\n"
"  --new     -N chain\t\tCreate a new user-defined chain\n"
"  --delete-chain\n"
"            -X [chain]\t\tDelete a user-defined chain\n"
"  --policy  -P chain target\n"
"\t\t\t\tChange policy on chain to target\n"
"  --rename-chain\n"
"            -E old-chain new-chain\n"
"\t\t\t\tChange chain name, (moving any references)\n"
"\n"
"Options:\n"
"    --ipv4\t-4\t\tNothing (line is ignored by ip6tables-restore)\n"
"    --ipv6\t-6\t\tError (line is ignored by iptables-restore)\n"
"[!] --protocol\t-p proto\tprotocol: by number or name, eg. `tcp'\n"
"[!] --source\t-s address[/mask][...]\n"
"\t\t\t\tsource specification\n"
"[!] --destination -d address[/mask][...]\n"
"\t\t\t\tdestination specification\n"
"[!] --in-interface -i input name[+]\n"
"\t\t\t\tnetwork interface name ([+] for wildcard)\n"
" --jump\t-j target\n"
"\t\t\t\ttarget for rule (may load target extension)\n"
"  --goto      -g chain\n"
"\t\t\t       jump to chain with no return\n"
"  --match\t-m match\n"
"\t\t\t\textended match (may load extension)\n"
"  --numeric\t-n\t\tnumeric output of addresses and ports\n"
"[!] --out-interface -o output name[+]\n"
"\t\t\t\tnetwork interface name ([+] for wildcard)\n"
"  --table\t-t table\ttable to manipulate (default: `filter')\n"
"  --verbose\t-v\t\tverbose mode\n"
"  --wait\t-w [seconds]\tmaximum wait to acquire xtables lock before give up\n"
"  --line-numbers\t\tprint line numbers when listing\n"
"  --exact\t-x\t\texpand numbers (display exact values)\n"
"[!] --fragment\t-f\t\tmatch second or further fragments only\n"
"  --modprobe=<command>\t\ttry to insert modules using this command\n"
"  --set-counters -c PKTS BYTES\tset the counter during insert/append\n"
"[!] --version\t-V\t\tprint package version.\n";

int xt_do_command(struct xt_cmd_env *env, int argc, char **argv,
		  struct xt_err *e)
{
	struct parse p = {
		.env = env, .e = e, .argc = argc, .argv = argv,
		.table = "filter",
	};
	const struct xt_gen *view;
	struct xt_gen *draft = NULL;
	struct xt_table *t;
	int rc, tid;

	if (env->verbose) {
		p.verbose = 1;
		p.options |= OPT_VERBOSE;
	}
	/* Extensions see the table being built (restore: the block's). */
	if (env->restore)
		p.table = xt_table_name(env->restore_table);
	p.r = xt_rule_alloc();
	if (!p.r)
		return xt_err_set(e, XT_E_OTHER, "can't alloc memory!");
	rc = parse_args(&p);
	if (rc == 'h') {
		sbuf_adds(env->out, help_text);
		rc = 0;
		goto out;
	}
	if (rc == 'V') {
		sbuf_adds(env->out, "iptables " XT_VERSION " (legacy)\n");
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	rc = -1;
	if (p.wait_interval && !p.wait) {
		perr(&p, "--wait-interval only makes sense with --wait\n");
		goto out;
	}
	if (final_checks(&p))
		goto out;
	if (p.extra_args) {
		perr(&p, "unknown arguments found on commandline");
		goto out;
	}
	if (!p.command) {
		perr(&p, "no command specified");
		goto out;
	}
	if (p.invert) {
		perr(&p, "nothing appropriate following !");
		goto out;
	}
	if (post_parse(&p))
		goto out;
	if (generic_opt_check(&p))
		goto out;
	if (p.chain && strlen(p.chain) >= XT_CHAIN_MAXLEN) {
		perr(&p, "chain name `%s' too long (must be under %u chars)",
		     p.chain, XT_CHAIN_MAXLEN);
		goto out;
	}
	if (p.command & (CMD_APPEND | CMD_DELETE | CMD_DELETE_NUM |
			 CMD_INSERT | CMD_REPLACE | CMD_CHECK)) {
		if ((!strcmp(p.chain, "PREROUTING") ||
		     !strcmp(p.chain, "INPUT")) &&
		    (p.options & OPT_VIANAMEOUT)) {
			perr(&p, "Can't use -%c with %s\n", 'o', p.chain);
			goto out;
		}
		if ((!strcmp(p.chain, "POSTROUTING") ||
		     !strcmp(p.chain, "OUTPUT")) &&
		    (p.options & OPT_VIANAMEIN)) {
			perr(&p, "Can't use -%c with %s\n", 'i', p.chain);
			goto out;
		}
	}
	/* The table (iptc_init). */
	if (env->restore) {
		tid = env->restore_table;
	} else {
		tid = xt_table_lookup(p.table);
		if (tid < 0) {
			xt_err_set(e, XT_E_TABLE, "can't initialize iptables "
				   "table `%s': Table does not exist (do you "
				   "need to insmod?)", p.table);
			goto out;
		}
		if (xt_table_touch(env->xn, tid)) {
			xt_err_set(e, XT_E_TABLE, "can't initialize iptables "
				   "table `%s': Memory allocation problem",
				   p.table);
			goto out;
		}
	}
	view = env->draft ? env->draft : env->xn->cur;
	/* The target: a standard verdict, a chain, or an extension. */
	if (p.command & (CMD_APPEND | CMD_DELETE | CMD_INSERT | CMD_REPLACE |
			 CMD_CHECK)) {
		struct xt_rule *r = p.r;
		const char *j = p.jumpto;

		if (!j) {
			r->vk = XT_VK_NONE;
		} else if (r->ip.flags & XT_F_GOTO) {
			/* iptc_is_chain() is true for a built-in chain too:
			 * the kernel refuses that jump at commit (EINVAL). */
			if (!xt_chain_find(view->t[tid], j)) {
				perr(&p, "goto '%s' is not a chain", j);
				goto out;
			}
			r->vk = XT_VK_GOTO;
			snprintf(r->jname, sizeof(r->jname), "%s", j);
			r->ip.flags &= ~XT_F_GOTO;
		} else if (p.have_target_ext) {
			r->vk = XT_VK_EXT;
		} else if (!strcmp(j, "ACCEPT")) {
			r->vk = XT_VK_ACCEPT;
		} else if (!strcmp(j, "DROP")) {
			r->vk = XT_VK_DROP;
		} else if (!strcmp(j, "RETURN")) {
			r->vk = XT_VK_RETURN;
		} else if (xt_chain_find(view->t[tid], j)) {
			r->vk = XT_VK_JUMP;
			snprintf(r->jname, sizeof(r->jname), "%s", j);
		} else {
			perr(&p, "Couldn't load target `%s':No such file or "
			     "directory\n", j);
			goto out;
		}
	}
	/* Read-only commands look at the published generation. */
	if (!env->draft && (p.command == CMD_LIST ||
			    p.command == CMD_LIST_RULES)) {
		/* Published: refs were counted at commit; never write it. */
		t = env->xn->cur->t[tid];
		rc = p.command == CMD_LIST ? list_entries(&p, env->xn->cur, t) :
					     list_rules(&p, env->xn->cur, t);
		goto out;
	}
	if (env->draft) {
		t = env->draft->t[tid];
		if (p.command & CMD_LIST)
			xt_refs_compute(t);
		if (p.command & CMD_LIST)
			rc = list_entries(&p, env->draft, t);
		else if (p.command & CMD_LIST_RULES)
			rc = list_rules(&p, env->draft, t);
		else
			rc = 0;
		if (!rc && p.command != CMD_LIST &&
		    p.command != CMD_LIST_RULES)
			rc = apply(&p, t);
		goto out;
	}
	draft = xt_gen_clone(env->xn->cur);
	if (!draft) {
		xt_err_kernel(e, ENOMEM, "Memory allocation problem");
		goto out;
	}
	t = draft->t[tid];
	if (p.command & CMD_LIST) {
		rc = list_entries(&p, env->xn->cur, env->xn->cur->t[tid]);
	} else if (p.command & CMD_LIST_RULES) {
		rc = list_rules(&p, env->xn->cur, env->xn->cur->t[tid]);
	} else {
		rc = 0;
	}
	if (!rc)
		rc = apply(&p, t);
	t->changed = true;
	if (!rc && !(p.command & CMD_CHECK))
		rc = xt_gen_commit(env->xn, draft, e);
	if (!rc && !(p.command & CMD_CHECK))
		draft = NULL;
out:
	xt_gen_free(draft);
	xt_rule_free(p.r);
	free(p.sa);
	free(p.sm);
	free(p.da);
	free(p.dm);
	return rc ? -1 : 0;
}

int xt_iptables_main(struct net *net, int argc, char **argv,
		     struct sbuf *out, struct sbuf *err)
{
	struct xt_cmd_env env = { .xn = net->xt, .out = out, .warn = err };
	struct xt_err e = { 0 };
	int rc = 0;

	if (!net->xt) {
		sbuf_adds(err, "iptables: not initialised\n");
		return 1;
	}
	if (xt_do_command(&env, argc, argv, &e))
		rc = xt_err_report(&e, XT_PROG, err);
	sbuf_free(&e.msg);
	return rc;
}
