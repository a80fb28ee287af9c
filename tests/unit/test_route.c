// SPDX-License-Identifier: MIT
/*
 * Routing, addresses and neighbours through the `ip` tool: the outputs and
 * error messages are those iproute2 6.1 printed for the same commands on
 * Linux (recorded in network namespaces), plus longest-prefix match,
 * metrics, route types, source selection and stack_addr_type().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "stack_harness.h"

#include "stack/internal.h"

static int setup(void **state)
{
	struct net *net;

	assert_int_equal(ns_net_create(&net), 0);
	assert_int_equal(stack_dev_create(net, "v0", &cap_ops, NULL, NULL), 0);
	assert_int_equal(stack_dev_create(net, "v1", &cap_ops, NULL, NULL), 0);
	*state = net;
	return 0;
}

static int teardown(void **state)
{
	ns_net_destroy(*state);
	return 0;
}

/* Run line, expect rc, stdout and stderr exactly (NULL: don't care). */
static void expect(struct net *net, const char *line, int rc,
		   const char *out, const char *err)
{
	char *o = NULL, *e = NULL;
	int r = ns_exec(net, line, &o, &e);

	if (r != rc || (out && strcmp(o ? o : "", out)) ||
	    (err && strcmp(e ? e : "", err)))
		fprintf(stderr, "line: %s\nrc=%d want %d\nout:\n%s\nerr:\n%s\n",
			line, r, rc, o ? o : "", e ? e : "");
	assert_int_equal(r, rc);
	if (out)
		assert_string_equal(o ? o : "", out);
	if (err)
		assert_string_equal(e ? e : "", err);
	free(o);
	free(e);
}

static void test_addr_and_connected_routes(void **state)
{
	struct net *net = *state;

	expect(net, "ip addr add 10.0.0.1/24 dev v0", 0, "", "");
	expect(net, "ip addr add 10.0.0.1/24 dev v0", 2, "",
	       "Error: ipv4: Address already assigned.\n");
	expect(net, "ip addr add 10.0.0.2/24 dev v0", 0, "", "");
	expect(net, "ip addr add 10.0.1.1/24 brd + dev v0", 0, "", "");
	/* Down: no routes yet. */
	expect(net, "ip route", 0, "", "");
	expect(net, "ip route add 10.9.0.0/16 via 10.0.0.254", 2, "",
	       "Error: Nexthop has invalid gateway.\n");
	expect(net, "ip link set v0 up", 0, "", "");
	expect(net, "ip route", 0,
	       "10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1 \n"
	       "10.0.1.0/24 dev v0 proto kernel scope link src 10.0.1.1 \n",
	       "");
	expect(net, "ip addr show dev v0", 0,
	       "2: v0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n"
	       "    link/ether 02:6e:73:00:00:02 brd ff:ff:ff:ff:ff:ff\n"
	       "    inet 10.0.0.1/24 scope global v0\n"
	       "       valid_lft forever preferred_lft forever\n"
	       "    inet 10.0.1.1/24 brd 10.0.1.255 scope global v0\n"
	       "       valid_lft forever preferred_lft forever\n"
	       "    inet 10.0.0.2/24 scope global secondary v0\n"
	       "       valid_lft forever preferred_lft forever\n", "");
	expect(net, "ip route show table local", 0,
	       "local 10.0.0.1 dev v0 proto kernel scope host src 10.0.0.1 \n"
	       "local 10.0.0.2 dev v0 proto kernel scope host src 10.0.0.1 \n"
	       "broadcast 10.0.0.255 dev v0 proto kernel scope link src 10.0.0.1 \n"
	       "local 10.0.1.1 dev v0 proto kernel scope host src 10.0.1.1 \n"
	       "broadcast 10.0.1.255 dev v0 proto kernel scope link src 10.0.1.1 \n"
	       "local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 \n"
	       "local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 \n"
	       "broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 \n",
	       "");
	expect(net, "ip addr del 10.0.0.99/24 dev v0", 2, "",
	       "Error: ipv4: Address not found.\n");
	/* Deleting the primary takes its secondary along. */
	expect(net, "ip addr del 10.0.0.1/24 dev v0", 0, "", "");
	/* -4: iproute2 leaves out the link/ether line. */
	expect(net, "ip -4 addr show v0", 0,
	       "2: v0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n"
	       "    inet 10.0.1.1/24 brd 10.0.1.255 scope global v0\n"
	       "       valid_lft forever preferred_lft forever\n", "");
	expect(net, "ip route", 0,
	       "10.0.1.0/24 dev v0 proto kernel scope link src 10.0.1.1 \n",
	       "");
	expect(net, "ip -br addr", 0,
	       "lo               UNKNOWN        127.0.0.1/8 \n"
	       "v0               UP             10.0.1.1/24 \n"
	       "v1               DOWN           \n", "");
	expect(net, "ip -br link show v0", 0,
	       "v0               UP             02:6e:73:00:00:02 <BROADCAST,MULTICAST,UP,LOWER_UP> \n", "");
	expect(net, "ip -o -4 addr show dev lo", 0,
	       "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n", "");
	expect(net, "ip addr flush dev v0", 0, "", "");
	expect(net, "ip route", 0, "", "");
}

static void test_route_table(void **state)
{
	struct net *net = *state;

	expect(net, "ip link set v0 up", 0, "", "");
	expect(net, "ip addr add 10.0.0.1/24 dev v0", 0, "", "");
	expect(net, "ip addr add 10.0.0.2/24 dev v0", 0, "", "");
	expect(net, "ip addr add 10.0.1.1/24 dev v0", 0, "", "");
	expect(net, "ip route add 10.9.0.0/16 via 10.0.0.254", 0, "", "");
	expect(net, "ip route add 10.9.0.0/16 via 10.0.0.254", 2, "",
	       "RTNETLINK answers: File exists\n");
	expect(net, "ip route add 10.9.0.0/16 via 10.0.0.254 metric 5", 0, "", "");
	expect(net, "ip route add 10.8.0.0/16 via 10.5.0.254", 2, "",
	       "Error: Nexthop has invalid gateway.\n");
	expect(net, "ip route add 10.7.0.0/16", 2, "",
	       "RTNETLINK answers: No such device\n");
	expect(net, "ip route add 10.7.0.0/16 dev v0", 0, "", "");
	expect(net, "ip route add 10.6.0.0/16 dev d0", 1, "",
	       "Cannot find device \"d0\"\n");
	expect(net, "ip route add 10.6.0.0/16 dev v1", 2, "",
	       "Error: Device for nexthop is not up.\n");
	expect(net, "ip route add default via 10.0.0.254", 0, "", "");
	expect(net, "ip route add blackhole 10.5.0.0/16", 0, "", "");
	expect(net, "ip route add unreachable 10.4.0.0/16", 0, "", "");
	expect(net, "ip route add prohibit 10.3.0.0/16", 0, "", "");
	expect(net, "ip route add 10.2.0.0/16 via 10.0.0.254 src 10.0.0.2", 0, "", "");
	expect(net, "ip route add 10.1.0.0/16 via 10.0.0.254 src 10.77.0.2", 2, "",
	       "Error: Invalid prefsrc address.\n");
	expect(net, "ip route del 10.99.0.0/16", 2, "",
	       "RTNETLINK answers: No such process\n");
	expect(net, "ip route add 10.1.2.3/16 dev v0", 2, "",
	       "Error: Invalid prefix for given prefix length.\n");
	expect(net, "ip route", 0,
	       "default via 10.0.0.254 dev v0 \n"
	       "10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1 \n"
	       "10.0.1.0/24 dev v0 proto kernel scope link src 10.0.1.1 \n"
	       "10.2.0.0/16 via 10.0.0.254 dev v0 src 10.0.0.2 \n"
	       "prohibit 10.3.0.0/16 \n"
	       "unreachable 10.4.0.0/16 \n"
	       "blackhole 10.5.0.0/16 \n"
	       "10.7.0.0/16 dev v0 scope link \n"
	       "10.9.0.0/16 via 10.0.0.254 dev v0 \n"
	       "10.9.0.0/16 via 10.0.0.254 dev v0 metric 5 \n", "");
	expect(net, "ip route get 10.9.1.1", 0,
	       "10.9.1.1 via 10.0.0.254 dev v0 src 10.0.0.1 uid 0 \n    cache \n", "");
	expect(net, "ip route get 10.0.0.1", 0,
	       "local 10.0.0.1 dev lo src 10.0.0.1 uid 0 \n    cache <local> \n", "");
	expect(net, "ip route get 10.0.0.9", 0,
	       "10.0.0.9 dev v0 src 10.0.0.1 uid 0 \n    cache \n", "");
	expect(net, "ip route get 10.5.0.1", 2, "",
	       "RTNETLINK answers: Invalid argument\n");
	expect(net, "ip route get 10.3.0.1", 2, "",
	       "RTNETLINK answers: Permission denied\n");
	expect(net, "ip route get 10.4.0.1", 2, "",
	       "RTNETLINK answers: No route to host\n");
	expect(net, "ip route get 10.2.3.4", 0,
	       "10.2.3.4 via 10.0.0.254 dev v0 src 10.0.0.2 uid 0 \n    cache \n", "");
	expect(net, "ip route get 10.0.0.255", 0,
	       "broadcast 10.0.0.255 dev v0 src 10.0.0.1 uid 0 \n    cache <local,brd> \n", "");
	/* Delete the metric 0 route: the metric 5 one remains. */
	expect(net, "ip route del 10.9.0.0/16", 0, "", "");
	/* Filtered by device: iproute2 does not repeat "dev v0". */
	expect(net, "ip route show dev v0", 0,
	       "default via 10.0.0.254 \n"
	       "10.0.0.0/24 proto kernel scope link src 10.0.0.1 \n"
	       "10.0.1.0/24 proto kernel scope link src 10.0.1.1 \n"
	       "10.2.0.0/16 via 10.0.0.254 src 10.0.0.2 \n"
	       "10.7.0.0/16 scope link \n"
	       "10.9.0.0/16 via 10.0.0.254 metric 5 \n", "");
	/* replace: same prefix and metric is replaced, else added. */
	expect(net, "ip route replace 10.9.0.0/16 via 10.0.0.253 metric 5", 0, "", "");
	expect(net, "ip route replace 10.10.0.0/16 dev v0", 0, "", "");
	expect(net, "ip route get 10.9.0.1", 0,
	       "10.9.0.1 via 10.0.0.253 dev v0 src 10.0.0.1 uid 0 \n    cache \n", "");
	/* Link down removes every route through it; types stay. */
	expect(net, "ip link set v0 down", 0, "", "");
	expect(net, "ip route", 0,
	       "prohibit 10.3.0.0/16 \n"
	       "unreachable 10.4.0.0/16 \n"
	       "blackhole 10.5.0.0/16 \n", "");
	expect(net, "ip route get 1.1.1.1", 2, "",
	       "RTNETLINK answers: Network is unreachable\n");
	expect(net, "ip route flush", 0, "", "");
	expect(net, "ip route", 0, "", "");
	/* onlink: the gateway is not checked against connected routes. */
	expect(net, "ip link set v0 up", 0, "", "");
	expect(net, "ip route add 10.66.0.0/16 via 10.0.9.2 dev v0", 2, "",
	       "Error: Nexthop has invalid gateway.\n");
	expect(net, "ip route add 10.66.0.0/16 via 10.99.1.2 dev v0 onlink", 0, "", "");
	expect(net, "ip route show 10.66.0.0/16", 0,
	       "10.66.0.0/16 via 10.99.1.2 dev v0 onlink \n", "");
	/* Wildcard address deletion, with iproute2's warning. */
	expect(net, "ip addr add 10.0.5.1/24 dev v0", 0, "", "");
	expect(net, "ip addr del 10.0.5.1 dev v0", 0, "",
	       "Warning: Executing wildcard deletion to stay compatible with old scripts.\n"
	       "         Explicitly specify the prefix length (10.0.5.1/32) to avoid this warning.\n"
	       "         This special behaviour is likely to disappear in further releases,\n"
	       "         fix your scripts!\n");
}

static void test_lpm_and_addr_type(void **state)
{
	struct net *net = *state;
	struct netdev *v0, *v1;
	struct rt_result rt;

	expect(net, "ip link set v0 up", 0, "", "");
	expect(net, "ip link set v1 up", 0, "", "");
	expect(net, "ip addr add 10.0.0.1/24 dev v0", 0, "", "");
	expect(net, "ip addr add 10.0.1.1/24 broadcast 10.0.1.200 dev v1", 0, "", "");
	expect(net, "ip route add 10.0.0.0/8 via 10.0.0.2", 0, "", "");
	expect(net, "ip route add 10.20.0.0/16 via 10.0.1.2", 0, "", "");
	expect(net, "ip route add 10.20.30.0/24 via 10.0.0.3", 0, "", "");
	expect(net, "ip route add 10.20.30.40/32 via 10.0.1.4", 0, "", "");
	expect(net, "ip route add default via 10.0.1.9", 0, "", "");
	/* Devices of the current snapshot (each command made a new one). */
	v0 = net_dev_by_name(net, "v0");
	v1 = net_dev_by_name(net, "v1");
	assert_int_equal(route_lookup(net, A("10.20.30.40"), &rt), 0);
	assert_int_equal(rt.gw.ip, A("10.0.1.4"));
	assert_int_equal(route_lookup(net, A("10.20.30.41"), &rt), 0);
	assert_int_equal(rt.gw.ip, A("10.0.0.3"));
	assert_ptr_equal(rt.dev, v0);
	assert_int_equal(route_lookup(net, A("10.20.31.1"), &rt), 0);
	assert_int_equal(rt.gw.ip, A("10.0.1.2"));
	assert_ptr_equal(rt.dev, v1);
	assert_int_equal(rt.src.ip, A("10.0.1.1"));
	assert_int_equal(route_lookup(net, A("10.99.0.1"), &rt), 0);
	assert_int_equal(rt.gw.ip, A("10.0.0.2"));
	assert_int_equal(route_lookup(net, A("10.0.1.77"), &rt), 0);
	assert_int_equal(rt.gw.ip, 0);
	assert_int_equal(rt.nexthop.ip, A("10.0.1.77"));
	assert_int_equal(route_lookup(net, A("192.0.2.1"), &rt), 0);
	assert_int_equal(rt.gw.ip, A("10.0.1.9"));

	assert_int_equal(stack_addr_type(net, A("10.0.0.1"), NULL), RTN_LOCAL);
	assert_int_equal(stack_addr_type(net, A("10.0.0.1"), v0), RTN_LOCAL);
	assert_int_equal(stack_addr_type(net, A("10.0.0.1"), v1), RTN_UNICAST);
	assert_int_equal(stack_addr_type(net, A("10.0.0.255"), NULL), RTN_BROADCAST);
	assert_int_equal(stack_addr_type(net, A("10.0.1.200"), NULL), RTN_BROADCAST);
	assert_int_equal(stack_addr_type(net, A("10.0.1.255"), NULL), RTN_BROADCAST);
	assert_int_equal(stack_addr_type(net, A("255.255.255.255"), NULL), RTN_BROADCAST);
	assert_int_equal(stack_addr_type(net, A("0.0.0.0"), NULL), RTN_BROADCAST);
	assert_int_equal(stack_addr_type(net, A("224.0.0.5"), NULL), RTN_MULTICAST);
	assert_int_equal(stack_addr_type(net, A("127.0.0.1"), NULL), RTN_LOCAL);
	assert_int_equal(stack_addr_type(net, A("127.1.2.3"), NULL), RTN_LOCAL);
	assert_int_equal(stack_addr_type(net, A("8.8.8.8"), NULL), RTN_UNICAST);
	/* A down interface's addresses are not local any more. */
	expect(net, "ip link set v1 down", 0, "", "");
	assert_int_equal(stack_addr_type(net, A("10.0.1.1"), NULL), RTN_UNICAST);
}

static void test_link_tool(void **state)
{
	struct net *net = *state;

	expect(net, "ip link show", 0,
	       "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n"
	       "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
	       "2: v0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
	       "    link/ether 02:6e:73:00:00:02 brd ff:ff:ff:ff:ff:ff\n"
	       "3: v1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
	       "    link/ether 02:6e:73:00:00:03 brd ff:ff:ff:ff:ff:ff\n", "");
	expect(net, "ip link set v0 up mtu 1400 address 02:00:00:00:aa:bb", 0, "", "");
	expect(net, "ip link show v0", 0,
	       "2: v0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n"
	       "    link/ether 02:00:00:00:aa:bb brd ff:ff:ff:ff:ff:ff\n", "");
	expect(net, "ip link set nope up", 1, "", "Cannot find device \"nope\"\n");
	expect(net, "ip -s link show v0", 0,
	       "2: v0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n"
	       "    link/ether 02:00:00:00:aa:bb brd ff:ff:ff:ff:ff:ff\n"
	       "    RX:  bytes packets errors dropped  missed   mcast           \n"
	       "             0       0      0       0       0       0 \n"
	       "    TX:  bytes packets errors dropped carrier collsns           \n"
	       "             0       0      0       0       0       0 \n", "");
	expect(net, "ip link set v0 mtu 70000", 2, "",
	       "Error: mtu greater than device maximum.\n");
	expect(net, "ip link set v0 mtu 60", 2, "",
	       "Error: mtu less than device minimum.\n");
	expect(net, "ip link add d0 type dummy", 0, "", "");
	expect(net, "ip link add d0 type dummy", 2, "",
	       "RTNETLINK answers: File exists\n");
	expect(net, "ip link add x0 type nosuchkind", 2, "",
	       "Error: netsieve: link type \"nosuchkind\" is not supported (no such I/O backend in this build).\n");
	expect(net, "ip link set d0 up", 0, "", "");
	expect(net, "ip link show dev d0", 0,
	       "4: d0: <BROADCAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n"
	       "    link/ether 02:6e:73:00:00:04 brd ff:ff:ff:ff:ff:ff\n", "");
	expect(net, "ip link set d0 name d1", 2, "",
	       "RTNETLINK answers: Device or resource busy\n");
	expect(net, "ip link set d0 down", 0, "", "");
	expect(net, "ip link set d0 name v1", 2, "",
	       "RTNETLINK answers: File exists\n");
	expect(net, "ip link set d0 name d1", 0, "", "");
	expect(net, "ip link set d1 name d0", 0, "", "");
	expect(net, "ip link del d0", 0, "", "");
	expect(net, "ip link show d0", 1, "", "Cannot find device \"d0\"\n");
	expect(net, "ip foo", 255, "", "Object \"foo\" is unknown, try \"ip help\".\n");
	expect(net, "ip route foo", 255, "",
	       "Command \"foo\" is unknown, try \"ip route help\".\n");
	expect(net, "ip addr add nonsense dev v0", 1, "",
	       "Error: any valid prefix is expected rather than \"nonsense\".\n");
}

static void test_neigh_tool(void **state)
{
	struct net *net = *state;

	expect(net, "ip link set v0 up", 0, "", "");
	expect(net, "ip addr add 10.0.0.1/24 dev v0", 0, "", "");
	expect(net, "ip neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v0", 0, "", "");
	expect(net, "ip neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v0", 2, "",
	       "RTNETLINK answers: File exists\n");
	expect(net, "ip neigh replace 10.0.0.7 lladdr 02:00:00:00:00:17 dev v0", 0, "", "");
	expect(net, "ip neigh add 10.0.0.8 lladdr 02:00:00:00:00:08 dev v0 nud reachable", 0, "", "");
	expect(net, "ip neigh", 0,
	       "10.0.0.7 dev v0 lladdr 02:00:00:00:00:17 PERMANENT \n"
	       "10.0.0.8 dev v0 lladdr 02:00:00:00:00:08 REACHABLE \n", "");
	expect(net, "ip neigh add 10.0.0.9 dev v0", 2, "",
	       "Error: No link layer address given.\n");
	expect(net, "ip neigh del 10.0.0.99 dev v0", 2, "",
	       "RTNETLINK answers: No such file or directory\n");
	/* flush keeps permanent entries */
	expect(net, "ip neigh flush dev v0", 0, "", "");
	expect(net, "ip neigh show dev v0", 0,
	       "10.0.0.7 lladdr 02:00:00:00:00:17 PERMANENT \n", "");
	expect(net, "ip neigh del 10.0.0.7 dev v0", 0, "", "");
	expect(net, "ip neigh", 0, "", "");
	/* Link down flushes all, permanent ones too. */
	expect(net, "ip neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v0", 0, "", "");
	expect(net, "ip link set v0 down", 0, "", "");
	expect(net, "ip neigh", 0, "", "");
}

/* The hashed lookup against a brute-force longest-prefix match. */
static void test_lpm_random(void **state)
{
	struct net *net = *state;
	struct route *rs = calloc(3000, sizeof(*rs));
	uint32_t seed = 99;
	int n = 0, i, k;

	assert_non_null(rs);
	expect(net, "ip link set v0 up", 0, "", "");
	expect(net, "ip addr add 10.0.0.1/8 dev v0", 0, "", "");
	/* Changes go to a draft; lookups below see it (same thread). */
	assert_non_null(stack_conf_write(net));
	while (n < 3000) {
		struct route r = { .type = RTN_UNICAST, .proto = RTPROT_BOOT,
				   .ifindex = 2, .scope = RT_SCOPE_LINK };

		seed = seed * 1103515245u + 12345u;
		r.plen = (uint8_t)(8 + (seed >> 8) % 25);
		seed = seed * 1103515245u + 12345u;
		r.dst.ip = htonl((seed & 0x00ffffffu) | 0x0a000000u) &
			inet_mask(r.plen);
		r.metric = (seed >> 28) & 3;
		r.gw.ip = htonl(0x0a000000u | (uint32_t)n);
		if (route_add(net, &r, ROUTE_F_EXCL) == 0)
			rs[n++] = r;
	}
	for (k = 0; k < 20000; k++) {
		struct rt_result res;
		const struct route *best = NULL;
		uint32_t d;

		seed = seed * 1103515245u + 12345u;
		d = htonl((seed & 0x00ffffffu) | 0x0a000000u);
		if (k & 1) /* an address inside a known prefix */
			d = rs[(seed >> 4) % 3000].dst.ip | htonl(seed & 0xff);
		for (i = 0; i < n; i++) {
			if ((d & inet_mask(rs[i].plen)) != rs[i].dst.ip)
				continue;
			if (!best || rs[i].plen > best->plen ||
			    (rs[i].plen == best->plen &&
			     rs[i].metric < best->metric))
				best = &rs[i];
		}
		assert_int_equal(route_lookup(net, d, &res), 0);
		if (best)
			assert_int_equal(res.gw.ip, best->gw.ip);
		else
			assert_int_equal(res.gw.ip, 0); /* the connected /8 */
	}
	stack_conf_commit(net);
	free(rs);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_addr_and_connected_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lpm_and_addr_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_tool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neigh_tool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lpm_random, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
