// SPDX-License-Identifier: MIT
/*
 * The control-socket message format (see proto.h for the layout): encoders
 * for the client and the daemon, strict decoders that treat every byte as
 * hostile, and the small blocking read/write helpers the client uses.
 * Control path only: it allocates, and it never touches a struct net.
 */
#include "ctl/proto.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A growable byte buffer for encoding; sticky error. */
struct wbuf {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static void wb_put(struct wbuf *wb, const void *data, size_t n)
{
	if (wb->err)
		return;
	if (wb->len + n > CTL_PROTO_HDR_LEN + CTL_PROTO_MAX_BODY) {
		wb->err = -E2BIG;
		return;
	}
	if (wb->len + n > wb->cap) {
		size_t cap = wb->cap ? wb->cap : 256;
		uint8_t *np;

		while (cap < wb->len + n)
			cap *= 2;
		np = realloc(wb->p, cap);
		if (!np) {
			wb->err = -ENOMEM;
			return;
		}
		wb->p = np;
		wb->cap = cap;
	}
	if (n)
		memcpy(wb->p + wb->len, data, n);
	wb->len += n;
}

static void wb_u32(struct wbuf *wb, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	wb_put(wb, b, 4);
}

static void wb_bytes(struct wbuf *wb, const void *data, size_t n)
{
	if (n > CTL_PROTO_MAX_BODY) {
		wb->err = wb->err ? wb->err : -E2BIG;
		return;
	}
	wb_u32(wb, (uint32_t)n);
	wb_put(wb, data, n);
}

static uint32_t get_u32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void put_u32(uint8_t *b, uint32_t v)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

/* Start a frame: magic and a body length filled in by wb_finish(). */
static void wb_start(struct wbuf *wb, uint32_t magic)
{
	memset(wb, 0, sizeof(*wb));
	wb_u32(wb, magic);
	wb_u32(wb, 0);
}

static int wb_finish(struct wbuf *wb, uint8_t **frame, size_t *len)
{
	if (!wb->err && wb->len - CTL_PROTO_HDR_LEN > CTL_PROTO_MAX_BODY)
		wb->err = -E2BIG;
	if (wb->err) {
		free(wb->p);
		return wb->err;
	}
	put_u32(wb->p + 4, (uint32_t)(wb->len - CTL_PROTO_HDR_LEN));
	*frame = wb->p;
	*len = wb->len;
	return 0;
}

/* A read cursor over a body; every read is bounds-checked. */
struct rbuf {
	const uint8_t *p;
	size_t left;
};

static bool rb_u32(struct rbuf *rb, uint32_t *v)
{
	if (rb->left < 4)
		return false;
	*v = get_u32(rb->p);
	rb->p += 4;
	rb->left -= 4;
	return true;
}

/*
 * Read a length-prefixed string of at most max bytes without NULs into a
 * fresh NUL-terminated allocation. Returns 0 or -EBADMSG/-EMSGSIZE/-ENOMEM.
 */
static int rb_string(struct rbuf *rb, size_t max, char **s, size_t *slen,
		     const char **why)
{
	uint32_t n;
	char *c;

	if (!rb_u32(rb, &n)) {
		*why = "truncated length field";
		return -EBADMSG;
	}
	if (n > max) {
		*why = "string longer than the protocol allows";
		return -EMSGSIZE;
	}
	if (n > rb->left) {
		*why = "string runs past the end of the message";
		return -EBADMSG;
	}
	if (memchr(rb->p, '\0', n)) {
		*why = "NUL byte inside a string";
		return -EBADMSG;
	}
	c = malloc((size_t)n + 1);
	if (!c) {
		*why = "out of memory";
		return -ENOMEM;
	}
	memcpy(c, rb->p, n);
	c[n] = '\0';
	rb->p += n;
	rb->left -= n;
	*s = c;
	if (slen)
		*slen = n;
	return 0;
}

int ctl_proto_parse_header(const void *hdr, uint32_t magic, size_t *frame_len,
			   const char **why)
{
	const uint8_t *h = hdr;
	uint32_t body;

	if (get_u32(h) != magic) {
		*why = "bad magic (not a netsieve control message)";
		return -EBADMSG;
	}
	body = get_u32(h + 4);
	if (body > CTL_PROTO_MAX_BODY) {
		*why = "message larger than the protocol allows";
		return -EMSGSIZE;
	}
	*frame_len = CTL_PROTO_HDR_LEN + body;
	return 0;
}

/* Check the header of a whole frame and position rb at its body. */
static int frame_body(const void *frame, size_t len, uint32_t magic,
		      struct rbuf *rb, const char **why)
{
	size_t flen;
	int err;

	if (!frame || len < CTL_PROTO_HDR_LEN) {
		*why = "truncated header";
		return -EBADMSG;
	}
	err = ctl_proto_parse_header(frame, magic, &flen, why);
	if (err)
		return err;
	if (flen != len) {
		*why = flen > len ? "truncated message"
				  : "trailing bytes after the message";
		return -EBADMSG;
	}
	rb->p = (const uint8_t *)frame + CTL_PROTO_HDR_LEN;
	rb->left = len - CTL_PROTO_HDR_LEN;
	return 0;
}

int ctl_proto_encode_request(int argc, char *const *argv, const char *input,
			     size_t input_len, uint8_t **frame, size_t *len)
{
	struct wbuf wb;
	int i;

	if (argc < 1 || !argv)
		return -EINVAL;
	if ((unsigned)argc > CTL_PROTO_MAX_ARGS)
		return -E2BIG;
	if (input && memchr(input, '\0', input_len))
		return -EINVAL;
	wb_start(&wb, CTL_PROTO_REQ_MAGIC);
	wb_u32(&wb, (uint32_t)argc);
	for (i = 0; i < argc; i++) {
		size_t n = argv[i] ? strlen(argv[i]) : 0;

		if (!argv[i] || (i == 0 && !n)) {
			free(wb.p);
			return -EINVAL;
		}
		if (n > CTL_PROTO_MAX_ARG) {
			free(wb.p);
			return -E2BIG;
		}
		wb_bytes(&wb, argv[i], n);
	}
	wb_u32(&wb, input ? CTL_PROTO_F_INPUT : 0);
	wb_bytes(&wb, input, input ? input_len : 0);
	return wb_finish(&wb, frame, len);
}

void ctl_request_free(struct ctl_request *req)
{
	int i;

	if (!req)
		return;
	if (req->argv) {
		for (i = 0; i < req->argc; i++)
			free(req->argv[i]);
		free(req->argv);
	}
	free(req->input);
	memset(req, 0, sizeof(*req));
}

int ctl_proto_decode_request(const void *frame, size_t len,
			     struct ctl_request *out, const char **why)
{
	struct ctl_request req = { 0 };
	struct rbuf rb;
	uint32_t argc, flags;
	char *input = NULL;
	size_t ilen = 0;
	int err;

	err = frame_body(frame, len, CTL_PROTO_REQ_MAGIC, &rb, why);
	if (err)
		return err;
	if (!rb_u32(&rb, &argc)) {
		*why = "truncated argument count";
		return -EBADMSG;
	}
	if (argc == 0) {
		*why = "no command (argument count 0)";
		return -EBADMSG;
	}
	if (argc > CTL_PROTO_MAX_ARGS) {
		*why = "too many arguments";
		return -EMSGSIZE;
	}
	/* Each argument needs at least 4 bytes: do not trust argc for size. */
	if ((size_t)argc * 4 > rb.left) {
		*why = "argument count larger than the message";
		return -EBADMSG;
	}
	req.argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!req.argv) {
		*why = "out of memory";
		return -ENOMEM;
	}
	for (req.argc = 0; req.argc < (int)argc; req.argc++) {
		size_t n;

		err = rb_string(&rb, CTL_PROTO_MAX_ARG, &req.argv[req.argc], &n,
				why);
		if (err)
			goto err_free_req;
		if (!n && req.argc == 0) {
			free(req.argv[req.argc]);
			req.argv[req.argc] = NULL;
			*why = "empty command name";
			err = -EBADMSG;
			goto err_free_req;
		}
	}
	if (!rb_u32(&rb, &flags)) {
		*why = "truncated flags";
		err = -EBADMSG;
		goto err_free_req;
	}
	if (flags & ~CTL_PROTO_F_INPUT) {
		*why = "unknown flags";
		err = -EBADMSG;
		goto err_free_req;
	}
	err = rb_string(&rb, CTL_PROTO_MAX_BODY, &input, &ilen, why);
	if (err)
		goto err_free_req;
	if (!(flags & CTL_PROTO_F_INPUT) && ilen) {
		*why = "stdin text without the stdin flag";
		err = -EBADMSG;
		goto err_free_input;
	}
	if (rb.left) {
		*why = "trailing bytes after the last field";
		err = -EBADMSG;
		goto err_free_input;
	}
	if (flags & CTL_PROTO_F_INPUT) {
		req.input = input;
		req.input_len = ilen;
	} else {
		free(input);
	}
	*out = req;
	return 0;

err_free_input:
	free(input);
err_free_req:
	ctl_request_free(&req);
	return err;
}

/* Encode a reply or an event frame: a number, then two texts. */
static int encode_texts(uint32_t magic, uint32_t num, const char *out,
			size_t out_len, const char *err, size_t err_len,
			uint8_t **frame, size_t *len)
{
	struct wbuf wb;

	if ((out && memchr(out, '\0', out_len)) ||
	    (err && memchr(err, '\0', err_len)))
		return -EINVAL;
	wb_start(&wb, magic);
	wb_u32(&wb, num);
	wb_bytes(&wb, out, out ? out_len : 0);
	wb_bytes(&wb, err, err ? err_len : 0);
	return wb_finish(&wb, frame, len);
}

int ctl_proto_encode_reply(int code, const char *out, size_t out_len,
			   const char *err, size_t err_len, uint8_t **frame,
			   size_t *len)
{
	if (code < 0 || code > 255)
		return -EINVAL;
	return encode_texts(CTL_PROTO_REP_MAGIC, (uint32_t)code, out, out_len,
			    err, err_len, frame, len);
}

int ctl_proto_encode_events(uint32_t shown, const char *out, size_t out_len,
			    const char *err, size_t err_len, uint8_t **frame,
			    size_t *len)
{
	return encode_texts(CTL_PROTO_EVT_MAGIC, shown, out, out_len, err,
			    err_len, frame, len);
}

void ctl_reply_free(struct ctl_reply *rep)
{
	if (!rep)
		return;
	free(rep->out);
	free(rep->err);
	memset(rep, 0, sizeof(*rep));
}

void ctl_events_free(struct ctl_events *ev)
{
	if (!ev)
		return;
	free(ev->out);
	free(ev->err);
	memset(ev, 0, sizeof(*ev));
}

/*
 * Decode a number (at most max_num) and two texts. On success the texts
 * are the caller's; on error nothing is left allocated.
 */
static int decode_texts(const void *frame, size_t len, uint32_t magic,
			uint32_t max_num, uint32_t *num, char **out,
			size_t *out_len, char **err, size_t *err_len,
			const char **why)
{
	struct rbuf rb;
	int e;

	*out = *err = NULL;
	e = frame_body(frame, len, magic, &rb, why);
	if (e)
		return e;
	if (!rb_u32(&rb, num)) {
		*why = magic == CTL_PROTO_REP_MAGIC ? "truncated exit code"
						    : "truncated event count";
		return -EBADMSG;
	}
	if (*num > max_num) {
		*why = "exit code out of range";
		return -EBADMSG;
	}
	e = rb_string(&rb, CTL_PROTO_MAX_BODY, out, out_len, why);
	if (e)
		return e;
	e = rb_string(&rb, CTL_PROTO_MAX_BODY, err, err_len, why);
	if (e)
		goto err_free_out;
	if (rb.left) {
		*why = "trailing bytes after the last field";
		e = -EBADMSG;
		goto err_free_err;
	}
	return 0;

err_free_err:
	free(*err);
	*err = NULL;
err_free_out:
	free(*out);
	*out = NULL;
	return e;
}

int ctl_proto_decode_reply(const void *frame, size_t len,
			   struct ctl_reply *out, const char **why)
{
	struct ctl_reply rep = { 0 };
	uint32_t code;
	int e;

	e = decode_texts(frame, len, CTL_PROTO_REP_MAGIC, 255, &code,
			 &rep.out, &rep.out_len, &rep.err, &rep.err_len, why);
	if (e)
		return e;
	rep.code = (int)code;
	*out = rep;
	return 0;
}

int ctl_proto_decode_events(const void *frame, size_t len,
			    struct ctl_events *out, const char **why)
{
	struct ctl_events ev = { 0 };
	int e;

	e = decode_texts(frame, len, CTL_PROTO_EVT_MAGIC, UINT32_MAX,
			 &ev.shown, &ev.out, &ev.out_len, &ev.err,
			 &ev.err_len, why);
	if (e)
		return e;
	*out = ev;
	return 0;
}

uint32_t ctl_proto_frame_magic(const void *frame)
{
	return get_u32(frame);
}

int ctl_proto_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly n bytes, waiting at most timeout_ms for each chunk. */
static int read_full(int fd, uint8_t *p, size_t n, int timeout_ms)
{
	while (n) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;
		int pr;

		pr = poll(&pfd, 1, timeout_ms);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pr == 0)
			return -ETIMEDOUT;
		r = read(fd, p, n);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (r == 0)
			return -ECONNRESET;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int ctl_proto_recv_frame2(int fd, uint32_t magic, uint32_t alt,
			  int timeout_ms, uint8_t **frame, size_t *len,
			  const char **why)
{
	uint8_t hdr[CTL_PROTO_HDR_LEN];
	size_t flen;
	uint8_t *buf;
	int err;

	*why = NULL;
	err = read_full(fd, hdr, sizeof(hdr), timeout_ms);
	if (err)
		return err;
	err = ctl_proto_parse_header(hdr, get_u32(hdr) == alt ? alt : magic,
				     &flen, why);
	if (err)
		return err;
	buf = malloc(flen);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, hdr, sizeof(hdr));
	err = read_full(fd, buf + sizeof(hdr), flen - sizeof(hdr), timeout_ms);
	if (err) {
		free(buf);
		return err;
	}
	*frame = buf;
	*len = flen;
	return 0;
}

int ctl_proto_recv_frame(int fd, uint32_t magic, int timeout_ms,
			 uint8_t **frame, size_t *len, const char **why)
{
	return ctl_proto_recv_frame2(fd, magic, magic, timeout_ms, frame, len,
				     why);
}
