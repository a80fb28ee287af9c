/* SPDX-License-Identifier: MIT */
/*
 * Packet I/O backends behind one ops table: pcap (replay), AF_PACKET bound
 * to an existing interface, AF_XDP, TAP. A backend moves frames; it
 * applies no policy. open/close run on the control path. A backend may
 * offer several receive queues (AF_PACKET: one socket per worker in a
 * fanout group, so each flow stays on one worker; AF_XDP: one per receive
 * queue of the kernel interface); queue q is read only by worker q. tx may
 * be called by any worker at once; a backend may hold a daemon worker's
 * frames until the end of its round (ns_worker_tx_defer()).
 */
#ifndef NS_IO_IO_H
#define NS_IO_IO_H

#include <stdint.h>

struct netdev;
struct pkt;
struct pkt_pool;

struct io_ops {
	const char *kind; /* "afpacket", "afxdp", "tap", "pcap", "null" */
	/*
	 * Bind dev to the backend. arg is the backend's own argument (the
	 * kernel interface for afpacket, the tap name for tap). May set
	 * dev->mac and dev->mtu from the backing interface. Fills dev->io_priv.
	 * nqueues: how many workers will read it (queues beyond what the
	 * backend offers report fd -1; a backend may offer more).
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
	 * the packet (a batching backend copies it). Returns 0 or a negative
	 * errno; a batched frame the kernel refuses later is counted as
	 * tx_dropped by the backend.
	 */
	int (*tx)(struct netdev *dev, const struct pkt *pkt);
	/*
	 * A file descriptor to poll for queue q, or -1 (no such queue).
	 * Queues are numbered from 0 without holes; worker w reads queues
	 * w, w + N, w + 2N... of N workers (src/stack/worker.c).
	 */
	int (*fd)(const struct netdev *dev, int q);
};

/*
 * One netsieve per kernel interface (src/io/ifbind.c). io_ifbind_take()
 * claims ifindex in the caller's network namespace: returns a descriptor
 * to keep while the interface is bound, or -EADDRINUSE when another
 * process holds it. io_ifbind_release() gives it back (also implied by
 * exit). io_ifbind_holder() returns the pid holding the kernel interface
 * ifname, or a negative errno. Control path.
 */
int io_ifbind_take(int ifindex);
void io_ifbind_release(int fd);
int io_ifbind_holder(const char *ifname);

/* Look up a backend by kind; NULL when unknown. */
const struct io_ops *io_lookup(const char *kind);
/* Backends register from constructors. */
void io_register(const struct io_ops *ops);

#endif
