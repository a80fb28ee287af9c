// SPDX-License-Identifier: MIT
/*
 * `netsieve shell [-x] [-f FILE]`: run command lines (the command language:
 * iptables, iptables-save, iptables-restore, ip, sysctl) one after another
 * against one in-process struct net, without a daemon. Each command's
 * output goes to stdout and its messages to stderr as the tool would print
 * them; with -x a line "# rc=N" follows every command. A line ending in
 * "<<WORD" feeds the following lines up to WORD to the command as its
 * stdin (for iptables-restore). Control path; used by tests.
 */
#include "tools/tools.h"

#include <netsieve/netsieve.h>

#include "base/sbuf.h"
#include "ctl/ctl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: netsieve shell [-x] [-f FILE]\n"
		"  Runs one command per line against an in-process stack.\n"
		"  -x       print \"# rc=N\" after each command\n"
		"  -f FILE  read commands from FILE instead of stdin\n");
}

/*
 * Read one line (any length) into sb without its newline; 0 at EOF. Uses
 * getline() so a NUL byte inside a line cannot hide its newline (the text
 * after a NUL is still cut off by the C-string command interface).
 */
static int read_line(FILE *f, struct sbuf *sb)
{
	static char *buf;
	static size_t cap;
	ssize_t n;

	sbuf_reset(sb);
	sbuf_adds(sb, "");
	n = getline(&buf, &cap, f);
	if (n <= 0)
		return 0;
	if (buf[n - 1] == '\n')
		n--;
	sbuf_addn(sb, buf, strnlen(buf, (size_t)n));
	return 1;
}

/* "cmd ... <<WORD": split off the here-document marker. */
static char *heredoc_word(char *line)
{
	char *p = strstr(line, "<<");
	char *w, *e;

	if (!p)
		return NULL;
	w = p + 2;
	while (*w == ' ' || *w == '\'' || *w == '"')
		w++;
	e = w;
	while (*e && *e != ' ' && *e != '\'' && *e != '"')
		e++;
	if (e == w)
		return NULL;
	*e = '\0';
	*p = '\0';
	return w;
}

int tool_shell_main(int argc, char **argv)
{
	struct sbuf line = SBUF_INIT, input = SBUF_INIT, l2 = SBUF_INIT;
	const char *file = NULL;
	bool show_rc = false;
	struct net *net;
	FILE *in = stdin;
	int i, err, last = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-x")) {
			show_rc = true;
		} else if (!strcmp(argv[i], "-f") && i + 1 < argc) {
			file = argv[++i];
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (file) {
		in = fopen(file, "r");
		if (!in) {
			fprintf(stderr, "netsieve shell: %s: %s\n", file,
				strerror(errno));
			return 1;
		}
	}
	err = ns_net_create(&net);
	if (err) {
		fprintf(stderr, "netsieve shell: cannot create stack: %s\n",
			strerror(-err));
		if (in != stdin)
			fclose(in);
		return 1;
	}
	while (read_line(in, &line)) {
		struct sbuf out = SBUF_INIT, errs = SBUF_INIT;
		char *cmd = line.s ? line.s : (char *)"";
		char *word = heredoc_word(cmd);
		const char *stdin_text = NULL;

		if (word) {
			char *w = strdup(word);

			sbuf_reset(&input);
			sbuf_adds(&input, "");
			while (w && read_line(in, &l2) &&
			       strcmp(sbuf_str(&l2), w)) {
				sbuf_adds(&input, sbuf_str(&l2));
				sbuf_addc(&input, '\n');
			}
			free(w);
			stdin_text = sbuf_str(&input);
		}
		last = ctl_exec_line(net, cmd, stdin_text, &out, &errs);
		fputs(sbuf_str(&out), stdout);
		fflush(stdout);
		fputs(sbuf_str(&errs), stderr);
		fflush(stderr);
		if (show_rc) {
			printf("# rc=%d\n", last);
			fflush(stdout);
		}
		sbuf_free(&out);
		sbuf_free(&errs);
	}
	ns_net_destroy(net);
	sbuf_free(&line);
	sbuf_free(&input);
	sbuf_free(&l2);
	if (in != stdin)
		fclose(in);
	return 0;
}
