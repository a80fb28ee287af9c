// SPDX-License-Identifier: MIT
/*
 * Rule text: parsing the parts every rule has (-p, -s/-d, -i/-o) and
 * printing rules the two ways iptables 1.8.9 does - the save form
 * (print_rule4: iptables-save and -S) and the table form (print_firewall:
 * -L and -v). Control path only.
 */
#include "xt/xt_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>

struct xt_rule *xt_rule_alloc(void)
{
	struct xt_rule *r = calloc(1, sizeof(*r));

	if (r)
		r->from = -1;
	return r;
}

/* xtables_chain_protos: names that work without /etc/protocols. */
static const struct {
	const char *name;
	uint8_t num;
} chain_protos[] = {
	{ "tcp", 6 }, { "sctp", 132 }, { "udp", 17 }, { "udplite", 136 },
	{ "icmp", 1 }, { "icmpv6", 58 }, { "esp", 50 }, { "ah", 51 },
	{ "mh", 135 }, { "all", 0 },
};

/*
 * getprotobyname() reads /etc/protocols from the top on every call, which
 * made it most of an iptables-restore of 100,000 rules. Its answers are
 * kept per thread for a second (so an edited file is seen a second late
 * at most); a name it does not know is not kept.
 */
#define PROTO_CACHE 8

struct proto_memo {
	char name[16];
	uint16_t proto;
	struct timespec at;
};

static __thread struct proto_memo proto_memo[PROTO_CACHE];
static __thread unsigned proto_memo_next;

static bool memo_fresh(const struct proto_memo *m, const struct timespec *now)
{
	return m->name[0] && now->tv_sec - m->at.tv_sec <= 1 &&
	       (now->tv_sec - m->at.tv_sec) * 1000000000L +
	       (now->tv_nsec - m->at.tv_nsec) < 1000000000L;
}

static struct protoent *proto_lookup(const char *s, uint16_t *proto,
				     bool *hit)
{
	struct proto_memo *m;
	struct protoent *pe;
	struct timespec now;
	unsigned i;

	*hit = false;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	for (i = 0; i < PROTO_CACHE; i++) {
		m = &proto_memo[i];
		if (memo_fresh(m, &now) && !strcmp(m->name, s)) {
			*proto = m->proto;
			*hit = true;
			return NULL;
		}
	}
	pe = getprotobyname(s);
	if (pe && strlen(s) < sizeof(m->name)) {
		m = &proto_memo[proto_memo_next++ % PROTO_CACHE];
		snprintf(m->name, sizeof(m->name), "%s", s);
		m->proto = (uint16_t)pe->p_proto;
		m->at = now;
	}
	return pe;
}

int xt_parse_proto(const char *s, uint16_t *proto)
{
	struct protoent *pe;
	uint64_t v;
	size_t i;
	bool hit;

	if (!xt_parse_uint(s, 0, 255, &v)) {
		*proto = (uint16_t)v;
		return 0;
	}
	if (!strcmp(s, "all")) {
		*proto = 0;
		return 0;
	}
	pe = proto_lookup(s, proto, &hit);
	if (hit)
		return 0;
	if (pe) {
		*proto = (uint16_t)pe->p_proto;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(chain_protos); i++)
		if (!strcmp(s, chain_protos[i].name)) {
			*proto = chain_protos[i].num;
			return 0;
		}
	return -1;
}

const char *xt_proto_name(uint16_t proto)
{
	struct protoent *pe;
	size_t i;

	if (proto) {
		pe = getprotobynumber(proto);
		if (pe)
			return pe->p_name;
	}
	for (i = 0; i < ARRAY_SIZE(chain_protos); i++)
		if (chain_protos[i].num == proto)
			return chain_protos[i].name;
	return NULL;
}

int xt_parse_iface(const char *s, char *name, bool *wild, struct xt_err *e)
{
	size_t n = strlen(s);

	if (n == 0)
		return xt_err_set(e, XT_E_PARAM, "Empty interface is likely to "
				  "be undesired");
	if (n + 1 > NS_IFNAMSIZ)
		return xt_err_set(e, XT_E_PARAM, "interface name `%s' must be "
				  "shorter than IFNAMSIZ (%i)", s,
				  NS_IFNAMSIZ - 1);
	memset(name, 0, NS_IFNAMSIZ);
	*wild = false;
	if (n && s[n - 1] == '+') {
		memcpy(name, s, n - 1);
		*wild = true;
	} else {
		memcpy(name, s, n);
	}
	return 0;
}

/* __numeric_to_ipaddr(): dotted quad, or a short network form ("10"). */
static int numeric_to_ip(const char *s, bool is_mask, uint32_t *out)
{
	unsigned parts[4] = { 0 };
	const char *p = s;
	unsigned i;

	for (i = 0; i < 4; i++) {
		char *end;
		unsigned long v;

		if (!isdigit((unsigned char)*p))
			return -1;
		v = strtoul(p, &end, 0);
		if (v > 255)
			return -1;
		parts[i] = (unsigned)v;
		if (*end == '\0') {
			if (i < 3 && is_mask)
				return -1;
			break;
		}
		if (*end != '.' || i == 3)
			return -1;
		p = end + 1;
	}
	*out = htonl(parts[0] << 24 | parts[1] << 16 | parts[2] << 8 |
		     parts[3]);
	return 0;
}

static int parse_one_addr(const char *item, uint32_t **addrs,
			  uint32_t **masks, unsigned *n, struct xt_err *e)
{
	char buf[256];
	char *slash;
	uint32_t mask = 0xffffffffu, a;
	struct addrinfo hints = { .ai_family = AF_INET }, *res, *ai;
	uint32_t *na, *nm;

	snprintf(buf, sizeof(buf), "%s", item);
	slash = strchr(buf, '/');
	if (slash) {
		uint64_t bits;

		*slash++ = '\0';
		if (numeric_to_ip(slash, true, &mask)) {
			if (xt_parse_uint(slash, 0, 32, &bits))
				return xt_err_set(e, XT_E_PARAM, "invalid mask"
						  " `%s' specified", slash);
			mask = bits ? htonl(0xffffffffu << (32 - bits)) : 0;
		}
	}
	if (mask == 0)
		snprintf(buf, sizeof(buf), "0.0.0.0");
	if (!numeric_to_ip(buf, false, &a)) {
		na = realloc(*addrs, (*n + 1) * sizeof(*na));
		if (na)
			*addrs = na;
		nm = realloc(*masks, (*n + 1) * sizeof(*nm));
		if (nm)
			*masks = nm;
		if (!na || !nm)
			return xt_err_set(e, XT_E_OTHER, "can't alloc memory!");
		(*addrs)[*n] = a & mask;
		(*masks)[*n] = mask;
		(*n)++;
		return 0;
	}
	if (getaddrinfo(buf, NULL, &hints, &res) || !res)
		return xt_err_set(e, XT_E_PARAM, "host/network `%s' not found",
				  buf);
	for (ai = res; ai; ai = ai->ai_next) {
		unsigned k;

		a = ((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr;
		for (k = 0; k < *n; k++)
			if ((*addrs)[k] == (a & mask) && (*masks)[k] == mask)
				break;
		if (k < *n)
			continue;
		na = realloc(*addrs, (*n + 1) * sizeof(*na));
		if (na)
			*addrs = na;
		nm = realloc(*masks, (*n + 1) * sizeof(*nm));
		if (nm)
			*masks = nm;
		if (!na || !nm) {
			freeaddrinfo(res);
			return xt_err_set(e, XT_E_OTHER, "can't alloc memory!");
		}
		(*addrs)[*n] = a & mask;
		(*masks)[*n] = mask;
		(*n)++;
	}
	freeaddrinfo(res);
	return 0;
}

int xt_parse_addrs(const char *s, uint32_t **addrs, uint32_t **masks,
		   unsigned *n, struct xt_err *e)
{
	const char *p = s;

	*addrs = NULL;
	*masks = NULL;
	*n = 0;
	for (;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		char item[256];

		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		if (parse_one_addr(item, addrs, masks, n, e)) {
			free(*addrs);
			free(*masks);
			*addrs = *masks = NULL;
			return -1;
		}
		if (!c)
			break;
		p = c + 1;
	}
	return 0;
}

/* ---- save form (print_rule4) ---------------------------------------- */

static void ip_str(uint32_t a, char *buf)
{
	const uint8_t *b = (const uint8_t *)&a;

	sprintf(buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

static void save_ip(struct sbuf *sb, const char *opt, uint32_t ip,
		    uint32_t mask, bool inv)
{
	char buf[20];
	int bits;

	if (!mask && !ip && !inv)
		return;
	ip_str(ip, buf);
	sbuf_addf(sb, "%s %s %s", inv ? " !" : "", opt, buf);
	bits = xt_mask_plen(mask);
	if (bits >= 0) {
		sbuf_addf(sb, "/%d", bits);
	} else {
		ip_str(mask, buf);
		sbuf_addf(sb, "/%s", buf);
	}
}

static void save_iface(struct sbuf *sb, char letter, const char *name,
		       bool wild, bool inv)
{
	if (!name[0] && !(wild && inv))
		return;
	sbuf_addf(sb, "%s -%c %s%s", inv ? " !" : "", letter, name,
		  wild ? "+" : "");
}

const char *xt_rule_target_name(const struct xt_rule *r)
{
	switch (r->vk) {
	case XT_VK_NONE:
		return "";
	case XT_VK_ACCEPT:
		return "ACCEPT";
	case XT_VK_DROP:
		return "DROP";
	case XT_VK_RETURN:
		return "RETURN";
	case XT_VK_JUMP:
	case XT_VK_GOTO:
		return r->jname;
	case XT_VK_EXT:
		return r->t.ops->name;
	}
	return "";
}

void xt_rule_save(const struct xt_rule *r, const char *chain, int counters,
		  struct xt_cnt cnt, struct sbuf *sb)
{
	const struct xt_ip *ip = &r->ip;
	unsigned i;

	if (counters > 0)
		sbuf_addf(sb, "[%llu:%llu] ", (unsigned long long)cnt.pcnt,
			  (unsigned long long)cnt.bcnt);
	sbuf_addf(sb, "-A %s", chain);
	save_ip(sb, "-s", ip->src.ip, ip->smsk.ip, ip->invflags & XT_INV_SRCIP);
	save_ip(sb, "-d", ip->dst.ip, ip->dmsk.ip, ip->invflags & XT_INV_DSTIP);
	save_iface(sb, 'i', ip->iniface, ip->in_wild,
		   ip->invflags & XT_INV_VIA_IN);
	save_iface(sb, 'o', ip->outiface, ip->out_wild,
		   ip->invflags & XT_INV_VIA_OUT);
	if (ip->proto) {
		const char *pn = xt_proto_name(ip->proto);
		const char *inv = ip->invflags & XT_INV_PROTO ? " !" : "";

		if (pn)
			sbuf_addf(sb, "%s -p %s", inv, pn);
		else
			sbuf_addf(sb, "%s -p %u", inv, ip->proto);
	}
	if (ip->flags & XT_F_FRAG)
		sbuf_addf(sb, "%s -f",
			  ip->invflags & XT_INV_FRAG ? " !" : "");
	for (i = 0; i < r->nm; i++) {
		sbuf_addf(sb, " -m %s", r->m[i].ops->name);
		if (r->m[i].ops->save)
			r->m[i].ops->save(r->m[i].data, ip, sb);
	}
	if (counters < 0)
		sbuf_addf(sb, " -c %llu %llu", (unsigned long long)cnt.pcnt,
			  (unsigned long long)cnt.bcnt);
	switch (r->vk) {
	case XT_VK_NONE:
		break;
	case XT_VK_EXT:
		sbuf_addf(sb, " -j %s", r->t.ops->name);
		if (r->t.ops->save)
			r->t.ops->save(r->t.data, ip, sb);
		break;
	default:
		/* print_rule4(): "-j NAME" / "-g NAME" only when NAME is not
		 * empty (a chain renamed to "" is jumped to in silence). */
		if (*xt_rule_target_name(r))
			sbuf_addf(sb, " -%c %s", r->vk == XT_VK_GOTO ? 'g' :
				  'j', xt_rule_target_name(r));
		break;
	}
	sbuf_addc(sb, '\n');
}

/* ---- table form (print_firewall) ------------------------------------ */

#define FMT(f, tab, notab) (((f) & XT_FMT_NOTABLE) ? (notab) : (tab))

void xt_print_num(uint64_t n, unsigned f, struct sbuf *sb)
{
	unsigned long long v = n;

	if (!(f & XT_FMT_KMG)) {
		sbuf_addf(sb, FMT(f, "%8llu ", "%llu "), v);
		return;
	}
	if (v <= 99999) {
		sbuf_addf(sb, FMT(f, "%5llu ", "%llu "), v);
		return;
	}
	v = (v + 500) / 1000;
	if (v <= 9999) {
		sbuf_addf(sb, FMT(f, "%4lluK ", "%lluK "), v);
		return;
	}
	v = (v + 500) / 1000;
	if (v <= 9999) {
		sbuf_addf(sb, FMT(f, "%4lluM ", "%lluM "), v);
		return;
	}
	v = (v + 500) / 1000;
	if (v <= 9999) {
		sbuf_addf(sb, FMT(f, "%4lluG ", "%lluG "), v);
		return;
	}
	v = (v + 500) / 1000;
	sbuf_addf(sb, FMT(f, "%4lluT ", "%lluT "), v);
}

static void addr_anyname(uint32_t a, char *buf, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct netent *ne;

	/* xtables_ipaddr_to_anyname(): host name, network name, number. */
	sin.sin_addr.s_addr = a;
	if (!getnameinfo((struct sockaddr *)&sin, sizeof(sin), buf, len, NULL,
			 0, NI_NAMEREQD))
		return;
	ne = getnetbyaddr(ntohl(a), AF_INET);
	if (ne && ne->n_name && strlen(ne->n_name) < len)
		strcpy(buf, ne->n_name);
	else
		ip_str(a, buf);
}

static void print_addr(struct sbuf *sb, uint32_t a, uint32_t m, bool inv,
		       unsigned f, bool dst)
{
	char buf[300], tmp[20];
	int bits;

	sbuf_addc(sb, inv ? '!' : ' ');
	if (m == 0 && !(f & XT_FMT_NUMERIC)) {
		snprintf(buf, sizeof(buf), "anywhere");
	} else {
		if (f & XT_FMT_NUMERIC)
			ip_str(a, buf);
		else
			addr_anyname(a, buf, 256);
		bits = xt_mask_plen(m);
		if (bits < 0) {
			ip_str(m, tmp);
			strcat(buf, "/");
			strcat(buf, tmp);
		} else if (bits != 32) {
			sprintf(tmp, "/%d", bits);
			strcat(buf, tmp);
		}
	}
	if (dst)
		sbuf_addf(sb, FMT(f, "%-19s ", "-> %s"), buf);
	else
		sbuf_addf(sb, FMT(f, "%-19s ", "%s "), buf);
}

void xt_rule_print(const struct xt_rule *r, struct xt_cnt cnt, unsigned num,
		   unsigned f, struct sbuf *sb)
{
	const struct xt_ip *ip = &r->ip;
	const char *pname = NULL;
	char iface[NS_IFNAMSIZ + 3];
	unsigned i;

	if (f & XT_FMT_LINENUMBERS)
		sbuf_addf(sb, FMT(f, "%-4u ", "%u "), num);
	if (!(f & XT_FMT_NOCOUNTS)) {
		xt_print_num(cnt.pcnt, f, sb);
		xt_print_num(cnt.bcnt, f, sb);
	}
	/*
	 * The listing names the target as the kernel knows it (NOTRACK is
	 * CT's alias: "CT" here, "-j NOTRACK" in -S and save).
	 */
	if (!(f & XT_FMT_NOTARGET))
		sbuf_addf(sb, FMT(f, "%-9s ", "%s "),
			  r->vk == XT_VK_EXT && r->t.ops->real_name ?
			  r->t.ops->real_name : xt_rule_target_name(r));
	sbuf_addc(sb, ip->invflags & XT_INV_PROTO ? '!' : ' ');
	/* 1.8.9 prints the number with -L -n, the name otherwise. */
	if (!(f & XT_FMT_NUMERIC) || (f & XT_FMT_NOTABLE))
		pname = xt_proto_name(ip->proto);
	if (pname)
		sbuf_addf(sb, FMT(f, "%-4s ", "%s "), pname);
	else
		sbuf_addf(sb, FMT(f, "%-4hu ", "%hu "), ip->proto);
	if (f & XT_FMT_OPTIONS) {
		if (f & XT_FMT_NOTABLE)
			sbuf_adds(sb, "opt ");
		sbuf_addc(sb, ip->invflags & XT_INV_FRAG ? '!' : '-');
		sbuf_addc(sb, ip->flags & XT_F_FRAG ? 'f' : '-');
		sbuf_addc(sb, ' ');
	}
	if (f & XT_FMT_VIA) {
		snprintf(iface, sizeof(iface), "%s%s%s",
			 ip->invflags & XT_INV_VIA_IN ? "!" : "",
			 ip->iniface[0] || ip->in_wild ? ip->iniface :
			 (f & XT_FMT_NUMERIC ? "*" : "any"),
			 ip->in_wild ? "+" : "");
		sbuf_addf(sb, FMT(f, " %-6s ", "in %s "), iface);
		snprintf(iface, sizeof(iface), "%s%s%s",
			 ip->invflags & XT_INV_VIA_OUT ? "!" : "",
			 ip->outiface[0] || ip->out_wild ? ip->outiface :
			 (f & XT_FMT_NUMERIC ? "*" : "any"),
			 ip->out_wild ? "+" : "");
		sbuf_addf(sb, FMT(f, "%-6s ", "out %s "), iface);
	}
	print_addr(sb, ip->src.ip, ip->smsk.ip, ip->invflags & XT_INV_SRCIP, f,
		   false);
	print_addr(sb, ip->dst.ip, ip->dmsk.ip, ip->invflags & XT_INV_DSTIP, f,
		   true);
	if (f & XT_FMT_NOTABLE)
		sbuf_adds(sb, "  ");
	if (r->vk == XT_VK_GOTO)
		sbuf_adds(sb, "[goto] ");
	for (i = 0; i < r->nm; i++)
		if (r->m[i].ops->print)
			r->m[i].ops->print(r->m[i].data, ip,
					   f & XT_FMT_NUMERIC, sb);
	if (r->vk == XT_VK_EXT && r->t.ops->print)
		r->t.ops->print(r->t.data, ip, f & XT_FMT_NUMERIC, sb);
	if (!(f & XT_FMT_NONEWLINE))
		sbuf_addc(sb, '\n');
}
