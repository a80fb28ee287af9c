// SPDX-License-Identifier: MIT
/*
 * Tools run without the daemon (see offline.h): a throw-away net with its
 * tables refused, so that what iptables can do without the kernel (help,
 * versions, parse errors) still works, and what needs it fails with
 * iptables' words. Control path.
 */
#include "ctl/offline.h"

#include "ctl/ctl.h"
#include "netsieve/netsieve.h"
#include "xt/xt.h"

int ctl_exec_offline(int argc, char **argv, const char *input, int deny,
		     bool *kernel_used, struct sbuf *out, struct sbuf *err)
{
	struct net *net;
	int rc;

	*kernel_used = false;
	rc = ns_net_create(&net);
	if (rc)
		return rc;
	xt_net_deny(net, deny);
	rc = ctl_exec_argv(net, argc, argv, input, out, err);
	*kernel_used = xt_net_kernel_used(net);
	ns_net_destroy(net);
	return rc;
}
