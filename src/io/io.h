/* SPDX-License-Identifier: MIT */
/*
 * Packet I/O backends behind one ops table: pcap (replay), AF_PACKET bound
 * to an existing interface, TAP. A backend moves frames; it applies no
 * policy. open/close run on the control path. A backend may offer several
 * receive queues (AF_PACKET: one socket per worker in a fanout group, so
 * each flow stays on one worker); queue q is read only by worker q. tx may
 * be called by any worker at once.
 */
#ifndef NS_IO_IO_H
#define NS_IO_IO_H

#include <stdint.h>

struct netdev;
struct pkt;
struct pkt_pool;

struct io_ops {
	const char *kind; /* "afpacket", "tap", "pcap", "null" */
	/*
	 * Bind dev to the backend. arg is the backend's own argument (the
	 * kernel interface for afpacket, the tap name for tap). May set
	 * dev->mac and dev->mtu from the backing interface. Fills dev->io_priv.
	 * nqueues: how many workers will read it (queues beyond what the
	 * backend offers report fd -1).
	 */
	int (*open)(struct netdev *dev, const char *arg, int nqueues);
	void (*close)(struct netdev *dev);
	/*
	 * Receive up to n frames of queue q into packets from pool; returns
	 * the count.
	 */
	int (*rx_burst)(struct netdev *dev, int q, struct pkt_pool *pool,
			struct pkt **pkts, int n);
	/*
	 * Send one Ethernet frame (pkt->data, pkt->len). Does not consume
	 * the packet. Returns 0 or a negative errno.
	 */
	int (*tx)(struct netdev *dev, const struct pkt *pkt);
	/* A file descriptor to poll for queue q, or -1 (no such queue). */
	int (*fd)(const struct netdev *dev, int q);
};

/* Look up a backend by kind; NULL when unknown. */
const struct io_ops *io_lookup(const char *kind);
/* Backends register from constructors. */
void io_register(const struct io_ops *ops);

#endif
