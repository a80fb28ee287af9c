#!/usr/bin/env bash
# `netsieve ip -j` against iproute2's `ip -j` on the kernel: the same
# configuration built in a network namespace of our own (veth pairs) and in
# an in-process netsieve stack, then the JSON of route, neigh, addr and
# link listings compared. Skips without root or namespaces.
# Usage: tests/ipjson/run.sh BUILD
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
exec python3 "$here/test_ipjson.py" "$build"
