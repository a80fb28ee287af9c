// SPDX-License-Identifier: MIT
/*
 * The UDP and UDP-Lite trackers (nf_conntrack_proto_udp.c): an entry is
 * UNREPLIED until a reply, then lives udp_timeout (30 s) per packet; once
 * it has seen a reply and traffic more than 2 s after its first packet,
 * it is a stream: ASSURED, udp_timeout_stream (120 s). Malformed
 * headers and bad checksums (checked as the kernel does, on packets from
 * outside at PREROUTING when nf_conntrack_checksum is on) are INVALID.
 * Data path.
 */
#include "ct/ct_int.h"

#include "pkt/csum.h"
#include "pkt/parse.h"

#include <arpa/inet.h>

#define NSEC 1000000000ull
#define UDP_STREAM_DELAY_NS (2 * NSEC)

static bool udp_pkt_to_tuple(const struct pkt *pkt, struct ct_tuple *t)
{
	if (!pkt->l4_off || pkt->l4_len < sizeof(struct ns_udphdr))
		return false;
	t->sport = pkt->desc.sport;
	t->dport = pkt->desc.dport;
	return true;
}

static bool udp_invert(struct ct_tuple *reply, const struct ct_tuple *orig)
{
	reply->sport = orig->dport;
	reply->dport = orig->sport;
	return true;
}

/* Is the L4 checksum to be checked (the kernel's nf_ip_checksum use)? */
static bool want_csum(struct net *net, const struct pkt *pkt)
{
	return ct_sysctl(net)->checksum && pkt->in && !pkt->local_out &&
	       !pkt->csum_partial;
}

static int udp_error(struct net *net, struct pkt *pkt, const char **why)
{
	const struct ns_udphdr *uh = (const void *)pkt_l4(pkt);
	const struct ns_iphdr *iph = pkt_iph(pkt);
	unsigned ulen;
	uint32_t sum;

	if (pkt->is_frag)
		return 0;
	if (!uh || pkt->l4_len < sizeof(*uh)) {
		*why = "short packet";
		return -1;
	}
	ulen = ntohs(uh->len);
	if (ulen > pkt->l4_len || ulen < sizeof(*uh)) {
		*why = "truncated/malformed packet";
		return -1;
	}
	if (!uh->check || !want_csum(net, pkt))
		return 0;
	sum = csum_tcpudp_nofold(iph->saddr, iph->daddr, (uint16_t)ulen,
				 IPPROTO_UDP, csum_partial(uh, ulen, 0));
	if (csum_fold(sum) != 0) {
		*why = "bad checksum";
		return -1;
	}
	return 0;
}

static int udp_packet(struct net *net, struct ct_conn *ct, struct pkt *pkt,
		      enum ct_dir dir, enum ct_info ctinfo, uint64_t now,
		      const char **why)
{
	const struct ct_sysctl *s = ct_sysctl(net);
	uint64_t extra;
	bool stream = false;

	(void)pkt, (void)dir, (void)ctinfo, (void)why;
	if (!ct_is_confirmed(ct))
		ct->proto.udp.stream_ts = now + UDP_STREAM_DELAY_NS;
	if (ct_status(ct) & CT_S_SEEN_REPLY) {
		extra = s->udp_timeout;
		if (now > ct->proto.udp.stream_ts) {
			extra = s->udp_timeout_stream;
			stream = true;
		}
		ct_refresh(net, ct, extra * NSEC);
		if (stream && !(ct_status(ct) & CT_S_ASSURED)) {
			ct_status_set(ct, CT_S_ASSURED);
			ct_event_emit(net, ct, CT_EV_UPDATE);
		}
	} else {
		ct_refresh(net, ct, (uint64_t)s->udp_timeout * NSEC);
	}
	return NS_ACCEPT;
}

const struct ct_l4proto ct_proto_udp = {
	.proto = IPPROTO_UDP,
	.name = "udp",
	.pkt_to_tuple = udp_pkt_to_tuple,
	.invert = udp_invert,
	.packet = udp_packet,
	.error = udp_error,
};

/* UDP-Lite: the same timeouts; its checksum coverage is not checked. */
static int udplite_error(struct net *net, struct pkt *pkt, const char **why)
{
	(void)net;
	if (!pkt->is_frag && pkt->l4_len < sizeof(struct ns_udphdr)) {
		*why = "short packet";
		return -1;
	}
	return 0;
}

const struct ct_l4proto ct_proto_udplite = {
	.proto = IPPROTO_UDPLITE,
	.name = "udplite",
	.pkt_to_tuple = udp_pkt_to_tuple,
	.invert = udp_invert,
	.packet = udp_packet,
	.error = udplite_error,
};
