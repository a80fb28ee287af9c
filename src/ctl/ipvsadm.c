// SPDX-License-Identifier: MIT
/*
 * `netsieve ipvsadm`, as Debian 12's ipvsadm 1.31: its option parsing
 * (popt as ipvsadm uses it: a command first, clusters of short options,
 * --long and --long=value, -p's optional timeout, words left over), its
 * table of legal options per command and per tunnel type, every message
 * and exit code (fail() exits 2, popt errors 255, an error from the
 * kernel 255 with libipvs's text, a failed listing 1), and -R/--restore
 * reading commands from the input as ipvsadm reads stdin. Also the two
 * shell scripts ipvsadm ships: ipvsadm-save (ipvsadm -S [-n]) and
 * ipvsadm-restore (drop '#' lines, ipvsadm -C, ipvsadm -R). Control path,
 * under ctl_lock; changes the load balancer only through lb.h's control
 * API. The connection sync daemon does not exist yet: --start-daemon and
 * --stop-daemon are refused (exit 1) once their options have been checked.
 */
#include "ctl/ctl.h"
#include "ctl/ipvsadm.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TIMEOUT (86400 * 31)
#define PERSISTENT_TIMEOUT (6 * 60)
#define DEF_SCHED "wlc"

#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_SCTP 132

enum {
	CMD_NONE,
	CMD_ADD,
	CMD_EDIT,
	CMD_DEL,
	CMD_FLUSH,
	CMD_LIST,
	CMD_ADDDEST,
	CMD_DELDEST,
	CMD_EDITDEST,
	CMD_TIMEOUT,
	CMD_STARTDAEMON,
	CMD_STOPDAEMON,
	CMD_RESTORE,
	CMD_SAVE,
	CMD_ZERO,
	NUMBER_OF_CMD = CMD_ZERO,
};

static const char *const cmdnames[NUMBER_OF_CMD] = {
	"add-service", "edit-service", "delete-service", "flush", "list",
	"add-server", "delete-server", "edit-server", "set", "start-daemon",
	"stop-daemon", "restore", "save", "zero",
};

/* Option bits (ipvsadm's OPTC_*). */
enum {
	OPTC_NUMERIC, OPTC_CONNECTION, OPTC_SERVICE, OPTC_SCHEDULER,
	OPTC_PERSISTENT, OPTC_NETMASK, OPTC_SERVER, OPTC_FORWARD,
	OPTC_WEIGHT, OPTC_UTHRESHOLD, OPTC_LTHRESHOLD, OPTC_MCAST,
	OPTC_TIMEOUT, OPTC_DAEMON, OPTC_STATS, OPTC_RATE, OPTC_THRESHOLDS,
	OPTC_PERSISTENTCONN, OPTC_NOSORT, OPTC_SYNCID, OPTC_EXACT,
	OPTC_ONEPACKET, OPTC_PERSISTENCE_ENGINE, OPTC_SCHED_FLAGS,
	OPTC_MCAST_GROUP, OPTC_MCAST_PORT, OPTC_MCAST_TTL, OPTC_SYNC_MAXLEN,
	OPTC_TUN_INFO, OPTC_TUN_TYPE, OPTC_TUN_PORT, OPTC_TUN_NOCSUM,
	OPTC_TUN_CSUM, OPTC_TUN_REMCSUM,
	NUMBER_OF_OPT,
};
#define OPT(c) (1ULL << (c))

static const char *const optnames[NUMBER_OF_OPT] = {
	"numeric", "connection", "service-address", "scheduler",
	"persistent", "netmask", "real-server", "forwarding-method", "weight",
	"u-threshold", "l-threshold", "mcast-interface", "timeout", "daemon",
	"stats", "rate", "thresholds", "persistent-conn", "nosort", "syncid",
	"exact", "ops", "pe", "sched-flags", "mcast-group", "mcast-port",
	"mcast-ttl", "sync-maxlen", "tun-info", "tun-type", "tun-port",
	"tun-nocsum", "tun-csum", "tun-remcsum",
};

/*
 * Which options each command takes: '+' compulsory, 'x' illegal, '1' at
 * most one of the '1's, ' ' optional. Columns in OPTC_* order.
 */
static const char commands_v_options[NUMBER_OF_CMD][NUMBER_OF_OPT + 1] = {
	/*            0         1         2         3   */
	/*            0123456789012345678901234567890123 */
	/* ADD */    "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
	/* EDIT */   "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
	/* DEL */    "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* FLUSH */  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* LIST */   " 11xxxxxxxxx11       xxxxxxx xxxxx",
	/* ADDSRV */ "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
	/* DELSRV */ "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* EDITSRV */"xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
	/* TIMEOUT */"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* STARTD */ "xxxxxxxxxxx xxxxxxx xxxx    xxxxxx",
	/* STOPD */  "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx",
	/* RESTORE */"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* SAVE */   " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	/* ZERO */   "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
};

/* The tunnel options (tun-port, nocsum, csum, remcsum) per type. */
static const int tunopts[4] = {
	OPTC_TUN_PORT, OPTC_TUN_NOCSUM, OPTC_TUN_CSUM, OPTC_TUN_REMCSUM,
};
static const char *const tunnames[3] = { "ipip", "gue", "gre" };
static const char tunnel_types_v_options[3][5] = {
	/* ipip */ "xxxx",
	/* gue */  "+111",
	/* gre */  "x11x",
};

/* ipvsadm's own tun_flags values (the kernel's). */
#define TUN_FLAG_CSUM 0x1
#define TUN_FLAG_REMCSUM 0x2

/* popt's answers besides an option's value. */
#define POPT_END (-1)
#define POPT_ERROR_NOARG (-10)
#define POPT_ERROR_BADOPT (-11)
#define POPT_ERROR_UNWANTEDARG (-12)

enum {
	TAG_SET = 128,
	TAG_START_DAEMON,
	TAG_STOP_DAEMON,
	TAG_MCAST_INTERFACE,
	TAG_TIMEOUT,
	TAG_DAEMON,
	TAG_STATS,
	TAG_RATE,
	TAG_THRESHOLDS,
	TAG_PERSISTENTCONN,
	TAG_SORT,
	TAG_NO_SORT,
	TAG_PERSISTENCE_ENGINE,
	TAG_SCTP_SERVICE,
	TAG_MCAST_GROUP,
	TAG_MCAST_PORT,
	TAG_MCAST_TTL,
	TAG_SYNC_MAXLEN,
	TAG_TUN_INFO,
	TAG_TUN_TYPE,
	TAG_TUN_PORT,
	TAG_TUN_NOCSUM,
	TAG_TUN_CSUM,
	TAG_TUN_REMCSUM,
};

enum arg_kind { ARG_NONE, ARG_STRING, ARG_OPTIONAL };

struct opt_def {
	const char *name;
	char short_name;
	enum arg_kind arg;
	int val;
};

/* ipvsadm's popt table, in its order. */
static const struct opt_def options_table[] = {
	{ "add-service", 'A', ARG_NONE, 'A' },
	{ "edit-service", 'E', ARG_NONE, 'E' },
	{ "delete-service", 'D', ARG_NONE, 'D' },
	{ "clear", 'C', ARG_NONE, 'C' },
	{ "list", 'L', ARG_NONE, 'L' },
	{ "list", 'l', ARG_NONE, 'l' },
	{ "zero", 'Z', ARG_NONE, 'Z' },
	{ "add-server", 'a', ARG_NONE, 'a' },
	{ "edit-server", 'e', ARG_NONE, 'e' },
	{ "delete-server", 'd', ARG_NONE, 'd' },
	{ "set", 0, ARG_NONE, TAG_SET },
	{ "help", 'h', ARG_NONE, 'h' },
	{ "version", 'v', ARG_NONE, 'v' },
	{ "restore", 'R', ARG_NONE, 'R' },
	{ "save", 'S', ARG_NONE, 'S' },
	{ "start-daemon", 0, ARG_STRING, TAG_START_DAEMON },
	{ "stop-daemon", 0, ARG_STRING, TAG_STOP_DAEMON },
	{ "tcp-service", 't', ARG_STRING, 't' },
	{ "udp-service", 'u', ARG_STRING, 'u' },
	{ "sctp-service", 0, ARG_STRING, TAG_SCTP_SERVICE },
	{ "fwmark-service", 'f', ARG_STRING, 'f' },
	{ "scheduler", 's', ARG_STRING, 's' },
	{ "persistent", 'p', ARG_OPTIONAL, 'p' },
	{ "netmask", 'M', ARG_STRING, 'M' },
	{ "real-server", 'r', ARG_STRING, 'r' },
	{ "masquerading", 'm', ARG_NONE, 'm' },
	{ "ipip", 'i', ARG_NONE, 'i' },
	{ "gatewaying", 'g', ARG_NONE, 'g' },
	{ "weight", 'w', ARG_STRING, 'w' },
	{ "u-threshold", 'x', ARG_STRING, 'x' },
	{ "l-threshold", 'y', ARG_STRING, 'y' },
	{ "numeric", 'n', ARG_NONE, 'n' },
	{ "connection", 'c', ARG_NONE, 'c' },
	{ "mcast-interface", 0, ARG_STRING, TAG_MCAST_INTERFACE },
	{ "syncid", 0, ARG_STRING, 'I' },
	{ "timeout", 0, ARG_NONE, TAG_TIMEOUT },
	{ "daemon", 0, ARG_NONE, TAG_DAEMON },
	{ "stats", 0, ARG_NONE, TAG_STATS },
	{ "rate", 0, ARG_NONE, TAG_RATE },
	{ "thresholds", 0, ARG_NONE, TAG_THRESHOLDS },
	{ "persistent-conn", 0, ARG_NONE, TAG_PERSISTENTCONN },
	{ "nosort", 0, ARG_NONE, TAG_NO_SORT },
	{ "sort", 0, ARG_NONE, TAG_SORT },
	{ "exact", 'X', ARG_NONE, 'X' },
	{ "ipv6", '6', ARG_NONE, '6' },
	{ "ops", 'o', ARG_NONE, 'o' },
	{ "pe", 0, ARG_STRING, TAG_PERSISTENCE_ENGINE },
	{ "sched-flags", 'b', ARG_STRING, 'b' },
	{ "mcast-group", 0, ARG_STRING, TAG_MCAST_GROUP },
	{ "mcast-port", 0, ARG_STRING, TAG_MCAST_PORT },
	{ "mcast-ttl", 0, ARG_STRING, TAG_MCAST_TTL },
	{ "sync-maxlen", 0, ARG_STRING, TAG_SYNC_MAXLEN },
	{ "tun-info", 0, ARG_NONE, TAG_TUN_INFO },
	{ "tun-type", 0, ARG_STRING, TAG_TUN_TYPE },
	{ "tun-port", 0, ARG_STRING, TAG_TUN_PORT },
	{ "tun-nocsum", 0, ARG_NONE, TAG_TUN_NOCSUM },
	{ "tun-csum", 0, ARG_NONE, TAG_TUN_CSUM },
	{ "tun-remcsum", 0, ARG_NONE, TAG_TUN_REMCSUM },
};
#define N_OPTIONS (sizeof(options_table) / sizeof(options_table[0]))

/*
 * popt's walk over argv as ipvsadm configures it: options in any order
 * with the words that are not options set aside ("leftovers", read back
 * with popt_get_arg), "--" ending the options, and bad is the argv word
 * last consumed (what poptBadOption names).
 */
struct popt {
	int argc;
	char **argv;
	int next;               /* next argv word */
	const char *cluster;    /* rest of a "-abc" word, or NULL */
	int last;               /* argv word consumed last */
	bool rest_leftover;     /* after "--" */
	char **left;
	int nleft, leftpos;
	const char *optarg;     /* the last option's argument or NULL */
};

static const struct opt_def *find_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++)
		if (strlen(options_table[i].name) == len &&
		    !strncmp(options_table[i].name, name, len))
			return &options_table[i];
	return NULL;
}

static const struct opt_def *find_short(char c)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++)
		if (options_table[i].short_name == c)
			return &options_table[i];
	return NULL;
}

/* An option's argument from the next word, as popt takes it. */
static int take_next_arg(struct popt *p, const struct opt_def *o)
{
	if (o->arg == ARG_OPTIONAL) {
		if (p->next < p->argc && p->argv[p->next][0] != '-') {
			p->last = p->next;
			p->optarg = p->argv[p->next++];
		}
		return o->val;
	}
	if (p->next >= p->argc)
		return POPT_ERROR_NOARG;
	p->last = p->next;
	p->optarg = p->argv[p->next++];
	return o->val;
}

static int popt_next(struct popt *p)
{
	const struct opt_def *o;
	const char *w;

	p->optarg = NULL;
	for (;;) {
		if (p->cluster && *p->cluster) {
			/* "-s=rr": what follows one '=' is the argument
			 * (even empty), refused after a flag ("-Ln=c"). */
			bool eq;

			o = find_short(*p->cluster++);
			if (!o)
				return POPT_ERROR_BADOPT;
			eq = *p->cluster == '=';
			if (o->arg == ARG_NONE) {
				if (eq)
					return POPT_ERROR_UNWANTEDARG;
				return o->val;
			}
			if (eq || *p->cluster) {
				p->optarg = p->cluster + eq;
				p->cluster = NULL;
				return o->val;
			}
			p->cluster = NULL;
			return take_next_arg(p, o);
		}
		p->cluster = NULL;
		if (p->next >= p->argc)
			return POPT_END;
		w = p->argv[p->next++];
		p->last = p->next - 1;
		if (p->rest_leftover || w[0] != '-' || w[1] == '\0') {
			p->left[p->nleft++] = (char *)w;
			continue;
		}
		if (w[1] == '-') {
			const char *name = w + 2, *eq;

			if (!*name) {
				p->rest_leftover = true;
				continue;
			}
			eq = strchr(name, '=');
			o = find_long(name, eq ? (size_t)(eq - name) :
				      strlen(name));
			if (!o)
				return POPT_ERROR_BADOPT;
			if (o->arg == ARG_NONE)
				return eq ? POPT_ERROR_UNWANTEDARG : o->val;
			if (eq) {
				p->optarg = eq + 1;
				return o->val;
			}
			return take_next_arg(p, o);
		}
		p->cluster = w + 1;
	}
}

static const char *popt_get_arg(struct popt *p)
{
	return p->leftpos < p->nleft ? p->left[p->leftpos++] : NULL;
}

static const char *popt_strerror(int e)
{
	switch (e) {
	case POPT_ERROR_NOARG:
		return "missing argument";
	case POPT_ERROR_BADOPT:
		return "unknown option";
	case POPT_ERROR_UNWANTEDARG:
		return "option does not take an argument";
	}
	return "unknown error";
}

/* What one ipvsadm command line asks for (struct ipvs_command_entry). */
struct adm_cmd {
	int cmd;
	struct lb_svc_conf svc;
	struct lb_dest_conf dest;
	struct lb_timeouts timeout;
	unsigned tun_flags;     /* ipvsadm's (kernel) values */
};

static int tryhelp_exit(struct adm_run *r, const char *prog)
{
	sbuf_addf(r->err, "Try `%s -h' or '%s --help' for more "
		  "information.\n", prog, prog);
	r->exiting = true;
	r->code = 255;
	return -1;
}

static int string_to_number(const char *s, long min, long max)
{
	long number;
	char *end;

	errno = 0;
	number = strtol(s, &end, 10);
	if (*end == '\0' && end != s && errno != ERANGE && min <= number &&
	    number <= max)
		return (int)number;
	return -1;
}

static int parse_timeout(struct adm_run *r, const char *buf, int min,
			 int max, int *out)
{
	int i;

	if (!buf) {
		*out = PERSISTENT_TIMEOUT;
		return 0;
	}
	i = string_to_number(buf, min, max);
	if (i == -1)
		return adm_fail(r, 2, "invalid timeout value `%s' specified",
				buf);
	*out = i;
	return 0;
}

static int parse_fwmark(struct adm_run *r, const char *buf, uint32_t *out)
{
	unsigned long l;
	char *end;

	errno = 0;
	l = (unsigned long)strtol(buf, &end, 10);
	if (*end != '\0' || end == buf || errno == ERANGE || l == 0 ||
	    l > UINT_MAX)
		return adm_fail(r, 2, "invalid fwmark value `%s' specified",
				buf);
	*out = (uint32_t)l;
	return 0;
}

static int str_is_digit(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

#define SERVICE_NONE 0
#define SERVICE_ADDR 1
#define SERVICE_PORT 2

/*
 * parse_service(): "host[:port]", "[v6]:port" or a bare v6 address into
 * af, addr and port of the service-shaped fields given. Returns
 * SERVICE_* bits (SERVICE_NONE: not an address).
 */
static int parse_service(const char *arg, unsigned protocol, uint16_t *af,
			 struct ns_addr *addr, uint16_t *port,
			 uint32_t *netmask)
{
	char buf[1024], *b = buf, *portp = NULL;
	struct in_addr in4;
	struct in6_addr in6;
	uint32_t ip;
	long portn;
	int result = SERVICE_NONE;

	if (!arg || str_is_digit(arg))
		return SERVICE_NONE;
	snprintf(buf, sizeof(buf), "%s", arg);
	if (b[0] == '[') {
		b++;
		portp = strchr(b, ']');
		if (!portp)
			return SERVICE_NONE;
		*portp++ = '\0';
		if (*portp != ':')
			return SERVICE_NONE;
		*portp = '\0';
	}
	if (inet_pton(AF_INET6, b, &in6) > 0) {
		memset(addr, 0, sizeof(*addr));
		addr->family = ADM_AF_INET6;
		memcpy(addr->ip6, &in6, 16);
		*af = ADM_AF_INET6;
		*netmask = 128;
	} else {
		portp = strrchr(b, ':');
		if (portp)
			*portp = '\0';
		if (inet_aton(b, &in4))
			ip = in4.s_addr;
		else if (adm_host_to_addr(b, &ip))
			return SERVICE_NONE;
		memset(addr, 0, sizeof(*addr));
		addr->family = ADM_AF_INET;
		addr->ip = ip;
		*af = ADM_AF_INET;
	}
	result |= SERVICE_ADDR;
	if (portp) {
		result |= SERVICE_PORT;
		portn = string_to_number(portp + 1, 0, 65535);
		if (portn == -1)
			portn = adm_service_to_port(portp + 1, protocol);
		if (portn == -1)
			return SERVICE_NONE;
		*port = htons((uint16_t)portn);
	}
	return result;
}

static int parse_netmask(const char *buf, uint32_t *mask)
{
	struct in_addr in;

	if (!buf)
		return 0;
	if (inet_aton(buf, &in)) {
		*mask = in.s_addr;
		return 1;
	}
	if (!adm_host_to_addr(buf, mask))
		return 1;
	return 0;
}

static int parse_sched_flags(struct adm_run *r, const char *sched,
			     char *arg, unsigned *out)
{
	unsigned flags = 0;
	char *flag, *save = NULL;
	static const struct {
		const char *name, *sched;
		unsigned flag;
	} names[] = {
		{ "flag-1", NULL, LB_SVC_F_SCHED1 },
		{ "flag-2", NULL, LB_SVC_F_SCHED2 },
		{ "flag-3", NULL, LB_SVC_F_SCHED3 },
		{ "sh-fallback", "sh", LB_SVC_F_SCHED_SH_FALLBACK },
		{ "sh-port", "sh", LB_SVC_F_SCHED_SH_PORT },
		{ "mh-fallback", "mh", LB_SVC_F_SCHED_MH_FALLBACK },
		{ "mh-port", "mh", LB_SVC_F_SCHED_MH_PORT },
	};
	size_t i;

	sched = (sched && *sched) ? sched : DEF_SCHED;
	flag = strtok_r(arg, ",", &save);
	/* ipvsadm's do-while hands strcmp a NULL on ",": refuse it. */
	if (!flag)
		return adm_fail(r, 2, "invalid scheduler flag `%s'", "(null)");
	do {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(flag, names[i].name))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return adm_fail(r, 2, "invalid scheduler flag `%s'",
					flag);
		flags |= names[i].flag;
		if (names[i].sched && strcmp(sched, names[i].sched))
			return adm_fail(r, 2, "incompatible scheduler flag "
					"`%s'", flag);
	} while ((flag = strtok_r(NULL, ",", &save)));
	*out = flags;
	return 0;
}

static int parse_tun_type(const char *t)
{
	unsigned i;

	for (i = 0; i < 3; i++)
		if (!strcmp(t, tunnames[i]))
			return (int)i;
	return -1;
}

static int set_command(struct adm_run *r, int *cmd, int newcmd)
{
	if (*cmd != CMD_NONE)
		return adm_fail(r, 2, "multiple commands specified");
	*cmd = newcmd;
	return 0;
}

static int set_option(struct adm_run *r, unsigned long long *options,
		      int optc)
{
	if (*options & OPT(optc))
		return adm_fail(r, 2, "multiple '%s' options specified",
				optnames[optc]);
	*options |= OPT(optc);
	return 0;
}

static int generic_opt_check(struct adm_run *r, int command,
			     unsigned long long options)
{
	int i = command - 1, j, last = 0, count = 0;

	for (j = 0; j < NUMBER_OF_OPT; j++) {
		char k = commands_v_options[i][j];

		if (!(options & OPT(j))) {
			if (k == '+')
				return adm_fail(r, 2, "You need to supply the "
						"'%s' option for the '%s' "
						"command", optnames[j],
						cmdnames[i]);
			continue;
		}
		if (k == 'x')
			return adm_fail(r, 2, "Illegal '%s' option with the "
					"'%s' command", optnames[j],
					cmdnames[i]);
		if (k == '1') {
			if (++count == 1) {
				last = j;
				continue;
			}
			return adm_fail(r, 2, "The option '%s' conflicts with "
					"the '%s' option in the '%s' command",
					optnames[j], optnames[last],
					cmdnames[i]);
		}
	}
	return 0;
}

static int tunnel_opt_check(struct adm_run *r, int tun_type,
			    unsigned long long options)
{
	int j, k, last = 0, count = 0;

	for (j = 0; j < 4; j++) {
		char t = tunnel_types_v_options[tun_type][j];

		k = tunopts[j];
		if (!(options & OPT(k))) {
			if (t == '+')
				return adm_fail(r, 2, "You need to supply the "
						"'%s' option for the '%s' "
						"tunnel type", optnames[k],
						tunnames[tun_type]);
			continue;
		}
		if (t == 'x')
			return adm_fail(r, 2, "Illegal '%s' option with the "
					"'%s' tunnel type", optnames[k],
					tunnames[tun_type]);
		if (t == '1') {
			if (++count == 1) {
				last = k;
				continue;
			}
			return adm_fail(r, 2, "The option '%s' conflicts with "
					"the '%s' option in the '%s' tunnel "
					"type", optnames[k], optnames[last],
					tunnames[tun_type]);
		}
	}
	return 0;
}

static int protocol_of(int c)
{
	switch (c) {
	case 't':
		return PROTO_TCP;
	case 'u':
		return PROTO_UDP;
	case TAG_SCTP_SERVICE:
		return PROTO_SCTP;
	}
	return 0;
}

/* The first option: the command (or -h, -v). */
static int parse_command(struct adm_run *r, struct popt *p, int c,
			 struct adm_cmd *ce)
{
	switch (c) {
	case 'A':
		return set_command(r, &ce->cmd, CMD_ADD);
	case 'E':
		return set_command(r, &ce->cmd, CMD_EDIT);
	case 'D':
		return set_command(r, &ce->cmd, CMD_DEL);
	case 'a':
		return set_command(r, &ce->cmd, CMD_ADDDEST);
	case 'e':
		return set_command(r, &ce->cmd, CMD_EDITDEST);
	case 'd':
		return set_command(r, &ce->cmd, CMD_DELDEST);
	case 'C':
		return set_command(r, &ce->cmd, CMD_FLUSH);
	case 'L':
	case 'l':
		return set_command(r, &ce->cmd, CMD_LIST);
	case 'Z':
		return set_command(r, &ce->cmd, CMD_ZERO);
	case TAG_SET:
		return set_command(r, &ce->cmd, CMD_TIMEOUT);
	case 'R':
		return set_command(r, &ce->cmd, CMD_RESTORE);
	case 'S':
		return set_command(r, &ce->cmd, CMD_SAVE);
	case TAG_START_DAEMON:
	case TAG_STOP_DAEMON:
		if (set_command(r, &ce->cmd, c == TAG_START_DAEMON ?
				CMD_STARTDAEMON : CMD_STOPDAEMON))
			return -1;
		if (strcmp(p->optarg, "master") && strcmp(p->optarg, "backup"))
			return adm_fail(r, 2, c == TAG_START_DAEMON ?
					"illegal start-daemon parameter "
					"specified" :
					"illegal start_daemon specified");
		return 0;
	case 'h':
		adm_usage(r->out, p->argv[0]);
		r->exiting = true;
		r->code = 0;
		return -1;
	case 'v':
		adm_version(r->out);
		r->exiting = true;
		r->code = 0;
		return -1;
	}
	return tryhelp_exit(r, p->argv[0]);
}

/* One option after the command. Returns 0, or -1 with r->exiting. */
static int parse_one(struct adm_run *r, struct popt *p, int c,
		     struct adm_cmd *ce, unsigned long long *options,
		     unsigned *format, char *sched_flags_arg)
{
	const char *a = p->optarg;
	int parse, v = 0;

	switch (c) {
	case 't':
	case 'u':
	case TAG_SCTP_SERVICE:
		if (set_option(r, options, OPTC_SERVICE))
			return -1;
		ce->svc.protocol = (uint16_t)protocol_of(c);
		parse = parse_service(a, ce->svc.protocol, &ce->svc.af,
				      &ce->svc.addr, &ce->svc.port,
				      &ce->svc.netmask);
		if (!(parse & SERVICE_ADDR))
			return adm_fail(r, 2, "illegal virtual server "
					"address[:port] specified");
		return 0;
	case 'f':
		if (set_option(r, options, OPTC_SERVICE))
			return -1;
		ce->svc.af = ADM_AF_INET;
		ce->svc.protocol = PROTO_TCP;
		return parse_fwmark(r, a, &ce->svc.fwmark);
	case 's':
		if (set_option(r, options, OPTC_SCHEDULER))
			return -1;
		snprintf(ce->svc.sched_name, sizeof(ce->svc.sched_name), "%s",
			 a);
		return 0;
	case 'p':
		if (set_option(r, options, OPTC_PERSISTENT))
			return -1;
		ce->svc.flags |= LB_SVC_F_PERSISTENT;
		if (parse_timeout(r, a, 1, MAX_TIMEOUT, &v))
			return -1;
		ce->svc.timeout = (unsigned)v;
		return 0;
	case 'M':
		if (set_option(r, options, OPTC_NETMASK))
			return -1;
		if (ce->svc.af != ADM_AF_INET6) {
			if (parse_netmask(a, &ce->svc.netmask) != 1)
				return adm_fail(r, 2, "illegal virtual server "
						"persistent mask specified");
		} else {
			v = atoi(a);
			ce->svc.netmask = (uint32_t)v;
			if (v < 1 || v > 128)
				return adm_fail(r, 2, "illegal ipv6 netmask "
						"specified");
		}
		return 0;
	case 'r': {
		/* The real server parses into a copy of the service. */
		struct lb_svc_conf t = ce->svc;

		if (set_option(r, options, OPTC_SERVER))
			return -1;
		parse = parse_service(a, t.protocol, &t.af, &t.addr, &t.port,
				      &t.netmask);
		ce->dest.af = t.af;
		ce->dest.addr = t.addr;
		ce->dest.port = t.port;
		if (!(parse & SERVICE_ADDR))
			return adm_fail(r, 2, "illegal real server "
					"address[:port] specified");
		if (parse == SERVICE_ADDR)
			ce->dest.port = ce->svc.port;
		return 0;
	}
	case 'i':
	case 'g':
	case 'm':
		if (set_option(r, options, OPTC_FORWARD))
			return -1;
		ce->dest.conn_flags = c == 'i' ? LB_FWD_TUNNEL :
				      c == 'g' ? LB_FWD_DROUTE : LB_FWD_MASQ;
		return 0;
	case 'w':
		if (set_option(r, options, OPTC_WEIGHT))
			return -1;
		ce->dest.weight = string_to_number(a, 0, INT_MAX);
		if (ce->dest.weight == -1)
			return adm_fail(r, 2, "illegal weight specified");
		return 0;
	case 'x':
	case 'y':
		if (set_option(r, options, c == 'x' ? OPTC_UTHRESHOLD :
			       OPTC_LTHRESHOLD))
			return -1;
		v = string_to_number(a, 0, INT_MAX);
		if (v == -1)
			return adm_fail(r, 2, "illegal %s specified",
					c == 'x' ? "u_threshold" :
					"l_threshold");
		if (c == 'x')
			ce->dest.u_threshold = (uint32_t)v;
		else
			ce->dest.l_threshold = (uint32_t)v;
		return 0;
	case 'c':
		return set_option(r, options, OPTC_CONNECTION);
	case 'n':
		*format |= ADM_FMT_NUMERIC;
		return set_option(r, options, OPTC_NUMERIC);
	case TAG_MCAST_INTERFACE:
		return set_option(r, options, OPTC_MCAST);
	case 'I':
		if (set_option(r, options, OPTC_SYNCID))
			return -1;
		if (string_to_number(a, 0, 255) == -1)
			return adm_fail(r, 2, "illegal syncid specified");
		return 0;
	case TAG_TIMEOUT:
		return set_option(r, options, OPTC_TIMEOUT);
	case TAG_DAEMON:
		return set_option(r, options, OPTC_DAEMON);
	case TAG_STATS:
		*format |= ADM_FMT_STATS;
		return set_option(r, options, OPTC_STATS);
	case TAG_RATE:
		*format |= ADM_FMT_RATE;
		return set_option(r, options, OPTC_RATE);
	case TAG_THRESHOLDS:
		*format |= ADM_FMT_THRESHOLDS;
		return set_option(r, options, OPTC_THRESHOLDS);
	case TAG_PERSISTENTCONN:
		*format |= ADM_FMT_PERSISTENTCONN;
		return set_option(r, options, OPTC_PERSISTENTCONN);
	case TAG_NO_SORT:
		*format |= ADM_FMT_NOSORT;
		return set_option(r, options, OPTC_NOSORT);
	case TAG_SORT:
		return 0;   /* the default; kept for compatibility */
	case 'X':
		*format |= ADM_FMT_EXACT;
		return set_option(r, options, OPTC_EXACT);
	case '6':
		if (!ce->svc.fwmark)
			return adm_fail(r, 2, "-6 used before -f\n");
		ce->svc.af = ADM_AF_INET6;
		ce->svc.netmask = 128;
		return 0;
	case 'o':
		if (set_option(r, options, OPTC_ONEPACKET))
			return -1;
		ce->svc.flags |= LB_SVC_F_ONEPACKET;
		return 0;
	case TAG_PERSISTENCE_ENGINE:
		if (set_option(r, options, OPTC_PERSISTENCE_ENGINE))
			return -1;
		snprintf(ce->svc.pe_name, sizeof(ce->svc.pe_name), "%s", a);
		return 0;
	case 'b':
		if (set_option(r, options, OPTC_SCHED_FLAGS))
			return -1;
		snprintf(sched_flags_arg, 128, "%s", a);
		return 0;
	case TAG_MCAST_GROUP: {
		struct in6_addr g6;
		struct in_addr g4;

		if (set_option(r, options, OPTC_MCAST_GROUP))
			return -1;
		if (strchr(a, ':')) {
			if (inet_pton(AF_INET6, a, &g6) <= 0 ||
			    !IN6_IS_ADDR_MULTICAST(&g6))
				return adm_fail(r, 2, "invalid IPv6 "
						"mcast-group `%s'", a);
		} else if (inet_pton(AF_INET, a, &g4) <= 0 ||
			   !IN_MULTICAST(ntohl(g4.s_addr))) {
			return adm_fail(r, 2, "invalid IPv4 mcast-group `%s'",
					a);
		}
		return 0;
	}
	case TAG_MCAST_PORT:
		if (set_option(r, options, OPTC_MCAST_PORT))
			return -1;
		if (string_to_number(a, 1, 65535) == -1)
			return adm_fail(r, 2, "illegal mcast-port specified");
		return 0;
	case TAG_MCAST_TTL:
		if (set_option(r, options, OPTC_MCAST_TTL))
			return -1;
		if (string_to_number(a, 1, 255) == -1)
			return adm_fail(r, 2, "illegal mcast-ttl specified");
		return 0;
	case TAG_SYNC_MAXLEN:
		if (set_option(r, options, OPTC_SYNC_MAXLEN))
			return -1;
		if (string_to_number(a, 1, 65535 - 20 - 8) == -1)
			return adm_fail(r, 2, "illegal sync-maxlen specified");
		return 0;
	case TAG_TUN_INFO:
		*format |= ADM_FMT_TUN_INFO;
		return set_option(r, options, OPTC_TUN_INFO);
	case TAG_TUN_TYPE:
		if (set_option(r, options, OPTC_TUN_TYPE))
			return -1;
		v = parse_tun_type(a);
		if (v == -1)
			return adm_fail(r, 2, "illegal tunnel type specified");
		ce->dest.tun_type = (uint16_t)v;
		return 0;
	case TAG_TUN_PORT:
		if (set_option(r, options, OPTC_TUN_PORT))
			return -1;
		v = string_to_number(a, 1, 65535);
		if (v == -1)
			return adm_fail(r, 2, "illegal tunnel port specified");
		ce->dest.tun_port = htons((uint16_t)v);
		return 0;
	case TAG_TUN_NOCSUM:
		/* The kernel's NOCSUM is 0: nothing to set. */
		return set_option(r, options, OPTC_TUN_NOCSUM);
	case TAG_TUN_CSUM:
		ce->tun_flags |= TUN_FLAG_CSUM;
		return set_option(r, options, OPTC_TUN_CSUM);
	case TAG_TUN_REMCSUM:
		ce->tun_flags |= TUN_FLAG_REMCSUM;
		return set_option(r, options, OPTC_TUN_REMCSUM);
	}
	return adm_fail(r, 2, "invalid option `%s'", p->argv[p->last]);
}

/*
 * parse_options(): fills ce, options and format. Returns 0, -1 after a
 * popt error (printed; ipvsadm then returns -1 without exiting), or -1
 * with r->exiting.
 */
static int parse_options(struct adm_run *r, int argc, char **argv,
			 struct adm_cmd *ce, unsigned long long *options,
			 unsigned *format)
{
	struct popt p = { .argc = argc, .argv = argv, .next = 1 };
	char sched_flags_arg[128] = "";
	const char *a0, *a1, *a2;
	int c, v = 0, err = 0;
	unsigned flags = 0;

	p.left = calloc((size_t)argc + 1, sizeof(char *));
	if (!p.left)
		return adm_fail(r, 1, "ipvsadm: out of memory");
	c = popt_next(&p);
	if (c < 0) {
		err = tryhelp_exit(r, argv[0]);
		goto out;
	}
	err = parse_command(r, &p, c, ce);
	if (err)
		goto out;
	while ((c = popt_next(&p)) >= 0) {
		err = parse_one(r, &p, c, ce, options, format,
				sched_flags_arg);
		if (err)
			goto out;
	}
	if (c < POPT_END) {
		sbuf_addf(r->err, "%s: %s\n", argv[p.last], popt_strerror(c));
		err = -1;
		goto out;
	}
	if (ce->cmd == CMD_TIMEOUT) {
		if (!(a0 = popt_get_arg(&p)) || !(a1 = popt_get_arg(&p)) ||
		    !(a2 = popt_get_arg(&p))) {
			err = adm_fail(r, 2, "--set option requires 3 timeout "
				       "values");
			goto out;
		}
		if (parse_timeout(r, a0, 0, MAX_TIMEOUT, &v) ||
		    (ce->timeout.tcp = v, 0) ||
		    parse_timeout(r, a1, 0, MAX_TIMEOUT, &v) ||
		    (ce->timeout.tcp_fin = v, 0) ||
		    parse_timeout(r, a2, 0, MAX_TIMEOUT, &v)) {
			err = -1;
			goto out;
		}
		ce->timeout.udp = v;
	}
	a0 = popt_get_arg(&p);
	if (a0) {
		err = adm_fail(r, 2, "unexpected argument %s", a0);
		goto out;
	}
	if (sched_flags_arg[0]) {
		ce->svc.flags &= ~(unsigned)(LB_SVC_F_SCHED1 |
					     LB_SVC_F_SCHED2 |
					     LB_SVC_F_SCHED3);
		err = parse_sched_flags(r, ce->svc.sched_name, sched_flags_arg,
					&flags);
		if (err)
			goto out;
		ce->svc.flags |= flags;
	}
out:
	free(p.left);
	return err;
}

static int process_options(struct adm_run *r, int argc, char **argv,
			   const char *input, int reading_stdin);

/*
 * restore_table(): each line of input is one ipvsadm command (the word
 * "ipvsadm" is dropped wherever it stands), as config_stream_read() reads
 * stdin. Returns the last line's result.
 */
static int restore_table(struct adm_run *r, char *prog, const char *input,
			 int reading_stdin)
{
	const char *p = input ? input : "";
	int result = 0;

	if (reading_stdin)
		return tryhelp_exit(r, prog);
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *line, **av, *tok, *save = NULL;
		int ac = 0;

		/* A last line without its newline that ends in blanks is
		 * dropped, as config_stream_read() drops it. */
		if (!eol && len && strchr(" \t\r", p[len - 1]))
			break;
		line = strndup(p, len);
		av = calloc(len / 2 + 3, sizeof(char *));
		if (!line || !av) {
			free(line);
			free(av);
			return adm_fail(r, 1, "ipvsadm: out of memory");
		}
		av[ac++] = prog;
		for (tok = strtok_r(line, " \t\r", &save); tok;
		     tok = strtok_r(NULL, " \t\r", &save))
			if (strcmp(tok, "ipvsadm"))
				av[ac++] = tok;
		if (ac > 1)
			result = process_options(r, ac, av, NULL, 1);
		free(av);
		free(line);
		if (r->exiting)
			return -1;
		p += len + (eol ? 1 : 0);
	}
	return result;
}

/* The service key of a -Z: NULL ("all") when nothing names a service. */
static const struct lb_svc_conf *zero_key(const struct lb_svc_conf *s)
{
	static const uint32_t zero[4];

	if (s->fwmark || memcmp(s->addr.all, zero, sizeof(zero)) || s->port)
		return s;
	return NULL;
}

static int kernel_err(struct adm_run *r, enum adm_op op, int err)
{
	sbuf_addf(r->err, "%s\n", adm_strerror(op, -err));
	return -1;
}

static int process_options(struct adm_run *r, int argc, char **argv,
			   const char *input, int reading_stdin)
{
	struct adm_cmd ce;
	unsigned long long options = 0;
	unsigned format = 0, fwd;
	int err = 0;

	memset(&ce, 0, sizeof(ce));
	ce.dest.weight = 1;
	ce.dest.conn_flags = LB_FWD_DROUTE;
	ce.svc.netmask = 0xffffffffu;

	if (parse_options(r, argc, argv, &ce, &options, &format))
		return -1;
	if (generic_opt_check(r, ce.cmd, options))
		return -1;

	if (ce.cmd == CMD_ADD || ce.cmd == CMD_EDIT) {
		if (!ce.svc.fwmark && !ce.svc.port &&
		    !(ce.svc.flags & LB_SVC_F_PERSISTENT))
			return adm_fail(r, 2, "Zero port specified for "
					"non-persistent service");
		if ((ce.svc.flags & LB_SVC_F_ONEPACKET) && !ce.svc.fwmark &&
		    ce.svc.protocol != PROTO_UDP)
			return adm_fail(r, 2, "One-Packet Scheduling is only "
					"for UDP virtual services");
		if (!ce.svc.sched_name[0])
			strcpy(ce.svc.sched_name, DEF_SCHED);
	}

	fwd = ce.dest.conn_flags & LB_FWD_MASK;
	if (ce.cmd == CMD_ADDDEST || ce.cmd == CMD_EDITDEST) {
		if (!ce.svc.fwmark &&
		    (fwd == LB_FWD_TUNNEL || fwd == LB_FWD_DROUTE))
			ce.dest.port = ce.svc.port;
		if (ce.dest.af != ce.svc.af && fwd != LB_FWD_TUNNEL)
			return adm_fail(r, 2, "Different address family is "
					"allowed only for tunneling servers");
		if ((options & (OPT(OPTC_TUN_TYPE) | OPT(OPTC_TUN_PORT) |
				OPT(OPTC_TUN_NOCSUM) | OPT(OPTC_TUN_CSUM) |
				OPT(OPTC_TUN_REMCSUM))) &&
		    fwd != LB_FWD_TUNNEL)
			return adm_fail(r, 2, "Tunnel options conflict with "
					"forward method");
		if (tunnel_opt_check(r, ce.dest.tun_type, options))
			return -1;
		ce.dest.tun_flags = (uint16_t)(
			((ce.tun_flags & TUN_FLAG_CSUM) ? LB_TUN_F_CSUM : 0) |
			((ce.tun_flags & TUN_FLAG_REMCSUM) ?
			 LB_TUN_F_REMCSUM : 0));
	}

	switch (ce.cmd) {
	case CMD_LIST:
		if (((options & (OPT(OPTC_CONNECTION) | OPT(OPTC_TIMEOUT) |
				 OPT(OPTC_DAEMON))) &&
		     (options & (OPT(OPTC_STATS) | OPT(OPTC_RATE) |
				 OPT(OPTC_THRESHOLDS)))) ||
		    ((options & (OPT(OPTC_TIMEOUT) | OPT(OPTC_DAEMON))) &&
		     (options & OPT(OPTC_PERSISTENTCONN))))
			return adm_fail(r, 2, "options conflicts in the list "
					"command");
		if (options & OPT(OPTC_CONNECTION))
			err = adm_list_conn(r, format);
		else if (options & OPT(OPTC_SERVICE))
			err = adm_list_service(r, &ce.svc, format);
		else if (options & OPT(OPTC_TIMEOUT))
			err = adm_list_timeout(r);
		else if (options & OPT(OPTC_DAEMON))
			err = adm_list_daemon(r);
		else
			err = adm_list_all(r, format);
		return err ? -1 : 0;
	case CMD_RESTORE:
		return restore_table(r, argv[0], input, reading_stdin);
	case CMD_SAVE:
		return adm_list_all(r, format | ADM_FMT_RULE) ? -1 : 0;
	case CMD_FLUSH:
		err = lb_flush(r->net);
		return err ? kernel_err(r, ADM_OP_FLUSH, err) : 0;
	case CMD_ADD:
		err = lb_svc_add(r->net, &ce.svc);
		return err ? kernel_err(r, ADM_OP_ADD_SERVICE, err) : 0;
	case CMD_EDIT:
		err = lb_svc_edit(r->net, &ce.svc);
		return err ? kernel_err(r, ADM_OP_UPDATE_SERVICE, err) : 0;
	case CMD_DEL:
		err = lb_svc_del(r->net, &ce.svc);
		return err ? kernel_err(r, ADM_OP_DEL_SERVICE, err) : 0;
	case CMD_ZERO:
		err = lb_zero(r->net, zero_key(&ce.svc));
		return err ? kernel_err(r, ADM_OP_ZERO_SERVICE, err) : 0;
	case CMD_ADDDEST:
		err = lb_dest_add(r->net, &ce.svc, &ce.dest);
		return err ? kernel_err(r, ADM_OP_ADD_DEST, err) : 0;
	case CMD_EDITDEST:
		err = lb_dest_edit(r->net, &ce.svc, &ce.dest);
		return err ? kernel_err(r, ADM_OP_UPDATE_DEST, err) : 0;
	case CMD_DELDEST:
		err = lb_dest_del(r->net, &ce.svc, &ce.dest);
		return err ? kernel_err(r, ADM_OP_DEL_DEST, err) : 0;
	case CMD_TIMEOUT:
		err = lb_timeouts_set(r->net, &ce.timeout);
		return err ? kernel_err(r, ADM_OP_SET_TIMEOUT, err) : 0;
	case CMD_STARTDAEMON:
	case CMD_STOPDAEMON:
		return adm_fail(r, 1, "%s: the connection synchronization "
				"daemon (--%s) is not supported yet",
				argv[0], cmdnames[ce.cmd - 1]);
	}
	return 0;
}

/* The exit code of an invocation that ended with result. */
static int exit_code(const struct adm_run *r, int result)
{
	return (r->exiting ? r->code : result) & 0xff;
}

static int ipvsadm(struct adm_run *r, int argc, char **argv,
		   const char *input)
{
	int result;

	r->prog = argv[0];
	if (argc == 1)
		result = adm_list_all(r, 0) ? -1 : 0;
	else
		result = process_options(r, argc, argv, input, 0);
	return exit_code(r, result);
}

/* ipvsadm-save [-n]: the script around `ipvsadm -S [-n]`. */
static int ipvsadm_save(struct adm_run *r, int argc, char **argv)
{
	char a0[] = "ipvsadm", a1[] = "-S", a2[] = "-n";
	char *av[] = { a0, a1, a2, NULL };
	const char *b = strrchr(argv[0], '/');
	bool numeric = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n")) {
			numeric = true;
		} else if (argv[i][0] == '-') {
			sbuf_addf(r->err, "%s: Script to save the IPVS table "
				  "to stdout.\n   With the -n option, prints "
				  "out the table in numeric format.\n",
				  b ? b + 1 : argv[0]);
			return 1;
		}
	}
	return ipvsadm(r, numeric ? 3 : 2, av, NULL);
}

/*
 * ipvsadm-restore: drops the lines that start with '#', clears the table
 * (`ipvsadm -C`), then feeds the rest to `ipvsadm -R` as the script's
 * echo "$(grep -v '^#')" does (trailing newlines become one).
 */
static int ipvsadm_restore(struct adm_run *r, const char *input)
{
	char a0[] = "ipvsadm", a1[] = "-C", a2[] = "-R";
	char *clear[] = { a0, a1, NULL }, *restore[] = { a0, a2, NULL };
	struct sbuf text = SBUF_INIT;
	const char *p = input ? input : "";
	struct adm_run c = *r;
	int rc;

	sbuf_adds(&text, "");
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p + 1) : strlen(p);

		if (p[0] != '#')
			sbuf_addn(&text, p, len);
		p += len;
	}
	while (text.len && text.s[text.len - 1] == '\n')
		text.s[--text.len] = '\0';
	sbuf_addc(&text, '\n');
	c.exiting = false;
	(void)ipvsadm(&c, 2, clear, NULL);
	rc = ipvsadm(r, 2, restore, sbuf_str(&text));
	sbuf_free(&text);
	return rc;
}

int ctl_ipvsadm_main(struct net *net, int argc, char **argv,
		     const char *input, struct sbuf *out, struct sbuf *err)
{
	struct adm_run r = { .net = net, .out = out, .err = err };
	const char *tool = strrchr(argv[0], '/');

	tool = tool ? tool + 1 : argv[0];
	if (!strcmp(tool, "ipvsadm-save"))
		return ipvsadm_save(&r, argc, argv);
	if (!strcmp(tool, "ipvsadm-restore"))
		return ipvsadm_restore(&r, input);
	return ipvsadm(&r, argc, argv, input);
}
