// SPDX-License-Identifier: MIT
/*
 * Occasional RCU readers (rcu.h): lazy registration of a thread with
 * liburcu-qsbr, unregistered by a thread-specific-data destructor when the
 * thread exits. Runs on whatever thread calls it.
 */
#include "base/rcu.h"

#include <pthread.h>
#include <stdbool.h>

static pthread_key_t reader_key;
static pthread_once_t reader_once = PTHREAD_ONCE_INIT;
static __thread int reader_state; /* 0 unknown, 1 ours, 2 a worker's */

static void reader_gone(void *arg)
{
	(void)arg;
	rcu_unregister_thread();
}

static void reader_key_init(void)
{
	(void)pthread_key_create(&reader_key, reader_gone);
}

void ns_rcu_reader_enter(void)
{
	if (reader_state == 1) {
		rcu_thread_online();
		return;
	}
	if (reader_state == 2)
		return;
	if (rcu_read_ongoing()) {
		/* Registered (and online) by its owner: a worker. */
		reader_state = 2;
		return;
	}
	pthread_once(&reader_once, reader_key_init);
	rcu_register_thread();
	(void)pthread_setspecific(reader_key, (void *)1);
	reader_state = 1;
}

void ns_rcu_reader_leave(void)
{
	if (reader_state == 1)
		rcu_thread_offline();
}
