// SPDX-License-Identifier: MIT
/*
 * LD_PRELOAD shim for the reference side of the CLI differential: makes
 * the kernel look as if the modules of the extensions named in XT_MISSING
 * ("state,SNAT,...") were missing. The kernel then answers the revision
 * query (IPT_SO_GET_REVISION_MATCH/TARGET) with ENOENT and refuses a table
 * replace (IPT_SO_SET_REPLACE) holding such a match or target with ENOENT,
 * which is what Linux does when request_module() finds nothing. Test
 * harness only; built and used by cli.py.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netfilter_ipv4/ip_tables.h>

static int missing(const char *name)
{
	const char *list = getenv("XT_MISSING");
	char buf[1024], *tok, *save;

	if (!list)
		return 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, name))
			return 1;
	return 0;
}

int getsockopt(int fd, int level, int opt, void *val, socklen_t *len)
{
	static int (*real)(int, int, int, void *, socklen_t *);

	if (!real)
		real = (int (*)(int, int, int, void *, socklen_t *))
		       dlsym(RTLD_NEXT, "getsockopt");
	if (level == IPPROTO_IP && (opt == IPT_SO_GET_REVISION_MATCH ||
				    opt == IPT_SO_GET_REVISION_TARGET) &&
	    missing(((struct xt_get_revision *)val)->name)) {
		errno = ENOENT;
		return -1;
	}
	return real(fd, level, opt, val, len);
}

/* Whether the replace blob holds a missing match or target. */
static int blob_missing(const struct ipt_replace *r)
{
	const char *p = (const char *)r->entries, *end = p + r->size;

	while (p < end) {
		const struct ipt_entry *e = (const void *)p;
		const struct xt_entry_target *t;
		unsigned off = sizeof(*e);

		while (off < e->target_offset) {
			const struct xt_entry_match *m =
				(const void *)(p + off);

			if (missing(m->u.user.name))
				return 1;
			if (!m->u.match_size)
				break;
			off += m->u.match_size;
		}
		t = (const void *)(p + e->target_offset);
		if (missing(t->u.user.name))
			return 1;
		if (!e->next_offset)
			break;
		p += e->next_offset;
	}
	return 0;
}

int setsockopt(int fd, int level, int opt, const void *val, socklen_t len)
{
	static int (*real)(int, int, int, const void *, socklen_t);

	if (!real)
		real = (int (*)(int, int, int, const void *, socklen_t))
		       dlsym(RTLD_NEXT, "setsockopt");
	if (level == IPPROTO_IP && opt == IPT_SO_SET_REPLACE &&
	    len >= sizeof(struct ipt_replace) && blob_missing(val)) {
		errno = ENOENT;
		return -1;
	}
	return real(fd, level, opt, val, len);
}
