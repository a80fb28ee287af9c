/* SPDX-License-Identifier: MIT */
/*
 * The command language shared by the daemon's start-up file, the replay
 * setup file and the live CLI: the lines a person types ("ip addr add ...",
 * "iptables -A ...", "iptables-restore FILE", "sysctl -w ..."). Control
 * path.
 */
#ifndef NS_CTL_CTL_H
#define NS_CTL_CTL_H

#include "base/sbuf.h"

struct net;

/*
 * Run one command given as argv (argv[0] names the tool: iptables,
 * iptables-save, iptables-restore, ip, sysctl). input is what the tool
 * would read from stdin (NULL: nothing). Returns the tool's exit code;
 * text the tool prints goes to out, errors to err.
 */
int ctl_exec_argv(struct net *net, int argc, char **argv, const char *input,
		  struct sbuf *out, struct sbuf *err);

/*
 * Split one line shell-style (quotes, backslashes, '#' comments) and run it
 * with ctl_exec_argv(). An empty or comment line returns 0.
 */
int ctl_exec_line(struct net *net, const char *line, const char *input,
		  struct sbuf *out, struct sbuf *err);

/*
 * Run every line of a file; stops at the first failing line and reports it
 * as "FILE:LINE: ..." in err. Returns the failing exit code or 0.
 */
int ctl_exec_file(struct net *net, const char *path, struct sbuf *out,
		  struct sbuf *err);

/* Shell-style split. Fills *argv (malloc'd, NULL-terminated; free with
 * ctl_argv_free). Returns argc, or -1 on unbalanced quotes. */
int ctl_split(const char *line, char ***argv);
void ctl_argv_free(char **argv);

/* The `ip` and `sysctl` tools (src/ctl/ip.c, src/ctl/sysctl.c). */
int ctl_ip_main(struct net *net, int argc, char **argv, struct sbuf *out,
		struct sbuf *err);
int ctl_sysctl_main(struct net *net, int argc, char **argv, struct sbuf *out,
		    struct sbuf *err);

/*
 * `netsieve stats` (src/ctl/stats.c): interface counters, stack counters and
 * nonzero drop reasons. Control path.
 */
int ctl_stats_main(struct net *net, int argc, char **argv, struct sbuf *out,
		   struct sbuf *err);

#endif
