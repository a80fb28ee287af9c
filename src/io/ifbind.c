// SPDX-License-Identifier: MIT
/*
 * One netsieve per kernel interface: a backend that takes a kernel
 * interface (AF_PACKET) first binds an abstract Unix socket named after
 * the interface's ifindex. Abstract names live in the network namespace,
 * as ifindexes do, and vanish with the process that holds them, so a
 * crashed daemon leaves nothing to clean up. A second daemon's bind fails
 * with EADDRINUSE; io_ifbind_holder() then asks the holder's socket who
 * it is (SO_PEERCRED) so the refusal can name its pid. Control path.
 */
#include "io/io.h"

#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* "\0netsieve/ifindex/N": the abstract name for ifindex. */
static socklen_t ifbind_addr(int ifindex, struct sockaddr_un *sun)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1,
		     "netsieve/ifindex/%d", ifindex);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

int io_ifbind_take(int ifindex)
{
	struct sockaddr_un sun;
	socklen_t len = ifbind_addr(ifindex, &sun);
	int fd, err;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sun, len) < 0) {
		err = errno == EADDRINUSE ? -EADDRINUSE : -errno;
		goto err_close_fd;
	}
	/* Listening, so that a refused daemon can ask who holds it. */
	if (listen(fd, 4) < 0) {
		err = -errno;
		goto err_close_fd;
	}
	return fd;

err_close_fd:
	close(fd);
	return err;
}

void io_ifbind_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

int io_ifbind_holder(const char *ifname)
{
	struct sockaddr_un sun;
	struct ucred cred;
	socklen_t len, clen = sizeof(cred);
	unsigned int ifindex = if_nametoindex(ifname);
	int fd, pid = -ESRCH;

	if (!ifindex)
		return -ENODEV;
	len = ifbind_addr((int)ifindex, &sun);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, len) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 &&
	    cred.pid > 0)
		pid = cred.pid;
	close(fd);
	return pid;
}
