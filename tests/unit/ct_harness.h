/* SPDX-License-Identifier: MIT */
/*
 * What the tracking tests share (test_ct.c, and the helper tests
 * test_ct_ftp.c, test_ct_tftp.c, test_ct_expect.c): a forwarding stack (client 10.1.0.2 on ra, server
 * 10.2.0.2 on rb) with tracking on, a raw-priority hook standing in for
 * `iptables -t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp`
 * (and udp 69 for tftp: it sets pkt->ct_tmpl as the CT target does), a
 * FORWARD spy that records each packet's ctinfo and entry, and TCP/UDP
 * senders with payloads and an injected clock.
 */
#ifndef NS_TEST_CT_HARNESS_H
#define NS_TEST_CT_HARNESS_H

#include "stack_harness.h"

#include "base/rcu.h"
#include "base/sbuf.h"
#include "ct/ct.h"

#define NSEC 1000000000ull
#define TH_ACK 0x10
#define TH_SYN 0x02
#define TH_PSH 0x08

static struct net *net;
static struct netdev *ra, *rb;
static uint64_t now = 1000 * NSEC;
static int seen_ctinfo = -1;
static struct ct_conn *seen_ct;
static bool drop_all;
static bool with_helper = true;

static struct ct_tmpl ftp_tmpl, tftp_tmpl;

static const struct io_ops cap_io = {
	.kind = "cap", .open = cap_open, .tx = cap_tx,
};

static unsigned int spy(void *priv, struct pkt *pkt,
			const struct ns_hook_state *st)
{
	(void)priv, (void)st;
	seen_ctinfo = pkt->ctinfo;
	seen_ct = pkt->ct;
	return drop_all ? NS_DROP : NS_ACCEPT;
}

/* The CT target's part: the template for the helper's port. */
static unsigned int raw_ct(void *priv, struct pkt *pkt,
			   const struct ns_hook_state *st)
{
	(void)priv, (void)st;
	if (!with_helper)
		return NS_ACCEPT;
	if (pkt->desc.proto == 6 && pkt->desc.dport == htons(21))
		pkt->ct_tmpl = &ftp_tmpl;
	if (pkt->desc.proto == 17 && pkt->desc.dport == htons(69))
		pkt->ct_tmpl = &tftp_tmpl;
	return NS_ACCEPT;
}

static const struct ns_hook_ops spy_ops = {
	.hook = spy, .pf = NS_PF_INET, .hooknum = NS_INET_FORWARD,
	.priority = NS_IP_PRI_FILTER,
};

static const struct ns_hook_ops raw_ops = {
	.hook = raw_ct, .pf = NS_PF_INET, .hooknum = NS_INET_PRE_ROUTING,
	.priority = NS_IP_PRI_RAW,
};

HARNESS int setup(void **state)
{
	static const char *const cmds[] = {
		"ip link set ra address 02:00:00:00:00:01",
		"ip link set rb address 02:00:00:00:00:01",
		"ip link set ra up", "ip link set rb up",
		"ip addr add 10.1.0.1/24 dev ra",
		"ip addr add 10.2.0.1/24 dev rb",
		"ip neigh add 10.2.0.2 lladdr 02:00:00:00:02:02 dev rb nud "
		"permanent",
		"ip neigh add 10.1.0.2 lladdr 02:00:00:00:01:02 dev ra nud "
		"permanent",
		"sysctl -w net.ipv4.ip_forward=1",
	};

	(void)state;
	assert_int_equal(ns_net_create(&net), 0);
	ns_net_set_seed(net, 42);
	assert_int_equal(stack_dev_create(net, "ra", &cap_io, "", &ra), 0);
	assert_int_equal(stack_dev_create(net, "rb", &cap_io, "", &rb), 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_int_equal(run(net, cmds[i], NULL), 0);
	assert_int_equal(ct_net_enable(net), 0);
	assert_int_equal(ns_hook_register(net, &spy_ops), 0);
	assert_int_equal(ns_hook_register(net, &raw_ops), 0);
	ftp_tmpl.helper = ct_helper_find("ftp", 6);
	tftp_tmpl.helper = ct_helper_find("tftp", 17);
	assert_non_null(ftp_tmpl.helper);
	assert_non_null(tftp_tmpl.helper);
	drop_all = false;
	with_helper = true;
	return 0;
}

HARNESS int teardown(void **state)
{
	(void)state;
	ns_net_destroy(net);
	return 0;
}

HARNESS void inject(const char *ifname, struct frame *f)
{
	cap_reset();
	seen_ctinfo = -1;
	seen_ct = NULL;
	now += NSEC / 10;
	ns_inject(net, ifname, f->b, f->len, now);
}

/* A TCP segment with payload text (may be NULL); returns frames sent. */
HARNESS int tcp_send(const char *ifname, const char *s, const char *d,
		    uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack,
		    uint8_t flags, const char *text)
{
	struct frame f;
	uint8_t l4[1500];
	uint32_t n = text ? (uint32_t)strlen(text) : 0;
	struct ns_tcphdr *th = (struct ns_tcphdr *)l4;

	tcp_build(l4, A(s), A(d), sp, dp, seq, ack, flags, 0);
	memcpy(l4 + 20, text ? text : "", n);
	th->check = 0;
	th->check = (uint16_t)l4_csum(A(s), A(d), 6, l4, 20 + n);
	eth_put(&f, (const uint8_t *)"\x02\0\0\0\0\x01", PEER_MAC, 0x0800);
	ip_put(&f, A(s), A(d), 6, 64, 0, l4, 20 + n);
	inject(ifname, &f);
	return ncap;
}

/* A UDP datagram carrying len bytes of payload. */
HARNESS int udp_send(const char *ifname, const char *s, const char *d,
		    uint16_t sp, uint16_t dp, const void *payload, uint32_t len)
{
	struct frame f;
	uint8_t l4[1500];
	struct ns_udphdr *uh = (struct ns_udphdr *)l4;

	udp_build(l4, A(s), A(d), sp, dp, 0);
	if (len)
		memcpy(l4 + 8, payload, len);
	uh->len = htons((uint16_t)(8 + len));
	uh->check = 0;
	uh->check = (uint16_t)l4_csum(A(s), A(d), 17, l4, 8 + len);
	if (!uh->check)
		uh->check = 0xffff;
	eth_put(&f, (const uint8_t *)"\x02\0\0\0\0\x01", PEER_MAC, 0x0800);
	ip_put(&f, A(s), A(d), 17, 64, 0, l4, 8 + len);
	inject(ifname, &f);
	return ncap;
}

/*
 * An FTP control connection from client port cport, handshake and the
 * server's greeting done; returns its entry. Seqs: client from 1000,
 * server from 5000; *cseq and *sseq get the next ones.
 */
HARNESS struct ct_conn *ftp_open(uint16_t cport, uint32_t *cseq,
				uint32_t *sseq)
{
	struct ct_conn *ct;
	const char *greet = "220 hi\r\n";

	tcp_send("ra", "10.1.0.2", "10.2.0.2", cport, 21, 1000, 0, TH_SYN,
		 NULL);
	assert_int_equal(seen_ctinfo, CT_NEW);
	ct = seen_ct;
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 21, cport, 5000, 1001,
		 TH_SYN | TH_ACK, NULL);
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED_REPLY);
	tcp_send("ra", "10.1.0.2", "10.2.0.2", cport, 21, 1001, 5001, TH_ACK,
		 NULL);
	assert_int_equal(seen_ctinfo, CT_ESTABLISHED);
	tcp_send("rb", "10.2.0.2", "10.1.0.2", 21, cport, 5001, 1001,
		 TH_ACK | TH_PSH, greet);
	*cseq = 1001;
	*sseq = 5001 + (uint32_t)strlen(greet);
	return ct;
}

/* The client sends a line (text with its CRLF); advances *cseq. */
HARNESS int ftp_client(uint16_t cport, uint32_t *cseq, uint32_t sseq,
		      const char *text)
{
	int n = tcp_send("ra", "10.1.0.2", "10.2.0.2", cport, 21, *cseq,
			 sseq, TH_ACK | TH_PSH, text);

	*cseq += (uint32_t)strlen(text);
	return n;
}

HARNESS int ftp_server(uint16_t cport, uint32_t cseq, uint32_t *sseq,
		      const char *text)
{
	int n = tcp_send("rb", "10.2.0.2", "10.1.0.2", 21, cport, *sseq,
			 cseq, TH_ACK | TH_PSH, text);

	*sseq += (uint32_t)strlen(text);
	return n;
}

/* conntrack -L expect's lines, joined by '\n'. */
HARNESS int list_one(void *priv, const struct ct_expect *exp)
{
	struct sbuf *sb = priv;

	ct_expect_print(exp, now, sb);
	sbuf_addc(sb, '\n');
	return 0;
}

HARNESS char *expect_list(void)
{
	static char buf[4096];
	struct sbuf sb;

	sbuf_init(&sb);
	ct_expect_walk(net, list_one, &sb);
	snprintf(buf, sizeof(buf), "%s", sb.len ? sb.s : "");
	sbuf_free(&sb);
	return buf;
}

HARNESS uint64_t stat_sum(size_t off)
{
	uint64_t n = 0;
	struct ct_stats s;

	for (int i = 0; i < NS_MAX_WORKERS; i++) {
		ct_stats_read(net, i, &s);
		n += *(uint64_t *)((char *)&s + off);
	}
	return n;
}

#define STAT(f) stat_sum(offsetof(struct ct_stats, f))

/* Let every call_rcu() callback run (entries killed are freed). */
HARNESS void grace(void)
{
	rcu_barrier();
}

#endif
