/* SPDX-License-Identifier: MIT */
/*
 * The per-packet trace of `netsieve replay --trace`: a trace sink
 * (struct ns_trace_sink) that files every event under the input packet that
 * caused it (pkt->id), and renderers for the text and JSON forms. Runs in
 * the replay tool's single thread; it allocates (the replay tool is not a
 * data-path owner with a budget: it runs offline).
 */
#ifndef NS_TOOLS_REPLAY_TRACE_H
#define NS_TOOLS_REPLAY_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ns_trace_sink;
struct rt_trace;

/* Link type of a frame handed to rt_summary()/rt_trace_begin(). */
enum rt_link {
	RT_LINK_ETH,    /* starts with an Ethernet header */
	RT_LINK_IP,     /* starts with the IP header */
};

/*
 * Create a collector for up to npkts input packets (ids 1..npkts; events
 * for other ids are kept under a catch-all record) that writes to f, as
 * text or (json) one JSON object per line. f stays the caller's. Fills
 * *out; free with rt_trace_destroy(). Returns 0 or -ENOMEM.
 */
int rt_trace_create(size_t npkts, FILE *f, bool json, struct rt_trace **out);
void rt_trace_destroy(struct rt_trace *t);

/* Point sink at t, tracing every packet. t must outlive the sink's use. */
void rt_trace_sink(struct rt_trace *t, struct ns_trace_sink *sink);

/*
 * Record input packet id (1-based) before it is injected: where and when
 * it arrived and the frame itself (summarised, not kept). Returns 0, or
 * -ERANGE if id is outside 1..npkts, -ENOMEM.
 */
int rt_trace_begin(struct rt_trace *t, uint32_t id, const char *ifname,
		   uint64_t ts_ns, const uint8_t *frame, size_t len,
		   enum rt_link link);

/* Mark input packet id as never injected (why: "no packet buffer"). */
void rt_trace_not_injected(struct rt_trace *t, uint32_t id, const char *why);

/*
 * Write the packets that are settled (every packet they caused has its
 * final fate), in id order, stopping at the first that is not: call it
 * after each injection so that a long replay keeps little in memory.
 * Written records are freed; later events for them go to the catch-all.
 */
void rt_trace_flush(struct rt_trace *t);

/*
 * Write everything not yet written (packets still waiting for a neighbour
 * included), then the catch-all record, and flush f. Returns 0, or -EIO if
 * writing failed or events were lost to a failed allocation.
 */
int rt_trace_finish(struct rt_trace *t);

/*
 * One-line description of a frame as tcpdump would start it
 * ("10.0.1.2 > 10.0.2.2 ICMP echo-request", "ARP who-has 10.0.1.1 tell
 * 10.0.1.2"). Never fails: unparseable input is described as such.
 */
void rt_summary(const uint8_t *frame, size_t len, enum rt_link link,
		char *buf, size_t size);

#endif
