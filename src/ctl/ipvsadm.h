/* SPDX-License-Identifier: MIT */
/*
 * `netsieve ipvsadm` (and ipvsadm-save, ipvsadm-restore), as Debian 12's
 * ipvsadm 1.31: the shared parts of the command line (ipvsadm.c) and the
 * text it prints (ipvsadm_fmt.c). One struct adm_run per invocation holds
 * where text goes and, when ipvsadm would have called exit(), the code it
 * exits with: every function that can "exit" returns -1 with run->exiting
 * set, and its callers return at once. Control path, under ctl_lock; talks
 * to the load balancer only through lb.h's control API.
 */
#ifndef NS_CTL_IPVSADM_H
#define NS_CTL_IPVSADM_H

#include "base/sbuf.h"
#include "lb/lb.h"

#include <stdbool.h>
#include <stdint.h>

struct net;

#define ADM_AF_INET 2
#define ADM_AF_INET6 10

/* ipvsadm's printing format flags (FMT_*). */
#define ADM_FMT_NUMERIC 0x0001
#define ADM_FMT_RULE 0x0002
#define ADM_FMT_STATS 0x0004
#define ADM_FMT_RATE 0x0008
#define ADM_FMT_THRESHOLDS 0x0010
#define ADM_FMT_PERSISTENTCONN 0x0020
#define ADM_FMT_NOSORT 0x0040
#define ADM_FMT_EXACT 0x0080
#define ADM_FMT_TUN_INFO 0x0100

/*
 * The libipvs call an error came from: ipvs_strerror() picks its message
 * by call and errno.
 */
enum adm_op {
	ADM_OP_NONE,
	ADM_OP_ADD_SERVICE,
	ADM_OP_UPDATE_SERVICE,
	ADM_OP_DEL_SERVICE,
	ADM_OP_ZERO_SERVICE,
	ADM_OP_ADD_DEST,
	ADM_OP_UPDATE_DEST,
	ADM_OP_DEL_DEST,
	ADM_OP_START_DAEMON,
	ADM_OP_STOP_DAEMON,
	ADM_OP_GET_SERVICES,
	ADM_OP_GET_DESTS,
	ADM_OP_GET_SERVICE,
	ADM_OP_FLUSH,
	ADM_OP_SET_TIMEOUT,
	ADM_OP_GET_TIMEOUT,
	ADM_OP_GET_CONNS,
};

/* One invocation: where its text goes and whether it has "exited". */
struct adm_run {
	struct net *net;
	struct sbuf *out, *err;
	const char *prog;       /* argv[0], as ipvsadm prints it */
	bool exiting;           /* ipvsadm would have called exit() */
	int code;               /* ... with this code */
};

/*
 * ipvsadm's fail(): the message and a newline to err, then "exit" with
 * code. Returns -1 for the caller to pass up.
 */
int adm_fail(struct adm_run *r, int code, const char *fmt, ...)
	NS_PRINTF(3, 4);
/* ipvs_strerror(): the message libipvs gives err (positive) after op. */
const char *adm_strerror(enum adm_op op, int err);

/*
 * Names, as ipvsadm resolves them (/etc/hosts and /etc/services through
 * the C library). adm_host_to_addr: IPv4 address of a host name (network
 * order), 0 or -1. adm_service_to_port: port (host order) of a service
 * name for protocol, or -1.
 */
int adm_host_to_addr(const char *name, uint32_t *addr);
int adm_service_to_port(const char *name, unsigned protocol);

/*
 * The listings (ipvsadm_fmt.c). Each prints to r->out and returns 0, or
 * reports as ipvsadm does and returns -1 with r->exiting set.
 * adm_list_all: -L/-l, and -S with ADM_FMT_RULE. adm_list_service: -L
 * with a service (key). adm_list_timeout: --timeout. adm_list_daemon:
 * --daemon (no sync daemon: prints nothing). adm_list_conn: -c.
 */
int adm_list_all(struct adm_run *r, unsigned format);
int adm_list_service(struct adm_run *r, const struct lb_svc_conf *key,
		     unsigned format);
int adm_list_timeout(struct adm_run *r);
int adm_list_daemon(struct adm_run *r);
int adm_list_conn(struct adm_run *r, unsigned format);

/* The version line and the -h text, as ipvsadm prints them. */
void adm_version(struct sbuf *sb);
void adm_usage(struct sbuf *sb, const char *prog);

#endif
