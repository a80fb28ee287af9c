// SPDX-License-Identifier: MIT
/*
 * Helpers, as the kernel's nf_conntrack_helper.c: the registry the CT
 * target looks helpers up in by name, their assignment to a new entry,
 * the part of the confirm hook that runs them (6.1's nf_confirm: the
 * helper, then the seq adjustment, then confirmation), and the helper
 * extension: what only helped entries need (their expectations, their
 * children's references, seq adjustment, the helper's data), out of line
 * in a pool reserved once (CT_HELP_LIMIT) so that struct ct_conn stays
 * small. Data path (assignment, hook, release) and any thread (lookup).
 */
#include "ct/ct_int.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

unsigned int (*_Atomic ct_nat_ftp_hook)(struct net *net, struct pkt *pkt,
		struct ct_conn *ct, enum ct_info ctinfo, enum ct_ftp_type type,
		unsigned match_off, unsigned match_len, struct ct_expect *exp);
unsigned int (*_Atomic ct_nat_tftp_hook)(struct net *net, struct pkt *pkt,
		struct ct_conn *ct, enum ct_info ctinfo, struct ct_expect *exp);

static const struct ct_helper *const helpers[] = {
	&ct_helper_ftp,
	&ct_helper_tftp,
};

const struct ct_helper *ct_helper_find(const char *name, uint8_t proto)
{
	size_t i;

	for (i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (helpers[i]->proto == proto &&
		    !strcmp(helpers[i]->name, name))
			return helpers[i];
	return NULL;
}

/* The extension pool. */

int ct_help_net_init(struct ct_net *cn)
{
	cn->help_pool = mmap(NULL, (size_t)CT_HELP_LIMIT *
			     sizeof(struct ct_help), PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			     -1, 0);
	if (cn->help_pool == MAP_FAILED) {
		cn->help_pool = NULL;
		return -ENOMEM;
	}
	pthread_spin_init(&cn->help_lock, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_init(&cn->helper_lock, PTHREAD_PROCESS_PRIVATE);
	return 0;
}

void ct_help_net_fini(struct ct_net *cn)
{
	if (cn->help_pool)
		munmap(cn->help_pool,
		       (size_t)CT_HELP_LIMIT * sizeof(struct ct_help));
	cn->help_pool = NULL;
	pthread_spin_destroy(&cn->help_lock);
	pthread_spin_destroy(&cn->helper_lock);
}

struct ct_help *ct_help_attach(struct ct_net *cn, struct ct_conn *ct)
{
	struct ct_help *h;

	if (ct->help)
		return ct_help_of(cn, ct);
	pthread_spin_lock(&cn->help_lock);
	h = cn->help_free;
	if (h)
		cn->help_free = h->next_free;
	else if (cn->help_used < CT_HELP_LIMIT)
		h = &cn->help_pool[cn->help_used++];
	pthread_spin_unlock(&cn->help_lock);
	if (!h)
		return NULL;
	memset(h, 0, sizeof(*h));
	h->ct = ct;
	atomic_store_explicit(&h->refs, 1, memory_order_relaxed);
	ct->help = (uint32_t)(h - cn->help_pool) + 1;
	return h;
}

static void help_put(struct ct_net *cn, struct ct_help *h)
{
	pthread_spin_lock(&cn->help_lock);
	h->next_free = cn->help_free;
	cn->help_free = h;
	pthread_spin_unlock(&cn->help_lock);
}

void ct_helper_assign(struct ct_net *cn, struct ct_conn *ct,
		      const struct ct_helper *helper)
{
	/* The kernel sets IPS_HELPER for an explicit assignment even when
	 * the extension cannot be had; the helper then does not run. */
	ct_status_set(ct, CT_S_HELPER);
	if (ct_help_attach(cn, ct))
		ct->helper = helper;
}

uint32_t ct_help_refs_extra(const struct ct_conn *ct)
{
	struct ct_net *cn;
	struct ct_help *h;
	struct ct_expect *e;
	uint32_t n;

	if (!ct->help)
		return 0;
	cn = ct_net_of(ct);
	if (!cn)
		return 0;
	h = ct_help_of(cn, ct);
	/* refs: its own and one per child still alive. */
	n = atomic_load_explicit(&h->refs, memory_order_relaxed) - 1;
	pthread_spin_lock(&cn->expect_lock);
	for (e = h->expects; e; e = e->lnext)
		n++;
	pthread_spin_unlock(&cn->expect_lock);
	return n;
}

/* An entry m whose child went: the last reference puts it back. */
static void master_put(struct ct_net *cn, struct ct_conn *m)
{
	struct ct_help *h;
	struct ct_conn *mm;

	while (m) {
		h = ct_help_of(cn, m);
		if (atomic_fetch_sub_explicit(&h->refs, 1,
					      memory_order_acq_rel) != 1)
			return;
		mm = m->master;
		m->help = 0;
		m->master = NULL;
		help_put(cn, h);
		ct_table_conn_put(cn, m);
		m = mm;
	}
}

bool ct_help_release(struct ct_net *cn, struct ct_conn *ct)
{
	struct ct_help *h = ct_help_of(cn, ct);
	struct ct_conn *m = ct->master;

	if (h) {
		/* TFTP expects on a connection's first packet, before it is
		 * confirmed: an entry never confirmed takes them along. */
		ct_expect_remove_all(cn, ct);
		if (atomic_fetch_sub_explicit(&h->refs, 1,
					      memory_order_acq_rel) != 1)
			return false;
		ct->help = 0;
		help_put(cn, h);
	}
	if (m) {
		ct->master = NULL;
		master_put(cn, m);
	}
	return true;
}

unsigned int ct_helper_confirm(struct ct_net *cn, struct pkt *pkt,
			       struct ct_conn *ct)
{
	const struct ct_helper *helper = ct->helper;
	struct net *net = cn->net;
	unsigned int ret;

	if (helper) {
		ret = helper->help(net, pkt, ct, pkt->ctinfo);
		if (ret != NS_ACCEPT)
			return ret;
	}
	if ((ct_status(ct) & CT_S_SEQ_ADJUST) &&
	    !ct_seq_adjust(net, pkt, ct, pkt->ctinfo)) {
		ct_pcpu(cn)->drop++;
		return NS_DROP;
	}
	return NS_ACCEPT;
}
