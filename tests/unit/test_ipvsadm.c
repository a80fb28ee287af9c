// SPDX-License-Identifier: MIT
/*
 * The ipvsadm tool's number formatting, which the recorded cases
 * (tests/ipvsadm, all with zero counters) cannot reach: counters set by
 * hand in a service and a real server, then -Ln --stats and --rate with
 * and without --exact, printed as ipvsadm 1.31's print_largenum() does
 * (9 digits, then thousands "K", millions "M", billions "G", trillions
 * "T"; --exact widens the column instead), and -Z bringing them back to
 * zero; and the -c connection list. Control path only; no packets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netsieve/netsieve.h>

#include "base/rcu.h"
#include "base/sbuf.h"
#include "ctl/ctl.h"
#include "lb/lb.h"
#include "lb/lb_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static struct net *net;

static int run(const char *line, struct sbuf *out)
{
	struct sbuf err = SBUF_INIT;
	int rc = ctl_exec_line(net, line, NULL, out, &err);

	if (err.len)
		print_message("%s: %s", line, sbuf_str(&err));
	sbuf_free(&err);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(ns_net_create(&net), 0);
	assert_int_equal(run("ipvsadm -A -t 10.0.0.1:80 -s rr", NULL), 0);
	assert_int_equal(run("ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -m",
			     NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ns_net_destroy(net);
	net = NULL;
	return 0;
}

/* Set the service's and its one real server's counters and rates. */
static void set_counters(const struct lb_counters *c, const struct lb_rates *r)
{
	struct ns_addr vip = ns_addr4(inet_addr("10.0.0.1"));
	struct lb_service *svc;
	struct lb_dest *d;

	ns_rcu_reader_enter();
	svc = lb_service_find(lb_net(net), 2, 0, 6, &vip, htons(80));
	assert_non_null(svc);
	svc->stats.cpu[0] = *c;
	svc->stats.rate = *r;
	cds_list_for_each_entry(d, &svc->destinations, n_list) {
		d->stats.cpu[0] = *c;
		d->stats.rate = *r;
	}
	ns_rcu_reader_leave();
}

static void expect(const char *cmd, const char *want)
{
	struct sbuf out = SBUF_INIT;

	assert_int_equal(run(cmd, &out), 0);
	assert_string_equal(sbuf_str(&out), want);
	sbuf_free(&out);
}

#define HEAD "IP Virtual Server version 1.2.1 (size=4096)\n"
#define STATS_TITLE \
	"Prot LocalAddress:Port               Conns   InPkts  OutPkts  " \
	"InBytes OutBytes\n  -> RemoteAddress:Port\n"
#define RATE_TITLE \
	"Prot LocalAddress:Port                 CPS    InPPS   OutPPS    " \
	"InBPS   OutBPS\n  -> RemoteAddress:Port\n"

static void test_stats_units(void **state)
{
	const struct lb_counters c = {
		.conns = 99999999ULL,            /* last plain value */
		.inpkts = 100000000ULL,          /* first K */
		.outpkts = 99999999999ULL,       /* last M */
		.inbytes = 100000000000ULL,      /* first G */
		.outbytes = 123456789012345ULL,  /* T */
	};
	const struct lb_rates r = { 0 };

	(void)state;
	set_counters(&c, &r);
	expect("ipvsadm -Ln --stats",
	       HEAD STATS_TITLE
	       "TCP  10.0.0.1:80                 " " 99999999  100000K"
	       "   99999M     100G     123T\n"
	       "  -> 10.0.0.2:80                 " " 99999999  100000K"
	       "   99999M     100G     123T\n");
	expect("ipvsadm -Ln --stats --exact",
	       HEAD STATS_TITLE
	       "TCP  10.0.0.1:80                 " " 99999999 100000000"
	       " 99999999999 100000000000 123456789012345\n"
	       "  -> 10.0.0.2:80                 " " 99999999 100000000"
	       " 99999999999 100000000000 123456789012345\n");
}

static void test_rate_columns(void **state)
{
	const struct lb_counters c = { 0 };
	const struct lb_rates r = {
		.cps = 7, .inpps = 4000000000u, .outpps = 12,
		.inbps = 999999999u, .outbps = 1000000000u,
	};

	(void)state;
	set_counters(&c, &r);
	/* A real server's CPS and PPS are plain %8llu, never shortened. */
	expect("ipvsadm -Ln --rate",
	       HEAD RATE_TITLE
	       "TCP  10.0.0.1:80                 " "        7    4000M"
	       "       12  999999K    1000M\n"
	       "  -> 10.0.0.2:80                 " "        7 4000000000"
	       "       12  999999K    1000M\n");
}

static void test_zero(void **state)
{
	const struct lb_counters c = {
		.conns = 5, .inpkts = 6, .outpkts = 7, .inbytes = 8,
		.outbytes = 9,
	};
	const struct lb_rates r = { 0 };

	(void)state;
	set_counters(&c, &r);
	assert_int_equal(run("ipvsadm -Z -t 10.0.0.1:80", NULL), 0);
	expect("ipvsadm -Ln --stats",
	       HEAD STATS_TITLE
	       "TCP  10.0.0.1:80                 " "        0        0"
	       "        0        0        0\n"
	       "  -> 10.0.0.2:80                 " "        0        0"
	       "        0        0        0\n");
}

/*
 * -Lnc: one line per connection in ipvsadm's columns ("%-3s %-6s %-11s
 * %-18s %-18s %s", expiry as MM:SS), the title with and without
 * --persistent-conn. The state and the seconds left come from the
 * table's own snapshot (what they are is the table's business).
 */
static void test_conn_list(void **state)
{
	struct ns_addr vip = ns_addr4(inet_addr("10.0.0.1"));
	struct ns_addr cip = ns_addr4(inet_addr("192.168.7.9"));
	struct sbuf want = SBUF_INIT;
	struct lb_conn_snap *snap;
	struct lb_service *svc;
	struct lb_dest *d = NULL;
	struct lb_conn *cp;
	unsigned n, i;

	(void)state;
	ns_rcu_reader_enter();
	svc = lb_service_find(lb_net(net), 2, 0, 6, &vip, htons(80));
	assert_non_null(svc);
	cds_list_for_each_entry(d, &svc->destinations, n_list)
		break;
	cp = lb_conn_new(lb_net(net), 2, 6, &cip, htons(40000), &vip,
			 htons(80), &d->addr, d->port, LB_FWD_MASQ, d, 0);
	assert_non_null(cp);
	ns_rcu_reader_leave();

	assert_int_equal(lb_conn_dump(net, &snap, &n), 0);
	assert_int_equal(n, 1);
	sbuf_adds(&want, "IPVS connection entries\n"
		  "pro expire state       source             virtual"
		  "            destination\n");
	for (i = 0; i < n; i++)
		sbuf_addf(&want, "TCP %02u:%02u  %-11s 192.168.7.9:40000  "
			  "10.0.0.1:80        10.0.0.2:80\n",
			  snap[i].expires / 60, snap[i].expires % 60,
			  snap[i].state);
	expect("ipvsadm -Lnc", sbuf_str(&want));
	sbuf_reset(&want);
	sbuf_adds(&want, "IPVS connection entries\n"
		  "pro expire state       source             virtual"
		  "            destination        pe name          pe_data\n");
	for (i = 0; i < n; i++)
		sbuf_addf(&want, "TCP %02u:%02u  %-11s 192.168.7.9:40000  "
			  "10.0.0.1:80        10.0.0.2:80\n",
			  snap[i].expires / 60, snap[i].expires % 60,
			  snap[i].state);
	expect("ipvsadm -Lnc --persistent-conn", sbuf_str(&want));
	free(snap);
	sbuf_free(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stats_units, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rate_columns, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conn_list, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
