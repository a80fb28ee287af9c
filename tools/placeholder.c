// SPDX-License-Identifier: MIT
/* PLACEHOLDER until daemon/replay/client land. */
#include "tools/tools.h"
#include <stdio.h>
int tool_daemon_main(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "netsieve: daemon not supported yet\n"); return 1; }
int tool_client_main(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "netsieve: tools not supported yet\n"); return 1; }
