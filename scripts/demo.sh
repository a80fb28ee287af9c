#!/usr/bin/env bash
# `make demo`: netsieve as the stateful firewall and NAT gateway between
# two network namespaces.
#
# With root and network namespaces: build a lab (client, server, router
# namespaces; see tests/e2e/lab.sh), start `netsieve daemon` in the router
# namespace with a start-up file, send real traffic through it (ping, an
# HTTP download with curl, a TCP message with nc), change a rule live (a
# REJECT for the HTTP port, then remove it), and print a report: what
# passed, what was rejected or dropped, `iptables -L -n -v`,
# `conntrack -L` and `netsieve stats`. Everything is torn down at the end.
#
# Without root or namespaces: the offline demo (examples/replay-demo.sh,
# `netsieve replay` on the built-in example) instead.
#
# Usage: scripts/demo.sh BUILD_DIR      Exit 0 when every step behaved.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || {
	echo "demo: no build directory ${1:-build}: run make build" >&2
	exit 1
}
NSV=$build/netsieve
[ -x "$NSV" ] || { echo "demo: $NSV not built: run make build" >&2; exit 1; }
# shellcheck source=../tests/e2e/lab.sh
. "$root/tests/e2e/lab.sh"

if [ -t 1 ]; then
	B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' Y=$'\e[33m' N=$'\e[0m'
else
	B='' G='' R='' Y='' N=''
fi
say() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
run() { printf '%s$ %s%s\n' "$Y" "$*" "$N"; }
indent() { sed 's/^/    /'; }

offline() {
	rm -rf "$LAB_WORK"
	echo "demo: the live demo needs $1; running the offline replay demo instead."
	if [ -x "$root/examples/replay-demo.sh" ]; then
		exec "$root/examples/replay-demo.sh" "$build"
	fi
	echo "demo: examples/replay-demo.sh is not in this tree: nothing to show." >&2
	exit 1
}

lab_init
why=$(lab_possible) || offline "root and network namespaces ($why)"

results=()
failures=0
step() { # step OK|FAIL text
	if [ "$1" = OK ]; then
		results+=("${G}ok${N}    $2")
	else
		results+=("${R}FAIL${N}  $2")
		failures=$((failures + 1))
	fi
}

trap 'lab_down' EXIT
trap 'exit 1' INT TERM

say "Building the lab: client and server namespaces, netsieve in a router namespace"
cat <<EOF
    client ($NS_C)             router ($NS_R)                 server ($NS_S)
    c0 $LAB_CLIENT_IP  ── veth ──  rc = eth0 (afpacket)           s0 $LAB_SERVER_IP
                                   netsieve daemon
                                   rs = eth1 (afpacket) ── veth ── s0
EOF
lab_up

conf=$LAB_WORK/gateway.conf
lab_write_config "$conf"
cat >>"$conf" <<'EOF'
# The firewall: a stateful gateway. Replies and related ICMP pass; from
# the client side only ping, HTTP (8080) and port 5000 may start a
# connection; the rest is logged and dropped. The client net leaves
# masqueraded behind the router's address.
iptables -P FORWARD DROP
iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A FORWARD -i eth0 -o eth1 -p icmp -j ACCEPT
iptables -A FORWARD -i eth0 -o eth1 -p tcp --dport 8080 -j ACCEPT
iptables -A FORWARD -i eth0 -o eth1 -p tcp --dport 5000 -j ACCEPT
iptables -A FORWARD -j LOG --log-prefix "demo-drop: "
iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE
EOF
say "Start-up file ($conf)"
indent <"$conf"

say "Starting the daemon in the router namespace"
run "ip netns exec $NS_R netsieve daemon --foreground --config gateway.conf --socket $LAB_SOCK --log daemon.log"
if ! lab_daemon "$conf"; then
	echo "demo: the daemon failed to start" >&2
	exit 1
fi
echo "    daemon pid $LAB_DAEMON_PID, control socket $LAB_SOCK"

# Servers in the server namespace.
mkdir -p "$LAB_WORK/www"
echo "Hello from the server namespace, through netsieve." >"$LAB_WORK/www/index.html"
head -c 1000000 /dev/urandom >"$LAB_WORK/www/big.bin"
lab_http_server "$NS_S" $LAB_SERVER_IP 8080 "$LAB_WORK/www"
lab_bg nss timeout 300 nc -k -l -p 5000 >"$LAB_WORK/nc.out" 2>/dev/null
lab_bg nss timeout 300 nc -k -l -p 6000 >/dev/null 2>&1
lab_wait_listen "$NS_S" 5000
lab_wait_listen "$NS_S" 6000

say "Traffic through the firewall"
run "ping -c 3 $LAB_SERVER_IP            (in the client namespace)"
if out=$(nsc timeout 10 ping -c 3 -i 0.2 -W 2 $LAB_SERVER_IP 2>&1); then
	echo "$out" | tail -2 | indent
	step OK "ping client -> server: $(echo "$out" | grep -o '[0-9]* received')"
else
	echo "$out" | tail -3 | indent
	step FAIL "ping client -> server"
fi

run "curl http://$LAB_SERVER_IP:8080/"
if out=$(nsc timeout 10 curl -sS -m 8 http://$LAB_SERVER_IP:8080/ 2>&1); then
	echo "$out" | indent
	step OK "HTTP GET through netsieve: \"$out\""
else
	echo "$out" | indent
	step FAIL "HTTP GET: $out"
fi
run "curl -o /dev/null http://$LAB_SERVER_IP:8080/big.bin   (1 MB)"
if out=$(nsc timeout 20 curl -sS -m 15 -o /dev/null -w '%{size_download} bytes at %{speed_download} B/s' \
	http://$LAB_SERVER_IP:8080/big.bin 2>&1); then
	echo "$out" | indent
	step OK "HTTP download of 1 MB: $out"
else
	step FAIL "HTTP download: $out"
fi

run "echo 'hello over TCP' | nc -N $LAB_SERVER_IP 5000"
echo "hello over TCP port 5000" | nsc timeout 10 nc -N -w 5 $LAB_SERVER_IP 5000
sleep 0.3
if grep -q "hello over TCP port 5000" "$LAB_WORK/nc.out"; then
	echo "    the server received: $(cat "$LAB_WORK/nc.out")"
	step OK "TCP message to port 5000 delivered"
else
	step FAIL "TCP message to port 5000 not delivered"
fi

run "nc -z -w 2 $LAB_SERVER_IP 6000      (not allowed: policy DROP)"
t0=$SECONDS
if out=$(nsc timeout 10 nc -z -v -w 2 $LAB_SERVER_IP 6000 2>&1); then
	echo "$out" | indent
	step FAIL "port 6000 was reachable despite the policy"
else
	echo "$out" | indent
	step OK "port 6000 dropped by the policy (client gave up after $((SECONDS - t0))s)"
fi

say "Changing a rule live: REJECT the HTTP port"
run "netsieve iptables -I FORWARD 2 -p tcp --dport 8080 -j REJECT --reject-with tcp-reset"
ctl iptables -I FORWARD 2 -p tcp --dport 8080 -j REJECT --reject-with tcp-reset 2>&1 | indent
run "curl http://$LAB_SERVER_IP:8080/"
if out=$(nsc timeout 10 curl -sS -m 8 http://$LAB_SERVER_IP:8080/ 2>&1); then
	echo "$out" | indent
	step FAIL "HTTP still answered with the REJECT rule in place"
else
	# curl exit 7 is "could not connect" (ECONNREFUSED among others);
	# nc names the error.
	echo "$out" | indent
	run "nc -z -v $LAB_SERVER_IP 8080"
	out=$(nsc timeout 10 nc -z -v -w 3 $LAB_SERVER_IP 8080 2>&1)
	echo "$out" | indent
	if echo "$out" | grep -q 'Connection refused'; then
		step OK "with the REJECT rule the client sees: Connection refused"
	else
		step FAIL "with the REJECT rule: $out (expected Connection refused)"
	fi
fi
run "netsieve iptables -D FORWARD 2"
ctl iptables -D FORWARD 2 2>&1 | indent
run "curl http://$LAB_SERVER_IP:8080/"
if out=$(nsc timeout 10 curl -sS -m 8 http://$LAB_SERVER_IP:8080/ 2>&1); then
	echo "$out" | indent
	step OK "rule removed: HTTP works again"
else
	echo "$out" | indent
	step FAIL "HTTP after removing the rule: $out"
fi

say "Load balancing: a virtual service on the router (IPVS)"
# The FORWARD policy is DROP with ESTABLISHED,RELATED first: the real
# server's replies pass only if conntrack sees IPVS's connections
# (net.ipv4.vs.conntrack=1, as on a kernel director behind such rules);
# MASQUERADE then applies to what IPVS sends ("full NAT").
for cmd in "sysctl -w net.ipv4.vs.conntrack=1" \
	"ipvsadm -A -t $LAB_ROUTER_C:80 -s rr" \
	"ipvsadm -a -t $LAB_ROUTER_C:80 -r $LAB_SERVER_IP:8080 -m"; do
	run "netsieve $cmd"
	# shellcheck disable=SC2086
	ctl $cmd 2>&1 | indent
done
run "curl http://$LAB_ROUTER_C/      (the virtual service)"
if out=$(nsc timeout 10 curl -sS -m 8 http://$LAB_ROUTER_C/ 2>&1); then
	echo "$out" | indent
	step OK "HTTP GET to the virtual service $LAB_ROUTER_C:80, answered by the real server"
else
	echo "$out" | indent
	step FAIL "HTTP GET to the virtual service: $out"
fi
run "netsieve ipvsadm -Ln --stats"
ctl ipvsadm -Ln --stats 2>&1 | indent
run "netsieve lb explain -t $LAB_ROUTER_C:80 --client $LAB_CLIENT_IP:40000"
ctl lb explain -t $LAB_ROUTER_C:80 --client $LAB_CLIENT_IP:40000 2>&1 | indent

say "Report"
printf '  %s\n' "${results[@]}"

say "netsieve iptables -L FORWARD -n -v   (the rule counters)"
ctl iptables -L FORWARD -n -v | indent
say "netsieve conntrack -L   (the connections, translated by MASQUERADE)"
ctl conntrack -L 2>&1 | cut -c1-200 | indent
say "netsieve stats"
ctl stats | indent
say "Log lines from the LOG rule (daemon.log)"
if grep -q 'demo-drop: ' "$LAB_LOG"; then
	grep 'demo-drop: ' "$LAB_LOG" | tail -3 | cut -c1-160 | indent
else
	echo "    (none)"
fi

say "Stopping the daemon (SIGTERM) and removing the lab"
lab_daemon_stop
rc=$?
[ $rc = 0 ] && step OK "daemon stopped cleanly" || step FAIL "daemon exit status $rc"
lab_down
trap - EXIT
if [ $failures = 0 ]; then
	printf '\n%sdemo: every step behaved as expected.%s\n' "$G" "$N"
	exit 0
fi
printf '\n%sdemo: %d step(s) did not behave as expected.%s\n' "$R" "$failures" "$N"
exit 1
