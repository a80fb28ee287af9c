/* SPDX-License-Identifier: MIT */
/*
 * The sysctl knobs of a stack instance by their kernel names: the global
 * ones (struct net_sysctl) and the per-interface net.ipv4.conf.NAME.*
 * ones (struct netdev), with the kernel's defaults, value checks and the
 * kernel's propagation rules (writing ip_forward sets every interface,
 * conf.default reaches interfaces not set explicitly). Control path:
 * changes go to the command's draft (stack/conf.h).
 */
#ifndef NS_STACK_SYSCTL_H
#define NS_STACK_SYSCTL_H

#include <stddef.h>

struct net;
struct netdev;

struct stack_sysctl;

/*
 * A knob an upper layer owns (conntrack's net.netfilter.nf_conntrack_*),
 * registered once per process with stack_sysctl_register() from a
 * constructor. get/set read and write the owner's own state; set gets a
 * value already checked against [min, max] and may refuse it (-EINVAL,
 * as for a read-only knob). Control path, under ctl_lock.
 */
struct stack_sysctl_ext {
	const char *name;
	long min, max;
	long (*get)(struct net *net, const struct stack_sysctl_ext *k);
	int (*set)(struct net *net, const struct stack_sysctl_ext *k, long v);
	unsigned long arg;     /* the owner's own (a field offset, an index) */
};
void stack_sysctl_register(const struct stack_sysctl_ext *knobs, unsigned n);

/* One knob of one net: a global knob, or a per-interface one and its dev. */
struct stack_sysctl_ref {
	const struct stack_sysctl *k;
	const struct stack_sysctl_ext *ext;  /* instead of k */
	struct netdev *dev;     /* per-interface knobs */
	char name[96];          /* the canonical dotted name */
};

/* Resolve name ("net.ipv4.ip_forward", "net/ipv4/conf/eth0/forwarding"). */
int stack_sysctl_lookup(struct net *net, const char *name,
			struct stack_sysctl_ref *ref);
long stack_sysctl_get(struct net *net, const struct stack_sysctl_ref *ref);
/* Parse and set; -EINVAL for a malformed or out-of-range value. */
int stack_sysctl_set(struct net *net, const struct stack_sysctl_ref *ref,
		     const char *value);
/* Every knob, sorted by name. */
void stack_sysctl_walk(struct net *net,
		       void (*fn)(void *priv, const struct stack_sysctl_ref *),
		       void *priv);
/* Kernel defaults for a new net / a new interface. */
void stack_sysctl_defaults(struct net *net);
void stack_sysctl_dev_defaults(struct net *net, struct netdev *dev);

#endif
