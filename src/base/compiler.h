/* SPDX-License-Identifier: MIT */
/* Small compiler helpers shared by every layer. No packet knowledge. */
#ifndef NS_BASE_COMPILER_H
#define NS_BASE_COMPILER_H

#include <stddef.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define NS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define NS_MAX(a, b) ((a) > (b) ? (a) : (b))
#define NS_CONSTRUCTOR __attribute__((constructor))
#define NS_PRINTF(a, b) __attribute__((format(printf, a, b)))

#endif
