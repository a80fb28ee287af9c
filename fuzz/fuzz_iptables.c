// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the iptables argument parser and command semantics.
 * The input is an argument vector separated by NUL or newline bytes, run
 * as `iptables ARGS` against a net that is recreated every 512 inputs (so
 * rules do not pile up). Any crash or sanitizer report is a bug.
 */
#include "common.h"

#include "ctl/ctl.h"

#include <stdint.h>
#include <string.h>

#define MAX_ARGS 64

static struct net *net;
static unsigned runs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[MAX_ARGS + 2];
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	int argc = 0;
	size_t i, start = 0;

	if (!net || ++runs % 512 == 0) {
		ns_net_destroy(net);
		net = fuzz_net_create(0);
	}
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "iptables";
	for (i = 0; i <= size && argc < MAX_ARGS; i++) {
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
	return 0;
}
