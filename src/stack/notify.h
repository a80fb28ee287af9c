/* SPDX-License-Identifier: MIT */
/*
 * Address and device events for the layers above the stack, as the
 * kernel's inetaddr and netdevice notifier chains: MASQUERADE (src/nat)
 * forgets the bindings of an address that went away. The stack calls
 * stack_notify() when an IPv4 address is deleted (each one, the
 * secondaries a primary takes along included) and when a device goes down
 * or is deleted; it knows its listeners only through this list. Control
 * path: the callbacks run on the thread changing the configuration, with
 * ctl_lock held, in registration order.
 */
#ifndef NS_STACK_NOTIFY_H
#define NS_STACK_NOTIFY_H

#include <stdint.h>

struct net;

enum stack_event {
	STACK_EV_ADDR_DEL = 1,  /* addr left ifindex */
	STACK_EV_DEV_DOWN,      /* ifindex went down or away; addr 0 */
};

struct stack_notifier {
	void (*fn)(struct stack_notifier *n, struct net *net,
		   enum stack_event ev, int ifindex, uint32_t addr);
	struct stack_notifier *next;    /* the list's, not the caller's */
};

/*
 * Add or remove a listener, for every net of the process (the kernel's
 * chains are global too). The caller owns n and keeps it until it is
 * unregistered. Any thread but from inside a callback.
 */
void stack_notifier_register(struct stack_notifier *n);
void stack_notifier_unregister(struct stack_notifier *n);

/* Tell every listener (addr in network byte order). Control path. */
void stack_notify(struct net *net, enum stack_event ev, int ifindex,
		  uint32_t addr);

#endif
