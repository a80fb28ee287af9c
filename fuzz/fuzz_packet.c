// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the packet path. Each input is one frame; its first
 * byte picks the receiving interface and how far the clock moves. The
 * frame goes through parsing, ARP, the hooks and every table, routing,
 * local delivery and forwarding. Any crash, sanitizer report or leaked
 * packet buffer is a bug.
 */
#include "common.h"

#include <stdint.h>

static struct net *net;
static uint64_t now;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	net = fuzz_net_create(1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	now += (uint64_t)(data[0] >> 1) * 1000000ull;
	ns_inject(net, (data[0] & 1) ? "eth1" : "eth0", data + 1, size - 1,
		  now);
	return 0;
}
