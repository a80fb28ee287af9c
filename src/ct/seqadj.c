// SPDX-License-Identifier: MIT
/*
 * Sequence adjustment and payload mangling, as the kernel's
 * nf_conntrack_seqadj.c and the mangling half of nf_nat_helper.c: when
 * a helper's NAT half rewrites an address in a TCP payload with text of
 * another length, the sender's later sequence numbers (and the acks and
 * SACK blocks coming back) are shifted for the rest of the connection.
 * The offsets live in the entry's helper extension, under the entry's
 * lock. Data path: packets are changed in place; a packet grows only
 * into its own buffer's tailroom.
 */
#include "ct/ct_int.h"

#include "pkt/csum.h"
#include "pkt/gso.h"
#include "pkt/parse.h"

#include <arpa/inet.h>
#include <string.h>

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_SACK 5
#define TCPOLEN_SACK_PERBLOCK 8
/* The checksum field (a packed member: no pointer to it). */
#define TH_CHECK(th) ((uint8_t *)(th) + 16)

static bool after(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) < 0;
}

static bool before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static struct ct_seqadj *seqadj_of(struct net *net, const struct ct_conn *ct)
{
	struct ct_net *cn = ct_net(net);
	struct ct_help *h = cn ? ct_help_of(cn, ct) : NULL;

	return h ? h->seq : NULL;
}

int ct_seqadj_init(struct net *net, struct ct_conn *ct, enum ct_info ctinfo,
		   int32_t off)
{
	struct ct_seqadj *sa = seqadj_of(net, ct);
	struct ct_seqadj *way;

	if (off == 0)
		return 0;
	if (!sa)
		return -ENOENT;
	ct_lock(ct);
	ct_status_set(ct, CT_S_SEQ_ADJUST);
	way = &sa[ct_info_dir(ctinfo)];
	way->offset_before = off;
	way->offset_after = off;
	ct_unlock(ct);
	return 0;
}

int ct_seqadj_set(struct net *net, struct ct_conn *ct, enum ct_info ctinfo,
		  uint32_t seq, int32_t off)
{
	struct ct_seqadj *sa = seqadj_of(net, ct);
	struct ct_seqadj *way;

	if (off == 0)
		return 0;
	if (!sa)
		return -ENOENT;
	ct_status_set(ct, CT_S_SEQ_ADJUST);
	ct_lock(ct);
	way = &sa[ct_info_dir(ctinfo)];
	if (way->offset_before == way->offset_after ||
	    before(way->correction_pos, ntohl(seq))) {
		way->correction_pos = ntohl(seq);
		way->offset_before = way->offset_after;
		way->offset_after += off;
	}
	ct_unlock(ct);
	return 0;
}

int32_t ct_seq_offset(struct net *net, const struct ct_conn *ct,
		      enum ct_dir dir, uint32_t seq)
{
	struct ct_seqadj *sa;

	if (!(ct_status(ct) & CT_S_SEQ_ADJUST))
		return 0;
	sa = seqadj_of(net, ct);
	if (!sa)
		return 0;
	return after(seq, sa[dir].correction_pos) ? sa[dir].offset_after :
						    sa[dir].offset_before;
}

/* A field covered by the TCP checksum changed (not in the pseudo-header:
 * nothing to do when the device sums it). */
static void csum_field4(const struct pkt *pkt, void *check,
			uint32_t from, uint32_t to)
{
	uint16_t sum;

	if (pkt->csum_partial)
		return;
	memcpy(&sum, check, 2);
	csum_replace4(&sum, from, to);
	memcpy(check, &sum, 2);
}

static uint32_t adjusted(uint32_t v, const struct ct_seqadj *way)
{
	if (after(v - (uint32_t)way->offset_before, way->correction_pos))
		return v - (uint32_t)way->offset_after;
	return v - (uint32_t)way->offset_before;
}

/* nf_ct_sack_adjust(): the SACK blocks acknowledge the other way. */
static bool sack_adjust(struct pkt *pkt, struct ns_tcphdr *th,
			unsigned doff, const struct ct_seqadj *way)
{
	uint8_t *opt = (uint8_t *)(th + 1), *end = (uint8_t *)th + doff;

	while (opt < end) {
		if (opt[0] == TCPOPT_EOL)
			return true;
		if (opt[0] == TCPOPT_NOP) {
			opt++;
			continue;
		}
		if (opt + 1 == end || opt + opt[1] > end || opt[1] < 2)
			return false;
		if (opt[0] == TCPOPT_SACK &&
		    opt[1] >= 2 + TCPOLEN_SACK_PERBLOCK &&
		    (opt[1] - 2) % TCPOLEN_SACK_PERBLOCK == 0) {
			uint8_t *b;

			for (b = opt + 2; b < opt + opt[1]; b += 4) {
				uint32_t old = ns_get32(b);
				uint32_t new = htonl(adjusted(ntohl(old), way));

				csum_field4(pkt, TH_CHECK(th), old, new);
				memcpy(b, &new, 4);
			}
		}
		opt += opt[1];
	}
	return true;
}

bool ct_seq_adjust(struct net *net, struct pkt *pkt, struct ct_conn *ct,
		   enum ct_info ctinfo)
{
	struct ct_seqadj *sa = seqadj_of(net, ct);
	enum ct_dir dir = ct_info_dir(ctinfo);
	struct ns_tcphdr *th = (struct ns_tcphdr *)pkt_l4(pkt);
	const struct ct_seqadj *this_way, *other_way;
	uint32_t seq, newseq, ack, newack;
	unsigned doff;
	int32_t off;
	bool ok = true;

	if (!sa || pkt->desc.proto != 6)
		return true;
	if (!th || pkt->l4_len < sizeof(*th))
		return false;
	doff = (unsigned)(th->doff_res >> 4) * 4;
	if (doff < sizeof(*th) || doff > pkt->l4_len)
		return false;
	this_way = &sa[dir];
	other_way = &sa[!dir];
	ct_lock(ct);
	seq = ns_get32(&th->seq);
	off = after(ntohl(seq), this_way->correction_pos) ?
	      this_way->offset_after : this_way->offset_before;
	newseq = htonl(ntohl(seq) + (uint32_t)off);
	csum_field4(pkt, TH_CHECK(th), seq, newseq);
	memcpy(&th->seq, &newseq, 4);
	if (th->flags & 0x10) {     /* ACK */
		ack = ns_get32(&th->ack_seq);
		newack = htonl(adjusted(ntohl(ack), other_way));
		csum_field4(pkt, TH_CHECK(th), ack, newack);
		memcpy(&th->ack_seq, &newack, 4);
		ok = sack_adjust(pkt, th, doff, other_way);
	}
	ct_unlock(ct);
	return ok;
}

bool ct_mangle_tcp_packet(struct net *net, struct pkt *pkt,
			  struct ct_conn *ct, enum ct_info ctinfo,
			  unsigned match_off, unsigned match_len,
			  const char *rep, unsigned rep_len)
{
	struct ns_iphdr *iph = pkt_iph(pkt);
	struct ns_tcphdr *th = (struct ns_tcphdr *)pkt_l4(pkt);
	uint8_t *data, *tail;
	unsigned doff, datalen, iplen, tcplen, room;
	uint16_t sum;

	if (!th || pkt->l4_len < sizeof(*th) || pkt->is_frag)
		return false;
	doff = (unsigned)(th->doff_res >> 4) * 4;
	if (doff < sizeof(*th) || doff > pkt->l4_len)
		return false;
	datalen = pkt->l4_len - doff;
	if (match_off > datalen || match_len > datalen - match_off)
		return false;
	/* Bytes past the IP datagram (Ethernet padding) are dropped: the
	 * packet ends where its IP length says. */
	pkt->len = pkt->l4_off + pkt->l4_len;
	room = pkt_max_frame(pkt) - (pkt->len + pkt_headroom(pkt) -
				     PKT_HEADROOM);
	if (rep_len > match_len && rep_len - match_len > room)
		return false;
	/* A checksum left to the device is done here first: the payload
	 * and the length change under it. */
	if (pkt->csum_partial && !pkt_is_gso(pkt) && pkt_csum_help(pkt))
		return false;
	data = (uint8_t *)th + doff;
	tail = data + match_off + match_len;
	memmove(data + match_off + rep_len, tail,
		datalen - match_off - match_len);
	memcpy(data + match_off, rep, rep_len);
	pkt->len = pkt->len - match_len + rep_len;
	pkt->l4_len = (uint16_t)(pkt->l4_len - match_len + rep_len);
	iplen = pkt->len - pkt->l3_off;
	tcplen = pkt->l4_len;
	/* The IP length and header checksum. */
	sum = htons((uint16_t)iplen);
	memcpy(&iph->tot_len, &sum, 2);
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ver_ihl & 0x0f);
	/* nf_nat_csum_recalc(): the TCP checksum over the new length. */
	th->check = 0;
	if (pkt->csum_partial) {
		sum = (uint16_t)~csum_fold(csum_tcpudp_nofold(iph->saddr,
				iph->daddr, (uint16_t)tcplen, 6, 0));
	} else {
		sum = csum_fold(csum_tcpudp_nofold(iph->saddr, iph->daddr,
				(uint16_t)tcplen, 6,
				csum_partial(th, tcplen, 0)));
	}
	th->check = sum;
	if (rep_len != match_len) {
		ct_status_set(ct, CT_S_SEQ_ADJUST);
		ct_seqadj_set(net, ct, ctinfo, ns_get32(&th->seq),
			      (int32_t)rep_len - (int32_t)match_len);
	}
	return true;
}
