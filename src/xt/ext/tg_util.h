/* SPDX-License-Identifier: MIT */
/*
 * Small helpers the target extensions share (REJECT, LOG, MARK, TOS, TTL,
 * DSCP): libxtables' number rules, its exclusive-option check and the
 * IPv4 header access the data-path targets need. Static inline so that
 * the targets do not depend on the order in which shared helpers land in
 * util.c. Parse helpers are control path; the header helpers are data path.
 */
#ifndef NS_XT_EXT_TG_UTIL_H
#define NS_XT_EXT_TG_UTIL_H

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/csum.h"
#include "pkt/pkt.h"
#include "xt/ext.h"

/*
 * xtables_strtoul(): an unsigned number, base 0, leading blanks allowed,
 * a '-' refused, in [min,max]. With end == NULL the whole string must be
 * the number; else *end is set after it. True on success; *out is written
 * only then (out may be NULL).
 */
static inline bool tgu_strtoul(const char *s, char **end, uint64_t *out,
			       uint64_t min, uint64_t max)
{
	unsigned long long v;
	const char *p;
	char *e;

	if (!s)
		return false;
	for (p = s; isspace((unsigned char)*p); p++)
		;
	if (*p == '-')
		return false;
	errno = 0;
	v = strtoull(s, &e, 0);
	if (e == s)
		return false;
	if (end)
		*end = e;
	if (errno == ERANGE || v < min || v > max)
		return false;
	if (!end && *e != '\0')
		return false;
	if (out)
		*out = v;
	return true;
}

/*
 * An XTTYPE_UINT8/32 option: the whole argument as tgu_strtoul() reads it,
 * else libxtables' message. 0 or -1 (message in ctx).
 */
static inline int tgu_parse_uint(struct xt_parse_ctx *ctx, const char *ext,
				 const char *opt, const char *arg,
				 uint64_t min, uint64_t max, uint64_t *out)
{
	if (tgu_strtoul(arg, NULL, out, min, max))
		return 0;
	return xt_perr(ctx, "%s: bad value for option \"--%s\", or out of "
		       "range (%llu-%llu).\n", ext, opt,
		       (unsigned long long)min, (unsigned long long)max);
}

/*
 * xtables_parse_mark_mask() as XTTYPE_MARKMASK32 uses it: "value[/mask]",
 * mask defaulting to 0xffffffff. 0 or -1 (message in ctx).
 */
static inline int tgu_parse_markmask(struct xt_parse_ctx *ctx,
				     const char *ext, const char *opt,
				     const char *arg, uint32_t *val,
				     uint32_t *mask)
{
	uint64_t v, m = 0xffffffffu;
	char *end;

	if (!tgu_strtoul(arg, &end, &v, 0, UINT32_MAX))
		goto bad_val;
	if (*end == '/') {
		if (!tgu_strtoul(end + 1, &end, &m, 0, UINT32_MAX))
			goto bad_val;
	}
	if (*end != '\0')
		return xt_perr(ctx, "%s: trailing garbage after value for "
			       "option \"--%s\".\n", ext, opt);
	*val = (uint32_t)v;
	*mask = (uint32_t)m;
	return 0;
bad_val:
	return xt_perr(ctx, "%s: bad integer value for option \"--%s\", or "
		       "out of range.\n", ext, opt);
}

/*
 * The exclusion part of xtables_options_fcheck() for a group of options
 * that exclude each other: walks opts in table order and reports the
 * first option given together with another one of the group, naming the
 * other by the lowest id. 0 or -1 (message in ctx).
 */
static inline int tgu_check_excl(struct xt_parse_ctx *ctx, const char *ext,
				 const struct xt_option *opts, unsigned seen,
				 unsigned group)
{
	const struct xt_option *o, *other;
	unsigned others;
	int i;

	for (o = opts; o->name; o++) {
		if (!(seen & group & (1u << o->id)))
			continue;
		others = seen & group & ~(1u << o->id);
		if (!others)
			continue;
		for (i = 0; i < 32; i++)
			if (others & (1u << i))
				break;
		for (other = opts; other->name; other++)
			if (other->id == i)
				break;
		return xt_perr(ctx, "%s: option \"--%s\" cannot be used "
			       "together with \"--%s\".\n", ext, o->name,
			       other->name ? other->name : "?");
	}
	return 0;
}

/*
 * The IPv4 header of pkt when it has a complete one (data path): NULL for
 * non-IPv4 packets or a buffer too short for the header it announces.
 */
static inline uint8_t *tgu_iph(const struct pkt *pkt)
{
	uint8_t *iph;
	uint32_t l3len;

	if (pkt->len <= pkt->l3_off)
		return NULL;
	l3len = pkt_l3_len(pkt);
	if (l3len < 20)
		return NULL;
	iph = pkt_l3(pkt);
	if ((iph[0] >> 4) != 4 || (iph[0] & 0x0f) * 4u > l3len ||
	    (iph[0] & 0x0f) < 5)
		return NULL;
	return iph;
}

/*
 * ipv4_change_dsfield(): set the TOS byte to (tos & mask) | value and
 * update the header checksum incrementally (RFC 1624). Data path.
 */
static inline void tgu_set_tos(uint8_t *iph, uint8_t mask, uint8_t value)
{
	uint8_t nt = (uint8_t)((iph[1] & mask) | value);
	uint16_t from, to, sum;

	if (nt == iph[1])
		return;
	memcpy(&from, iph, 2);
	iph[1] = nt;
	memcpy(&to, iph, 2);
	memcpy(&sum, iph + 10, 2);
	csum_replace2(&sum, from, to);
	memcpy(iph + 10, &sum, 2);
}

#endif
