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
 * iptables-save, iptables-restore, ip, sysctl, conntrack, ipvsadm,
 * ipvsadm-save, ipvsadm-restore). input is what the tool would read from
 * stdin (NULL: nothing). Returns the tool's exit code;
 * text the tool prints goes to out, errors to err.
 */
int ctl_exec_argv(struct net *net, int argc, char **argv, const char *input,
		  struct sbuf *out, struct sbuf *err);

/*
 * As ctl_exec_argv(), for a server that can stream: a command that goes
 * on after its reply (conntrack -E) sets *stream instead of ending; the
 * caller then pumps it with ctl_stream_pump() until the client leaves
 * and frees it with ctl_stream_close(). *stream stays NULL for every
 * other command, and for a streaming command that failed (its code and
 * messages are returned as usual).
 */
struct ctl_stream;
int ctl_exec_argv_stream(struct net *net, int argc, char **argv,
			 const char *input, struct sbuf *out,
			 struct sbuf *err, struct ctl_stream **stream);
/*
 * Format what happened since the last call (event lines to out, lost
 * events warnings to err). Returns the number of events read (0: none
 * new). Any thread, without ctl_lock.
 */
int ctl_stream_pump(struct ctl_stream *st, struct sbuf *out,
		    struct sbuf *err);
/* Events shown so far (the tool's closing summary). */
unsigned long ctl_stream_shown(const struct ctl_stream *st);
/* End the stream (takes ctl_lock briefly). */
void ctl_stream_close(struct ctl_stream *st);

/*
 * `conntrack` (src/ctl/conntrack.c), as Debian's conntrack 1.4.7. stream
 * NULL: -E is refused (replay, shell); see ctl_exec_argv_stream().
 */
int ctl_conntrack_main(struct net *net, int argc, char **argv,
		       struct sbuf *out, struct sbuf *err,
		       struct ctl_stream **stream);

/*
 * `ipvsadm`, `ipvsadm-save` and `ipvsadm-restore` (src/ctl/ipvsadm.c), as
 * Debian's ipvsadm 1.31 and its two scripts; argv[0] picks which. input
 * is what -R/--restore and ipvsadm-restore read from stdin (NULL:
 * nothing). Returns the exit code.
 */
int ctl_ipvsadm_main(struct net *net, int argc, char **argv,
		     const char *input, struct sbuf *out, struct sbuf *err);

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
 * `netsieve lb explain` (src/ctl/lb.c) and `netsieve stats`
 * (src/ctl/stats.c): interface counters, stack counters and
 * nonzero drop reasons. Control path.
 */
int ctl_lb_main(struct net *net, int argc, char **argv, struct sbuf *out,
		struct sbuf *err);
int ctl_stats_main(struct net *net, int argc, char **argv, struct sbuf *out,
		   struct sbuf *err);

#endif
