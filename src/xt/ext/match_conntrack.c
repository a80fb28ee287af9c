// SPDX-License-Identifier: MIT
/*
 * The "conntrack" match and its "state" alias (libxt_conntrack revision 3
 * and the kernel's xt_conntrack.c): --ctstate, --ctproto, the original and
 * reply addresses with masks, the four port ranges, --ctstatus, --ctexpire
 * and --ctdir, matched against the packet's connection (pkt->ct,
 * pkt->ctinfo). "-m state --state X" is, as on a kernel with conntrack
 * revision 3, a conntrack rule carrying XT_CONNTRACK_STATE_ALIAS: it lists
 * and saves as "state", and is another rule than "-m conntrack --ctstate
 * X" for -D. The rule data is the kernel's struct xt_conntrack_mtinfo3
 * for IPv4. parse/save/print/check run on the control path (check turns
 * tracking on for the net, as nf_ct_netns_get()); match() runs on the
 * data path and only reads the packet and its entry.
 */
#include "xt/ext.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "base/compiler.h"
#include "core/net.h"
#include "ct/ct.h"
#include "pkt/pkt.h"

/* Option ids, libxt_conntrack's order. */
enum {
	O_CTSTATE = 0,
	O_CTPROTO,
	O_CTORIGSRC,
	O_CTORIGDST,
	O_CTREPLSRC,
	O_CTREPLDST,
	O_CTORIGSRCPORT,
	O_CTORIGDSTPORT,
	O_CTREPLSRCPORT,
	O_CTREPLDSTPORT,
	O_CTSTATUS,
	O_CTEXPIRE,
	O_CTDIR,
};

/* match_flags / invert_flags (uapi xt_conntrack.h). */
enum {
	F_STATE = 1 << 0,
	F_PROTO = 1 << 1,
	F_ORIGSRC = 1 << 2,
	F_ORIGDST = 1 << 3,
	F_REPLSRC = 1 << 4,
	F_REPLDST = 1 << 5,
	F_STATUS = 1 << 6,
	F_EXPIRES = 1 << 7,
	F_ORIGSRC_PORT = 1 << 8,
	F_ORIGDST_PORT = 1 << 9,
	F_REPLSRC_PORT = 1 << 10,
	F_REPLDST_PORT = 1 << 11,
	F_DIRECTION = 1 << 12,
	F_STATE_ALIAS = 1 << 13,
};

/* State bits: XT_CONNTRACK_STATE_BIT(ctinfo) and the special ones. */
#define S_INVALID (1u << 0)
#define S_BIT(ctinfo) (1u << ((ctinfo) % CT_IS_REPLY + 1))
#define S_SNAT (1u << 6)
#define S_DNAT (1u << 7)
#define S_UNTRACKED (1u << 8)

/*
 * struct xt_conntrack_mtinfo3, IPv4: addresses and masks in network
 * byte order, ports in host order (revision 3).
 */
struct conntrack_info {
	uint32_t addr[4], mask[4];     /* origsrc, origdst, replsrc, repldst */
	uint32_t expires_min, expires_max;
	uint16_t l4proto;
	uint16_t port[4];              /* origsrc, origdst, replsrc, repldst */
	uint16_t match_flags, invert_flags;
	uint16_t state_mask, status_mask;
	uint16_t port_high[4];
};

static const struct xt_option conntrack_opts[] = {
	{ "ctstate", O_CTSTATE, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctproto", O_CTPROTO, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctorigsrc", O_CTORIGSRC, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctorigdst", O_CTORIGDST, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctreplsrc", O_CTREPLSRC, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctrepldst", O_CTREPLDST, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctstatus", O_CTSTATUS, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctexpire", O_CTEXPIRE, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctorigsrcport", O_CTORIGSRCPORT, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctorigdstport", O_CTORIGDSTPORT, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctreplsrcport", O_CTREPLSRCPORT, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctrepldstport", O_CTREPLDSTPORT, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ "ctdir", O_CTDIR, XTO_ARG | XTO_ONCE },
	{ NULL },
};

static const struct xt_option state_opts[] = {
	{ "state", O_CTSTATE, XTO_ARG | XTO_INVERT | XTO_ONCE },
	{ NULL },
};

struct name_bit {
	const char *name;
	unsigned bit;
};

static const struct name_bit ctstates[] = {
	{ "INVALID", S_INVALID },
	{ "NEW", S_BIT(CT_NEW) },
	{ "ESTABLISHED", S_BIT(CT_ESTABLISHED) },
	{ "RELATED", S_BIT(CT_RELATED) },
	{ "UNTRACKED", S_UNTRACKED },
	{ "SNAT", S_SNAT },
	{ "DNAT", S_DNAT },
	{ NULL },
};

/* The print order differs from the parse order (RELATED first). */
static const struct name_bit ctstates_out[] = {
	{ "INVALID", S_INVALID },
	{ "NEW", S_BIT(CT_NEW) },
	{ "RELATED", S_BIT(CT_RELATED) },
	{ "ESTABLISHED", S_BIT(CT_ESTABLISHED) },
	{ "UNTRACKED", S_UNTRACKED },
	{ "SNAT", S_SNAT },
	{ "DNAT", S_DNAT },
	{ NULL },
};

static const struct name_bit ctstatuses[] = {
	{ "NONE", 0 },
	{ "EXPECTED", CT_S_EXPECTED },
	{ "SEEN_REPLY", CT_S_SEEN_REPLY },
	{ "ASSURED", CT_S_ASSURED },
	{ "CONFIRMED", CT_S_CONFIRMED },
	{ NULL },
};

/*
 * libxt_conntrack's strncasecmp(word, NAME, len): the word (len bytes, not
 * terminated) may be any prefix of a name; the first name in the table
 * wins. Returns the entry or NULL.
 */
static const struct name_bit *name_find(const struct name_bit *tab,
					const char *w, size_t len)
{
	for (; tab->name; tab++)
		if (len <= strlen(tab->name) && !strncasecmp(w, tab->name, len))
			return tab;
	return NULL;
}

/* conntrack_ps_states()/conntrack_ps_statuses(): "A,B,C". */
static int parse_list(struct xt_parse_ctx *ctx, const struct name_bit *tab,
		      const char *what, const char *arg, uint16_t *mask)
{
	const struct name_bit *nb;
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		nb = comma == arg ? NULL : name_find(tab, arg,
						     (size_t)(comma - arg));
		if (!nb)
			return xt_perr(ctx, "Bad %s \"%s\"", what, arg);
		*mask |= (uint16_t)nb->bit;
		arg = comma + 1;
	}
	nb = *arg ? name_find(tab, arg, strlen(arg)) : NULL;
	if (!nb)
		return xt_perr(ctx, "Bad %s \"%s\"", what, arg);
	*mask |= (uint16_t)nb->bit;
	return 0;
}

/* libxt_conntrack's state_parse_states() (the "state" alias). */
static int parse_state_list(struct xt_parse_ctx *ctx, const char *arg,
			    uint16_t *mask)
{
	const struct name_bit *nb;
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		/* Only the five states of xt_state. */
		nb = comma == arg ? NULL : name_find(ctstates, arg,
						     (size_t)(comma - arg));
		if (!nb || nb->bit == S_SNAT || nb->bit == S_DNAT)
			return xt_perr(ctx, "Bad state \"%s\"", arg);
		*mask |= (uint16_t)nb->bit;
		arg = comma + 1;
	}
	if (!*arg)
		return xt_perr(ctx, "\"--state\" requires a list of states "
			       "with no spaces, e.g. ESTABLISHED,RELATED");
	nb = name_find(ctstates, arg, strlen(arg));
	if (!nb || nb->bit == S_SNAT || nb->bit == S_DNAT)
		return xt_perr(ctx, "Bad state \"%s\"", arg);
	*mask |= (uint16_t)nb->bit;
	return 0;
}

/* xtables_chain_protos, then /etc/protocols (xtables_parse_protocol). */
static int parse_protocol(struct xt_parse_ctx *ctx, const char *s,
			  uint16_t *proto)
{
	static const struct {
		const char *name;
		uint8_t num;
	} chain_protos[] = {
		{ "tcp", 6 }, { "sctp", 132 }, { "udp", 17 },
		{ "udplite", 136 }, { "icmp", 1 }, { "icmpv6", 58 },
		{ "esp", 50 }, { "ah", 51 }, { "mh", 135 }, { "all", 0 },
	};
	struct protoent *pe;
	uint64_t v;
	size_t i;

	if (!xt_strtoui(s, NULL, &v, 0, 255)) {
		*proto = (uint16_t)v;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(chain_protos); i++)
		if (!strcmp(s, chain_protos[i].name)) {
			*proto = chain_protos[i].num;
			return 0;
		}
	pe = getprotobyname(s);
	if (pe) {
		*proto = (uint16_t)pe->p_proto;
		return 0;
	}
	return xt_perr(ctx, "unknown protocol \"%s\" specified", s);
}

/* xtopt_parse_host(): one IPv4 address by name or number. */
static int parse_host(struct xt_parse_ctx *ctx, const char *s, uint32_t *addr)
{
	struct addrinfo hints = { .ai_family = AF_INET };
	struct addrinfo *res, *p;
	bool first = true;
	uint32_t a;
	int ret;

	ret = getaddrinfo(s, NULL, &hints, &res);
	if (ret)
		return xt_perr(ctx, "getaddrinfo: %s\n", gai_strerror(ret));
	for (p = res; p; p = p->ai_next) {
		a = ((const struct sockaddr_in *)p->ai_addr)->sin_addr.s_addr;
		if (first) {
			*addr = a;
			first = false;
		} else if (a != *addr) {
			freeaddrinfo(res);
			return xt_perr(ctx, "%s resolves to more than one "
				       "address\n", s);
		}
	}
	freeaddrinfo(res);
	return 0;
}

/*
 * XTTYPE_HOSTMASK: "host[/mask]", mask a prefix length or dotted. A mask
 * that is not a prefix counts as /32, as xtopt_parse_plenmask() leaves
 * it. The address is kept as given (not masked).
 */
static int parse_hostmask(struct xt_parse_ctx *ctx, const char *opt,
			  const char *arg, uint32_t *addr, uint32_t *mask)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_flags = AI_NUMERICHOST };
	struct addrinfo *res;
	char host[1024];
	const char *slash = strchr(arg, '/');
	uint64_t plen;
	int cidr;

	*mask = 0xffffffffu;
	if (!slash)
		return parse_host(ctx, arg, addr);
	snprintf(host, sizeof(host), "%.*s", (int)(slash - arg), arg);
	if (parse_host(ctx, host, addr))
		return -1;
	if (!xt_strtoui(slash + 1, NULL, &plen, 0, 32)) {
		cidr = (int)plen;
	} else if (!getaddrinfo(slash + 1, NULL, &hints, &res)) {
		cidr = xt_mask_plen(((const struct sockaddr_in *)
				  res->ai_addr)->sin_addr.s_addr);
		freeaddrinfo(res);
	} else {
		return xt_perr(ctx, "conntrack: bad value for option \"--%s\", "
			       "neither a valid network mask nor valid CIDR "
			       "(0-32).\n", opt);
	}
	if (cidr >= 0)
		*mask = cidr ? htonl(0xffffffffu << (32 - cidr)) : 0;
	return 0;
}

/* xtables_getportbyname(): getaddrinfo's service lookup, as iptables. */
static int port_by_name(const char *name)
{
	struct addrinfo *res = NULL, *p;
	int ret = -1;

	if (getaddrinfo(NULL, name, NULL, &res))
		return -1;
	for (p = res; p; p = p->ai_next) {
		if (p->ai_family == AF_INET6) {
			ret = ntohs(((const struct sockaddr_in6 *)
				     p->ai_addr)->sin6_port);
			break;
		}
		if (p->ai_family == AF_INET) {
			ret = ntohs(((const struct sockaddr_in *)
				     p->ai_addr)->sin_port);
			break;
		}
	}
	freeaddrinfo(res);
	return ret;
}

/* XTTYPE_PORTRC: "a", "a:b", "a:", ":b". */
static int parse_portrc(struct xt_parse_ctx *ctx, const char *opt,
			const char *arg, uint16_t *lo, uint16_t *hi)
{
	uint16_t range[2] = { 0, 65535 };
	char buf[1024], *w = buf, *word;
	unsigned n = 0;
	int v;

	snprintf(buf, sizeof(buf), "%s", arg);
	while ((word = strsep(&w, ":")) != NULL) {
		if (n == 2)
			return xt_perr(ctx, "conntrack: Too many components "
				       "for option \"--%s\" (max: 2)\n", opt);
		if (*word) {
			v = port_by_name(word);
			if (v < 0)
				return xt_perr(ctx, "Port \"%s\" does not "
					       "resolve to anything.\n", word);
			range[n] = (uint16_t)v;
		}
		n++;
	}
	if (n == 1)
		range[1] = range[0];
	*lo = range[0];
	*hi = range[1];
	return 0;
}

/* Option names by address/port index (origsrc, origdst, replsrc, ...). */
static const char *const addr_opts[4] = {
	"ctorigsrc", "ctorigdst", "ctreplsrc", "ctrepldst",
};
static const char *const port_opts[4] = {
	"ctorigsrcport", "ctorigdstport", "ctreplsrcport", "ctrepldstport",
};

static int conntrack_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
			   bool invert, void *data)
{
	struct conntrack_info *info = data;
	unsigned k;
	uint64_t r[2];
	int n;

	switch (id) {
	case O_CTSTATE:
		if (parse_list(ctx, ctstates, "ctstate", arg,
			       &info->state_mask))
			return -1;
		info->match_flags |= F_STATE;
		if (invert)
			info->invert_flags |= F_STATE;
		return 0;
	case O_CTPROTO:
		if (parse_protocol(ctx, arg, &info->l4proto))
			return -1;
		/*
		 * libxt_conntrack tests XT_INV_PROTO (0x40) in invert_flags,
		 * which is the --ctstatus bit: its check, bug included.
		 */
		if (info->l4proto == 0 && (info->invert_flags & 0x40))
			return xt_perr(ctx, "conntrack: rule would never "
				       "match protocol");
		info->match_flags |= F_PROTO;
		if (invert)
			info->invert_flags |= F_PROTO;
		return 0;
	case O_CTORIGSRC:
	case O_CTORIGDST:
	case O_CTREPLSRC:
	case O_CTREPLDST:
		k = (unsigned)(id - O_CTORIGSRC);
		if (parse_hostmask(ctx, addr_opts[k], arg,
				   &info->addr[k], &info->mask[k]))
			return -1;
		info->match_flags |= (uint16_t)(F_ORIGSRC << k);
		if (invert)
			info->invert_flags |= (uint16_t)(F_ORIGSRC << k);
		return 0;
	case O_CTORIGSRCPORT:
	case O_CTORIGDSTPORT:
	case O_CTREPLSRCPORT:
	case O_CTREPLDSTPORT:
		k = (unsigned)(id - O_CTORIGSRCPORT);
		if (parse_portrc(ctx, port_opts[k], arg,
				 &info->port[k], &info->port_high[k]))
			return -1;
		info->match_flags |= (uint16_t)(F_ORIGSRC_PORT << k);
		if (invert)
			info->invert_flags |= (uint16_t)(F_ORIGSRC_PORT << k);
		return 0;
	case O_CTSTATUS:
		if (parse_list(ctx, ctstatuses, "ctstatus", arg,
			       &info->status_mask))
			return -1;
		info->match_flags |= F_STATUS;
		if (invert)
			info->invert_flags |= F_STATUS;
		return 0;
	case O_CTEXPIRE:
		n = xt_parse_range_opt(ctx, "conntrack", "ctexpire", arg,
				       UINT32_MAX, r);
		if (n < 0)
			return -1;
		info->expires_min = (uint32_t)r[0];
		info->expires_max = (uint32_t)(n >= 2 ? r[1] : r[0]);
		info->match_flags |= F_EXPIRES;
		if (invert)
			info->invert_flags |= F_EXPIRES;
		return 0;
	case O_CTDIR:
		if (!strcasecmp(arg, "ORIGINAL")) {
			info->match_flags |= F_DIRECTION;
			info->invert_flags &= (uint16_t)~F_DIRECTION;
		} else if (!strcasecmp(arg, "REPLY")) {
			info->match_flags |= F_DIRECTION;
			info->invert_flags |= F_DIRECTION;
		} else {
			return xt_perr(ctx, "conntrack: Bad value for "
				       "\"--ctdir\" option: \"%s\"", arg);
		}
		return 0;
	}
	return xt_perr(ctx, "conntrack: unknown option");
}

static int state_parse(struct xt_parse_ctx *ctx, int id, const char *arg,
		       bool invert, void *data)
{
	struct conntrack_info *info = data;

	(void)id;
	info->state_mask = 0;
	if (parse_state_list(ctx, arg, &info->state_mask))
		return -1;
	info->match_flags = F_STATE | F_STATE_ALIAS;
	if (invert)
		info->invert_flags |= F_STATE;
	return 0;
}

static int conntrack_final_check(struct xt_parse_ctx *ctx, unsigned seen,
				 void *data)
{
	(void)data;
	if (!seen)
		return xt_perr(ctx, "conntrack: At least one option is "
			       "required");
	return 0;
}

static const struct xt_fcheck state_fcheck[] = {
	{ "state", O_CTSTATE, true, 0, 0 },
	{ NULL },
};

static int state_final_check(struct xt_parse_ctx *ctx, unsigned seen,
			     void *data)
{
	(void)data;
	return xt_fcheck(ctx, "state", state_fcheck, seen);
}

/* ---- listing (conntrack_dump) ---- */

static void print_names(struct sbuf *sb, const struct name_bit *tab,
			unsigned mask)
{
	const char *sep = " ";

	for (; tab->name; tab++) {
		if (!tab->bit || !(mask & tab->bit))
			continue;
		sbuf_addf(sb, "%s%s", sep, tab->name);
		sep = ",";
	}
}

static void ip_str(uint32_t a, char *buf, size_t len)
{
	const uint8_t *b = (const uint8_t *)&a;

	snprintf(buf, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* xtables_ipmask_to_numeric(): "", "/N" or "/a.b.c.d". */
static void add_mask(struct sbuf *sb, uint32_t mask)
{
	char buf[20];
	int cidr = xt_mask_plen(mask);

	if (cidr == 32)
		return;
	if (cidr >= 0) {
		sbuf_addf(sb, "/%d", cidr);
		return;
	}
	ip_str(mask, buf, sizeof(buf));
	sbuf_addf(sb, "/%s", buf);
}

/* xtables_ipaddr_to_anyname(): host name, network name, or number. */
static void add_anyname(struct sbuf *sb, uint32_t a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char buf[NI_MAXHOST];
	struct netent *ne;

	sin.sin_addr.s_addr = a;
	if (!getnameinfo((struct sockaddr *)&sin, sizeof(sin), buf,
			 sizeof(buf), NULL, 0, NI_NAMEREQD)) {
		sbuf_adds(sb, buf);
		return;
	}
	ne = getnetbyaddr(ntohl(a), AF_INET);
	if (ne && ne->n_name) {
		sbuf_adds(sb, ne->n_name);
		return;
	}
	ip_str(a, buf, sizeof(buf));
	sbuf_adds(sb, buf);
}

static void dump_addr(struct sbuf *sb, uint32_t addr, uint32_t mask,
		      bool numeric)
{
	char buf[20];

	if (!numeric && addr == 0) {
		sbuf_adds(sb, " anywhere");
		return;
	}
	sbuf_addc(sb, ' ');
	if (numeric) {
		ip_str(addr, buf, sizeof(buf));
		sbuf_adds(sb, buf);
	} else {
		add_anyname(sb, addr);
	}
	add_mask(sb, mask);
}

static void conntrack_dump(const struct conntrack_info *info,
			   const char *prefix, bool numeric, struct sbuf *sb)
{
	unsigned k;

	if (info->match_flags & F_STATE) {
		if (info->invert_flags & F_STATE)
			sbuf_adds(sb, " !");
		sbuf_addf(sb, " %s%s", prefix,
			  info->match_flags & F_STATE_ALIAS ? "state" :
							       "ctstate");
		print_names(sb, ctstates_out, info->state_mask);
	}
	if (info->match_flags & F_PROTO) {
		if (info->invert_flags & F_PROTO)
			sbuf_adds(sb, " !");
		sbuf_addf(sb, " %sctproto %u", prefix, info->l4proto);
	}
	for (k = 0; k < 4; k++) {
		if (!(info->match_flags & (F_ORIGSRC << k)))
			continue;
		if (info->invert_flags & (F_ORIGSRC << k))
			sbuf_adds(sb, " !");
		sbuf_addf(sb, " %s%s", prefix, addr_opts[k]);
		dump_addr(sb, info->addr[k], info->mask[k], numeric);
	}
	for (k = 0; k < 4; k++) {
		if (!(info->match_flags & (F_ORIGSRC_PORT << k)))
			continue;
		if (info->invert_flags & (F_ORIGSRC_PORT << k))
			sbuf_adds(sb, " !");
		if (info->port_high[k] == 0 ||
		    info->port[k] == info->port_high[k])
			sbuf_addf(sb, " %s%s %u", prefix, port_opts[k],
				  info->port[k]);
		else
			sbuf_addf(sb, " %s%s %u:%u", prefix, port_opts[k],
				  info->port[k], info->port_high[k]);
	}
	if (info->match_flags & F_STATUS) {
		if (info->invert_flags & F_STATUS)
			sbuf_adds(sb, " !");
		sbuf_addf(sb, " %sctstatus", prefix);
		print_names(sb, ctstatuses, info->status_mask);
		if (info->status_mask == 0)
			sbuf_adds(sb, " NONE");
	}
	if (info->match_flags & F_EXPIRES) {
		if (info->invert_flags & F_EXPIRES)
			sbuf_adds(sb, " !");
		sbuf_addf(sb, " %sctexpire ", prefix);
		if (info->expires_max == info->expires_min)
			sbuf_addf(sb, "%u", info->expires_min);
		else
			sbuf_addf(sb, "%u:%u", info->expires_min,
				  info->expires_max);
	}
	if (info->match_flags & F_DIRECTION)
		sbuf_addf(sb, " %sctdir %s", prefix,
			  info->invert_flags & F_DIRECTION ? "REPLY" :
							      "ORIGINAL");
}

static void conntrack_save(const void *data, const struct xt_ip *ip,
			   struct sbuf *sb)
{
	(void)ip;
	conntrack_dump(data, "--", true, sb);
}

static void conntrack_print(const void *data, const struct xt_ip *ip,
			    bool numeric, struct sbuf *sb)
{
	(void)ip;
	conntrack_dump(data, "", numeric, sb);
}

/* conntrack_mt_check(): nf_ct_netns_get(). */
static int conntrack_check(const struct xt_check_ctx *ctx, const void *data)
{
	(void)data;
	return ctx->net ? ct_net_enable(ctx->net) : 0;
}

/* ---- data path: conntrack_mt() ---- */

static bool port_in(uint16_t lo, uint16_t hi, uint16_t port_nbo, bool inv)
{
	uint16_t p = ntohs(port_nbo);

	return (p >= lo && p <= hi) ^ inv;
}

static bool conntrack_match(const struct pkt *pkt, const void *data,
			    struct xt_action *act)
{
	const struct conntrack_info *info = data;
	const struct ct_conn *ct = pkt->ct;
	const struct ct_tuple *t[CT_DIR_MAX];
	uint16_t mf = info->match_flags, inv = info->invert_flags;
	unsigned statebit;
	uint32_t status;
	unsigned k;

	if (ct)
		statebit = S_BIT(pkt->ctinfo);
	else if (pkt->ctinfo == CT_UNTRACKED)
		statebit = S_UNTRACKED;
	else
		statebit = S_INVALID;
	if (mf & F_STATE) {
		if (ct) {
			status = ct_status(ct);
			if (status & CT_S_SRC_NAT)
				statebit |= S_SNAT;
			if (status & CT_S_DST_NAT)
				statebit |= S_DNAT;
		}
		if (!!(info->state_mask & statebit) ^ !(inv & F_STATE))
			return false;
	}
	if (!ct)
		return mf & F_STATE;
	if ((mf & F_DIRECTION) &&
	    (ct_info_dir(pkt->ctinfo) == CT_DIR_ORIGINAL) ^
	    !(inv & F_DIRECTION))
		return false;
	t[CT_DIR_ORIGINAL] = ct_tuple_of(ct, CT_DIR_ORIGINAL);
	t[CT_DIR_REPLY] = ct_tuple_of(ct, CT_DIR_REPLY);
	for (k = 0; k < 4; k++) {
		const struct ct_tuple *tu = t[k / 2];
		uint32_t a = (k & 1) ? tu->dst.ip : tu->src.ip;

		if (!(mf & (F_ORIGSRC << k)))
			continue;
		if ((((a ^ info->addr[k]) & info->mask[k]) == 0) ^
		    !(inv & (F_ORIGSRC << k)))
			return false;
	}
	if ((mf & F_PROTO) &&
	    (t[CT_DIR_ORIGINAL]->proto == info->l4proto) ^ !(inv & F_PROTO))
		return false;
	for (k = 0; k < 4; k++) {
		const struct ct_tuple *tu = t[k / 2];

		if (!(mf & (F_ORIGSRC_PORT << k)))
			continue;
		if (!port_in(info->port[k], info->port_high[k],
			     (k & 1) ? tu->dport : tu->sport,
			     inv & (F_ORIGSRC_PORT << k)))
			return false;
	}
	if ((mf & F_STATUS) &&
	    (!!(info->status_mask & ct_status(ct)) ^ !(inv & F_STATUS)))
		return false;
	if (mf & F_EXPIRES) {
		uint32_t left = ct_seconds_left(ct, net_now(act->net));

		if ((left >= info->expires_min && left <= info->expires_max) ^
		    !(inv & F_EXPIRES))
			return false;
	}
	return true;
}

/* The help texts 1.8.9 prints after -m conntrack / -m state. */
static const char conntrack_help[] =
	"conntrack match options:\n"
	"[!] --ctstate {INVALID|ESTABLISHED|NEW|RELATED|UNTRACKED|SNAT|DNAT}"
	"[,...]\n"
	"                               State(s) to match\n"
	"[!] --ctproto proto            Protocol to match; by number or name, "
	"e.g. \"tcp\"\n"
	"[!] --ctorigsrc address[/mask]\n"
	"[!] --ctorigdst address[/mask]\n"
	"[!] --ctreplsrc address[/mask]\n"
	"[!] --ctrepldst address[/mask]\n"
	"                               Original/Reply source/destination "
	"address\n"
	"[!] --ctorigsrcport port\n"
	"[!] --ctorigdstport port\n"
	"[!] --ctreplsrcport port\n"
	"[!] --ctrepldstport port\n"
	"                               TCP/UDP/SCTP orig./reply "
	"source/destination port\n"
	"[!] --ctstatus {NONE|EXPECTED|SEEN_REPLY|ASSURED|CONFIRMED}[,...]\n"
	"                               Status(es) to match\n"
	"[!] --ctexpire time[:time]     Match remaining lifetime in seconds "
	"against\n"
	"                               value or range of values "
	"(inclusive)\n"
	"    --ctdir {ORIGINAL|REPLY}   Flow direction of packet\n";

static const char state_help[] =
	"state match options:\n"
	" [!] --state [INVALID|ESTABLISHED|NEW|RELATED|UNTRACKED][,...]\n"
	"\t\t\t\tState(s) to match\n";

static const struct xt_ext_ops conntrack_match_ops = {
	.name = "conntrack",
	.help = conntrack_help,
	.size = sizeof(struct conntrack_info),
	.opts = conntrack_opts,
	.parse = conntrack_parse,
	.final_check = conntrack_final_check,
	.save = conntrack_save,
	.print = conntrack_print,
	.check = conntrack_check,
	.match = conntrack_match,
	.cls_pure = true,
};

/* libxt_conntrack's "state" alias of conntrack revision 3. */
static const struct xt_ext_ops state_match_ops = {
	.name = "state",
	.real_name = "conntrack",
	.help = state_help,
	.size = sizeof(struct conntrack_info),
	.opts = state_opts,
	.parse = state_parse,
	.final_check = state_final_check,
	.save = conntrack_save,
	.print = conntrack_print,
	.check = conntrack_check,
	.match = conntrack_match,
	.cls_pure = true,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&conntrack_match_ops);
	xt_ext_register(&state_match_ops);
}
