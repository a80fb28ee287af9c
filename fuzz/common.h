/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up for the fuzz targets: a struct net with two interfaces
 * without I/O (frames sent are counted and discarded), addresses, routes,
 * forwarding on and a ruleset that exercises many matches and targets.
 * A set-up line that fails (an extension not built) is reported once on
 * stderr and skipped, so the fuzzers run on whatever the tree supports.
 */
#ifndef NS_FUZZ_COMMON_H
#define NS_FUZZ_COMMON_H

#include <netsieve/netsieve.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"
#include "ctl/ctl.h"

static const char *const fuzz_setup[] = {
	"ip link add eth0 type dummy",
	"ip link add eth1 type dummy",
	"ip link set eth0 address 02:00:00:00:00:01",
	"ip link set eth1 address 02:00:00:00:00:02",
	"ip addr add 10.0.1.1/24 dev eth0",
	"ip addr add 10.0.2.1/24 dev eth1",
	"ip link set eth0 up",
	"ip link set eth1 up",
	"ip neigh add 10.0.2.2 lladdr 02:00:00:00:01:02 dev eth1 nud permanent",
	"ip neigh add 10.0.1.2 lladdr 02:00:00:00:01:01 dev eth0 nud permanent",
	"sysctl -w net.ipv4.ip_forward=1",
	"sysctl -w net.ipv4.icmp_ratelimit=0",
	"iptables -t raw -A PREROUTING -p udp --dport 9 -j TRACE",
	"iptables -t mangle -A PREROUTING -p tcp --syn -j MARK --set-mark 7",
	"iptables -t mangle -A FORWARD -m mark --mark 7 -j TOS --set-tos 0x10",
	"iptables -t mangle -A FORWARD -p udp -j TTL --ttl-inc 1",
	"iptables -t mangle -A FORWARD -p icmp -j DSCP --set-dscp 10",
	"iptables -N chk",
	"iptables -A chk -m limit --limit 10/second --limit-burst 5 -j RETURN",
	"iptables -A chk -j LOG --log-prefix \"fuzz \"",
	"iptables -A FORWARD -p tcp -m multiport --dports 22,80:90 -j chk",
	"iptables -A FORWARD -p tcp --tcp-flags SYN,ACK SYN --tcp-option 2 -j ACCEPT",
	"iptables -A FORWARD -p icmp --icmp-type echo-request -m length --length 0:100 -j ACCEPT",
	"iptables -A FORWARD -m iprange --src-range 10.0.1.2-10.0.1.9 -m ttl --ttl-gt 3 -j ACCEPT",
	"iptables -A FORWARD -m statistic --mode nth --every 3 -j DROP",
	"iptables -A INPUT -p udp --dport 53 -j REJECT",
	"iptables -A INPUT -p tcp --dport 23 -j REJECT --reject-with tcp-reset",
	"iptables -A INPUT -m pkttype --pkt-type broadcast -j DROP",
	"iptables -A INPUT -m addrtype --dst-type LOCAL -m mac --mac-source 02:00:00:00:01:01 -j ACCEPT",
	"iptables -A INPUT -f -j DROP",
	"iptables -A FORWARD -m comment --comment fuzz -m tos --tos 0x10 -m dscp --dscp 10 -j ACCEPT",
	/* Connection tracking, NAT and the helpers on the same packets. */
	"sysctl -w net.netfilter.nf_conntrack_max=4096",
	"iptables -t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp",
	"iptables -t raw -A PREROUTING -p udp --dport 69 -j CT --helper tftp",
	"iptables -t raw -A PREROUTING -p udp --dport 7 -j NOTRACK",
	"iptables -I FORWARD -m conntrack --ctstate INVALID -j DROP",
	"iptables -I FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -m connbytes --connbytes 10 --connbytes-dir both --connbytes-mode packets -j ACCEPT",
	"iptables -A FORWARD -p tcp --syn -m connlimit --connlimit-above 50 -j DROP",
	"iptables -t mangle -A PREROUTING -j CONNMARK --restore-mark",
	"iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.0.2.2:80",
	"iptables -t nat -A PREROUTING -p udp --dport 5353 -j REDIRECT --to-ports 53",
	"iptables -t nat -A POSTROUTING -o eth1 -p udp -j SNAT --to-source 10.0.2.1:2000-2100 --random",
	"iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
	/* The load balancer: every scheduler family and method. */
	"ip addr add 10.0.1.100/32 dev eth0",
	"ip neigh add 10.0.2.3 lladdr 02:00:00:00:01:03 dev eth1 nud permanent",
	"ipvsadm -A -t 10.0.1.100:80 -s rr",
	"ipvsadm -a -t 10.0.1.100:80 -r 10.0.2.2:8080 -m",
	"ipvsadm -a -t 10.0.1.100:80 -r 10.0.2.3:80 -g -w 2",
	"ipvsadm -A -t 10.0.1.100:443 -s mh -p 60",
	"ipvsadm -a -t 10.0.1.100:443 -r 10.0.2.2:443 -i",
	"ipvsadm -a -t 10.0.1.100:443 -r 10.0.2.3:443 -i --tun-type gue --tun-port 6080 --tun-csum",
	"ipvsadm -A -u 10.0.1.100:53 -s wlc -o",
	"ipvsadm -a -u 10.0.1.100:53 -r 10.0.2.2:53 -m",
	"ipvsadm -A --sctp-service 10.0.1.100:36412 -s lblcr",
	"ipvsadm -a --sctp-service 10.0.1.100:36412 -r 10.0.2.3:36412 -m",
	"ipvsadm -A -f 7 -s sh -p",
	"ipvsadm -a -f 7 -r 10.0.2.2:0 -i --tun-type gre --tun-csum",
	"sysctl -w net.ipv4.vs.conntrack=1",
	NULL,
};

static inline struct net *fuzz_net_create(int verbose)
{
	struct net *net;
	int i;

	if (ns_net_create(&net))
		abort();
	for (i = 0; fuzz_setup[i]; i++) {
		char *out = NULL, *err = NULL;
		int rc = ns_exec(net, fuzz_setup[i], &out, &err);

		if (rc && verbose)
			fprintf(stderr, "fuzz setup: '%s' failed (%d): %s",
				fuzz_setup[i], rc, err ? err : "");
		free(out);
		free(err);
	}
	return net;
}

/*
 * Run the input as `prog ARGS` against net: arguments separated by NUL
 * or newline bytes, at most FUZZ_MAX_ARGS of them. What the command
 * prints is thrown away; any crash or sanitizer report is the finding.
 */
#define FUZZ_MAX_ARGS 64

static inline void fuzz_exec_argv(struct net *net, const char *prog,
				  const uint8_t *data, size_t size)
{
	char *buf, *argv[FUZZ_MAX_ARGS + 2];
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	int argc = 0;
	size_t i, start = 0;

	buf = malloc(size + 1);
	if (!buf)
		return;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = (char *)prog;
	for (i = 0; i <= size && argc < FUZZ_MAX_ARGS; i++) {
		if (i == size || buf[i] == '\0' || buf[i] == '\n') {
			buf[i] = '\0';
			argv[argc++] = buf + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	ctl_exec_argv(net, argc, argv, NULL, &out, &err);
	sbuf_free(&out);
	sbuf_free(&err);
	free(buf);
}

#endif
