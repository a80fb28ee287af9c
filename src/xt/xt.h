/* SPDX-License-Identifier: MIT */
/*
 * iptables in netsieve: the tables (raw, mangle, filter, security at the
 * kernel's priorities; nat defined, owned by NAT), their chains and rules,
 * ruleset generations, running a table from another module, and the
 * iptables, iptables-save and iptables-restore commands run in-process.
 * This header is what the rest of netsieve calls; src/xt/ holds the rest.
 */
#ifndef NS_XT_XT_H
#define NS_XT_XT_H

#include "base/sbuf.h"
#include "xt/ext.h"

struct net;
struct netdev;
struct pkt;
struct xt_gen;

/*
 * Create the empty tables and register their hook functions. Control path,
 * called once by ns_net_create(). Returns 0 or a negative errno.
 */
int xt_net_init(struct net *net);
void xt_net_fini(struct net *net);

/*
 * Run table id of net at hook (enum ns_hook) for pkt, as its hook function
 * would: the packet's generation (snapped on first use, pkt->xt_gen), the
 * built-in chain of that hook, counters, trace. For a module that owns a
 * table (XT_TABLE_F_OWNED: NAT runs the nat table for the first packet of
 * a connection only), or any hook function that wants a table's verdict.
 * Returns NS_ACCEPT, NS_DROP or an extension target's verdict; NS_ACCEPT
 * when the table has no chain at hook or has not been used yet in net.
 * Data path: the caller is RCU-online (a hook function is).
 */
unsigned xt_table_run(struct net *net, enum xt_table_id id, int hook,
		      struct pkt *pkt, const struct netdev *in,
		      const struct netdev *out);

/*
 * The three tools, run in-process against net. argv[0] is the tool's name
 * as typed ("iptables"). Output goes to out, messages to err, exactly as
 * the tool prints them. input is the text a tool reads from stdin
 * (iptables-restore without a file), or NULL. Returns the exit code.
 * Control path; serialised by net->ctl_lock.
 */
int xt_iptables_main(struct net *net, int argc, char **argv,
		     struct sbuf *out, struct sbuf *err);
int xt_save_main(struct net *net, int argc, char **argv, struct sbuf *out,
		 struct sbuf *err);
int xt_restore_main(struct net *net, int argc, char **argv, const char *input,
		    struct sbuf *out, struct sbuf *err);

/*
 * One rule as `iptables -S` prints it, for a trace that names the rule by
 * its text: rule rulenum (1-based) of chain in table, "-A FORWARD -p tcp
 * -m tcp --dport 22 -j DROP"; rulenum one past the last rule of a built-in
 * chain is its policy, "-P FORWARD DROP". No newline. gen is the
 * generation a packet walked (pkt->xt_gen); the caller keeps it alive (RCU
 * read side, or the only thread). Appends to out. Returns 0, -ENOENT (no
 * such table, chain or rule) or -ENOMEM. Control path or offline tools.
 */
int xt_rule_text(const struct xt_gen *gen, const char *table,
		 const char *chain, unsigned rulenum, struct sbuf *out);

/*
 * What iptables-restore with these options reads: the index in argv of
 * the rules file, 0 for stdin, or -1 for nothing (options it refuses, -h,
 * -V). For the client, which reads the file where the user is. Prints
 * nothing.
 */
int xt_restore_file_arg(int argc, char **argv);

/*
 * For the client, which writes iptables-save's -f files where the user is:
 * *files gets the values of the -f options iptables-save would read (in
 * order; it opens each, and writes into the last), *rest argv without
 * them (a cluster "-cf X" becomes "-c"). Both NULL-terminated arrays of
 * malloc'd strings (free each, then the array). Returns the number of
 * words in *rest, or -ENOMEM. Prints nothing.
 */
int xt_save_take_files(int argc, char **argv, char ***rest, char ***files);

/*
 * A net whose tables are refused (errnum, EPERM for a user who is not
 * root): the tools still print help, versions and their own parse errors,
 * but a command that would reach the kernel fails with iptables' words for
 * errnum. xt_net_kernel_used() tells whether a command got that far. For
 * the client when the daemon cannot be reached. Control path.
 */
void xt_net_deny(struct net *net, int errnum);
bool xt_net_kernel_used(const struct net *net);

#endif
