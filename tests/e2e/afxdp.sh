#!/usr/bin/env bash
# End-to-end forwarding through the AF_XDP backend: the lab of run.sh
# (client -> netsieve daemon -> server, three namespaces) with eth0 and
# eth1 of `type afxdp` instead of afpacket, and the basic cases: ping the
# router and across, a TCP stream, HTTP downloads compared byte for byte,
# a FORWARD rule dropping and counting, and the XDP program gone from the
# kernel interfaces once the daemon has stopped. AF_XDP has no offloads,
# so the veths run with TSO/GSO off (as in the afpacket suite's
# offloads-off case). Skipped, saying why, when the kernel refuses AF_XDP
# or the build has no afxdp backend.
# Usage: tests/e2e/afxdp.sh BUILD_DIR      (exit 0: all passed or skipped)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
NSV=$build/netsieve
BIN=$build/bin
# shellcheck source=lab.sh
. "$here/lab.sh"

pass=0 fail=0
failed=()
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); failed+=("$1"); echo "FAIL $1: $2"; }
skip_all() { echo "afxdp: skipped: $1"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }

lab_init
if ! why=$(lab_possible); then
	rm -rf "$LAB_WORK"
	skip_all "$why"
fi
[ -x "$NSV" ] || { rm -rf "$LAB_WORK"; echo "afxdp: $NSV not built" >&2; exit 1; }

lab_watchdog 300 afxdp
trap lab_down EXIT
trap 'exit 1' INT TERM

LAB_IO=afxdp
lab_up
for d in "$NS_C c0" "$NS_R rc" "$NS_S s0" "$NS_R rs"; do
	# shellcheck disable=SC2086
	lab_offloads_off $d
done
conf=$LAB_WORK/router.conf
lab_write_config "$conf"
if ! lab_daemon "$conf" 2>/dev/null; then
	out=$(cat "$LAB_WORK/daemon.out" "$LAB_LOG" 2>/dev/null)
	if echo "$out" | grep -q 'link type "afxdp" is not supported'; then
		skip_all "this build has no AF_XDP backend (libxdp-dev, libbpf-dev)"
	fi
	if echo "$out" | grep -q 'AF_XDP not possible'; then
		skip_all "the kernel refuses AF_XDP here: $(echo "$out" | grep -m1 'AF_XDP not possible')"
	fi
	echo "$out"
	ko daemon-start "the daemon did not start"
	echo "$pass passed, $fail failed"
	exit 1
fi
echo "afxdp: lab $LAB up: $(grep -m1 -o 'eth0 (afxdp rc): .*' "$LAB_LOG")"

t_kind() {
	ctl stats | grep -qE '^eth0 +afxdp' || { ko kind "eth0 is not afxdp: $(ctl stats | head -3)"; return; }
	ok kind
}

t_ping_router() {
	local out
	out=$(nsc timeout 10 ping -c 2 -i 0.2 -W 2 $LAB_ROUTER_C 2>&1) ||
		{ ko ping-router "$(echo "$out" | tail -2)"; return; }
	ok ping-router
}

t_ping_across() {
	local out
	out=$(nsc timeout 10 ping -c 20 -i 0.05 -W 2 $LAB_SERVER_IP 2>&1)
	echo "$out" | grep -q ' 0% packet loss' ||
		{ ko ping-across "$(echo "$out" | tail -2)"; return; }
	ok ping-across
}

t_tcp_nc() {
	local got
	: >"$LAB_WORK/nc.out"
	lab_bg nss timeout 15 nc -l -p 5000 -N >"$LAB_WORK/nc.out" 2>/dev/null
	lab_wait_listen "$NS_S" 5000 || { ko tcp-nc "server did not listen"; return; }
	echo "hello through AF_XDP" | nsc timeout 10 nc -N -w 5 $LAB_SERVER_IP 5000 ||
		{ ko tcp-nc "client nc failed"; return; }
	sleep 0.3
	got=$(cat "$LAB_WORK/nc.out")
	[ "$got" = "hello through AF_XDP" ] || { ko tcp-nc "server got '$got'"; return; }
	ok tcp-nc
}

t_http() {
	local f sum t
	mkdir -p "$LAB_WORK/www"
	head -c 2000000 /dev/urandom >"$LAB_WORK/www/blob.bin"
	lab_http_server "$NS_S" $LAB_SERVER_IP 8080 "$LAB_WORK/www" ||
		{ ko http "server did not listen"; return; }
	sum=$(sha256sum <"$LAB_WORK/www/blob.bin" | cut -d' ' -f1)
	for f in 1 2 3; do
		t=$(nsc timeout 30 curl -s -m 25 -o "$LAB_WORK/got.bin" \
			-w '%{time_total}' http://$LAB_SERVER_IP:8080/blob.bin) ||
			{ ko http "download $f failed"; return; }
		[ "$(sha256sum <"$LAB_WORK/got.bin" | cut -d' ' -f1)" = "$sum" ] ||
			{ ko http "download $f differs"; return; }
	done
	ok "http (3 x 2 MB, last in ${t}s)"
}

t_drop_rule() {
	local n
	ctl iptables -A FORWARD -p icmp -j DROP || { ko drop-rule "iptables -A"; return; }
	if nsc timeout 5 ping -c 3 -i 0.2 -W 1 -q $LAB_SERVER_IP >/dev/null 2>&1; then
		ctl iptables -F FORWARD
		ko drop-rule "ping crossed a DROP rule"
		return
	fi
	n=$(ctl iptables -L FORWARD -v -n -x | awk '$3 == "DROP" { print $1 }')
	ctl iptables -F FORWARD
	[ "${n:-0}" -ge 3 ] || { ko drop-rule "DROP counted ${n:-0} packets, want 3"; return; }
	nsc timeout 5 ping -c 2 -i 0.2 -W 2 -q $LAB_SERVER_IP >/dev/null ||
		{ ko drop-rule "ping fails after the flush"; return; }
	ok drop-rule
}

t_no_drops() {
	local d
	d=$(ctl stats | awk '$2 == "afxdp" && ($7 != 0 || $8 != 0) { print }')
	[ -z "$d" ] || { ko no-drops "$d"; return; }
	ok no-drops
}

t_detach() {
	local rc
	lab_daemon_stop
	rc=$?
	[ $rc = 0 ] || { ko detach "daemon exit status $rc"; return; }
	if ip -n "$NS_R" link show rc | grep -q 'prog/xdp'; then
		ko detach "an XDP program is left on rc: $(ip -n "$NS_R" link show rc | grep prog/xdp)"
		return
	fi
	ok detach
}

t_kind
t_ping_router
t_ping_across
t_tcp_nc
t_http
t_drop_rule
t_no_drops
t_detach

echo "$pass passed, $fail failed"
[ $fail = 0 ] || { echo "afxdp e2e failed: ${failed[*]}"; tail -20 "$LAB_WORK/daemon.out"; exit 1; }
exit 0
