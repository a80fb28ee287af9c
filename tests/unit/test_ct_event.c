// SPDX-License-Identifier: MIT
/*
 * conntrack -E's event ring (src/ct/event.c): nothing is kept without a
 * subscriber; NEW at insert and DESTROY at kill reach a subscriber with a
 * snapshot of the entry; a reader that falls behind by more than the ring
 * is told how many events it lost and reads on from the oldest kept;
 * the conntrack tool pumps them as 1.4.7's lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include <netsieve/netsieve.h>

#include "core/net.h"
#include "ct/ct.h"
#include "ctl/ctl.h"

static struct ct_conn *make(struct net *net, unsigned sport)
{
	struct ct_conn *ct = ct_conn_alloc(net, 0);
	struct ct_tuple t = { ns_addr4(htonl(0x01010101)),
			      ns_addr4(htonl(0x02020202)), htons(sport),
			      htons(53), 17 };
	struct ct_tuple r = { t.dst, t.src, t.dport, t.sport, 17 };

	assert_non_null(ct);
	ct->node[0].tuple = t;
	ct->node[0].dir = 0;
	ct->node[1].tuple = r;
	ct->node[1].dir = 1;
	atomic_store(&ct->timeout, net_now(net) + 30000000000ull);
	return ct;
}

static void test_ring(void **state)
{
	struct net *net;
	struct ct_event_rec rec[8];
	struct ct_conn *ct;
	uint64_t cur, lost;
	unsigned n, i;

	(void)state;
	assert_int_equal(ns_net_create(&net), 0);
	assert_int_equal(ct_net_enable(net), 0);
	/* No subscriber: nothing kept. */
	assert_int_equal(ct_insert(net, make(net, 1000)), 0);
	assert_null(atomic_load(&net->ct_events));

	assert_int_equal(ct_event_subscribe(net, &cur), 0);
	ct = make(net, 1001);
	assert_int_equal(ct_insert(net, ct), 0);
	atomic_store(&ct->mark, 7);
	ns_rcu_reader_enter();
	assert_true(ct_kill(net, ct));
	ns_rcu_reader_leave();
	n = ct_event_read(net, &cur, rec, 8, &lost);
	assert_int_equal(n, 2);
	assert_int_equal(lost, 0);
	assert_int_equal(rec[0].type, CT_EV_NEW);
	assert_int_equal(rec[0].snap.mark, 0);
	assert_int_equal(ntohs(rec[0].snap.tuple[0].sport), 1001);
	assert_int_equal(rec[1].type, CT_EV_DESTROY);
	assert_int_equal(rec[1].snap.mark, 7);
	assert_int_equal(ct_event_read(net, &cur, rec, 8, &lost), 0);

	/* Overflow: the oldest are lost and counted. */
	ct = make(net, 1002);
	assert_int_equal(ct_insert(net, ct), 0);
	for (i = 0; i < CT_EVENT_RING + 10; i++)
		ct_event_emit(net, ct, CT_EV_UPDATE);
	n = ct_event_read(net, &cur, rec, 8, &lost);
	assert_int_equal(n, 8);
	assert_int_equal(lost, 11);       /* the NEW and 10 UPDATEs */
	assert_int_equal(rec[0].type, CT_EV_UPDATE);
	ct_event_unsubscribe(net);
	ns_net_destroy(net);
}

/* The tool's side: -E with a filter and an event mask. */
static void test_stream(void **state)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	char *argv[] = { "conntrack", "-E", "-e", "DESTROY", "-p", "udp",
			 "--sport", "2001", NULL };
	struct ctl_stream *st = NULL;
	struct ct_conn *a, *b;
	struct net *net;

	(void)state;
	assert_int_equal(ns_net_create(&net), 0);
	assert_int_equal(ct_net_enable(net), 0);
	assert_int_equal(ctl_exec_argv_stream(net, 8, argv, NULL, &out, &err,
					      &st), 0);
	assert_non_null(st);
	a = make(net, 2001);
	b = make(net, 2002);
	assert_int_equal(ct_insert(net, a), 0);
	assert_int_equal(ct_insert(net, b), 0);
	ns_rcu_reader_enter();
	ct_kill(net, a);
	ct_kill(net, b);
	ns_rcu_reader_leave();
	assert_int_equal(ctl_stream_pump(st, &out, &err), 4);
	assert_string_equal(sbuf_str(&out),
		"[DESTROY] udp      17 30 src=1.1.1.1 dst=2.2.2.2 sport=2001 "
		"dport=53 [UNREPLIED] src=2.2.2.2 dst=1.1.1.1 sport=53 "
		"dport=2001 mark=0\n");
	assert_string_equal(sbuf_str(&err), "");
	assert_int_equal(ctl_stream_shown(st), 1);
	ctl_stream_close(st);
	/* Without a stream (replay, shell), -E is refused. */
	sbuf_reset(&err);
	assert_int_equal(ctl_exec_argv(net, 2, argv, NULL, &out, &err), 1);
	sbuf_free(&out);
	sbuf_free(&err);
	ns_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests_name("ct_event", tests, NULL, NULL);
}
