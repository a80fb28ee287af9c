// SPDX-License-Identifier: MIT
/*
 * The sysctl knobs of a stack instance, by their kernel names, with the
 * kernel's defaults, value checks and propagation: ip_forward (alias
 * conf.all.forwarding) sets every interface and conf.default
 * (inet_forward_change); conf.default.send_redirects reaches interfaces
 * whose own value was never written (devinet_copy_dflt_conf); a new
 * interface starts from conf.default. Control path: changes go to the
 * command's draft (stack/conf.h).
 */
#include "stack/sysctl.h"

#include "core/net.h"
#include "stack/conf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum knob_kind {
	K_GLOBAL,        /* an int in struct net_sysctl */
	K_FORWARD_ALL,   /* ip_forward / conf.all.forwarding */
	K_DFLT_COPY,     /* conf.default.X copied to interfaces not set */
	K_DEV,           /* an int in struct netdev */
	K_FRAG_HIGH,     /* ipfrag_high_thresh: at least ipfrag_low_thresh */
	K_FRAG_LOW,      /* ipfrag_low_thresh: at most ipfrag_high_thresh */
};

struct stack_sysctl {
	const char *name;   /* global: full name; K_DEV: the leaf */
	enum knob_kind kind;
	size_t off;         /* in struct net_sysctl or struct netdev */
	long min, max;
	int def;
	size_t dev_off;     /* K_DFLT_COPY: the interface field */
	unsigned int bit;   /* K_DEV/K_DFLT_COPY: the cnf_set bit */
};

#define G(n, f, lo, hi, d) \
	{ n, K_GLOBAL, offsetof(struct net_sysctl, f), lo, hi, d, 0, 0 }

#define CNF_FORWARDING 1u
#define CNF_SEND_REDIRECTS 2u
#define CNF_RP_FILTER 4u
#define CNF_ACCEPT_LOCAL 8u

static const struct stack_sysctl globals[] = {
	{ "net.ipv4.conf.all.forwarding", K_FORWARD_ALL,
	  offsetof(struct net_sysctl, ip_forward), INT_MIN, INT_MAX, 0, 0, 0 },
	G("net.ipv4.conf.all.accept_local", accept_local_all, INT_MIN,
	  INT_MAX, 0),
	G("net.ipv4.conf.all.rp_filter", rp_filter_all, INT_MIN, INT_MAX, 0),
	G("net.ipv4.conf.all.send_redirects", send_redirects_all, INT_MIN,
	  INT_MAX, 1),
	G("net.ipv4.conf.default.forwarding", default_forwarding, INT_MIN,
	  INT_MAX, 0),
	{ "net.ipv4.conf.default.accept_local", K_DFLT_COPY,
	  offsetof(struct net_sysctl, accept_local_default), INT_MIN,
	  INT_MAX, 0, offsetof(struct netdev, cnf_accept_local),
	  CNF_ACCEPT_LOCAL },
	{ "net.ipv4.conf.default.rp_filter", K_DFLT_COPY,
	  offsetof(struct net_sysctl, rp_filter_default), INT_MIN, INT_MAX, 0,
	  offsetof(struct netdev, cnf_rp_filter), CNF_RP_FILTER },
	{ "net.ipv4.conf.default.send_redirects", K_DFLT_COPY,
	  offsetof(struct net_sysctl, send_redirects_default), INT_MIN,
	  INT_MAX, 1, offsetof(struct netdev, cnf_send_redirects),
	  CNF_SEND_REDIRECTS },
	G("net.ipv4.icmp_echo_ignore_all", icmp_echo_ignore_all, 0, 1, 0),
	G("net.ipv4.icmp_echo_ignore_broadcasts", icmp_echo_ignore_broadcasts,
	  0, 1, 1),
	G("net.ipv4.icmp_errors_use_inbound_ifaddr",
	  icmp_errors_use_inbound_ifaddr, 0, 1, 0),
	G("net.ipv4.icmp_msgs_burst", icmp_msgs_burst, 0, INT_MAX, 50),
	G("net.ipv4.icmp_msgs_per_sec", icmp_msgs_per_sec, 0, INT_MAX, 1000),
	G("net.ipv4.icmp_ratelimit", icmp_ratelimit, 0, INT_MAX, 1000),
	G("net.ipv4.icmp_ratemask", icmp_ratemask, INT_MIN, INT_MAX, 6168),
	G("net.ipv4.ip_default_ttl", ip_default_ttl, 1, 255, 64),
	{ "net.ipv4.ip_forward", K_FORWARD_ALL,
	  offsetof(struct net_sysctl, ip_forward), INT_MIN, INT_MAX, 0, 0, 0 },
	G("net.ipv4.ip_no_pmtu_disc", ip_no_pmtu_disc, 0, 255, 0),
	/*
	 * The reassembly knobs (ip4_frags_ns_ctl_table): the thresholds
	 * bound each other, ipfrag_time is in seconds (proc_dointvec_jiffies
	 * at HZ 250), ipfrag_max_dist is at least 0.
	 */
	{ "net.ipv4.ipfrag_high_thresh", K_FRAG_HIGH,
	  offsetof(struct net_sysctl, ipfrag_high_thresh), 0, INT_MAX,
	  4194304, 0, 0 },
	{ "net.ipv4.ipfrag_low_thresh", K_FRAG_LOW,
	  offsetof(struct net_sysctl, ipfrag_low_thresh), 0, INT_MAX,
	  3145728, 0, 0 },
	G("net.ipv4.ipfrag_max_dist", ipfrag_max_dist, 0, INT_MAX, 64),
	G("net.ipv4.ipfrag_time", ipfrag_time, -(INT_MAX / 250),
	  INT_MAX / 250, 30),
	G("net.netsieve.tcp_rst_on_closed", tcp_rst_on_closed, 0, 1, 1),
};

static const struct stack_sysctl dev_knobs[] = {
	{ "accept_local", K_DEV, offsetof(struct netdev, cnf_accept_local),
	  INT_MIN, INT_MAX, 0, 0, CNF_ACCEPT_LOCAL },
	{ "forwarding", K_DEV, offsetof(struct netdev, cnf_forwarding),
	  INT_MIN, INT_MAX, 0, 0, CNF_FORWARDING },
	{ "rp_filter", K_DEV, offsetof(struct netdev, cnf_rp_filter),
	  INT_MIN, INT_MAX, 0, 0, CNF_RP_FILTER },
	{ "send_redirects", K_DEV, offsetof(struct netdev, cnf_send_redirects),
	  INT_MIN, INT_MAX, 1, 0, CNF_SEND_REDIRECTS },
};

#define NGLOBALS (sizeof(globals) / sizeof(globals[0]))
#define NDEVKNOBS (sizeof(dev_knobs) / sizeof(dev_knobs[0]))

static int *gfield(struct net *net, const struct stack_sysctl *k)
{
	return (int *)((char *)&net_conf(net)->sysctl + k->off);
}

static int *dfield(struct netdev *dev, size_t off)
{
	return (int *)((char *)dev + off);
}

void stack_sysctl_defaults(struct net *net)
{
	unsigned int i;

	for (i = 0; i < NGLOBALS; i++)
		*gfield(net, &globals[i]) = globals[i].def;
}

void stack_sysctl_dev_defaults(struct net *net, struct netdev *dev)
{
	dev->cnf_forwarding = net_conf(net)->sysctl.default_forwarding;
	dev->cnf_send_redirects = net_conf(net)->sysctl.send_redirects_default;
	dev->cnf_rp_filter = net_conf(net)->sysctl.rp_filter_default;
	dev->cnf_accept_local = net_conf(net)->sysctl.accept_local_default;
	dev->cnf_set = 0;
}

#define MAX_EXT_TABLES 8
static struct {
	const struct stack_sysctl_ext *knobs;
	unsigned n;
} ext_tables[MAX_EXT_TABLES];
static unsigned n_ext_tables;

void stack_sysctl_register(const struct stack_sysctl_ext *knobs, unsigned n)
{
	if (n_ext_tables < MAX_EXT_TABLES) {
		ext_tables[n_ext_tables].knobs = knobs;
		ext_tables[n_ext_tables].n = n;
		n_ext_tables++;
	}
}

static const struct stack_sysctl_ext *ext_lookup(const char *name)
{
	for (unsigned t = 0; t < n_ext_tables; t++)
		for (unsigned i = 0; i < ext_tables[t].n; i++)
			if (!strcmp(ext_tables[t].knobs[i].name, name))
				return &ext_tables[t].knobs[i];
	return NULL;
}

int stack_sysctl_lookup(struct net *net, const char *name,
			struct stack_sysctl_ref *ref)
{
	static const char conf[] = "net.ipv4.conf.";
	char buf[96];
	unsigned int i;
	char *leaf;
	size_t n = strlen(name);

	if (n >= sizeof(buf))
		return -ENOENT;
	for (i = 0; i <= n; i++)
		buf[i] = name[i] == '/' ? '.' : name[i];
	memset(ref, 0, sizeof(*ref));
	for (i = 0; i < NGLOBALS; i++) {
		if (!strcmp(globals[i].name, buf)) {
			ref->k = &globals[i];
			snprintf(ref->name, sizeof(ref->name), "%s", buf);
			return 0;
		}
	}
	ref->ext = ext_lookup(buf);
	if (ref->ext) {
		snprintf(ref->name, sizeof(ref->name), "%s", buf);
		return 0;
	}
	if (strncmp(buf, conf, sizeof(conf) - 1))
		return -ENOENT;
	leaf = strrchr(buf, '.');
	if (!leaf || leaf <= buf + sizeof(conf) - 1)
		return -ENOENT;
	*leaf++ = '\0';
	ref->dev = net_dev_by_name(net, buf + sizeof(conf) - 1);
	if (!ref->dev)
		return -ENOENT;
	for (i = 0; i < NDEVKNOBS; i++) {
		if (!strcmp(dev_knobs[i].name, leaf)) {
			ref->k = &dev_knobs[i];
			snprintf(ref->name, sizeof(ref->name), "%s%s.%s", conf,
				 ref->dev->name, leaf);
			return 0;
		}
	}
	return -ENOENT;
}

long stack_sysctl_get(struct net *net, const struct stack_sysctl_ref *ref)
{
	if (ref->ext)
		return ref->ext->get(net, ref->ext);
	if (ref->k->kind == K_DEV)
		return *dfield(ref->dev, ref->k->off);
	return *gfield(net, ref->k);
}

int stack_sysctl_set(struct net *net, const struct stack_sysctl_ref *ref,
		     const char *value)
{
	const struct stack_sysctl *k = ref->k;
	char *end;
	long v;
	int i;

	while (*value == ' ' || *value == '\t')
		value++;
	errno = 0;
	v = strtol(value, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (end == value || *end || errno)
		return -EINVAL;
	if (ref->ext) {
		if (v < ref->ext->min || v > ref->ext->max)
			return -EINVAL;
		return ref->ext->set(net, ref->ext, v);
	}
	if (v < k->min || v > k->max)
		return -EINVAL;
	switch (k->kind) {
	case K_DEV:
		*dfield(ref->dev, k->off) = (int)v;
		ref->dev->cnf_set |= k->bit;
		return 0;
	case K_FORWARD_ALL:
		/* inet_forward_change(): default and every interface. */
		*gfield(net, k) = (int)v;
		net_conf(net)->sysctl.default_forwarding = (int)v;
		for (i = 1; i < NS_MAX_DEVS; i++)
			if (net_conf(net)->devs[i])
				net_conf(net)->devs[i]->cnf_forwarding = (int)v;
		return 0;
	case K_FRAG_HIGH:
		/* proc_doulongvec_minmax with extra1 = &low_thresh. */
		if (v < net_conf(net)->sysctl.ipfrag_low_thresh)
			return -EINVAL;
		*gfield(net, k) = (int)v;
		return 0;
	case K_FRAG_LOW:
		if (v > net_conf(net)->sysctl.ipfrag_high_thresh)
			return -EINVAL;
		*gfield(net, k) = (int)v;
		return 0;
	case K_DFLT_COPY:
		/* devinet_copy_dflt_conf(): interfaces never set follow. */
		*gfield(net, k) = (int)v;
		for (i = 1; i < NS_MAX_DEVS; i++)
			if (net_conf(net)->devs[i] && !(net_conf(net)->devs[i]->cnf_set & k->bit))
				*dfield(net_conf(net)->devs[i], k->dev_off) = (int)v;
		return 0;
	default:
		*gfield(net, k) = (int)v;
		return 0;
	}
}

static int ref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct stack_sysctl_ref *)a)->name,
		      ((const struct stack_sysctl_ref *)b)->name);
}

void stack_sysctl_walk(struct net *net,
		       void (*fn)(void *priv, const struct stack_sysctl_ref *),
		       void *priv)
{
	struct stack_sysctl_ref *v;
	unsigned int i, j, n = 0;

	unsigned next = 0, t;

	for (t = 0; t < n_ext_tables; t++)
		next += ext_tables[t].n;
	v = calloc(NGLOBALS + NS_MAX_DEVS * NDEVKNOBS + next, sizeof(*v));
	if (!v)
		return;
	for (t = 0; t < n_ext_tables; t++) {
		for (i = 0; i < ext_tables[t].n; i++) {
			v[n].ext = &ext_tables[t].knobs[i];
			snprintf(v[n].name, sizeof(v[n].name), "%s",
				 v[n].ext->name);
			n++;
		}
	}
	for (i = 0; i < NGLOBALS; i++) {
		v[n].k = &globals[i];
		snprintf(v[n].name, sizeof(v[n].name), "%s", globals[i].name);
		n++;
	}
	for (i = 1; i < NS_MAX_DEVS; i++) {
		if (!net_conf(net)->devs[i])
			continue;
		for (j = 0; j < NDEVKNOBS; j++) {
			v[n].k = &dev_knobs[j];
			v[n].dev = net_conf(net)->devs[i];
			snprintf(v[n].name, sizeof(v[n].name),
				 "net.ipv4.conf.%s.%s", net_conf(net)->devs[i]->name,
				 dev_knobs[j].name);
			n++;
		}
	}
	qsort(v, n, sizeof(*v), ref_cmp);
	for (i = 0; i < n; i++)
		fn(priv, &v[i]);
	free(v);
}
