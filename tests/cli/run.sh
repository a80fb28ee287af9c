#!/bin/sh
# Differential CLI suite: the same command sequences through iptables-legacy
# 1.8.9 (fresh network namespaces) and `netsieve shell -x`, compared per
# command (exit code, stdout, stderr). Differences must be listed with a
# reason in tests/cli/known-differences. Then nonroot.py: the tools used by
# a user who is not root, against iptables-legacy run by that user. Needs
# root, setpriv and iptables-legacy.
# Usage: tests/cli/run.sh BUILD_DIR [cli.py options: --seed N --count N
#        --only CASE -v --report FILE]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
case "$build" in /*) ;; *) build="$root/$build" ;; esac
if [ "$(id -u)" != 0 ]; then
	echo "cli: needs root (network namespaces)" >&2
	exit 1
fi
if [ ! -x /usr/sbin/xtables-legacy-multi ]; then
	echo "cli: iptables-legacy (xtables-legacy-multi) missing" >&2
	exit 1
fi
rc=0
/usr/bin/python3 "$here/cli.py" "$build/netsieve" "$@" || rc=1
# Not with --only (that names the cases to run): the client, and the tools
# as a user who is not root.
case " $* " in
*" --only "*) ;;
*)	# The cases about files, stdin and options again, through the
	# client and a daemon (tests/cli/cli.py --client).
	/usr/bin/python3 "$here/cli.py" "$build/netsieve" --client --count 0 \
		--only restore,restore_opts || rc=1
	/usr/bin/python3 "$here/nonroot.py" "$build/netsieve" || rc=1 ;;
esac
exit $rc
