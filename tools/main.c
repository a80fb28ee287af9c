// SPDX-License-Identifier: MIT
/*
 * The multi-call binary. Called as `netsieve TOOL ...` or through a link
 * named after the tool (iptables, iptables-save, iptables-restore, ip,
 * sysctl, conntrack, ipvsadm, ipvsadm-save, ipvsadm-restore). Turns argv into control operations; contains no engine logic.
 * `--version`, `help [COMMAND]` and every sub-command's `-h` answer here or
 * in-process, so they work without a daemon and without root. Tool code,
 * control path.
 */
#include "tools/tools.h"

#include "base/sbuf.h"
#include "ctl/ctl.h"

#include <netsieve/netsieve.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#ifndef NETSIEVE_VERSION
#define NETSIEVE_VERSION "unknown"
#endif

static const char *base(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netsieve COMMAND [ARGS]\n"
		"  daemon [--config FILE] [--socket PATH] [--log FILE | --syslog]\n"
		"         [--foreground]  run the gateway (doc/daemon.md)\n"
		"  replay --setup FILE --in IF=IN.pcap ... --out IF=OUT.pcap ...\n"
		"  shell [-x] [-f FILE]   run command lines in-process\n"
		"  iptables | iptables-save | iptables-restore ARGS\n"
		"  ip addr|route|neigh|link ARGS\n"
		"  sysctl [-w] NAME[=VALUE]\n"
		"  conntrack -L|-G|-D|-I|-U|-E|-F|-C|-S ARGS  (conntrack(8) 1.4.7)\n"
		"  ipvsadm | ipvsadm-save | ipvsadm-restore ARGS  (ipvsadm 1.31)\n"
		"  lb explain ARGS        which real server and why; what a "
		"change would do\n"
		"  stats                  interface and drop counters\n"
		"  help [COMMAND]         this text, or COMMAND's own help\n"
		"  --version, -V          print the version\n"
		"The tools and stats talk to the daemon at --socket PATH "
		"(before the tool),\n$NETSIEVE_SOCKET or "
		"/run/netsieve/netsieve.sock; exit 4 if it is unreachable.\n"
		"See netsieve(8).\n");
}

static bool is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

/* Tools of the command language: their help comes from the engine. */
static bool is_ctl_tool(const char *t)
{
	static const char *const tools[] = {
		"iptables", "iptables-restore", "iptables-legacy",
		"iptables-legacy-restore", "stats", "conntrack", "lb",
		"ipvsadm", "ipvsadm-save", "ipvsadm-restore",
	};
	size_t i;

	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!strcmp(t, tools[i]))
			return true;
	return false;
}

/*
 * Run `TOOL -h` against a throw-away in-process stack: the text is the one
 * the daemon would send back, but no daemon (and no root) is needed.
 */
static int ctl_help(const char *tool)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	char a0[32], a1[] = "-h";
	char *argv[] = { a0, a1, NULL };
	struct net *net;
	int rc;

	snprintf(a0, sizeof(a0), "%s", tool);
	rc = ns_net_create(&net);
	if (rc) {
		fprintf(stderr, "netsieve: cannot create a stack for the "
			"help text: %s\n", strerror(-rc));
		return 1;
	}
	rc = ctl_exec_argv(net, 2, argv, NULL, &out, &err);
	fputs(sbuf_str(&out), stdout);
	fputs(sbuf_str(&err), stderr);
	sbuf_free(&out);
	sbuf_free(&err);
	ns_net_destroy(net);
	return rc;
}

/*
 * ip and sysctl have no help option of their own here (iproute2's `ip -h`
 * means -human); say which part of them netsieve implements.
 */
static void ip_usage(void)
{
	fputs("usage: netsieve ip OBJECT COMMAND ...  (the iproute2 subset "
	      "netsieve implements)\n"
	      "  ip link add NAME type afpacket dev KDEV [rx ring|mmsg] "
	      "[tx ring|mmsg|single] [qdisc-bypass on|off]\n"
	      "               | afxdp dev KDEV [xdp-mode auto|drv|skb] "
	      "[zerocopy auto|on|off] | tap [name TAP] | dummy\n"
	      "  ip link set NAME up|down|address LLADDR ...; ip link del "
	      "NAME; ip link show\n"
	      "  ip addr add|del PREFIX dev NAME; ip addr flush|show "
	      "[dev NAME]\n"
	      "  ip route add|replace|del|get|flush|show ...\n"
	      "  ip neigh add|replace|change|del|show|flush ADDR lladdr "
	      "LLADDR dev NAME [nud permanent]\n",
	      stdout);
}

/* iptables-save has no help option: its synopsis, as iptables-save(8). */
static void save_usage(const char *tool)
{
	printf("usage: netsieve %s [-M modprobe] [-c] [-t table] "
	       "[-f filename]\n"
	       "  -c  include packet and byte counters\n"
	       "  -t  only this table (default: every table in use)\n"
	       "  -f  write to filename instead of standard output\n",
	       tool);
}

static void sysctl_usage(void)
{
	fputs("usage: netsieve sysctl [-n] [-q] [-e] [-w] NAME[=VALUE] ... | -a | "
	      "-p [FILE]\n"
	      "  net.ipv4.* and net.ipv4.conf.IFACE.* keys of the netsieve "
	      "stack\n", stdout);
}

/* `netsieve help [COMMAND]`. */
static int help(int argc, char **argv)
{
	char a1[] = "-h";
	char *av[] = { argv[1], a1, NULL };
	const char *cmd;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	cmd = argv[1];
	if (argc > 2) {
		fprintf(stderr, "usage: netsieve help [COMMAND]\n");
		return 2;
	}
	if (!strcmp(cmd, "daemon"))
		return tool_daemon_main(2, av);
	if (!strcmp(cmd, "replay"))
		return tool_replay_main(2, av);
	if (!strcmp(cmd, "shell"))
		return tool_shell_main(2, av);
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (is_ctl_tool(cmd))
		return ctl_help(cmd);
	if (!strcmp(cmd, "iptables-save") ||
	    !strcmp(cmd, "iptables-legacy-save")) {
		save_usage(cmd);
		return 0;
	}
	if (!strcmp(cmd, "ip")) {
		ip_usage();
		return 0;
	}
	if (!strcmp(cmd, "sysctl")) {
		sysctl_usage();
		return 0;
	}
	fprintf(stderr, "netsieve help: unknown command \"%s\"\n", cmd);
	usage(stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *me = base(argv[0]);
	int i;

	if (strcmp(me, "netsieve") != 0 && strncmp(me, "netsieve", 8) != 0)
		return tool_client_main(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("netsieve %s\n", NETSIEVE_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "daemon"))
		return tool_daemon_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "shell"))
		return tool_shell_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "replay"))
		return tool_replay_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "stats")) {
		/* Its usage needs no daemon. */
		for (i = 2; i < argc; i++)
			if (is_help(argv[i]))
				return ctl_help("stats");
	}
	return tool_client_main(argc - 1, argv + 1);
}
