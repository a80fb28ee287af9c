// SPDX-License-Identifier: MIT
/*
 * Weighted least-connection scheduling (the kernel's ip_vs_wlc.c, the
 * IPVS default): the destination with the smallest overhead / weight,
 * overhead being activeconns * 256 + inactconns, compared as
 * overhead1 * weight2 > overhead2 * weight1 in 64 bits. The first
 * destination not overloaded with a weight above 0 is the starting
 * candidate; later ones only need not be overloaded (a weight of 0 never
 * wins the comparison). Ties keep the earlier one. No state of its own.
 * Data path, under RCU.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

static struct lb_dest *wlc_schedule(struct lb_service *svc,
				    const struct lb_iph *iph, struct sbuf *why)
{
	struct lb_dest *dest, *least;
	int loh, doh;
	unsigned n = 1;

	(void)iph;
	cds_list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (!lb_dest_overloaded(dest) && lb_dest_weight(dest) > 0) {
			least = dest;
			loh = lb_dest_conn_overhead(least);
			goto nextstage;
		}
	}
	return lb_sched_none(svc, why, "wlc", "no destination available");

nextstage:
	lb_list_for_each_entry_continue_rcu(dest, &svc->destinations,
					    n_list) {
		if (lb_dest_overloaded(dest))
			continue;
		n++;
		doh = lb_dest_conn_overhead(dest);
		if ((int64_t)loh * lb_dest_weight(dest) >
		    (int64_t)doh * lb_dest_weight(least)) {
			least = dest;
			loh = doh;
		}
	}
	if (why) {
		sbuf_adds(why, "wlc: ");
		lb_why_dest(why, least);
		sbuf_addf(why, " overhead %d weight %d lowest of %u", loh,
			  lb_dest_weight(least), n);
	}
	return least;
}

const struct lb_scheduler lb_sched_wlc = {
	.name = "wlc",
	.schedule = wlc_schedule,
};
