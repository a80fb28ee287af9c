// SPDX-License-Identifier: MIT
/*
 * Interfaces: creation, up/down, MTU and MAC changes (control path, on the
 * command's configuration draft), and the last step of the packet path, putting an Ethernet
 * header on a packet and handing it to the device's I/O backend (data
 * path). The loopback device hands packets back to the input path.
 */
#include "stack/internal.h"
#include "stack/notify.h"

#include "io/io.h"
#include "pkt/gso.h"
#include "stack/conf.h"
#include "stack/sysctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int stack_dev_create(struct net *net, const char *name,
		     const struct io_ops *io, const char *arg,
		     struct netdev **out)
{
	struct stack_conf *conf;
	struct netdev *dev;
	int idx, err;

	if (!name || !*name || strlen(name) >= NS_IFNAMSIZ)
		return -EINVAL;
	conf = stack_conf_write(net);
	if (!conf)
		return -ENOMEM;
	if (net_dev_by_name(net, name))
		return -EEXIST;
	/* As dev_new_index(): after the last one given, wrapping around. */
	for (idx = conf->next_ifindex; idx < NS_MAX_DEVS; idx++)
		if (!conf->devs[idx])
			break;
	if (idx >= NS_MAX_DEVS)
		for (idx = 1; idx < NS_MAX_DEVS; idx++)
			if (!conf->devs[idx])
				break;
	if (idx >= NS_MAX_DEVS)
		return -ENOSPC;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->pstats = calloc(NS_MAX_WORKERS, sizeof(*dev->pstats));
	if (!dev->pstats) {
		err = -ENOMEM;
		goto err_free_dev;
	}
	dev->ifindex = idx;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	/* A locally administered MAC derived from the ifindex. */
	dev->mac[0] = 0x02;
	dev->mac[1] = 0x6e;
	dev->mac[2] = 0x73;
	dev->mac[5] = (uint8_t)idx;
	dev->mtu = 1500;
	dev->io = io;
	dev->log = &net->log;
	stack_sysctl_dev_defaults(net, dev);
	if (arg)
		snprintf(dev->io_arg, sizeof(dev->io_arg), "%s", arg);
	if (io && io->open) {
		err = io->open(dev, arg, net->nqueues);
		if (err)
			goto err_free_stats;
	}
	conf->devs[idx] = dev;
	conf->next_ifindex = idx + 1;
	if (out)
		*out = dev;
	return 0;

err_free_stats:
	free(dev->pstats);
err_free_dev:
	free(dev);
	return err;
}

struct netdev *dev_loopback(struct net *net)
{
	int i;

	for (i = 1; i < NS_MAX_DEVS; i++)
		if (net_conf(net)->devs[i] && net_conf(net)->devs[i]->loopback)
			return net_conf(net)->devs[i];
	return NULL;
}

bool dev_noarp(const struct netdev *dev)
{
	return dev->loopback || !dev->io;
}

/* Drop everything that refers to dev (down or deleted). */
static void dev_forget(struct net *net, struct netdev *dev)
{
	/* netdev_chain NETDEV_DOWN (MASQUERADE). */
	stack_notify(net, STACK_EV_DEV_DOWN, dev->ifindex, 0);
	route_flush_dev(net, dev->ifindex);
	neigh_flush(net, dev, false);
}

int dev_set_up(struct net *net, struct netdev *dev, bool up)
{
	int i;

	if (dev->up == up)
		return 0;
	dev->up = up;
	if (!up) {
		dev_forget(net, dev);
		addr_rebuild(net);
		return 0;
	}
	/* inetdev_event(NETDEV_UP): lo gets 127.0.0.1/8. */
	if (dev->loopback)
		(void)addr_add(net, dev, htonl(0x7f000001), 8, 0,
			       RT_SCOPE_HOST);
	for (i = 0; i < dev->naddrs; i++)
		if (!addr_is_secondary(dev, i))
			route_add_ifaddr(net, dev, &dev->addrs[i]);
	addr_rebuild(net);
	return 0;
}

int dev_set_mtu(struct net *net, struct netdev *dev, uint32_t mtu)
{
	uint32_t max = dev->loopback ? 65536 : PKT_MAX_FRAME - NS_ETH_HLEN;

	if (mtu < 68)
		return -ERANGE;
	if (mtu > max)
		return -E2BIG;
	dev->mtu = mtu;
	return 0;
}

int dev_set_mac(struct net *net, struct netdev *dev, const uint8_t *mac)
{
	if (mac[0] & 1)
		return -EADDRNOTAVAIL;
	memcpy(dev->mac, mac, 6);
	return 0;
}

int dev_delete(struct net *net, struct netdev *dev)
{
	if (dev->loopback)
		return -EOPNOTSUPP;
	dev_forget(net, dev);
	neigh_forget_dev(net, dev);
	dev->naddrs = 0;
	/*
	 * Out of the draft only: the I/O is closed once the published
	 * snapshots no longer have the device (stack_conf_commit).
	 */
	net_conf(net)->devs[dev->ifindex] = NULL;
	addr_rebuild(net);
	free(dev);
	return 0;
}

static void dev_tx_frame(struct net *net, struct netdev *dev,
			 struct pkt *pkt);

/*
 * validate_xmit_skb() for a device that cannot take a super-frame (or one
 * without a partial checksum to hand on): cut it in software and send
 * the segments. Consumes pkt.
 */
static void dev_tx_segments(struct net *net, struct netdev *dev,
			    struct pkt *pkt)
{
	struct pkt *segs, *seg;
	int err;

	err = pkt_gso_segment(pkt, net_pool(net), &segs);
	if (err) {
		dev_stats(dev)->tx_dropped++;
		net_drop(net, pkt, err == -ENOBUFS ? DROP_NO_BUFFER :
			 DROP_GSO_BAD);
		return;
	}
	dev_stats(dev)->tx_gso_split++;
	pkt_free(pkt);          /* sent as its segments */
	while ((seg = segs)) {
		segs = seg->next;
		seg->next = NULL;
		dev_stats(dev)->tx_gso_segments++;
		dev_tx_frame(net, dev, seg);
	}
}

/* Transmit the frame at pkt->data as it is. Consumes pkt. */
static void dev_tx_frame(struct net *net, struct netdev *dev, struct pkt *pkt)
{
	int err = 0;

	if (!dev->up) {
		dev_stats(dev)->tx_dropped++;
		net_drop(net, pkt, DROP_DEV_DOWN);
		return;
	}
	/* The one place that decides: whole, or cut here (gso_ok). */
	if (pkt_is_gso(pkt) && !(dev->gso_ok && pkt->csum_partial)) {
		dev_tx_segments(net, dev, pkt);
		return;
	}
	if (pkt->csum_partial && !dev->gso_ok && pkt_csum_help(pkt)) {
		dev_stats(dev)->tx_dropped++;
		net_drop(net, pkt, DROP_TX_ERROR);
		return;
	}
	if (dev->io && dev->io->tx)
		err = dev->io->tx(dev, pkt);
	if (err) {
		dev_stats(dev)->tx_dropped++;
		net_drop(net, pkt, DROP_TX_ERROR);
		return;
	}
	dev_stats(dev)->tx_packets++;
	dev_stats(dev)->tx_bytes += pkt->len;
	if (pkt_is_gso(pkt))
		dev_stats(dev)->tx_gso++;
	net_stats(net)->tx_packets++;
	stack_fate(net, pkt, FATE_SENT, dev->name);
	pkt_free(pkt);
}

void dev_xmit_frame(struct net *net, struct netdev *dev, struct pkt *pkt)
{
	dev_tx_frame(net, dev, pkt);
}

void dev_xmit(struct net *net, struct netdev *dev, struct pkt *pkt,
	      const uint8_t *dst_mac, uint16_t ethertype)
{
	struct ns_ethhdr *eh;

	if (dev->loopback) {
		dev_loopback_xmit(net, dev, pkt);
		return;
	}
	if (pkt->has_l2 && pkt->l3_off >= NS_ETH_HLEN) {
		/* Rewrite the received link header in place. */
		pkt_pull(pkt, pkt->l3_off - NS_ETH_HLEN);
	} else {
		if (pkt->has_l2)
			pkt_pull(pkt, pkt->l3_off);
		if (pkt_headroom(pkt) < NS_ETH_HLEN) {
			net_drop(net, pkt, DROP_NO_BUFFER);
			return;
		}
		pkt_push(pkt, NS_ETH_HLEN);
	}
	pkt->has_l2 = true;
	eh = (struct ns_ethhdr *)pkt->data;
	memcpy(eh->dst, dst_mac, 6);
	memcpy(eh->src, dev->mac, 6);
	eh->type = htons(ethertype);
	pkt->out = dev;
	dev_tx_frame(net, dev, pkt);
}

void dev_loopback_xmit(struct net *net, struct netdev *lo, struct pkt *pkt)
{
	int busy;

	if (!lo->up) {
		dev_stats(lo)->tx_dropped++;
		net_drop(net, pkt, DROP_DEV_DOWN);
		return;
	}
	if (stack_depth >= STACK_MAX_DEPTH) {
		net_drop(net, pkt, DROP_TX_ERROR);
		return;
	}
	if (pkt->has_l2 && pkt->l3_off)
		pkt_pull(pkt, pkt->l3_off);
	pkt->has_l2 = false;
	dev_stats(lo)->tx_packets++;
	dev_stats(lo)->tx_bytes += pkt->len;
	dev_stats(lo)->rx_packets++;
	dev_stats(lo)->rx_bytes += pkt->len;
	/*
	 * Linux queues looped packets to the backlog and handles them after
	 * the sender let go of its locks; we run them now, so drop ours.
	 */
	busy = icmp_xmit_busy;
	icmp_xmit_busy = 0;
	stack_depth++;
	ip_rcv_loopback(net, lo, pkt);
	stack_depth--;
	icmp_xmit_busy = busy;
}
