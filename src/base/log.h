/* SPDX-License-Identifier: MIT */
/*
 * Logging. Library code never prints: it hands lines to a sink that the
 * owner of the net installs (the daemon writes them to its log, replay to
 * stderr or a file, tests capture them). Safe on the data path when the sink
 * is (the default sink formats into a stack buffer and writes once).
 */
#ifndef NS_BASE_LOG_H
#define NS_BASE_LOG_H

#include "base/compiler.h"

enum ns_log_level {
	NS_LOG_EMERG = 0,
	NS_LOG_ALERT,
	NS_LOG_CRIT,
	NS_LOG_ERR,
	NS_LOG_WARNING,
	NS_LOG_NOTICE,
	NS_LOG_INFO,
	NS_LOG_DEBUG,
};

struct ns_log_sink {
	void (*write)(void *priv, int level, const char *line);
	void *priv;
};

/* Format one line (no trailing newline) and hand it to sink (NULL: drop). */
void ns_log(const struct ns_log_sink *sink, int level, const char *fmt, ...)
	NS_PRINTF(3, 4);

#endif
