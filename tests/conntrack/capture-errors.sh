#!/usr/bin/env bash
# Run every line of errors.cmds with Debian's conntrack 1.4.7 in a fresh
# network namespace (nothing tracked there) and write ref/errors.txt:
# per command "$ COMMAND", its stdout, "--- stderr", its stderr,
# "--- rc N". Lines that create entries (-I) run in the same namespace in
# order, so a later command sees them. Run as root.
set -eu
cd "$(dirname "$0")"
NS=ctt-err
ip netns del $NS 2>/dev/null || true
ip netns add $NS
trap 'ip netns del $NS' EXIT
out=ref/errors.txt
: >"$out"
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	rc=0
	# shellcheck disable=SC2086
	ip netns exec $NS timeout 2 $line </dev/null >/tmp/ctt.out 2>/tmp/ctt.err || rc=$?
	{ echo "\$ $line"; cat /tmp/ctt.out; echo "--- stderr"; cat /tmp/ctt.err
	  echo "--- rc $rc"; } >>"$out"
done <errors.cmds
rm -f /tmp/ctt.out /tmp/ctt.err
