/* SPDX-License-Identifier: MIT */
/*
 * Test harness for match extensions (tests of src/xt/ext/match_*.c): a
 * small stand-in for the rule parser that feeds an extension's parse() and
 * final_check() the way the xt core does (option lookup, '!', one or two
 * arguments), the save/print texts as strings, and hand-built IPv4 packets
 * for match(). Control path helpers; header-only so every suite can use it.
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

#include "base/sbuf.h"
#include "netsieve/netsieve.h"
#include "pkt/pkt.h"
#include "xt/ext.h"

#define H_MAXDATA 1024
#define H_MAXARGS 32

/* One parsed match: its data and what the tool would print. */
struct hm {
	const struct xt_ext_ops *ops;
	struct xt_ip ip;
	uint8_t data[H_MAXDATA];
	struct sbuf err;
	int rc;                 /* 0, or the exit code the tool would use */
	char text[4096];        /* save or print result */
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

/* Split words on single spaces; "''" is an empty word. */
static inline int h_split(char *s, char **argv)
{
	int argc = 0;
	char *tok;

	for (tok = strtok(s, " "); tok && argc < H_MAXARGS;
	     tok = strtok(NULL, " "))
		argv[argc++] = strcmp(tok, "''") ? tok : tok + 2;
	return argc;
}

/*
 * Parse "OPTIONS" (e.g. "! --sport 1:3 --dport ssh") for match name with
 * protocol proto (0: none) and proto_inv. Returns 0 or the exit code.
 */
static inline int h_parse_ip(struct hm *m, const char *name, uint16_t proto,
			     bool proto_inv, const char *options)
{
	char buf[2048], two[1024], *argv[H_MAXARGS];
	struct xt_parse_ctx ctx;
	const struct xt_option *o;
	unsigned seen = 0;
	int argc, i;
	bool inv;

	memset(m, 0, sizeof(*m));
	sbuf_init(&m->err);
	m->ops = xt_match_find(name);
	assert_non_null(m->ops);
	assert_true(m->ops->size <= H_MAXDATA);
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
	argc = h_split(buf, argv);
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

static inline int h_parse(struct hm *m, const char *name, uint16_t proto,
			  const char *options)
{
	return h_parse_ip(m, name, proto, false, options);
}

static inline const char *h_save(struct hm *m)
{
	struct sbuf sb = SBUF_INIT;

	m->ops->save(m->data, &m->ip, &sb);
	snprintf(m->text, sizeof(m->text), "%s", sbuf_str(&sb));
	sbuf_free(&sb);
	return m->text;
}

static inline const char *h_print(struct hm *m, bool numeric)
{
	struct sbuf sb = SBUF_INIT;

	m->ops->print(m->data, &m->ip, numeric, &sb);
	snprintf(m->text, sizeof(m->text), "%s", sbuf_str(&sb));
	sbuf_free(&sb);
	return m->text;
}

static inline const char *h_err(struct hm *m)
{
	return sbuf_str(&m->err);
}

static inline void h_free(struct hm *m)
{
	sbuf_free(&m->err);
}

/* Kernel-side check as the core runs it at commit (proto + check()). */
static inline int h_check(struct hm *m)
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
#define H_OK(name, proto, opts, save, pn, pl)                                 \
	do {                                                                  \
		struct hm m_;                                                 \
		int rc_ = h_parse(&m_, name, proto, opts);                    \
		if (rc_)                                                      \
			fail_msg("'%s' failed: %s", opts, h_err(&m_));        \
		assert_string_equal(h_save(&m_), save);                       \
		assert_string_equal(h_print(&m_, true), pn);                  \
		assert_string_equal(h_print(&m_, false), pl);                 \
		assert_int_equal(h_check(&m_), 0);                            \
		h_free(&m_);                                                  \
	} while (0)

/* Options that must fail with exit 2 and exactly message msg. */
#define H_FAIL(name, proto, opts, msg)                                        \
	do {                                                                  \
		struct hm m_;                                                 \
		assert_int_equal(h_parse(&m_, name, proto, opts), 2);         \
		if (msg)                                                      \
			assert_string_equal(h_err(&m_), (const char *)msg);   \
		h_free(&m_);                                                  \
	} while (0)

/* ---- packets ---- */

static inline uint16_t h_csum(const uint8_t *p, size_t n)
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
static inline void h_pkt(struct pkt *pkt, uint8_t proto, uint32_t src,
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
		uint16_t c = h_csum(ip, 20);

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
	pkt->ethertype = 0x0800;
	pkt->frag_off = frag_off;
	pkt->is_frag = frag_off || mf;
}

/* Run match() of m on pkt: 1 match, 0 no match, -1 no match + hotdrop. */
static inline int h_match(struct hm *m, const struct pkt *pkt)
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
static inline size_t h_tcp(uint8_t *b, uint16_t sport, uint16_t dport,
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
static inline size_t h_udp(uint8_t *b, uint16_t sport, uint16_t dport)
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
