// SPDX-License-Identifier: MIT
/*
 * `netsieve daemon`: the live gateway. Parses its options, runs the
 * start-up file through the command language, starts the data-path
 * workers (src/core/worker.c; --workers N, one per CPU by default) and
 * serves the control socket on the main thread until SIGTERM/SIGINT,
 * then stops the workers cleanly; SIGHUP reopens the log file (the log
 * sinks are in tools/daemon_log.c). No packet handling here.
 */
#include "tools/tools.h"
#include "tools/daemon_log.h"
#include "tools/sd_notify.h"

#include "base/rcu.h"
#include "base/sbuf.h"
#include "core/net.h"
#include "ctl/ctl.h"
#include "ctl/server.h"
#include "io/io.h"
#include "stack/stack.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

struct daemon {
	struct net *net;
	struct daemon_log log;
};

/* After every command: workers re-read their queues (new interfaces). */
static void wake_workers(void *priv)
{
	struct daemon *d = priv;

	net_workers_kick(d->net);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netsieve daemon [--config FILE] [--socket PATH] "
		"[--log FILE | --syslog]\n"
		"                       [--workers N] [--seed N] [--foreground]\n"
		"  --config FILE   start-up file in the command language\n"
		"  --socket PATH   control socket (default $NETSIEVE_SOCKET or "
		CTL_SOCKET_DEFAULT ")\n"
		"  --log FILE      append the log (LOG, TRACE lines) there; "
		"SIGHUP reopens it\n"
		"  --syslog        log to syslog (facility daemon) instead\n"
		"  --workers N     data-path threads, 1-%d (default: one per "
		"online CPU)\n"
		"  --seed N        seed of every random choice (conntrack's "
		"hash key,\n"
		"                  NAT port offsets); default: random\n"
		"  --foreground    do not detach; stop with SIGTERM or "
		"SIGINT\n"
		"Without --log or --syslog the log goes to stderr, with "
		"\"<N>\" level prefixes\n"
		"when stderr is the systemd journal ($JOURNAL_STREAM). "
		"See netsieve(8).\n", NS_MAX_WORKERS);
}

/*
 * Detach: the parent waits until the child reports that it is serving (a
 * byte 0 on the pipe) or failed (1, or the pipe closing), and exits with
 * that status, so `netsieve daemon` returns once the socket is ready.
 */
static int detach(int *notify_fd)
{
	int p[2];
	pid_t pid;
	char st = 1;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &st, 1) != 1)
			st = 1;
		_exit(st ? 1 : 0);
	}
	close(p[0]);
	setsid();
	*notify_fd = p[1];
	return 0;
}

static void notify_parent(int *fd, char st)
{
	if (*fd < 0)
		return;
	if (write(*fd, &st, 1) < 0)
		st = 1;
	close(*fd);
	*fd = -1;
}

/* Run the start-up file; print what it printed. Returns its exit code. */
static int run_config(struct net *net, const char *path)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	int rc;

	rc = ctl_exec_file(net, path, &out, &err);
	fputs(sbuf_str(&out), stdout);
	fputs(sbuf_str(&err), stderr);
	fflush(stdout);
	sbuf_free(&out);
	sbuf_free(&err);
	return rc;
}

/*
 * Serve the control socket until SIGTERM or SIGINT. SIGHUP reopens the log
 * file (after logrotate moved it) and serving goes on. Returns 0, or a
 * negative errno if the control loop failed.
 */
static int serve(struct daemon *d, struct ctl_server *srv, int sig_fd)
{
	struct signalfd_siginfo si;
	int e;

	for (;;) {
		e = ctl_server_run(srv, sig_fd);
		if (e)
			return e;
		if (read(sig_fd, &si, sizeof(si)) != sizeof(si)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return 0;
		}
		if (si.ssi_signo != SIGHUP)
			return 0;
		e = daemon_log_reopen(&d->log);
		if (e)
			ns_log(&d->net->log, NS_LOG_ERR,
			       "netsieve: SIGHUP: cannot reopen %s: %s; "
			       "still logging to the old file", d->log.path,
			       strerror(-e));
		else
			ns_log(&d->net->log, NS_LOG_INFO,
			       "netsieve: SIGHUP: log reopened");
	}
}

int tool_daemon_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'l' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "workers", required_argument, NULL, 'w' },
		{ "seed", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *sock = NULL, *logpath = NULL;
	struct ctl_server *srv = NULL;
	struct sbuf err = SBUF_INIT;
	struct daemon d = { .log.fd = 2 };
	bool foreground = false, use_syslog = false;
	char where[PATH_MAX + 16];
	int notify_fd = -1, sig_fd, c, e, rc = 1, nworkers;
	unsigned long long seed = 0;
	bool have_seed = false;
	long ncpu;
	char *end;
	sigset_t sigs;

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	nworkers = ncpu < 1 ? 1 : ncpu > NS_MAX_WORKERS ? NS_MAX_WORKERS :
		   (int)ncpu;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:s:l:fhw:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 's': sock = optarg; break;
		case 'l': logpath = optarg; break;
		case 'S': use_syslog = true; break;
		case 'f': foreground = true; break;
		case 'w':
			nworkers = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || nworkers < 1 ||
			    nworkers > NS_MAX_WORKERS) {
				fprintf(stderr, "netsieve daemon: --workers: "
					"\"%s\" is not a number from 1 to %d\n",
					optarg, NS_MAX_WORKERS);
				return 2;
			}
			break;
		case 'R':
			errno = 0;
			seed = strtoull(optarg, &end, 0);
			if (errno || *end || end == optarg || *optarg == '-') {
				fprintf(stderr, "netsieve daemon: --seed: "
					"\"%s\" is not a number\n", optarg);
				return 2;
			}
			have_seed = true;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netsieve daemon: unexpected argument \"%s\"\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	if (logpath && use_syslog) {
		fprintf(stderr, "netsieve daemon: --log and --syslog exclude "
			"each other\n");
		usage(stderr);
		return 2;
	}
	if (!sock)
		sock = getenv("NETSIEVE_SOCKET");
	if (!sock || !*sock)
		sock = CTL_SOCKET_DEFAULT;

	if (!foreground) {
		e = detach(&notify_fd);
		if (e) {
			fprintf(stderr, "netsieve daemon: fork: %s\n",
				strerror(-e));
			return 1;
		}
	}
	/*
	 * Signals arrive on a signalfd the control loop polls (blocked, not
	 * ignored: an ignored signal never reaches the signalfd). The
	 * workers inherit the mask.
	 */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sig_fd < 0) {
		perror("netsieve daemon: signalfd");
		goto out_notify;
	}
	e = daemon_log_open(&d.log, logpath, use_syslog);
	if (e) {
		fprintf(stderr, "netsieve daemon: %s: %s\n", logpath,
			strerror(-e));
		goto out_close_sig;
	}
	e = ns_net_create(&d.net);
	if (e) {
		fprintf(stderr,
			"netsieve daemon: cannot create the stack: %s\n",
			strerror(-e));
		goto out_close_log;
	}
	if (have_seed)
		ns_net_set_seed(d.net, seed);
	d.net->log.write = daemon_log_write;
	d.net->log.priv = &d.log;
	/* Before the start-up file creates interfaces: one queue each. */
	e = net_workers_prepare(d.net, nworkers);
	if (e) {
		fprintf(stderr, "netsieve daemon: workers: %s\n", strerror(-e));
		goto out_destroy_net;
	}
	if (config && run_config(d.net, config)) {
		fprintf(stderr, "netsieve daemon: start-up file %s failed\n",
			config);
		goto out_destroy_net;
	}
	e = ctl_server_create(d.net, sock, wake_workers, &d, &srv, &err);
	if (e) {
		fputs(sbuf_str(&err), stderr);
		goto out_destroy_net;
	}
	e = net_workers_start(d.net);
	if (e) {
		fprintf(stderr, "netsieve daemon: worker threads: %s\n",
			strerror(-e));
		goto out_destroy_srv;
	}
	daemon_log_describe(&d.log, where, sizeof(where));
	ns_log(&d.net->log, NS_LOG_INFO,
	       "netsieve: daemon ready, %d interface(s), %d worker(s), "
	       "control socket %s, log to %s", stack_dev_count(d.net),
	       nworkers, sock, where);
	if (notify_fd >= 0) {
		/*
		 * Detached: hold none of the caller's terminal or pipes
		 * (a `$(netsieve daemon)` would otherwise wait for us).
		 * Without --log or --syslog, LOG lines are discarded from
		 * here on.
		 */
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			if (null > 2)
				close(null);
		}
		notify_parent(&notify_fd, 0);
	}

	/* Type=notify under systemd: ready now that the socket serves. */
	daemon_sd_notify("READY=1");
	e = serve(&d, srv, sig_fd);
	daemon_sd_notify("STOPPING=1");
	rc = e ? 1 : 0;
	if (e)
		fprintf(stderr, "netsieve daemon: control loop: %s\n",
			strerror(-e));
	ns_log(&d.net->log, NS_LOG_INFO, "netsieve: daemon stopping");

	net_workers_stop(d.net);
out_destroy_srv:
	ctl_server_destroy(srv);
out_destroy_net:
	ns_net_destroy(d.net);
out_close_log:
	daemon_log_close(&d.log);
out_close_sig:
	close(sig_fd);
out_notify:
	notify_parent(&notify_fd, 1);
	sbuf_free(&err);
	return rc;
}
