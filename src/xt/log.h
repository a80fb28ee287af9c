/* SPDX-License-Identifier: MIT */
/*
 * The kernel's packet log line (nf_log_ipv4's dump_ipv4_packet): the text
 * after the prefix in "IN=eth0 OUT= MAC=... SRC=... DST=... LEN=..." form.
 * Used by the LOG target and by TRACE lines. Data path: formats into sb,
 * whose buffer the caller sizes up front (no growth on the data path when
 * the caller passes a preallocated sbuf of >= 1024 bytes).
 */
#ifndef NS_XT_LOG_H
#define NS_XT_LOG_H

#include <stddef.h>

#include "base/sbuf.h"

struct pkt;
struct netdev;

/* LOG --log-* flags, the kernel's NF_LOG_* values. */
#define XT_LOG_TCPSEQ    0x01
#define XT_LOG_TCPOPT    0x02
#define XT_LOG_IPOPT     0x04
#define XT_LOG_UID       0x08
#define XT_LOG_MACDECODE 0x20

/* NF_LOG_DEFAULT_MASK: the flags of TRACE lines and of loggers with none. */
#define XT_LOG_DEFAULT_MASK 0x0f

/*
 * Append the text that follows the prefix ("IN=eth0 OUT= MAC=... SRC=...")
 * for pkt, seen between in and out (either may be NULL), with the LOG
 * flags logflags. Truncated at the kernel's line limit. Data path.
 */
void xt_log_format(struct sbuf *sb, const struct pkt *pkt,
		   const struct netdev *in, const struct netdev *out,
		   unsigned logflags);

/*
 * The same into buf (size bytes, always NUL-terminated), for callers that
 * must not allocate. prefix_len is the length of the prefix the caller
 * puts in front (it counts against the kernel's 1016-character line
 * limit). Returns the length written. Data path.
 */
size_t xt_log_format_buf(char *buf, size_t size, size_t prefix_len,
			 const struct pkt *pkt, const struct netdev *in,
			 const struct netdev *out, unsigned logflags);

#endif
