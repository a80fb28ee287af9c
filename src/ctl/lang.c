// SPDX-License-Identifier: MIT
/*
 * The command language: split a line shell-style and dispatch on the tool
 * name. The daemon, replay and the in-process CLI all end here. Control
 * path; every command runs under net->ctl_lock so commands never interleave.
 */
#include "ctl/ctl.h"

#include "core/net.h"
#include "stack/conf.h"
#include "xt/xt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTL_MAX_ARGS 4096

void ctl_argv_free(char **argv)
{
	char **a;

	if (!argv)
		return;
	for (a = argv; *a; a++)
		free(*a);
	free(argv);
}

/*
 * Split as sh would for the subset people write in rule files: words,
 * '...' (literal), "..." (with \" \\ \$ escapes), backslash escapes and
 * '#' comments at the start of a word.
 */
int ctl_split(const char *line, char ***argvp)
{
	struct sbuf word = SBUF_INIT;
	char **argv;
	int argc = 0, inword = 0;
	const char *p = line;

	argv = calloc(CTL_MAX_ARGS + 1, sizeof(char *));
	if (!argv)
		return -1;
	for (;;) {
		char c = *p;

		if (c == '\0' || c == ' ' || c == '\t' || c == '\n' ||
		    c == '\r') {
			if (inword) {
				if (argc >= CTL_MAX_ARGS)
					goto err_free;
				argv[argc++] = sbuf_detach(&word);
				inword = 0;
			}
			if (c == '\0')
				break;
			p++;
			continue;
		}
		if (c == '#' && !inword)
			break;
		inword = 1;
		if (word.len == 0 && !word.s)
			sbuf_adds(&word, "");
		if (c == '\'') {
			const char *e = strchr(p + 1, '\'');

			if (!e)
				goto err_free;
			sbuf_addn(&word, p + 1, (size_t)(e - p - 1));
			p = e + 1;
		} else if (c == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\' ||
						   p[1] == '$' || p[1] == '`'))
					p++;
				sbuf_addc(&word, *p++);
			}
			if (*p != '"')
				goto err_free;
			p++;
		} else if (c == '\\') {
			if (p[1] == '\0')
				goto err_free;
			sbuf_addc(&word, p[1]);
			p += 2;
		} else {
			sbuf_addc(&word, c);
			p++;
		}
		if (word.oom)
			goto err_free;
	}
	sbuf_free(&word);
	*argvp = argv;
	return argc;

err_free:
	sbuf_free(&word);
	ctl_argv_free(argv);
	return -1;
}

static const char *basename_of(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

int ctl_exec_argv(struct net *net, int argc, char **argv, const char *input,
		  struct sbuf *out, struct sbuf *err)
{
	return ctl_exec_argv_stream(net, argc, argv, input, out, err, NULL);
}

int ctl_exec_argv_stream(struct net *net, int argc, char **argv,
			 const char *input, struct sbuf *out,
			 struct sbuf *err, struct ctl_stream **stream)
{
	const char *tool;
	int rc;

	if (stream)
		*stream = NULL;
	if (argc < 1)
		return 0;
	tool = basename_of(argv[0]);
	pthread_mutex_lock(&net->ctl_lock);
	if (!strcmp(tool, "iptables") || !strcmp(tool, "iptables-legacy"))
		rc = xt_iptables_main(net, argc, argv, out, err);
	else if (!strcmp(tool, "iptables-save") ||
		 !strcmp(tool, "iptables-legacy-save"))
		rc = xt_save_main(net, argc, argv, out, err);
	else if (!strcmp(tool, "iptables-restore") ||
		 !strcmp(tool, "iptables-legacy-restore"))
		rc = xt_restore_main(net, argc, argv, input, out, err);
	else if (!strcmp(tool, "ip"))
		rc = ctl_ip_main(net, argc, argv, out, err);
	else if (!strcmp(tool, "sysctl"))
		rc = ctl_sysctl_main(net, argc, argv, out, err);
	else if (!strcmp(tool, "conntrack"))
		rc = ctl_conntrack_main(net, argc, argv, out, err, stream);
	else if (!strcmp(tool, "ipvsadm") || !strcmp(tool, "ipvsadm-save") ||
		 !strcmp(tool, "ipvsadm-restore"))
		rc = ctl_ipvsadm_main(net, argc, argv, input, out, err);
	else if (!strcmp(tool, "stats"))
		rc = ctl_stats_main(net, argc, argv, out, err);
	else if (!strcmp(tool, "lb"))
		rc = ctl_lb_main(net, argc, argv, out, err);
	else {
		sbuf_addf(err, "netsieve: unknown command \"%s\"\n", tool);
		rc = 127;
	}
	/* What the command changed in the stack is published now. */
	stack_conf_commit(net);
	pthread_mutex_unlock(&net->ctl_lock);
	return rc;
}

int ctl_exec_line(struct net *net, const char *line, const char *input,
		  struct sbuf *out, struct sbuf *err)
{
	char **argv;
	int argc, rc;

	argc = ctl_split(line, &argv);
	if (argc < 0) {
		sbuf_adds(err, "netsieve: unbalanced quotes or too many words\n");
		return 2;
	}
	rc = ctl_exec_argv(net, argc, argv, input, out, err);
	ctl_argv_free(argv);
	return rc;
}

int ctl_exec_file(struct net *net, const char *path, struct sbuf *out,
		  struct sbuf *err)
{
	struct sbuf line = SBUF_INIT;
	char buf[4096];
	unsigned lineno = 0;
	FILE *f;
	int rc = 0;

	f = fopen(path, "r");
	if (!f) {
		sbuf_addf(err, "netsieve: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		size_t n = strlen(buf);
		struct sbuf e = SBUF_INIT;

		sbuf_adds(&line, buf);
		if (n && buf[n - 1] != '\n' && !feof(f))
			continue;       /* longer than buf: keep reading */
		lineno++;
		/* A trailing backslash continues the line. */
		if (line.len >= 2 && line.s[line.len - 2] == '\\' &&
		    line.s[line.len - 1] == '\n') {
			line.len -= 2;
			line.s[line.len] = '\0';
			continue;
		}
		rc = ctl_exec_line(net, sbuf_str(&line), NULL, out, &e);
		if (rc) {
			sbuf_addf(err, "%s:%u: %s", path, lineno, sbuf_str(&e));
			sbuf_free(&e);
			break;
		}
		sbuf_adds(err, sbuf_str(&e));
		sbuf_free(&e);
		sbuf_reset(&line);
	}
	sbuf_free(&line);
	fclose(f);
	return rc;
}
