// SPDX-License-Identifier: MIT
/* Registry of packet I/O backends; backends register from constructors. */
#include "io/io.h"

#include <string.h>

#define IO_MAX_BACKENDS 16

static const struct io_ops *backends[IO_MAX_BACKENDS];
static unsigned nbackends;

void io_register(const struct io_ops *ops)
{
	if (nbackends < IO_MAX_BACKENDS)
		backends[nbackends++] = ops;
}

const struct io_ops *io_lookup(const char *kind)
{
	unsigned i;

	for (i = 0; i < nbackends; i++)
		if (!strcmp(backends[i]->kind, kind))
			return backends[i];
	return NULL;
}
