// SPDX-License-Identifier: MIT
/*
 * IPv4 options, as the kernel's net/ipv4/ip_options.c: checked and
 * updated on receive (ip_options_compile: record route and timestamp get
 * our address and the pointer moves, a malformed option earns an ICMP
 * parameter problem, source routing is refused with accept_source_route=0),
 * filled in on forward (ip_forward_options: the outgoing address in record
 * route) and echoed into the stack's replies and errors (ip_options_echo,
 * ip_options_build). Data path.
 */
#include "stack/internal.h"

#include "pkt/csum.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#define IPOPT_END 0
#define IPOPT_NOOP 1
#define IPOPT_RR 7
#define IPOPT_TIMESTAMP 68
#define IPOPT_LSRR 131
#define IPOPT_SSRR 137
#define IPOPT_RA 148
#define IPOPT_CIPSO 134
#define IPOPT_TS_TSONLY 0
#define IPOPT_TS_TSANDADDR 1
#define IPOPT_TS_PRESPEC 3

static uint32_t ms_since_midnight(const struct net *net)
{
	return htonl((uint32_t)((net_now(net) / 1000000ull) % 86400000ull));
}

/*
 * fib_compute_spec_dst(): the address a received packet is "for": its
 * destination when it was for us, else our source facing the sender.
 */
static uint32_t spec_dst(struct net *net, const struct pkt *pkt, int rt_type)
{
	const struct ns_iphdr *iph = pkt_iph(pkt);
	struct rt_result r;

	if (rt_type != RTN_UNICAST)
		return iph->daddr;
	if (iph->saddr && !route_lookup(net, iph->saddr, &r) && r.src.ip)
		return r.src.ip;
	return addr_select(net, pkt->in, iph->saddr,
			   iph->saddr ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
}

int ip_options_rcv(struct net *net, struct pkt *pkt, int rt_type)
{
	struct ns_iphdr *iph = pkt_iph(pkt);
	uint8_t *base = (uint8_t *)iph;
	uint8_t *optptr = base + 20, *pp_ptr = NULL;
	int l = (int)iph_hlen(iph) - 20, optlen;
	bool changed = false;

	pkt->opt_rr = pkt->opt_ts = pkt->opt_srr = pkt->opt_flags = 0;
	while (l > 0) {
		if (*optptr == IPOPT_END) {
			/* Everything after the end of list becomes END. */
			for (optptr++, l--; l > 0; optptr++, l--) {
				if (*optptr != IPOPT_END) {
					*optptr = IPOPT_END;
					changed = true;
				}
			}
			break;
		}
		if (*optptr == IPOPT_NOOP) {
			l--;
			optptr++;
			continue;
		}
		if (l < 2) {
			pp_ptr = optptr;
			goto error;
		}
		optlen = optptr[1];
		if (optlen < 2 || optlen > l) {
			pp_ptr = optptr;
			goto error;
		}
		switch (*optptr) {
		case IPOPT_SSRR:
		case IPOPT_LSRR:
			if (optlen < 3) {
				pp_ptr = optptr + 1;
				goto error;
			}
			if (optptr[2] < 4) {
				pp_ptr = optptr + 2;
				goto error;
			}
			if (pkt->opt_srr) {
				pp_ptr = optptr;
				goto error;
			}
			pkt->opt_srr = (uint8_t)(optptr - base);
			break;
		case IPOPT_RR:
			if (optlen < 3) {
				pp_ptr = optptr + 1;
				goto error;
			}
			if (optptr[2] < 4) {
				pp_ptr = optptr + 2;
				goto error;
			}
			if (optptr[2] <= optlen) {
				uint32_t a;

				if (optptr[2] + 3 > optlen) {
					pp_ptr = optptr + 2;
					goto error;
				}
				a = spec_dst(net, pkt, rt_type);
				memcpy(&optptr[optptr[2] - 1], &a, 4);
				optptr[2] += 4;
				pkt->opt_flags |= IPOPT_F_RR_NEEDADDR;
				changed = true;
			}
			pkt->opt_rr = (uint8_t)(optptr - base);
			break;
		case IPOPT_TIMESTAMP:
			if (pkt->opt_ts) {
				pp_ptr = optptr;
				goto error;
			}
			if (optlen < 4) {
				pp_ptr = optptr + 1;
				goto error;
			}
			if (optptr[2] < 5) {
				pp_ptr = optptr + 2;
				goto error;
			}
			if (optptr[2] <= optlen) {
				uint8_t *timeptr = NULL;
				uint32_t a;

				if (optptr[2] + 3 > optlen) {
					pp_ptr = optptr + 2;
					goto error;
				}
				switch (optptr[3] & 0xf) {
				case IPOPT_TS_TSONLY:
					timeptr = &optptr[optptr[2] - 1];
					pkt->opt_flags |= IPOPT_F_TS_NEEDTIME;
					optptr[2] += 4;
					break;
				case IPOPT_TS_TSANDADDR:
					if (optptr[2] + 7 > optlen) {
						pp_ptr = optptr + 2;
						goto error;
					}
					a = spec_dst(net, pkt, rt_type);
					memcpy(&optptr[optptr[2] - 1], &a, 4);
					timeptr = &optptr[optptr[2] + 3];
					pkt->opt_flags |= IPOPT_F_TS_NEEDADDR |
							  IPOPT_F_TS_NEEDTIME;
					optptr[2] += 8;
					break;
				case IPOPT_TS_PRESPEC:
					if (optptr[2] + 7 > optlen) {
						pp_ptr = optptr + 2;
						goto error;
					}
					memcpy(&a, &optptr[optptr[2] - 1], 4);
					if (stack_addr_type(net, a, NULL) ==
					    RTN_UNICAST)
						break;
					timeptr = &optptr[optptr[2] + 3];
					pkt->opt_flags |= IPOPT_F_TS_NEEDTIME;
					optptr[2] += 8;
					break;
				default:
					break;
				}
				if (timeptr) {
					uint32_t t = ms_since_midnight(net);

					memcpy(timeptr, &t, 4);
					changed = true;
				}
			} else if ((optptr[3] & 0xf) != IPOPT_TS_PRESPEC) {
				unsigned int overflow = optptr[3] >> 4;

				if (overflow == 15) {
					pp_ptr = optptr + 3;
					goto error;
				}
				optptr[3] = (uint8_t)((optptr[3] & 0xf) |
						      ((overflow + 1) << 4));
				changed = true;
			}
			pkt->opt_ts = (uint8_t)(optptr - base);
			break;
		case IPOPT_CIPSO:
			/* No CIPSO validation: a second one is an error. */
			if (pkt->opt_flags & IPOPT_F_CIPSO) {
				pp_ptr = optptr;
				goto error;
			}
			pkt->opt_flags |= IPOPT_F_CIPSO;
			break;
		case IPOPT_RA:
			if (optlen < 4) {
				pp_ptr = optptr + 1;
				goto error;
			}
			break;
		default:
			break;
		}
		l -= optlen;
		optptr += optlen;
	}
	if (changed)
		pkt->opt_flags |= IPOPT_F_CHANGED;
	/* ip_rcv_options(): accept_source_route is 0. */
	if (pkt->opt_srr)
		return -EPERM;
	return 0;

error:
	icmp_send(net, pkt, NS_ICMP_PARAMETERPROB, 0,
		  htonl((uint32_t)(pp_ptr - base) << 24));
	return -EINVAL;
}

void ip_forward_options(struct net *net, struct pkt *pkt,
			const struct rt_result *rt)
{
	struct ns_iphdr *iph = pkt_iph(pkt);
	uint8_t *raw = (uint8_t *)iph;

	(void)net;
	if ((pkt->opt_flags & IPOPT_F_RR_NEEDADDR) &&
	    pkt->opt_rr + 2u < iph_hlen(iph) &&
	    raw[pkt->opt_rr + 2] >= 8 &&
	    pkt->opt_rr + raw[pkt->opt_rr + 2] - 1u <= iph_hlen(iph)) {
		uint8_t *optptr = raw + pkt->opt_rr;

		memcpy(&optptr[optptr[2] - 5], &rt->src.ip, 4);
		pkt->opt_flags |= IPOPT_F_CHANGED;
	}
	if (pkt->opt_flags & IPOPT_F_CHANGED) {
		pkt->opt_flags &= (uint8_t)~IPOPT_F_CHANGED;
		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph_hlen(iph) / 4);
	}
}

int ip_options_echo(struct net *net, const struct pkt *pkt, uint8_t *buf,
		    struct ip_echo_opts *d)
{
	const uint8_t *sptr = pkt_l3(pkt);
	unsigned int hlen = iph_hlen((const struct ns_iphdr *)sptr);
	uint8_t *dptr = buf;
	int optlen, soffset;

	memset(d, 0, sizeof(*d));
	/* The header may have been rewritten since receive: re-check. */
	if ((pkt->opt_rr && (pkt->opt_rr + 2u >= hlen ||
			     pkt->opt_rr + sptr[pkt->opt_rr + 1] > hlen ||
			     sptr[pkt->opt_rr + 1] < 3)) ||
	    (pkt->opt_ts && (pkt->opt_ts + 3u >= hlen ||
			     pkt->opt_ts + sptr[pkt->opt_ts + 1] > hlen ||
			     sptr[pkt->opt_ts + 1] < 4)) ||
	    hlen > pkt_l3_len(pkt))
		return -EINVAL;
	if (pkt->opt_rr) {
		optlen = sptr[pkt->opt_rr + 1];
		soffset = sptr[pkt->opt_rr + 2];
		d->rr = (uint8_t)(d->optlen + 20);
		memcpy(dptr, sptr + pkt->opt_rr, (size_t)optlen);
		if ((pkt->opt_flags & IPOPT_F_RR_NEEDADDR) &&
		    soffset <= optlen) {
			if (soffset + 3 > optlen)
				return -EINVAL;
			dptr[2] = (uint8_t)(soffset + 4);
			d->rr_needaddr = true;
		}
		dptr += optlen;
		d->optlen += optlen;
	}
	if (pkt->opt_ts) {
		optlen = sptr[pkt->opt_ts + 1];
		soffset = sptr[pkt->opt_ts + 2];
		d->ts = (uint8_t)(d->optlen + 20);
		memcpy(dptr, sptr + pkt->opt_ts, (size_t)optlen);
		if (soffset <= optlen) {
			if (pkt->opt_flags & IPOPT_F_TS_NEEDADDR) {
				if (soffset + 3 > optlen)
					return -EINVAL;
				d->ts_needaddr = true;
				soffset += 4;
			}
			if (pkt->opt_flags & IPOPT_F_TS_NEEDTIME) {
				if (soffset + 3 > optlen)
					return -EINVAL;
				if ((dptr[3] & 0xf) != IPOPT_TS_PRESPEC) {
					d->ts_needtime = true;
					soffset += 4;
				} else if (soffset + 7 <= optlen) {
					uint32_t a;

					memcpy(&a, dptr + soffset - 1, 4);
					if (stack_addr_type(net, a, NULL) !=
					    RTN_UNICAST) {
						d->ts_needtime = true;
						soffset += 8;
					}
				}
			}
			dptr[2] = (uint8_t)soffset;
		}
		dptr += optlen;
		d->optlen += optlen;
	}
	while (d->optlen & 3) {
		*dptr++ = IPOPT_END;
		d->optlen++;
	}
	return d->optlen;
}

void ip_options_build(struct net *net, uint8_t *iph,
		      const struct ip_echo_opts *opt, uint32_t saddr)
{
	if (opt->rr_needaddr)
		memcpy(iph + opt->rr + iph[opt->rr + 2] - 5, &saddr, 4);
	if (opt->ts_needaddr)
		memcpy(iph + opt->ts + iph[opt->ts + 2] - 9, &saddr, 4);
	if (opt->ts_needtime) {
		uint32_t t = ms_since_midnight(net);

		memcpy(iph + opt->ts + iph[opt->ts + 2] - 5, &t, 4);
	}
}
