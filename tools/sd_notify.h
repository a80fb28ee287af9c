/* SPDX-License-Identifier: MIT */
/*
 * The systemd readiness protocol (sd_notify(3)) without libsystemd: one
 * datagram such as "READY=1" to the socket named by $NOTIFY_SOCKET, so
 * the unit can be Type=notify. Tool code, control thread.
 */
#ifndef NS_TOOLS_SD_NOTIFY_H
#define NS_TOOLS_SD_NOTIFY_H

/*
 * Send state ("READY=1", "STOPPING=1", "STATUS=...") to the service
 * manager. Returns 1 when sent, 0 when not started by one ($NOTIFY_SOCKET
 * unset), or a negative errno.
 */
int daemon_sd_notify(const char *state);

#endif
