// SPDX-License-Identifier: MIT
/*
 * `netsieve daemon`: the live gateway. Runs the start-up file through the
 * command language, serves the control socket on the main thread (control
 * path) and moves packets on ONE worker thread (data path): poll the
 * interfaces' fds, receive a burst from each ready one, run it through the
 * stack under net->stack_lock, advance the clock, run the stack's timers,
 * and pass an RCU quiescent point between bursts. The worker goes RCU
 * offline while it sleeps in poll(), so a control-path grace period never
 * waits on an idle data path. SIGTERM/SIGINT stop both threads cleanly;
 * SIGHUP reopens the log file (tools/daemon_log.c has the log sinks).
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

#define WORKER_BURST 32
#define WORKER_IDLE_MS 20       /* timer tick when no packet arrives */
#define WORKER_SPIN_MAX 1000    /* empty wake-ups before backing off */

struct daemon {
	struct net *net;
	struct daemon_log log;
	int wake_fd;            /* eventfd: a command ran, or stop */
	atomic_bool stop;
	pthread_t worker;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void wake_worker(void *priv)
{
	struct daemon *d = priv;
	uint64_t one = 1;

	if (write(d->wake_fd, &one, sizeof(one)) < 0)
		return; /* counter saturated: the worker wakes anyway */
}

/*
 * Collect the rx fds of every interface under stack_lock. ifx[] remembers
 * which ifindex each fd belonged to, so a device deleted or replaced while
 * we slept is recognised after poll().
 */
static int collect_fds(struct net *net, struct pollfd *pfd, int *ifx)
{
	int i, n = 0;

	pthread_mutex_lock(&net->stack_lock);
	for (i = 1; i < NS_MAX_DEVS; i++) {
		struct netdev *dev = net->devs[i];
		int fd;

		if (!dev || !dev->io || !dev->io->fd || !dev->io->rx_burst)
			continue;
		fd = dev->io->fd(dev);
		if (fd < 0)
			continue;
		pfd[n].fd = fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		ifx[n++] = i;
	}
	pthread_mutex_unlock(&net->stack_lock);
	return n;
}

/*
 * One round: a burst from every ready interface, each packet through the
 * stack, then the timers. The caller holds stack_lock. Returns the number
 * of packets and sets *more when a burst came back full.
 */
static int worker_round(struct net *net, const struct pollfd *pfd,
			const int *ifx, int n, bool *more)
{
	struct pkt *pkts[WORKER_BURST];
	uint64_t now;
	int i, j, total = 0;

	*more = false;
	now = mono_ns();
	if (now > net->now_ns)
		net->now_ns = now;
	for (i = 0; i < n; i++) {
		struct netdev *dev;
		int got;

		if (!(pfd[i].revents & (POLLIN | POLLERR)))
			continue;
		dev = net->devs[ifx[i]];
		if (!dev || !dev->io || !dev->io->rx_burst ||
		    dev->io->fd(dev) != pfd[i].fd)
			continue;       /* changed while we slept */
		got = dev->io->rx_burst(dev, &net->pool, pkts, WORKER_BURST);
		if (got == WORKER_BURST)
			*more = true;
		for (j = 0; j < got; j++) {
			struct pkt *pkt = pkts[j];

			pkt->tstamp_ns = net->now_ns;
			pkt->id = ++net->pkt_seq;
			stack_rcv(net, dev, pkt);
		}
		total += got;
	}
	stack_timers(net);
	return total;
}

static void *worker_main(void *arg)
{
	struct daemon *d = arg;
	struct net *net = d->net;
	struct pollfd pfd[NS_MAX_DEVS + 1];
	int ifx[NS_MAX_DEVS + 1];
	unsigned spins = 0;
	bool more = false;

	ns_worker_id = 0;
	ns_rcu_register();
	while (!atomic_load(&d->stop)) {
		int n, pr, got;

		/*
		 * Offline (holding no RCU-protected pointer) while asleep in
		 * poll() and while waiting for stack_lock: a control-path
		 * grace period never waits for an idle worker, even one
		 * blocked on a lock the control path holds.
		 */
		ns_rcu_offline();
		n = collect_fds(net, pfd, ifx);
		pfd[n].fd = d->wake_fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		pr = poll(pfd, (nfds_t)n + 1, more ? 0 : WORKER_IDLE_MS);
		if (pr < 0 && errno != EINTR) {
			ns_log(&net->log, NS_LOG_ERR,
			       "netsieve: worker: poll: %s; data path stopped",
			       strerror(errno));
			break;
		}
		if (pr > 0 && pfd[n].revents) {
			uint64_t v;

			if (read(d->wake_fd, &v, sizeof(v)) < 0)
				v = 0;
		}
		pthread_mutex_lock(&net->stack_lock);
		ns_rcu_online();
		got = worker_round(net, pfd, ifx, pr > 0 ? n : 0, &more);
		pthread_mutex_unlock(&net->stack_lock);
		ns_rcu_quiescent();

		/*
		 * An fd that keeps reporting readiness without yielding a
		 * packet (pool exhausted, a socket in error) must not spin
		 * the CPU: back off briefly.
		 */
		if (pr > 0 && !got && !pfd[n].revents) {
			if (++spins >= WORKER_SPIN_MAX) {
				ns_rcu_offline();
				poll(NULL, 0, 10);
				spins = 0;
			}
		} else {
			spins = 0;
		}
	}
	ns_rcu_offline();
	ns_rcu_unregister();
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netsieve daemon [--config FILE] [--socket PATH] "
		"[--log FILE | --syslog]\n"
		"                       [--foreground]\n"
		"  --config FILE   start-up file in the command language\n"
		"  --socket PATH   control socket (default $NETSIEVE_SOCKET or "
		CTL_SOCKET_DEFAULT ")\n"
		"  --log FILE      append the log (LOG, TRACE lines) there; "
		"SIGHUP reopens it\n"
		"  --syslog        log to syslog (facility daemon) instead\n"
		"  --foreground    do not detach; stop with SIGTERM or "
		"SIGINT\n"
		"Without --log or --syslog the log goes to stderr, with "
		"\"<N>\" level prefixes\n"
		"when stderr is the systemd journal ($JOURNAL_STREAM). "
		"See netsieve(8).\n");
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

static int count_devs(struct net *net)
{
	int i, n = 0;

	pthread_mutex_lock(&net->stack_lock);
	for (i = 1; i < NS_MAX_DEVS; i++)
		n += net->devs[i] != NULL;
	pthread_mutex_unlock(&net->stack_lock);
	return n;
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *sock = NULL, *logpath = NULL;
	struct ctl_server *srv = NULL;
	struct sbuf err = SBUF_INIT;
	struct daemon d = { .log.fd = 2, .wake_fd = -1 };
	bool foreground = false, use_syslog = false;
	char where[PATH_MAX + 16];
	int notify_fd = -1, sig_fd, c, e, rc = 1;
	sigset_t sigs;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:s:l:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 's': sock = optarg; break;
		case 'l': logpath = optarg; break;
		case 'S': use_syslog = true; break;
		case 'f': foreground = true; break;
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
	 * ignored: an ignored signal never reaches the signalfd).
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
	d.net->log.write = daemon_log_write;
	d.net->log.priv = &d.log;
	if (config && run_config(d.net, config)) {
		fprintf(stderr, "netsieve daemon: start-up file %s failed\n",
			config);
		goto out_destroy_net;
	}
	d.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d.wake_fd < 0) {
		perror("netsieve daemon: eventfd");
		goto out_destroy_net;
	}
	e = ctl_server_create(d.net, sock, wake_worker, &d, &srv, &err);
	if (e) {
		fputs(sbuf_str(&err), stderr);
		goto out_close_wake;
	}
	e = pthread_create(&d.worker, NULL, worker_main, &d);
	if (e) {
		fprintf(stderr, "netsieve daemon: worker thread: %s\n",
			strerror(e));
		goto out_destroy_srv;
	}
	daemon_log_describe(&d.log, where, sizeof(where));
	ns_log(&d.net->log, NS_LOG_INFO,
	       "netsieve: daemon ready, %d interface(s), control socket %s, "
	       "log to %s", count_devs(d.net), sock, where);
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

	atomic_store(&d.stop, true);
	wake_worker(&d);
	pthread_join(d.worker, NULL);
out_destroy_srv:
	ctl_server_destroy(srv);
out_close_wake:
	close(d.wake_fd);
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
