#!/usr/bin/env bash
# End-to-end tests of the load balancer: a client namespace, netsieve
# (`netsieve daemon`, 2 workers, default offloads) holding the virtual
# address 10.201.1.100, and three backend namespaces on one LAN, each
# running an HTTP server that answers with its own name:
#
#   client ns  c0 10.201.1.2 ──veth── rc ┐ router ns: netsieve daemon
#                                         ├ eth0 = afpacket rc 10.201.1.1
#                                         │        + VIP 10.201.1.100/32
#                                         └ eth1 = afpacket rs 10.201.2.1
#   lan ns: bridge br0 ── rs's peer, be1..be3's peers
#   be1..3 ns  e0 10.201.2.11..13/24, default via 10.201.2.1
#
#   rr            6 requests: be3 be2 be1 be3 be2 be1 (the server added
#                 last first, as the kernel's list); replies come back
#                 through netsieve (NAT)
#   wrr           weights 3,2,1: 12 requests split 6/4/2
#   lc-stats      ipvsadm -Ln --stats counts 12 connections
#   persistence   -p: every request of the client lands on one backend
#   quiesce       weight 0: a slow download keeps its backend to the
#                 end, new requests go to the others
#   remove        -d: new requests never reach the removed backend
#   dr            direct routing: backends hold the VIP on lo
#                 (arp_ignore=1), replies go back with the VIP as source
#   tun           IPIP: the SYN reaches the backend encapsulated (this
#                 kernel has no ipip driver to decapsulate: checked with
#                 tcpdump on the backend)
#   sh            source hashing: the same client always on one backend
#
# Usage: tests/e2e/lb.sh BUILD_DIR    (exit 0: all passed or skipped)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
NSV=$build/netsieve
# shellcheck source=lab.sh
. "$here/lab.sh"

pass=0 fail=0 skip=0
failed=()
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); failed+=("$1"); echo "FAIL $1: $2"; }
sk() { skip=$((skip + 1)); echo "SKIP $1: $2"; }

LAB=nslb$$
lab_init
if ! why=$(lab_possible); then
	rm -rf "$LAB_WORK"
	echo "lb: skipped: $why"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

lab_watchdog 400 lb
trap lab_down EXIT
trap 'exit 1' INT TERM

VIP=10.201.1.100
NS_L=$LAB-l
BES=()
lab_up_lb() {
	local i ns
	lab_quiet_ns "$NS_C"
	lab_quiet_ns "$NS_R"
	lab_quiet_ns "$NS_L"
	LAB_NSES+=("$NS_C" "$NS_R" "$NS_L")
	ip link add c0 netns "$NS_C" type veth peer name rc netns "$NS_R"
	ip link add lr netns "$NS_L" type veth peer name rs netns "$NS_R"
	nsr sysctl -qw net.ipv4.ip_forward=0 >/dev/null
	ip -n "$NS_R" link set rc up
	ip -n "$NS_R" link set rs up
	ip -n "$NS_L" link add br0 type bridge
	ip -n "$NS_L" link set br0 up
	ip -n "$NS_L" link set lr master br0 up
	ip -n "$NS_C" addr add $LAB_CLIENT_IP/24 dev c0
	ip -n "$NS_C" link set c0 up
	ip -n "$NS_C" route add default via $LAB_ROUTER_C
	for i in 1 2 3; do
		ns=$LAB-be$i
		lab_quiet_ns "$ns"
		LAB_NSES+=("$ns")
		BES+=("$ns")
		ip link add e0 netns "$ns" type veth peer name l$i netns "$NS_L"
		ip -n "$NS_L" link set l$i master br0 up
		ip -n "$ns" addr add 10.201.2.1$i/24 dev e0
		ip -n "$ns" link set e0 up
		ip -n "$ns" link set lo up
		ip -n "$ns" route add default via $LAB_ROUTER_S
		mkdir -p "$LAB_WORK/www$i"
		echo "be$i" >"$LAB_WORK/www$i/index.html"
		head -c 4000000 /dev/zero >"$LAB_WORK/www$i/big"
		lab_wait_link "$ns" e0
	done
	lab_wait_link "$NS_C" c0
	lab_wait_link "$NS_R" rc
	lab_wait_link "$NS_R" rs
}

lab_up_lb
conf=$LAB_WORK/router.conf
lab_write_config "$conf"
echo "ip addr add $VIP/32 dev eth0" >>"$conf"
if ! lab_daemon "$conf"; then
	ko daemon "did not start"
	echo "$pass passed, $fail failed, $skip skipped"
	exit 1
fi
for i in 1 2 3; do
	lab_http_server "$LAB-be$i" 0.0.0.0 80 "$LAB_WORK/www$i" ||
		ko setup "be$i's server did not listen"
done

adm() { ctl ipvsadm "$@"; }
get() { nsc curl -s --max-time 5 "$@" "http://$VIP/"; }
picks() {
	local n=$1 out="" i
	for i in $(seq "$n"); do
		out="$out $(get)"
	done
	echo "${out# }"
}
reset_lb() { adm -C; }
add3() {
	local fwd=$1 i
	shift
	for i in 1 2 3; do
		adm -a -t $VIP:80 -r 10.201.2.1$i:80 "$fwd" "$@" || return 1
	done
}

# rr: the last added first, then down the list.
adm -A -t $VIP:80 -s rr && add3 -m
got=$(picks 6)
if [ "$got" = "be3 be2 be1 be3 be2 be1" ]; then
	ok rr
else
	ko rr "picks: $got"
fi

# The connection table and counters (connections are in TIME_WAIT/
# CLOSE or FIN states after curl; ActiveConn 0, InActConn 2 each).
out=$(adm -Ln)
if echo "$out" | grep -q "^  -> 10.201.2.11:80 *Masq *1 *0 *2"; then
	ok rr-list
else
	ko rr-list "$out"
fi

# wrr 3,2,1 over 12 requests.
reset_lb
adm -A -t $VIP:80 -s wrr
adm -a -t $VIP:80 -r 10.201.2.11:80 -m -w 3
adm -a -t $VIP:80 -r 10.201.2.12:80 -m -w 2
adm -a -t $VIP:80 -r 10.201.2.13:80 -m -w 1
got=$(picks 12)
c1=$(echo "$got" | tr ' ' '\n' | grep -c be1)
c2=$(echo "$got" | tr ' ' '\n' | grep -c be2)
c3=$(echo "$got" | tr ' ' '\n' | grep -c be3)
if [ "$c1/$c2/$c3" = "6/4/2" ]; then
	ok wrr
else
	ko wrr "split $c1/$c2/$c3: $got"
fi

# Connection counts in --stats (the estimator is not needed for Conns).
out=$(adm -Ln --stats)
if echo "$out" | grep -q "^TCP  $VIP:80 *12 "; then
	ok stats
else
	ko stats "$out"
fi

# Persistence: one backend for every request of the client.
reset_lb
adm -A -t $VIP:80 -s rr -p 60 && add3 -m
got=$(picks 6)
if [ "$(echo "$got" | tr ' ' '\n' | sort -u | wc -l)" = 1 ]; then
	ok persistence
else
	ko persistence "picks: $got"
fi

# Quiesce: a slow download keeps its backend; new requests avoid it.
reset_lb
adm -A -t $VIP:80 -s rr && add3 -m
nsc curl -s --max-time 30 --limit-rate 500k -o "$LAB_WORK/big.out" \
	-w '%{http_code} %{size_download}\n' "http://$VIP/big" \
	>"$LAB_WORK/big.res" 2>&1 &
dl=$!
sleep 1
# rr picked be3 for the download.
adm -e -t $VIP:80 -r 10.201.2.13:80 -m -w 0
got=$(picks 4)
wait $dl
res=$(cat "$LAB_WORK/big.res")
if [ "$res" = "200 4000000" ] && ! echo "$got" | grep -q be3; then
	ok quiesce
else
	ko quiesce "download: $res; picks: $got"
fi

# Remove: never again.
adm -e -t $VIP:80 -r 10.201.2.13:80 -m -w 1
adm -d -t $VIP:80 -r 10.201.2.12:80
got=$(picks 4)
if [ "$got" = "be3 be1 be3 be1" ] || [ "$got" = "be1 be3 be1 be3" ]; then
	ok remove
else
	ko remove "picks: $got"
fi

# sh: one client, one backend.
reset_lb
adm -A -t $VIP:80 -s sh && add3 -m
got=$(picks 5)
if [ "$(echo "$got" | tr ' ' '\n' | sort -u | wc -l)" = 1 ]; then
	ok sh
else
	ko sh "picks: $got"
fi

# Direct routing: the VIP on the backends' lo, replies from the VIP.
reset_lb
for ns in "${BES[@]}"; do
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2 >/dev/null
	ip -n "$ns" addr add $VIP/32 dev lo
done
# Replies from the VIP arrive on eth1: accept_local, as on a kernel director.
ctl sysctl -qw net.ipv4.conf.all.accept_local=1
adm -A -t $VIP:80 -s rr && add3 -g
got=$(picks 3)
if [ "$got" = "be3 be2 be1" ]; then
	ok dr
else
	ko dr "picks: $got"
fi
for ns in "${BES[@]}"; do
	ip -n "$ns" addr del $VIP/32 dev lo
done

# IPIP: the backend sees the client's SYN inside protocol 4.
reset_lb
adm -A -t $VIP:80 -s rr && adm -a -t $VIP:80 -r 10.201.2.11:80 -i
if command -v tcpdump >/dev/null; then
	ip netns exec "$LAB-be1" timeout 10 tcpdump -l -n -c 1 -i e0 \
		'ip proto 4' >"$LAB_WORK/tun.txt" 2>/dev/null &
	td=$!
	sleep 1
	nsc curl -s --max-time 2 "http://$VIP/" >/dev/null
	wait $td
	if grep -q "10.201.2.1 > 10.201.2.11: IP 10.201.1.2.[0-9]* > $VIP.80: Flags \[S\]" \
		"$LAB_WORK/tun.txt"; then
		ok tun
	else
		ko tun "$(cat "$LAB_WORK/tun.txt")"
	fi
else
	sk tun "no tcpdump"
fi
reset_lb

echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] || { echo "failed: ${failed[*]}"; cat "$LAB_LOG" 2>/dev/null | tail -20; }
[ $fail = 0 ]
