// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the iptables-restore file parser. The input is the
 * restore text, fed as stdin to `iptables-restore` (with --noflush on odd
 * first bytes) against a net recreated every 512 inputs. Any crash or
 * sanitizer report is a bug.
 */
#include "common.h"

#include "ctl/ctl.h"

#include <stdint.h>
#include <string.h>

static struct net *net;
static unsigned runs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	char *argv[] = { "iptables-restore", "--noflush", NULL };
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	int argc = (size && (data[0] & 1)) ? 2 : 1;

	if (!net || ++runs % 512 == 0) {
		ns_net_destroy(net);
		net = fuzz_net_create(0);
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (argc == 1)
		argv[1] = NULL;
	ctl_exec_argv(net, argc, argv, text, &out, &err);
	sbuf_free(&out);
	sbuf_free(&err);
	free(text);
	return 0;
}
