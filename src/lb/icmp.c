// SPDX-License-Identifier: MIT
/*
 * ICMP errors about load-balanced connections (ip_vs_in_icmp,
 * ip_vs_out_icmp, ip_vs_nat_icmp): a destination unreachable, source
 * quench or time exceeded that quotes a packet of an IPVS connection
 * follows the connection. From the client's side (quoting virtual to
 * client) it goes to the real server, rewritten for NAT; from the real
 * server's side (quoting client to real server) it goes to the client with
 * the virtual address put back, outside and inside. The ICMP checksum is
 * recomputed, as the kernel does. Other ICMP is not IPVS's. Data path.
 */
#include "lb/lb_int.h"

#include <arpa/inet.h>
#include <string.h>

#include "ct/ct.h"
#include "pkt/csum.h"
#include "pkt/parse.h"
#include "stack/stack.h"

#define ICMP_DEST_UNREACH 3
#define ICMP_SOURCE_QUENCH 4
#define ICMP_TIME_EXCEEDED 11

/* The quoted packet: its header and where its ports are. */
struct quoted {
	uint8_t *iph;          /* inner IPv4 header */
	uint8_t *ports;        /* inner source and destination ports */
	uint8_t protocol;
	struct ns_addr saddr, daddr;
	uint16_t sport, dport;
};

static bool parse_quoted(struct pkt *pkt, struct quoted *q)
{
	uint8_t *icmp = pkt_l4(pkt);
	uint32_t ihl;

	if (!icmp || pkt->l4_len < 8 + 20 + 8)
		return false;
	if (icmp[0] != ICMP_DEST_UNREACH && icmp[0] != ICMP_SOURCE_QUENCH &&
	    icmp[0] != ICMP_TIME_EXCEEDED)
		return false;
	q->iph = icmp + 8;
	if ((q->iph[0] >> 4) != 4)
		return false;
	ihl = (uint32_t)(q->iph[0] & 15) * 4;
	if (ihl < 20 || pkt->l4_len < 8 + ihl + 8)
		return false;
	/* Only the first fragment quotes ports. */
	if ((ntohs(*(uint16_t *)(q->iph + 6)) & 0x1fff) != 0)
		return false;
	q->protocol = q->iph[9];
	if (q->protocol != 6 && q->protocol != 17)
		return false;
	q->ports = q->iph + ihl;
	q->saddr = ns_addr4(ns_get32(q->iph + 12));
	q->daddr = ns_addr4(ns_get32(q->iph + 16));
	memcpy(&q->sport, q->ports, 2);
	memcpy(&q->dport, q->ports + 2, 2);
	return true;
}

static void ip_check(uint8_t *iph)
{
	uint16_t sum;

	memset(iph + 10, 0, 2);
	sum = ip_fast_csum(iph, iph[0] & 15);
	memcpy(iph + 10, &sum, 2);
}

static void icmp_check(struct pkt *pkt)
{
	uint8_t *icmp = pkt_l4(pkt);
	uint16_t sum;

	if (!icmp)
		return;
	memset(icmp + 2, 0, 2);
	sum = csum_fold(csum_partial(icmp, pkt->l4_len, 0));
	memcpy(icmp + 2, &sum, 2);
	pkt->csum_partial = false;
}

/* ip_vs_nat_icmp(): out: towards the client; else towards the server. */
static void nat_icmp(struct pkt *pkt, struct quoted *q,
		     const struct lb_conn *cp, bool out)
{
	uint8_t *iph = pkt_l3(pkt);

	if (out) {
		memcpy(iph + 12, &cp->vaddr.ip, 4);
		memcpy(q->iph + 16, &cp->vaddr.ip, 4);
		memcpy(q->ports + 2, &cp->vport, 2);
	} else {
		memcpy(iph + 16, &cp->daddr.ip, 4);
		memcpy(q->iph + 12, &cp->daddr.ip, 4);
		memcpy(q->ports, &cp->dport, 2);
	}
	ip_check(iph);
	ip_check(q->iph);
	icmp_check(pkt);
	pkt_set_ipv4_offsets(pkt);
}

unsigned lb_in_icmp(struct lb_net *ln, struct pkt *pkt, int hook,
		    bool *related)
{
	struct lb_conn *cp;
	struct quoted q;

	*related = false;
	if (!parse_quoted(pkt, &q))
		return NS_ACCEPT;
	/* The quoted packet went from the virtual service to the client. */
	cp = lb_conn_in_get(ln, q.protocol, &q.daddr, q.dport, &q.saddr,
			    q.sport);
	if (!cp && ln->sysctl.schedule_icmp) {
		/*
		 * schedule_icmp (ip_vs_try_to_schedule() with the quoted
		 * header inverted): an error about a packet of a virtual
		 * service that has no connection here (a real server
		 * answered directly) gets one, so it reaches a real server.
		 */
		struct lb_service *svc;
		struct lb_iph iph = {
			.af = 2, .protocol = q.protocol,
			.saddr = q.daddr, .sport = q.dport,
			.daddr = q.saddr, .dport = q.sport,
		};
		int ignored;

		svc = lb_service_find(ln, 2, pkt->mark, q.protocol, &q.saddr,
				      q.sport);
		if (!svc)
			return NS_ACCEPT;
		cp = lb_schedule(ln, svc, &iph, pkt->mark, &ignored, NULL);
		if (!cp)
			return ignored > 0 ? NS_ACCEPT : NS_DROP;
	}
	if (!cp)
		return NS_ACCEPT;
	*related = true;
	if ((cp->flags & LB_FWD_MASK) == LB_FWD_MASQ)
		nat_icmp(pkt, &q, cp, false);
	return lb_xmit_icmp(ln, pkt, cp, hook);
}

unsigned lb_out_icmp(struct lb_net *ln, struct pkt *pkt, bool *related)
{
	struct lb_conn *cp;
	struct quoted q;

	*related = false;
	if (!parse_quoted(pkt, &q))
		return NS_ACCEPT;
	/* The quoted packet went from the client to the real server. */
	cp = lb_conn_out_get(ln, q.protocol, &q.daddr, q.dport, &q.saddr,
			     q.sport);
	if (!cp)
		return NS_ACCEPT;
	*related = true;
	if ((cp->flags & LB_FWD_MASK) == LB_FWD_MASQ)
		nat_icmp(pkt, &q, cp, true);
	pkt->ipvs_property = true;
	if (!(cp->flags & LB_CONN_F_NFCT)) {
		pkt_ct_drop(pkt);
		pkt->ctinfo = CT_UNTRACKED;
	}
	return NS_ACCEPT;
}
