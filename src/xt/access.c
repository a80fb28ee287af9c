// SPDX-License-Identifier: MIT
/*
 * Who may reach the tables. iptables meets the kernel's permission check
 * at iptc_init() (and iptables-save at /proc/net/ip_tables_names); a net
 * marked with xt_net_deny() refuses there, so a command run for a user
 * who cannot reach the daemon fails at the point, and with the words, of
 * iptables run by a user who is not root. Control path.
 */
#include "xt/xt_int.h"

#include "core/net.h"
#include "xt/xt.h"

#include <errno.h>
#include <string.h>

void xt_net_deny(struct net *net, int errnum)
{
	if (net->xt)
		net->xt->deny = errnum;
}

bool xt_net_kernel_used(const struct net *net)
{
	return net->xt && net->xt->kernel_used;
}

int xt_kernel_open(struct xt_net *xn)
{
	xn->kernel_used = true;
	return xn->deny ? -xn->deny : 0;
}

const char *xt_kernel_strerror(int errnum)
{
	/* iptc_strerror()'s words for iptc_init(). */
	switch (errnum) {
	case EPERM:
		return "Permission denied (you must be root)";
	case ENOENT:
		return "Table does not exist (do you need to insmod?)";
	case ENOMEM:
		return "Memory allocation problem";
	}
	return strerror(errnum);
}
