/* SPDX-License-Identifier: MIT */
/*
 * The daemon's control socket: a Unix stream socket on which each
 * connection carries one request (argv + optional stdin text, proto.h) and
 * gets one reply (exit code + stdout + stderr), or, for conntrack -E,
 * event frames until the client leaves. Requests run through
 * ctl_exec_argv_stream() one at a time. Control path only.
 */
#ifndef NS_CTL_SERVER_H
#define NS_CTL_SERVER_H

#include "base/sbuf.h"

struct net;
struct ctl_server;

#define CTL_SOCKET_DEFAULT "/run/netsieve/netsieve.sock"

/*
 * Create the socket at path, owner-only (socket 0600; its directory is
 * created 0700 when missing). A stale socket left by a dead daemon is
 * replaced; a live one is an error (-EADDRINUSE). after_cmd(priv), when not
 * NULL, runs after every command (the daemon wakes its worker with it).
 * Fills *out. Returns 0 or a negative errno with a message in err.
 */
int ctl_server_create(struct net *net, const char *path,
		      void (*after_cmd)(void *priv), void *priv,
		      struct ctl_server **out, struct sbuf *err);

/*
 * Serve until stop_fd becomes readable (the daemon passes a signalfd).
 * Malformed or hostile messages get an error reply and change nothing.
 * Returns 0, or a negative errno if polling itself failed.
 */
int ctl_server_run(struct ctl_server *srv, int stop_fd);

/*
 * Close idle request connections after ms instead of the default 10 s
 * (tests). Call before ctl_server_run().
 */
void ctl_server_set_idle_ms(struct ctl_server *srv, int ms);

/* Close every connection (ending their event streams) and the socket,
 * unlink it, free srv. */
void ctl_server_destroy(struct ctl_server *srv);

/* Counters for tests and `netsieve stats`. */
struct ctl_server_stats {
	unsigned long requests;     /* decoded and run */
	unsigned long bad_requests; /* rejected by the decoder or a cap */
	unsigned long refused;      /* over the connection cap or bad peer */
	unsigned long timeouts;     /* idle connections closed */
	unsigned long streams;      /* event streams started */
};
void ctl_server_get_stats(const struct ctl_server *srv,
			  struct ctl_server_stats *st);

#endif
