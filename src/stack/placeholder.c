// SPDX-License-Identifier: MIT
/* PLACEHOLDER until the stack lands: lets the tree link. Drops everything. */
#include "stack/stack.h"
#include "ctl/ctl.h"

int stack_init(struct net *net) { (void)net; return 0; }
void stack_fini(struct net *net) { (void)net; }
void stack_rcv(struct net *net, struct netdev *dev, struct pkt *pkt)
{ (void)dev; net_drop(net, pkt, DROP_UNHANDLED_PROTO); }
void stack_output(struct net *net, struct pkt *pkt)
{ net_drop(net, pkt, DROP_IP_INNOROUTES); }
void icmp_send(struct net *net, const struct pkt *pkt, int type, int code,
	       uint32_t info) { (void)net; (void)pkt; (void)type; (void)code; (void)info; }
void tcp_send_reset(struct net *net, const struct pkt *pkt, int hook)
{ (void)net; (void)pkt; (void)hook; }
int stack_addr_type(struct net *net, uint32_t addr, const struct netdev *dev)
{ (void)net; (void)addr; (void)dev; return RTN_UNICAST; }
void stack_timers(struct net *net) { (void)net; }
int ctl_ip_main(struct net *net, int argc, char **argv, struct sbuf *out,
		struct sbuf *err)
{ (void)net; (void)argc; (void)argv; (void)out; sbuf_adds(err, "ip: not supported yet\n"); return 1; }
int ctl_sysctl_main(struct net *net, int argc, char **argv, struct sbuf *out,
		    struct sbuf *err)
{ (void)net; (void)argc; (void)argv; (void)out; sbuf_adds(err, "sysctl: not supported yet\n"); return 1; }
int stack_dev_create(struct net *net, const char *name,
		     const struct io_ops *io, const char *arg,
		     struct netdev **out)
{ (void)net; (void)name; (void)io; (void)arg; (void)out; return -95; }
