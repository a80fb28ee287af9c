// SPDX-License-Identifier: MIT
/*
 * IPVS's TCP (ip_vs_proto_tcp.c): the state table per direction (input
 * from the client, output from a NAT real server, input-only for
 * DR/TUN/NAT before the server answered), the secure_tcp table, timeouts
 * per state and the active/inactive bookkeeping of the real server. This
 * is IPVS's own coarse view of TCP, not conntrack's: no windows, no
 * sequence checks. Data path under cp->lock.
 */
#include "lb/lb_int.h"

#define sNO LB_TCP_S_NONE
#define sES LB_TCP_S_ESTABLISHED
#define sSS LB_TCP_S_SYN_SENT
#define sSR LB_TCP_S_SYN_RECV
#define sFW LB_TCP_S_FIN_WAIT
#define sTW LB_TCP_S_TIME_WAIT
#define sCL LB_TCP_S_CLOSE
#define sCW LB_TCP_S_CLOSE_WAIT
#define sLA LB_TCP_S_LAST_ACK
#define sLI LB_TCP_S_LISTEN
#define sSA LB_TCP_S_SYNACK

static const unsigned tcp_timeouts[LB_TCP_S_LAST + 1] = {
	[LB_TCP_S_NONE] = 2,
	[LB_TCP_S_ESTABLISHED] = 15 * 60,
	[LB_TCP_S_SYN_SENT] = 2 * 60,
	[LB_TCP_S_SYN_RECV] = 60,
	[LB_TCP_S_FIN_WAIT] = 2 * 60,
	[LB_TCP_S_TIME_WAIT] = 2 * 60,
	[LB_TCP_S_CLOSE] = 10,
	[LB_TCP_S_CLOSE_WAIT] = 60,
	[LB_TCP_S_LAST_ACK] = 30,
	[LB_TCP_S_LISTEN] = 2 * 60,
	[LB_TCP_S_SYNACK] = 120,
	[LB_TCP_S_LAST] = 2,
};

static const char *const names[LB_TCP_S_LAST + 1] = {
	"NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
	"BUG!",
};

/* Which states count as active connections of the real server. */
static const bool active[LB_TCP_S_LAST] = {
	[LB_TCP_S_ESTABLISHED] = true,
	[LB_TCP_S_SYN_SENT] = true,
	[LB_TCP_S_SYN_RECV] = true,
	[LB_TCP_S_SYNACK] = true,
};

/* [direction * 4 + syn/fin/ack/rst][state]: the next state. */
static const uint8_t states[12][LB_TCP_S_LAST] = {
	/* INPUT: sNO sES sSS sSR sFW sTW sCL sCW sLA sLI sSA */
	{ sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },  /* syn */
	{ sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW },  /* fin */
	{ sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },  /* ack */
	{ sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR },  /* rst */
	/* OUTPUT */
	{ sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR },
	{ sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW },
	{ sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES },
	{ sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL },
	/* INPUT-ONLY */
	{ sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
	{ sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW },
	{ sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
	{ sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL },
};

/* secure_tcp (tcp_states_dos): SYN floods do not reach ESTABLISHED. */
static const uint8_t states_dos[12][LB_TCP_S_LAST] = {
	{ sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSA },
	{ sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sSA },
	{ sES, sES, sSS, sSR, sFW, sTW, sCL, sCW, sCL, sLI, sSA },
	{ sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL },
	{ sSS, sES, sSS, sSA, sSS, sSS, sSS, sSS, sSS, sLI, sSA },
	{ sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW },
	{ sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES },
	{ sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL },
	{ sSA, sES, sES, sSR, sSA, sSA, sSA, sSA, sSA, sSA, sSA },
	{ sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW },
	{ sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
	{ sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL },
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

/* tcp_state_idx(): rst, then syn, fin, ack; -1 for none of them. */
static int state_idx(uint8_t fl)
{
	if (fl & TH_RST)
		return 3;
	if (fl & TH_SYN)
		return 0;
	if (fl & TH_FIN)
		return 1;
	if (fl & TH_ACK)
		return 2;
	return -1;
}

static const char *tcp_state_name(unsigned s)
{
	return s <= LB_TCP_S_LAST ? names[s] : "ERR!";
}

static void tcp_state_transition(struct lb_net *ln, struct lb_conn *cp,
				 enum lb_dir dir, const uint8_t *l4,
				 uint32_t l4len)
{
	unsigned off = dir * 4, ns = LB_TCP_S_CLOSE;
	const uint8_t (*tab)[LB_TCP_S_LAST];
	int idx;

	if (l4len < 14)
		return;
	/* update_defense_level(): 3 always; 1 and 2 only under memory
	 * pressure, which netsieve does not have (its table is reserved). */
	tab = ln->sysctl.secure_tcp == 3 ? states_dos : states;
	pthread_spin_lock(&cp->lock);
	/* No reply seen yet: input-only; an output packet ends that. */
	if (cp->flags & LB_CONN_F_NOOUTPUT) {
		if (dir == LB_DIR_OUTPUT)
			cp->flags &= ~LB_CONN_F_NOOUTPUT;
		else
			off = LB_DIR_INPUT_ONLY * 4;
	}
	idx = state_idx(l4[13]);
	if (idx >= 0)
		ns = tab[off + (unsigned)idx][cp->state];
	if (ns != cp->state && cp->dest) {
		struct lb_dest *d = cp->dest;

		if (!(cp->flags & LB_CONN_F_INACTIVE) && !active[ns]) {
			atomic_fetch_sub(&d->activeconns, 1);
			cp->flags |= LB_CONN_F_INACTIVE;
		} else if ((cp->flags & LB_CONN_F_INACTIVE) && active[ns]) {
			atomic_fetch_add(&d->activeconns, 1);
			cp->flags &= ~LB_CONN_F_INACTIVE;
		}
	}
	/* A persistent client's template is assured once established. */
	if (ns != cp->state && ns == LB_TCP_S_ESTABLISHED)
		lb_conn_assure_template(cp);
	cp->state = (uint16_t)ns;
	cp->timeout = (uint64_t)ln->tcp_timeouts[ns] * LB_NSEC;
	pthread_spin_unlock(&cp->lock);
}

/* tcp_conn_schedule(): a SYN (any flags but RST), or anything when
 * sloppy_tcp. No ACK check, for active FTP's SYN+ACK. */
static bool tcp_may_schedule(struct lb_net *ln, const uint8_t *l4,
			     uint32_t l4len)
{
	if (l4len < 14)
		return false;
	return ((l4[13] & TH_SYN) || ln->sysctl.sloppy_tcp) &&
	       !(l4[13] & TH_RST);
}

/* is_new_conn(): a SYN. */
static bool tcp_is_new_conn(const uint8_t *l4, uint32_t l4len)
{
	return l4len >= 14 && (l4[13] & TH_SYN);
}

const struct lb_proto lb_proto_tcp = {
	.protocol = 6,
	.name = "TCP",
	.num_states = LB_TCP_S_LAST,
	.default_timeouts = tcp_timeouts,
	.state_name = tcp_state_name,
	.state_transition = tcp_state_transition,
	.may_schedule = tcp_may_schedule,
	.is_new_conn = tcp_is_new_conn,
};
