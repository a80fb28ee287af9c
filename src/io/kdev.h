/* SPDX-License-Identifier: MIT */
/*
 * The kernel interface a backend binds (afpacket, afxdp): look it up and
 * take it over. Control path.
 */
#ifndef NS_IO_KDEV_H
#define NS_IO_KDEV_H

struct netdev;

/* The ifindex of ifname in this namespace, or a negative errno. */
int io_kdev_index(const char *ifname);

/*
 * Copy ifname's MAC and MTU (clipped to what a packet buffer holds) into
 * dev and bring the kernel interface up. Returns 0, -EPROTONOSUPPORT for
 * a non-Ethernet interface, or another negative errno.
 */
int io_kdev_take(const char *ifname, struct netdev *dev);

#endif
