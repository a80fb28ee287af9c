// SPDX-License-Identifier: MIT
/*
 * The kernel's IPv4 packet log line (nf_log_syslog.c: the common
 * "IN= OUT= " part, dump_mac_header() and dump_ipv4_packet() with its TCP,
 * UDP, ICMP, AH and ESP parts), as Linux 6.x prints it: field order, case
 * of the hex digits, the trailing space after every field, the quirks (AH
 * says nothing for fragments, an ICMP error nests the quoted packet in
 * [...] once) and the 1 KiB line limit. Used by the LOG target and by the
 * xt core for TRACE lines. Data path: formats into a caller's buffer,
 * never reads past the packet, never allocates (xt_log_format() itself
 * hands the text to an sbuf, which grows only if the caller did not size
 * it).
 */
#include "xt/log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "pkt/pkt.h"
#include "core/netdev.h"

/*
 * nf_log_buf holds S_SIZE = 1019 bytes including the NUL and the two-byte
 * KERN_SOH + level prefix: 1016 characters of prefix and text at most.
 */
#define LOG_LINE_MAX (1024 - (sizeof(unsigned int) + 1) - 1 - 2)

struct lbuf {
	char *s;
	size_t size;             /* bytes usable, including the NUL */
	size_t len;
	bool full;
};

/*
 * A small printf for the conversions this file uses (%s, %u, %x, and %x/%X
 * with a zero-padded width such as %02X): the log line is built on the
 * data path, and vsnprintf per field costs more than the rest together.
 * Writes at most cap - 1 characters into dst, NUL-terminates, and returns
 * the full length the text would have.
 */
static size_t fmt(char *dst, size_t cap, const char *f, va_list ap)
{
	static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
	char num[16];
	size_t n = 0;

	/* c is evaluated exactly once, whether or not it still fits. */
#define PUT(c) do { char c_ = (c); if (n + 1 < cap) dst[n] = c_; n++; } \
	while (0)
	for (; *f; f++) {
		const char *digits = lo;
		unsigned v, base = 10, width = 0;
		int k = 0;

		if (*f != '%') {
			PUT(*f);
			continue;
		}
		f++;
		if (*f == 's') {
			const char *str = va_arg(ap, const char *);

			for (; *str; str++)
				PUT(*str);
			continue;
		}
		if (*f == '%') {
			PUT('%');
			continue;
		}
		if (*f == '0') {
			f++;
			while (*f >= '0' && *f <= '9')
				width = width * 10 + (unsigned)(*f++ - '0');
		}
		if (*f == 'x' || *f == 'X') {
			base = 16;
			digits = *f == 'X' ? up : lo;
		}
		v = va_arg(ap, unsigned);
		do {
			num[k++] = digits[v % base];
			v /= base;
		} while (v && k < (int)sizeof(num));
		while ((unsigned)k < width && k < (int)sizeof(num))
			num[k++] = '0';
		while (k > 0) {
			k--;
			PUT(num[k]);
		}
	}
#undef PUT
	if (cap)
		dst[n < cap ? n : cap - 1] = '\0';
	return n;
}

/*
 * nf_log_buf_add(): append, or if it does not fit, keep what fits and
 * stop accepting more (the kernel's buffer then reads "full").
 */
static void NS_PRINTF(2, 3) add(struct lbuf *b, const char *f, ...)
{
	va_list ap;
	size_t n;

	if (b->full || b->size == 0)
		return;
	va_start(ap, f);
	n = fmt(b->s + b->len, b->size - b->len, f, ap);
	va_end(ap);
	if (b->len + n < b->size) {
		b->len += n;
		return;
	}
	/* Truncated: the kernel keeps the partial text and refuses more. */
	b->len = b->size - 1;
	b->s[b->len] = '\0';
	b->full = true;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void add_ip4(struct lbuf *b, const char *key, const uint8_t *a)
{
	add(b, "%s=%u.%u.%u.%u ", key, a[0], a[1], a[2], a[3]);
}

/* What skb_header_pointer() sees: the IP datagram of the packet. */
struct view {
	const uint8_t *p;        /* the outer IP header */
	uint32_t len;            /* skb->len from the outer IP header */
};

/* Pointer to n bytes at off, or NULL when the packet is shorter. */
static const uint8_t *hdr(const struct view *v, uint32_t off, uint32_t n)
{
	if (off > v->len || n > v->len - off)
		return NULL;
	return v->p + off;
}

static void add_hex(struct lbuf *b, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	add(b, "OPT (");
	for (i = 0; i < n; i++)
		add(b, "%02X", p[i]);
	add(b, ") ");
}

/* nf_log_dump_tcp_header(); true when the line must end here. */
static bool dump_tcp(struct lbuf *b, const struct view *v, bool fragment,
		     uint32_t off, unsigned logflags)
{
	const uint8_t *th;
	uint32_t optsize;
	uint8_t fl;

	add(b, "PROTO=TCP ");
	if (fragment)
		return false;
	th = hdr(v, off, 20);
	if (!th) {
		add(b, "INCOMPLETE [%u bytes] ", v->len - off);
		return true;
	}
	add(b, "SPT=%u DPT=%u ", rd16(th), rd16(th + 2));
	if (logflags & XT_LOG_TCPSEQ)
		add(b, "SEQ=%u ACK=%u ", rd32(th + 4), rd32(th + 8));
	add(b, "WINDOW=%u ", rd16(th + 14));
	/* TCP_RESERVED_BITS (0x0E000000 of the flag word) >> 22. */
	add(b, "RES=0x%02x ", (th[12] & 0x0e) << 2);
	fl = th[13];
	if (th[12] & 0x01)
		add(b, "AE ");
	if (fl & 0x80)
		add(b, "CWR ");
	if (fl & 0x40)
		add(b, "ECE ");
	if (fl & 0x20)
		add(b, "URG ");
	if (fl & 0x10)
		add(b, "ACK ");
	if (fl & 0x08)
		add(b, "PSH ");
	if (fl & 0x04)
		add(b, "RST ");
	if (fl & 0x02)
		add(b, "SYN ");
	if (fl & 0x01)
		add(b, "FIN ");
	add(b, "URGP=%u ", rd16(th + 18));
	if ((logflags & XT_LOG_TCPOPT) && (th[12] >> 4) * 4u > 20) {
		const uint8_t *op;

		optsize = (th[12] >> 4) * 4u - 20;
		op = hdr(v, off + 20, optsize);
		if (!op) {
			add(b, "OPT (TRUNCATED)");
			return true;
		}
		add_hex(b, op, optsize);
	}
	return false;
}

/* nf_log_dump_udp_header(); true when the line must end here. */
static bool dump_udp(struct lbuf *b, const struct view *v, uint8_t proto,
		     bool fragment, uint32_t off)
{
	const uint8_t *uh;

	add(b, proto == 17 ? "PROTO=UDP " : "PROTO=UDPLITE ");
	if (fragment)
		return false;
	uh = hdr(v, off, 8);
	if (!uh) {
		add(b, "INCOMPLETE [%u bytes] ", v->len - off);
		return true;
	}
	add(b, "SPT=%u DPT=%u LEN=%u ", rd16(uh), rd16(uh + 2),
	    rd16(uh + 4));
	return false;
}

/* dump_ipv4_packet()'s required_len[]: bytes an ICMP type must have. */
static uint32_t icmp_required_len(uint8_t type)
{
	switch (type) {
	case 0:  /* ECHOREPLY */
	case 8:  /* ECHO */
		return 4;
	case 3:  /* DEST_UNREACH */
	case 4:  /* SOURCE_QUENCH */
	case 5:  /* REDIRECT */
	case 11: /* TIME_EXCEEDED */
	case 12: /* PARAMETERPROB */
		return 8 + 20;
	case 13: /* TIMESTAMP */
	case 14: /* TIMESTAMPREPLY */
		return 20;
	case 17: /* ADDRESS */
	case 18: /* ADDRESSREPLY */
		return 12;
	}
	return 0;
}

static void dump_ipv4(struct lbuf *b, const struct view *v, uint32_t iphoff,
		      unsigned logflags, uint32_t mark)
{
	const uint8_t *ih;
	uint32_t ihl, l4off;
	uint16_t frag;
	bool fragment;

	ih = hdr(v, iphoff, 20);
	if (!ih) {
		add(b, "TRUNCATED");
		return;
	}
	add_ip4(b, "SRC", ih + 12);
	add_ip4(b, "DST", ih + 16);
	add(b, "LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u ", rd16(ih + 2),
	    ih[1] & 0x1e, ih[1] & 0xe0, ih[8], rd16(ih + 4));
	frag = rd16(ih + 6);
	if (frag & 0x8000)
		add(b, "CE ");
	if (frag & 0x4000)
		add(b, "DF ");
	if (frag & 0x2000)
		add(b, "MF ");
	if (frag & 0x1fff)
		add(b, "FRAG:%u ", frag & 0x1fff);
	fragment = (frag & 0x1fff) != 0;
	ihl = (ih[0] & 0x0f) * 4u;

	if ((logflags & XT_LOG_IPOPT) && ihl > 20) {
		const uint8_t *op = hdr(v, iphoff + 20, ihl - 20);

		if (!op) {
			add(b, "TRUNCATED");
			return;
		}
		add_hex(b, op, ihl - 20);
	}

	l4off = iphoff + ihl;
	switch (ih[9]) {
	case 6:
		if (dump_tcp(b, v, fragment, l4off, logflags))
			return;
		break;
	case 17:
	case 136:
		if (dump_udp(b, v, ih[9], fragment, l4off))
			return;
		break;
	case 1: {
		const uint8_t *ich;
		uint32_t need;

		add(b, "PROTO=ICMP ");
		if (fragment)
			break;
		ich = hdr(v, l4off, 8);
		if (!ich) {
			add(b, "INCOMPLETE [%u bytes] ", v->len - l4off);
			break;
		}
		add(b, "TYPE=%u CODE=%u ", ich[0], ich[1]);
		need = icmp_required_len(ich[0]);
		if (need && v->len - l4off < need) {
			add(b, "INCOMPLETE [%u bytes] ", v->len - l4off);
			break;
		}
		switch (ich[0]) {
		case 0:
		case 8:
			add(b, "ID=%u SEQ=%u ", rd16(ich + 4), rd16(ich + 6));
			break;
		case 12:
			add(b, "PARAMETER=%u ", ich[4]);
			break;
		case 5:
			add_ip4(b, "GATEWAY", ich + 4);
			/* fall through */
		case 3:
		case 4:
		case 11:
			if (iphoff == 0) { /* only recurse once */
				add(b, "[");
				dump_ipv4(b, v, l4off + 8, logflags, 0);
				add(b, "] ");
			}
			if (ich[0] == 3 && ich[1] == 4)
				add(b, "MTU=%u ", rd16(ich + 6));
			break;
		}
		break;
	}
	case 51: { /* AH: the kernel says nothing at all for fragments */
		const uint8_t *ah;

		if (fragment)
			break;
		add(b, "PROTO=AH ");
		ah = hdr(v, l4off, 12);
		if (!ah) {
			add(b, "INCOMPLETE [%u bytes] ", v->len - l4off);
			break;
		}
		add(b, "SPI=0x%x ", rd32(ah + 4));
		break;
	}
	case 50: {
		const uint8_t *eh;

		add(b, "PROTO=ESP ");
		if (fragment)
			break;
		eh = hdr(v, l4off, 8);
		if (!eh) {
			add(b, "INCOMPLETE [%u bytes] ", v->len - l4off);
			break;
		}
		add(b, "SPI=0x%x ", rd32(eh));
		break;
	}
	default:
		add(b, "PROTO=%u ", ih[9]);
	}
	/*
	 * XT_LOG_UID: the kernel prints "UID= GID=" of the local socket that
	 * sent the packet; netsieve has no sockets, so there is never one.
	 */
	if (iphoff == 0 && mark)
		add(b, "MARK=0x%x ", mark);
}

/* dump_mac_header(). */
static void dump_mac(struct lbuf *b, const struct pkt *pkt,
		     const struct netdev *in, unsigned logflags)
{
	const uint8_t *m = pkt->data;
	const uint32_t hlen = 14;        /* dev->hard_header_len */
	bool l2 = pkt->has_l2 && pkt->l3_off >= hlen && pkt->len >= hlen;
	uint32_t i;

	if (l2 && !in->loopback && (logflags & XT_LOG_MACDECODE)) {
		add(b, "MACSRC=%02x:%02x:%02x:%02x:%02x:%02x ", m[6], m[7],
		    m[8], m[9], m[10], m[11]);
		add(b, "MACDST=%02x:%02x:%02x:%02x:%02x:%02x ", m[0], m[1],
		    m[2], m[3], m[4], m[5]);
		if (pkt->l3_off >= 18 && pkt->len >= 18 &&
		    rd16(m + 12) == 0x8100) {
			/* A VLAN tag left in the frame (no offload here). */
			add(b, "VPROTO=%04x VID=%u ", rd16(m + 12),
			    rd16(m + 14) & 0x0fff);
			add(b, "MACPROTO=%04x ", rd16(m + 16));
		} else {
			add(b, "MACPROTO=%04x ", rd16(m + 12));
		}
		return;
	}
	add(b, "MAC=");
	if (l2) {
		add(b, "%02x", m[0]);
		for (i = 1; i < hlen; i++)
			add(b, ":%02x", m[i]);
	}
	add(b, " ");
}

/*
 * Format the line after the prefix into buf (size bytes, NUL-terminated,
 * truncated as the kernel truncates). prefix_len is how much of the
 * kernel's line the caller's prefix takes. Returns the length written.
 */
size_t xt_log_format_buf(char *buf, size_t size, size_t prefix_len,
			 const struct pkt *pkt, const struct netdev *in,
			 const struct netdev *out, unsigned logflags)
{
	struct lbuf b = { buf, size, 0, false };
	struct view v;
	size_t room = LOG_LINE_MAX + 1;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	room = prefix_len < LOG_LINE_MAX ? room - prefix_len : 1;
	if (b.size > room)
		b.size = room;

	add(&b, "IN=%s OUT=%s ", in ? in->name : "", out ? out->name : "");
	if (in)
		dump_mac(&b, pkt, in, logflags);

	v.p = pkt->len > pkt->l3_off ? pkt_l3(pkt) : pkt->data;
	v.len = pkt->len > pkt->l3_off ? pkt_l3_len(pkt) : 0;
	/* skb->len after ip_rcv's trim: never past the IP total length. */
	if (v.len >= 4 && (v.p[0] >> 4) == 4 && rd16(v.p + 2) >= 20 &&
	    rd16(v.p + 2) < v.len)
		v.len = rd16(v.p + 2);
	dump_ipv4(&b, &v, 0, logflags, pkt->mark);
	return b.len;
}

void xt_log_format(struct sbuf *sb, const struct pkt *pkt,
		   const struct netdev *in, const struct netdev *out,
		   unsigned logflags)
{
	char line[LOG_LINE_MAX + 1];
	size_t n;

	n = xt_log_format_buf(line, sizeof(line), 0, pkt, in, out, logflags);
	sbuf_addn(sb, line, n);
}
