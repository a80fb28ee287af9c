// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the ipvsadm tool's option parser (popt's rules as
 * ipvsadm uses them), its checks and commands, the listings and -R's
 * reading of its input, against a net with a few services and real
 * servers. The input is an argument vector separated by NUL or newline
 * bytes, run as `ipvsadm ARGS`; after a form feed ('\f'), the rest is
 * the tool's input (what -R reads). The net is recreated every 512
 * inputs. Any crash or sanitizer report is a bug.
 */
#include "common.h"

static struct net *net;
static unsigned runs;

static struct net *make_net(void)
{
	static const char *const setup[] = {
		"ipvsadm -A -t 10.0.2.100:80 -s rr",
		"ipvsadm -a -t 10.0.2.100:80 -r 10.0.2.2:8080 -m -w 2",
		"ipvsadm -a -t 10.0.2.100:80 -r 10.0.2.3 -g -x 10 -y 5",
		"ipvsadm -A -u 10.0.2.100:53 -s sh -b sh-port -p 60",
		"ipvsadm -A -f 7 -s wlc",
		"ipvsadm -a -f 7 -r 10.0.2.4 -i",
		NULL,
	};
	struct net *n = fuzz_net_create(0);

	for (int i = 0; setup[i]; i++) {
		char *out = NULL, *err = NULL;

		ns_exec(n, setup[i], &out, &err);
		free(out);
		free(err);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	char *buf, *input = NULL, *argv[FUZZ_MAX_ARGS + 2];
	size_t i, start = 0, n = size;
	int argc = 0;

	if (!net || ++runs % 512 == 0) {
		ns_net_destroy(net);
		net = make_net();
	}
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0; i < size; i++) {
		if (buf[i] == '\f') {
			buf[i] = '\0';
			input = buf + i + 1;
			n = i;
			break;
		}
	}
	argv[argc++] = (char *)"ipvsadm";
	for (i = 0; i <= n && argc < FUZZ_MAX_ARGS; i++) {
		if (i == n || buf[i] == '\0' || buf[i] == '\n') {
			buf[i] = '\0';
			argv[argc++] = buf + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	ctl_exec_argv(net, argc, argv, input, &out, &err);
	sbuf_free(&out);
	sbuf_free(&err);
	free(buf);
	return 0;
}
