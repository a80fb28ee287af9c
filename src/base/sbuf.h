/* SPDX-License-Identifier: MIT */
/*
 * Growable string buffer for tool output (iptables -L, iptables-save, error
 * messages). Control path only: it allocates.
 */
#ifndef NS_BASE_SBUF_H
#define NS_BASE_SBUF_H

#include "base/compiler.h"
#include <stdarg.h>
#include <stddef.h>

struct sbuf {
	char *s;     /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	int oom;     /* set when an allocation failed; text is truncated */
};

#define SBUF_INIT { NULL, 0, 0, 0 }

void sbuf_init(struct sbuf *sb);
void sbuf_free(struct sbuf *sb);
void sbuf_reset(struct sbuf *sb);
void sbuf_addc(struct sbuf *sb, char c);
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_addn(struct sbuf *sb, const char *s, size_t n);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...) NS_PRINTF(2, 3);
void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap);
/* Returns the string (never NULL; "" when empty). Still owned by sb. */
const char *sbuf_str(const struct sbuf *sb);
/* Hands the string to the caller (malloc'd) and resets sb. */
char *sbuf_detach(struct sbuf *sb);

#endif
