// SPDX-License-Identifier: MIT
/*
 * The kernel interface under a netsieve interface (afpacket, afxdp): its
 * index, MAC and MTU copied into the netsieve device, and the kernel
 * interface brought up (it is netsieve's: nothing else should use it).
 * Control path; ioctls on a socket of its own.
 */
#include "io/kdev.h"

#include "core/netdev.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <net/ethernet.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int if_ioctl(int fd, unsigned long req, struct ifreq *ifr)
{
	return ioctl(fd, req, ifr) < 0 ? -errno : 0;
}

int io_kdev_index(const char *ifname)
{
	struct ifreq ifr;
	int fd, err;

	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	err = if_ioctl(fd, SIOCGIFINDEX, &ifr);
	close(fd);
	return err ? err : ifr.ifr_ifindex;
}

int io_kdev_take(const char *ifname, struct netdev *dev)
{
	struct ifreq ifr;
	int fd, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
	err = if_ioctl(fd, SIOCGIFHWADDR, &ifr);
	if (err)
		goto out;
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		err = -EPROTONOSUPPORT;
		goto out;
	}
	memcpy(dev->mac, ifr.ifr_hwaddr.sa_data, 6);

	err = if_ioctl(fd, SIOCGIFMTU, &ifr);
	if (err)
		goto out;
	/*
	 * A packet buffer holds PKT_MAX_FRAME bytes: a larger (jumbo) MTU
	 * is clipped, and larger frames are counted as rx_dropped.
	 */
	if (ifr.ifr_mtu > 0)
		dev->mtu = (uint32_t)ifr.ifr_mtu;
	if (dev->mtu > PKT_MAX_FRAME - ETH_HLEN)
		dev->mtu = PKT_MAX_FRAME - ETH_HLEN;

	err = if_ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (err)
		goto out;
	if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		err = if_ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
out:
	close(fd);
	return err;
}
