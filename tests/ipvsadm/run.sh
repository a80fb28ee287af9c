#!/bin/sh
# The ipvsadm tool against ipvsadm 1.31's recorded answers: each
# tests/ipvsadm/cases/NAME.sh runs in `netsieve shell -x` (a fresh stack
# per case) and its stdout, stderr and per-command exit codes must equal
# NAME.out, NAME.err and NAME.rc byte for byte (recorded from the real
# tool by tests/ipvsadm/record.sh). Cases named in known-differences are
# reported but do not fail the suite.
# Usage: tests/ipvsadm/run.sh BUILD_DIR [NAME ...]
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
[ $# -gt 0 ] && shift
NS=$B/netsieve
D=tests/ipvsadm
[ -x "$NS" ] || { echo "ipvsadm: $NS not built" >&2; exit 1; }
if [ $# -eq 0 ]; then
	set -- $(ls $D/cases/*.sh | sed 's|.*/||; s|\.sh$||')
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 known=0
for name in "$@"; do
	c=$D/cases/$name.sh
	if [ ! -f "$D/cases/$name.rc" ]; then
		echo "FAIL $name: not recorded (tests/ipvsadm/record.sh $name)"
		fail=$((fail + 1))
		continue
	fi
	# Blank and comment lines outside here-documents are no commands
	# (record.sh gives them no exit code; `shell -x` would).
	awk '
		word != "" { print; if ($0 == word) word = ""; next }
		/<</ { w = $0; sub(/.*<</, "", w); gsub(/[ '\''"]/, "", w); word = w; print; next }
		/^[ \t]*(#|$)/ { next }
		{ print }
	' "$c" > "$tmp/case"
	"$NS" shell -x -f "$tmp/case" > "$tmp/out" 2> "$tmp/err"
	grep -v '^# rc=' "$tmp/out" > "$tmp/stdout"
	grep '^# rc=' "$tmp/out" | sed 's/^# rc=//' > "$tmp/rc"
	bad=
	for k in stdout:out err:err rc:rc; do
		mine=${k%%:*} ref=${k#*:}
		if ! cmp -s "$tmp/$mine" "$D/cases/$name.$ref"; then
			bad="$bad $ref"
			diff -u "$D/cases/$name.$ref" "$tmp/$mine" |
				sed "s|^|    |" > "$tmp/diff.$ref"
		fi
	done
	if [ -z "$bad" ]; then
		pass=$((pass + 1))
		continue
	fi
	if awk -v n="$name" '$1 == n { f = 1 } END { exit !f }' \
		$D/known-differences 2>/dev/null; then
		echo "KNOWN $name:$bad"
		known=$((known + 1))
		continue
	fi
	echo "FAIL $name:$bad"
	for r in $bad; do cat "$tmp/diff.$r"; done
	fail=$((fail + 1))
done
echo "ipvsadm: $pass passed, $fail failed, $known known differences"
[ $fail -eq 0 ]
