// SPDX-License-Identifier: MIT
/*
 * Choosing a connection's translated tuple, as the kernel's
 * get_unique_tuple() and nf_nat_setup_info(): the address from the range
 * by a hash of the connection's addresses (find_best_ips_proto, the
 * kernel's jhash2, so a client keeps its address and netsieve picks what
 * Linux picks), the original port kept when the tuple is free, else a
 * search of the port (ICMP: id) range from a random offset (the seeded
 * generator; DNAT's shifted map: the shift), with the kernel's
 * 128 attempts halved each new random start. The binding is stored in the
 * entry itself: its reply tuple and status bits. Data path: runs for a
 * connection's first packet, while the entry is unconfirmed and owned by
 * that packet; allocates nothing.
 */
#include "nat/nat_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "base/hash.h"
#include "core/net.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_DCCP 33
#define PROTO_SCTP 132
#define PROTO_UDPLITE 136

/* ICMP request <-> reply (the kernel's invmap in nf_conntrack_proto_icmp). */
static const uint8_t icmp_invmap[19] = {
	[0] = 8 + 1, [8] = 0 + 1, [13] = 14 + 1, [14] = 13 + 1,
	[15] = 16 + 1, [16] = 15 + 1, [17] = 18 + 1, [18] = 17 + 1,
};

void nat_invert_tuple(struct ct_tuple *out, const struct ct_tuple *in)
{
	struct ct_tuple t;

	memset(&t, 0, sizeof(t));
	t.src = in->dst;
	t.dst = in->src;
	t.proto = in->proto;
	if (in->proto == PROTO_ICMP) {
		uint8_t type = (uint8_t)(ntohs(in->dport) >> 8);
		uint8_t code = (uint8_t)ntohs(in->dport);

		t.sport = in->sport;
		if (type < sizeof(icmp_invmap) && icmp_invmap[type])
			type = (uint8_t)(icmp_invmap[type] - 1);
		t.dport = htons((uint16_t)(type << 8 | code));
	} else {
		t.sport = in->dport;
		t.dport = in->sport;
	}
	*out = t;
}

bool nat_used_tuple_ct(void *priv, struct net *net, const struct ct_tuple *t,
		       const struct ct_conn *ct)
{
	struct ct_tuple reply;

	(void)priv;
	/* Tracking keeps incoming tuples: look for the reply. */
	nat_invert_tuple(&reply, t);
	return ct_tuple_taken(net, &reply, ct->zone, ct);
}

/* The kernel's jhash2() of a 4-word nf_inet_addr holding an IPv4 one. */
static uint32_t jhash_addr4(uint32_t ip, uint32_t initval)
{
	uint32_t a, b, c;

	a = b = c = 0xdeadbeef + (4u << 2) + initval;
	a += ip;
	/* __jhash_mix */
	a -= c; a ^= ns_rol32(c, 4); c += b;
	b -= a; b ^= ns_rol32(a, 6); a += c;
	c -= b; c ^= ns_rol32(b, 8); b += a;
	a -= c; a ^= ns_rol32(c, 16); c += b;
	b -= a; b ^= ns_rol32(a, 19); a += c;
	c -= b; c ^= ns_rol32(b, 4); b += a;
	/* the fourth word is 0 */
	return ns_jhash_final(a, b, c);
}

static bool addr_in_range(uint32_t ip, const struct nat_range *r)
{
	return ntohl(ip) >= ntohl(r->min_addr) &&
	       ntohl(ip) <= ntohl(r->max_addr);
}

static bool has_ports(uint8_t proto)
{
	return proto == PROTO_TCP || proto == PROTO_UDP ||
	       proto == PROTO_UDPLITE || proto == PROTO_SCTP ||
	       proto == PROTO_DCCP;
}

/* nf_nat_l4proto_in_range(). */
static bool l4_in_range(const struct ct_tuple *t, enum nat_manip_type mt,
			uint16_t min, uint16_t max)
{
	uint16_t port;

	if (t->proto == PROTO_ICMP)
		return ntohs(t->sport) >= ntohs(min) &&
		       ntohs(t->sport) <= ntohs(max);
	if (!has_ports(t->proto))
		return true;
	port = mt == NAT_MANIP_SRC ? t->sport : t->dport;
	return ntohs(port) >= ntohs(min) && ntohs(port) <= ntohs(max);
}

bool nat_in_range(const struct ct_tuple *t, const struct nat_range *r)
{
	if ((r->flags & NAT_RANGE_MAP_IPS) && !addr_in_range(t->src.ip, r))
		return false;
	if (!(r->flags & NAT_RANGE_PROTO_SPECIFIED))
		return true;
	return l4_in_range(t, NAT_MANIP_SRC, r->min_proto, r->max_proto);
}

/* find_best_ips_proto(): the address, by a hash of the addresses. */
static void best_ips(struct ct_tuple *t, const struct nat_range *r,
		     const struct ct_conn *ct, enum nat_manip_type mt)
{
	uint32_t *var, minip, maxip, dist, j;

	if (!(r->flags & NAT_RANGE_MAP_IPS))
		return;
	var = mt == NAT_MANIP_SRC ? &t->src.ip : &t->dst.ip;
	if (r->min_addr == r->max_addr) {
		*var = r->min_addr;
		return;
	}
	/*
	 * The same client gets the same address (servers that insist on
	 * it); --persistent leaves the destination out of the hash.
	 */
	j = jhash_addr4(t->src.ip, r->flags & NAT_RANGE_PERSISTENT ? 0 :
			t->dst.ip ^ ct->zone);
	minip = ntohl(r->min_addr);
	maxip = ntohl(r->max_addr);
	dist = maxip - minip + 1;
	*var = htonl(minip + (uint32_t)(((uint64_t)j * dist) >> 32));
}

struct tries {
	struct net *net;
	const struct ct_conn *ct;
	nat_used_fn used;
	void *priv;
	unsigned n;
};

static bool used(struct tries *tr, const struct ct_tuple *t)
{
	tr->n++;
	return tr->used(tr->priv, tr->net, t, tr->ct);
}

/*
 * The offset a search starts from when the flags do not ask for a random
 * one: a keyed hash of the connection's addresses and the port that stays
 * (the ephemeral-port hash older kernels used), so one connection always
 * starts at the same place.
 */
/* nf_nat_l4proto_unique_tuple(). */
static void l4_unique_tuple(struct tries *tr, struct ct_tuple *t,
			    const struct nat_range *r,
			    enum nat_manip_type mt)
{
	unsigned range_size, min, max, i, attempts;
	uint16_t *keyptr, off;
	const unsigned max_attempts = 128;

	if (t->proto == PROTO_ICMP) {
		/* The id is the same in both directions. */
		keyptr = &t->sport;
		if (!(r->flags & NAT_RANGE_PROTO_SPECIFIED)) {
			min = 0;
			range_size = 65536;
		} else {
			min = ntohs(r->min_proto);
			range_size = ntohs(r->max_proto) - min + 1;
		}
		goto find_free_id;
	}
	if (!has_ports(t->proto))
		return;
	keyptr = mt == NAT_MANIP_SRC ? &t->sport : &t->dport;
	if (!(r->flags & NAT_RANGE_PROTO_SPECIFIED)) {
		/* A destination's port is not changed unasked. */
		if (mt == NAT_MANIP_DST)
			return;
		if (ntohs(*keyptr) < 1024) {
			/* Loose convention: below 512 is privileged. */
			if (ntohs(*keyptr) < 512) {
				min = 1;
				range_size = 511;
			} else {
				min = 600;
				range_size = 1023 - 600 + 1;
			}
		} else {
			min = 1024;
			range_size = 65535 - 1024 + 1;
		}
	} else {
		min = ntohs(r->min_proto);
		max = ntohs(r->max_proto);
		if (max < min) {
			unsigned x = max;

			max = min;
			min = x;
		}
		range_size = max - min + 1;
	}

find_free_id:
	/*
	 * 6.1 starts from a random port (get_random_u16) whatever the
	 * flags, but for DNAT's shifted port map: here from the seeded
	 * generator, so a replay repeats. (Older kernels started from a
	 * hash of the addresses, which makes a client's connections to one
	 * server probe the same ports over and over.)
	 */
	if (r->flags & NAT_RANGE_PROTO_OFFSET)
		off = (uint16_t)(ntohs(*keyptr) - ntohs(r->base_proto));
	else
		off = (uint16_t)net_random(tr->net);

	attempts = range_size < max_attempts ? range_size : max_attempts;
	/*
	 * Searching the whole range when all of it is taken costs too much
	 * for one packet: from each new random start, half as many tries.
	 */
	for (;;) {
		for (i = 0; i < attempts; i++, off++) {
			*keyptr = htons((uint16_t)(min + off % range_size));
			if (!used(tr, t))
				return;
		}
		if (attempts >= range_size || attempts < 16)
			return;
		attempts /= 2;
		off = (uint16_t)net_random(tr->net);
	}
}

unsigned nat_get_unique_tuple(struct net *net, struct ct_tuple *out,
			      const struct ct_tuple *orig,
			      const struct nat_range *r,
			      const struct ct_conn *ct, enum nat_manip_type mt,
			      nat_used_fn usedfn, void *priv)
{
	struct tries tr = {
		.net = net, .ct = ct, .used = usedfn, .priv = priv,
	};

	/*
	 * 1) Source NAT keeps the original tuple when it is in the range
	 * and free; when it is not in the range, the mapping another
	 * connection of the same source already has, if that gives a free
	 * tuple (find_appropriate_src).
	 */
	if (mt == NAT_MANIP_SRC && !(r->flags & NAT_RANGE_PROTO_RANDOM_ALL)) {
		if (nat_in_range(orig, r)) {
			if (!used(&tr, orig)) {
				*out = *orig;
				return tr.n;
			}
		} else if (nat_bysrc_find(net, ct->zone, orig, out, r) &&
			   !used(&tr, out)) {
			return tr.n;
		}
	}
	/* 2) The address. */
	*out = *orig;
	best_ips(out, r, ct, mt);
	/* 3) The port, unless it is in the range and the tuple free. */
	if (!(r->flags & NAT_RANGE_PROTO_RANDOM_ALL)) {
		if (r->flags & NAT_RANGE_PROTO_SPECIFIED) {
			if (!(r->flags & NAT_RANGE_PROTO_OFFSET) &&
			    l4_in_range(out, mt, r->min_proto, r->max_proto) &&
			    (r->min_proto == r->max_proto || !used(&tr, out)))
				return tr.n;
		} else if (!used(&tr, out)) {
			return tr.n;
		}
	}
	l4_unique_tuple(&tr, out, r, mt);
	return tr.n;
}

/* "10.0.0.2:1234" (the port only for protocols that have one). */
static int fmt_end(char *buf, size_t n, uint32_t ip, uint16_t port,
		   uint8_t proto)
{
	const uint8_t *b = (const uint8_t *)&ip;

	if (has_ports(proto) || proto == PROTO_ICMP)
		return snprintf(buf, n, "%u.%u.%u.%u:%u", b[0], b[1], b[2],
				b[3], ntohs(port));
	return snprintf(buf, n, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

static void trace_setup(struct net *net, const struct pkt *pkt,
			enum nat_manip_type mt, const struct ct_tuple *from,
			const struct ct_tuple *to, unsigned tried)
{
	struct trace_event ev = { .kind = TRACE_NOTE, .hook = -1 };
	char a[32], b[32], text[128];

	if (mt == NAT_MANIP_SRC) {
		fmt_end(a, sizeof(a), from->src.ip, from->sport, from->proto);
		fmt_end(b, sizeof(b), to->src.ip, to->sport, to->proto);
	} else {
		fmt_end(a, sizeof(a), from->dst.ip,
			from->proto == PROTO_ICMP ? from->sport : from->dport,
			from->proto);
		fmt_end(b, sizeof(b), to->dst.ip,
			to->proto == PROTO_ICMP ? to->sport : to->dport,
			to->proto);
	}
	snprintf(text, sizeof(text), "nat: %s %s -> %s (%u tuple%s tried)",
		 mt == NAT_MANIP_SRC ? "SNAT" : "DNAT", a, b, tried,
		 tried == 1 ? "" : "s");
	ev.text = text;
	net_trace(net, pkt, &ev);
}

unsigned int nat_setup_info_with(struct net *net, struct ct_conn *ct,
				 const struct nat_range *range,
				 enum nat_manip_type mt, const struct pkt *pkt,
				 nat_used_fn usedfn, void *priv)
{
	struct ct_tuple curr, nt;
	unsigned tried;

	/* A confirmed entry's tuples are the table's: nothing to set. */
	if (ct_is_confirmed(ct))
		return NS_ACCEPT;
	if (nat_initialized(ct, mt))
		return NS_DROP;
	/* What the original looks like after earlier manips. */
	nat_invert_tuple(&curr, ct_tuple_of(ct, CT_DIR_REPLY));
	tried = nat_get_unique_tuple(net, &nt, &curr, range, ct, mt, usedfn,
				     priv);
	if (!ct_tuple_equal(&nt, &curr)) {
		/* Unconfirmed: the packet owns the entry, no one reads it. */
		nat_invert_tuple(&ct->node[CT_DIR_REPLY].tuple, &nt);
		ct_status_set(ct, mt == NAT_MANIP_SRC ? CT_S_SRC_NAT :
			      CT_S_DST_NAT);
	}
	ct_status_set(ct, mt == NAT_MANIP_SRC ? CT_S_SRC_NAT_DONE :
		      CT_S_DST_NAT_DONE);
	/* Null bindings too, as the kernel's nf_nat_setup_info. */
	if (mt == NAT_MANIP_SRC)
		nat_bysrc_add(net, ct);
	if (pkt && net_tracing(net, pkt))
		trace_setup(net, pkt, mt, &curr, &nt, tried);
	return NS_ACCEPT;
}

unsigned int nat_setup_info(struct net *net, struct ct_conn *ct,
			    const struct nat_range *range,
			    enum nat_manip_type mt, const struct pkt *pkt)
{
	return nat_setup_info_with(net, ct, range, mt, pkt, nat_used_tuple_ct,
				   NULL);
}

unsigned int nat_alloc_null_binding(struct net *net, struct ct_conn *ct,
				    int hook)
{
	enum nat_manip_type mt = nat_hook2manip(hook);
	const struct ct_tuple *reply = ct_tuple_of(ct, CT_DIR_REPLY);
	/* The reply's view, in case an earlier manip changed it. */
	uint32_t ip = mt == NAT_MANIP_SRC ? reply->dst.ip : reply->src.ip;
	struct nat_range r = {
		.flags = NAT_RANGE_MAP_IPS, .min_addr = ip, .max_addr = ip,
	};

	return nat_setup_info(net, ct, &r, mt, NULL);
}

struct ct_conn *nat_pkt_ct(const struct pkt *pkt)
{
	if (!pkt->ct)
		return NULL;
	if (pkt->ctinfo != CT_NEW && pkt->ctinfo != CT_RELATED &&
	    pkt->ctinfo != CT_RELATED_REPLY)
		return NULL;
	return pkt->ct;
}
