// SPDX-License-Identifier: MIT
/*
 * Control-socket protocol: round trips, and the strict decoders against
 * truncated, oversized, garbage and subtly malformed messages (every prefix
 * of a valid frame, every single-byte corruption, random bytes). The
 * decoders must return an error, never crash, and leak nothing (ASan).
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
#include <sys/socket.h>
#include <unistd.h>

#include "ctl/proto.h"

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

/* Build a request body by hand: a list of (len, bytes) and trailing parts. */
struct raw {
	uint8_t b[1 << 16];
	size_t n;
};

static void raw_u32(struct raw *r, uint32_t v)
{
	put32(r->b + r->n, v);
	r->n += 4;
}

static void raw_str(struct raw *r, const char *s)
{
	size_t n = strlen(s);

	raw_u32(r, (uint32_t)n);
	memcpy(r->b + r->n, s, n);
	r->n += n;
}

static void raw_start(struct raw *r, uint32_t magic)
{
	r->n = 0;
	raw_u32(r, magic);
	raw_u32(r, 0);
}

static void raw_finish(struct raw *r)
{
	put32(r->b + 4, (uint32_t)(r->n - CTL_PROTO_HDR_LEN));
}

static int decode_raw(struct raw *r, const char **why)
{
	struct ctl_request req;
	int e;

	*why = NULL;
	e = ctl_proto_decode_request(r->b, r->n, &req, why);
	if (!e)
		ctl_request_free(&req);
	else
		assert_non_null(*why);
	return e;
}

static void test_request_roundtrip(void **state)
{
	char *argv[] = { "iptables", "-A", "INPUT", "-m", "comment",
			 "--comment", "", "-j", "DROP", NULL };
	struct ctl_request req;
	const char *why = NULL;
	uint8_t *f;
	size_t len;
	int i;

	(void)state;
	assert_int_equal(ctl_proto_encode_request(9, argv, NULL, 0, &f, &len),
			 0);
	assert_int_equal(ctl_proto_decode_request(f, len, &req, &why), 0);
	assert_int_equal(req.argc, 9);
	for (i = 0; i < 9; i++)
		assert_string_equal(req.argv[i], argv[i]);
	assert_null(req.argv[9]);
	assert_null(req.input);
	ctl_request_free(&req);
	free(f);
}

static void test_request_with_input(void **state)
{
	char *argv[] = { "iptables-restore", "-n" };
	const char *text = "*filter\n-A INPUT -j ACCEPT\nCOMMIT\n";
	struct ctl_request req;
	const char *why;
	uint8_t *f;
	size_t len;

	(void)state;
	assert_int_equal(ctl_proto_encode_request(2, argv, text, strlen(text),
						  &f, &len), 0);
	assert_int_equal(ctl_proto_decode_request(f, len, &req, &why), 0);
	assert_int_equal(req.argc, 2);
	assert_non_null(req.input);
	assert_int_equal(req.input_len, strlen(text));
	assert_string_equal(req.input, text);
	ctl_request_free(&req);
	free(f);

	/* Empty stdin is still stdin (iptables-restore < /dev/null). */
	assert_int_equal(ctl_proto_encode_request(1, argv, "", 0, &f, &len), 0);
	assert_int_equal(ctl_proto_decode_request(f, len, &req, &why), 0);
	assert_non_null(req.input);
	assert_string_equal(req.input, "");
	ctl_request_free(&req);
	free(f);
}

static void test_reply_roundtrip(void **state)
{
	struct ctl_reply rep;
	const char *why;
	uint8_t *f;
	size_t len;

	(void)state;
	assert_int_equal(ctl_proto_encode_reply(1, "out\n", 4, "bad rule\n", 9,
						&f, &len), 0);
	assert_int_equal(ctl_proto_decode_reply(f, len, &rep, &why), 0);
	assert_int_equal(rep.code, 1);
	assert_string_equal(rep.out, "out\n");
	assert_string_equal(rep.err, "bad rule\n");
	ctl_reply_free(&rep);
	free(f);

	assert_int_equal(ctl_proto_encode_reply(0, NULL, 0, NULL, 0, &f, &len),
			 0);
	assert_int_equal(ctl_proto_decode_reply(f, len, &rep, &why), 0);
	assert_string_equal(rep.out, "");
	assert_string_equal(rep.err, "");
	ctl_reply_free(&rep);
	free(f);

	assert_int_equal(ctl_proto_encode_reply(256, NULL, 0, NULL, 0, &f,
						&len), -EINVAL);
	assert_int_equal(ctl_proto_encode_reply(-1, NULL, 0, NULL, 0, &f,
						&len), -EINVAL);
	/* A request frame is not a reply and vice versa. */
	{
		char *argv[] = { "ip" };
		struct ctl_request req;

		assert_int_equal(ctl_proto_encode_request(1, argv, NULL, 0, &f,
							  &len), 0);
		assert_int_equal(ctl_proto_decode_reply(f, len, &rep, &why),
				 -EBADMSG);
		free(f);
		assert_int_equal(ctl_proto_encode_reply(0, "x", 1, NULL, 0, &f,
							&len), 0);
		assert_int_equal(ctl_proto_decode_request(f, len, &req, &why),
				 -EBADMSG);
		free(f);
	}
}

static void test_encode_limits(void **state)
{
	char *argv[CTL_PROTO_MAX_ARGS + 1];
	char *big;
	uint8_t *f;
	size_t len;
	unsigned i;

	(void)state;
	for (i = 0; i <= CTL_PROTO_MAX_ARGS; i++)
		argv[i] = "x";
	assert_int_equal(ctl_proto_encode_request(CTL_PROTO_MAX_ARGS + 1, argv,
						  NULL, 0, &f, &len), -E2BIG);
	assert_int_equal(ctl_proto_encode_request(CTL_PROTO_MAX_ARGS, argv,
						  NULL, 0, &f, &len), 0);
	free(f);
	assert_int_equal(ctl_proto_encode_request(0, argv, NULL, 0, &f, &len),
			 -EINVAL);
	argv[0] = "";
	assert_int_equal(ctl_proto_encode_request(1, argv, NULL, 0, &f, &len),
			 -EINVAL);
	argv[0] = NULL;
	assert_int_equal(ctl_proto_encode_request(1, argv, NULL, 0, &f, &len),
			 -EINVAL);

	big = malloc(CTL_PROTO_MAX_ARG + 2);
	assert_non_null(big);
	memset(big, 'a', CTL_PROTO_MAX_ARG + 1);
	big[CTL_PROTO_MAX_ARG + 1] = '\0';
	argv[0] = "iptables";
	argv[1] = big;
	assert_int_equal(ctl_proto_encode_request(2, argv, NULL, 0, &f, &len),
			 -E2BIG);
	big[CTL_PROTO_MAX_ARG] = '\0';
	assert_int_equal(ctl_proto_encode_request(2, argv, NULL, 0, &f, &len),
			 0);
	free(f);
	free(big);

	/* stdin over the body cap; a NUL inside stdin. */
	big = malloc(CTL_PROTO_MAX_BODY + 1);
	assert_non_null(big);
	memset(big, 'r', CTL_PROTO_MAX_BODY);
	big[CTL_PROTO_MAX_BODY] = '\0';
	assert_int_equal(ctl_proto_encode_request(1, argv, big,
						  CTL_PROTO_MAX_BODY, &f, &len),
			 -E2BIG);
	assert_int_equal(ctl_proto_encode_reply(0, big, CTL_PROTO_MAX_BODY,
						NULL, 0, &f, &len), -E2BIG);
	free(big);
	assert_int_equal(ctl_proto_encode_request(1, argv, "a\0b", 3, &f, &len),
			 -EINVAL);
}

static void test_header(void **state)
{
	uint8_t h[8];
	const char *why;
	size_t flen;

	(void)state;
	put32(h, CTL_PROTO_REQ_MAGIC);
	put32(h + 4, 12);
	assert_int_equal(ctl_proto_parse_header(h, CTL_PROTO_REQ_MAGIC, &flen,
						&why), 0);
	assert_int_equal(flen, 20);
	put32(h + 4, CTL_PROTO_MAX_BODY);
	assert_int_equal(ctl_proto_parse_header(h, CTL_PROTO_REQ_MAGIC, &flen,
						&why), 0);
	put32(h + 4, CTL_PROTO_MAX_BODY + 1);
	assert_int_equal(ctl_proto_parse_header(h, CTL_PROTO_REQ_MAGIC, &flen,
						&why), -EMSGSIZE);
	put32(h + 4, 0xffffffffu);
	assert_int_equal(ctl_proto_parse_header(h, CTL_PROTO_REQ_MAGIC, &flen,
						&why), -EMSGSIZE);
	memcpy(h, "GET ", 4);
	assert_int_equal(ctl_proto_parse_header(h, CTL_PROTO_REQ_MAGIC, &flen,
						&why), -EBADMSG);
	put32(h, CTL_PROTO_REP_MAGIC);
	assert_int_equal(ctl_proto_parse_header(h, CTL_PROTO_REQ_MAGIC, &flen,
						&why), -EBADMSG);
}

/* Every strict prefix of a valid frame is rejected. */
static void test_truncated(void **state)
{
	char *argv[] = { "iptables-restore", "--noflush" };
	const char *text = "*filter\nCOMMIT\n";
	struct ctl_request req;
	struct ctl_reply rep;
	const char *why;
	uint8_t *f, *copy;
	size_t len, i;

	(void)state;
	assert_int_equal(ctl_proto_encode_request(2, argv, text, strlen(text),
						  &f, &len), 0);
	for (i = 0; i < len; i++) {
		/* A fresh allocation of exactly i bytes, so ASan sees reads. */
		copy = malloc(i ? i : 1);
		memcpy(copy, f, i);
		why = NULL;
		assert_int_not_equal(ctl_proto_decode_request(copy, i, &req,
							      &why), 0);
		assert_non_null(why);
		/* Same bytes, header claiming exactly what is there. */
		if (i >= CTL_PROTO_HDR_LEN) {
			put32(copy + 4, (uint32_t)(i - CTL_PROTO_HDR_LEN));
			assert_int_not_equal(
				ctl_proto_decode_request(copy, i, &req, &why),
				0);
		}
		free(copy);
	}
	free(f);

	assert_int_equal(ctl_proto_encode_reply(3, "abc", 3, "de", 2, &f,
						&len), 0);
	for (i = 0; i < len; i++) {
		copy = malloc(i ? i : 1);
		memcpy(copy, f, i);
		assert_int_not_equal(ctl_proto_decode_reply(copy, i, &rep,
							    &why), 0);
		if (i >= CTL_PROTO_HDR_LEN) {
			put32(copy + 4, (uint32_t)(i - CTL_PROTO_HDR_LEN));
			assert_int_not_equal(
				ctl_proto_decode_reply(copy, i, &rep, &why), 0);
		}
		free(copy);
	}
	free(f);
	assert_int_not_equal(ctl_proto_decode_request(NULL, 0, &req, &why), 0);
}

static void test_malformed(void **state)
{
	struct raw *r = malloc(sizeof(*r));
	const char *why;

	(void)state;
	/* argc 0 */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 0);
	raw_u32(r, 0);
	raw_u32(r, 0);
	raw_finish(r);
	assert_int_equal(decode_raw(r, &why), -EBADMSG);

	/* argc huge */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 0xffffffffu);
	raw_finish(r);
	assert_int_equal(decode_raw(r, &why), -EMSGSIZE);

	/* argc larger than the bytes that follow */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 1000);
	raw_str(r, "iptables");
	raw_u32(r, 0);
	raw_u32(r, 0);
	raw_finish(r);
	assert_int_equal(decode_raw(r, &why), -EBADMSG);

	/* argument length over the cap */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 2);
	raw_str(r, "iptables");
	raw_u32(r, CTL_PROTO_MAX_ARG + 1);
	memset(r->b + r->n, 'a', CTL_PROTO_MAX_ARG + 1);
	r->n += CTL_PROTO_MAX_ARG + 1;
	raw_u32(r, 0);
	raw_u32(r, 0);
	raw_finish(r);
	assert_int_equal(decode_raw(r, &why), -EMSGSIZE);

	/* argument length past the end */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 1);
	raw_u32(r, 100);
	memcpy(r->b + r->n, "ip", 2);
	r->n += 2;
	raw_finish(r);
	assert_int_equal(decode_raw(r, &why), -EBADMSG);

	/* NUL inside an argument */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 1);
	raw_u32(r, 3);
	memcpy(r->b + r->n, "i\0p", 3);
	r->n += 3;
	raw_u32(r, 0);
	raw_u32(r, 0);
	raw_finish(r);
	assert_int_equal(decode_raw(r, &why), -EBADMSG);

	/* empty tool name */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 1);
	raw_u32(r, 0);
	raw_u32(r, 0);
	raw_u32(r, 0);
	raw_finish(r);
	assert_int_equal(decode_raw(r, &why), -EBADMSG);

	/* unknown flag */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 1);
	raw_str(r, "ip");
	raw_u32(r, 0x80);
	raw_u32(r, 0);
	raw_finish(r);
	assert_int_equal(decode_raw(r, &why), -EBADMSG);

	/* stdin text without the flag */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 1);
	raw_str(r, "ip");
	raw_u32(r, 0);
	raw_str(r, "sneaky");
	raw_finish(r);
	assert_int_equal(decode_raw(r, &why), -EBADMSG);

	/* NUL in stdin */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 1);
	raw_str(r, "iptables-restore");
	raw_u32(r, CTL_PROTO_F_INPUT);
	raw_u32(r, 3);
	memcpy(r->b + r->n, "a\0b", 3);
	r->n += 3;
	raw_finish(r);
	assert_int_equal(decode_raw(r, &why), -EBADMSG);

	/* trailing bytes inside the body */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 1);
	raw_str(r, "ip");
	raw_u32(r, 0);
	raw_u32(r, 0);
	raw_u32(r, 0xdeadbeef);
	raw_finish(r);
	assert_int_equal(decode_raw(r, &why), -EBADMSG);

	/* bytes after the frame the header announced */
	raw_start(r, CTL_PROTO_REQ_MAGIC);
	raw_u32(r, 1);
	raw_str(r, "ip");
	raw_u32(r, 0);
	raw_u32(r, 0);
	raw_finish(r);
	r->b[r->n++] = 'x';
	assert_int_equal(decode_raw(r, &why), -EBADMSG);

	/* and the same frame without the extra byte is fine */
	r->n--;
	assert_int_equal(decode_raw(r, &why), 0);

	/* reply: exit code out of range, trailing bytes */
	raw_start(r, CTL_PROTO_REP_MAGIC);
	raw_u32(r, 256);
	raw_u32(r, 0);
	raw_u32(r, 0);
	raw_finish(r);
	{
		struct ctl_reply rep;

		assert_int_equal(ctl_proto_decode_reply(r->b, r->n, &rep, &why),
				 -EBADMSG);
		put32(r->b + 8, 0);
		assert_int_equal(ctl_proto_decode_reply(r->b, r->n, &rep, &why),
				 0);
		ctl_reply_free(&rep);
		r->b[r->n] = 0;
		r->n++;
		raw_finish(r);
		assert_int_equal(ctl_proto_decode_reply(r->b, r->n, &rep, &why),
				 -EBADMSG);
	}
	free(r);
}

/* Event frames: any count, two texts; not a reply; either magic read. */
static void test_events(void **state)
{
	struct ctl_events ev;
	struct ctl_reply rep;
	const char *why;
	uint8_t *f, *g, *r;
	size_t len, glen, rlen;
	int sv[2];

	(void)state;
	assert_int_equal(ctl_proto_encode_events(70000, "[NEW] x\n", 8,
						 "WARNING\n", 8, &f, &len), 0);
	assert_int_equal(ctl_proto_frame_magic(f), CTL_PROTO_EVT_MAGIC);
	assert_int_equal(ctl_proto_decode_events(f, len, &ev, &why), 0);
	assert_int_equal(ev.shown, 70000);
	assert_string_equal(ev.out, "[NEW] x\n");
	assert_string_equal(ev.err, "WARNING\n");
	ctl_events_free(&ev);
	assert_int_equal(ctl_proto_decode_reply(f, len, &rep, &why), -EBADMSG);
	assert_int_equal(ctl_proto_decode_events(f, len - 1, &ev, &why),
			 -EBADMSG);
	assert_int_equal(ctl_proto_encode_events(0, "a\0b", 3, NULL, 0, &g,
						 &glen), -EINVAL);

	/* The client reads a reply or an event frame; nothing else. */
	assert_int_equal(ctl_proto_encode_reply(3, NULL, 0, NULL, 0, &g,
						&glen), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[0], f, len), (ssize_t)len);
	assert_int_equal(write(sv[0], g, glen), (ssize_t)glen);
	assert_int_equal(ctl_proto_recv_frame2(sv[1], CTL_PROTO_REP_MAGIC,
					       CTL_PROTO_EVT_MAGIC, 1000, &r,
					       &rlen, &why), 0);
	assert_int_equal(ctl_proto_frame_magic(r), CTL_PROTO_EVT_MAGIC);
	assert_int_equal(rlen, len);
	free(r);
	assert_int_equal(ctl_proto_recv_frame2(sv[1], CTL_PROTO_REP_MAGIC,
					       CTL_PROTO_EVT_MAGIC, 1000, &r,
					       &rlen, &why), 0);
	assert_int_equal(ctl_proto_frame_magic(r), CTL_PROTO_REP_MAGIC);
	free(r);
	free(g);
	assert_int_equal(ctl_proto_encode_request(1, (char *[]){ "ip" }, NULL,
						  0, &g, &glen), 0);
	assert_int_equal(write(sv[0], g, glen), (ssize_t)glen);
	assert_int_equal(ctl_proto_recv_frame2(sv[1], CTL_PROTO_REP_MAGIC,
					       CTL_PROTO_EVT_MAGIC, 1000, &r,
					       &rlen, &why), -EBADMSG);
	assert_non_null(why);
	free(g);
	close(sv[0]);
	close(sv[1]);
	free(f);
}

/* Flip each byte of a valid frame to several values: error or success,
 * never a crash; on success the result is self-consistent. */
static void test_corrupted(void **state)
{
	char *argv[] = { "iptables", "-A", "FORWARD", "-j", "REJECT" };
	const char *text = "x\n";
	static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	struct ctl_request req;
	const char *why;
	uint8_t *f, *copy;
	size_t len, i, v;
	int ok = 0;

	(void)state;
	assert_int_equal(ctl_proto_encode_request(5, argv, text, 2, &f, &len),
			 0);
	copy = malloc(len);
	for (i = 0; i < len; i++) {
		for (v = 0; v < sizeof(vals); v++) {
			memcpy(copy, f, len);
			if (copy[i] == vals[v])
				continue;
			copy[i] = vals[v];
			if (ctl_proto_decode_request(copy, len, &req, &why)) {
				assert_non_null(why);
				continue;
			}
			/* Only a byte inside a string may change and pass. */
			assert_int_equal(req.argc, 5);
			assert_non_null(req.argv[0]);
			assert_null(req.argv[5]);
			ok++;
			ctl_request_free(&req);
		}
	}
	assert_true(ok > 0);
	free(copy);
	free(f);
}

/* Random garbage, seeded: always an error, never a crash. */
static void test_garbage(void **state)
{
	struct ctl_request req;
	struct ctl_reply rep;
	struct ctl_events ev;
	const char *why;
	uint8_t buf[512];
	unsigned seed = 12345;
	int round, i;

	(void)state;
	for (round = 0; round < 20000; round++) {
		size_t n = (size_t)(rand_r(&seed) % sizeof(buf));

		for (i = 0; i < (int)n; i++)
			buf[i] = (uint8_t)rand_r(&seed);
		/* Half the time with a valid header, to reach the body. */
		if (n >= 8 && (round & 1)) {
			put32(buf, round & 2 ? CTL_PROTO_REQ_MAGIC
					     : CTL_PROTO_REP_MAGIC);
			put32(buf + 4, (uint32_t)(n - 8));
		}
		if (!ctl_proto_decode_request(buf, n, &req, &why))
			ctl_request_free(&req);
		if (!ctl_proto_decode_reply(buf, n, &rep, &why))
			ctl_reply_free(&rep);
		if (n >= 8 && (round & 3) == 3)
			put32(buf, CTL_PROTO_EVT_MAGIC);
		if (!ctl_proto_decode_events(buf, n, &ev, &why))
			ctl_events_free(&ev);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_roundtrip),
		cmocka_unit_test(test_request_with_input),
		cmocka_unit_test(test_reply_roundtrip),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests_name("proto", tests, NULL, NULL);
}
