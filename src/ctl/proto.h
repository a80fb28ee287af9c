/* SPDX-License-Identifier: MIT */
/*
 * The control-socket protocol between `netsieve TOOL ...` (the client) and
 * `netsieve daemon`. Control path only; allocates.
 *
 * One connection carries one request and one reply; or, for a command
 * that streams (conntrack -E), one request and then event frames for as
 * long as the client stays connected (the daemon never sends a reply on
 * such a connection). Every message is a frame: an 8-byte header, then a
 * body.
 *
 *   header   4 bytes magic ("NSQ1" request, "NSR1" reply, "NSE1" events)
 *            u32 body length (big endian), at most CTL_PROTO_MAX_BODY
 *
 *   request  u32 argc (1..CTL_PROTO_MAX_ARGS)
 *            argc times: u32 len (0..CTL_PROTO_MAX_ARG), len bytes (no NUL);
 *            argv[0], the tool name, is never empty
 *            u32 flags (bit 0: stdin text present; other bits must be 0)
 *            u32 len, len bytes: the stdin text (no NUL; len 0 without
 *            the flag)
 *
 *   reply    u32 exit code (0..255)
 *            u32 len, len bytes: what the tool printed on stdout
 *            u32 len, len bytes: what it printed on stderr
 *
 *   events   u32 events shown so far on this stream (the tool's summary
 *            counts them), then stdout and stderr text as in a reply;
 *            the first event frame answers the request (its texts may
 *            be empty) and says the command now streams
 *
 * All integers are big endian. The decoders are strict: a length that runs
 * past the body, bytes left over after the last field, a NUL inside a
 * string, an unknown flag or a count over a cap is an error with a reason,
 * and nothing is allocated that the caller must free after an error.
 */
#ifndef NS_CTL_PROTO_H
#define NS_CTL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define CTL_PROTO_HDR_LEN 8u
#define CTL_PROTO_MAX_BODY (16u << 20)  /* 16 MiB: a large restore file */
#define CTL_PROTO_MAX_ARGS 4096u       /* as the command language */
#define CTL_PROTO_MAX_ARG 8192u        /* bytes in one argument */

#define CTL_PROTO_REQ_MAGIC 0x4e535131u /* "NSQ1" */
#define CTL_PROTO_REP_MAGIC 0x4e535231u /* "NSR1" */
#define CTL_PROTO_EVT_MAGIC 0x4e534531u /* "NSE1" */

#define CTL_PROTO_F_INPUT 0x1u

/* A decoded request. Strings are malloc'd and NUL-terminated. */
struct ctl_request {
	int argc;
	char **argv;            /* argc entries plus a NULL */
	char *input;            /* stdin text, NULL when none was sent */
	size_t input_len;
};

/* A decoded reply. out/err are malloc'd, NUL-terminated, never NULL. */
struct ctl_reply {
	int code;
	char *out;
	size_t out_len;
	char *err;
	size_t err_len;
};

/*
 * Check a frame header: the magic must be `magic` and the body length at
 * most CTL_PROTO_MAX_BODY. Fills *frame_len with header + body length.
 * Returns 0, or -EBADMSG/-EMSGSIZE with *why set to a static reason.
 */
int ctl_proto_parse_header(const void *hdr, uint32_t magic, size_t *frame_len,
			   const char **why);

/*
 * Encode a request frame. argv[0..argc-1] are the words (argv[0] names the
 * tool); input is the stdin text or NULL. On success *frame (malloc'd, the
 * caller frees) and *len are set. Returns 0, -EINVAL (argc < 1, a NULL
 * word, an empty argv[0], NUL in input), -E2BIG (over a cap) or -ENOMEM.
 */
int ctl_proto_encode_request(int argc, char *const *argv, const char *input,
			     size_t input_len, uint8_t **frame, size_t *len);

/*
 * Decode a whole request frame (header included). On success fills *req
 * (the caller releases it with ctl_request_free()). Returns 0, -EBADMSG,
 * -EMSGSIZE or -ENOMEM with *why set; *req is untouched on error.
 */
int ctl_proto_decode_request(const void *frame, size_t len,
			     struct ctl_request *req, const char **why);
void ctl_request_free(struct ctl_request *req);

/*
 * Encode a reply frame. code must be 0..255. out/err may be NULL (empty).
 * Returns 0, -EINVAL, -E2BIG or -ENOMEM; *frame is malloc'd on success.
 */
int ctl_proto_encode_reply(int code, const char *out, size_t out_len,
			   const char *err, size_t err_len, uint8_t **frame,
			   size_t *len);

/* Decode a whole reply frame, as ctl_proto_decode_request(). */
int ctl_proto_decode_reply(const void *frame, size_t len,
			   struct ctl_reply *rep, const char **why);
void ctl_reply_free(struct ctl_reply *rep);

/* A decoded event frame. out/err are malloc'd, NUL-terminated, never NULL. */
struct ctl_events {
	uint32_t shown;
	char *out;
	size_t out_len;
	char *err;
	size_t err_len;
};

/*
 * Encode an event frame: shown is the stream's count of events shown so
 * far, out/err the text since the previous frame (NULL: empty). Returns
 * 0, -EINVAL (a NUL in a text), -E2BIG or -ENOMEM; *frame is malloc'd.
 */
int ctl_proto_encode_events(uint32_t shown, const char *out, size_t out_len,
			    const char *err, size_t err_len, uint8_t **frame,
			    size_t *len);

/* Decode a whole event frame, as ctl_proto_decode_request(). */
int ctl_proto_decode_events(const void *frame, size_t len,
			    struct ctl_events *ev, const char **why);
void ctl_events_free(struct ctl_events *ev);

/* The magic of a frame ctl_proto_recv_frame*() returned. */
uint32_t ctl_proto_frame_magic(const void *frame);

/*
 * Blocking helpers for the client: write all of buf; read one whole frame
 * with the given magic, waiting at most timeout_ms for each chunk (-1: no
 * limit). ctl_proto_recv_frame() fills *frame (malloc'd) and *len.
 * Return 0 or a negative errno (-ETIMEDOUT, -ECONNRESET for a peer that
 * closed early, -EBADMSG with *why for a bad header).
 */
int ctl_proto_write_all(int fd, const void *buf, size_t len);
int ctl_proto_recv_frame(int fd, uint32_t magic, int timeout_ms,
			 uint8_t **frame, size_t *len, const char **why);
/*
 * As ctl_proto_recv_frame(), accepting either magic (a client waiting for
 * a reply or the first event frame); ctl_proto_frame_magic() tells which.
 */
int ctl_proto_recv_frame2(int fd, uint32_t magic, uint32_t alt,
			  int timeout_ms, uint8_t **frame, size_t *len,
			  const char **why);

#endif
