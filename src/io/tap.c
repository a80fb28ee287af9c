// SPDX-License-Identifier: MIT
/*
 * TAP backend: `ip link add eth0 type tap [name TAPNAME]` creates (or
 * attaches to a persistent) kernel tap interface through /dev/net/tun with
 * IFF_TAP | IFF_NO_PI. The kernel's tap interface is the far end of the
 * cable: what the host sends on it arrives here and what we send appears
 * on it. It is brought up at open; it disappears when netsieve closes it
 * unless it was made persistent beforehand (ip tuntap add mode tap).
 * netsieve keeps its own MAC (the stack's default): the kernel side has
 * its own. open/close: control path. rx_burst: worker 0 (one queue); tx:
 * any worker.
 */
#include "io/io.h"

#include "pkt/pkt.h"
#include "core/netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct tap {
	int fd;
	char ifname[IFNAMSIZ];
};

/*
 * "" / NULL (kernel picks the name), "name tap0" or "tap0". Fills name
 * ("" when the kernel picks). Returns 0 or -EINVAL.
 */
static int parse_arg(const char *arg, char *name)
{
	size_t n;

	name[0] = '\0';
	if (!arg)
		return 0;
	while (*arg == ' ' || *arg == '\t')
		arg++;
	if (!strncmp(arg, "name ", 5))
		arg += 5;
	while (*arg == ' ' || *arg == '\t')
		arg++;
	n = strcspn(arg, " \t");
	if (arg[n + strspn(arg + n, " \t")] || n >= IFNAMSIZ)
		return -EINVAL;
	memcpy(name, arg, n);
	name[n] = '\0';
	return 0;
}

/* Bring the kernel side up and read its MTU. */
static int tap_link_up(struct tap *tap, struct netdev *dev)
{
	struct ifreq ifr;
	int s, err = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, tap->ifname, sizeof(ifr.ifr_name));
	if (ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		dev->mtu = (uint32_t)ifr.ifr_mtu;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		err = -errno;
		goto out_close;
	}
	if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			err = -errno;
	}
out_close:
	close(s);
	return err;
}

static int tap_open(struct netdev *dev, const char *arg, int nqueues)
{
	struct ifreq ifr;
	struct tap *tap;
	int err;

	tap = calloc(1, sizeof(*tap));
	if (!tap)
		return -ENOMEM;
	err = parse_arg(arg, tap->ifname);
	if (err)
		goto err_free_tap;
	tap->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (tap->fd < 0) {
		err = -errno;
		goto err_free_tap;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, tap->ifname, sizeof(ifr.ifr_name));
	if (ioctl(tap->fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		goto err_close_fd;
	}
	memcpy(tap->ifname, ifr.ifr_name, sizeof(tap->ifname));
	tap->ifname[IFNAMSIZ - 1] = '\0';
	err = tap_link_up(tap, dev);
	if (err)
		goto err_close_fd;
	dev->io_priv = tap;
	return 0;

err_close_fd:
	close(tap->fd);
err_free_tap:
	free(tap);
	return err;
}

static void tap_close(struct netdev *dev)
{
	struct tap *tap = dev->io_priv;

	if (!tap)
		return;
	close(tap->fd);
	free(tap);
	dev->io_priv = NULL;
}

/* One receive queue, read by worker 0; any worker may write. */
static int tap_fd(const struct netdev *dev, int q)
{
	const struct tap *tap = dev->io_priv;

	return tap && q == 0 ? tap->fd : -1;
}

static int tap_rx_burst(struct netdev *dev, int q, struct pkt_pool *pool,
			struct pkt **pkts, int n)
{
	struct tap *tap = dev->io_priv;
	int got = 0;

	while (got < n) {
		struct pkt *pkt = pkt_alloc(pool);
		ssize_t r;

		if (!pkt)
			break;  /* counted by the pool */
		r = read(tap->fd, pkt->data, PKT_MAX_FRAME);
		if (r <= 0) {
			pkt_free(pkt);
			if (r < 0 && errno == EINTR)
				continue;
			break;  /* EAGAIN: drained */
		}
		pkt->len = (uint32_t)r;
		pkts[got++] = pkt;
	}
	return got;
}

static int tap_tx(struct netdev *dev, const struct pkt *pkt)
{
	struct tap *tap = dev->io_priv;
	ssize_t r;

	do {
		r = write(tap->fd, pkt->data, pkt->len);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return (size_t)r == pkt->len ? 0 : -EIO;
}

static const struct io_ops tap_ops = {
	.kind = "tap",
	.open = tap_open,
	.close = tap_close,
	.rx_burst = tap_rx_burst,
	.tx = tap_tx,
	.fd = tap_fd,
};

__attribute__((constructor)) static void tap_register(void)
{
	io_register(&tap_ops);
}
