# shellcheck shell=bash
# The namespace bench's topology, shared by bench/kernel.sh and
# bench/lb-kernel.sh (sourced): a generator, a router and a sink
# namespace named after PREFIX, veths g0-r0 and r1-s1 with fixed MACs,
# offloads off, two queues each way (AF_XDP binds one socket per receive
# queue; a veth's receive queue is the sender's transmit queue), IPv6 off;
# TMP a private directory; the EXIT trap stops the daemon (DPID) and
# removes it all. Addresses are the caller's.
# Use: . bench/netns.sh; bench_netns_up PREFIX
bench_netns_cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	for n in $GEN $RTR $SINK; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$TMP"
}

bench_netns_up() {
	local n d
	GEN=${1}g RTR=${1}r SINK=${1}s
	TMP=$(mktemp -d)
	DPID=""
	trap bench_netns_cleanup EXIT
	for n in $GEN $RTR $SINK; do
		ip netns add "$n"
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ip -n "$n" link set lo up
	done
	ip link add g0 netns $GEN numtxqueues 2 numrxqueues 2 type veth \
		peer r0 netns $RTR numtxqueues 2 numrxqueues 2
	ip link add s1 netns $SINK numtxqueues 2 numrxqueues 2 type veth \
		peer r1 netns $RTR numtxqueues 2 numrxqueues 2
	ip -n $GEN link set g0 address 02:00:00:00:01:01
	ip -n $RTR link set r0 address 02:00:00:00:00:01
	ip -n $RTR link set r1 address 02:00:00:00:00:02
	ip -n $SINK link set s1 address 02:00:00:00:01:02
	for d in "$GEN g0" "$RTR r0" "$RTR r1" "$SINK s1"; do
		set -- $d
		ip netns exec "$1" ethtool -K "$2" tx off rx off tso off \
			gso off gro off >/dev/null 2>&1 || true
		ip -n "$1" link set "$2" up
	done
}
