// SPDX-License-Identifier: MIT
/*
 * Weighted round-robin scheduling (the kernel's ip_vs_wrr.c). A mark
 * walks the destination list; each full lap lowers the current weight cw
 * by di, the greatest common divisor of the positive weights, and a
 * destination is picked when its weight is at least cw. cw starts at (and
 * wraps to) mw, the largest weight less di - 1. A fresh mark on c, b, a
 * (list order) weighing 2, 3, 4 picks a | b a | c b a | c b a for cw 4,
 * 3, 2, 1, then starts over.
 *
 * The mark (sched_data) is guarded by svc->sched_lock: schedule takes it
 * on the data path, add/del/upd_dest on the control path to recompute di
 * and mw after a change. done_service frees the mark after a grace period
 * (call_rcu, the kernel's kfree_rcu): a reader may still be in schedule.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

#include <errno.h>
#include <stdlib.h>

struct wrr_mark {
	struct lb_dest *cl;    /* current dest, or the list head as one */
	int cw;                /* current weight */
	int mw;                /* maximum weight, less di - 1 */
	int di;                /* decreasing interval: the gcd */
	struct rcu_head rcu;
};

/* The gcd of the positive weights, 1 when there is none. */
static int wrr_gcd_weight(struct lb_service *svc)
{
	struct lb_dest *dest;
	int g = 0;

	cds_list_for_each_entry(dest, &svc->destinations, n_list) {
		int w = lb_dest_weight(dest);

		if (w > 0)
			g = g > 0 ? lb_gcd(w, g) : w;
	}
	return g ? g : 1;
}

static int wrr_max_weight(struct lb_service *svc)
{
	struct lb_dest *dest;
	int mw = 0;

	cds_list_for_each_entry(dest, &svc->destinations, n_list)
		if (lb_dest_weight(dest) > mw)
			mw = lb_dest_weight(dest);
	return mw;
}

static int wrr_init_service(struct lb_service *svc)
{
	struct wrr_mark *mark = malloc(sizeof(*mark));

	if (!mark)
		return -ENOMEM;
	mark->cl = cds_list_entry(&svc->destinations, struct lb_dest, n_list);
	mark->di = wrr_gcd_weight(svc);
	mark->mw = wrr_max_weight(svc) - (mark->di - 1);
	mark->cw = mark->mw;
	svc->sched_data = mark;
	return 0;
}

static void wrr_free_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct wrr_mark, rcu));
}

static void wrr_done_service(struct lb_service *svc)
{
	struct wrr_mark *mark = svc->sched_data;

	svc->sched_data = NULL;
	call_rcu(&mark->rcu, wrr_free_rcu);
}

/*
 * Any change of the list or of a weight (ip_vs_wrr_dest_changed): restart
 * the lap from the head with the new gcd and maximum; keep cw when it is
 * still in range, rounded to the new gcd's grid.
 */
static int wrr_dest_changed(struct lb_service *svc, struct lb_dest *dest)
{
	struct wrr_mark *mark = svc->sched_data;

	(void)dest;
	pthread_spin_lock(&svc->sched_lock);
	mark->cl = cds_list_entry(&svc->destinations, struct lb_dest, n_list);
	mark->di = wrr_gcd_weight(svc);
	mark->mw = wrr_max_weight(svc) - (mark->di - 1);
	if (mark->cw > mark->mw || !mark->cw)
		mark->cw = mark->mw;
	else if (mark->di > 1)
		mark->cw = (mark->cw / mark->di) * mark->di + 1;
	pthread_spin_unlock(&svc->sched_lock);
	return 0;
}

static struct lb_dest *wrr_schedule(struct lb_service *svc,
				    const struct lb_iph *iph, struct sbuf *why)
{
	struct wrr_mark *mark = svc->sched_data;
	struct lb_dest *dest, *last, *stop = NULL;
	struct cds_list_head *head = &svc->destinations;
	bool last_pass = false, restarted = false;
	int cw, mw, di;
	const char *msg;

	(void)iph;
	pthread_spin_lock(&svc->sched_lock);
	dest = mark->cl;
	if (mark->mw == 0) {
		msg = "no destination available";
		goto none;
	}
	last = dest;
	/* Stop only after every dest was checked for weight >= 1. */
	for (;;) {
		lb_list_for_each_entry_continue_rcu(dest, head, n_list) {
			if (!lb_dest_overloaded(dest) &&
			    lb_dest_weight(dest) >= mark->cw)
				goto found;
			if (dest == stop)
				goto over;
		}
		mark->cw -= mark->di;
		if (mark->cw <= 0) {
			mark->cw = mark->mw;
			/*
			 * Give up when the pass that just ended was the one
			 * for weight >= 1 from the head: either a last pass
			 * or a lap that started at the head.
			 */
			if (last_pass || &last->n_list == head)
				goto over;
			restarted = true;
		}
		last_pass = mark->cw <= mark->di;
		/*
		 * The first lap for weight >= 1 covered only the dests after
		 * last; this one must cover those up to last and stop there.
		 */
		if (last_pass && restarted && &last->n_list != head)
			stop = last;
	}

found:
	mark->cl = dest;
	cw = mark->cw, mw = mark->mw, di = mark->di;
	pthread_spin_unlock(&svc->sched_lock);
	if (why) {
		sbuf_adds(why, "wrr: ");
		lb_why_dest(why, dest);
		sbuf_addf(why, " weight %d, cw=%d mw=%d gcd=%d",
			  lb_dest_weight(dest), cw, mw, di);
	}
	return dest;

over:
	msg = "no destination available: all destinations are overloaded";
none:
	mark->cl = dest;
	pthread_spin_unlock(&svc->sched_lock);
	return lb_sched_none(svc, why, "wrr", msg);
}

const struct lb_scheduler lb_sched_wrr = {
	.name = "wrr",
	.init_service = wrr_init_service,
	.done_service = wrr_done_service,
	.add_dest = wrr_dest_changed,
	.del_dest = wrr_dest_changed,
	.upd_dest = wrr_dest_changed,
	.schedule = wrr_schedule,
};
