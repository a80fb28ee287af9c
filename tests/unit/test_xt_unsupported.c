// SPDX-License-Identifier: MIT
/*
 * What netsieve does not implement yet, through the tools: the CT
 * target's options the tracking core cannot honour fail with iptables'
 * own words and exit code, then one line "netsieve: <what> is not
 * supported yet" (the nat table and the NAT targets, implemented now,
 * fail only as the kernel makes them fail);
 * nothing changes; extensions only known by name say so
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
	/* The NAT targets: the kernel's refusals only (not in filter). */
	expect(e, "iptables -A INPUT -j SNAT --to-source 1.1.1.1", 1,
	       "iptables: Invalid argument. Run `dmesg' for more "
	       "information.\n");
	expect(e, "iptables -A INPUT -j SNAT", 2,
	       "iptables v1.8.9 (legacy): SNAT: option "
	       "\"--to-source\" must be specified\n\nTry `iptables -h' or "
	       "'iptables --help' for more information.\n");
	expect(e, "iptables -A INPUT -j MASQUERADE --to-ports 80", 2,
	       "iptables v1.8.9 (legacy): Need TCP, UDP, "
	       "SCTP or DCCP with port specification\nTry `iptables -h' or "
	       "'iptables --help' for more information.\n");
	expect(e, "iptables -A INPUT -p tcp -j DNAT --to-destination "
	       "1.1.1.1:80", 1, "iptables: Invalid argument. Run `dmesg' for "
	       "more information.\n");
	/*
	 * CT options the tracking core cannot honour yet: the kernel's
	 * error for a missing helper or policy, EOPNOTSUPP for the others,
	 * and the line naming what is missing.
	 */
	expect(e, "iptables -t raw -A PREROUTING -p udp -j CT --helper sip", 1,
	       "iptables: No chain/target/match by that name.\n"
	       NOT_YET("the CT target's --helper (only ftp and tftp "
		       "helpers)"));
	expect(e, "iptables -t raw -A PREROUTING -p tcp -j CT --helper ftp", 0,
	       "");
	expect(e, "iptables -t raw -A PREROUTING -p udp -j CT --timeout t", 1,
	       "iptables: No chain/target/match by that name.\n"
	       NOT_YET("the CT target's --timeout (timeout policies)"));
	expect(e, "iptables -t raw -A PREROUTING -j CT --ctevents new", 1,
	       "iptables: Operation not supported.\n"
	       NOT_YET("the CT target's event masks (--ctevents, "
		       "--expevents)"));
	expect(e, "iptables -t raw -A OUTPUT -j CT --zone-reply 2", 1,
	       "iptables: Operation not supported.\n"
	       NOT_YET("the CT target's zone by direction or by mark"));
	/* What the kernel itself refuses gets no such line. */
	expect(e, "iptables -t raw -A OUTPUT -j CT --helper ftp", 1,
	       "iptables: No chain/target/match by that name.\n");
	expect(e, "iptables -t raw -A OUTPUT -j CT --timeout t", 1,
	       "iptables: Invalid argument. Run `dmesg' for more "
	       "information.\n");
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
		       "-A INPUT -j DNAT --to-destination 1.1.1.1\nCOMMIT\n", 1,
		       "iptables-restore: line 4 failed\n");
	expect_restore(e, "iptables-restore --noflush",
		       "*raw\n-A OUTPUT -j CT --zone mark\nCOMMIT\n", 1,
		       "iptables-restore: line 3 failed\n"
		       NOT_YET("the CT target's zone by direction or by "
			       "mark"));
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
