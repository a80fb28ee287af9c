// SPDX-License-Identifier: MIT
/*
 * Drop accounting and trace reporting: the two things every layer of the
 * data path does with a packet it is done with. Data path; writes only
 * the calling worker's counter slot.
 */
#include "core/net.h"

#include <stdarg.h>
#include <stdio.h>

void net_trace(struct net *net, const struct pkt *pkt,
	       const struct trace_event *ev)
{
	if (net_tracing(net, pkt))
		net->trace.event(net->trace.priv, pkt, ev);
}

void net_vnote(struct net *net, const struct pkt *pkt, const char *fmt,
	       va_list ap)
{
	struct trace_event ev = { .kind = TRACE_NOTE };
	char buf[320];

	if (!net_tracing(net, pkt))
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	ev.text = buf;
	net->trace.event(net->trace.priv, pkt, &ev);
}

void net_note(struct net *net, const struct pkt *pkt, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	net_vnote(net, pkt, fmt, ap);
	va_end(ap);
}

void net_drop(struct net *net, struct pkt *pkt, enum drop_reason reason)
{
	if ((unsigned)reason >= DROP_REASON_MAX)
		reason = DROP_NETFILTER_DROP;
	net_stats(net)->drops[reason]++;
	if (net_tracing(net, pkt)) {
		struct trace_event ev = {
			.kind = TRACE_FATE, .fate = FATE_DROPPED,
			.reason = reason,
		};

		net->trace.event(net->trace.priv, pkt, &ev);
	}
	pkt_free(pkt);
}
