// SPDX-License-Identifier: MIT
/*
 * The iptables command (iptables-legacy 1.8.9's do_command4) around its
 * parts: parse (cmd_parse.c), open the table (iptc_init), resolve the
 * target, then list (cmd_list.c) and/or change (cmd_apply.c) a draft
 * generation. Used by `iptables` (one draft per command, committed at the
 * end) and by iptables-restore (one draft per table block). Control path
 * only, under net->ctl_lock.
 */
#include "xt/cmd_int.h"

#include "xt/xt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* iptables-legacy 1.8.9 -h, verbatim. */
static const char *help_text =
"iptables v1.8.9 (legacy)\n"
"\n"
"Usage: iptables -[ACD] chain rule-specification [options]\n"
"       iptables -I chain [rulenum] rule-specification [options]\n"
"       iptables -R chain rulenum rule-specification [options]\n"
"       iptables -D chain rulenum [options]\n"
"       iptables -[LS] [chain [rulenum]] [options]\n"
"       iptables -[FZ] [chain] [options]\n"
"       iptables -[NX] chain\n"
"       iptables -E old-chain-name new-chain-name\n"
"       iptables -P chain target [options]\n"
"       iptables -h (print this help information)\n"
"\n"
"Commands:\n"
"Either long or short options are allowed.\n"
"  --append  -A chain\t\tAppend to chain\n"
"  --check   -C chain\t\tCheck for the existence of a rule\n"
"  --delete  -D chain\t\tDelete matching rule from chain\n"
"  --delete  -D chain rulenum\n"
"\t\t\t\tDelete rule rulenum (1 = first) from chain\n"
"  --insert  -I chain [rulenum]\n"
"\t\t\t\tInsert in chain as rulenum (default 1=first)\n"
"  --replace -R chain rulenum\n"
"\t\t\t\tReplace rule rulenum (1 = first) in chain\n"
"  --list    -L [chain [rulenum]]\n"
"\t\t\t\tList the rules in a chain or all chains\n"
"  --list-rules -S [chain [rulenum]]\n"
"\t\t\t\tPrint the rules in a chain or all chains\n"
"  --flush   -F [chain]\t\tDelete all rules in  chain or all chains\n"
"  --zero    -Z [chain [rulenum]]\n"
"\t\t\t\tZero counters in chain or all chains\n"
"  --new     -N chain\t\tCreate a new user-defined chain\n"
"  --delete-chain\n"
"            -X [chain]\t\tDelete a user-defined chain\n"
"  --policy  -P chain target\n"
"\t\t\t\tChange policy on chain to target\n"
"  --rename-chain\n"
"            -E old-chain new-chain\n"
"\t\t\t\tChange chain name, (moving any references)\n"
"\n"
"Options:\n"
"    --ipv4\t-4\t\tNothing (line is ignored by ip6tables-restore)\n"
"    --ipv6\t-6\t\tError (line is ignored by iptables-restore)\n"
"[!] --protocol\t-p proto\tprotocol: by number or name, eg. `tcp'\n"
"[!] --source\t-s address[/mask][...]\n"
"\t\t\t\tsource specification\n"
"[!] --destination -d address[/mask][...]\n"
"\t\t\t\tdestination specification\n"
"[!] --in-interface -i input name[+]\n"
"\t\t\t\tnetwork interface name ([+] for wildcard)\n"
" --jump\t-j target\n"
"\t\t\t\ttarget for rule (may load target extension)\n"
"  --goto      -g chain\n"
"\t\t\t       jump to chain with no return\n"
"  --match\t-m match\n"
"\t\t\t\textended match (may load extension)\n"
"  --numeric\t-n\t\tnumeric output of addresses and ports\n"
"[!] --out-interface -o output name[+]\n"
"\t\t\t\tnetwork interface name ([+] for wildcard)\n"
"  --table\t-t table\ttable to manipulate (default: `filter')\n"
"  --verbose\t-v\t\tverbose mode\n"
"  --wait\t-w [seconds]\tmaximum wait to acquire xtables lock before give up\n"
"  --line-numbers\t\tprint line numbers when listing\n"
"  --exact\t-x\t\texpand numbers (display exact values)\n"
"[!] --fragment\t-f\t\tmatch second or further fragments only\n"
"  --modprobe=<command>\t\ttry to insert modules using this command\n"
"  --set-counters -c PKTS BYTES\tset the counter during insert/append\n"
"[!] --version\t-V\t\tprint package version.\n";

static bool is_standard(const char *j)
{
	return !*j || !strcmp(j, "ACCEPT") || !strcmp(j, "DROP") ||
	       !strcmp(j, "QUEUE") || !strcmp(j, "RETURN");
}

static void ext_help(struct sbuf *out, const struct xt_ext_ops *ops)
{
	/* An extension netsieve only knows the options of: no text. */
	if (!ops->help && ops->unsupported)
		return;
	sbuf_addc(out, '\n');
	if (ops->help)
		sbuf_adds(out, ops->help);
	else
		sbuf_addf(out, "%s does not take any options\n", ops->name);
}

/*
 * xtables_printhelp(): the core help, then the sections of the target and
 * of the matches loaded so far, in order; with no match, the one named
 * after -p ("iptables -p icmp -h").
 */
static void print_help(struct parse *p)
{
	const struct xt_ext_ops *pm;
	unsigned i;

	sbuf_adds(p->env->out, help_text);
	if (p->have_target_ext)
		ext_help(p->env->out, p->r->t.ops);
	else if (p->jumpto && !(p->r->ip.flags & XT_F_GOTO) &&
		 is_standard(p->jumpto))
		/* xtables_find_target() loads "standard" for these. */
		sbuf_adds(p->env->out, "\nstandard match options:\n(If "
			  "target is DROP, ACCEPT, RETURN or nothing)\n");
	for (i = 0; i < p->r->nm; i++)
		ext_help(p->env->out, p->r->m[i].ops);
	if (!p->r->nm && p->protocol[0]) {
		pm = xt_match_find(p->protocol);
		if (pm)
			ext_help(p->env->out, pm);
	}
}

int xt_do_command(struct xt_cmd_env *env, int argc, char **argv,
		  struct xt_err *e)
{
	struct parse p = {
		.env = env, .e = e, .argc = argc, .argv = argv,
		.table = "filter",
	};
	const struct xt_gen *view;
	struct xt_gen *draft = NULL;
	struct xt_table *t;
	int rc, tid;

	if (env->verbose) {
		p.verbose = 1;
		p.options |= OPT_VERBOSE;
	}
	/* Extensions see the table being built (restore: the block's). */
	if (env->restore)
		p.table = xt_table_name(env->restore_table);
	p.r = xt_rule_alloc();
	if (!p.r)
		return xt_err_set(e, XT_E_OTHER, "can't alloc memory!");
	rc = xt_cmd_parse(&p);
	if (rc == 'h') {
		print_help(&p);
		rc = 0;
		goto out;
	}
	if (rc == 'V') {
		sbuf_adds(env->out, "iptables " XT_VERSION " (legacy)\n");
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	/*
	 * A restore line that -6 ended: iptables runs the command as read so
	 * far, but without -s/-d a rule command adds, checks or deletes no
	 * rule (its address loops run zero times), and no command is no-op.
	 */
	if (p.ipv6_line &&
	    (!p.command || (p.command & (CMD_APPEND | CMD_DELETE |
					 CMD_INSERT | CMD_REPLACE |
					 CMD_CHECK)))) {
		rc = 0;
		goto out;
	}
	rc = -1;
	/* The table (iptc_init). */
	if (env->restore) {
		tid = env->restore_table;
	} else {
		int kerr = xt_kernel_open(env->xn);

		if (kerr) {
			xt_err_set(e, XT_E_TABLE, "can't initialize iptables "
				   "table `%s': %s", p.table,
				   xt_kernel_strerror(-kerr));
			goto out;
		}
		tid = xt_table_lookup(env->xn, p.table);
		if (tid < 0) {
			if (xt_table_defined(p.table))
				xt_unsupported_table(env->unsupported,
						     p.table);
			xt_err_set(e, XT_E_TABLE, "can't initialize iptables "
				   "table `%s': Table does not exist (do you "
				   "need to insmod?)", p.table);
			goto out;
		}
		if (xt_table_touch(env->xn, tid)) {
			xt_err_set(e, XT_E_TABLE, "can't initialize iptables "
				   "table `%s': Memory allocation problem",
				   p.table);
			goto out;
		}
	}
	view = env->draft ? env->draft : env->xn->cur;
	/* The target: a standard verdict, a chain, or an extension. */
	if (p.command & (CMD_APPEND | CMD_DELETE | CMD_INSERT | CMD_REPLACE |
			 CMD_CHECK)) {
		struct xt_rule *r = p.r;
		const char *j = p.jumpto;

		if (!j) {
			r->vk = XT_VK_NONE;
		} else if (r->ip.flags & XT_F_GOTO) {
			/* iptc_is_chain() is true for a built-in chain too:
			 * the kernel refuses that jump at commit (EINVAL). */
			if (!xt_chain_find(view->t[tid], j)) {
				xt_err_set(e, XT_E_PARAM, "goto '%s' is not a "
					   "chain", j);
				goto out;
			}
			r->vk = XT_VK_GOTO;
			snprintf(r->jname, sizeof(r->jname), "%s", j);
			r->ip.flags &= ~XT_F_GOTO;
		} else if (p.have_target_ext) {
			r->vk = XT_VK_EXT;
		} else if (!strcmp(j, "ACCEPT")) {
			r->vk = XT_VK_ACCEPT;
		} else if (!strcmp(j, "DROP")) {
			r->vk = XT_VK_DROP;
		} else if (!strcmp(j, "RETURN")) {
			r->vk = XT_VK_RETURN;
		} else if (xt_chain_find(view->t[tid], j)) {
			r->vk = XT_VK_JUMP;
			snprintf(r->jname, sizeof(r->jname), "%s", j);
		} else {
			if (xt_ext_iptables_has(j, true))
				xt_unsupported_note(env->unsupported,
						    "the %s target", j);
			xt_err_set(e, XT_E_PARAM, "Couldn't load target `%s':"
				   "No such file or directory\n", j);
			goto out;
		}
	}
	/* Read-only commands look at the published generation. */
	if (!env->draft && (p.command == CMD_LIST ||
			    p.command == CMD_LIST_RULES)) {
		/* Published: refs were counted at commit; never write it. */
		t = env->xn->cur->t[tid];
		if (p.command == CMD_LIST)
			rc = xt_cmd_list_entries(&p, env->xn->cur, t);
		else
			rc = xt_cmd_list_rules(&p, env->xn->cur, t);
		goto out;
	}
	if (env->draft) {
		t = env->draft->t[tid];
		if (p.command & CMD_LIST)
			xt_refs_compute(t);
		if (p.command & CMD_LIST)
			rc = xt_cmd_list_entries(&p, env->draft, t);
		else if (p.command & CMD_LIST_RULES)
			rc = xt_cmd_list_rules(&p, env->draft, t);
		else
			rc = 0;
		if (!rc && p.command != CMD_LIST &&
		    p.command != CMD_LIST_RULES)
			rc = xt_cmd_apply(&p, t);
		goto out;
	}
	draft = xt_gen_clone(env->xn);
	if (!draft) {
		xt_err_kernel(e, ENOMEM, "Memory allocation problem");
		goto out;
	}
	t = draft->t[tid];
	if (p.command & CMD_LIST)
		rc = xt_cmd_list_entries(&p, view, view->t[tid]);
	else if (p.command & CMD_LIST_RULES)
		rc = xt_cmd_list_rules(&p, view, view->t[tid]);
	else
		rc = 0;
	if (!rc)
		rc = xt_cmd_apply(&p, t);
	t->changed = true;
	if (!rc && !(p.command & CMD_CHECK))
		rc = xt_gen_commit(env->xn, draft, e);
	if (!rc && !(p.command & CMD_CHECK))
		draft = NULL;
out:
	xt_gen_free(draft);
	xt_rule_free(p.r);
	free(p.sa);
	free(p.sm);
	free(p.da);
	free(p.dm);
	return rc ? -1 : 0;
}

int xt_iptables_main(struct net *net, int argc, char **argv,
		     struct sbuf *out, struct sbuf *err)
{
	struct sbuf unsupported = SBUF_INIT;
	struct xt_cmd_env env = {
		.xn = net->xt, .out = out, .warn = err,
		.unsupported = &unsupported,
	};
	struct xt_err e = { 0 };
	int rc = 0;

	if (!net->xt) {
		sbuf_adds(err, "iptables: not initialised\n");
		return 1;
	}
	if (xt_do_command(&env, argc, argv, &e)) {
		rc = xt_err_report(&e, XT_PROG, err);
		if (e.unsupported[0])
			xt_unsupported_note(&unsupported, "%s", e.unsupported);
		xt_unsupported_report(&unsupported, err);
	}
	sbuf_free(&e.msg);
	sbuf_free(&unsupported);
	return rc;
}
