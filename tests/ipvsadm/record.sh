#!/bin/sh
# Record what the real ipvsadm 1.31 prints for each case, in the IPVS
# oracle VM (/work/shared/tools/ipvs-oracle, which must be running):
# tests/ipvsadm/cases/NAME.sh is run line by line by dash after a clean
# slate (ipvsadm -C, timeouts 900 120 300, no sync daemon); NAME.out gets its stdout,
# NAME.err its stderr and NAME.rc every command's exit code, one a line.
# A line "CMD <<WORD" feeds the lines up to WORD to CMD, as in
# `netsieve shell`. ipvsadm-save and ipvsadm-restore are Debian's scripts
# (from the ipvsadm sources), installed in the VM under /tmp/bin.
# Usage: tests/ipvsadm/record.sh [NAME ...]   (by hand; needs root)
# Environment: IPVS_ORACLE (the tool's directory), IPVS_ORACLE_RUN and
# IPVS_ORACLE_PREFIX (which VM; see its README).
set -eu
cd "$(dirname "$0")"
ORACLE=${IPVS_ORACLE:-/work/shared/tools/ipvs-oracle}
REF=${IPVSADM_SRC:-/work/ref/ipvsadm-1.31}
if [ $# -eq 0 ]; then
	set -- $(ls cases/*.sh | sed 's|cases/||; s|\.sh$||')
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The VM's copy of the two scripts (dash instead of bash: they use
# nothing bash has and dash lacks).
script_install() {
	for s in ipvsadm-save ipvsadm-restore; do
		echo "cat > /tmp/bin/$s <<'IPVSADM_SCRIPT_END'"
		sed '1s|^#!/bin/bash|#!/bin/sh|' "$REF/$s"
		echo "IPVSADM_SCRIPT_END"
		echo "chmod +x /tmp/bin/$s"
	done
}

for name in "$@"; do
	c=cases/$name.sh
	[ -f "$c" ] || { echo "no case $c" >&2; exit 1; }
	{
		echo "mkdir -p /tmp/bin"
		script_install
		echo 'PATH=/tmp/bin:$PATH'
		echo "ipvsadm -C >/dev/null 2>&1; ipvsadm --set 900 120 300 >/dev/null 2>&1"
		echo "ipvsadm --stop-daemon master >/dev/null 2>&1; ipvsadm --stop-daemon backup >/dev/null 2>&1"
		# After each command (a here-document ends at its word):
		# its exit code on a marked line of stdout.
		awk '
			word != "" { print; if ($0 == word) { word = ""; print "echo \"# rc=$?\"" } next }
			/<</ { w = $0; sub(/.*<</, "", w); gsub(/[ '\''"]/, "", w); word = w; print; next }
			/^[ \t]*(#|$)/ { next }
			{ print; print "echo \"# rc=$?\"" }
		' "$c"
	} > "$tmp/script"
	"$ORACLE/vm.sh" exec - < "$tmp/script" > "$tmp/out" 2> "$tmp/err" || true
	grep -v '^# rc=' "$tmp/out" > "cases/$name.out" || true
	grep '^# rc=' "$tmp/out" | sed 's/^# rc=//' > "cases/$name.rc" || true
	cp "$tmp/err" "cases/$name.err"
	echo "recorded $name ($(wc -l < "cases/$name.rc") commands)"
done
