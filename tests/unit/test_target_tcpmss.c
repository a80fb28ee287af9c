// SPDX-License-Identifier: MIT
/*
 * TCPMSS target: rule text in, iptables-save/-L text out (recorded from
 * iptables-legacy 1.8.9), messages; the kernel's checkentry through the
 * real command path (a tcp match requiring SYN, clamping only in FORWARD,
 * OUTPUT and POSTROUTING, -p tcp); and the packet rewrite on crafted SYNs
 * (lowering an MSS, never raising one, adding the option with the 536
 * default, moving the other options, leaving SYNs with payload or a full
 * header alone, clamping to the output MTU, CHECKSUM_PARTIAL packets,
 * fragments, truncated headers), every result checked against IP and TCP
 * checksums recomputed from scratch.
 */
#include <arpa/inet.h>

#include "tg_harness.h"

#include "cmd_env.h"
#include "core/net.h"
#include "core/netdev.h"

#define M "mangle", "FORWARD"

static void test_save_print(void **state)
{
	struct tg_res r;

	/* tg_run has no tcp match: the kernel's check refuses (rc 1), but
	 * parse, save and print are done before it. */
	tg_run(M, "-p tcp -j TCPMSS --set-mss 1400", &r);
	assert_int_equal(r.rc, 1);
	{
		struct sbuf sb = SBUF_INIT;

		r.ops->save(r.data, &r.ip, &sb);
		assert_string_equal(sbuf_str(&sb), " --set-mss 1400");
		sbuf_reset(&sb);
		r.ops->print(r.data, &r.ip, false, &sb);
		assert_string_equal(sbuf_str(&sb), " TCPMSS set 1400");
		sbuf_reset(&sb);
		tg_run(M, "-p tcp -j TCPMSS --clamp-mss-to-pmtu", &r);
		r.ops->save(r.data, &r.ip, &sb);
		assert_string_equal(sbuf_str(&sb), " --clamp-mss-to-pmtu");
		sbuf_reset(&sb);
		r.ops->print(r.data, &r.ip, true, &sb);
		assert_string_equal(sbuf_str(&sb), " TCPMSS clamp to PMTU");
		sbuf_reset(&sb);
		/* The last of the two options wins (no exclusion). */
		tg_run(M, "-p tcp -j TCPMSS --clamp-mss-to-pmtu --set-mss 100",
		       &r);
		r.ops->save(r.data, &r.ip, &sb);
		assert_string_equal(sbuf_str(&sb), " --set-mss 100");
		sbuf_reset(&sb);
		tg_run(M, "-p tcp -j TCPMSS --set-mss 0x200", &r);
		r.ops->save(r.data, &r.ip, &sb);
		assert_string_equal(sbuf_str(&sb), " --set-mss 512");
		sbuf_free(&sb);
	}
}

static void test_errors(void **state)
{
	tg_fail(M, "-p tcp -j TCPMSS", 2,
		"TCPMSS target: At least one parameter is required");
	tg_fail(M, "-p tcp -j TCPMSS --set-mss 65516", 2,
		"TCPMSS: bad value for option \"--set-mss\", or out of range "
		"(0-65515).\n");
	tg_fail(M, "-p tcp -j TCPMSS --set-mss x", 2,
		"TCPMSS: bad value for option \"--set-mss\", or out of range "
		"(0-65515).\n");
	tg_fail(M, "-p tcp -j TCPMSS --set-mss 1 --set-mss 2", 2,
		"TCPMSS: option \"--set-mss\" can only be used once.\n");
	tg_fail(M, "-p tcp -j TCPMSS ! --set-mss 1", 2,
		"TCPMSS: option \"--set-mss\" cannot be inverted.\n");
	/* .proto = IPPROTO_TCP */
	tg_fail(M, "-p udp -j TCPMSS --set-mss 1", 1, NULL);
	tg_fail(M, "-j TCPMSS --set-mss 1", 1, NULL);
}

/* The kernel's checks, through iptables as a user types it. */
static void test_check(void **state)
{
	struct env *e = *state;

	ok(e, "iptables -t mangle -A FORWARD -p tcp --syn -j TCPMSS "
	   "--clamp-mss-to-pmtu");
	ok(e, "iptables -t mangle -A OUTPUT -p tcp --tcp-flags SYN,RST SYN "
	   "-j TCPMSS --clamp-mss-to-pmtu");
	ok(e, "iptables -t mangle -A POSTROUTING -p tcp --tcp-flags ALL SYN "
	   "-j TCPMSS --clamp-mss-to-pmtu");
	ok(e, "iptables -t mangle -A PREROUTING -p tcp --syn -j TCPMSS "
	   "--set-mss 1000");
	ok(e, "iptables -A INPUT -p tcp --dport 80 -m tcp --syn -j TCPMSS "
	   "--set-mss 1000");
	assert_int_equal(run(e, "iptables -t mangle -A PREROUTING -p tcp "
			     "--syn -j TCPMSS --clamp-mss-to-pmtu"), 1);
	assert_string_equal(sbuf_str(&e->err), "iptables: Invalid argument. "
			    "Run `dmesg' for more information.\n");
	assert_int_equal(run(e, "iptables -t mangle -A INPUT -p tcp --syn "
			     "-j TCPMSS --clamp-mss-to-pmtu"), 1);
	assert_int_equal(run(e, "iptables -t mangle -A FORWARD -p tcp -j "
			     "TCPMSS --set-mss 1"), 1);
	assert_int_equal(run(e, "iptables -t mangle -A FORWARD -p tcp ! "
			     "--syn -j TCPMSS --set-mss 1"), 1);
	assert_int_equal(run(e, "iptables -t mangle -A FORWARD -p tcp "
			     "--tcp-flags ALL ACK -j TCPMSS --set-mss 1"), 1);
	assert_int_equal(run(e, "iptables -t mangle -A FORWARD -p tcp "
			     "--dport 22 -j TCPMSS --set-mss 1"), 1);
	assert_int_equal(run(e, "iptables -t mangle -A FORWARD -j TCPMSS "
			     "--set-mss 1"), 1);
	/* A user chain: checked for the hooks that reach it. */
	ok(e, "iptables -t mangle -N c");
	ok(e, "iptables -t mangle -A c -p tcp --syn -j TCPMSS "
	   "--clamp-mss-to-pmtu");
	assert_int_equal(run(e, "iptables -t mangle -A INPUT -j c"), 1);
	ok(e, "iptables -t mangle -A FORWARD -j c");
	ok(e, "iptables -t mangle -S");
	assert_string_equal(sbuf_str(&e->out),
		"-P PREROUTING ACCEPT\n-P INPUT ACCEPT\n-P FORWARD ACCEPT\n"
		"-P OUTPUT ACCEPT\n-P POSTROUTING ACCEPT\n-N c\n"
		"-A PREROUTING -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN "
		"-j TCPMSS --set-mss 1000\n"
		"-A FORWARD -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN "
		"-j TCPMSS --clamp-mss-to-pmtu\n"
		"-A FORWARD -j c\n"
		"-A OUTPUT -p tcp -m tcp --tcp-flags SYN,RST SYN "
		"-j TCPMSS --clamp-mss-to-pmtu\n"
		"-A POSTROUTING -p tcp -m tcp --tcp-flags "
		"FIN,SYN,RST,PSH,ACK,URG SYN -j TCPMSS --clamp-mss-to-pmtu\n"
		"-A c -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN "
		"-j TCPMSS --clamp-mss-to-pmtu\n");
}

/* ---- packets ------------------------------------------------------- */

static struct pkt pkt;

/* A TCP SYN from 10.0.0.1:1234 to 10.0.0.2:80 with the given options
 * (padded by the caller to a multiple of 4) and payload, checksums set. */
static void syn(const uint8_t *opts, size_t olen, size_t paylen)
{
	uint8_t seg[128];
	size_t hl = 20 + olen, i;
	uint32_t sum;
	uint16_t c;

	assert_true(olen % 4 == 0 && hl + paylen <= sizeof(seg));
	memset(seg, 0, sizeof(seg));
	seg[0] = 0x04, seg[1] = 0xd2, seg[2] = 0, seg[3] = 80;
	seg[4] = 0x11, seg[5] = 0x22, seg[6] = 0x33, seg[7] = 0x44;
	seg[12] = (uint8_t)((hl / 4) << 4);
	seg[13] = 0x02;                  /* SYN */
	seg[14] = 0xfa, seg[15] = 0xf0;  /* window */
	if (olen)
		memcpy(seg + 20, opts, olen);
	for (i = 0; i < paylen; i++)
		seg[hl + i] = (uint8_t)(0xa0 + i);
	tg_ip_pkt(&pkt, 0, 64, 6, seg, hl + paylen);
	sum = csum_tcpudp_nofold(htonl(0x0a000001), htonl(0x0a000002),
				 (uint16_t)(hl + paylen), 6, 0);
	c = csum_fold(csum_partial(pkt.data + 20, hl + paylen, sum));
	memcpy(pkt.data + 36, &c, 2);
}

/* Both checksums verify, recomputed over the whole packet. */
static void csums_ok(void)
{
	uint16_t tot = (uint16_t)(pkt.data[2] << 8 | pkt.data[3]);
	uint32_t sum;

	assert_int_equal(tot, pkt.len);
	assert_true(tg_ip_csum_ok(&pkt));
	sum = csum_tcpudp_nofold(htonl(0x0a000001), htonl(0x0a000002),
				 (uint16_t)(tot - 20), 6, 0);
	assert_int_equal(csum_fold(csum_partial(pkt.data + 20, tot - 20,
						sum)), 0);
}

static unsigned run_tg(const char *opts, const struct netdev *out)
{
	static struct tg_res r;
	struct xt_action act;

	tg_run(M, opts, &r);
	assert_non_null(r.ops);
	memset(&act, 0, sizeof(act));
	act.out = out;
	act.hook = NS_INET_FORWARD;
	return r.ops->target(&pkt, r.data, &act);
}

static uint16_t mss_at(size_t off)
{
	return (uint16_t)(pkt.data[20 + off] << 8 | pkt.data[20 + off + 1]);
}

static void test_rewrite(void **state)
{
	static const uint8_t mss1460[] = { 2, 4, 0x05, 0xb4 };
	/* Linux's SYN: MSS, SACK_PERM, TS, NOP, WS */
	static const uint8_t linux_opts[] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	static const uint8_t nop_mss[] = { 1, 1, 2, 4, 0x23, 0x28, 0, 0 };

	syn(mss1460, 4, 0);
	assert_int_equal(run_tg("-p tcp -j TCPMSS --set-mss 1400", NULL),
			 XT_CONTINUE);
	assert_int_equal(mss_at(22), 1400);
	assert_int_equal(pkt.len, 44);
	csums_ok();

	/* Never raised. */
	syn(mss1460, 4, 0);
	run_tg("-p tcp -j TCPMSS --set-mss 1500", NULL);
	assert_int_equal(mss_at(22), 1460);
	csums_ok();
	run_tg("-p tcp -j TCPMSS --set-mss 1460", NULL);
	assert_int_equal(mss_at(22), 1460);

	/* Found after other options; 0 is a valid MSS. */
	syn(linux_opts, sizeof(linux_opts), 0);
	run_tg("-p tcp -j TCPMSS --set-mss 0", NULL);
	assert_int_equal(mss_at(22), 0);
	assert_memory_equal(pkt.data + 44, linux_opts + 4,
			    sizeof(linux_opts) - 4);
	csums_ok();
	syn(nop_mss, sizeof(nop_mss), 0);
	run_tg("-p tcp -j TCPMSS --set-mss 1000", NULL);
	assert_int_equal(mss_at(24), 1000);
	csums_ok();
}

static void test_insert(void **state)
{
	static const uint8_t sack_ts[] = {
		4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
	};
	uint8_t full[40];

	/* No options at all: 4 bytes more, the 536 default caps it. */
	syn(NULL, 0, 0);
	assert_int_equal(run_tg("-p tcp -j TCPMSS --set-mss 1400", NULL),
			 XT_CONTINUE);
	assert_int_equal(pkt.len, 44);
	assert_int_equal(pkt.l4_len, 24);
	assert_int_equal(pkt.data[32] >> 4, 6);
	assert_int_equal(pkt.data[33], 0x02);   /* flags unchanged */
	assert_int_equal(pkt.data[40], 2);
	assert_int_equal(pkt.data[41], 4);
	assert_int_equal(mss_at(22), 536);
	csums_ok();

	syn(NULL, 0, 0);
	run_tg("-p tcp -j TCPMSS --set-mss 500", NULL);
	assert_int_equal(mss_at(22), 500);
	csums_ok();

	/* Other options move behind the new one. */
	syn(sack_ts, sizeof(sack_ts), 0);
	run_tg("-p tcp -j TCPMSS --set-mss 1200", NULL);
	assert_int_equal(pkt.len, 60);
	assert_int_equal(pkt.data[32] >> 4, 10);
	assert_int_equal(mss_at(22), 536);
	assert_memory_equal(pkt.data + 44, sack_ts, sizeof(sack_ts));
	csums_ok();

	/* Payload after the header: accepted unchanged. */
	syn(NULL, 0, 5);
	run_tg("-p tcp -j TCPMSS --set-mss 500", NULL);
	assert_int_equal(pkt.len, 45);
	assert_int_equal(pkt.data[32] >> 4, 5);
	csums_ok();

	/* A header already 60 bytes long (no MSS): unchanged. */
	memset(full, 1, sizeof(full));
	syn(full, sizeof(full), 0);
	run_tg("-p tcp -j TCPMSS --set-mss 500", NULL);
	assert_int_equal(pkt.len, 80);
	csums_ok();

	/* Link padding after the datagram is dropped, as ip_rcv trims. */
	syn(NULL, 0, 0);
	pkt.len += 6;
	run_tg("-p tcp -j TCPMSS --set-mss 700", NULL);
	assert_int_equal(pkt.len, 44);
	assert_int_equal(mss_at(22), 536);
	csums_ok();
}

static void test_clamp(void **state)
{
	static const uint8_t mss1460[] = { 2, 4, 0x05, 0xb4 };
	struct netdev dev;

	memset(&dev, 0, sizeof(dev));
	dev.mtu = 1400;
	syn(mss1460, 4, 0);
	assert_int_equal(run_tg("-p tcp -j TCPMSS --clamp-mss-to-pmtu", &dev),
			 XT_CONTINUE);
	assert_int_equal(mss_at(22), 1360);
	csums_ok();

	dev.mtu = 1500;   /* 1460 already fits */
	syn(mss1460, 4, 0);
	run_tg("-p tcp -j TCPMSS --clamp-mss-to-pmtu", &dev);
	assert_int_equal(mss_at(22), 1460);

	dev.mtu = 576;    /* added: min(536, 536) */
	syn(NULL, 0, 0);
	run_tg("-p tcp -j TCPMSS --clamp-mss-to-pmtu", &dev);
	assert_int_equal(mss_at(22), 536);
	csums_ok();
	dev.mtu = 300;
	syn(NULL, 0, 0);
	run_tg("-p tcp -j TCPMSS --clamp-mss-to-pmtu", &dev);
	assert_int_equal(mss_at(22), 260);
	csums_ok();

	/* "unknown or invalid path-MTU": dropped. */
	dev.mtu = 40;
	syn(mss1460, 4, 0);
	assert_int_equal(run_tg("-p tcp -j TCPMSS --clamp-mss-to-pmtu", &dev),
			 NS_DROP);
	dev.mtu = 41;
	syn(mss1460, 4, 0);
	assert_int_equal(run_tg("-p tcp -j TCPMSS --clamp-mss-to-pmtu", &dev),
			 XT_CONTINUE);
	assert_int_equal(mss_at(22), 1);
	csums_ok();
}

static void test_partial(void **state)
{
	static const uint8_t mss1460[] = { 2, 4, 0x05, 0xb4 };
	uint16_t want, got;
	uint32_t sum;

	/* CHECKSUM_PARTIAL: the field holds the pseudo-header sum only. */
	syn(mss1460, 4, 0);
	pkt.csum_partial = true;
	pkt.csum_start = 20;
	pkt.csum_offset = 16;
	sum = csum_tcpudp_nofold(htonl(0x0a000001), htonl(0x0a000002), 24, 6,
				 0);
	want = (uint16_t)~csum_fold(sum);
	memcpy(pkt.data + 36, &want, 2);
	run_tg("-p tcp -j TCPMSS --set-mss 1000", NULL);
	assert_int_equal(mss_at(22), 1000);
	memcpy(&got, pkt.data + 36, 2);
	assert_int_equal(got, want);    /* the MSS is not in the sum */

	syn(NULL, 0, 0);
	pkt.csum_partial = true;
	pkt.csum_start = 20;
	pkt.csum_offset = 16;
	sum = csum_tcpudp_nofold(htonl(0x0a000001), htonl(0x0a000002), 20, 6,
				 0);
	want = (uint16_t)~csum_fold(sum);
	memcpy(pkt.data + 36, &want, 2);
	run_tg("-p tcp -j TCPMSS --set-mss 1000", NULL);
	assert_int_equal(mss_at(22), 536);
	sum = csum_tcpudp_nofold(htonl(0x0a000001), htonl(0x0a000002), 24, 6,
				 0);
	want = (uint16_t)~csum_fold(sum);
	memcpy(&got, pkt.data + 36, 2);
	assert_int_equal(got, want);    /* new length in the pseudo header */
	assert_true(tg_ip_csum_ok(&pkt));
	/* What a NIC then completes is a valid checksum. */
	memset(pkt.data + 36, 0, 2);
	want = csum_fold(csum_partial(pkt.data + 20, 24, sum));
	memcpy(pkt.data + 36, &want, 2);
	csums_ok();
}

static void test_bad(void **state)
{
	static const uint8_t zero_len[] = { 3, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t mss1460[] = { 2, 4, 0x05, 0xb4 };
	uint8_t before[64];
	uint16_t c;

	/* A zero-length option still makes progress; MSS appended. */
	syn(zero_len, sizeof(zero_len), 0);
	assert_int_equal(run_tg("-p tcp -j TCPMSS --set-mss 100", NULL),
			 XT_CONTINUE);
	assert_int_equal(pkt.len, 52);
	assert_int_equal(mss_at(22), 100);
	csums_ok();

	/* A later fragment: no TCP header, left alone. */
	syn(mss1460, 4, 0);
	pkt.data[6] = 0x00, pkt.data[7] = 0x10;
	memset(pkt.data + 10, 0, 2);
	c = ip_fast_csum(pkt.data, 5);
	memcpy(pkt.data + 10, &c, 2);
	memcpy(before, pkt.data, pkt.len);
	assert_int_equal(run_tg("-p tcp -j TCPMSS --set-mss 100", NULL),
			 XT_CONTINUE);
	assert_memory_equal(before, pkt.data, 44);

	/* Headers cut short: dropped, as the kernel's NF_DROP. */
	syn(mss1460, 4, 0);
	pkt.data[32] = 0xf0;     /* doff 15: 60 bytes, 24 present */
	assert_int_equal(run_tg("-p tcp -j TCPMSS --set-mss 100", NULL),
			 NS_DROP);
	syn(mss1460, 4, 0);
	pkt.data[32] = 0x40;     /* doff 4: below 20 bytes */
	assert_int_equal(run_tg("-p tcp -j TCPMSS --set-mss 100", NULL),
			 NS_DROP);
	syn(NULL, 0, 0);
	pkt.data[3] = 30;        /* IP length: 10 bytes of TCP */
	c = 0;
	memcpy(pkt.data + 10, &c, 2);
	c = ip_fast_csum(pkt.data, 5);
	memcpy(pkt.data + 10, &c, 2);
	pkt.len = 30;
	assert_int_equal(run_tg("-p tcp -j TCPMSS --set-mss 100", NULL),
			 NS_DROP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_print),
		cmocka_unit_test(test_errors),
		cmocka_unit_test_setup_teardown(test_check, setup, teardown),
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_insert),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests_name("target_tcpmss", tests, NULL,
					   NULL);
}
