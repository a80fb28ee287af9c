// SPDX-License-Identifier: MIT
/*
 * Shortest expected delay scheduling (the kernel's ip_vs_sed.c): as wlc,
 * but the overhead is activeconns + 1 (inactive connections do not
 * count), so the destination where a new connection would wait least,
 * (activeconns + 1) / weight, wins. The first destination not overloaded
 * with a weight above 0 starts; later ones need only not be overloaded;
 * ties keep the earlier one. No state. Data path, under RCU.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

static struct lb_dest *sed_schedule(struct lb_service *svc,
				    const struct lb_iph *iph, struct sbuf *why)
{
	struct lb_dest *dest, *least;
	int loh, doh;
	unsigned n = 1;

	(void)iph;
	cds_list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (!lb_dest_overloaded(dest) && lb_dest_weight(dest) > 0) {
			least = dest;
			loh = lb_dest_active(least) + 1;
			goto nextstage;
		}
	}
	return lb_sched_none(svc, why, "sed", "no destination available");

nextstage:
	lb_list_for_each_entry_continue_rcu(dest, &svc->destinations,
					    n_list) {
		if (lb_dest_overloaded(dest))
			continue;
		n++;
		doh = lb_dest_active(dest) + 1;
		if ((int64_t)loh * lb_dest_weight(dest) >
		    (int64_t)doh * lb_dest_weight(least)) {
			least = dest;
			loh = doh;
		}
	}
	if (why) {
		sbuf_adds(why, "sed: ");
		lb_why_dest(why, least);
		sbuf_addf(why, " overhead %d weight %d lowest of %u", loh,
			  lb_dest_weight(least), n);
	}
	return least;
}

const struct lb_scheduler lb_sched_sed = {
	.name = "sed",
	.schedule = sed_schedule,
};
