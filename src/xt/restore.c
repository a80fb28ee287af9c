// SPDX-License-Identifier: MIT
/*
 * iptables-restore (iptables-legacy-restore 1.8.9). Each "*table" ...
 * "COMMIT" block is built as one draft generation and published at COMMIT,
 * so a block either applies whole or not at all; blocks committed before a
 * failing line stay. Rule lines run through the iptables command parser
 * against the draft. Control path only.
 */
#include "xt/xt_int.h"

#include "base/opt.h"
#include "xt/xt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RPROG "iptables-restore"

struct restore {
	struct xt_net *xn;
	bool counters, noflush, testing, verbose;
	const char *only_table;
	struct sbuf *out, *err;
	struct sbuf unsupported;   /* xt_unsupported_note() */
};

static int param_error(struct sbuf *err, unsigned line, const char *fmt,
		       ...) NS_PRINTF(3, 4);
static int param_error(struct sbuf *err, unsigned line, const char *fmt, ...)
{
	va_list ap;

	sbuf_adds(err, RPROG " " XT_VERSION " (legacy): ");
	va_start(ap, fmt);
	sbuf_vaddf(err, fmt, ap);
	va_end(ap);
	sbuf_addf(err, "\nError occurred at line: %u\n", line);
	sbuf_adds(err, "Try `" RPROG " -h' or '" RPROG " --help' for more "
		  "information.\n");
	return 2;
}

static int line_failed(struct sbuf *err, unsigned line)
{
	sbuf_addf(err, RPROG ": line %u failed\n", line);
	return 1;
}

static int parse_counters(const char *s, struct xt_cnt *c)
{
	unsigned long long p, b;

	if (sscanf(s, "[%llu:%llu]", &p, &b) != 2)
		return -1;
	c->pcnt = p;
	c->bcnt = b;
	return 0;
}

/* Free what restore_split() filled. */
static void words_free(char **words)
{
	char **a;

	if (!words)
		return;
	for (a = words; *a; a++)
		free(*a);
	free(words);
}

/*
 * iptables-restore's own word splitting (add_param_to_argv): blanks
 * separate words, "..." quotes with backslash escapes inside, a closing
 * quote ends the word; single quotes and backslashes outside quotes are
 * ordinary characters. Fills *words (a NULL-terminated array, freed with words_free()); returns the count or
 * -1 (a word over 1023 bytes, or no memory).
 */
static int restore_split(const char *s, char ***wordsp)
{
	struct sbuf w = SBUF_INIT;
	char **words;
	int n = 0, quote = 0, esc = 0;

	words = calloc(strlen(s) / 2 + 2, sizeof(*words));
	if (!words)
		return -1;
	for (; *s; s++) {
		if (quote) {
			if (esc) {
				sbuf_addc(&w, *s);
				esc = 0;
				continue;
			}
			if (*s == '\\') {
				esc = 1;
				continue;
			}
			if (*s != '"') {
				sbuf_addc(&w, *s);
				continue;
			}
			quote = 0;
		} else if (*s == '"') {
			quote = 1;
			continue;
		}
		if (*s != '"' && *s != ' ' && *s != '\t' && *s != '\n') {
			sbuf_addc(&w, *s);
			continue;
		}
		if (*s != '"' && !w.len)
			continue;
		sbuf_adds(&w, "");
		if (w.len > 1023 || w.oom)
			goto err_free;
		words[n++] = sbuf_detach(&w);
	}
	if (w.len) {
		if (w.len > 1023 || w.oom)
			goto err_free;
		words[n++] = sbuf_detach(&w);
	}
	sbuf_free(&w);
	*wordsp = words;
	return n;

err_free:
	sbuf_free(&w);
	words_free(words);
	return -1;
}

/* A rule line: "[p:b] -A CHAIN ..." against the table's draft. */
static int rule_line(struct restore *rs, struct xt_gen *draft, int tid,
		     char *buf, unsigned line, bool had_nl)
{
	char *nlbuf;
	struct xt_cmd_env env = {
		.xn = rs->xn, .draft = draft, .restore_table = tid,
		.restore = true, .restore_counters = rs->counters,
		/* 1.8.9 prints the rules of -v only for a flushed table. */
		.verbose = rs->verbose && !rs->noflush, .line = line,
		.out = rs->out, .warn = rs->err,
		.unsupported = &rs->unsupported,
	};
	struct xt_err e = { 0 };
	char *start, **words = NULL, **argv = NULL;
	char *pc = NULL, *bc = NULL;
	size_t l = strlen(buf);
	int n, argc = 0, rc = 0, i;

	/* fgets() keeps the newline: an unterminated "..." takes it into
	 * its word (add_param_to_argv), else it separates words. */
	nlbuf = malloc(l + 2);
	if (!nlbuf)
		return line_failed(rs->err, line);
	memcpy(nlbuf, buf, l + 1);
	if (had_nl)
		memcpy(nlbuf + l, "\n", 2);
	start = nlbuf;
	if (nlbuf[0] == '[') {
		/* As 1.8.9: the first ']' ends the counters, which are
		 * strtok(":") and strtok("]") of the line itself (so they
		 * may cut the rule short). */
		char *close = strchr(nlbuf, ']'), *save = NULL;

		if (close) {
			pc = strtok_r(nlbuf + 1, ":", &save);
			bc = pc ? strtok_r(NULL, "]", &save) : NULL;
		}
		if (!close || !bc) {
			free(nlbuf);
			return param_error(rs->err, line, "Bad line %u: need "
					   "%s", line, close && !pc ? ":" : "]");
		}
		start = close + 1;
	}
	n = restore_split(start, &words);
	if (n < 0) {
		free(nlbuf);
		return param_error(rs->err, line, "Parameter too long!");
	}
	argv = calloc((size_t)n + 5, sizeof(*argv));
	if (!argv) {
		words_free(words);
		free(nlbuf);
		return line_failed(rs->err, line);
	}
	argv[argc++] = (char *)RPROG;
	/* As iptables-restore: "--set-counters P B" before the rule's words,
	 * so a trailing option without its argument stays one. */
	if (rs->counters && pc) {
		argv[argc++] = (char *)"--set-counters";
		argv[argc++] = pc;
		argv[argc++] = bc;
	}
	for (i = 0; i < n; i++)
		argv[argc++] = words[i];
	argv[argc] = NULL;
	if (xt_do_command(&env, argc, argv, &e)) {
		switch (e.kind) {
		case XT_E_PARAM:
			rc = param_error(rs->err, line, "%s", sbuf_str(&e.msg));
			break;
		case XT_E_BADARG:
			sbuf_addf(rs->err, "Bad argument `%s'\n",
				  sbuf_str(&e.msg));
			sbuf_addf(rs->err, "Error occurred at line: %u\n",
				  line);
			sbuf_adds(rs->err, "Try `" RPROG " -h' or '" RPROG
				  " --help' for more information.\n");
			rc = 2;
			break;
		case XT_E_OTHER:
			sbuf_addf(rs->err, RPROG " " XT_VERSION " (legacy): "
				  "%s\n", sbuf_str(&e.msg));
			rc = 1;
			break;
		default:
			rc = line_failed(rs->err, line);
			break;
		}
	}
	sbuf_free(&e.msg);
	free(argv);
	words_free(words);
	free(nlbuf);
	return rc;
}

/* ":CHAIN POLICY [p:b]" */
static int chain_line(struct restore *rs, struct xt_table *t, char *buf,
		      unsigned line)
{
	char *save = NULL, *chain, *policy, *ctrs;
	struct xt_chain *c;

	chain = strtok_r(buf + 1, " \t\n", &save);
	if (!chain)
		return param_error(rs->err, line, RPROG ": line %u chain name "
				   "invalid", line);
	if (strlen(chain) >= XT_CHAIN_MAXLEN)
		return param_error(rs->err, line, "Invalid chain name `%s' "
				   "(%u chars max)", chain,
				   XT_CHAIN_MAXLEN - 1);
	c = xt_chain_find(t, chain);
	if (!c || c->hook < 0) {
		if (c && rs->noflush) {
			xt_chain_flush(c);
		} else if (c) {
			return param_error(rs->err, line, "error creating "
					   "chain '%s':%s", chain,
					   strerror(EEXIST));
		} else if (xt_chain_add(t, chain, &c)) {
			return param_error(rs->err, line, "error creating "
					   "chain '%s':%s", chain,
					   strerror(ENOMEM));
		}
	}
	policy = strtok_r(NULL, " \t\n", &save);
	if (!policy)
		return param_error(rs->err, line, RPROG ": line %u policy "
				   "invalid", line);
	if (!strcmp(policy, "-"))
		return 0;
	if (c->hook < 0) {
		sbuf_addf(rs->err, RPROG " " XT_VERSION " (legacy): Can't set "
			  "policy `%s' on `%s' line %u: %s\n", policy, chain,
			  line, "Bad built-in chain name");
		return 1;
	}
	if (strcmp(policy, "ACCEPT") && strcmp(policy, "DROP")) {
		sbuf_addf(rs->err, RPROG " " XT_VERSION " (legacy): Can't set "
			  "policy `%s' on `%s' line %u: %s\n", policy, chain,
			  line, "Bad policy name");
		return 1;
	}
	c->policy = strcmp(policy, "ACCEPT") ? NS_DROP : NS_ACCEPT;
	c->from = -1;
	c->init.pcnt = c->init.bcnt = 0;
	if (rs->counters) {
		ctrs = strtok_r(NULL, " \t\n", &save);
		if (!ctrs || parse_counters(ctrs, &c->init))
			return param_error(rs->err, line, "invalid policy "
					   "counters for chain '%s'", chain);
	}
	return 0;
}

static void flush_table(struct restore *rs, struct xt_table *t)
{
	unsigned i;

	for (i = 0; i < t->nchains; i++) {
		if (rs->verbose)
			sbuf_addf(rs->out, "Flushing chain `%s'\n",
				  t->chains[i]->name);
		xt_chain_flush(t->chains[i]);
	}
	for (i = 0; i < t->nchains;) {
		if (t->chains[i]->hook >= 0) {
			i++;
			continue;
		}
		if (rs->verbose)
			sbuf_addf(rs->out, "Deleting chain `%s'\n",
				  t->chains[i]->name);
		xt_chain_remove(t, t->chains[i]);
	}
}

static int restore_text(struct restore *rs, const char *text)
{
	struct xt_gen *draft = NULL;
	const char *p = text;
	unsigned line = 0;
	bool in_table = false;
	/* -T: lines before the first "*table" belong to no table it wants. */
	bool skipping = rs->only_table != NULL;
	int tid = -1, rc = 0, kerr;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *buf = strndup(p, len);
		bool had_nl = nl != NULL;

		p = nl ? nl + 1 : NULL;
		line++;
		if (!buf) {
			rc = line_failed(rs->err, line);
			break;
		}
		if (buf[0] == '\0') {
			free(buf);
			continue;
		}
		if (buf[0] == '#') {
			if (rs->verbose)
				sbuf_addf(rs->out, "%s%s", buf,
					  had_nl ? "\n" : "");
			free(buf);
			continue;
		}
		/* -T: a block of another table is passed over up to the
		 * next "*table" line, COMMIT or not (as 1.8.9 does). */
		if (skipping && buf[0] != '*') {
			free(buf);
			continue;
		}
		skipping = false;
		/* As 1.8.9: strcmp(buffer, "COMMIT\n"). */
		if (!strcmp(buf, "COMMIT") && had_nl && in_table) {
			struct xt_err e = { 0 };

			in_table = false;
			if (!rs->testing && xt_gen_commit(rs->xn, draft, &e)) {
				if (e.unsupported[0])
					xt_unsupported_note(&rs->unsupported,
							    "%s", e.unsupported);
				sbuf_free(&e.msg);
				rc = line_failed(rs->err, line);
				free(buf);
				break;
			}
			if (rs->testing)
				xt_gen_free(draft);
			draft = NULL;
			sbuf_free(&e.msg);
		} else if (buf[0] == '*' && !in_table) {
			char *save = NULL;
			const char *table = strtok_r(buf + 1, " \t", &save);

			if (!table) {
				rc = param_error(rs->err, line, RPROG ": line "
						 "%u table name invalid",
						 line);
				free(buf);
				break;
			}
			if (rs->only_table && strcmp(rs->only_table, table)) {
				skipping = true;
				free(buf);
				continue;
			}
			/* create_handle(): iptc_init() fails for a user who
			 * is not root, whatever the table. */
			kerr = xt_kernel_open(rs->xn);
			tid = kerr ? -1 : xt_table_lookup(rs->xn, table);
			if (tid < 0) {
				if (!kerr && xt_table_defined(table))
					xt_unsupported_table(&rs->unsupported,
							     table);
				rc = param_error(rs->err, line, RPROG ": unable"
						 " to initialize table '%s'",
						 table);
				free(buf);
				break;
			}
			if (xt_table_touch(rs->xn, tid)) {
				rc = param_error(rs->err, line, RPROG ": unable"
						 " to initialize table '%s'",
						 table);
				free(buf);
				break;
			}
			draft = xt_gen_clone(rs->xn);
			if (!draft) {
				rc = line_failed(rs->err, line);
				free(buf);
				break;
			}
			if (!rs->noflush)
				flush_table(rs, draft->t[tid]);
			draft->t[tid]->changed = true;
			in_table = true;
		} else if (buf[0] == ':' && in_table) {
			rc = chain_line(rs, draft->t[tid], buf, line);
		} else if (in_table) {
			rc = rule_line(rs, draft, tid, buf, line, had_nl);
		} else {
			rc = line_failed(rs->err, line);
		}
		free(buf);
		if (rc)
			break;
	}
	if (!rc && in_table) {
		sbuf_addf(rs->err, RPROG ": COMMIT expected at line %u\n",
			  line + 1);
		rc = 1;
	}
	xt_gen_free(draft);
	return rc;
}

static char *read_file(const char *path)
{
	struct sbuf sb = SBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	sbuf_adds(&sb, "");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_addn(&sb, buf, n);
	fclose(f);
	return sbuf_detach(&sb);
}

/* iptables-restore 1.8.9's options: getopt_long(argc, argv,
 * "bcvVthnwWM:T:", ...); -w and -W take their value as iptables'
 * parse_wait_time() and parse_wait_interval() do. */
static const struct opt_long restore_opts[] = {
	{ "counters", OPT_NO_ARG, 'c' },
	{ "verbose", OPT_NO_ARG, 'v' },
	{ "version", OPT_NO_ARG, 'V' },
	{ "test", OPT_NO_ARG, 't' },
	{ "help", OPT_NO_ARG, 'h' },
	{ "noflush", OPT_NO_ARG, 'n' },
	{ "modprobe", OPT_REQ_ARG, 'M' },
	{ "table", OPT_REQ_ARG, 'T' },
	{ "wait", OPT_OPT_ARG, 'w' },
	{ "wait-interval", OPT_OPT_ARG, 'W' },
	{ NULL, OPT_NO_ARG, 0 },
};

#define RESTORE_SHORTOPTS "bcvVthnwWM:T:"

static void restore_usage(struct sbuf *err)
{
	/* print_usage(): on stderr, exit 0. */
	sbuf_adds(err, "Usage: " RPROG " [-c] [-v] [-V] [-t] [-h] [-n] "
		  "[-w secs] [-W usecs] [-T table] [-M command] [file]\n"
		  "\t   [ --counters ]\n"
		  "\t   [ --verbose ]\n"
		  "\t   [ --version]\n"
		  "\t   [ --test ]\n"
		  "\t   [ --help ]\n"
		  "\t   [ --noflush ]\n"
		  "\t   [ --wait=<seconds>\n"
		  "\t   [ --table=<TABLE> ]\n"
		  "\t   [ --modprobe=<command> ]\n");
}

/* The value of -w/-W: attached ("--wait=5"), or the next word when it
 * does not start with '-' or '!' (xs_has_arg()), or none. */
static const char *wait_value(struct opt_state *st, int argc, char **argv)
{
	if (st->arg)
		return st->arg;
	if (opt_has_arg(st, argc, argv))
		return argv[st->ind++];
	return NULL;
}

/*
 * Read the options into rs. Returns -1 to go on, with *file the index of
 * the rules file in argv (which is permuted) or -1 for stdin; otherwise
 * the exit code, after printing what iptables-restore prints.
 */
static int restore_args(struct restore *rs, int argc, char **argv,
			int *file, struct sbuf *out, struct sbuf *err)
{
	struct opt_state st = OPT_STATE_INIT;
	bool wait = false, wait_interval = false;
	const char *v;
	int c, n;
	unsigned u;

	*file = -1;
	while ((c = opt_next(&st, argc, argv, RESTORE_SHORTOPTS, restore_opts,
			     err)) != -1) {
		switch (c) {
		case 'b':
			sbuf_adds(err, "-b/--binary option is not "
				  "implemented\n");
			break;
		case 'c':
			rs->counters = true;
			break;
		case 'v':
			rs->verbose = true;
			break;
		case 'V':
			sbuf_adds(out, RPROG " " XT_VERSION " (legacy)\n");
			return 0;
		case 't':
			rs->testing = true;
			break;
		case 'h':
			restore_usage(err);
			return 0;
		case 'n':
			rs->noflush = true;
			break;
		case 'w':
			v = wait_value(&st, argc, argv);
			if (v && sscanf(v, "%i", &n) != 1)
				return param_error(err, 0, "wait seconds not "
						   "numeric");
			wait = true;
			break;
		case 'W':
			v = wait_value(&st, argc, argv);
			if (!v)
				return param_error(err, 0, "wait interval "
						   "value required");
			if (sscanf(v, "%u", &u) != 1)
				return param_error(err, 0, "wait interval not "
						   "numeric");
			if (u > 999999)
				return param_error(err, 0, "too long usec wait "
						   "%u > 999999 usec", u);
			wait_interval = true;
			break;
		case 'M':
			/* Nothing to load: there are no kernel modules. */
			break;
		case 'T':
			rs->only_table = st.arg;
			break;
		default:
			sbuf_adds(err, "Try `" RPROG " -h' for more "
				  "information.\n");
			return 1;
		}
	}
	if (st.ind == argc - 1) {
		*file = st.ind;
	} else if (st.ind < argc) {
		sbuf_adds(err, "Unknown arguments found on commandline\n");
		return 1;
	}
	/* One command runs at a time: the wait options change nothing. */
	if (wait_interval) {
		sbuf_adds(err, "Ignoring deprecated --wait-interval "
			  "option.\n");
		if (!wait) {
			sbuf_adds(err, "Option --wait-interval requires "
				  "option --wait\n");
			return 1;
		}
	}
	return -1;
}

int xt_restore_file_arg(int argc, char **argv)
{
	struct restore rs = { 0 };
	struct sbuf scratch = SBUF_INIT;
	char **copy;
	int i, rc, file, found;

	copy = calloc((size_t)argc + 1, sizeof(*copy));
	if (!copy)
		return -1;
	memcpy(copy, argv, (size_t)argc * sizeof(*copy));
	rc = restore_args(&rs, argc, copy, &file, &scratch, &scratch);
	found = rc < 0 ? 0 : -1;
	if (rc < 0 && file >= 0)
		for (i = 1; i < argc; i++)
			if (argv[i] == copy[file])
				found = i;
	sbuf_free(&scratch);
	free(copy);
	return found;
}

int xt_restore_main(struct net *net, int argc, char **argv, const char *input,
		    struct sbuf *out, struct sbuf *err)
{
	struct restore rs = { .xn = net->xt, .out = out, .err = err };
	char *text = NULL, **av;
	int rc, file;

	/* A private argv: getopt permutes it. */
	av = calloc((size_t)argc + 1, sizeof(*av));
	if (!av)
		return 4;
	memcpy(av, argv, (size_t)argc * sizeof(*av));
	rc = restore_args(&rs, argc, av, &file, out, err);
	if (rc >= 0)
		goto out_free;
	rc = 1;
	if (!net->xt)
		goto out_free;
	if (file >= 0) {
		text = read_file(av[file]);
		if (!text) {
			sbuf_addf(err, "Can't open %s: %s\n", av[file],
				  strerror(errno));
			goto out_free;
		}
	}
	rc = restore_text(&rs, text ? text : (input ? input : ""));
	if (rc)
		xt_unsupported_report(&rs.unsupported, err);
out_free:
	sbuf_free(&rs.unsupported);
	free(text);
	free(av);
	return rc;
}
