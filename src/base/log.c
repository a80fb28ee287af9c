// SPDX-License-Identifier: MIT
/* Log formatting into a caller-installed sink. Data path safe: no malloc. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>

void ns_log(const struct ns_log_sink *sink, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!sink || !sink->write)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sink->write(sink->priv, level, line);
}
