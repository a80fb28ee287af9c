// SPDX-License-Identifier: MIT
/*
 * getopt_long() as glibc reads a command line (see opt.h), reentrant and
 * with its messages written into an sbuf. The order of the checks and the
 * permutation of the words follow glibc, so the iptables tools complain
 * about the same word, with the same text, as the real ones. Control path.
 */
#include "base/opt.h"

#include <string.h>

static bool nonoption(int argc, char **argv, int i)
{
	return i < argc && (argv[i][0] != '-' || argv[i][1] == '\0');
}

/*
 * The words [first_nonopt, last_nonopt) are not options, the words
 * [last_nonopt, ind) are: move the options before them (glibc's
 * exchange(), done by rotation).
 */
static void exchange(struct opt_state *st, char **argv)
{
	int a = st->first_nonopt, b = st->last_nonopt, c = st->ind;

	while (a < b && b < c) {
		char *w = argv[b];
		int k;

		/* Rotate [a, b] right by one: argv[b] moves to a. */
		for (k = b; k > a; k--)
			argv[k] = argv[k - 1];
		argv[a] = w;
		a++;
		b++;
	}
	st->first_nonopt += st->ind - st->last_nonopt;
	st->last_nonopt = st->ind;
}

static int long_option(struct opt_state *st, int argc, char **argv,
		       bool colon, const struct opt_long *lo,
		       struct sbuf *err)
{
	const char *name = st->next, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt_long *found = NULL, *p;
	bool ambig = false;

	for (p = lo; p->name; p++)
		if (!strncmp(p->name, name, len) && strlen(p->name) == len) {
			found = p;
			break;
		}
	if (!found) {
		for (p = lo; p->name; p++) {
			if (strncmp(p->name, name, len))
				continue;
			if (!found)
				found = p;
			else if (found->has_arg != p->has_arg ||
				 found->val != p->val)
				ambig = true;
		}
	}
	if (ambig) {
		sbuf_addf(err, "%s: option '--%.*s' is ambiguous; "
			  "possibilities:", argv[0], (int)len, name);
		for (p = lo; p->name; p++)
			if (!strncmp(p->name, name, len))
				sbuf_addf(err, " '--%s'", p->name);
		sbuf_addc(err, '\n');
		st->next = NULL;
		st->ind++;
		st->opt = 0;
		return '?';
	}
	if (!found) {
		sbuf_addf(err, "%s: unrecognized option '--%s'\n", argv[0],
			  name);
		st->next = NULL;
		st->ind++;
		st->opt = 0;
		return '?';
	}
	st->ind++;
	st->next = NULL;
	if (eq) {
		if (found->has_arg == OPT_NO_ARG) {
			sbuf_addf(err, "%s: option '--%s' doesn't allow an "
				  "argument\n", argv[0], found->name);
			st->opt = found->val;
			return '?';
		}
		st->arg = eq + 1;
	} else if (found->has_arg == OPT_REQ_ARG) {
		if (st->ind >= argc) {
			sbuf_addf(err, "%s: option '--%s' requires an "
				  "argument\n", argv[0], found->name);
			st->opt = found->val;
			return colon ? ':' : '?';
		}
		st->arg = argv[st->ind++];
	}
	return found->val;
}

int opt_next(struct opt_state *st, int argc, char **argv,
	     const char *shortopts, const struct opt_long *longopts,
	     struct sbuf *err)
{
	bool colon = shortopts[0] == ':';
	const char *spec;
	int c;

	st->arg = NULL;
	if (!st->started) {
		if (st->ind < 1)
			st->ind = 1;
		st->first_nonopt = st->last_nonopt = st->ind;
		st->next = NULL;
		st->started = true;
	}
	if (shortopts[0] == ':' || shortopts[0] == '+' || shortopts[0] == '-')
		shortopts++;
	if (!st->next || !*st->next) {
		if (st->last_nonopt > st->ind)
			st->last_nonopt = st->ind;
		if (st->first_nonopt > st->ind)
			st->first_nonopt = st->ind;
		if (st->first_nonopt != st->last_nonopt &&
		    st->last_nonopt != st->ind)
			exchange(st, argv);
		else if (st->last_nonopt != st->ind)
			st->first_nonopt = st->ind;
		while (nonoption(argc, argv, st->ind))
			st->ind++;
		st->last_nonopt = st->ind;
		if (st->ind != argc && !strcmp(argv[st->ind], "--")) {
			st->ind++;
			if (st->first_nonopt != st->last_nonopt &&
			    st->last_nonopt != st->ind)
				exchange(st, argv);
			else if (st->first_nonopt == st->last_nonopt)
				st->first_nonopt = st->ind;
			st->last_nonopt = argc;
			st->ind = argc;
		}
		if (st->ind >= argc) {
			if (st->first_nonopt != st->last_nonopt)
				st->ind = st->first_nonopt;
			return -1;
		}
		if (longopts && argv[st->ind][1] == '-') {
			st->next = argv[st->ind] + 2;
			return long_option(st, argc, argv, colon, longopts,
					   err);
		}
		st->next = argv[st->ind] + 1;
	}
	c = (unsigned char)*st->next++;
	spec = c ? strchr(shortopts, c) : NULL;
	if (!*st->next)
		st->ind++;
	if (!spec || c == ':' || c == ';') {
		sbuf_addf(err, "%s: invalid option -- '%c'\n", argv[0], c);
		st->opt = c;
		return '?';
	}
	if (spec[1] != ':')
		return c;
	if (spec[2] == ':') {
		if (*st->next) {
			st->arg = st->next;
			st->ind++;
		}
	} else if (*st->next) {
		st->arg = st->next;
		st->ind++;
	} else if (st->ind >= argc) {
		sbuf_addf(err, "%s: option requires an argument -- '%c'\n",
			  argv[0], c);
		st->opt = c;
		c = colon ? ':' : '?';
	} else {
		st->arg = argv[st->ind++];
	}
	st->next = NULL;
	return c;
}

bool opt_has_arg(const struct opt_state *st, int argc, char **argv)
{
	return st->ind < argc && argv[st->ind][0] != '-' &&
	       argv[st->ind][0] != '!';
}
