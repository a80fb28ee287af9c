#!/usr/bin/env bash
# Run every test suite: unit (cmocka, normal and sanitizer builds), rule
# vectors and the iptables conformance files, the kernel fidelity harness,
# the end-to-end namespace tests, and each fuzzer for a few seconds.
# Usage: tests/run-all.sh BUILD SANBUILD FUZZBUILD
set -u
cd "$(dirname "$0")/.."
B=${1:-build} S=${2:-build-san} F=${3:-build-fuzz}
failed=()
run() {
	local name=$1; shift
	echo "=== $name"
	local t0=$SECONDS
	if "$@"; then
		echo "=== $name: PASS ($((SECONDS - t0))s)"
	else
		echo "=== $name: FAIL ($((SECONDS - t0))s)"
		failed+=("$name")
	fi
}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
run unit        meson test -C "$B" --print-errorlogs --num-processes 2
run unit-san    meson test -C "$S" --print-errorlogs --num-processes 2
for suite in layers vectors conformance robust replay kernel e2e conntrack ipvsadm cli install ipjson; do
	[ -x "tests/$suite/run.sh" ] || continue
	run "$suite" "tests/$suite/run.sh" "$B"
	# Connection tracking and NAT end to end: the e2e lab again.
	[ "$suite" = e2e ] && run stateful tests/e2e/stateful.sh "$B"
	# The same lab forwarding through the AF_XDP backend.
	[ "$suite" = e2e ] && run afxdp tests/e2e/afxdp.sh "$B"
	# The load balancer end to end.
	[ "$suite" = e2e ] && run lb tests/e2e/lb.sh "$B"
	# The load balancer against the kernel's IPVS in the oracle VM.
	[ "$suite" = e2e ] && [ -x tests/lb-oracle/run.sh ] &&
		run lb-oracle tests/lb-oracle/run.sh "$B"
done
for suite in vectors conformance robust replay; do
	[ -x "tests/$suite/run.sh" ] || continue
	run "$suite-san" "tests/$suite/run.sh" "$S"
done
[ -x fuzz/run.sh ] && run fuzz fuzz/run.sh "$F"
if [ ${#failed[@]} -gt 0 ]; then
	echo "FAILED: ${failed[*]}"
	exit 1
fi
echo "ALL PASSED"
