// SPDX-License-Identifier: MIT
/*
 * The multi-call binary. Called as `netsieve TOOL ...` or through a link
 * named after the tool (iptables, iptables-save, iptables-restore). Turns
 * argv into control operations; contains no engine logic.
 */
#include "tools/tools.h"

#include <stdio.h>
#include <string.h>

static const char *base(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netsieve COMMAND [ARGS]\n"
		"  daemon [--config FILE] [--socket PATH] [--log FILE] "
		"[--foreground]\n"
		"                         run the gateway (doc/daemon.md)\n"
		"  replay --setup FILE --in IF=IN.pcap ... --out IF=OUT.pcap ...\n"
		"  shell [-x] [-f FILE]   run command lines in-process\n"
		"  iptables | iptables-save | iptables-restore ARGS\n"
		"  ip addr|route|neigh|link ARGS\n"
		"  sysctl [-w] NAME[=VALUE]\n"
		"  stats                  interface and drop counters\n"
		"The tools and stats talk to the daemon at --socket PATH "
		"(before the tool),\n$NETSIEVE_SOCKET or "
		"/run/netsieve/netsieve.sock; exit 4 if it is unreachable.\n");
}

int main(int argc, char **argv)
{
	const char *me = base(argv[0]);

	if (strcmp(me, "netsieve") != 0 && strncmp(me, "netsieve", 8) != 0)
		return tool_client_main(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "daemon"))
		return tool_daemon_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "shell"))
		return tool_shell_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "replay"))
		return tool_replay_main(argc - 1, argv + 1);
	return tool_client_main(argc - 1, argv + 1);
}
