// SPDX-License-Identifier: MIT
/*
 * The "pcap" I/O backend: frames handed to tx land in the file with the
 * packet's timestamp (nanoseconds), in order, byte for byte; an empty
 * argument discards; a path that cannot be created fails open().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "io/io.h"
#include "pkt/pkt.h"
#include "core/netdev.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fill(struct pkt *p, uint8_t seed, uint32_t len, uint64_t ts)
{
	uint32_t i;

	memset(p, 0, sizeof(*p));
	p->data = p->buf + PKT_HEADROOM;
	for (i = 0; i < len; i++)
		p->data[i] = (uint8_t)(seed + i);
	p->len = len;
	p->has_l2 = true;
	p->tstamp_ns = ts;
}

static void test_writes_frames(void **state)
{
	const struct io_ops *io = io_lookup("pcap");
	char path[] = "/tmp/ns-io-pcap-XXXXXX";
	char errbuf[PCAP_ERRBUF_SIZE];
	static struct pkt p;
	struct pcap_pkthdr *h;
	struct netdev dev;
	const u_char *d;
	pcap_t *pc;
	int fd;

	(void)state;
	assert_non_null(io);
	assert_string_equal(io->kind, "pcap");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	memset(&dev, 0, sizeof(dev));
	assert_int_equal(io->open(&dev, path, 1), 0);
	fill(&p, 1, 60, 1700000000123456789ull);
	assert_int_equal(io->tx(&dev, &p), 0);
	fill(&p, 7, 1514, 1700000001000000001ull);
	assert_int_equal(io->tx(&dev, &p), 0);
	assert_int_equal(io->rx_burst(&dev, 0, NULL, NULL, 4), 0);
	assert_int_equal(io->fd(&dev, 0), -1);
	io->close(&dev);
	assert_null(dev.io_priv);

	pc = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	assert_non_null(pc);
	assert_int_equal(pcap_datalink(pc), DLT_EN10MB);
	assert_int_equal(pcap_next_ex(pc, &h, &d), 1);
	assert_int_equal(h->ts.tv_sec, 1700000000);
	assert_int_equal(h->ts.tv_usec, 123456789);
	assert_int_equal(h->caplen, 60);
	assert_int_equal(h->len, 60);
	assert_int_equal(d[0], 1);
	assert_int_equal(d[59], 60);
	assert_int_equal(pcap_next_ex(pc, &h, &d), 1);
	assert_int_equal(h->ts.tv_sec, 1700000001);
	assert_int_equal(h->ts.tv_usec, 1);
	assert_int_equal(h->caplen, 1514);
	assert_int_equal(d[1513], (uint8_t)(7 + 1513));
	assert_int_equal(pcap_next_ex(pc, &h, &d), PCAP_ERROR_BREAK);
	pcap_close(pc);
	unlink(path);
}

static void test_discard(void **state)
{
	const struct io_ops *io = io_lookup("pcap");
	static struct pkt p;
	struct netdev dev;

	(void)state;
	memset(&dev, 0, sizeof(dev));
	assert_int_equal(io->open(&dev, "", 1), 0);
	fill(&p, 0, 64, 5);
	assert_int_equal(io->tx(&dev, &p), 0);
	io->close(&dev);
	memset(&dev, 0, sizeof(dev));
	assert_int_equal(io->open(&dev, NULL, 1), 0);
	assert_int_equal(io->tx(&dev, &p), 0);
	io->close(&dev);
}

static void test_bad_path(void **state)
{
	const struct io_ops *io = io_lookup("pcap");
	struct netdev dev;

	(void)state;
	memset(&dev, 0, sizeof(dev));
	assert_int_equal(io->open(&dev, "/nonexistent-dir/x/out.pcap", 1), -EIO);
	assert_null(dev.io_priv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writes_frames),
		cmocka_unit_test(test_discard),
		cmocka_unit_test(test_bad_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
