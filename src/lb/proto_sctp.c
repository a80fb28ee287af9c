// SPDX-License-Identifier: MIT
/*
 * IPVS's SCTP (ip_vs_proto_sctp.c): the association's state as the real
 * server sees it, driven by the first chunk of each packet (a COOKIE ECHO
 * or COOKIE ACK with an ABORT bundled after it counts as the ABORT), per
 * direction (input, output, input-only), with the kernel's timeouts; an
 * INIT (or anything with sloppy_sctp) but an ABORT may start a
 * connection. Only ESTABLISHED counts as active. Data path under cp->lock.
 */
#include "lb/lb_int.h"

#include <arpa/inet.h>

enum {
	sNO, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL,
};

/* Events (ipvs_sctp_event_t). */
enum { E_DATA, E_INIT, E_INIT_ACK, E_COOKIE_ECHO, E_COOKIE_ACK, E_SHUTDOWN,
       E_SHUTDOWN_ACK, E_SHUTDOWN_COMPLETE, E_ERROR, E_ABORT, E_LAST };

/* Chunk type to event (sctp_events[]): the rest are DATA-like. */
static unsigned chunk_event(uint8_t type)
{
	switch (type) {
	case 1: return E_INIT;
	case 2: return E_INIT_ACK;
	case 6: return E_ABORT;
	case 7: return E_SHUTDOWN;
	case 8: return E_SHUTDOWN_ACK;
	case 9: return E_ERROR;
	case 10: return E_COOKIE_ECHO;
	case 11: return E_COOKIE_ACK;
	case 14: return E_SHUTDOWN_COMPLETE;
	default: return E_DATA;
	}
}

static const uint8_t states[3][E_LAST][LB_SCTP_S_LAST] = {
	{ /* INPUT */
	{ sES, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sI1, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sIN, sIN },
	{ sCW, sCW, sCW, sCS, sCR, sCO, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sCR, sIN, sIN, sCR, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sES, sI1, sIN, sCS, sCR, sCW, sCO, sES, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sSR, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sSR, sSS, sSR, sSA, sRJ, sCL },
	{ sCL, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sES, sCL, sSR, sCL, sRJ, sCL },
	{ sCL, sCL, sCL, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sCL, sRJ, sCL },
	{ sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCL, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sCL, sCL, sCL, sCL, sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
	{ /* OUTPUT */
	{ sES, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sCW, sCW, sCW, sCW, sCW, sCW, sCW, sCW, sES, sCW, sCW, sCW, sCW, sCW },
	{ sCS, sCS, sCS, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sCE, sCE, sCE, sCE, sCE, sCE, sCE, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sES, sES, sES, sES, sES, sES, sES, sES, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSR, sSA, sRJ, sCL },
	{ sSA, sSA, sSA, sSA, sSA, sCW, sCO, sCE, sES, sSA, sSA, sSA, sRJ, sCL },
	{ sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sCL, sCL, sCL, sCL, sCL, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
	{ /* INPUT-ONLY */
	{ sES, sI1, sIN, sCS, sCR, sES, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sI1, sIN, sIN, sIN, sIN, sIN, sCO, sCE, sES, sSS, sSR, sSA, sIN, sIN },
	{ sCE, sCE, sCE, sCE, sCE, sCE, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sES, sES, sES, sES, sES, sES, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sES, sI1, sIN, sES, sES, sCW, sES, sES, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sSR, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sSR, sSS, sSR, sSA, sRJ, sCL },
	{ sCL, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sCL, sCL, sSR, sCL, sRJ, sCL },
	{ sCL, sCL, sCL, sCL, sCL, sCW, sCO, sCE, sES, sSS, sCL, sCL, sRJ, sCL },
	{ sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	{ sCL, sCL, sCL, sCL, sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
};

#define MAX_RTO (60 + 1)

static const unsigned sctp_timeouts[LB_SCTP_S_LAST + 1] = {
	[sNO] = 2, [sI1] = 0 + 3 + 1, [sIN] = MAX_RTO, [sCS] = MAX_RTO,
	[sCR] = MAX_RTO, [sCW] = MAX_RTO, [sCO] = MAX_RTO, [sCE] = MAX_RTO,
	[sES] = 15 * 60, [sSS] = MAX_RTO, [sSR] = MAX_RTO, [sSA] = MAX_RTO,
	[sRJ] = 0 + 3 + 1, [sCL] = MAX_RTO, [LB_SCTP_S_LAST] = 2,
};

static const char *const names[LB_SCTP_S_LAST + 1] = {
	"NONE", "INIT1", "INIT", "C-SENT", "C-REPLIED", "C-WAIT", "COOKIE",
	"C-ECHOED", "ESTABLISHED", "S-SENT", "S-RECEIVED", "S-ACK-SENT",
	"REJECTED", "CLOSED", "BUG!",
};

static const char *sctp_state_name(unsigned s)
{
	return s <= LB_SCTP_S_LAST ? names[s] : "ERR!";
}

/* The first chunk's type, or -1 when the packet has none. */
static int first_chunk(const uint8_t *l4, uint32_t l4len)
{
	return l4len >= 12 + 4 ? l4[12] : -1;
}

static void sctp_state_transition(struct lb_net *ln, struct lb_conn *cp,
				  enum lb_dir dir, const uint8_t *l4,
				  uint32_t l4len)
{
	int type = first_chunk(l4, l4len);
	unsigned ns;

	if (type < 0)
		return;
	/* An ABORT bundled after a COOKIE ECHO or COOKIE ACK counts. */
	if (type == 10 || type == 11) {
		uint32_t clen = (uint32_t)l4[14] << 8 | l4[15];
		uint32_t next = 12 + ((clen + 3) & ~3u);

		if (clen >= 4 && next + 4 <= l4len && l4[next] == 6)
			type = 6;
	}
	pthread_spin_lock(&cp->lock);
	if (cp->flags & LB_CONN_F_NOOUTPUT) {
		if (dir == LB_DIR_OUTPUT)
			cp->flags &= ~LB_CONN_F_NOOUTPUT;
		else
			dir = LB_DIR_INPUT_ONLY;
	}
	ns = states[dir][chunk_event((uint8_t)type)][cp->state];
	if (ns != cp->state && cp->dest) {
		struct lb_dest *d = cp->dest;

		if (!(cp->flags & LB_CONN_F_INACTIVE) && ns != sES) {
			atomic_fetch_sub(&d->activeconns, 1);
			cp->flags |= LB_CONN_F_INACTIVE;
		} else if ((cp->flags & LB_CONN_F_INACTIVE) && ns == sES) {
			atomic_fetch_add(&d->activeconns, 1);
			cp->flags &= ~LB_CONN_F_INACTIVE;
		}
	}
	/* An established association assures its template. */
	if (ns != cp->state && ns == sES)
		lb_conn_assure_template(cp);
	cp->state = (uint16_t)ns;
	cp->timeout = (uint64_t)ln->sctp_timeouts[ns] * LB_NSEC;
	pthread_spin_unlock(&cp->lock);
}

/* sctp_conn_schedule(): an INIT, or anything with sloppy_sctp, never an
 * ABORT. */
static bool sctp_may_schedule(struct lb_net *ln, const uint8_t *l4,
			      uint32_t l4len)
{
	int type = first_chunk(l4, l4len);

	if (type < 0 || type == 6)
		return false;
	return ln->sysctl.sloppy_sctp || type == 1;
}

/* is_new_conn(): an INIT. */
static bool sctp_is_new_conn(const uint8_t *l4, uint32_t l4len)
{
	return first_chunk(l4, l4len) == 1;
}

const struct lb_proto lb_proto_sctp = {
	.protocol = 132,
	.name = "SCTP",
	.num_states = LB_SCTP_S_LAST,
	.default_timeouts = sctp_timeouts,
	.state_name = sctp_state_name,
	.state_transition = sctp_state_transition,
	.may_schedule = sctp_may_schedule,
	.is_new_conn = sctp_is_new_conn,
};
