// SPDX-License-Identifier: MIT
/*
 * Round-robin scheduling (the kernel's ip_vs_rr.c): a cursor into the
 * service's destination list moves to the next destination that is not
 * overloaded and has a weight above 0, wrapping at the list head. The
 * cursor is sched_data (a list link, or the list head itself at start),
 * guarded by svc->sched_lock. schedule runs on the data path under RCU;
 * init_service and del_dest on the control path.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

static int rr_init_service(struct lb_service *svc)
{
	/* As the kernel: start "after" the head, i.e. at the first dest. */
	svc->sched_data = &svc->destinations;
	return 0;
}

/*
 * dest is already unlinked: its prev may be stale but its next is still
 * a member (cds_list_del_rcu keeps it), and next->prev is the entry that
 * came before dest. The kernel steps the cursor back the same way, so the
 * next pick is the one dest would have been followed by.
 */
static int rr_del_dest(struct lb_service *svc, struct lb_dest *dest)
{
	struct cds_list_head *p;

	pthread_spin_lock(&svc->sched_lock);
	p = svc->sched_data;
	if (p == &dest->n_list)
		svc->sched_data = p->next->prev;
	pthread_spin_unlock(&svc->sched_lock);
	return 0;
}

static struct lb_dest *rr_schedule(struct lb_service *svc,
				   const struct lb_iph *iph, struct sbuf *why)
{
	struct cds_list_head *p;
	struct lb_dest *dest, *last;
	int pass = 0;

	(void)iph;
	pthread_spin_lock(&svc->sched_lock);
	p = svc->sched_data;
	last = dest = cds_list_entry(p, struct lb_dest, n_list);
	/*
	 * Two passes at most: the cursor's own dest may have been unlinked,
	 * so "back at last" is not guaranteed to happen (ip_vs_rr_schedule).
	 * A cursor at the head needs only one.
	 */
	do {
		lb_list_for_each_entry_continue_rcu(dest, &svc->destinations,
						    n_list) {
			if (!lb_dest_overloaded(dest) &&
			    lb_dest_weight(dest) > 0)
				goto hit;
			if (dest == last)
				goto stop;
		}
		pass++;
	} while (pass < 2 && p != &svc->destinations);
stop:
	pthread_spin_unlock(&svc->sched_lock);
	return lb_sched_none(svc, why, "rr", "no destination available");

hit:
	svc->sched_data = &dest->n_list;
	pthread_spin_unlock(&svc->sched_lock);
	if (why) {
		sbuf_adds(why, "rr: ");
		lb_why_dest(why, dest);
		if (p == &svc->destinations) {
			sbuf_adds(why, " from the list head");
		} else {
			sbuf_adds(why, " after ");
			lb_why_dest(why, last);
		}
	}
	return dest;
}

const struct lb_scheduler lb_sched_rr = {
	.name = "rr",
	.init_service = rr_init_service,
	.del_dest = rr_del_dest,
	.schedule = rr_schedule,
};
