// SPDX-License-Identifier: MIT
/*
 * virtio_net_hdr <-> struct pkt offload metadata, shared by the AF_PACKET
 * and TAP backends (the kernel's virtio_net_hdr_to_skb() and
 * virtio_net_hdr_from_skb() seen from the other side). Fields are in the
 * host's byte order: both sockets use the native (little-endian on the
 * hosts we run on) virtio layout. Data path.
 */
#include "io/vnet.h"

#include "pkt/gso.h"
#include "pkt/parse.h"

#include <errno.h>
#include <string.h>

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

int io_vnet_to_pkt(const struct virtio_net_hdr *vh, struct pkt *pkt)
{
	uint8_t type = vh->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

	if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		pkt->csum_partial = true;
		pkt->csum_start = vh->csum_start;
		pkt->csum_offset = vh->csum_offset;
		if ((uint32_t)pkt->csum_start + pkt->csum_offset + 2 > pkt->len)
			return -EINVAL;
	}
	switch (type) {
	case VIRTIO_NET_HDR_GSO_NONE:
		/* A plain frame: finish its checksum now, as before. */
		return pkt_csum_help(pkt);
	case VIRTIO_NET_HDR_GSO_TCPV4:
		pkt->gso_type = PKT_GSO_TCPV4;
		break;
	case VIRTIO_NET_HDR_GSO_UDP:
		pkt->gso_type = PKT_GSO_UDP;
		break;
	case VIRTIO_NET_HDR_GSO_UDP_L4:
		pkt->gso_type = PKT_GSO_UDP_L4;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (!vh->gso_size)
		return -EINVAL;
	pkt->gso_size = vh->gso_size;
	pkt->gso_ecn = (vh->gso_type & VIRTIO_NET_HDR_GSO_ECN) != 0;
	return 0;
}

void io_vnet_from_pkt(const struct pkt *pkt, struct virtio_net_hdr *vh)
{
	memset(vh, 0, sizeof(*vh));
	if (pkt->csum_partial) {
		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->csum_start = pkt->csum_start;
		vh->csum_offset = pkt->csum_offset;
	}
	if (!pkt_is_gso(pkt))
		return;
	switch (pkt->gso_type) {
	case PKT_GSO_TCPV4:
		vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		if (pkt->gso_ecn)
			vh->gso_type |= VIRTIO_NET_HDR_GSO_ECN;
		break;
	case PKT_GSO_UDP:
		vh->gso_type = VIRTIO_NET_HDR_GSO_UDP;
		break;
	case PKT_GSO_UDP_L4:
		vh->gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
		break;
	}
	vh->gso_size = pkt->gso_size;
	/* A hint: link, network and transport headers. */
	vh->hdr_len = (uint16_t)(pkt->l3_off + pkt_gso_network_seglen(pkt) -
				 pkt->gso_size);
	if (pkt->gso_type == PKT_GSO_UDP)
		vh->hdr_len += 8;
}
