/* SPDX-License-Identifier: MIT */
/*
 * The sysctl knob table of the stack (net.ipv4.*), shared by the stack
 * (defaults) and the sysctl tool. Control path.
 */
#ifndef NS_STACK_SYSCTL_H
#define NS_STACK_SYSCTL_H

#include <stddef.h>

struct net;

struct stack_sysctl {
	const char *name;   /* "net.ipv4.ip_forward" */
	size_t off;         /* int field in struct net_sysctl */
	long min, max;      /* accepted values (proc_dointvec_minmax) */
	int def;            /* the kernel's default */
};

/* All knobs, sorted by name; *n gets the count. */
const struct stack_sysctl *stack_sysctl_table(unsigned int *n);
/* The knob called name, or NULL. */
const struct stack_sysctl *stack_sysctl_find(const char *name);
void stack_sysctl_defaults(struct net *net);
int stack_sysctl_get(struct net *net, const struct stack_sysctl *k);
/* Parse and set; -EINVAL for a malformed or out-of-range value. */
int stack_sysctl_set(struct net *net, const struct stack_sysctl *k,
		     const char *value);

#endif
