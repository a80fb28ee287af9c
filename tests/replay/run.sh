#!/usr/bin/env bash
# The replay suite: `netsieve replay` end to end (input pcaps built by
# pcaplib.py, output pcaps, text/JSON trace, saved counters, errors).
# Usage: tests/replay/run.sh BUILD_DIR [CASE...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
shift || true
exec python3 "$here/test_replay.py" "$build" "$@"
