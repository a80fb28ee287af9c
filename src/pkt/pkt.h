/* SPDX-License-Identifier: MIT */
/*
 * struct pkt: one packet buffer plus the offsets found by parsing and the
 * metadata the kernel keeps in an sk_buff (input/output interface, mark,
 * packet type, timestamp). Packets come from a pool sized at start-up; the
 * data path never allocates. Data path.
 *
 * Buffer layout: [headroom | L2 header | L3 header | L4 header | payload].
 * `data` points at the first byte that is part of the packet (the Ethernet
 * header when has_l2, else the IP header); `len` counts from there.
 */
#ifndef NS_PKT_PKT_H
#define NS_PKT_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define PKT_HEADROOM 128
#define PKT_BUFSIZE 2048 /* headroom + largest frame we accept (MTU 1500+) */
#define PKT_MAX_FRAME (PKT_BUFSIZE - PKT_HEADROOM)
/*
 * A large buffer for a GSO super-frame: an IP datagram of up to 64 KiB
 * with its link header (and a VLAN tag), as the kernel hands over with
 * a virtio_net_hdr. A few per pool, used only when a frame needs one.
 */
#define PKT_BIG_MAX_FRAME (65536 + 128)
#define PKT_BIG_BUFSIZE (PKT_HEADROOM + PKT_BIG_MAX_FRAME)

/* sk_buff pkt_type values (linux/if_packet.h). */
enum pkt_type {
	PKT_HOST = 0,
	PKT_BROADCAST = 1,
	PKT_MULTICAST = 2,
	PKT_OTHERHOST = 3,
	PKT_OUTGOING = 4,
	PKT_LOOPBACK = 5,
};

/*
 * GSO kinds, the kernel's SKB_GSO_* that netsieve takes (IPv4 only).
 * A GSO packet is one super-frame for the stack and netfilter (one packet,
 * its full length), cut into wire-sized packets only at transmit, when
 * the egress cannot take it whole (src/pkt/gso.c).
 */
enum pkt_gso_type {
	PKT_GSO_NONE = 0,
	PKT_GSO_TCPV4,  /* TSO: TCP segments of gso_size payload bytes */
	PKT_GSO_UDP,    /* UFO: IP fragments of gso_size IP payload bytes */
	PKT_GSO_UDP_L4, /* USO: UDP datagrams of gso_size payload bytes */
};

/* An address with its family; room for IPv6 so ip6tables can follow. */
struct ns_addr {
	uint8_t family; /* NS_PF_INET or NS_PF_INET6 */
	union {
		uint32_t ip;        /* IPv4, network byte order */
		uint8_t ip6[16];
		uint32_t all[4];
	};
};

/* An IPv4 address (NBO) as a family-neutral one. */
static inline struct ns_addr ns_addr4(uint32_t ip)
{
	struct ns_addr a = { .family = 2 /* NS_PF_INET */ };

	a.ip = ip;
	return a;
}

/*
 * What a packet is, parsed once (pkt_set_ipv4_offsets(), again after a
 * hook rewrote headers): family and addresses, protocol, ports. It is the
 * key a classifier looks up and the tuple connection tracking will keep.
 * Ports are in network byte order: TCP, UDP, UDP-Lite, SCTP and DCCP
 * ports; for ICMP sport is the echo/timestamp/info id (0 otherwise) and
 * dport type << 8 | code. Both 0 for a later fragment or a header too
 * short to hold them.
 */
struct pkt_desc {
	struct ns_addr saddr, daddr;   /* family in both */
	uint8_t proto;
	uint16_t sport, dport;
};

/* Entries of pkt->frag_geo (runs of equal fragment lengths). */
#define PKT_FRAG_GEO 6

struct netdev;
struct xt_gen;
struct ct_conn;
struct ct_tmpl;
struct pkt_pool;

struct pkt {
	uint8_t *data;          /* first byte of the packet */
	uint32_t len;           /* bytes from data */
	uint16_t l3_off;        /* network header, from data */
	uint16_t l4_off;        /* transport header, from data (0: none) */
	uint16_t l4_len;        /* bytes from l4_off to end of IP payload */
	uint16_t ethertype;     /* host order; ETH_P_IP etc. */
	uint8_t family;         /* NS_PF_INET, NS_PF_INET6, 0 for non-IP */
	uint8_t l4_proto;       /* IP protocol number */
	struct pkt_desc desc;   /* addresses, protocol, ports (see above) */
	uint8_t pkt_type;       /* enum pkt_type */
	bool has_l2;            /* data starts with an Ethernet header */
	uint16_t frag_off;      /* IP fragment offset in 8-byte units */
	bool is_frag;           /* MF set or offset != 0 */

	/*
	 * Offload metadata (the sk_buff's gso_* and CHECKSUM_PARTIAL), as a
	 * virtio_net_hdr delivered it. gso_size 0: not a super-frame. With
	 * csum_partial the field at csum_start + csum_offset (from data)
	 * holds the pseudo-header sum and the rest is not summed yet; the
	 * kernel and netsieve treat such a checksum as good on receive.
	 */
	uint8_t gso_type;       /* enum pkt_gso_type */
	bool gso_ecn;           /* TCP: CWR only on the first segment */
	uint16_t gso_size;
	bool csum_partial;
	uint16_t csum_start;
	uint16_t csum_offset;

	const struct netdev *in;  /* receiving interface, NULL if local */
	const struct netdev *out; /* chosen output interface, once routed */
	struct ns_addr nexthop;   /* next hop chosen by routing */
	/*
	 * in/out point into a configuration snapshot, which may be freed
	 * while the packet waits for a neighbour: the queue keeps their
	 * ifindexes and re-resolves them when it lets the packet go.
	 */
	int16_t q_iif, q_oif;
	uint32_t mark;
	uint64_t tstamp_ns;       /* the stack clock when it arrived */

	/*
	 * Connection tracking (src/ct/ct.h), the kernel's skb->_nfct: the
	 * entry this packet belongs to and how (enum ct_info; CT_NONE, 0xff,
	 * until tracked or when INVALID; CT_UNTRACKED with ct NULL after
	 * NOTRACK). An unconfirmed entry is owned by the packet: pkt_free()
	 * releases it through pkt_ct_release. A confirmed one is only
	 * borrowed, for as long as the worker stays in its RCU read section.
	 * ct_tmpl: what the CT target in raw set (zone, helper), read by
	 * tracking at -200; it belongs to the ruleset generation.
	 */
	struct ct_conn *ct;
	const struct ct_tmpl *ct_tmpl;
	uint8_t ctinfo;
	bool ct_owned;          /* ct is unconfirmed and this packet's */

	bool local_out;         /* generated by the stack itself */
	bool ipvs_property;     /* IPVS handled it (skb->ipvs_property): its
				 * hooks let it pass from then on */
	bool trace;             /* set by the TRACE target */
	uint32_t id;            /* sequence number of the causing input packet */

	/*
	 * The ruleset generation this packet is classified by, taken once at
	 * its first table so that every table it passes belongs to the same
	 * generation (a packet never sees a mix of two rulesets).
	 */
	const struct xt_gen *xt_gen;

	/*
	 * IPv4 options found on receive (ip_options_compile in
	 * src/stack/options.c): offsets from the IP header, 0 for none, and
	 * what still needs filling in (IPOPT_* flags there).
	 */
	uint8_t opt_rr, opt_ts, opt_srr, opt_flags;

	/*
	 * IPv4 reassembly (src/stack/ipfrag.c). A reassembled datagram
	 * carries the kernel's IPCB(skb)->frag_max_size (its largest
	 * fragment, header included: output refragments to no more) and
	 * PKT_FRAG_* flags. While a fragment waits in a queue,
	 * frag_run_len is the length of the run of adjacent fragments it
	 * heads (the kernel's FRAG_CB(skb)->frag_run_len; 0: not a head).
	 */
	uint16_t frag_max_size;
	uint8_t frag_flags;
	uint32_t frag_run_len;
	/*
	 * A datagram conntrack reassembled keeps its fragments' payload
	 * lengths, in order and run-length coded (frag_geo_n entries; 0:
	 * not kept, too varied): the kernel keeps the fragments themselves
	 * (frag_list) and ip_do_fragment()'s fast path sends them again as
	 * they were when each fits the link.
	 */
	uint8_t frag_geo_n;
	struct {
		uint16_t len, count;
	} frag_geo[PKT_FRAG_GEO];

	struct pkt *next;       /* pool free list / burst lists */
	struct pkt_pool *pool;  /* the pool it returns to */
	/* A large packet's buffer (PKT_BIG_BUFSIZE bytes), used, not buf. */
	uint8_t *big;
	uint8_t buf[PKT_BUFSIZE];
};

/*
 * Fixed-size packet pool. Created on the control path with a hard cap.
 * One thread owns it (a worker: pkt_pool_set_local()) and allocates and
 * frees from its free list without atomics. A packet freed by any other
 * thread (a packet queued for ARP by one worker and sent by another, a
 * queue flushed by the control path) goes on the pool's remote list with
 * one atomic push; the owner takes that whole list when its own runs out.
 * Besides npkts packets of PKT_BUFSIZE it holds a few large ones
 * (PKT_POOL_BIG(npkts), PKT_BIG_BUFSIZE each) for GSO super-frames, with
 * lists of their own.
 */
struct pkt_pool {
	/* Owner thread only. */
	struct pkt *free;
	uint32_t nfree;
	uint64_t alloc_fail;    /* counted: "no buffer" */
	/* Any thread: atomic push; the owner takes all with an exchange. */
	struct pkt *remote;
	uint32_t nremote;
	/* Set at creation. */
	uint32_t size;
	struct pkt *mem;

	/* The large packets: the same lists, and their buffers. */
	struct pkt *big_free;
	uint32_t big_nfree;
	uint64_t big_alloc_fail;
	struct pkt *big_remote;
	uint32_t big_nremote;
	uint32_t big_size;
	struct pkt *big_mem;
	uint8_t *big_data;
};

/*
 * pkt->frag_flags. PKT_FRAG_PMTU: the kernel's IPSKB_FRAG_PMTU (DF was
 * set on the largest fragment: the datagram carries DF, refragments keep
 * it). PKT_IGNORE_DF: skb->ignore_df (conntrack defragmented it: its DF
 * does not stop forwarding, frag_max_size does).
 */
#define PKT_FRAG_PMTU 0x01
#define PKT_IGNORE_DF 0x02

/* Large packets in a pool of npkts: 1 in 32, at least 2, at most 256. */
#define PKT_POOL_BIG(n) ((n) / 32 < 2 ? 2 : (n) / 32 > 256 ? 256 : (n) / 32)

int pkt_pool_create(struct pkt_pool *pool, uint32_t npkts);
void pkt_pool_destroy(struct pkt_pool *pool);
/* Returns an empty packet with data at the headroom, or NULL (counted).
 * Owner thread only. */
struct pkt *pkt_alloc(struct pkt_pool *pool);
/*
 * As pkt_alloc(), a packet with a large buffer (pkt_max_frame() is
 * PKT_BIG_MAX_FRAME), or NULL (counted in big_alloc_fail). Owner thread
 * only; pkt_pool_has_big() says whether one is left without counting.
 */
struct pkt *pkt_alloc_big(struct pkt_pool *pool);
bool pkt_pool_has_big(struct pkt_pool *pool);
/*
 * Give pkt a large buffer in place, keeping its bytes (data, len and the
 * offsets stay valid relative to data), as the kernel's pskb_expand_head()
 * keeps the sk_buff and changes its data: the buffer of a free large
 * packet of the calling thread's pool moves to pkt, and that packet goes
 * back to the pool's small list, so the pool's counts balance. 0 when pkt
 * already has one; -ENOBUFS (counted in big_alloc_fail) when none is left;
 * -EXDEV when pkt belongs to another thread's pool (a buffer must not
 * move between pools). Owner thread only.
 */
int pkt_make_big(struct pkt *pkt);
/* The memory a packet holds, for accounting (the kernel's truesize). */
static inline uint32_t pkt_truesize(const struct pkt *pkt)
{
	return (uint32_t)sizeof(*pkt) + (pkt->big ? PKT_BIG_BUFSIZE : 0);
}
/*
 * Set by connection tracking when it starts (the lower layer knows the
 * upper one only through this pointer, as the kernel's nf_ct_hook):
 * frees the unconfirmed entry a packet owns (pkt->ct_owned).
 */
extern void (*pkt_ct_release)(struct pkt *pkt);

/*
 * Let go of pkt's connection: an unconfirmed entry it owns is freed, a
 * borrowed (confirmed) one only forgotten, as a packet must before it
 * is freed or held past its worker's RCU read section (a queue). Any
 * thread.
 */
static inline void pkt_ct_drop(struct pkt *pkt)
{
	if (pkt->ct_owned && pkt_ct_release)
		pkt_ct_release(pkt);
	pkt->ct = NULL;
	pkt->ct_owned = false;
}
/*
 * Also set by connection tracking: attach a packet the stack generated
 * in answer to orig (an ICMP error, a TCP reset) to orig's connection, as
 * the kernel's nf_ct_attach(). NULL while tracking is off.
 */
extern void (*pkt_ct_attach)(struct pkt *new, const struct pkt *orig);
/*
 * Also set by tracking: the connection of pkt is being reset by the stack
 * (REJECT --reject-with tcp-reset): a TCP entry moves to CLOSE, as the
 * kernel's nf_ct_set_closing().
 */
extern void (*pkt_ct_set_closing)(const struct pkt *pkt);

/* Return pkt to the pool it came from, from any thread. NULL is ignored. */
void pkt_free(struct pkt *pkt);
/* The pool this thread owns (NULL: none; every free is remote). */
void pkt_pool_set_local(struct pkt_pool *pool);
/* Free packets, for statistics (racy snapshot, never negative). */
uint32_t pkt_pool_avail(const struct pkt_pool *pool);
uint32_t pkt_pool_big_avail(const struct pkt_pool *pool);

/*
 * Reset metadata and set data to buf + headroom with len 0. has_l2 is set:
 * a received frame is Ethernet unless its source (TUN, raw-IP pcap) says
 * otherwise by clearing it.
 */
void pkt_reset(struct pkt *pkt);

/*
 * Copy a frame into an allocated packet. Returns -EMSGSIZE if it does not
 * fit the packet's buffer (pkt_max_frame()).
 */
int pkt_set_frame(struct pkt *pkt, const void *frame, uint32_t len);

/* Header access, valid after parsing. */
static inline uint8_t *pkt_l3(const struct pkt *pkt)
{
	return pkt->data + pkt->l3_off;
}

static inline uint8_t *pkt_l4(const struct pkt *pkt)
{
	return pkt->l4_off ? pkt->data + pkt->l4_off : NULL;
}

/* Length of the network packet (from the IP header to the end). */
static inline uint32_t pkt_l3_len(const struct pkt *pkt)
{
	return pkt->len - pkt->l3_off;
}

/* The start of the packet's buffer (headroom included). */
static inline uint8_t *pkt_head(const struct pkt *pkt)
{
	return pkt->big ? pkt->big : (uint8_t *)pkt->buf;
}

/* Bytes the packet's buffer holds after the headroom. */
static inline uint32_t pkt_max_frame(const struct pkt *pkt)
{
	return pkt->big ? PKT_BIG_MAX_FRAME : PKT_MAX_FRAME;
}

/* Headroom left before data. */
static inline uint32_t pkt_headroom(const struct pkt *pkt)
{
	return (uint32_t)(pkt->data - pkt_head(pkt));
}

/* Is this a GSO super-frame? */
static inline bool pkt_is_gso(const struct pkt *pkt)
{
	return pkt->gso_size != 0;
}

/* Grow the packet at the front by n bytes (e.g. to add an Ethernet header). */
static inline uint8_t *pkt_push(struct pkt *pkt, uint32_t n)
{
	pkt->data -= n;
	pkt->len += n;
	pkt->l3_off += n;
	if (pkt->l4_off)
		pkt->l4_off += n;
	if (pkt->csum_partial)
		pkt->csum_start += n;
	return pkt->data;
}

/* Remove n bytes at the front (e.g. strip the Ethernet header). */
static inline void pkt_pull(struct pkt *pkt, uint32_t n)
{
	pkt->data += n;
	pkt->len -= n;
	pkt->l3_off -= n;
	if (pkt->l4_off)
		pkt->l4_off -= n;
	if (pkt->csum_partial)
		pkt->csum_start -= n;
}

#endif
