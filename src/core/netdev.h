/* SPDX-License-Identifier: MIT */
/*
 * Interfaces: what `ip link` shows (the kernel's struct net_device, which
 * lives in its net/core too: the I/O backends below the stack fill it). A netdev has a name, an ifindex, a MAC,
 * an MTU, flags, its IPv4 addresses, and an I/O backend. It is part of the
 * stack's configuration snapshot (stack/conf.h): every snapshot has its own
 * copy, changed only by the control path before it is published, so the
 * data path reads it without a lock. What all copies of one device share
 * is pointed to: the backend's state (io_priv) and the per-worker counters
 * (pstats), each worker writing its own slot.
 */
#ifndef NS_STACK_NETDEV_H
#define NS_STACK_NETDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt/pkt.h"

#define NS_IFNAMSIZ 16
#define NS_MAX_ADDRS 16

struct io_ops;
struct ns_log_sink;

struct ifaddr {
	struct ns_addr addr;
	uint8_t plen;
	struct ns_addr bcast; /* .ip 0 when none */
	uint8_t scope;      /* 0 global, 253 link, 254 host */
};

/* One worker's counters of one device: a cache line of its own. */
struct netdev_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t rx_dropped, tx_dropped;
	/*
	 * GSO super-frames received, sent whole, and cut in software into
	 * gso_segments packets because the device could not take them.
	 */
	uint64_t rx_gso, tx_gso, tx_gso_split, tx_gso_segments;
} __attribute__((aligned(64)));

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
	/*
	 * The net's log (set at creation, before open): where a backend
	 * says why it fell back to a slower path.
	 */
	const struct ns_log_sink *log;
	struct netdev_stats *pstats;  /* [NS_MAX_WORKERS], shared by copies */
	/* net.ipv4.conf.NAME.* (src/stack/sysctl.c). */
	int cnf_forwarding;
	int cnf_send_redirects;
	int cnf_accept_local;
	int cnf_rp_filter;
	unsigned int cnf_set;   /* knobs set explicitly (not from default) */
};

/* The calling worker's counters of dev (data path). */
struct netdev_stats *dev_stats(const struct netdev *dev);
/* The sum over the workers (readers; racy but never torn on 64 bits). */
struct netdev_stats netdev_stats_read(const struct netdev *dev);

#endif
