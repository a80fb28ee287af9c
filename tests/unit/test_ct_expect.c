// SPDX-License-Identifier: MIT
/*
 * Expectations (src/ct/expect.c) through their API, with masters made by
 * the FTP helper's control connections: the errors of
 * ct_expect_related() (no helper extension, clash with another master's,
 * the same one in another class, nf_conntrack_expect_max), the masked
 * match (any source port, a fixed one), flush, the GC step reaping
 * expired ones, and the counters conntrack -S shows.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ct_harness.h"

static struct ct_conn *master(uint16_t cport)
{
	uint32_t cseq, sseq;

	return ftp_open(cport, &cseq, &sseq);
}

static void expect_to_client(struct ct_expect *e, struct ct_conn *m,
			     uint16_t port, const uint16_t *sport)
{
	struct ns_addr s = ns_addr4(A("10.2.0.2"));
	struct ns_addr d = ns_addr4(A("10.1.0.2"));
	uint16_t p = htons(port);

	ct_expect_init(e, m, 0, &s, &d, 6, sport, &p);
}

static void test_related_errors(void **state)
{
	struct ct_conn *m1, *m2, *plain;
	struct ct_expect e;
	uint16_t sp = htons(20);

	(void)state;
	m1 = master(40100);
	m2 = master(40101);
	with_helper = false;
	plain = master(40102);
	assert_int_equal(plain->help, 0);

	expect_to_client(&e, plain, 1025, NULL);
	assert_int_equal(ct_expect_related(net, &e), -ESHUTDOWN);

	expect_to_client(&e, m1, 1025, NULL);
	assert_int_equal(ct_expect_related(net, &e), 0);
	/* Another master wanting what overlaps: busy. */
	expect_to_client(&e, m2, 1025, &sp);
	assert_int_equal(ct_expect_related(net, &e), -EBUSY);
	/* The same one in another class. */
	expect_to_client(&e, m1, 1025, NULL);
	e.class = 1;
	assert_int_equal(ct_expect_related(net, &e), -EALREADY);
	/* Another port: fine, for m2. */
	expect_to_client(&e, m2, 1026, &sp);
	assert_int_equal(ct_expect_related(net, &e), 0);
	assert_int_equal(ct_expect_count(net), 2);

	/* nf_conntrack_expect_max. */
	assert_int_equal(run(net, "sysctl -w net.netfilter."
			     "nf_conntrack_expect_max=2", NULL), 0);
	with_helper = true;
	expect_to_client(&e, master(40103), 1027, NULL);
	assert_int_equal(ct_expect_related(net, &e), -EMFILE);
	assert_int_equal(ct_expect_count(net), 2);
	assert_int_equal(STAT(expect_create), 2);

	/* A fixed source port: only that one matches. */
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 21, 1026, 1, 0, TH_SYN, NULL);
	assert_int_equal(seen_ctinfo, CT_NEW);
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 20, 1026, 1, 0, TH_SYN, NULL);
	assert_int_equal(seen_ctinfo, CT_RELATED);
	assert_ptr_equal(seen_ct->master, m2);
	/* Another destination address: no match. */
	tcp_send("rb", "10.2.0.2", "10.1.0.3", 20, 1025, 1, 0, TH_SYN, NULL);
	assert_int_equal(seen_ctinfo, CT_NEW);
	assert_int_equal(ct_expect_count(net), 1);
	assert_int_equal(ct_expect_flush(net), 1);
	assert_int_equal(ct_expect_count(net), 0);
	assert_int_equal(STAT(expect_delete), 2);
	assert_int_equal(STAT(expect_new), 1);
}

/* The GC step reaps expired expectations without any lookup. */
static void test_gc_reaps(void **state)
{
	struct ct_expect e;
	struct ct_conn *m;

	(void)state;
	m = master(40110);
	expect_to_client(&e, m, 1025, NULL);
	assert_int_equal(ct_expect_related(net, &e), 0);
	now += 301 * NSEC;
	/* Packets of other flows run GC steps; the expect hash is small
	 * (1024 buckets), 64 a step, one step per 100 ms. */
	for (int i = 0; i < 20; i++) {
		udp_send("ra", "10.1.0.2", "10.2.0.2", 5, 5, "x", 1);
		now += NSEC / 10;
	}
	assert_int_equal(ct_expect_count(net), 0);
	assert_int_equal(STAT(expect_delete), 1);
}

/* The mark is the master's; a permanent expectation is not used up. */
static void test_mark_and_permanent(void **state)
{
	struct ct_expect e;
	struct ct_conn *m;

	(void)state;
	m = master(40120);
	atomic_store(&m->mark, 0x42);
	expect_to_client(&e, m, 1025, NULL);
	e.flags = CT_EXPECT_PERMANENT;
	assert_int_equal(ct_expect_related(net, &e), 0);
	assert_non_null(strstr(expect_list(), "PERMANENT class=0"));
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 20, 1025, 1, 0, TH_SYN, NULL);
	assert_int_equal(seen_ctinfo, CT_RELATED);
	assert_int_equal(atomic_load(&seen_ct->mark), 0x42);
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 21, 1025, 1, 0, TH_SYN, NULL);
	assert_int_equal(seen_ctinfo, CT_RELATED);
	assert_int_equal(ct_expect_count(net), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_related_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gc_reaps, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mark_and_permanent, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("ct_expect", tests, NULL, NULL);
}
