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
