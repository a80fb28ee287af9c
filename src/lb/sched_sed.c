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

/* The expected delay's numerator: active connections, plus this one. */
static int sed_overhead(const struct lb_dest *d)
{
	return lb_dest_active(d) + 1;
}

static struct lb_dest *sed_schedule(struct lb_service *svc,
				    const struct lb_iph *iph, struct sbuf *why)
{
	struct lb_dest *least;
	unsigned n;
	int loh;

	(void)iph;
	least = lb_sched_least_weighted(svc, sed_overhead, &loh, &n);
	if (!least)
		return lb_sched_none(svc, why, "sed",
				     "no destination available");
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
