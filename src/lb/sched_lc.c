// SPDX-License-Identifier: MIT
/*
 * Least-connection scheduling (the kernel's ip_vs_lc.c): the destination
 * with the smallest overhead, activeconns * 256 + totalconns, among those
 * not overloaded and with a weight other than 0; the first in list order
 * wins a tie. No state of its own. Data path, under RCU.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

static struct lb_dest *lc_schedule(struct lb_service *svc,
				   const struct lb_iph *iph, struct sbuf *why)
{
	struct lb_dest *dest, *least = NULL;
	unsigned loh = 0, doh;
	unsigned n = 0;

	(void)iph;
	cds_list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (lb_dest_overloaded(dest) || lb_dest_weight(dest) == 0)
			continue;
		n++;
		/* Unsigned, as the kernel compares it. */
		doh = (unsigned)lb_dest_conn_overhead(dest);
		if (!least || doh < loh) {
			least = dest;
			loh = doh;
		}
	}
	if (!least)
		return lb_sched_none(svc, why, "lc", "no destination available");
	if (why) {
		sbuf_adds(why, "lc: ");
		lb_why_dest(why, least);
		sbuf_addf(why, " overhead %u lowest of %u", loh, n);
	}
	return least;
}

const struct lb_scheduler lb_sched_lc = {
	.name = "lc",
	.schedule = lc_schedule,
};
