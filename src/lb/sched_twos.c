// SPDX-License-Identifier: MIT
/*
 * Power of two choices scheduling (the kernel's ip_vs_twos.c, upstream
 * since 6.2 and present in our reference tree; not in the oracle's 6.1
 * VM): draw two random points r1, r2 in [0, total weight] (total of the
 * destinations not overloaded with a weight above 0), walk the list
 * subtracting each weight, and take the first destination at which each
 * point reaches 0 or below; of the two, the second wins only when its
 * overhead / weight is strictly lower. The random numbers come from
 * net_random() (the engine's seeded generator), mapped to a range as the
 * kernel's prandom_u32_max() does: (r * n) >> 32. No state. Data path,
 * under RCU.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

#include "core/net.h"

static uint32_t twos_random_below(struct net *net, uint32_t n)
{
	return (uint32_t)(((uint64_t)net_random(net) * n) >> 32);
}

static struct lb_dest *twos_schedule(struct lb_service *svc,
				     const struct lb_iph *iph, struct sbuf *why)
{
	struct lb_dest *dest, *choice1 = NULL, *choice2 = NULL;
	int rweight1, rweight2, r1, r2, weight1 = -1, weight2 = -1;
	int overhead1 = 0, overhead2 = 0, total_weight = 0, weight;

	(void)iph;
	cds_list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (lb_dest_overloaded(dest))
			continue;
		weight = lb_dest_weight(dest);
		if (weight > 0) {
			total_weight += weight;
			choice1 = dest;
		}
	}
	if (!choice1)
		return lb_sched_none(svc, why, "twos",
				     "no destination available");

	/* + 1: both points may fall on 0 and on the total itself. */
	total_weight += 1;
	r1 = rweight1 = (int)twos_random_below(svc->net, total_weight);
	r2 = rweight2 = (int)twos_random_below(svc->net, total_weight);

	cds_list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (lb_dest_overloaded(dest))
			continue;
		weight = lb_dest_weight(dest);
		if (weight <= 0)
			continue;
		rweight1 -= weight;
		rweight2 -= weight;
		if (rweight1 <= 0 && weight1 == -1) {
			choice1 = dest;
			weight1 = weight;
			overhead1 = lb_dest_conn_overhead(dest);
		}
		if (rweight2 <= 0 && weight2 == -1) {
			choice2 = dest;
			weight2 = weight;
			overhead2 = lb_dest_conn_overhead(dest);
		}
		if (weight1 != -1 && weight2 != -1)
			break;
	}
	if (why) {
		sbuf_addf(why, "twos: r1=%d r2=%d of %d: ", r1, r2,
			  total_weight - 1);
		lb_why_dest(why, choice1);
		sbuf_addf(why, " (overhead %d weight %d) vs ", overhead1,
			  weight1);
		if (choice2)
			lb_why_dest(why, choice2);
		sbuf_addf(why, " (overhead %d weight %d)", overhead2, weight2);
	}
	/* In int, wrapping as the kernel's (-fno-strict-overflow) does. */
	if (choice2 && (int)((unsigned)weight2 * (unsigned)overhead1) >
		       (int)((unsigned)weight1 * (unsigned)overhead2))
		choice1 = choice2;
	if (why) {
		sbuf_adds(why, ": ");
		lb_why_dest(why, choice1);
	}
	return choice1;
}

const struct lb_scheduler lb_sched_twos = {
	.name = "twos",
	.schedule = twos_schedule,
};
