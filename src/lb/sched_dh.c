// SPDX-License-Identifier: MIT
/*
 * Destination hashing scheduling (the kernel's ip_vs_dh.c): a table of
 * 256 buckets, filled on every change of the destination list with the
 * destinations in list order, one bucket each, round and round; a new
 * connection goes to the bucket of hash_32(destination address, 8). The
 * bucket's destination must still be linked, have a weight above 0 and
 * not be overloaded, or there is no pick (no fallback). Weights do not
 * shape the table and a weight change does not refill it (the kernel has
 * no upd_dest here).
 *
 * The table (sched_data) is written on the control path (init_service,
 * add_dest, del_dest) one bucket at a time and read on the data path
 * under RCU; done_service frees it after a grace period.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

#include <errno.h>
#include <stdlib.h>

#define DH_TAB_BITS 8   /* CONFIG_IP_VS_DH_TAB_BITS */
#define DH_TAB_SIZE (1u << DH_TAB_BITS)

struct dh_state {
	struct lb_dest *buckets[DH_TAB_SIZE];   /* RCU */
	struct rcu_head rcu;
};

static unsigned dh_hashkey(uint16_t af, const struct ns_addr *addr)
{
	return lb_hash_32(lb_addr_fold(af, addr), DH_TAB_BITS);
}

/* ip_vs_dh_reassign: the list, round and round, one bucket each. */
static void dh_reassign(struct dh_state *s, struct lb_service *svc)
{
	struct cds_list_head *p = &svc->destinations;
	bool empty = cds_list_empty(p);

	for (unsigned i = 0; i < DH_TAB_SIZE; i++) {
		struct lb_dest *dest = NULL;

		if (!empty) {
			if (p == &svc->destinations)
				p = p->next;
			dest = cds_list_entry(p, struct lb_dest, n_list);
			p = p->next;
		}
		ns_rcu_assign(s->buckets[i], dest);
	}
}

static int dh_init_service(struct lb_service *svc)
{
	struct dh_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	dh_reassign(s, svc);
	svc->sched_data = s;
	return 0;
}

static void dh_free_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct dh_state, rcu));
}

static void dh_done_service(struct lb_service *svc)
{
	struct dh_state *s = svc->sched_data;

	svc->sched_data = NULL;
	call_rcu(&s->rcu, dh_free_rcu);
}

static int dh_dest_changed(struct lb_service *svc, struct lb_dest *dest)
{
	(void)dest;
	dh_reassign(svc->sched_data, svc);
	return 0;
}

static struct lb_dest *dh_schedule(struct lb_service *svc,
				   const struct lb_iph *iph, struct sbuf *why)
{
	struct dh_state *s = svc->sched_data;
	unsigned hash = dh_hashkey(svc->af, &iph->daddr);
	struct lb_dest *dest = ns_rcu_dereference(s->buckets[hash]);

	if (!dest || !lb_dest_available(dest) || lb_dest_weight(dest) <= 0 ||
	    lb_dest_overloaded(dest)) {
		lb_sched_none(svc, why, "dh", "no destination available");
		if (why) {
			sbuf_addf(why, " (bucket %u: ", hash);
			if (dest)
				lb_why_dest(why, dest);
			sbuf_adds(why, dest ? " unavailable)" : "empty)");
		}
		return NULL;
	}
	if (why) {
		sbuf_adds(why, "dh: ");
		lb_why_addr(why, svc->af, &iph->daddr);
		sbuf_addf(why, " bucket %u -> ", hash);
		lb_why_dest(why, dest);
	}
	return dest;
}

const struct lb_scheduler lb_sched_dh = {
	.name = "dh",
	.init_service = dh_init_service,
	.done_service = dh_done_service,
	.add_dest = dh_dest_changed,
	.del_dest = dh_dest_changed,
	.schedule = dh_schedule,
};
