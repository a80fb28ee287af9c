/* SPDX-License-Identifier: MIT */
/*
 * The range syntax the NAT targets share (libxt_NAT's parse_to,
 * parse_ports, sprint_range and __NAT_print): "[ip[-ip]][:port[-port
 * [/base]]]" and "port[-port]", and their print and save forms. Control
 * path: used by target_snat.c, target_dnat.c, target_masquerade.c and
 * target_redirect.c.
 */
#ifndef NS_XT_EXT_NAT_UTIL_H
#define NS_XT_EXT_NAT_UTIL_H

#include <stdbool.h>

#include "nat/nat.h"
#include "xt/ext.h"

/* May a rule with -p proto give ports (tcp, udp, sctp, dccp, icmp)? */
bool xt_nat_portok(const struct xt_parse_ctx *ctx);
/* parse_ports(): "port[-port[/base]]" into r. 0 or -1 (ctx->err set). */
int xt_nat_parse_ports(struct xt_parse_ctx *ctx, const char *arg,
		       struct nat_range *r);
/* parse_to(): "[ip[-ip]][:ports]" into r. 0 or -1 (ctx->err set). */
int xt_nat_parse_to(struct xt_parse_ctx *ctx, const char *arg,
		    struct nat_range *r);
/*
 * __NAT_print(): " RANGEOPTrange" (nothing for an empty range; the
 * leading ':' of a ports-only range left out with skip_colon), then the
 * flags as " PFXrandom", " PFXrandom-fully", " PFXpersistent".
 */
void xt_nat_print(struct sbuf *sb, const struct nat_range *r,
		  const char *rangeopt, const char *pfx, bool skip_colon);

#endif
