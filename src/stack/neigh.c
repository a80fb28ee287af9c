// SPDX-License-Identifier: MIT
/*
 * The neighbour table (ARP cache) with the kernel's states: INCOMPLETE
 * while resolving (packets wait in a bounded per-neighbour queue, requests
 * are retried every second, three in all), REACHABLE after a reply,
 * STALE after 30 s or when learnt from a request, DELAY/PROBE when a stale
 * entry is used again, FAILED when nobody answered (queued packets get an
 * ICMP host unreachable and are dropped), PERMANENT for static entries.
 * Fixed-size table allocated at start-up, under net->neigh_lock; the data path
 * never allocates. Timers run from stack_timers() on net_now(net).
 */
#include "stack/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_MS 1000000ull
#define RETRANS_NS (1000 * NS_PER_MS)          /* retrans_time_ms */
#define REACHABLE_NS (30000 * NS_PER_MS)       /* base_reachable_time_ms */
#define DELAY_NS (5000 * NS_PER_MS)            /* delay_first_probe_time */
#define MCAST_PROBES 3
#define UCAST_PROBES 3

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

int neigh_table_create(struct net *net)
{
	struct neigh_table *t;
	int i;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (i = 0; i < 256; i++)
		t->buckets[i] = -1;
	for (i = 0; i < NEIGH_MAX; i++)
		t->e[i].next = i + 1 < NEIGH_MAX ? i + 1 : -1;
	t->free = 0;
	net->neigh = t;
	return 0;
}

static void purge_queue(struct net *net, struct neigh *n)
{
	while (n->q_head) {
		struct pkt *p = n->q_head;

		n->q_head = p->next;
		p->next = NULL;
		p->in = p->out = NULL;
		net_drop(net, p, DROP_NEIGH_FAILED);
	}
	n->q_tail = NULL;
	n->qlen = 0;
}

void neigh_table_destroy(struct net *net)
{
	struct neigh_table *t = net->neigh;
	int i;

	if (!t)
		return;
	for (i = 0; i < NEIGH_MAX; i++) {
		struct pkt *p = t->e[i].q_head;

		while (p) {
			struct pkt *nx = p->next;

			pkt_free(p);
			p = nx;
		}
	}
	free(t);
	net->neigh = NULL;
}

static unsigned int hash(int ifindex, uint32_t ip)
{
	uint32_t h = ip ^ (uint32_t)ifindex * 0x9e3779b1u;

	h ^= h >> 16;
	h ^= h >> 8;
	return h & 255;
}

struct neigh *neigh_lookup(struct net *net, const struct netdev *dev,
			   uint32_t ip)
{
	struct neigh_table *t = net->neigh;
	int i;

	for (i = t->buckets[hash(dev->ifindex, ip)]; i >= 0; i = t->e[i].next)
		if (t->e[i].ip == ip && t->e[i].ifindex == dev->ifindex)
			return &t->e[i];
	return NULL;
}

static void unlink_entry(struct net *net, struct neigh *n)
{
	struct neigh_table *t = net->neigh;
	int idx = (int)(n - t->e);
	int *pp = &t->buckets[hash(n->ifindex, n->ip)];

	while (*pp >= 0 && *pp != idx)
		pp = &t->e[*pp].next;
	if (*pp == idx)
		*pp = n->next;
	purge_queue(net, n);
	memset(n, 0, sizeof(*n));
	n->next = t->free;
	t->free = idx;
	t->count--;
}

/* Make room: reuse a FAILED or unused STALE entry (forced gc). */
static bool gc_one(struct net *net)
{
	struct neigh_table *t = net->neigh;
	int i;

	for (i = 0; i < NEIGH_MAX; i++)
		if (t->e[i].ifindex && (t->e[i].state & NUD_FAILED)) {
			unlink_entry(net, &t->e[i]);
			return true;
		}
	for (i = 0; i < NEIGH_MAX; i++)
		if (t->e[i].ifindex && (t->e[i].state & NUD_STALE)) {
			unlink_entry(net, &t->e[i]);
			return true;
		}
	return false;
}

static struct neigh *neigh_create(struct net *net, const struct netdev *dev,
				  uint32_t ip)
{
	struct neigh_table *t = net->neigh;
	unsigned int b = hash(dev->ifindex, ip);
	struct neigh *n;
	int idx;

	if (t->free < 0 && !gc_one(net))
		return NULL;
	idx = t->free;
	n = &t->e[idx];
	t->free = n->next;
	memset(n, 0, sizeof(*n));
	n->ip = ip;
	n->ifindex = dev->ifindex;
	n->updated_ns = net_now(net);
	n->next = t->buckets[b];
	t->buckets[b] = idx;
	t->count++;
	return n;
}

static void set_timer(struct net *net, struct neigh *n, uint64_t at)
{
	n->timer_ns = at;
	if (at && (!net->neigh->next_timer_ns || at < net->neigh->next_timer_ns))
		net->neigh->next_timer_ns = at;
}

/*
 * Enter state at time `at` (now, or when an overdue timer was due: a clock
 * that jumped runs the timers as if they had fired on time).
 */
static void set_state_at(struct net *net, struct neigh *n, uint16_t state,
			 uint64_t at)
{
	n->state = state;
	n->updated_ns = at;
	switch (state) {
	case NUD_REACHABLE:
		n->confirmed_ns = at;
		set_timer(net, n, at + REACHABLE_NS);
		break;
	case NUD_DELAY:
		set_timer(net, n, at + DELAY_NS);
		break;
	case NUD_INCOMPLETE:
	case NUD_PROBE:
		set_timer(net, n, at + RETRANS_NS);
		break;
	default:
		n->timer_ns = 0;
	}
}

static void set_state(struct net *net, struct neigh *n, uint16_t state)
{
	set_state_at(net, n, state, net_now(net));
}

/* A packet leaves the queue: its interfaces in the current snapshot. */
static void unqueue(struct net *net, struct pkt *p)
{
	p->in = p->q_iif ? net_dev_by_index(net, p->q_iif) : NULL;
	p->out = p->q_oif ? net_dev_by_index(net, p->q_oif) : NULL;
}

/* Send what waited for the address. */
static void flush_queue(struct net *net, struct netdev *dev, struct neigh *n)
{
	while (n->q_head) {
		struct pkt *p = n->q_head;

		n->q_head = p->next;
		p->next = NULL;
		n->qlen--;
		unqueue(net, p);
		dev_xmit(net, dev, p, n->mac, NS_ETHTYPE_IP);
	}
	n->q_tail = NULL;
	n->qlen = 0;
}

static void enqueue(struct net *net, struct neigh *n, struct pkt *pkt)
{
	/* neigh_queue: over the limit, the oldest packet goes. */
	if (n->qlen >= NEIGH_QUEUE_MAX) {
		struct pkt *old = n->q_head;

		n->q_head = old->next;
		if (!n->q_head)
			n->q_tail = NULL;
		old->next = NULL;
		n->qlen--;
		unqueue(net, old);
		net_drop(net, old, DROP_NEIGH_QUEUEFULL);
	}
	pkt->q_iif = pkt->in ? (int16_t)pkt->in->ifindex : 0;
	pkt->q_oif = pkt->out ? (int16_t)pkt->out->ifindex : 0;
	/* Past every hook: its connection is not needed, and may be freed
	 * before the packet leaves the queue. */
	pkt_ct_drop(pkt);
	pkt->next = NULL;
	if (n->q_tail)
		n->q_tail->next = pkt;
	else
		n->q_head = pkt;
	n->q_tail = pkt;
	n->qlen++;
	stack_fate(net, pkt, FATE_QUEUED, NULL);
}

static uint32_t pkt_saddr(const struct pkt *pkt)
{
	return pkt_iph(pkt)->saddr;
}

/*
 * Sends that need no neighbour entry, and so no lock: loopback, devices
 * without ARP, broadcast and multicast. True when pkt was sent (consumed).
 */
static bool output_without_entry(struct net *net, struct netdev *dev,
				 uint32_t nexthop, struct pkt *pkt)
{
	uint8_t mac[6];

	if (dev->loopback) {
		dev_loopback_xmit(net, dev, pkt);
		return true;
	}
	if (dev_noarp(dev)) {
		dev_xmit(net, dev, pkt, dev->mac, NS_ETHTYPE_IP);
		return true;
	}
	if (nexthop == 0xffffffffu || addr_is_bcast(net, nexthop, dev)) {
		dev_xmit(net, dev, pkt, bcast_mac, NS_ETHTYPE_IP);
		return true;
	}
	if ((ntohl(nexthop) & 0xf0000000u) == 0xe0000000u) {
		uint32_t h = ntohl(nexthop);

		mac[0] = 0x01;
		mac[1] = 0x00;
		mac[2] = 0x5e;
		mac[3] = (h >> 16) & 0x7f;
		mac[4] = (h >> 8) & 0xff;
		mac[5] = h & 0xff;
		dev_xmit(net, dev, pkt, mac, NS_ETHTYPE_IP);
		return true;
	}
	return false;
}

/* A unicast next hop through the table: resolve, queue or send. */
static void neigh_resolve_locked(struct net *net, struct netdev *dev,
				 uint32_t nexthop, struct pkt *pkt)
{
	struct neigh *n;

	n = neigh_lookup(net, dev, nexthop);
	if (!n) {
		n = neigh_create(net, dev, nexthop);
		if (!n) {
			net_drop(net, pkt, DROP_NEIGH_FAILED);
			return;
		}
	}
	if (n->state & NUD_VALID) {
		if (n->state == NUD_STALE)
			set_state(net, n, NUD_DELAY);
		dev_xmit(net, dev, pkt, n->mac, NS_ETHTYPE_IP);
		return;
	}
	if (n->state != NUD_INCOMPLETE) {
		/* NONE or FAILED: start resolving. */
		set_state(net, n, NUD_INCOMPLETE);
		n->probes = 1;
		enqueue(net, n, pkt);
		arp_solicit(net, dev, nexthop, pkt_saddr(pkt), NULL, pkt);
		return;
	}
	enqueue(net, n, pkt);
}

static void neigh_event_locked(struct net *net, struct netdev *dev, uint32_t ip,
		 const uint8_t *mac, bool create, bool solicited)
{
	struct neigh *n = neigh_lookup(net, dev, ip);
	uint16_t new = solicited ? NUD_REACHABLE : NUD_STALE;
	bool same;

	if (!n) {
		if (!create)
			return;
		n = neigh_create(net, dev, ip);
		if (!n)
			return;
	}
	if (n->state & (NUD_PERMANENT | NUD_NOARP))
		return;
	same = !memcmp(n->mac, mac, 6);
	/* Valid, same address, only STALE news: keep the state. */
	if ((n->state & NUD_VALID) && same && new == NUD_STALE) {
		return;
	}
	memcpy(n->mac, mac, 6);
	set_state(net, n, new);
	flush_queue(net, dev, n);
}

static void neigh_fail(struct net *net, struct neigh *n, uint64_t at)
{
	set_state_at(net, n, NUD_FAILED, at);
	/* arp_error_report(): each waiting packet -> host unreachable. */
	while (n->q_head) {
		struct pkt *p = n->q_head;

		n->q_head = p->next;
		p->next = NULL;
		n->qlen--;
		unqueue(net, p);
		icmp_send(net, p, NS_ICMP_DEST_UNREACH, NS_ICMP_HOST_UNREACH, 0);
		net_drop(net, p, DROP_NEIGH_FAILED);
	}
	n->q_tail = NULL;
	n->qlen = 0;
}

static void neigh_timer(struct net *net, struct neigh *n)
{
	struct netdev *dev = net_dev_by_index(net, n->ifindex);
	uint64_t at = n->timer_ns;

	n->timer_ns = 0;
	if (!dev)
		return;
	switch (n->state) {
	case NUD_INCOMPLETE:
		if (n->probes >= MCAST_PROBES) {
			neigh_fail(net, n, at);
			return;
		}
		n->probes++;
		set_timer(net, n, at + RETRANS_NS);
		arp_solicit(net, dev, n->ip,
			    n->q_tail ? pkt_saddr(n->q_tail) : 0, NULL,
			    n->q_tail);
		break;
	case NUD_REACHABLE:
		if (at >= n->confirmed_ns + REACHABLE_NS) {
			n->state = NUD_STALE;
			n->updated_ns = at;
		} else {
			set_timer(net, n, n->confirmed_ns + REACHABLE_NS);
		}
		break;
	case NUD_DELAY:
		if (at < n->confirmed_ns + DELAY_NS) {
			set_state_at(net, n, NUD_REACHABLE, at);
			break;
		}
		set_state_at(net, n, NUD_PROBE, at);
		n->probes = 1;
		arp_solicit(net, dev, n->ip, 0, n->mac, NULL);
		break;
	case NUD_PROBE:
		if (n->probes >= UCAST_PROBES) {
			neigh_fail(net, n, at);
			return;
		}
		n->probes++;
		set_timer(net, n, at + RETRANS_NS);
		arp_solicit(net, dev, n->ip, 0, n->mac, NULL);
		break;
	default:
		break;
	}
}

static void neigh_timers_locked(struct net *net)
{
	struct neigh_table *t = net->neigh;
	uint64_t next = 0;
	int i;

	if (!t || !t->next_timer_ns || net_now(net) < t->next_timer_ns)
		return;
	t->next_timer_ns = 0;
	for (i = 0; i < NEIGH_MAX; i++) {
		struct neigh *n = &t->e[i];

		if (!n->ifindex || !n->timer_ns)
			continue;
		/* Catch up on every expiry a large clock jump skipped. */
		while (n->timer_ns && n->timer_ns <= net_now(net))
			neigh_timer(net, n);
		if (n->timer_ns && (!next || n->timer_ns < next))
			next = n->timer_ns;
	}
	if (next && (!t->next_timer_ns || next < t->next_timer_ns))
		t->next_timer_ns = next;
}

/* Control path below: neigh_lock held (the wrappers at the end). */

static int neigh_add_locked(struct net *net, struct netdev *dev, uint32_t ip,
	      const uint8_t *mac, uint16_t state, bool replace, bool excl)
{
	struct neigh *n = neigh_lookup(net, dev, ip);

	if (n && excl)
		return -EEXIST;
	if (!n) {
		n = neigh_create(net, dev, ip);
		if (!n)
			return -ENOBUFS;
	}
	(void)replace;
	if (mac)
		memcpy(n->mac, mac, 6);
	set_state(net, n, state);
	if (state & NUD_VALID)
		flush_queue(net, dev, n);
	return 0;
}

static int neigh_del_locked(struct net *net, struct netdev *dev, uint32_t ip)
{
	struct neigh *n = neigh_lookup(net, dev, ip);

	if (!n)
		return -ENOENT;
	unlink_entry(net, n);
	return 0;
}

static int neigh_flush_locked(struct net *net, const struct netdev *dev, bool keep_perm)
{
	struct neigh_table *t = net->neigh;
	int i, count = 0;

	if (!t)
		return 0;
	for (i = 0; i < NEIGH_MAX; i++) {
		struct neigh *n = &t->e[i];

		if (!n->ifindex || (dev && n->ifindex != dev->ifindex))
			continue;
		if (keep_perm && (n->state & (NUD_PERMANENT | NUD_NOARP)))
			continue;
		unlink_entry(net, n);
		count++;
	}
	return count;
}

static void neigh_forget_dev_locked(struct net *net, const struct netdev *dev)
{
	struct neigh_table *t = net->neigh;
	int i;

	if (!t)
		return;
	for (i = 0; i < NEIGH_MAX; i++) {
		struct neigh *n = &t->e[i];
		struct pkt **pp = &n->q_head, *p;

		n->q_tail = NULL;
		while ((p = *pp) != NULL) {
			if (p->q_iif == dev->ifindex ||
			    p->q_oif == dev->ifindex) {
				*pp = p->next;
				p->next = NULL;
				n->qlen--;
				p->in = p->out = NULL;
				net_drop(net, p, DROP_DEV_DOWN);
				continue;
			}
			n->q_tail = p;
			pp = &p->next;
		}
	}
}

/*
 * The entry points. Writers take net->neigh_lock (recursive: an ICMP error
 * about a queued packet may come back to neigh_output) for one operation
 * and make the table's sequence count odd while they hold it (outermost
 * level only). The common case of the data path, a packet for a
 * neighbour whose address is known and confirmed (NUD_CONNECTED: the
 * kernel's neigh_event_send() changes nothing then either), takes no lock:
 * it reads the entry between two reads of the sequence count and falls
 * back to the locked path when a writer was there. Entries live in a fixed
 * array and are never freed, so the lockless read is always of valid
 * memory; a chain changed under it is bounded and caught by the count.
 */
static void write_begin(struct net *net)
{
	struct neigh_table *t = net->neigh;

	pthread_mutex_lock(&net->neigh_lock);
	if (t->depth++ == 0)
		__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void write_end(struct net *net)
{
	struct neigh_table *t = net->neigh;

	if (--t->depth == 0)
		__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&net->neigh_lock);
}

#define NUD_CONNECTED (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE)

/* The confirmed address of ip on dev, without the lock; false: ask. */
static bool fast_lookup(struct net *net, const struct netdev *dev,
			uint32_t ip, uint8_t *mac)
{
	const struct neigh_table *t = net->neigh;
	uint32_t s1, s2;
	bool found = false;
	int i, steps = 0;

	s1 = __atomic_load_n(&t->seq, __ATOMIC_ACQUIRE);
	if (s1 & 1)
		return false;
	i = __atomic_load_n(&t->buckets[hash(dev->ifindex, ip)],
			    __ATOMIC_RELAXED);
	while (i >= 0 && i < NEIGH_MAX && steps++ < NEIGH_MAX) {
		const struct neigh *n = &t->e[i];

		if (n->ip == ip && n->ifindex == dev->ifindex) {
			if (n->state & NUD_CONNECTED) {
				memcpy(mac, n->mac, 6);
				found = true;
			}
			break;
		}
		i = __atomic_load_n(&n->next, __ATOMIC_RELAXED);
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	s2 = __atomic_load_n(&t->seq, __ATOMIC_RELAXED);
	return found && s1 == s2;
}

void neigh_output(struct net *net, struct netdev *dev, uint32_t nexthop,
		  struct pkt *pkt)
{
	uint8_t mac[6];

	if (output_without_entry(net, dev, nexthop, pkt))
		return;
	if (fast_lookup(net, dev, nexthop, mac)) {
		dev_xmit(net, dev, pkt, mac, NS_ETHTYPE_IP);
		return;
	}
	write_begin(net);
	neigh_resolve_locked(net, dev, nexthop, pkt);
	write_end(net);
}

void neigh_event(struct net *net, struct netdev *dev, uint32_t ip,
		 const uint8_t *mac, bool create, bool solicited)
{
	write_begin(net);
	neigh_event_locked(net, dev, ip, mac, create, solicited);
	write_end(net);
}

void neigh_timers(struct net *net)
{
	const struct neigh_table *t = net->neigh;
	uint64_t next = __atomic_load_n(&t->next_timer_ns, __ATOMIC_RELAXED);

	/* Nothing due: no lock (every worker asks every round). */
	if (!next || net_now(net) < next)
		return;
	write_begin(net);
	neigh_timers_locked(net);
	write_end(net);
}

int neigh_add(struct net *net, struct netdev *dev, uint32_t ip,
	      const uint8_t *mac, uint16_t state, bool replace, bool excl)
{
	int r;

	write_begin(net);
	r = neigh_add_locked(net, dev, ip, mac, state, replace, excl);
	write_end(net);
	return r;
}

int neigh_del(struct net *net, struct netdev *dev, uint32_t ip)
{
	int r;

	write_begin(net);
	r = neigh_del_locked(net, dev, ip);
	write_end(net);
	return r;
}

int neigh_flush(struct net *net, const struct netdev *dev, bool keep_perm)
{
	int r;

	write_begin(net);
	r = neigh_flush_locked(net, dev, keep_perm);
	write_end(net);
	return r;
}

void neigh_forget_dev(struct net *net, const struct netdev *dev)
{
	write_begin(net);
	neigh_forget_dev_locked(net, dev);
	write_end(net);
}

const char *neigh_state_name(uint16_t state)
{
	switch (state) {
	case NUD_INCOMPLETE:
		return "INCOMPLETE";
	case NUD_REACHABLE:
		return "REACHABLE";
	case NUD_STALE:
		return "STALE";
	case NUD_DELAY:
		return "DELAY";
	case NUD_PROBE:
		return "PROBE";
	case NUD_FAILED:
		return "FAILED";
	case NUD_NOARP:
		return "NOARP";
	case NUD_PERMANENT:
		return "PERMANENT";
	default:
		return "NONE";
	}
}
