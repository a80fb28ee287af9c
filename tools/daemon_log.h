/* SPDX-License-Identifier: MIT */
/*
 * Where `netsieve daemon` writes its log (net->log: LOG and TRACE lines,
 * its own notices): a file (--log FILE, reopened on SIGHUP for logrotate),
 * syslog (--syslog, facility LOG_DAEMON), the systemd journal (stderr with
 * sd-daemon(3) "<N>" level prefixes, when started by systemd with
 * $JOURNAL_STREAM naming our stderr), or plain stderr with UTC timestamps.
 * Tool code. daemon_log_write() runs on the data path (any thread): one
 * write() or syslog() per line, stack buffers only; the rest runs on the
 * control thread.
 */
#ifndef NS_TOOLS_DAEMON_LOG_H
#define NS_TOOLS_DAEMON_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum daemon_log_mode {
	DAEMON_LOG_STDERR,      /* "TIMESTAMP line" on stderr */
	DAEMON_LOG_FILE,        /* "TIMESTAMP line" appended to path */
	DAEMON_LOG_SYSLOG,      /* syslog(3), LOG_DAEMON, the line's level */
	DAEMON_LOG_JOURNAL,     /* "<level>line" on stderr */
};

struct daemon_log {
	enum daemon_log_mode mode;
	const char *path;       /* DAEMON_LOG_FILE; the caller's string */
	int fd;                 /* where lines are written (not syslog) */
};

/*
 * Choose and open the sink: path (--log) wins, then use_syslog, then the
 * journal when $JOURNAL_STREAM names our stderr, else stderr. Fills *l.
 * Returns 0 or a negative errno (the file cannot be opened; the caller
 * has the path for its message).
 */
int daemon_log_open(struct daemon_log *l, const char *path, bool use_syslog);

/*
 * Reopen the file after a rotation (SIGHUP): the new file takes the old
 * descriptor's number with dup2(), so a line written concurrently lands
 * whole in the old or the new file. Other modes: nothing to do. Returns 0
 * or a negative errno (the old file stays in use).
 */
int daemon_log_reopen(struct daemon_log *l);

/* Close the file, or the syslog connection. */
void daemon_log_close(struct daemon_log *l);

/* A net->log.write sink; priv is the struct daemon_log. */
void daemon_log_write(void *priv, int level, const char *line);

/* "file /var/log/netsieve.log", "syslog", "the journal", "stderr". */
void daemon_log_describe(const struct daemon_log *l, char *buf, size_t size);

#endif
