// SPDX-License-Identifier: MIT
/* PLACEHOLDER until the xt core lands: lets the tree link. */
#include "xt/xt.h"

int xt_net_init(struct net *net) { (void)net; return 0; }
void xt_net_fini(struct net *net) { (void)net; }
int xt_iptables_main(struct net *net, int argc, char **argv,
		     struct sbuf *out, struct sbuf *err)
{ (void)net; (void)argc; (void)argv; (void)out; sbuf_adds(err, "iptables: not supported yet\n"); return 1; }
int xt_save_main(struct net *net, int argc, char **argv, struct sbuf *out,
		 struct sbuf *err)
{ (void)net; (void)argc; (void)argv; (void)out; sbuf_adds(err, "iptables-save: not supported yet\n"); return 1; }
int xt_restore_main(struct net *net, int argc, char **argv, const char *input,
		    struct sbuf *out, struct sbuf *err)
{ (void)net; (void)argc; (void)argv; (void)input; (void)out; sbuf_adds(err, "iptables-restore: not supported yet\n"); return 1; }
