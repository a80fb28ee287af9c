// SPDX-License-Identifier: MIT
/*
 * The extension registry: every match and target registers its ops from a
 * constructor before main(); lookups happen on the control path only.
 */
#include "xt/ext.h"

#include <stdarg.h>
#include <string.h>

#define XT_MAX_EXTS 128

static const struct xt_ext_ops *exts[XT_MAX_EXTS];
static unsigned nexts;

void xt_ext_register(const struct xt_ext_ops *ops)
{
	if (nexts < XT_MAX_EXTS)
		exts[nexts++] = ops;
}

static const struct xt_ext_ops *find(const char *name, bool target)
{
	unsigned i;

	for (i = 0; i < nexts; i++)
		if (exts[i]->is_target == target &&
		    !strcmp(exts[i]->name, name))
			return exts[i];
	return NULL;
}

const struct xt_ext_ops *xt_match_find(const char *name)
{
	return find(name, false);
}

const struct xt_ext_ops *xt_target_find(const char *name)
{
	return find(name, true);
}

int xt_perr(struct xt_parse_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->err) {
		sbuf_reset(ctx->err);
		va_start(ap, fmt);
		sbuf_vaddf(ctx->err, fmt, ap);
		va_end(ap);
	}
	return -1;
}
