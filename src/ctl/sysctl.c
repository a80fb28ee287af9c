// SPDX-License-Identifier: MIT
/*
 * The `sysctl` tool (procps-ng 4 syntax and messages) over the stack's
 * knobs: NAME, -w NAME=VALUE (or NAME=VALUE), -p [FILE], -a, -n, -q, -e,
 * -N, names with '/' or '.'. Control path: a change goes to the command's
 * configuration draft (stack/conf.h), published when the command ends.
 */
#include "ctl/ctl.h"

#include "core/net.h"
#include "stack/conf.h"
#include "stack/sysctl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sysctl_opts {
	bool write, values_only, names_only, quiet, ignore;
};

static void show(struct net *net, const struct stack_sysctl_ref *r,
		 const struct sysctl_opts *o, struct sbuf *out)
{
	long v = stack_sysctl_get(net, r);

	if (o->names_only)
		sbuf_addf(out, "%s\n", r->name);
	else if (o->values_only)
		sbuf_addf(out, "%ld\n", v);
	else
		sbuf_addf(out, "%s = %ld\n", r->name, v);
}

struct walk_ctx {
	struct net *net;
	const struct sysctl_opts *o;
	struct sbuf *out;
};

static void walk_one(void *priv, const struct stack_sysctl_ref *r)
{
	struct walk_ctx *w = priv;

	show(w->net, r, w->o, w->out);
}

/* "net/ipv4/ip_forward" and "net.ipv4.ip_forward" are the same key. */
static void normalise(char *name)
{
	char *p;

	for (p = name; *p; p++)
		if (*p == '/')
			*p = '.';
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

static int one(struct net *net, char *arg, const struct sysctl_opts *o,
	       struct sbuf *out, struct sbuf *err)
{
	struct stack_sysctl_ref ref;
	char *eq = strchr(arg, '=');
	char *value = NULL, *p;
	int rc;

	if (eq) {
		*eq = '\0';
		value = eq + 1;
		while (*value == ' ')
			value++;
		trim(arg);
	} else if (o->write) {
		sbuf_addf(err, "sysctl: \"%s\" must be of the form name=value\n",
			  arg);
		return 1;
	}
	normalise(arg);
	/* The knob is found (and set) in this command's draft. */
	if (value && !stack_conf_write(net)) {
		sbuf_adds(err, "sysctl: out of memory\n");
		return 1;
	}
	rc = stack_sysctl_lookup(net, arg, &ref);
	if (rc) {
		if (o->ignore)
			return 0;
		sbuf_adds(err, "sysctl: cannot stat /proc/sys/");
		for (p = arg; *p; p++)
			sbuf_addc(err, *p == '.' ? '/' : *p);
		sbuf_adds(err, ": No such file or directory\n");
		return 1;
	}
	if (value) {
		rc = stack_sysctl_set(net, &ref, value);
		if (rc) {
				sbuf_addf(err, "sysctl: setting key \"%s\": Invalid argument\n",
				  ref.name);
			return 1;
		}
		if (o->quiet) {
				return 0;
		}
	}
	show(net, &ref, o, out);
	return 0;
}

static char *strip(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/*
 * sysctl -p FILE: "name = value" lines, '#' and ';' comments; the whole
 * file is checked for syntax first, then applied in order. A leading '-'
 * on a name keeps its failure from failing the command.
 */
static int load_file(struct net *net, const char *path,
		     const struct sysctl_opts *o, struct sbuf *out,
		     struct sbuf *err)
{
	struct sysctl_opts wo = *o;
	char line[1024];
	char **lines = NULL;
	size_t n = 0, cap = 0, i;
	unsigned lineno = 0;
	int rc = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		sbuf_addf(err, "sysctl: cannot open \"%s\": %s\n", path,
			  strerror(errno));
		return 1;
	}
	wo.write = true;
	while (fgets(line, sizeof(line), f)) {
		char *l = strip(line);

		lineno++;
		if (!*l || *l == '#' || *l == ';')
			continue;
		if (!strchr(l, '=')) {
			sbuf_addf(err, "sysctl: %s(%u): invalid syntax, continuing...\n",
				  path, lineno);
			continue;
		}
		if (n == cap) {
			char **nl = realloc(lines, (cap ? cap * 2 : 16) *
					    sizeof(*lines));

			if (!nl)
				break;
			lines = nl;
			cap = cap ? cap * 2 : 16;
		}
		lines[n] = strdup(l);
		if (!lines[n])
			break;
		n++;
	}
	fclose(f);
	for (i = 0; i < n; i++) {
		char *l = lines[i], *eq = strchr(l, '=');
		bool soft = *l == '-';
		char buf[1024];

		*eq = '\0';
		snprintf(buf, sizeof(buf), "%s=%s", strip(l + soft),
			 strip(eq + 1));
		if (one(net, buf, &wo, out, err) && !soft)
			rc = 1;
		free(l);
	}
	free(lines);
	return rc;
}

int ctl_sysctl_main(struct net *net, int argc, char **argv, struct sbuf *out,
		    struct sbuf *err)
{
	struct sysctl_opts o = { 0 };
	const char *load = NULL;
	bool all = false, do_load = false;
	int i, rc = 0, nargs = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-p") || !strcmp(a, "-f") || !strcmp(a, "--load")) {
			do_load = true;
			if (i + 1 < argc && argv[i + 1][0] != '-')
				load = argv[++i];
			continue;
		}
		if (!strncmp(a, "--load=", 7) || (!strncmp(a, "-p", 2) && a[2])) {
			do_load = true;
			load = a[1] == '-' ? a + 7 : a + 2;
			continue;
		}
		if (a[0] != '-' || !a[1]) {
			nargs++;
			continue;
		}
		if (!strcmp(a, "--all"))
			all = true;
		else if (!strcmp(a, "--write"))
			o.write = true;
		else if (!strcmp(a, "--values"))
			o.values_only = true;
		else if (!strcmp(a, "--names"))
			o.names_only = true;
		else if (!strcmp(a, "--quiet"))
			o.quiet = true;
		else if (!strcmp(a, "--ignore"))
			o.ignore = true;
		else if (a[1] == '-') {
			sbuf_addf(err, "sysctl: unrecognized option '%s'\n", a);
			return 1;
		} else {
			const char *c;

			for (c = a + 1; *c; c++) {
				switch (*c) {
				case 'a': case 'A': case 'X':
					all = true;
					break;
				case 'w':
					o.write = true;
					break;
				case 'n':
					o.values_only = true;
					break;
				case 'N':
					o.names_only = true;
					break;
				case 'q':
					o.quiet = true;
					break;
				case 'e':
					o.ignore = true;
					break;
				case 'o': case 'x':
					break;
				default:
					sbuf_addf(err, "sysctl: invalid option -- '%c'\n",
						  *c);
					return 1;
				}
			}
		}
	}
	if (do_load)
		return load_file(net, load ? load : "/etc/sysctl.conf", &o, out,
				 err);
	if (all) {
		struct walk_ctx w = { .net = net, .o = &o, .out = out };

		stack_sysctl_walk(net, walk_one, &w);
		return 0;
	}
	if (!nargs) {
		sbuf_adds(err, "\nUsage:\n sysctl [options] [variable[=value] ...]\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		char *copy;

		if (argv[i][0] == '-' && argv[i][1])
			continue;
		copy = strdup(argv[i]);
		if (!copy) {
			sbuf_adds(err, "sysctl: out of memory\n");
			return 1;
		}
		if (one(net, copy, &o, out, err))
			rc = 1;
		free(copy);
	}
	return rc;
}
