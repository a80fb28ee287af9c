#!/usr/bin/env bash
# The installed netsieve: `meson install` into a DESTDIR from BUILD, and
# `make install PREFIX=/usr DESTDIR=...` from a build of its own. Checks
# the files, that the links folder (never the system's iptables) resolves
# to the binary and drives a daemon, that the man page renders without
# warnings and has no placeholder left, the systemd unit
# (systemd-analyze verify when available), that the sample start-up file
# never overwrites an existing one, and, with the installed binary: the
# version, help without a daemon or root, sd_notify READY=1/STOPPING=1,
# journal level prefixes and syslog. Daemons run in the foreground with
# their sockets in our temporary directory and are stopped by pid.
# Usage: tests/install/run.sh BUILD
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-build}" && pwd)
T=$(mktemp -d)
chmod 755 "$T"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }
sk() { skip=$((skip + 1)); echo "SKIP $1: $2"; }

opt() {
	meson introspect "$B" --buildoptions | python3 -c "import json, sys
print({o['name']: o['value'] for o in json.load(sys.stdin)}['$1'])"
}
version=$(meson introspect "$B" --projectinfo |
	python3 -c "import json, sys; print(json.load(sys.stdin)['version'])")
prefix=$(opt prefix)
abs() { case $1 in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac; }
bindir=$(abs "$(opt bindir)")
sysconfdir=$(abs "$(opt sysconfdir)")
datadir=$(abs "$(opt datadir)")
mandir=$(abs "$(opt mandir)")
linkdir=$prefix/lib/netsieve/bin
unitdir=$prefix/lib/systemd/system
tools="iptables iptables-save iptables-restore iptables-legacy
iptables-legacy-save iptables-legacy-restore ip sysctl conntrack
ipvsadm ipvsadm-save ipvsadm-restore"

D=$T/dest
if ! meson install -C "$B" --no-rebuild --destdir "$D" >"$T/install.log" 2>&1; then
	echo "install: meson install failed:"; tail -20 "$T/install.log"
	exit 1
fi
NSV=$D$bindir/netsieve

# -- files and links
t_files() {
	local f t
	for f in "$bindir/netsieve" "$mandir/man8/netsieve.8" \
		 "$unitdir/netsieve.service" "$datadir/netsieve/netsieve.conf.sample" \
		 "$sysconfdir/netsieve/netsieve.conf"; do
		[ -f "$D$f" ] || { ko files "missing $f"; return; }
	done
	[ -x "$NSV" ] || { ko files "$bindir/netsieve is not executable"; return; }
	for t in $tools; do
		f=$D$linkdir/$t
		[ -L "$f" ] || { ko files "$linkdir/$t is not a link"; return; }
		[ "$(readlink -f "$f")" = "$(readlink -f "$NSV")" ] ||
			{ ko files "$linkdir/$t -> $(readlink "$f"), not the binary"; return; }
	done
	# Nothing named after a system tool outside the links folder.
	f=$(cd "$D" && find . \( -name 'iptables*' -o -name ip -o -name sysctl \
		-o -name 'ipvsadm*' \) \
		-not -path ".$linkdir/*")
	[ -z "$f" ] || { ko files "installed outside $linkdir: $f"; return; }
	ok "files (binary, man page, unit, sample, $(echo $tools | wc -w) links)"
}

t_version() {
	local out
	out=$("$NSV" --version 2>&1) && [ "$out" = "netsieve $version" ] ||
		{ ko version "--version: '$out', wanted 'netsieve $version'"; return; }
	out=$("$NSV" -V 2>&1) && [ "$out" = "netsieve $version" ] ||
		{ ko version "-V: '$out'"; return; }
	ok "version ($out)"
}

# Help needs neither a daemon nor root.
t_help() {
	local cmd out rc asuser=()
	if [ "$(id -u)" = 0 ]; then
		asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	fi
	for cmd in "help" "--help" "help daemon" "help replay" "help shell" \
		   "help stats" "help iptables" "help iptables-save" \
		   "help iptables-restore" "help ip" "help sysctl" "help ipvsadm" \
		   "daemon -h" \
		   "replay -h" "shell -h" "stats -h" "stats --help"; do
		# shellcheck disable=SC2086
		out=$(NETSIEVE_SOCKET=$T/no-daemon.sock "${asuser[@]}" "$NSV" $cmd 2>&1)
		rc=$?
		[ $rc = 0 ] && echo "$out" | grep -qiE '^usage|usage:' ||
			{ ko help "netsieve $cmd: rc $rc: $(echo "$out" | head -2)"; return; }
	done
	out=$("$NSV" help frobnicate 2>&1)
	rc=$?
	[ $rc = 2 ] && echo "$out" | grep -q 'unknown command "frobnicate"' ||
		{ ko help "help frobnicate: rc $rc: $out"; return; }
	ok "help (16 forms${asuser:+, as nobody}, no daemon)"
}

t_man() {
	local man=$D$mandir/man8/netsieve.8 w out
	if grep -n '@[A-Z]*@' "$man"; then
		ko man "placeholders left"; return
	fi
	grep -qF "$linkdir" "$man" && grep -qF "$sysconfdir/netsieve/netsieve.conf" "$man" ||
		{ ko man "installed paths not filled in"; return; }
	if command -v groff >/dev/null; then
		w=$(groff -man -ww -z -Tutf8 "$man" 2>&1)
		[ -z "$w" ] || { ko man "groff warnings: $w"; return; }
	fi
	if command -v man >/dev/null; then
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man" 2>"$T/man.err")
		[ -s "$T/man.err" ] && { ko man "man warnings: $(head -3 "$T/man.err")"; return; }
		for w in NAME SYNOPSIS COMMANDS "DAEMON OPTIONS" SIGNALS "EXIT STATUS" \
			 ENVIRONMENT FILES EXAMPLES "SEE ALSO" "--syslog" "SIGHUP" \
			 JOURNAL_STREAM; do
			echo "$out" | grep -qF -- "$w" || { ko man "no \"$w\" in the page"; return; }
		done
	else
		sk man "man not installed"; return
	fi
	ok "man page (renders without warnings)"
}

t_unit() {
	local u=$D$unitdir/netsieve.service line
	for line in "ExecStart=$bindir/netsieve daemon --foreground --config $sysconfdir/netsieve/netsieve.conf" \
		    'ExecReload=/bin/kill -HUP $MAINPID' 'Type=notify' \
		    'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW' 'RuntimeDirectory=netsieve'; do
		grep -qxF -- "$line" "$u" || { ko unit "no line '$line'"; return; }
	done
	grep -q AF_PACKET "$u" || { ko unit "AF_PACKET not allowed"; return; }
	if ! command -v systemd-analyze >/dev/null; then
		ok "unit (systemd-analyze not installed: not verified)"; return
	fi
	# Verify with the staged binary and man page in place of the final
	# paths (they do not exist on this machine yet).
	sed "s|^ExecStart=$bindir/netsieve|ExecStart=$NSV|" "$u" > "$T/netsieve.service"
	if ! MANPATH=$D$mandir SYSTEMD_LOG_LEVEL=warning \
	     systemd-analyze verify "$T/netsieve.service" >"$T/verify" 2>&1; then
		ko unit "systemd-analyze verify: $(head -3 "$T/verify")"; return
	fi
	ok "unit (systemd-analyze verify)"
}

# The sample never overwrites the administrator's file; it is refreshed.
t_sample() {
	local conf=$D$sysconfdir/netsieve/netsieve.conf
	cmp -s "$conf" "$D$datadir/netsieve/netsieve.conf.sample" ||
		{ ko sample "fresh install: the configuration is not the sample"; return; }
	echo "ip link add eth0 type dummy   # mine" > "$conf"
	echo "stale" > "$D$datadir/netsieve/netsieve.conf.sample"
	meson install -C "$B" --no-rebuild --destdir "$D" >"$T/install2.log" 2>&1 ||
		{ ko sample "second install failed"; return; }
	grep -q '# mine' "$conf" || { ko sample "the existing file was overwritten"; return; }
	grep -q stale "$D$datadir/netsieve/netsieve.conf.sample" &&
		{ ko sample "the sample was not refreshed"; return; }
	# The shipped sample starts a daemon (every line a comment).
	cp "$D$datadir/netsieve/netsieve.conf.sample" "$T/sample.conf"
	out=$("$NSV" shell -x -f "$T/sample.conf" 2>&1) ||
		{ ko sample "the sample does not run: $out"; return; }
	ok "sample configuration (kept on reinstall)"
}

# Start the installed daemon in the foreground; $1: socket, rest: options.
# Sets dpid. Environment from the caller.
start_daemon() {
	local sock=$1 i
	shift
	"$NSV" daemon --foreground --socket "$sock" "$@" &
	dpid=$!
	pids+=("$dpid")
	for i in $(seq 200); do
		[ -S "$sock" ] && return 0
		kill -0 "$dpid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

stop_daemon() {
	kill -TERM "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
}

# The links drive a daemon as the tools they are named after.
t_links_run() {
	local s=$T/links.sock L=$D$linkdir out
	start_daemon "$s" >"$T/links.out" 2>&1 || { ko links-run "daemon did not start"; return; }
	export NETSIEVE_SOCKET=$s
	out=$("$L/iptables" -A INPUT -s 192.0.2.1 -j DROP 2>&1) &&
	out=$("$L/iptables-legacy" -N web 2>&1) &&
	out=$(printf '*filter\n-A web -j ACCEPT\nCOMMIT\n' | "$L/iptables-restore" --noflush 2>&1) &&
	out=$("$L/iptables-save" 2>&1) &&
	echo "$out" | grep -qx -- '-A INPUT -s 192.0.2.1/32 -j DROP' &&
	echo "$out" | grep -qx -- ':web - \[0:0\]' &&
	echo "$out" | grep -qx -- '-A web -j ACCEPT' &&
	out=$("$L/iptables-legacy-save" -t filter 2>&1) &&
	out=$("$L/ip" link add eth0 type dummy 2>&1) &&
	out=$("$L/ip" addr add 10.9.0.1/24 dev eth0 2>&1) &&
	out=$("$L/ip" addr show dev eth0 2>&1) &&
	echo "$out" | grep -q 'inet 10.9.0.1/24' &&
	out=$("$L/sysctl" -w net.ipv4.ip_forward=1 2>&1) &&
	out=$("$L/sysctl" net.ipv4.ip_forward 2>&1) &&
	[ "$out" = "net.ipv4.ip_forward = 1" ] &&
	out=$("$L/ipvsadm" -A -t 10.9.0.100:80 -s rr 2>&1) &&
	out=$(printf -- '-a -t 10.9.0.100:80 -r 10.9.0.2 -m\n' | "$L/ipvsadm" -R 2>&1) &&
	out=$("$L/ipvsadm" -Sn 2>&1) &&
	echo "$out" | grep -qx -- '-a -t 10.9.0.100:80 -r 10.9.0.2:80 -m -w 1' &&
	out=$(printf -- '# saved\n-A -f 5\n' | "$L/ipvsadm-restore" 2>&1) &&
	out=$("$L/ipvsadm" -a -f 5 -r 10.9.0.3 2>&1) &&
	out=$("$L/ipvsadm-save" -n 2>&1) &&
	[ "$out" = "$(printf -- '-A -f 5 -s wlc\n-a -f 5 -r 10.9.0.3:0 -g -w 1')" ] ||
		{ ko links-run "$out"; unset NETSIEVE_SOCKET; stop_daemon; return; }
	unset NETSIEVE_SOCKET
	stop_daemon
	ok "links drive the daemon (iptables, -save, -restore, -legacy*, ip, sysctl, ipvsadm*)"
}

# Type=notify: READY=1 once serving, STOPPING=1 on SIGTERM.
t_notify() {
	local s=$T/notify.sock n=$T/notify out
	python3 - "$n" >"$T/notify.got" 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
for _ in range(2):
    print(s.recv(4096).decode(), flush=True)
PY
	local lp=$!
	pids+=("$lp")
	for i in $(seq 100); do [ -S "$n" ] && break; sleep 0.05; done
	NOTIFY_SOCKET=$n start_daemon "$s" >"$T/notify.out" 2>&1 ||
		{ ko notify "daemon did not start"; return; }
	for i in $(seq 100); do grep -q READY=1 "$T/notify.got" && break; sleep 0.05; done
	grep -qx READY=1 "$T/notify.got" || { ko notify "no READY=1: $(cat "$T/notify.got")"; stop_daemon; return; }
	stop_daemon
	wait "$lp"
	out=$(cat "$T/notify.got")
	[ "$out" = "$(printf 'READY=1\nSTOPPING=1')" ] ||
		{ ko notify "got: $out"; return; }
	ok "sd_notify (READY=1, STOPPING=1)"
}

# Under systemd with stderr on the journal: "<N>" level prefixes, no
# timestamp; with JOURNAL_STREAM naming another stream: timestamps.
t_journal() {
	local s=$T/j.sock e=$T/j.err
	: >"$e"
	JOURNAL_STREAM=$(stat -c '%d:%i' "$e") start_daemon "$s" 2>>"$e" ||
		{ ko journal "daemon did not start"; return; }
	stop_daemon
	grep -qx '<6>netsieve: daemon ready, .*log to the journal' "$e" &&
	grep -qx '<6>netsieve: daemon stopping' "$e" ||
		{ ko journal "$(cat "$e")"; return; }
	: >"$e"
	JOURNAL_STREAM=1:1 start_daemon "$s" 2>>"$e" ||
		{ ko journal "daemon did not start (2)"; return; }
	stop_daemon
	grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z netsieve: daemon ready, .*log to stderr$' "$e" ||
		{ ko journal "another stream: $(cat "$e")"; return; }
	ok "journal level prefixes (only when JOURNAL_STREAM is our stderr)"
}

# --syslog: lines reach /dev/log with facility daemon and their level. A
# private mount namespace gets a /dev of its own with a listener there.
t_syslog() {
	local out
	if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
		sk syslog "needs root and unshare -m"; return
	fi
	out=$("$NSV" daemon --log "$T/x" --syslog 2>&1)
	[ $? = 2 ] && echo "$out" | grep -q 'exclude each other' ||
		{ ko syslog "--log with --syslog: $out"; return; }
	cat >"$T/syslog.sh" <<'EOF'
set -eu
mount -t tmpfs tmpfs /dev
python3 - "$2" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind('/dev/log')
s.settimeout(20)
with open(sys.argv[1], 'w') as f:
    for _ in range(2):
        f.write(s.recv(4096).decode() + '\n')
        f.flush()
PY
lp=$!
for i in $(seq 100); do [ -S /dev/log ] && break; sleep 0.05; done
"$1" daemon --foreground --syslog --socket "$3" &
dp=$!
for i in $(seq 200); do [ -S "$3" ] && break; sleep 0.05; done
kill -TERM $dp
wait $dp
wait $lp
EOF
	timeout 30 unshare -m bash "$T/syslog.sh" "$NSV" "$T/syslog.got" "$T/s.sock" \
		>"$T/syslog.out" 2>&1 || { ko syslog "$(tail -3 "$T/syslog.out")"; return; }
	# <30>: LOG_DAEMON (3 << 3) | LOG_INFO (6).
	grep -qE '^<30>.*netsieve\[[0-9]+\]: netsieve: daemon ready, .*log to syslog$' "$T/syslog.got" &&
	grep -qE '^<30>.*netsieve\[[0-9]+\]: netsieve: daemon stopping$' "$T/syslog.got" ||
		{ ko syslog "got: $(cat "$T/syslog.got")"; return; }
	ok "syslog (facility daemon, level info)"
}

# make install honours PREFIX and DESTDIR (its own build directory).
t_make_install() {
	local R=$T/root u
	if ! make -C "$root" install BUILD="$T/b" PREFIX=/usr DESTDIR="$R" \
	     MESON_OPTS=-Dtests=false >"$T/make.log" 2>&1; then
		ko make-install "$(tail -5 "$T/make.log")"; return
	fi
	for u in /usr/bin/netsieve /usr/share/man/man8/netsieve.8 \
		 /usr/lib/systemd/system/netsieve.service /etc/netsieve/netsieve.conf \
		 /usr/share/netsieve/netsieve.conf.sample /usr/lib/netsieve/bin/iptables; do
		[ -e "$R$u" ] || { ko make-install "missing $u"; return; }
	done
	grep -qx 'ExecStart=/usr/bin/netsieve daemon --foreground --config /etc/netsieve/netsieve.conf' \
		"$R/usr/lib/systemd/system/netsieve.service" ||
		{ ko make-install "unit paths for /usr"; return; }
	[ "$(readlink -f "$R/usr/lib/netsieve/bin/iptables")" = "$R/usr/bin/netsieve" ] ||
		{ ko make-install "link does not resolve"; return; }
	[ "$("$R/usr/bin/netsieve" --version)" = "netsieve $version" ] ||
		{ ko make-install "--version"; return; }
	ok "make install PREFIX=/usr DESTDIR=..."
}

t_files
t_version
t_help
t_man
t_unit
t_sample
t_links_run
t_notify
t_journal
t_syslog
t_make_install

echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
