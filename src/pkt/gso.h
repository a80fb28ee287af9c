/* SPDX-License-Identifier: MIT */
/*
 * Generic segmentation offload in software, as the kernel's
 * skb_gso_segment() with inet_gso_segment(), tcp_gso_segment() and
 * udp4_ufo_fragment(): a GSO super-frame (IPv4 TCP, UFO or UDP GSO) cut
 * into the packets the wire carries, and CHECKSUM_PARTIAL completed in
 * software (skb_checksum_help). Data path: segments come from the
 * caller's pool; nothing else is allocated.
 */
#ifndef NS_PKT_GSO_H
#define NS_PKT_GSO_H

#include <stdint.h>

#include "pkt/pkt.h"

/*
 * Check a parsed IPv4 GSO packet's metadata against its headers, as the
 * kernel's virtio_net_hdr_to_skb() and the segmenters do: a TCP packet
 * for TSO, UDP for UFO/USO; not a fragment; a transport header that fits;
 * a partial checksum, if any, that starts at the transport header.
 * Returns 0 or -EINVAL.
 */
int pkt_gso_check(const struct pkt *pkt);

/*
 * The length of the IP packets the segments will be
 * (skb_gso_network_seglen()): network and transport headers plus
 * gso_size for TCP and UDP GSO; network header plus gso_size for UFO,
 * whose gso_size already counts the UDP header.
 */
uint32_t pkt_gso_network_seglen(const struct pkt *pkt);

/*
 * Cut pkt (parsed, a GSO packet that passed pkt_gso_check()) into packets
 * allocated from pool (the calling thread's own), each carrying pkt's link and network headers
 * and metadata, with per-segment IP ID, total length and checksum; for
 * TCP the sequence number, FIN/PSH only on the last segment and CWR only
 * on the first, and a complete TCP checksum; for UFO IP fragments (DF
 * cleared, the UDP checksum computed over the whole datagram); for UDP
 * GSO datagrams with their own length and checksum. A super-frame whose
 * payload fits one segment gives one packet. On success *segs is a list
 * linked by ->next and owned by the caller; pkt is left as it was (the
 * caller frees it). Returns 0, -EINVAL (bad metadata) or -ENOBUFS (pool
 * exhausted; nothing is left allocated).
 */
int pkt_gso_segment(const struct pkt *pkt, struct pkt_pool *pool,
		    struct pkt **segs);

/*
 * skb_checksum_help(): finish a partial checksum: sum from csum_start to
 * the end, store the folded complement (0 as 0xffff) at csum_start +
 * csum_offset and clear csum_partial. Returns 0 (also when there was
 * nothing to do) or -EINVAL when the offsets do not fit the packet.
 */
int pkt_csum_help(struct pkt *pkt);

#endif
