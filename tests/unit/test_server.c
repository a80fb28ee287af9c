// SPDX-License-Identifier: MIT
/*
 * The control socket server end to end over a real Unix socket in a
 * private temporary directory: permissions, valid requests, garbage,
 * oversized and truncated messages, stale and live sockets; and
 * conntrack -E's event streams: NEW, UPDATE and DESTROY of injected
 * packets arrive as event frames, a stream outlives the idle timeout and
 * ignores what its client sends, a client that leaves frees its
 * subscription, a client that does not read is told it lost events, and
 * streams are capped. The server runs in a thread; an eventfd stops it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/sbuf.h"
#include "core/net.h"
#include "ct/ct.h"
#include "ctl/proto.h"
#include "ctl/server.h"

#include "stack_harness.h"

#define NSEC 1000000000ull
#define IDLE_MS 300

static struct net *fx_net;   /* for inject() */

struct fixture {
	char dir[64];
	char path[128];
	struct net *net;
	struct ctl_server *srv;
	int stop_fd;
	pthread_t thread;
	int after;
};

static void after_cmd(void *priv)
{
	struct fixture *fx = priv;

	__atomic_add_fetch(&fx->after, 1, __ATOMIC_SEQ_CST);
}

static void *serve(void *arg)
{
	struct fixture *fx = arg;

	ctl_server_run(fx->srv, fx->stop_fd);
	return NULL;
}

/* A router with two ports and connection tracking, for the streams. */
static int make_router(struct net *net)
{
	static const char *const cmds[] = {
		"ip link set ra address 02:00:00:00:00:01",
		"ip link set rb address 02:00:00:00:00:01",
		"ip link set ra up", "ip link set rb up",
		"ip addr add 10.1.0.1/24 dev ra",
		"ip addr add 10.2.0.1/24 dev rb",
		"ip neigh add 10.2.0.2 lladdr 02:00:00:00:02:02 dev rb nud "
		"permanent",
		"ip neigh add 10.1.0.2 lladdr 02:00:00:00:01:02 dev ra nud "
		"permanent",
		"sysctl -w net.ipv4.ip_forward=1",
	};
	struct netdev *dev;
	size_t i;

	if (stack_dev_create(net, "ra", &cap_ops, "", &dev) ||
	    stack_dev_create(net, "rb", &cap_ops, "", &dev))
		return -1;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (run(net, cmds[i], NULL))
			return -1;
	return ct_net_enable(net);
}

static int setup_with(void **state, bool router)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct sbuf err = SBUF_INIT;

	strcpy(fx->dir, "/tmp/nsv-srv-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	/* A sub-directory the server must create, owner-only. */
	snprintf(fx->path, sizeof(fx->path), "%s/run/ctl.sock", fx->dir);
	if (ns_net_create(&fx->net))
		return -1;
	if (router && make_router(fx->net))
		return -1;
	if (ctl_server_create(fx->net, fx->path, after_cmd, fx, &fx->srv,
			      &err)) {
		fprintf(stderr, "%s", sbuf_str(&err));
		return -1;
	}
	sbuf_free(&err);
	if (router)
		ctl_server_set_idle_ms(fx->srv, IDLE_MS);
	fx->stop_fd = eventfd(0, EFD_CLOEXEC);
	pthread_create(&fx->thread, NULL, serve, fx);
	*state = fx;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, false);
}

static int setup_router(void **state)
{
	return setup_with(state, true);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	uint64_t one = 1;
	char cmd[128];
	struct stat st;

	assert_int_equal(write(fx->stop_fd, &one, sizeof(one)), 8);
	pthread_join(fx->thread, NULL);
	ctl_server_destroy(fx->srv);
	assert_int_not_equal(stat(fx->path, &st), 0);  /* unlinked */
	ns_net_destroy(fx->net);
	close(fx->stop_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static int dial(const struct fixture *fx)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, fx->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* Send raw bytes (optionally half-close), read and decode the reply. */
static int exchange(const struct fixture *fx, const void *buf, size_t len,
		    int half_close, struct ctl_reply *rep)
{
	uint8_t *frame;
	size_t flen;
	const char *why;
	int fd, e;

	fd = dial(fx);
	(void)send(fd, buf, len, MSG_NOSIGNAL);
	if (half_close)
		shutdown(fd, SHUT_WR);
	e = ctl_proto_recv_frame(fd, CTL_PROTO_REP_MAGIC, 5000, &frame, &flen,
				 &why);
	close(fd);
	if (e)
		return e;
	e = ctl_proto_decode_reply(frame, flen, rep, &why);
	free(frame);
	return e;
}

static int run_argv(const struct fixture *fx, int argc, char **argv,
		    const char *input, struct ctl_reply *rep)
{
	uint8_t *frame;
	size_t len;
	int e;

	assert_int_equal(ctl_proto_encode_request(argc, argv, input,
						  input ? strlen(input) : 0,
						  &frame, &len), 0);
	e = exchange(fx, frame, len, 0, rep);
	free(frame);
	return e;
}

static void test_permissions(void **state)
{
	struct fixture *fx = *state;
	char dir[128];
	struct stat st;

	assert_int_equal(lstat(fx->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(dir, sizeof(dir), "%s/run", fx->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
}

static void test_valid_request(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = { "stats" };
	char *bad[] = { "stats", "--bogus" };
	char *unknown[] = { "rm", "-rf", "/" };
	struct ctl_reply rep;
	int before = fx->after;

	assert_int_equal(run_argv(fx, 1, argv, NULL, &rep), 0);
	assert_int_equal(rep.code, 0);
	assert_non_null(strstr(rep.out, "Drops:"));
	assert_string_equal(rep.err, "");
	ctl_reply_free(&rep);
	assert_true(fx->after > before);

	assert_int_equal(run_argv(fx, 2, bad, NULL, &rep), 0);
	assert_int_equal(rep.code, 2);
	assert_non_null(strstr(rep.err, "--bogus"));
	ctl_reply_free(&rep);

	assert_int_equal(run_argv(fx, 3, unknown, "x", &rep), 0);
	assert_int_equal(rep.code, 127);
	assert_non_null(strstr(rep.err, "unknown command"));
	ctl_reply_free(&rep);
}

static void test_garbage(void **state)
{
	struct fixture *fx = *state;
	const char *http = "GET / HTTP/1.0\r\n\r\n";
	struct ctl_reply rep;
	char *argv[] = { "stats" };

	assert_int_equal(exchange(fx, http, strlen(http), 0, &rep), 0);
	assert_int_equal(rep.code, 2);
	assert_non_null(strstr(rep.err, "bad control message"));
	ctl_reply_free(&rep);

	/* The server is still fine. */
	assert_int_equal(run_argv(fx, 1, argv, NULL, &rep), 0);
	assert_int_equal(rep.code, 0);
	ctl_reply_free(&rep);
}

static void test_oversized(void **state)
{
	struct fixture *fx = *state;
	uint8_t hdr[8] = { 'N', 'S', 'Q', '1', 0xff, 0xff, 0xff, 0xff };
	struct ctl_reply rep;

	/* Refused from the header alone: nothing of that size is read. */
	assert_int_equal(exchange(fx, hdr, sizeof(hdr), 0, &rep), 0);
	assert_int_equal(rep.code, 2);
	assert_non_null(strstr(rep.err, "larger"));
	ctl_reply_free(&rep);
}

static void test_truncated(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = { "iptables", "-L" };
	struct ctl_reply rep;
	uint8_t *frame;
	size_t len;

	assert_int_equal(ctl_proto_encode_request(2, argv, NULL, 0, &frame,
						  &len), 0);
	assert_int_equal(exchange(fx, frame, len - 3, 1, &rep), 0);
	assert_int_equal(rep.code, 2);
	assert_non_null(strstr(rep.err, "truncated"));
	ctl_reply_free(&rep);

	/* A header promising a body, then a malformed body. */
	frame[8] = 0;
	frame[9] = 0;
	frame[10] = 0;
	frame[11] = 0;   /* argc 0 */
	assert_int_equal(exchange(fx, frame, len, 0, &rep), 0);
	assert_int_equal(rep.code, 2);
	ctl_reply_free(&rep);
	free(frame);

	/* Connect and close without a byte: no harm. */
	close(dial(fx));
}

static void test_sequential_load(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = { "stats" };
	struct ctl_reply rep;
	int i;

	for (i = 0; i < 200; i++) {
		assert_int_equal(run_argv(fx, 1, argv, NULL, &rep), 0);
		assert_int_equal(rep.code, 0);
		ctl_reply_free(&rep);
	}
}

static void test_live_and_stale(void **state)
{
	struct fixture *fx = *state;
	struct ctl_server *srv2 = NULL;
	struct sbuf err = SBUF_INIT;
	struct sockaddr_un sun;
	char path[160];
	int fd;

	/* A live daemon owns the path. */
	assert_int_equal(ctl_server_create(fx->net, fx->path, NULL, NULL,
					   &srv2, &err), -EADDRINUSE);
	assert_non_null(strstr(sbuf_str(&err), "already"));
	sbuf_reset(&err);

	/* A stale socket (nobody listening) is replaced. */
	snprintf(path, sizeof(path), "%s/stale.sock", fx->dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(ctl_server_create(fx->net, path, NULL, NULL, &srv2,
					   &err), 0);
	ctl_server_destroy(srv2);

	/* A regular file is never removed. */
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	assert_int_equal(ctl_server_create(fx->net, path, NULL, NULL, &srv2,
					   &err), -EEXIST);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
	sbuf_free(&err);
}

/* ---- event streams ---------------------------------------------- */

static uint64_t clock_ns = 1000 * NSEC;

/* A UDP datagram or an ICMP echo (dport 0) in on ifname. */
static void inject(const char *ifname, const char *s, const char *d,
		   uint16_t sp, uint16_t dp)
{
	struct frame f;
	uint8_t l4[64];
	uint32_t n;

	if (dp)
		n = udp_build(l4, A(s), A(d), sp, dp, 4);
	else
		n = icmp_build(l4, sp ? 8 : 0, 0, htonl(0x42u << 16 | 1), 8);
	eth_put(&f, (const uint8_t *)"\x02\0\0\0\0\x01", PEER_MAC, 0x0800);
	ip_put(&f, A(s), A(d), dp ? 17 : 1, 64, 0, l4, n);
	clock_ns += NSEC / 100;
	assert_int_equal(ns_inject(fx_net, ifname, f.b, f.len, clock_ns), 0);
}

/* Send a request, read the first frame: an event frame (returns the
 * fd) or a reply (returns -1 with *rep filled). */
static int stream_open(const struct fixture *fx, int argc, char **argv,
		       bool half_close, struct ctl_reply *rep)
{
	struct ctl_events ev;
	const char *why;
	uint8_t *frame;
	size_t len;
	int fd;

	assert_int_equal(ctl_proto_encode_request(argc, argv, NULL, 0, &frame,
						  &len), 0);
	fd = dial(fx);
	assert_int_equal(send(fd, frame, len, MSG_NOSIGNAL), (ssize_t)len);
	free(frame);
	if (half_close)
		shutdown(fd, SHUT_WR);
	assert_int_equal(ctl_proto_recv_frame2(fd, CTL_PROTO_EVT_MAGIC,
					       CTL_PROTO_REP_MAGIC, 5000,
					       &frame, &len, &why), 0);
	if (ctl_proto_frame_magic(frame) == CTL_PROTO_REP_MAGIC) {
		assert_int_equal(ctl_proto_decode_reply(frame, len, rep, &why),
				 0);
		free(frame);
		close(fd);
		return -1;
	}
	assert_int_equal(ctl_proto_decode_events(frame, len, &ev, &why), 0);
	free(frame);
	assert_int_equal(ev.shown, 0);
	assert_string_equal(ev.out, "");
	assert_string_equal(ev.err, "");
	ctl_events_free(&ev);
	return fd;
}

/*
 * Read event frames into out/err until out holds want lines (or err
 * holds want_err), at most 5 s. Returns the last frame's count shown.
 */
static uint32_t stream_read(int fd, struct sbuf *out, struct sbuf *err,
			    unsigned want, const char *want_err)
{
	uint32_t shown = 0;

	for (;;) {
		struct ctl_events ev;
		const char *why;
		uint8_t *frame;
		const char *p;
		unsigned lines = 0;
		size_t len;

		for (p = sbuf_str(out); (p = strchr(p, '\n')); p++)
			lines++;
		if (want_err ? strstr(sbuf_str(err), want_err) != NULL
			     : lines >= want)
			return shown;
		assert_int_equal(ctl_proto_recv_frame(fd, CTL_PROTO_EVT_MAGIC,
						      5000, &frame, &len,
						      &why), 0);
		assert_int_equal(ctl_proto_decode_events(frame, len, &ev,
							 &why), 0);
		free(frame);
		sbuf_adds(out, ev.out);
		sbuf_adds(err, ev.err);
		shown = ev.shown;
		ctl_events_free(&ev);
	}
}

/* Nothing more arrives on fd within ms (the stream is still open). */
static void stream_quiet(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&pfd, 1, ms), 0);
}

/* Does anybody subscribe to the net's events? Emitting tells. */
static bool subscribed(struct net *net, uint16_t port)
{
	uint64_t before, after;

	pthread_mutex_lock(&net->ctl_lock);
	assert_int_equal(ct_event_subscribe(net, &before), 0);
	ct_event_unsubscribe(net);
	pthread_mutex_unlock(&net->ctl_lock);
	inject("ra", "10.1.0.2", "10.2.0.2", port, 9);
	pthread_mutex_lock(&net->ctl_lock);
	assert_int_equal(ct_event_subscribe(net, &after), 0);
	ct_event_unsubscribe(net);
	pthread_mutex_unlock(&net->ctl_lock);
	return after != before;
}

static void test_stream_events(void **state)
{
	struct fixture *fx = *state;
	char *udp_argv[] = { "conntrack", "-E", "-p", "udp" };
	char *all_argv[] = { "conntrack", "-E" };
	char *del_argv[] = { "conntrack", "-D", "-p", "udp", "--dport", "53" };
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	struct sbuf out2 = SBUF_INIT, err2 = SBUF_INIT;
	struct ctl_server_stats st;
	struct ctl_reply rep;
	const char *junk = "GET / HTTP/1.0\r\n\r\nNSQ1\xff\xff";
	int fd, fd2, idle, i;

	fx_net = fx->net;
	/* As the client tool: the request, then a half-close. */
	fd = stream_open(fx, 4, udp_argv, true, &rep);
	assert_true(fd >= 0);
	/* A client that keeps talking: what it sends is ignored. */
	fd2 = stream_open(fx, 2, all_argv, false, &rep);
	assert_true(fd2 >= 0);
	assert_int_equal(send(fd2, junk, strlen(junk), MSG_NOSIGNAL),
			 (ssize_t)strlen(junk));

	inject("ra", "10.1.0.2", "10.2.0.2", 1000, 53);
	inject("rb", "10.2.0.2", "10.1.0.2", 53, 1000);
	inject("ra", "10.1.0.2", "10.2.0.2", 1, 0);
	assert_int_equal(stream_read(fd, &out, &err, 2, NULL), 2);
	assert_string_equal(sbuf_str(&out),
		"    [NEW] udp      17 30 src=10.1.0.2 dst=10.2.0.2 sport=1000 "
		"dport=53 [UNREPLIED] src=10.2.0.2 dst=10.1.0.2 sport=53 "
		"dport=1000\n"
		" [UPDATE] udp      17 30 src=10.1.0.2 dst=10.2.0.2 sport=1000 "
		"dport=53 src=10.2.0.2 dst=10.1.0.2 sport=53 dport=1000\n");
	assert_string_equal(sbuf_str(&err), "");
	assert_int_equal(stream_read(fd2, &out2, &err2, 3, NULL), 3);
	assert_non_null(strstr(sbuf_str(&out2),
		"    [NEW] icmp     1 30 src=10.1.0.2 dst=10.2.0.2 type=8 "
		"code=0 id=66 [UNREPLIED] src=10.2.0.2 dst=10.1.0.2 type=0 "
		"code=0 id=66\n"));

	/* An idle request connection is closed; the streams are not. */
	idle = dial(fx);
	usleep(3 * IDLE_MS * 1000);
	ctl_server_get_stats(fx->srv, &st);
	assert_true(st.timeouts >= 1);
	assert_int_equal(st.streams, 2);
	close(idle);
	stream_quiet(fd, 10);
	stream_quiet(fd2, 10);

	/* Requests are served meanwhile; their DESTROY reaches both. */
	assert_int_equal(run_argv(fx, 6, del_argv, NULL, &rep), 0);
	assert_int_equal(rep.code, 0);
	ctl_reply_free(&rep);
	sbuf_reset(&out);
	assert_int_equal(stream_read(fd, &out, &err, 1, NULL), 3);
	assert_string_equal(sbuf_str(&out),
		"[DESTROY] udp      17 29 src=10.1.0.2 dst=10.2.0.2 sport=1000 "
		"dport=53 src=10.2.0.2 dst=10.1.0.2 sport=53 dport=1000\n");
	assert_int_equal(stream_read(fd2, &out2, &err2, 4, NULL), 4);
	assert_string_equal(sbuf_str(&err2), "");

	/* Leaving frees the subscription (no more events are kept). */
	close(fd);
	close(fd2);
	for (i = 0; i < 100 && subscribed(fx->net, (uint16_t)(2000 + i));
	     i++)
		usleep(20 * 1000);
	assert_true(i < 100);
	sbuf_free(&out);
	sbuf_free(&err);
	sbuf_free(&out2);
	sbuf_free(&err2);
}

/* A client that does not read loses events and is told, as conntrack
 * tells of ENOBUFS; the server goes on serving others meanwhile. */
static void test_stream_slow_client(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = { "conntrack", "-E", "-e", "NEW" };
	char *stats_argv[] = { "stats" };
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	struct ctl_reply rep;
	uint32_t shown;
	int fd, i, wmem, total;
	FILE *f;

	fx_net = fx->net;
	fd = stream_open(fx, 4, argv, true, &rep);
	assert_true(fd >= 0);
	/* More than the ring, one frame and the socket's buffer can hold
	 * (an event line is over 100 bytes). */
	f = fopen("/proc/sys/net/core/wmem_default", "r");
	if (!f || fscanf(f, "%d", &wmem) != 1)
		wmem = 212992;
	if (f)
		fclose(f);
	total = 2 * CT_EVENT_RING + (64 << 10) / 100 + 2 * wmem / 100;
	for (i = 0; i < total; i++)
		inject("ra", "10.1.0.2", "10.2.0.2",
		       (uint16_t)(10000 + i % 50000), (uint16_t)(1 + i / 50000));
	assert_int_equal(run_argv(fx, 1, stats_argv, NULL, &rep), 0);
	assert_int_equal(rep.code, 0);
	ctl_reply_free(&rep);
	shown = stream_read(fd, &out, &err, 0,
			    "WARNING: We have hit ENOBUFS! We are losing "
			    "events.\n");
	assert_true(shown < (uint32_t)total);
	close(fd);
	sbuf_free(&out);
	sbuf_free(&err);
}

/* At most half the connections stream: requests always find a slot. */
static void test_stream_cap(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = { "conntrack", "-E" };
	char *stats_argv[] = { "stats" };
	struct ctl_reply rep;
	int fds[8], i;

	for (i = 0; i < 8; i++) {
		fds[i] = stream_open(fx, 2, argv, false, &rep);
		assert_true(fds[i] >= 0);
	}
	assert_int_equal(stream_open(fx, 2, argv, false, &rep), -1);
	assert_int_equal(rep.code, 1);
	assert_non_null(strstr(rep.err, "too many event listeners"));
	ctl_reply_free(&rep);
	assert_int_equal(run_argv(fx, 1, stats_argv, NULL, &rep), 0);
	assert_int_equal(rep.code, 0);
	ctl_reply_free(&rep);
	/* A bad -E is an ordinary reply. */
	{
		char *bad[] = { "conntrack", "-E", "-o", "bogus" };

		assert_int_equal(close(fds[0]), 0);
		usleep(50 * 1000);
		assert_int_equal(stream_open(fx, 4, bad, false, &rep), -1);
		assert_int_equal(rep.code, 2);
		ctl_reply_free(&rep);
	}
	for (i = 1; i < 8; i++)
		close(fds[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_valid_request),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_sequential_load),
		cmocka_unit_test(test_live_and_stale),
	};

	const struct CMUnitTest streams[] = {
		cmocka_unit_test_setup_teardown(test_stream_events,
						setup_router, teardown),
		cmocka_unit_test_setup_teardown(test_stream_slow_client,
						setup_router, teardown),
		cmocka_unit_test_setup_teardown(test_stream_cap,
						setup_router, teardown),
	};

	return cmocka_run_group_tests_name("server", tests, setup, teardown) |
	       cmocka_run_group_tests_name("server_stream", streams, NULL,
					   NULL);
}
