// SPDX-License-Identifier: MIT
/*
 * The conntrack tool (conntrack(8), Debian's 1.4.7) over netsieve's
 * connection tracking: -L, -G, -D, -I, -U, -E, -F, -C, -S with the
 * filters and output formats conntrack has, its option parsing (getopt
 * as 1.4.7 uses it: protocol options exist only after -p, unique
 * prefixes of long options, optional table names), its legality table
 * of options per command and every message and exit code it prints for
 * bad usage (pinned by tests/conntrack/ref/errors.txt). Control path,
 * under ctl_lock; reads and changes the table only through src/ct/ct.h.
 *
 * Where netsieve differs (doc/conntrack.md): listings are sorted
 * (ct_fmt_cmp), not in hash order; -I and -U print no echo of the entry
 * (the kernel echoes only once an event listener has been registered in
 * the namespace); -o xml, ktimestamp, labels and userspace, the expect
 * table's entries, labels and -R are not supported.
 */
#include "ctl/conntrack.h"
#include "ctl/ctl.h"

#include "core/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PROGNAME "conntrack v1.4.7 (conntrack-tools)"
#define TRY "Try `conntrack -h' or 'conntrack --help' for more information.\n"

/* Commands (conntrack's CT_*). */
enum {
	C_LIST = 1u << 0, C_CREATE = 1u << 1, C_UPDATE = 1u << 2,
	C_DELETE = 1u << 3, C_GET = 1u << 4, C_FLUSH = 1u << 5,
	C_EVENT = 1u << 6, C_VERSION = 1u << 7, C_HELP = 1u << 8,
	C_COUNT = 1u << 9, C_STATS = 1u << 10, C_ADD = 1u << 11,
};

/* Options in conntrack's order: its checks report the first one. */
enum {
	O_SRC, O_DST, O_RSRC, O_RDST, O_PROTO, O_TIMEOUT, O_STATUS, O_ZERO,
	O_EVMASK, O_TSRC, O_TDST, O_MSRC, O_MDST, O_NATRANGE, O_MARK, O_ID,
	O_FAMILY, O_SNAT, O_DNAT, O_OUTPUT, O_SECMARK, O_BUFSIZE, O_ANYNAT,
	O_ZONE, O_OZONE, O_RZONE, O_NUM,
};

static const char *const opt_names[O_NUM] = {
	"src", "dst", "reply-src", "reply-dst", "protonum", "timeout",
	"status", "zero", "event-mask", "tuple-src", "tuple-dst", "mask-src",
	"mask-dst", "nat-range", "mark", "id", "family", "src-nat",
	"dst-nat", "output", "secmark", "buffer-size", "any-nat", "zone",
	"orig-zone", "reply-zone",
};

#define B(o) (1u << (o))
#define ADDRS (B(O_SRC) | B(O_DST) | B(O_RSRC) | B(O_RDST))
#define ZONES (B(O_ZONE) | B(O_OZONE) | B(O_RZONE))
#define MASKS (B(O_MSRC) | B(O_MDST))
#define NATS (B(O_SNAT) | B(O_DNAT))

/* Per command: the options it allows, and those it needs. */
static const struct {
	unsigned cmd;
	uint32_t legal, need;
} legality[] = {
	{ C_LIST, ADDRS | B(O_PROTO) | B(O_STATUS) | B(O_ZERO) | MASKS |
		  B(O_MARK) | B(O_FAMILY) | NATS | B(O_OUTPUT) |
		  B(O_SECMARK) | B(O_ANYNAT) | ZONES, 0 },
	{ C_GET, ADDRS | B(O_PROTO) | B(O_OUTPUT), B(O_PROTO) },
	{ C_DELETE, ADDRS | B(O_PROTO) | B(O_TIMEOUT) | B(O_STATUS) | MASKS |
		    B(O_MARK) | B(O_FAMILY) | NATS | B(O_OUTPUT) | ZONES, 0 },
	{ C_UPDATE, ADDRS | B(O_PROTO) | B(O_TIMEOUT) | B(O_STATUS) | MASKS |
		    B(O_MARK) | B(O_FAMILY) | NATS | B(O_OUTPUT), 0 },
	{ C_CREATE, ADDRS | B(O_PROTO) | B(O_TIMEOUT) | B(O_STATUS) |
		    B(O_MARK) | NATS | ZONES, B(O_PROTO) | B(O_TIMEOUT) },
	{ C_ADD, ADDRS | B(O_PROTO) | B(O_TIMEOUT) | B(O_STATUS) |
		 B(O_MARK) | NATS | ZONES, B(O_PROTO) | B(O_TIMEOUT) },
	{ C_EVENT, ADDRS | B(O_PROTO) | B(O_EVMASK) | MASKS | B(O_MARK) |
		   B(O_FAMILY) | NATS | B(O_OUTPUT) | B(O_SECMARK) |
		   B(O_BUFSIZE) | B(O_ANYNAT) | ZONES, 0 },
	{ C_FLUSH, B(O_FAMILY), 0 },
	{ C_COUNT, 0, 0 },
	{ C_STATS, 0, 0 },
};

/* Protocol options (-p's extension): bits of struct ct_args.popts. */
enum {
	P_SPORT = 1u << 0, P_DPORT = 1u << 1, P_RSPORT = 1u << 2,
	P_RDPORT = 1u << 3, P_STATE = 1u << 4, P_ITYPE = 1u << 5,
	P_ICODE = 1u << 6, P_IID = 1u << 7, P_OTHER = 1u << 8,
};

enum pkind { PK_NONE, PK_PORTS, PK_TCP, PK_ICMP, PK_SCTP, PK_DCCP, PK_GRE };

enum table { T_CONNTRACK, T_EXPECT, T_DYING, T_UNCONFIRMED };

struct ct_args {
	unsigned cmd;
	uint32_t opts;
	enum table table;
	int family;                     /* 0: not given */
	struct ns_addr a[4];            /* src dst rsrc rdst */
	uint32_t amask[4];              /* network order */
	uint8_t proto;
	enum pkind pk;
	uint32_t popts;
	uint16_t port[4];               /* sport dport rsport rdport, host */
	int state;
	uint8_t itype, icode;
	uint16_t iid;
	uint32_t timeout, status, mark, mark_mask;
	uint32_t secmark;
	uint16_t zone;
	unsigned out, evmask;
	bool nat_ip[3];                 /* -n IP, -g IP, -j IP given */
	struct ns_addr nat_addr[3];
};

/* A parse failure: message, exit code (2 adds the Try line). */
struct ct_err {
	int rc;
	char msg[256];
	const char *pre;                /* a line printed before (labels) */
};

static int fail(struct ct_err *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ct_err *e, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->rc = rc;
	return -1;
}

static void report(struct sbuf *err, const struct ct_err *e)
{
	if (e->pre)
		sbuf_adds(err, e->pre);
	sbuf_addf(err, PROGNAME ": %s\n", e->msg);
	if (e->rc == 2)
		sbuf_adds(err, TRY);
}

/* ---- option table ---------------------------------------------------- */

enum argk { NOARG, REQARG, OPTARG };

struct lopt {
	const char *name;
	int id;
	enum argk arg;
};

/* ids: commands are 'L', ...; options their letters; the rest >= 256. */
enum {
	L_TSRC = 256, L_TDST, L_MSRC, L_MDST, L_OZONE, L_RZONE, L_LADD,
	L_LDEL, L_SPORT, L_DPORT, L_RSPORT, L_RDPORT, L_STATE, L_ITYPE,
	L_ICODE, L_IID, L_OTHER,
};

static const struct lopt base_opts[] = {
	{ "dump", 'L', OPTARG }, { "create", 'I', OPTARG },
	{ "add", 'A', OPTARG }, { "update", 'U', OPTARG },
	{ "delete", 'D', OPTARG }, { "get", 'G', OPTARG },
	{ "event", 'E', OPTARG }, { "flush", 'F', OPTARG },
	{ "count", 'C', OPTARG }, { "stats", 'S', OPTARG },
	{ "load-file", 'R', REQARG }, { "help", 'h', NOARG },
	{ "version", 'V', NOARG },
	{ "orig-src", 's', REQARG }, { "src", 's', REQARG },
	{ "orig-dst", 'd', REQARG }, { "dst", 'd', REQARG },
	{ "reply-src", 'r', REQARG }, { "reply-dst", 'q', REQARG },
	{ "protonum", 'p', REQARG }, { "timeout", 't', REQARG },
	{ "status", 'u', REQARG }, { "zero", 'z', NOARG },
	{ "event-mask", 'e', REQARG }, { "tuple-src", L_TSRC, REQARG },
	{ "tuple-dst", L_TDST, REQARG }, { "mask-src", L_MSRC, REQARG },
	{ "mask-dst", L_MDST, REQARG }, { "nat-range", 'a', REQARG },
	{ "mark", 'm', REQARG }, { "secmark", 'c', REQARG },
	{ "id", 'i', REQARG }, { "family", 'f', REQARG },
	{ "src-nat", 'n', OPTARG }, { "dst-nat", 'g', OPTARG },
	{ "output", 'o', REQARG }, { "buffer-size", 'b', REQARG },
	{ "any-nat", 'j', OPTARG }, { "zone", 'w', REQARG },
	{ "orig-zone", L_OZONE, REQARG }, { "reply-zone", L_RZONE, REQARG },
	{ "label", 'l', REQARG }, { "label-add", L_LADD, REQARG },
	{ "label-del", L_LDEL, OPTARG },
	{ NULL, 0, 0 },
};

static const struct lopt port_opts[] = {
	{ "orig-port-src", L_SPORT, REQARG }, { "sport", L_SPORT, REQARG },
	{ "orig-port-dst", L_DPORT, REQARG }, { "dport", L_DPORT, REQARG },
	{ "reply-port-src", L_RSPORT, REQARG },
	{ "reply-port-dst", L_RDPORT, REQARG },
	{ "mask-port-src", L_OTHER, REQARG },
	{ "mask-port-dst", L_OTHER, REQARG },
	{ NULL, 0, 0 },
};

static const struct lopt tcp_opts[] = {
	{ "state", L_STATE, REQARG }, { NULL, 0, 0 },
};

static const struct lopt icmp_opts[] = {
	{ "icmp-type", L_ITYPE, REQARG }, { "icmp-code", L_ICODE, REQARG },
	{ "icmp-id", L_IID, REQARG }, { NULL, 0, 0 },
};

static const struct lopt sctp_opts[] = {
	{ "state", L_OTHER, REQARG }, { "orig-vtag", L_OTHER, REQARG },
	{ "reply-vtag", L_OTHER, REQARG }, { NULL, 0, 0 },
};

static const struct lopt dccp_opts[] = {
	{ "state", L_OTHER, REQARG }, { "role", L_OTHER, REQARG },
	{ NULL, 0, 0 },
};

static const struct lopt gre_opts[] = {
	{ "orig-key-src", L_OTHER, REQARG }, { "srckey", L_OTHER, REQARG },
	{ "orig-key-dst", L_OTHER, REQARG }, { "dstkey", L_OTHER, REQARG },
	{ "reply-key-src", L_OTHER, REQARG },
	{ "reply-key-dst", L_OTHER, REQARG },
	{ NULL, 0, 0 },
};

/* Short options: letter and argument kind. */
static enum argk short_arg(char c, bool *known)
{
	*known = true;
	switch (c) {
	case 'L': case 'I': case 'A': case 'U': case 'D': case 'G':
	case 'E': case 'F': case 'C': case 'S':
	case 'n': case 'g': case 'j':
		return OPTARG;
	case 'h': case 'V': case 'z':
		return NOARG;
	case 's': case 'd': case 'r': case 'q': case 'p': case 't':
	case 'u': case 'e': case 'a': case 'm': case 'c': case 'i':
	case 'f': case 'o': case 'b': case 'w': case 'l':
		return REQARG;
	default:
		*known = false;
		return NOARG;
	}
}

/* Find a long option: exact, else a unique prefix; NULL if none. */
static const struct lopt *find_long(const char *name, size_t n,
				    const struct lopt *const *tabs)
{
	const struct lopt *hit = NULL;
	int i, j, hits = 0;

	for (i = 0; tabs[i]; i++)
		for (j = 0; tabs[i][j].name; j++)
			if (strlen(tabs[i][j].name) == n &&
			    !strncmp(tabs[i][j].name, name, n))
				return &tabs[i][j];
	for (i = 0; tabs[i]; i++) {
		for (j = 0; tabs[i][j].name; j++) {
			const struct lopt *o = &tabs[i][j];

			if (strncmp(o->name, name, n))
				continue;
			/* Two names of one option are no ambiguity. */
			if (hit && hit->id == o->id && hit->arg == o->arg)
				continue;
			hit = o;
			hits++;
		}
	}
	return hits == 1 ? hit : NULL;
}

/* ---- value parsers --------------------------------------------------- */

/* An address as conntrack reads it (inet_aton for IPv4), maybe /N. */
static int parse_addr(struct ct_args *a, int idx, const char *arg,
		      struct ct_err *e)
{
	char buf[128];
	char *slash;
	struct in_addr in4;
	struct ns_addr ad = { 0 };
	long plen = -1;
	int fam;

	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		plen = strtol(slash + 1, NULL, 10);
	}
	if (inet_aton(buf, &in4)) {
		fam = 2;
		ad.family = 2;
		ad.ip = in4.s_addr;
	} else if (inet_pton(AF_INET6, buf, ad.ip6) == 1) {
		fam = 10;
		ad.family = 10;
	} else {
		return fail(e, 2, "Invalid IP address `%s'", arg);
	}
	if (plen >= 0 && (plen > (fam == 2 ? 32 : 128) || plen < 0))
		return fail(e, 2, "Invalid netmask");
	if (a->family && a->family != fam)
		return fail(e, 2, "mismatched address family");
	a->family = fam;
	a->a[idx] = ad;
	if (fam == 2) {
		if (plen < 0 || plen == 32)
			a->amask[idx] = 0xffffffffu;
		else
			a->amask[idx] = plen ? htonl(~0u << (32 - plen)) : 0;
	} else {
		a->amask[idx] = 0xffffffffu;   /* IPv6: not tracked anyway */
	}
	return 0;
}

static int parse_mask(struct ct_args *a, int idx, const char *arg,
		      struct ct_err *e)
{
	struct in_addr in4;
	struct in6_addr in6;

	if (inet_aton(arg, &in4)) {
		if (a->family && a->family != 2)
			return fail(e, 2, "mismatched address family");
		a->amask[idx] = in4.s_addr;
		return 0;
	}
	if (inet_pton(AF_INET6, arg, &in6) == 1) {
		if (a->family && a->family != 10)
			return fail(e, 2, "mismatched address family");
		return 0;
	}
	return fail(e, 2, "Invalid IP address `%s'", arg);
}

static int parse_proto(struct ct_args *a, const char *arg, struct ct_err *e)
{
	static const struct {
		const char *name;
		uint8_t num;
		enum pkind pk;
	} known[] = {
		{ "tcp", 6, PK_TCP }, { "udp", 17, PK_PORTS },
		{ "udplite", 136, PK_PORTS }, { "icmp", 1, PK_ICMP },
		{ "icmpv6", 58, PK_ICMP }, { "sctp", 132, PK_SCTP },
		{ "dccp", 33, PK_DCCP }, { "gre", 47, PK_GRE },
	};
	struct protoent *pe;
	char *end;
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!strcasecmp(arg, known[i].name)) {
			a->proto = known[i].num;
			a->pk = known[i].pk;
			return 0;
		}
	}
	v = strtoul(arg, &end, 10);
	if (*arg && !*end) {
		if (v > 255)
			return fail(e, 2, "`%s' unsupported protocol", arg);
	} else {
		pe = getprotobyname(arg);
		if (!pe)
			return fail(e, 2, "`%s' unsupported protocol", arg);
		v = (unsigned long)pe->p_proto;
	}
	a->proto = (uint8_t)v;
	a->pk = PK_NONE;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].num == v)
			a->pk = known[i].pk;
	return 0;
}

/* A comma list of names: bits, or "Bad parameter `X'". */
static int parse_list(const char *arg, const char *const *names,
		      const unsigned *bits, unsigned n, unsigned *out,
		      struct ct_err *e)
{
	char buf[256], *tok, *save = NULL;
	unsigned i;

	snprintf(buf, sizeof(buf), "%s", arg);
	*out = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n; i++)
			if (!strcmp(tok, names[i]))
				break;
		if (i == n)
			return fail(e, 2, "Bad parameter `%s'", tok);
		*out |= bits[i];
	}
	return 0;
}

static int parse_output(struct ct_args *a, const char *arg, struct ct_err *e)
{
	static const char *const names[] = {
		"xml", "extended", "timestamp", "id", "ktimestamp", "labels",
		"save", "userspace",
	};
	static const unsigned bits[] = {
		CT_OUT_XML, CT_OUT_EXTENDED, CT_OUT_TIMESTAMP, CT_OUT_ID,
		CT_OUT_KTIMESTAMP, CT_OUT_LABELS, CT_OUT_SAVE, CT_OUT_USERSPACE,
	};
	unsigned v;

	if (parse_list(arg, names, bits, 8, &v, e))
		return -1;
	if ((v & CT_OUT_SAVE) && v != CT_OUT_SAVE)
		return fail(e, 1, "cannot combine save output with any other "
			    "output type, use -o save only");
	a->out |= v;
	return 0;
}

#define ST_UNSET 0x80000000u

static int parse_status(struct ct_args *a, const char *arg, struct ct_err *e)
{
	static const char *const names[] = {
		"EXPECTED", "SEEN_REPLY", "ASSURED", "FIXED_TIMEOUT",
		"OFFLOAD", "UNSET",
	};
	static const unsigned bits[] = {
		CT_S_EXPECTED, CT_S_SEEN_REPLY, CT_S_ASSURED,
		CT_S_FIXED_TIMEOUT, CT_S_OFFLOAD, ST_UNSET,
	};

	return parse_list(arg, names, bits, 6, &a->status, e);
}

static int parse_evmask(struct ct_args *a, const char *arg, struct ct_err *e)
{
	static const char *const names[] = {
		"ALL", "NEW", "UPDATES", "DESTROY",
	};
	static const unsigned bits[] = {
		CT_EV_NEW | CT_EV_UPDATE | CT_EV_DESTROY, CT_EV_NEW,
		CT_EV_UPDATE, CT_EV_DESTROY,
	};

	return parse_list(arg, names, bits, 4, &a->evmask, e);
}

static void parse_mark(struct ct_args *a, const char *arg)
{
	char *end;

	a->mark = (uint32_t)strtoul(arg, &end, 0);
	a->mark_mask = 0xffffffffu;
	if (*end == '/')
		a->mark_mask = (uint32_t)strtoul(end + 1, NULL, 0);
}

/* ---- parsing --------------------------------------------------------- */

static int set_cmd(struct ct_args *a, unsigned cmd, struct ct_err *e)
{
	if (a->cmd)
		return fail(e, 2, "Invalid commands combination");
	a->cmd = cmd;
	return 0;
}

static int parse_table(struct ct_args *a, const char *arg, struct ct_err *e)
{
	if (!strcmp(arg, "conntrack"))
		a->table = T_CONNTRACK;
	else if (!strcmp(arg, "expect"))
		a->table = T_EXPECT;
	else if (!strcmp(arg, "dying"))
		a->table = T_DYING;
	else if (!strcmp(arg, "unconfirmed"))
		a->table = T_UNCONFIRMED;
	else
		return fail(e, 2, "unknown type `%s'", arg);
	return 0;
}

static const char *const nolabels =
	"nfct_labelmap_new: No such file or directory\n";

/* One option with its argument (NULL when none). */
static int apply(struct ct_args *a, int id, const char *arg, struct ct_err *e)
{
	static const struct { int id; unsigned cmd; } cmds[] = {
		{ 'L', C_LIST }, { 'I', C_CREATE }, { 'A', C_ADD },
		{ 'U', C_UPDATE }, { 'D', C_DELETE }, { 'G', C_GET },
		{ 'E', C_EVENT }, { 'F', C_FLUSH }, { 'C', C_COUNT },
		{ 'S', C_STATS }, { 'h', C_HELP }, { 'V', C_VERSION },
	};
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (cmds[i].id != id)
			continue;
		if (set_cmd(a, cmds[i].cmd, e))
			return -1;
		return arg ? parse_table(a, arg, e) : 0;
	}
	switch (id) {
	case 'R':
		return fail(e, 2, "Failed to open file %s for reading", arg);
	case 's': a->opts |= B(O_SRC); return parse_addr(a, 0, arg, e);
	case 'd': a->opts |= B(O_DST); return parse_addr(a, 1, arg, e);
	case 'r': a->opts |= B(O_RSRC); return parse_addr(a, 2, arg, e);
	case 'q': a->opts |= B(O_RDST); return parse_addr(a, 3, arg, e);
	case 'p':
		a->opts |= B(O_PROTO);
		return parse_proto(a, arg, e);
	case 't':
		a->opts |= B(O_TIMEOUT);
		a->timeout = (uint32_t)strtoul(arg, NULL, 10);
		return 0;
	case 'u': a->opts |= B(O_STATUS); return parse_status(a, arg, e);
	case 'z': a->opts |= B(O_ZERO); return 0;
	case 'e': a->opts |= B(O_EVMASK); return parse_evmask(a, arg, e);
	case L_TSRC: a->opts |= B(O_TSRC); return 0;
	case L_TDST: a->opts |= B(O_TDST); return 0;
	case L_MSRC: a->opts |= B(O_MSRC); return parse_mask(a, 0, arg, e);
	case L_MDST: a->opts |= B(O_MDST); return parse_mask(a, 1, arg, e);
	case 'a': a->opts |= B(O_NATRANGE); return 0;
	case 'm': a->opts |= B(O_MARK); parse_mark(a, arg); return 0;
	case 'c':
		a->opts |= B(O_SECMARK);
		a->secmark = (uint32_t)strtoul(arg, NULL, 0);
		return 0;
	case 'i': a->opts |= B(O_ID); return 0;
	case 'f':
		a->opts |= B(O_FAMILY);
		if (!strcmp(arg, "ipv4"))
			a->family = 2;
		else if (!strcmp(arg, "ipv6"))
			a->family = 10;
		else
			return fail(e, 2, "`%s' unsupported protocol", arg);
		return 0;
	case 'n': case 'g': case 'j': {
		int k = id == 'n' ? 0 : id == 'g' ? 1 : 2;
		struct ct_args tmp = { 0 };

		a->opts |= B(id == 'n' ? O_SNAT : id == 'g' ? O_DNAT :
			     O_ANYNAT);
		if (!arg)
			return 0;
		if (parse_addr(&tmp, 0, arg, e))
			return -1;
		a->nat_ip[k] = true;
		a->nat_addr[k] = tmp.a[0];
		return 0;
	}
	case 'o': a->opts |= B(O_OUTPUT); return parse_output(a, arg, e);
	case 'b': a->opts |= B(O_BUFSIZE); return 0;
	case 'w': case L_OZONE: case L_RZONE:
		a->opts |= B(id == 'w' ? O_ZONE : id == L_OZONE ? O_OZONE :
			     O_RZONE);
		a->zone = (uint16_t)strtoul(arg, NULL, 10);
		return 0;
	case 'l': case L_LADD: case L_LDEL:
		e->pre = nolabels;
		return fail(e, 2, "unknown label '%s'", arg ? arg : "");
	case L_SPORT: a->popts |= P_SPORT;
		a->port[0] = (uint16_t)atoi(arg); return 0;
	case L_DPORT: a->popts |= P_DPORT;
		a->port[1] = (uint16_t)atoi(arg); return 0;
	case L_RSPORT: a->popts |= P_RSPORT;
		a->port[2] = (uint16_t)atoi(arg); return 0;
	case L_RDPORT: a->popts |= P_RDPORT;
		a->port[3] = (uint16_t)atoi(arg); return 0;
	case L_STATE:
		a->state = ct_fmt_tcp_state_parse(arg);
		if (a->state < 0)
			return fail(e, 2, "unknown TCP state `%s'", arg);
		a->popts |= P_STATE;
		return 0;
	case L_ITYPE: a->popts |= P_ITYPE;
		a->itype = (uint8_t)atoi(arg); return 0;
	case L_ICODE: a->popts |= P_ICODE;
		a->icode = (uint8_t)atoi(arg); return 0;
	case L_IID: a->popts |= P_IID;
		a->iid = (uint16_t)atoi(arg); return 0;
	default:
		a->popts |= P_OTHER;
		return 0;
	}
}

static void proto_tabs(const struct ct_args *a, const struct lopt **tabs)
{
	int n = 0;

	tabs[n++] = base_opts;
	if (a->opts & B(O_PROTO)) {
		switch (a->pk) {
		case PK_TCP: tabs[n++] = port_opts; tabs[n++] = tcp_opts; break;
		case PK_PORTS: tabs[n++] = port_opts; break;
		case PK_SCTP: tabs[n++] = port_opts; tabs[n++] = sctp_opts;
			break;
		case PK_DCCP: tabs[n++] = port_opts; tabs[n++] = dccp_opts;
			break;
		case PK_ICMP: tabs[n++] = icmp_opts; break;
		case PK_GRE: tabs[n++] = gre_opts; break;
		default: break;
		}
	}
	tabs[n] = NULL;
}

/* The word after argv[*i], when it is no option (optional arguments). */
static const char *next_word(int argc, char **argv, int *i)
{
	if (*i + 1 < argc && argv[*i + 1][0] != '-') {
		(*i)++;
		return argv[*i];
	}
	return NULL;
}

static int parse_argv(struct ct_args *a, int argc, char **argv,
		      struct ct_err *e)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (w[0] != '-' || !w[1])
			continue;       /* getopt moves it to the end: unused */
		if (!strcmp(w, "--"))
			break;
		if (w[1] == '-') {
			const struct lopt *tabs[4];
			const struct lopt *o;
			const char *eq = strchr(w + 2, '=');
			const char *arg = NULL;
			size_t n = eq ? (size_t)(eq - w - 2) : strlen(w + 2);

			proto_tabs(a, tabs);
			o = find_long(w + 2, n, tabs);
			if (!o)
				return fail(e, 2, "unknown option `%s'", w);
			if (o->arg == REQARG) {
				if (eq)
					arg = eq + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					return fail(e, 2, "option `%s' requires "
						    "an argument", w);
			} else if (o->arg == OPTARG) {
				arg = eq ? eq + 1 : next_word(argc, argv, &i);
			} else if (eq) {
				return fail(e, 2, "unknown option `%s'", w);
			}
			if (apply(a, o->id, arg, e))
				return -1;
			continue;
		}
		for (const char *p = w + 1; *p; p++) {
			bool known;
			enum argk k = short_arg(*p, &known);
			const char *arg = NULL;

			if (!known) {
				char opt[3] = { '-', *p, 0 };

				return fail(e, 2, "unknown option `%s'", opt);
			}
			if (k == REQARG) {
				if (p[1])
					arg = p + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					return fail(e, 2, "option `%s' requires "
						    "an argument", w);
			} else if (k == OPTARG) {
				arg = p[1] ? p + 1 : next_word(argc, argv, &i);
			}
			if (apply(a, *p, arg, e))
				return -1;
			if (arg)
				break;
		}
	}
	return 0;
}

/* The checks 1.4.7 makes once everything is parsed. */
static int check(struct ct_args *a, struct ct_err *e)
{
	size_t i;
	int o;

	if (a->cmd == C_HELP || a->cmd == C_VERSION)
		return 0;
	for (i = 0; i < sizeof(legality) / sizeof(legality[0]); i++)
		if (legality[i].cmd == a->cmd)
			break;
	if (i < sizeof(legality) / sizeof(legality[0])) {
		for (o = 0; o < O_NUM; o++) {
			if ((a->opts & B(o)) && !(legality[i].legal & B(o)))
				return fail(e, 2, "Illegal option `--%s' with "
					    "this command", opt_names[o]);
			if (!(a->opts & B(o)) && (legality[i].need & B(o)))
				return fail(e, 2, "You need to supply the "
					    "`--%s' option for this command",
					    opt_names[o]);
		}
	}
	if ((a->opts & B(O_MSRC)) && !(a->opts & B(O_SRC)))
		return fail(e, 2, "Can't use --mask-src without --src");
	if ((a->opts & B(O_MDST)) && !(a->opts & B(O_DST)))
		return fail(e, 2, "Can't use --mask-dst without --dst");
	if (a->cmd == C_LIST && (a->opts & B(O_ZERO)) &&
	    ((a->opts & ~(B(O_ZERO) | B(O_FAMILY) | B(O_OUTPUT))) ||
	     a->popts))
		return fail(e, 2, "Can't use -z with filtering parameters");
	if (a->cmd == C_GET || a->cmd == C_CREATE || a->cmd == C_ADD) {
		bool orig = (a->opts & (B(O_SRC) | B(O_DST))) ==
			    (B(O_SRC) | B(O_DST));
		bool repl = (a->opts & (B(O_RSRC) | B(O_RDST))) ==
			    (B(O_RSRC) | B(O_RDST));

		if (!orig && !(a->cmd == C_GET && repl))
			return fail(e, 2, "you have to specify `--src' and "
				    "`--dst'");
		if (a->cmd != C_GET && a->pk == PK_TCP &&
		    !(a->popts & P_STATE))
			return fail(e, 2, "You need to supply the `--state' "
				    "option for this command");
		if (a->cmd != C_GET && a->pk == PK_SCTP)
			return fail(e, 2, "You need to supply the "
				    "`--orig-vtag' option for this command");
		switch (a->pk) {
		case PK_TCP: case PK_PORTS: case PK_SCTP: case PK_DCCP:
			if ((a->popts & (P_SPORT | P_DPORT)) !=
			    (P_SPORT | P_DPORT) &&
			    (a->popts & (P_RSPORT | P_RDPORT)) !=
			    (P_RSPORT | P_RDPORT))
				return fail(e, 2, "you have to specify "
					    "`--sport' and `--dport'");
			break;
		case PK_ICMP:
			if (!(a->popts & P_ITYPE))
				return fail(e, 2, "You need to supply the "
					    "`--icmp-type' option for this "
					    "command");
			if (!(a->popts & P_ICODE))
				return fail(e, 2, "You need to supply the "
					    "`--icmp-code' option for this "
					    "command");
			break;
		case PK_GRE:
			return fail(e, 2, "you have to specify `--srckey' and "
				    "`--dstkey'");
		default:
			break;
		}
		/* The kernel's answer to a reply tuple without original
		 * ports, or given to -I: EINVAL. */
		if (!orig || (a->cmd != C_GET &&
			      (a->opts & (B(O_RSRC) | B(O_RDST)))))
			return fail(e, 1, "Operation failed: invalid "
				    "parameters");
	}
	return 0;
}

/* ---- filters --------------------------------------------------------- */

static bool addr_match(const struct ns_addr *have, const struct ns_addr *want,
		       uint32_t mask)
{
	if (have->family != want->family)
		return false;
	if (want->family == 10)
		return !memcmp(have->ip6, want->ip6, 16);
	return (have->ip & mask) == (want->ip & mask);
}

static bool addr_same(const struct ns_addr *x, const struct ns_addr *y)
{
	return addr_match(x, y, 0xffffffffu);
}

/* The 16 bits the kernel compares as "ports" (ICMP: type/code, id). */
static uint16_t l4src(const struct ct_tuple *t)
{
	return t->sport;
}

static uint16_t l4dst(const struct ct_tuple *t)
{
	return t->dport;
}

/*
 * conntrack's NAT tests: an address or "port" differs between the
 * original and the reply tuple. ICMP's type/id pair always differs, so
 * conntrack shows ICMP entries as NATed both ways (1.4.7 does).
 */
static bool is_snat(const struct ct_snap *s)
{
	const struct ct_tuple *o = &s->tuple[0], *r = &s->tuple[1];

	return !addr_same(&r->dst, &o->src) || l4dst(r) != l4src(o);
}

static bool is_dnat(const struct ct_snap *s)
{
	const struct ct_tuple *o = &s->tuple[0], *r = &s->tuple[1];

	return !addr_same(&r->src, &o->dst) || l4src(r) != l4dst(o);
}

static bool filter(const struct ct_args *a, const struct ct_snap *s)
{
	const struct ct_tuple *o = &s->tuple[0], *r = &s->tuple[1];
	const struct ct_tuple *tt[4] = { o, o, r, r };
	static const int optbit[4] = { O_SRC, O_DST, O_RSRC, O_RDST };
	int i;

	if (o->src.family != (a->family ? a->family : 2))
		return false;
	for (i = 0; i < 4; i++) {
		const struct ns_addr *have = i % 2 ? &tt[i]->dst :
						     &tt[i]->src;

		if ((a->opts & B(optbit[i])) &&
		    !addr_match(have, &a->a[i], a->amask[i]))
			return false;
	}
	if (a->opts & B(O_PROTO)) {
		if (o->proto != a->proto)
			return false;
		if ((a->popts & P_SPORT) && ntohs(o->sport) != a->port[0])
			return false;
		if ((a->popts & P_DPORT) && ntohs(o->dport) != a->port[1])
			return false;
		if ((a->popts & P_RSPORT) && ntohs(r->sport) != a->port[2])
			return false;
		if ((a->popts & P_RDPORT) && ntohs(r->dport) != a->port[3])
			return false;
		if ((a->popts & P_STATE) && s->tcp_state != a->state)
			return false;
		if ((a->popts & P_ITYPE) && (ntohs(o->dport) >> 8) != a->itype)
			return false;
		if ((a->popts & P_ICODE) && (ntohs(o->dport) & 0xff) != a->icode)
			return false;
		if ((a->popts & P_IID) && ntohs(o->sport) != a->iid)
			return false;
	}
	if ((a->opts & B(O_MARK)) && a->cmd != C_UPDATE &&
	    (s->mark & a->mark_mask) != (a->mark & a->mark_mask))
		return false;
	if ((a->opts & B(O_STATUS)) && a->cmd != C_UPDATE &&
	    (s->status & a->status) != a->status)
		return false;
	if ((a->opts & ZONES) && s->zone != a->zone)
		return false;
	if ((a->opts & B(O_SECMARK)) && a->secmark != 0)
		return false;
	if (a->opts & B(O_SNAT)) {
		if (!is_snat(s) || (a->nat_ip[0] &&
				    !addr_same(&r->dst, &a->nat_addr[0])))
			return false;
	}
	if (a->opts & B(O_DNAT)) {
		if (!is_dnat(s) || (a->nat_ip[1] &&
				    !addr_same(&r->src, &a->nat_addr[1])))
			return false;
	}
	if (a->opts & B(O_ANYNAT)) {
		bool sn = is_snat(s) && (!a->nat_ip[2] ||
					 addr_same(&r->dst, &a->nat_addr[2]));
		bool dn = is_dnat(s) && (!a->nat_ip[2] ||
					 addr_same(&r->src, &a->nat_addr[2]));

		if (!sn && !dn)
			return false;
	}
	return true;
}

/* ---- commands -------------------------------------------------------- */

struct collect {
	struct net *net;
	const struct ct_args *a;
	uint64_t now;
	struct ct_snap *v;
	size_t n, cap;
	unsigned changed;
	bool oom;
};

static int push(struct collect *c, const struct ct_snap *s)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct ct_snap *nv = realloc(c->v, cap * sizeof(*nv));

		if (!nv) {
			c->oom = true;
			return 1;
		}
		c->v = nv;
		c->cap = cap;
	}
	c->v[c->n++] = *s;
	return 0;
}

static int list_cb(void *priv, struct ct_conn *ct)
{
	struct collect *c = priv;
	struct ct_snap s;

	ct_snap_fill(&s, ct, c->now);
	if (!filter(c->a, &s))
		return 0;
	if (push(c, &s))
		return 1;
	if (c->a->opts & B(O_ZERO)) {
		int d;

		for (d = 0; d < CT_DIR_MAX; d++) {
			atomic_store_explicit(&ct->packets[d], 0,
					      memory_order_relaxed);
			atomic_store_explicit(&ct->bytes[d], 0,
					      memory_order_relaxed);
		}
	}
	if (c->a->cmd == C_DELETE)
		ct_kill(c->net, ct);
	return 0;
}

static int update_cb(void *priv, struct ct_conn *ct)
{
	struct collect *c = priv;
	const struct ct_args *a = c->a;
	struct ct_snap s;
	bool changed = false;

	ct_snap_fill(&s, ct, c->now);
	if (!filter(a, &s))
		return 0;
	if (a->opts & B(O_MARK)) {
		uint32_t old = s.mark;
		uint32_t nm = (old & ~a->mark_mask) ^ a->mark;

		if (a->mark_mask == 0xffffffffu)
			nm = a->mark;
		if (nm != old) {
			atomic_store_explicit(&ct->mark, nm,
					      memory_order_relaxed);
			changed = true;
		}
	}
	if ((a->opts & B(O_STATUS)) && (a->status & ~ST_UNSET) &&
	    (s.status & a->status) != a->status) {
		ct_status_set(ct, a->status & ~ST_UNSET);
		changed = true;
	}
	if (a->opts & B(O_TIMEOUT)) {
		atomic_store_explicit(&ct->timeout,
				      c->now + (uint64_t)a->timeout *
				      1000000000ull, memory_order_relaxed);
		changed = true;
	}
	if (changed) {
		c->changed++;
		ct_event_emit(c->net, ct, CT_EV_UPDATE);
	}
	return 0;
}

static void env_of(struct net *net, struct ct_fmt_env *env, unsigned use)
{
	env->now = net_now(net);
	env->acct = ct_net(net) ? ct_sysctl(net)->acct : false;
	env->use = use;
}

static void print(struct sbuf *out, const struct ct_snap *s, unsigned flags,
		  const struct ct_fmt_env *env)
{
	if (flags & CT_OUT_SAVE)
		ct_fmt_save(out, s);
	else
		ct_fmt_entry(out, s, flags, env);
}

static int not_supported(struct sbuf *err, const char *what)
{
	sbuf_addf(err, PROGNAME ": %s is not supported by netsieve\n", what);
	return 1;
}

static int check_output(const struct ct_args *a, struct sbuf *err)
{
	if (a->out & CT_OUT_XML)
		return not_supported(err, "-o xml");
	if (a->out & CT_OUT_KTIMESTAMP)
		return not_supported(err, "-o ktimestamp");
	if (a->out & CT_OUT_LABELS)
		return not_supported(err, "-o labels");
	if (a->out & CT_OUT_USERSPACE)
		return not_supported(err, "-o userspace");
	return 0;
}

/* conntrack -L expect: one line per expectation, as the kernel lists. */
struct expect_list {
	struct sbuf *out;
	uint64_t now;
	unsigned n;
};

static int expect_cb(void *priv, const struct ct_expect *exp)
{
	struct expect_list *el = priv;

	ct_expect_print(exp, el->now, el->out);
	sbuf_addc(el->out, '\n');
	el->n++;
	return 0;
}

static int cmd_list(struct net *net, const struct ct_args *a,
		    struct sbuf *out, struct sbuf *err)
{
	struct collect c = { .net = net, .a = a, .now = net_now(net) };
	struct ct_fmt_env env;
	const char *verb = a->cmd == C_DELETE ? "deleted" : "shown";
	size_t i;
	int rc;

	if (a->table == T_EXPECT) {
		struct expect_list el = { .out = out, .now = net_now(net) };

		if (a->cmd == C_DELETE)
			return not_supported(err, "-D expect");
		ns_rcu_reader_enter();
		ct_expect_walk(net, expect_cb, &el);
		ns_rcu_reader_leave();
		sbuf_addf(err, PROGNAME ": %u expectations have been shown.\n",
			  el.n);
		return 0;
	}
	rc = check_output(a, err);
	if (rc)
		return rc;
	if ((a->opts & B(O_STATUS)) && (a->status & ST_UNSET)) {
		sbuf_adds(err, PROGNAME ": Operation failed: invalid "
			  "parameters\n");
		return 1;
	}
	/*
	 * Workers may kill (and free, after a grace period) entries while
	 * we walk: read inside an RCU read section.
	 */
	if (a->table == T_CONNTRACK && ct_net(net)) {
		ns_rcu_reader_enter();
		ct_walk(net, list_cb, &c);
		ns_rcu_reader_leave();
	}
	if (c.oom) {
		free(c.v);
		sbuf_adds(err, PROGNAME ": Operation failed: Cannot allocate "
			  "memory\n");
		return 1;
	}
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), ct_fmt_cmp);
	env_of(net, &env, 1);
	for (i = 0; i < c.n; i++)
		print(out, &c.v[i], a->out, &env);
	free(c.v);
	sbuf_addf(err, PROGNAME ": %zu flow entries have been %s.\n", c.n,
		  verb);
	return a->cmd == C_DELETE && c.n == 0 ? 1 : 0;
}

static int cmd_update(struct net *net, const struct ct_args *a,
		      struct sbuf *err)
{
	struct collect c = { .net = net, .a = a, .now = net_now(net) };

	if (ct_net(net)) {
		ns_rcu_reader_enter();
		ct_walk(net, update_cb, &c);
		ns_rcu_reader_leave();
	}
	sbuf_addf(err, PROGNAME ": %u flow entries have been updated.\n",
		  c.changed);
	return c.changed ? 0 : 1;
}

/* The original tuple -G and -I name. */
static void orig_tuple(const struct ct_args *a, struct ct_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->src = a->a[0];
	t->dst = a->a[1];
	t->proto = a->proto;
	if (a->pk == PK_ICMP) {
		t->sport = htons(a->iid);
		t->dport = htons((uint16_t)(a->itype << 8 | a->icode));
	} else if (a->pk != PK_NONE && a->pk != PK_GRE) {
		t->sport = htons(a->port[0]);
		t->dport = htons(a->port[1]);
	}
}

static int cmd_get(struct net *net, const struct ct_args *a,
		   struct sbuf *out, struct sbuf *err)
{
	struct ct_tuple t;
	struct ct_conn *ct = NULL;
	struct ct_fmt_env env;
	struct ct_snap s;
	enum ct_dir dir;
	int rc;

	rc = check_output(a, err);
	if (rc)
		return rc;
	orig_tuple(a, &t);
	if (ct_net(net)) {
		ns_rcu_reader_enter();
		ct = ct_find(net, &t, 0, &dir);
		if (ct)
			ct_snap_fill(&s, ct, net_now(net));
		ns_rcu_reader_leave();
	}
	if (!ct) {
		sbuf_adds(err, PROGNAME ": Operation failed: such conntrack "
			  "doesn't exist\n");
		return 1;
	}
	env_of(net, &env, 2);
	print(out, &s, a->out, &env);
	sbuf_adds(err, PROGNAME ": 1 flow entries have been shown.\n");
	return 0;
}

/* The reply an ICMP query gets (the kernel's invmap); -1: none. */
static int icmp_reply_type(uint8_t type)
{
	switch (type) {
	case 8: return 0;
	case 0: return 8;
	case 13: return 14;
	case 14: return 13;
	case 15: return 16;
	case 16: return 15;
	case 17: return 18;
	case 18: return 17;
	default: return -1;
	}
}

static int cmd_create(struct net *net, const struct ct_args *a,
		      struct sbuf *err)
{
	struct ct_tuple t, r;
	struct ct_conn *ct;
	uint64_t now;
	int e, rt = 0;

	if (a->family == 10 || a->a[0].family == 10)
		return not_supported(err, "IPv6 tracking");
	if (a->pk == PK_SCTP || a->pk == PK_DCCP || a->pk == PK_GRE)
		return not_supported(err, "creating this protocol's entries");
	orig_tuple(a, &t);
	r = t;
	r.src = t.dst;
	r.dst = t.src;
	r.sport = t.dport;
	r.dport = t.sport;
	if (a->pk == PK_ICMP) {
		rt = icmp_reply_type(a->itype);
		if (rt < 0) {
			sbuf_adds(err, PROGNAME ": Operation failed: invalid "
				  "parameters\n");
			return 1;
		}
		r.sport = t.sport;
		r.dport = htons((uint16_t)(rt << 8 | a->icode));
	} else if (a->pk == PK_NONE) {
		r.sport = r.dport = 0;
	}
	/* -n/-g with an address: the reply side as NAT would set it. */
	if (a->nat_ip[0])
		r.dst = a->nat_addr[0];
	if (a->nat_ip[1])
		r.src = a->nat_addr[1];
	e = ct_net_enable(net);
	if (e) {
		sbuf_addf(err, PROGNAME ": Operation failed: %s\n",
			  strerror(-e));
		return 1;
	}
	ct = ct_conn_alloc(net, a->zone);
	if (!ct) {
		sbuf_adds(err, PROGNAME ": Operation failed: Cannot allocate "
			  "memory\n");
		return 1;
	}
	now = net_now(net);
	ct->node[CT_DIR_ORIGINAL].tuple = t;
	ct->node[CT_DIR_ORIGINAL].dir = CT_DIR_ORIGINAL;
	ct->node[CT_DIR_REPLY].tuple = r;
	ct->node[CT_DIR_REPLY].dir = CT_DIR_REPLY;
	atomic_store(&ct->timeout, now + (uint64_t)a->timeout * 1000000000ull);
	ct_status_set(ct, a->status & ~ST_UNSET);
	if (a->nat_ip[0])
		ct_status_set(ct, CT_S_SRC_NAT | CT_S_SRC_NAT_DONE);
	if (a->nat_ip[1])
		ct_status_set(ct, CT_S_DST_NAT | CT_S_DST_NAT_DONE);
	if (a->opts & B(O_MARK))
		atomic_store(&ct->mark, a->mark);
	if (a->pk == PK_TCP)
		ct->proto.tcp.state = (uint8_t)a->state;
	if (ct_sysctl(net)->timestamp)
		ct->start_ns = now ? now : 1;
	e = ct_insert(net, ct);
	if (e == -EEXIST) {
		sbuf_adds(err, PROGNAME ": Operation failed: Such conntrack "
			  "exists, try -U to update\n");
		return 1;
	}
	if (e) {
		sbuf_addf(err, PROGNAME ": Operation failed: %s\n",
			  strerror(-e));
		return 1;
	}
	sbuf_adds(err, PROGNAME ": 1 flow entries have been created.\n");
	return 0;
}

static int kill_cb(void *priv, struct ct_conn *ct)
{
	ct_kill(priv, ct);
	return 0;
}

static int cmd_stats(struct net *net, const struct ct_args *a,
		     struct sbuf *out)
{
	int cpu, n = net->nworkers > 0 ? net->nworkers : 1;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	/*
	 * One line per CPU as the kernel prints (per possible CPU): worker
	 * i's counters on cpu=i, zeros where no worker runs.
	 */
	if (ncpu > n)
		n = (int)ncpu;
	for (cpu = 0; cpu < n; cpu++) {
		struct ct_stats st = { 0 };

		if (ct_net(net) && cpu < NS_MAX_WORKERS)
			ct_stats_read(net, cpu, &st);
		sbuf_addf(out, "cpu=%-4u\t", cpu);
		if (a->table == T_EXPECT) {
			sbuf_addf(out, "expect_new=%llu expect_create=%llu "
				  "expect_delete=%llu \n",
				  (unsigned long long)st.expect_new,
				  (unsigned long long)st.expect_create,
				  (unsigned long long)st.expect_delete);
			continue;
		}
		sbuf_addf(out, "found=%llu invalid=%llu insert=%llu "
			  "insert_failed=%llu drop=%llu early_drop=%llu "
			  "error=%llu search_restart=%llu clash_resolve=%llu "
			  "chaintoolong=%llu \n",
			  (unsigned long long)st.found,
			  (unsigned long long)st.invalid,
			  (unsigned long long)st.insert,
			  (unsigned long long)st.insert_failed,
			  (unsigned long long)st.drop,
			  (unsigned long long)st.early_drop,
			  (unsigned long long)st.error,
			  (unsigned long long)st.search_restart,
			  (unsigned long long)st.clash_resolve,
			  (unsigned long long)st.chaintoolong);
	}
	return 0;
}

static const char usage_text[] =
	"Command line interface for the connection tracking system. "
	"Version 1.4.7\n"
	"Usage: conntrack [commands] [options]\n"
	"\n"
	"Commands:\n"
	"  -L [table] [options]\t\tList conntrack or expectation table\n"
	"  -G [table] parameters\t\tGet conntrack or expectation\n"
	"  -D [table] parameters\t\tDelete conntrack or expectation\n"
	"  -I [table] parameters\t\tCreate a conntrack or expectation\n"
	"  -U [table] parameters\t\tUpdate a conntrack\n"
	"  -E [table] [options]\t\tShow events\n"
	"  -F [table]\t\t\tFlush table\n"
	"  -C [table]\t\t\tShow counter\n"
	"  -S\t\t\t\tShow statistics\n"
	"\n"
	"Tables: conntrack, expect, dying, unconfirmed\n"
	"\n"
	"Conntrack parameters and options:\n"
	"  -n, --src-nat ip\t\t\tsource NAT ip\n"
	"  -g, --dst-nat ip\t\t\tdestination NAT ip\n"
	"  -j, --any-nat ip\t\t\tsource or destination NAT ip\n"
	"  -m, --mark mark\t\t\tSet mark\n"
	"  -c, --secmark secmark\t\t\tSet selinux secmark\n"
	"  -e, --event-mask eventmask\t\tEvent mask, eg. NEW,DESTROY\n"
	"  -z, --zero \t\t\t\tZero counters while listing\n"
	"  -o, --output type[,...]\t\tOutput format, eg. xml\n"
	"  -l, --label label[,...]\t\tconntrack labels\n"
	"\n"
	"Expectation parameters and options:\n"
	"  --tuple-src ip\tSource address in expect tuple\n"
	"  --tuple-dst ip\tDestination address in expect tuple\n"
	"\n"
	"Updating parameters and options:\n"
	"  --label-add label\tAdd label\n"
	"  --label-del label\tDelete label\n"
	"\n"
	"Common parameters and options:\n"
	"  -s, --src, --orig-src ip\t\tSource address from original "
	"direction\n"
	"  -d, --dst, --orig-dst ip\t\tDestination address from original "
	"direction\n"
	"  -r, --reply-src ip\t\tSource addres from reply direction\n"
	"  -q, --reply-dst ip\t\tDestination address from reply direction\n"
	"  -p, --protonum proto\t\tLayer 4 Protocol, eg. 'tcp'\n"
	"  -f, --family proto\t\tLayer 3 Protocol, eg. 'ipv6'\n"
	"  -t, --timeout timeout\t\tSet timeout\n"
	"  -u, --status status\t\tSet status, eg. ASSURED\n"
	"  -w, --zone value\t\tSet conntrack zone\n"
	"  --orig-zone value\t\tSet zone for original direction\n"
	"  --reply-zone value\t\tSet zone for reply direction\n"
	"  -b, --buffer-size\t\tNetlink socket buffer size\n"
	"  --mask-src ip\t\t\tSource mask address\n"
	"  --mask-dst ip\t\t\tDestination mask address\n"
	"\n";

/* ---- events ---------------------------------------------------------- */

struct ctl_stream {
	struct net *net;
	struct ct_args a;
	uint64_t cursor;
	unsigned long shown;
};

#define ENOBUFS_TEXT \
	"WARNING: We have hit ENOBUFS! We are losing events.\n" \
	"This message means that the current netlink socket buffer size " \
	"is too small.\n" \
	"Please, check --buffer-size in conntrack(8) manpage.\n"

int ctl_stream_pump(struct ctl_stream *st, struct sbuf *out,
		    struct sbuf *err)
{
	struct ct_event_rec rec[64];
	struct ct_fmt_env env;
	uint64_t lost;
	unsigned n, i, mask;

	n = ct_event_read(st->net, &st->cursor, rec, 64, &lost);
	if (lost)
		sbuf_adds(err, ENOBUFS_TEXT);
	env_of(st->net, &env, 0);
	mask = st->a.evmask ? st->a.evmask :
	       CT_EV_NEW | CT_EV_UPDATE | CT_EV_DESTROY;
	for (i = 0; i < n; i++) {
		if (!(rec[i].type & mask) || !filter(&st->a, &rec[i].snap))
			continue;
		env.now = rec[i].when_ns;
		if (st->a.out & CT_OUT_SAVE) {
			/* 1.4.7 prints events as -o save lines too. */
			ct_fmt_save(out, &rec[i].snap);
		} else {
			ct_fmt_event(out, rec[i].type, &rec[i].snap,
				     st->a.out, &env);
		}
		st->shown++;
	}
	return (int)n;
}

unsigned long ctl_stream_shown(const struct ctl_stream *st)
{
	return st->shown;
}

void ctl_stream_close(struct ctl_stream *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->net->ctl_lock);
	ct_event_unsubscribe(st->net);
	pthread_mutex_unlock(&st->net->ctl_lock);
	free(st);
}

static int cmd_event(struct net *net, const struct ct_args *a,
		     struct sbuf *err, struct ctl_stream **stream)
{
	struct ctl_stream *st;
	int rc;

	if (!stream) {
		sbuf_adds(err, PROGNAME ": -E is not supported here (it "
			  "needs a caller that streams events)\n");
		return 1;
	}
	if (a->table == T_EXPECT)
		return not_supported(err, "-E expect");
	rc = check_output(a, err);
	if (rc)
		return rc;
	st = calloc(1, sizeof(*st));
	if (!st)
		return not_supported(err, "-E without memory");
	st->net = net;
	st->a = *a;
	rc = ct_event_subscribe(net, &st->cursor);
	if (rc) {
		free(st);
		sbuf_addf(err, PROGNAME ": Operation failed: %s\n",
			  strerror(-rc));
		return 1;
	}
	*stream = st;
	return 0;
}

int ctl_conntrack_main(struct net *net, int argc, char **argv,
		       struct sbuf *out, struct sbuf *err,
		       struct ctl_stream **stream)
{
	struct ct_args a;
	struct ct_err e = { 0 };

	memset(&a, 0, sizeof(a));
	if (parse_argv(&a, argc, argv, &e) || check(&a, &e)) {
		report(err, &e);
		return e.rc;
	}
	switch (a.cmd) {
	case 0:
	case C_HELP:
		sbuf_adds(out, usage_text);
		return 0;
	case C_VERSION:
		sbuf_adds(out, PROGNAME "\n");
		return 0;
	case C_LIST:
	case C_DELETE:
		return cmd_list(net, &a, out, err);
	case C_GET:
		if (a.table == T_EXPECT)
			return not_supported(err, "-G expect");
		return cmd_get(net, &a, out, err);
	case C_UPDATE:
		return cmd_update(net, &a, err);
	case C_CREATE:
	case C_ADD:
		if (a.table == T_EXPECT)
			return not_supported(err, "-I expect");
		return cmd_create(net, &a, err);
	case C_FLUSH:
		if (a.table == T_EXPECT) {
			ct_expect_flush(net);
			sbuf_adds(err, PROGNAME ": expectation table has been "
				  "emptied.\n");
			return 0;
		}
		if (ct_net(net)) {
			ns_rcu_reader_enter();
			ct_walk(net, kill_cb, net);
			ns_rcu_reader_leave();
		}
		sbuf_adds(err, PROGNAME ": connection tracking table has been "
			  "emptied.\n");
		return 0;
	case C_COUNT:
		/* The dying and unconfirmed lists are empty between two
		 * commands: entries leave the table whole, and only a
		 * packet in flight owns an unconfirmed one. */
		sbuf_addf(out, "%u\n", !ct_net(net) ? 0 :
			  a.table == T_CONNTRACK ? ct_count(net) :
			  a.table == T_EXPECT ? ct_expect_count(net) : 0);
		return 0;
	case C_STATS:
		return cmd_stats(net, &a, out);
	case C_EVENT:
		return cmd_event(net, &a, err, stream);
	}
	return 0;
}
