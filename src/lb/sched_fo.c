// SPDX-License-Identifier: MIT
/*
 * Weighted failover scheduling (the kernel's ip_vs_fo.c): every new
 * connection goes to the destination with the highest weight among those
 * not overloaded (weight above 0); the first in list order wins a tie.
 * No state. Data path, under RCU.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

static struct lb_dest *fo_schedule(struct lb_service *svc,
				   const struct lb_iph *iph, struct sbuf *why)
{
	struct lb_dest *dest, *hweight = NULL;
	int hw = 0;

	(void)iph;
	cds_list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (!lb_dest_overloaded(dest) && lb_dest_weight(dest) > hw) {
			hweight = dest;
			hw = lb_dest_weight(dest);
		}
	}
	if (!hweight)
		return lb_sched_none(svc, why, "fo", "no destination available");
	if (why) {
		sbuf_adds(why, "fo: ");
		lb_why_dest(why, hweight);
		sbuf_addf(why, " highest weight %d", hw);
	}
	return hweight;
}

const struct lb_scheduler lb_sched_fo = {
	.name = "fo",
	.schedule = fo_schedule,
};
