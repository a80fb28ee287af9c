// SPDX-License-Identifier: MIT
/*
 * conntrack -E's events: a per-net ring of CT_EVENT_RING records (NEW,
 * UPDATE, DESTROY, each with a snapshot of the entry as conntrack prints
 * it), filled by the tracker through ct_event_emit() from any worker and
 * read by the daemon's control server, one cursor per conntrack -E
 * client. The ring exists from the first subscriber on; while nobody
 * subscribes, emitting costs one atomic load, as the kernel generates no
 * events without a listener (nf_conntrack_events=2). A reader that falls
 * behind by more than the ring loses the oldest records and is told how
 * many, which the tool reports as conntrack reports ENOBUFS. Emitting
 * takes a spin lock for one record's copy and never allocates.
 */
#include "ct/ct.h"

#include "core/net.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct ct_event_ring {
	pthread_spinlock_t lock;      /* head and recs */
	_Atomic unsigned subscribers;
	uint64_t head;                /* number of the next record */
	struct ct_event_rec recs[CT_EVENT_RING];
};

void ct_snap_fill(struct ct_snap *s, const struct ct_conn *ct, uint64_t now)
{
	uint64_t to = atomic_load_explicit(&ct->timeout, memory_order_relaxed);
	int d;

	memset(s, 0, sizeof(*s));
	for (d = 0; d < CT_DIR_MAX; d++) {
		s->tuple[d] = ct->node[d].tuple;
		s->packets[d] = atomic_load_explicit(&ct->packets[d],
						     memory_order_relaxed);
		s->bytes[d] = atomic_load_explicit(&ct->bytes[d],
						   memory_order_relaxed);
	}
	s->start_ns = ct->start_ns;
	s->status = ct_status(ct);
	s->mark = atomic_load_explicit(&ct->mark, memory_order_relaxed);
	s->id = ct->id;
	/* As the kernel's nf_ct_expires(): whole seconds, rounded down. */
	s->timeout = to > now ? (uint32_t)((to - now) / 1000000000ull) : 0;
	s->zone = ct->zone;
	if (ct->node[CT_DIR_ORIGINAL].tuple.proto == 6)
		s->tcp_state = ct->proto.tcp.state;
	if (ct->helper)
		snprintf(s->helper, sizeof(s->helper), "%s", ct->helper->name);
	s->refs_extra = ct_help_refs_extra(ct);
}

void ct_event_emit(struct net *net, struct ct_conn *ct, enum ct_event ev)
{
	struct ct_event_ring *r =
		atomic_load_explicit(&net->ct_events, memory_order_acquire);
	struct ct_event_rec *rec;
	uint64_t now;

	if (!r || !atomic_load_explicit(&r->subscribers, memory_order_relaxed))
		return;
	now = net_now(net);
	pthread_spin_lock(&r->lock);
	rec = &r->recs[r->head % CT_EVENT_RING];
	rec->seq = r->head++;
	rec->when_ns = now;
	rec->type = ev;
	ct_snap_fill(&rec->snap, ct, now);
	pthread_spin_unlock(&r->lock);
}

int ct_event_subscribe(struct net *net, uint64_t *cursor)
{
	struct ct_event_ring *r =
		atomic_load_explicit(&net->ct_events, memory_order_acquire);

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		pthread_spin_init(&r->lock, PTHREAD_PROCESS_PRIVATE);
		/* Control path, under ctl_lock: no other creator. */
		atomic_store_explicit(&net->ct_events, r, memory_order_release);
	}
	pthread_spin_lock(&r->lock);
	*cursor = r->head;
	pthread_spin_unlock(&r->lock);
	atomic_fetch_add(&r->subscribers, 1);
	return 0;
}

void ct_event_unsubscribe(struct net *net)
{
	struct ct_event_ring *r =
		atomic_load_explicit(&net->ct_events, memory_order_acquire);

	if (r && atomic_load(&r->subscribers))
		atomic_fetch_sub(&r->subscribers, 1);
}

unsigned ct_event_read(struct net *net, uint64_t *cursor,
		       struct ct_event_rec *out, unsigned n, uint64_t *lost)
{
	struct ct_event_ring *r =
		atomic_load_explicit(&net->ct_events, memory_order_acquire);
	unsigned got = 0;

	*lost = 0;
	if (!r)
		return 0;
	pthread_spin_lock(&r->lock);
	if (r->head - *cursor > CT_EVENT_RING) {
		*lost = r->head - *cursor - CT_EVENT_RING;
		*cursor = r->head - CT_EVENT_RING;
	}
	while (got < n && *cursor < r->head) {
		out[got++] = r->recs[*cursor % CT_EVENT_RING];
		(*cursor)++;
	}
	pthread_spin_unlock(&r->lock);
	return got;
}

void ct_event_destroy(struct net *net)
{
	struct ct_event_ring *r = atomic_exchange(&net->ct_events, NULL);

	if (!r)
		return;
	pthread_spin_destroy(&r->lock);
	free(r);
}
