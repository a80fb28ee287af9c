/* SPDX-License-Identifier: MIT */
/* Entry points of the multi-call binary's sub-commands. */
#ifndef NS_TOOLS_TOOLS_H
#define NS_TOOLS_TOOLS_H

/* argv[0] is the sub-command name ("daemon", "replay", "iptables"). */
int tool_daemon_main(int argc, char **argv);
int tool_replay_main(int argc, char **argv);
/* In-process command lines against one stack (tools/shell.c). */
int tool_shell_main(int argc, char **argv);
/* A tool run against the daemon over its control socket. */
int tool_client_main(int argc, char **argv);

#endif
