// SPDX-License-Identifier: MIT
/*
 * `netsieve lb explain`: the question operators of IPVS-based service
 * proxies ask (which real server does this client get, and why; what
 * happens to the connections if I quiesce or remove that server), asked
 * of the running load balancer (src/lb/explain.c). Control path.
 *
 *   lb explain -t|-u VIP:PORT | -f MARK  --client ADDR[:PORT] [--all]
 *   lb explain -t|-u VIP:PORT | -f MARK  --if-weight-zero RIP:PORT
 *   lb explain -t|-u VIP:PORT | -f MARK  --if-removed RIP:PORT
 */
#include "ctl/ctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lb/lb.h"

static const char usage[] =
	"usage: lb explain -t|-u VIP:PORT | -f MARK --client ADDR[:PORT] "
	"[--all]\n"
	"       lb explain -t|-u VIP:PORT | -f MARK --if-weight-zero "
	"RIP:PORT\n"
	"       lb explain -t|-u VIP:PORT | -f MARK --if-removed RIP:PORT\n"
	"  --client   which real server the client's next connection gets "
	"and why\n"
	"             (an existing connection, a persistence template, the "
	"scheduler);\n"
	"             --all: every scheduler's pick on a copy of the "
	"service\n"
	"  --if-weight-zero, --if-removed: what the change would do to the\n"
	"             connections and templates there are now\n";

/* ADDR[:PORT]; port optional when may_omit. */
static int parse_ap(const char *s, struct ns_addr *a, uint16_t *port,
		    bool may_omit)
{
	char buf[64], *colon, *end;
	unsigned long p = 0;
	struct in_addr in;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (colon) {
		*colon = 0;
		p = strtoul(colon + 1, &end, 10);
		if (!colon[1] || *end || p > 65535)
			return -EINVAL;
	} else if (!may_omit) {
		return -EINVAL;
	}
	if (inet_pton(AF_INET, buf, &in) != 1)
		return -EINVAL;
	*a = ns_addr4(in.s_addr);
	*port = htons((uint16_t)p);
	return 0;
}

int ctl_lb_main(struct net *net, int argc, char **argv, struct sbuf *out,
		struct sbuf *err)
{
	struct lb_explain_req r;
	bool have_svc = false, have_q = false;
	int i, rc;

	memset(&r, 0, sizeof(r));
	r.svc.af = 2;
	if (argc < 2 || strcmp(argv[1], "explain")) {
		if (argc >= 2 && (!strcmp(argv[1], "-h") ||
				  !strcmp(argv[1], "--help"))) {
			sbuf_adds(out, usage);
			return 0;
		}
		sbuf_adds(err, usage);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			sbuf_adds(out, usage);
			return 0;
		}
		if (!strcmp(o, "--all")) {
			r.all_scheds = true;
			continue;
		}
		if (!v) {
			sbuf_addf(err, "lb: %s: missing argument\n", o);
			return 2;
		}
		i++;
		if (!strcmp(o, "-t") || !strcmp(o, "-u")) {
			r.svc.protocol = o[1] == 't' ? 6 : 17;
			if (parse_ap(v, &r.svc.addr, &r.svc.port, false))
				goto bad;
			have_svc = true;
		} else if (!strcmp(o, "-f")) {
			char *end;
			unsigned long m = strtoul(v, &end, 0);

			if (!*v || *end || !m || m > 0xffffffffUL)
				goto bad;
			r.svc.fwmark = (uint32_t)m;
			have_svc = true;
		} else if (!strcmp(o, "--client")) {
			if (parse_ap(v, &r.client, &r.cport, true))
				goto bad;
			have_q = true;
		} else if (!strcmp(o, "--if-weight-zero") ||
			   !strcmp(o, "--if-removed")) {
			r.change = o[5] == 'w' ? 1 : 2;
			if (parse_ap(v, &r.target.addr, &r.target.port, false))
				goto bad;
			have_q = true;
		} else {
			sbuf_addf(err, "lb: unknown option %s\n%s", o, usage);
			return 2;
		}
		continue;
bad:
		sbuf_addf(err, "lb: %s: bad value \"%s\"\n", o, v);
		return 2;
	}
	if (!have_svc || !have_q) {
		sbuf_adds(err, usage);
		return 2;
	}
	rc = lb_explain(net, &r, out);
	if (rc == -ESRCH) {
		sbuf_adds(err, "lb: no such service\n");
		return 1;
	}
	if (rc == -ENOENT) {
		sbuf_adds(err, "lb: no such real server in the service\n");
		return 1;
	}
	if (rc) {
		sbuf_addf(err, "lb: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
