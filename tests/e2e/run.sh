#!/usr/bin/env bash
# End-to-end tests: real clients and servers in network namespaces talking
# through `netsieve daemon` (the router namespace, two veths bound with
# AF_PACKET, a TAP interface), rules changed live through the client tools.
# Builds and tears down everything itself (trap); touches nothing outside
# its own namespaces and temporary directory; every step has a timeout.
# Usage: tests/e2e/run.sh BUILD_DIR      (exit 0: all passed or skipped)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
NSV=$build/netsieve
BIN=$build/bin
# shellcheck source=lab.sh
. "$here/lab.sh"

pass=0 fail=0 skip=0
failed=()
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); failed+=("$1"); echo "FAIL $1: $2"; }
sk() { skip=$((skip + 1)); echo "SKIP $1: $2"; }

lab_init
if ! why=$(lab_possible); then
	rm -rf "$LAB_WORK"
	echo "e2e: skipped: $why"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
if [ ! -x "$NSV" ]; then
	rm -rf "$LAB_WORK"
	echo "e2e: $NSV not built" >&2
	exit 1
fi

# Never outlive our welcome: a watchdog ends the run.
lab_watchdog 600 e2e
trap lab_down EXIT
trap 'exit 1' INT TERM

lab_up
conf=$LAB_WORK/router.conf
lab_write_config "$conf"
if ! lab_daemon "$conf"; then
	# A tree whose stack is still a placeholder cannot route: say so.
	if grep -q 'not supported yet' "$LAB_WORK/daemon.out"; then
		echo "e2e: skipped: the stack in this tree does not support" \
			"the lab's start-up file yet"
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	fi
	ko daemon-start "the daemon did not start"
	echo "$pass passed, $fail failed, $skip skipped"
	exit 1
fi

# Reset the ruleset between tests.
reset_rules() {
	ctl iptables -F >/dev/null 2>&1
	ctl iptables -X >/dev/null 2>&1
	ctl iptables -Z >/dev/null 2>&1
	ctl iptables -P FORWARD ACCEPT >/dev/null 2>&1
	ctl iptables -P INPUT ACCEPT >/dev/null 2>&1
}

# A command the daemon rejects as "not supported" marks a missing piece.
unsupported() { grep -qiE 'not supported|unknown (target|match|option)|cannot load|Couldn.t load' "$1"; }

# ---------------------------------------------------------------- control

t_socket_mode() {
	local m
	m=$(stat -c %a "$LAB_SOCK")
	[ "$m" = 600 ] || { ko socket-mode "socket mode $m, want 600"; return; }
	m=$(stat -c %a "$(dirname "$LAB_SOCK")")
	[ "$m" = 700 ] || { ko socket-mode "directory mode $m, want 700"; return; }
	ok socket-mode
}

t_stats() {
	local out
	out=$(ctl stats 2>&1) || { ko stats "exit $?: $out"; return; }
	echo "$out" | grep -qE '^eth0 +afpacket' &&
		echo "$out" | grep -qE '^eth1 +afpacket' &&
		echo "$out" | grep -q '^Drops:' ||
		{ ko stats "unexpected output: $out"; return; }
	ok stats
}

t_unreachable() {
	local out rc
	out=$(NETSIEVE_SOCKET=$LAB_WORK/nothing.sock "$BIN/iptables" -L 2>&1)
	rc=$?
	[ $rc = 4 ] && echo "$out" | grep -q "cannot reach the daemon at $LAB_WORK/nothing.sock" ||
		{ ko client-unreachable "rc=$rc out=$out"; return; }
	ok client-unreachable
}

# Send stdin's bytes raw to the control socket, half-close, print the reply
# (Debian's nc -N -U does not read the reply after a half-close).
sock_raw() {
	timeout 10 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
try:
    s.sendall(sys.stdin.buffer.read())
    s.shutdown(socket.SHUT_WR)
except OSError:
    pass
out = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
except OSError:
    pass
sys.stdout.buffer.write(out.replace(b"\0", b""))
' "$LAB_SOCK"
}

t_hostile() {
	local before after reply
	before=$(ctl iptables-save 2>&1 | grep -v '^#')
	reply=$(printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | sock_raw 2>&1)
	echo "$reply" | grep -q 'bad control message: bad magic' ||
		{ ko control-garbage "no error reply: $reply"; return; }
	# A header announcing 4 GiB: refused from the header alone.
	reply=$(printf 'NSQ1\377\377\377\377' | sock_raw 2>&1)
	echo "$reply" | grep -q 'bad control message: message larger' ||
		{ ko control-garbage "4 GiB header: $reply"; return; }
	# A truncated message, then a huge argc, then random bytes.
	reply=$(printf 'NSQ1\0\0\0\100\0\0\0\2' | sock_raw 2>&1)
	echo "$reply" | grep -q 'bad control message: truncated' ||
		{ ko control-garbage "truncated: $reply"; return; }
	reply=$(printf 'NSQ1\0\0\0\014\377\377\377\377\0\0\0\0\0\0\0\0' | sock_raw 2>&1)
	echo "$reply" | grep -q 'bad control message: too many arguments' ||
		{ ko control-garbage "huge argc: $reply"; return; }
	head -c 100000 /dev/urandom | sock_raw >/dev/null 2>&1
	grep -q 'control socket: rejected a bad message: bad magic' "$LAB_LOG" ||
		{ ko control-garbage "not in the daemon's log"; return; }
	after=$(ctl iptables-save 2>&1 | grep -v '^#')
	[ "$before" = "$after" ] || { ko control-garbage "ruleset changed"; return; }
	kill -0 "$LAB_DAEMON_PID" 2>/dev/null || { ko control-garbage "daemon died"; return; }
	ctl stats >/dev/null || { ko control-garbage "daemon stopped answering"; return; }
	ok control-garbage
}

# ---------------------------------------------------------------- traffic

t_ping_router() {
	local out
	out=$(nsc timeout 10 ping -c 2 -i 0.2 -W 2 $LAB_ROUTER_C 2>&1) ||
		{ ko ping-router "$(echo "$out" | tail -2)"; return; }
	ok ping-router
}

t_ping_across() {
	local out
	out=$(nsc timeout 10 ping -c 3 -i 0.2 -W 2 $LAB_SERVER_IP 2>&1) ||
		{ ko ping-across "$(echo "$out" | tail -2)"; return; }
	echo "$out" | grep -q ' 0% packet loss' ||
		{ ko ping-across "$(echo "$out" | tail -2)"; return; }
	ok ping-across
}

t_tcp_nc() {
	local got
	: >"$LAB_WORK/nc.out"
	lab_bg nss timeout 15 nc -l -p 5000 -N >"$LAB_WORK/nc.out" 2>/dev/null
	lab_wait_listen "$NS_S" 5000 || { ko tcp-nc "server did not listen"; return; }
	echo "hello through netsieve" | nsc timeout 10 nc -N -w 5 $LAB_SERVER_IP 5000 ||
		{ ko tcp-nc "client nc failed"; return; }
	sleep 0.3
	got=$(cat "$LAB_WORK/nc.out")
	[ "$got" = "hello through netsieve" ] || { ko tcp-nc "server got '$got'"; return; }
	ok tcp-nc
}

start_http() {
	mkdir -p "$LAB_WORK/www"
	echo "netsieve e2e page" >"$LAB_WORK/www/hello.txt"
	head -c 1000000 /dev/urandom >"$LAB_WORK/www/blob1m.bin"
	head -c 2000000 /dev/urandom >"$LAB_WORK/www/blob.bin"
	lab_http_server "$NS_S" $LAB_SERVER_IP 8080 "$LAB_WORK/www"
}

# One interface's GSO counters from `netsieve stats`: RX-super TX-super
# TX-split TX-segments.
gso_of() {
	ctl stats | awk -v d="$1" '/^GSO / { g = 1; next } g && $1 == d { print $2, $3, $4, $5; exit }'
}

# Download FILE from the server in namespace NS (default: the client) and
# compare it byte for byte; prints curl's total time.
http_get_check() {
	local file=$1 ns=${2:-$NS_C} sum1 out
	sum1=$(sha256sum <"$LAB_WORK/www/$file" | cut -d' ' -f1)
	out=$(ip netns exec "$ns" timeout 30 curl -s -m 25 \
		-o "$LAB_WORK/got.$file" -w '%{time_total}' \
		http://$LAB_SERVER_IP:8080/$file) || return 1
	[ "$(sha256sum <"$LAB_WORK/got.$file" | cut -d' ' -f1)" = "$sum1" ] ||
		return 1
	rm -f "$LAB_WORK/got.$file"
	echo "$out"
}

# Default offloads on every veth: the server's TCP stack hands the rs
# veth 64 KiB super-frames with partial checksums; netsieve receives them
# whole (counted as RX-super on eth1) and passes them on whole to eth0.
t_http() {
	local got t1 t2 g0 g1
	got=$(nsc timeout 10 curl -s -m 8 http://$LAB_SERVER_IP:8080/hello.txt 2>&1)
	[ "$got" = "netsieve e2e page" ] || { ko http-curl "got '$got'"; return; }
	g0=$(gso_of eth1)
	t1=$(http_get_check blob1m.bin) || { ko http-curl "1 MB download differs or failed"; return; }
	# 2 MB: many full-size segments, both directions' checksums verified
	# by the kernels at the ends.
	t2=$(http_get_check blob.bin) || { ko http-curl "2 MB download differs or failed"; return; }
	g1=$(gso_of eth1)
	[ "${g1%% *}" -gt "${g0%% *}" ] ||
		{ ko http-curl "no GSO super-frame counted on eth1 (before '$g0', after '$g1')"; return; }
	[ "$(gso_of eth0 | cut -d' ' -f2)" -gt 0 ] ||
		{ ko http-curl "no super-frame sent whole on eth0: $(gso_of eth0)"; return; }
	ok "http-curl (offloads on: 1 MB in ${t1}s, 2 MB in ${t2}s; eth1 GSO rx ${g1%% *})"
}

# The one test with offloads off: plain frames (no partial checksums, no
# super-frames) both ways, none counted as GSO.
t_http_offloads_off() {
	local t g0 g1
	lab_offloads_off "$NS_C" c0
	lab_offloads_off "$NS_R" rc
	lab_offloads_off "$NS_S" s0
	lab_offloads_off "$NS_R" rs
	g0=$(gso_of eth1)
	t=$(http_get_check blob1m.bin) || { ko http-offloads-off "1 MB download differs or failed"; return; }
	g1=$(gso_of eth1)
	[ "$g0" = "$g1" ] || { ko http-offloads-off "GSO counted with offloads off: '$g0' -> '$g1'"; return; }
	ok "http-offloads-off (1 MB in ${t}s)"
}

# UDP GSO (UDP_SEGMENT): the client's kernel hands rc one super-frame per
# write; netsieve passes it on whole and the server's kernel cuts it. Then
# without DF and with eth1's MTU at 600: segmented, each segment
# fragmented (ip_finish_output_gso), reassembled by the server. Either
# way the server must get every 1000-byte datagram intact.
udp_gso_round() {
	local df=$1 port=$2 srv
	nss timeout 10 "$PY" -c '
import socket, sys
data = bytes(range(256)) * 39 + b"x" * 16
want = sorted([data[i:i + 1000] for i in range(0, 10000, 1000)] * 5)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(2)
got = []
try:
    while len(got) < 50:
        got.append(s.recv(65535))
except socket.timeout:
    pass
print("ok" if sorted(got) == want else "got %d datagrams, %d bytes" % (len(got), sum(map(len, got))))
' $LAB_SERVER_IP "$port" >"$LAB_WORK/udp.out" 2>&1 &
	srv=$!
	sleep 0.3
	nsc timeout 10 "$PY" -c '
import socket, sys
data = bytes(range(256)) * 39 + b"x" * 16
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_UDP, 103, 1000)     # UDP_SEGMENT
if sys.argv[3] == "nodf":
    s.setsockopt(socket.IPPROTO_IP, 10, 0)      # IP_PMTUDISC_DONT
for i in range(5):
    s.sendto(data, (sys.argv[1], int(sys.argv[2])))
' $LAB_SERVER_IP "$port" "$df" || return 1
	wait $srv
	[ "$(cat "$LAB_WORK/udp.out")" = ok ]
}

# The server kernel's count of reassembled datagrams (Ip: ReasmOKs).
reasm_oks() {
	nss awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "ReasmOKs") c = i; h = 1 } else print $c }' /proc/net/snmp
}

t_udp_gso() {
	local g0 g1 r0 r1
	g0=$(gso_of eth0)
	udp_gso_round df 7000 ||
		{ ko udp-gso "whole: $(cat "$LAB_WORK/udp.out")"; return; }
	g1=$(gso_of eth0)
	[ "${g1%% *}" -ge $((${g0%% *} + 5)) ] ||
		{ ko udp-gso "5 super-frames not counted on eth0: '$g0' -> '$g1'"; return; }
	ctl ip link set eth1 mtu 600 || { ko udp-gso "ip link set mtu"; return; }
	r0=$(reasm_oks)
	udp_gso_round nodf 7001
	local rc=$?
	ctl ip link set eth1 mtu 1500
	[ $rc = 0 ] || { ko udp-gso "segmented and fragmented: $(cat "$LAB_WORK/udp.out")"; return; }
	r1=$(reasm_oks)
	# Every one of the 50 datagrams arrived as fragments.
	[ $((r1 - r0)) -ge 50 ] ||
		{ ko udp-gso "server reassembled $((r1 - r0)) datagrams, want 50"; return; }
	ok "udp-gso (50 datagrams whole, then as $((r1 - r0)) reassembled)"
}

# Upload FILE from namespace NS to the server over TCP port PORT and
# compare what the server got.
tcp_put_check() {
	local file=$1 ns=$2 port=$3
	: >"$LAB_WORK/put.out"
	lab_bg nss timeout 30 nc -l -p "$port" -N >"$LAB_WORK/put.out" 2>/dev/null
	lab_wait_listen "$NS_S" "$port" || return 1
	ip netns exec "$ns" timeout 25 nc -N -w 10 $LAB_SERVER_IP "$port" \
		<"$LAB_WORK/www/$file" || return 1
	for _ in $(seq 50); do
		cmp -s "$LAB_WORK/put.out" "$LAB_WORK/www/$file" && return 0
		sleep 0.1
	done
	return 1
}

# Segments larger than the egress MTU (ip_exceeds_mtu): the client's TCP
# sends DF super-frames of 1448-byte segments; with eth1's MTU at 1400
# netsieve answers ICMP fragmentation needed (mtu 1400), the client's
# path MTU drops and the upload completes. Run after no-stray-drops: the
# IP_FRAG_NEEDED drops are the point here.
t_gso_pmtu() {
	ctl ip link set eth1 mtu 1400 || { ko gso-pmtu "ip link set mtu"; return; }
	tcp_put_check blob1m.bin "$NS_C" 5003 ||
		{ ctl ip link set eth1 mtu 1500; ko gso-pmtu "1 MB upload with eth1 mtu 1400 failed"; return; }
	ctl ip link set eth1 mtu 1500
	ctl stats | grep -q 'IP_FRAG_NEEDED' ||
		{ ko gso-pmtu "no IP_FRAG_NEEDED in stats"; return; }
	nsc ip route get $LAB_SERVER_IP | grep -q 'mtu 1400' ||
		{ ko gso-pmtu "client path MTU: $(nsc ip route get $LAB_SERVER_IP)"; return; }
	ok gso-pmtu
}

# nc -z against a port that has a listener: succeeds unless a rule stops it.
probe_5001() {
	nsc timeout 10 nc -z -v -w "${1:-3}" $LAB_SERVER_IP 5001 2>&1
}

t_reject() {
	local name=$1 with=$2 out rc t0 pk
	reset_rules
	out=$(probe_5001) || { ko "$name" "no connection without the rule: $out"; return; }
	if ! ctl iptables -A FORWARD -p tcp --dport 5001 -j REJECT $with \
		>"$LAB_WORK/err" 2>&1; then
		if unsupported "$LAB_WORK/err"; then
			sk "$name" "$(head -1 "$LAB_WORK/err")"
		else
			ko "$name" "iptables: $(head -1 "$LAB_WORK/err")"
		fi
		return
	fi
	t0=$SECONDS
	out=$(probe_5001 3)
	rc=$?
	[ $rc != 0 ] && echo "$out" | grep -q 'Connection refused' ||
		{ ko "$name" "rc=$rc: $out"; return; }
	[ $((SECONDS - t0)) -lt 3 ] || { ko "$name" "took $((SECONDS - t0))s"; return; }
	pk=$(ctl iptables -L FORWARD -n -v -x | awk '$3 == "REJECT" { print $1 }')
	[ "${pk:-0}" -ge 1 ] || { ko "$name" "REJECT counter is '${pk}'"; return; }
	reset_rules
	out=$(probe_5001) || { ko "$name" "no connection after removing the rule"; return; }
	ok "$name"
}

t_drop() {
	local out rc t0 dt
	reset_rules
	ctl iptables -A FORWARD -p tcp --dport 5001 -j DROP ||
		{ ko drop-timeout "cannot add the rule"; return; }
	t0=$(date +%s%N)
	out=$(probe_5001 2)
	rc=$?
	dt=$((($(date +%s%N) - t0) / 1000000))
	[ $rc != 0 ] || { ko drop-timeout "connected through DROP"; return; }
	echo "$out" | grep -q 'refused' && { ko drop-timeout "refused, not dropped: $out"; return; }
	[ "$dt" -ge 1900 ] ||
		{ ko drop-timeout "gave up after ${dt}ms, before the 2s timeout: $out"; return; }
	ctl stats | grep -q 'NETFILTER_DROP' ||
		{ ko drop-timeout "no NETFILTER_DROP in netsieve stats"; return; }
	reset_rules
	ok drop-timeout
}

t_counters() {
	local line pk by
	reset_rules
	ctl iptables -A FORWARD -p icmp -j ACCEPT || { ko counters "cannot add rule"; return; }
	ctl iptables -A FORWARD -p tcp -j ACCEPT || { ko counters "cannot add rule"; return; }
	nsc timeout 10 ping -c 3 -i 0.2 -W 2 -q $LAB_SERVER_IP >/dev/null ||
		{ ko counters "ping failed"; return; }
	# 3 requests and 3 replies of 84 bytes cross FORWARD.
	line=$(ctl iptables -L FORWARD -n -v -x | awk '$3 == "ACCEPT" && $4 == "1"')
	pk=$(echo "$line" | awk '{ print $1 }')
	by=$(echo "$line" | awk '{ print $2 }')
	[ "$pk" = 6 ] && [ "$by" = 504 ] ||
		{ ko counters "icmp rule: '$line' (want 6 packets, 504 bytes)"; return; }
	line=$(ctl iptables -L FORWARD -n -v -x | awk '$3 == "ACCEPT" && $4 == "6"')
	[ "$(echo "$line" | awk '{ print $1 }')" = 0 ] ||
		{ ko counters "tcp rule counted: '$line'"; return; }
	# The non-exact form, as iptables prints it.
	ctl iptables -L FORWARD -n -v | grep -qE '^ +6 +504 ACCEPT +1 ' ||
		{ ko counters "-L -n -v: $(ctl iptables -L FORWARD -n -v)"; return; }
	reset_rules
	ok counters
}

t_links() {
	local s1 s2
	reset_rules
	ctl iptables -N e2e-chain && ctl iptables -A e2e-chain -s 10.9.9.9 -j DROP &&
		ctl iptables -A FORWARD -j e2e-chain || { ko tool-links "cannot add rules"; return; }
	s1=$(NETSIEVE_SOCKET=$LAB_SOCK timeout 10 "$BIN/iptables-save" | grep -v '^#')
	echo "$s1" | grep -q -- '-A e2e-chain -s 10.9.9.9/32 -j DROP' ||
		{ ko tool-links "iptables-save: $s1"; return; }
	ctl iptables -F && ctl iptables -X
	# Through stdin of the iptables-restore link, and from a file.
	echo "$s1" | NETSIEVE_SOCKET=$LAB_SOCK timeout 10 "$BIN/iptables-restore" ||
		{ ko tool-links "iptables-restore from stdin failed"; return; }
	s2=$(NETSIEVE_SOCKET=$LAB_SOCK timeout 10 "$BIN/iptables-save" | grep -v '^#')
	[ "$s1" = "$s2" ] || { ko tool-links "restore from stdin differs"; return; }
	echo "$s1" >"$LAB_WORK/saved.v4"
	(cd "$LAB_WORK" && NETSIEVE_SOCKET=$LAB_SOCK timeout 10 "$BIN/iptables-restore" saved.v4) ||
		{ ko tool-links "iptables-restore FILE failed"; return; }
	s2=$(ctl iptables-save | grep -v '^#')
	[ "$s1" = "$s2" ] || { ko tool-links "restore from a file differs"; return; }
	# Options before the file (-T takes a value): the client still finds
	# the file, and --noflush appends.
	printf '*filter\n-A FORWARD -s 10.8.8.8/32 -j DROP\nCOMMIT\n' >"$LAB_WORK/nf.v4"
	(cd "$LAB_WORK" && NETSIEVE_SOCKET=$LAB_SOCK timeout 10 "$BIN/iptables-restore" \
		-T filter --noflush nf.v4) ||
		{ ko tool-links "iptables-restore -T filter --noflush FILE failed"; return; }
	s2=$(ctl iptables-save -t filter | grep -c -- '-A FORWARD')
	[ "$s2" = 2 ] || { ko tool-links "--noflush did not append ($s2 FORWARD rules)"; return; }
	NETSIEVE_SOCKET=$LAB_SOCK timeout 10 "$BIN/iptables-restore" "$LAB_WORK/no-such.v4" 2>"$LAB_WORK/err"
	[ $? = 1 ] && grep -q "Can't open" "$LAB_WORK/err" ||
		{ ko tool-links "missing restore file: $(cat "$LAB_WORK/err")"; return; }
	# A bad rule: iptables' exit code 2 for bad usage, or 1.
	NETSIEVE_SOCKET=$LAB_SOCK timeout 10 "$BIN/iptables" -A FORWARD --bogus-option 2>/dev/null
	[ $? = 2 ] || { ko tool-links "bad option did not exit 2"; return; }
	NETSIEVE_SOCKET=$LAB_SOCK timeout 10 "$BIN/ip" addr show dev eth0 | grep -q "$LAB_ROUTER_C/24" ||
		{ ko tool-links "ip addr show"; return; }
	NETSIEVE_SOCKET=$LAB_SOCK timeout 10 "$BIN/sysctl" net.ipv4.ip_forward | grep -q '= 1' ||
		{ ko tool-links "sysctl"; return; }
	reset_rules
	ok tool-links
}

# Swap rulesets 100 times while a ping flood crosses: policy DROP in both,
# so any instant without a complete ruleset would lose a packet.
t_live_swap() {
	local i rc n=0 out
	cat >"$LAB_WORK/a.v4" <<EOF
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -s 10.99.0.1/32 -j DROP
-A FORWARD -p icmp -j ACCEPT
-A FORWARD -p tcp -j ACCEPT
COMMIT
EOF
	cat >"$LAB_WORK/b.v4" <<EOF
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:other - [0:0]
-A FORWARD -p tcp -j ACCEPT
-A FORWARD -j other
-A other -s 10.99.0.2/32 -j DROP
-A other -p icmp -j ACCEPT
COMMIT
EOF
	ctl iptables-restore <"$LAB_WORK/a.v4" || { ko live-swap "restore failed"; return; }
	nsc timeout 40 ping -i 0.01 -c 1500 -W 2 -q $LAB_SERVER_IP >"$LAB_WORK/ping.out" 2>&1 &
	local ping=$!
	sleep 0.5
	for i in $(seq 100); do
		if [ $((i % 2)) = 1 ]; then f=b; else f=a; fi
		ctl iptables-restore <"$LAB_WORK/$f.v4" >>"$LAB_WORK/swap.err" 2>&1 && n=$((n + 1))
	done
	kill -0 $ping 2>/dev/null ||
		{ ko live-swap "the swaps outlasted the ping (raise -c)"; return; }
	wait $ping
	rc=$?
	out=$(grep -E 'packets transmitted' "$LAB_WORK/ping.out")
	[ "$n" = 100 ] || { ko live-swap "$n of 100 restores succeeded: $(head -2 "$LAB_WORK/swap.err")"; return; }
	[ $rc = 0 ] && echo "$out" | grep -q ' 0% packet loss' ||
		{ ko live-swap "$out"; return; }
	reset_rules
	ok "live-swap ($out)"
}

# Worker rx counts from `stats --json`: "id rx" lines.
worker_rx() {
	ctl stats --json | "$PY" -c '
import json, sys
for w in json.load(sys.stdin)["workers"]:
    print(w["id"], w["rx"])'
}

# Two workers (the daemon runs with --workers 2): 24 TCP flows at once
# spread over both (fanout hash), every download intact; while they and a
# ping flood run, the ruleset is swapped and the configuration changed
# (routes, addresses, sysctls) 40 times: no ping lost, no flow broken.
t_workers() {
	local i f rc out before after n0 n1 pids=() bad=0 ping
	before=$(worker_rx)
	[ "$(echo "$before" | wc -l)" = 2 ] ||
		{ ko workers "stats --json lists $(echo "$before" | wc -l) workers, want 2"; return; }
	ctl iptables-restore <"$LAB_WORK/a.v4" || { ko workers "restore failed"; return; }
	nsc timeout 40 ping -i 0.01 -c 1200 -W 2 -q $LAB_SERVER_IP >"$LAB_WORK/wping.out" 2>&1 &
	ping=$!
	sleep 0.3
	for i in $(seq 24); do
		nsc timeout 60 curl -s -m 50 -o "$LAB_WORK/w$i.bin" \
			http://$LAB_SERVER_IP:8080/blob.bin &
		pids+=($!)
	done
	for i in $(seq 40); do
		if [ $((i % 2)) = 1 ]; then f=b; else f=a; fi
		ctl iptables-restore <"$LAB_WORK/$f.v4" >>"$LAB_WORK/wswap.err" 2>&1 || bad=$((bad + 1))
		ctl ip route add 10.250.$i.0/24 via $LAB_SERVER_IP >>"$LAB_WORK/wswap.err" 2>&1 || bad=$((bad + 1))
		ctl ip addr add 10.251.0.$i/32 dev eth1 >>"$LAB_WORK/wswap.err" 2>&1 || bad=$((bad + 1))
		ctl sysctl -qw net.ipv4.icmp_ratelimit=$((1000 + i)) >>"$LAB_WORK/wswap.err" 2>&1 || bad=$((bad + 1))
		if [ $i -gt 1 ]; then
			ctl ip route del 10.250.$((i - 1)).0/24 >>"$LAB_WORK/wswap.err" 2>&1 || bad=$((bad + 1))
			ctl ip addr del 10.251.0.$((i - 1))/32 dev eth1 >>"$LAB_WORK/wswap.err" 2>&1 || bad=$((bad + 1))
		fi
	done
	kill -0 $ping 2>/dev/null ||
		{ ko workers "the changes outlasted the ping (raise -c)"; return; }
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || bad=$((bad + 1))
		cmp -s "$LAB_WORK/w$((i + 1)).bin" "$LAB_WORK/www/blob.bin" ||
			{ ko workers "download $((i + 1)) differs"; return; }
	done
	wait $ping
	rc=$?
	out=$(grep -E 'packets transmitted' "$LAB_WORK/wping.out")
	[ $bad = 0 ] || { ko workers "$bad commands or downloads failed: $(head -3 "$LAB_WORK/wswap.err")"; return; }
	[ $rc = 0 ] && echo "$out" | grep -q ' 0% packet loss' ||
		{ ko workers "ping: $out"; return; }
	ctl ip route del 10.250.40.0/24 >/dev/null 2>&1
	ctl ip addr del 10.251.0.40/32 dev eth1 >/dev/null 2>&1
	after=$(worker_rx)
	n0=$(( $(echo "$after" | awk '$1 == 0 { print $2 }') - $(echo "$before" | awk '$1 == 0 { print $2 }') ))
	n1=$(( $(echo "$after" | awk '$1 == 1 { print $2 }') - $(echo "$before" | awk '$1 == 1 { print $2 }') ))
	# 24 x 2 MB: each worker must have carried a real share (a flow
	# hashes to one worker), at least a tenth of the packets. With the
	# veths' default offloads most of the data comes as 64 KiB
	# super-frames, so a few thousand packets in all, not 36,000.
	[ $n0 -gt 200 ] && [ $n1 -gt 200 ] &&
		[ $((n0 * 10)) -gt $((n0 + n1)) ] &&
		[ $((n1 * 10)) -gt $((n0 + n1)) ] ||
		{ ko workers "packets per worker: 0: $n0, 1: $n1"; return; }
	reset_rules
	ok "workers (worker 0: $n0 packets, worker 1: $n1; $out)"
}

t_log() {
	reset_rules
	if ! ctl iptables -A FORWARD -p icmp --icmp-type echo-request -j LOG \
		--log-prefix "nsv-e2e: " >"$LAB_WORK/err" 2>&1; then
		if unsupported "$LAB_WORK/err"; then
			sk log-target "$(head -1 "$LAB_WORK/err")"
		else
			ko log-target "$(head -1 "$LAB_WORK/err")"
		fi
		return
	fi
	nsc timeout 5 ping -c 1 -W 2 -q $LAB_SERVER_IP >/dev/null
	sleep 0.2
	grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z .*nsv-e2e: IN=eth0 OUT=eth1 .*SRC=$LAB_CLIENT_IP DST=$LAB_SERVER_IP" "$LAB_LOG" ||
		{ ko log-target "no LOG line: $(tail -2 "$LAB_LOG")"; return; }
	reset_rules
	ok log-target
}

# The daemon's pid (not timeout's): the netsieve process of the router
# namespace that holds our control socket's name on its command line.
daemon_pid() {
	local p
	for p in $(ip netns pids "$NS_R"); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = netsieve ] || continue
		tr '\0' ' ' </proc/$p/cmdline | grep -qF -- "--socket $LAB_SOCK " &&
			{ echo $p; return; }
	done
}

# logrotate: the log is renamed, SIGHUP makes the daemon reopen its --log
# path, and LOG and TRACE lines land in the new file, none in the old.
t_log_reopen() {
	local pid i
	reset_rules
	ctl iptables -t raw -F >/dev/null 2>&1
	pid=$(daemon_pid)
	[ -n "$pid" ] || { ko log-reopen "no daemon pid"; return; }
	mv "$LAB_LOG" "$LAB_LOG.1"
	kill -HUP "$pid"
	for i in $(seq 100); do
		grep -q 'SIGHUP: log reopened' "$LAB_LOG" 2>/dev/null && break
		sleep 0.05
	done
	grep -q 'SIGHUP: log reopened' "$LAB_LOG" 2>/dev/null ||
		{ ko log-reopen "no new log file after SIGHUP"; return; }
	kill -0 "$pid" || { ko log-reopen "SIGHUP killed the daemon"; return; }
	ctl iptables -A FORWARD -p icmp --icmp-type echo-request -j LOG \
		--log-prefix "nsv-rot: " >/dev/null 2>&1 &&
	ctl iptables -t raw -A PREROUTING -p icmp --icmp-type echo-request \
		-s $LAB_CLIENT_IP -j TRACE >/dev/null 2>&1 ||
		{ ko log-reopen "cannot add the LOG/TRACE rules"; return; }
	nsc timeout 5 ping -c 1 -W 2 -q $LAB_SERVER_IP >/dev/null
	sleep 0.2
	grep -qE "nsv-rot: IN=eth0 OUT=eth1 .*SRC=$LAB_CLIENT_IP DST=$LAB_SERVER_IP" "$LAB_LOG" ||
		{ ko log-reopen "no LOG line in the new file: $(tail -2 "$LAB_LOG")"; return; }
	grep -qE "TRACE: raw:PREROUTING:policy:2 IN=eth0 .*SRC=$LAB_CLIENT_IP" "$LAB_LOG" ||
		{ ko log-reopen "no TRACE line in the new file: $(tail -2 "$LAB_LOG")"; return; }
	grep -qE 'nsv-rot|TRACE:' "$LAB_LOG.1" &&
		{ ko log-reopen "new lines went to the rotated file"; return; }
	ctl iptables -t raw -F >/dev/null 2>&1
	reset_rules
	ok log-reopen
}

# TAP: netsieve creates a tap device; the kernel side moves to a fourth
# namespace that reaches the server through netsieve.
t_tap() {
	local out t g
	lab_quiet_ns "$NS_T"
	out=$(ctl ip link add eth2 type tap name nsvtap0 2>&1) ||
		{ ko tap "ip link add: $out"; return; }
	ip -n "$NS_R" link set nsvtap0 netns "$NS_T" ||
		{ ko tap "cannot move the tap device"; return; }
	ctl ip link set eth2 up >/dev/null 2>&1
	ctl ip addr add $LAB_ROUTER_T/24 dev eth2 || { ko tap "ip addr add"; return; }
	ip -n "$NS_T" addr add $LAB_TAP_IP/24 dev nsvtap0
	ip -n "$NS_T" link set nsvtap0 up
	ip -n "$NS_T" route add default via $LAB_ROUTER_T
	lab_wait_link "$NS_T" nsvtap0
	out=$(nst timeout 10 ping -c 2 -i 0.2 -W 2 $LAB_ROUTER_T 2>&1) ||
		{ ko tap "ping router: $(echo "$out" | tail -2)"; return; }
	out=$(nst timeout 10 ping -c 2 -i 0.2 -W 2 $LAB_SERVER_IP 2>&1) ||
		{ ko tap "ping server via tap: $(echo "$out" | tail -2)"; return; }
	ctl stats | grep -qE '^eth2 +tap' || { ko tap "not in stats"; return; }
	# Default offloads on the tap: TSO frames from its kernel side come
	# with a virtio_net_hdr (the upload), and super-frames from eth1 are
	# written to it whole (the download).
	t=$(http_get_check blob1m.bin "$NS_T") || { ko tap "1 MB download via tap failed"; return; }
	tcp_put_check blob1m.bin "$NS_T" 5004 || { ko tap "1 MB upload via tap failed"; return; }
	g=$(gso_of eth2)
	set -- $g
	[ "$1" -gt 0 ] && [ "$2" -gt 0 ] ||
		{ ko tap "GSO on eth2 (rx tx split segs): '$g'"; return; }
	# Deleting the interface closes the tap: its kernel side goes away,
	# and the daemon keeps forwarding on the others.
	out=$(ctl ip link del eth2 2>&1) || { ko tap "ip link del: $out"; return; }
	sleep 0.2
	ip -n "$NS_T" link show nsvtap0 >/dev/null 2>&1 &&
		{ ko tap "tap device still there after ip link del"; return; }
	ctl stats | grep -qE '^eth2 ' && { ko tap "eth2 still in stats"; return; }
	nsc timeout 10 ping -c 2 -i 0.2 -W 2 -q $LAB_SERVER_IP >/dev/null ||
		{ ko tap "forwarding broken after ip link del"; return; }
	ok "tap (offloads on: 1 MB down in ${t}s, up; GSO rx/tx $1/$2)"
}

# The netsieve process in the router namespace (the lab's daemon).
router_daemon_pid() {
	ip netns pids "$NS_R" | while read -r p; do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = netsieve ] && echo $p; done | head -1
}

# A second daemon may not bind an interface the first holds: refused with
# the holder's pid, exit non-zero, the first one unaffected.
t_second_bind() {
	local pid out rc s4=$LAB_WORK/fourth.sock
	pid=$(router_daemon_pid)
	[ -n "$pid" ] || { ko second-bind "no daemon in the router namespace"; return; }
	printf 'ip link add eth0 type afpacket dev rc\n' >"$LAB_WORK/second.conf"
	out=$(timeout 10 ip netns exec "$NS_R" "$NSV" daemon --foreground \
		--config "$LAB_WORK/second.conf" --socket "$s4" 2>&1)
	rc=$?
	[ $rc != 0 ] && [ $rc != 124 ] ||
		{ ko second-bind "second daemon: rc=$rc $out"; return; }
	echo "$out" | grep -q "interface rc is already bound by another netsieve (pid $pid)" ||
		{ ko second-bind "message: $out"; return; }
	[ ! -e "$s4" ] || { ko second-bind "socket left behind"; return; }
	kill -0 "$pid" 2>/dev/null || { ko second-bind "first daemon died"; return; }
	nsc timeout 10 ping -c 2 -i 0.2 -W 2 -q $LAB_SERVER_IP >/dev/null ||
		{ ko second-bind "first daemon stopped forwarding"; return; }
	ok second-bind
}

t_second_daemon() {
	local out rc pid s2=$LAB_WORK/second.sock
	# No interfaces: control only.
	timeout 30 ip netns exec "$NS_R" "$NSV" daemon --foreground --socket "$s2" \
		>"$LAB_WORK/second.out" 2>&1 &
	pid=$!
	for i in $(seq 100); do [ -S "$s2" ] && break; sleep 0.05; done
	out=$(NETSIEVE_SOCKET=$s2 timeout 5 "$NSV" stats 2>&1) ||
		{ ko daemon-no-interfaces "stats: $out"; kill $pid; return; }
	# A second daemon on a live socket refuses to start.
	out=$(timeout 10 "$NSV" daemon --foreground --socket "$s2" 2>&1)
	rc=$?
	[ $rc != 0 ] && echo "$out" | grep -q 'already listening' ||
		{ ko daemon-no-interfaces "second daemon on a live socket: rc=$rc $out"; kill $pid; return; }
	kill -INT $pid
	wait $pid
	rc=$?
	[ $rc = 0 ] && [ ! -e "$s2" ] ||
		{ ko daemon-no-interfaces "SIGINT: rc=$rc, socket left: $(ls "$s2" 2>&1)"; return; }
	# A bad start-up file: error with file and line, exit non-zero.
	printf 'sysctl -w net.ipv4.ip_forward=1\nip link add eth0 type afpacket dev no-such-dev\n' \
		>"$LAB_WORK/bad.conf"
	out=$(timeout 10 ip netns exec "$NS_R" "$NSV" daemon --foreground \
		--config "$LAB_WORK/bad.conf" --socket "$s2" 2>&1)
	rc=$?
	[ $rc != 0 ] && echo "$out" | grep -q 'bad.conf:2:' && [ ! -e "$s2" ] ||
		{ ko daemon-no-interfaces "bad config: rc=$rc $out"; return; }
	ok daemon-no-interfaces
}

# Without --foreground: the parent returns once the socket is ready (0),
# or 1 when start-up fails. Run in a namespace of its own to find its pid.
t_detach() {
	local ns=$LAB-d s3=$LAB_WORK/detached.sock out rc pid i
	lab_quiet_ns "$ns"
	out=$(timeout 10 ip netns exec "$ns" "$NSV" daemon --socket "$s3" 2>&1)
	rc=$?
	[ $rc = 0 ] && [ -S "$s3" ] || { ko daemon-detach "rc=$rc: $out"; return; }
	pid=$(ip netns pids "$ns")
	[ -n "$pid" ] || { ko daemon-detach "no daemon process"; return; }
	NETSIEVE_SOCKET=$s3 timeout 5 "$NSV" stats >/dev/null ||
		{ ko daemon-detach "stats"; kill -TERM $pid; return; }
	kill -TERM $pid
	for i in $(seq 100); do [ -e "$s3" ] || break; sleep 0.05; done
	[ ! -e "$s3" ] || { ko daemon-detach "socket left after SIGTERM"; return; }
	out=$(timeout 10 ip netns exec "$ns" "$NSV" daemon --socket "$s3" \
		--config "$LAB_WORK/bad.conf" 2>&1)
	rc=$?
	[ $rc = 1 ] && [ ! -e "$s3" ] ||
		{ ko daemon-detach "bad config detached: rc=$rc $out"; return; }
	ok daemon-detach
}

# The kernel interface under an afpacket device vanishes: the worker must
# not spin on the socket's error, and the daemon keeps serving.
t_kdev_gone() {
	local pid t0 t1
	pid=$(router_daemon_pid)
	[ -n "$pid" ] || { ko kdev-gone "no daemon in the router namespace"; return; }
	ip -n "$NS_R" link del rs || { ko kdev-gone "cannot delete rs"; return; }
	nsc timeout 5 ping -c 2 -i 0.2 -W 1 -q $LAB_SERVER_IP >/dev/null 2>&1
	t0=$(awk '{ print $14 + $15 }' /proc/$pid/stat)
	sleep 1
	t1=$(awk '{ print $14 + $15 }' /proc/$pid/stat)
	[ $((t1 - t0)) -lt 20 ] ||
		{ ko kdev-gone "daemon used $((t1 - t0)) ticks of CPU in 1s while idle"; return; }
	nsc timeout 5 ping -c 1 -W 2 -q $LAB_ROUTER_C >/dev/null ||
		{ ko kdev-gone "eth0 stopped working"; return; }
	ctl ip link del eth1 || { ko kdev-gone "ip link del eth1"; return; }
	ok kdev-gone
}

t_sigterm() {
	local rc
	lab_daemon_stop
	rc=$?
	[ $rc = 0 ] || { ko sigterm "daemon exit status $rc"; return; }
	[ ! -e "$LAB_SOCK" ] || { ko sigterm "socket left behind"; return; }
	ok sigterm
}

echo "e2e: lab $LAB up (client $LAB_CLIENT_IP, server $LAB_SERVER_IP, daemon pid $LAB_DAEMON_PID)"
# A listener on 5001 for the REJECT/DROP probes (keeps accepting).
lab_bg nss timeout 300 nc -k -l -p 5001 >/dev/null 2>&1
lab_wait_listen "$NS_S" 5001
start_http

t_socket_mode
t_stats
t_unreachable
t_hostile
t_ping_router
t_ping_across
t_tcp_nc
t_http
t_udp_gso
t_counters
t_reject reject-icmp-port-unreachable ""
t_reject reject-tcp-reset "--reject-with tcp-reset"
t_drop
t_links
t_live_swap
t_workers
t_log
t_log_reopen
t_tap
t_second_daemon
t_second_bind
t_detach
t_http_offloads_off
# Every drop of the whole run was a rule's: no checksum, truncation,
# buffer or no-route drop (offloads and the lab's quiet namespaces).
t_no_stray_drops() {
	local stray
	stray=$(ctl stats | sed -n '/^Drops:/,$p' | grep -vE '^Drops:|NETFILTER_DROP|\(none\)')
	[ -z "$stray" ] || { ko no-stray-drops "$stray"; return; }
	ok no-stray-drops
}

echo "--- netsieve stats"
ctl stats
t_no_stray_drops
t_gso_pmtu
t_kdev_gone
t_sigterm

echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] || { echo "e2e failed: ${failed[*]}"; echo "--- daemon output"; tail -20 "$LAB_WORK/daemon.out"; exit 1; }
exit 0
