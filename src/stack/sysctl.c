// SPDX-License-Identifier: MIT
/*
 * The sysctl knobs of a stack instance (struct net_sysctl), by their
 * kernel names, with the kernel's defaults and value checks. Control path:
 * callers hold stack_lock around stack_sysctl_set().
 */
#include "stack/sysctl.h"

#include "core/net.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define KNOB(n, f, lo, hi, d) \
	{ n, offsetof(struct net_sysctl, f), lo, hi, d }

static const struct stack_sysctl knobs[] = {
	KNOB("net.ipv4.conf.all.forwarding", ip_forward, INT_MIN, INT_MAX, 0),
	KNOB("net.ipv4.conf.all.send_redirects", send_redirects_all, INT_MIN,
	     INT_MAX, 1),
	KNOB("net.ipv4.conf.default.send_redirects", send_redirects_default,
	     INT_MIN, INT_MAX, 1),
	KNOB("net.ipv4.icmp_echo_ignore_all", icmp_echo_ignore_all, 0, 1, 0),
	KNOB("net.ipv4.icmp_echo_ignore_broadcasts",
	     icmp_echo_ignore_broadcasts, 0, 1, 1),
	KNOB("net.ipv4.icmp_errors_use_inbound_ifaddr",
	     icmp_errors_use_inbound_ifaddr, 0, 1, 0),
	KNOB("net.ipv4.icmp_msgs_burst", icmp_msgs_burst, 0, INT_MAX, 50),
	KNOB("net.ipv4.icmp_msgs_per_sec", icmp_msgs_per_sec, 0, INT_MAX, 1000),
	KNOB("net.ipv4.icmp_ratelimit", icmp_ratelimit, 0, INT_MAX, 1000),
	KNOB("net.ipv4.icmp_ratemask", icmp_ratemask, INT_MIN, INT_MAX, 6168),
	KNOB("net.ipv4.ip_default_ttl", ip_default_ttl, 1, 255, 64),
	KNOB("net.ipv4.ip_forward", ip_forward, INT_MIN, INT_MAX, 0),
	KNOB("net.ipv4.ip_no_pmtu_disc", ip_no_pmtu_disc, 0, 255, 0),
	KNOB("net.netsieve.tcp_rst_on_closed", tcp_rst_on_closed, 0, 1, 1),
};

const struct stack_sysctl *stack_sysctl_table(unsigned int *n)
{
	*n = sizeof(knobs) / sizeof(knobs[0]);
	return knobs;
}

const struct stack_sysctl *stack_sysctl_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (!strcmp(knobs[i].name, name))
			return &knobs[i];
	return NULL;
}

void stack_sysctl_defaults(struct net *net)
{
	unsigned int i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		*(int *)((char *)&net->sysctl + knobs[i].off) = knobs[i].def;
}

int stack_sysctl_get(struct net *net, const struct stack_sysctl *k)
{
	return *(const int *)((const char *)&net->sysctl + k->off);
}

int stack_sysctl_set(struct net *net, const struct stack_sysctl *k,
		     const char *value)
{
	char *end;
	long v;

	while (*value == ' ' || *value == '\t')
		value++;
	errno = 0;
	v = strtol(value, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (end == value || *end || errno)
		return -EINVAL;
	if (v < k->min || v > k->max)
		return -EINVAL;
	*(int *)((char *)&net->sysctl + k->off) = (int)v;
	return 0;
}
