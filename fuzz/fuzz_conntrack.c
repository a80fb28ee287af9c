// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the conntrack tool's argument parser and commands
 * (list, get, delete, create, update, flush, count, stats) against a net
 * with tracking on and a few entries. The input is an argument vector
 * separated by NUL or newline bytes, run as `conntrack ARGS`; the net is
 * recreated every 512 inputs. Any crash or sanitizer report is a bug.
 */
#include "common.h"

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
	if (!net || ++runs % 512 == 0) {
		ns_net_destroy(net);
		net = make_net();
	}
	fuzz_exec_argv(net, "conntrack", data, size);
	return 0;
}
