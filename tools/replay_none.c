// SPDX-License-Identifier: MIT
/*
 * `netsieve replay` in a build without libpcap (meson -Dpcap=disabled):
 * says so and exits 2, as for any unusable option.
 */
#include "tools/tools.h"

#include <stdio.h>

int tool_replay_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "netsieve replay: not supported in this build "
		"(built without libpcap: meson -Dpcap=enabled)\n");
	return 2;
}
