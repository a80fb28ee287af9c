// SPDX-License-Identifier: MIT
/*
 * NAT's halves of the FTP and TFTP helpers (the kernel's nf_nat_ftp.c,
 * nf_nat_tftp.c and nf_nat_follow_master in nf_nat_helper.c). When a
 * helped connection is NATed, conntrack hands the expectation it would
 * register to these (ct_nat_ftp_hook, ct_nat_tftp_hook): FTP's address
 * text is rewritten to what the other side sees (the payload may change
 * length: ct_mangle_tcp_packet records it for the sequence adjustment)
 * and the port is searched for a free expectation; the data connection,
 * when it comes, is bound to follow its master (SNAT to where the master
 * sends, DNAT to the address and port the text named). Data path: runs
 * in the helper hook for a master's packet and for an expected entry's
 * first packet, allocates nothing.
 */
#include "nat/nat_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

/*
 * nf_nat_follow_master(): the expected connection gets the master's
 * translation: its source becomes where the master's packets go, its
 * destination the address and port the master's payload named.
 */
static void follow_master(struct net *net, struct ct_conn *ct,
			  const struct ct_expect *exp)
{
	const struct ct_tuple *mt;
	struct nat_range r = { .flags = NAT_RANGE_MAP_IPS };

	if (!ct->master || (ct_status(ct) & CT_S_NAT_DONE_MASK))
		return;
	mt = ct_tuple_of(ct->master, !exp->dir);
	r.min_addr = r.max_addr = mt->dst.ip;
	nat_setup_info(net, ct, &r, NAT_MANIP_SRC, NULL);
	r.flags = NAT_RANGE_MAP_IPS | NAT_RANGE_PROTO_SPECIFIED;
	r.min_proto = r.max_proto = exp->saved_proto;
	r.min_addr = r.max_addr = mt->src.ip;
	nat_setup_info(net, ct, &r, NAT_MANIP_DST, NULL);
}

/*
 * nf_nat_exp_find_port(): the port the text named if its expectation is
 * free, else up to 128 random others above it. 0: none.
 */
static uint16_t exp_find_port(struct net *net, struct ct_expect *exp,
			      uint16_t port)
{
	unsigned range = 65535u - port;
	int left = range > 128 ? 128 : (int)range;
	uint16_t min = port;

	for (;;) {
		int res;

		exp->tuple.dport = htons(port);
		res = ct_expect_related(net, exp);
		if (!res)
			return port;
		if (res != -EBUSY || --left < 0 || !range)
			break;
		port = (uint16_t)(min + (uint16_t)(((uint64_t)net_random(net) *
						    range) >> 32));
	}
	return 0;
}

/* nf_nat_ftp_fmt_cmd(). */
static int ftp_fmt(enum ct_ftp_type type, char *buf, size_t n, uint32_t ip,
		   uint16_t port)
{
	const uint8_t *b = (const uint8_t *)&ip;

	switch (type) {
	case CT_FTP_PORT:
	case CT_FTP_PASV:
		return snprintf(buf, n, "%u,%u,%u,%u,%u,%u", b[0], b[1], b[2],
				b[3], port >> 8, port & 0xff);
	case CT_FTP_EPRT:
		return snprintf(buf, n, "|1|%u.%u.%u.%u|%u|", b[0], b[1], b[2],
				b[3], port);
	case CT_FTP_EPSV:
		return snprintf(buf, n, "|||%u|", port);
	}
	return 0;
}

/* nf_nat_ftp(). */
static unsigned int nat_ftp(struct net *net, struct pkt *pkt,
			    struct ct_conn *ct, enum ct_info ctinfo,
			    enum ct_ftp_type type, unsigned match_off,
			    unsigned match_len, struct ct_expect *exp)
{
	enum ct_dir dir = ct_info_dir(ctinfo);
	char buf[sizeof("|1||65535|") + 16];
	uint32_t newaddr;
	uint16_t port;
	int len;

	/* The data connection comes from wherever this packet goes. */
	newaddr = ct_tuple_of(ct, !dir)->dst.ip;
	exp->saved_proto = exp->tuple.dport;
	exp->dir = (uint8_t)!dir;
	exp->expectfn = follow_master;
	port = exp_find_port(net, exp, ntohs(exp->saved_proto));
	if (!port)
		return NS_DROP;     /* "all ports in use" */
	len = ftp_fmt(type, buf, sizeof(buf), newaddr, port);
	/*
	 * The kernel takes the expectation back when the packet cannot be
	 * mangled; netsieve has no call for that: it dies with its master
	 * or on timeout.
	 */
	if (len <= 0 || !ct_mangle_tcp_packet(net, pkt, ct, ctinfo, match_off,
					      match_len, buf, (unsigned)len))
		return NS_DROP;
	return NS_ACCEPT;
}

/* nf_nat_tftp(). */
static unsigned int nat_tftp(struct net *net, struct pkt *pkt,
			     struct ct_conn *ct, enum ct_info ctinfo,
			     struct ct_expect *exp)
{
	(void)pkt;
	(void)ctinfo;
	/* The answer goes to the client's own port. */
	exp->saved_proto = ct_tuple_of(ct, CT_DIR_ORIGINAL)->sport;
	exp->dir = CT_DIR_REPLY;
	exp->expectfn = follow_master;
	if (ct_expect_related(net, exp))
		return NS_DROP;     /* "cannot add expectation" */
	return NS_ACCEPT;
}

void nat_helpers_register(void)
{
	atomic_store_explicit(&ct_nat_ftp_hook, nat_ftp,
			      memory_order_release);
	atomic_store_explicit(&ct_nat_tftp_hook, nat_tftp,
			      memory_order_release);
}
