// SPDX-License-Identifier: MIT
/*
 * Unit tests for the IPVS schedulers (src/lb/sched*.c): each one's picks
 * against the real kernel's, given the same destination list (built here
 * as the service table will: dests added at the head, the scheduler's
 * init_service/add_dest/upd_dest/del_dest called after each change) and
 * the same connection counts.
 *
 * Oracle facts (Debian 12 kernel 6.1.0-57-amd64 in the ipvs-oracle VM,
 * /work/shared/tools/ipvs-oracle, IPVS_ORACLE_PREFIX=ivs). Every service
 * is 10.10.0.100:VPORT (a port per experiment, so no dest came back from
 * the trash with old counts), NAT to be1 10.20.0.11:80, be2 10.20.0.12:80,
 * be3 10.20.0.13:80 added in that order (so the list is be3 be2 be1):
 *   ipvsadm -A -t 10.10.0.100:VPORT -s SCHED [-b FLAGS]
 *   ipvsadm -a -t 10.10.0.100:VPORT -r 10.20.0.1N:80 -m -w WN   (N = 1..3)
 * then one new TCP connection after the other from the client namespace
 * (a python driver binding source address and port). A connection is
 * either held open (H: ESTABLISHED, an active connection for the next
 * picks) or completes a GET (C or G: TIME_WAIT, an inactive one); the
 * backend of each came from its answer or from `ipvsadm -Lnc` sorted by
 * client port. Results:
 *   rr 1 1 1, 9 G (demo.sh):        be3 be2 be1 be3 be2 be1 be3 be2 be1
 *   rr 1 1 1, 4 G, ipvsadm -d be3, 4 G: be3 be2 be1 be3 | be2 be1 be2 be1
 *   wrr 4 3 2, 12 G:  be3 be2 be1 be1 be2 be1 be3 be2 be1 be3 be2 be1
 *   wrr 4 3 2, 5 G:   be3 be2 be1 be1 be2, then -e be1 -w 1, -e be3 -w 6,
 *                     12 G: be3 be2 be3 be2 be3 be2 be1 be3 be3 be3 be3 be2
 *   rr 1 1 1 -> -E -s wrr -> -e -w 4,3,2 for be1..3 (demo.sh), 9 G:
 *                     be3 be2 be1 be1 be2 be1 be3 be2 be1
 *   lc 1 1 1, HCHHCCHCHHCH:
 *                     be3 be2 be1 be2 be3 be1 be3 be2 be1 be2 be3 be1
 *   wlc 1 2 3, HHCHCHHHCCHHCHH:
 *            be3 be2 be1 be1 be3 be3 be2 be3 be2 be3 be2 be3 be1 be1 be3
 *   sed 1 2 3, HHCHCHHHCCHHCHH:
 *            be3 be2 be3 be3 be3 be3 be2 be1 be3 be3 be3 be2 be3 be3 be3
 *   nq 1 2 3, HHCHCHHHCCHHCHH:
 *            be3 be2 be1 be1 be3 be3 be3 be2 be3 be3 be3 be2 be3 be3 be3
 *   ovf 2 3 1, 9 H:   be2 be2 be2 be2 be1 be1 be1 be3 be3
 *   lblc 1 2 1, 9 H:  be3 be3 be2 be2 be2 be1 be1 be1 be1
 *   lblcr 1 2 1, 10 H: be3 be3 be2 be2 be2 be1 be1 be2 be1 be2
 *   fo 3 5 5, HHHC:   be3 be3 be3 be3
 *   sh 1 1 1, G from 10.10.0.21..29:  be2 be3 be2 be1 be2 be3 be3 be1 be3
 *   sh 4 3 2, same:                   be3 be3 be1 be2 be3 be3 be2 be2 be1
 *   sh 1 1 1 -b sh-port, 10.10.0.2 source ports 29700..29711:
 *                     be1 be2 be1 be3 be1 be3 be1 be3 be2 be3 be1 be1
 *   sh 1 1 1 -b sh-fallback, -e be2 -w 0, 10.10.0.21..29:
 *                     be1 be3 be1 be1 be1 be3 be3 be1 be3
 *   mh 1 1 1, 10.10.0.21..29:         be2 be3 be1 be2 be1 be2 be1 be1 be1
 *   mh 4 3 2, 10.10.0.21..29 (demo.sh's too): be2 be1 be1 be2 be1 be2 be1
 *                     be1 be1; from 10.10.0.2: be1
 *   mh 1 1 1 -b mh-port, 10.10.0.2 source ports 29600..29611:
 *                     be2 be3 be1 be2 be1 be1 be3 be1 be3 be2 be3 be1
 *   mh 1 1 1 -b mh-fallback, -e be2 -w 0, 10.10.0.21..29:
 *                     be1 be3 be1 be3 be1 be3 be1 be1 be1
 *   mh 1 1 1, then ipvsadm -d be3, 10.10.0.21..29:
 *                     be2 be1 be1 be2 be1 be2 be1 be1 be1
 *   wrr 4 2 6, 9 G:   be3 be2 be1 be3 be3 be1 be3 be2 be1
 *   mh on [fd00:10::100]:80 to [fd00:20::11..13]:80, G from
 *     fd00:10::21..26: be1 be1 be1 be1 be2 be2
 *   dh 1 1 1, one service per VIP 10.10.0.101..109 port 80 (ip addr add
 *     in the VM), one G to each: be1 be2 be1 be2 be1 be3 be1 be3 be1
 * twos is not in 6.1: its tests check the algorithm's properties and pin
 * netsieve's own sequence for a seed.
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

#include "base/rcu.h"
#include "base/sbuf.h"
#include "core/net.h"
#include "lb/lb.h"
#include "netsieve/netsieve.h"

#define NSEC 1000000000ull
#define MAXD 8
#define TWOS_SEED7 "be2 be3 be1 be3 be3 be1 be3 be2 be2"

static struct net *net;

struct tsvc {
	struct lb_service svc;
	struct lb_dest d[MAXD];
	int n;
	bool why;             /* pass a why buffer to schedule */
	struct sbuf last;     /* the last explanation */
};

static void set_now(uint64_t t)
{
	atomic_store(&net->now_ns, t);
}

static struct ns_addr addr(const char *s)
{
	struct ns_addr a;

	memset(&a, 0, sizeof(a));
	if (strchr(s, ':')) {
		a.family = 10;
		assert_int_equal(inet_pton(AF_INET6, s, a.ip6), 1);
	} else {
		a.family = 2;
		assert_int_equal(inet_pton(AF_INET, s, &a.ip), 1);
	}
	return a;
}

/* ipvsadm -A: an empty service with the scheduler bound. */
static void svc_init(struct tsvc *t, const char *sched, unsigned flags,
		     uint16_t af)
{
	memset(t, 0, sizeof(*t));
	t->svc.net = net;
	t->svc.af = af;
	t->svc.protocol = 6;
	t->svc.addr = addr(af == 10 ? "fd00:10::100" : "10.10.0.100");
	t->svc.port = htons(80);
	t->svc.flags = flags;
	CDS_INIT_LIST_HEAD(&t->svc.destinations);
	pthread_spin_init(&t->svc.sched_lock, PTHREAD_PROCESS_PRIVATE);
	t->svc.scheduler = lb_sched_find(sched);
	assert_non_null(t->svc.scheduler);
	if (t->svc.scheduler->init_service)
		assert_int_equal(t->svc.scheduler->init_service(&t->svc), 0);
	t->why = true;
	sbuf_init(&t->last);
}

/*
 * Every call_rcu() callback has run (lblc/lblcr entries put their
 * dests): the next test may reuse the stack the dests lived on.
 */
static void flush_rcu(void)
{
	ns_rcu_reader_leave();
	rcu_barrier();
	ns_rcu_reader_enter();
}

static void svc_done(struct tsvc *t)
{
	if (t->svc.scheduler->done_service)
		t->svc.scheduler->done_service(&t->svc);
	pthread_spin_destroy(&t->svc.sched_lock);
	sbuf_free(&t->last);
	flush_rcu();
}

/* ipvsadm -E -s sched: unbind the old scheduler, bind the new one. */
static void svc_resched(struct tsvc *t, const char *sched)
{
	if (t->svc.scheduler->done_service)
		t->svc.scheduler->done_service(&t->svc);
	t->svc.sched_data = NULL;
	t->svc.scheduler = lb_sched_find(sched);
	assert_non_null(t->svc.scheduler);
	if (t->svc.scheduler->init_service)
		assert_int_equal(t->svc.scheduler->init_service(&t->svc), 0);
}

/* ipvsadm -a, as __ip_vs_update_dest(add): linked at the list head. */
static struct lb_dest *dest_add(struct tsvc *t, const char *a, int weight)
{
	struct lb_dest *d = &t->d[t->n++];

	assert_true(t->n <= MAXD);
	memset(d, 0, sizeof(*d));
	d->svc = &t->svc;
	d->addr = addr(a);
	d->af = d->addr.family;
	d->port = htons(80);
	atomic_store(&d->weight, weight);
	atomic_store(&d->last_weight, weight);
	atomic_store(&d->flags, LB_DEST_F_AVAILABLE);
	atomic_store(&d->refcnt, 1);
	cds_list_add_rcu(&d->n_list, &t->svc.destinations);
	t->svc.num_dests++;
	if (t->svc.scheduler->add_dest)
		assert_int_equal(t->svc.scheduler->add_dest(&t->svc, d), 0);
	return d;
}

/* ipvsadm -e -w: last_weight keeps the latest weight other than 0. */
static void dest_edit(struct tsvc *t, struct lb_dest *d, int weight)
{
	if (weight != 0)
		atomic_store(&d->last_weight, weight);
	atomic_store(&d->weight, weight);
	if (t->svc.scheduler->upd_dest)
		assert_int_equal(t->svc.scheduler->upd_dest(&t->svc, d), 0);
}

/* ipvsadm -d, as __ip_vs_unlink_dest. */
static void dest_del(struct tsvc *t, struct lb_dest *d)
{
	atomic_fetch_and(&d->flags, ~LB_DEST_F_AVAILABLE);
	cds_list_del_rcu(&d->n_list);
	t->svc.num_dests--;
	if (t->svc.scheduler->del_dest)
		assert_int_equal(t->svc.scheduler->del_dest(&t->svc, d), 0);
}

/* be1, be2, be3 (10.20.0.11..13 or fd00:20::11..13) added in order. */
static void add3(struct tsvc *t, int w1, int w2, int w3)
{
	bool v6 = t->svc.af == 10;

	dest_add(t, v6 ? "fd00:20::11" : "10.20.0.11", w1);
	dest_add(t, v6 ? "fd00:20::12" : "10.20.0.12", w2);
	dest_add(t, v6 ? "fd00:20::13" : "10.20.0.13", w3);
}

/* "be1".."be3" for t->d[0..2], "-" for no pick. */
static const char *name(struct tsvc *t, const struct lb_dest *d)
{
	static const char *const names[] = { "be1", "be2", "be3", "be4",
					     "be5", "be6", "be7", "be8" };

	if (!d)
		return "-";
	assert_true(d >= t->d && d < t->d + t->n);
	return names[d - t->d];
}

static struct lb_dest *pick(struct tsvc *t, const char *saddr,
			    uint16_t sport, const char *daddr)
{
	struct lb_iph iph;
	struct lb_dest *d;

	memset(&iph, 0, sizeof(iph));
	iph.af = t->svc.af;
	iph.protocol = 6;
	iph.saddr = addr(saddr);
	iph.daddr = addr(daddr ? daddr : t->svc.af == 10 ? "fd00:10::100" :
						   "10.10.0.100");
	iph.sport = htons(sport);
	iph.dport = t->svc.port;
	sbuf_reset(&t->last);
	d = t->svc.scheduler->schedule(&t->svc, &iph, t->why ? &t->last :
								NULL);
	if (t->why) {
		/* One line, naming the scheduler. */
		assert_non_null(strstr(sbuf_str(&t->last),
				       t->svc.scheduler->name));
		assert_null(strchr(sbuf_str(&t->last), '\n'));
	}
	return d;
}

/*
 * One new connection per letter of pat from 10.10.0.2 to the VIP: H
 * stays active, C and G end up inactive (TIME_WAIT), as the oracle's
 * driver did. Returns the picks as "be3 be2 ...".
 */
static char *run(struct tsvc *t, const char *pat)
{
	static char out[512];

	out[0] = 0;
	for (const char *c = pat; *c; c++) {
		struct lb_dest *d = pick(t, "10.10.0.2", 40000, NULL);

		if (out[0])
			strcat(out, " ");
		strcat(out, name(t, d));
		if (!d)
			continue;
		/* 6.1 counts totalconns; inactive = total - active. */
		if (*c == 'H')
			atomic_fetch_add(&d->activeconns, 1);
		atomic_fetch_add(&d->totalconns, 1);
	}
	return out;
}

/* One pick per source address in srcs (space separated). */
static char *run_srcs(struct tsvc *t, const char *srcs)
{
	static char out[512];
	char buf[512], *save, *s;

	out[0] = 0;
	snprintf(buf, sizeof(buf), "%s", srcs);
	for (s = strtok_r(buf, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
		if (out[0])
			strcat(out, " ");
		strcat(out, name(t, pick(t, s, 40000, NULL)));
	}
	return out;
}

static const char *const SRCS =
	"10.10.0.21 10.10.0.22 10.10.0.23 10.10.0.24 10.10.0.25 10.10.0.26 "
	"10.10.0.27 10.10.0.28 10.10.0.29";

/*
 * Every sequence test runs twice, with and without a why buffer: the
 * picks must not depend on it.
 */
#define BOTH(...)                                       \
	for (int with_why = 1; with_why >= 0; with_why--) { \
		struct tsvc T, *t = &T;                      \
		__VA_ARGS__                                  \
	}

static void test_registry(void **state)
{
	static const char *const order[] = {
		"rr", "wrr", "lc", "wlc", "sed", "nq", "dh", "sh", "mh",
		"lblc", "lblcr", "fo", "ovf", "twos", NULL,
	};

	(void)state;
	for (unsigned i = 0; order[i]; i++) {
		assert_non_null(lb_schedulers[i]);
		assert_string_equal(lb_schedulers[i]->name, order[i]);
		assert_ptr_equal(lb_sched_find(order[i]), lb_schedulers[i]);
		assert_non_null(lb_schedulers[i]->schedule);
	}
	assert_null(lb_schedulers[14]);
	assert_null(lb_sched_find("nope"));
}

static void test_rr(void **state)
{
	(void)state;
	BOTH({
		svc_init(t, "rr", 0, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		assert_string_equal(run(t, "GGGGGGGGG"),
				    "be3 be2 be1 be3 be2 be1 be3 be2 be1");
		svc_done(t);
	});
	/* Deleting the dest under the cursor steps back to the head. */
	BOTH({
		svc_init(t, "rr", 0, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		assert_string_equal(run(t, "GGGG"), "be3 be2 be1 be3");
		dest_del(t, &t->d[2]);
		assert_string_equal(run(t, "GGGG"), "be2 be1 be2 be1");
		svc_done(t);
	});
	/* Weight 0 and overloaded dests are skipped; none left: NULL. */
	BOTH({
		svc_init(t, "rr", 0, 2);
		t->why = with_why;
		add3(t, 1, 0, 1);
		atomic_store(&t->d[2].flags,
			     LB_DEST_F_AVAILABLE | LB_DEST_F_OVERLOAD);
		assert_string_equal(run(t, "GGG"), "be1 be1 be1");
		dest_edit(t, &t->d[0], 0);
		assert_string_equal(run(t, "GG"), "- -");
		if (with_why)
			assert_string_equal(sbuf_str(&t->last),
					    "rr: no destination available");
		svc_done(t);
	});
	{
		struct tsvc T, *t = &T;

		svc_init(t, "rr", 0, 2);
		add3(t, 1, 1, 1);
		pick(t, "10.10.0.2", 1, NULL);
		assert_string_equal(sbuf_str(&t->last),
				    "rr: 10.20.0.13:80 from the list head");
		pick(t, "10.10.0.2", 1, NULL);
		assert_string_equal(sbuf_str(&t->last),
				    "rr: 10.20.0.12:80 after 10.20.0.13:80");
		svc_done(t);
	}
}

static void test_wrr(void **state)
{
	(void)state;
	BOTH({
		svc_init(t, "wrr", 0, 2);
		t->why = with_why;
		add3(t, 4, 3, 2);
		assert_string_equal(run(t, "GGGGGGGGGGGG"),
				    "be3 be2 be1 be1 be2 be1 be3 be2 be1 "
				    "be3 be2 be1");
		svc_done(t);
	});
	/* Weight changes in the middle of a lap. */
	BOTH({
		svc_init(t, "wrr", 0, 2);
		t->why = with_why;
		add3(t, 4, 3, 2);
		assert_string_equal(run(t, "GGGGG"), "be3 be2 be1 be1 be2");
		dest_edit(t, &t->d[0], 1);
		dest_edit(t, &t->d[2], 6);
		assert_string_equal(run(t, "GGGGGGGGGGGG"),
				    "be3 be2 be3 be2 be3 be2 be1 be3 be3 "
				    "be3 be3 be2");
		svc_done(t);
	});
	/* demo.sh: an rr service switched to wrr, then weighted. */
	BOTH({
		svc_init(t, "rr", 0, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		run(t, "GGGGGGGGG");
		svc_resched(t, "wrr");
		dest_edit(t, &t->d[0], 4);
		dest_edit(t, &t->d[1], 3);
		dest_edit(t, &t->d[2], 2);
		assert_string_equal(run(t, "GGGGGGGGG"),
				    "be3 be2 be1 be1 be2 be1 be3 be2 be1");
		svc_done(t);
	});
	/*
	 * A gcd above 1 (oracle: wrr 4 2 6, 9 G): adding be1 alone gives gcd 4,
	 * mw 1, cw 1, kept (on the gcd 2 grid) as be2 and be3 come; then
	 * cw steps 5, 3, 1 from mw = 6 - (2 - 1).
	 */
	BOTH({
		svc_init(t, "wrr", 0, 2);
		t->why = with_why;
		add3(t, 4, 2, 6);
		assert_string_equal(run(t, "G"), "be3");
		if (with_why)
			assert_string_equal(sbuf_str(&t->last),
					    "wrr: 10.20.0.13:80 weight 6, "
					    "cw=1 mw=5 gcd=2");
		assert_string_equal(run(t, "GGGGGGGG"),
				    "be2 be1 be3 be3 be1 be3 be2 be1");
		svc_done(t);
	});
	/* All overloaded: the "overloaded" message. */
	{
		struct tsvc T, *t = &T;

		svc_init(t, "wrr", 0, 2);
		add3(t, 1, 1, 1);
		for (int i = 0; i < 3; i++)
			atomic_store(&t->d[i].flags, LB_DEST_F_AVAILABLE |
				     LB_DEST_F_OVERLOAD);
		assert_string_equal(run(t, "G"), "-");
		assert_string_equal(sbuf_str(&t->last),
				    "wrr: no destination available: all "
				    "destinations are overloaded");
		svc_done(t);
	}
}

static void test_lc(void **state)
{
	(void)state;
	BOTH({
		svc_init(t, "lc", 0, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		assert_string_equal(run(t, "HCHHCCHCHHCH"),
				    "be3 be2 be1 be2 be3 be1 be3 be2 be1 "
				    "be2 be3 be1");
		svc_done(t);
	});
	{
		struct tsvc T, *t = &T;

		svc_init(t, "lc", 0, 2);
		add3(t, 1, 0, 1);
		atomic_store(&t->d[2].activeconns, 1);
		atomic_store(&t->d[2].totalconns, 1);
		atomic_store(&t->d[0].totalconns, 3);
		pick(t, "10.10.0.2", 1, NULL);
		assert_string_equal(sbuf_str(&t->last),
				    "lc: 10.20.0.11:80 overhead 3 lowest of 2");
		svc_done(t);
	}
}

static void test_wlc(void **state)
{
	(void)state;
	BOTH({
		svc_init(t, "wlc", 0, 2);
		t->why = with_why;
		add3(t, 1, 2, 3);
		assert_string_equal(run(t, "HHCHCHHHCCHHCHH"),
				    "be3 be2 be1 be1 be3 be3 be2 be3 be2 "
				    "be3 be2 be3 be1 be1 be3");
		svc_done(t);
	});
	{
		struct tsvc T, *t = &T;

		svc_init(t, "wlc", 0, 2);
		add3(t, 1, 1, 1);
		atomic_store(&t->d[2].activeconns, 1);
		atomic_store(&t->d[1].activeconns, 1);
		pick(t, "10.10.0.2", 1, NULL);
		assert_string_equal(sbuf_str(&t->last),
				    "wlc: 10.20.0.11:80 overhead 0 weight 1 "
				    "lowest of 3");
		svc_done(t);
	}
}

static void test_sed(void **state)
{
	(void)state;
	BOTH({
		svc_init(t, "sed", 0, 2);
		t->why = with_why;
		add3(t, 1, 2, 3);
		assert_string_equal(run(t, "HHCHCHHHCCHHCHH"),
				    "be3 be2 be3 be3 be3 be3 be2 be1 be3 "
				    "be3 be3 be2 be3 be3 be3");
		svc_done(t);
	});
}

static void test_nq(void **state)
{
	(void)state;
	BOTH({
		svc_init(t, "nq", 0, 2);
		t->why = with_why;
		add3(t, 1, 2, 3);
		assert_string_equal(run(t, "HHCHCHHHCCHHCHH"),
				    "be3 be2 be1 be1 be3 be3 be3 be2 be3 "
				    "be3 be3 be2 be3 be3 be3");
		svc_done(t);
	});
}

static void test_fo_ovf(void **state)
{
	(void)state;
	BOTH({
		svc_init(t, "fo", 0, 2);
		t->why = with_why;
		add3(t, 3, 5, 5);
		assert_string_equal(run(t, "HHHC"), "be3 be3 be3 be3");
		/* Overloaded: the next highest, first in list order. */
		atomic_store(&t->d[2].flags,
			     LB_DEST_F_AVAILABLE | LB_DEST_F_OVERLOAD);
		assert_string_equal(run(t, "H"), "be2");
		dest_edit(t, &t->d[1], 0);
		assert_string_equal(run(t, "H"), "be1");
		if (with_why)
			assert_string_equal(sbuf_str(&t->last),
					    "fo: 10.20.0.11:80 highest weight 3");
		svc_done(t);
	});
	BOTH({
		svc_init(t, "ovf", 0, 2);
		t->why = with_why;
		add3(t, 2, 3, 1);
		assert_string_equal(run(t, "HHHHHHHHH"),
				    "be2 be2 be2 be2 be1 be1 be1 be3 be3");
		/* Every one past its weight: none. */
		assert_string_equal(run(t, "H"), "-");
		svc_done(t);
	});
}

static void test_sh(void **state)
{
	(void)state;
	BOTH({
		svc_init(t, "sh", 0, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		assert_string_equal(run_srcs(t, SRCS),
				    "be2 be3 be2 be1 be2 be3 be3 be1 be3");
		svc_done(t);
	});
	BOTH({
		svc_init(t, "sh", 0, 2);
		t->why = with_why;
		add3(t, 4, 3, 2);
		assert_string_equal(run_srcs(t, SRCS),
				    "be3 be3 be1 be2 be3 be3 be2 be2 be1");
		svc_done(t);
	});
	/* sh-port: the source port is hashed too. */
	BOTH({
		char out[256] = "";

		svc_init(t, "sh", LB_SVC_F_SCHED_SH_PORT, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		for (int i = 0; i < 12; i++) {
			strcat(out, i ? " " : "");
			strcat(out, name(t, pick(t, "10.10.0.2", 29700 + i,
						 NULL)));
		}
		assert_string_equal(out, "be1 be2 be1 be3 be1 be3 be1 be3 "
					 "be2 be3 be1 be1");
		svc_done(t);
	});
	/* Weight 0 without fallback: no pick for its sources. */
	BOTH({
		svc_init(t, "sh", 0, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		dest_edit(t, &t->d[1], 0);
		assert_string_equal(run_srcs(t, SRCS),
				    "- be3 - be1 - be3 be3 be1 be3");
		svc_done(t);
	});
	BOTH({
		svc_init(t, "sh", LB_SVC_F_SCHED_SH_FALLBACK, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		dest_edit(t, &t->d[1], 0);
		assert_string_equal(run_srcs(t, SRCS),
				    "be1 be3 be1 be1 be1 be3 be3 be1 be3");
		svc_done(t);
	});
}

static void test_mh(void **state)
{
	(void)state;
	BOTH({
		svc_init(t, "mh", 0, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		assert_string_equal(run_srcs(t, SRCS),
				    "be2 be3 be1 be2 be1 be2 be1 be1 be1");
		svc_done(t);
	});
	BOTH({
		svc_init(t, "mh", 0, 2);
		t->why = with_why;
		add3(t, 4, 3, 2);
		assert_string_equal(run_srcs(t, SRCS),
				    "be2 be1 be1 be2 be1 be2 be1 be1 be1");
		assert_string_equal(run_srcs(t, "10.10.0.2"), "be1");
		svc_done(t);
	});
	/* demo.sh's way there: rr, -E wrr, weights, -E mh. */
	BOTH({
		svc_init(t, "rr", 0, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		svc_resched(t, "wrr");
		dest_edit(t, &t->d[0], 4);
		dest_edit(t, &t->d[1], 3);
		dest_edit(t, &t->d[2], 2);
		svc_resched(t, "mh");
		assert_string_equal(run_srcs(t, SRCS),
				    "be2 be1 be1 be2 be1 be2 be1 be1 be1");
		svc_done(t);
	});
	BOTH({
		char out[256] = "";

		svc_init(t, "mh", LB_SVC_F_SCHED_MH_PORT, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		for (int i = 0; i < 12; i++) {
			strcat(out, i ? " " : "");
			strcat(out, name(t, pick(t, "10.10.0.2", 29600 + i,
						 NULL)));
		}
		assert_string_equal(out, "be2 be3 be1 be2 be1 be1 be3 be1 "
					 "be3 be2 be3 be1");
		svc_done(t);
	});
	/* Weight 0 keeps its slots (last_weight): fallback walks on. */
	BOTH({
		svc_init(t, "mh", LB_SVC_F_SCHED_MH_FALLBACK, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		dest_edit(t, &t->d[1], 0);
		assert_string_equal(run_srcs(t, SRCS),
				    "be1 be3 be1 be3 be1 be3 be1 be1 be1");
		svc_done(t);
	});
	BOTH({
		svc_init(t, "mh", 0, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		dest_edit(t, &t->d[1], 0);
		assert_string_equal(run_srcs(t, SRCS),
				    "- be3 be1 - be1 - be1 be1 be1");
		svc_done(t);
	});
	BOTH({
		svc_init(t, "mh", 0, 10);
		t->why = with_why;
		add3(t, 1, 1, 1);
		assert_string_equal(run_srcs(t, "fd00:10::21 fd00:10::22 "
					     "fd00:10::23 fd00:10::24 "
					     "fd00:10::25 fd00:10::26"),
				    "be1 be1 be1 be1 be2 be2");
		svc_done(t);
	});
	/* Deleting a dest moves only its slots' sources (Maglev):
	 * be3's one (10.10.0.22) goes to be1, the others stay. */
	{
		struct tsvc T, *t = &T;

		svc_init(t, "mh", 0, 2);
		add3(t, 1, 1, 1);
		dest_del(t, &t->d[2]);
		assert_string_equal(run_srcs(t, SRCS),
				    "be2 be1 be1 be2 be1 be2 be1 be1 be1");
		pick(t, "10.10.0.21", 1, NULL);
		assert_non_null(strstr(sbuf_str(&t->last),
				       "mh: 10.10.0.21 slot "));
		assert_non_null(strstr(sbuf_str(&t->last),
				       " -> 10.20.0.12:80"));
		svc_done(t);
	}
}

static void test_dh(void **state)
{
	(void)state;
	BOTH({
		char out[256] = "", vip[32];

		svc_init(t, "dh", 0, 2);
		t->why = with_why;
		add3(t, 1, 1, 1);
		for (int n = 101; n <= 109; n++) {
			snprintf(vip, sizeof(vip), "10.10.0.%d", n);
			strcat(out, n > 101 ? " " : "");
			strcat(out, name(t, pick(t, "10.10.0.2", 1, vip)));
		}
		assert_string_equal(out, "be1 be2 be1 be2 be1 be3 be1 be3 "
					 "be1");
		svc_done(t);
	});
}

static void test_lblc(void **state)
{
	(void)state;
	set_now(1000 * NSEC);
	BOTH({
		svc_init(t, "lblc", 0, 2);
		t->why = with_why;
		add3(t, 1, 2, 1);
		assert_string_equal(run(t, "HHHHHHHHH"),
				    "be3 be3 be2 be2 be2 be1 be1 be1 be1");
		svc_done(t);
	});
	/* The entry expires after lblc_expiration (24 h) unused. */
	{
		struct tsvc T, *t = &T;

		svc_init(t, "lblc", 0, 2);
		add3(t, 1, 1, 1);
		assert_string_equal(run(t, "H"), "be3");
		/* be3 has 1 active, not more than its weight: kept. */
		set_now(1000 * NSEC + 23 * 3600 * NSEC);
		assert_string_equal(run(t, "C"), "be3");
		assert_string_equal(sbuf_str(&t->last),
				    "lblc: 10.10.0.100 cached -> 10.20.0.13:80");
		set_now(1000 * NSEC + 46 * 3600 * NSEC);
		assert_string_equal(run(t, "C"), "be3");
		set_now(1000 * NSEC + 71 * 3600 * NSEC);
		assert_string_equal(run(t, "C"), "be2");
		svc_done(t);
	}
	/* An unlinked dest's entry is replaced; the reference goes back. */
	{
		struct tsvc T, *t = &T;

		svc_init(t, "lblc", 0, 2);
		add3(t, 1, 1, 1);
		assert_string_equal(run(t, "C"), "be3");
		assert_int_equal(atomic_load(&t->d[2].refcnt), 2);
		dest_del(t, &t->d[2]);
		assert_string_equal(run(t, "C"), "be2");
		assert_non_null(strstr(sbuf_str(&t->last),
				       "was 10.20.0.13:80"));
		svc_done(t);
		assert_int_equal(atomic_load(&t->d[2].refcnt), 1);
		assert_int_equal(atomic_load(&t->d[1].refcnt), 1);
	}
	/* The table is bounded: 1024 * 16 * 3 / 2 entries. */
	{
		struct tsvc T, *t = &T;
		char a[32];

		svc_init(t, "lblc", 0, 2);
		add3(t, 1, 1, 1);
		for (int i = 0; i < 24576; i++) {
			snprintf(a, sizeof(a), "10.%d.%d.%d", 100 + i / 65536,
				 (i / 256) % 256, i % 256);
			assert_non_null(pick(t, "10.10.0.2", 1, a));
			assert_null(strstr(sbuf_str(&t->last), "not cached"));
		}
		assert_non_null(pick(t, "10.10.0.2", 1, "10.200.0.1"));
		assert_non_null(strstr(sbuf_str(&t->last), "not cached"));
		svc_done(t);
	}
}

static void test_lblcr(void **state)
{
	(void)state;
	set_now(1000 * NSEC);
	BOTH({
		svc_init(t, "lblcr", 0, 2);
		t->why = with_why;
		add3(t, 1, 2, 1);
		assert_string_equal(run(t, "HHHHHHHHHH"),
				    "be3 be3 be2 be2 be2 be1 be1 be2 be1 "
				    "be2");
		svc_done(t);
	});
	/* A set unchanged for 24 h loses its most loaded member. */
	{
		struct tsvc T, *t = &T;

		svc_init(t, "lblcr", 0, 2);
		add3(t, 1, 1, 1);
		assert_string_equal(run(t, "HH"), "be3 be3");
		/* be3: 2 active > weight 1, be2 idle: be2 joins. */
		assert_string_equal(run(t, "H"), "be2");
		assert_non_null(strstr(sbuf_str(&t->last), "(set of 2)"));
		/* A hit 12 h later keeps the entry in use, the set as is. */
		set_now(1000 * NSEC + 12 * 3600 * NSEC);
		assert_string_equal(run(t, "C"), "be2");
		assert_non_null(strstr(sbuf_str(&t->last), "(set of 2)"));
		set_now(1000 * NSEC + 24 * 3600 * NSEC + NSEC);
		/* The least loaded is be2; be3 (most loaded) is dropped. */
		assert_string_equal(run(t, "C"), "be2");
		assert_non_null(strstr(sbuf_str(&t->last), "(set of 1)"));
		svc_done(t);
		assert_int_equal(atomic_load(&t->d[2].refcnt), 1);
	}
}

static void test_twos(void **state)
{
	unsigned count[3] = { 0 };

	(void)state;
	/* Weights 0 (be2) never picked; all overheads 0: choice1 wins, so
	 * r1 in [0, 4] decides: be3 (weight 3) for 0..3, be1 for 4. */
	{
		struct tsvc T, *t = &T;

		ns_net_set_seed(net, 42);
		svc_init(t, "twos", 0, 2);
		add3(t, 1, 0, 3);
		for (int i = 0; i < 5000; i++) {
			struct lb_dest *d = pick(t, "10.10.0.2", 1, NULL);

			count[d - t->d]++;
		}
		assert_int_equal(count[1], 0);
		assert_in_range(count[2], 3800, 4200);
		assert_in_range(count[0], 800, 1200);
		svc_done(t);
	}
	/* The less loaded of two different choices wins. */
	{
		struct tsvc T, *t = &T;
		unsigned loaded = 0;

		svc_init(t, "twos", 0, 2);
		add3(t, 1, 1, 1);
		atomic_store(&t->d[2].activeconns, 5);
		for (int i = 0; i < 3000; i++)
			if (pick(t, "10.10.0.2", 1, NULL) == &t->d[2])
				loaded++;
		/* be3 only when both draws land on it: r1, r2 in {0, 1}
		 * of 0..3, (2/4)^2 = 1/4. */
		assert_in_range(loaded, 650, 850);
		svc_done(t);
	}
	/* A seed gives one sequence (netsieve's own: not in 6.1). */
	BOTH({
		ns_net_set_seed(net, 7);
		net->inject.rnd = 0;
		svc_init(t, "twos", 0, 2);
		t->why = with_why;
		add3(t, 1, 2, 3);
		assert_string_equal(run(t, "HHHHHHHHH"), TWOS_SEED7);
		svc_done(t);
	});
	{
		struct tsvc T, *t = &T;

		svc_init(t, "twos", 0, 2);
		add3(t, 0, 0, 0);
		assert_null(pick(t, "10.10.0.2", 1, NULL));
		assert_string_equal(sbuf_str(&t->last),
				    "twos: no destination available");
		svc_done(t);
	}
}

/* Nothing configured or everything gone: every scheduler says none. */
static void test_empty(void **state)
{
	(void)state;
	for (unsigned i = 0; lb_schedulers[i]; i++) {
		struct tsvc T, *t = &T;

		svc_init(t, lb_schedulers[i]->name, 0, 2);
		assert_null(pick(t, "10.10.0.2", 1, NULL));
		add3(t, 1, 1, 1);
		assert_non_null(pick(t, "10.10.0.2", 1, NULL));
		for (int j = 0; j < 3; j++)
			dest_del(t, &t->d[j]);
		assert_null(pick(t, "10.10.0.2", 1, NULL));
		svc_done(t);
	}
}

static int setup(void **state)
{
	(void)state;
	if (ns_net_create(&net))
		return -1;
	ns_rcu_reader_enter();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ns_rcu_reader_leave();
	rcu_barrier();
	ns_net_destroy(net);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_rr),
		cmocka_unit_test(test_wrr),
		cmocka_unit_test(test_lc),
		cmocka_unit_test(test_wlc),
		cmocka_unit_test(test_sed),
		cmocka_unit_test(test_nq),
		cmocka_unit_test(test_fo_ovf),
		cmocka_unit_test(test_sh),
		cmocka_unit_test(test_mh),
		cmocka_unit_test(test_dh),
		cmocka_unit_test(test_lblc),
		cmocka_unit_test(test_lblcr),
		cmocka_unit_test(test_twos),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
