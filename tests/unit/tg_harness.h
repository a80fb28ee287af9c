/* SPDX-License-Identifier: MIT */
/*
 * A small stand-in for the iptables command line, for the target
 * extension tests: splits a rule ("-p tcp -j REJECT --reject-with
 * tcp-reset") like a shell, drives the extension's init/parse/final_check
 * the way libxtables does (option lookup, "!", once-only, missing
 * argument), then the kernel-side table/hook/check tests, and renders the
 * save and print texts. Also reads iptables' own .t conformance files.
 * Test code only.
 */
#ifndef NS_TESTS_TG_HARNESS_H
#define NS_TESTS_TG_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <netsieve/netsieve.h>

#include "base/sbuf.h"
#include "pkt/csum.h"
#include "pkt/pkt.h"
#include "xt/ext.h"

#define TG_MAXW 32

struct tg_res {
	int rc;                  /* 0 ok, 2 parameter problem, 1 kernel */
	char err[512];           /* the extension's message */
	char save[512];          /* "-p tcp -j NAME" + save() */
	char print[512];         /* print(numeric = false) */
	char nprint[512];        /* print(numeric = true) */
	const struct xt_ext_ops *ops;
	struct xt_ip ip;
	unsigned char data[512]; /* the parsed per-rule data */
};

/* Split s like sh does for simple words, '...' and "..." (\" inside). */
static inline int tg_split(const char *s, char w[][256], int max)
{
	int n = 0;

	while (*s) {
		size_t k = 0;
		bool any = false;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (n == max)
			return -1;
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '"' || *s == '\'') {
				char q = *s++;

				while (*s && *s != q) {
					if (q == '"' && *s == '\\' && s[1])
						s++;
					if (k < 255)
						w[n][k++] = *s;
					s++;
				}
				if (*s)
					s++;
			} else {
				if (*s == '\\' && s[1])
					s++;
				if (k < 255)
					w[n][k++] = *s;
				s++;
			}
			any = true;
		}
		w[n][k] = '\0';
		if (any)
			n++;
	}
	return n;
}

static inline int tg_hook_of(const char *chain)
{
	static const char *const names[] = {
		"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
	};
	int i;

	for (i = 0; i < 5; i++)
		if (!strcmp(chain, names[i]))
			return i;
	return -1;
}

static inline const struct xt_option *tg_opt(const struct xt_ext_ops *ops,
				      const char *name)
{
	const struct xt_option *o;

	for (o = ops->opts; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

static inline void tg_copy(char *dst, size_t n, const char *src)
{
	size_t l = strnlen(src, n - 1);

	memcpy(dst, src, l);
	dst[l] = '\0';
}

/* Run rule in table/chain; fills res. Returns res->rc. */
static inline int tg_run(const char *table, const char *chain, const char *rule,
		  struct tg_res *res)
{
	static char w[TG_MAXW][256];
	struct sbuf err = SBUF_INIT, sb = SBUF_INIT, msg = SBUF_INIT;
	struct xt_parse_ctx pctx;
	struct xt_check_ctx cctx;
	const struct xt_ext_ops *ops = NULL;
	unsigned seen = 0;
	bool invert = false;
	int n, i, hook;

	memset(res, 0, sizeof(*res));
	n = tg_split(rule, w, TG_MAXW);
	assert_true(n >= 0);
	memset(&pctx, 0, sizeof(pctx));
	pctx.ip = &res->ip;
	pctx.table = table;
	pctx.chain = chain;
	pctx.err = &err;
	for (i = 0; i < n; i++) {
		const struct xt_option *o;
		const char *arg = NULL;

		if (!strcmp(w[i], "!")) {
			invert = true;
			continue;
		}
		if (!ops && !strcmp(w[i], "-p") && i + 1 < n) {
			i++;
			if (!strcmp(w[i], "tcp"))
				res->ip.proto = 6;
			else if (!strcmp(w[i], "udp"))
				res->ip.proto = 17;
			else if (!strcmp(w[i], "icmp"))
				res->ip.proto = 1;
			else
				res->ip.proto = (uint16_t)atoi(w[i]);
			if (invert)
				res->ip.invflags |= XT_INV_PROTO;
			invert = false;
			continue;
		}
		if (!ops && !strcmp(w[i], "-j") && i + 1 < n) {
			ops = xt_target_find(w[++i]);
			if (!ops) {
				res->rc = 2;
				tg_copy(res->err, sizeof(res->err),
					"Couldn't load target");
				goto out;
			}
			res->ops = ops;
			assert_true(ops->size <= sizeof(res->data));
			if (ops->init)
				ops->init(res->data);
			continue;
		}
		if (!ops || strncmp(w[i], "--", 2)) {
			res->rc = 2;
			snprintf(res->err, sizeof(res->err),
				 "Bad argument `%s'", w[i]);
			goto out;
		}
		o = tg_opt(ops, w[i] + 2);
		if (!o) {
			res->rc = 2;
			snprintf(res->err, sizeof(res->err),
				 "unknown option \"%s\"", w[i]);
			goto out;
		}
		if (seen & (1u << o->id) && (o->flags & XTO_ONCE)) {
			res->rc = 2;
			snprintf(res->err, sizeof(res->err),
				 "%s: option \"--%s\" can only be used once.\n",
				 ops->name, o->name);
			goto out;
		}
		if (invert && !(o->flags & XTO_INVERT)) {
			res->rc = 2;
			snprintf(res->err, sizeof(res->err),
				 "%s: option \"--%s\" cannot be inverted.\n",
				 ops->name, o->name);
			goto out;
		}
		if (o->flags & XTO_ARG) {
			if (i + 1 >= n) {
				res->rc = 2;
				snprintf(res->err, sizeof(res->err),
					 "option \"--%s\" requires an argument",
					 o->name);
				goto out;
			}
			arg = w[++i];
		}
		if (ops->parse(&pctx, o->id, arg, invert, res->data)) {
			res->rc = 2;
			tg_copy(res->err, sizeof(res->err), sbuf_str(&err));
			goto out;
		}
		seen |= 1u << o->id;
		invert = false;
	}
	assert_non_null(ops);
	if (ops->final_check && ops->final_check(&pctx, seen, res->data)) {
		res->rc = 2;
		tg_copy(res->err, sizeof(res->err), sbuf_str(&err));
		goto out;
	}
	/* The kernel: table, hooks, checkentry. */
	hook = tg_hook_of(chain);
	if ((ops->table && strcmp(ops->table, table)) ||
	    (ops->hooks && hook >= 0 && !(ops->hooks & (1u << hook))) ||
	    (ops->proto && (res->ip.proto != ops->proto ||
			    (res->ip.invflags & XT_INV_PROTO)))) {
		res->rc = 1;
		goto out;
	}
	memset(&cctx, 0, sizeof(cctx));
	cctx.table = table;
	cctx.chain = chain;
	cctx.hook_mask = hook >= 0 ? 1u << hook : 0;
	cctx.ip = &res->ip;
	cctx.msg = &msg;
	if (ops->check && ops->check(&cctx, res->data)) {
		res->rc = 1;
		tg_copy(res->err, sizeof(res->err), sbuf_str(&msg));
		goto out;
	}
	sbuf_reset(&sb);
	if (res->ip.proto) {
		sbuf_adds(&sb, (res->ip.invflags & XT_INV_PROTO) ? "! -p " :
			  "-p ");
		if (res->ip.proto == 6)
			sbuf_adds(&sb, "tcp ");
		else if (res->ip.proto == 17)
			sbuf_adds(&sb, "udp ");
		else if (res->ip.proto == 1)
			sbuf_adds(&sb, "icmp ");
		else
			sbuf_addf(&sb, "%u ", res->ip.proto);
	}
	sbuf_addf(&sb, "-j %s", ops->name);
	if (ops->save)
		ops->save(res->data, &res->ip, &sb);
	tg_copy(res->save, sizeof(res->save), sbuf_str(&sb));
	sbuf_reset(&sb);
	if (ops->print)
		ops->print(res->data, &res->ip, false, &sb);
	tg_copy(res->print, sizeof(res->print), sbuf_str(&sb));
	sbuf_reset(&sb);
	if (ops->print)
		ops->print(res->data, &res->ip, true, &sb);
	tg_copy(res->nprint, sizeof(res->nprint), sbuf_str(&sb));
out:
	sbuf_free(&err);
	sbuf_free(&sb);
	sbuf_free(&msg);
	return res->rc;
}

/* Expect success with this save form and these print forms (NULL: skip). */
static inline void tg_ok(const char *table, const char *chain, const char *rule,
		  const char *save, const char *print, const char *nprint)
{
	struct tg_res r;

	tg_run(table, chain, rule, &r);
	if (r.rc != 0)
		fail_msg("%s: rc %d: %s", rule, r.rc, r.err);
	if (save && strcmp(r.save, save))
		fail_msg("%s: save [%s], want [%s]", rule, r.save, save);
	if (print && strcmp(r.print, print))
		fail_msg("%s: print [%s], want [%s]", rule, r.print, print);
	if (nprint && strcmp(r.nprint, nprint))
		fail_msg("%s: print -n [%s], want [%s]", rule, r.nprint,
			 nprint);
}

/* Expect failure with exit code rc and, if err is set, that message. */
static inline void tg_fail(const char *table, const char *chain,
			   const char *rule, int rc, const char *err)
{
	struct tg_res r;

	tg_run(table, chain, rule, &r);
	if (r.rc != rc)
		fail_msg("%s: rc %d, want %d (%s)", rule, r.rc, rc, r.err);
	if (err && strcmp(r.err, err))
		fail_msg("%s: err [%s], want [%s]", rule, r.err, err);
}

/*
 * Where iptables' .t files live: $NS_CONFORMANCE_DIR, else ../shared next
 * to the source tree (this file's directory, three levels up), else the
 * machine-wide copy.
 */
static inline FILE *tg_conf_open(const char *file)
{
	char path[1024], dir[512];
	const char *env = getenv("NS_CONFORMANCE_DIR");
	const char *slash;
	FILE *f;

	if (env) {
		snprintf(path, sizeof(path), "%s/%s", env, file);
		f = fopen(path, "r");
		if (f)
			return f;
	}
	slash = strrchr(__FILE__, '/');
	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - __FILE__),
			 __FILE__);
		snprintf(path, sizeof(path),
			 "%s/../../../shared/conformance/iptables-t/%s", dir,
			 file);
		f = fopen(path, "r");
		if (f)
			return f;
	}
	snprintf(path, sizeof(path), "/work/shared/conformance/iptables-t/%s",
		 file);
	return fopen(path, "r");
}

/*
 * Run every test line of an iptables .t file (see its README): each rule
 * in each chain of the current ":" line, in the current table. Returns
 * the number of rule runs checked; 0 when the file is missing.
 */
static inline int tg_conformance(const char *file)
{
	char line[1024], table[32] = "filter";
	char chains[8][32];
	int nchains = 0, checked = 0;
	FILE *f;

	f = tg_conf_open(file);
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *rule, *save, *result, *p;
		int c;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#' || line[0] == '@' ||
		    line[0] == '%')
			continue;
		if (line[0] == ':') {
			nchains = 0;
			for (p = strtok(line + 1, ","); p && nchains < 8;
			     p = strtok(NULL, ","))
				tg_copy(chains[nchains++], 32, p);
			continue;
		}
		if (line[0] == '*') {
			tg_copy(table, sizeof(table), line + 1);
			continue;
		}
		rule = line;
		save = strchr(rule, ';');
		assert_non_null(save);
		*save++ = '\0';
		result = strchr(save, ';');
		assert_non_null(result);
		*result++ = '\0';
		p = strchr(result, ';');
		if (p)
			*p = '\0';
		for (c = 0; c < nchains; c++) {
			struct tg_res r;
			const char *want = !strcmp(save, "=") ? rule : save;

			tg_run(table, chains[c], rule, &r);
			if (!strcmp(result, "OK")) {
				if (r.rc != 0)
					fail_msg("%s [%s %s]: rc %d: %s", rule,
						 table, chains[c], r.rc,
						 r.err);
				if (strcmp(r.save, want))
					fail_msg("%s: save [%s], want [%s]",
						 rule, r.save, want);
			} else if (!strcmp(result, "FAIL")) {
				if (r.rc == 0)
					fail_msg("%s [%s %s]: accepted", rule,
						 table, chains[c]);
			}
			checked++;
		}
	}
	fclose(f);
	return checked;
}

/* Build an IPv4 packet (no L2) in pkt from header fields and payload. */
static inline void tg_ip_pkt(struct pkt *pkt, uint8_t tos, uint8_t ttl,
		      uint8_t proto, const void *payload, size_t plen)
{
	uint8_t *h;
	uint16_t sum;

	memset(pkt, 0, offsetof(struct pkt, buf));
	pkt->data = pkt->buf + PKT_HEADROOM;
	h = pkt->data;
	memset(h, 0, 20);
	h[0] = 0x45;
	h[1] = tos;
	h[2] = (uint8_t)((20 + plen) >> 8);
	h[3] = (uint8_t)(20 + plen);
	h[4] = 0x12;
	h[5] = 0x34;
	h[6] = 0x40;
	h[8] = ttl;
	h[9] = proto;
	h[12] = 10, h[13] = 0, h[14] = 0, h[15] = 1;
	h[16] = 10, h[17] = 0, h[18] = 0, h[19] = 2;
	sum = ip_fast_csum(h, 5);
	memcpy(h + 10, &sum, 2);
	memcpy(h + 20, payload, plen);
	pkt->len = (uint32_t)(20 + plen);
	pkt->l3_off = 0;
	pkt->l4_off = 20;
	pkt->l4_len = (uint16_t)plen;
	pkt->family = NS_PF_INET;
	pkt_set_desc(pkt);
	pkt->l4_proto = proto;
	pkt->ethertype = 0x0800;
}

/* The IPv4 header checksum of pkt verifies (recomputed from scratch). */
static inline bool tg_ip_csum_ok(const struct pkt *pkt)
{
	const uint8_t *h = pkt->data + pkt->l3_off;

	return ip_fast_csum(h, h[0] & 0x0f) == 0;
}

#endif
