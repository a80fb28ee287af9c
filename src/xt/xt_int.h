/* SPDX-License-Identifier: MIT */
/*
 * The iptables core's internal model, shared by the files of src/xt/ (not by
 * the rest of netsieve, which includes xt/xt.h).
 *
 * A generation (struct xt_gen) holds every table with its chains and rules.
 * It is built on the control path as a mutable draft (a deep copy of the
 * published generation), changed by one command or one iptables-restore
 * table block, checked the way the kernel's translate_table() checks a
 * blob, given its per-rule extension state and counters, and published
 * with one RCU pointer store. From then on it is immutable; the data path
 * reads it without locks and writes only its per-worker counter slots.
 *
 * Counters: every rule and every built-in chain policy owns a slot. A slot
 * holds a control-owned base plus one value per worker; its value is their
 * sum. A draft rule remembers which slot of the previous generation it came
 * from (`from`, -1 for a new or changed rule) and starts from `init`
 * (iptables -c / restore -c). After the new generation is published and a
 * grace period has passed, the old generation's final per-worker counts are
 * folded into the new base: no packet counted in the old one is lost.
 */
#ifndef NS_XT_XT_INT_H
#define NS_XT_XT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/sbuf.h"
#include "core/net.h"
#include "core/netdev.h"
#include "xt/cls.h"
#include "xt/ext.h"

#define XT_CHAIN_MAXLEN 29   /* a chain name must be under 29 chars */
#define XT_FUNCTION_MAXNAMELEN 30
#define XT_MAX_CHAINS 4096
#define XT_MAX_JUMPS 512     /* jump stack depth, checked at commit */

#define XT_VERSION "v1.8.9"
#define XT_PROG "iptables"

struct xt_cnt {
	uint64_t pcnt, bcnt;
};

/* One match or target instance in a rule. */
struct xt_mi {
	const struct xt_ext_ops *ops;
	void *data;              /* ops->size bytes, owned by the rule */
	void *state;             /* per generation, from ops->state_create */
	bool completed;          /* parse: a later -m of the same name */
	unsigned seen;           /* parse: option ids given */
};

enum xt_verdict_kind {
	XT_VK_NONE,              /* no -j: count and go on */
	XT_VK_ACCEPT,
	XT_VK_DROP,
	XT_VK_RETURN,
	XT_VK_JUMP,              /* -j CHAIN */
	XT_VK_GOTO,              /* -g CHAIN */
	XT_VK_EXT,               /* an extension target */
};

struct xt_chain;

struct xt_rule {
	struct xt_ip ip;
	unsigned nm;
	struct xt_mi *m;         /* matches, in the order they were given */
	enum xt_verdict_kind vk;
	struct xt_mi t;          /* XT_VK_EXT */
	char jname[32];          /* XT_VK_JUMP / XT_VK_GOTO */
	struct xt_chain *jchain; /* resolved when the generation is built */
	/* Counters. */
	unsigned cidx;           /* slot in its (published) generation */
	int from;                /* slot in the previous generation, or -1 */
	struct xt_cnt init;      /* starting value (-c), added to the carry */
	/* Computed at build. */
	unsigned hook_mask;
};

struct xt_chain {
	char name[32];
	int hook;                /* built-in: enum ns_hook; user chain: -1 */
	unsigned policy;         /* NS_ACCEPT or NS_DROP (built-in only) */
	unsigned nrules, cap;
	struct xt_rule **rules;
	unsigned cidx;           /* policy counter slot (built-in only) */
	int from;
	struct xt_cnt init;
	unsigned refs;           /* jumps/gotos to this chain */
	unsigned hook_mask;      /* hooks that reach it */
	int mark;                /* build-time DFS state */
	unsigned jdepth;         /* deepest jump nesting that reaches it */
	/* Published: the compiled classifier (cls.h), NULL for the linear
	 * scan. Drafts have none; built at commit. */
	struct xt_cls *cls;
	/*
	 * Draft: the first position whose rule may differ from the chain it
	 * was cloned from (UINT_MAX: none; 0 for a new chain), and how many
	 * rules at the end are known unchanged (keep), kept by
	 * xt_chain_insert/delete/flush and -R, so the classifier can reuse
	 * what it built for the rules around a change.
	 */
	unsigned dirty, keep;
};

struct xt_table {
	enum xt_table_id id;
	const char *name;
	unsigned valid_hooks;    /* 1 << NS_INET_* */
	unsigned nchains;
	struct xt_chain **chains; /* built-ins in hook order, then user
				   * chains sorted by name */
	struct xt_chain *hook_chain[NS_INET_NUMHOOKS];
	bool changed;            /* draft: a command changed this table */
};

struct xt_gen {
	struct xt_table *t[XT_TABLE_MAX];  /* NULL: table not available */
	const struct xt_gen *prev;         /* draft: what it was cloned from */
	bool published;
	unsigned ncnt;
	struct xt_cnt *base;               /* control-owned */
	struct xt_cnt *w[NS_MAX_WORKERS];  /* data path, per worker */
	void *w_mem[NS_MAX_WORKERS];       /* what w[] was carved from */
	/*
	 * w_used[w]: worker w has counted in this generation (set by the
	 * data path before its first count, read after a grace period or
	 * racily by listings). Summing skips the others, whose arrays are
	 * untouched zero pages: reading them cost more than all else in a
	 * command at 100,000 rules.
	 */
	uint8_t *w_used;
};

struct xt_hook_priv {
	struct xt_net *xn;
	enum xt_table_id id;
};

struct xt_table_def;
struct xt_rateest;

struct xt_net {
	struct net *net;
	/* The table definitions this namespace uses: xt_table_defs, or a
	 * test's own set before its first command. Never changes after. */
	const struct xt_table_def *defs;
	struct xt_gen *cur;                /* RCU-published */
	struct xt_hook_priv priv[XT_TABLE_MAX];
	unsigned load_seq[XT_TABLE_MAX];   /* 0: not loaded (for save) */
	unsigned next_seq;
	int nhooks;
	struct ns_hook_ops hooks[XT_TABLE_MAX * NS_INET_NUMHOOKS];
	/* Set once before the first command (xt_net_deny(), access.c). */
	int deny;                          /* errno for the tables, or 0 */
	bool kernel_used;                  /* a command got that far */
	/* Named rate estimators (ext/rateest.c), under net->ctl_lock. */
	struct xt_rateest *rateest;
	/* The last audit record's serial (ext/target_audit.c, data path). */
	_Atomic uint32_t audit_serial;
};

/*
 * Where iptables would first talk to the kernel (iptc_init(), reading
 * /proc/net/ip_tables_names): notes that a command got there, and returns
 * -xn->deny when the tables are refused to this user, else 0.
 */
int xt_kernel_open(struct xt_net *xn);
/* What libiptc says when iptc_init() fails with errnum. */
const char *xt_kernel_strerror(int errnum);
struct xt_ext_ops;
/*
 * Loading extension ops on a net whose tables are refused: the line
 * libxtables prints when it cannot ask the kernel which revision it has
 * ("NAME: Could not determine whether revision N is supported, assuming
 * it is."), for the extensions whose library has several. To warn.
 */
void xt_kernel_revision_warn(const struct xt_net *xn,
			     const struct xt_ext_ops *ops, struct sbuf *warn);

/* Errors as the tools report them. */
enum xt_err_kind {
	XT_E_NONE,
	XT_E_KERNEL,   /* "iptables: MSG." exit 1 (libiptc/kernel refused) */
	XT_E_PARAM,    /* "iptables v1.8.9 (legacy): MSG" + Try line, exit 2 */
	XT_E_BADARG,   /* "Bad argument `X'" + Try line, exit 2 */
	XT_E_TABLE,    /* can't initialize table, exit 3 */
	XT_E_OTHER,    /* "iptables v1.8.9 (legacy): MSG" exit 1 */
	XT_E_TRYHELP,  /* only the "Try `iptables -h'..." line, exit 2 */
};

struct xt_err {
	enum xt_err_kind kind;
	int errnum;              /* XT_E_KERNEL: errno (EINVAL adds dmesg) */
	struct sbuf msg;
	/* An extension's check refused what netsieve lacks (xt_check_ctx). */
	char unsupported[96];
};

/*
 * Errors. xt_err_set() fills e (a printf-style message, no program
 * prefix); xt_err_kernel() a libiptc/kernel error: msg, or strerror(errnum)
 * when msg is NULL. Both return -1. xt_err_report() prints e the way `prog`
 * (iptables, iptables-restore) does and returns the exit code. e->msg is
 * owned by the caller (sbuf_free). Control path.
 */
int xt_err_set(struct xt_err *e, enum xt_err_kind kind, const char *fmt, ...)
	NS_PRINTF(3, 4);
int xt_err_kernel(struct xt_err *e, int errnum, const char *msg);
int xt_err_report(const struct xt_err *e, const char *prog,
		  struct sbuf *err);
/*
 * What a command used that netsieve does not implement yet (a table
 * iptables knows, an extension of ext/unsupported.c). xt_unsupported_note()
 * records the first such thing in *what ("the state match"; what may be
 * NULL: not recorded); xt_unsupported_table() records a table instead of
 * what was there (the table is what the command fails on).
 * xt_unsupported_report() adds, after iptables' own
 * message, "netsieve: <what> is not supported yet" when something was
 * recorded. Control path.
 */
void xt_unsupported_note(struct sbuf *what, const char *fmt, ...)
	NS_PRINTF(2, 3);
void xt_unsupported_table(struct sbuf *what, const char *table);
void xt_unsupported_report(const struct sbuf *what, struct sbuf *err);

/*
 * What a table is (table.c), as the kernel's struct xt_table and its
 * nf_hook_ops: its name, the hooks it has built-in chains at, its priority
 * at each of them (nat: -100 before routing, +100 after), its flags, and
 * whether netsieve implements it (an unavailable table is refused as a
 * missing module).
 */
struct xt_table_def {
	const char *name;
	unsigned hooks;          /* 1 << NS_INET_* */
	int prio[NS_INET_NUMHOOKS];
	unsigned flags;          /* XT_TABLE_F_* */
	bool available;
};
/*
 * Registered, but not hooked: instantiating the table registers no hook
 * function; the module that owns it runs it with xt_table_run() when it
 * wants (NAT: for the first packet of a connection only).
 */
#define XT_TABLE_F_OWNED 0x1u
extern const struct xt_table_def xt_table_defs[XT_TABLE_MAX];

/*
 * Tables (table.c). Names, the id of a table available in xn or -1, and
 * whether name is a table netsieve defines at all (available or not: a
 * table it knows but does not implement yet when the lookup fails).
 */
const char *xt_table_name(enum xt_table_id id);
int xt_table_lookup(const struct xt_net *xn, const char *name);
bool xt_table_defined(const char *name);
extern const char *const xt_hook_names[NS_INET_NUMHOOKS];

/*
 * Drafts (gen.c), control path under ctl_lock. xt_gen_clone() deep-copies
 * xn->cur (NULL: empty tables) into a new mutable draft owned by the caller
 * (with an empty table for every table available in xn that cur lacks);
 * its rules remember the counter slots they came from. xt_gen_free()
 * frees a draft or an unpublished generation (not its extension state:
 * drafts have none).
 */
struct xt_gen *xt_gen_clone(const struct xt_net *xn);
void xt_gen_free(struct xt_gen *g);
/* Destroy the per-rule extension state of a built generation (gen.c). */
void xt_gen_states_destroy(struct xt_gen *g);

/*
 * Chains and rules of a draft (chain.c). xt_chain_new() allocates an empty
 * chain (hook: enum ns_hook of a built-in, -1 for a user chain; NULL on
 * ENOMEM), xt_chain_free() frees it with its rules. xt_chain_add()
 * creates an empty user chain kept in sorted position (0 or -ENOMEM; *out
 * may be NULL).
 * xt_chain_remove() frees c and its rules. xt_chain_insert() takes
 * ownership of r at pos (clamped to the end; 0 or -ENOMEM).
 * xt_chain_delete() frees the rule at pos. xt_rule_dup() deep-copies a
 * rule without its state (NULL on ENOMEM). xt_rule_equal() is libiptc's
 * "same rule" test for -D/-C (counters ignored). xt_refs_compute()
 * resolves jumps and counts references of a draft's table; it must never
 * run on a published generation (the data path reads jchain).
 */
struct xt_chain *xt_chain_new(const char *name, int hook);
void xt_chain_free(struct xt_chain *c);
struct xt_chain *xt_chain_find(const struct xt_table *t, const char *name);
int xt_chain_add(struct xt_table *t, const char *name,
		 struct xt_chain **out);
void xt_chain_remove(struct xt_table *t, struct xt_chain *c);
void xt_chain_flush(struct xt_chain *c);
int xt_chain_insert(struct xt_chain *c, unsigned pos, struct xt_rule *r);
void xt_chain_delete(struct xt_chain *c, unsigned pos);
void xt_rule_free(struct xt_rule *r);
struct xt_rule *xt_rule_dup(const struct xt_rule *r);
bool xt_rule_equal(const struct xt_rule *a, const struct xt_rule *b);
/* check.c */
void xt_refs_compute(struct xt_table *t);
/*
 * Whether r is what the kernel takes for a chain's tail: an unconditional
 * rule (no address, interface, protocol, flag or match) with a standard
 * verdict (ACCEPT, DROP, RETURN). TRACE names it policy/return, and
 * mark_source_chains() stops walking a chain there.
 */
bool xt_rule_is_tail(const struct xt_rule *r);
/*
 * The kernel's translate_table() checks of a draft's table t (check.c):
 * jumps resolved, loops and jumps to built-ins refused, hook masks
 * computed, every extension's check. 0, or -1 with e filled.
 */
int xt_table_check(struct xt_table *t, struct net *net, struct xt_err *e);

/* Counter value of a rule or policy in g (published: base + workers;
 * draft: its start value + the slot it came from). Control path
 * (counter.c). */
struct xt_cnt xt_rule_cnt(const struct xt_gen *g, const struct xt_rule *r);
struct xt_cnt xt_policy_cnt(const struct xt_gen *g, const struct xt_chain *c);
/*
 * At commit (counter.c): xt_gen_carry() adds old's counts into the slots of
 * g that came from it - old's base before publication (final false), the
 * sum of old's worker slots after the grace period (final true).
 * xt_policy_counters_reset() starts a replaced table's built-in policy
 * counters from zero (except a value just set with -c) and clears
 * t->changed.
 */
void xt_gen_carry(struct xt_gen *g, const struct xt_gen *old, bool final);
void xt_policy_counters_reset(struct xt_table *t);

/*
 * Check, build and publish a draft: the kernel's checks, counter slots,
 * per-rule extension state, one RCU pointer store, a grace period, the
 * old generation's final counts folded in, the old generation freed.
 * On success xn owns the draft (0). On failure (-1, e says why) nothing
 * changed and the caller still owns and frees the draft. Control path,
 * under ctl_lock, never from a data-path thread (it waits for them).
 */
int xt_gen_commit(struct xt_net *xn, struct xt_gen *draft, struct xt_err *e);
/*
 * First use of a table (iptc_init in iptables-legacy): instantiate it -
 * register its hook functions - unless it already is, and mark it loaded
 * for iptables-save. A table stays loaded until xt_net_fini(). Returns 0,
 * -ENOENT (table not available) or a negative errno from hook
 * registration. Control path, under ctl_lock.
 */
int xt_table_touch(struct xt_net *xn, enum xt_table_id id);
/* Whether table id has been instantiated. Control path. */
bool xt_table_loaded(const struct xt_net *xn, enum xt_table_id id);

/*
 * The packet as a rule walk sees it. The interpreter fills it once per
 * table (pkt, its IPv4 header and length, whether it is a non-first
 * fragment, the action context of its matches and targets) and refreshes
 * iph/len after a target that may rewrite the header.
 */
struct xt_walk {
	struct pkt *pkt;
	const uint8_t *iph;
	uint32_t len;
	bool isfrag;
	bool dropped;            /* next_match: see below */
	struct xt_action act;
	/*
	 * The classifier's packet key (scan.c): computed when first needed,
	 * dropped (XT_KEY_NONE) by the interpreter after a target that may
	 * have rewritten the packet.
	 */
	uint8_t key_state;       /* enum xt_key_state */
	struct cls_key key;
};

enum xt_key_state {
	XT_KEY_NONE,             /* not computed */
	XT_KEY_READY,
	XT_KEY_LINEAR,           /* a TCP/UDP fragment or short header: the
				  * linear scan serves this packet */
};

/*
 * The next matching rule of chain c of generation gen (scan.c): the index
 * of the first rule at or after pos whose ip part and matches all accept
 * w->pkt, or c->nrules when none does. When a match of a rule that does
 * not match asks to drop the packet (hotdrop), the walk ends there: that
 * rule's index, with w->dropped and w->act.hotdrop set. Sets w->act.chain,
 * rulenum and state as the matches run. The interpreter does the rest;
 * this is the one function a compiled classifier replaces. Data path.
 */
unsigned xt_chain_next_match(const struct xt_gen *gen,
			     const struct xt_chain *c, unsigned pos,
			     struct xt_walk *w);

/*
 * The interpreter (classify.c): ipt_do_table() over table t of the
 * published generation gen at hook. Returns NS_ACCEPT, NS_DROP or an
 * extension target's verdict. Counts into the calling worker's slots and
 * reports trace events. Data path: no allocation, no locks; the caller is
 * RCU-online and gen stays valid until its next quiescent point.
 */
unsigned xt_do_table(struct net *net, const struct xt_gen *gen,
		     const struct xt_table *t, int hook, struct pkt *pkt,
		     const struct netdev *in, const struct netdev *out);

/*
 * Rule text (rule.c), control path. xt_parse_proto(): -p by number, "all",
 * /etc/protocols or iptables' built-in names (0 or -1). xt_proto_name():
 * the name save and -L print, NULL if none. xt_parse_iface(): -i/-o
 * ("eth+" sets *wild). xt_parse_addrs(): "a[/m][,b...]" with host names;
 * fills malloc'd arrays (caller frees), addresses already masked.
 */
struct xt_rule *xt_rule_alloc(void);
int xt_parse_proto(const char *s, uint16_t *proto);
const char *xt_proto_name(uint16_t proto);
int xt_parse_iface(const char *s, char *name, bool *wild, struct xt_err *e);
int xt_parse_addrs(const char *s, uint32_t **addrs, uint32_t **masks,
		   unsigned *n, struct xt_err *e);
/* print_rule4(): "[p:b] " when counters > 0, " -c p b" when < 0. */
void xt_rule_save(const struct xt_rule *r, const char *chain, int counters,
		  struct xt_cnt cnt, struct sbuf *sb);

/* -L formats (FMT_* of iptables). */
#define XT_FMT_NUMERIC     0x0001
#define XT_FMT_NOCOUNTS    0x0002
#define XT_FMT_KMG         0x0004
#define XT_FMT_OPTIONS     0x0008
#define XT_FMT_NOTABLE     0x0010
#define XT_FMT_NOTARGET    0x0020
#define XT_FMT_VIA         0x0040
#define XT_FMT_NONEWLINE   0x0080
#define XT_FMT_LINENUMBERS 0x0100
/* xtables_print_num() and print_firewall() with XT_FMT_* flags. */
void xt_print_num(uint64_t n, unsigned fmt, struct sbuf *sb);
void xt_rule_print(const struct xt_rule *r, struct xt_cnt cnt, unsigned num,
		   unsigned fmt, struct sbuf *sb);
/* ACCEPT/DROP/RETURN, the chain, the extension's name, or "". */
const char *xt_rule_target_name(const struct xt_rule *r);

/* The iptables command against a draft (cmd*.c); used by restore too. */
struct xt_cmd_env {
	struct xt_net *xn;
	struct xt_gen *draft;      /* restore: the draft being built */
	int restore_table;         /* restore: the table of the block */
	bool restore;
	bool restore_counters;     /* restore -c */
	bool verbose;              /* restore -v: as if -v were given */
	unsigned line;             /* restore: the input line */
	struct sbuf *out;
	struct sbuf *warn;         /* warnings (stderr), or NULL */
	struct sbuf *unsupported;  /* xt_unsupported_note(), or NULL */
};
/*
 * Run one iptables command (argv as typed, argv[0] ignored). Without
 * env->draft it lists the published generation or builds, checks and
 * commits a new one; with env->draft (iptables-restore) it changes that
 * draft only. Listing goes to env->out. Returns 0, or -1 with e filled.
 * Control path, under ctl_lock.
 */
int xt_do_command(struct xt_cmd_env *env, int argc, char **argv,
		  struct xt_err *e);

#endif
