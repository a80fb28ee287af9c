#!/usr/bin/env bash
# Bad input at the tool level: absurd command lines, oversized rules and
# restore files, binary garbage, broken captures and setup files. Every case
# must end with a clear error (exit code 1..127, a message on stderr), no
# crash or sanitizer report, and no change: the ruleset saved before and
# after must be identical. Usage: tests/robust/run.sh BUILD
set -u
cd "$(dirname "$0")/../.."
B=$(cd "${1:-build}" && pwd)
NS=$B/netsieve
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
n=0

BASE='iptables -N web
iptables -A INPUT -p tcp --dport 80 -j web
iptables -A web -s 10.0.0.0/8 -j ACCEPT
iptables -t mangle -A PREROUTING -j MARK --set-mark 1'

# check NAME "COMMAND LINE" [stdin-file]: runs BASE, saves, runs the bad
# command, saves again; the bad command must fail cleanly and change nothing.
check() {
	local name=$1 cmd=$2 input=${3:-}
	n=$((n + 1))
	{
		echo "$BASE"
		echo "iptables-save -c"
		if [ -n "$input" ]; then
			printf '%s <<__EOF__\n' "$cmd"
			cat "$input"
			printf '\n__EOF__\n'
		else
			printf '%s\n' "$cmd"
		fi
		echo "iptables-save -c"
	} > "$T/script"
	"$NS" shell -x -f "$T/script" > "$T/out" 2> "$T/err"
	local rc=$?
	if [ $rc -ge 128 ] || grep -q -E 'AddressSanitizer|runtime error|LeakSanitizer' "$T/err"; then
		echo "robust: $name: CRASH (rc $rc)"; head -20 "$T/err"; fail=1; return
	fi
	# The shell prints "# rc=N" after each command; the bad one is the
	# first rc after the saves of the base.
	# Four base commands, the first save, the bad command (the 6th rc),
	# the second save.
	local bad
	bad=$(grep -o '^# rc=[0-9]*' "$T/out" | sed -n 6p | sed 's/# rc=//')
	if [ -z "$bad" ] || [ "$bad" = 0 ]; then
		echo "robust: $name: accepted (rc '${bad}'), expected an error"; fail=1; return
	fi
	if [ ! -s "$T/err" ]; then
		echo "robust: $name: failed without a message"; fail=1; return
	fi
	# Saves before and after, without the date comments.
	awk '/^# rc=/ { k++ } k == 4 && !/^#/' "$T/out" > "$T/before"
	awk '/^# rc=/ { k++ } k == 6 && !/^#/' "$T/out" > "$T/after"
	if ! cmp -s "$T/before" "$T/after" || [ ! -s "$T/before" ]; then
		echo "robust: $name: the ruleset changed (or was not saved)"
		diff "$T/before" "$T/after" | head; fail=1; return
	fi
}

# Long and absurd command lines.
long=$(head -c 1000000 /dev/zero | tr '\0' 'a')
check "1 MB argument"            "iptables -A INPUT -m comment --comment $long -j NOSUCH"
check "1 MB chain name"          "iptables -N $long"
many=$(for i in $(seq 5000); do printf -- '-s 1.2.3.%d ' $((i % 250)); done)
check "5000 options"             "iptables -A INPUT $many -j DROP"
check "4000 matches"             "iptables -A INPUT $(for i in $(seq 4000); do printf -- '-m mark --mark %d ' $i; done) -j BAD"
check "unknown option"           "iptables -A INPUT --frobnicate 1 -j DROP"
check "unknown match"            "iptables -A INPUT -m nosuchmatch -j DROP"
check "unknown target"           "iptables -A INPUT -j NOSUCHTARGET"
check "huge port"                "iptables -A INPUT -p tcp --dport 99999999999999999999 -j DROP"
check "negative rule number"     "iptables -I INPUT -5 -j DROP"
check "rule number overflow"     "iptables -D INPUT 18446744073709551617"
check "mask 33"                  "iptables -A INPUT -s 10.0.0.0/33 -j DROP"
check "binary argument"          "iptables -A INPUT -s $(printf '\x01\x02\xff\xfe') -j DROP"
check "limit 0"                  "iptables -A INPUT -m limit --limit 0/sec -j DROP"
check "statistic every 0"        "iptables -A INPUT -m statistic --mode nth --every 0 -j DROP"
check "loop"                     "iptables -A web -j web"
check "reject in PREROUTING"     "iptables -t mangle -A PREROUTING -j REJECT"
check "tcp-reset without -p"     "iptables -A INPUT -j REJECT --reject-with tcp-reset"
check "delete referenced chain"  "iptables -X web"
check "DROP in the nat table"     "iptables -t nat -A POSTROUTING -j DROP"
check "SNAT without --to-source" "iptables -t nat -A POSTROUTING -j SNAT"
check "conntrack garbage"        "conntrack -L --bogus $(printf '\xff')"
check "conntrack -I half tuple"  "conntrack -I -p tcp -s 10.0.0.1"
check "bad sysctl value"         "sysctl -w net.ipv4.ip_default_ttl=0"
check "unknown sysctl"           "sysctl -w net.ipv4.no_such_knob=1"
check "ip garbage"               "ip route add nonsense via $(printf '\xff')"
check "unknown command"          "frobnicate --all"

# Restore files: garbage, a failing line late in a big file, no COMMIT.
python3 -c "import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(200000)))" > "$T/garbage"
check "restore random bytes"     "iptables-restore" "$T/garbage"
{ echo '*filter'; for i in $(seq 20000); do echo "-A INPUT -s 10.$((i / 256 % 256)).$((i % 256)).1 -j ACCEPT"; done
  echo '-A INPUT -j NOSUCH'; echo 'COMMIT'; } > "$T/late-error"
check "restore error at line 20002" "iptables-restore" "$T/late-error"
printf '*filter\n-A INPUT -j DROP\n' > "$T/nocommit"
check "restore without COMMIT"   "iptables-restore" "$T/nocommit"
printf '*filter\n:INPUT FROBNICATE [0:0]\nCOMMIT\n' > "$T/badpolicy"
check "restore bad policy"       "iptables-restore" "$T/badpolicy"
printf '*filter\n[999999999999999999999:1] -A INPUT -j DROP\nCOMMIT\n' > "$T/badcount"
# iptables-legacy-restore -c saturates an overflowing counter (ULLONG_MAX)
# and loads the rule; netsieve does the same: not a bad-input case.
printf '*nosuchtable\nCOMMIT\n' > "$T/badtable"
check "restore unknown table"    "iptables-restore" "$T/badtable"
# Event streams need a daemon; the shell refuses them.
check "conntrack -E in the shell" "conntrack -E -p udp"

# Restore input over the control protocol's cap (16 MiB), through a
# daemon: refused by the client with the cap named, exit 4 (iptables'
# RESOURCE_PROBLEM), nothing sent, nothing changed.
dcheck() {
	local name=$1 how=$2 want=$3 rc
	n=$((n + 1))
	"$NS" --socket "$T/d.sock" iptables-save > "$T/dbefore" 2>&1
	if [ "$how" = file ]; then
		"$NS" --socket "$T/d.sock" iptables-restore "$T/huge" > "$T/dout" 2> "$T/derr"
	else
		"$NS" --socket "$T/d.sock" iptables-restore < "$T/huge" > "$T/dout" 2> "$T/derr"
	fi
	rc=$?
	"$NS" --socket "$T/d.sock" iptables-save > "$T/dafter" 2>&1
	if [ $rc != 4 ] || ! grep -qF -- "$want" "$T/derr"; then
		echo "robust: $name: rc $rc, expected 4 and \"$want\""
		head -3 "$T/derr"; fail=1; return
	fi
	if ! diff <(grep -v '^#' "$T/dbefore") <(grep -v '^#' "$T/dafter") >/dev/null ||
	   ! grep -q -- '-A web -s 10.0.0.0/8 -j ACCEPT' "$T/dafter"; then
		echo "robust: $name: the ruleset changed"; fail=1; return
	fi
}
"$NS" daemon --foreground --socket "$T/d.sock" > "$T/d.out" 2>&1 &
dpid=$!
for i in $(seq 200); do [ -S "$T/d.sock" ] && break; sleep 0.05; done
if [ -S "$T/d.sock" ]; then
	echo "$BASE" | while read -r line; do
		# shellcheck disable=SC2086
		"$NS" --socket "$T/d.sock" $line || echo "robust: base: $line failed"
	done
	python3 - "$T/huge" <<'PY'
import sys
size = 17825792                        # 17 MiB
line = b'-A INPUT -s 10.9.9.9/32 -j ACCEPT\n'
head, tail = b'*filter\n', b'COMMIT\n'
body = line * ((size - len(head) - len(tail)) // len(line))
pad = b'#' * (size - len(head) - len(tail) - len(body) - 1) + b'\n'
with open(sys.argv[1], 'wb') as f:
    f.write(head + body + pad + tail)
PY
	dcheck "restore of 17 MiB (file)" file \
		"iptables-restore: input is 17825792 bytes, larger than the control protocol's limit of 16777216 bytes (16 MiB); nothing was changed"
	dcheck "restore of 17 MiB (stdin)" stdin \
		"iptables-restore: input is 17825792 bytes, larger than the control protocol's limit of 16777216 bytes (16 MiB); nothing was changed"
	head -c 16777216 "$T/huge" > "$T/huge.1"; mv "$T/huge.1" "$T/huge"
	dcheck "restore of exactly 16 MiB" file \
		"iptables-restore: input is 16777216 bytes; with the command it is larger than the control protocol's limit of 16777216 bytes (16 MiB); nothing was changed"
	# An event stream whose client sends garbage, a bad -E, and a
	# client that leaves without reading: the daemon goes on serving.
	n=$((n + 1))
	if ! python3 - "$T/d.sock" <<'PY'
import socket, struct, sys
def req(*words):
    body = struct.pack(">I", len(words))
    for w in words:
        body += struct.pack(">I", len(w)) + w.encode()
    body += struct.pack(">II", 0, 0)
    return b"NSQ1" + struct.pack(">I", len(body)) + body
def first(s):
    h = s.recv(8, socket.MSG_WAITALL)
    return h[:4]
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(req("conntrack", "-E"))
assert first(s) == b"NSE1", "no event frame"
s.sendall(b"\xff" * 100000 + b"NSQ1\xff\xff\xff\xff")
b = socket.socket(socket.AF_UNIX)
b.connect(sys.argv[1])
b.sendall(req("conntrack", "-E", "-o", "bogus"))
assert first(b) == b"NSR1", "a bad -E did not get a reply"
c = socket.socket(socket.AF_UNIX)
c.connect(sys.argv[1])
c.sendall(req("conntrack", "-E"))
c.close()
s.close()
PY
	then
		echo "robust: event streams: the daemon did not answer as expected"; fail=1
	elif ! "$NS" --socket "$T/d.sock" iptables -S web >/dev/null 2>&1; then
		echo "robust: event streams: the daemon stopped serving"; fail=1
	fi
else
	echo "robust: the daemon did not start: $(head -3 "$T/d.out")"; fail=1
fi
kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null

# Replay with broken inputs: a clear error, exit 1..127, no crash.
rcheck() {
	local name=$1; shift
	n=$((n + 1))
	"$NS" replay "$@" > "$T/rout" 2> "$T/rerr"
	local rc=$?
	if [ $rc -eq 0 ] || [ $rc -ge 128 ] || [ ! -s "$T/rerr" ] ||
	   grep -q -E 'AddressSanitizer|runtime error' "$T/rerr"; then
		echo "robust: replay $name: rc $rc"; head -5 "$T/rerr"; fail=1
	fi
}
printf 'ip link set eth0 up\n' > "$T/setup.ns"
head -c 5000 /dev/urandom > "$T/junk.pcap"
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00' > "$T/short.pcap"
rcheck "random bytes as pcap"    --setup "$T/setup.ns" --in eth0="$T/junk.pcap"
rcheck "truncated pcap header"   --setup "$T/setup.ns" --in eth0="$T/short.pcap"
rcheck "missing pcap"            --setup "$T/setup.ns" --in eth0="$T/nope.pcap"
printf 'ip link set eth0 up\niptables -A INPUT -j NOSUCH\n' > "$T/badsetup.ns"
python3 - "$T/ok.pcap" <<'PY'
import struct, sys
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
PY
rcheck "failing setup line"      --setup "$T/badsetup.ns" --in eth0="$T/ok.pcap"
rcheck "unknown option"          --frobnicate
rcheck "no setup file"           --setup "$T/none.ns" --in eth0="$T/ok.pcap"

if [ $fail = 0 ]; then
	echo "robust: $n cases, all refused cleanly with nothing changed"
fi
exit $fail
