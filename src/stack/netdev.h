/* SPDX-License-Identifier: MIT */
/*
 * Interfaces: what `ip link` shows. A netdev has a name, an ifindex, a MAC,
 * an MTU, flags, its IPv4 addresses, and an I/O backend. Created and changed
 * on the control path under net->stack_lock; read by the data path under
 * the same lock (held per burst).
 */
#ifndef NS_STACK_NETDEV_H
#define NS_STACK_NETDEV_H

#include <stdbool.h>
#include <stdint.h>

#define NS_IFNAMSIZ 16
#define NS_MAX_ADDRS 16

struct io_ops;

struct ifaddr {
	uint32_t addr;      /* network byte order */
	uint8_t plen;
	uint32_t bcast;     /* NBO; 0 when none */
	uint8_t scope;      /* 0 global, 253 link, 254 host */
};

struct netdev_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t rx_dropped, tx_dropped;
	/*
	 * GSO super-frames received, sent whole, and cut in software into
	 * gso_segments packets because the device could not take them.
	 */
	uint64_t rx_gso, tx_gso, tx_gso_split, tx_gso_segments;
};

struct netdev {
	int ifindex;
	char name[NS_IFNAMSIZ];
	uint8_t mac[6];
	uint32_t mtu;
	bool up;
	bool loopback;
	bool promisc;
	/*
	 * The backend accepts GSO super-frames with their metadata (set at
	 * open): otherwise they are segmented before its tx, as the
	 * kernel's validate_xmit_skb() does for a device without the
	 * feature.
	 */
	bool gso_ok;
	struct ifaddr addrs[NS_MAX_ADDRS];
	int naddrs;
	const struct io_ops *io;
	void *io_priv;
	char io_arg[64];        /* "dev veth-a" as given, for ip link show */
	struct netdev_stats stats;
	/* net.ipv4.conf.NAME.* (src/stack/sysctl.c), under stack_lock. */
	int cnf_forwarding;
	int cnf_send_redirects;
	int cnf_rp_filter;
	unsigned int cnf_set;   /* knobs set explicitly (not from default) */
};

#endif
