// SPDX-License-Identifier: MIT
/*
 * The scheduler registry (ip_vs_sched.c): every algorithm by name, and the
 * "no destination available" report they share, and the `why` formatting
 * helpers of sched_int.h. Each algorithm lives in a file of its own
 * (sched_NAME.c) and is listed here, in the order `lb explain` shows.
 */
#include "lb/lb.h"
#include "lb/sched_int.h"

#include "base/log.h"
#include "core/net.h"

#include <arpa/inet.h>
#include <stdatomic.h>
#include <string.h>

extern const struct lb_scheduler lb_sched_rr, lb_sched_wrr, lb_sched_lc,
	lb_sched_wlc, lb_sched_sed, lb_sched_nq, lb_sched_dh, lb_sched_sh,
	lb_sched_mh, lb_sched_lblc, lb_sched_lblcr, lb_sched_fo, lb_sched_ovf,
	lb_sched_twos;

const struct lb_scheduler *const lb_schedulers[] = {
	&lb_sched_rr, &lb_sched_wrr, &lb_sched_lc, &lb_sched_wlc,
	&lb_sched_sed, &lb_sched_nq, &lb_sched_dh, &lb_sched_sh,
	&lb_sched_mh, &lb_sched_lblc, &lb_sched_lblcr, &lb_sched_fo,
	&lb_sched_ovf, &lb_sched_twos,
	NULL,
};

const struct lb_scheduler *lb_sched_find(const char *name)
{
	for (unsigned i = 0; lb_schedulers[i]; i++)
		if (!strcmp(lb_schedulers[i]->name, name))
			return lb_schedulers[i];
	return NULL;
}

void lb_sched_err(struct lb_service *svc, const char *msg)
{
	static _Atomic uint64_t last;
	uint64_t now = net_now(svc->net), prev = atomic_load(&last);

	/* At most one line a second (the kernel's net_ratelimit()). */
	if (prev && now - prev < 1000000000ull)
		return;
	if (!atomic_compare_exchange_strong(&last, &prev, now ? now : 1))
		return;
	ns_log(&svc->net->log, NS_LOG_INFO, "IPVS: %s: %s",
	       svc->scheduler ? svc->scheduler->name : "?", msg);
}

void lb_why_addr(struct sbuf *why, uint16_t af, const struct ns_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!why)
		return;
	if (!inet_ntop(af == 10 ? AF_INET6 : AF_INET, a->ip6, buf,
		       sizeof(buf)))
		buf[0] = 0;
	sbuf_adds(why, buf);
}

void lb_why_dest(struct sbuf *why, const struct lb_dest *d)
{
	if (!why)
		return;
	if (d->af == 10)
		sbuf_addc(why, '[');
	lb_why_addr(why, d->af, &d->addr);
	sbuf_addf(why, "%s:%u", d->af == 10 ? "]" : "", ntohs(d->port));
}

struct lb_dest *lb_sched_none(struct lb_service *svc, struct sbuf *why,
			      const char *name, const char *msg)
{
	if (why)
		sbuf_addf(why, "%s: %s", name, msg);
	lb_sched_err(svc, msg);
	return NULL;
}

struct lb_dest *lb_sched_least_weighted(struct lb_service *svc,
					int (*overhead)(const struct lb_dest *),
					int *ohp, unsigned *np)
{
	struct lb_dest *dest, *least;
	unsigned n = 1;
	int loh, doh;

	cds_list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (!lb_dest_overloaded(dest) && lb_dest_weight(dest) > 0) {
			least = dest;
			loh = overhead(least);
			goto nextstage;
		}
	}
	return NULL;

nextstage:
	lb_list_for_each_entry_continue_rcu(dest, &svc->destinations,
					    n_list) {
		if (lb_dest_overloaded(dest))
			continue;
		n++;
		doh = overhead(dest);
		if ((int64_t)loh * lb_dest_weight(dest) >
		    (int64_t)doh * lb_dest_weight(least)) {
			least = dest;
			loh = doh;
		}
	}
	*ohp = loh;
	if (np)
		*np = n;
	return least;
}
