// SPDX-License-Identifier: MIT
/*
 * The named rate estimators of RATEEST and rateest (see rateest.h): the
 * kernel's xt_RATEEST registry (a name, a reference count, the estimator
 * parameters it was made with) and gen_estimator's EWMA, driven by the
 * engine clock instead of a timer.
 *
 * The kernel's estimator wakes every 250 ms << intvl_log (intvl_log =
 * interval + 2) and folds the bytes and packets counted since its last
 * wake into two averages kept scaled by 2^8, with weight 2^-ewma_log:
 *
 *     rate  = (delta << (10 - intvl_log)) >> ewma_log
 *     avg  += rate - (avg >> ewma_log)          (u64, wrapping as the kernel)
 *
 * and gen_estimator_read() reports avg >> 8 (per second). Here the ticks
 * happen on the same schedule (the first one a period after the estimator
 * is created), but lazily: before a packet is counted or a rate is read,
 * every tick due by now is applied in order. Idle ticks that change
 * nothing are skipped in one step; after 65536 ticks of pure decay in one
 * catch-up the rest of the decay is computed in floating point (the only
 * place the result can differ from the kernel's integer steps, and only
 * for an estimator idle for hours with a large ewma_log).
 *
 * The registry is a list hung from struct xt_net, changed only on the
 * control path under net->ctl_lock. The counters and averages are data
 * path state, under a per-estimator spinlock (the kernel's est->lock).
 */
#include "xt/ext/rateest.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/net.h"
#include "xt/xt_int.h"

#define RATEEST_TICK_NS 250000000ull      /* (HZ/4) jiffies */
#define RATEEST_MAX_CATCHUP 65536u

struct xt_rateest {
	/* Immutable after creation. */
	char name[XT_RATEEST_NAMSIZ];
	int8_t interval;          /* as given (the kernel's params) */
	uint8_t ewma_log;
	unsigned intvl_log;       /* interval + 2 */
	uint64_t period_ns;

	/* Control path, under net->ctl_lock. */
	unsigned refcnt;
	struct xt_rateest *next;
	struct xt_net *xn;

	/* Data path, under lock. */
	atomic_flag lock;
	uint64_t bytes, packets;            /* bstats */
	uint64_t last_bytes, last_packets;  /* at the last tick */
	uint64_t avbps, avpps;              /* scaled by 2^8 */
	uint64_t next_ns;                   /* when the next tick is due */
};

static void est_lock(struct xt_rateest *e)
{
	while (atomic_flag_test_and_set_explicit(&e->lock,
						 memory_order_acquire))
		;
}

static void est_unlock(struct xt_rateest *e)
{
	atomic_flag_clear_explicit(&e->lock, memory_order_release);
}

/* One est_timer() run. */
static void est_tick(struct xt_rateest *e)
{
	uint64_t brate, rate;

	brate = (e->bytes - e->last_bytes) << (10 - e->intvl_log);
	brate = (brate >> e->ewma_log) - (e->avbps >> e->ewma_log);
	rate = (e->packets - e->last_packets) << (10 - e->intvl_log);
	rate = (rate >> e->ewma_log) - (e->avpps >> e->ewma_log);
	e->avbps += brate;
	e->avpps += rate;
	e->last_bytes = e->bytes;
	e->last_packets = e->packets;
}

/* avg after k more ticks with nothing counted (floating point). */
static uint64_t decay(uint64_t avg, uint64_t k, unsigned ewma_log)
{
	uint64_t floor_ = (1ull << ewma_log) - 1;
	double v;

	if (avg <= floor_)
		return avg;
	v = (double)avg * pow(1.0 - 1.0 / (double)(1ull << ewma_log),
			      (double)k);
	/* The integer steps stop once avg >> ewma_log is 0. */
	return v < (double)floor_ ? floor_ : (uint64_t)v;
}

/* Apply every tick due by now. Called with the lock held. */
static void est_advance(struct xt_rateest *e, uint64_t now)
{
	unsigned n = 0;
	uint64_t k;

	while (now >= e->next_ns) {
		if (e->bytes == e->last_bytes &&
		    e->packets == e->last_packets &&
		    !(e->avbps >> e->ewma_log) && !(e->avpps >> e->ewma_log))
			break;      /* a tick would change nothing */
		if (n++ == RATEEST_MAX_CATCHUP) {
			k = (now - e->next_ns) / e->period_ns + 1;
			e->avbps = decay(e->avbps, k, e->ewma_log);
			e->avpps = decay(e->avpps, k, e->ewma_log);
			break;
		}
		est_tick(e);
		e->next_ns += e->period_ns;
	}
	if (now >= e->next_ns)
		e->next_ns += ((now - e->next_ns) / e->period_ns + 1) *
			      e->period_ns;
}

void xt_rateest_count(struct xt_rateest *est, uint32_t bytes, uint64_t now)
{
	est_lock(est);
	est_advance(est, now);
	est->bytes += bytes;
	est->packets++;
	est_unlock(est);
}

void xt_rateest_read(struct xt_rateest *est, uint64_t now,
		     struct xt_rateest_sample *s)
{
	est_lock(est);
	est_advance(est, now);
	s->bps = est->avbps >> 8;
	s->pps = est->avpps >> 8;
	est_unlock(est);
}

static struct xt_rateest *find(struct xt_net *xn, const char *name)
{
	struct xt_rateest *e;

	for (e = xn->rateest; e; e = e->next) {
		if (!strncmp(e->name, name, sizeof(e->name))) {
			e->refcnt++;
			return e;
		}
	}
	return NULL;
}

struct xt_rateest *xt_rateest_lookup(struct net *net, const char *name)
{
	return net->xt ? find(net->xt, name) : NULL;
}

int xt_rateest_get(struct net *net, const char *name, int8_t interval,
		   uint8_t ewma_log, struct xt_rateest **out)
{
	struct xt_net *xn = net->xt;
	struct xt_rateest *e;

	if (!xn)
		return -EINVAL;
	if (strnlen(name, XT_RATEEST_NAMSIZ) >= XT_RATEEST_NAMSIZ)
		return -ENAMETOOLONG;
	e = find(xn, name);
	if (e) {
		/* Parameters, when given, must be those it was made with. */
		if ((!interval && !ewma_log) || interval != e->interval ||
		    ewma_log != e->ewma_log) {
			xt_rateest_put(e);
			return -EINVAL;
		}
		*out = e;
		return 0;
	}
	/* gen_new_estimator(): 250 ms .. 8 s, and a usable weight. */
	if (interval < -2 || interval > 3 || ewma_log == 0 || ewma_log >= 31)
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	memcpy(e->name, name, strnlen(name, XT_RATEEST_NAMSIZ));
	e->interval = interval;
	e->ewma_log = ewma_log;
	e->intvl_log = (unsigned)(interval + 2);
	e->period_ns = RATEEST_TICK_NS << e->intvl_log;
	e->refcnt = 1;
	e->xn = xn;
	atomic_flag_clear(&e->lock);
	e->next_ns = net_now(net) + e->period_ns;
	e->next = xn->rateest;
	xn->rateest = e;
	*out = e;
	return 0;
}

void xt_rateest_put(struct xt_rateest *est)
{
	struct xt_rateest **pp;

	if (!est || --est->refcnt)
		return;
	for (pp = &est->xn->rateest; *pp; pp = &(*pp)->next) {
		if (*pp == est) {
			*pp = est->next;
			break;
		}
	}
	free(est);
}

unsigned xt_rateest_count_names(struct net *net)
{
	struct xt_rateest *e;
	unsigned n = 0;

	for (e = net->xt ? net->xt->rateest : NULL; e; e = e->next)
		n++;
	return n;
}
