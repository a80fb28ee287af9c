// SPDX-License-Identifier: MIT
/*
 * The TFTP helper, as the kernel's nf_conntrack_tftp.c: a read or write
 * request (opcode 1 or 2) makes the server answer from a new port, so
 * the request's connection expects a UDP connection from the server's
 * address, any port, to the client's address and port (the reply tuple's
 * ends: after NAT, the client's mapped ones). Every packet of the
 * connection is looked at, the first one included (before it is
 * confirmed). With NAT, ct_nat_tftp_hook registers the expectation.
 * Data path.
 */
#include "ct/ct_int.h"

#include "pkt/parse.h"

#include <arpa/inet.h>

#define TFTP_PORT 69
#define TFTP_OPCODE_READ 1
#define TFTP_OPCODE_WRITE 2

static unsigned int tftp_help(struct net *net, struct pkt *pkt,
			      struct ct_conn *ct, enum ct_info ctinfo)
{
	unsigned int (*nat_tftp)(struct net *, struct pkt *, struct ct_conn *,
				 enum ct_info, struct ct_expect *);
	const uint8_t *l4 = pkt_l4(pkt);
	const struct ct_tuple *r = ct_tuple_of(ct, CT_DIR_REPLY);
	struct ct_expect exp;
	uint16_t opcode;

	if (!l4 || pkt->is_frag || pkt->l4_len < sizeof(struct ns_udphdr) + 2)
		return NS_ACCEPT;
	opcode = ntohs(ns_get16(l4 + sizeof(struct ns_udphdr)));
	if (opcode != TFTP_OPCODE_READ && opcode != TFTP_OPCODE_WRITE)
		return NS_ACCEPT;   /* DATA, ACK, ERROR, the rest */
	ct_expect_init(&exp, ct, 0, &r->src, &r->dst, 17, NULL, &r->dport);
	nat_tftp = atomic_load_explicit(&ct_nat_tftp_hook,
					memory_order_acquire);
	if (nat_tftp && (ct_status(ct) & CT_S_NAT_MASK))
		return nat_tftp(net, pkt, ct, ctinfo, &exp);
	if (ct_expect_related(net, &exp) != 0) {
		ct_trace(net, pkt, "ct: tftp: cannot add expectation");
		return NS_DROP;
	}
	return NS_ACCEPT;
}

static const struct ct_expect_policy tftp_policy[1] = {
	{ .max_expected = 1, .timeout = 5 * 60, .name = "tftp" },
};

const struct ct_helper ct_helper_tftp = {
	.name = "tftp",
	.proto = 17,
	.port = TFTP_PORT,
	.expect_class_max = 0,
	.expect_policy = tftp_policy,
	.help = tftp_help,
};
