// SPDX-License-Identifier: MIT
/*
 * The packet-changing targets on a forwarding path, compared with Linux
 * 6.18 byte for byte. The kernel side was a router namespace (ra
 * 02:00:00:00:01:01 10.1.0.1/24, rb 02:00:00:00:02:01 10.2.0.1/24,
 * ip_forward=1, permanent neighbours 10.1.0.2 and 10.2.0.2) with the rules
 * below; UDP/TCP frames from 10.1.0.2 to 10.2.0.2 were sent into ra and
 * what left rb (forwarded) or ra (answers) was captured. netsieve gets the
 * same configuration through ns_exec and the same frames through
 * ns_inject. Covers TTL set/inc/dec (before and after the forward
 * decrement), TOS names and xor, DSCP classes, MARK feeding a mark match
 * and REJECT in FORWARD (ICMP and TCP RST). Checksums are compared as
 * the kernel wrote them, except where noted below.
 */
#include "tg_harness.h"

#include "io/io.h"
#include "core/netdev.h"
#include "stack/stack.h"

static const char *const setup[] = {
	"ip link set ra address 02:00:00:00:01:01",
	"ip link set rb address 02:00:00:00:02:01",
	"ip link set ra up",
	"ip link set rb up",
	"ip addr add 10.1.0.1/24 dev ra",
	"ip addr add 10.2.0.1/24 dev rb",
	"ip neigh add 10.2.0.2 lladdr 02:00:00:00:02:02 dev rb nud permanent",
	"ip neigh add 10.1.0.2 lladdr 02:00:00:00:01:02 dev ra nud permanent",
	"sysctl -w net.ipv4.ip_forward=1",
	"iptables -t mangle -A PREROUTING -p udp --dport 1001 -j TTL "
	"--ttl-set 10",
	"iptables -t mangle -A FORWARD -p udp --dport 1002 -j TTL --ttl-inc 5",
	"iptables -t mangle -A FORWARD -p udp --dport 1003 -j TOS --set-tos "
	"Minimize-Delay",
	"iptables -t mangle -A POSTROUTING -p udp --dport 1004 -j DSCP "
	"--set-dscp-class EF",
	"iptables -t mangle -A FORWARD -p udp --dport 1005 -j TTL "
	"--ttl-dec 100",
	"iptables -t mangle -A PREROUTING -p udp --dport 1006 -j TOS --xor-tos "
	"0xff",
	"iptables -t mangle -A PREROUTING -p udp --dport 1007 -j MARK "
	"--set-mark 7",
	"iptables -A FORWARD -m mark --mark 7 -j REJECT --reject-with "
	"icmp-net-prohibited",
	"iptables -A FORWARD -p tcp --dport 1008 -j REJECT --reject-with "
	"tcp-reset",
	"iptables -t mangle -A PREROUTING -p udp --dport 1009 -j TTL "
	"--ttl-set 1",
	"iptables -t raw -A PREROUTING -p udp --dport 1010 -j TRACE",
	"iptables -t security -L",
};

/*
 * The kernel's TRACE lines for udp1010 (the xt core writes them with
 * xt_log_format): note the MAC of the received frame on every line, also
 * after routing. Recorded with the security table instantiated in the
 * namespace (`iptables -t security -L`, also run by setup[]): the kernel,
 * like netsieve, creates a table in a namespace on first use.
 */
#define TRACE_TAIL " MAC=02:00:00:00:01:01:02:00:00:00:01:02:08:00 " \
	"SRC=10.1.0.2 DST=10.2.0.2 LEN=32 TOS=0x00 PREC=0x00 TTL=%d " \
	"ID=1010 DF PROTO=UDP SPT=5000 DPT=1010 LEN=12 "
static const char *const trace_lines[] = {
	"TRACE: raw:PREROUTING:policy:2 IN=ra OUT=" TRACE_TAIL,
	"TRACE: mangle:PREROUTING:policy:5 IN=ra OUT=" TRACE_TAIL,
	"TRACE: mangle:FORWARD:policy:4 IN=ra OUT=rb" TRACE_TAIL,
	"TRACE: filter:FORWARD:policy:3 IN=ra OUT=rb" TRACE_TAIL,
	"TRACE: security:FORWARD:policy:1 IN=ra OUT=rb" TRACE_TAIL,
	"TRACE: mangle:POSTROUTING:policy:2 IN=ra OUT=rb" TRACE_TAIL,
};

static struct {
	int n;
	int level[8];
	char line[8][1100];
} logs;

static void log_capture(void *priv, int level, const char *line)
{
	if (logs.n < 8) {
		logs.level[logs.n] = level;
		snprintf(logs.line[logs.n], sizeof(logs.line[0]), "%s", line);
	}
	logs.n++;
}

/* name, IP packet sent into ra, IP packet out of rb, IP answer out of ra */
static const struct {
	const char *name, *in, *fwd, *back;
} cases[] = {
	{ "udp1001",
	  "4500002003e94000401122de0a0100020a020002138803e9000cfb9b6461"
	  "7461",
	  "4500002003e94000091159de0a0100020a020002138803e9000cfb9b6461"
	  "7461",
	  "" },
	{ "udp1002",
	  "4500002003ea4000fa1168dc0a0100020a020002138803ea000cfb9a6461"
	  "7461",
	  "4500002003ea4000fe1164dc0a0100020a020002138803ea000cfb9a6461"
	  "7461",
	  "" },
	{ "udp1003",
	  "45e3002003eb4000401121f90a0100020a020002138803eb000cfb996461"
	  "7461",
	  "45d0002003eb40003f11230c0a0100020a020002138803eb000cfb996461"
	  "7461",
	  "" },
	{ "udp1004",
	  "4501002003ec4000401122da0a0100020a020002138803ec000cfb986461"
	  "7461",
	  "45b9002003ec40003f1123220a0100020a020002138803ec000cfb986461"
	  "7461",
	  "" },
	{ "udp1005",
	  "4500002003ed4000401122da0a0100020a020002138803ed000cfb976461"
	  "7461",
	  "4500002003ed4000001162da0a0100020a020002138803ed000cfb976461"
	  "7461",
	  "" },
	{ "udp1006",
	  "455a002003ee40004011227f0a0100020a020002138803ee000cfb966461"
	  "7461",
	  "45a5002003ee40003f1123340a0100020a020002138803ee000cfb966461"
	  "7461",
	  "" },
	{ "udp1007",
	  "4500002003ef4000401122d80a0100020a020002138803ef000cfb956461"
	  "7461",
	  "",
	  "45c0003c1b1e000040014adf0a0100010a0100020309111b000000004500"
	  "002003ef40003f1123d80a0100020a020002138803ef000cfb9564617461" },
	{ "udp1009",
	  "4500002003f14000401122d60a0100020a020002138803f1000cfb936461"
	  "7461",
	  "",
	  "45c0003c1c6000004001499d0a0100010a0100020b000924000000004500"
	  "002003f14000011161d60a0100020a020002138803f1000cfb9364617461" },
	{ "udp1010",
	  "4500002003f24000401122d50a0100020a020002138803f2000cfb926461"
	  "7461",
	  "4500002003f240003f1123d50a0100020a020002138803f2000cfb926461"
	  "7461",
	  "" },
	{ "tcp1008",
	  "4500002803f04000400622da0a0100020a020002138803f0000000640000"
	  "0000500203e880180000",
	  "",
	  "4500002800004000400626ca0a0200020a01000203f01388000000000000"
	  "00655014000014210000" },
};

#define CAP_MAX 8

static struct {
	int n;
	char dev[CAP_MAX][16];
	uint32_t len[CAP_MAX];
	uint8_t frame[CAP_MAX][PKT_MAX_FRAME];
} cap;

static int cap_open(struct netdev *dev, const char *arg, int nqueues)
{
	return 0;
}

static int cap_tx(struct netdev *dev, const struct pkt *pkt)
{
	if (cap.n < CAP_MAX && pkt->len <= PKT_MAX_FRAME) {
		snprintf(cap.dev[cap.n], 16, "%s", dev->name);
		memcpy(cap.frame[cap.n], pkt->data, pkt->len);
		cap.len[cap.n] = pkt->len;
		cap.n++;
	}
	return 0;
}

static const struct io_ops cap_io = {
	.kind = "tgfwd",
	.open = cap_open,
	.tx = cap_tx,
};

static size_t unhex(uint8_t *dst, const char *hex)
{
	size_t n = strlen(hex) / 2, i;

	for (i = 0; i < n; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		dst[i] = (uint8_t)v;
	}
	return n;
}

/* The IP packet dev transmitted, as hex ("" if none). */
static void sent_on(const char *dev, const uint8_t *l2, char *hex)
{
	int k;
	uint32_t i;

	hex[0] = '\0';
	for (k = 0; k < cap.n; k++) {
		if (strcmp(cap.dev[k], dev) || cap.frame[k][12] != 0x08 ||
		    cap.frame[k][13] != 0x00)
			continue;
		/* The Ethernet header the kernel put on it. */
		assert_memory_equal(cap.frame[k], l2, 14);
		for (i = 14; i < cap.len[k]; i++)
			sprintf(hex + 2 * (i - 14), "%02x", cap.frame[k][i]);
		return;
	}
}

static void test_forward(void **state)
{
	static const uint8_t to_ra[] = { 2, 0, 0, 0, 1, 1, 2, 0, 0, 0, 1, 2,
					 8, 0 };
	static const uint8_t rb_out[] = { 2, 0, 0, 0, 2, 2, 2, 0, 0, 0, 2, 1,
					  8, 0 };
	static const uint8_t ra_out[] = { 2, 0, 0, 0, 1, 2, 2, 0, 0, 0, 1, 1,
					  8, 0 };
	static uint8_t frame[PKT_MAX_FRAME];
	static char got[2 * PKT_MAX_FRAME + 1];
	struct netdev *ra, *rb;
	struct net *net;
	uint64_t now = 0;
	size_t i, n;

	assert_int_equal(ns_net_create(&net), 0);
	if (stack_dev_create(net, "ra", &cap_io, "", &ra) ||
	    stack_dev_create(net, "rb", &cap_io, "", &rb)) {
		ns_net_destroy(net);
		skip();
	}
	for (i = 0; i < ARRAY_SIZE(setup); i++) {
		char *err = NULL;

		if (ns_exec(net, setup[i], NULL, &err))
			fail_msg("%s: %s", setup[i], err);
		free(err);
	}
	net->log.write = log_capture;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memcpy(frame, to_ra, 14);
		n = unhex(frame + 14, cases[i].in);
		cap.n = 0;
		logs.n = 0;
		now += 2000000000ull;    /* past the ICMP rate limits */
		assert_int_equal(ns_inject(net, "ra", frame, 14 + n, now), 0);
		if (!strcmp(cases[i].name, "udp1010")) {
			size_t k;
			char want[1100];

			assert_int_equal(logs.n, ARRAY_SIZE(trace_lines));
			for (k = 0; k < ARRAY_SIZE(trace_lines); k++) {
				snprintf(want, sizeof(want), trace_lines[k],
					 k < 2 ? 64 : 63);
				if (strcmp(logs.line[k], want))
					fail_msg("TRACE:\n got %s\nwant %s",
						 logs.line[k], want);
				assert_int_equal(logs.level[k], 4);
			}
		} else {
			assert_int_equal(logs.n, 0);
		}
		sent_on("rb", rb_out, got);
		if (strcmp(got, cases[i].fwd))
			fail_msg("%s forwarded:\n got %s\nwant %s",
				 cases[i].name, got, cases[i].fwd);
		sent_on("ra", ra_out, got);
		/*
		 * The kernel's ICMP errors carry an IP ID from its per-
		 * destination generator: check the header checksum netsieve
		 * wrote, then compare everything but the ID and checksum.
		 */
		if (cases[i].back[0] && strlen(got) == strlen(cases[i].back) &&
		    !strncmp(got + 18, "01", 2)) {
			static uint8_t iph[PKT_MAX_FRAME];

			unhex(iph, got);
			assert_int_equal(ip_fast_csum(iph, 5), 0);
			memcpy(got + 8, cases[i].back + 8, 4);
			memcpy(got + 20, cases[i].back + 20, 4);
		}
		/*
		 * The kernel's RST left through veth with a partial checksum
		 * (CHECKSUM_PARTIAL: only the pseudo-header sum is in the
		 * field); netsieve writes the complete one. Check it, then
		 * compare the rest.
		 */
		if (cases[i].back[0] && strlen(got) == strlen(cases[i].back) &&
		    !strncmp(got + 18, "06", 2)) {
			static uint8_t ipp[PKT_MAX_FRAME];
			uint32_t len = (uint32_t)unhex(ipp, got), sum, sa, da;

			memcpy(&sa, ipp + 12, 4);
			memcpy(&da, ipp + 16, 4);
			sum = csum_partial(ipp + 20, len - 20, 0);
			sum = csum_tcpudp_nofold(sa, da, (uint16_t)(len - 20),
						 6, sum);
			assert_int_equal(csum_fold(sum), 0);
			memcpy(got + 72, cases[i].back + 72, 4);
		}
		if (strcmp(got, cases[i].back))
			fail_msg("%s answer:\n got %s\nwant %s", cases[i].name,
				 got, cases[i].back);
	}
	ns_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward),
	};

	return cmocka_run_group_tests_name("target_forward", tests, NULL,
					   NULL);
}
