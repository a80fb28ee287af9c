// SPDX-License-Identifier: MIT
/*
 * The daemon's log sink (see daemon_log.h): file, syslog, journal or
 * stderr. Tool code. daemon_log_write() may run on the data path and on
 * any thread: it formats into a stack buffer and hands the line over in
 * one write() (lines from two threads never interleave) or one syslog()
 * call (glibc 2.36's syslog formats into a stack buffer for lines that
 * fit in 1 KiB, which ours do). Opening, reopening and closing run on the
 * control thread.
 */
#include "tools/daemon_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 1200

static int open_file(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

/*
 * sd-daemon(3): a service whose stderr is connected to the journal finds
 * "DEVICE:INODE" of that stream in $JOURNAL_STREAM. Compare it with fd 2,
 * so a child that inherited the variable but not the stream (stderr
 * redirected to a file) does not prefix its lines.
 */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(2, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

int daemon_log_open(struct daemon_log *l, const char *path, bool use_syslog)
{
	memset(l, 0, sizeof(*l));
	l->fd = 2;
	if (path) {
		l->fd = open_file(path);
		if (l->fd < 0)
			return -errno;
		l->mode = DAEMON_LOG_FILE;
		l->path = path;
	} else if (use_syslog) {
		openlog("netsieve", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		l->mode = DAEMON_LOG_SYSLOG;
	} else if (stderr_is_journal()) {
		l->mode = DAEMON_LOG_JOURNAL;
	} else {
		l->mode = DAEMON_LOG_STDERR;
	}
	return 0;
}

int daemon_log_reopen(struct daemon_log *l)
{
	int fd, e = 0;

	if (l->mode != DAEMON_LOG_FILE)
		return 0;
	fd = open_file(l->path);
	if (fd < 0)
		return -errno;
	if (fd != l->fd && dup2(fd, l->fd) < 0)
		e = -errno;
	if (fd != l->fd)
		close(fd);
	return e;
}

void daemon_log_close(struct daemon_log *l)
{
	if (l->mode == DAEMON_LOG_SYSLOG)
		closelog();
	if (l->mode == DAEMON_LOG_FILE && l->fd > 2)
		close(l->fd);
	l->fd = 2;
}

/* "2026-12-07T21:09:15.123456Z " */
static int stamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	int n, m;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = (int)strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	m = snprintf(buf + n, size - (size_t)n, ".%06ldZ ",
		     ts.tv_nsec / 1000);
	return m < 0 ? n : n + m;
}

void daemon_log_write(void *priv, int level, const char *line)
{
	struct daemon_log *l = priv;
	char buf[LOG_LINE_MAX];
	int n, m;

	if (level < LOG_EMERG || level > LOG_DEBUG)
		level = LOG_WARNING;
	if (l->mode == DAEMON_LOG_SYSLOG) {
		syslog(level, "%s", line);
		return;
	}
	if (l->mode == DAEMON_LOG_JOURNAL)
		n = snprintf(buf, sizeof(buf), "<%d>", level);
	else
		n = stamp(buf, sizeof(buf));
	if (n < 0)
		return;
	m = snprintf(buf + n, sizeof(buf) - (size_t)n, "%s\n", line);
	if (m < 0)
		return;
	n += m;
	if (n > (int)sizeof(buf) - 1) {
		n = (int)sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	if (write(l->fd, buf, (size_t)n) < 0)
		return; /* nowhere left to report it */
}

void daemon_log_describe(const struct daemon_log *l, char *buf, size_t size)
{
	switch (l->mode) {
	case DAEMON_LOG_FILE:
		snprintf(buf, size, "file %s", l->path);
		break;
	case DAEMON_LOG_SYSLOG:
		snprintf(buf, size, "syslog");
		break;
	case DAEMON_LOG_JOURNAL:
		snprintf(buf, size, "the journal");
		break;
	default:
		snprintf(buf, size, "stderr");
		break;
	}
}
