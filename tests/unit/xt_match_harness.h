/* SPDX-License-Identifier: MIT */
/*
 * Test harness for match extensions (tests of src/xt/ext/match_*.c): a
 * small stand-in for the rule parser that feeds an extension's parse() and
 * final_check() the way the xt core does (option lookup, '!', one or two
 * arguments), the save/print texts as strings, and hand-built IPv4 packets
 * for match(). Unlike xt_ext_harness.h (whose option lookup and
 * conformance-directory search it reuses) it models the rule's -p, which
 * tcp, udp, icmp and multiport depend on. Header-only.
 */
#ifndef NS_TESTS_XT_MATCH_HARNESS_H
#define NS_TESTS_XT_MATCH_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xt_ext_harness.h"
#include "base/sbuf.h"
#include "netsieve/netsieve.h"
#include "pkt/pkt.h"
#include "xt/ext.h"

#define HM_MAXDATA 1024
#define HM_MAXARGS 32

/* One parsed match: its data and what the tool would print. */
struct hm {
	const struct xt_ext_ops *ops;
	struct xt_ip ip;
	uint8_t data[HM_MAXDATA];
	struct sbuf err;
	int rc;                 /* 0, or the exit code the tool would use */
	char text[4096];        /* save or print result */
};

/* Split words on single spaces; "''" is an empty word. */
static inline int hm_split(char *s, char **argv)
{
	int argc = 0;
	char *tok;

	for (tok = strtok(s, " "); tok && argc < HM_MAXARGS;
	     tok = strtok(NULL, " "))
		argv[argc++] = strcmp(tok, "''") ? tok : tok + 2;
	return argc;
}

/*
 * Parse "OPTIONS" (e.g. "! --sport 1:3 --dport ssh") for match name with
 * protocol proto (0: none) and proto_inv. Returns 0 or the exit code.
 */
static inline int hm_parse_ip(struct hm *m, const char *name, uint16_t proto,
			     bool proto_inv, const char *options)
{
	char buf[2048], two[1024], *argv[HM_MAXARGS];
	struct xt_parse_ctx ctx;
	const struct xt_option *o;
	unsigned seen = 0;
	int argc, i;
	bool inv;

	memset(m, 0, sizeof(*m));
	sbuf_init(&m->err);
	m->ops = xt_match_find(name);
	assert_non_null(m->ops);
	assert_true(m->ops->size <= HM_MAXDATA);
	m->ip.proto = proto;
	if (proto_inv)
		m->ip.invflags |= XT_INV_PROTO;
	memset(&ctx, 0, sizeof(ctx));
	ctx.ip = &m->ip;
	ctx.table = "filter";
	ctx.chain = "INPUT";
	ctx.err = &m->err;
	ctx.exit_code = 2;
	if (m->ops->init)
		m->ops->init(m->data);
	snprintf(buf, sizeof(buf), "%s", options);
	argc = hm_split(buf, argv);
	for (i = 0; i < argc; i++) {
		const char *arg = NULL;

		inv = false;
		if (!strcmp(argv[i], "!")) {
			inv = true;
			i++;
		}
		if (i >= argc || strncmp(argv[i], "--", 2))
			goto bad;
		o = h_find_opt(m->ops, argv[i] + 2);
		if (!o)
			goto bad;
		if (inv && !(o->flags & XTO_INVERT))
			goto bad;
		if ((o->flags & XTO_ONCE) && (seen & (1u << o->id)))
			goto bad;
		if (o->flags & XTO_ARG) {
			if (++i >= argc)
				goto bad;
			arg = argv[i];
			if ((o->flags & XTO_ARG2) && i + 1 < argc &&
			    argv[i + 1][0] != '-' && argv[i + 1][0] != '!') {
				snprintf(two, sizeof(two), "%s %s", argv[i],
					 argv[i + 1]);
				arg = two;
				i++;
			}
		}
		if (m->ops->parse(&ctx, o->id, arg, inv, m->data))
			return m->rc = ctx.exit_code ? ctx.exit_code : 2;
		seen |= 1u << o->id;
	}
	if (m->ops->final_check && m->ops->final_check(&ctx, seen, m->data))
		return m->rc = ctx.exit_code ? ctx.exit_code : 2;
	return 0;
bad:
	sbuf_reset(&m->err);
	sbuf_adds(&m->err, "harness: bad option");
	return m->rc = 2;
}

static inline int hm_parse(struct hm *m, const char *name, uint16_t proto,
			  const char *options)
{
	return hm_parse_ip(m, name, proto, false, options);
}

static inline const char *hm_save(struct hm *m)
{
	struct sbuf sb = SBUF_INIT;

	m->ops->save(m->data, &m->ip, &sb);
	snprintf(m->text, sizeof(m->text), "%s", sbuf_str(&sb));
	sbuf_free(&sb);
	return m->text;
}

static inline const char *hm_print(struct hm *m, bool numeric)
{
	struct sbuf sb = SBUF_INIT;

	m->ops->print(m->data, &m->ip, numeric, &sb);
	snprintf(m->text, sizeof(m->text), "%s", sbuf_str(&sb));
	sbuf_free(&sb);
	return m->text;
}

static inline const char *hm_err(struct hm *m)
{
	return sbuf_str(&m->err);
}

static inline void hm_free(struct hm *m)
{
	sbuf_free(&m->err);
}

/* Kernel-side check as the core runs it at commit (proto + check()). */
static inline int hm_check(struct hm *m)
{
	struct xt_check_ctx c = { .table = "filter", .chain = "INPUT",
				  .hook_mask = 1u << NS_INET_LOCAL_IN,
				  .ip = &m->ip };

	if (m->ops->proto && (m->ip.proto != m->ops->proto ||
			      (m->ip.invflags & XT_INV_PROTO)))
		return -22;
	return m->ops->check ? m->ops->check(&c, m->data) : 0;
}

/*
 * Options that must parse: asserts success and that save() and print()
 * (numeric and names) give exactly the recorded iptables texts.
 */
#define HM_OK(name, proto, opts, save, pn, pl)                                 \
	do {                                                                  \
		struct hm m_;                                                 \
		int rc_ = hm_parse(&m_, name, proto, opts);                    \
		if (rc_)                                                      \
			fail_msg("'%s' failed: %s", opts, hm_err(&m_));        \
		assert_string_equal(hm_save(&m_), save);                       \
		assert_string_equal(hm_print(&m_, true), pn);                  \
		assert_string_equal(hm_print(&m_, false), pl);                 \
		assert_int_equal(hm_check(&m_), 0);                            \
		hm_free(&m_);                                                  \
	} while (0)

/* Options that must fail with exit 2 and exactly message msg. */
#define HM_FAIL(name, proto, opts, msg)                                        \
	do {                                                                  \
		struct hm m_;                                                 \
		assert_int_equal(hm_parse(&m_, name, proto, opts), 2);         \
		if (msg)                                                      \
			assert_string_equal(hm_err(&m_), (const char *)msg);   \
		hm_free(&m_);                                                  \
	} while (0)

/* ---- iptables' .t files (../shared/conformance/iptables-t) ---- */

static const struct {
	const char *name;
	uint16_t num;
} hm_protos[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "dccp", 33 },
	{ "sctp", 132 }, { "udplite", 136 },
};

/* -p NAME|NUMBER; -1 if unknown. */
static inline int hm_proto(const char *s)
{
	size_t i;
	char *end;
	long v;

	for (i = 0; i < ARRAY_SIZE(hm_protos); i++)
		if (!strcmp(hm_protos[i].name, s))
			return hm_protos[i].num;
	v = strtol(s, &end, 10);
	return (*end || v < 0 || v > 255) ? -1 : (int)v;
}

static inline const char *hm_proto_name(uint16_t num)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hm_protos); i++)
		if (hm_protos[i].num == num)
			return hm_protos[i].name;
	return NULL;
}

#define HM_MAXM 4

/*
 * Run one "RULE;SAVE;RESULT" line made of -p, ! -p and -m NAME options:
 * returns 1 if it ran (and passed), 0 if it uses something this harness
 * does not model (another option, an unknown match).
 */
static inline int hm_t_line(const char *file, char *rule, const char *save,
			    const char *result)
{
	char copy[2048], *w[HM_MAXARGS], opts[HM_MAXM][1024], got[2048];
	const char *names[HM_MAXM];
	int n, i, nm = -1, proto = 0, rc = 0;
	bool pinv = false;
	struct hm *m;

	snprintf(copy, sizeof(copy), "%s", rule);
	n = hm_split(copy, w);
	for (i = 0; i < n; i++) {
		if (!strcmp(w[i], "!") && i + 1 < n &&
		    !strcmp(w[i + 1], "-p")) {
			pinv = true;
			continue;
		}
		if (!strcmp(w[i], "-p") && i + 1 < n) {
			proto = hm_proto(w[++i]);
			if (proto < 0)
				return 0;
			continue;
		}
		if (!strcmp(w[i], "-m") && i + 1 < n) {
			if (++nm >= HM_MAXM || !xt_match_find(w[i + 1]))
				return 0;
			names[nm] = w[++i];
			opts[nm][0] = '\0';
			continue;
		}
		if (w[i][0] == '-' && strchr("jgsdiofc", w[i][1]) &&
		    w[i][1] && !w[i][2])
			return 0; /* -j, -s, ...: not modelled here */
		if (nm < 0) {
			rc = 2; /* an option before any -m: iptables refuses */
			continue;
		}
		if (strlen(opts[nm]) + strlen(w[i]) + 2 >= sizeof(opts[nm]))
			return 0;
		if (opts[nm][0])
			strcat(opts[nm], " ");
		strcat(opts[nm], w[i][0] ? w[i] : "''");
	}
	m = calloc((size_t)(nm + 1) + 1, sizeof(*m));
	assert_non_null(m);
	snprintf(got, sizeof(got), "%s%s%s", pinv ? "! " : "",
		 proto ? "-p " : "",
		 proto ? (hm_proto_name((uint16_t)proto) ?: "?") : "");
	for (i = 0; !rc && i <= nm; i++) {
		rc = hm_parse_ip(&m[i], names[i], (uint16_t)proto, pinv,
				 opts[i]);
		if (!rc && hm_check(&m[i]))
			rc = 1;
		if (!rc) {
			size_t l = strlen(got);

			snprintf(got + l, sizeof(got) - l, "%s-m %s%s",
				 l ? " " : "", names[i], hm_save(&m[i]));
		}
	}
	for (i = 0; i <= nm; i++)
		hm_free(&m[i]);
	free(m);
	if (!strcmp(result, "FAIL")) {
		if (!rc)
			fail_msg("%s: '%s' should FAIL, saved '%s'", file, rule,
				 got);
	} else {
		if (rc)
			fail_msg("%s: '%s' should load (rc %d)", file, rule,
				 rc);
		if (!strcmp(result, "OK"))
			assert_string_equal(got, strcmp(save, "=") ? save :
								       rule);
	}
	return 1;
}

/* Run every line of an iptables .t file this harness can model. */
static inline int hm_t_file(const char *file)
{
	const char *dir = h_conformance_dir();
	char path[PATH_MAX + 128], line[2048];
	int ran = 0;
	FILE *f;

	if (!dir)
		skip();
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		skip();
	while (fgets(line, sizeof(line), f)) {
		char *save, *result, *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (!line[0] || strchr("#:*@%", line[0]))
			continue;
		save = strchr(line, ';');
		if (!save)
			continue;
		*save++ = '\0';
		result = strchr(save, ';');
		if (!result)
			continue;
		*result++ = '\0';
		/* "RESULT;LEGACY;ALT": the LEGACY variant's result. */
		if (strchr(result, ';')) {
			char *v = strchr(result, ';');

			*v++ = '\0';
			if (!strncmp(v, "LEGACY;", 7))
				result = v + 7;
			else if (strchr(v, ';'))
				*strchr(v, ';') = '\0';
		}
		ran += hm_t_line(file, line, save, result);
	}
	fclose(f);
	return ran;
}

/* ---- packets ---- */

static inline uint16_t hm_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * An IPv4 packet from src to dst (host order) with protocol proto, l4len
 * bytes of transport header/payload l4, fragment offset frag_off (8-byte
 * units) and MF flag mf. Sets the offsets as the stack's parser does.
 */
static inline void hm_pkt(struct pkt *pkt, uint8_t proto, uint32_t src,
			 uint32_t dst, const void *l4, uint16_t l4len,
			 uint16_t frag_off, bool mf)
{
	uint8_t *ip;
	uint16_t tot = (uint16_t)(20 + l4len);
	uint16_t fo = (uint16_t)(frag_off | (mf ? 0x2000 : 0));

	memset(pkt, 0, sizeof(*pkt));
	pkt_reset(pkt);
	ip = pkt->data;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[6] = (uint8_t)(fo >> 8);
	ip[7] = (uint8_t)fo;
	ip[8] = 64;
	ip[9] = proto;
	ip[12] = (uint8_t)(src >> 24);
	ip[13] = (uint8_t)(src >> 16);
	ip[14] = (uint8_t)(src >> 8);
	ip[15] = (uint8_t)src;
	ip[16] = (uint8_t)(dst >> 24);
	ip[17] = (uint8_t)(dst >> 16);
	ip[18] = (uint8_t)(dst >> 8);
	ip[19] = (uint8_t)dst;
	{
		uint16_t c = hm_csum(ip, 20);

		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
	if (l4len)
		memcpy(ip + 20, l4, l4len);
	pkt->len = tot;
	pkt->l3_off = 0;
	pkt->l4_off = l4len ? 20 : 0;
	pkt->l4_len = l4len;
	pkt->l4_proto = proto;
	pkt->family = NS_PF_INET;
	pkt_set_desc(pkt);
	pkt->ethertype = 0x0800;
	pkt->frag_off = frag_off;
	pkt->is_frag = frag_off || mf;
}

/* Run match() of m on pkt: 1 match, 0 no match, -1 no match + hotdrop. */
static inline int hm_match(struct hm *m, const struct pkt *pkt)
{
	struct xt_action act;
	bool r;

	memset(&act, 0, sizeof(act));
	act.hook = NS_INET_LOCAL_IN;
	act.table = "filter";
	act.chain = "INPUT";
	r = m->ops->match(pkt, m->data, &act);
	if (act.hotdrop) {
		assert_false(r);
		return -1;
	}
	return r ? 1 : 0;
}

/* A 20-byte TCP header (plus opts) with ports, flags and data offset. */
static inline size_t hm_tcp(uint8_t *b, uint16_t sport, uint16_t dport,
			   uint8_t flags, const uint8_t *opts, size_t optlen)
{
	size_t hl = 20 + ((optlen + 3) & ~(size_t)3);

	memset(b, 0, hl);
	b[0] = (uint8_t)(sport >> 8);
	b[1] = (uint8_t)sport;
	b[2] = (uint8_t)(dport >> 8);
	b[3] = (uint8_t)dport;
	b[12] = (uint8_t)((hl / 4) << 4);
	b[13] = flags;
	if (optlen)
		memcpy(b + 20, opts, optlen);
	return hl;
}

/* An 8-byte UDP header. */
static inline size_t hm_udp(uint8_t *b, uint16_t sport, uint16_t dport)
{
	memset(b, 0, 8);
	b[0] = (uint8_t)(sport >> 8);
	b[1] = (uint8_t)sport;
	b[2] = (uint8_t)(dport >> 8);
	b[3] = (uint8_t)dport;
	b[5] = 8;
	return 8;
}

#endif
