/* SPDX-License-Identifier: MIT */
/*
 * Named rate estimators, shared by the RATEEST target (which feeds one)
 * and the rateest match (which reads one or two): the kernel's xt_RATEEST
 * registry plus its gen_estimator EWMA. One registry per struct net (in
 * struct xt_net), so estimators outlive ruleset generations the way the
 * kernel's outlive table replacements: a rule holds a reference, a new
 * generation takes its references before the old one drops its own.
 *
 * Time is the engine clock (net_now()): instead of a timer, the average is
 * brought up to date lazily, tick by tick, whenever a packet is counted or
 * the rate is read, so an offline replay gives the same numbers each time.
 *
 * Control path (under net->ctl_lock): xt_rateest_get(), _lookup(), _put().
 * Data path: xt_rateest_count(), xt_rateest_read() (any worker; a small
 * spinlock per estimator, as the kernel's est->lock).
 */
#ifndef NS_XT_EXT_RATEEST_H
#define NS_XT_EXT_RATEEST_H

#include <stdint.h>

struct net;
struct xt_rateest;

#define XT_RATEEST_NAMSIZ 16     /* IFNAMSIZ, the kernel's name[] */

/* gen_estimator_read()'s sample: bytes and packets per second. */
struct xt_rateest_sample {
	uint64_t bps;
	uint64_t pps;
};

/*
 * The RATEEST target's checkentry: a new reference to the estimator named
 * name, created with interval (-2..3: 250 ms << (interval + 2)) and
 * ewma_log (1..30) when there is none. An existing one must have been made
 * with the same two values, and they may not both be 0 (-EINVAL, as the
 * kernel). -EINVAL also for values gen_new_estimator() refuses, -ENOMEM.
 * Fills *out. Control path, under net->ctl_lock.
 */
int xt_rateest_get(struct net *net, const char *name, int8_t interval,
		   uint8_t ewma_log, struct xt_rateest **out);

/*
 * The rateest match's lookup: a new reference to the estimator named name,
 * or NULL if there is none. Control path, under net->ctl_lock.
 */
struct xt_rateest *xt_rateest_lookup(struct net *net, const char *name);

/*
 * Drop a reference; the last one unlinks and frees the estimator (the data
 * path no longer sees it: the caller is past the grace period of the
 * generation that used it). Control path, under net->ctl_lock.
 */
void xt_rateest_put(struct xt_rateest *est);

/* RATEEST's data path: count one packet of bytes bytes at time now. */
void xt_rateest_count(struct xt_rateest *est, uint32_t bytes, uint64_t now);

/* The rateest match's data path: the estimate at time now. */
void xt_rateest_read(struct xt_rateest *est, uint64_t now,
		     struct xt_rateest_sample *s);

/* How many estimators net has (tests). Control path. */
unsigned xt_rateest_count_names(struct net *net);

#endif
