/* SPDX-License-Identifier: MIT */
/*
 * A test environment for suites that drive the tools as a user types them:
 * one struct net plus the output and error text of the last command.
 * setup()/teardown() are cmocka fixtures; run() returns the exit code, ok()
 * fails the test with the tool's message when the command fails.
 * Include after <cmocka.h>.
 */
#ifndef NS_TESTS_CMD_ENV_H
#define NS_TESTS_CMD_ENV_H

#include <stdlib.h>

#include <netsieve/netsieve.h>

#include "base/sbuf.h"
#include "ctl/ctl.h"

struct env {
	struct net *net;
	struct sbuf out, err;
};

static __attribute__((unused)) int run(struct env *e, const char *line)
{
	sbuf_reset(&e->out);
	sbuf_reset(&e->err);
	return ctl_exec_line(e->net, line, NULL, &e->out, &e->err);
}

static __attribute__((unused)) void ok(struct env *e, const char *line)
{
	if (run(e, line))
		fail_msg("%s: %s", line, sbuf_str(&e->err));
}

static __attribute__((unused)) int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	assert_int_equal(ns_net_create(&e->net), 0);
	sbuf_init(&e->out);
	sbuf_init(&e->err);
	*state = e;
	return 0;
}

static __attribute__((unused)) int teardown(void **state)
{
	struct env *e = *state;

	sbuf_free(&e->out);
	sbuf_free(&e->err);
	ns_net_destroy(e->net);
	free(e);
	return 0;
}

#endif
