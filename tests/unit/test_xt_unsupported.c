// SPDX-License-Identifier: MIT
/*
 * What netsieve does not implement yet, through the tools: -t nat and the
 * conntrack/NAT extensions fail with iptables' own words and exit code on
 * a kernel without the module, then one line "netsieve: <what> is not
 * supported yet"; nothing changes; extensions only known by name say so
 * too; unknown names get no such line. (tests/cli compares the same text
 * with iptables-legacy itself.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <netsieve/netsieve.h>

#include "cmd_env.h"

#define WARN(x) "Warning: Extension " x " revision 0 not supported, " \
		"missing kernel module?\n"
#define NOT_YET(x) "netsieve: " x " is not supported yet\n"

static void expect(struct env *e, const char *line, int rc, const char *err)
{
	int got = run(e, line);

	if (got != rc || strcmp(sbuf_str(&e->err), err))
		fail_msg("%s: rc %d, want %d; stderr:\n%s--- want:\n%s", line,
			 got, rc, sbuf_str(&e->err), err);
}

static void expect_restore(struct env *e, const char *line, const char *in,
			   int rc, const char *err)
{
	int got;

	sbuf_reset(&e->out);
	sbuf_reset(&e->err);
	got = ctl_exec_line(e->net, line, in, &e->out, &e->err);
	if (got != rc || strcmp(sbuf_str(&e->err), err))
		fail_msg("%s: rc %d, want %d; stderr:\n%s--- want:\n%s", line,
			 got, rc, sbuf_str(&e->err), err);
}

static void test_nat_table(void **state)
{
	struct env *e = *state;

	/* src/nat runs the nat table: it is there. */
	expect(e, "iptables -t nat -A POSTROUTING -j SNAT --to-source 1.1.1.1",
	       0, "");
	expect(e, "iptables-save -t nat", 0, "");
	/* A table nobody knows is only iptables' error. */
	expect(e, "iptables -t bogus -L", 3,
	       "iptables v1.8.9 (legacy): can't initialize iptables table "
	       "`bogus': Table does not exist (do you need to insmod?)\n"
	       "Perhaps iptables or your kernel needs to be upgraded.\n");
}

static void test_extensions(void **state)
{
	struct env *e = *state;

	ok(e, "iptables -A INPUT -s 1.2.3.4");
	expect(e, "iptables -A INPUT -m state --state NEW -j ACCEPT", 1,
	       WARN("state") "iptables: No chain/target/match by that name.\n"
	       NOT_YET("the state match"));
	expect(e, "iptables -I INPUT -m conntrack ! --ctstate INVALID", 1,
	       WARN("conntrack") "iptables: No chain/target/match by that "
	       "name.\n" NOT_YET("the conntrack match"));
	expect(e, "iptables -A INPUT -m state", 2,
	       WARN("state") "iptables v1.8.9 (legacy): state: option "
	       "\"--state\" must be specified\n\nTry `iptables -h' or "
	       "'iptables --help' for more information.\n"
	       NOT_YET("the state match"));
	expect(e, "iptables -A INPUT -m state --state NEW -m state --state NEW",
	       1, WARN("state") "Warning: Extension state is not supported, "
	       "missing kernel module?\niptables: No chain/target/match by "
	       "that name.\n" NOT_YET("the state match"));
	/* The NAT targets are implemented: their own errors only. */
	expect(e, "iptables -A INPUT -j MASQUERADE --to-ports 80", 2,
	       "iptables v1.8.9 (legacy): Need TCP, UDP, "
	       "SCTP or DCCP with port specification\nTry `iptables -h' or "
	       "'iptables --help' for more information.\n");
	expect(e, "iptables -A INPUT -p tcp -j DNAT --to-destination "
	       "1.1.1.1:80", 1, "iptables: Invalid argument. Run `dmesg' for "
	       "more information.\n");
	expect(e, "iptables -C INPUT -m state --state NEW", 1,
	       WARN("state") "iptables: Bad rule (does a matching rule exist "
	       "in that chain?).\n" NOT_YET("the state match"));
	expect(e, "iptables -t raw -A PREROUTING -j NOTRACK", 1,
	       WARN("CT") "Notice: The NOTRACK target is converted into CT "
	       "target in rule listing and saving.\n"
	       "iptables: No chain/target/match by that name.\n"
	       NOT_YET("the NOTRACK target"));
	/* -N only looks at the name: no "not supported" line. */
	expect(e, "iptables -N SNAT", 2,
	       "iptables v1.8.9 (legacy): chain name may not "
	       "clash with target name\nTry `iptables -h' or 'iptables "
	       "--help' for more information.\n");
	/* Known by name only, and unknown. */
	expect(e, "iptables -A INPUT -m owner --uid-owner 0", 2,
	       "iptables v1.8.9 (legacy): Couldn't load match `owner':No such "
	       "file or directory\n\nTry `iptables -h' or 'iptables --help' "
	       "for more information.\n" NOT_YET("the owner match"));
	expect(e, "iptables -A INPUT -j NFQUEUE", 2,
	       "iptables v1.8.9 (legacy): Couldn't load target `NFQUEUE':No "
	       "such file or directory\n\nTry `iptables -h' or 'iptables "
	       "--help' for more information.\n" NOT_YET("the NFQUEUE target"));
	expect(e, "iptables -A INPUT -m bogus", 2,
	       "iptables v1.8.9 (legacy): Couldn't load match `bogus':No such "
	       "file or directory\n\nTry `iptables -h' or 'iptables --help' "
	       "for more information.\n");
	/* A restore block: the warning, then the refusal at COMMIT. */
	expect_restore(e, "iptables-restore --noflush",
		       "*filter\n-A INPUT -s 9.9.9.9\n"
		       "-A INPUT -m conntrack --ctstate NEW\nCOMMIT\n", 1,
		       WARN("conntrack") "iptables-restore: line 4 failed\n"
		       NOT_YET("the conntrack match"));
	/* Nothing changed. */
	ok(e, "iptables -S");
	assert_string_equal(sbuf_str(&e->out),
			    "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n"
			    "-P OUTPUT ACCEPT\n-A INPUT -s 1.2.3.4/32\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nat_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_extensions, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
