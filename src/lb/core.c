// SPDX-License-Identifier: MIT
/*
 * The load balancer's hooks and decisions (ip_vs_core.c): requests are
 * taken at LOCAL_IN (priority 99, after filter: ip_vs_in) and LOCAL_OUT
 * (-98), NAT replies at LOCAL_IN (98), LOCAL_OUT (-99) and FORWARD (100:
 * ip_vs_out). A request either belongs to a connection (conn_reuse_mode
 * and expire_nodest_conn decide whether a new SYN may reuse it) or, when
 * it may start one and a virtual service matches, is scheduled: with
 * persistence through a template (ip_vs_sched_persist), otherwise by the
 * service's scheduler. No server: ICMP port unreachable and drop
 * (ip_vs_leave). Statistics per connection, service, server and in
 * total; rates every 2 s (ip_vs_est.c). The replay trace gets one line
 * per decision. Data path: no allocation but the connection arena.
 */
#include "lb/lb_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"
#include "ct/ct.h"
#include "pkt/parse.h"
#include "stack/stack.h"

#define GC_INTERVAL (100 * 1000 * 1000ull)
#define EST_INTERVAL (2 * LB_NSEC)

static char *ap_str(char *buf, size_t n, const struct ns_addr *a,
		    uint16_t port)
{
	char ip[16];

	inet_ntop(2, &a->ip, ip, sizeof(ip));
	snprintf(buf, n, "%s:%u", ip, ntohs(port));
	return buf;
}

/* ---- statistics (ip_vs_in_stats, ip_vs_out_stats, ip_vs_conn_stats) -- */

/* A packet of cp, in (from the client) or out (a reply): its server,
 * service and the totals count it. */
static void stats_pkt(struct lb_net *ln, struct lb_conn *cp, uint32_t len,
		      bool in)
{
	struct lb_counters *c[3] = {
		lb_stats_this(&cp->dest->stats),
		lb_stats_this(&cp->dest->svc->stats),
		lb_stats_this(&ln->tot_stats),
	};

	for (int i = 0; i < 3; i++) {
		if (in) {
			c[i]->inpkts++;
			c[i]->inbytes += len;
		} else {
			c[i]->outpkts++;
			c[i]->outbytes += len;
		}
	}
}

static void stats_conn(struct lb_net *ln, struct lb_conn *cp,
		       struct lb_service *svc)
{
	lb_stats_this(&cp->dest->stats)->conns++;
	lb_stats_this(&svc->stats)->conns++;
	lb_stats_this(&ln->tot_stats)->conns++;
}

/* ---- the estimator (ip_vs_est.c: 2 s ticks, 1/4 then 1/4 averaging) -- */

static void est_one(struct lb_stats *s)
{
	struct lb_counters t;
	uint64_t rate;

	lb_stats_sum(s, &t);
	/* Scaled averages as the kernel's: x += (new - x) >> 2. */
#define EST(field, avg, shift, out_shift, outv)                               \
	do {                                                                  \
		rate = (t.field - s->last.field) << (shift);                  \
		s->avg += (int64_t)(rate - s->avg) >> 2;                      \
		outv = (uint32_t)((s->avg + (1ull << ((out_shift) - 1))) >>   \
				  (out_shift));                               \
	} while (0)
	EST(conns, cps_avg, 9, 10, s->rate.cps);
	EST(inpkts, inpps_avg, 9, 10, s->rate.inpps);
	EST(outpkts, outpps_avg, 9, 10, s->rate.outpps);
	EST(inbytes, inbps_avg, 4, 5, s->rate.inbps);
	EST(outbytes, outbps_avg, 4, 5, s->rate.outbps);
#undef EST
	s->last = t;
}

void lb_estimate(struct lb_net *ln, uint64_t now)
{
	struct lb_service *svc;
	struct lb_dest *d;

	(void)now;
	if (!ln->sysctl.run_estimation)
		return;
	for (unsigned b = 0; b < LB_SVC_TAB_SIZE; b++) {
		cds_hlist_for_each_entry_rcu_2(svc, &ln->svc_table[b], s_list) {
			est_one(&svc->stats);
			cds_list_for_each_entry_rcu(d, &svc->destinations,
						    n_list)
				est_one(&d->stats);
		}
		cds_hlist_for_each_entry_rcu_2(svc, &ln->fwm_table[b], f_list) {
			est_one(&svc->stats);
			cds_list_for_each_entry_rcu(d, &svc->destinations,
						    n_list)
				est_one(&d->stats);
		}
	}
	est_one(&ln->tot_stats);
}

/* ---- scheduling (ip_vs_schedule, ip_vs_sched_persist) ---- */

static struct lb_dest *run_sched(struct lb_service *svc,
				 const struct lb_iph *iph, struct sbuf *why)
{
	const struct lb_scheduler *s = rcu_dereference(svc->scheduler);

	return s ? s->schedule(svc, iph, why) : NULL;
}

static struct lb_conn *sched_persist(struct lb_net *ln,
				     struct lb_service *svc,
				     const struct lb_iph *iph, uint32_t mark,
				     int *ignored, struct sbuf *why)
{
	struct ns_addr snet = iph->saddr, vaddr = iph->daddr;
	uint16_t vport = 0, dport;
	uint8_t protocol = iph->protocol;
	struct lb_conn *ct, *cp;
	struct lb_dest *dest;
	unsigned flags;

	/* Template granularity: the client's network. */
	snet.ip &= svc->netmask;
	if (iph->dport == svc->port) {
		/* <protocol, caddr, 0, vaddr, vport, daddr, dport> */
		if (svc->port != htons(21))
			vport = iph->dport;
	} else if (svc->fwmark) {
		/* <IPPROTO_IP, caddr, 0, fwmark, 0, daddr, 0> */
		protocol = 0;
		memset(&vaddr, 0, sizeof(vaddr));
		vaddr.family = 2;
		vaddr.ip = htonl(svc->fwmark);
	}
	ct = lb_conn_tmpl_get(ln, protocol, &snet, 0, &vaddr, vport);
	if (!ct || !lb_conn_check_template(ln, ct, NULL)) {
		dest = run_sched(svc, iph, why);
		if (!dest) {
			*ignored = 0;
			return NULL;
		}
		dport = (iph->dport == svc->port && svc->port != htons(21)) ?
			dest->port : 0;
		ct = lb_conn_new(ln, svc->af, protocol, &snet, 0, &vaddr,
				 vport, &dest->addr, dport,
				 LB_CONN_F_TEMPLATE, dest, mark);
		if (!ct) {
			*ignored = -1;
			return NULL;
		}
		ct->timeout = (uint64_t)svc->timeout * LB_NSEC;
		lb_conn_touch(ln, ct, net_now(ln->net));
		if (why)
			sbuf_addf(why, " (new persistence template, %us)",
				    svc->timeout);
	} else {
		dest = ct->dest;
		if (why) {
			char b[48];

			sbuf_addf(why, "persistence template of %s -> %s",
				    ap_str(b, sizeof(b), &snet, 0),
				    ap_str(b + 24, 24, &dest->addr,
					   dest->port));
		}
	}
	dport = iph->dport;
	if (dport == svc->port && dest->port)
		dport = dest->port;
	flags = (svc->flags & LB_SVC_F_ONEPACKET && iph->protocol == 17) ?
		LB_CONN_F_ONE_PACKET : 0;
	cp = lb_conn_new(ln, svc->af, iph->protocol, &iph->saddr, iph->sport,
			 &iph->daddr, iph->dport, &dest->addr, dport, flags,
			 dest, mark);
	if (!cp) {
		*ignored = -1;
		return NULL;
	}
	/* ip_vs_control_add(): the template keeps living while cp does. */
	cp->control = ct;
	atomic_fetch_add(&ct->n_control, 1);
	lb_conn_touch(ln, ct, net_now(ln->net));
	stats_conn(ln, cp, svc);
	return cp;
}

struct lb_conn *lb_schedule(struct lb_net *ln, struct lb_service *svc,
				const struct lb_iph *iph, uint32_t mark,
				int *ignored, struct sbuf *why)
{
	struct lb_dest *dest;
	struct lb_conn *cp;
	unsigned flags;

	*ignored = 1;
	if (svc->flags & LB_SVC_F_PERSISTENT)
		return sched_persist(ln, svc, iph, mark, ignored, why);
	*ignored = 0;
	/* Port zero only for persistent services. */
	if (!svc->fwmark && iph->dport != svc->port) {
		if (!svc->port)
			ns_log(&ln->net->log, NS_LOG_ERR,
			       "IPVS: Schedule: port zero only supported in "
			       "persistent services, check your ipvs "
			       "configuration");
		return NULL;
	}
	dest = run_sched(svc, iph, why);
	if (!dest)
		return NULL;
	flags = (svc->flags & LB_SVC_F_ONEPACKET && iph->protocol == 17) ?
		LB_CONN_F_ONE_PACKET : 0;
	cp = lb_conn_new(ln, svc->af, iph->protocol, &iph->saddr, iph->sport,
			 &iph->daddr, iph->dport, &dest->addr,
			 dest->port ? dest->port : iph->dport, flags, dest,
			 mark);
	if (!cp) {
		*ignored = -1;
		return NULL;
	}
	stats_conn(ln, cp, svc);
	return cp;
}

/* ip_vs_leave(): no server for it. */
static unsigned leave(struct lb_net *ln, struct lb_service *svc,
		      struct pkt *pkt, const struct lb_iph *iph)
{
	atomic_fetch_add(&ln->no_dest, 1);
	/* FTP's virtual service lets other ports of the VIP pass. */
	if (svc->port == htons(21) && iph->dport != htons(21))
		return NS_ACCEPT;
	icmp_send(ln->net, pkt, 3, 3, 0);
	return NS_DROP;
}

/* is_new_conn_expected(): may a new SYN take this connection over? */
static bool new_conn_expected(const struct lb_conn *cp, int mode)
{
	if (cp->control)
		return false;
	if (cp->protocol == 6)
		return cp->state == LB_TCP_S_TIME_WAIT ||
		       ((mode & 2) && cp->state == LB_TCP_S_FIN_WAIT &&
			(cp->flags & LB_CONN_F_NOOUTPUT));
	if (cp->protocol == 132)
		return cp->state == 13;   /* IP_VS_SCTP_S_CLOSED */
	return false;
}

static void gc_tick(struct lb_net *ln, uint64_t now)
{
	uint64_t last = atomic_load_explicit(&ln->gc_last,
					     memory_order_relaxed);

	if (now - last >= GC_INTERVAL &&
	    atomic_compare_exchange_strong(&ln->gc_last, &last, now))
		lb_conn_gc(ln, now);
	last = atomic_load_explicit(&ln->est_last, memory_order_relaxed);
	if (!last) {
		atomic_compare_exchange_strong(&ln->est_last, &last, now);
	} else if (now - last >= EST_INTERVAL &&
		   atomic_compare_exchange_strong(&ln->est_last, &last,
						  last + EST_INTERVAL)) {
		lb_estimate(ln, now);
	}
}

static bool fill_iph(const struct pkt *pkt, struct lb_iph *iph)
{
	if (pkt->family != NS_PF_INET || !pkt->l4_off ||
	    (pkt->is_frag && pkt->frag_off))
		return false;
	iph->af = 2;
	iph->protocol = pkt->desc.proto;
	iph->saddr = pkt->desc.saddr;
	iph->daddr = pkt->desc.daddr;
	iph->sport = pkt->desc.sport;
	iph->dport = pkt->desc.dport;
	return true;
}

/* ip_vs_in_hook(). */
static unsigned int lb_in(void *priv, struct pkt *pkt,
			  const struct ns_hook_state *st)
{
	struct lb_net *ln = priv;
	struct net *net = ln->net;
	const struct lb_proto *pp;
	struct lb_conn *cp;
	struct lb_iph iph;
	uint64_t now = net_now(net);
	const uint8_t *l4;
	unsigned ret;
	char b1[32], b2[32];

	if (pkt->ipvs_property)
		return NS_ACCEPT;
	if (st->hook == NS_INET_LOCAL_IN && pkt->pkt_type != PKT_HOST)
		return NS_ACCEPT;
	gc_tick(ln, now);
	if (pkt->family == NS_PF_INET && pkt->desc.proto == 1 &&
	    !(pkt->is_frag && pkt->frag_off)) {
		bool related;

		ret = lb_in_icmp(ln, pkt, st->hook, &related);
		if (related)
			net_note(net, pkt, "ipvs: ICMP error about a connection:"
				 " to its real server");
		return ret;
	}
	if (!fill_iph(pkt, &iph))
		return NS_ACCEPT;
	pp = lb_proto_get(iph.protocol);
	if (!pp)
		return NS_ACCEPT;
	l4 = pkt_l4(pkt);
	cp = lb_conn_in_get(ln, iph.protocol, &iph.saddr, iph.sport,
			    &iph.daddr, iph.dport);
	if (cp && pp->is_new_conn(l4, pkt->l4_len)) {
		int mode = ln->sysctl.conn_reuse_mode;
		bool resched = false;

		if (ln->sysctl.expire_nodest_conn && cp->dest &&
		    !lb_dest_weight(cp->dest))
			resched = true;
		else if (mode && new_conn_expected(cp, mode))
			resched = !atomic_load(&cp->n_control);
		if (resched) {
			/* ip_vs_conn_uses_old_conntrack(): the SYN found
			 * the old connection's conntrack entry. */
			bool old_ct = (cp->flags & LB_CONN_F_NFCT) &&
				      pkt->ct && !pkt->ct_owned;

			net_note(net, pkt, "ipvs: new SYN on %s connection "
				 "from %s: rescheduled (conn_reuse_mode=%d)%s",
				 pp->state_name(cp->state),
				 ap_str(b1, sizeof(b1), &cp->caddr, cp->cport),
				 mode, old_ct ? "; dropped while its conntrack "
				 "entry goes" : "");
			if (!old_ct) {
				pthread_spin_lock(&cp->lock);
				cp->flags &= ~LB_CONN_F_NFCT;
				pthread_spin_unlock(&cp->lock);
			}
			if (!atomic_load(&cp->n_control))
				lb_conn_expire_now(cp);
			if (old_ct)
				return NS_DROP;
			cp = NULL;
		}
	}
	if (!cp) {
		struct lb_service *svc;
		struct sbuf why = SBUF_INIT;
		bool tracing = net_tracing(net, pkt);
		int ignored;

		if (!pp->may_schedule(ln, l4, pkt->l4_len))
			return NS_ACCEPT;
		svc = lb_service_find(ln, 2, pkt->mark, iph.protocol,
				      &iph.daddr, iph.dport);
		if (!svc)
			return NS_ACCEPT;
		/* The explanation costs an allocation: only when traced. */
		cp = lb_schedule(ln, svc, &iph, pkt->mark, &ignored,
			      tracing ? &why : NULL);
		if (!cp) {
			sbuf_free(&why);
			net_note(net, pkt, "ipvs: service %s %s: no "
				 "destination available%s", pp->name,
				 ap_str(b1, sizeof(b1), &svc->addr, svc->port),
				 ignored < 0 ? " (table full)" : "");
			return ignored < 0 ? NS_DROP :
			       leave(ln, svc, pkt, &iph);
		}
		net_note(net, pkt, "ipvs: service %s %s, scheduler %s: "
			 "-> %s %s%s%s", pp->name,
			 ap_str(b1, sizeof(b1), &svc->addr, svc->port),
			 svc->scheduler ? svc->scheduler->name : "none",
			 ap_str(b2, sizeof(b2), &cp->daddr, cp->dport),
			 lb_fwd_name(cp->flags), why.len ? "; " : "",
			 why.len ? sbuf_str(&why) : "");
		sbuf_free(&why);
	}
	/* The server was removed: drop (and expire at once if asked). */
	if (!(atomic_load(&cp->dest->flags) & LB_DEST_F_AVAILABLE)) {
		if (ln->sysctl.expire_nodest_conn)
			lb_conn_expire_now(cp);
		net_note(net, pkt, "ipvs: connection's server %s is gone: "
			 "dropped", ap_str(b1, sizeof(b1), &cp->daddr,
					   cp->dport));
		return NS_DROP;
	}
	stats_pkt(ln, cp, pkt_l3_len(pkt), true);
	{
		uint16_t old = cp->state;

		pp->state_transition(ln, cp, LB_DIR_INPUT, l4, pkt->l4_len);
		if (old != cp->state)
			net_note(net, pkt, "ipvs: %s %s -> %s", pp->name,
				 pp->state_name(old),
				 pp->state_name(cp->state));
	}
	lb_conn_touch(ln, cp, now);
	ret = lb_xmit(ln, pkt, cp, st->hook);
	if (cp->flags & LB_CONN_F_ONE_PACKET)
		lb_conn_release_unhashed(ln, cp);
	return ret;
}

/* ip_vs_out_hook(): replies of NAT (and DR/TUN seen passing) conns. */
static unsigned int lb_out(void *priv, struct pkt *pkt,
			   const struct ns_hook_state *st)
{
	struct lb_net *ln = priv;
	const struct lb_proto *pp;
	struct lb_conn *cp;
	struct lb_iph iph;
	const uint8_t *l4;
	unsigned ret = NS_ACCEPT;

	if (pkt->ipvs_property)
		return NS_ACCEPT;
	if (pkt->pkt_type != PKT_HOST && st->hook != NS_INET_LOCAL_OUT)
		return NS_ACCEPT;
	/* Forwarded traffic that is not IPVS's keeps the clock of the
	 * collector and the estimator going too. */
	gc_tick(ln, net_now(ln->net));
	if (pkt->family == NS_PF_INET && pkt->desc.proto == 1 &&
	    !(pkt->is_frag && pkt->frag_off)) {
		bool related;

		ret = lb_out_icmp(ln, pkt, &related);
		if (related)
			net_note(ln->net, pkt, "ipvs: ICMP error about a "
				 "connection: back to the client");
		return ret;
	}
	if (!fill_iph(pkt, &iph))
		return NS_ACCEPT;
	pp = lb_proto_get(iph.protocol);
	if (!pp)
		return NS_ACCEPT;
	l4 = pkt_l4(pkt);
	cp = lb_conn_out_get(ln, iph.protocol, &iph.saddr, iph.sport,
			     &iph.daddr, iph.dport);
	if (!cp) {
		/* A real server starting a connection (nat_icmp_send). */
		if (ln->sysctl.nat_icmp_send &&
		    lb_has_real_service(ln, 2, iph.protocol, &iph.saddr,
					iph.sport) &&
		    !(iph.protocol == 6 && pkt->l4_len >= 14 &&
		      (l4[13] & 0x04))) {
			icmp_send(ln->net, pkt, 3, 3, 0);
			return NS_DROP;
		}
		return NS_ACCEPT;
	}
	if ((cp->flags & LB_FWD_MASK) == LB_FWD_MASQ) {
		ret = lb_xmit_nat_reply(ln, pkt, cp, st->hook);
		if (ret != NS_ACCEPT)
			return ret;
		net_note(ln->net, pkt, "ipvs: reply of a Masq connection: "
			 "source back to the virtual service");
	}
	stats_pkt(ln, cp, pkt_l3_len(pkt), false);
	pp->state_transition(ln, cp, LB_DIR_OUTPUT, l4, pkt->l4_len);
	lb_conn_touch(ln, cp, net_now(ln->net));
	pkt->ipvs_property = true;
	if (!(cp->flags & LB_CONN_F_NFCT)) {
		pkt_ct_drop(pkt);
		pkt->ctinfo = CT_UNTRACKED;
	}
	return NS_ACCEPT;
}

static struct ns_hook_ops hooks[] = {
	{ .hook = lb_out, .pf = NS_PF_INET, .hooknum = NS_INET_LOCAL_IN,
	  .priority = 100 - 2 },
	{ .hook = lb_in, .pf = NS_PF_INET, .hooknum = NS_INET_LOCAL_IN,
	  .priority = 100 - 1 },
	{ .hook = lb_out, .pf = NS_PF_INET, .hooknum = NS_INET_LOCAL_OUT,
	  .priority = -100 + 1 },
	{ .hook = lb_in, .pf = NS_PF_INET, .hooknum = NS_INET_LOCAL_OUT,
	  .priority = -100 + 2 },
	{ .hook = lb_out, .pf = NS_PF_INET, .hooknum = NS_INET_FORWARD,
	  .priority = 100 },
};
#define NHOOKS (sizeof(hooks) / sizeof(hooks[0]))

int lb_hooks_enable(struct net *net)
{
	struct lb_net *ln = lb_net(net);
	struct ns_hook_ops *ops;
	unsigned i;
	int err;

	ops = calloc(NHOOKS, sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	for (i = 0; i < NHOOKS; i++) {
		ops[i] = hooks[i];
		ops[i].priv = ln;
		err = ns_hook_register(net, &ops[i]);
		if (err)
			goto err;
	}
	ln->hook_ops = ops;
	return 0;
err:
	while (i--)
		ns_hook_unregister(net, &ops[i]);
	free(ops);
	return err;
}

void lb_hooks_disable(struct net *net)
{
	struct lb_net *ln = lb_net(net);

	if (!ln || !ln->hook_ops)
		return;
	for (unsigned i = 0; i < NHOOKS; i++)
		ns_hook_unregister(net, &ln->hook_ops[i]);
	ns_rcu_synchronize();
	free(ln->hook_ops);
	ln->hook_ops = NULL;
	ln->hooks_on = false;
}

const struct lb_proto *lb_proto_get(uint8_t protocol)
{
	if (protocol == 6)
		return &lb_proto_tcp;
	if (protocol == 17)
		return &lb_proto_udp;
	if (protocol == 132)
		return &lb_proto_sctp;
	return NULL;
}
