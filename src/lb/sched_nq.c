// SPDX-License-Identifier: MIT
/*
 * Never-queue scheduling (the kernel's ip_vs_nq.c): the first destination
 * (list order) with no active connection, if any, else the one with the
 * smallest (activeconns + 1) / weight as sed. Destinations overloaded or
 * with a weight of 0 are skipped. No state. Data path, under RCU.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

static struct lb_dest *nq_schedule(struct lb_service *svc,
				   const struct lb_iph *iph, struct sbuf *why)
{
	struct lb_dest *dest, *least = NULL;
	int loh = 0, doh;
	unsigned n = 0;

	(void)iph;
	cds_list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (lb_dest_overloaded(dest) || !lb_dest_weight(dest))
			continue;
		n++;
		doh = lb_dest_active(dest) + 1;
		/* An idle server is taken at once. */
		if (lb_dest_active(dest) == 0) {
			if (why) {
				sbuf_adds(why, "nq: ");
				lb_why_dest(why, dest);
				sbuf_adds(why, " idle");
			}
			return dest;
		}
		if (!least || (int64_t)loh * lb_dest_weight(dest) >
			      (int64_t)doh * lb_dest_weight(least)) {
			least = dest;
			loh = doh;
		}
	}
	if (!least)
		return lb_sched_none(svc, why, "nq", "no destination available");
	if (why) {
		sbuf_adds(why, "nq: ");
		lb_why_dest(why, least);
		sbuf_addf(why, " overhead %d weight %d lowest of %u, none idle",
			  loh, lb_dest_weight(least), n);
	}
	return least;
}

const struct lb_scheduler lb_sched_nq = {
	.name = "nq",
	.schedule = nq_schedule,
};
