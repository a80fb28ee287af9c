// SPDX-License-Identifier: MIT
/* Names and descriptions of drop reasons. Pure data. */
#include "pkt/drop.h"

static const struct {
	const char *name;
	const char *desc;
} reasons[DROP_REASON_MAX] = {
	[DROP_NOT_DROPPED] = { "NOT_DROPPED", "not dropped" },
	[DROP_PKT_TOO_SMALL] = { "PKT_TOO_SMALL", "frame shorter than its link header" },
	[DROP_PKT_TOO_BIG] = { "PKT_TOO_BIG", "frame larger than a packet buffer" },
	[DROP_UNHANDLED_PROTO] = { "UNHANDLED_PROTO", "unhandled ethertype" },
	[DROP_IPV6DISABLED] = { "IPV6DISABLED", "IPv6 not supported" },
	[DROP_OTHERHOST] = { "OTHERHOST", "frame for another host" },
	[DROP_IP_INHDR] = { "IP_INHDR", "bad IP version or header length" },
	[DROP_IP_CSUM] = { "IP_CSUM", "bad IP header checksum" },
	[DROP_IP_TRUNCATED] = { "IP_TRUNCATED", "IP total length disagrees with frame" },
	[DROP_IP_INADDRERRORS] = { "IP_INADDRERRORS", "martian address" },
	[DROP_IP_INNOROUTES] = { "IP_INNOROUTES", "no route to destination" },
	[DROP_IP_FORWARDING_OFF] = { "IP_FORWARDING_OFF", "forwarding disabled" },
	[DROP_IP_TTL_EXPIRED] = { "IP_TTL_EXPIRED", "TTL expired in transit" },
	[DROP_IP_FRAG_NEEDED] = { "IP_FRAG_NEEDED", "DF set and larger than the MTU" },
	[DROP_DUP_FRAG] = { "DUP_FRAG", "duplicate IP fragment" },
	[DROP_FRAG_OVERLAP] = { "FRAG_OVERLAP", "overlapping IP fragments: datagram discarded" },
	[DROP_FRAG_REASM_TIMEOUT] = { "FRAG_REASM_TIMEOUT", "IP reassembly timed out" },
	[DROP_FRAG_TOO_FAR] = { "FRAG_TOO_FAR", "IP fragment too far ahead (ipfrag_max_dist)" },
	[DROP_FRAG_INVALID] = { "FRAG_INVALID", "IP fragment contradicts the datagram's length" },
	[DROP_FRAG_OVERSIZE] = { "FRAG_OVERSIZE", "reassembled IP datagram over 65535 bytes" },
	[DROP_FRAG_ECN] = { "FRAG_ECN", "IP fragments with an invalid ECN mix" },
	[DROP_FRAG_MEM] = { "FRAG_MEM", "IP reassembly memory over ipfrag_high_thresh" },
	[DROP_L4_TRUNCATED] = { "L4_TRUNCATED", "transport header truncated" },
	[DROP_TCP_CSUM] = { "TCP_CSUM", "bad TCP checksum" },
	[DROP_UDP_CSUM] = { "UDP_CSUM", "bad UDP checksum" },
	[DROP_ICMP_CSUM] = { "ICMP_CSUM", "bad ICMP checksum" },
	[DROP_NETFILTER_DROP] = { "NETFILTER_DROP", "dropped by a hook" },
	[DROP_QUEUE_NO_HANDLER] = { "QUEUE_NO_HANDLER", "queued with no queue handler" },
	[DROP_NO_SOCKET] = { "NO_SOCKET", "no local listener" },
	[DROP_ICMP_IGNORED] = { "ICMP_IGNORED", "ICMP message not answered" },
	[DROP_ARP_INVALID] = { "ARP_INVALID", "malformed or foreign ARP" },
	[DROP_NEIGH_FAILED] = { "NEIGH_FAILED", "neighbour unreachable" },
	[DROP_NEIGH_QUEUEFULL] = { "NEIGH_QUEUEFULL", "neighbour queue full" },
	[DROP_DEV_DOWN] = { "DEV_DOWN", "interface down" },
	[DROP_NO_BUFFER] = { "NO_BUFFER", "packet pool exhausted" },
	[DROP_TX_ERROR] = { "TX_ERROR", "transmit failed" },
	[DROP_IP_NOPROTO] = { "IP_NOPROTO", "no handler for the IP protocol" },
	[DROP_IP_SRR] = { "IP_SRR", "source-routed packet (accept_source_route=0)" },
	[DROP_IP_RPFILTER] = { "IP_RPFILTER", "reverse path filter" },
	[DROP_GSO_BAD] = { "GSO_BAD", "GSO metadata does not match the headers" },
};

const char *drop_reason_name(enum drop_reason r)
{
	if ((unsigned)r >= DROP_REASON_MAX || !reasons[r].name)
		return "UNKNOWN";
	return reasons[r].name;
}

const char *drop_reason_desc(enum drop_reason r)
{
	if ((unsigned)r >= DROP_REASON_MAX || !reasons[r].desc)
		return "unknown";
	return reasons[r].desc;
}
