// SPDX-License-Identifier: MIT
/*
 * Weighted overflow scheduling (the kernel's ip_vs_ovf.c): the destination
 * with the highest weight among those not overloaded, with a weight above
 * 0 and no more active connections than their weight; when the first
 * fills up, the next highest takes the overflow. The first in list order
 * wins a tie. No state. Data path, under RCU.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

static struct lb_dest *ovf_schedule(struct lb_service *svc,
				    const struct lb_iph *iph, struct sbuf *why)
{
	struct lb_dest *dest, *h = NULL;
	int hw = 0, w;

	(void)iph;
	cds_list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		w = lb_dest_weight(dest);
		if (lb_dest_overloaded(dest) || lb_dest_active(dest) > w ||
		    w == 0)
			continue;
		if (!h || w > hw) {
			h = dest;
			hw = w;
		}
	}
	if (!h)
		return lb_sched_none(svc, why, "ovf", "no destination available");
	if (why) {
		sbuf_adds(why, "ovf: ");
		lb_why_dest(why, h);
		sbuf_addf(why, " weight %d active %d", hw, lb_dest_active(h));
	}
	return h;
}

const struct lb_scheduler lb_sched_ovf = {
	.name = "ovf",
	.schedule = ovf_schedule,
};
