// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the control-socket message decoders. The input is
 * taken as a whole frame (request, reply and event decoders), and its first 8
 * bytes as a header. A decoded request is re-encoded and must decode to
 * the same words and stdin text. Any crash, leak or sanitizer report is a
 * bug.
 */
#include "ctl/proto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request req, again;
	struct ctl_reply rep;
	struct ctl_events ev;
	const char *why;
	uint8_t *frame;
	size_t flen;
	int i;

	if (size >= CTL_PROTO_HDR_LEN)
		(void)ctl_proto_parse_header(data, CTL_PROTO_REQ_MAGIC, &flen,
					     &why);
	if (!ctl_proto_decode_request(data, size, &req, &why)) {
		if (ctl_proto_encode_request(req.argc, req.argv, req.input,
					     req.input_len, &frame, &flen))
			abort();
		if (ctl_proto_decode_request(frame, flen, &again, &why))
			abort();
		if (again.argc != req.argc || !again.input != !req.input)
			abort();
		for (i = 0; i < req.argc; i++)
			if (strcmp(again.argv[i], req.argv[i]))
				abort();
		if (req.input && strcmp(again.input, req.input))
			abort();
		ctl_request_free(&again);
		free(frame);
		ctl_request_free(&req);
	}
	if (!ctl_proto_decode_reply(data, size, &rep, &why))
		ctl_reply_free(&rep);
	if (!ctl_proto_decode_events(data, size, &ev, &why))
		ctl_events_free(&ev);
	return 0;
}
