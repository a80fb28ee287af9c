// SPDX-License-Identifier: MIT
/*
 * Source hashing scheduling (the kernel's ip_vs_sh.c): a table of 256
 * buckets, refilled on every change of the list or of a weight with the
 * destinations in list order, each taking as many consecutive buckets as
 * its weight (one at least); a new connection goes to the bucket of
 * hash_32(source address + source port, 8), the port counting only with
 * LB_SVC_F_SCHED_SH_PORT and only for TCP, UDP and SCTP. A destination
 * with a weight of 0 or overloaded gives no pick, unless
 * LB_SVC_F_SCHED_SH_FALLBACK is set: then the buckets of the hashes
 * (offset + port + address) for offsets from the first bucket on are
 * tried until one holds an available destination (an empty bucket ends
 * the search).
 *
 * The table (sched_data) is written on the control path one bucket at a
 * time and read on the data path under RCU; done_service frees it after a
 * grace period.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

#include <errno.h>
#include <stdlib.h>

#define SH_TAB_BITS 8   /* CONFIG_IP_VS_SH_TAB_BITS */
#define SH_TAB_SIZE (1u << SH_TAB_BITS)
#define SH_TAB_MASK (SH_TAB_SIZE - 1)

struct sh_state {
	struct lb_dest *buckets[SH_TAB_SIZE];   /* RCU */
	struct rcu_head rcu;
};

static bool sh_unavailable(const struct lb_dest *d)
{
	return lb_dest_weight(d) <= 0 || lb_dest_overloaded(d);
}

/* ip_vs_sh_hashkey: port and address added in host order, then hashed. */
static unsigned sh_hashkey(uint16_t af, const struct ns_addr *addr,
			   uint16_t port, unsigned offset)
{
	return (offset + lb_hash_32(ntohs(port) + lb_addr_fold(af, addr),
				    SH_TAB_BITS)) & SH_TAB_MASK;
}

/* ip_vs_sh_reassign: list order, weight consecutive buckets each. */
static void sh_reassign(struct sh_state *s, struct lb_service *svc)
{
	struct cds_list_head *p = &svc->destinations;
	bool empty = cds_list_empty(p);
	int d_count = 0;

	for (unsigned i = 0; i < SH_TAB_SIZE; i++) {
		struct lb_dest *dest = NULL;

		if (!empty) {
			if (p == &svc->destinations)
				p = p->next;
			dest = cds_list_entry(p, struct lb_dest, n_list);
			/* Next dest only once this one filled its weight. */
			if (++d_count >= lb_dest_weight(dest)) {
				p = p->next;
				d_count = 0;
			}
		}
		ns_rcu_assign(s->buckets[i], dest);
	}
}

static int sh_init_service(struct lb_service *svc)
{
	struct sh_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	sh_reassign(s, svc);
	svc->sched_data = s;
	return 0;
}

static void sh_free_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct sh_state, rcu));
}

static void sh_done_service(struct lb_service *svc)
{
	struct sh_state *s = svc->sched_data;

	svc->sched_data = NULL;
	call_rcu(&s->rcu, sh_free_rcu);
}

static int sh_dest_changed(struct lb_service *svc, struct lb_dest *dest)
{
	(void)dest;
	sh_reassign(svc->sched_data, svc);
	return 0;
}

/* ip_vs_sh_get_port: the source port of TCP, UDP and SCTP only. */
static uint16_t sh_port(const struct lb_iph *iph)
{
	switch (iph->protocol) {
	case LB_PROTO_TCP:
	case LB_PROTO_UDP:
	case LB_PROTO_SCTP:
		return iph->sport;
	default:
		return 0;
	}
}

static struct lb_dest *sh_schedule(struct lb_service *svc,
				   const struct lb_iph *iph, struct sbuf *why)
{
	struct sh_state *s = svc->sched_data;
	const struct ns_addr *addr = &iph->saddr;
	uint16_t port = 0;
	unsigned ihash, hash, offset;
	struct lb_dest *dest;

	if (svc->flags & LB_SVC_F_SCHED_SH_PORT)
		port = sh_port(iph);
	ihash = hash = sh_hashkey(svc->af, addr, port, 0);
	offset = 0;
	dest = ns_rcu_dereference(s->buckets[ihash]);
	if (dest && sh_unavailable(dest)) {
		struct lb_dest *first = dest;

		dest = NULL;
		/*
		 * ip_vs_sh_get_fallback: from the original bucket on, the
		 * bucket of each offset's hash; an empty one ends it.
		 */
		if (svc->flags & LB_SVC_F_SCHED_SH_FALLBACK) {
			for (offset = 0; offset < SH_TAB_SIZE; offset++) {
				unsigned roffset = (offset + ihash) %
						   SH_TAB_SIZE;

				hash = sh_hashkey(svc->af, addr, port,
						  roffset);
				dest = ns_rcu_dereference(s->buckets[hash]);
				if (!dest)
					break;
				if (!sh_unavailable(dest))
					break;
				dest = NULL;
			}
		}
		if (!dest) {
			lb_sched_none(svc, why, "sh",
				      "no destination available");
			if (why) {
				sbuf_addf(why, " (bucket %u: ", ihash);
				lb_why_dest(why, first);
				sbuf_adds(why, " unavailable)");
			}
			return NULL;
		}
	}
	if (!dest) {
		lb_sched_none(svc, why, "sh", "no destination available");
		if (why)
			sbuf_addf(why, " (bucket %u empty)", ihash);
		return NULL;
	}
	if (why) {
		sbuf_adds(why, "sh: ");
		lb_why_addr(why, svc->af, addr);
		if (port)
			sbuf_addf(why, " port %u", ntohs(port));
		if (hash != ihash)
			sbuf_addf(why, " bucket %u unavailable, fallback "
				  "offset %u", ihash, offset);
		sbuf_addf(why, " bucket %u -> ", hash);
		lb_why_dest(why, dest);
	}
	return dest;
}

const struct lb_scheduler lb_sched_sh = {
	.name = "sh",
	.init_service = sh_init_service,
	.done_service = sh_done_service,
	.add_dest = sh_dest_changed,
	.del_dest = sh_dest_changed,
	.upd_dest = sh_dest_changed,
	.schedule = sh_schedule,
};
