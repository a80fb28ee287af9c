// SPDX-License-Identifier: MIT
/*
 * Virtual services and real servers (ip_vs_ctl.c): the service hashes
 * (by protocol, address and port, and by firewall mark), adding, editing
 * and deleting services and destinations with the kernel's checks and
 * errors, the trash of removed destinations that connections still use
 * (re-adding one revives it, counters included), zeroing, timeouts, the
 * snapshots ipvsadm lists from, and the net.ipv4.vs knobs. Control path
 * under ln->lock, except lb_service_find() and lb_has_real_service(),
 * which the data path calls under RCU.
 */
#include "lb/lb_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/sbuf.h"
#include "stack/sysctl.h"

#define FTPPORT 21

/* ---- the per-net state ---- */

static void sysctl_defaults(struct lb_net *ln)
{
	struct lb_sysctl *s = &ln->sysctl;

	memset(s, 0, sizeof(*s));
	s->am_droprate = 10;
	s->amemthresh = 1024;
	s->conn_reuse_mode = 1;
	s->pmtu_disc = 1;
	s->run_estimation = 1;
	s->snat_reroute = 1;
	for (unsigned i = 0; i <= LB_TCP_S_LAST; i++)
		ln->tcp_timeouts[i] = lb_proto_tcp.default_timeouts[i];
	for (unsigned i = 0; i <= LB_UDP_S_LAST; i++)
		ln->udp_timeouts[i] = lb_proto_udp.default_timeouts[i];
	for (unsigned i = 0; i <= LB_SCTP_S_LAST; i++)
		ln->sctp_timeouts[i] = lb_proto_sctp.default_timeouts[i];
}

int lb_net_get(struct net *net, struct lb_net **out)
{
	struct lb_net *ln = lb_net(net);
	int err;

	if (ln) {
		*out = ln;
		return 0;
	}
	ln = calloc(1, sizeof(*ln));
	if (!ln)
		return -ENOMEM;
	ln->net = net;
	pthread_mutex_init(&ln->lock, NULL);
	pthread_mutex_init(&ln->alloc_lock, NULL);
	CDS_INIT_LIST_HEAD(&ln->trash);
	sysctl_defaults(ln);
	ln->hash_rnd = (uint32_t)(net->seed ^ (net->seed >> 32)) ^ 0x1b5a11ce;
	err = lb_conn_table_init(ln);
	if (err) {
		free(ln);
		return err;
	}
	atomic_store_explicit(&net->lb, ln, memory_order_release);
	*out = ln;
	return 0;
}

static void svc_free(struct lb_service *svc);
static void dest_free(struct lb_dest *d);

void lb_net_destroy(struct net *net)
{
	struct lb_net *ln = lb_net(net);
	struct lb_dest *d, *dn;

	if (!ln)
		return;
	lb_hooks_disable(net);
	lb_flush(net);
	lb_conn_table_fini(ln);
	ns_rcu_synchronize();
	rcu_barrier();
	cds_list_for_each_entry_safe(d, dn, &ln->trash, n_list) {
		cds_list_del(&d->n_list);
		lb_dest_release(ln, d);
	}
	rcu_barrier();
	atomic_store(&net->lb, NULL);
	free(ln);
}

/* ---- hashing (ip_vs_svc_hashkey, ip_vs_svc_fwm_hashkey) ---- */

/*
 * The kernel folds the address of its per-net state into both keys; one
 * net here, so that term is 0 and the dump order is the one a kernel with
 * that term 0 would have.
 */
static unsigned svc_hashkey(uint16_t af, unsigned proto,
			    const struct ns_addr *a, uint16_t port)
{
	unsigned porth = ntohs(port);
	uint32_t fold = a->ip;

	if (af == 10)
		fold = a->ip6[0] ^ a->ip6[1] ^ a->ip6[2] ^ a->ip6[3];
	return (proto ^ ntohl(fold) ^ (porth >> LB_SVC_TAB_BITS) ^ porth) &
	       (LB_SVC_TAB_SIZE - 1);
}

static unsigned fwm_hashkey(uint32_t fwmark)
{
	return fwmark & (LB_SVC_TAB_SIZE - 1);
}

static void svc_hash(struct lb_net *ln, struct lb_service *svc)
{
	if (svc->fwmark)
		cds_hlist_add_head_rcu(&svc->f_list,
				       &ln->fwm_table[fwm_hashkey(svc->fwmark)]);
	else
		cds_hlist_add_head_rcu(&svc->s_list,
			&ln->svc_table[svc_hashkey(svc->af, svc->protocol,
						   &svc->addr, svc->port)]);
	svc->flags |= LB_SVC_F_HASHED;
}

static void svc_unhash(struct lb_service *svc)
{
	if (svc->fwmark)
		cds_hlist_del_rcu(&svc->f_list);
	else
		cds_hlist_del_rcu(&svc->s_list);
	svc->flags &= ~LB_SVC_F_HASHED;
}

static struct lb_service *svc_get(struct lb_net *ln, uint16_t af,
				  uint8_t protocol, const struct ns_addr *va,
				  uint16_t vport)
{
	struct lb_service *svc;
	unsigned h = svc_hashkey(af, protocol, va, vport);

	cds_hlist_for_each_entry_rcu_2(svc, &ln->svc_table[h], s_list)
		if (svc->af == af && lb_addr_equal(af, &svc->addr, va) &&
		    svc->port == vport && svc->protocol == protocol)
			return svc;
	return NULL;
}

static struct lb_service *fwm_get(struct lb_net *ln, uint16_t af,
				  uint32_t fwmark)
{
	struct lb_service *svc;

	cds_hlist_for_each_entry_rcu_2(svc, &ln->fwm_table[fwm_hashkey(fwmark)],
				       f_list)
		if (svc->fwmark == fwmark && svc->af == af)
			return svc;
	return NULL;
}

struct lb_service *lb_service_find(struct lb_net *ln, uint16_t af,
				   uint32_t mark, uint8_t protocol,
				   const struct ns_addr *vaddr, uint16_t vport)
{
	struct lb_service *svc = NULL;
	struct ns_addr any = { .family = af };

	/* ip_vs_service_find(): fwmark first, then the exact service, then
	 * FTP's data port and the port-zero (all ports) service. */
	if (mark) {
		svc = fwm_get(ln, af, mark);
		if (svc)
			return svc;
	}
	svc = svc_get(ln, af, protocol, vaddr, vport);
	if (svc)
		return svc;
	if (vport == htons(20))
		svc = svc_get(ln, af, protocol, vaddr, htons(FTPPORT));
	if (!svc)
		svc = svc_get(ln, af, protocol, vaddr, 0);
	(void)any;
	return svc;
}

bool lb_has_real_service(struct lb_net *ln, uint16_t af, uint8_t protocol,
			 const struct ns_addr *daddr, uint16_t dport)
{
	struct lb_service *svc;
	struct lb_dest *d;

	for (unsigned b = 0; b < LB_SVC_TAB_SIZE; b++) {
		cds_hlist_for_each_entry_rcu_2(svc, &ln->svc_table[b], s_list) {
			if (svc->protocol != protocol)
				continue;
			cds_list_for_each_entry_rcu(d, &svc->destinations,
						    n_list)
				if (d->port == dport &&
				    lb_addr_equal(af, &d->addr, daddr))
					return true;
		}
		cds_hlist_for_each_entry_rcu_2(svc, &ln->fwm_table[b], f_list) {
			cds_list_for_each_entry_rcu(d, &svc->destinations,
						    n_list)
				if (d->port == dport &&
				    lb_addr_equal(af, &d->addr, daddr))
					return true;
		}
	}
	return false;
}

/* The service a control request names (ip_vs_genl_find_service). */
static struct lb_service *svc_lookup(struct lb_net *ln,
				     const struct lb_svc_conf *k)
{
	if (k->fwmark)
		return fwm_get(ln, k->af, k->fwmark);
	return svc_get(ln, k->af, (uint8_t)k->protocol, &k->addr, k->port);
}

/* ---- destinations ---- */

static void dest_free(struct lb_dest *d)
{
	free(d);
}

static void svc_put(struct lb_service *svc);

static void dest_free_rcu(struct rcu_head *h)
{
	struct lb_dest *d = caa_container_of(h, struct lb_dest, rcu);

	svc_put(d->svc);
	dest_free(d);
}

void lb_dest_release(struct lb_net *ln, struct lb_dest *d)
{
	(void)ln;
	if (atomic_fetch_sub(&d->refcnt, 1) == 1)
		call_rcu(&d->rcu, dest_free_rcu);
}

void lb_dest_update_overload(struct lb_dest *d, int mode)
{
	uint32_t u = d->u_threshold, l;
	int conns;

	if (!u) {
		atomic_fetch_and(&d->flags, ~LB_DEST_F_OVERLOAD);
		return;
	}
	/* The lower threshold defaults to 3/4 of the upper one. */
	l = d->l_threshold ? d->l_threshold : u - (u >> 2);
	conns = atomic_load(&d->totalconns);
	if (conns >= (int)(mode > 0 ? l : u)) {
		atomic_fetch_or(&d->flags, LB_DEST_F_OVERLOAD);
		return;
	}
	if (conns >= (int)(mode < 0 ? u : l))
		return;
	atomic_fetch_and(&d->flags, ~LB_DEST_F_OVERLOAD);
}

static struct lb_dest *dest_lookup(struct lb_service *svc, uint16_t af,
				   const struct ns_addr *a, uint16_t port)
{
	struct lb_dest *d;

	cds_list_for_each_entry(d, &svc->destinations, n_list)
		if (d->af == af && lb_addr_equal(af, &d->addr, a) &&
		    d->port == port)
			return d;
	return NULL;
}

/* __ip_vs_update_dest(): weights, flags, thresholds, tunnel settings. */
static void dest_update(struct lb_service *svc, struct lb_dest *d,
			const struct lb_dest_conf *u, bool add)
{
	const struct lb_scheduler *sched = svc->scheduler;
	unsigned cf;

	if (add || u->weight != 0)
		atomic_store(&d->last_weight, u->weight);
	atomic_store(&d->weight, u->weight);
	cf = (u->conn_flags & LB_CONN_F_DEST_MASK) | LB_CONN_F_INACTIVE;
	d->tun_type = u->tun_type;
	d->tun_port = u->tun_port;
	d->tun_flags = u->tun_flags;
	if ((cf & LB_FWD_MASK) != LB_FWD_MASQ)
		cf |= LB_CONN_F_NOOUTPUT;
	atomic_store(&d->conn_flags, cf);
	atomic_fetch_or(&d->flags, LB_DEST_F_AVAILABLE);
	if (d->u_threshold != u->u_threshold ||
	    d->l_threshold != u->l_threshold) {
		d->u_threshold = u->u_threshold;
		d->l_threshold = u->l_threshold;
		lb_dest_update_overload(d, 0);
	}
	if (add) {
		d->removed = false;
		cds_list_add_rcu(&d->n_list, &svc->destinations);
		svc->num_dests++;
		if (sched && sched->add_dest)
			sched->add_dest(svc, d);
	} else if (sched && sched->upd_dest) {
		sched->upd_dest(svc, d);
	}
}

static int dest_check(const struct lb_dest_conf *u)
{
	if (u->weight < 0)
		return -ERANGE;
	if (u->l_threshold > u->u_threshold)
		return -ERANGE;
	if (u->u_threshold > INT_MAX)
		return -EINVAL;
	if (u->tun_type == LB_TUN_GUE && !u->tun_port)
		return -EINVAL;
	return 0;
}

/* __ip_vs_unlink_dest() + __ip_vs_del_dest(): into the trash. */
static void dest_unlink(struct lb_net *ln, struct lb_service *svc,
			struct lb_dest *d, bool svcupd)
{
	const struct lb_scheduler *sched = svc->scheduler;

	atomic_fetch_and(&d->flags, ~LB_DEST_F_AVAILABLE);
	cds_list_del_rcu(&d->n_list);
	svc->num_dests--;
	if (svcupd && sched && sched->del_dest)
		sched->del_dest(svc, d);
	d->removed = true;
	/* Readers may still walk through it: wait before reusing n_list. */
	ns_rcu_synchronize();
	cds_list_add(&d->n_list, &ln->trash);
}

enum dest_op { DEST_ADD, DEST_EDIT, DEST_DEL };

/* ip_vs_add_dest(): from the trash if it is there, else a new one. */
static int dest_add(struct lb_net *ln, struct lb_service *svc,
		    const struct lb_dest_conf *uc)
{
	struct lb_dest_conf u = *uc;
	struct lb_dest *d, *t;

	if (u.af != svc->af)
		return -EAFNOSUPPORT;
	if (dest_lookup(svc, u.af, &u.addr, u.port))
		return -EEXIST;
	/* ip_vs_trash_get_dest(): the same server of the same service. */
	d = NULL;
	cds_list_for_each_entry(t, &ln->trash, n_list)
		if (t->af == u.af && t->port == u.port &&
		    lb_addr_equal(u.af, &t->addr, &u.addr) &&
		    t->vfwmark == svc->fwmark &&
		    (svc->fwmark || (t->protocol == svc->protocol &&
				     t->vport == svc->port &&
				     lb_addr_equal(svc->af, &t->vaddr,
						   &svc->addr)))) {
			d = t;
			cds_list_del(&t->n_list);
			if (d->svc != svc) {
				/* A new service of the same identity. */
				memset(&d->stats, 0, sizeof(d->stats));
				atomic_fetch_add(&svc->refcnt, 1);
				svc_put(d->svc);
				d->svc = svc;
			}
			break;
		}
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d)
			return -ENOMEM;
		d->svc = svc;
		d->af = u.af;
		d->addr = u.addr;
		d->port = u.port;
		d->protocol = svc->protocol;
		d->vaddr = svc->addr;
		d->vport = svc->port;
		d->vfwmark = svc->fwmark;
		atomic_store(&d->refcnt, 1);   /* the service's */
		atomic_fetch_add(&svc->refcnt, 1);
		d->u_threshold = ~0u;          /* force the first update */
	}
	dest_update(svc, d, &u, true);
	return 0;
}

/*
 * The three destination commands: the service, the checks the kernel
 * makes (weight, thresholds, tunnel port) and what netsieve supports,
 * then the operation, under the service lock.
 */
static int dest_cmd(struct net *net, const struct lb_svc_conf *key,
		    const struct lb_dest_conf *uc, enum dest_op op)
{
	struct lb_dest_conf u = *uc;
	struct lb_service *svc;
	struct lb_dest *d;
	struct lb_net *ln;
	int err;

	if (!u.af)
		u.af = key->af;
	err = lb_net_get(net, &ln);
	if (err)
		return err;
	pthread_mutex_lock(&ln->lock);
	svc = svc_lookup(ln, key);
	if (!svc) {
		err = -ESRCH;
		goto out;
	}
	if (op != DEST_DEL) {
		err = dest_check(&u);
		if (err)
			goto out;
	}
	if (op == DEST_ADD) {
		err = dest_add(ln, svc, &u);
		goto out;
	}
	d = dest_lookup(svc, u.af, &u.addr, u.port);
	if (!d)
		err = -ENOENT;
	else if (op == DEST_EDIT)
		dest_update(svc, d, &u, false);
	else
		dest_unlink(ln, svc, d, true);
out:
	pthread_mutex_unlock(&ln->lock);
	return err;
}

int lb_dest_add(struct net *net, const struct lb_svc_conf *key,
		const struct lb_dest_conf *d)
{
	return dest_cmd(net, key, d, DEST_ADD);
}

int lb_dest_edit(struct net *net, const struct lb_svc_conf *key,
		 const struct lb_dest_conf *d)
{
	return dest_cmd(net, key, d, DEST_EDIT);
}

int lb_dest_del(struct net *net, const struct lb_svc_conf *key,
		const struct lb_dest_conf *d)
{
	return dest_cmd(net, key, d, DEST_DEL);
}

/*
 * The trash: a removed destination goes when no connection holds it (its
 * only reference is the service's). Called at every control command.
 */
static void trash_sweep(struct lb_net *ln)
{
	struct lb_dest *d, *dn;

	cds_list_for_each_entry_safe(d, dn, &ln->trash, n_list) {
		if (atomic_load(&d->refcnt) > 1)
			continue;
		cds_list_del(&d->n_list);
		lb_dest_release(ln, d);
	}
}

/* ---- services ---- */

static int sched_bind(struct lb_service *svc, const struct lb_scheduler *s)
{
	int err = 0;

	if (s->init_service)
		err = s->init_service(svc);
	if (err)
		return err;
	rcu_assign_pointer(svc->scheduler, s);
	return 0;
}

static void sched_unbind(struct lb_service *svc)
{
	const struct lb_scheduler *s = svc->scheduler;

	if (!s)
		return;
	rcu_assign_pointer(svc->scheduler, NULL);
	ns_rcu_synchronize();
	if (s->done_service)
		s->done_service(svc);
	svc->sched_data = NULL;
}

static int svc_check(const struct lb_svc_conf *u,
		     const struct lb_scheduler **sched)
{
	*sched = NULL;
	if (strcmp(u->sched_name, "none")) {
		*sched = lb_sched_find(u->sched_name);
		if (!*sched)
			return -ENOENT;
	}
	if (u->pe_name[0])
		return -ENOENT;   /* no persistence engine (sip) yet */
	if (u->af == 10 && (u->netmask < 1 || u->netmask > 128))
		return -EINVAL;
	return 0;
}

static int svc_supported(struct lb_net *ln, const struct lb_svc_conf *u)
{
	if (u->af != 2) {
		ns_log(&ln->net->log, NS_LOG_WARNING,
		       "IPVS: IPv6 services are not supported yet");
		return -EAFNOSUPPORT;
	}
	if (!u->fwmark && u->protocol != 6 && u->protocol != 17 &&
	    u->protocol != 132) {
		ns_log(&ln->net->log, NS_LOG_WARNING,
		       "IPVS: protocol %u services are not supported",
		       u->protocol);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

int lb_svc_add(struct net *net, const struct lb_svc_conf *u)
{
	const struct lb_scheduler *sched;
	struct lb_service *svc;
	struct lb_net *ln;
	int err;

	err = lb_net_get(net, &ln);
	if (err)
		return err;
	pthread_mutex_lock(&ln->lock);
	trash_sweep(ln);
	if (svc_lookup(ln, u)) {
		err = -EEXIST;
		goto out;
	}
	err = svc_check(u, &sched);
	if (!err)
		err = svc_supported(ln, u);
	if (err)
		goto out;
	if (!ln->hooks_on) {
		err = lb_hooks_enable(net);
		if (err)
			goto out;
		ln->hooks_on = true;
	}
	svc = calloc(1, sizeof(*svc));
	if (!svc) {
		err = -ENOMEM;
		goto out;
	}
	svc->net = net;
	svc->af = u->af;
	svc->protocol = u->fwmark ? 0 : u->protocol;
	svc->addr = u->addr;
	svc->port = u->port;
	svc->fwmark = u->fwmark;
	svc->flags = u->flags & ~LB_SVC_F_HASHED;
	svc->timeout = u->timeout;
	svc->netmask = u->netmask;
	CDS_INIT_LIST_HEAD(&svc->destinations);
	pthread_spin_init(&svc->sched_lock, PTHREAD_PROCESS_PRIVATE);
	if (sched) {
		err = sched_bind(svc, sched);
		if (err) {
			free(svc);
			goto out;
		}
	}
	atomic_store(&svc->refcnt, 1);   /* the table's */
	svc_hash(ln, svc);
	ln->num_services++;
out:
	pthread_mutex_unlock(&ln->lock);
	return err;
}

int lb_svc_edit(struct net *net, const struct lb_svc_conf *u)
{
	const struct lb_scheduler *sched;
	struct lb_service *svc;
	struct lb_net *ln;
	int err;

	err = lb_net_get(net, &ln);
	if (err)
		return err;
	pthread_mutex_lock(&ln->lock);
	svc = svc_lookup(ln, u);
	if (!svc) {
		err = -ESRCH;
		goto out;
	}
	err = svc_check(u, &sched);
	if (err)
		goto out;
	if (sched != svc->scheduler) {
		const struct lb_scheduler *old = svc->scheduler;

		sched_unbind(svc);
		if (sched) {
			err = sched_bind(svc, sched);
			if (err) {
				if (old)
					sched_bind(svc, old);
				goto out;
			}
		}
		/* The new scheduler learns the current servers. */
		if (sched && sched->add_dest && !sched->init_service) {
			struct lb_dest *d;

			cds_list_for_each_entry(d, &svc->destinations, n_list)
				sched->add_dest(svc, d);
		}
	}
	svc->flags = u->flags | LB_SVC_F_HASHED;
	svc->timeout = u->timeout;
	svc->netmask = u->netmask;
out:
	pthread_mutex_unlock(&ln->lock);
	return err;
}

static void svc_free_rcu(struct rcu_head *h)
{
	svc_free(caa_container_of(h, struct lb_service, rcu));
}

/* Services are held by the table and by each of their destinations. */
static void svc_put(struct lb_service *svc)
{
	if (atomic_fetch_sub(&svc->refcnt, 1) == 1)
		call_rcu(&svc->rcu, svc_free_rcu);
}

static void svc_free(struct lb_service *svc)
{
	pthread_spin_destroy(&svc->sched_lock);
	free(svc);
}

/* __ip_vs_del_service(): unbind, unlink every server, unhash. */
static void svc_del(struct lb_net *ln, struct lb_service *svc)
{
	struct lb_dest *d, *dn;

	svc_unhash(svc);
	ln->num_services--;
	sched_unbind(svc);
	cds_list_for_each_entry_safe(d, dn, &svc->destinations, n_list)
		dest_unlink(ln, svc, d, false);
	svc_put(svc);
}

int lb_svc_del(struct net *net, const struct lb_svc_conf *key)
{
	struct lb_service *svc;
	struct lb_net *ln;
	int err;

	err = lb_net_get(net, &ln);
	if (err)
		return err;
	pthread_mutex_lock(&ln->lock);
	svc = svc_lookup(ln, key);
	if (!svc)
		err = -ESRCH;
	else
		svc_del(ln, svc);
	trash_sweep(ln);
	pthread_mutex_unlock(&ln->lock);
	return err;
}

int lb_flush(struct net *net)
{
	struct lb_net *ln = lb_net(net);
	struct lb_service *svc;
	struct lb_service *nx;

	if (!ln)
		return 0;
	pthread_mutex_lock(&ln->lock);
	for (unsigned b = 0; b < LB_SVC_TAB_SIZE; b++) {
		cds_hlist_for_each_entry_safe_2(svc, nx, &ln->svc_table[b], s_list)
			svc_del(ln, svc);
		cds_hlist_for_each_entry_safe_2(svc, nx, &ln->fwm_table[b], f_list)
			svc_del(ln, svc);
	}
	trash_sweep(ln);
	pthread_mutex_unlock(&ln->lock);
	return 0;
}

/* ---- counters ---- */

void lb_stats_sum(const struct lb_stats *s, struct lb_counters *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < NS_MAX_WORKERS; i++) {
		t->conns += s->cpu[i].conns;
		t->inpkts += s->cpu[i].inpkts;
		t->outpkts += s->cpu[i].outpkts;
		t->inbytes += s->cpu[i].inbytes;
		t->outbytes += s->cpu[i].outbytes;
	}
}

const char *lb_fwd_name(unsigned flags)
{
	switch (flags & LB_FWD_MASK) {
	case LB_FWD_MASQ: return "Masq";
	case LB_FWD_LOCALNODE: return "Local";
	case LB_FWD_TUNNEL: return "Tunnel";
	case LB_FWD_DROUTE: return "Route";
	default: return "Bypass";
	}
}

static void stats_zero(struct lb_stats *s)
{
	struct lb_counters t;

	lb_stats_sum(s, &t);
	s->zero = t;
	s->last = t;
	memset(&s->rate, 0, sizeof(s->rate));
	s->cps_avg = s->inpps_avg = s->outpps_avg = 0;
	s->inbps_avg = s->outbps_avg = 0;
}

static void svc_zero(struct lb_service *svc)
{
	struct lb_dest *d;

	cds_list_for_each_entry(d, &svc->destinations, n_list)
		stats_zero(&d->stats);
	stats_zero(&svc->stats);
}

int lb_zero(struct net *net, const struct lb_svc_conf *key)
{
	struct lb_service *svc;
	struct lb_net *ln;
	int err;

	err = lb_net_get(net, &ln);
	if (err)
		return err;
	pthread_mutex_lock(&ln->lock);
	if (key) {
		svc = svc_lookup(ln, key);
		if (!svc)
			err = -ESRCH;
		else
			svc_zero(svc);
	} else {
		for (unsigned b = 0; b < LB_SVC_TAB_SIZE; b++) {
			cds_hlist_for_each_entry_2(svc, &ln->svc_table[b], s_list)
				svc_zero(svc);
			cds_hlist_for_each_entry_2(svc, &ln->fwm_table[b], f_list)
				svc_zero(svc);
		}
		stats_zero(&ln->tot_stats);
	}
	pthread_mutex_unlock(&ln->lock);
	return err;
}

static void stats_snap(const struct lb_stats *s, struct lb_stats_snap *o)
{
	memset(o, 0, sizeof(*o));
	lb_stats_sum(s, &o->c);
	o->c.conns -= s->zero.conns;
	o->c.inpkts -= s->zero.inpkts;
	o->c.outpkts -= s->zero.outpkts;
	o->c.inbytes -= s->zero.inbytes;
	o->c.outbytes -= s->zero.outbytes;
	o->r = s->rate;
}

bool lb_health_read(struct net *net, struct lb_health *out)
{
	struct lb_net *ln = lb_net(net);

	memset(out, 0, sizeof(*out));
	if (!ln)
		return false;
	out->conns = atomic_load(&ln->conn_count);
	out->no_dest = atomic_load(&ln->no_dest);
	out->table_full = atomic_load(&ln->conn_fail);
	return true;
}

void lb_total_stats(struct net *net, struct lb_stats_snap *out)
{
	struct lb_net *ln = lb_net(net);

	if (!ln) {
		memset(out, 0, sizeof(*out));
		return;
	}
	stats_snap(&ln->tot_stats, out);
}

/* ---- timeouts ---- */

int lb_timeouts_get(struct net *net, struct lb_timeouts *t)
{
	struct lb_net *ln;
	int err = lb_net_get(net, &ln);

	if (err)
		return err;
	t->tcp = (int)ln->tcp_timeouts[LB_TCP_S_ESTABLISHED];
	t->tcp_fin = (int)ln->tcp_timeouts[LB_TCP_S_FIN_WAIT];
	t->udp = (int)ln->udp_timeouts[LB_UDP_S_NORMAL];
	return 0;
}

int lb_timeouts_set(struct net *net, const struct lb_timeouts *t)
{
	struct lb_net *ln;
	int err = lb_net_get(net, &ln);

	if (err)
		return err;
	/* ip_vs_set_timeout(): each nonzero value, up to INT_MAX / HZ
	 * (Debian's HZ is 250), as the kernel. */
	if (t->tcp < 0 || t->tcp_fin < 0 || t->udp < 0 ||
	    t->tcp > INT_MAX / 250 || t->tcp_fin > INT_MAX / 250 ||
	    t->udp > INT_MAX / 250)
		return -EINVAL;
	if (t->tcp)
		ln->tcp_timeouts[LB_TCP_S_ESTABLISHED] = (unsigned)t->tcp;
	if (t->tcp_fin)
		ln->tcp_timeouts[LB_TCP_S_FIN_WAIT] = (unsigned)t->tcp_fin;
	if (t->udp)
		ln->udp_timeouts[LB_UDP_S_NORMAL] = (unsigned)t->udp;
	return 0;
}

unsigned lb_conn_tab_size(struct net *net)
{
	(void)net;
	return 1u << LB_CONN_TAB_BITS;
}

/* ---- snapshots ---- */

static void svc_conf_of(const struct lb_service *svc, struct lb_svc_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->af = svc->af;
	c->protocol = svc->protocol;
	c->addr = svc->addr;
	c->port = svc->port;
	c->fwmark = svc->fwmark;
	snprintf(c->sched_name, sizeof(c->sched_name), "%s",
		 svc->scheduler ? svc->scheduler->name : "none");
	c->flags = svc->flags;
	c->timeout = svc->timeout;
	c->netmask = svc->netmask;
	memcpy(c->pe_name, svc->pe_name, sizeof(c->pe_name));
}

static int svc_snap(const struct lb_service *svc, struct lb_svc_snap *s)
{
	const struct lb_dest *d;
	unsigned i = 0;

	svc_conf_of(svc, &s->conf);
	stats_snap(&svc->stats, &s->stats);
	s->ndests = svc->num_dests;
	s->dests = calloc(s->ndests ? s->ndests : 1, sizeof(*s->dests));
	if (!s->dests)
		return -ENOMEM;
	cds_list_for_each_entry(d, &svc->destinations, n_list) {
		struct lb_dest_snap *o = &s->dests[i++];

		o->conf.af = d->af;
		o->conf.addr = d->addr;
		o->conf.port = d->port;
		o->conf.conn_flags = atomic_load(&d->conn_flags) &
				     LB_FWD_MASK;
		o->conf.weight = atomic_load(&d->weight);
		o->conf.u_threshold = d->u_threshold;
		o->conf.l_threshold = d->l_threshold;
		o->conf.tun_type = d->tun_type;
		o->conf.tun_port = d->tun_port;
		o->conf.tun_flags = d->tun_flags;
		o->activeconns = atomic_load(&d->activeconns);
		o->inactconns = lb_dest_inactconns(d);
		o->persistconns = atomic_load(&d->persistconns);
		stats_snap(&d->stats, &o->stats);
		if (i == s->ndests)
			break;
	}
	s->ndests = i;
	return 0;
}

int lb_dump(struct net *net, const struct lb_svc_conf *key,
	    struct lb_svc_snap **out, unsigned *n)
{
	struct lb_svc_snap *v;
	struct lb_service *svc;
	struct lb_net *ln;
	unsigned cnt = 0;
	int err;

	*out = NULL;
	*n = 0;
	err = lb_net_get(net, &ln);
	if (err)
		return err;
	pthread_mutex_lock(&ln->lock);
	trash_sweep(ln);
	v = calloc(ln->num_services ? ln->num_services : 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto out;
	}
	if (key) {
		svc = svc_lookup(ln, key);
		if (!svc) {
			free(v);
			err = -ESRCH;
			goto out;
		}
		err = svc_snap(svc, &v[cnt++]);
	} else {
		/* ip_vs_genl_dump_services(): the table, then fwmarks. */
		for (unsigned b = 0; !err && b < LB_SVC_TAB_SIZE; b++)
			cds_hlist_for_each_entry_2(svc, &ln->svc_table[b], s_list)
				if (!err)
					err = svc_snap(svc, &v[cnt++]);
		for (unsigned b = 0; !err && b < LB_SVC_TAB_SIZE; b++)
			cds_hlist_for_each_entry_2(svc, &ln->fwm_table[b], f_list)
				if (!err)
					err = svc_snap(svc, &v[cnt++]);
	}
	if (err) {
		lb_dump_free(v, cnt);
		goto out;
	}
	*out = v;
	*n = cnt;
out:
	pthread_mutex_unlock(&ln->lock);
	return err;
}

void lb_dump_free(struct lb_svc_snap *s, unsigned n)
{
	if (!s)
		return;
	for (unsigned i = 0; i < n; i++)
		free(s[i].dests);
	free(s);
}

/* ---- knobs: net.ipv4.vs.* ---- */

#define OFF(f) __builtin_offsetof(struct lb_sysctl, f)

static long knob_get(struct net *net, const struct stack_sysctl_ext *k)
{
	struct lb_net *ln;

	if (lb_net_get(net, &ln))
		return 0;
	return *(int *)((char *)&ln->sysctl + k->arg);
}

static int knob_set(struct net *net, const struct stack_sysctl_ext *k, long v)
{
	struct lb_net *ln;
	int err = lb_net_get(net, &ln);

	if (err)
		return err;
	__atomic_store_n((int *)((char *)&ln->sysctl + k->arg), (int)v,
			 __ATOMIC_RELAXED);
	return 0;
}

/* Knobs whose behaviour netsieve does not have take only their default. */
static int knob_set_default_only(struct net *net,
				 const struct stack_sysctl_ext *k, long v)
{
	if (v != knob_get(net, k)) {
		ns_log(&net->log, NS_LOG_WARNING,
		       "IPVS: %s is not supported yet", k->name);
		return -EINVAL;
	}
	return 0;
}

static const struct stack_sysctl_ext knobs[] = {
	{ "net.ipv4.vs.am_droprate", 0, INT_MAX, knob_get,
	  knob_set_default_only, OFF(am_droprate) },
	{ "net.ipv4.vs.amemthresh", 0, INT_MAX, knob_get,
	  knob_set_default_only, OFF(amemthresh) },
	{ "net.ipv4.vs.backup_only", 0, 1, knob_get, knob_set_default_only,
	  OFF(backup_only) },
	{ "net.ipv4.vs.cache_bypass", 0, 1, knob_get, knob_set_default_only,
	  OFF(cache_bypass) },
	{ "net.ipv4.vs.conn_reuse_mode", INT_MIN, INT_MAX, knob_get,
	  knob_set, OFF(conn_reuse_mode) },
	{ "net.ipv4.vs.conntrack", INT_MIN, INT_MAX, knob_get, knob_set,
	  OFF(conntrack) },
	{ "net.ipv4.vs.drop_entry", 0, 3, knob_get, knob_set_default_only,
	  OFF(drop_entry) },
	{ "net.ipv4.vs.drop_packet", 0, 3, knob_get, knob_set_default_only,
	  OFF(drop_packet) },
	{ "net.ipv4.vs.expire_nodest_conn", INT_MIN, INT_MAX, knob_get,
	  knob_set, OFF(expire_nodest_conn) },
	{ "net.ipv4.vs.expire_quiescent_template", INT_MIN, INT_MAX,
	  knob_get, knob_set, OFF(expire_quiescent_template) },
	{ "net.ipv4.vs.ignore_tunneled", INT_MIN, INT_MAX, knob_get,
	  knob_set_default_only, OFF(ignore_tunneled) },
	{ "net.ipv4.vs.nat_icmp_send", INT_MIN, INT_MAX, knob_get, knob_set,
	  OFF(nat_icmp_send) },
	{ "net.ipv4.vs.pmtu_disc", INT_MIN, INT_MAX, knob_get,
	  knob_set_default_only, OFF(pmtu_disc) },
	{ "net.ipv4.vs.run_estimation", INT_MIN, INT_MAX, knob_get, knob_set,
	  OFF(run_estimation) },
	{ "net.ipv4.vs.schedule_icmp", INT_MIN, INT_MAX, knob_get,
	  knob_set, OFF(schedule_icmp) },
	{ "net.ipv4.vs.secure_tcp", 0, 3, knob_get, knob_set,
	  OFF(secure_tcp) },
	{ "net.ipv4.vs.sloppy_sctp", INT_MIN, INT_MAX, knob_get, knob_set,
	  OFF(sloppy_sctp) },
	{ "net.ipv4.vs.sloppy_tcp", INT_MIN, INT_MAX, knob_get, knob_set,
	  OFF(sloppy_tcp) },
	{ "net.ipv4.vs.snat_reroute", INT_MIN, INT_MAX, knob_get, knob_set_default_only,
	  OFF(snat_reroute) },
};

__attribute__((constructor)) static void lb_knobs_register(void)
{
	stack_sysctl_register(knobs, sizeof(knobs) / sizeof(knobs[0]));
}
