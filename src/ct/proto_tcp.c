// SPDX-License-Identifier: MIT
/*
 * The TCP tracker (the kernel's nf_conntrack_proto_tcp.c, 6.1): the state
 * machine as a table, window tracking after Guido van Rooij's "Real
 * Stateful TCP Packet Filtering in IP Filter" (every segment must
 * intersect the receiver's window, every (S)ACK must ack data seen), the
 * per-state timeouts with the retransmission and unacknowledged-data
 * caps, mid-stream pickup (nf_conntrack_tcp_loose), the liberal mode, and
 * the RST, SYN-reopen and RFC 5961 challenge-ACK rules. Data path: .new
 * runs on an entry no other thread sees yet; .packet takes the entry's
 * lock for the state update and touches only ct->proto.tcp, ct's status
 * bits (ASSURED) and its timeout, and reports [UPDATE] events (or kills
 * an entry a RST refused). .print runs on the control path.
 *
 * The kernel's log texts for invalid or ignored packets are returned in
 * *why, formatted into a per-thread buffer when they carry numbers.
 */
#include "ct/ct.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <netsieve/netsieve.h>

#include "base/compiler.h"
#include "base/sbuf.h"
#include "pkt/csum.h"
#include "pkt/pkt.h"

/* The "seen" flags of one direction (IP_CT_TCP_FLAG_*, uapi values). */
#define TCP_F_WINDOW_SCALE      0x01  /* sent the window scale option */
#define TCP_F_SACK_PERM         0x02  /* sent SACK permitted */
#define TCP_F_CLOSE_INIT        0x04  /* this side sent the first FIN */
#define TCP_F_BE_LIBERAL        0x08  /* window checks only warn */
#define TCP_F_DATA_UNACK        0x10  /* has data the peer did not ack */
#define TCP_F_MAXACK_SET        0x20  /* td_maxack holds a value */
/* last_flags only: */
#define TCP_F_EXP_CHALLENGE_ACK 0x40  /* a SYN in LAST_ACK may get one */
#define TCP_F_SIMULTANEOUS_OPEN 0x80  /* both sides sent a SYN */

/* TCP header flag bits (byte 13). */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

#define TCP_HDR_MIN 20
#define TCP_MAX_WSCALE 14

/* TCP options the tracker reads. */
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_WINDOW 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK 5
#define TCPOPT_TIMESTAMP 8
#define TCPOLEN_WINDOW 3
#define TCPOLEN_SACK_PERM 2
#define TCPOLEN_SACK_BASE 2
#define TCPOLEN_SACK_PERBLOCK 8
#define TCPOLEN_TIMESTAMP 10
#define TCPOLEN_TSTAMP_ALIGNED 12

/* Lowest acceptable (s)ack: this far below the receiver's td_end at least. */
#define MAXACKWINCONST 66000
#define MAXACKWINDOW(sender) \
	((sender)->td_maxwin > MAXACKWINCONST ? (sender)->td_maxwin : \
						 MAXACKWINCONST)

/* Which of RST/SYN/FIN/ACK a segment carries: the table's row. */
enum tcp_bit_set {
	TCP_SYN_SET,
	TCP_SYNACK_SET,
	TCP_FIN_SET,
	TCP_ACK_SET,
	TCP_RST_SET,
	TCP_NONE_SET,
};

/* What the window check decided (enum nf_ct_tcp_action). */
enum tcp_action {
	TCP_ACT_IGNORE,   /* let it pass, state untouched */
	TCP_ACT_INVALID,  /* INVALID */
	TCP_ACT_ACCEPT,   /* in window: update state */
};

static const char *const tcp_state_names[CT_TCP_MAX] = {
	[CT_TCP_NONE] = "NONE",
	[CT_TCP_SYN_SENT] = "SYN_SENT",
	[CT_TCP_SYN_RECV] = "SYN_RECV",
	[CT_TCP_ESTABLISHED] = "ESTABLISHED",
	[CT_TCP_FIN_WAIT] = "FIN_WAIT",
	[CT_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[CT_TCP_LAST_ACK] = "LAST_ACK",
	[CT_TCP_TIME_WAIT] = "TIME_WAIT",
	[CT_TCP_CLOSE] = "CLOSE",
	[CT_TCP_SYN_SENT2] = "SYN_SENT2",
};

#define sNO CT_TCP_NONE
#define sSS CT_TCP_SYN_SENT
#define sSR CT_TCP_SYN_RECV
#define sES CT_TCP_ESTABLISHED
#define sFW CT_TCP_FIN_WAIT
#define sCW CT_TCP_CLOSE_WAIT
#define sLA CT_TCP_LAST_ACK
#define sTW CT_TCP_TIME_WAIT
#define sCL CT_TCP_CLOSE
#define sS2 CT_TCP_SYN_SENT2
#define sIV CT_TCP_MAX     /* INVALID */
#define sIG CT_TCP_IGNORE  /* let through, remember it, keep the state */

/*
 * The state machine: tcp_conntracks[direction][segment kind][old state]
 * is the new state. We sit between the two ends and see every segment,
 * though one may still be lost after us; we track what the sender of
 * each segment must believe. IGNORE is for segments that are wrong for
 * our state but may be right for the ends (our entry may be stale): they
 * pass, and the answer they draw (a SYN/ACK or a RST) resynchronises us.
 * INVALID segments are ones no correct end sends in that state.
 */
static const uint8_t tcp_conntracks[CT_DIR_MAX][6][CT_TCP_MAX] = {
	[CT_DIR_ORIGINAL] = {
		/*         sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
		[TCP_SYN_SET] =
			{ sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
		/*
		 * SYN from the client:
		 *  NONE -> SYN_SENT     a new connection starts.
		 *  SYN_SENT -> SYN_SENT the SYN is sent again.
		 *  SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE_WAIT, LAST_ACK
		 *    -> IGNORE          a SYN on an open connection: either
		 *                       the server answers with a RST (we are
		 *                       in sync and the SYN is bogus) or with a
		 *                       SYN/ACK (our entry was stale).
		 *  TIME_WAIT -> SYN_SENT, CLOSE -> SYN_SENT
		 *                       the connection is reopened (RFC 1122);
		 *                       .packet turns this into a fresh entry.
		 *  SYN_SENT2 -> SYN_SENT2 a late copy of the client's SYN in a
		 *                       simultaneous open.
		 */
		[TCP_SYNACK_SET] =
			{ sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
		/*
		 * SYN/ACK from the client:
		 *  NONE -> INVALID      nothing to answer, nothing to pick up.
		 *  SYN_SENT -> INVALID  the client sent the SYN: it cannot
		 *                       also answer it.
		 *  SYN_RECV -> SYN_RECV a repeated SYN/ACK of a simultaneous
		 *                       open.
		 *  SYN_SENT2 -> SYN_RECV the client answers the server's SYN
		 *                       (simultaneous open).
		 *  any later state -> INVALID
		 */
		[TCP_FIN_SET] =
			{ sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/*
		 * FIN from the client:
		 *  NONE, SYN_SENT, SYN_SENT2 -> INVALID  no FIN before the
		 *                       server has answered the SYN.
		 *  SYN_RECV -> FIN_WAIT, ESTABLISHED -> FIN_WAIT
		 *                       the client closes first.
		 *  FIN_WAIT -> LAST_ACK the server had closed: both FINs seen
		 *                       (or the FIN is sent again).
		 *  CLOSE_WAIT -> LAST_ACK the other side's close was acked,
		 *                       now this one closes.
		 *  LAST_ACK -> LAST_ACK the FIN again.
		 *  TIME_WAIT -> TIME_WAIT, CLOSE -> CLOSE  nothing changes.
		 */
		[TCP_ACK_SET] =
			{ sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
		/*
		 * ACK from the client:
		 *  NONE -> ESTABLISHED  mid-stream pickup (loose only).
		 *  SYN_SENT -> INVALID, SYN_SENT2 -> INVALID  no SYN/ACK yet
		 *                       to acknowledge.
		 *  SYN_RECV -> ESTABLISHED the handshake's third segment.
		 *  ESTABLISHED -> ESTABLISHED data and acks.
		 *  FIN_WAIT -> CLOSE_WAIT the FIN of the server is acked.
		 *  CLOSE_WAIT -> CLOSE_WAIT more data or acks.
		 *  LAST_ACK -> TIME_WAIT the last FIN is acked (unless it is an
		 *                       RFC 5961 challenge ACK: see .packet).
		 *  TIME_WAIT -> TIME_WAIT the last ACK again.
		 *  CLOSE -> CLOSE       nothing changes.
		 */
		[TCP_RST_SET] =
			{ sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/*
		 * RST from the client:
		 *  NONE -> INVALID      a RST does not start a connection.
		 *  any other -> CLOSE   the connection is aborted (if the RST
		 *                       is in the window: see .packet).
		 */
		[TCP_NONE_SET] =
			{ sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
		/* No SYN, FIN, ACK or RST: INVALID in every state. */
	},
	[CT_DIR_REPLY] = {
		/*         sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
		[TCP_SYN_SET] =
			{ sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2 },
		/*
		 * SYN from the server:
		 *  NONE -> INVALID      cannot happen (no entry has no reply).
		 *  SYN_SENT -> SYN_SENT2 both sides open at once.
		 *  SYN_SENT2 -> SYN_SENT2 the server's SYN again.
		 *  SYN_RECV .. LAST_ACK -> INVALID  a server does not send a
		 *                       bare SYN on an open connection.
		 *  TIME_WAIT -> SYN_SENT the connection is reopened, the
		 *                       server now acting as client.
		 *  CLOSE -> INVALID
		 */
		[TCP_SYNACK_SET] =
			{ sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
		/*
		 * SYN/ACK from the server:
		 *  NONE -> INVALID
		 *  SYN_SENT -> SYN_RECV the usual answer to the SYN.
		 *  SYN_SENT2 -> SYN_RECV the answer in a simultaneous open.
		 *  SYN_RECV .. CLOSE -> IGNORE  a late copy, or the answer to a
		 *                       SYN we ignored: .packet resynchronises
		 *                       on the latter.
		 */
		[TCP_FIN_SET] =
			{ sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/*
		 * FIN from the server:
		 *  NONE, SYN_SENT, SYN_SENT2 -> INVALID  no FIN before the
		 *                       handshake has progressed.
		 *  SYN_RECV -> FIN_WAIT, ESTABLISHED -> FIN_WAIT
		 *                       the server closes first.
		 *  FIN_WAIT -> LAST_ACK both FINs seen.
		 *  CLOSE_WAIT -> LAST_ACK the second side closes.
		 *  LAST_ACK -> LAST_ACK the FIN again.
		 *  TIME_WAIT -> TIME_WAIT, CLOSE -> CLOSE  nothing changes.
		 */
		[TCP_ACK_SET] =
			{ sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
		/*
		 * ACK from the server:
		 *  NONE -> INVALID
		 *  SYN_SENT -> IGNORE, SYN_SENT2 -> IGNORE  maybe a half-open
		 *                       connection the server still believes
		 *                       in (or a challenge ACK to the SYN).
		 *  SYN_RECV -> SYN_RECV may answer a SYN sent again.
		 *  ESTABLISHED -> ESTABLISHED data and acks.
		 *  FIN_WAIT -> CLOSE_WAIT the client's FIN is acked.
		 *  CLOSE_WAIT -> CLOSE_WAIT more data or acks.
		 *  LAST_ACK -> TIME_WAIT the last FIN is acked (unless it is an
		 *                       RFC 5961 challenge ACK).
		 *  TIME_WAIT -> TIME_WAIT the last ACK again.
		 *  CLOSE -> CLOSE       nothing changes.
		 */
		[TCP_RST_SET] =
			{ sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/*
		 * RST from the server:
		 *  NONE -> INVALID
		 *  any other -> CLOSE   refused or aborted (window permitting).
		 */
		[TCP_NONE_SET] =
			{ sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
		/* No SYN, FIN, ACK or RST: INVALID in every state. */
	},
};

/* Flag combinations a valid segment may carry (PSH, ECE, CWR aside). */
static const uint8_t tcp_valid_flags[(TH_FIN | TH_SYN | TH_RST | TH_ACK |
				      TH_URG) + 1] = {
	[TH_SYN] = 1,
	[TH_SYN | TH_URG] = 1,
	[TH_SYN | TH_ACK] = 1,
	[TH_RST] = 1,
	[TH_RST | TH_ACK] = 1,
	[TH_FIN | TH_ACK] = 1,
	[TH_FIN | TH_ACK | TH_URG] = 1,
	[TH_ACK] = 1,
	[TH_ACK | TH_URG] = 1,
};

/* One segment, read once from the packet. */
struct tcp_seg {
	const uint8_t *th;   /* the TCP header */
	unsigned len;        /* TCP header + payload bytes */
	unsigned doff;       /* header length in bytes */
	uint32_t seq, ack;
	uint32_t end;        /* seq + payload + SYN + FIN */
	uint16_t win;        /* as sent (not scaled) */
	uint8_t flags;       /* TH_* */
};

static inline bool before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool after(uint32_t a, uint32_t b)
{
	return before(b, a);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* A sysctl as the data path reads it (it may change under us). */
#define SYSCTL(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

/* The timeout (seconds) for a state or CT_TCP_RETRANS / CT_TCP_UNACK. */
static unsigned tcp_timeout(const struct ct_sysctl *sc, unsigned idx)
{
	if (idx == CT_TCP_RETRANS)
		return SYSCTL(sc->tcp_timeout_max_retrans);
	if (idx == CT_TCP_UNACK)
		return SYSCTL(sc->tcp_timeout_unacknowledged);
	return SYSCTL(sc->tcp_timeout[idx]);
}

/*
 * The reason text for *why: the kernel's log message, formatted into a
 * buffer of this thread's (valid until this thread's next call).
 */
static _Thread_local char tcp_why_buf[128];

static NS_PRINTF(1, 2) const char *why_fmt(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tcp_why_buf, sizeof(tcp_why_buf), fmt, ap);
	va_end(ap);
	return tcp_why_buf;
}

/* Read the fixed header; false if there is no room for one. */
static bool tcp_seg_read(const struct pkt *pkt, struct tcp_seg *s)
{
	const uint8_t *th = pkt_l4(pkt);

	if (!th || pkt->l4_len < TCP_HDR_MIN)
		return false;
	s->th = th;
	s->len = pkt->l4_len;
	s->doff = (th[12] >> 4) * 4u;
	s->seq = get_be32(th + 4);
	s->ack = get_be32(th + 8);
	s->win = (uint16_t)(th[14] << 8 | th[15]);
	s->flags = th[13];
	/* segment_seq_plus_len(): what the segment occupies in seq space */
	s->end = s->seq + (s->len - s->doff) + !!(s->flags & TH_SYN) +
		 !!(s->flags & TH_FIN);
	return true;
}

static unsigned conntrack_index(const struct tcp_seg *s)
{
	if (s->flags & TH_RST)
		return TCP_RST_SET;
	if (s->flags & TH_SYN)
		return s->flags & TH_ACK ? TCP_SYNACK_SET : TCP_SYN_SET;
	if (s->flags & TH_FIN)
		return TCP_FIN_SET;
	if (s->flags & TH_ACK)
		return TCP_ACK_SET;
	return TCP_NONE_SET;
}

/* Is the TCP checksum of pkt wrong? */
static bool tcp_csum_bad(const struct pkt *pkt, const struct tcp_seg *s)
{
	const struct pkt_desc *d = &pkt->desc;
	uint32_t sum;

	if (pkt->csum_partial)
		return false;  /* CHECKSUM_PARTIAL: not summed yet, trusted */
	sum = csum_partial(s->th, s->len, 0);
	if (d->saddr.family == NS_PF_INET6) {
		uint32_t ph[2] = { htonl(s->len), htonl(6) };

		sum = csum_partial(d->saddr.ip6, 16, sum);
		sum = csum_partial(d->daddr.ip6, 16, sum);
		sum = csum_partial(ph, sizeof(ph), sum);
		return csum_fold(sum) != 0;
	}
	sum = csum_tcpudp_nofold(d->saddr.ip, d->daddr.ip, (uint16_t)s->len,
				 6, sum);
	return csum_fold(sum) != 0;
}

/*
 * tcp_error(): reject what no TCP sends. The checksum only for packets
 * from outside (the kernel checks it in PRE_ROUTING alone) and only when
 * nf_conntrack_checksum is on. Returns true (and *why) if invalid.
 */
static bool tcp_error(struct net *net, const struct pkt *pkt,
		      const struct tcp_seg *s, bool csum, const char **why)
{
	uint8_t f;

	if (s->doff < TCP_HDR_MIN || s->len < s->doff) {
		*why = "truncated packet";
		return true;
	}
	if (csum && !pkt->local_out && SYSCTL(ct_sysctl(net)->checksum) &&
	    tcp_csum_bad(pkt, s)) {
		*why = "bad checksum";
		return true;
	}
	f = s->flags & (uint8_t)~(TH_ECE | TH_CWR | TH_PSH);
	if (!tcp_valid_flags[f]) {
		*why = "invalid tcp flag combination";
		return true;
	}
	return false;
}

/*
 * tcp_options(): window scale and SACK permitted from a SYN's options
 * into st. A header without options leaves st as it is.
 */
static void tcp_options(const struct tcp_seg *s, struct ct_tcp_dir *st)
{
	const uint8_t *p = s->th + TCP_HDR_MIN;
	int length = (int)s->doff - TCP_HDR_MIN;

	if (length <= 0)
		return;
	st->td_scale = 0;
	st->flags &= TCP_F_BE_LIBERAL;
	while (length > 0) {
		int opcode = *p++;
		int opsize;

		if (opcode == TCPOPT_EOL)
			return;
		if (opcode == TCPOPT_NOP) {
			length--;
			continue;
		}
		if (length < 2)
			return;
		opsize = *p++;
		if (opsize < 2 || opsize > length)
			return;  /* silly or partial option */
		if (opcode == TCPOPT_SACK_PERM && opsize == TCPOLEN_SACK_PERM) {
			st->flags |= TCP_F_SACK_PERM;
		} else if (opcode == TCPOPT_WINDOW &&
			   opsize == TCPOLEN_WINDOW) {
			st->td_scale = *p > TCP_MAX_WSCALE ? TCP_MAX_WSCALE
							   : *p;
			st->flags |= TCP_F_WINDOW_SCALE;
		}
		p += opsize - 2;
		length -= opsize;
	}
}

/*
 * tcp_sack(): raise *sack to the highest right edge of the first SACK
 * option's blocks.
 */
static void tcp_sack(const struct tcp_seg *s, uint32_t *sack)
{
	const uint8_t *p = s->th + TCP_HDR_MIN;
	int length = (int)s->doff - TCP_HDR_MIN;

	if (length <= 0)
		return;
	/* the common timestamp-only header: NOP, NOP, TS */
	if (length == TCPOLEN_TSTAMP_ALIGNED &&
	    get_be32(p) == (TCPOPT_NOP << 24 | TCPOPT_NOP << 16 |
			    TCPOPT_TIMESTAMP << 8 | TCPOLEN_TIMESTAMP))
		return;
	while (length > 0) {
		int opcode = *p++;
		int opsize;

		if (opcode == TCPOPT_EOL)
			return;
		if (opcode == TCPOPT_NOP) {
			length--;
			continue;
		}
		if (length < 2)
			return;
		opsize = *p++;
		if (opsize < 2 || opsize > length)
			return;
		if (opcode == TCPOPT_SACK &&
		    opsize >= TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK &&
		    !((opsize - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK)) {
			for (int i = 0; i < opsize - TCPOLEN_SACK_BASE;
			     i += TCPOLEN_SACK_PERBLOCK) {
				uint32_t right = get_be32(p + i + 4);

				if (after(right, *sack))
					*sack = right;
			}
			return;
		}
		p += opsize - 2;
		length -= opsize;
	}
}

/*
 * A SYN/ACK answering the SYN, or the reply direction's SYN in a
 * simultaneous open: the sender's window starts here. Scaling counts only
 * if both sides offered it (RFC 1323), decided when the reply speaks.
 */
static void tcp_init_sender(struct ct_tcp_dir *sender,
			    struct ct_tcp_dir *receiver,
			    const struct tcp_seg *s, enum ct_dir dir)
{
	sender->td_end = sender->td_maxend = s->end;
	sender->td_maxwin = s->win ? s->win : 1;
	tcp_options(s, sender);
	if (dir == CT_DIR_REPLY &&
	    !(sender->flags & TCP_F_WINDOW_SCALE &&
	      receiver->flags & TCP_F_WINDOW_SCALE)) {
		sender->td_scale = 0;
		receiver->td_scale = 0;
	}
}

/*
 * nf_tcp_store_invalid(): a failed window check. In liberal mode (the
 * sysctl, or a picked-up connection) the packet is accepted silently.
 */
static enum tcp_action window_fail(struct net *net,
				   const struct ct_tcp_dir *sender,
				   enum tcp_action ret, const char *why,
				   const char **whyp)
{
	if (sender->flags & TCP_F_BE_LIBERAL ||
	    SYSCTL(ct_sysctl(net)->tcp_be_liberal))
		return TCP_ACT_ACCEPT;
	*whyp = why;
	return ret;
}

/*
 * tcp_in_window(): check the segment against the windows and update them
 * (td_end, td_maxend, td_maxwin, td_maxack) and the retransmission count.
 * Entry lock held.
 *
 * I.   seq <= sender.td_maxend (the data fits the receiver's window)
 * II.  seq + len >= sender.td_end - receiver.td_maxwin (not too old)
 * III. sack <= receiver.td_end (acks only data seen)
 * IV.  sack >= receiver.td_end - MAXACKWINDOW (not too old an ack)
 * sack: the highest SACK right edge, else the ack.
 */
static enum tcp_action tcp_in_window(struct net *net, struct ct_conn *ct,
				     enum ct_dir dir, unsigned index,
				     const struct tcp_seg *s,
				     const char **why)
{
	struct ct_tcp *state = &ct->proto.tcp;
	struct ct_tcp_dir *sender = &state->seen[dir];
	struct ct_tcp_dir *receiver = &state->seen[!dir];
	uint32_t seq = s->seq, ack = s->ack, sack = s->ack, end = s->end;
	uint32_t win = s->win, swin;
	int32_t receiver_offset;
	bool in_recv_win;

	if (receiver->flags & TCP_F_SACK_PERM)
		tcp_sack(s, &sack);
	/*
	 * NAT changed the length of the other side's data (seqadj): its
	 * seqs as we saw them are not what this ack counts in.
	 */
	receiver_offset = ct_seq_offset(net, ct, !dir, ack - 1);
	ack -= (uint32_t)receiver_offset;
	sack -= (uint32_t)receiver_offset;

	if (sender->td_maxwin == 0) {
		if (s->flags & TH_SYN) {
			tcp_init_sender(sender, receiver, s, dir);
			if (!(s->flags & TH_ACK))
				return TCP_ACT_ACCEPT;  /* simultaneous open */
		} else {
			/* Mid-stream: take what this segment tells. */
			sender->td_end = end;
			swin = win << sender->td_scale;
			sender->td_maxwin = swin ? swin : 1;
			sender->td_maxend = end + sender->td_maxwin;
			if (receiver->td_maxwin == 0) {
				/* The other side is silent so far: let
				 * its acks pass III and IV. */
				receiver->td_end = receiver->td_maxend = sack;
			} else if (sack == receiver->td_end + 1) {
				/* a keepalive's answer */
				receiver->td_end++;
			}
		}
	} else if (s->flags & TH_SYN && after(end, sender->td_end) &&
		   (state->state == CT_TCP_SYN_SENT ||
		    state->state == CT_TCP_SYN_RECV)) {
		/* A SYN(/ACK) sent again with higher seq or new options. */
		tcp_init_sender(sender, receiver, s, dir);
		if (dir == CT_DIR_REPLY && !(s->flags & TH_ACK))
			return TCP_ACT_ACCEPT;
	}

	if (!(s->flags & TH_ACK)) {
		ack = sack = receiver->td_end;
	} else if ((s->flags & (TH_ACK | TH_RST)) == (TH_ACK | TH_RST) &&
		   ack == 0) {
		/* stacks that send RST+ACK with ack 0 */
		ack = sack = receiver->td_end;
	}

	if (s->flags & TH_RST && seq == 0 && state->state == CT_TCP_SYN_SENT)
		seq = end = sender->td_end;  /* RST answering the SYN */

	if (!before(seq, sender->td_maxend + 1)) {
		uint32_t overshot = end - sender->td_maxend + 1;
		bool ack_ok;

		ack_ok = after(sack,
			       receiver->td_end - MAXACKWINDOW(sender) - 1);
		in_recv_win = receiver->td_maxwin &&
			      after(end, sender->td_end -
						 receiver->td_maxwin - 1);
		if (in_recv_win && ack_ok && overshot <= receiver->td_maxwin &&
		    before(sack, receiver->td_end + 1)) {
			/*
			 * More than the window allows, but otherwise fine:
			 * note the data so that the peer's ack of it is not
			 * found over the bound, and let it pass untracked.
			 */
			sender->td_end = end;
			sender->flags |= TCP_F_DATA_UNACK;
			return window_fail(net, sender, TCP_ACT_IGNORE,
				why_fmt("%u bytes more than expected",
					overshot), why);
		}
		return window_fail(net, sender, TCP_ACT_INVALID,
			why_fmt("SEQ is over upper bound %u (over the window "
				"of the receiver)", sender->td_maxend + 1),
			why);
	}

	if (!before(sack, receiver->td_end + 1))
		return window_fail(net, sender, TCP_ACT_INVALID,
			why_fmt("ACK is over upper bound %u (ACKed data not "
				"seen yet)", receiver->td_end + 1), why);

	in_recv_win = !receiver->td_maxwin ||
		      after(end, sender->td_end - receiver->td_maxwin - 1);
	if (!in_recv_win)
		return window_fail(net, sender, TCP_ACT_IGNORE,
			why_fmt("SEQ is under lower bound %u (already ACKed "
				"data retransmitted)",
				sender->td_end - receiver->td_maxwin - 1),
			why);
	if (!after(sack, receiver->td_end - MAXACKWINDOW(sender) - 1))
		return window_fail(net, sender, TCP_ACT_IGNORE,
			why_fmt("ignored ACK under lower bound %u (possible "
				"overly delayed)",
				receiver->td_end - MAXACKWINDOW(sender) - 1),
			why);

	if (!(s->flags & TH_SYN))
		win <<= sender->td_scale;

	/* the sender */
	swin = win + (sack - ack);
	if (sender->td_maxwin < swin)
		sender->td_maxwin = swin;
	if (after(end, sender->td_end)) {
		sender->td_end = end;
		sender->flags |= TCP_F_DATA_UNACK;
	}
	if (s->flags & TH_ACK) {
		if (!(sender->flags & TCP_F_MAXACK_SET)) {
			sender->td_maxack = ack;
			sender->flags |= TCP_F_MAXACK_SET;
		} else if (after(ack, sender->td_maxack)) {
			sender->td_maxack = ack;
		}
	}

	/* the receiver */
	if (receiver->td_maxwin != 0 && after(end, sender->td_maxend))
		receiver->td_maxwin += end - sender->td_maxend;
	if (after(sack + win, receiver->td_maxend - 1)) {
		receiver->td_maxend = sack + win;
		if (win == 0)
			receiver->td_maxend++;
	}
	if (ack == receiver->td_end)
		receiver->flags &= ~TCP_F_DATA_UNACK;

	/* the same bare ACK again: a retransmission */
	if (index == TCP_ACK_SET) {
		if (state->last_dir == dir && state->last_seq == seq &&
		    state->last_ack == ack && state->last_end == end &&
		    state->last_win == s->win) {
			state->retrans++;
		} else {
			state->last_dir = dir;
			state->last_seq = seq;
			state->last_ack = ack;
			state->last_end = end;
			state->last_win = s->win;
			state->retrans = 0;
		}
	}
	return TCP_ACT_ACCEPT;
}

/*
 * nf_tcp_handle_invalid(): an out-of-window FIN or RST on an assured
 * connection, the second in a row from the other side: the ends and we
 * disagree, so shorten a long timeout to the UNACK one rather than keep
 * a dead ESTABLISHED entry for days. Entry lock held. True if lowered.
 */
static bool tcp_handle_invalid(struct net *net, struct ct_conn *ct,
			       enum ct_dir dir, unsigned index, uint64_t now)
{
	struct ct_tcp *state = &ct->proto.tcp;
	uint64_t timeout, expires, left;

	if (!(ct_status(ct) & CT_S_ASSURED) ||
	    ct_status(ct) & CT_S_FIXED_TIMEOUT ||
	    ct->flags & CT_F_FIXED_TIMEOUT)
		return false;
	if (index != TCP_RST_SET && index != TCP_FIN_SET)
		return false;
	if (state->last_dir != dir && (state->last_index == TCP_FIN_SET ||
				       state->last_index == TCP_RST_SET)) {
		expires = atomic_load_explicit(&ct->timeout,
					       memory_order_relaxed);
		left = expires > now ? expires - now : 0;
		if (left < 120 * 1000000000ull)
			return false;
		timeout = (uint64_t)tcp_timeout(ct_sysctl(net), CT_TCP_UNACK) *
			  1000000000ull;
		if (left > timeout) {
			ct_refresh(net, ct, timeout);
			return true;
		}
	} else {
		state->last_index = (uint8_t)index;
		state->last_dir = (uint8_t)dir;
	}
	return false;
}

static bool tcp_can_early_drop(const struct ct_conn *ct)
{
	switch (__atomic_load_n(&ct->proto.tcp.state, __ATOMIC_RELAXED)) {
	case CT_TCP_FIN_WAIT:
	case CT_TCP_LAST_ACK:
	case CT_TCP_TIME_WAIT:
	case CT_TCP_CLOSE:
	case CT_TCP_CLOSE_WAIT:
		return true;
	default:
		return false;
	}
}

/* ESTABLISHED and ASSURED (nf_conntrack_tcp_established()). */
static bool tcp_established(const struct ct_conn *ct)
{
	return ct->proto.tcp.state == CT_TCP_ESTABLISHED &&
	       ct_status(ct) & CT_S_ASSURED;
}

/* Clear one direction's window (nf_ct_tcp_state_reset()). */
static void tcp_dir_reset(struct ct_tcp_dir *st)
{
	st->td_end = 0;
	st->td_maxend = 0;
	st->td_maxwin = 0;
	st->td_maxack = 0;
	st->td_scale = 0;
	st->flags &= TCP_F_BE_LIBERAL;
}

/*
 * tcp_new(): a SYN starts a connection; with nf_conntrack_tcp_loose any
 * segment the table lets start one (a bare ACK: mid-stream pickup, with
 * liberal window checks since the scaling is unknown). The entry is not
 * visible to other threads yet: no lock.
 */
static bool tcp_new(struct net *net, struct ct_conn *ct,
		    const struct pkt *pkt, const char **why)
{
	struct ct_tcp *state = &ct->proto.tcp;
	struct tcp_seg s;
	unsigned new_state;

	*why = NULL;
	if (!tcp_seg_read(pkt, &s))
		return false;
	if (tcp_error(net, pkt, &s, true, why))
		return false;
	new_state = tcp_conntracks[CT_DIR_ORIGINAL][conntrack_index(&s)]
				  [CT_TCP_NONE];
	if (new_state >= CT_TCP_MAX)
		return false;  /* the kernel logs nothing here */

	if (new_state == CT_TCP_SYN_SENT) {
		memset(state, 0, sizeof(*state));
		state->seen[0].td_end = s.end;
		state->seen[0].td_maxwin = s.win ? s.win : 1;
		state->seen[0].td_maxend = s.end;
		tcp_options(&s, &state->seen[0]);
	} else if (!SYSCTL(ct_sysctl(net)->tcp_loose)) {
		return false;
	} else {
		memset(state, 0, sizeof(*state));
		state->seen[0].td_end = s.end;
		state->seen[0].td_maxwin = s.win ? s.win : 1;
		state->seen[0].td_maxend = s.end + state->seen[0].td_maxwin;
		state->seen[0].flags = state->seen[1].flags =
			TCP_F_SACK_PERM | TCP_F_BE_LIBERAL;
	}
	state->last_index = TCP_NONE_SET;  /* .packet sets it */
	return true;
}

/*
 * IGNORE: let the segment pass without a state change, but remember it
 * (last_*): the answer it draws may resynchronise us. Returns true when
 * it is that answer already, a SYN/ACK to a SYN we ignored: then the
 * window of the SYN's side is taken from what we remembered and the
 * caller goes on with SYN_SENT -> SYN_RECV. Entry lock held.
 */
static bool tcp_ignored(struct ct_tcp *state, enum ct_dir dir,
			unsigned index, unsigned old_state,
			const struct tcp_seg *s)
{
	if (index == TCP_SYNACK_SET && state->last_index == TCP_SYN_SET &&
	    state->last_dir != dir && s->ack == state->last_end) {
		struct ct_tcp_dir *syn = &state->seen[state->last_dir];

		syn->td_end = syn->td_maxend = state->last_end;
		syn->td_maxwin = state->last_win ? state->last_win : 1;
		syn->td_scale = state->last_wscale;
		state->last_flags &= (uint8_t)~TCP_F_EXP_CHALLENGE_ACK;
		syn->flags = state->last_flags;
		tcp_dir_reset(&state->seen[dir]);
		return true;
	}
	state->last_index = (uint8_t)index;
	state->last_dir = (uint8_t)dir;
	state->last_seq = s->seq;
	state->last_end = s->end;
	state->last_win = s->win;

	if (index == TCP_SYN_SET && dir == CT_DIR_ORIGINAL) {
		/* a SYN: keep its options in case the server accepts it */
		struct ct_tcp_dir seen = { 0 };

		state->last_flags = state->last_wscale = 0;
		tcp_options(s, &seen);
		if (seen.flags & TCP_F_WINDOW_SCALE) {
			state->last_flags |= TCP_F_WINDOW_SCALE;
			state->last_wscale = seen.td_scale;
		}
		if (seen.flags & TCP_F_SACK_PERM)
			state->last_flags |= TCP_F_SACK_PERM;
		/*
		 * An RFC 5961 server answers it with a challenge ACK, which
		 * in LAST_ACK would look like the last ACK.
		 */
		if (old_state == CT_TCP_LAST_ACK)
			state->last_flags |= TCP_F_EXP_CHALLENGE_ACK;
	}
	/* maybe a challenge ACK to the SYN: its ack is the RST's seq */
	if (old_state == CT_TCP_SYN_SENT && index == TCP_ACK_SET &&
	    dir == CT_DIR_REPLY)
		state->last_ack = s->ack;
	return false;
}

/*
 * A RST moving the connection to CLOSE: is it believable? Returns 1 to
 * skip the window check (the RST answers a segment we let through), 0
 * to check the window, -1 if the RST is invalid. May keep the old state
 * in *new_state (a RST near but not at the expected seq: the end will
 * answer with a challenge ACK). Entry lock held.
 */
static int tcp_rst_check(struct net *net, struct ct_conn *ct,
			 enum ct_dir dir, unsigned old_state,
			 unsigned *new_state, const struct tcp_seg *s,
			 const char **why)
{
	struct ct_tcp *state = &ct->proto.tcp;

	/*
	 * Closing already: the tuple may have been reused, the window data
	 * is stale.
	 */
	if (tcp_can_early_drop(ct))
		return 1;

	if (state->seen[!dir].flags & TCP_F_MAXACK_SET &&
	    state->last_index != TCP_SYN_SET) {
		/* not established and seq 0: the answer to a SYN we let by */
		if (s->seq == 0 && !tcp_established(ct))
			return 0;
		if (before(s->seq, state->seen[!dir].td_maxack) &&
		    !SYSCTL(ct_sysctl(net)->tcp_ignore_invalid_rst)) {
			*why = "invalid rst";
			return -1;
		}
		if (!tcp_established(ct) ||
		    s->seq == state->seen[!dir].td_maxack)
			return 0;
		/* a RST right after this side's data, at its end */
		if (state->last_index == TCP_ACK_SET &&
		    state->last_dir == dir && s->seq == state->last_end)
			return 0;
		/* in the window but not exact: wait for the challenge ACK */
		*new_state = old_state;
	}
	if (((ct_status(ct) & CT_S_SEEN_REPLY &&
	      state->last_index == TCP_SYN_SET && state->last_dir != dir) ||
	     (!(ct_status(ct) & CT_S_ASSURED) &&
	      state->last_index == TCP_ACK_SET)) &&
	    s->ack == state->last_end) {
		/*
		 * The answer to a SYN (in window then) or to the ACK of a
		 * half-open connection we let by: it may ack what we
		 * ignored, so no window check.
		 */
		return 1;
	}
	/* the answer to a challenge ACK we let by in SYN_SENT */
	if (old_state == CT_TCP_SYN_SENT &&
	    state->last_index == TCP_ACK_SET &&
	    state->last_dir == CT_DIR_REPLY && s->seq == state->last_ack)
		return 1;
	return 0;
}

/* The timeout (seconds) after an accepted segment. Entry lock held. */
static unsigned tcp_pick_timeout(const struct ct_sysctl *sc,
				 const struct ct_tcp *state, unsigned index,
				 unsigned new_state)
{
	unsigned t = tcp_timeout(sc, new_state);

	if (state->retrans >= SYSCTL(sc->tcp_max_retrans) &&
	    t > tcp_timeout(sc, CT_TCP_RETRANS))
		return tcp_timeout(sc, CT_TCP_RETRANS);
	if (index == TCP_RST_SET)
		return tcp_timeout(sc, CT_TCP_CLOSE);
	if ((state->seen[0].flags | state->seen[1].flags) & TCP_F_DATA_UNACK &&
	    t > tcp_timeout(sc, CT_TCP_UNACK))
		return tcp_timeout(sc, CT_TCP_UNACK);
	if (state->last_win == 0 && t > tcp_timeout(sc, CT_TCP_RETRANS))
		return tcp_timeout(sc, CT_TCP_RETRANS);
	return t;
}

/* nf_conntrack_tcp_packet(). */
static int tcp_packet(struct net *net, struct ct_conn *ct, struct pkt *pkt,
		      enum ct_dir dir, enum ct_info ctinfo, uint64_t now,
		      const char **why)
{
	const struct ct_sysctl *sc = ct_sysctl(net);
	struct ct_tcp *state = &ct->proto.tcp;
	unsigned index, old_state, new_state, timeout;
	enum tcp_action res;
	struct tcp_seg s;
	uint32_t status;
	bool update;

	(void)ctinfo;
	*why = NULL;
	if (!tcp_seg_read(pkt, &s))
		return -1;
	/* An unconfirmed entry's packet went through .new: summed there. */
	if (tcp_error(net, pkt, &s, ct_is_confirmed(ct), why))
		return -1;

	ct_lock(ct);
	old_state = state->state;
	index = conntrack_index(&s);
	new_state = tcp_conntracks[dir][index][old_state];

	switch (new_state) {
	case CT_TCP_SYN_SENT:
		if (old_state < CT_TCP_TIME_WAIT)
			break;
		/*
		 * A SYN on a closed connection (TIME_WAIT, CLOSE): reopen it
		 * if it was closed by a FIN, or aborted by this side's RST.
		 * RFC 1122 lets a host do so from TIME_WAIT.
		 */
		if ((state->seen[dir].flags | state->seen[!dir].flags) &
			    TCP_F_CLOSE_INIT ||
		    (state->last_dir == dir &&
		     state->last_index == TCP_RST_SET)) {
			ct_unlock(ct);
			return NS_REPEAT;
		}
		/* otherwise: as a SYN on an open connection */
		__attribute__((fallthrough));
	case CT_TCP_IGNORE:
		if (tcp_ignored(state, dir, index, old_state, &s)) {
			old_state = CT_TCP_SYN_SENT;
			new_state = CT_TCP_SYN_RECV;
			break;
		}
		ct_unlock(ct);
		*why = why_fmt("packet (index %u) in dir %d ignored, state %s",
			       index, (int)dir, tcp_state_names[old_state]);
		return NS_ACCEPT;
	case CT_TCP_MAX:
		/* (no SYN proxy: its keep-alive exception does not apply) */
		ct_unlock(ct);
		*why = why_fmt("packet (index %u) in dir %d invalid, state %s",
			       index, (int)dir, tcp_state_names[old_state]);
		return -1;
	case CT_TCP_TIME_WAIT:
		/*
		 * The ACK that would take LAST_ACK to TIME_WAIT answers the
		 * SYN we let by in LAST_ACK: an RFC 5961 challenge ACK, not
		 * the ack of the last FIN.
		 */
		if (old_state == CT_TCP_LAST_ACK && index == TCP_ACK_SET &&
		    state->last_dir != dir &&
		    state->last_index == TCP_SYN_SET &&
		    state->last_flags & TCP_F_EXP_CHALLENGE_ACK) {
			state->last_flags &= (uint8_t)~TCP_F_EXP_CHALLENGE_ACK;
			ct_unlock(ct);
			*why = "challenge-ack ignored";
			return NS_ACCEPT;
		}
		break;
	case CT_TCP_SYN_SENT2:
		/* the table alone cannot follow a simultaneous open */
		state->last_flags |= TCP_F_SIMULTANEOUS_OPEN;
		break;
	case CT_TCP_SYN_RECV:
		/* simultaneous open: the reply's ACK completes it */
		if (dir == CT_DIR_REPLY && index == TCP_ACK_SET &&
		    state->last_flags & TCP_F_SIMULTANEOUS_OPEN)
			new_state = CT_TCP_ESTABLISHED;
		break;
	case CT_TCP_CLOSE:
		if (index != TCP_RST_SET)
			break;
		switch (tcp_rst_check(net, ct, dir, old_state, &new_state, &s,
				      why)) {
		case -1:
			ct_unlock(ct);
			return -1;
		case 1:
			goto in_window;
		default:
			break;
		}
		break;
	default:
		break;
	}

	res = tcp_in_window(net, ct, dir, index, &s, why);
	if (res == TCP_ACT_IGNORE) {
		ct_unlock(ct);
		return NS_ACCEPT;
	}
	if (res == TCP_ACT_INVALID) {
		/* the kernel logs "lowered timeout to UNACK" second */
		tcp_handle_invalid(net, ct, dir, index, now);
		ct_unlock(ct);
		return -1;
	}
in_window:
	state->last_index = (uint8_t)index;
	state->last_dir = (uint8_t)dir;
	__atomic_store_n(&state->state, (uint8_t)new_state, __ATOMIC_RELAXED);
	if (old_state != new_state && new_state == CT_TCP_FIN_WAIT)
		state->seen[dir].flags |= TCP_F_CLOSE_INIT;
	timeout = tcp_pick_timeout(sc, state, index, new_state);
	ct_unlock(ct);

	update = new_state != old_state;
	status = ct_status(ct);
	if (!(status & CT_S_SEEN_REPLY)) {
		/*
		 * No answer yet and now a RST: nothing was established,
		 * drop the entry at once (a common case: a refused port).
		 */
		if (s.flags & TH_RST) {
			if (ct_is_confirmed(ct))
				ct_kill(net, ct);
			return NS_ACCEPT;
		}
		/*
		 * A SYN sent again keeps the old timeout: a client or NAT
		 * reusing the port must not keep the entry alive forever.
		 */
		if (index == TCP_SYN_SET && old_state == CT_TCP_SYN_SENT)
			return NS_ACCEPT;
		/* picked up mid-stream, one side only: no five-day timeout */
		if (new_state == CT_TCP_ESTABLISHED &&
		    timeout > tcp_timeout(sc, CT_TCP_UNACK))
			timeout = tcp_timeout(sc, CT_TCP_UNACK);
	} else if (!(status & CT_S_ASSURED) &&
		   (old_state == CT_TCP_SYN_RECV ||
		    old_state == CT_TCP_ESTABLISHED) &&
		   new_state == CT_TCP_ESTABLISHED) {
		/*
		 * A valid ACK after the SYN/ACK, or an answer on a picked-up
		 * connection: the connection is real.
		 */
		ct_status_set(ct, CT_S_ASSURED);
		update = true;
	}
	ct_refresh(net, ct, (uint64_t)timeout * 1000000000ull);
	/*
	 * conntrack -E: one [UPDATE] for a new state or ASSURED (the
	 * kernel's IPCT_PROTOINFO / IPCT_ASSURED, delivered once per
	 * packet). An unconfirmed entry reports itself as [NEW] when
	 * confirmed; the packet that brings the first reply gets its
	 * [UPDATE] from the core (SEEN_REPLY), so not a second one here.
	 */
	if (update && ct_is_confirmed(ct) &&
	    (dir == CT_DIR_ORIGINAL || status & CT_S_SEEN_REPLY))
		ct_event_emit(net, ct, CT_EV_UPDATE);
	return NS_ACCEPT;
}

void ct_tcp_set_closing(struct net *net, struct ct_conn *ct)
{
	uint8_t old;

	if (ct_tuple_of(ct, CT_DIR_ORIGINAL)->proto != 6 ||
	    !ct_is_confirmed(ct))
		return;
	ct_lock(ct);
	old = ct->proto.tcp.state;
	__atomic_store_n(&ct->proto.tcp.state, CT_TCP_CLOSE, __ATOMIC_RELAXED);
	if (old == CT_TCP_CLOSE || ct_status(ct) & CT_S_FIXED_TIMEOUT) {
		ct_unlock(ct);
		return;
	}
	ct_refresh(net, ct,
		   (uint64_t)tcp_timeout(ct_sysctl(net), CT_TCP_CLOSE) *
			   1000000000ull);
	ct_unlock(ct);
	ct_event_emit(net, ct, CT_EV_UPDATE);
}

static bool tcp_pkt_to_tuple(const struct pkt *pkt, struct ct_tuple *t)
{
	if (!pkt_l4(pkt) || pkt->l4_len < 4)
		return false;
	t->sport = pkt->desc.sport;
	t->dport = pkt->desc.dport;
	return true;
}

static bool tcp_invert(struct ct_tuple *reply, const struct ct_tuple *orig)
{
	reply->sport = orig->dport;
	reply->dport = orig->sport;
	return true;
}

static void tcp_print(const struct ct_conn *ct, struct sbuf *sb)
{
	uint8_t st = __atomic_load_n(&ct->proto.tcp.state, __ATOMIC_RELAXED);

	sbuf_addc(sb, ' ');
	sbuf_adds(sb, st < CT_TCP_MAX ? tcp_state_names[st] : "NONE");
}

const struct ct_l4proto ct_proto_tcp = {
	.proto = 6,
	.name = "tcp",
	.pkt_to_tuple = tcp_pkt_to_tuple,
	.invert = tcp_invert,
	.new = tcp_new,
	.packet = tcp_packet,
	.print = tcp_print,
	.can_early_drop = tcp_can_early_drop,
};
