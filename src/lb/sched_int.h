/* SPDX-License-Identifier: MIT */
/*
 * What the schedulers (sched_*.c) share and nobody else needs: the
 * kernel's hash_32() and address folding that dh, sh, lblc and lblcr hash
 * with, the greatest common divisor wrr and mh reduce weights by, the
 * availability test of a destination, and the formatting of a destination
 * for the `why` explanations. Data path and control path alike; nothing
 * here allocates except the why helpers (explanations only).
 */
#ifndef NS_LB_SCHED_INT_H
#define NS_LB_SCHED_INT_H

#include "lb/lb.h"

#include "base/sbuf.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The kernel's list_for_each_entry_continue_rcu(), which liburcu lacks:
 * walk on from pos (an entry, or the list head seen as one) to the end.
 */
#define lb_list_for_each_entry_continue_rcu(pos, head, member)            \
	for (pos = cds_list_entry(rcu_dereference((pos)->member.next),    \
				  __typeof__(*(pos)), member);            \
	     &(pos)->member != (head);                                    \
	     pos = cds_list_entry(rcu_dereference((pos)->member.next),    \
				  __typeof__(*(pos)), member))

/* IPPROTO_* the schedulers look at (sh, mh read ports only for these). */
#define LB_PROTO_TCP 6
#define LB_PROTO_UDP 17
#define LB_PROTO_SCTP 132

/*
 * The kernel's hash_32() (include/linux/hash.h, generic version, which
 * x86 uses): multiply by GOLDEN_RATIO_32 and keep the top bits bits.
 */
static inline uint32_t lb_hash_32(uint32_t val, unsigned bits)
{
	return (uint32_t)(val * 0x61C88647u) >> (32 - bits);
}

/*
 * An address folded to 32 bits in host order, as dh, sh, mh, lblc and
 * lblcr do before hashing: the IPv4 address, or the XOR of an IPv6
 * address's four words (XORed in network order, then ntohl()).
 */
static inline uint32_t lb_addr_fold(uint16_t af, const struct ns_addr *a)
{
	uint32_t f = a->all[0];

	if (af == 10)
		f = a->all[0] ^ a->all[1] ^ a->all[2] ^ a->all[3];
	return ntohl(f);
}

/* ip_vs_addr_equal(): same address in family af. */
static inline bool lb_addr_equal(uint16_t af, const struct ns_addr *a,
				 const struct ns_addr *b)
{
	if (af == 10)
		return a->all[0] == b->all[0] && a->all[1] == b->all[1] &&
		       a->all[2] == b->all[2] && a->all[3] == b->all[3];
	return a->all[0] == b->all[0];
}

/* The kernel's gcd() for the positive weights wrr and mh reduce. */
static inline int lb_gcd(int a, int b)
{
	while (b) {
		int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* IP_VS_DEST_CF_AVAILABLE: linked in its service (cleared on unlink). */
static inline bool lb_dest_available(const struct lb_dest *d)
{
	return atomic_load_explicit(&d->flags, memory_order_relaxed) &
	       LB_DEST_F_AVAILABLE;
}

static inline int lb_dest_active(const struct lb_dest *d)
{
	return atomic_load_explicit(&d->activeconns, memory_order_relaxed);
}

static inline int lb_dest_inact(const struct lb_dest *d)
{
	return lb_dest_inactconns(d);
}

/*
 * The weighted least-loaded destination, the loop of wlc and of lblc's
 * and lblcr's fallback (the kernel has it four times): the first
 * destination not overloaded with a weight above 0 starts; each later one
 * not overloaded replaces it when overhead(least) * weight(it) >
 * overhead(it) * weight(least), in 64 bits (a weight of 0 never wins;
 * ties keep the earlier). overhead: lb_dest_conn_overhead, or sed's
 * active + 1. *ohp: the winner's overhead; *np (may be NULL): how many
 * were compared. NULL when none qualifies. Data path, under RCU.
 */
struct lb_dest *lb_sched_least_weighted(struct lb_service *svc,
					int (*overhead)(const struct lb_dest *),
					int *ohp, unsigned *np);

/*
 * Append "ADDR:PORT" ("[ADDR]:PORT" for IPv6), as ipvsadm -Ln shows a
 * real server, to why. why may be NULL (nothing happens).
 */
void lb_why_dest(struct sbuf *why, const struct lb_dest *d);
/* Append an address of family af (no port) to why; NULL: nothing. */
void lb_why_addr(struct sbuf *why, uint16_t af, const struct ns_addr *a);

/*
 * "NAME: MSG" into why (when not NULL) and lb_sched_err(): the common
 * "no destination available" ending of every scheduler. Returns NULL so
 * a schedule function can `return lb_sched_none(...)`.
 */
struct lb_dest *lb_sched_none(struct lb_service *svc, struct sbuf *why,
			      const char *name, const char *msg);

#endif
