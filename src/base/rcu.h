/* SPDX-License-Identifier: MIT */
/*
 * RCU glue: liburcu's QSBR flavour. Data-path threads register once, call
 * ns_rcu_quiescent() between bursts (they hold no pointer to a ruleset or
 * hook array across it) and go offline when idle. The control path publishes
 * with ns_rcu_assign() and waits with ns_rcu_synchronize() before freeing.
 * A thread that never registered (tools, tests) may call every function.
 */
#ifndef NS_BASE_RCU_H
#define NS_BASE_RCU_H

#define _LGPL_SOURCE
#include <urcu-qsbr.h>

#define ns_rcu_dereference(p) rcu_dereference(p)
#define ns_rcu_assign(p, v) rcu_assign_pointer(p, v)

static inline void ns_rcu_register(void)
{
	rcu_register_thread();
}

static inline void ns_rcu_unregister(void)
{
	rcu_unregister_thread();
}

static inline void ns_rcu_quiescent(void)
{
	rcu_quiescent_state();
}

static inline void ns_rcu_offline(void)
{
	rcu_thread_offline();
}

static inline void ns_rcu_online(void)
{
	rcu_thread_online();
}

static inline void ns_rcu_synchronize(void)
{
	synchronize_rcu();
}

/*
 * A thread that is not a long-running worker (ns_inject() from an
 * embedder's thread, replay) reads RCU-protected data only between these
 * two: the first call registers the thread (unregistered again when it
 * exits), later ones bring it online; leave takes it offline, so such a
 * thread never delays a grace period and may itself call
 * ns_rcu_synchronize() outside the pair. Threads registered with
 * ns_rcu_register() (workers) are online already and unaffected.
 */
void ns_rcu_reader_enter(void);
void ns_rcu_reader_leave(void);

#endif
