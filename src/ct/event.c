// SPDX-License-Identifier: MIT
/*
 * Placeholder until the event ring lands (branch cttool): events are not
 * kept, so conntrack -E has nothing to stream yet. Any thread.
 */
#include "ct/ct.h"

void ct_event_emit(struct net *net, struct ct_conn *ct, enum ct_event ev)
{
	(void)net;
	(void)ct;
	(void)ev;
}
