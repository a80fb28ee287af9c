// SPDX-License-Identifier: MIT
/*
 * IPVS's UDP (ip_vs_proto_udp.c): one state, "UDP", whose timeout every
 * packet restarts (ipvsadm --set's third value, 300 s by default). A UDP
 * connection never counts as active. Data path.
 */
#include "lb/lb_int.h"

static const unsigned udp_timeouts[LB_UDP_S_LAST + 1] = {
	[LB_UDP_S_NORMAL] = 5 * 60,
	[LB_UDP_S_LAST] = 2,
};

static const char *udp_state_name(unsigned s)
{
	if (s == LB_UDP_S_NORMAL)
		return "UDP";
	return s == LB_UDP_S_LAST ? "BUG!" : "ERR!";
}

static void udp_state_transition(struct lb_net *ln, struct lb_conn *cp,
				 enum lb_dir dir, const uint8_t *l4,
				 uint32_t l4len)
{
	(void)dir;
	(void)l4;
	(void)l4len;
	pthread_spin_lock(&cp->lock);
	cp->timeout = (uint64_t)ln->udp_timeouts[LB_UDP_S_NORMAL] * LB_NSEC;
	pthread_spin_unlock(&cp->lock);
}

/* udp_conn_schedule(): every datagram to a service may start one. */
static bool udp_may_schedule(struct lb_net *ln, const uint8_t *l4,
			     uint32_t l4len)
{
	(void)ln;
	(void)l4;
	return l4len >= 8;
}

static bool udp_is_new_conn(const uint8_t *l4, uint32_t l4len)
{
	(void)l4;
	(void)l4len;
	return false;
}

const struct lb_proto lb_proto_udp = {
	.protocol = 17,
	.name = "UDP",
	.num_states = LB_UDP_S_LAST,
	.default_timeouts = udp_timeouts,
	.state_name = udp_state_name,
	.state_transition = udp_state_transition,
	.may_schedule = udp_may_schedule,
	.is_new_conn = udp_is_new_conn,
};
