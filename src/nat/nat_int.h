/* SPDX-License-Identifier: MIT */
/*
 * NAT's inside: the per-net state, tuple selection with its "is this
 * tuple taken" question injectable (tests ask their own), header
 * rewriting and ICMP-error translation. Shared by the files of src/nat/
 * and the unit tests; nothing outside src/nat includes it.
 */
#ifndef NS_NAT_NAT_INT_H
#define NS_NAT_NAT_INT_H

#include "nat/nat.h"

#include "core/net.h"

/* One table registered at a hook (nat_register_fn). */
struct nat_lookup {
	nat_table_fn fn;
	void *priv;
};

/*
 * Per-net NAT state (net->nat). Written under ctl_lock; the data path
 * reads lookup[] with RCU (an entry is freed after a grace period).
 */
struct nat_bysrc;

struct nat_net {
	struct net *net;
	struct nat_bysrc *bysrc;       /* bysrc.c */
	struct ns_hook_ops ops[4];
	int nops;
	struct nat_lookup *_Atomic lookup[NS_INET_NUMHOOKS];
};

/* net->nat, or NULL before nat_net_enable(). */
static inline struct nat_net *nat_net(const struct net *net)
{
	return atomic_load_explicit(&((struct net *)net)->nat,
				    memory_order_acquire);
}

/*
 * The by-source table (bysrc.c): created with the net's NAT state; add
 * an entry when its source manip is set up (unconfirmed, owned by the
 * caller's packet); find the mapping an existing connection of orig's
 * source has, as a tuple towards orig's destination, when it is in r.
 * nat_bysrc_start() installs the table's unlink hook (once).
 */
int nat_bysrc_init(struct nat_net *nn);
void nat_bysrc_fini(struct nat_net *nn);
void nat_bysrc_start(void);
void nat_bysrc_add(struct net *net, struct ct_conn *ct);
bool nat_bysrc_find(struct net *net, uint16_t zone,
		    const struct ct_tuple *orig, struct ct_tuple *result,
		    const struct nat_range *r);
/* nf_in_range(): is the source of t in r? (tuple.c) */
bool nat_in_range(const struct ct_tuple *t, const struct nat_range *r);

/* nf_ct_invert_tuple() for the protocols NAT knows (ICMP: reply type). */
void nat_invert_tuple(struct ct_tuple *out, const struct ct_tuple *in);

/*
 * Is candidate tuple t (the original direction as it would look after the
 * manip) in use by another connection than ct? The default asks conntrack
 * (ct_tuple_taken() on t's inverse: nf_nat_used_tuple).
 */
typedef bool (*nat_used_fn)(void *priv, struct net *net,
			    const struct ct_tuple *t,
			    const struct ct_conn *ct);
bool nat_used_tuple_ct(void *priv, struct net *net, const struct ct_tuple *t,
		       const struct ct_conn *ct);

/*
 * get_unique_tuple(): the tuple orig (ct's current original tuple as the
 * reply sees it) becomes *out, mapped into range for manip mt, unique by
 * used() when possible. Returns how many candidate tuples were asked
 * about. Data path; zone is ct's.
 */
unsigned nat_get_unique_tuple(struct net *net, struct ct_tuple *out,
			      const struct ct_tuple *orig,
			      const struct nat_range *range,
			      const struct ct_conn *ct, enum nat_manip_type mt,
			      nat_used_fn used, void *priv);

/* nat_setup_info() with the used() question given (tests). */
unsigned int nat_setup_info_with(struct net *net, struct ct_conn *ct,
				 const struct nat_range *range,
				 enum nat_manip_type mt, const struct pkt *pkt,
				 nat_used_fn used, void *priv);

/*
 * nf_nat_manip_pkt(): rewrite pkt, a packet of ct in direction dir, to
 * look like the inverse of the other direction. NS_ACCEPT or NS_DROP.
 * Refreshes pkt->desc.
 */
unsigned int nat_manip_pkt(struct pkt *pkt, const struct ct_conn *ct,
			   enum nat_manip_type mt, enum ct_dir dir);
/* nf_nat_packet(): nat_manip_pkt() when ct's status says so. */
unsigned int nat_packet(struct pkt *pkt, const struct ct_conn *ct,
			enum ct_info ctinfo, int hook);
/*
 * nf_nat_icmp_reply_translation(): an ICMP error about ct (ctinfo
 * RELATED or RELATED_REPLY): the quoted header and the outer one
 * translated, both checksums right. 1: go on, 0: drop.
 */
int nat_icmp_reply_translation(struct pkt *pkt, const struct ct_conn *ct,
			       enum ct_info ctinfo, int hook);

/*
 * helper.c: set conntrack's FTP and TFTP NAT hooks (process-wide, as the
 * kernel's nf_nat_ftp module does; idempotent). Control path.
 */
void nat_helpers_register(void);

/* masquerade.c: the address/device notifier, per process. */
int nat_masq_notifier_get(void);
void nat_masq_notifier_put(void);

#endif
