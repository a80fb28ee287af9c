#!/usr/bin/env bash
# Kernel fidelity harness: every case in tests/kernel/cases plus random
# cases, through Linux (network namespaces, iptables-legacy) and through
# `netsieve replay`; fails on any difference not listed with a reason in
# tests/kernel/known-failures.  See doc/fidelity.md.
# Usage: tests/kernel/run.sh BUILD_DIR [harness options, see --help]
# Needs root, iproute2, iptables-legacy and Debian's python3-scapy.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
if [ "$(id -u)" != 0 ]; then
	echo "kernel: needs root (network namespaces)" >&2
	exit 1
fi
# Debian's python3 (python3-scapy lives there), not whatever is first in PATH.
py=/usr/bin/python3
if ! "$py" -c 'import scapy' 2>/dev/null; then
	echo "kernel: python3-scapy missing (scripts/deps.sh installs it)" >&2
	exit 1
fi
if ! command -v iptables-legacy-restore >/dev/null; then
	echo "kernel: iptables-legacy-restore missing" >&2
	exit 1
fi
export NSK_PREFIX="nsk$$"
cleanup() {
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' |
		grep "^$NSK_PREFIX-"); do
		ip netns del "$ns" 2>/dev/null
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$py" "$here/harness.py" "$build" "$@" || exit 1
# The TCP tracker's unit-test expectations, asked of the kernel (only in
# a full run: a filtered one looks at cases).
if [ $# = 0 ]; then
	"$py" "$here/ct_tcp.py" || exit 1
fi
