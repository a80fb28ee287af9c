// SPDX-License-Identifier: MIT
/*
 * The scheduler registry (ip_vs_sched.c): every algorithm by name, and the
 * "no destination available" report they share. Each algorithm lives in a
 * file of its own (sched_NAME.c) and is listed here.
 */
#include "lb/lb.h"

#include "base/log.h"
#include "core/net.h"

#include <stdatomic.h>
#include <string.h>

const struct lb_scheduler *const lb_schedulers[] = {
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
