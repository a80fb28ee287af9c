// SPDX-License-Identifier: MIT
/* Number, port and value/mask parsing shared by extensions. Control path. */
#include "xt/ext.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

int xt_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int xt_parse_port(const char *s, const char *proto)
{
	uint64_t v;
	struct servent *se;

	if (!xt_parse_uint(s, 0, 65535, &v))
		return (int)v;
	if (!s || !*s)
		return -1;
	se = getservbyname(s, proto);
	if (!se)
		return -1;
	return ntohs((uint16_t)se->s_port);
}

int xt_parse_val_mask(const char *s, uint32_t *val, uint32_t *mask,
		      uint32_t max)
{
	const char *slash = strchr(s, '/');
	char vbuf[64];
	uint64_t v, m;
	size_t n;

	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(vbuf))
		return -1;
	memcpy(vbuf, s, n);
	vbuf[n] = '\0';
	if (xt_parse_uint(vbuf, 0, max, &v))
		return -1;
	*val = (uint32_t)v;
	if (!slash) {
		*mask = max;
		return 0;
	}
	if (xt_parse_uint(slash + 1, 0, max, &m))
		return -1;
	*mask = (uint32_t)m;
	return 0;
}

int xt_strtoui(const char *s, char **end, uint64_t *out, uint64_t min,
	       uint64_t max)
{
	unsigned long long v;
	const char *p;
	char *my_end;

	if (!s)
		return -1;
	/* strtoull() takes a leading minus; libxtables refuses it. */
	for (p = s; isspace((unsigned char)*p); p++)
		;
	if (*p == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &my_end, 0);
	if (my_end == s)
		return -1;
	if (end)
		*end = my_end;
	if (errno == ERANGE || v < min || v > max)
		return -1;
	if (!end && *my_end != '\0')
		return -1;
	*out = v;
	return 0;
}

int xt_parse_uint_opt(struct xt_parse_ctx *ctx, const char *ext,
		      const char *opt, const char *arg, uint64_t min,
		      uint64_t max, uint64_t *out)
{
	if (!xt_strtoui(arg, NULL, out, min, max))
		return 0;
	return xt_perr(ctx,
		       "%s: bad value for option \"--%s\", or out of range (%llu-%llu).\n",
		       ext, opt, (unsigned long long)min,
		       (unsigned long long)max);
}

int xt_parse_range_opt(struct xt_parse_ctx *ctx, const char *ext,
		       const char *opt, const char *arg, uint64_t max,
		       uint64_t r[2])
{
	const char *p;
	char *end;
	uint64_t v;
	int n = 0;

	for (p = arg;; p = end + 1) {
		if (n == 2)
			return xt_perr(ctx, "%s: Too many components for "
				       "option \"--%s\" (max: 2)\n", ext, opt);
		if (*p == '\0' || *p == ':') {
			/* An empty part: 0 before the ':', max after it. */
			end = (char *)p;
			v = n == 1 ? max : 0;
		} else {
			if (xt_strtoui(p, &end, &v, 0, max))
				return xt_perr(ctx, "%s: bad value for option "
					       "\"--%s\" near \"%s\", or out of "
					       "range (0-%llu).\n", ext, opt, p,
					       (unsigned long long)max);
			if (*end != '\0' && *end != ':')
				return xt_perr(ctx, "%s: Argument to \"--%s\" "
					       "has unexpected characters "
					       "near \"%s\".\n", ext, opt, end);
		}
		r[n++] = v;
		if (*end == '\0')
			break;
	}
	return n;
}

static const char *fcheck_name(const struct xt_fcheck *tab, int id)
{
	for (; tab->name; tab++)
		if (tab->id == id)
			return tab->name;
	return "?";
}

int xt_fcheck(struct xt_parse_ctx *ctx, const char *ext,
	      const struct xt_fcheck *tab, unsigned seen)
{
	const struct xt_fcheck *e;
	unsigned bits;
	int i;

	for (e = tab; e->name; e++) {
		if (e->mand && !(seen & (1u << e->id)))
			return xt_perr(ctx,
				       "%s: option \"--%s\" must be specified\n",
				       ext, e->name);
		if (!(seen & (1u << e->id)))
			continue;
		bits = e->also & ~seen;
		for (i = 0; i < 32; i++)
			if (bits & (1u << i))
				return xt_perr(ctx,
					       "%s: option \"--%s\" also requires \"--%s\".\n",
					       ext, e->name,
					       fcheck_name(tab, i));
		bits = e->excl & seen & ~(1u << e->id);
		for (i = 0; i < 32; i++)
			if (bits & (1u << i))
				return xt_perr(ctx,
					       "%s: option \"--%s\" cannot be used together with \"--%s\".\n",
					       ext, e->name,
					       fcheck_name(tab, i));
	}
	return 0;
}

int xt_ipt_parse_port(const char *s, const char *proto)
{
	struct servent *se;
	uint64_t v;

	if (!xt_strtoui(s, NULL, &v, 0, 65535))
		return (int)v;
	if (!s)
		return -1;
	se = getservbyname(s, proto);
	if (!se)
		return -1;
	return ntohs((uint16_t)se->s_port);
}

const char *xt_port_to_service(uint16_t port, const char *proto)
{
	struct servent *se = getservbyport(htons(port), proto);

	return se ? se->s_name : NULL;
}

int xt_mask_plen(uint32_t mask)
{
	uint32_t m = ntohl(mask);
	int bits = 0;

	while (m & 0x80000000u) {
		bits++;
		m <<= 1;
	}
	return m ? -1 : bits;
}

int xt_parse_ipaddr(const char *s, uint32_t *addr)
{
	uint8_t b[4] = { 0 };
	char buf[20], *p, *q;
	uint64_t v;
	int i;

	/* libxtables copies into 20 bytes: longer text is cut, as there. */
	snprintf(buf, sizeof(buf), "%s", s);
	p = buf;
	for (i = 0; i < 3; i++) {
		q = strchr(p, '.');
		if (!q) {
			/* "10" or "10.1": the rest of the address is zero. */
			if (xt_strtoui(p, NULL, &v, 0, 255))
				return -1;
			b[i] = (uint8_t)v;
			goto done;
		}
		*q = '\0';
		if (xt_strtoui(p, NULL, &v, 0, 255))
			return -1;
		b[i] = (uint8_t)v;
		p = q + 1;
	}
	if (xt_strtoui(p, NULL, &v, 0, 255))
		return -1;
	b[3] = (uint8_t)v;
done:
	memcpy(addr, b, 4);
	return 0;
}

void xt_save_string(struct sbuf *sb, const char *s)
{
	static const char plain[] = "_-0123456789"
				    "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strspn(s, plain);

	if (n > 0 && s[n] == '\0') {
		sbuf_addc(sb, ' ');
		sbuf_adds(sb, s);
		return;
	}
	sbuf_adds(sb, " \"");
	for (; *s; s++) {
		if (strchr("\"\\'", *s))
			sbuf_addc(sb, '\\');
		sbuf_addc(sb, *s);
	}
	sbuf_addc(sb, '"');
}

int xt_parse_mark_mask(struct xt_parse_ctx *ctx, const char *ext,
		       const char *opt, const char *arg, uint32_t *val,
		       uint32_t *mask)
{
	uint64_t v, m = UINT32_MAX;
	char *end;

	if (xt_strtoui(arg, &end, &v, 0, UINT32_MAX))
		goto bad_val;
	if (*end == '/') {
		if (xt_strtoui(end + 1, &end, &m, 0, UINT32_MAX))
			goto bad_val;
	}
	if (*end != '\0')
		return xt_perr(ctx,
			       "%s: trailing garbage after value for option "
			       "\"--%s\".\n", ext, opt);
	*val = (uint32_t)v;
	*mask = (uint32_t)m;
	return 0;
bad_val:
	return xt_perr(ctx,
		       "%s: bad integer value for option \"--%s\", or out of "
		       "range.\n", ext, opt);
}

void xt_save_port_range(struct sbuf *sb, const char *opt, const uint16_t p[2],
			bool inv)
{
	/* iptables >= 1.8.11 keeps "! --sport 0:65535" (libxt_tcp.t). */
	if (p[0] == 0 && p[1] == 0xFFFF && !inv)
		return;
	if (inv)
		sbuf_adds(sb, " !");
	if (p[0] != p[1])
		sbuf_addf(sb, " --%s %u:%u", opt, p[0], p[1]);
	else
		sbuf_addf(sb, " --%s %u", opt, p[0]);
}

void xt_print_port(struct sbuf *sb, uint16_t port, bool numeric,
		   const char *proto)
{
	const char *name = numeric ? NULL : xt_port_to_service(port, proto);

	if (name)
		sbuf_adds(sb, name);
	else
		sbuf_addf(sb, "%u", port);
}

void xt_print_port_range(struct sbuf *sb, const char *name,
			 const uint16_t p[2], bool inv, bool numeric,
			 const char *proto)
{
	if (p[0] == 0 && p[1] == 0xFFFF && !inv)
		return;
	sbuf_addf(sb, " %s", name);
	if (p[0] == p[1]) {
		sbuf_addf(sb, ":%s", inv ? "!" : "");
		xt_print_port(sb, p[0], numeric, proto);
	} else {
		sbuf_addf(sb, "s:%s", inv ? "!" : "");
		xt_print_port(sb, p[0], numeric, proto);
		sbuf_addc(sb, ':');
		xt_print_port(sb, p[1], numeric, proto);
	}
}

/* libxtables' dscp_helper.c table, in its order (the lookup is first match). */
static const struct {
	const char *name;
	uint8_t dscp;
} ds_classes[] = {
	{ "CS0", 0x00 }, { "CS1", 0x08 }, { "CS2", 0x10 }, { "CS3", 0x18 },
	{ "CS4", 0x20 }, { "CS5", 0x28 }, { "CS6", 0x30 }, { "CS7", 0x38 },
	{ "BE", 0x00 },
	{ "AF11", 0x0a }, { "AF12", 0x0c }, { "AF13", 0x0e },
	{ "AF21", 0x12 }, { "AF22", 0x14 }, { "AF23", 0x16 },
	{ "AF31", 0x1a }, { "AF32", 0x1c }, { "AF33", 0x1e },
	{ "AF41", 0x22 }, { "AF42", 0x24 }, { "AF43", 0x26 },
	{ "EF", 0x2e },
};

/*
 * class_to_dscp() as iptables has it: compares only as many characters as
 * the class name has, case-insensitively, so "EFxyz" is EF and "af111" is
 * AF11. Returns the DSCP value or -1.
 */
int xt_dscp_class(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ds_classes) / sizeof(ds_classes[0]); i++)
		if (!strncasecmp(name, ds_classes[i].name,
				 strlen(ds_classes[i].name)))
			return ds_classes[i].dscp;
	return -1;
}
