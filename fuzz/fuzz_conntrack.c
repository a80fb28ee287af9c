// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the conntrack tool's argument parser and commands
 * (list, get, delete, create, update, flush, count, stats) against a net
 * with tracking on and a few entries. The input is an argument vector
 * separated by NUL or newline bytes, run as `conntrack ARGS`; the net is
 * recreated every 512 inputs. Any crash or sanitizer report is a bug.
 */
#include "common.h"

#include "ctl/ctl.h"

#include <stdint.h>
#include <string.h>

#define MAX_ARGS 64

static struct net *net;
static unsigned runs;

static struct net *make_net(void)
{
	static const char *const entries[] = {
		"conntrack -I -p tcp -s 10.0.1.2 -d 10.0.2.2 --sport 1000 "
		"--dport 80 --state ESTABLISHED -t 100 -u ASSURED",
		"conntrack -I -p udp -s 10.0.1.3 -d 10.0.2.2 --sport 53 "
		"--dport 53 -t 30",
		"conntrack -I -p icmp -s 10.0.1.2 -d 10.0.2.2 --icmp-type 8 "
		"--icmp-code 0 --icmp-id 7 -t 30",
		NULL,
	};
	struct net *n = fuzz_net_create(0);

	for (int i = 0; entries[i]; i++) {
		char *out = NULL, *err = NULL;

		ns_exec(n, entries[i], &out, &err);
		free(out);
		free(err);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[MAX_ARGS + 2];
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	int argc = 0;
	size_t i, start = 0;

	if (!net || ++runs % 512 == 0) {
		ns_net_destroy(net);
		net = make_net();
	}
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "conntrack";
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
