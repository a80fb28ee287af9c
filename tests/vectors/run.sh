#!/bin/sh
# Rule vectors: replay the recorded iptables-legacy sessions in *.vec
# against `netsieve shell` and compare the output byte for byte.
# Usage: tests/vectors/run.sh BUILD_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
exec python3 "$here/vec.py" check "$build/netsieve" "$here"/*.vec
