// SPDX-License-Identifier: MIT
/*
 * The text of one connection as Debian's conntrack 1.4.7 (with
 * libnetfilter_conntrack 1.0.9) prints it: the default and extended
 * listing, -o id, the -E event line and -o save. Every detail is pinned
 * by the kernel fixtures in tests/conntrack/ref (see
 * tests/unit/test_conntrack_fmt.c). Pure formatting of a struct ct_snap:
 * control path, touches no table. The TCP state names are the tool's own
 * table, not the kernel's, because the tool prints them (index 9 is
 * "SYN_SENT2" when printed and "LISTEN" when parsed by --state).
 */
#include "ctl/conntrack.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#define PF_INET4 2
#define PF_INET6_ 10

static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

const char *ct_fmt_tcp_state(unsigned state)
{
	if (state < sizeof(tcp_states) / sizeof(tcp_states[0]))
		return tcp_states[state];
	return "UNKNOWN";
}

int ct_fmt_tcp_state_parse(const char *name)
{
	unsigned i;

	for (i = 0; i < 10; i++)
		if (!strcmp(name, tcp_states[i]))
			return (int)i;
	if (!strcmp(name, "LISTEN"))
		return 9;
	return -1;
}

const char *ct_fmt_proto_name(uint8_t proto)
{
	switch (proto) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 33: return "dccp";
	case 47: return "gre";
	case 58: return "icmpv6";
	case 132: return "sctp";
	case 136: return "udplite";
	default: return "unknown";
	}
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 33 || proto == 132 ||
	       proto == 136;
}

static bool is_icmp(uint8_t proto)
{
	return proto == 1 || proto == 58;
}

static void addr(struct sbuf *sb, const struct ns_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (a->family == PF_INET6_)
		inet_ntop(AF_INET6, a->ip6, buf, sizeof(buf));
	else
		inet_ntop(AF_INET, &a->ip, buf, sizeof(buf));
	sbuf_adds(sb, buf);
}

static void tuple(struct sbuf *sb, const struct ct_tuple *t)
{
	sbuf_adds(sb, "src=");
	addr(sb, &t->src);
	sbuf_adds(sb, " dst=");
	addr(sb, &t->dst);
	sbuf_addc(sb, ' ');
	if (has_ports(t->proto))
		sbuf_addf(sb, "sport=%u dport=%u ", ntohs(t->sport),
			  ntohs(t->dport));
	else if (is_icmp(t->proto))
		sbuf_addf(sb, "type=%u code=%u id=%u ", ntohs(t->dport) >> 8,
			  ntohs(t->dport) & 0xff, ntohs(t->sport));
	else if (t->proto == 47)
		/* The kernel's GRE tracker sends its keys (0 but for PPTP). */
		sbuf_addf(sb, "srckey=0x%x dstkey=0x%x ", ntohs(t->sport),
			  ntohs(t->dport));
}

static void counters(struct sbuf *sb, const struct ct_snap *s, int dir,
		     const struct ct_fmt_env *env)
{
	if (env->acct)
		sbuf_addf(sb, "packets=%llu bytes=%llu ",
			  (unsigned long long)s->packets[dir],
			  (unsigned long long)s->bytes[dir]);
}

/*
 * What an entry's netlink message carries decides what the library
 * prints: a listing has everything; an event (the kernel's
 * ctnetlink_conntrack_event()) has the counters and the timestamps only
 * when it is a DESTROY, no timeout in a DESTROY of an entry that timed
 * out, and the mark only when it is not 0.
 */
enum body_kind { BODY_LIST, BODY_EVENT, BODY_DESTROY };

/* The entry's text with a trailing space, as the library builds it. */
static void body(struct sbuf *sb, const struct ct_snap *s, unsigned flags,
		 const struct ct_fmt_env *env, enum body_kind kind)
{
	const struct ct_tuple *o = &s->tuple[CT_DIR_ORIGINAL];
	uint8_t proto = o->proto;

	if (flags & CT_OUT_EXTENDED) {
		if (o->src.family == PF_INET6_)
			sbuf_addf(sb, "%-8s %u ", "ipv6", 10);
		else
			sbuf_addf(sb, "%-8s %u ", "ipv4", 2);
	}
	sbuf_addf(sb, "%-8s %u ", ct_fmt_proto_name(proto), proto);
	if (kind != BODY_DESTROY || s->timeout)
		sbuf_addf(sb, "%u ", s->timeout);
	if (proto == 6)
		sbuf_addf(sb, "%s ", ct_fmt_tcp_state(s->tcp_state));
	tuple(sb, o);
	if (kind != BODY_EVENT)
		counters(sb, s, CT_DIR_ORIGINAL, env);
	if (!(s->status & CT_S_SEEN_REPLY))
		sbuf_adds(sb, "[UNREPLIED] ");
	tuple(sb, &s->tuple[CT_DIR_REPLY]);
	if (kind != BODY_EVENT)
		counters(sb, s, CT_DIR_REPLY, env);
	if (s->status & CT_S_ASSURED)
		sbuf_adds(sb, "[ASSURED] ");
	if (s->status & CT_S_HW_OFFLOAD)
		sbuf_adds(sb, "[HW_OFFLOAD] ");
	else if (s->status & CT_S_OFFLOAD)
		sbuf_adds(sb, "[OFFLOAD] ");
	if (kind == BODY_LIST || s->mark)
		sbuf_addf(sb, "mark=%u ", s->mark);
	if (s->zone)
		sbuf_addf(sb, "zone=%u ", s->zone);
	if (s->start_ns && kind != BODY_EVENT) {
		uint64_t d = env->now > s->start_ns ? env->now - s->start_ns : 0;

		sbuf_addf(sb, "delta-time=%llu ",
			  (unsigned long long)(d / 1000000000ull));
	}
	if (s->helper[0])
		sbuf_addf(sb, "helper=%s ", s->helper);
	if (env->use)
		sbuf_addf(sb, "use=%u ", env->use + s->refs_extra);
	if (flags & CT_OUT_ID)
		sbuf_addf(sb, "id=%u ", s->id);
}

/* Replace the trailing space by the newline. */
static void end_line(struct sbuf *sb)
{
	if (sb->len && sb->s[sb->len - 1] == ' ')
		sb->s[sb->len - 1] = '\n';
	else
		sbuf_addc(sb, '\n');
}

void ct_fmt_entry(struct sbuf *sb, const struct ct_snap *s, unsigned flags,
		  const struct ct_fmt_env *env)
{
	body(sb, s, flags, env, BODY_LIST);
	end_line(sb);
}

void ct_fmt_event(struct sbuf *sb, enum ct_event type,
		  const struct ct_snap *s, unsigned flags,
		  const struct ct_fmt_env *env)
{
	struct ct_fmt_env e = *env;
	const char *name = type == CT_EV_NEW ? "[NEW]" :
			   type == CT_EV_UPDATE ? "[UPDATE]" : "[DESTROY]";

	if (flags & CT_OUT_TIMESTAMP) {
		struct timeval tv;

		gettimeofday(&tv, NULL);
		sbuf_addf(sb, "[%-.8ld.%-.6ld]\t", (long)tv.tv_sec,
			  (long)tv.tv_usec);
	}
	sbuf_addf(sb, "%9s ", name);
	e.use = 0;
	body(sb, s, flags, &e,
	     type == CT_EV_DESTROY ? BODY_DESTROY : BODY_EVENT);
	end_line(sb);
}

static const struct {
	uint32_t bit;
	const char *name;
} status_names[] = {
	{ CT_S_EXPECTED, "EXPECTED" },
	{ CT_S_SEEN_REPLY, "SEEN_REPLY" },
	{ CT_S_ASSURED, "ASSURED" },
	{ CT_S_FIXED_TIMEOUT, "FIXED_TIMEOUT" },
	{ CT_S_OFFLOAD, "OFFLOAD" },
};

static bool addr_eq(const struct ns_addr *a, const struct ns_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == PF_INET6_)
		return !memcmp(a->ip6, b->ip6, 16);
	return a->ip == b->ip;
}

void ct_fmt_save(struct sbuf *sb, const struct ct_snap *s)
{
	const struct ct_tuple *o = &s->tuple[CT_DIR_ORIGINAL];
	const struct ct_tuple *r = &s->tuple[CT_DIR_REPLY];
	const char *sep = " ";
	unsigned i;

	sbuf_addf(sb, "-A -t %u -u", s->timeout);
	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
		if (!(s->status & status_names[i].bit))
			continue;
		sbuf_addf(sb, "%s%s", sep, status_names[i].name);
		sep = ",";
	}
	if (*sep == ' ')
		sbuf_adds(sb, " UNSET");
	if (s->zone)
		sbuf_addf(sb, " -w %u", s->zone);
	sbuf_adds(sb, " -s ");
	addr(sb, &o->src);
	sbuf_adds(sb, " -d ");
	addr(sb, &o->dst);
	/* A reply source other than the original destination is DNAT. */
	sbuf_adds(sb, addr_eq(&r->src, &o->dst) ? " -r " : " -g ");
	addr(sb, &r->src);
	sbuf_adds(sb, addr_eq(&r->dst, &o->src) ? " -q " : " -n ");
	addr(sb, &r->dst);
	if (!strcmp(ct_fmt_proto_name(o->proto), "unknown"))
		sbuf_addf(sb, " -p %u", o->proto);
	else
		sbuf_addf(sb, " -p %s", ct_fmt_proto_name(o->proto));
	if (has_ports(o->proto)) {
		sbuf_addf(sb, " --sport %u --dport %u --reply-port-src %u "
			  "--reply-port-dst %u", ntohs(o->sport),
			  ntohs(o->dport), ntohs(r->sport), ntohs(r->dport));
		if (o->proto == 6)
			sbuf_addf(sb, " --state %s",
				  ct_fmt_tcp_state(s->tcp_state));
	} else if (is_icmp(o->proto)) {
		sbuf_addf(sb, " --icmp-type %u --icmp-code %u --icmp-id %u",
			  ntohs(o->dport) >> 8, ntohs(o->dport) & 0xff,
			  ntohs(o->sport));
	}
	sbuf_addc(sb, '\n');
}

static int cmp_addr(const struct ns_addr *a, const struct ns_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->family == PF_INET6_)
		return memcmp(a->ip6, b->ip6, 16);
	return memcmp(&a->ip, &b->ip, 4);   /* network order: numeric */
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

int ct_fmt_cmp(const void *pa, const void *pb)
{
	const struct ct_snap *a = pa, *b = pb;
	const struct ct_tuple *ta = &a->tuple[CT_DIR_ORIGINAL];
	const struct ct_tuple *tb = &b->tuple[CT_DIR_ORIGINAL];
	int c;

	CMP(ta->proto, tb->proto);
	c = cmp_addr(&ta->src, &tb->src);
	if (c)
		return c;
	CMP(ntohs(ta->sport), ntohs(tb->sport));
	c = cmp_addr(&ta->dst, &tb->dst);
	if (c)
		return c;
	CMP(ntohs(ta->dport), ntohs(tb->dport));
	CMP(a->zone, b->zone);
	CMP(a->id, b->id);
	return 0;
}
