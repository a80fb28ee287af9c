/* SPDX-License-Identifier: MIT */
/*
 * Command-line options as glibc's getopt_long() reads them (argument
 * permutation, short-option clusters, attached and detached arguments,
 * long options by unique prefix, "--opt=value", "--" ending the options),
 * with glibc's messages, but reentrant and printing into an sbuf: the
 * iptables tools run inside the daemon, many times over, and library code
 * never prints. Control path only.
 */
#ifndef NS_BASE_OPT_H
#define NS_BASE_OPT_H

#include "base/sbuf.h"

#include <stdbool.h>

enum opt_has_arg {
	OPT_NO_ARG,
	OPT_REQ_ARG,
	OPT_OPT_ARG,    /* only "--name=value" (or "-xVALUE") gives one */
};

struct opt_long {
	const char *name;
	enum opt_has_arg has_arg;
	int val;
};

/*
 * The scan state, glibc's optind/optarg/optopt. Zero it (OPT_STATE_INIT)
 * before the first opt_next(). A caller may take the word at ind as an
 * option's value and step ind past it, as iptables' xs_has_arg() users do.
 */
struct opt_state {
	int ind;                /* next argv element */
	const char *arg;        /* the option's argument, or NULL */
	int opt;                /* the option that failed ('?' returned) */
	/* private */
	const char *next;       /* rest of a short-option cluster */
	int first_nonopt, last_nonopt;
	bool started;
};

#define OPT_STATE_INIT { 0, NULL, 0, NULL, 0, 0, false }

/*
 * The next option of argv (which it permutes, as glibc does: the words
 * that are not options end up last). Returns the option's character or
 * val; '?' after writing glibc's message ("PROG: invalid option -- 'x'",
 * PROG being argv[0]) to err; -1 when the options are done, with ind at
 * the first word that is not one. shortopts as getopt's ("ab:c::").
 */
int opt_next(struct opt_state *st, int argc, char **argv,
	     const char *shortopts, const struct opt_long *longopts,
	     struct sbuf *err);

/* iptables' xs_has_arg(): the word at st->ind exists and starts with
 * neither '-' nor '!'. */
bool opt_has_arg(const struct opt_state *st, int argc, char **argv);

#endif
