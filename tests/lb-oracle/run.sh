#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Differential test of netsieve's load balancer against the kernel's IPVS.
#
# The oracle (/work/shared/tools/ipvs-oracle, or $IPVS_ORACLE) boots
# Debian 12's Linux 6.1 with IPVS in a QEMU VM wired to host namespaces;
# next to it this script builds the same network around a netsieve
# daemon (2 workers), address for address:
#
#   client ns eth0 10.10.0.2/24 (+ 10.10.0.21..29) ── director eth0
#       10.10.0.1/24 + VIP 10.10.0.100/24 (the VM | netsieve)
#   director eth1 10.20.0.1/24 ── bridge ── be1..be3 10.20.0.11..13/24,
#       default via 10.20.0.1, each running backend.py (HTTP and UDP
#       answering with its name)
#
# Each tests/lb-oracle/scenarios/NN-NAME.sc is played on both sides, step
# by step (the oracle first), and what each side answered is compared:
# ipvsadm's stdout, stderr and exit codes, the sequence of backend names
# that answered the requests, and at each `check` the listings (-Ln,
# --stats with the packet and byte columns masked, -Lnc sorted with the
# expire column cut to its first digit, -S -n, --timeout, --thresholds,
# --persistent-conn). doc/lb-oracle.md explains the masks.
#
# Scenario language (one step a line; $VIP, $PORT (80 + the scenario's
# number, so each scenario has its own service and connections), $BE1..3
# and $CLIENT are expanded):
#   adm ARGS...      ipvsadm ARGS on both sides
#   get N [SRC,...]  N HTTP requests one after another from each SRC in
#                    turn (default 10.10.0.2), each from its own client port
#   udp N [SRC,...]  N one-datagram UDP requests from each SRC
#   hold [SRC]       a request the server holds open 2.5 s, in the
#                    background once its first line came (an active
#                    connection)
#   waithold         wait for it; its backend joins the picks as hold:beN
#   pause S          sleep S seconds on each side
#   sysctl K=V       set a net.ipv4.vs knob on both sides
#   check            compare the listings
#
# Usage: tests/lb-oracle/run.sh BUILD_DIR [SCENARIO ...]
# Exit 0 when everything matched, or when the oracle cannot run here
# (skipped, with the reason); differences listed in known-differences
# are reported as KNOWN and do not fail.
# Environment: IPVS_ORACLE (the tool's directory), LB_ORACLE_KEEP=DIR
# (copy every side's outputs there).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
[ $# -gt 0 ] && shift
NSV=$build/netsieve
ORACLE=${IPVS_ORACLE:-/work/shared/tools/ipvs-oracle}

skip() {
	echo "lb-oracle: skipped: $*"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

# LB_ORACLE_TRACE=1: time stamps on stderr.
trace() {
	[ -n "${LB_ORACLE_TRACE:-}" ] && echo "  $(date +%T.%N | cut -c1-12) $*" >&2
	return 0
}

[ -x "$NSV" ] || { echo "lb-oracle: $NSV not built" >&2; exit 1; }
[ "$(id -u)" = 0 ] || skip "not root"
[ -x "$ORACLE/vm.sh" ] || skip "no IPVS oracle at $ORACLE (set IPVS_ORACLE)"
for t in curl python3 ethtool; do
	command -v $t >/dev/null 2>&1 || skip "missing tool: $t"
done
# The oracle's own set-up: packages, then the kernel (downloaded once into
# /var/cache/ipvs-oracle) and the initramfs. No network and no cache: skip.
if ! setup_err=$("$ORACLE/setup.sh" 2>&1); then
	skip "the oracle's setup.sh failed (no qemu, no cached kernel and no network?): $(echo "$setup_err" | tail -n 1)"
fi
command -v qemu-system-x86_64 >/dev/null 2>&1 || skip "no qemu-system-x86_64"

# Our own oracle instance and our own lab: names from our PID.
P=ivd$$
P=${P:0:10}
export IPVS_ORACLE_PREFIX=$P IPVS_ORACLE_RUN=/run/ipvs-oracle-$P
export IPVS_ORACLE_BACKENDS=3
VM=$ORACLE/vm.sh

LAB=nlo$$
LAB=${LAB:0:10}
# shellcheck source=../e2e/lab.sh
. "$root/tests/e2e/lab.sh"
lab_init
if ! why=$(lab_possible); then
	rm -rf "$LAB_WORK"
	skip "$why"
fi

VIP=10.10.0.100
CLIENT=10.10.0.2
# shellcheck disable=SC2034  # used by the scenarios' lines (eval)
BE1=10.20.0.11 BE2=10.20.0.12 BE3=10.20.0.13
O_NS_C=$P-client
N_NS_C=$LAB-c
N_NS_L=$LAB-l
W=$LAB_WORK
vm_started=0

cleanup() {
	local pid
	for pid in "${bg_pids[@]}"; do kill "$pid" 2>/dev/null; done
	if [ $vm_started = 1 ]; then
		"$VM" stop >/dev/null 2>&1
		# Its console log and pid files: ours alone (named after our PID).
		rm -rf "$IPVS_ORACLE_RUN"
	fi
	if [ -n "${LB_ORACLE_KEEP:-}" ] && [ -d "$W/out" ]; then
		mkdir -p "$LB_ORACLE_KEEP" && cp -r "$W/out/." "$LB_ORACLE_KEEP/"
	fi
	lab_down
}
bg_pids=()
trap cleanup EXIT
trap 'exit 1' INT TERM
lab_watchdog 600 lb-oracle

# ---------------------------------------------------------------- set-up

# The VM boots (5 to 10 s under TCG) while the netsieve side is built.
trace "set-up"
"$VM" start >"$W/vm-start.log" 2>&1 &
vm_pid=$!
vm_started=1

lab_up_mirror() {
	local i ns
	lab_quiet_ns "$N_NS_C"
	lab_quiet_ns "$NS_R"
	lab_quiet_ns "$N_NS_L"
	ip link add eth0 netns "$N_NS_C" type veth peer name rc netns "$NS_R"
	ip link add lr netns "$N_NS_L" type veth peer name rs netns "$NS_R"
	nsr sysctl -qw net.ipv4.ip_forward=0 >/dev/null
	ip -n "$NS_R" link set rc up
	ip -n "$NS_R" link set rs up
	ip -n "$N_NS_L" link add br0 type bridge
	ip -n "$N_NS_L" link set br0 up
	ip -n "$N_NS_L" link set lr master br0 up
	ip -n "$N_NS_C" addr add $CLIENT/24 dev eth0
	ip -n "$N_NS_C" link set eth0 up
	ip -n "$N_NS_C" route add default via 10.10.0.1
	for i in 1 2 3; do
		ns=$LAB-be$i
		lab_quiet_ns "$ns"
		ip link add eth0 netns "$ns" type veth peer name be$i netns "$N_NS_L"
		ip -n "$N_NS_L" link set be$i master br0 up
		ip -n "$ns" addr add 10.20.0.1$i/24 dev eth0
		ip -n "$ns" link set eth0 up
		ip -n "$ns" route add default via 10.20.0.1
		lab_wait_link "$ns" eth0
	done
	lab_wait_link "$N_NS_C" eth0
	lab_wait_link "$NS_R" rc
	lab_wait_link "$NS_R" rs
}

lab_up_mirror
conf=$W/router.conf
cat >"$conf" <<EOF
# netsieve start-up file: the oracle VM's director, address for address.
ip link add eth0 type afpacket dev rc
ip link add eth1 type afpacket dev rs
ip link set eth0 up
ip link set eth1 up
ip addr add 10.10.0.1/24 dev eth0
ip addr add $VIP/24 dev eth0
ip addr add 10.20.0.1/24 dev eth1
sysctl -w net.ipv4.ip_forward=1
EOF
if ! lab_daemon "$conf"; then
	echo "FAIL daemon: did not start"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
trace "netsieve up"
if ! wait $vm_pid; then
	echo "lb-oracle: the oracle VM did not start:"
	tail -n 20 "$W/vm-start.log"
	# The VM is part of this test: a machine that has it all and still
	# cannot boot it is a failure, not a skip.
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

# Extra client addresses and the backends' servers, on both sides.
for side_ns in "$O_NS_C" "$N_NS_C"; do
	for n in $(seq 21 29); do
		ip -n "$side_ns" addr add 10.10.0.$n/24 dev eth0
	done
done
for i in 1 2 3; do
	for ns in "$P-be$i" "$LAB-be$i"; do
		ip netns exec "$ns" timeout 600 "$PY" "$here/backend.py" \
			be$i 10.20.0.1$i 80 >/dev/null 2>&1 &
		bg_pids+=($!)
	done
done
for i in 1 2 3; do
	for ns in "$P-be$i" "$LAB-be$i"; do
		lab_wait_listen "$ns" 80 ||
			{ echo "FAIL setup: be$i in $ns does not listen"; exit 1; }
	done
done

# ---------------------------------------------------------------- sides

# side_adm SIDE FILE OUT: run FILE's ipvsadm lines (the words after
# "ipvsadm", one command a line): OUT.out, OUT.err, OUT.rc (one exit code
# a line). The oracle gets them in one call.
side_adm() {
	local side=$1 file=$2 out=$3 line
	if [ "$side" = oracle ]; then
		while IFS= read -r line; do
			echo "ipvsadm $line"
			echo 'echo "@@rc=$?"'
		done <"$file" >"$W/vm-script"
		"$VM" exec - <"$W/vm-script" >"$W/vm-out" 2>"$out.err"
		grep -v '^@@rc=' "$W/vm-out" >"$out.out"
		grep '^@@rc=' "$W/vm-out" | sed 's/^@@rc=//' >"$out.rc"
	else
		: >"$out.out"
		: >"$out.err"
		: >"$out.rc"
		while IFS= read -r line; do
			eval "ctl ipvsadm $line" >>"$out.out" 2>>"$out.err" </dev/null
			echo $? >>"$out.rc"
		done <"$file"
	fi
}

side_client_ns() { if [ "$1" = oracle ]; then echo "$O_NS_C"; else echo "$N_NS_C"; fi; }

# One HTTP request; prints the name that answered or (curl RC).
http_get() { # SIDE SRC SPORT
	local ns out rc
	ns=$(side_client_ns "$1")
	out=$(ip netns exec "$ns" curl -s --max-time 3 --interface "$2" \
		--local-port "$3" "http://$VIP:$PORT/")
	rc=$?
	if [ $rc = 0 ]; then echo "$out"; else echo "(curl $rc)"; fi
}

udp_get() { # SIDE SRC SPORT
	ip netns exec "$(side_client_ns "$1")" "$PY" "$here/udpget.py" \
		"$2" "$3" $VIP "$PORT" 2
}

# A traffic step on one side; requests append their answers to OUT.picks.
# Every request has its own client port, the same on both sides (PORTBASE
# onwards), so -Lnc compares whole lines.
side_step() { # SIDE OUT PORTBASE VERB ARGS...
	local side=$1 out=$2 port=$3 verb=$4 n src i pid
	shift 4
	case $verb in
	get | udp)
		n=$1
		for src in $(echo "${2:-$CLIENT}" | tr , ' '); do
			for i in $(seq "$n"); do
				if [ "$verb" = get ]; then
					http_get "$side" "$src" $port
				else
					udp_get "$side" "$src" $port
				fi
				port=$((port + 1))
			done
		done | tr '\n' ' ' >>"$out.picks"
		;;
	hold)
		src=${1:-$CLIENT}
		rm -f "$out.hold"
		ip netns exec "$(side_client_ns "$side")" curl -s -N --max-time 20 \
			--interface "$src" --local-port $port \
			-o "$out.hold" "http://$VIP:$PORT/hold" &
		echo $! >"$out.holdpid"
		# Established through the director once its first line came;
		# the server then keeps it open 2.5 s.
		for i in $(seq 100); do
			[ -s "$out.hold" ] && break
			sleep 0.05
		done
		;;
	waithold)
		# Not our child when the step ran in a background subshell.
		pid=$(cat "$out.holdpid")
		for i in $(seq 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		printf 'hold:%s ' "$(head -n 1 "$out.hold" | tr -d '\0')" >>"$out.picks"
		;;
	pause)
		sleep "$1"
		;;
	sysctl)
		# Applied, not compared (busybox's sysctl prints differently).
		if [ "$side" = oracle ]; then
			"$VM" exec sysctl -w "$@" >/dev/null 2>>"$out.sysctl-err"
		else
			ctl sysctl -w "$@" >/dev/null 2>>"$out.sysctl-err"
		fi || echo "sysctl $* failed" >>"$out.sysctl-err"
		;;
	esac
}

# The listings a check compares by default, and the others by name.
LISTINGS_DEFAULT="Ln stats Lnc S"
list_args() {
	case $1 in
	Ln) echo "-Ln" ;;
	stats) echo "-Ln --stats" ;;
	Lnc) echo "-Lnc" ;;
	S) echo "-S -n" ;;
	timeout) echo "-Ln --timeout" ;;
	thresholds) echo "-Ln --thresholds" ;;
	persistent) echo "-Ln --persistent-conn" ;;
	*) return 1 ;;
	esac
}

# Masks (doc/lb-oracle.md): --stats keeps the name and the Conns column
# (the first 42 characters) of each service and server line, as packet and
# byte counts depend on TCP timing under TCG; -Lnc keeps the current
# scenario's entries (its own virtual port), sorted, the expire column cut
# to its first character.
mask() { # NAME < raw > masked
	case $1 in
	stats)
		awk '/^(TCP|UDP|SCTP|FWM)  / || /^  -> [0-9]/ {
			print substr($0, 1, 42) " [packets, bytes masked]"; next } { print }'
		;;
	Lnc)
		awk -v vp=":$PORT" 'NR <= 2 || /^@@rc / { print; next }
			{ split($5, v, ":"); if (":" v[2] != vp) next
			  print substr($0, 1, 5) "x:xx" substr($0, index($0, ":") + 3) }' | {
			IFS= read -r l1 && echo "$l1"
			IFS= read -r l2 && echo "$l2"
			LC_ALL=C sort |
				awk '/^@@rc / { rc = $0; next } { print } END { if (rc != "") print rc }'
		}
		;;
	*) cat ;;
	esac
}

# side_check SIDE OUT WAIT_MS LISTING...: OUT.LISTING for each, the text
# and the exit code. The kernel adds its per-CPU counters into --stats on
# the estimator's tick, every 2 s: the oracle reads --stats last, WAIT_MS
# after the check began (the guest times it with /proc/uptime).
side_check() {
	local side=$1 out=$2 wait_ms=$3 l
	shift 3
	if [ "$side" = oracle ]; then
		{
			# Centiseconds of uptime; busybox's sleep takes no fractions.
			echo "t0=\$(cut -d' ' -f1 /proc/uptime | tr -d .)"
			for l in "$@"; do
				[ "$l" = stats ] && echo "r=\$(($wait_ms / 10 - \$(cut -d' ' -f1 /proc/uptime | tr -d .) + t0)); [ \$r -le 0 ] || usleep \$((r * 10000))"
				echo "echo '@@$l'; ipvsadm $(list_args $l) 2>&1; echo \"@@rc \$?\""
			done
		} >"$W/vm-check"
		"$VM" exec - <"$W/vm-check" >"$W/vm-check-out" 2>&1
		for l in "$@"; do
			awk -v s="@@$l" '$0 == s { on = 1; next } /^@@rc / { if (on) print; on = 0 } on' \
				"$W/vm-check-out" | mask $l >"$out.$l"
		done
	else
		for l in "$@"; do
			# shellcheck disable=SC2046
			{ ctl ipvsadm $(list_args $l) 2>&1; echo "@@rc $?"; } | mask $l >"$out.$l"
		done
	fi
}

# ---------------------------------------------------------------- compare

pass=0 fail=0 known=0
failed=()
verdict() { # ITEM ORACLE_FILE NETSIEVE_FILE
	local item=$1
	if cmp -s "$2" "$3"; then
		pass=$((pass + 1))
		echo "PASS $item"
		return
	fi
	if grep -qx "$item" "$here/known-differences" 2>/dev/null; then
		known=$((known + 1))
		echo "KNOWN $item"
	else
		fail=$((fail + 1))
		failed+=("$item")
		echo "FAIL $item"
	fi
	diff -u --label oracle --label netsieve "$2" "$3" | sed 's/^/    /'
}

# Both sides at once (they share no state): the oracle in a subshell.
both() { # FUNCTION ARGS-FOR-ORACLE... -- ARGS-FOR-NETSIEVE...
	local fn=$1 a=() b=() pid
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	"$fn" oracle "${a[@]}" &
	pid=$!
	"$fn" netsieve "${b[@]}"
	wait $pid
}

next_port=20000
run_scenario() { # FILE
	local file=$1 name num o n line verb args ncheck=0 t_last=0 nadm=0 i
	local waited k l
	name=$(basename "$file" .sc)
	num=${name%%-*}
	name=${name#*-}
	PORT=$((80 + 10#$num))
	o=$W/out/$name/oracle
	n=$W/out/$name/netsieve
	mkdir -p "$(dirname "$o")"
	: >"$o.picks"
	: >"$n.picks"
	local -a steps=()
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in '' | '#'*) continue ;; esac
		steps+=("$(eval "echo \"$line\"")")
	done <"$file"
	i=0
	while [ $i -lt ${#steps[@]} ]; do
		line=${steps[$i]}
		trace "$line"
		verb=${line%% *}
		args=${line#"$verb"}
		args=${args# }
		case $verb in
		adm)
			# Consecutive adm lines: one call to the VM.
			nadm=$((nadm + 1))
			: >"$W/adm"
			while [ $i -lt ${#steps[@]} ] && [ "${steps[$i]%% *}" = adm ]; do
				echo "${steps[$i]#adm }" >>"$W/adm"
				i=$((i + 1))
			done
			both side_adm "$W/adm" "$o.adm$nadm" -- "$W/adm" "$n.adm$nadm"
			for k in out err rc; do
				cat "$o.adm$nadm.$k" >>"$o.adm.$k"
				cat "$n.adm$nadm.$k" >>"$n.adm.$k"
			done
			continue
			;;
		get | udp | hold | waithold | pause | sysctl)
			# shellcheck disable=SC2086
			both side_step "$o" $next_port $verb $args -- "$n" $next_port $verb $args
			t_last=$(date +%s%N)
			case $verb in
			get | udp)
				set -- $args
				k=$(echo "${2:-$CLIENT}" | tr , ' ' | wc -w)
				next_port=$((next_port + $1 * k))
				;;
			hold) next_port=$((next_port + 1)) ;;
			esac
			;;
		check)
			ncheck=$((ncheck + 1))
			# shellcheck disable=SC2086
			set -- ${args:-$LISTINGS_DEFAULT}
			for l in "$@"; do
				list_args "$l" >/dev/null || { echo "lb-oracle: $file: no listing $l" >&2; fail=$((fail + 1)); }
			done
			# Only --stats waits for the estimator's tick.
			waited=$((($(date +%s%N) - t_last) / 1000000))
			both side_check "$o.check$ncheck" $((2300 - waited)) "$@" -- "$n.check$ncheck" 0 "$@"
			for l in "$@"; do
				# A listing that never ran must not pass by matching.
				if ! grep -q '^@@rc ' "$o.check$ncheck.$l" "$n.check$ncheck.$l" ||
					[ "$(grep -c '^@@rc ' "$o.check$ncheck.$l" "$n.check$ncheck.$l" | grep -c ':1$')" != 2 ]; then
					echo "FAIL $name/check$ncheck/$l: a side did not answer"
					fail=$((fail + 1))
					failed+=("$name/check$ncheck/$l")
					continue
				fi
				verdict "$name/check$ncheck/$l" "$o.check$ncheck.$l" "$n.check$ncheck.$l"
			done
			;;
		*)
			echo "lb-oracle: $file: unknown step: $line" >&2
			fail=$((fail + 1))
			;;
		esac
		i=$((i + 1))
	done
	if [ -s "$o.picks" ] || [ -s "$n.picks" ]; then
		echo >>"$o.picks"
		echo >>"$n.picks"
		verdict "$name/picks" "$o.picks" "$n.picks"
	fi
	for k in "$o" "$n"; do
		if [ -s "$k.sysctl-err" ]; then
			echo "FAIL $name/sysctl: $(cat "$k.sysctl-err")"
			fail=$((fail + 1))
			failed+=("$name/sysctl")
		fi
	done
	if [ $nadm -gt 0 ]; then
		for k in out err rc; do
			verdict "$name/adm.$k" "$o.adm.$k" "$n.adm.$k"
		done
	fi
}

trace "VM up"
"$VM" exec 'ipvsadm -C' >/dev/null
scenarios=()
if [ $# -gt 0 ]; then
	for s in "$@"; do
		scenarios+=("$(ls "$here"/scenarios/*-"$s".sc "$here/scenarios/$s.sc" 2>/dev/null | head -n 1)")
	done
else
	scenarios=("$here"/scenarios/*.sc)
fi
t0=$SECONDS
for s in "${scenarios[@]}"; do
	[ -f "$s" ] || { echo "lb-oracle: no scenario $s" >&2; fail=$((fail + 1)); continue; }
	echo "--- $(basename "$s" .sc)"
	run_scenario "$s"
done
echo "lb-oracle: $((SECONDS - t0))s for ${#scenarios[@]} scenarios"
echo "$pass passed, $fail failed, $known known differences"
[ $fail = 0 ] || echo "failed: ${failed[*]}"
[ $fail = 0 ]
