// SPDX-License-Identifier: MIT
/*
 * Who may reach the tables. iptables meets the kernel's permission check
 * at iptc_init() (and iptables-save at /proc/net/ip_tables_names); a net
 * marked with xt_net_deny() refuses there, so a command run for a user
 * who cannot reach the daemon fails at the point, and with the words, of
 * iptables run by a user who is not root. Control path.
 */
#include "xt/xt_int.h"

#include "base/compiler.h"
#include "core/net.h"
#include "xt/ext.h"
#include "xt/xt.h"

#include <errno.h>
#include <string.h>

void xt_net_deny(struct net *net, int errnum)
{
	if (net->xt)
		net->xt->deny = errnum;
}

bool xt_net_kernel_used(const struct net *net)
{
	return net->xt && net->xt->kernel_used;
}

int xt_kernel_open(struct xt_net *xn)
{
	xn->kernel_used = true;
	return xn->deny ? -xn->deny : 0;
}

const char *xt_kernel_strerror(int errnum)
{
	/* iptc_strerror()'s words for iptc_init(). */
	switch (errnum) {
	case EPERM:
		return "Permission denied (you must be root)";
	case ENOENT:
		return "Table does not exist (do you need to insmod?)";
	case ENOMEM:
		return "Memory allocation problem";
	}
	return strerror(errnum);
}

/*
 * libxtables asks the kernel which revision of an extension it has when
 * its library offers several (compatible_revision()); a user who is not
 * root cannot ask, and iptables says so and takes the highest. These are
 * 1.8.9's libraries with more than one revision, under the name the
 * kernel knows them by.
 */
static const struct {
	const char *name;
	bool target;
	const char *real_name;
	unsigned revision;
} revisions[] = {
	{ "addrtype", false, NULL, 1 },
	{ "iprange", false, NULL, 1 },
	{ "mark", false, NULL, 1 },
	{ "multiport", false, NULL, 1 },
	{ "tos", false, NULL, 1 },
	{ "conntrack", false, NULL, 3 },
	{ "state", false, "conntrack", 3 },
	{ "connmark", false, NULL, 1 },
	{ "connlimit", false, NULL, 1 },
	{ "MARK", true, NULL, 2 },
	{ "TOS", true, NULL, 1 },
	{ "DNAT", true, NULL, 2 },
	{ "CONNMARK", true, NULL, 2 },
	{ "CT", true, NULL, 2 },
	{ "NOTRACK", true, "CT", 2 },
};

void xt_kernel_revision_warn(const struct xt_net *xn,
			     const struct xt_ext_ops *ops, struct sbuf *warn)
{
	size_t i;

	if (!xn->deny || !warn)
		return;
	for (i = 0; i < ARRAY_SIZE(revisions); i++)
		if (revisions[i].target == ops->is_target &&
		    !strcmp(revisions[i].name, ops->name))
			sbuf_addf(warn, "%s: Could not determine whether "
				  "revision %u is supported, assuming it "
				  "is.\n", revisions[i].real_name ?
				  revisions[i].real_name : revisions[i].name,
				  revisions[i].revision);
}
