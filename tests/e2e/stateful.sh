#!/usr/bin/env bash
# End-to-end tests of connection tracking and NAT: real clients and
# servers in network namespaces through `netsieve daemon` (2 workers,
# default offloads), as tests/e2e/run.sh builds them (lab.sh):
#
#   masquerade     the client reaches a server that has no route back to
#                  it, through MASQUERADE; the server sees the router's
#                  address; the server cannot open a connection back
#                  (FORWARD DROP but ESTABLISHED,RELATED)
#   port-forward   DNAT of the router's eth0 address port 8080 to the
#                  server's port 80
#   reload         a long-lived TCP connection keeps working while the
#                  ruleset is restored again and again
#   conntrack-D    `conntrack -D` of a connection's entry breaks it (the
#                  rules accept only SYNs as NEW)
#   syn-flood      at nf_conntrack_max, a SYN flood is handled by early
#                  drop; an established connection still works
#
# Usage: tests/e2e/stateful.sh BUILD_DIR    (exit 0: all passed or skipped)
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

LAB=nsst$$
lab_init
if ! why=$(lab_possible); then
	rm -rf "$LAB_WORK"
	echo "stateful: skipped: $why"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

main_pid=$$
(
	trap 'kill "$sp" 2>/dev/null; exit 0' TERM
	sleep 300 &
	sp=$!
	wait "$sp"
	echo "stateful: watchdog: still running after 300s" >&2
	kill -TERM "$main_pid"
) >/dev/null &
watchdog=$!
cleanup() {
	kill "$watchdog" 2>/dev/null
	lab_down
}
trap cleanup EXIT
trap 'exit 1' INT TERM

lab_up
LAB_NSES+=("$NS_C" "$NS_S" "$NS_R")
# The server knows only its own net: replies reach the client only when
# the router translates the client's address.
ip -n "$NS_S" route del default
conf=$LAB_WORK/router.conf
lab_write_config "$conf"
# A small hash for the SYN flood test's small table (set before tracking
# starts, as the kernel's hashsize): early drop then finds victims.
echo "sysctl -w net.netfilter.nf_conntrack_buckets=1024" >>"$conf"
lab_daemon "$conf" || { ko daemon-start "the daemon did not start"; exit 1; }

# A TCP server that tells each client its address, then echoes lines.
cat >"$LAB_WORK/whoami.py" <<'EOF'
import socket, sys, threading
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(64)
def serve(c, a):
    with c:
        c.sendall(("you are %s\n" % a[0]).encode())
        f = c.makefile("rb")
        for line in f:
            c.sendall(line)
while True:
    c, a = s.accept()
    threading.Thread(target=serve, args=(c, a), daemon=True).start()
EOF
# A client: connect, read the greeting, then send N lines at an interval
# and check each comes back; prints the greeting and "echoed K of N".
cat >"$LAB_WORK/client.py" <<'EOF'
import socket, sys, time
host, port, n, gap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
c = socket.create_connection((host, port), timeout=3)
f = c.makefile("rb")
print(f.readline().decode().strip(), flush=True)
k = 0
for i in range(n):
    try:
        c.sendall(b"line %d\n" % i)
        if f.readline() == b"line %d\n" % i:
            k += 1
    except OSError:
        break
    time.sleep(gap)
print("echoed %d of %d" % (k, n), flush=True)
EOF
lab_bg ip netns exec "$NS_S" timeout 280 "$PY" "$LAB_WORK/whoami.py" \
	$LAB_SERVER_IP 80
lab_wait_listen "$NS_S" 80 || { ko server "whoami did not listen"; exit 1; }

STATEFUL='*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -i eth0 -o eth1 -p tcp --syn -m conntrack --ctstate NEW -j ACCEPT
-A FORWARD -i eth0 -o eth1 -p icmp -m conntrack --ctstate NEW -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o eth1 -j MASQUERADE
COMMIT'

load() {
	printf '%s\n' "$1" | ctl iptables-restore >"$LAB_WORK/restore.err" 2>&1
}

client() { nsc timeout 20 "$PY" "$LAB_WORK/client.py" "$@" 2>&1; }

t_masquerade() {
	local out
	load "$STATEFUL" || { ko masquerade "restore: $(cat "$LAB_WORK/restore.err")"; return; }
	out=$(client $LAB_SERVER_IP 80 3 0)
	[ "$out" = "you are $LAB_ROUTER_S
echoed 3 of 3" ] || { ko masquerade "client got: $out"; return; }
	nsc ping -c 1 -W 2 $LAB_SERVER_IP >/dev/null ||
		{ ko masquerade "ping through MASQUERADE failed"; return; }
	# The server cannot open a connection to the client's net.
	if nss timeout 3 "$PY" -c "import socket; socket.create_connection(('$LAB_ROUTER_S', 22), timeout=2)" 2>/dev/null; then
		ko masquerade "a connection from the server side got through"
		return
	fi
	ok "masquerade (server saw $LAB_ROUTER_S)"
}

t_port_forward() {
	local out
	# In the same *nat block as MASQUERADE: a second block would flush
	# the table first (iptables-restore without --noflush).
	load "${STATEFUL%COMMIT}-A PREROUTING -i eth0 -d $LAB_ROUTER_C -p tcp --dport 8080 -j DNAT --to-destination $LAB_SERVER_IP:80
COMMIT" || { ko port-forward "restore: $(cat "$LAB_WORK/restore.err")"; return; }
	# The forwarded SYN is NEW from eth0 to eth1: accepted by the rules.
	out=$(client $LAB_ROUTER_C 8080 2 0)
	[ "$out" = "you are $LAB_ROUTER_S
echoed 2 of 2" ] || { ko port-forward "client got: $out"; return; }
	ok port-forward
}

t_reload() {
	local out i pid
	load "$STATEFUL" || { ko reload "restore failed"; return; }
	client $LAB_SERVER_IP 80 30 0.1 >"$LAB_WORK/reload.out" &
	pid=$!
	for i in $(seq 20); do
		load "$STATEFUL" || { ko reload "restore $i failed"; return; }
		sleep 0.1
	done
	wait $pid
	out=$(cat "$LAB_WORK/reload.out")
	[ "$out" = "you are $LAB_ROUTER_S
echoed 30 of 30" ] || { ko reload "client got: $out"; return; }
	ok "reload (20 restores under a live connection)"
}

t_conntrack_delete() {
	local out pid n
	load "$STATEFUL" || { ko conntrack-D "restore failed"; return; }
	client $LAB_SERVER_IP 80 40 0.1 >"$LAB_WORK/del.out" &
	pid=$!
	sleep 1
	n=$(ctl conntrack -D -p tcp --orig-dst $LAB_SERVER_IP --dport 80 2>&1 |
		grep -c 'dport=80')
	wait $pid
	out=$(tail -1 "$LAB_WORK/del.out")
	[ "$n" -ge 1 ] || { ko conntrack-D "conntrack -D deleted nothing"; return; }
	case "$out" in
	"echoed 40 of 40") ko conntrack-D "the connection survived its entry's deletion" ;;
	"echoed "*) ok "conntrack-D ($out after the delete)" ;;
	*) ko conntrack-D "client: $out" ;;
	esac
}

t_syn_flood() {
	local out pid n
	load "$STATEFUL" || { ko syn-flood "restore failed"; return; }
	ctl sysctl -w net.netfilter.nf_conntrack_max=64 >/dev/null
	client $LAB_SERVER_IP 80 30 0.1 >"$LAB_WORK/flood.out" &
	pid=$!
	sleep 0.5
	# 3000 SYNs to a host nobody answers for (unassured entries).
	nsc timeout 30 "$PY" -c '
import socket, struct, random
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
src, dst = socket.inet_aton("'$LAB_CLIENT_IP'"), socket.inet_aton("10.201.2.99")
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
for i in range(3000):
    sp = 20000 + i
    th = struct.pack("!HHIIBBHHH", sp, 80, random.getrandbits(32), 0, 5 << 4, 2, 512, 0, 0)
    c = csum(src + dst + struct.pack("!BBH", 0, 6, 20) + th)
    th = th[:16] + struct.pack("!H", c) + th[18:]
    r.sendto(th, ("10.201.2.99", 0))
'
	n=$(ctl sysctl -n net.netfilter.nf_conntrack_count)
	wait $pid
	out=$(tail -1 "$LAB_WORK/flood.out")
	ctl sysctl -w net.netfilter.nf_conntrack_max=262144 >/dev/null
	[ "$n" -le 64 ] || { ko syn-flood "$n entries with nf_conntrack_max=64"; return; }
	[ "$out" = "echoed 30 of 30" ] || { ko syn-flood "the established connection broke: $out"; return; }
	ok "syn-flood (3000 SYNs, table at $n of 64, established connection intact)"
}

t_masquerade
t_port_forward
t_reload
t_conntrack_delete
t_syn_flood

echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
