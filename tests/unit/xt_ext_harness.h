/* SPDX-License-Identifier: MIT */
/*
 * Test harness for match/target extensions: drives an extension's option
 * table the way iptables' rule parser does (options, '!', arguments,
 * XTO_ONCE/XTO_INVERT), then final_check, check, save and print, and builds
 * IPv4 packets by hand. Header-only so each tests/unit/test_*.c suite can
 * include it; it depends only on the extension ABI (src/xt/ext.h).
 */
#ifndef NS_TEST_XT_EXT_HARNESS_H
#define NS_TEST_XT_EXT_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <netsieve/netsieve.h>

#include "base/sbuf.h"
#include "pkt/pkt.h"
#include "xt/ext.h"

#define H_MAXDATA 512

struct h_rule {
	const struct xt_ext_ops *ops;
	_Alignas(8) uint8_t data[H_MAXDATA];
	unsigned seen;
	char err[512];
};

static inline const struct xt_option *h_find_opt(const struct xt_ext_ops *ops,
					  const char *name)
{
	const struct xt_option *o;

	for (o = ops->opts; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/*
 * Parse "ARGS" (space-separated words; no quoting) for match `name` into
 * r. Returns 0 or -1 with r->err set to the extension's message.
 */
static inline int h_parse(struct h_rule *r, const char *name, const char *args)
{
	struct sbuf err = SBUF_INIT;
	struct xt_ip ip;
	struct xt_parse_ctx ctx;
	char buf[1024], *words[64], *tok, *save = NULL;
	int n = 0, i, rc = 0;
	bool invert = false;

	memset(r, 0, sizeof(*r));
	memset(&ip, 0, sizeof(ip));
	r->ops = xt_match_find(name);
	if (!r->ops) {
		snprintf(r->err, sizeof(r->err), "no match %s", name);
		return -1;
	}
	assert_true(r->ops->size <= H_MAXDATA);
	memset(&ctx, 0, sizeof(ctx));
	ctx.ip = &ip;
	ctx.table = "filter";
	ctx.chain = "INPUT";
	ctx.err = &err;
	ctx.exit_code = 2;
	if (r->ops->init)
		r->ops->init(r->data);
	snprintf(buf, sizeof(buf), "%s", args);
	for (tok = strtok_r(buf, " ", &save); tok && n < 64;
	     tok = strtok_r(NULL, " ", &save))
		words[n++] = tok;
	for (i = 0; i < n && !rc; i++) {
		const struct xt_option *o;
		const char *arg = NULL;

		if (!strcmp(words[i], "!")) {
			invert = true;
			continue;
		}
		if (strncmp(words[i], "--", 2) ||
		    !(o = h_find_opt(r->ops, words[i] + 2))) {
			snprintf(r->err, sizeof(r->err), "unknown option %s",
				 words[i]);
			rc = -1;
			break;
		}
		if (invert && !(o->flags & XTO_INVERT)) {
			snprintf(r->err, sizeof(r->err), "cannot be inverted");
			rc = -1;
			break;
		}
		if ((o->flags & XTO_ONCE) && (r->seen & (1u << o->id))) {
			snprintf(r->err, sizeof(r->err), "only once");
			rc = -1;
			break;
		}
		if (o->flags & XTO_ARG) {
			if (i + 1 >= n) {
				snprintf(r->err, sizeof(r->err),
					 "requires an argument");
				rc = -1;
				break;
			}
			arg = words[++i];
		}
		if (r->ops->parse(&ctx, o->id, arg, invert, r->data)) {
			snprintf(r->err, sizeof(r->err), "%s", sbuf_str(&err));
			rc = -1;
			break;
		}
		r->seen |= 1u << o->id;
		invert = false;
	}
	if (!rc && r->ops->final_check &&
	    r->ops->final_check(&ctx, r->seen, r->data)) {
		snprintf(r->err, sizeof(r->err), "%s", sbuf_str(&err));
		rc = -1;
	}
	sbuf_free(&err);
	return rc;
}

/* The kernel-side check for a rule reachable from hook_mask. */
static inline int h_check(const struct h_rule *r, unsigned hook_mask, char *msg,
		   size_t msglen)
{
	struct sbuf m = SBUF_INIT;
	struct xt_check_ctx ctx;
	struct xt_ip ip;
	int rc = 0;

	memset(&ip, 0, sizeof(ip));
	memset(&ctx, 0, sizeof(ctx));
	ctx.table = "filter";
	ctx.chain = "INPUT";
	ctx.hook_mask = hook_mask;
	ctx.ip = &ip;
	ctx.msg = &m;
	if (r->ops->hooks && (hook_mask & ~r->ops->hooks))
		rc = -22;
	else if (r->ops->check)
		rc = r->ops->check(&ctx, r->data);
	if (msg)
		snprintf(msg, msglen, "%s", sbuf_str(&m));
	sbuf_free(&m);
	return rc;
}

static inline char *h_save(const struct h_rule *r)
{
	struct sbuf sb = SBUF_INIT;
	struct xt_ip ip;

	memset(&ip, 0, sizeof(ip));
	sbuf_adds(&sb, "");
	r->ops->save(r->data, &ip, &sb);
	return sbuf_detach(&sb);
}

static inline char *h_print(const struct h_rule *r, bool numeric)
{
	struct sbuf sb = SBUF_INIT;
	struct xt_ip ip;

	memset(&ip, 0, sizeof(ip));
	sbuf_adds(&sb, "");
	r->ops->print(r->data, &ip, numeric, &sb);
	return sbuf_detach(&sb);
}

/*
 * Parse args, require the save form `save` (with leading space) and the
 * print forms, then parse the save form again and require the same data.
 * print_n/print_name may be NULL to skip.
 */
static inline void h_roundtrip(const char *name, const char *args,
			       const char *save, const char *print_n,
			       const char *print_name)
{
	struct h_rule r, r2;
	char *s, *p;

	if (h_parse(&r, name, args))
		fail_msg("%s %s: %s", name, args, r.err);
	s = h_save(&r);
	assert_string_equal(s, save);
	if (print_n) {
		p = h_print(&r, true);
		assert_string_equal(p, print_n);
		free(p);
	}
	if (print_name) {
		p = h_print(&r, false);
		assert_string_equal(p, print_name);
		free(p);
	}
	if (h_parse(&r2, name, s + 1))
		fail_msg("re-parse %s: %s", s, r2.err);
	assert_memory_equal(r.data, r2.data, r.ops->size);
	free(s);
}

/* Parsing must fail with exactly msg (NULL: any message). */
static inline void h_reject(const char *name, const char *args, const char *msg)
{
	struct h_rule r;

	if (!h_parse(&r, name, args))
		fail_msg("%s %s: accepted", name, args);
	if (msg)
		assert_string_equal(r.err, msg);
}

/* ---- packets ---- */

struct h_pktopt {
	uint32_t saddr, daddr;  /* host order */
	uint8_t tos, ttl, proto;
	bool l2;
	uint8_t smac[6];
	uint8_t pkt_type;
};

/* A 20-byte IPv4 header (+ Ethernet when o->l2) in pkt, parsed offsets set. */
static inline void h_pkt_build(struct pkt *pkt, const struct h_pktopt *o)
{
	uint8_t *p;
	uint32_t a;

	pkt_reset(pkt);
	p = pkt->data;
	if (o->l2) {
		static const uint8_t dmac[6] = { 2, 0, 0, 0, 0, 1 };

		memcpy(p, dmac, 6);
		memcpy(p + 6, o->smac, 6);
		p[12] = 0x08;
		p[13] = 0x00;
		p += 14;
		pkt->l3_off = 14;
		pkt->has_l2 = true;
	}
	memset(p, 0, 28);
	p[0] = 0x45;
	p[1] = o->tos;
	p[3] = 28;
	p[8] = o->ttl;
	p[9] = o->proto ? o->proto : 17;
	a = htonl(o->saddr);
	memcpy(p + 12, &a, 4);
	a = htonl(o->daddr);
	memcpy(p + 16, &a, 4);
	pkt->len = pkt->l3_off + 28;
	pkt->l4_off = pkt->l3_off + 20;
	pkt->l4_len = 8;
	pkt->l4_proto = p[9];
	pkt->family = NS_PF_INET;
	pkt_set_desc(pkt);
	pkt->ethertype = 0x0800;
	pkt->pkt_type = o->pkt_type;
}

static inline bool h_match(const struct h_rule *r, const struct pkt *pkt,
		    struct xt_action *act)
{
	return r->ops->match(pkt, r->data, act);
}

/* ---- iptables' own .t files (../shared/conformance/iptables-t) ---- */

/* Strip n trailing path components of p in place; false if impossible. */
static inline bool h_path_up(char *p, int n)
{
	char *slash;

	while (n--) {
		slash = strrchr(p, '/');
		if (!slash)
			return false;
		*slash = '\0';
	}
	return true;
}

/*
 * Find ../shared/conformance/iptables-t next to the project root: from
 * $NS_CONFORMANCE_DIR, this header's path (when the test runs from the
 * build directory) or the test binary's path (BUILD/tests/unit/test_x).
 */
static inline const char *h_conformance_dir(void)
{
	static char dir[PATH_MAX + 64];
	const char *env = getenv("NS_CONFORMANCE_DIR");
	char p[PATH_MAX];
	ssize_t n;

	if (env)
		return env;
	if (realpath(__FILE__, p) && h_path_up(p, 3)) {
		snprintf(dir, sizeof(dir), "%s/../shared/conformance/iptables-t",
			 p);
		if (!access(dir, R_OK))
			return dir;
	}
	n = readlink("/proc/self/exe", p, sizeof(p) - 1);
	if (n > 0) {
		p[n] = '\0';
		if (h_path_up(p, 4)) {
			snprintf(dir, sizeof(dir),
				 "%s/../shared/conformance/iptables-t", p);
			if (!access(dir, R_OK))
				return dir;
		}
	}
	return NULL;
}

static inline unsigned h_chain_hooks(const char *chains)
{
	static const char *const names[] = {
		"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"
	};
	unsigned mask = 0;
	int i;

	for (i = 0; i < 5; i++)
		if (strstr(chains, names[i]))
			mask |= 1u << i;
	return mask;
}

/*
 * Run every "-m NAME ARGS;SAVE;RESULT" line of FILE that uses only match
 * NAME: OK lines must parse, pass check in each chain and save as the
 * rule (or SAVE); FAIL lines must fail to parse or fail check. Returns the
 * number of lines run; skips the test if the directory is missing.
 */
static inline int h_conformance(const char *file, const char *name)
{
	const char *dir = h_conformance_dir();
	char path[PATH_MAX + 128], line[1024], chains[1024] = "";
	char prefix[64];
	FILE *f;
	int ran = 0;

	if (!dir)
		skip();
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f) {
		print_message("conformance file %s missing: skipped\n", path);
		skip();
	}
	snprintf(prefix, sizeof(prefix), "-m %s", name);
	while (fgets(line, sizeof(line), f)) {
		char *rule, *save, *result, *args, *nl;
		struct h_rule r;
		bool ok;
		int rc;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (line[0] == ':') {
			snprintf(chains, sizeof(chains), "%s", line + 1);
			continue;
		}
		if (!line[0] || line[0] == '#' || line[0] == '*' ||
		    line[0] == '@' || line[0] == '%')
			continue;
		rule = line;
		save = strchr(rule, ';');
		if (!save)
			continue;
		*save++ = '\0';
		result = strchr(save, ';');
		if (!result)
			continue;
		*result++ = '\0';
		if (strchr(result, ';'))
			*strchr(result, ';') = '\0';
		if (strncmp(rule, prefix, strlen(prefix)) ||
		    (rule[strlen(prefix)] != ' ' && rule[strlen(prefix)]) ||
		    strstr(rule + strlen(prefix), " -m ") ||
		    strstr(rule, " -p ") || strstr(rule, " -j "))
			continue;
		args = rule + strlen(prefix);
		while (*args == ' ')
			args++;
		ok = !strcmp(result, "OK");
		rc = h_parse(&r, name, args);
		if (!rc)
			rc = h_check(&r, h_chain_hooks(chains), NULL, 0);
		if (ok) {
			char *s, want[1024];

			if (rc)
				fail_msg("%s: '%s' should be OK: %s", file,
					 rule, r.err);
			s = h_save(&r);
			snprintf(want, sizeof(want), "%s",
				 !strcmp(save, "=") ? rule : save);
			/* save() prints what follows "-m NAME". */
			assert_string_equal(s, want + strlen(prefix));
			free(s);
		} else if (!strcmp(result, "FAIL")) {
			if (!rc)
				fail_msg("%s: '%s' should FAIL", file, rule);
		}
		ran++;
	}
	fclose(f);
	print_message("%s: %d lines checked\n", file, ran);
	return ran;
}

#endif
