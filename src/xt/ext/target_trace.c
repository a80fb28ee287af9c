// SPDX-License-Identifier: MIT
/*
 * TRACE target (libxt_TRACE + the kernel's xt_TRACE): marks the packet so
 * that every rule it passes from now on is reported (the xt core writes
 * the kernel's "TRACE: table:chain:type:rulenum" log lines and trace
 * events for packets with pkt->trace set). No options; raw table only.
 * target() is data path and touches only pkt->trace.
 */
#include "xt/ext.h"

#include "base/compiler.h"
#include "pkt/pkt.h"

static const struct xt_option trace_opts[] = {
	{ NULL },
};

static unsigned trace_target(struct pkt *pkt, const void *data,
			     struct xt_action *act)
{
	pkt->trace = true;
	return XT_CONTINUE;
}

static const struct xt_ext_ops trace_target_ops = {
	.name = "TRACE",
	.is_target = true,
	.size = 0,
	.opts = trace_opts,
	.table = "raw",
	.target = trace_target,
};

static void NS_CONSTRUCTOR reg(void)
{
	xt_ext_register(&trace_target_ops);
}
