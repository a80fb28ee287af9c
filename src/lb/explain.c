// SPDX-License-Identifier: MIT
/*
 * `netsieve lb explain` (engine side): for a client of a virtual service,
 * what would decide its next connection (an existing connection of that
 * client port, a persistence template, the scheduler) and which real
 * server each scheduler would pick and why; and for a planned change (a
 * server's weight set to 0, or the server removed), what becomes of the
 * connections and templates that exist now, under the current
 * conn_reuse_mode, expire_nodest_conn and expire_quiescent_template.
 * Nothing live changes: the schedulers run on a copy of the service (its
 * servers in the same order, with their weights and connection counts),
 * from a fresh start, so rr and wrr show where a fresh cursor would go,
 * not the live cursor. Control path under the service lock.
 */
#include "lb/lb_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"

static void ap(struct sbuf *sb, const struct ns_addr *a, uint16_t port)
{
	char ip[16];

	inet_ntop(2, &a->ip, ip, sizeof(ip));
	sbuf_addf(sb, "%s:%u", ip, ntohs(port));
}

/* A copy of svc with copies of its servers, in the same order. */
static struct lb_service *svc_copy(const struct lb_service *svc)
{
	struct lb_service *c = calloc(1, sizeof(*c));
	const struct lb_dest *d;

	if (!c)
		return NULL;
	c->net = svc->net;
	c->af = svc->af;
	c->protocol = svc->protocol;
	c->addr = svc->addr;
	c->port = svc->port;
	c->fwmark = svc->fwmark;
	c->flags = svc->flags;
	c->timeout = svc->timeout;
	c->netmask = svc->netmask;
	CDS_INIT_LIST_HEAD(&c->destinations);
	pthread_spin_init(&c->sched_lock, PTHREAD_PROCESS_PRIVATE);
	atomic_store(&c->refcnt, 1);
	cds_list_for_each_entry(d, &svc->destinations, n_list) {
		struct lb_dest *n = calloc(1, sizeof(*n));

		if (!n)
			break;
		n->svc = c;
		n->af = d->af;
		n->addr = d->addr;
		n->port = d->port;
		atomic_store(&n->flags, atomic_load(&d->flags));
		atomic_store(&n->conn_flags, atomic_load(&d->conn_flags));
		atomic_store(&n->weight, atomic_load(&d->weight));
		atomic_store(&n->last_weight, atomic_load(&d->last_weight));
		n->u_threshold = d->u_threshold;
		n->l_threshold = d->l_threshold;
		atomic_store(&n->activeconns, atomic_load(&d->activeconns));
		atomic_store(&n->totalconns, atomic_load(&d->totalconns));
		atomic_store(&n->refcnt, 1);
		cds_list_add_tail(&n->n_list, &c->destinations);
		c->num_dests++;
	}
	return c;
}

static void svc_copy_free(struct lb_service *c)
{
	struct lb_dest *d, *n;

	/* Scheduler state goes by call_rcu(): let it go first. */
	ns_rcu_synchronize();
	rcu_barrier();
	cds_list_for_each_entry_safe(d, n, &c->destinations, n_list)
		free(d);
	pthread_spin_destroy(&c->sched_lock);
	free(c);
}

/* One scheduler's pick for iph on a fresh copy of svc. */
static void explain_sched(struct sbuf *out, const struct lb_service *svc,
			  const struct lb_scheduler *s,
			  const struct lb_iph *iph, bool mark)
{
	struct lb_service *c = svc_copy(svc);
	struct sbuf why = SBUF_INIT;
	struct lb_dest *d;

	if (!c) {
		sbuf_addf(out, "  %-6s (out of memory)\n", s->name);
		return;
	}
	if (s->init_service && s->init_service(c)) {
		sbuf_addf(out, "  %-6s (cannot start)\n", s->name);
		svc_copy_free(c);
		return;
	}
	c->scheduler = s;
	d = s->schedule(c, iph, &why);
	sbuf_addf(out, "  %s%-6s -> ", mark ? "*" : " ", s->name);
	if (d) {
		ap(out, &d->addr, d->port);
		sbuf_addf(out, " %s", lb_fwd_name(atomic_load(&d->conn_flags)));
	} else {
		sbuf_adds(out, "no destination available");
	}
	if (why.len)
		sbuf_addf(out, "  (%s)", sbuf_str(&why));
	sbuf_addc(out, '\n');
	sbuf_free(&why);
	if (s->done_service)
		s->done_service(c);
	c->sched_data = NULL;
	svc_copy_free(c);
}

struct plan_ctx {
	struct lb_net *ln;
	const struct lb_service *svc;
	const struct lb_dest *target;
	int change;
	struct sbuf *out;
	unsigned keep, move, brk, n;
};

static bool conn_of_svc(const struct lb_conn *cp, const struct lb_service *s)
{
	return cp->dest && cp->dest->svc == s;
}

/* What the planned change does to one connection or template. */
static int plan_one(void *priv, struct lb_conn *cp)
{
	struct plan_ctx *p = priv;
	const struct lb_sysctl *k = &p->ln->sysctl;
	const struct lb_proto *pp = lb_proto_get((uint8_t)cp->protocol);
	bool tmpl = cp->flags & LB_CONN_F_TEMPLATE;
	const char *verdict;

	if (atomic_load(&cp->dead) || !conn_of_svc(cp, p->svc))
		return 0;
	p->n++;
	if (cp->dest != p->target) {
		p->keep++;
		return 0;   /* untouched: not listed */
	}
	if (p->change == 2) {
		if (tmpl) {
			verdict = "template invalidated: the client's next "
				  "connection is scheduled again (moves)";
			p->move++;
		} else if (k->expire_nodest_conn) {
			verdict = "breaks: its next packet is dropped and the "
				  "connection expires at once "
				  "(expire_nodest_conn=1)";
			p->brk++;
		} else {
			verdict = "breaks: its packets are dropped until it "
				  "times out (expire_nodest_conn=0)";
			p->brk++;
		}
	} else if (tmpl) {
		if (k->expire_quiescent_template) {
			verdict = "template invalidated "
				  "(expire_quiescent_template=1): the client's "
				  "next connection moves";
			p->move++;
		} else {
			verdict = "template kept (expire_quiescent_template=0):"
				  " the client's new connections still go to "
				  "this server";
			p->keep++;
		}
	} else if (k->expire_nodest_conn) {
		verdict = "keeps its server; a new SYN on the same client port "
			  "is rescheduled elsewhere (expire_nodest_conn=1)";
		p->keep++;
	} else if (cp->protocol == 6 && k->conn_reuse_mode &&
		   (cp->state == LB_TCP_S_TIME_WAIT ||
		    ((k->conn_reuse_mode & 2) &&
		     cp->state == LB_TCP_S_FIN_WAIT &&
		     (cp->flags & LB_CONN_F_NOOUTPUT)))) {
		verdict = "keeps its server until it ends; a new SYN on this "
			  "client port is rescheduled (conn_reuse_mode)";
		p->keep++;
	} else {
		verdict = "keeps its server (weight 0 stops only new "
			  "connections)";
		p->keep++;
	}
	sbuf_addf(p->out, "  %s ", tmpl ? "template" : (pp ? pp->name : "?"));
	ap(p->out, &cp->caddr, cp->cport);
	sbuf_adds(p->out, " -> ");
	ap(p->out, &cp->daddr, cp->dport);
	if (!tmpl)
		sbuf_addf(p->out, " %s", pp ? pp->state_name(cp->state) : "?");
	sbuf_addf(p->out, ": %s\n", verdict);
	return 0;
}

int lb_explain(struct net *net, const struct lb_explain_req *r,
	       struct sbuf *out)
{
	struct lb_service *svc;
	struct lb_net *ln;
	struct lb_iph iph;
	int err;

	err = lb_net_get(net, &ln);
	if (err)
		return err;
	pthread_mutex_lock(&ln->lock);
	svc = r->svc.fwmark ?
	      lb_service_find(ln, r->svc.af, r->svc.fwmark, 0, &r->svc.addr,
			      0) :
	      lb_service_find(ln, r->svc.af, 0, (uint8_t)r->svc.protocol,
			      &r->svc.addr, r->svc.port);
	if (!svc || (r->svc.fwmark && svc->fwmark != r->svc.fwmark)) {
		err = -ESRCH;
		goto out;
	}
	memset(&iph, 0, sizeof(iph));
	iph.af = 2;
	iph.protocol = (uint8_t)(svc->protocol ? svc->protocol :
				 r->svc.protocol ? r->svc.protocol : 6);
	iph.saddr = r->client;
	iph.sport = r->cport;
	iph.daddr = svc->fwmark ? r->svc.addr : svc->addr;
	iph.dport = svc->port ? svc->port : r->svc.port;

	sbuf_addf(out, "service %s ", svc->fwmark ? "FWM" :
		  svc->protocol == 6 ? "TCP" : "UDP");
	if (svc->fwmark)
		sbuf_addf(out, "%u", svc->fwmark);
	else
		ap(out, &svc->addr, svc->port);
	sbuf_addf(out, ", scheduler %s, %u real server(s)",
		  svc->scheduler ? svc->scheduler->name : "none",
		  svc->num_dests);
	if (svc->flags & LB_SVC_F_PERSISTENT)
		sbuf_addf(out, ", persistent %us", svc->timeout);
	sbuf_adds(out, "\n");
	if (r->change == 0) {
		sbuf_adds(out, "client ");
		ap(out, &iph.saddr, iph.sport);
		sbuf_adds(out, ":\n");
	}

	if (r->change == 0) {
		struct lb_conn *cp = NULL, *ct = NULL;

		ns_rcu_reader_enter();
		if (iph.sport)
			cp = lb_conn_in_get(ln, iph.protocol, &iph.saddr,
					    iph.sport, &iph.daddr, iph.dport);
		if (cp) {
			const struct lb_proto *pp = lb_proto_get(iph.protocol);

			sbuf_adds(out, "  an existing connection decides: -> ");
			ap(out, &cp->daddr, cp->dport);
			sbuf_addf(out, " (%s, %us left)\n",
				  pp ? pp->state_name(cp->state) : "?",
				  lb_conn_seconds_left(cp, net_now(net)));
		}
		if (svc->flags & LB_SVC_F_PERSISTENT) {
			struct ns_addr snet = iph.saddr, va = iph.daddr;
			uint16_t vport = 0;
			uint8_t proto = iph.protocol;

			snet.ip &= svc->netmask;
			if (svc->fwmark) {
				proto = 0;
				va.ip = htonl(svc->fwmark);
			} else if (svc->port != htons(21)) {
				vport = svc->port;
			}
			ct = lb_conn_tmpl_get(ln, proto, &snet, 0, &va, vport);
			if (ct) {
				char ip[16];

				inet_ntop(2, &snet.ip, ip, sizeof(ip));
				sbuf_addf(out, "  persistence template %s", ip);
				sbuf_adds(out, " decides: -> ");
				ap(out, &ct->daddr, ct->dport);
				sbuf_addf(out, " (%us left, controls %d "
					  "connection(s))\n",
					  lb_conn_seconds_left(ct,
							       net_now(net)),
					  atomic_load(&ct->n_control));
			} else {
				char ip[16];

				inet_ntop(2, &snet.ip, ip, sizeof(ip));
				sbuf_addf(out, "  no persistence template for "
					  "its network %s: the scheduler "
					  "picks\n", ip);
			}
		}
		ns_rcu_reader_leave();
		sbuf_adds(out, "schedulers (* the service's; a fresh cursor "
			  "for rr and wrr):\n");
		if (r->all_scheds) {
			for (unsigned i = 0; lb_schedulers[i]; i++)
				explain_sched(out, svc, lb_schedulers[i], &iph,
					      lb_schedulers[i] ==
					      svc->scheduler);
		} else if (svc->scheduler) {
			explain_sched(out, svc, svc->scheduler, &iph, true);
		}
	} else {
		struct plan_ctx p = {
			.ln = ln, .svc = svc, .change = r->change, .out = out,
		};
		struct lb_dest *d;

		cds_list_for_each_entry(d, &svc->destinations, n_list)
			if (d->port == r->target.port &&
			    lb_addr_equal(2, &d->addr, &r->target.addr))
				p.target = d;
		if (!p.target) {
			err = -ENOENT;
			goto out;
		}
		sbuf_adds(out, r->change == 2 ? "if " : "if the weight of ");
		ap(out, &p.target->addr, p.target->port);
		sbuf_addf(out, "%s (conn_reuse_mode=%d expire_nodest_conn=%d "
			  "expire_quiescent_template=%d):\n",
			  r->change == 2 ? " is removed" : " is set to 0",
			  ln->sysctl.conn_reuse_mode,
			  ln->sysctl.expire_nodest_conn,
			  ln->sysctl.expire_quiescent_template);
		ns_rcu_reader_enter();
		lb_conn_walk(ln, plan_one, &p);
		ns_rcu_reader_leave();
		sbuf_addf(out, "%u entr%s of this service: %u keep their "
			  "server, %u move, %u break\n", p.n,
			  p.n == 1 ? "y" : "ies", p.keep, p.move, p.brk);
	}
out:
	pthread_mutex_unlock(&ln->lock);
	return err;
}
