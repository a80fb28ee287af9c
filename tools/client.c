// SPDX-License-Identifier: MIT
/*
 * The tool client: `netsieve iptables ...` (or a link named iptables,
 * iptables-save, iptables-restore, ip, sysctl, and `netsieve stats`) sends
 * its argv, plus the rules text for iptables-restore (and the commands
 * of ipvsadm -R and ipvsadm-restore), to the daemon over
 * the control socket and prints the reply's stdout and stderr, exiting
 * with the reply's code. A command the daemon streams (conntrack -E) gets
 * event frames instead of a reply: their text is printed as it comes,
 * and SIGINT or SIGTERM ends it as they end conntrack -E, with its
 * summary on stderr and exit code 0. Contains no engine logic. The socket is
 * --socket PATH (before the tool name), $NETSIEVE_SOCKET, or the default.
 * When the daemon cannot be reached, the iptables tools run offline, in
 * a net of their own whose tables are refused (xt_net_deny()): help,
 * versions and parse errors as iptables prints them; a command that needs
 * the tables gets iptables' "Permission denied (you must be root)" when
 * the socket refused this user, or exit code 4 (iptables'
 * RESOURCE_PROBLEM) with the reason when no daemon listens.
 */
#include "tools/tools.h"

#include "ctl/ctl.h"
#include "ctl/proto.h"
#include "ctl/server.h"
#include "xt/xt.h"

#include <netsieve/netsieve.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CLIENT_EXIT_UNREACHABLE 4   /* iptables' RESOURCE_PROBLEM */
#define CLIENT_EXIT_TOO_BIG 4       /* the same: a limit was hit */
#define CLIENT_REPLY_TIMEOUT_MS (300 * 1000)
#define CLIENT_FRAME_TIMEOUT_MS (30 * 1000) /* within one event frame */
/* conntrack -E's closing words (1.4.7), to stderr. */
#define EVENTS_SUMMARY "conntrack v1.4.7 (conntrack-tools): %u flow events " \
	"have been shown.\n"

static const char *base(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

/* Read all of f into a malloc'd NUL-terminated buffer (capped). */
static int slurp(FILE *f, char **text, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		size_t r;

		if (n == cap) {
			char *nb;

			if (cap >= CTL_PROTO_MAX_BODY) {
				free(buf);
				return -E2BIG;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	/* A read error ends the input, as it ends iptables-restore's
	 * fgets() loop (a directory reads as empty). */
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		free(buf);
		return -EINVAL;
	}
	*text = buf;
	*len = n;
	return 0;
}

/*
 * The size of an input slurp() refused: the file's size, or for a pipe the
 * bytes read so far plus whatever is still to come (read and counted).
 */
static unsigned long long input_size(FILE *f)
{
	unsigned long long n = 0;
	struct stat st;
	char buf[65536];
	size_t r;

	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
		return (unsigned long long)st.st_size;
	n = CTL_PROTO_MAX_BODY;         /* what slurp() had read */
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		n += r;
	return n;
}

/* The words for a request over the protocol's cap. Returns the exit code. */
static int too_big(const char *tool, const char *what,
		   unsigned long long size)
{
	fprintf(stderr, "%s: ", tool);
	if (size > CTL_PROTO_MAX_BODY)
		fprintf(stderr, "%s is %llu bytes, larger than", what, size);
	else if (size)
		fprintf(stderr, "%s is %llu bytes; with the command it is "
			"larger than", what, size);
	else
		fprintf(stderr, "%s is larger than", what);
	fprintf(stderr, " the control protocol's limit of %u bytes (%u MiB); "
		"nothing was changed\n", CTL_PROTO_MAX_BODY,
		CTL_PROTO_MAX_BODY >> 20);
	return CLIENT_EXIT_TOO_BIG;
}

/* encode_request() said -E2BIG: name the cap that was hit. */
static int request_too_big(int argc, char **argv, const char *input)
{
	int i;

	if ((unsigned)argc > CTL_PROTO_MAX_ARGS) {
		fprintf(stderr, "%s: %d words, more than the control "
			"protocol's limit of %u; nothing was changed\n",
			argv[0], argc, CTL_PROTO_MAX_ARGS);
		return CLIENT_EXIT_TOO_BIG;
	}
	for (i = 0; i < argc; i++) {
		if (strlen(argv[i]) <= CTL_PROTO_MAX_ARG)
			continue;
		fprintf(stderr, "%s: argument %d is %zu bytes, more than the "
			"control protocol's limit of %u bytes; nothing was "
			"changed\n", argv[0], i, strlen(argv[i]),
			CTL_PROTO_MAX_ARG);
		return CLIENT_EXIT_TOO_BIG;
	}
	return too_big(argv[0], input ? "the command with its input" :
		       "the command", 0);
}

static bool is_restore(const char *tool)
{
	return !strcmp(tool, "iptables-restore") ||
	       !strcmp(tool, "iptables-legacy-restore");
}

/*
 * For iptables-restore: read the rules file its options name (the daemon
 * may not see the same files) and remove it from argv, or read stdin, or
 * nothing (-h, -V, options it will refuse). Returns 0 with *input set (or
 * NULL), or an exit code after printing why.
 */
static int restore_input(int *argc, char **argv, char **input, size_t *ilen)
{
	const char *file = NULL;
	int fidx, e;
	FILE *f;

	*input = NULL;
	*ilen = 0;
	fidx = xt_restore_file_arg(*argc, argv);
	if (fidx < 0)
		return 0;
	if (fidx > 0) {
		file = argv[fidx];
		f = fopen(file, "re");
		if (!f) {
			/* iptables-restore 1.8.9's words, without a prefix. */
			fprintf(stderr, "Can't open %s: %s\n", file,
				strerror(errno));
			return 1;
		}
	} else {
		f = stdin;
	}
	e = slurp(f, input, ilen);
	if (e == -E2BIG) {
		unsigned long long size = input_size(f);

		if (f != stdin)
			fclose(f);
		return too_big(base(argv[0]), "input", size);
	}
	if (f != stdin)
		fclose(f);
	if (e) {
		fprintf(stderr, "%s: cannot read %s: %s\n", base(argv[0]),
			file ? file : "standard input",
			e == -EINVAL ? "contains a NUL byte" : strerror(-e));
		return 1;
	}
	if (fidx > 0) {
		memmove(&argv[fidx], &argv[fidx + 1],
			(size_t)(*argc - fidx) * sizeof(char *));
		(*argc)--;
	}
	return 0;
}

/*
 * ipvsadm -R (--restore, or a cluster such as -Rn as its first option)
 * and ipvsadm-restore read their commands from stdin: send it along.
 */
static bool ipvsadm_reads_stdin(int argc, char **argv)
{
	int i;

	if (!strcmp(argv[0], "ipvsadm-restore"))
		return true;
	if (strcmp(argv[0], "ipvsadm"))
		return false;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1])
			continue;       /* popt sets words aside */
		if (!strcmp(a, "--"))
			return false;
		return !strcmp(a, "--restore") || a[1] == 'R';
	}
	return false;
}

static int ipvsadm_input(const char *tool, char **input, size_t *ilen)
{
	int e = slurp(stdin, input, ilen);

	if (e == -E2BIG)
		return too_big(tool, "input", input_size(stdin));
	if (e) {
		fprintf(stderr, "%s: cannot read standard input: %s\n", tool,
			e == -EINVAL ? "contains a NUL byte" : strerror(-e));
		return 1;
	}
	return 0;
}

static int unreachable(const char *path, const char *what)
{
	fprintf(stderr, "netsieve: cannot reach the daemon at %s: %s\n", path,
		what);
	return CLIENT_EXIT_UNREACHABLE;
}

/*
 * Print an event frame's texts. Returns the count shown so far, -1 for a
 * bad frame (*why set) or -2 when stdout failed (errno set).
 */
static long print_events(const uint8_t *frame, size_t len, FILE *out,
			 const char **why)
{
	struct ctl_events ev;
	long shown;

	if (ctl_proto_decode_events(frame, len, &ev, why))
		return -1;
	fwrite(ev.out, 1, ev.out_len, out);
	if (fflush(out) || ferror(out)) {
		int e = errno;

		ctl_events_free(&ev);
		errno = e;
		return -2;
	}
	fwrite(ev.err, 1, ev.err_len, stderr);
	shown = (long)ev.shown;
	ctl_events_free(&ev);
	return shown;
}

/*
 * The daemon streams (first is its first event frame, already read): print
 * frames until SIGINT/SIGTERM (the summary, exit 0, as conntrack -E) or
 * until the daemon goes away (exit 1). Returns the exit code.
 */
static int stream(const char *path, int fd, const uint8_t *first,
		  size_t flen, FILE *out)
{
	const char *why = NULL;
	uint32_t shown = 0;
	sigset_t set;
	long n;
	int sfd, e;

	/*
	 * Signals wait in a signalfd: a frame is never cut in two. Ignored
	 * ones (a shell's background job) are taken back, as conntrack's
	 * own handlers take them.
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return unreachable(path, strerror(errno));
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return unreachable(path, strerror(errno));
	n = print_events(first, flen, out, &why);
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = fd, .events = POLLIN },
		};
		uint8_t *frame = NULL;
		size_t len;

		if (n == -2) {
			/* A reader that left (| head): end as conntrack ends,
			 * by SIGPIPE, which the client otherwise ignores. */
			if (errno == EPIPE) {
				signal(SIGPIPE, SIG_DFL);
				raise(SIGPIPE);
			}
			fprintf(stderr, "netsieve: cannot write the events: "
				"%s\n", strerror(errno));
			e = 1;
			break;
		}
		if (n < 0) {
			e = unreachable(path, why);
			break;
		}
		shown = (uint32_t)n;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			e = unreachable(path, strerror(errno));
			break;
		}
		if (pfd[0].revents) {
			fflush(out);
			fprintf(stderr, EVENTS_SUMMARY, shown);
			e = 0;
			break;
		}
		e = ctl_proto_recv_frame(fd, CTL_PROTO_EVT_MAGIC,
					 CLIENT_FRAME_TIMEOUT_MS, &frame,
					 &len, &why);
		if (e == -ECONNRESET) {
			fprintf(stderr, "netsieve: the daemon at %s ended the "
				"event stream\n", path);
			e = 1;
			break;
		}
		if (e) {
			e = unreachable(path, why ? why : strerror(-e));
			break;
		}
		n = print_events(frame, len, out, &why);
		free(frame);
	}
	close(sfd);
	return e;
}

/*
 * Send one request and print the reply. Returns the exit code, or -1 with
 * *conn_err set when the daemon's socket could not be connected to.
 */
static int transact(const char *path, int argc, char **argv,
		    const char *input, size_t ilen, FILE *out, int *conn_err)
{
	struct sockaddr_un sun;
	struct ctl_reply rep;
	uint8_t *frame = NULL, *reply = NULL;
	size_t flen, rlen;
	const char *why = NULL;
	int fd, e, rc;

	e = ctl_proto_encode_request(argc, argv, input, ilen, &frame, &flen);
	if (e == -E2BIG)
		return request_too_big(argc, argv, input);
	if (e) {
		fprintf(stderr, "netsieve: cannot send this command: %s\n",
			"empty command name");
		return 2;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		free(frame);
		return unreachable(path, "socket path too long");
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		*conn_err = errno;
		rc = -1;
		goto out_close;
	}
	/* A daemon that rejects the request early still sends a reply. */
	(void)ctl_proto_write_all(fd, frame, flen);
	shutdown(fd, SHUT_WR);
	e = ctl_proto_recv_frame2(fd, CTL_PROTO_REP_MAGIC, CTL_PROTO_EVT_MAGIC,
				  CLIENT_REPLY_TIMEOUT_MS, &reply, &rlen,
				  &why);
	if (e) {
		rc = unreachable(path, why ? why : strerror(-e));
		goto out_close;
	}
	if (ctl_proto_frame_magic(reply) == CTL_PROTO_EVT_MAGIC) {
		rc = stream(path, fd, reply, rlen, out);
		goto out_close;
	}
	e = ctl_proto_decode_reply(reply, rlen, &rep, &why);
	if (e) {
		rc = unreachable(path, why);
		goto out_close;
	}
	fwrite(rep.out, 1, rep.out_len, out);
	fflush(out);
	fwrite(rep.err, 1, rep.err_len, stderr);
	rc = rep.code;
	ctl_reply_free(&rep);
out_close:
	if (fd >= 0)
		close(fd);
	free(reply);
	free(frame);
	return rc;
}

static bool is_save(const char *tool)
{
	return !strcmp(tool, "iptables-save") ||
	       !strcmp(tool, "iptables-legacy-save");
}

/*
 * iptables-save -f FILE: the files are the user's, so the client opens
 * them (each in turn, truncating it, as iptables-save does) and writes the
 * output into the last; the daemon gets the rest of argv. On success *av
 * is replaced by that argv (kept in *saved to be freed).
 */
static int save_files(int *argc, char ***av, char ***saved, FILE **out)
{
	char **rest, **files;
	int n, i;

	n = xt_save_take_files(*argc, *av, &rest, &files);
	if (n < 0) {
		fprintf(stderr, "netsieve: out of memory\n");
		return 4;
	}
	for (i = 0; files[i]; i++) {
		if (*out != stdout)
			fclose(*out);
		*out = fopen(files[i], "we");
		if (!*out) {
			/* iptables-save 1.8.9's words. */
			fprintf(stderr, "Failed to open file, error: %s\n",
				strerror(errno));
			*out = stdout;
			ctl_argv_free(rest);
			ctl_argv_free(files);
			return 1;
		}
	}
	ctl_argv_free(files);
	free(*av);
	*av = rest;
	*saved = rest;
	*argc = n;
	return 0;
}

static bool is_iptables_tool(const char *tool)
{
	static const char *const tools[] = {
		"iptables", "iptables-legacy", "iptables-save",
		"iptables-legacy-save", "iptables-restore",
		"iptables-legacy-restore",
	};
	size_t i;

	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!strcmp(tool, tools[i]))
			return true;
	return false;
}

/*
 * Run argv (an iptables tool) as the daemon would, but in a new empty net
 * whose tables are refused (EPERM): help, versions and the tool's own
 * parse errors come out as iptables prints them, and a command that would
 * reach the kernel fails as iptables fails for a user who is not root
 * (*kernel_used is then set). Returns the exit code, or -errno.
 */
static int exec_offline(int argc, char **argv, const char *input,
			bool *kernel_used, struct sbuf *out, struct sbuf *err)
{
	struct net *net;
	int rc;

	*kernel_used = false;
	rc = ns_net_create(&net);
	if (rc)
		return rc;
	xt_net_deny(net, EPERM);
	rc = ctl_exec_argv(net, argc, argv, input, out, err);
	*kernel_used = xt_net_kernel_used(net);
	ns_net_destroy(net);
	return rc;
}

/*
 * The daemon's socket could not be connected to (errno err): run the tool
 * offline. Refused by the socket's permissions, the user is told what
 * iptables tells a user who is not root; with no daemon listening, what
 * needs the tables ends with the reason and exit code 4.
 */
static int offline(const char *path, int err, int argc, char **argv,
		   const char *input, FILE *to)
{
	struct sbuf out = SBUF_INIT, errs = SBUF_INIT;
	bool denied = err == EACCES || err == EPERM, used;
	int rc;

	rc = exec_offline(argc, argv, input, &used, &out, &errs);
	if (rc < 0) {
		rc = unreachable(path, strerror(err));
	} else if (used && !denied) {
		rc = unreachable(path, strerror(err));
	} else {
		fputs(sbuf_str(&out), to);
		fflush(to);
		fputs(sbuf_str(&errs), stderr);
	}
	sbuf_free(&out);
	sbuf_free(&errs);
	return rc;
}

int tool_client_main(int argc, char **argv)
{
	const char *path = NULL;
	char *input = NULL;
	size_t ilen = 0;
	char **av, **saved = NULL;
	FILE *out = stdout;
	int rc, i, conn_err = 0;

	/* netsieve --socket PATH TOOL ... */
	while (argc > 0 && !strncmp(argv[0], "--socket", 8)) {
		if (argv[0][8] == '=') {
			path = argv[0] + 9;
			argc--, argv++;
		} else if (!argv[0][8] && argc > 1) {
			path = argv[1];
			argc -= 2, argv += 2;
		} else {
			break;
		}
	}
	if (argc < 1) {
		fprintf(stderr,
			"usage: netsieve [--socket PATH] TOOL [ARGS]\n");
		return 2;
	}
	if (!path)
		path = getenv("NETSIEVE_SOCKET");
	if (!path || !*path)
		path = CTL_SOCKET_DEFAULT;
	signal(SIGPIPE, SIG_IGN);

	/* A private argv: the tool's base name first, the file maybe gone. */
	av = calloc((size_t)argc + 1, sizeof(char *));
	if (!av) {
		fprintf(stderr, "netsieve: out of memory\n");
		return 4;
	}
	for (i = 0; i < argc; i++)
		av[i] = argv[i];
	av[0] = (char *)base(argv[0]);
	if (is_restore(av[0])) {
		rc = restore_input(&argc, av, &input, &ilen);
		if (rc)
			goto out_free;
	}
	if (ipvsadm_reads_stdin(argc, av)) {
		rc = ipvsadm_input(av[0], &input, &ilen);
		if (rc)
			goto out_free;
	}
	if (is_save(av[0])) {
		rc = save_files(&argc, &av, &saved, &out);
		if (rc)
			goto out_free;
	}
	rc = transact(path, argc, av, input, ilen, out, &conn_err);
	if (rc == -1 && is_iptables_tool(av[0]))
		rc = offline(path, conn_err, argc, av, input, out);
	else if (rc == -1)
		rc = unreachable(path, strerror(conn_err));
out_free:
	if (out != stdout && fclose(out))
		rc = rc ? rc : 1;
	if (saved)
		ctl_argv_free(saved);   /* it is av */
	else
		free(av);
	free(input);
	return rc;
}
