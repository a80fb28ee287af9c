#!/bin/sh
# The conntrack tool's command line against conntrack 1.4.7's recorded
# answers (tests/conntrack/ref: messages, exit codes, listings).
# Usage: tests/conntrack/run.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
exec "$PY" tests/conntrack/cli.py "$B/netsieve"
