#!/usr/bin/env bash
# Side by side in one run: load balancing N services on the namespace
# bench. This kernel has no IPVS, so the kernel side is what service
# proxies (kube-proxy's iptables mode) do on such hosts: per service a
# rule in nat PREROUTING jumping to the service's chain, which picks one
# of three backends with `-m statistic --mode random` and DNATs to it
# (iptables-legacy). netsieve runs N IPVS services (rr, three masquerading
# real servers) in its daemon (AF_PACKET, one worker pinned to CPU 1).
#
# The traffic is what makes service count matter: every packet a new
# connection (random source address in 10.64.0.0/16 and random source
# port) to the LAST service's port, the worst case for
# a linear rule list; later packets of a connection would skip the nat
# table in the kernel (conntrack keeps the binding) and the lookup in
# netsieve, so new connections are the honest measure. trafgen sends on
# CPU 0, where the kernel also forwards (veth). The figure is packets per
# second reaching the backends' namespace.
# usage: bench/lb-kernel.sh BUILD [SECONDS] [NSERVICES...]  (root)
set -eu
cd "$(dirname "$0")/.."
B=$(realpath "${1:-build}")
SECS=${2:-3}
shift 2 || true
COUNTS=${*:-10 100 1000}
. bench/netns.sh
bench_netns_up nslbb$$
ip -n $GEN addr add 10.0.1.2/24 dev g0
for i in 2 3 4; do ip -n $SINK addr add 10.0.2.$i/24 dev s1; done

rx() { ip netns exec $SINK cat /sys/class/net/s1/statistics/rx_packets; }

measure() { # N -> packets per second reaching the sink
	local a b port=$((5000 + $1 - 1))
	# Source 10.64.R.R, source port random: each packet a new flow.
	cat > "$TMP/udp.cfg" <<CFG
{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01,
  0x08, 0x00,
  0x45, 0x00, const16(46), const16(0), const16(0), 64, 17, csumip(14, 33),
  10, 64, drnd(), drnd(), 10, 0, 1, 100,
  drnd(), drnd(), const16($port), const16(26), const16(0),
  fill(0x00, 18) }
CFG
	ip netns exec $GEN timeout "$((SECS + 1))" taskset -c 0 \
		trafgen --dev g0 --conf "$TMP/udp.cfg" --cpus 1 -q >/dev/null 2>&1 &
	local tg=$!
	sleep 0.5
	a=$(rx)
	sleep "$SECS"
	b=$(rx)
	wait $tg 2>/dev/null || true
	sleep 0.3
	echo $(( (b - a) / SECS ))
}

kube_rules() { # N -> iptables-restore text, kube-proxy's shape
	awk -v n="$1" 'BEGIN {
		print "*nat"
		print ":PREROUTING ACCEPT [0:0]"
		print ":INPUT ACCEPT [0:0]"
		print ":OUTPUT ACCEPT [0:0]"
		print ":POSTROUTING ACCEPT [0:0]"
		for (i = 0; i < n; i++) printf ":SVC%d - [0:0]\n", i
		for (i = 0; i < n; i++)
			printf "-A PREROUTING -d 10.0.1.100/32 -p udp -m udp --dport %d -j SVC%d\n", 5000 + i, i
		for (i = 0; i < n; i++) {
			printf "-A SVC%d -p udp -m statistic --mode random --probability 0.33333333349 -j DNAT --to-destination 10.0.2.2:8080\n", i
			printf "-A SVC%d -p udp -m statistic --mode random --probability 0.50000000000 -j DNAT --to-destination 10.0.2.3:8080\n", i
			printf "-A SVC%d -p udp -j DNAT --to-destination 10.0.2.4:8080\n", i
		}
		print "COMMIT"
	}'
}

declare -A R
# The kernel: iptables-legacy DNAT rules.
ip -n $RTR addr add 10.0.1.1/24 dev r0
ip -n $RTR addr add 10.0.2.1/24 dev r1
ip -n $RTR route add 10.64.0.0/10 via 10.0.1.2
ip -n $RTR neigh replace 10.0.1.2 lladdr 02:00:00:00:01:01 dev r0 nud permanent
for i in 2 3 4; do
	ip -n $RTR neigh replace 10.0.2.$i lladdr 02:00:00:00:01:02 dev r1 nud permanent
done
ip netns exec $RTR sysctl -qw net.ipv4.ip_forward=1 >/dev/null
ip netns exec $RTR sysctl -qw net.netfilter.nf_conntrack_max=4000000 2>/dev/null || true
for n in $COUNTS; do
	kube_rules "$n" > "$TMP/rules.v4"
	ip netns exec $RTR iptables-legacy-restore < "$TMP/rules.v4"
	R[kernel,$n]=$(measure "$n")
	ip netns exec $RTR iptables-legacy -t nat -F
	ip netns exec $RTR iptables-legacy -t nat -X
	ip netns exec $RTR conntrack -F >/dev/null 2>&1 || true
done
ip -n $RTR addr flush dev r0
ip -n $RTR addr flush dev r1
ip netns exec $RTR sysctl -qw net.ipv4.ip_forward=0

if [ -x "$B/netsieve" ]; then
	export NETSIEVE_SOCKET=$TMP/ns.sock
	for n in $COUNTS; do
		cat > "$TMP/lb.ns" <<CFG
ip link add eth0 type afpacket dev r0
ip link add eth1 type afpacket dev r1
ip addr add 10.0.1.1/24 dev eth0
ip addr add 10.0.1.100/32 dev eth0
ip addr add 10.0.2.1/24 dev eth1
ip link set eth0 up
ip link set eth1 up
ip route add 10.64.0.0/10 via 10.0.1.2
ip neigh add 10.0.1.2 lladdr 02:00:00:00:01:01 dev eth0 nud permanent
ip neigh add 10.0.2.2 lladdr 02:00:00:00:01:02 dev eth1 nud permanent
ip neigh add 10.0.2.3 lladdr 02:00:00:00:01:02 dev eth1 nud permanent
ip neigh add 10.0.2.4 lladdr 02:00:00:00:01:02 dev eth1 nud permanent
sysctl -w net.ipv4.ip_forward=1
CFG
		awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) {
			printf "ipvsadm -A -u 10.0.1.100:%d -s rr\n", 5000 + i
			for (r = 2; r <= 4; r++)
				printf "ipvsadm -a -u 10.0.1.100:%d -r 10.0.2.%d:8080 -m\n", 5000 + i, r
		} }' >> "$TMP/lb.ns"
		ip netns exec $RTR taskset -c 1 "$B/netsieve" daemon \
			--workers 1 --config "$TMP/lb.ns" \
			--socket "$NETSIEVE_SOCKET" --log "$TMP/daemon.log" \
			--foreground >/dev/null 2>&1 &
		DPID=$!
		for _ in $(seq 100); do [ -S "$NETSIEVE_SOCKET" ] && break; sleep 0.1; done
		# Every service in before the traffic starts.
		for _ in $(seq 300); do
			[ "$("$B/netsieve" ipvsadm -Ln 2>/dev/null | grep -c '^UDP')" = "$n" ] && break
			sleep 0.1
		done
		R[netsieve,$n]=$(measure "$n")
		kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
		DPID=""
		for _ in $(seq 50); do [ -S "$NETSIEVE_SOCKET" ] || break; sleep 0.1; done
	done
fi

printf '%-10s %24s %24s\n' services "kernel DNAT+statistic" "netsieve IPVS (1 wkr)"
for n in $COUNTS; do
	printf '%-10s %24s %24s\n' "$n" "${R[kernel,$n]}" "${R[netsieve,$n]:-n/a}"
done
echo "(new connections per second reaching the backends: every packet a new"
echo " UDP flow to the last service; ${SECS}s per cell; 64-byte UDP)"
