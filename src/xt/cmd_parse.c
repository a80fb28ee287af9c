// SPDX-License-Identifier: MIT
/*
 * Parsing an iptables command (iptables-legacy 1.8.9's do_parse): argv ->
 * struct parse, with the command, its options, the rule being built and
 * its extensions loaded and parsed by their own options, checked the way
 * iptables checks them before it opens the table. Control path only.
 */
#include "xt/cmd_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char cmdflags[] = "IDDRALFZNXPESZC";

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

	/* xtables_strtoui(): blanks and '+' first are fine, '-' is not. */
	if (xt_strtoui(s, NULL, &v, 1, 0x7fffffff))
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

/*
 * libxtables on a kernel without the extension's module: the first load in
 * a run warns that revision 0 is not supported (and registers it anyway);
 * a match loaded again in the same run warns that it is not supported (a
 * target does not). The run's stderr so far (env->warn) tells which. The
 * rule then fails at commit. netsieve also remembers what it lacks, for
 * the tool's last line, unless only the name was looked at (-N).
 */
static void unsupported_warn(struct parse *p, const struct xt_ext_ops *ops,
			     bool note)
{
	struct xt_cmd_env *env = p->env;
	const char *name = ops->real_name ? ops->real_name : ops->name;
	struct sbuf line = SBUF_INIT;

	sbuf_addf(&line, "Warning: Extension %s revision 0 not supported, "
		  "missing kernel module?\n", name);
	if (env->warn) {
		if (!strstr(sbuf_str(env->warn), sbuf_str(&line)))
			sbuf_adds(env->warn, sbuf_str(&line));
		else if (!ops->is_target)
			sbuf_addf(env->warn, "Warning: Extension %s is not "
				  "supported, missing kernel module?\n",
				  name);
		if (ops->notice)
			sbuf_adds(env->warn, ops->notice);
	}
	sbuf_free(&line);
	if (note)
		xt_unsupported_note(env->unsupported, "the %s %s", ops->name,
				    ops->is_target ? "target" : "match");
}

static int load_match(struct parse *p, const struct xt_ext_ops *ops)
{
	struct xt_rule *r = p->r;
	struct xt_mi *nm;
	unsigned i;

	if (r->nm >= MAX_MATCHES)
		return perr(p, "too many matches");
	/* A user who is not root: no module question, see access.c. */
	if (p->env->xn->deny)
		xt_kernel_revision_warn(p->env->xn, ops, p->env->warn);
	else if (ops->unsupported)
		unsupported_warn(p, ops, true);
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
		.warn = p->env->warn,
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
	} else if ((o->flags & XTO_OPTARG) && has_arg(p)) {
		arg = p->argv[p->optind++];
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
		/* do_parse(): "p->command = CMD_ZERO_NUM", so an -L or -S
		 * given before is dropped. */
		if (cmd == CMD_ZERO)
			p->command = CMD_ZERO_NUM;
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
		/* xtables_find_target() takes "" for the standard target
		 * (and loads the target, with its warning if it is one
		 * netsieve lacks). */
		ops = xt_target_find(arg);
		if (ops && p->env->xn->deny)
			xt_kernel_revision_warn(p->env->xn, ops,
						p->env->warn);
		else if (ops && ops->unsupported)
			unsupported_warn(p, ops, false);
		if (ops || !arg[0] ||
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
			if (p->env->xn->deny)
				xt_kernel_revision_warn(p->env->xn, ops,
							p->env->warn);
			else if (ops->unsupported)
				unsupported_warn(p, ops, true);
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
		if (!ops) {
			if (xt_ext_iptables_has(arg, false))
				xt_unsupported_note(p->env->unsupported,
						    "the %s match", arg);
			return perr(p, "Couldn't load match `%s':No such file "
				    "or directory\n", arg);
		}
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
		/* do_parse(): an ip6tables line in a restore file ends the
		 * parse there, with what was read so far. */
		if (!p->env->restore)
			return xt_err_set(p->e, XT_E_TRYHELP, "-6");
		p->ipv6_line = true;
		return 0;
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
	while (p->optind < p->argc && !p->ipv6_line) {
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
			if (p->ipv6_line)
				break;
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

/*
 * What do_parse() checks after the option loop, in its order (the first
 * problem found is the one iptables reports).
 */
int xt_cmd_parse(struct parse *p)
{
	int rc;

	rc = parse_args(p);
	if (rc)
		return rc;
	/* An ip6tables line: none of the checks, see xt_do_command(). */
	if (p->ipv6_line)
		return 0;
	if (p->table && !strcmp(p->table, "nat") &&
	    ((p->policy && !strcmp(p->policy, "DROP")) ||
	     (p->jumpto && !strcmp(p->jumpto, "DROP"))))
		return perr(p, "\nThe \"nat\" table is not intended for "
			    "filtering, the use of DROP is therefore "
			    "inhibited.\n\n");
	if (p->wait_interval && !p->wait)
		return perr(p, "--wait-interval only makes sense with "
			    "--wait\n");
	if (final_checks(p))
		return -1;
	if (p->extra_args)
		return perr(p, "unknown arguments found on commandline");
	if (!p->command)
		return perr(p, "no command specified");
	if (p->invert)
		return perr(p, "nothing appropriate following !");
	if (post_parse(p))
		return -1;
	if (generic_opt_check(p))
		return -1;
	if (p->chain && strlen(p->chain) >= XT_CHAIN_MAXLEN)
		return perr(p, "chain name `%s' too long (must be under %u "
			    "chars)", p->chain, XT_CHAIN_MAXLEN);
	if (p->command & (CMD_APPEND | CMD_DELETE | CMD_DELETE_NUM |
			  CMD_INSERT | CMD_REPLACE | CMD_CHECK)) {
		if ((!strcmp(p->chain, "PREROUTING") ||
		     !strcmp(p->chain, "INPUT")) &&
		    (p->options & OPT_VIANAMEOUT))
			return perr(p, "Can't use -%c with %s\n", 'o',
				    p->chain);
		if ((!strcmp(p->chain, "POSTROUTING") ||
		     !strcmp(p->chain, "OUTPUT")) &&
		    (p->options & OPT_VIANAMEIN))
			return perr(p, "Can't use -%c with %s\n", 'i',
				    p->chain);
	}
	return 0;
}
