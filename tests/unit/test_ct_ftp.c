// SPDX-License-Identifier: MIT
/*
 * The FTP helper (src/ct/ftp.c) through a forwarding stack: PORT, PASV's
 * 227, EPRT and EPSV's 229 create the expectation for the data
 * connection (as conntrack -L expect lists it on Linux 6.1), whose first
 * packet is then RELATED with its master set; what the kernel does not
 * record (no helper, a command not at a line start, another host's
 * address) is not recorded; a command cut in two is dropped; one
 * expectation per control connection (the policy's max_expected).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ct_harness.h"

static void test_port_then_data_is_related(void **state)
{
	struct ct_conn *ctl, *data;
	uint32_t cseq, sseq;

	(void)state;
	ctl = ftp_open(40000, &cseq, &sseq);
	assert_ptr_equal(ctl->helper, ct_helper_find("ftp", 6));
	assert_true(ct_status(ctl) & CT_S_HELPER);
	assert_int_equal(ftp_client(40000, &cseq, sseq, "USER a\r\n"), 1);
	assert_int_equal(ct_expect_count(net), 0);
	assert_int_equal(ftp_client(40000, &cseq, sseq,
				    "PORT 10,1,0,2,4,1\r\n"), 1);
	assert_int_equal(ct_expect_count(net), 1);
	assert_string_equal(expect_list(),
		"300 proto=6 src=10.2.0.2 dst=10.1.0.2 sport=0 dport=1025 "
		"mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 "
		"dport=65535 master-src=10.1.0.2 master-dst=10.2.0.2 "
		"sport=40000 dport=21 class=0 helper=ftp\n");
	assert_int_equal(STAT(expect_create), 1);
	/* The tool lists the same line, and its master counts it. */
	{
		char *out = NULL, *err = NULL;

		assert_int_equal(ns_exec(net, "conntrack -L expect", &out,
					 &err), 0);
		assert_string_equal(out, expect_list());
		assert_non_null(strstr(err, "1 expectations have been "
				       "shown."));
		free(out);
		free(err);
		assert_int_equal(ns_exec(net, "conntrack -L -p tcp --dport 21",
					 &out, &err), 0);
		if (!strstr(out, " helper=ftp use=2"))
			fail_msg("listing: %s", out);
		free(out);
		free(err);
	}

	/* Active mode: the server connects from port 20. */
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 20, 1025, 9000, 0, TH_SYN,
		 NULL);
	assert_int_equal(seen_ctinfo, CT_RELATED);
	data = seen_ct;
	assert_non_null(data);
	assert_ptr_not_equal(data, ctl);
	assert_ptr_equal(data->master, ctl);
	assert_true(ct_status(data) & CT_S_EXPECTED);
	assert_true(ct_is_confirmed(data));
	assert_null(data->helper);
	assert_int_equal(ct_expect_count(net), 0);
	assert_int_equal(STAT(expect_new), 1);
	assert_int_equal(STAT(expect_delete), 1);
	/* Its reply and then its next packet: as any connection's. */
	tcp_send("ra", "10.1.0.2", "10.2.0.2", 1025, 20, 7000, 9001,
		 TH_SYN | TH_ACK, NULL);
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED_REPLY);
	assert_ptr_equal(seen_ct, data);
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 20, 1025, 9001, 7001, TH_ACK,
		 NULL);
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED);
	/* Used up: another connection to that port is NEW. */
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 21, 1025, 9000, 0, TH_SYN,
		 NULL);
	assert_int_equal(seen_ctinfo, CT_NEW);
}

static void test_pasv_reply(void **state)
{
	struct ct_conn *ctl;
	uint32_t cseq, sseq;

	(void)state;
	ctl = ftp_open(40001, &cseq, &sseq);
	ftp_client(40001, &cseq, sseq, "USER a\r\n");
	ftp_server(40001, cseq, &sseq, "331 pass\r\n");
	ftp_client(40001, &cseq, sseq, "PASV\r\n");
	assert_int_equal(ct_expect_count(net), 0);
	assert_int_equal(ftp_server(40001, cseq, &sseq,
		"227 Entering Passive Mode (10,2,0,2,195,80).\r\n"), 1);
	assert_string_equal(expect_list(),
		"300 proto=6 src=10.1.0.2 dst=10.2.0.2 sport=0 dport=50000 "
		"mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 "
		"dport=65535 master-src=10.1.0.2 master-dst=10.2.0.2 "
		"sport=40001 dport=21 class=0 helper=ftp\n");
	tcp_send("ra", "10.1.0.2", "10.2.0.2", 41234, 50000, 100, 0, TH_SYN,
		 NULL);
	assert_int_equal(seen_ctinfo, CT_RELATED);
	assert_ptr_equal(seen_ct->master, ctl);
	assert_int_equal(ct_expect_count(net), 0);
}

static void test_eprt_and_epsv(void **state)
{
	uint32_t cseq, sseq;

	(void)state;
	ftp_open(40002, &cseq, &sseq);
	ftp_client(40002, &cseq, sseq, "USER a\r\n");
	ftp_client(40002, &cseq, sseq, "EPRT |1|10.1.0.2|2001|\r\n");
	assert_int_equal(ct_expect_count(net), 1);
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 20, 2001, 1, 0, TH_SYN, NULL);
	assert_int_equal(seen_ctinfo, CT_RELATED);

	ftp_client(40002, &cseq, sseq, "EPSV\r\n");
	ftp_server(40002, cseq, &sseq,
		   "229 Entering Extended Passive Mode (|||50001|)\r\n");
	assert_string_equal(expect_list(),
		"300 proto=6 src=10.1.0.2 dst=10.2.0.2 sport=0 dport=50001 "
		"mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 "
		"dport=65535 master-src=10.1.0.2 master-dst=10.2.0.2 "
		"sport=40002 dport=21 class=0 helper=ftp\n");
	tcp_send("ra", "10.1.0.2", "10.2.0.2", 41000, 50001, 1, 0, TH_SYN,
		 NULL);
	assert_int_equal(seen_ctinfo, CT_RELATED);
}

/* max_expected 1: PORT then PASV leave PASV's (as Linux lists it). */
static void test_one_expectation_per_master(void **state)
{
	uint32_t cseq, sseq;

	(void)state;
	ftp_open(40003, &cseq, &sseq);
	ftp_client(40003, &cseq, sseq, "USER a\r\n");
	ftp_client(40003, &cseq, sseq, "PORT 10,1,0,2,4,1\r\n");
	ftp_server(40003, cseq, &sseq, "200 ok\r\n");
	ftp_client(40003, &cseq, sseq, "PASV\r\n");
	ftp_server(40003, cseq, &sseq,
		   "227 Entering Passive Mode (10,2,0,2,195,80).\r\n");
	assert_int_equal(ct_expect_count(net), 1);
	assert_non_null(strstr(expect_list(), "dport=50000"));
	assert_int_equal(STAT(expect_create), 2);
	assert_int_equal(STAT(expect_delete), 1);
	/* The same PORT again replaces its own expectation. */
	ftp_client(40003, &cseq, sseq, "PORT 10,1,0,2,4,1\r\n");
	ftp_client(40003, &cseq, sseq, "PORT 10,1,0,2,4,1\r\n");
	assert_int_equal(ct_expect_count(net), 1);
	assert_non_null(strstr(expect_list(), "dport=1025"));
}

static void test_not_recorded(void **state)
{
	uint32_t cseq, sseq;

	(void)state;
	/* The first client segment follows no known line end. */
	ftp_open(40004, &cseq, &sseq);
	ftp_client(40004, &cseq, sseq, "PORT 10,1,0,2,4,1\r\n");
	assert_int_equal(ct_expect_count(net), 0);
	/* Another host's address: no hole for a third machine. */
	assert_int_equal(ftp_client(40004, &cseq, sseq,
				    "PORT 10,9,9,9,4,1\r\n"), 1);
	assert_int_equal(ct_expect_count(net), 0);
	/* Lower case is a command too. */
	ftp_client(40004, &cseq, sseq, "port 10,1,0,2,4,2\r\n");
	assert_int_equal(ct_expect_count(net), 1);
	/* A reply direction PORT is nothing. */
	ftp_server(40004, cseq, &sseq, "PORT 10,2,0,2,4,3\r\n");
	assert_non_null(strstr(expect_list(), "dport=1026"));

	/* No helper assigned: nothing read. */
	with_helper = false;
	ftp_open(40005, &cseq, &sseq);
	assert_null(seen_ct->helper);
	ftp_client(40005, &cseq, sseq, "USER a\r\n");
	ftp_client(40005, &cseq, sseq, "PORT 10,1,0,2,5,1\r\n");
	assert_int_equal(ct_expect_count(net), 1);
}

/* A segment holding only the start of a command is dropped; sent again
 * whole, it is read. */
static void test_partial_command_dropped(void **state)
{
	uint32_t cseq, sseq, seq;

	(void)state;
	ftp_open(40006, &cseq, &sseq);
	ftp_client(40006, &cseq, sseq, "USER a\r\n");
	seq = cseq;
	assert_int_equal(ftp_client(40006, &cseq, sseq, "PORT 10,1,0,2,"),
			 0);
	assert_int_equal(ct_expect_count(net), 0);
	cseq = seq;
	assert_int_equal(ftp_client(40006, &cseq, sseq, "PO"), 0);
	cseq = seq;
	/* No CR after the numbers yet: partial too. */
	assert_int_equal(ftp_client(40006, &cseq, sseq,
				    "PORT 10,1,0,2,4,1"), 0);
	cseq = seq;
	assert_int_equal(ftp_client(40006, &cseq, sseq,
				    "PORT 10,1,0,2,4,1\r\n"), 1);
	assert_int_equal(ct_expect_count(net), 1);
}

/* Expectations live 300 s (the policy), on the engine's clock. */
static void test_expectation_times_out(void **state)
{
	uint32_t cseq, sseq;

	(void)state;
	ftp_open(40007, &cseq, &sseq);
	ftp_client(40007, &cseq, sseq, "USER a\r\n");
	ftp_client(40007, &cseq, sseq, "PORT 10,1,0,2,4,1\r\n");
	assert_int_equal(ct_expect_count(net), 1);
	/* The engine's clock moves with packets. */
	now += 200 * NSEC;
	udp_send("ra", "10.1.0.2", "10.2.0.2", 5, 5, "x", 1);
	assert_int_equal(atoi(expect_list()), 99);
	now += 101 * NSEC;
	udp_send("ra", "10.1.0.2", "10.2.0.2", 5, 5, "x", 1);
	assert_string_equal(expect_list(), "");
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 20, 1025, 9000, 0, TH_SYN,
		 NULL);
	assert_int_equal(seen_ctinfo, CT_NEW);
	assert_null(seen_ct->master);
	/* The lookup reaped it. */
	assert_int_equal(ct_expect_count(net), 0);
}

/* A master's death takes its expectations; a child keeps its master's
 * memory until it goes too. */
static void test_master_death(void **state)
{
	struct ct_conn *ctl, *data;
	uint32_t cseq, sseq, id;

	(void)state;
	ctl = ftp_open(40008, &cseq, &sseq);
	ftp_client(40008, &cseq, sseq, "USER a\r\n");
	ftp_client(40008, &cseq, sseq, "PORT 10,1,0,2,4,1\r\n");
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 20, 1025, 9000, 0, TH_SYN,
		 NULL);
	data = seen_ct;
	assert_ptr_equal(data->master, ctl);
	ftp_client(40008, &cseq, sseq, "PORT 10,1,0,2,4,2\r\n");
	assert_int_equal(ct_expect_count(net), 1);
	id = ctl->id;
	assert_true(ct_kill(net, ctl));
	assert_int_equal(ct_expect_count(net), 0);
	grace();
	/* Out of the table but not reused: its child points at it. */
	assert_ptr_equal(data->master, ctl);
	assert_int_equal(ctl->id, id);
	assert_int_not_equal(ctl->help, 0);
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 20, 1026, 9000, 0, TH_SYN,
		 NULL);
	assert_int_equal(seen_ctinfo, CT_NEW);
	assert_ptr_not_equal(seen_ct, ctl);
	assert_true(ct_kill(net, data));
	grace();
	assert_int_equal(ctl->help, 0);
	assert_null(ctl->master);
}

/*
 * The NAT half's plumbing, with a stand-in for nf_nat_ftp: a NATed
 * master's command goes to ct_nat_ftp_hook, which rewrites the address
 * text (7 bytes longer here); the packet leaves with the new text and
 * good checksums, and from then on the client's seqs leave shifted by 7
 * and the server's acks come back shifted back.
 */
static unsigned int fake_nat_ftp(struct net *n, struct pkt *pkt,
				 struct ct_conn *ct, enum ct_info ctinfo,
				 enum ct_ftp_type type, unsigned off,
				 unsigned len, struct ct_expect *exp)
{
	static const char rep[] = "192,168,100,200,4,1";

	assert_int_equal(type, CT_FTP_PORT);
	assert_int_equal(off, 5);
	assert_int_equal(len, 12);
	if (!ct_mangle_tcp_packet(n, pkt, ct, ctinfo, off, len, rep,
				  sizeof(rep) - 1))
		return NS_DROP;
	return ct_expect_related(n, exp) ? NS_DROP : NS_ACCEPT;
}

static uint32_t cap_seq(int i, int ack)
{
	const uint8_t *th = cap_l4(i);

	return ntohl(ns_get32(th + (ack ? 8 : 4)));
}

static void test_nat_hook_mangles_and_adjusts_seq(void **state)
{
	static const char want[] = "PORT 192,168,100,200,4,1\r\n";
	struct ct_conn *ctl;
	uint32_t cseq, sseq, seq;
	const struct ns_iphdr *iph;
	unsigned tcplen;

	(void)state;
	ctl = ftp_open(40009, &cseq, &sseq);
	ftp_client(40009, &cseq, sseq, "USER a\r\n");
	ct_status_set(ctl, CT_S_SRC_NAT);
	atomic_store(&ct_nat_ftp_hook, fake_nat_ftp);
	seq = cseq;
	assert_int_equal(ftp_client(40009, &cseq, sseq,
				    "PORT 10,1,0,2,4,1\r\n"), 1);
	atomic_store(&ct_nat_ftp_hook, NULL);
	assert_int_equal(ct_expect_count(net), 1);
	assert_true(ct_status(ctl) & CT_S_SEQ_ADJUST);
	iph = cap_iph(0);
	tcplen = ntohs(iph->tot_len) - 20;
	assert_int_equal(tcplen, 20 + sizeof(want) - 1);
	assert_int_equal(cap[0].len, 14 + 20 + tcplen);
	assert_memory_equal(cap_l4(0) + 20, want, sizeof(want) - 1);
	assert_int_equal(ip_fast_csum(iph, 5), 0);
	assert_int_equal(l4_csum(iph->saddr, iph->daddr, 6, cap_l4(0),
				 tcplen), 0);
	/* That segment keeps its seq; the next ones move by 7. */
	assert_int_equal(cap_seq(0, 0), seq);
	/* The server acks what it got: 7 more than the client sent. */
	ftp_server(40009, cseq + 7, &sseq, "200 ok\r\n");
	assert_int_equal(cap_seq(0, 1), cseq);
	ftp_client(40009, &cseq, sseq, "NOOP\r\n");
	assert_int_equal(cap_seq(0, 0), cseq - 6 + 7);
	iph = cap_iph(0);
	assert_int_equal(l4_csum(iph->saddr, iph->daddr, 6, cap_l4(0),
				 ntohs(iph->tot_len) - 20), 0);
	assert_int_equal(ct_seq_offset(net, ctl, CT_DIR_ORIGINAL, cseq), 7);
	assert_int_equal(ct_seq_offset(net, ctl, CT_DIR_ORIGINAL, seq), 0);
	assert_int_equal(ct_seq_offset(net, ctl, CT_DIR_REPLY, sseq), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_port_then_data_is_related,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pasv_reply, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eprt_and_epsv, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_one_expectation_per_master,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_recorded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_partial_command_dropped,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_expectation_times_out,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_master_death, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_nat_hook_mangles_and_adjusts_seq, setup,
			teardown),
	};

	return cmocka_run_group_tests_name("ct_ftp", tests, NULL, NULL);
}
