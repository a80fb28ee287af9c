#!/bin/sh
# Run iptables' own rule-syntax test files (../shared/conformance/iptables-t,
# relative to the repository root) against `netsieve shell`. Exceptions are
# listed, each with its reason, in tests/conformance/expected-failures.
# Usage: tests/conformance/run.sh BUILD_DIR [FILE.t ...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
shift || true
case "$build" in /*) ;; *) build="$root/$build" ;; esac
exec python3 "$here/conformance.py" "$build/netsieve" \
	"$root/../shared/conformance/iptables-t" "$here/expected-failures" "$@"
