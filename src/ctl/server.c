// SPDX-License-Identifier: MIT
/*
 * The control socket's accept loop. One poll() loop owns the listening
 * socket and up to CONN_MAX connections; each connection reads one framed
 * request incrementally (never trusting the length it announces with an
 * allocation), runs it with ctl_exec_argv_stream() and writes one reply.
 * Anything malformed gets an error reply and runs nothing; idle
 * connections are closed after CONN_IDLE_MS.
 *
 * A command that streams (conntrack -E) turns its connection into an
 * event stream (at most CONN_STREAM_MAX at once, so that requests always
 * find a slot): the loop pumps it every STREAM_PUMP_MS into "NSE1" frames,
 * but only once the previous frame is wholly written, so a client that
 * does not read loses events in the ring (and is told, as conntrack tells
 * of ENOBUFS) instead of growing our buffers or stalling the loop. A
 * stream ignores what its client sends, has no idle timeout and ends when
 * the client closes (POLLHUP) or a write fails; a half-close (the client
 * tool's shutdown(SHUT_WR) after its request) is not the end.
 *
 * Control path only: it allocates and may block in ctl_exec_argv_stream()
 * (which serialises on net->ctl_lock); pumping a stream takes no lock.
 */
#include "ctl/server.h"

#include "core/net.h"
#include "ctl/ctl.h"
#include "ctl/proto.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CONN_MAX 16
#define CONN_IDLE_MS 10000
#define CONN_INIT_BUF 4096u
#define CONN_STREAM_MAX (CONN_MAX / 2)
#define STREAM_PUMP_MS 100
#define STREAM_FRAME_MAX (64u << 10)   /* text per event frame, roughly */

enum conn_state { CONN_FREE, CONN_READ, CONN_WRITE, CONN_STREAM };

struct conn {
	enum conn_state state;
	int fd;
	uint8_t *in;
	size_t in_len, in_cap;
	size_t need;            /* bytes of the frame we know of */
	bool have_header;
	uint8_t *out;
	size_t out_len, out_off;
	int64_t deadline_ms;
	struct ctl_stream *stream;  /* CONN_STREAM: ours, closed with us */
	bool rd_eof;                /* CONN_STREAM: the client half-closed */
};

struct ctl_server {
	struct net *net;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t sock_dev;
	ino_t sock_ino;
	void (*after_cmd)(void *priv);
	void *priv;
	struct conn conns[CONN_MAX];
	unsigned nstreams;
	int idle_ms;
	int64_t next_pump_ms;
	struct ctl_server_stats stats;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Create the socket's directory owner-only when it does not exist. */
static int make_dir(const char *path, struct sbuf *err)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;       /* relative name in cwd, or in / */
	*slash = '\0';
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			sbuf_addf(err, "netsieve: %s is not a directory\n",
				  dir);
			return -ENOTDIR;
		}
		return 0;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		int e = errno;

		sbuf_addf(err, "netsieve: cannot create %s: %s\n", dir,
			  strerror(e));
		return -e;
	}
	return 0;
}

/* A socket file already at path: replace it if nobody listens on it. */
static int clear_stale(const struct sockaddr_un *sun, struct sbuf *err)
{
	struct stat st;
	int fd, r;

	if (lstat(sun->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		sbuf_addf(err, "netsieve: %s exists and is not a socket\n",
			  sun->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (r == 0) {
		sbuf_addf(err,
			  "netsieve: a daemon is already listening on %s\n",
			  sun->sun_path);
		return -EADDRINUSE;
	}
	if (unlink(sun->sun_path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int ctl_server_create(struct net *net, const char *path,
		      void (*after_cmd)(void *priv), void *priv,
		      struct ctl_server **out, struct sbuf *err)
{
	struct sockaddr_un sun;
	struct ctl_server *srv;
	struct stat st;
	mode_t old_umask;
	int e, i;

	if (!path || !*path || strlen(path) >= sizeof(sun.sun_path)) {
		sbuf_addf(err, "netsieve: bad socket path \"%s\"\n",
			  path ? path : "");
		return -ENAMETOOLONG;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->net = net;
	srv->after_cmd = after_cmd;
	srv->priv = priv;
	srv->idle_ms = CONN_IDLE_MS;
	for (i = 0; i < CONN_MAX; i++)
		srv->conns[i].fd = -1;
	strcpy(srv->path, path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);

	e = make_dir(path, err);
	if (e)
		goto err_free_srv;
	e = clear_stale(&sun, err);
	if (e)
		goto err_free_srv;
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0);
	if (srv->fd < 0) {
		e = -errno;
		goto err_report;
	}
	/* Owner-only from the first moment: no window with a wider mode. */
	old_umask = umask(0177);
	if (bind(srv->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		e = -errno;
		umask(old_umask);
		goto err_close_fd;
	}
	umask(old_umask);
	if (chmod(path, 0600) < 0 || stat(path, &st) < 0) {
		e = -errno;
		goto err_unlink;
	}
	srv->sock_dev = st.st_dev;
	srv->sock_ino = st.st_ino;
	if (listen(srv->fd, 64) < 0) {
		e = -errno;
		goto err_unlink;
	}
	*out = srv;
	return 0;

err_unlink:
	unlink(path);
err_close_fd:
	close(srv->fd);
err_report:
	sbuf_addf(err, "netsieve: cannot listen on %s: %s\n", path,
		  strerror(-e));
err_free_srv:
	free(srv);
	return e;
}

static void conn_close(struct ctl_server *srv, struct conn *c)
{
	if (c->state == CONN_FREE)
		return;
	if (c->stream) {
		ctl_stream_close(c->stream);
		srv->nstreams--;
	}
	close(c->fd);
	free(c->in);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->state = CONN_FREE;
}

/* Queue a reply frame; when even encoding fails, just close. */
static void conn_reply(struct ctl_server *srv, struct conn *c, int code,
		       const char *out, const char *err)
{
	size_t olen = out ? strlen(out) : 0, elen = err ? strlen(err) : 0;
	int e;

	free(c->out);
	c->out = NULL;
	e = ctl_proto_encode_reply(code, out, olen, err, elen, &c->out,
				   &c->out_len);
	if (e == -E2BIG) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "netsieve: reply too large for the control protocol "
			 "(%zu bytes)\n", olen + elen);
		e = ctl_proto_encode_reply(4, NULL, 0, msg, strlen(msg),
					   &c->out, &c->out_len);
	}
	if (e) {
		conn_close(srv, c);
		return;
	}
	c->out_off = 0;
	c->state = CONN_WRITE;
	c->deadline_ms = now_ms() + srv->idle_ms;
}

static void conn_bad(struct ctl_server *srv, struct conn *c, const char *why)
{
	char msg[256];

	srv->stats.bad_requests++;
	snprintf(msg, sizeof(msg), "netsieve: bad control message: %s\n",
		 why ? why : "malformed");
	/* The operator's trace of who sends garbage to the socket. */
	ns_log(&srv->net->log, NS_LOG_WARNING,
	       "netsieve: control socket: rejected a bad message: %s",
	       why ? why : "malformed");
	conn_reply(srv, c, 2, NULL, msg);
}

/*
 * Queue an event frame with what st has shown so far and the texts (the
 * stream's previous frame is wholly written). Returns 0 or -ENOMEM /
 * -E2BIG (the caller closes).
 */
static int stream_queue(struct conn *c, const struct sbuf *out,
			const struct sbuf *err)
{
	unsigned long shown = ctl_stream_shown(c->stream);
	int e;

	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	if (out->oom || err->oom)
		return -ENOMEM;
	e = ctl_proto_encode_events((uint32_t)shown, sbuf_str(out),
				    strlen(sbuf_str(out)), sbuf_str(err),
				    strlen(sbuf_str(err)), &c->out,
				    &c->out_len);
	if (e)
		c->out_len = 0;
	return e;
}

/* Write what is queued on a stream; done or EAGAIN. False: closed. */
static bool stream_write(struct ctl_server *srv, struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return true;
			conn_close(srv, c);
			return false;
		}
		c->out_off += (size_t)w;
	}
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	return true;
}

/*
 * The command became a stream: answer with a first event frame (the
 * command's own texts, usually empty) and keep the connection. st is
 * ours from here on.
 */
static void conn_stream_start(struct ctl_server *srv, struct conn *c,
			      struct ctl_stream *st, const struct sbuf *out,
			      const struct sbuf *err)
{
	if (srv->nstreams >= CONN_STREAM_MAX) {
		char msg[160];

		ctl_stream_close(st);
		snprintf(msg, sizeof(msg),
			 "netsieve: too many event listeners (at most %d at "
			 "once)\n", CONN_STREAM_MAX);
		conn_reply(srv, c, 1, NULL, msg);
		return;
	}
	srv->nstreams++;
	srv->stats.streams++;
	c->stream = st;
	c->state = CONN_STREAM;
	c->rd_eof = false;
	if (stream_queue(c, out, err)) {
		conn_close(srv, c);
		return;
	}
	stream_write(srv, c);
}

/* A whole request frame is in c->in: decode, run, queue the reply. */
static void conn_exec(struct ctl_server *srv, struct conn *c)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	struct ctl_stream *st = NULL;
	struct ctl_request req;
	const char *why = NULL;
	int rc, e;

	e = ctl_proto_decode_request(c->in, c->in_len, &req, &why);
	free(c->in);
	c->in = NULL;
	c->in_len = c->in_cap = 0;
	if (e) {
		conn_bad(srv, c, why);
		return;
	}
	srv->stats.requests++;
	rc = ctl_exec_argv_stream(srv->net, req.argc, req.argv, req.input,
				  &out, &err, &st);
	if (rc < 0 || rc > 255)
		rc = 1;
	if (out.oom || err.oom) {
		sbuf_reset(&out);
		sbuf_reset(&err);
		sbuf_adds(&err, "netsieve: out of memory\n");
		rc = 4;
		ctl_stream_close(st);
		st = NULL;
	}
	ctl_request_free(&req);
	if (st)
		conn_stream_start(srv, c, st, &out, &err);
	else
		conn_reply(srv, c, rc, sbuf_str(&out), sbuf_str(&err));
	sbuf_free(&out);
	sbuf_free(&err);
	if (srv->after_cmd)
		srv->after_cmd(srv->priv);
}

/* Make room for at least one more byte, never past c->need. */
static int conn_grow(struct conn *c)
{
	size_t cap;
	uint8_t *n;

	if (c->in_len < c->in_cap)
		return 0;
	cap = c->in_cap * 2 > CONN_INIT_BUF ? c->in_cap * 2 : CONN_INIT_BUF;
	if (cap > c->need)
		cap = c->need;
	n = realloc(c->in, cap);
	if (!n)
		return -ENOMEM;
	c->in = n;
	c->in_cap = cap;
	return 0;
}

static void conn_read(struct ctl_server *srv, struct conn *c)
{
	for (;;) {
		const char *why = NULL;
		ssize_t r;

		if (conn_grow(c)) {
			conn_reply(srv, c, 4, NULL, "netsieve: out of memory\n");
			return;
		}
		/* in_cap <= need: never read past the frame or the buffer. */
		r = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				conn_close(srv, c);
			return;
		}
		if (r == 0) {
			/* Closed (or half-closed) before a whole request. */
			if (c->in_len) {
				conn_bad(srv, c, "truncated message");
				return;
			}
			conn_close(srv, c);
			return;
		}
		c->in_len += (size_t)r;
		c->deadline_ms = now_ms() + srv->idle_ms;
		if (c->in_len < c->need)
			continue;
		if (!c->have_header) {
			size_t flen;

			if (ctl_proto_parse_header(c->in, CTL_PROTO_REQ_MAGIC,
						   &flen, &why)) {
				conn_bad(srv, c, why);
				return;
			}
			c->have_header = true;
			c->need = flen;
			if (c->in_len < c->need)
				continue;
		}
		conn_exec(srv, c);
		return;
	}
}

static void conn_write(struct ctl_server *srv, struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				conn_close(srv, c);
			return;
		}
		c->out_off += (size_t)w;
		c->deadline_ms = now_ms() + srv->idle_ms;
	}
	conn_close(srv, c);
}

/*
 * A stream's client sent something or went away: what it sends is read
 * and dropped (a bounded amount per wake-up); EOF is a half-close, the
 * stream goes on until POLLHUP or a failed write.
 */
static void stream_input(struct ctl_server *srv, struct conn *c)
{
	char buf[4096];
	ssize_t r;

	r = read(c->fd, buf, sizeof(buf));
	if (r == 0)
		c->rd_eof = true;
	else if (r < 0 && errno != EINTR && errno != EAGAIN)
		conn_close(srv, c);
}

/*
 * Format what happened since the last pump into one frame (bounded by
 * STREAM_FRAME_MAX; the rest waits in the ring) and start writing it.
 * Only called with nothing left to write.
 */
static void stream_pump(struct ctl_server *srv, struct conn *c)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;

	while (ctl_stream_pump(c->stream, &out, &err) > 0 &&
	       out.len + err.len < STREAM_FRAME_MAX && !out.oom && !err.oom)
		;
	if (out.len || err.len || out.oom || err.oom) {
		if (stream_queue(c, &out, &err))
			conn_close(srv, c);
		else
			stream_write(srv, c);
	}
	sbuf_free(&out);
	sbuf_free(&err);
}

/* Only root and the daemon's own user may drive it (the mode says so too). */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void accept_one(struct ctl_server *srv)
{
	struct conn *c = NULL;
	int fd, i;

	fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < CONN_MAX; i++) {
		if (srv->conns[i].state == CONN_FREE) {
			c = &srv->conns[i];
			break;
		}
	}
	if (!c) {
		srv->stats.refused++;
		close(fd);
		return;
	}
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->state = CONN_READ;
	c->need = CTL_PROTO_HDR_LEN;
	c->deadline_ms = now_ms() + srv->idle_ms;
	if (!peer_allowed(fd)) {
		srv->stats.refused++;
		ns_log(&srv->net->log, NS_LOG_WARNING,
		       "netsieve: control socket: refused a peer that is "
		       "neither root nor our user");
		conn_reply(srv, c, 4, NULL, "netsieve: permission denied\n");
	}
}

int ctl_server_run(struct ctl_server *srv, int stop_fd)
{
	struct pollfd pfd[CONN_MAX + 2];
	int idx[CONN_MAX + 2];

	for (;;) {
		int n = 0, nconn = 0, i, timeout = -1, pr;
		int64_t now = now_ms();
		bool pump = false;

		if (srv->nstreams && now >= srv->next_pump_ms) {
			pump = true;
			srv->next_pump_ms = now + STREAM_PUMP_MS;
		}
		pfd[n].fd = stop_fd;
		pfd[n].events = POLLIN;
		idx[n++] = -1;
		for (i = 0; i < CONN_MAX; i++) {
			struct conn *c = &srv->conns[i];
			int64_t left;

			if (c->state == CONN_STREAM) {
				/* Not writing: read the ring on time. */
				if (pump && c->out_off == c->out_len)
					stream_pump(srv, c);
				if (c->state != CONN_STREAM)
					continue;
				nconn++;
				left = srv->next_pump_ms - now;
				if (timeout < 0 || left < timeout)
					timeout = left > 0 ? (int)left : 0;
				pfd[n].fd = c->fd;
				pfd[n].events =
					(c->out_off < c->out_len ? POLLOUT : 0) |
					(c->rd_eof ? 0 : POLLIN);
				idx[n++] = i;
				continue;
			}
			if (c->state == CONN_FREE)
				continue;
			if (now >= c->deadline_ms) {
				srv->stats.timeouts++;
				conn_close(srv, c);
				continue;
			}
			nconn++;
			left = c->deadline_ms - now;
			if (timeout < 0 || left < timeout)
				timeout = (int)left;
			pfd[n].fd = c->fd;
			pfd[n].events =
				c->state == CONN_READ ? POLLIN : POLLOUT;
			idx[n++] = i;
		}
		/* When full, leave new clients in the listen backlog. */
		if (nconn < CONN_MAX) {
			pfd[n].fd = srv->fd;
			pfd[n].events = POLLIN;
			idx[n++] = -2;
		}
		pr = poll(pfd, (nfds_t)n, timeout);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[0].revents)
			return 0;
		for (i = 1; i < n; i++) {
			struct conn *c;

			if (!pfd[i].revents)
				continue;
			if (idx[i] == -2) {
				accept_one(srv);
				continue;
			}
			c = &srv->conns[idx[i]];
			if (c->state == CONN_STREAM) {
				if (pfd[i].revents & (POLLHUP | POLLERR |
						      POLLNVAL)) {
					conn_close(srv, c);
					continue;
				}
				if (pfd[i].revents & POLLIN)
					stream_input(srv, c);
				if (c->state == CONN_STREAM &&
				    (pfd[i].revents & POLLOUT))
					stream_write(srv, c);
			} else if (c->state == CONN_READ)
				conn_read(srv, c);
			else if (c->state == CONN_WRITE)
				conn_write(srv, c);
		}
	}
}

void ctl_server_destroy(struct ctl_server *srv)
{
	struct stat st;
	int i;

	if (!srv)
		return;
	for (i = 0; i < CONN_MAX; i++)
		conn_close(srv, &srv->conns[i]);
	close(srv->fd);
	/* Unlink only our own socket, not one a newer daemon put there. */
	if (stat(srv->path, &st) == 0 && st.st_dev == srv->sock_dev &&
	    st.st_ino == srv->sock_ino)
		unlink(srv->path);
	free(srv);
}

void ctl_server_set_idle_ms(struct ctl_server *srv, int ms)
{
	srv->idle_ms = ms;
}

void ctl_server_get_stats(const struct ctl_server *srv,
			  struct ctl_server_stats *st)
{
	*st = srv->stats;
}
