/* SPDX-License-Identifier: MIT */
/*
 * The virtio_net_hdr in front of each frame on an AF_PACKET socket with
 * PACKET_VNET_HDR and on a TAP with IFF_VNET_HDR: the kernel's way of
 * handing over a frame with its offload state (GSO type and size, a
 * partial checksum). Conversion to and from struct pkt's metadata. Data
 * path; touches only the header and the packet given.
 */
#ifndef NS_IO_VNET_H
#define NS_IO_VNET_H

#include <linux/virtio_net.h>

#include "pkt/pkt.h"

/*
 * Take the offload state of a received frame (pkt->data, pkt->len set).
 * A partial checksum of a plain frame is completed here; a super-frame
 * keeps it partial (completed per segment if it is ever cut). Returns 0,
 * -EINVAL for offsets outside the frame or a GSO frame without a size,
 * -EOPNOTSUPP for a GSO type netsieve does not take (IPv6, tunnels).
 */
int io_vnet_to_pkt(const struct virtio_net_hdr *vh, struct pkt *pkt);

/*
 * Fill the header for sending pkt: its GSO type and size and its partial
 * checksum, or all zero for a plain frame.
 */
void io_vnet_from_pkt(const struct pkt *pkt, struct virtio_net_hdr *vh);

#endif
