// SPDX-License-Identifier: MIT
/*
 * The control socket server end to end over a real Unix socket in a
 * private temporary directory: permissions, valid requests, garbage,
 * oversized and truncated messages, stale and live sockets. The server
 * runs in a thread; an eventfd stops it.
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
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/sbuf.h"
#include "core/net.h"
#include "ctl/proto.h"
#include "ctl/server.h"

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

static int setup(void **state)
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
	if (ctl_server_create(fx->net, fx->path, after_cmd, fx, &fx->srv,
			      &err)) {
		fprintf(stderr, "%s", sbuf_str(&err));
		return -1;
	}
	sbuf_free(&err);
	fx->stop_fd = eventfd(0, EFD_CLOEXEC);
	pthread_create(&fx->thread, NULL, serve, fx);
	*state = fx;
	return 0;
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

	return cmocka_run_group_tests_name("server", tests, setup, teardown);
}
