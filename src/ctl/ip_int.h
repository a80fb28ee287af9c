/* SPDX-License-Identifier: MIT */
/*
 * Private to the `ip` tool (src/ctl/ip*.c): the command context, the
 * argument and error helpers the objects share (ip.c), and each object's
 * entry point. Control path.
 */
#ifndef NS_CTL_IP_INT_H
#define NS_CTL_IP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl/ctl.h"
#include "core/net.h"
#include "io/io.h"
#include "stack/config.h"

struct ipctx {
	struct net *net;
	struct sbuf *out, *err;
	bool details, stats, brief, oneline;
	bool json;              /* -j: iproute2's JSON, one array */
	bool inet_only;         /* -4: no link/ether line in ip addr */
	bool dev_filter;        /* listing one device: routes omit "dev" */
	bool json_open;         /* "[" written */
	unsigned json_count;    /* objects written */
};

bool ip_matches(const char *arg, const char *word);
int ip_parse_addr(const char *s, uint32_t *a);
int ip_parse_prefix(const char *s, uint32_t *a, int *plen);
int ip_parse_mac(const char *s, uint8_t *mac);
const char *ip_fmt_addr(uint32_t a, char *buf);
void ip_fmt_mac(const uint8_t *m, char *buf);
int ip_no_device(struct ipctx *c, const char *name);
int ip_rtnl_err(struct ipctx *c, int err);
int ip_ext_err(struct ipctx *c, const char *msg);
int ip_bad_arg(struct ipctx *c, const char *what, const char *arg);
int ip_need_arg(struct ipctx *c, const char *kw);
int ip_change_dev(struct ipctx *c, const char *name, struct netdev **dev);
int ip_dev_word(struct ipctx *c, int argc, char **argv, const char **name);
const char *ip_scope_name(int scope);

/*
 * -j output: ip_json_obj() opens the array on first use and separates
 * objects; the entry point closes it ("]\n"). A listing that fails before
 * its first object prints nothing; one with no object prints "[]".
 */
void ip_json_open(struct ipctx *c);
void ip_json_obj(struct ipctx *c);
void ip_json_str(struct sbuf *sb, const char *key, const char *val);
void ip_json_uint(struct sbuf *sb, const char *key, unsigned long long v);

int ip_parse_scope(const char *s);

/* ip_link.c: the link line of `ip link`/`ip addr` (mode: as ip link shows it). */
void ip_link_head(struct ipctx *c, const struct netdev *d, bool mode);
/* The same as JSON members (no braces): "ifindex":1,... */
void ip_link_json(struct ipctx *c, const struct netdev *d, bool mode);
void ip_link_flags_json(const struct netdev *d, struct sbuf *sb);
const char *ip_oper_state(const struct netdev *d);

int ip_link_cmd(struct ipctx *c, int argc, char **argv);
int ip_addr_cmd(struct ipctx *c, int argc, char **argv);
int ip_route_cmd(struct ipctx *c, int argc, char **argv);
int ip_neigh_cmd(struct ipctx *c, int argc, char **argv);

#endif
