/* SPDX-License-Identifier: MIT */
/*
 * Drop reasons. Every packet the stack drops is counted under exactly one of
 * these, named after the kernel's SKB_DROP_REASON_* where one exists, so
 * "why was it dropped" has the same answer as `perf trace -e skb:kfree_skb`.
 */
#ifndef NS_CORE_DROP_H
#define NS_CORE_DROP_H

enum drop_reason {
	DROP_NOT_DROPPED = 0,
	DROP_PKT_TOO_SMALL,      /* frame shorter than its L2 header */
	DROP_PKT_TOO_BIG,        /* frame larger than a packet buffer */
	DROP_UNHANDLED_PROTO,    /* ethertype we do not handle */
	DROP_IPV6DISABLED,       /* IPv6: not supported yet */
	DROP_OTHERHOST,          /* unicast frame for another MAC */
	DROP_IP_INHDR,           /* bad version, header length < 5 */
	DROP_IP_CSUM,            /* IPv4 header checksum */
	DROP_IP_TRUNCATED,       /* total length > frame or < header length */
	DROP_IP_INADDRERRORS,    /* martian source/destination */
	DROP_IP_INNOROUTES,      /* no route */
	DROP_IP_FORWARDING_OFF,  /* net.ipv4.ip_forward=0, not for us */
	DROP_IP_TTL_EXPIRED,     /* TTL <= 1 when forwarding */
	DROP_IP_FRAG_NEEDED,     /* DF set and larger than the MTU */
	DROP_DUP_FRAG,           /* duplicate fragment (the queue keeps going) */
	DROP_FRAG_OVERLAP,       /* overlapping fragment: datagram discarded */
	DROP_FRAG_REASM_TIMEOUT, /* reassembly timed out (ipfrag_time) */
	DROP_FRAG_TOO_FAR,       /* ipfrag_max_dist: queue restarted */
	DROP_FRAG_INVALID,       /* fragment contradicts its queue's length */
	DROP_FRAG_OVERSIZE,      /* reassembled datagram over 65535 bytes */
	DROP_FRAG_ECN,           /* invalid ECN mix among fragments */
	DROP_FRAG_MEM,           /* over ipfrag_high_thresh, or no queue */
	DROP_L4_TRUNCATED,       /* TCP/UDP/ICMP header shorter than minimum */
	DROP_TCP_CSUM,
	DROP_UDP_CSUM,
	DROP_ICMP_CSUM,
	DROP_NETFILTER_DROP,     /* a hook said NS_DROP */
	DROP_QUEUE_NO_HANDLER,   /* NS_QUEUE with nothing listening */
	DROP_NO_SOCKET,          /* local port closed (RST/unreachable sent) */
	DROP_ICMP_IGNORED,       /* echo_ignore_all, or an ICMP we do not answer */
	DROP_ARP_INVALID,        /* malformed or foreign ARP */
	DROP_NEIGH_FAILED,       /* next hop did not answer ARP */
	DROP_NEIGH_QUEUEFULL,    /* too many packets waiting on one neighbour */
	DROP_DEV_DOWN,           /* interface administratively down */
	DROP_NO_BUFFER,          /* packet pool exhausted */
	DROP_TX_ERROR,           /* backend refused the frame */
	DROP_IP_NOPROTO,         /* local delivery: unknown IP protocol */
	DROP_IP_SRR,             /* source-routed, accept_source_route=0 */
	DROP_IP_RPFILTER,        /* reverse path filter (rp_filter) */
	DROP_GSO_BAD,            /* GSO metadata does not match the headers */
	DROP_REASON_MAX
};

/* "PKT_TOO_SMALL" etc.; never NULL. */
const char *drop_reason_name(enum drop_reason r);
/* A short human description ("frame shorter than its header"). */
const char *drop_reason_desc(enum drop_reason r);

#endif
