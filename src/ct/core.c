// SPDX-License-Identifier: MIT
/*
 * The tracking core, as the kernel's nf_conntrack_core.c: the hook at
 * PREROUTING and OUTPUT (-200) that finds or creates every packet's entry
 * and sets its ctinfo, and the confirmation hook last in INPUT and
 * POSTROUTING that inserts a new entry into the table. Also the per-net
 * state, the net.netfilter.nf_conntrack_* knobs and the glue the lower
 * layers call through pointers (pkt_ct_release, pkt_ct_attach). Hooks run
 * on the data path; enabling and the knobs on the control path.
 */
#include "ct/ct_int.h"

#include "base/sbuf.h"
#include "core/hook.h"
#include "ct/defrag.h"
#include "pkt/parse.h"
#include "stack/sysctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSEC 1000000000ull

struct ct_net *ct_net(const struct net *net)
{
	return atomic_load_explicit(&((struct net *)net)->ct,
				    memory_order_acquire);
}

struct ct_sysctl *ct_sysctl(struct net *net)
{
	struct ct_net *cn = ct_net(net);

	return cn ? &cn->sysctl : NULL;
}

void ct_sysctl_defaults(struct ct_sysctl *s)
{
	memset(s, 0, sizeof(*s));
	s->buckets = 262144;
	s->max = 262144;
	s->checksum = 1;
	s->events = 2;
	s->tcp_loose = 1;
	s->tcp_max_retrans = 3;
	s->tcp_timeout[CT_TCP_SYN_SENT] = 120;
	s->tcp_timeout[CT_TCP_SYN_RECV] = 60;
	s->tcp_timeout[CT_TCP_ESTABLISHED] = 432000;
	s->tcp_timeout[CT_TCP_FIN_WAIT] = 120;
	s->tcp_timeout[CT_TCP_CLOSE_WAIT] = 60;
	s->tcp_timeout[CT_TCP_LAST_ACK] = 30;
	s->tcp_timeout[CT_TCP_TIME_WAIT] = 120;
	s->tcp_timeout[CT_TCP_CLOSE] = 10;
	s->tcp_timeout[CT_TCP_SYN_SENT2] = 120;
	s->tcp_timeout_max_retrans = 300;
	s->tcp_timeout_unacknowledged = 300;
	s->udp_timeout = 30;
	s->udp_timeout_stream = 120;
	s->icmp_timeout = 30;
	s->generic_timeout = 600;
	s->gre_timeout = 30;
	s->gre_timeout_stream = 180;
	s->expect_max = 4096;
}

/* Creation. */

static int ct_net_get(struct net *net, struct ct_net **out)
{
	struct ct_net *cn = ct_net(net);
	int err;

	if (cn) {
		*out = cn;
		return 0;
	}
	cn = calloc(1, sizeof(*cn));
	if (!cn)
		return -ENOMEM;
	cn->net = net;
	ct_sysctl_defaults(&cn->sysctl);
	cn->hash_seed = (uint32_t)(net->seed ^ (net->seed >> 32)) ^ 0x5a17c0de;
	err = ct_table_init(cn, cn->sysctl.buckets);
	if (err)
		goto err_free;
	err = ct_expect_net_init(cn);
	if (err)
		goto err_table;
	err = ct_help_net_init(cn);
	if (err)
		goto err_expect;
	atomic_store_explicit(&net->ct, cn, memory_order_release);
	*out = cn;
	return 0;

err_expect:
	ct_expect_net_fini(cn);
err_table:
	ct_table_fini(cn);
err_free:
	free(cn);
	return err;
}

void ct_net_destroy(struct net *net)
{
	struct ct_net *cn = ct_net(net);

	/* conntrack -E's ring may exist without tracking (a subscriber). */
	ct_event_destroy(net);
	if (!cn)
		return;
	ct_defrag_disable(net);
	ct_table_fini(cn);
	/* After the table: its last call_rcu() callbacks used them. */
	ct_help_net_fini(cn);
	ct_expect_net_fini(cn);
	atomic_store(&net->ct, NULL);
	free(cn);
}

/* Seconds and timeouts. */

void ct_refresh(struct net *net, struct ct_conn *ct, uint64_t ns)
{
	if (ct->flags & CT_F_FIXED_TIMEOUT)
		return;
	atomic_store_explicit(&ct->timeout, net_now(net) + ns,
			      memory_order_relaxed);
}

uint32_t ct_seconds_left(const struct ct_conn *ct, uint64_t now)
{
	uint64_t t = atomic_load_explicit(&ct->timeout, memory_order_relaxed);

	return t > now ? (uint32_t)((t - now) / NSEC) : 0;
}

void ct_stats_read(struct net *net, int cpu, struct ct_stats *out)
{
	struct ct_net *cn = ct_net(net);

	memset(out, 0, sizeof(*out));
	if (!cn || cpu < 0 || cpu >= NS_MAX_WORKERS)
		return;
	*out = cn->stats[cpu].s;
}

void ct_trace(struct net *net, const struct pkt *pkt, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	net_vnote(net, pkt, fmt, ap);
	va_end(ap);
}

/* The tuple of a packet; false if it has none (a fragment, a runt). */
static bool pkt_tuple(const struct pkt *pkt, const struct ct_l4proto *l4,
		      struct ct_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->src = pkt->desc.saddr;
	t->dst = pkt->desc.daddr;
	t->proto = pkt->desc.proto;
	if (pkt->is_frag)
		return false;
	return l4->pkt_to_tuple(pkt, t);
}

static void tuple_str(const struct ct_tuple *t, char *buf, size_t n)
{
	const uint8_t *s = (const uint8_t *)&t->src.ip;
	const uint8_t *d = (const uint8_t *)&t->dst.ip;

	snprintf(buf, n, "%u.%u.%u.%u:%u -> %u.%u.%u.%u:%u proto %u",
		 s[0], s[1], s[2], s[3], ntohs(t->sport),
		 d[0], d[1], d[2], d[3], ntohs(t->dport), t->proto);
}

static const char *const ctinfo_names[] = {
	[CT_ESTABLISHED] = "ESTABLISHED", [CT_RELATED] = "RELATED",
	[CT_NEW] = "NEW", [CT_ESTABLISHED_REPLY] = "ESTABLISHED reply",
	[CT_RELATED_REPLY] = "RELATED reply",
};

/* The entry for pkt: found, or new and unconfirmed (owned by pkt). */
static int resolve(struct ct_net *cn, struct pkt *pkt,
		   const struct ct_l4proto *l4, uint16_t zone,
		   const char **why)
{
	struct net *net = cn->net;
	struct ct_expect exp;
	struct ct_tuple t, r;
	struct ct_conn *ct;
	enum ct_dir dir;
	uint32_t st, hash;

	if (!pkt_tuple(pkt, l4, &t)) {
		*why = pkt->is_frag ? "fragment not reassembled" :
				      "header too short for a tuple";
		return -1;
	}
	hash = ct_tuple_hash(cn, &t, zone);
	ct = ct_table_find(cn, &t, zone, hash, &dir);
	if (!ct) {
		memset(&r, 0, sizeof(r));
		r.src = t.dst;
		r.dst = t.src;
		r.proto = t.proto;
		if (!l4->invert(&r, &t)) {
			*why = "no reply tuple for this packet type";
			return -1;
		}
		ct = ct_table_alloc(cn, zone, hash);
		if (!ct) {
			*why = "table full";
			return NS_DROP;
		}
		ct->node[CT_DIR_ORIGINAL].tuple = t;
		ct->node[CT_DIR_REPLY].tuple = r;
		if (l4->new && !l4->new(net, ct, pkt, why)) {
			ct_conn_free_unconfirmed(net, ct);
			return -1;
		}
		pkt->ct = ct;
		pkt->ct_owned = true;
		pkt->ctinfo = CT_NEW;
		/* init_conntrack(): expected (RELATED), else the CT
		 * target's helper. */
		if (ct_expect_take(cn, ct, &exp)) {
			pkt->ctinfo = CT_RELATED;
			if (exp.assign_helper)
				ct_helper_assign(cn, ct, exp.assign_helper);
			if (exp.expectfn)
				exp.expectfn(net, ct, &exp);
		} else if (pkt->ct_tmpl && pkt->ct_tmpl->helper) {
			ct_helper_assign(cn, ct, pkt->ct_tmpl->helper);
		}
		return NS_ACCEPT;
	}
	ct_pcpu(cn)->found++;
	st = ct_status(ct);
	if (dir == CT_DIR_REPLY)
		pkt->ctinfo = CT_ESTABLISHED_REPLY;
	else if (st & CT_S_SEEN_REPLY)
		pkt->ctinfo = CT_ESTABLISHED;
	else if (st & CT_S_EXPECTED)
		pkt->ctinfo = CT_RELATED;
	else
		pkt->ctinfo = CT_NEW;
	pkt->ct = ct;
	pkt->ct_owned = false;
	return NS_ACCEPT;
}

static void drop_ct(struct pkt *pkt)
{
	pkt_ct_drop(pkt);
	pkt->ctinfo = CT_NONE;
}

/*
 * nf_conntrack_in(): PREROUTING and OUTPUT at -200. Every outcome but a
 * full table accepts: an INVALID packet goes on without an entry (ctinfo
 * CT_NONE), for the rules to judge.
 */
static unsigned int ct_hook_in(void *priv, struct pkt *pkt,
			       const struct ns_hook_state *state)
{
	struct ct_net *cn = priv;
	struct net *net = cn->net;
	const struct ct_l4proto *l4;
	const char *why = NULL;
	uint64_t now = net_now(net);
	uint64_t gc;
	uint16_t zone = 0;
	enum ct_dir dir;
	int tries, ret;
	char buf[96];

	(void)state;
	if (pkt->ct || pkt->ctinfo == CT_UNTRACKED)
		return NS_ACCEPT;
	if (pkt->ct_tmpl) {
		if (pkt->ct_tmpl->notrack) {
			pkt->ctinfo = CT_UNTRACKED;
			return NS_ACCEPT;
		}
		zone = pkt->ct_tmpl->zone;
	}
	if (pkt->family != NS_PF_INET)
		return NS_ACCEPT;

	gc = atomic_load_explicit(&cn->next_gc, memory_order_relaxed);
	if (now >= gc &&
	    atomic_compare_exchange_strong(&cn->next_gc, &gc,
					   now + CT_GC_INTERVAL_NS)) {
		ct_table_gc(cn, now);
		ct_expect_gc(cn, now);
	}

	l4 = ct_l4proto_find(pkt->desc.proto);
	if (l4->error) {
		ret = l4->error(net, pkt, &why);
		if (ret < 0)
			goto invalid;
		if (ret > 0) {
			ct_trace(net, pkt, "ct: %s of entry %u",
				 ctinfo_names[pkt->ctinfo], pkt->ct->id);
			return NS_ACCEPT;
		}
	}
	for (tries = 0; tries < 2; tries++) {
		ret = resolve(cn, pkt, l4, zone, &why);
		if (ret == NS_DROP) {
			ct_pcpu(cn)->drop++;
			ct_trace(net, pkt, "ct: dropped: %s", why);
			return NS_DROP;
		}
		if (ret < 0)
			goto invalid;
		dir = ct_info_dir(pkt->ctinfo);
		ret = l4->packet(net, pkt->ct, pkt, dir, pkt->ctinfo, now,
				 &why);
		if (ret == NS_REPEAT) {
			/* The tracker wants this packet to start a new
			 * connection (a SYN on a closed one); if another
			 * worker killed the entry first, the kernel drops. */
			if (!pkt->ct_owned && !ct_kill(net, pkt->ct)) {
				drop_ct(pkt);
				return NS_DROP;
			}
			drop_ct(pkt);
			continue;
		}
		break;
	}
	if (ret < 0 || tries == 2)
		goto invalid;
	if (ret == NS_DROP) {
		ct_trace(net, pkt, "ct: dropped by the %s tracker: %s",
			 l4->name, why ? why : "");
		drop_ct(pkt);
		return NS_DROP;
	}
	if (pkt->ctinfo == CT_ESTABLISHED_REPLY &&
	    !(ct_status(pkt->ct) & CT_S_SEEN_REPLY)) {
		ct_status_set(pkt->ct, CT_S_SEEN_REPLY);
		ct_event_emit(net, pkt->ct, CT_EV_UPDATE);
	}
	if (cn->sysctl.acct) {
		dir = ct_info_dir(pkt->ctinfo);
		atomic_fetch_add_explicit(&pkt->ct->packets[dir], 1,
					  memory_order_relaxed);
		atomic_fetch_add_explicit(&pkt->ct->bytes[dir],
					  pkt_l3_len(pkt),
					  memory_order_relaxed);
	}
	if (net_tracing(net, pkt)) {
		tuple_str(ct_tuple_of(pkt->ct, CT_DIR_ORIGINAL), buf,
			  sizeof(buf));
		ct_trace(net, pkt, "ct: %s%s, entry %u (%s)",
			 ctinfo_names[pkt->ctinfo],
			 pkt->ct_owned ? " (new entry)" : "", pkt->ct->id,
			 buf);
	}
	return NS_ACCEPT;

invalid:
	drop_ct(pkt);
	ct_pcpu(cn)->invalid++;
	ct_trace(net, pkt, "ct: INVALID: %s", why ? why : "");
	return NS_ACCEPT;
}

/*
 * nf_confirm(): last in INPUT and POSTROUTING. A new entry the packet
 * owns goes into the table; when another worker confirmed the same
 * connection first (two packets of it at once), the packet joins that
 * entry if it is the same connection (the kernel's clash resolution),
 * else it is dropped.
 */
static unsigned int ct_hook_confirm(void *priv, struct pkt *pkt,
				    const struct ns_hook_state *state)
{
	struct ct_net *cn = priv;
	struct net *net = cn->net;
	struct ct_conn *ct = pkt->ct, *other;
	enum ct_dir dir;
	unsigned int ret;

	(void)state;
	if (!ct)
		return NS_ACCEPT;
	/* nf_confirm(): the helper and the seq adjustment first. */
	if (ct->help && pkt->ctinfo != CT_RELATED_REPLY) {
		ret = ct_helper_confirm(cn, pkt, ct);
		if (ret != NS_ACCEPT) {
			drop_ct(pkt);
			return ret;
		}
	}
	if (!pkt->ct_owned)
		return NS_ACCEPT;
	if (ct_info_dir(pkt->ctinfo) != CT_DIR_ORIGINAL)
		return NS_ACCEPT;
	if (cn->sysctl.timestamp)
		ct->start_ns = net_now(net);
	if (ct_table_confirm(cn, ct) == 0) {
		pkt->ct_owned = false;
		ct_event_emit(net, ct, CT_EV_NEW);
		return NS_ACCEPT;
	}
	other = ct_find(net, ct_tuple_of(ct, CT_DIR_ORIGINAL), ct->zone, &dir);
	if (other && dir == CT_DIR_ORIGINAL &&
	    ct_tuple_equal(ct_tuple_of(other, CT_DIR_REPLY),
			   ct_tuple_of(ct, CT_DIR_REPLY))) {
		drop_ct(pkt);
		pkt->ct = other;
		pkt->ctinfo = CT_NEW;
		ct_pcpu(cn)->clash_resolve++;
		return NS_ACCEPT;
	}
	ct_trace(net, pkt, "ct: insert failed: tuple taken by another entry");
	drop_ct(pkt);
	return NS_DROP;
}

int ct_insert(struct net *net, struct ct_conn *ct)
{
	struct ct_net *cn = ct_net(net);
	int err = ct_table_confirm(cn, ct);

	if (err) {
		ct_conn_free_unconfirmed(net, ct);
		return err;
	}
	ct_event_emit(net, ct, CT_EV_NEW);
	return 0;
}

/* The lower layers' pointers. */

/* pkt_ct_release: the unconfirmed entry pkt owns goes with it. */
static void release(struct pkt *pkt)
{
	if (pkt->ct)
		ct_table_free_unconfirmed(ct_net_of(pkt->ct), pkt->ct);
}

void ct_attach(struct pkt *new, const struct pkt *orig)
{
	enum ct_info ctinfo;

	if (!orig->ct || orig->ctinfo == CT_NONE)
		return;
	ctinfo = ct_info_dir(orig->ctinfo) == CT_DIR_ORIGINAL ?
		 CT_RELATED_REPLY : CT_RELATED;
	new->ct = orig->ct;
	new->ct_owned = false;
	new->ctinfo = ctinfo;
}

/* nf_conntrack_set_closing(): a TCP entry being reset goes to CLOSE. */
static void set_closing(const struct pkt *pkt)
{
	struct ct_conn *ct = pkt->ct;
	struct ct_net *cn;

	if (!ct || ct_tuple_of(ct, CT_DIR_ORIGINAL)->proto != 6)
		return;
	cn = ct_net_of(ct);
	if (cn)
		ct_tcp_set_closing(cn->net, ct);
}

/* Enabling (the kernel's nf_ct_netns_get). */

int ct_net_enable(struct net *net)
{
	static const struct {
		int hook, prio;
		bool confirm;
	} where[4] = {
		{ NS_INET_PRE_ROUTING, NS_IP_PRI_CONNTRACK, false },
		{ NS_INET_LOCAL_OUT, NS_IP_PRI_CONNTRACK, false },
		{ NS_INET_LOCAL_IN, NS_IP_PRI_CONNTRACK_CONFIRM, true },
		{ NS_INET_POST_ROUTING, NS_IP_PRI_CONNTRACK_CONFIRM, true },
	};
	struct ct_net *cn;
	int err, i;

	err = ct_net_get(net, &cn);
	if (err)
		return err;
	if (cn->hooks_on)
		return 0;
	err = ct_defrag_enable(net);
	if (err)
		return err;
	pkt_ct_release = release;
	pkt_ct_attach = ct_attach;
	pkt_ct_set_closing = set_closing;
	for (i = 0; i < 4; i++) {
		cn->hooks[i] = (struct ns_hook_ops){
			.hook = where[i].confirm ? ct_hook_confirm : ct_hook_in,
			.priv = cn, .pf = NS_PF_INET,
			.hooknum = where[i].hook, .priority = where[i].prio,
		};
		err = ns_hook_register(net, &cn->hooks[i]);
		if (err)
			goto err_unregister;
	}
	cn->hooks_on = true;
	return 0;

err_unregister:
	while (i--)
		ns_hook_unregister(net, &cn->hooks[i]);
	ct_defrag_disable(net);
	return err;
}

/* The knobs: net.netfilter.nf_conntrack_*. */

#define OFF(f) __builtin_offsetof(struct ct_sysctl, f)

/* A field of struct ct_sysctl (k->arg: its offset). */
static long knob_get(struct net *net, const struct stack_sysctl_ext *k)
{
	struct ct_net *cn;

	if (ct_net_get(net, &cn))
		return 0;
	return (long)*(unsigned *)((char *)&cn->sysctl + k->arg);
}

static int knob_set(struct net *net, const struct stack_sysctl_ext *k, long v)
{
	struct ct_net *cn;
	int err;

	err = ct_net_get(net, &cn);
	if (err)
		return err;
	__atomic_store_n((unsigned *)((char *)&cn->sysctl + k->arg),
			 (unsigned)v, __ATOMIC_RELAXED);
	return 0;
}

/*
 * The hash size (the kernel's hashsize module parameter): set before
 * tracking starts, while the table is empty and no worker looks at it.
 * Afterwards it is read-only, as in a namespace.
 */
static int buckets_set(struct net *net, const struct stack_sysctl_ext *k,
		       long v)
{
	struct ct_net *cn;
	int err;

	(void)k;
	err = ct_net_get(net, &cn);
	if (err)
		return err;
	if (cn->hooks_on || ct_count(net) || v < 1)
		return -EINVAL;
	return ct_table_resize(cn, (unsigned)v);
}

/* nf_conntrack_count: the entries now; read-only. */
static long count_get(struct net *net, const struct stack_sysctl_ext *k)
{
	(void)k;
	return ct_count(net);
}

static int readonly_set(struct net *net, const struct stack_sysctl_ext *k,
			long v)
{
	(void)net, (void)k, (void)v;
	return -EINVAL;
}

#define K(n, f, lo, hi) \
	{ "net.netfilter.nf_conntrack_" n, lo, hi, knob_get, knob_set, OFF(f) }
#define KT(n, st) \
	K("tcp_timeout_" n, tcp_timeout[st], 0, 2147483647 / 1000)

static const struct stack_sysctl_ext knobs[] = {
	K("acct", acct, 0, 1),
	{ "net.netfilter.nf_conntrack_buckets", 0, 2147483647, knob_get,
	  buckets_set, OFF(buckets) },
	K("checksum", checksum, 0, 1),
	{ "net.netfilter.nf_conntrack_count", 0, 2147483647, count_get,
	  readonly_set, 0 },
	K("events", events, 0, 2),
	K("expect_max", expect_max, 1, 2147483647),
	K("generic_timeout", generic_timeout, 0, 2147483647 / 1000),
	K("gre_timeout", gre_timeout, 0, 2147483647 / 1000),
	K("gre_timeout_stream", gre_timeout_stream, 0, 2147483647 / 1000),
	K("icmp_timeout", icmp_timeout, 0, 2147483647 / 1000),
	K("log_invalid", log_invalid, 0, 255),
	K("max", max, 0, CT_MAX_LIMIT),
	K("tcp_be_liberal", tcp_be_liberal, 0, 1),
	K("tcp_ignore_invalid_rst", tcp_ignore_invalid_rst, 0, 1),
	K("tcp_loose", tcp_loose, 0, 1),
	K("tcp_max_retrans", tcp_max_retrans, 0, 255),
	KT("close", CT_TCP_CLOSE),
	KT("close_wait", CT_TCP_CLOSE_WAIT),
	KT("established", CT_TCP_ESTABLISHED),
	KT("fin_wait", CT_TCP_FIN_WAIT),
	KT("last_ack", CT_TCP_LAST_ACK),
	K("tcp_timeout_max_retrans", tcp_timeout_max_retrans, 0,
	  2147483647 / 1000),
	KT("syn_recv", CT_TCP_SYN_RECV),
	KT("syn_sent", CT_TCP_SYN_SENT),
	KT("time_wait", CT_TCP_TIME_WAIT),
	K("tcp_timeout_unacknowledged", tcp_timeout_unacknowledged, 0,
	  2147483647 / 1000),
	K("timestamp", timestamp, 0, 1),
	K("udp_timeout", udp_timeout, 0, 2147483647 / 1000),
	K("udp_timeout_stream", udp_timeout_stream, 0, 2147483647 / 1000),
};

__attribute__((constructor)) static void ct_knobs_register(void)
{
	stack_sysctl_register(knobs, sizeof(knobs) / sizeof(knobs[0]));
}
