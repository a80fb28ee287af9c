// SPDX-License-Identifier: MIT
/*
 * The TFTP helper (src/ct/tftp.c) through a forwarding stack: a read or
 * write request expects the server's answer from any port to the
 * client's port; that answer is RELATED, its entry's master is the
 * request's; DATA and ACK expect nothing; a request whose entry is never
 * confirmed (dropped in FORWARD) takes its expectation along.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ct_harness.h"

static const uint8_t rrq[] = "\0\1file\0octet";
static const uint8_t wrq[] = "\0\2file\0octet";
static const uint8_t data1[] = "\0\3\0\1hello";
static const uint8_t ack1[] = "\0\4\0\1";

static void test_read_request(void **state)
{
	struct ct_conn *req, *xfer;

	(void)state;
	assert_int_equal(udp_send("ra", "10.1.0.2", "10.2.0.2", 3000, 69,
				  rrq, sizeof(rrq) - 1), 1);
	assert_int_equal(seen_ctinfo, CT_NEW);
	req = seen_ct;
	assert_ptr_equal(req->helper, ct_helper_find("tftp", 17));
	assert_int_equal(ct_expect_count(net), 1);
	assert_string_equal(expect_list(),
		"300 proto=17 src=10.2.0.2 dst=10.1.0.2 sport=0 dport=3000 "
		"mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 "
		"dport=65535 master-src=10.1.0.2 master-dst=10.2.0.2 "
		"sport=3000 dport=69 class=0 helper=tftp\n");
	/* The server answers from a port of its own. */
	udp_send("rb", "10.2.0.2", "10.1.0.2", 4321, 3000, data1,
		 sizeof(data1) - 1);
	assert_int_equal(seen_ctinfo, CT_RELATED);
	xfer = seen_ct;
	assert_ptr_equal(xfer->master, req);
	assert_true(ct_status(xfer) & CT_S_EXPECTED);
	assert_int_equal(ct_expect_count(net), 0);
	udp_send("ra", "10.1.0.2", "10.2.0.2", 3000, 4321, ack1,
		 sizeof(ack1) - 1);
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED_REPLY);
	assert_ptr_equal(seen_ct, xfer);
	assert_int_equal(ct_expect_count(net), 0);
}

static void test_write_request_and_others(void **state)
{
	(void)state;
	/* DATA and ACK to port 69 expect nothing. */
	udp_send("ra", "10.1.0.2", "10.2.0.2", 3001, 69, data1,
		 sizeof(data1) - 1);
	udp_send("ra", "10.1.0.2", "10.2.0.2", 3002, 69, ack1,
		 sizeof(ack1) - 1);
	udp_send("ra", "10.1.0.2", "10.2.0.2", 3003, 69, "\1", 1);
	assert_int_equal(ct_expect_count(net), 0);
	udp_send("ra", "10.1.0.2", "10.2.0.2", 3004, 69, wrq,
		 sizeof(wrq) - 1);
	assert_int_equal(ct_expect_count(net), 1);
	/* Not from the server: no match. */
	udp_send("rb", "10.2.0.9", "10.1.0.2", 4000, 3004, ack1,
		 sizeof(ack1) - 1);
	assert_int_equal(seen_ctinfo, CT_NEW);
	udp_send("rb", "10.2.0.2", "10.1.0.2", 4000, 3004, ack1,
		 sizeof(ack1) - 1);
	assert_int_equal(seen_ctinfo, CT_RELATED);
	/* Without the helper: nothing. */
	with_helper = false;
	udp_send("ra", "10.1.0.2", "10.2.0.2", 3005, 69, rrq,
		 sizeof(rrq) - 1);
	assert_null(seen_ct->helper);
	assert_int_equal(ct_expect_count(net), 0);
}

/* The request's entry is dropped before confirmation: the expectation
 * made on its first packet goes with it. */
static void test_unconfirmed_master_takes_expectation(void **state)
{
	(void)state;
	drop_all = true;
	assert_int_equal(udp_send("ra", "10.1.0.2", "10.2.0.2", 3006, 69,
				  rrq, sizeof(rrq) - 1), 0);
	drop_all = false;
	assert_int_equal(ct_count(net), 0);
	assert_int_equal(ct_expect_count(net), 0);
	udp_send("rb", "10.2.0.2", "10.1.0.2", 4000, 3006, data1,
		 sizeof(data1) - 1);
	assert_int_equal(seen_ctinfo, CT_NEW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_request, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_request_and_others,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_unconfirmed_master_takes_expectation, setup,
			teardown),
	};

	return cmocka_run_group_tests_name("ct_tftp", tests, NULL, NULL);
}
