// SPDX-License-Identifier: MIT
/*
 * The text ipvsadm 1.31 prints: the -L/-l listing and its variants
 * (--stats, --rate, --exact, --thresholds, --persistent-conn, --tun-info,
 * --nosort), -S/--save rules, --timeout, --daemon, the -c connection
 * list, the -h text and the version line, plus libipvs's error messages
 * (ipvs_strerror) and the name lookups ipvsadm makes without -n. Every
 * width, truncation and sort order is ipvsadm's own, quirks included
 * (its comparisons subtract unsigned addresses into an int). Pure
 * formatting of lb.h's snapshots: control path, changes nothing.
 */
#include "ctl/ipvsadm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define ADM_PROTO_TCP 6
#define ADM_PROTO_UDP 17
#define ADM_PROTO_SCTP 132

#define ADM_NA "n/a"

static const char *const tunnames[] = { "ipip", "gue", "gre" };
static const char *const tunflags[] = { "-c", "+c", "r+c" };
static const char *const tun_flags_opts[] = {
	"--tun-nocsum", "--tun-csum", "--tun-remcsum",
};

int adm_fail(struct adm_run *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(r->err, fmt, ap);
	va_end(ap);
	sbuf_addc(r->err, '\n');
	r->exiting = true;
	r->code = code;
	return -1;
}

const char *adm_strerror(enum adm_op op, int err)
{
	static const struct {
		enum adm_op op;
		int err;
		const char *message;
	} table[] = {
		{ ADM_OP_ADD_SERVICE, EEXIST, "Service already exists" },
		{ ADM_OP_ADD_SERVICE, ENOENT,
		  "Scheduler or persistence engine not found" },
		{ ADM_OP_UPDATE_SERVICE, ESRCH, "No such service" },
		{ ADM_OP_UPDATE_SERVICE, ENOENT,
		  "Scheduler or persistence engine not found" },
		{ ADM_OP_DEL_SERVICE, ESRCH, "No such service" },
		{ ADM_OP_ZERO_SERVICE, ESRCH, "No such service" },
		{ ADM_OP_ADD_DEST, ESRCH, "Service not defined" },
		{ ADM_OP_ADD_DEST, EEXIST, "Destination already exists" },
		{ ADM_OP_UPDATE_DEST, ESRCH, "Service not defined" },
		{ ADM_OP_UPDATE_DEST, ENOENT, "No such destination" },
		{ ADM_OP_DEL_DEST, ESRCH, "Service not defined" },
		{ ADM_OP_DEL_DEST, ENOENT, "No such destination" },
		{ ADM_OP_START_DAEMON, EEXIST, "Daemon has already run" },
		{ ADM_OP_STOP_DAEMON, ESRCH, "No daemon is running" },
		{ ADM_OP_GET_SERVICES, ESRCH, "No such service" },
		{ ADM_OP_GET_DESTS, ESRCH, "No such service" },
		{ ADM_OP_GET_SERVICE, ESRCH, "No such service" },
		{ ADM_OP_NONE, EPERM, "Permission denied (you must be root)" },
		{ ADM_OP_NONE, EINVAL, "Invalid operation.  Possibly wrong "
		  "module version, address not unicast, ..." },
		{ ADM_OP_NONE, ENOPROTOOPT, "Protocol not available" },
		{ ADM_OP_NONE, ENOMEM, "Memory allocation problem" },
		{ ADM_OP_NONE, EOPNOTSUPP,
		  "Operation not supported with IPv6" },
		{ ADM_OP_NONE, EAFNOSUPPORT, "Operation not supported with "
		  "specified address family" },
		{ ADM_OP_NONE, EMSGSIZE, "Module is wrong version" },
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if ((table[i].op == ADM_OP_NONE || table[i].op == op) &&
		    table[i].err == err)
			return table[i].message;
	return strerror(err);
}

int adm_host_to_addr(const char *name, uint32_t *addr)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *res;

	if (getaddrinfo(name, NULL, &hints, &res))
		return -1;
	*addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return 0;
}

static const char *proto_str(unsigned protocol)
{
	switch (protocol) {
	case ADM_PROTO_TCP:
		return "tcp";
	case ADM_PROTO_UDP:
		return "udp";
	case ADM_PROTO_SCTP:
		return "sctp";
	default:
		return NULL;
	}
}

int adm_service_to_port(const char *name, unsigned protocol)
{
	struct servent se, *res = NULL;
	const char *p = proto_str(protocol);
	char buf[1024];

	if (!p || getservbyname_r(name, p, &se, buf, sizeof(buf), &res) ||
	    !res)
		return -1;
	return ntohs((uint16_t)res->s_port);
}

/* addr_to_anyname(): the host name, or the address in numbers. */
static void addr_to_anyname(int af, const struct ns_addr *a, char *buf,
			    size_t len)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa;
	socklen_t salen;

	memset(&sa, 0, sizeof(sa));
	if (af == ADM_AF_INET6) {
		sa.v6.sin6_family = AF_INET6;
		memcpy(&sa.v6.sin6_addr, a->ip6, 16);
		salen = sizeof(sa.v6);
	} else {
		sa.v4.sin_family = AF_INET;
		sa.v4.sin_addr.s_addr = a->ip;
		salen = sizeof(sa.v4);
	}
	if (!getnameinfo((struct sockaddr *)&sa, salen, buf, (socklen_t)len,
			 NULL, 0, NI_NAMEREQD))
		return;
	inet_ntop(af == ADM_AF_INET6 ? AF_INET6 : AF_INET, a->all, buf,
		  (socklen_t)len);
}

/* port_to_anyname(): the service name, or the number. */
static void port_to_anyname(unsigned port, unsigned protocol, char *buf,
			    size_t len)
{
	struct servent se, *res = NULL;
	const char *p = proto_str(protocol);
	char tmp[1024];

	if (p && !getservbyport_r(htons((uint16_t)port), p, &se, tmp,
				  sizeof(tmp), &res) && res) {
		snprintf(buf, len, "%s", res->s_name);
		return;
	}
	snprintf(buf, len, "%u", port);
}

/*
 * addrport_to_anyname(): "ADDR:PORT" or "[ADDR6]:PORT" in ipvsadm's
 * 60-byte buffer (so cut at 59 characters). port in host order.
 */
static void addrport_to_anyname(char buf[60], int af, const struct ns_addr *a,
				unsigned port, unsigned protocol,
				unsigned format)
{
	char host[NI_MAXHOST], serv[64], all[NI_MAXHOST + 80];
	const char *l = af == ADM_AF_INET ? "" : "[";
	const char *rb = af == ADM_AF_INET ? "" : "]";
	size_t n;

	if (format & ADM_FMT_NUMERIC) {
		inet_ntop(af == ADM_AF_INET6 ? AF_INET6 : AF_INET, a->all,
			  host, sizeof(host));
		snprintf(all, sizeof(all), "%s%s%s:%u", l, host, rb, port);
	} else {
		addr_to_anyname(af, a, host, sizeof(host));
		port_to_anyname(port, protocol, serv, sizeof(serv));
		snprintf(all, sizeof(all), "%s%s%s:%s", l, host, rb, serv);
	}
	n = strnlen(all, 59);
	memcpy(buf, all, n);
	buf[n] = '\0';
}

void adm_version(struct sbuf *sb)
{
	sbuf_addf(sb, "ipvsadm v1.31 2019/12/24 (compiled with popt and "
		  "IPVS v%d.%d.%d)\n", (LB_VERSION_CODE >> 16) & 0xff,
		  (LB_VERSION_CODE >> 8) & 0xff, LB_VERSION_CODE & 0xff);
}

void adm_usage(struct sbuf *sb, const char *p)
{
	adm_version(sb);
	sbuf_addf(sb,
		"Usage:\n"
		"  %s -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]\n"
		"  %s -D virtual-service\n"
		"  %s -C\n"
		"  %s -R\n"
		"  %s -S [-n]\n"
		"  %s -a|e virtual-service -r server-address [options]\n"
		"  %s -d virtual-service -r server-address\n"
		"  %s -L|l [virtual-service] [options]\n"
		"  %s -Z [virtual-service]\n"
		"  %s --set tcp tcpfin udp\n"
		"  %s --start-daemon {master|backup} [daemon-options]\n"
		"  %s --stop-daemon {master|backup}\n"
		"  %s -h\n\n", p, p, p, p, p, p, p, p, p, p, p, p, p);
	sbuf_adds(sb,
		"Commands:\n"
		"Either long or short options are allowed.\n"
		"  --add-service     -A        add virtual service with options\n"
		"  --edit-service    -E        edit virtual service with options\n"
		"  --delete-service  -D        delete virtual service\n"
		"  --clear           -C        clear the whole table\n"
		"  --restore         -R        restore rules from stdin\n"
		"  --save            -S        save rules to stdout\n"
		"  --add-server      -a        add real server with options\n"
		"  --edit-server     -e        edit real server with options\n"
		"  --delete-server   -d        delete real server\n"
		"  --list            -L|-l     list the table\n"
		"  --zero            -Z        zero counters in a service or all services\n"
		"  --set tcp tcpfin udp        set connection timeout values\n"
		"  --start-daemon              start connection sync daemon\n"
		"  --stop-daemon               stop connection sync daemon\n"
		"  --help            -h        display this help message\n\n");
	sbuf_adds(sb,
		"virtual-service:\n"
		"  --tcp-service|-t  service-address   service-address is host[:port]\n"
		"  --udp-service|-u  service-address   service-address is host[:port]\n"
		"  --sctp-service    service-address   service-address is host[:port]\n"
		"  --fwmark-service|-f fwmark          fwmark is an integer greater than zero\n"
		"\n");
	sbuf_adds(sb,
		"Options:\n"
		"  --ipv6         -6                   fwmark entry uses IPv6\n"
		"  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,\n"
		"                                      the default scheduler is wlc.\n"
		"  --pe            engine              alternate persistence engine may be sip,\n"
		"                                      not set by default.\n"
		"  --persistent   -p [timeout]         persistent service\n"
		"  --netmask      -M netmask           persistent granularity mask\n"
		"  --real-server  -r server-address    server-address is host (and port)\n"
		"  --gatewaying   -g                   gatewaying (direct routing) (default)\n"
		"  --ipip         -i                   ipip encapsulation (tunneling)\n"
		"  --masquerading -m                   masquerading (NAT)\n"
		"  --tun-type      type                one of ipip|gue|gre,\n"
		"                                      the default tunnel type is ipip.\n"
		"  --tun-port      port                tunnel destination port\n"
		"  --tun-nocsum                        tunnel encapsulation without checksum\n"
		"  --tun-csum                          tunnel encapsulation with checksum\n"
		"  --tun-remcsum                       tunnel encapsulation with remote checksum\n"
		"  --weight       -w weight            capacity of real server\n"
		"  --u-threshold  -x uthreshold        upper threshold of connections\n"
		"  --l-threshold  -y lthreshold        lower threshold of connections\n"
		"  --connection   -c                   output of current IPVS connections\n"
		"  --timeout                           output of timeout (tcp tcpfin udp)\n"
		"  --daemon                            output of daemon information\n"
		"  --stats                             output of statistics information\n"
		"  --rate                              output of rate information\n"
		"  --exact                             expand numbers (display exact values)\n"
		"  --thresholds                        output of thresholds information\n"
		"  --persistent-conn                   output of persistent connection info\n"
		"  --tun-info                          output of tunnel information\n"
		"  --nosort                            disable sorting output of service/server entries\n"
		"  --sort                              does nothing, for backwards compatibility\n"
		"  --ops          -o                   one-packet scheduling\n"
		"  --numeric      -n                   numeric output of addresses and ports\n"
		"  --sched-flags  -b flags             scheduler flags (comma-separated)\n");
	sbuf_adds(sb,
		"Daemon Options:\n"
		"  --syncid sid                        syncid for connection sync (default=255)\n"
		"  --sync-maxlen length                Max sync message length (default=1472)\n"
		"  --mcast-interface interface         multicast interface for connection sync\n"
		"  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)\n"
		"  --mcast-port port                   UDP port (default=8848)\n"
		"  --mcast-ttl ttl                     Multicast TTL (default=1)\n");
}

/* ---- sorting, as libipvs's ipvs_cmp_services / ipvs_cmp_dests ---- */

/* ntohl(a) - ntohl(b) stored in an int, as libipvs computes it. */
static int addr_diff(const struct ns_addr *a, const struct ns_addr *b,
		     int af)
{
	int i, r = 0;

	if (af == ADM_AF_INET6) {
		for (i = 0; !r && i < 4; i++)
			r = (int)(ntohl(a->all[i]) - ntohl(b->all[i]));
		return r;
	}
	return (int)(ntohl(a->ip) - ntohl(b->ip));
}

static int cmp_services(const void *x, const void *y)
{
	const struct lb_svc_conf *s1 = &((const struct lb_svc_snap *)x)->conf;
	const struct lb_svc_conf *s2 = &((const struct lb_svc_snap *)y)->conf;
	int r;

	r = (int)(s1->fwmark - s2->fwmark);
	if (r)
		return r;
	r = (int)s1->af - (int)s2->af;
	if (r)
		return r;
	r = (int)s1->protocol - (int)s2->protocol;
	if (r)
		return r;
	r = addr_diff(&s1->addr, &s2->addr, s1->af);
	if (r)
		return r;
	return (int)ntohs(s1->port) - (int)ntohs(s2->port);
}

/* Real servers with af 0 are the service's (set before sorting). */
static int cmp_dests(const void *x, const void *y)
{
	const struct lb_dest_snap *d1 = x, *d2 = y;
	int r;

	r = addr_diff(&d1->conf.addr, &d2->conf.addr, d1->conf.af);
	if (r)
		return r;
	return (int)ntohs(d1->conf.port) - (int)ntohs(d2->conf.port);
}

/*
 * ipvsadm sorts with glibc 2.36's qsort(), a merge sort (first half n/2,
 * ties to the left). Its comparisons are not transitive (fwmarks and
 * addresses subtracted into an int), so the order it prints depends on
 * the algorithm and on the kernel's dump order: this is that merge sort,
 * whatever the C library here does. tmp holds n elements.
 */
static void msort(char *b, size_t n, size_t sz, char *tmp,
		  int (*cmp)(const void *, const void *))
{
	size_t n1 = n / 2, n2 = n - n1;
	char *b1 = b, *b2 = b + n1 * sz, *t = tmp;

	if (n <= 1)
		return;
	msort(b1, n1, sz, tmp, cmp);
	msort(b2, n2, sz, tmp, cmp);
	while (n1 > 0 && n2 > 0) {
		if (cmp(b1, b2) <= 0) {
			memcpy(t, b1, sz);
			b1 += sz;
			n1--;
		} else {
			memcpy(t, b2, sz);
			b2 += sz;
			n2--;
		}
		t += sz;
	}
	if (n1 > 0)
		memcpy(t, b1, n1 * sz);
	memcpy(b, tmp, (n - n2) * sz);
}

/* Sort as ipvsadm's qsort() call would; false if out of memory. */
static bool adm_sort(void *base, size_t n, size_t sz,
		     int (*cmp)(const void *, const void *))
{
	char *tmp;

	if (n <= 1)
		return true;
	tmp = malloc(n * sz);
	if (!tmp)
		return false;
	msort(base, n, sz, tmp, cmp);
	free(tmp);
	return true;
}

/* ---- the listing ---------------------------------------------------- */

static const char *fwd_name(unsigned flags)
{
	switch (flags & LB_FWD_MASK) {
	case LB_FWD_MASQ:
		return "Masq";
	case LB_FWD_LOCALNODE:
		return "Local";
	case LB_FWD_TUNNEL:
		return "Tunnel";
	case LB_FWD_DROUTE:
		return "Route";
	}
	return "(null)";   /* what printf makes of ipvsadm's NULL */
}

static const char *fwd_switch(unsigned flags)
{
	switch (flags & LB_FWD_MASK) {
	case LB_FWD_MASQ:
		return "-m";
	case LB_FWD_TUNNEL:
		return "-i";
	case LB_FWD_LOCALNODE:
	case LB_FWD_DROUTE:
		return "-g";
	}
	return "(null)";
}

/* The index into ipvsadm's tunflags[]: the kernel's flag value. */
static unsigned tun_flag_index(unsigned lb_flags)
{
	if (lb_flags & LB_TUN_F_REMCSUM)
		return 2;
	if (lb_flags & LB_TUN_F_CSUM)
		return 1;
	return 0;
}

static const char *protocol_name(unsigned proto)
{
	switch (proto) {
	case ADM_PROTO_TCP:
		return "TCP";
	case ADM_PROTO_UDP:
		return "UDP";
	case ADM_PROTO_SCTP:
		return "SCTP";
	default:
		return "?";
	}
}

static const char *option_from_protocol(unsigned proto)
{
	switch (proto) {
	case ADM_PROTO_TCP:
		return "-t";
	case ADM_PROTO_UDP:
		return "-u";
	case ADM_PROTO_SCTP:
		return "--sctp-service";
	default:
		return "--xxx-service";
	}
}

static void print_largenum(struct sbuf *o, unsigned long long i,
			   unsigned format)
{
	if (format & ADM_FMT_EXACT) {
		char tmp[32];
		int len = snprintf(tmp, sizeof(tmp), "%llu", i);

		sbuf_addf(o, "%*llu", len <= 8 ? 9 : len + 1, i);
		return;
	}
	if (i < 100000000ULL)
		sbuf_addf(o, "%9llu", i);
	else if (i < 1000000000ULL)
		sbuf_addf(o, "%8lluK", i / 1000);
	else if (i < 100000000000ULL)
		sbuf_addf(o, "%8lluM", i / 1000000);
	else if (i < 100000000000000ULL)
		sbuf_addf(o, "%8lluG", i / 1000000000ULL);
	else
		sbuf_addf(o, "%8lluT", i / 1000000000000ULL);
}

static void print_sched_flags(struct sbuf *o, const struct lb_svc_conf *se)
{
	char flags[64] = "";
	size_t n;

	if (!strcmp(se->sched_name, "sh")) {
		if (se->flags & LB_SVC_F_SCHED_SH_FALLBACK)
			strcat(flags, "sh-fallback,");
		if (se->flags & LB_SVC_F_SCHED_SH_PORT)
			strcat(flags, "sh-port,");
	} else if (!strcmp(se->sched_name, "mh")) {
		if (se->flags & LB_SVC_F_SCHED_MH_FALLBACK)
			strcat(flags, "mh-fallback,");
		if (se->flags & LB_SVC_F_SCHED_MH_PORT)
			strcat(flags, "mh-port,");
	} else {
		if (se->flags & LB_SVC_F_SCHED1)
			strcat(flags, "flag-1,");
		if (se->flags & LB_SVC_F_SCHED2)
			strcat(flags, "flag-2,");
		if (se->flags & LB_SVC_F_SCHED3)
			strcat(flags, "flag-3,");
	}
	n = strlen(flags);
	if (n) {
		flags[n - 1] = '\0';
		sbuf_adds(o, flags);
	}
}

static void print_title(struct sbuf *o, unsigned format)
{
	if (format & ADM_FMT_STATS)
		sbuf_addf(o, "%-33s %8s %8s %8s %8s %8s\n"
			  "  -> RemoteAddress:Port\n",
			  "Prot LocalAddress:Port", "Conns", "InPkts",
			  "OutPkts", "InBytes", "OutBytes");
	else if (format & ADM_FMT_RATE)
		sbuf_addf(o, "%-33s %8s %8s %8s %8s %8s\n"
			  "  -> RemoteAddress:Port\n",
			  "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS",
			  "InBPS", "OutBPS");
	else if (format & ADM_FMT_THRESHOLDS)
		sbuf_addf(o, "%-33s %-10s %-10s %-10s %-10s\n"
			  "  -> RemoteAddress:Port\n",
			  "Prot LocalAddress:Port", "Uthreshold",
			  "Lthreshold", "ActiveConn", "InActConn");
	else if (format & ADM_FMT_PERSISTENTCONN)
		sbuf_addf(o, "%-33s %-9s %-11s %-10s %-10s\n"
			  "  -> RemoteAddress:Port\n",
			  "Prot LocalAddress:Port", "Weight", "PersistConn",
			  "ActiveConn", "InActConn");
	else if (format & ADM_FMT_TUN_INFO)
		sbuf_adds(o, "Prot LocalAddress:Port Scheduler Flags\n"
			  "  -> RemoteAddress:Port           Forward "
			  "TunnelInfo    Weight ActiveConn InActConn\n");
	else if (!(format & ADM_FMT_RULE))
		sbuf_adds(o, "Prot LocalAddress:Port Scheduler Flags\n"
			  "  -> RemoteAddress:Port           Forward Weight "
			  "ActiveConn InActConn\n");
}

static void print_tunnel_rule(struct sbuf *o, const char *svc_name,
			      const char *dname, const struct lb_dest_snap *e)
{
	const struct lb_dest_conf *c = &e->conf;
	unsigned fi = tun_flag_index(c->tun_flags);

	switch (c->tun_type) {
	case LB_TUN_GRE:
		sbuf_addf(o, "-a %s -r %s %s -w %d --tun-type %s %s\n",
			  svc_name, dname, fwd_switch(c->conn_flags),
			  c->weight, tunnames[c->tun_type],
			  tun_flags_opts[fi]);
		break;
	case LB_TUN_GUE:
		sbuf_addf(o, "-a %s -r %s %s -w %d --tun-type %s --tun-port "
			  "%d %s\n", svc_name, dname,
			  fwd_switch(c->conn_flags), c->weight,
			  tunnames[c->tun_type], ntohs(c->tun_port),
			  tun_flags_opts[fi]);
		break;
	case LB_TUN_IPIP:
		sbuf_addf(o, "-a %s -r %s %s -w %d --tun-type %s\n",
			  svc_name, dname, fwd_switch(c->conn_flags),
			  c->weight, tunnames[c->tun_type]);
		break;
	default:
		sbuf_addf(o, "-a %s -r %s %s -w %d\n", svc_name, dname,
			  fwd_switch(c->conn_flags), c->weight);
		break;
	}
}

/* fwd_tun_info(): "ipip", "gue:PORT:FLAGS", "gre:FLAGS" or NULL. */
static const char *fwd_tun_info(const struct lb_dest_snap *e, char buf[16])
{
	const struct lb_dest_conf *c = &e->conf;
	unsigned fi = tun_flag_index(c->tun_flags);

	if ((c->conn_flags & LB_FWD_MASK) != LB_FWD_TUNNEL)
		return NULL;
	switch (c->tun_type) {
	case LB_TUN_IPIP:
		snprintf(buf, 16, "%s", tunnames[c->tun_type]);
		return buf;
	case LB_TUN_GUE:
		snprintf(buf, 16, "%s:%d:%s", tunnames[c->tun_type],
			 ntohs(c->tun_port), tunflags[fi]);
		return buf;
	case LB_TUN_GRE:
		snprintf(buf, 16, "%s:%s", tunnames[c->tun_type],
			 tunflags[fi]);
		return buf;
	}
	return NULL;
}

static void print_service_line(struct sbuf *o, const struct lb_svc_snap *s,
			       const char *svc_name, unsigned format)
{
	const struct lb_svc_conf *se = &s->conf;
	const unsigned sched_flags = LB_SVC_F_SCHED1 | LB_SVC_F_SCHED2 |
				     LB_SVC_F_SCHED3;
	char mask[INET_ADDRSTRLEN];

	/* inet_ntoa()'s text, without its static buffer. */
	inet_ntop(AF_INET, &se->netmask, mask, sizeof(mask));
	if (format & ADM_FMT_RULE) {
		sbuf_addf(o, "-A %s -s %s", svc_name, se->sched_name);
		if (se->flags & LB_SVC_F_PERSISTENT) {
			sbuf_addf(o, " -p %u", se->timeout);
			if (se->af == ADM_AF_INET &&
			    se->netmask != 0xffffffffu) {
				sbuf_addf(o, " -M %s", mask);
			}
			if (se->af == ADM_AF_INET6 && se->netmask != 128)
				sbuf_addf(o, " -M %i", (int)se->netmask);
		}
		if (se->pe_name[0])
			sbuf_addf(o, " --pe %s", se->pe_name);
		if (se->flags & LB_SVC_F_ONEPACKET)
			sbuf_adds(o, " -o");
		if (se->flags & sched_flags) {
			sbuf_adds(o, " -b ");
			print_sched_flags(o, se);
		}
	} else if (format & ADM_FMT_STATS) {
		sbuf_addf(o, "%-33s", svc_name);
		print_largenum(o, s->stats.c.conns, format);
		print_largenum(o, s->stats.c.inpkts, format);
		print_largenum(o, s->stats.c.outpkts, format);
		print_largenum(o, s->stats.c.inbytes, format);
		print_largenum(o, s->stats.c.outbytes, format);
	} else if (format & ADM_FMT_RATE) {
		sbuf_addf(o, "%-33s", svc_name);
		print_largenum(o, s->stats.r.cps, format);
		print_largenum(o, s->stats.r.inpps, format);
		print_largenum(o, s->stats.r.outpps, format);
		print_largenum(o, s->stats.r.inbps, format);
		print_largenum(o, s->stats.r.outbps, format);
	} else {
		sbuf_addf(o, "%s %s", svc_name, se->sched_name);
		if (se->flags & sched_flags) {
			sbuf_adds(o, " (");
			print_sched_flags(o, se);
			sbuf_adds(o, ")");
		}
		if (se->flags & LB_SVC_F_PERSISTENT) {
			sbuf_addf(o, " persistent %u", se->timeout);
			if (se->af == ADM_AF_INET &&
			    se->netmask != 0xffffffffu) {
				sbuf_addf(o, " mask %s", mask);
			}
			if (se->af == ADM_AF_INET6 && se->netmask != 128)
				sbuf_addf(o, " mask %i", (int)se->netmask);
			if (se->pe_name[0])
				sbuf_addf(o, " pe %s", se->pe_name);
		}
		if (se->flags & LB_SVC_F_ONEPACKET)
			sbuf_adds(o, " ops");
	}
	sbuf_addc(o, '\n');
}

static void print_dest(struct sbuf *o, const struct lb_svc_snap *s,
		       const struct lb_dest_snap *e, const char *svc_name,
		       unsigned format)
{
	const struct lb_dest_conf *c = &e->conf;
	int af = c->af;
	unsigned fwd = c->conn_flags & LB_FWD_MASK;
	char dname[60], ti_buf[16];
	const char *ti;

	addrport_to_anyname(dname, af, &c->addr, ntohs(c->port),
			    s->conf.protocol, format);
	if (!(format & ADM_FMT_RULE) && af != ADM_AF_INET6)
		dname[28] = '\0';

	if (format & ADM_FMT_RULE) {
		if (fwd == LB_FWD_TUNNEL)
			print_tunnel_rule(o, svc_name, dname, e);
		else
			sbuf_addf(o, "-a %s -r %s %s -w %d\n", svc_name, dname,
				  fwd_switch(c->conn_flags), c->weight);
	} else if (format & ADM_FMT_STATS) {
		sbuf_addf(o, "  -> %-28s", dname);
		print_largenum(o, e->stats.c.conns, format);
		print_largenum(o, e->stats.c.inpkts, format);
		print_largenum(o, e->stats.c.outpkts, format);
		print_largenum(o, e->stats.c.inbytes, format);
		print_largenum(o, e->stats.c.outbytes, format);
		sbuf_addc(o, '\n');
	} else if (format & ADM_FMT_RATE) {
		sbuf_addf(o, "  -> %-28s %8llu %8llu %8llu", dname,
			  (unsigned long long)e->stats.r.cps,
			  (unsigned long long)e->stats.r.inpps,
			  (unsigned long long)e->stats.r.outpps);
		print_largenum(o, e->stats.r.inbps, format);
		print_largenum(o, e->stats.r.outbps, format);
		sbuf_addc(o, '\n');
	} else if (format & ADM_FMT_THRESHOLDS) {
		sbuf_addf(o, "  -> %-28s %-10u %-10u %-10u %-10u\n", dname,
			  c->u_threshold, c->l_threshold,
			  (unsigned)e->activeconns, (unsigned)e->inactconns);
	} else if (format & ADM_FMT_PERSISTENTCONN) {
		sbuf_addf(o, "  -> %-28s %-9u %-11u %-10u %-10u\n", dname,
			  (unsigned)c->weight, (unsigned)e->persistconns,
			  (unsigned)e->activeconns, (unsigned)e->inactconns);
	} else if (format & ADM_FMT_TUN_INFO) {
		ti = fwd_tun_info(e, ti_buf);
		sbuf_addf(o, "  -> %-28s %-7s %-13s %-6d %-10u %-10u\n", dname,
			  fwd_name(c->conn_flags), ti ? ti : ADM_NA, c->weight,
			  (unsigned)e->activeconns, (unsigned)e->inactconns);
	} else {
		sbuf_addf(o, "  -> %-28s %-7s %-6d %-10u %-10u\n", dname,
			  fwd_name(c->conn_flags), c->weight,
			  (unsigned)e->activeconns, (unsigned)e->inactconns);
	}
}

static int print_service_entry(struct sbuf *o, struct lb_svc_snap *s,
			       unsigned format)
{
	const struct lb_svc_conf *se = &s->conf;
	char svc_name[1024], vname[60];
	unsigned i;

	if (se->fwmark) {
		if (format & ADM_FMT_RULE)
			snprintf(svc_name, sizeof(svc_name),
				 se->af == ADM_AF_INET6 ? "-f %d -6" : "-f %d",
				 (int)se->fwmark);
		else
			snprintf(svc_name, sizeof(svc_name),
				 se->af == ADM_AF_INET6 ? "FWM  %d IPv6" :
				 "FWM  %d", (int)se->fwmark);
	} else {
		addrport_to_anyname(vname, se->af, &se->addr, ntohs(se->port),
				    se->protocol, format);
		if (format & ADM_FMT_RULE) {
			snprintf(svc_name, sizeof(svc_name), "%s %s",
				 option_from_protocol(se->protocol), vname);
		} else {
			snprintf(svc_name, sizeof(svc_name), "%-4s %s",
				 protocol_name(se->protocol), vname);
			if (se->af != ADM_AF_INET6)
				svc_name[33] = '\0';
		}
	}
	print_service_line(o, s, svc_name, format);

	for (i = 0; i < s->ndests; i++)
		if (!s->dests[i].conf.af)
			s->dests[i].conf.af = se->af;
	if (!(format & ADM_FMT_NOSORT) &&
	    !adm_sort(s->dests, s->ndests, sizeof(s->dests[0]), cmp_dests))
		return -ENOMEM;
	for (i = 0; i < s->ndests; i++)
		print_dest(o, s, &s->dests[i], svc_name, format);
	return 0;
}

int adm_list_all(struct adm_run *r, unsigned format)
{
	struct lb_svc_snap *svcs = NULL;
	unsigned n = 0, i;
	int err;

	if (!(format & ADM_FMT_RULE))
		sbuf_addf(r->out, "IP Virtual Server version %d.%d.%d "
			  "(size=%u)\n", (LB_VERSION_CODE >> 16) & 0xff,
			  (LB_VERSION_CODE >> 8) & 0xff,
			  LB_VERSION_CODE & 0xff, lb_conn_tab_size(r->net));
	err = lb_dump(r->net, NULL, &svcs, &n);
	if (err)
		return adm_fail(r, 1, "%s",
				adm_strerror(ADM_OP_GET_SERVICES, -err));
	if (!(format & ADM_FMT_NOSORT) &&
	    !adm_sort(svcs, n, sizeof(svcs[0]), cmp_services))
		err = -ENOMEM;
	if (!err)
		print_title(r->out, format);
	for (i = 0; !err && i < n; i++)
		err = print_service_entry(r->out, &svcs[i], format);
	lb_dump_free(svcs, n);
	if (err)
		return adm_fail(r, 1, "%s",
				adm_strerror(ADM_OP_GET_SERVICES, -err));
	return 0;
}

int adm_list_service(struct adm_run *r, const struct lb_svc_conf *key,
		     unsigned format)
{
	struct lb_svc_snap *svcs = NULL;
	unsigned n = 0;
	int err;

	err = lb_dump(r->net, key, &svcs, &n);
	if (!err && n == 0)
		err = -ESRCH;
	if (err) {
		lb_dump_free(svcs, n);
		return adm_fail(r, 1, "%s",
				adm_strerror(ADM_OP_GET_SERVICE, -err));
	}
	print_title(r->out, format);
	err = print_service_entry(r->out, &svcs[0], format);
	lb_dump_free(svcs, n);
	if (err)
		return adm_fail(r, 1, "%s",
				adm_strerror(ADM_OP_GET_DESTS, -err));
	return 0;
}

int adm_list_timeout(struct adm_run *r)
{
	struct lb_timeouts t;
	int err;

	err = lb_timeouts_get(r->net, &t);
	if (err) {
		/* ipvsadm exits 1 without a word here. */
		r->exiting = true;
		r->code = 1;
		return -1;
	}
	sbuf_addf(r->out, "Timeout (tcp tcpfin udp): %d %d %d\n", t.tcp,
		  t.tcp_fin, t.udp);
	return 0;
}

int adm_list_daemon(struct adm_run *r)
{
	/* No connection sync daemon exists: neither master nor backup. */
	(void)r;
	return 0;
}

/* ip_vs_proto_name(), as /proc/net/ip_vs_conn shows the protocol. */
static const char *conn_proto_name(unsigned proto, char buf[16])
{
	switch (proto) {
	case 0:
		return "IP";
	case ADM_PROTO_TCP:
		return "TCP";
	case ADM_PROTO_UDP:
		return "UDP";
	case ADM_PROTO_SCTP:
		return "SCTP";
	case 1:
		return "ICMP";
	case 58:
		return "ICMPv6";
	}
	snprintf(buf, 16, "IP_%u", proto);
	return buf;
}

/*
 * print_conn(): one line of -c. ipvsadm reads /proc/net/ip_vs_conn; the
 * snapshot carries the same fields.
 */
static void print_conn(struct sbuf *o, const struct lb_conn_snap *c,
		       unsigned format)
{
	char cname[60], vname[60], dname[60], expire[16], pbuf[16];
	const char *proto = conn_proto_name(c->protocol, pbuf);
	unsigned proto_num = c->protocol;
	int af = c->af == ADM_AF_INET6 ? ADM_AF_INET6 : ADM_AF_INET;
	int daf = c->daddr.family == ADM_AF_INET6 ? ADM_AF_INET6 : af;

	if (proto_num != ADM_PROTO_TCP && proto_num != ADM_PROTO_UDP &&
	    proto_num != ADM_PROTO_SCTP)
		proto_num = 0;
	addrport_to_anyname(cname, af, &c->caddr, ntohs(c->cport), proto_num,
			    format);
	addrport_to_anyname(vname, af, &c->vaddr, ntohs(c->vport), proto_num,
			    format);
	addrport_to_anyname(dname, daf, &c->daddr, ntohs(c->dport),
			    proto_num, format);
	snprintf(expire, sizeof(expire), "%02d:%02d", (int)(c->expires / 60),
		 (int)(c->expires % 60));
	if ((format & ADM_FMT_PERSISTENTCONN) && c->pe_name[0])
		sbuf_addf(o, "%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n",
			  proto, expire, c->state, cname, vname, dname,
			  c->pe_name, c->pe_data);
	else
		sbuf_addf(o, "%-3s %-6s %-11s %-18s %-18s %s\n", proto,
			  expire, c->state, cname, vname, dname);
}

int adm_list_conn(struct adm_run *r, unsigned format)
{
	struct lb_conn_snap *conns = NULL;
	unsigned n = 0, i;
	int err;

	err = lb_conn_dump(r->net, &conns, &n);
	if (err)
		return adm_fail(r, 1, "cannot open file /proc/net/ip_vs_conn");
	sbuf_adds(r->out, "IPVS connection entries\n");
	if (format & ADM_FMT_PERSISTENTCONN)
		sbuf_addf(r->out, "pro expire %-11s %-18s %-18s %-18s %-16s "
			  "%s\n", "state", "source", "virtual", "destination",
			  "pe name", "pe_data");
	else
		sbuf_addf(r->out, "pro expire %-11s %-18s %-18s %s\n",
			  "state", "source", "virtual", "destination");
	for (i = 0; i < n; i++)
		print_conn(r->out, &conns[i], format);
	free(conns);
	return 0;
}
