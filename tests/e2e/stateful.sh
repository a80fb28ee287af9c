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
#   events         `conntrack -E -p icmp` through the client tool while a
#                  ping crosses the router: [NEW] and [UPDATE] lines as
#                  conntrack 1.4.7 prints the kernel's events; SIGINT ends
#                  it with conntrack's summary on stderr and exit code 0;
#                  `conntrack -E -p tcp` of a TCP connection from its
#                  SYN to TIME_WAIT, ended by SIGTERM
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

lab_watchdog 300 stateful
trap lab_down EXIT
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
	local out pid n ed
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
	# conntrack -S: early drops summed over the workers' rows.
	ed=$(ctl conntrack -S 2>/dev/null | sed -n 's/.* early_drop=\([0-9]*\).*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	wait $pid
	out=$(tail -1 "$LAB_WORK/flood.out")
	ctl sysctl -w net.netfilter.nf_conntrack_max=262144 >/dev/null
	[ "$n" -le 64 ] || { ko syn-flood "$n entries with nf_conntrack_max=64"; return; }
	[ "$out" = "echoed 30 of 30" ] || { ko syn-flood "the established connection broke: $out"; return; }
	[ "$ed" -gt 0 ] || { ko syn-flood "conntrack -S counts no early drop"; return; }
	ok "syn-flood (3000 SYNs, table at $n of 64, $ed early drops, established connection intact)"
}

t_events() {
	local pid i rc out err id c=$LAB_CLIENT_IP s=$LAB_SERVER_IP
	# No NAT here (it has tests of its own): the server routes back.
	load "${STATEFUL%%'*nat'*}" || { ko events "restore: $(cat "$LAB_WORK/restore.err")"; return; }
	# No translation for these: the earlier tests' nat rules go, and so
	# do the entries they made.
	ctl iptables -t nat -F >/dev/null
	ctl conntrack -F >/dev/null 2>&1
	ip -n "$NS_S" route add 10.201.1.0/24 via $LAB_ROUTER_S
	t_events_run
	t_events_tcp
	ip -n "$NS_S" route del 10.201.1.0/24 via $LAB_ROUTER_S
}

# The lines of a TCP connection's life, as Linux 6.x and conntrack 1.4.7
# print them (checked on a kernel: SYN_SENT 120 s, SYN_RECV 60 s,
# ESTABLISHED 432000 s and ASSURED, then the closing states).
t_events_tcp() {
	local pid rc out err p n last c=$LAB_CLIENT_IP s=$LAB_SERVER_IP
	NETSIEVE_SOCKET=$LAB_SOCK "$NSV" conntrack -E -p tcp --dport 80 \
		>"$LAB_WORK/evt.out" 2>"$LAB_WORK/evt.err" &
	pid=$!
	sleep 0.5
	out=$(client $s 80 1 0)
	[ "$out" = "you are $c
echoed 1 of 1" ] || { kill -KILL $pid; ko events-tcp "client got: $out"; return; }
	for i in $(seq 30); do
		grep -q TIME_WAIT "$LAB_WORK/evt.out" && break
		sleep 0.1
	done
	kill -TERM $pid
	wait $pid
	rc=$?
	p=$(sed -n '1s/.* sport=\([0-9]*\) dport=80 .*/\1/p' "$LAB_WORK/evt.out")
	t="src=$c dst=$s sport=$p dport=80"
	r="src=$s dst=$c sport=80 dport=$p"
	out=$(head -3 "$LAB_WORK/evt.out")
	[ "$out" = "    [NEW] tcp      6 120 SYN_SENT $t [UNREPLIED] $r
 [UPDATE] tcp      6 60 SYN_RECV $t $r
 [UPDATE] tcp      6 432000 ESTABLISHED $t $r [ASSURED]" ] ||
		{ ko events-tcp "conntrack -E printed: $(cat "$LAB_WORK/evt.out")"; return; }
	last=$(tail -1 "$LAB_WORK/evt.out")
	[ "$last" = " [UPDATE] tcp      6 120 TIME_WAIT $t $r [ASSURED]" ] ||
		{ ko events-tcp "last line: $last"; return; }
	# Between them, only the closing states, in the same format.
	if sed -n '4,$p' "$LAB_WORK/evt.out" | grep -v -E \
		"^ \[UPDATE\] tcp      6 (120 FIN_WAIT|60 CLOSE_WAIT|30 LAST_ACK|120 TIME_WAIT) $t $r \[ASSURED\]\$" | grep -q .; then
		ko events-tcp "conntrack -E printed: $(cat "$LAB_WORK/evt.out")"; return
	fi
	n=$(wc -l <"$LAB_WORK/evt.out")
	err=$(cat "$LAB_WORK/evt.err")
	[ "$err" = "conntrack v1.4.7 (conntrack-tools): $n flow events have been shown." ] ||
		{ ko events-tcp "stderr: $err"; return; }
	[ $rc = 0 ] || { ko events-tcp "exit code $rc after SIGTERM"; return; }
	ok "events-tcp ($(awk '{ printf "%s%s", s, $5; s = " " }' "$LAB_WORK/evt.out"); the summary after SIGTERM)"
}

t_events_run() {
	local pid i rc out err id c=$LAB_CLIENT_IP s=$LAB_SERVER_IP
	# Not through ctl(): its timeout would take the SIGINT.
	NETSIEVE_SOCKET=$LAB_SOCK "$NSV" conntrack -E -p icmp \
		>"$LAB_WORK/ev.out" 2>"$LAB_WORK/ev.err" &
	pid=$!
	# The stream is open once the daemon counts a listener.
	sleep 0.5
	nsc ping -c 1 -W 2 $s >/dev/null || { kill -KILL $pid; ko events "ping failed"; return; }
	# A UDP datagram the filter (-p icmp) leaves out.
	nsc "$PY" -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('$s', 9))"
	for i in $(seq 20); do
		[ "$(wc -l <"$LAB_WORK/ev.out")" -ge 2 ] && break
		sleep 0.1
	done
	kill -INT $pid
	wait $pid
	rc=$?
	out=$(cat "$LAB_WORK/ev.out")
	err=$(cat "$LAB_WORK/ev.err")
	id=$(sed -n '1s/.* id=\([0-9]*\) .*/\1/p' "$LAB_WORK/ev.out")
	[ "$out" = "    [NEW] icmp     1 30 src=$c dst=$s type=8 code=0 id=$id [UNREPLIED] src=$s dst=$c type=0 code=0 id=$id
 [UPDATE] icmp     1 30 src=$c dst=$s type=8 code=0 id=$id src=$s dst=$c type=0 code=0 id=$id" ] ||
		{ ko events "conntrack -E printed: $out"; return; }
	[ "$err" = "conntrack v1.4.7 (conntrack-tools): 2 flow events have been shown." ] ||
		{ ko events "stderr: $err"; return; }
	[ $rc = 0 ] || { ko events "exit code $rc after SIGINT"; return; }
	ok "events (NEW and UPDATE of a ping, the summary after SIGINT)"
}

t_masquerade
t_port_forward
t_reload
t_conntrack_delete
t_syn_flood
t_events

echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
