// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the iptables argument parser and command semantics.
 * The input is an argument vector separated by NUL or newline bytes, run
 * as `iptables ARGS` against a net that is recreated every 512 inputs (so
 * rules do not pile up). Any crash or sanitizer report is a bug.
 */
#include "common.h"

static struct net *net;
static unsigned runs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!net || ++runs % 512 == 0) {
		ns_net_destroy(net);
		net = fuzz_net_create(0);
	}
	fuzz_exec_argv(net, "iptables", data, size);
	return 0;
}
