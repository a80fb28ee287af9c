/* SPDX-License-Identifier: MIT */
/*
 * The statistic match's random source, exposed so that tests and replay
 * can make --mode random reproducible. Control path.
 */
#ifndef NS_XT_EXT_STATISTIC_H
#define NS_XT_EXT_STATISTIC_H

#include <stdint.h>

/*
 * Seed the generator behind --mode random (the kernel's get_random_u32()).
 * Every worker thread restarts its sequence from seed (mixed with its
 * worker index) at its next random draw, so a single-threaded run with the
 * same seed and the same packets makes the same decisions. Until called,
 * the seed comes from getrandom().
 */
void xt_statistic_seed(uint64_t seed);

/* The next 32-bit value of the calling thread's generator. Data path. */
uint32_t xt_statistic_random_u32(void);

#endif
