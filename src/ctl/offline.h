/* SPDX-License-Identifier: MIT */
/*
 * A tool run without the daemon, for the client when the daemon cannot be
 * reached: in a net of its own, with its tables refused. Control path.
 */
#ifndef NS_CTL_OFFLINE_H
#define NS_CTL_OFFLINE_H

#include "base/sbuf.h"

#include <stdbool.h>

/*
 * Run argv (an iptables tool) as ctl_exec_argv() does, in a new empty net
 * whose tables are refused with deny (an errno: EPERM for a user who may
 * not open the daemon's socket). Help, versions and the tool's own parse
 * errors come out as the tool prints them; a command that would reach the
 * kernel fails as iptables fails for that errno, and *kernel_used is set.
 * Returns the exit code, or -errno if no net could be made.
 */
int ctl_exec_offline(int argc, char **argv, const char *input, int deny,
		     bool *kernel_used, struct sbuf *out, struct sbuf *err);

#endif
