/* SPDX-License-Identifier: MIT */
/*
 * Header parsing and validation for received frames, as the kernel's
 * eth_type_trans() and ip_rcv_core() do: Ethernet (packet type from the
 * destination MAC, ethertype), then the IPv4 header (version, header
 * length, checksum, total length; link padding trimmed), then the L4
 * offsets. Also the on-the-wire header layouts the stack and the
 * extensions share. Data path: no allocation, never reads past pkt->len.
 */
#ifndef NS_PKT_PARSE_H
#define NS_PKT_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt/drop.h"
#include "pkt/pkt.h"

#define NS_ETH_HLEN 14
#define NS_ETH_ALEN 6
#define NS_ETHTYPE_IP 0x0800
#define NS_ETHTYPE_ARP 0x0806
#define NS_ETHTYPE_VLAN 0x8100
#define NS_ETHTYPE_IPV6 0x86DD

#define NS_IPH_DF 0x4000
#define NS_IPH_MF 0x2000
#define NS_IPH_OFFMASK 0x1fff

/* Ethernet header. */
struct ns_ethhdr {
	uint8_t dst[6];
	uint8_t src[6];
	uint16_t type;          /* NBO */
} __attribute__((packed));

/* IPv4 header without options; all multi-byte fields NBO. */
struct ns_iphdr {
	uint8_t ver_ihl;        /* version << 4 | ihl */
	uint8_t tos;
	uint16_t tot_len;
	uint16_t id;
	uint16_t frag_off;      /* flags and offset */
	uint8_t ttl;
	uint8_t protocol;
	uint16_t check;
	uint32_t saddr;
	uint32_t daddr;
} __attribute__((packed));

struct ns_tcphdr {
	uint16_t source;
	uint16_t dest;
	uint32_t seq;
	uint32_t ack_seq;
	uint8_t doff_res;       /* data offset << 4 */
	uint8_t flags;          /* CWR ECE URG ACK PSH RST SYN FIN */
	uint16_t window;
	uint16_t check;
	uint16_t urg_ptr;
} __attribute__((packed));

#define NS_TCPF_FIN 0x01
#define NS_TCPF_SYN 0x02
#define NS_TCPF_RST 0x04
#define NS_TCPF_PSH 0x08
#define NS_TCPF_ACK 0x10
#define NS_TCPF_URG 0x20

struct ns_udphdr {
	uint16_t source;
	uint16_t dest;
	uint16_t len;
	uint16_t check;
} __attribute__((packed));

struct ns_icmphdr {
	uint8_t type;
	uint8_t code;
	uint16_t checksum;
	uint32_t un;            /* id/sequence, gateway, mtu ... */
} __attribute__((packed));

/* ARP for Ethernet/IPv4 (RFC 826). */
struct ns_arphdr {
	uint16_t hrd;
	uint16_t pro;
	uint8_t hln;
	uint8_t pln;
	uint16_t op;
	uint8_t sha[6];
	uint32_t sip;           /* unaligned in the frame: packed */
	uint8_t tha[6];
	uint32_t tip;
} __attribute__((packed));

#define NS_ARPOP_REQUEST 1
#define NS_ARPOP_REPLY 2

/* ICMP types the stack uses (kernel names). */
enum {
	NS_ICMP_ECHOREPLY = 0,
	NS_ICMP_DEST_UNREACH = 3,
	NS_ICMP_SOURCE_QUENCH = 4,
	NS_ICMP_REDIRECT = 5,
	NS_ICMP_ECHO = 8,
	NS_ICMP_TIME_EXCEEDED = 11,
	NS_ICMP_PARAMETERPROB = 12,
	NS_ICMP_TIMESTAMP = 13,
	NS_ICMP_TIMESTAMPREPLY = 14,
	NS_ICMP_INFO_REQUEST = 15,
	NS_ICMP_INFO_REPLY = 16,
	NS_ICMP_ADDRESS = 17,
	NS_ICMP_ADDRESSREPLY = 18,
	NS_NR_ICMP_TYPES = 18,
};

/* ICMP_DEST_UNREACH codes. */
enum {
	NS_ICMP_NET_UNREACH = 0,
	NS_ICMP_HOST_UNREACH = 1,
	NS_ICMP_PROT_UNREACH = 2,
	NS_ICMP_PORT_UNREACH = 3,
	NS_ICMP_FRAG_NEEDED = 4,
	NS_ICMP_NET_ANO = 9,
	NS_ICMP_HOST_ANO = 10,
	NS_ICMP_PKT_FILTERED = 13,
};

/*
 * Classify the Ethernet header at pkt->data for a device whose MAC is
 * dev_mac: sets has_l2, ethertype, pkt_type (host, broadcast, multicast,
 * otherhost, as eth_type_trans) and l3_off = 14. An 802.1Q tag is skipped
 * (l3_off 18, the inner ethertype); a VLAN id other than 0 makes the frame
 * OTHERHOST, as on Linux without VLAN devices. Returns DROP_NOT_DROPPED or
 * DROP_PKT_TOO_SMALL. Does not judge the ethertype.
 */
enum drop_reason pkt_parse_eth(struct pkt *pkt, const uint8_t *dev_mac);

/*
 * Validate the IPv4 header at pkt->l3_off as ip_rcv_core() does and fill
 * family, l4_proto, frag_off, is_frag, l4_off and l4_len. Trims link-layer
 * padding so that pkt->len ends with the IP datagram. l4_off is set
 * whenever the packet is not a non-first fragment and the IP payload is
 * not empty, even if the L4 header is shorter than its minimum (matches
 * check l4_len). Returns DROP_NOT_DROPPED or the reason (IP_INHDR,
 * IP_CSUM, IP_TRUNCATED).
 */
enum drop_reason pkt_parse_ipv4(struct pkt *pkt);

/*
 * Recompute l4_proto, frag_off, is_frag, l4_off, l4_len and the descriptor
 * (pkt->desc) from the IPv4 header at l3_off (after a rewrite, or for a
 * locally built packet). Does not validate; assumes the header was built
 * or checked already.
 */
void pkt_set_ipv4_offsets(struct pkt *pkt);
/* Only the descriptor, from the IPv4 header and the offsets as they are. */
void pkt_set_desc(struct pkt *pkt);

/* The IPv4 header of a parsed packet. */
static inline struct ns_iphdr *pkt_iph(const struct pkt *pkt)
{
	return (struct ns_iphdr *)(pkt->data + pkt->l3_off);
}

static inline unsigned int iph_hlen(const struct ns_iphdr *iph)
{
	return (iph->ver_ihl & 0x0f) * 4u;
}

/* Read/write unaligned NBO fields without aliasing trouble. */
static inline uint16_t ns_get16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static inline uint32_t ns_get32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

#endif
