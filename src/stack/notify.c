// SPDX-License-Identifier: MIT
/*
 * The stack's event listeners (notify.h): one process-wide list under a
 * mutex, walked on the control path when an address or a device goes.
 */
#include "stack/notify.h"

#include <pthread.h>
#include <stddef.h>

static pthread_mutex_t notify_lock = PTHREAD_MUTEX_INITIALIZER;
static struct stack_notifier *notify_list;

void stack_notifier_register(struct stack_notifier *n)
{
	struct stack_notifier **p;

	pthread_mutex_lock(&notify_lock);
	for (p = &notify_list; *p; p = &(*p)->next)
		;
	n->next = NULL;
	*p = n;
	pthread_mutex_unlock(&notify_lock);
}

void stack_notifier_unregister(struct stack_notifier *n)
{
	struct stack_notifier **p;

	pthread_mutex_lock(&notify_lock);
	for (p = &notify_list; *p; p = &(*p)->next) {
		if (*p == n) {
			*p = n->next;
			break;
		}
	}
	pthread_mutex_unlock(&notify_lock);
}

void stack_notify(struct net *net, enum stack_event ev, int ifindex,
		  uint32_t addr)
{
	struct stack_notifier *n;

	pthread_mutex_lock(&notify_lock);
	for (n = notify_list; n; n = n->next)
		n->fn(n, net, ev, ifindex, addr);
	pthread_mutex_unlock(&notify_lock);
}
