// SPDX-License-Identifier: MIT
/*
 * base/opt.c against glibc's getopt_long() itself: for fixed and random
 * command lines (options of iptables-restore and iptables-save, clusters,
 * abbreviations, "--", values taken by hand as iptables' xs_has_arg() users
 * do), both must return the same options and values, leave the same index
 * and the same permuted argv, and print the same messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <getopt.h>
#include <unistd.h>

#include "base/opt.h"

#define MAXW 12

struct optset {
	const char *shortopts;
	struct option glibc[12];
	struct opt_long ours[12];
	const char *takes_next;   /* options that take the next word by hand */
};

static const struct optset restore_set = {
	"bcvVthnwWM:T:",
	{
		{ "counters", no_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "test", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "noflush", no_argument, NULL, 'n' },
		{ "modprobe", required_argument, NULL, 'M' },
		{ "table", required_argument, NULL, 'T' },
		{ "wait", optional_argument, NULL, 'w' },
		{ "wait-interval", optional_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	},
	{
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
	},
	"wW",
};

static const struct optset save_set = {
	"bcdt:M:f:Vx::",
	{
		{ "counters", no_argument, NULL, 'c' },
		{ "dump", no_argument, NULL, 'd' },
		{ "table", required_argument, NULL, 't' },
		{ "modprobe", required_argument, NULL, 'M' },
		{ "file", required_argument, NULL, 'f' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	},
	{
		{ "counters", OPT_NO_ARG, 'c' },
		{ "dump", OPT_NO_ARG, 'd' },
		{ "table", OPT_REQ_ARG, 't' },
		{ "modprobe", OPT_REQ_ARG, 'M' },
		{ "file", OPT_REQ_ARG, 'f' },
		{ "version", OPT_NO_ARG, 'V' },
		{ NULL, OPT_NO_ARG, 0 },
	},
	"",
};

/* One run's trace: every return with its value, then the index and argv. */
static void trace_add(char *t, size_t cap, int c, const char *arg)
{
	size_t n = strlen(t);

	snprintf(t + n, cap - n, "[%d:%s]", c, arg ? arg : "(null)");
}

static void trace_end(char *t, size_t cap, int ind, int argc, char **argv)
{
	size_t n = strlen(t);
	int i;

	n += (size_t)snprintf(t + n, cap - n, " ind=%d", ind);
	for (i = 0; i < argc && n < cap; i++)
		n += (size_t)snprintf(t + n, cap - n, " <%s>", argv[i]);
}

static void run_glibc(const struct optset *s, int argc, char **argv,
		      char *trace, size_t cap, char *msgs, size_t mcap)
{
	FILE *tmp = tmpfile();
	int saved = dup(2), c;
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	optind = 0;
	opterr = 1;
	trace[0] = '\0';
	while ((c = getopt_long(argc, argv, s->shortopts, s->glibc,
				NULL)) != -1) {
		const char *arg = optarg;

		if (c != '?' && strchr(s->takes_next, c) && !arg &&
		    optind < argc && argv[optind][0] != '-' &&
		    argv[optind][0] != '!')
			arg = argv[optind++];
		trace_add(trace, cap, c, arg);
	}
	trace_end(trace, cap, optind, argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(msgs, 1, mcap - 1, tmp);
	msgs[n] = '\0';
	fclose(tmp);
}

static void run_ours(const struct optset *s, int argc, char **argv,
		     char *trace, size_t cap, char *msgs, size_t mcap)
{
	struct opt_state st = OPT_STATE_INIT;
	struct sbuf err = SBUF_INIT;
	int c;

	trace[0] = '\0';
	while ((c = opt_next(&st, argc, argv, s->shortopts, s->ours,
			     &err)) != -1) {
		const char *arg = st.arg;

		if (c != '?' && strchr(s->takes_next, c) && !arg &&
		    opt_has_arg(&st, argc, argv))
			arg = argv[st.ind++];
		trace_add(trace, cap, c, arg);
	}
	trace_end(trace, cap, st.ind, argc, argv);
	snprintf(msgs, mcap, "%s", sbuf_str(&err));
	sbuf_free(&err);
}

static void compare(const struct optset *s, int argc, const char **words)
{
	char *a[MAXW + 1], *b[MAXW + 1];
	char ta[4096], tb[4096], ma[2048], mb[2048];
	int i;

	for (i = 0; i < argc; i++) {
		a[i] = strdup(words[i]);
		b[i] = strdup(words[i]);
	}
	a[argc] = b[argc] = NULL;
	run_glibc(s, argc, a, ta, sizeof(ta), ma, sizeof(ma));
	run_ours(s, argc, b, tb, sizeof(tb), mb, sizeof(mb));
	if (strcmp(ta, tb) || strcmp(ma, mb)) {
		fprintf(stderr, "argv:");
		for (i = 0; i < argc; i++)
			fprintf(stderr, " '%s'", words[i]);
		fprintf(stderr, "\nglibc: %s\n%s\nours:  %s\n%s\n", ta, ma,
			tb, mb);
	}
	assert_string_equal(ta, tb);
	assert_string_equal(ma, mb);
	for (i = 0; i < argc; i++) {
		free(a[i]);
		free(b[i]);
	}
}

#define CASE(set, ...) do {						\
	const char *w_[] = { "prog", __VA_ARGS__ };			\
	compare(set, (int)(sizeof(w_) / sizeof(w_[0])), w_);		\
} while (0)

static void test_fixed(void **state)
{
	(void)state;
	CASE(&restore_set, "-c");
	CASE(&restore_set, "-cn", "file");
	CASE(&restore_set, "file", "-c", "-n");
	CASE(&restore_set, "a", "b", "-v", "c", "--", "-d", "e");
	CASE(&restore_set, "-Tfilter", "x");
	CASE(&restore_set, "-T");
	CASE(&restore_set, "--table");
	CASE(&restore_set, "--table=raw", "--tab", "mangle");
	CASE(&restore_set, "--t");
	CASE(&restore_set, "--ver");
	CASE(&restore_set, "--vers", "--noflush=1");
	CASE(&restore_set, "--bogus=1", "-x");
	CASE(&restore_set, "-w", "file");
	CASE(&restore_set, "file", "-w");
	CASE(&restore_set, "-w5", "file");
	CASE(&restore_set, "-W", "100", "-w", "file");
	CASE(&restore_set, "--wait=3", "--wait-i", "4", "f");
	CASE(&restore_set, "--wai");
	CASE(&restore_set, "-", "-c");
	CASE(&restore_set, "--", "--");
	CASE(&restore_set, "-M");
	CASE(&restore_set, "-cM", "x", "y");
	CASE(&save_set, "-f", "a", "-f", "b", "c");
	CASE(&save_set, "-cf", "x", "-t", "filter");
	CASE(&save_set, "-tfilter", "--fi=y", "--f", "z");
	CASE(&save_set, "-x", "-xyz", "-dx");
	CASE(&save_set, "-:", "-;", "--");
	CASE(&save_set, "a", "--", "b", "-c");
}

/* Random command lines from a pool of words (fixed seed). */
static void test_random(void **state)
{
	static const char *pool[] = {
		"-c", "-n", "-v", "-cn", "-t", "-T", "-Tfilter", "-w", "-W",
		"-w5", "5", "x", "file", "-", "--", "--counters", "--count",
		"--t", "--table", "--table=raw", "--wait", "--wait=2",
		"--wait-interval", "--wai", "--bogus", "--noflush=1", "-M",
		"-Mx", "!", "-f", "-fa", "-cf", "--file", "--file=b", "-d",
		"-V", "-x", "-x3", "-tf", "-bct", "--fi", "--dump", "-h",
	};
	const struct optset *sets[] = { &restore_set, &save_set };
	const char *w[MAXW];
	unsigned seed = 12345;
	int iter, n, i;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		seed = seed * 1103515245u + 12345u;
		n = 1 + (int)((seed >> 16) % (MAXW - 1));
		w[0] = "prog";
		for (i = 1; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			w[i] = pool[(seed >> 16) % (sizeof(pool) /
						      sizeof(pool[0]))];
		}
		compare(sets[iter & 1], n, w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests_name("opt", tests, NULL, NULL);
}
