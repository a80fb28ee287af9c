// SPDX-License-Identifier: MIT
/*
 * The comment match: --comment TEXT -> save/print against the texts
 * iptables-legacy 1.8.9 prints (quoting and escaping of iptables-save, the
 * 255-byte limit of libxt_comment.t), its errors, and that it matches.
 */
#include "xt_match_harness.h"

/* Parse one --comment whose text may hold spaces (no word splitting). */
static void comment(struct hm *m, const char *text)
{
	struct xt_parse_ctx ctx = { .err = &m->err, .exit_code = 2 };
	const struct xt_option *o;

	memset(m, 0, sizeof(*m));
	sbuf_init(&m->err);
	m->ops = xt_match_find("comment");
	assert_non_null(m->ops);
	ctx.ip = &m->ip;
	o = h_find_opt(m->ops, "comment");
	assert_non_null(o);
	assert_true(o->flags & XTO_ARG);
	assert_int_equal(m->ops->parse(&ctx, o->id, text, false, m->data), 0);
	assert_int_equal(m->ops->final_check(&ctx, 1u << o->id, m->data), 0);
}

static void ok(const char *text, const char *save, const char *print)
{
	struct hm m;

	comment(&m, text);
	assert_string_equal(hm_save(&m), save);
	assert_string_equal(hm_print(&m, true), print);
	assert_string_equal(hm_print(&m, false), print);
	hm_free(&m);
}

static void test_save_print(void **state)
{
	ok("foo", " --comment foo", " /* foo */");
	ok("foo bar", " --comment \"foo bar\"", " /* foo bar */");
	ok("a\"b", " --comment \"a\\\"b\"", " /* a\"b */");
	ok("it's", " --comment \"it\\'s\"", " /* it's */");
	ok("", " --comment \"\"", " /*  */");
	ok("a\\b", " --comment \"a\\\\b\"", " /* a\\b */");
	ok("a$b", " --comment \"a$b\"", " /* a$b */");
	ok("tab\tx", " --comment \"tab\tx\"", " /* tab\tx */");
	ok("a`b", " --comment \"a`b\"", " /* a`b */");
	ok("a */ b", " --comment \"a */ b\"", " /* a */ b */");
	ok("-dash", " --comment -dash", " /* -dash */");
	ok("a.b", " --comment \"a.b\"", " /* a.b */");
	ok("\xc3\xa9", " --comment \"\xc3\xa9\"", " /* \xc3\xa9 */");
	ok("Under_score-09", " --comment Under_score-09",
	   " /* Under_score-09 */");
}

static void test_length(void **state)
{
	char text[300], save[300];
	struct hm m;

	/* 255 bytes are kept (libxt_comment.t). */
	memset(text, 'x', 255);
	text[255] = '\0';
	snprintf(save, sizeof(save), " --comment %s", text);
	comment(&m, text);
	assert_string_equal(hm_save(&m), save);
	hm_free(&m);
	/* 256 and more: cut to 255, as iptables 1.8.9 and 1.8.11 do. */
	memset(text, 'x', 299);
	text[299] = '\0';
	comment(&m, text);
	assert_string_equal(hm_save(&m), save);
	hm_free(&m);
}

static void test_errors(void **state)
{
	HM_FAIL("comment", 0, "",
	       "comment: option \"--comment\" must be specified\n");
	/* No '!' and a single --comment: the core enforces both flags. */
	HM_FAIL("comment", 0, "! --comment x", NULL);
	HM_FAIL("comment", 0, "--comment a --comment b", NULL);
	HM_FAIL("comment", 0, "--comment", NULL);
}

static void test_match(void **state)
{
	static struct pkt pkt;
	struct hm m;

	comment(&m, "anything");
	hm_pkt(&pkt, 6, 1, 2, NULL, 0, 0, false);
	assert_int_equal(hm_match(&m, &pkt), 1);
	hm_pkt(&pkt, 6, 1, 2, NULL, 0, 5, false);
	assert_int_equal(hm_match(&m, &pkt), 1);
	hm_free(&m);
}

static void test_conformance(void **state)
{
	/* The lines of iptables' libxt_comment.t this harness can model. */
	assert_true(hm_t_file("libxt_comment.t") >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_save_print),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("match_comment", tests, NULL, NULL);
}
