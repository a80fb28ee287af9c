// SPDX-License-Identifier: MIT
/*
 * `netsieve replay`: push pcap files through a stack configured by a setup
 * file, offline, with the packets' own timestamps as the clock.
 *
 *   netsieve replay --setup FILE --in IFACE=IN.pcap [--in ...]
 *                   [--out IFACE=OUT.pcap ...] [--trace FILE]
 *                   [--trace-format text|json] [--save-counters FILE]
 *                   [--seed N] [--after FILE]
 *
 * Every interface named by --in/--out is created with the "pcap" backend
 * (src/io/pcap.c) before the setup file runs; an --out file receives what
 * the stack transmits on that interface. Inputs (Ethernet or raw IPv4) are
 * merged in timestamp order, ties broken by --in order then file order, and
 * injected one by one with the clock set to each packet's time. Every
 * random choice (conntrack's hash key, NAT port offsets, statistic) comes
 * from one seed, --seed or 1, so the same inputs give the same outputs
 * byte for byte. --after runs a second command file once the last packet
 * is through (conntrack -L, iptables-save -c ...). Tool code:
 * control path, one thread; it owns the struct net it creates.
 */
#include "tools/tools.h"

#include "core/net.h"
#include "stack/conf.h"
#include "ctl/ctl.h"
#include "io/io.h"
#include "stack/stack.h"
#include "tools/replay_trace.h"
#include "xt/xt.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ME "netsieve replay"

/* LINKTYPE_IPV4 (228); libpcap reports it as DLT 228 too. */
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif

struct rp_port {
	const char *ifname;   /* points into argv */
	const char *path;
};

struct rp_input {
	const char *ifname;
	const char *path;
	enum rt_link link;
	bool truncated;       /* the file ends inside a packet record */
	uint64_t complete;    /* packets read before the cut */
	long cut_at;          /* byte offset where the cut record starts */
};

struct rp_pkt {
	uint64_t ts_ns;
	unsigned input;       /* index into inputs: the tie-break */
	uint64_t seq;         /* position in its file: the next tie-break */
	uint32_t len;         /* bytes captured (what we inject) */
	uint32_t wire_len;
	uint8_t *data;
};

struct replay {
	const char *setup;
	struct rp_input *ins;
	unsigned nins;
	struct rp_port *outs;
	unsigned nouts;
	const char *trace_path;
	bool trace_json;
	const char *save_path;
	const char *after;
	uint64_t seed;

	struct rp_pkt *pkts;
	size_t npkts, cappkts;
	FILE *trace_f;
	FILE *save_f;
	struct net *net;
	struct rt_trace *trace;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netsieve replay --setup FILE --in IFACE=IN.pcap [--in ...]\n"
		"                       [--out IFACE=OUT.pcap ...] [--trace FILE]\n"
		"                       [--trace-format text|json]\n"
		"                       [--save-counters FILE] [--seed N]\n"
		"                       [--after FILE]\n"
		"  --setup FILE          command lines (ip, iptables, iptables-restore,\n"
		"                        sysctl) run before the first packet\n"
		"  --in IFACE=IN.pcap    frames received on IFACE (Ethernet or raw IPv4)\n"
		"  --out IFACE=OUT.pcap  frames sent on IFACE are written here\n"
		"  --trace FILE          per-packet trace ('-' for stdout)\n"
		"  --trace-format F      text (default) or json (one object a line)\n"
		"  --save-counters FILE  final rules and counters (iptables-save -c)\n"
		"  --seed N              seed of every random choice (default 1)\n"
		"  --after FILE          command lines run after the last packet\n"
		"                        (conntrack -L, iptables-save -c, ...)\n");
}

/* Split "IFACE=PATH" in place; checks the name as `ip link` would. */
static int split_port(char *arg, const char *opt, const char **ifname,
		      const char **path)
{
	char *eq = strchr(arg, '=');
	size_t n;

	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, ME ": %s wants IFACE=FILE, not \"%s\"\n", opt,
			arg);
		return -1;
	}
	*eq = '\0';
	n = strlen(arg);
	if (n >= NS_IFNAMSIZ || strpbrk(arg, "/ \t:") ||
	    !strcmp(arg, ".") || !strcmp(arg, "..")) {
		fprintf(stderr, ME ": \"%s\" is not a valid interface name\n",
			arg);
		return -1;
	}
	*ifname = arg;
	*path = eq + 1;
	return 0;
}

static int parse_args(struct replay *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "setup", required_argument, NULL, 's' },
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "trace", required_argument, NULL, 't' },
		{ "trace-format", required_argument, NULL, 'f' },
		{ "save-counters", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 'S' },
		{ "after", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned i, j;
	char *end;
	int c;

	r->seed = 1;
	r->ins = calloc((size_t)argc, sizeof(*r->ins));
	r->outs = calloc((size_t)argc, sizeof(*r->outs));
	if (!r->ins || !r->outs) {
		fprintf(stderr, ME ": out of memory\n");
		return 1;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (r->setup) {
				fprintf(stderr, ME ": --setup given twice\n");
				return 2;
			}
			r->setup = optarg;
			break;
		case 'i':
			if (split_port(optarg, "--in", &r->ins[r->nins].ifname,
				       &r->ins[r->nins].path))
				return 2;
			r->nins++;
			break;
		case 'o':
			if (split_port(optarg, "--out",
				       &r->outs[r->nouts].ifname,
				       &r->outs[r->nouts].path))
				return 2;
			r->nouts++;
			break;
		case 't':
			r->trace_path = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "json")) {
				r->trace_json = true;
			} else if (!strcmp(optarg, "text")) {
				r->trace_json = false;
			} else {
				fprintf(stderr,
					ME ": --trace-format is text or json, not \"%s\"\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			r->save_path = optarg;
			break;
		case 'S':
			errno = 0;
			r->seed = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || *optarg == '-') {
				fprintf(stderr, ME ": --seed wants a number, not \"%s\"\n",
					optarg);
				return 2;
			}
			break;
		case 'a':
			r->after = optarg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case ':':
			fprintf(stderr, ME ": option %s needs an argument\n",
				argv[optind - 1]);
			usage(stderr);
			return 2;
		default:
			fprintf(stderr, ME ": unknown option \"%s\"\n",
				argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, ME ": unexpected argument \"%s\"\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!r->setup) {
		fprintf(stderr, ME ": --setup FILE is required\n");
		usage(stderr);
		return 2;
	}
	if (!r->nins) {
		fprintf(stderr, ME ": at least one --in IFACE=IN.pcap is required\n");
		usage(stderr);
		return 2;
	}
	if (r->trace_path && r->save_path && strcmp(r->trace_path, "-") &&
	    !strcmp(r->trace_path, r->save_path)) {
		fprintf(stderr, ME ": %s is both the trace and the counters file\n",
			r->trace_path);
		return 2;
	}
	for (i = 0; i < r->nouts; i++) {
		if ((r->trace_path && !strcmp(r->outs[i].path, r->trace_path)) ||
		    (r->save_path && !strcmp(r->outs[i].path, r->save_path))) {
			fprintf(stderr,
				ME ": %s is an --out file and a --trace or --save-counters file\n",
				r->outs[i].path);
			return 2;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(r->outs[i].ifname, r->outs[j].ifname)) {
				fprintf(stderr,
					ME ": --out %s given twice\n",
					r->outs[i].ifname);
				return 2;
			}
			if (!strcmp(r->outs[i].path, r->outs[j].path)) {
				fprintf(stderr,
					ME ": %s is the --out file of both %s and %s\n",
					r->outs[i].path, r->outs[j].ifname,
					r->outs[i].ifname);
				return 2;
			}
		}
		for (j = 0; j < r->nins; j++) {
			if (!strcmp(r->outs[i].path, r->ins[j].path)) {
				fprintf(stderr,
					ME ": %s is both an input and an output\n",
					r->outs[i].path);
				return 2;
			}
		}
	}
	return 0;
}

static int add_pkt(struct replay *r, const struct rp_pkt *p)
{
	if (r->npkts == r->cappkts) {
		size_t cap = r->cappkts ? r->cappkts * 2 : 256;
		struct rp_pkt *n = realloc(r->pkts, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->pkts = n;
		r->cappkts = cap;
	}
	r->pkts[r->npkts++] = *p;
	return 0;
}

/* Read every packet of input idx into r->pkts. Returns 0 or 1 (reported). */
static int read_input(struct replay *r, unsigned idx)
{
	struct rp_input *in = &r->ins[idx];
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t seq = 0;
	pcap_t *pc;
	int dlt, rc;

	pc = pcap_open_offline_with_tstamp_precision(
		in->path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pc) {
		fprintf(stderr, ME ": %s: %s\n", in->path, errbuf);
		return 1;
	}
	dlt = pcap_datalink(pc);
	if (dlt == DLT_EN10MB) {
		in->link = RT_LINK_ETH;
	} else if (dlt == DLT_RAW || dlt == DLT_IPV4) {
		in->link = RT_LINK_IP;
	} else {
		const char *name = pcap_datalink_val_to_name(dlt);

		fprintf(stderr,
			ME ": %s: link type %d (%s) is not supported; use Ethernet (EN10MB) or raw IPv4 (RAW, IPV4)\n",
			in->path, dlt, name ? name : "unknown");
		pcap_close(pc);
		return 1;
	}
	in->cut_at = ftell(pcap_file(pc));
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		struct rp_pkt p = {
			.ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull +
				 (uint64_t)h->ts.tv_usec,
			.input = idx,
			.seq = seq++,
			.len = h->caplen,
			.wire_len = h->len,
		};

		p.data = malloc(h->caplen ? h->caplen : 1);
		if (!p.data || add_pkt(r, &p)) {
			free(p.data);
			fprintf(stderr, ME ": out of memory\n");
			pcap_close(pc);
			return 1;
		}
		memcpy(p.data, data, h->caplen);
		in->cut_at = ftell(pcap_file(pc));
	}
	/*
	 * A capture cut short (a full disk, a copy of a file still being
	 * written): keep the complete packets, as tcpdump -r does, and
	 * report the cut once the replay is done.
	 */
	if (rc == -1 && strstr(pcap_geterr(pc), "truncated")) {
		in->truncated = true;
		in->complete = seq;
		pcap_close(pc);
		return 0;
	}
	if (rc == -1) {
		fprintf(stderr, ME ": %s: %s\n", in->path, pcap_geterr(pc));
		pcap_close(pc);
		return 1;
	}
	pcap_close(pc);
	return 0;
}

/* Timestamp order; ties by input order, then by position in the file. */
static int pkt_cmp(const void *a, const void *b)
{
	const struct rp_pkt *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	if (x->input != y->input)
		return x->input < y->input ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

static FILE *open_out(const char *path, const char *what)
{
	FILE *f;

	if (!strcmp(path, "-"))
		return stdout;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, ME ": %s %s: %s\n", what, path,
			strerror(errno));
	return f;
}

static void log_to_stderr(void *priv, int level, const char *line)
{
	fprintf(stderr, "%s\n", line);
}

/* The --out file of ifname, or "" (frames counted, not written). */
static const char *out_path(const struct replay *r, const char *ifname)
{
	unsigned i;

	for (i = 0; i < r->nouts; i++)
		if (!strcmp(r->outs[i].ifname, ifname))
			return r->outs[i].path;
	return "";
}

static int create_dev(struct replay *r, const char *ifname)
{
	const struct io_ops *io = io_lookup("pcap");
	const char *path = out_path(r, ifname);
	struct netdev *dev;
	int err;

	dev = net_dev_by_name(r->net, ifname);
	if (dev && dev->io == io)
		return 0;       /* named by an earlier --in/--out */
	if (dev) {
		fprintf(stderr,
			ME ": cannot use interface %s: the stack has it already\n",
			ifname);
		return 1;
	}
	if (!io) {
		fprintf(stderr, ME ": the pcap I/O backend is not built in\n");
		return 1;
	}
	err = stack_dev_create(r->net, ifname, io, path, &dev);
	if (err == -EIO && path[0]) {
		fprintf(stderr, ME ": cannot create %s for %s\n", path,
			ifname);
		return 1;
	}
	if (err) {
		fprintf(stderr, ME ": cannot create interface %s: %s\n",
			ifname, strerror(-err));
		return 1;
	}
	return 0;
}

static bool stdout_taken(const struct replay *r)
{
	return (r->trace_path && !strcmp(r->trace_path, "-")) ||
	       (r->save_path && !strcmp(r->save_path, "-"));
}

/*
 * Run the setup file from its own directory, so that `iptables-restore
 * rules.v4` finds rules.v4 beside it, and report a failing line as
 * "FILE:LINE: message" with FILE as the user gave it.
 */
/* Run a command file (--setup, --after) from its own directory. */
static int run_file(struct replay *r, const char *path, const char *what)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	char *copy, *slash, *dir, *base;
	int cwd, rc;

	if (access(path, R_OK)) {
		fprintf(stderr, ME ": %s file %s: %s\n", what, path,
			strerror(errno));
		return 1;
	}
	copy = strdup(path);
	if (!copy) {
		fprintf(stderr, ME ": out of memory\n");
		return 1;
	}
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		dir = copy[0] ? copy : "/";
		base = slash + 1;
	} else {
		dir = ".";
		base = copy;
	}
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || chdir(dir)) {
		fprintf(stderr, ME ": cannot enter the directory of %s: %s\n",
			path, strerror(errno));
		if (cwd >= 0)
			close(cwd);
		free(copy);
		return 1;
	}
	rc = ctl_exec_file(r->net, base, &out, &err);
	if (fchdir(cwd)) {
		fprintf(stderr, ME ": cannot return to the working directory: %s\n",
			strerror(errno));
		rc = rc ? rc : 1;
	}
	close(cwd);
	/* Keep stdout clean when the trace or the counters go there. */
	fputs(sbuf_str(&out), stdout_taken(r) ? stderr : stdout);
	fflush(stdout);
	if (rc) {
		const char *e = sbuf_str(&err);
		size_t n = strlen(base);

		/* ctl_exec_file says "BASE:LINE: ..."; say the user's path. */
		if (!strncmp(e, base, n) && e[n] == ':')
			fprintf(stderr, "%s%s", path, e + n);
		else
			fputs(e, stderr);
		if (err.len && e[err.len - 1] != '\n')
			fputc('\n', stderr);
		rc = 1;
	} else {
		fputs(sbuf_str(&err), stderr);
	}
	sbuf_free(&out);
	sbuf_free(&err);
	free(copy);
	return rc;
}

static int inject_all(struct replay *r)
{
	uint64_t nobuf = 0;
	size_t i;

	for (i = 0; i < r->npkts; i++) {
		const struct rp_pkt *p = &r->pkts[i];
		const struct rp_input *in = &r->ins[p->input];
		uint32_t id = r->net->inject.pkt_seq + 1;
		int err;

		/* ns_net_create() starts ids at 1; nothing else takes one. */
		if (r->trace &&
		    rt_trace_begin(r->trace, id, in->ifname, p->ts_ns,
				   p->data, p->len, in->link)) {
			fprintf(stderr, ME ": internal: cannot trace packet %zu (id %" PRIu32 ")\n",
				i + 1, id);
			return 1;
		}
		if (in->link == RT_LINK_ETH)
			err = ns_inject(r->net, in->ifname, p->data, p->len,
					p->ts_ns);
		else
			err = ns_inject_ip(r->net, in->ifname, p->data, p->len,
					   p->ts_ns);
		if (err == -ENOBUFS) {
			nobuf++;
			if (r->trace)
				rt_trace_not_injected(r->trace, id,
						      "no packet buffer free");
			/* Keep ids aligned with input positions. */
			r->net->inject.pkt_seq++;
			continue;
		}
		if (err) {
			fprintf(stderr, ME ": %s: cannot inject packet %zu: %s\n",
				in->path, i + 1, strerror(-err));
			return 1;
		}
		if (r->trace)
			rt_trace_flush(r->trace);
		if (r->net->inject.pkt_seq != id) {
			fprintf(stderr,
				ME ": internal: packet %zu got id %" PRIu32 "\n",
				i + 1, r->net->inject.pkt_seq);
			return 1;
		}
	}
	if (nobuf)
		fprintf(stderr,
			ME ": warning: %" PRIu64 " packets not injected: no packet buffer free\n",
			nobuf);
	return 0;
}

static int save_counters(struct replay *r)
{
	char a0[] = "iptables-save", a1[] = "-c";
	char *argv[] = { a0, a1, NULL };
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	int rc;

	rc = xt_save_main(r->net, 2, argv, &out, &err);
	if (rc) {
		fprintf(stderr, ME ": --save-counters: %s", sbuf_str(&err));
		if (!err.len || err.s[err.len - 1] != '\n')
			fputc('\n', stderr);
		goto out;
	}
	fputs(sbuf_str(&out), r->save_f);
	fflush(r->save_f);
	if (ferror(r->save_f)) {
		fprintf(stderr, ME ": writing %s failed\n", r->save_path);
		rc = 1;
	}
out:
	sbuf_free(&out);
	sbuf_free(&err);
	return rc ? 1 : 0;
}

/*
 * Warn about every input that was cut in the middle of a packet record.
 * Returns true if there was one: the exit status is then 1, as tcpdump -r
 * exits 1 after printing every complete packet of a truncated file.
 */
static bool report_truncated(const struct replay *r)
{
	bool any = false;
	unsigned i;

	for (i = 0; i < r->nins; i++) {
		const struct rp_input *in = &r->ins[i];

		if (!in->truncated)
			continue;
		fprintf(stderr,
			ME ": %s: truncated after packet %" PRIu64 " (byte %ld): the rest was ignored\n",
			in->path, in->complete, in->cut_at);
		any = true;
	}
	return any;
}

static void replay_free(struct replay *r)
{
	size_t i;

	if (r->net)
		ns_net_destroy(r->net);   /* closes (flushes) the --out files */
	rt_trace_destroy(r->trace);
	if (r->trace_f && r->trace_f != stdout)
		fclose(r->trace_f);
	if (r->save_f && r->save_f != stdout)
		fclose(r->save_f);
	for (i = 0; i < r->npkts; i++)
		free(r->pkts[i].data);
	free(r->pkts);
	free(r->ins);
	free(r->outs);
}

int tool_replay_main(int argc, char **argv)
{
	struct replay r = { 0 };
	struct stat st;
	unsigned i;
	int rc, err;

	rc = parse_args(&r, argc, argv);
	if (rc) {
		replay_free(&r);
		return rc < 0 ? 0 : rc;
	}
	rc = 1;
	err = 0;
	if (access(r.setup, R_OK))
		err = errno;
	else if (stat(r.setup, &st) == 0 && S_ISDIR(st.st_mode))
		err = EISDIR;
	if (err) {
		fprintf(stderr, ME ": setup file %s: %s\n", r.setup,
			strerror(err));
		goto out;
	}
	for (i = 0; i < r.nins; i++)
		if (read_input(&r, i))
			goto out;
	if (r.npkts)
		qsort(r.pkts, r.npkts, sizeof(*r.pkts), pkt_cmp);

	/* Open every output first: a bad path fails before any work. */
	if (r.trace_path) {
		r.trace_f = open_out(r.trace_path, "trace file");
		if (!r.trace_f)
			goto out;
		if (rt_trace_create(r.npkts, r.trace_f, r.trace_json,
				    &r.trace)) {
			fprintf(stderr, ME ": out of memory\n");
			goto out;
		}
	}
	if (r.save_path) {
		r.save_f = open_out(r.save_path, "counters file");
		if (!r.save_f)
			goto out;
	}

	err = ns_net_create(&r.net);
	if (err) {
		fprintf(stderr, ME ": cannot create the stack: %s\n",
			strerror(-err));
		goto out;
	}
	r.net->log.write = log_to_stderr;
	/* Rules are loaded "just before" the first packet arrives. */
	if (r.npkts) {
		r.net->now_ns = r.pkts[0].ts_ns;
		r.net->inject.now_ns = r.pkts[0].ts_ns;
	}

	/* Interfaces in the order they were named: --in first, then --out. */
	for (i = 0; i < r.nins; i++)
		if (create_dev(&r, r.ins[i].ifname))
			goto out;
	for (i = 0; i < r.nouts; i++)
		if (create_dev(&r, r.outs[i].ifname))
			goto out;

	ns_net_set_seed(r.net, r.seed);
	if (run_file(&r, r.setup, "setup"))
		goto out;
	if (r.trace)
		rt_trace_sink(r.trace, &r.net->trace);
	if (inject_all(&r))
		goto out;

	if (r.after && run_file(&r, r.after, "after"))
		goto out;
	if (r.save_f && save_counters(&r))
		goto out;
	if (r.trace) {
		err = rt_trace_finish(r.trace);
		if (err) {
			fprintf(stderr, ME ": writing the trace to %s failed\n",
				r.trace_path);
			goto out;
		}
	}
	rc = 0;
out:
	if (report_truncated(&r))
		rc = 1;
	replay_free(&r);
	return rc;
}
