/* SPDX-License-Identifier: MIT */
/*
 * The conntrack tool inside ctl: the text of one entry as Debian's
 * conntrack 1.4.7 prints it (conntrack_fmt.c) and the command itself
 * (conntrack.c). Control path; ctl-internal.
 */
#ifndef NS_CTL_CONNTRACK_H
#define NS_CTL_CONNTRACK_H

#include "base/sbuf.h"
#include "ct/ct.h"

#include <stdbool.h>
#include <stdint.h>

/* -o flags (conntrack's _O_*). */
enum ct_out {
	CT_OUT_EXTENDED = 1u << 0,   /* "ipv4     2 " before the protocol */
	CT_OUT_ID = 1u << 1,         /* "id=N" at the end */
	CT_OUT_SAVE = 1u << 2,       /* -o save: conntrack's own syntax */
	CT_OUT_TIMESTAMP = 1u << 3,  /* -E: "[sec.usec]\t" before a line */
	CT_OUT_XML = 1u << 4,
	CT_OUT_KTIMESTAMP = 1u << 5,
	CT_OUT_LABELS = 1u << 6,
	CT_OUT_USERSPACE = 1u << 7,
};

/* What formatting needs besides the entry. */
struct ct_fmt_env {
	uint64_t now;       /* engine clock (delta-time) */
	bool acct;          /* nf_conntrack_acct: packets= bytes= */
	unsigned use;       /* use=: 1 in a dump, 2 for -G (the lookup's
			     * reference, as the kernel); 0: none (events) */
};

/*
 * One entry as conntrack -L prints it (flags: CT_OUT_EXTENDED,
 * CT_OUT_ID), with the newline. For an event, env->use is 0 and the
 * "%9s " type column comes first (ct_fmt_event).
 */
void ct_fmt_entry(struct sbuf *sb, const struct ct_snap *s, unsigned flags,
		  const struct ct_fmt_env *env);
/* "-A -t ..." as conntrack -L -o save prints it, with the newline. */
void ct_fmt_save(struct sbuf *sb, const struct ct_snap *s);
/* One event line: "    [NEW] " + the entry without use=. */
void ct_fmt_event(struct sbuf *sb, enum ct_event type,
		  const struct ct_snap *s, unsigned flags,
		  const struct ct_fmt_env *env);

/* The protocol's name as conntrack prints it ("unknown" otherwise). */
const char *ct_fmt_proto_name(uint8_t proto);
/* TCP state names as printed (index 9 prints SYN_SENT2). */
const char *ct_fmt_tcp_state(unsigned state);
/* --state NAME (LISTEN is state 9): the state, or -1. */
int ct_fmt_tcp_state_parse(const char *name);

/*
 * The stable order netsieve lists in (doc/conntrack.md): protocol number,
 * original source address, source port, destination address, destination
 * port, zone, then id. qsort comparator over const struct ct_snap *.
 */
int ct_fmt_cmp(const void *a, const void *b);

#endif
