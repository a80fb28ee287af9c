// SPDX-License-Identifier: MIT
/*
 * Weighted least-connection scheduling (the kernel's ip_vs_wlc.c, the
 * IPVS default): the destination with the smallest overhead / weight,
 * overhead being activeconns * 256 + totalconns (6.1), compared as
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
	struct lb_dest *least;
	unsigned n;
	int loh;

	(void)iph;
	least = lb_sched_least_weighted(svc, lb_dest_conn_overhead, &loh, &n);
	if (!least)
		return lb_sched_none(svc, why, "wlc",
				     "no destination available");
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
