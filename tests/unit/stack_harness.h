/* SPDX-License-Identifier: MIT */
/*
 * Test harness for the stack's unit tests: a capturing I/O backend
 * ("cap") that records every frame the stack transmits, and builders for
 * Ethernet/IPv4/ICMP/TCP/UDP/ARP frames with correct checksums.
 */
#ifndef NS_TEST_STACK_HARNESS_H
#define NS_TEST_STACK_HARNESS_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/net.h"
#include "io/io.h"
#include "pkt/csum.h"
#include "pkt/parse.h"
#include "stack/conf.h"
#include "stack/stack.h"

/* Helpers: not every test file uses every one. */
#define HARNESS static inline __attribute__((unused))

#define CAP_MAX 256

struct cap_frame {
	char ifname[NS_IFNAMSIZ];
	uint32_t len;
	uint8_t data[PKT_BUFSIZE];
	uint32_t id;
};

static struct cap_frame cap[CAP_MAX];
static int ncap;

HARNESS int cap_open(struct netdev *dev, const char *arg, int nqueues)
{
	(void)dev;
	(void)arg;
	(void)nqueues;
	return 0;
}

HARNESS int cap_tx(struct netdev *dev, const struct pkt *pkt)
{
	if (ncap < CAP_MAX) {
		snprintf(cap[ncap].ifname, sizeof(cap[ncap].ifname), "%s",
			 dev->name);
		cap[ncap].len = pkt->len;
		memcpy(cap[ncap].data, pkt->data, pkt->len);
		cap[ncap].id = pkt->id;
		ncap++;
	}
	return 0;
}

static const struct io_ops cap_ops __attribute__((unused)) = {
	.kind = "cap",
	.open = cap_open,
	.tx = cap_tx,
};

/*
 * Run data-path functions directly, as the net's worker of one would:
 * publish what this thread changed, take the snapshot. Device pointers
 * must be looked up after dp_enter().
 */
HARNESS void dp_enter(struct net *net)
{
	if (stack_draft_net == net)
		stack_conf_commit(net);
	ns_worker_enter(&net->inject, net->now_ns);
}

HARNESS void dp_leave(struct net *net)
{
	ns_worker_leave(&net->inject);
}

HARNESS void cap_reset(void)
{
	ncap = 0;
}

static const uint8_t PEER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x99 };
static const uint8_t PEER2_MAC[6] = { 0x02, 0, 0, 0, 0, 0x98 };

HARNESS uint32_t A(const char *s)
{
	struct in_addr in;

	inet_pton(AF_INET, s, &in);
	return in.s_addr;
}

/* Run a command; fail the test with its error text if rc != want. */
HARNESS int run(struct net *net, const char *line, char **outp)
{
	char *out = NULL, *err = NULL;
	int rc = ns_exec(net, line, &out, &err);

	if (rc)
		fprintf(stderr, "[%s] rc=%d err=%s", line, rc, err ? err : "");
	if (outp)
		*outp = out;
	else
		free(out);
	free(err);
	return rc;
}

struct frame {
	uint8_t b[PKT_BUFSIZE];
	uint32_t len;
};

HARNESS void eth_put(struct frame *f, const uint8_t *dst, const uint8_t *src,
		    uint16_t type)
{
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	f->b[12] = type >> 8;
	f->b[13] = type & 0xff;
	f->len = 14;
}

/* An IPv4 packet after an Ethernet header, payload copied in. */
HARNESS void ip_put(struct frame *f, uint32_t saddr, uint32_t daddr,
		   uint8_t proto, uint8_t ttl, uint16_t frag,
		   const void *payload, uint32_t plen)
{
	struct ns_iphdr *iph = (struct ns_iphdr *)(f->b + 14);

	memset(iph, 0, 20);
	iph->ver_ihl = 0x45;
	iph->tot_len = htons((uint16_t)(20 + plen));
	iph->id = htons(0x1234);
	iph->frag_off = htons(frag);
	iph->ttl = ttl;
	iph->protocol = proto;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->check = ip_fast_csum(iph, 5);
	memcpy(f->b + 34, payload, plen);
	f->len = 34 + plen;
}

HARNESS uint32_t icmp_build(uint8_t *buf, uint8_t type, uint8_t code,
			   uint32_t un, uint32_t datalen)
{
	struct ns_icmphdr *ih = (struct ns_icmphdr *)buf;
	uint32_t i;

	ih->type = type;
	ih->code = code;
	ih->checksum = 0;
	ih->un = un;
	for (i = 0; i < datalen; i++)
		buf[8 + i] = (uint8_t)i;
	ih->checksum = csum_fold(csum_partial(buf, 8 + datalen, 0));
	return 8 + datalen;
}

HARNESS uint32_t l4_csum(uint32_t s, uint32_t d, uint8_t proto,
			const void *p, uint32_t len)
{
	uint32_t sum = csum_partial(p, len, 0);

	return csum_fold(csum_tcpudp_nofold(s, d, (uint16_t)len, proto, sum));
}

HARNESS uint32_t tcp_build(uint8_t *buf, uint32_t s, uint32_t d,
			  uint16_t sport, uint16_t dport, uint32_t seq,
			  uint32_t ack, uint8_t flags, uint32_t datalen)
{
	struct ns_tcphdr *th = (struct ns_tcphdr *)buf;

	memset(buf, 0, 20 + datalen);
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff_res = 5 << 4;
	th->flags = flags;
	th->window = htons(512);
	th->check = (uint16_t)l4_csum(s, d, 6, buf, 20 + datalen);
	return 20 + datalen;
}

HARNESS uint32_t udp_build(uint8_t *buf, uint32_t s, uint32_t d,
			  uint16_t sport, uint16_t dport, uint32_t datalen)
{
	struct ns_udphdr *uh = (struct ns_udphdr *)buf;

	memset(buf, 0, 8 + datalen);
	uh->source = htons(sport);
	uh->dest = htons(dport);
	uh->len = htons((uint16_t)(8 + datalen));
	uh->check = (uint16_t)l4_csum(s, d, 17, buf, 8 + datalen);
	if (!uh->check)
		uh->check = 0xffff;
	return 8 + datalen;
}

HARNESS void arp_put(struct frame *f, const uint8_t *eth_dst,
		    const uint8_t *sha, uint16_t op, uint32_t sip,
		    const uint8_t *tha, uint32_t tip)
{
	struct ns_arphdr *ah = (struct ns_arphdr *)(f->b + 14);

	eth_put(f, eth_dst, sha, NS_ETHTYPE_ARP);
	ah->hrd = htons(1);
	ah->pro = htons(0x0800);
	ah->hln = 6;
	ah->pln = 4;
	ah->op = htons(op);
	memcpy(ah->sha, sha, 6);
	ah->sip = sip;
	memcpy(ah->tha, tha, 6);
	ah->tip = tip;
	f->len = 14 + 28;
}

HARNESS uint64_t drops(struct net *net, enum drop_reason r)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < NS_MAX_WORKERS; i++)
		n += net->stats[i].drops[r];
	return n;
}

HARNESS const struct ns_iphdr *cap_iph(int i)
{
	return (const struct ns_iphdr *)(cap[i].data + 14);
}

HARNESS const uint8_t *cap_l4(int i)
{
	return cap[i].data + 14 + iph_hlen(cap_iph(i));
}

#endif
