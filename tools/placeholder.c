// SPDX-License-Identifier: MIT
/* PLACEHOLDER until replay lands (daemon and client: tools/daemon.c, client.c). */
#include "tools/tools.h"
#include <stdio.h>
int tool_replay_main(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "netsieve: replay not supported yet\n"); return 1; }
