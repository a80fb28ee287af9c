// SPDX-License-Identifier: MIT
/*
 * TEMPORARY, until connection tracking's core (src/ct/core.c, table.c)
 * is merged: weak stand-ins for the ct.h functions NAT calls, so the
 * library links. Without tracking no packet has a pkt->ct and the NAT
 * hooks accept everything; ct_net_enable() succeeds so the nat table can
 * be created and listed. The real definitions override these; this file
 * goes when they arrive.
 */
#include "ct/ct.h"

#include <string.h>

__attribute__((weak)) bool ct_tuple_equal(const struct ct_tuple *a,
					  const struct ct_tuple *b)
{
	return a->src.family == b->src.family && a->src.ip == b->src.ip &&
	       a->dst.ip == b->dst.ip && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto;
}

__attribute__((weak)) bool ct_tuple_taken(struct net *net,
					  const struct ct_tuple *t,
					  uint16_t zone,
					  const struct ct_conn *ignore)
{
	(void)net;
	(void)t;
	(void)zone;
	(void)ignore;
	return false;
}

__attribute__((weak)) bool ct_kill(struct net *net, struct ct_conn *ct)
{
	(void)net;
	(void)ct;
	return false;
}

__attribute__((weak)) int ct_walk(struct net *net,
				  int (*fn)(void *priv, struct ct_conn *ct),
				  void *priv)
{
	(void)net;
	(void)fn;
	(void)priv;
	return 0;
}

__attribute__((weak)) int ct_net_enable(struct net *net)
{
	(void)net;
	return 0;
}
