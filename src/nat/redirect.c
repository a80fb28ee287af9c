// SPDX-License-Identifier: MIT
/*
 * REDIRECT, as the kernel's nf_nat_redirect_ipv4(): destination NAT to
 * this host: the primary address of the receiving interface (PREROUTING)
 * or 127.0.0.1 for a locally generated packet (OUTPUT), ports from the
 * rule's range. Data path.
 */
#include "nat/nat_int.h"

#include <arpa/inet.h>

#include "core/netdev.h"

unsigned int nat_redirect(struct net *net, struct pkt *pkt,
			  const struct nat_range *range,
			  const struct netdev *in, int hook)
{
	struct ct_conn *ct = nat_pkt_ct(pkt);
	struct nat_range r;
	uint32_t newdst = 0;

	if (!ct)
		return NS_ACCEPT;
	if (hook == NS_INET_LOCAL_OUT) {
		newdst = htonl(0x7f000001);
	} else {
		/* The device's first address: its primary. */
		if (in && in->naddrs)
			newdst = in->addrs[0].addr.ip;
		if (!newdst)
			return NS_DROP;
	}
	r = *range;
	r.flags |= NAT_RANGE_MAP_IPS;
	r.min_addr = r.max_addr = newdst;
	return nat_setup_info(net, ct, &r, NAT_MANIP_DST, pkt);
}
