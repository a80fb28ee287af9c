// SPDX-License-Identifier: MIT
/*
 * Placeholder until the reassembly engine lands (branch defrag): enabling
 * registers nothing, so fragments reach tracking unassembled and are
 * INVALID there ("fragment not reassembled"). Control path.
 */
#include "ct/defrag.h"

int ct_defrag_enable(struct net *net)
{
	(void)net;
	return 0;
}

void ct_defrag_disable(struct net *net)
{
	(void)net;
}
