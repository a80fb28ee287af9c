// SPDX-License-Identifier: MIT
/*
 * Extensions iptables 1.8.9 ships and netsieve does not implement yet,
 * known by name only (xt_ext_iptables_has()): netsieve refuses them as
 * iptables refuses an extension it has no library for, and the tools add
 * that it does not support them yet. (The framework's `unsupported` ops,
 * an extension that loads and parses as on a kernel without its module,
 * has no user left since connection tracking and NAT arrived.) Control
 * path only.
 */
#include "xt/ext.h"

#include <string.h>

/*
 * Every other match and target iptables 1.8.9 ships a library for (IPv4):
 * netsieve refuses them by name, as iptables refuses an extension it has
 * no library for, and says it does not support them yet.
 */
static const char *const other_matches[] = {
	"ah", "bpf", "cgroup", "cluster", "connlabel", "cpu", "dccp",
	"devgroup", "ecn", "esp", "hashlimit",
	"ipcomp", "ipvs", "nfacct", "osf", "owner", "physdev", "policy",
	"quota", "realm", "recent", "rpfilter", "sctp", "set",
	"socket", "string", "tcpmss", "time", "u32", NULL,
};
static const char *const other_targets[] = {
	"CHECKSUM", "CLASSIFY", "CLUSTERIP", "CONNSECMARK", "ECN",
	"HMARK", "IDLETIMER", "LED", "NFLOG", "NFQUEUE", "SECMARK",
	"SET", "SYNPROXY", "TCPOPTSTRIP", "TEE", "TPROXY", "ULOG",
	NULL,
};

bool xt_ext_iptables_has(const char *name, bool target)
{
	const char *const *n;

	for (n = target ? other_targets : other_matches; *n; n++)
		if (!strcmp(*n, name))
			return true;
	return false;
}

