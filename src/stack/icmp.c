// SPDX-License-Identifier: MIT
/*
 * ICMP: answering echo and timestamp requests (icmp_rcv), and sending
 * errors with the kernel's rules (__icmp_send): never about ICMP errors,
 * non-first fragments, packets to broadcast/multicast or not addressed to
 * our MAC; source address from the offending packet's destination when it
 * was for us, else from the route back; TOS precedence; as much of the
 * packet as fits in 576 bytes. Rate limits as in the kernel: the global
 * bucket (icmp_msgs_per_sec/burst), the per-destination token bucket
 * (icmp_ratelimit, inet_peer_xrlim_allow) for types in icmp_ratemask,
 * ip_error's own limit, and the redirect back-off. All on net_now(net).
 * Data path; the peer table is allocated at start-up.
 */
#include "stack/internal.h"

#include "pkt/csum.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_MS 1000000ull
#define NS_PER_SEC 1000000000ull
/*
 * The kernel counts these limits in jiffies; Debian's kernels (the
 * reference) run at HZ=250, and the granularity matters: two packets in
 * the same jiffy see no time pass.
 */
#define HZ 250
#define PEER_SLOTS 1024
#define PEER_MAXTTL (600 * HZ)                  /* inet_peer_maxttl */
#define XRLIM_BURST_FACTOR 6
#define RT_ERROR_COST HZ                        /* ip_rt_error_cost */
#define RT_ERROR_BURST (5 * HZ)                 /* ip_rt_error_burst */
#define REDIRECT_NUMBER 9                       /* ip_rt_redirect_number */
#define REDIRECT_LOAD (HZ / 50)                 /* ip_rt_redirect_load */
#define REDIRECT_SILENCE (REDIRECT_LOAD << 10)  /* ip_rt_redirect_silence */

/* What the kernel keeps per remote address in struct inet_peer. */
struct icmp_peer {
	uint32_t addr;
	bool used;
	uint64_t rate_tokens;   /* jiffies */
	uint64_t rate_last;     /* jiffies (may wrap, as unsigned long) */
	uint64_t last_use;
	int n_redirects;
};

struct icmp_rl {
	bool global_started;
	int64_t credit;
	uint64_t stamp;         /* jiffies */
	struct icmp_peer peers[PEER_SLOTS];
};

static uint64_t jiffies(const struct net *net)
{
	return net_now(net) / (NS_PER_SEC / HZ);
}

static bool time_after(uint64_t a, uint64_t b)
{
	return (int64_t)(b - a) < 0;
}

/* proc_dointvec_ms_jiffies: the icmp_ratelimit knob in jiffies. */
static uint64_t ratelimit_jiffies(const struct net *net)
{
	int ms = net_conf(net)->sysctl.icmp_ratelimit;

	if (ms <= 0)
		return 0;
	return ((uint64_t)ms * HZ + 999) / 1000;
}

/*
 * Rate-limit state is per worker (struct ns_worker.icmp_rl): each worker
 * has the kernel's buckets for the flows it sees, with no lock or atomic.
 * With N workers the global icmp_msgs_per_sec budget is N times larger.
 */
int icmp_worker_init(struct net *net, struct ns_worker *w)
{
	w->icmp_rl = calloc(1, sizeof(struct icmp_rl));
	return w->icmp_rl ? 0 : -ENOMEM;
}

void icmp_worker_fini(struct net *net, struct ns_worker *w)
{
	free(w->icmp_rl);
	w->icmp_rl = NULL;
}

static struct icmp_rl *icmp_rl(struct net *net)
{
	return net_worker(net)->icmp_rl;
}

/* inet_getpeer_v4(): a fresh peer looks 60 s old (full bucket). */
static struct icmp_peer *getpeer(struct net *net, uint32_t addr)
{
	struct icmp_rl *rl = icmp_rl(net);
	uint32_t h = addr * 0x9e3779b1u;
	struct icmp_peer *p = &rl->peers[(h >> 16) % PEER_SLOTS];
	uint64_t now = jiffies(net);

	if (!p->used || p->addr != addr ||
	    time_after(now, p->last_use + PEER_MAXTTL)) {
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->addr = addr;
		p->rate_last = now - 60 * HZ;
	}
	p->last_use = now;
	return p;
}

/*
 * inet_peer_xrlim_allow(): tokens accrue with time and are capped at six
 * timeouts, but only when time moved: in the same jiffy the cap is not
 * applied (ip_error's burst survives an icmp_ratelimit of 0).
 */
static bool xrlim_allow(struct icmp_peer *p, uint64_t now, uint64_t timeout)
{
	uint64_t token = p->rate_tokens, delta = now - p->rate_last;
	bool rc = false;

	if (delta) {
		p->rate_last = now;
		token += delta;
		if (token > XRLIM_BURST_FACTOR * timeout)
			token = XRLIM_BURST_FACTOR * timeout;
	}
	if (token >= timeout) {
		token -= timeout;
		rc = true;
	}
	p->rate_tokens = token;
	return rc;
}

/* icmpv4_mask_allow(): types outside icmp_ratemask are not limited. */
static bool mask_allow(struct net *net, int type, int code)
{
	if (type > NS_NR_ICMP_TYPES)
		return true;
	if (type == NS_ICMP_DEST_UNREACH && code == NS_ICMP_FRAG_NEEDED)
		return true;
	return !((1u << type) & (unsigned)net_conf(net)->sysctl.icmp_ratemask);
}

/* icmp_global_allow(): check (and refill) without consuming. */
static bool global_allow(struct net *net)
{
	struct icmp_rl *rl = icmp_rl(net);
	uint64_t now = jiffies(net), delta;
	int64_t incr;

	if (rl->credit > 0)
		return true;
	delta = rl->global_started ? now - rl->stamp : HZ;
	if (delta > HZ)
		delta = HZ;
	if (delta < HZ / 50)
		return false;
	incr = (int64_t)net_conf(net)->sysctl.icmp_msgs_per_sec * (int64_t)delta / HZ;
	if (!incr)
		return false;
	rl->global_started = true;
	rl->stamp = now;
	rl->credit += incr;
	if (rl->credit > net_conf(net)->sysctl.icmp_msgs_burst)
		rl->credit = net_conf(net)->sysctl.icmp_msgs_burst;
	return true;
}

/*
 * icmp_global_consume(): the kernel takes a random 0..2 credits; we take
 * the average, one, so that runs are reproducible.
 */
static void global_consume(struct net *net)
{
	icmp_rl(net)->credit -= 1;
}

bool icmp_error_allow(struct net *net, uint32_t saddr)
{
	struct icmp_peer *p = getpeer(net, saddr);
	uint64_t now = jiffies(net);

	p->rate_tokens += now - p->rate_last;
	if (p->rate_tokens > RT_ERROR_BURST)
		p->rate_tokens = RT_ERROR_BURST;
	p->rate_last = now;
	if (p->rate_tokens >= RT_ERROR_COST) {
		p->rate_tokens -= RT_ERROR_COST;
		return true;
	}
	return false;
}

static bool icmp_is_error(int type)
{
	return type == NS_ICMP_DEST_UNREACH || type == NS_ICMP_SOURCE_QUENCH ||
	       type == NS_ICMP_REDIRECT || type == NS_ICMP_TIME_EXCEEDED ||
	       type == NS_ICMP_PARAMETERPROB;
}

/*
 * Set while an ICMP message of ours is on its way out (icmp_xmit_lock
 * held): a hook that wants an ICMP error about it (REJECT in OUTPUT or
 * POSTROUTING) gets none, as the kernel's trylock fails there.
 */
__thread int icmp_xmit_busy;

/*
 * Finish an ICMP message at pkt->data + 20 + options (icmp_len bytes),
 * with the options echoed from the packet answered, and send it.
 */
static void icmp_push(struct net *net, struct pkt *reply, uint32_t saddr,
		      uint32_t daddr, uint8_t tos, uint32_t icmp_len,
		      const uint8_t *opts, const struct ip_echo_opts *eo)
{
	struct ns_icmphdr *ih;

	ih = (struct ns_icmphdr *)(reply->data + 20 + (eo ? eo->optlen : 0));
	ih->checksum = 0;
	ih->checksum = csum_fold(csum_partial(ih, icmp_len, 0));
	ip_build_header_opts(net, reply, saddr, daddr, 1, tos,
			     (uint8_t)net_conf(net)->sysctl.ip_default_ttl, false, opts,
			     eo, icmp_len);
	net_stats(net)->generated++;
	icmp_xmit_busy++;
	stack_output(net, reply);
	icmp_xmit_busy--;
}

void icmp_send(struct net *net, const struct pkt *pkt, int type, int code,
	       uint32_t info)
{
	const struct ns_iphdr *iph;
	struct rt_result rt;
	struct pkt *reply;
	struct ns_icmphdr *ih;
	uint32_t saddr, room, dlen, l3len;
	struct ip_echo_opts eo;
	uint8_t opts[40];
	int dtype;
	uint8_t tos;

	if (!pkt || pkt->l3_off > pkt->len ||
	    pkt->len - pkt->l3_off < sizeof(struct ns_iphdr) ||
	    icmp_xmit_busy)
		return;
	iph = pkt_iph(pkt);
	/* No replies to link-level broadcast/multicast. */
	if (pkt->pkt_type != PKT_HOST)
		return;
	dtype = stack_addr_type(net, iph->daddr, NULL);
	if (dtype == RTN_BROADCAST || dtype == RTN_MULTICAST)
		return;
	/* Only about the first fragment. */
	if (ntohs(iph->frag_off) & NS_IPH_OFFMASK)
		return;
	if (icmp_is_error(type) && iph->protocol == 1) {
		const uint8_t *itp = pkt_l3(pkt) + iph_hlen(iph);

		if (itp + 1 > pkt->data + pkt->len)
			return;
		if (*itp > NS_NR_ICMP_TYPES || icmp_is_error(*itp))
			return;
	}
	/* Global bucket before the route, as __icmp_send. */
	if (!mask_allow(net, type, code) &&
	    !(pkt->in && pkt->in->loopback) && !global_allow(net))
		return;
	/* Source: our address if the packet was for us, else the route's. */
	if (dtype == RTN_LOCAL) {
		saddr = iph->daddr;
	} else {
		saddr = 0;
		if (pkt->in && !pkt->local_out &&
		    net_conf(net)->sysctl.icmp_errors_use_inbound_ifaddr)
			saddr = addr_select(net, pkt->in, iph->saddr,
					    RT_SCOPE_LINK);
	}
	if (route_output(net, iph->saddr, saddr, &rt))
		return;
	if (!saddr)
		saddr = rt.src.ip;
	if (!saddr)
		saddr = htonl(0xc0000008); /* INADDR_DUMMY */
	/* Per-destination bucket, then consume a global credit. */
	if (!mask_allow(net, type, code) &&
	    !(pkt->in && pkt->in->loopback)) {
		if (!(rt.dev && rt.dev->loopback)) {
			struct icmp_peer *p = getpeer(net, iph->saddr);

			if (!xrlim_allow(p, jiffies(net),
					 ratelimit_jiffies(net)))
				return;
		}
		global_consume(net);
	}
	/* ip_options_echo(): options of ours to answer with. */
	if (ip_options_echo(net, pkt, opts, &eo) < 0)
		return;
	/* RFC 1812: as much as fits in 576 bytes. */
	room = rt.dev && rt.dev->mtu < 576 ? rt.dev->mtu : 576;
	room -= 20 + (uint32_t)eo.optlen + 8;
	l3len = pkt_l3_len(pkt);
	dlen = l3len < room ? l3len : room;
	reply = ip_alloc_reply(net, pkt);
	if (!reply)
		return;
	tos = icmp_is_error(type) ? (uint8_t)((iph->tos & 0x1e) | 0xc0) :
				    iph->tos;
	ih = (struct ns_icmphdr *)(reply->data + 20 + eo.optlen);
	ih->type = (uint8_t)type;
	ih->code = (uint8_t)code;
	ih->un = info;
	memcpy((uint8_t *)ih + 8, pkt_l3(pkt), dlen);
	icmp_push(net, reply, saddr, iph->saddr, tos, 8 + dlen, opts, &eo);
}

void icmp_send_redirect(struct net *net, const struct pkt *pkt, uint32_t gw)
{
	struct icmp_peer *p = getpeer(net, pkt_iph(pkt)->saddr);
	uint64_t now = jiffies(net);

	/* ip_rt_send_redirect(): exponential back-off, then silence. */
	if (time_after(now, p->rate_last + REDIRECT_SILENCE)) {
		p->rate_tokens = 0;
		p->n_redirects = 0;
	}
	if (p->n_redirects >= REDIRECT_NUMBER) {
		p->rate_last = now;
		return;
	}
	if (p->n_redirects == 0 ||
	    time_after(now, p->rate_last +
			    ((uint64_t)REDIRECT_LOAD << p->n_redirects))) {
		icmp_send(net, pkt, NS_ICMP_REDIRECT, 1 /* host */, gw);
		p->rate_last = now;
		p->n_redirects++;
	}
}

/* icmp_reply(): answer with our own header and data. */
static void icmp_reply(struct net *net, const struct pkt *pkt, int rt_type,
		       const void *hdr, uint32_t hlen, const uint8_t *data,
		       uint32_t dlen)
{
	const struct ns_iphdr *iph = pkt_iph(pkt);
	const struct ns_icmphdr *ih = hdr;
	struct ip_echo_opts eo;
	struct rt_result rt;
	struct pkt *reply;
	uint8_t opts[40];
	uint32_t saddr;

	/* A reassembled request may need a large buffer (up to 64 KiB). */
	if (20 + hlen + dlen > 65535 || icmp_xmit_busy)
		return;
	if (!mask_allow(net, ih->type, ih->code) && !global_allow(net))
		return;
	/* fib_compute_spec_dst(): our address, or one facing the sender. */
	if (rt_type == RTN_LOCAL)
		saddr = iph->daddr;
	else
		saddr = addr_select(net, pkt->in, iph->saddr,
				    RT_SCOPE_UNIVERSE);
	if (route_output(net, iph->saddr, saddr, &rt))
		return;
	if (!mask_allow(net, ih->type, ih->code)) {
		if (!(rt.dev && rt.dev->loopback)) {
			struct icmp_peer *p = getpeer(net, iph->saddr);

			if (!xrlim_allow(p, jiffies(net),
					 ratelimit_jiffies(net)))
				return;
		}
		global_consume(net);
	}
	if (ip_options_echo(net, pkt, opts, &eo) < 0)
		return;
	if (20 + (uint32_t)eo.optlen + hlen + dlen > 65535)
		return;
	reply = ip_alloc_reply_len(net, pkt, 20 + (uint32_t)eo.optlen + hlen +
				   dlen);
	if (!reply)
		return;
	memcpy(reply->data + 20 + eo.optlen, hdr, hlen);
	if (dlen)
		memcpy(reply->data + 20 + eo.optlen + hlen, data, dlen);
	icmp_push(net, reply, saddr, iph->saddr, iph->tos, hlen + dlen, opts,
		  &eo);
}

/* Milliseconds since midnight UT (inet_current_timestamp), network order. */
static uint32_t current_timestamp(struct net *net)
{
	uint64_t ms = net_now(net) / NS_PER_MS;

	return htonl((uint32_t)(ms % 86400000ull));
}

void icmp_rcv(struct net *net, struct pkt *pkt, int rt_type)
{
	const struct ns_icmphdr *ih;
	struct ns_icmphdr h;

	if (!pkt->l4_off ||
	    csum_fold(csum_partial(pkt_l4(pkt), pkt->l4_len, 0)) != 0) {
		net_drop(net, pkt, pkt->l4_off ? DROP_ICMP_CSUM :
						 DROP_L4_TRUNCATED);
		return;
	}
	if (pkt->l4_len < sizeof(*ih)) {
		net_drop(net, pkt, DROP_L4_TRUNCATED);
		return;
	}
	ih = (const struct ns_icmphdr *)pkt_l4(pkt);
	if (ih->type > NS_NR_ICMP_TYPES) {
		net_drop(net, pkt, DROP_ICMP_IGNORED);
		return;
	}
	if (rt_type == RTN_BROADCAST || rt_type == RTN_MULTICAST) {
		if ((ih->type == NS_ICMP_ECHO || ih->type == NS_ICMP_TIMESTAMP) &&
		    net_conf(net)->sysctl.icmp_echo_ignore_broadcasts) {
			net_drop(net, pkt, DROP_ICMP_IGNORED);
			return;
		}
		if (ih->type != NS_ICMP_ECHO && ih->type != NS_ICMP_TIMESTAMP &&
		    ih->type != NS_ICMP_ADDRESS &&
		    ih->type != NS_ICMP_ADDRESSREPLY) {
			net_drop(net, pkt, DROP_ICMP_IGNORED);
			return;
		}
	}
	switch (ih->type) {
	case NS_ICMP_ECHO:
		if (net_conf(net)->sysctl.icmp_echo_ignore_all) {
			net_drop(net, pkt, DROP_ICMP_IGNORED);
			return;
		}
		h = *ih;
		h.type = NS_ICMP_ECHOREPLY;
		icmp_reply(net, pkt, rt_type, &h, sizeof(h),
			   pkt_l4(pkt) + sizeof(h), pkt->l4_len - sizeof(h));
		stack_fate(net, pkt, FATE_ANSWERED, NULL);
		pkt_free(pkt);
		return;
	case NS_ICMP_TIMESTAMP: {
		uint8_t buf[sizeof(h) + 12];
		uint32_t ts;

		if (pkt->l4_len < sizeof(h) + 4) {
			net_drop(net, pkt, DROP_L4_TRUNCATED);
			return;
		}
		h = *ih;
		h.type = NS_ICMP_TIMESTAMPREPLY;
		h.code = 0;
		memcpy(buf, &h, sizeof(h));
		memcpy(buf + sizeof(h), pkt_l4(pkt) + sizeof(h), 4);
		ts = current_timestamp(net);
		memcpy(buf + sizeof(h) + 4, &ts, 4);
		memcpy(buf + sizeof(h) + 8, &ts, 4);
		icmp_reply(net, pkt, rt_type, buf, sizeof(buf), NULL, 0);
		stack_fate(net, pkt, FATE_ANSWERED, NULL);
		pkt_free(pkt);
		return;
	}
	default:
		/* Replies and errors are consumed by the stack. */
		stack_fate(net, pkt, FATE_LOCAL, NULL);
		pkt_free(pkt);
		return;
	}
}
