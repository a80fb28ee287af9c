// SPDX-License-Identifier: MIT
/* Number, port and value/mask parsing shared by extensions. Control path. */
#include "xt/ext.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
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
