#!/usr/bin/env bash
# Capture the reference texts of Debian's conntrack 1.4.7 against the
# kernel's table: three namespaces (client ctt-a 10.0.1.2, router ctt-r,
# server ctt-b 10.0.2.2), conntrack loaded in the router by a FORWARD
# rule, MASQUERADE towards the server, TCP (an established and a
# half-open connection), UDP (answered and not) and ICMP echo traffic.
# Writes tests/conntrack/ref/*.txt: each file starts with "$ COMMAND"
# lines, then the stdout, then "--- stderr", then the stderr, then
# "--- rc N". Run as root; touches only its own namespaces.
#
# Usage: tests/conntrack/capture.sh [OUTDIR]
set -eu
cd "$(dirname "$0")"
OUT=${1:-ref}
mkdir -p "$OUT"
A=ctt-a R=ctt-r B=ctt-b
cleanup() {
	for n in $A $R $B; do ip netns del $n 2>/dev/null || true; done
	[ -n "${SRVPID:-}" ] && kill "$SRVPID" 2>/dev/null || true
}
trap cleanup EXIT
cleanup
for n in $A $R $B; do ip netns add $n; ip -n $n link set lo up; done
ip link add ctt-a0 netns $A type veth peer name ctt-r0 netns $R
ip link add ctt-r1 netns $R type veth peer name ctt-b0 netns $B
ip -n $A addr add 10.0.1.2/24 dev ctt-a0; ip -n $A link set ctt-a0 up
ip -n $R addr add 10.0.1.1/24 dev ctt-r0; ip -n $R link set ctt-r0 up
ip -n $R addr add 10.0.2.1/24 dev ctt-r1; ip -n $R link set ctt-r1 up
ip -n $B addr add 10.0.2.2/24 dev ctt-b0; ip -n $B link set ctt-b0 up
ip -n $A route add default via 10.0.1.1
ip -n $B route add default via 10.0.2.1
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1
ip netns exec $R iptables-legacy -A FORWARD -m conntrack \
	--ctstate NEW,ESTABLISHED -j ACCEPT
ip netns exec $R iptables-legacy -t nat -A POSTROUTING -o ctt-r1 \
	-p udp --dport 5353 -j MASQUERADE
ip netns exec $R sysctl -qw net.netfilter.nf_conntrack_timestamp=1
ip netns exec $R sysctl -qw net.netfilter.nf_conntrack_acct=1

# A TCP server on 10.0.2.2:8080 that answers once, and keeps the socket.
ip netns exec $B python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.0.2.2", 8080)); s.listen(8)
c, _ = s.accept(); c.recv(100); c.send(b"pong"); time.sleep(60)
' & SRVPID=$!
sleep 0.5
# Established TCP: client keeps it open.
ip netns exec $A python3 -c '
import socket, time
s = socket.socket(); s.bind(("10.0.1.2", 40000))
s.connect(("10.0.2.2", 8080)); s.send(b"ping"); s.recv(100)
' &
# UDP answered (DNS-ish port, MASQUERADEd) and unanswered.
ip netns exec $B python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.2.2", 5353)); d, a = s.recvfrom(100); s.sendto(b"r", a)
' &
sleep 0.3
ip netns exec $A python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.1.2", 41000)); s.sendto(b"q", ("10.0.2.2", 5353))
s.settimeout(2); s.recvfrom(100)
t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t.bind(("10.0.1.2", 41001)); t.sendto(b"q", ("10.0.2.2", 9999))
'
# Half-open TCP: SYN to a port nobody answers (the server drops it).
ip netns exec $B iptables-legacy -A INPUT -p tcp --dport 9000 -j DROP
ip netns exec $A python3 -c '
import socket
s = socket.socket(); s.bind(("10.0.1.2", 40001)); s.settimeout(0.5)
try: s.connect(("10.0.2.2", 9000))
except Exception: pass
'
ip netns exec $A ping -c1 -W1 10.0.2.2 >/dev/null
sleep 0.5

run() {       # run NAME CMD...: the output of CMD in the router namespace
	local name=$1; shift
	local f="$OUT/$name.txt" rc=0
	{
		echo "\$ $*"
		ip netns exec $R "$@" >"$f.out" 2>"$f.err" || rc=$?
		cat "$f.out"; echo "--- stderr"; cat "$f.err"; echo "--- rc $rc"
	} >"$f"
	rm -f "$f.out" "$f.err"
}
run list          conntrack -L
run list-ext      conntrack -L -o extended
run list-id       conntrack -L -o id
run list-ts       conntrack -L -o timestamp
run list-save     conntrack -L -o save
run list-ext-id   conntrack -L -o extended,id
run list-tcp      conntrack -L -p tcp
run list-udp-dport conntrack -L -p udp --dport 5353
run list-src      conntrack -L -s 10.0.1.2
run list-dst-none conntrack -L -d 10.9.9.9
run list-snat     conntrack -L --src-nat
run list-dnat     conntrack -L --dst-nat
run list-anynat   conntrack -L --any-nat
run list-state    conntrack -L -p tcp --state ESTABLISHED
run list-mark     conntrack -L -m 0
run list-status   conntrack -L -u ASSURED
run list-icmp     conntrack -L -p icmp
run count         conntrack -C
run stats         conntrack -S
run get           conntrack -G -p tcp -s 10.0.1.2 -d 10.0.2.2 --sport 40000 --dport 8080
run get-missing   conntrack -G -p tcp -s 10.0.1.2 -d 10.0.2.2 --sport 1 --dport 2
run update-mark   conntrack -U -p tcp --sport 40000 -m 42
run list-after-mark conntrack -L -m 42
run delete        conntrack -D -p udp --dport 9999
run delete-none   conntrack -D -p udp --dport 9999
run list-after-del conntrack -L
run create        conntrack -I -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 --state ESTABLISHED -t 100 -u ASSURED
run create-udp    conntrack -I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 3 --dport 4 -t 50 -m 7
run create-dup    conntrack -I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 3 --dport 4 -t 50
run list-created  conntrack -L -s 1.1.1.1 -o extended
run flush         conntrack -F
run list-flushed  conntrack -L
run count-flushed conntrack -C
