#!/usr/bin/env bash
# Side by side in one run: the kernel forwarding 64-byte UDP between
# namespaces through FORWARD rules (iptables-legacy and iptables-nft),
# against netsieve forwarding the same traffic through its I/O backends,
# with one worker and with two. The traffic is 256 flows (source ports
# 1024-1279), so the fanout hash (AF_PACKET) or the veth queue choice
# (AF_XDP: the router's veths have two receive queues) can spread it over
# workers.
# trafgen (netsniff-ng) generates on CPU 0. The kernel forwards in the
# generator's softirq (veth delivers synchronously, so also CPU 0); the
# one-worker daemon is pinned to CPU 1; the two-worker daemon runs on both
# CPUs, so one of its workers shares CPU 0 with the generator. Read the
# figures with that in mind. The figure is what reaches the sink
# namespace per second.
# netsieve variants (NS_VARIANTS, default all), each BACKEND:WORKERS:
#   afpacket      TPACKET_V3 receive ring, TPACKET_V2 TX ring (the default)
#   afp-txmmsg    TPACKET_V3 receive ring, sendmmsg batches
#   afp-old       recvmmsg, one sendmsg per frame (the path before issue 10)
#   afxdp         AF_XDP (libxdp's program, driver mode, copy: veth)
# and, to take the default apart: afp-rxmmsg (recvmmsg, TX ring),
# afp-txsingle (receive ring, one sendmsg per frame), afp-nobypass.
# The size "ct" is the stateful gateway instead of a blocklist: FORWARD
# DROP with `-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT` and
# `--ctstate NEW -j ACCEPT`, plus `-t nat -A POSTROUTING -o <out> -j
# MASQUERADE`: every packet is tracked (and its flow's entry found) and
# rewritten.
# usage: bench/kernel.sh BUILD [SECONDS] [SIZES...]   (root; stops by itself)
set -eu
cd "$(dirname "$0")/.."
B=$(realpath "${1:-build}")
SECS=${2:-3}
shift 2 || true
SIZES=${*:-0 100 1000 10000 100000 ct}
. bench/netns.sh
bench_netns_up nsbench$$
ip -n $GEN addr add 10.0.1.2/24 dev g0
ip -n $SINK addr add 10.0.2.2/24 dev s1
# No RPS: with veth, the kernel's forwarding runs in the generator's send
# path (softirq on CPU 0); steering it to CPU 1 with RPS made the backlog
# drop nearly everything on this machine.

cat > "$TMP/udp.cfg" <<'CFG'
{ eth(da=02:00:00:00:00:01, sa=02:00:00:00:01:01, type=0x0800),
  ipv4(saddr=10.0.1.2, daddr=10.0.2.2, ttl=64),
  udp(sp=dinc(1024, 1279), dp=5000),
  fill(0x00, 18) }
CFG

ruleset() { # N|ct OUTIF -> iptables-restore text
	local n=$1 i
	if [ "$n" = ct ]; then
		printf '%s\n' '*filter' ':INPUT ACCEPT [0:0]' \
			':FORWARD DROP [0:0]' ':OUTPUT ACCEPT [0:0]' \
			'-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT' \
			'-A FORWARD -m conntrack --ctstate NEW -j ACCEPT' 'COMMIT' \
			'*nat' ':PREROUTING ACCEPT [0:0]' ':INPUT ACCEPT [0:0]' \
			':OUTPUT ACCEPT [0:0]' ':POSTROUTING ACCEPT [0:0]' \
			"-A POSTROUTING -o $2 -j MASQUERADE" 'COMMIT'
		return
	fi
	echo '*filter'
	echo ':INPUT ACCEPT [0:0]'
	echo ':FORWARD DROP [0:0]'
	echo ':OUTPUT ACCEPT [0:0]'
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
		printf "-A FORWARD -s 198.18.%d.%d/32 -p udp -m udp --dport %d -j DROP\n",
			int(i / 256) % 256, i % 256, 10000 + i % 50000 }'
	echo '-A FORWARD -j ACCEPT'
	echo 'COMMIT'
}

rx() { ip netns exec $SINK cat /sys/class/net/s1/statistics/rx_packets; }

measure() { # -> packets per second reaching the sink
	local a b
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

kernel_router() { # on|off
	if [ "$1" = on ]; then
		ip -n $RTR addr add 10.0.1.1/24 dev r0
		ip -n $RTR addr add 10.0.2.1/24 dev r1
		ip -n $RTR neigh replace 10.0.2.2 lladdr 02:00:00:00:01:02 dev r1 nud permanent
		ip netns exec $RTR sysctl -qw net.ipv4.ip_forward=1
	else
		ip -n $RTR addr flush dev r0
		ip -n $RTR addr flush dev r1
		ip netns exec $RTR sysctl -qw net.ipv4.ip_forward=0
	fi
}

declare -A R
kernel_router on
# Size by size, so that the stateful set-up (last) cannot leave tracking
# on for a stateless one (a kernel nat table keeps conntrack loaded).
for n in $SIZES; do
	for v in legacy nft; do
		ruleset "$n" r1 > "$TMP/rules.v4"
		ip netns exec $RTR "iptables-$v-restore" < "$TMP/rules.v4"
		R[$v,$n]=$(measure)
		ip netns exec $RTR "iptables-$v" -F
		ip netns exec $RTR "iptables-$v" -t nat -F 2>/dev/null || true
		ip netns exec $RTR "iptables-$v" -P FORWARD ACCEPT
	done
done
kernel_router off

NS_VARIANTS=${NS_VARIANTS:-afpacket:1 afpacket:2 afp-txmmsg:1 afp-old:1 afxdp:1 afxdp:2}
link_args() { # variant -> type and options of `ip link add`
	case $1 in
	afpacket) echo "afpacket dev" ;;
	afp-txmmsg) echo "afpacket dev %s tx mmsg" ;;
	afp-old) echo "afpacket dev %s rx mmsg tx single" ;;
	afp-rxmmsg) echo "afpacket dev %s rx mmsg" ;;
	afp-txsingle) echo "afpacket dev %s tx single" ;;
	afp-nobypass) echo "afpacket dev %s qdisc-bypass off" ;;
	afxdp) echo "afxdp dev" ;;
	esac
}
link_line() { # variant netsieve-dev kernel-dev
	local a
	a=$(link_args "$1")
	case $a in
	*%s*) printf "ip link add %s type $a\n" "$2" "$3" ;;
	*) echo "ip link add $2 type $a $3" ;;
	esac
}
if [ -x "$B/netsieve" ]; then
	export NETSIEVE_SOCKET=$TMP/ns.sock
	for v in $NS_VARIANTS; do
		io=${v%%:*} w=${v##*:}
		{
			link_line "$io" eth0 r0
			link_line "$io" eth1 r1
			cat <<CFG
ip addr add 10.0.1.1/24 dev eth0
ip addr add 10.0.2.1/24 dev eth1
ip link set eth0 up
ip link set eth1 up
ip neigh add 10.0.2.2 lladdr 02:00:00:00:01:02 dev eth1 nud permanent
sysctl -w net.ipv4.ip_forward=1
CFG
		} > "$TMP/gw.ns"
		if [ "$w" = 1 ]; then cpus=1; else cpus=0,1; fi
		: > "$TMP/daemon.log"
		ip netns exec $RTR taskset -c $cpus "$B/netsieve" daemon \
			--workers "$w" --config "$TMP/gw.ns" \
			--socket "$NETSIEVE_SOCKET" --log "$TMP/daemon.log" \
			--foreground >"$TMP/daemon.out" 2>&1 &
		DPID=$!
		for _ in $(seq 50); do
			[ -S "$NETSIEVE_SOCKET" ] && break
			kill -0 "$DPID" 2>/dev/null || break
			sleep 0.1
		done
		if [ ! -S "$NETSIEVE_SOCKET" ]; then
			# AF_XDP refused, a backend not built: say so, go on.
			echo "($v: $(grep -hm1 -iE 'error|not possible' "$TMP/daemon.out" "$TMP/daemon.log"))" >&2
			for n in $SIZES; do R[$v,$n]="n/a"; done
			wait "$DPID" 2>/dev/null
			DPID=""
			continue
		fi
		grep -ho 'afxdp r0): .*' "$TMP/daemon.log" | sed "s/^/($v: /; s/\$/)/" >&2 || true
		for n in $SIZES; do
			ruleset "$n" eth1 > "$TMP/rules.v4"
			if "$B/netsieve" iptables-restore "$TMP/rules.v4"; then
				R[$v,$n]=$(measure)
			else
				R[$v,$n]="error"
			fi
		done
		kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
		DPID=""
		for _ in $(seq 50); do [ -S "$NETSIEVE_SOCKET" ] || break; sleep 0.1; done
	done
fi

name() { # variant -> row label
	local io=${1%%:*} w=${1##*:}
	printf 'netsieve %s %s wkr%s' "$io" "$w" "$([ "$w" = 1 ] || echo s)"
}
printf '%-28s' router
for n in $SIZES; do printf ' %10s' "$n"; done
echo
for v in legacy nft; do
	printf '%-28s' "iptables-$v"
	for n in $SIZES; do printf ' %10s' "${R[$v,$n]}"; done
	echo
done
for v in $NS_VARIANTS; do
	printf '%-28s' "$(name "$v")"
	for n in $SIZES; do printf ' %10s' "${R[$v,$n]:-n/a}"; done
	echo
done
echo "(packets per second reaching the sink, by number of rules; ${SECS}s per cell; 64-byte UDP)"
