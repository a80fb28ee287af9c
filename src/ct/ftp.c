// SPDX-License-Identifier: MIT
/*
 * The FTP helper, as the kernel's nf_conntrack_ftp.c: on a control
 * connection it reads the commands that announce a data connection, PORT
 * and EPRT from the client, the 227 (PASV) and 229 (EPSV) replies from
 * the server, and expects that connection (from the other side of the
 * control connection to the announced port). A command is read only at
 * the start of a segment that follows a line end (the seqs just after a
 * "\n" are remembered per direction), so one split across segments
 * yields nothing; a segment that holds only the start of a command is
 * dropped, as the kernel does, so the sender sends it again whole. With
 * NAT, ct_nat_ftp_hook rewrites the address. IPv4 only (the engine is).
 * Data path.
 */
#include "ct/ct_int.h"

#include "pkt/parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <strings.h>

#define FTP_PORT 21
#define NUM_SEQ_TO_REMEMBER 2

/* What a command says: the address and port to expect. */
struct ftp_cmd {
	struct ns_addr addr;
	uint16_t port;          /* network byte order */
};

typedef unsigned (*ftp_getnum)(const char *data, size_t dlen,
			       struct ftp_cmd *cmd, char term,
			       unsigned *offset);

/*
 * array_size numbers separated by sep, ended by term (or anything when
 * term is 0) after the last; returns the length read, 0 if it is not.
 */
static unsigned try_number(const char *data, size_t dlen, uint32_t *array,
			   int array_size, char sep, char term)
{
	unsigned len;
	int i;

	for (i = 0; i < array_size; i++)
		array[i] = 0;
	for (i = 0, len = 0; len < dlen && i < array_size; len++, data++) {
		if (*data >= '0' && *data <= '9') {
			array[i] = array[i] * 10 + (uint32_t)(*data - '0');
		} else if (*data == sep) {
			i++;
		} else {
			if ((*data == term || !term) && i == array_size - 1)
				return len;
			return 0;
		}
	}
	return 0;
}

/* "10,1,0,2,4,1": address and port (RFC 959). */
static unsigned try_rfc959(const char *data, size_t dlen, struct ftp_cmd *cmd,
			   char term, unsigned *offset)
{
	uint32_t a[6];
	unsigned len;

	(void)offset;
	len = try_number(data, dlen, a, 6, ',', term);
	if (!len)
		return 0;
	cmd->addr.ip = htonl(a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]);
	cmd->port = htons((uint16_t)(a[4] << 8 | a[5]));
	return len;
}

/* A 227 reply: the numbers start at the first digit (RFC 1123). */
static unsigned try_rfc1123(const char *data, size_t dlen,
			    struct ftp_cmd *cmd, char term, unsigned *offset)
{
	size_t i;

	(void)term;
	for (i = 0; i < dlen; i++)
		if (isdigit((unsigned char)data[i]))
			break;
	if (i == dlen)
		return 0;
	*offset += (unsigned)i;
	return try_rfc959(data + i, dlen - i, cmd, 0, offset);
}

/* A port up to delim, from start; the length up to after delim. */
static unsigned get_port(const char *data, unsigned start, size_t dlen,
			 char delim, uint16_t *port)
{
	uint16_t p = 0;
	size_t i;

	for (i = start; i < dlen; i++) {
		if (data[i] == delim) {
			if (p == 0)
				break;
			*port = htons(p);
			return (unsigned)i + 1;
		} else if (data[i] >= '0' && data[i] <= '9') {
			p = (uint16_t)(p * 10 + (data[i] - '0'));
		} else {
			break;
		}
	}
	return 0;
}

/* "|1|10.1.0.2|1025|" (EPRT, RFC 2428). */
static unsigned try_eprt(const char *data, size_t dlen, struct ftp_cmd *cmd,
			 char term, unsigned *offset)
{
	uint32_t a[4];
	unsigned len;
	char delim;

	(void)term, (void)offset;
	if (dlen <= 3)
		return 0;
	delim = data[0];
	if (isdigit((unsigned char)delim) || delim < 33 || delim > 126 ||
	    data[2] != delim)
		return 0;
	/* Family 1 on an IPv4 connection (2, IPv6, is not ours). */
	if (data[1] != '1')
		return 0;
	len = try_number(data + 3, dlen - 3, a, 4, '.', delim);
	if (!len)
		return 0;
	cmd->addr.ip = htonl(a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]);
	return get_port(data, 3 + len + 1, dlen, delim, &cmd->port);
}

/* "|||1025|" in a 229 reply: the port only. */
static unsigned try_epsv_response(const char *data, size_t dlen,
				  struct ftp_cmd *cmd, char term,
				  unsigned *offset)
{
	char delim;

	(void)term, (void)offset;
	if (dlen <= 3)
		return 0;
	delim = data[0];
	if (isdigit((unsigned char)delim) || delim < 33 || delim > 126 ||
	    data[1] != delim || data[2] != delim)
		return 0;
	return get_port(data, 3, dlen, delim, &cmd->port);
}

static const struct ftp_search {
	const char *pattern;
	unsigned plen;
	char skip, term;
	enum ct_ftp_type type;
	ftp_getnum getnum;
} search[CT_DIR_MAX][2] = {
	[CT_DIR_ORIGINAL] = {
		{ "PORT", 4, ' ', '\r', CT_FTP_PORT, try_rfc959 },
		{ "EPRT", 4, ' ', '\r', CT_FTP_EPRT, try_eprt },
	},
	[CT_DIR_REPLY] = {
		{ "227 ", 4, 0, 0, CT_FTP_PASV, try_rfc1123 },
		{ "229 ", 4, '(', ')', CT_FTP_EPSV, try_epsv_response },
	},
};

/* 1: found, 0: not this command, -1: only its start (drop). */
static int find_pattern(const char *data, size_t dlen,
			const struct ftp_search *s, unsigned *numoff,
			unsigned *numlen, struct ftp_cmd *cmd)
{
	size_t i = s->plen;

	if (dlen <= s->plen)
		return strncasecmp(data, s->pattern, dlen) ? 0 : -1;
	if (strncasecmp(data, s->pattern, s->plen))
		return 0;
	if (s->skip) {
		for (i = s->plen; data[i] != s->skip; i++)
			if (i == dlen - 1)
				return -1;
		i++;
	}
	*numoff = (unsigned)i;
	*numlen = s->getnum(data + i, dlen - i, cmd, s->term, numoff);
	if (!*numlen)
		return -1;
	return 1;
}

static bool find_nl_seq(uint32_t seq, const struct ct_ftp_info *info,
			int dir)
{
	unsigned i;

	for (i = 0; i < info->seq_aft_nl_num[dir]; i++)
		if (info->seq_aft_nl[dir][i] == seq)
			return true;
	return false;
}

/* Remember nl_seq unless it is older than both we have. */
static void update_nl_seq(uint32_t nl_seq, struct ct_ftp_info *info, int dir)
{
	unsigned i, oldest;

	for (i = 0; i < info->seq_aft_nl_num[dir]; i++)
		if (info->seq_aft_nl[dir][i] == nl_seq)
			return;
	if (info->seq_aft_nl_num[dir] < NUM_SEQ_TO_REMEMBER) {
		info->seq_aft_nl[dir][info->seq_aft_nl_num[dir]++] = nl_seq;
		return;
	}
	oldest = (int32_t)(info->seq_aft_nl[dir][0] -
			   info->seq_aft_nl[dir][1]) < 0 ? 0 : 1;
	if ((int32_t)(info->seq_aft_nl[dir][oldest] - nl_seq) < 0)
		info->seq_aft_nl[dir][oldest] = nl_seq;
}

static unsigned int ftp_help(struct net *net, struct pkt *pkt,
			     struct ct_conn *ct, enum ct_info ctinfo)
{
	struct ct_net *cn = ct_net(net);
	int dir = ct_info_dir(ctinfo);
	const struct ns_tcphdr *th = (const void *)pkt_l4(pkt);
	unsigned int (*nat_ftp)(struct net *, struct pkt *, struct ct_conn *,
				enum ct_info, enum ct_ftp_type, unsigned,
				unsigned, struct ct_expect *);
	struct ct_ftp_info *info;
	const struct ns_addr *daddr;
	struct ct_help *h = ct_help_of(cn, ct);
	struct ftp_cmd cmd = { .addr = { .family = NS_PF_INET } };
	struct ct_expect exp;
	unsigned doff, datalen, matchoff = 0, matchlen = 0, i;
	unsigned int ret = NS_ACCEPT;
	const char *data;
	uint32_t seq;
	bool ends_in_nl;
	int found = 0;

	/* Until there has been traffic both ways, nothing to read. */
	if (ctinfo != CT_ESTABLISHED && ctinfo != CT_ESTABLISHED_REPLY)
		return NS_ACCEPT;
	if (!h || !th || pkt->l4_len < sizeof(*th) || pkt->is_frag)
		return NS_ACCEPT;
	doff = (unsigned)(th->doff_res >> 4) * 4;
	if (doff >= pkt->l4_len)
		return NS_ACCEPT;
	data = (const char *)th + doff;
	datalen = pkt->l4_len - doff;
	info = &h->data.ftp;

	pthread_spin_lock(&cn->helper_lock);
	ends_in_nl = data[datalen - 1] == '\n';
	seq = ntohl(ns_get32(&th->seq)) + datalen;

	if (!find_nl_seq(ntohl(ns_get32(&th->seq)), info, dir)) {
		/* Not just after a line end: a connection picked up
		 * midway (conntrack -I) reads its first segment anyway. */
		if (info->flags[dir] & CT_FTP_SEQ_PICKUP) {
			info->flags[dir] ^= CT_FTP_SEQ_PICKUP;
		} else {
			goto out_update_nl;
		}
	}
	cmd.addr = ct_tuple_of(ct, dir)->src;
	for (i = 0; i < 2; i++) {
		found = find_pattern(data, datalen, &search[dir][i],
				     &matchoff, &matchlen, &cmd);
		if (found)
			break;
	}
	if (found == -1) {
		ct_trace(net, pkt, "ct: ftp: partial matching of `%s'",
			 search[dir][i].pattern);
		ret = NS_DROP;
		goto out;
	}
	if (found == 0)
		goto out_update_nl;

	/* Expect the other side (the reverse tuples: they differ only
	 * under NAT). */
	daddr = &ct_tuple_of(ct, !dir)->dst;
	if (cmd.addr.ip != ct_tuple_of(ct, dir)->src.ip) {
		/*
		 * It names another host than the one that sends it: not
		 * recorded (the kernel's default, loose=0: no hole for a
		 * third machine).
		 */
		ct_trace(net, pkt, "ct: ftp: not recording: address is not "
			 "the sender's");
		goto out_update_nl;
	}
	ct_expect_init(&exp, ct, 0, &ct_tuple_of(ct, !dir)->src, daddr, 6,
		       NULL, &cmd.port);
	nat_ftp = atomic_load_explicit(&ct_nat_ftp_hook, memory_order_acquire);
	if (nat_ftp && (ct_status(ct) & CT_S_NAT_MASK)) {
		ret = nat_ftp(net, pkt, ct, ctinfo, search[dir][i].type,
			      matchoff, matchlen, &exp);
	} else if (ct_expect_related(net, &exp) != 0) {
		ct_trace(net, pkt, "ct: ftp: cannot add expectation");
		ret = NS_DROP;
	}

out_update_nl:
	/* The seq after this segment, as the sender numbered it. */
	if (ends_in_nl)
		update_nl_seq(seq, info, dir);
out:
	pthread_spin_unlock(&cn->helper_lock);
	return ret;
}

static const struct ct_expect_policy ftp_policy[1] = {
	{ .max_expected = 1, .timeout = 5 * 60, .name = "ftp" },
};

const struct ct_helper ct_helper_ftp = {
	.name = "ftp",
	.proto = 6,
	.port = FTP_PORT,
	.expect_class_max = 0,
	.expect_policy = ftp_policy,
	.help = ftp_help,
};
