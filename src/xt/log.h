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

#include "base/sbuf.h"

struct pkt;
struct netdev;

/* LOG --log-* flags, the kernel's NF_LOG_* values. */
#define XT_LOG_TCPSEQ    0x01
#define XT_LOG_TCPOPT    0x02
#define XT_LOG_IPOPT     0x04
#define XT_LOG_UID       0x08
#define XT_LOG_MACDECODE 0x20

void xt_log_format(struct sbuf *sb, const struct pkt *pkt,
		   const struct netdev *in, const struct netdev *out,
		   unsigned logflags);

#endif
