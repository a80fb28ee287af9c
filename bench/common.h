/* SPDX-License-Identifier: MIT */
/*
 * What the engine benchmarks share: a monotonic clock in seconds, the
 * 60-byte UDP frame they push (64 on the wire with the FCS), and running
 * a command line with its error printed. Benchmark code, one thread.
 */
#ifndef NS_BENCH_COMMON_H
#define NS_BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/sbuf.h"
#include "ctl/ctl.h"

static inline double bench_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline uint16_t bench_csum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * UDP src:sport -> dst:dport (addresses in network order, ports in host
 * order) from 02:00:00:00:01:01 to dmac, 18 bytes of zeros, no UDP
 * checksum, in 60 bytes at f. Returns 60.
 */
static inline size_t bench_udp_frame(uint8_t *f, uint32_t src, uint32_t dst,
				     uint16_t sport, uint16_t dport,
				     const uint8_t *dmac)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	uint16_t c;

	memset(f, 0, 60);
	memcpy(f, dmac, 6);
	memcpy(f + 6, "\x02\0\0\0\x01\x01", 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = 46;            /* total length: 20 + 8 + 18 */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	c = bench_csum16(ip, 20, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[5] = 26;
	return 60;
}

/* Run a command line (input: its standard input, or NULL); 0 or its
 * exit code, with the error printed. */
static inline int bench_run(struct net *net, const char *line,
			    const char *input)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	int rc = ctl_exec_line(net, line, input, &out, &err);

	if (rc)
		fprintf(stderr, "bench: '%s' failed (%d): %s", line, rc,
			sbuf_str(&err));
	sbuf_free(&out);
	sbuf_free(&err);
	return rc;
}

/* The process's resident memory in KiB (/proc/self/statm). */
static inline long bench_rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

#endif
