#!/usr/bin/env bash
# Run each libFuzzer target for a few seconds (FUZZ_SECONDS, default 8)
# over its seed corpus, after replaying every regression input (crashes
# found earlier, kept in fuzz/regress/TARGET/). Usage: fuzz/run.sh BUILD
set -u
cd "$(dirname "$0")/.."
B=${1:-build-fuzz}
SECS=${FUZZ_SECONDS:-8}
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
rc=0
for exe in "$B"/fuzz/fuzz_*; do
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	t=$(basename "$exe" | sed 's/^fuzz_//')
	mapfile -t reg < <(find "fuzz/regress/$t" -type f ! -name '.*' 2>/dev/null)
	if [ ${#reg[@]} -gt 0 ]; then
		if ! "$exe" -runs=0 "${reg[@]}" >"$B/fuzz-$t-regress.log" 2>&1; then
			echo "fuzz $t: a regression input fails again:"; tail -30 "$B/fuzz-$t-regress.log"; rc=1; continue
		fi
	fi
	work=$(mktemp -d)
	seeds="fuzz/corpus/$t"
	[ -d "$seeds" ] || seeds=""
	if "$exe" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=4096 \
		-artifact_prefix="$B/fuzz-$t-" -print_final_stats=1 \
		"$work" $seeds >"$B/fuzz-$t.log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$B/fuzz-$t.log" | grep -o '[0-9]*$')
		echo "fuzz $t: ok (${runs:-?} runs in ${SECS}s)"
	else
		echo "fuzz $t: FAILED (artifact under $B/fuzz-$t-*; add it to fuzz/regress/$t/ once fixed)"
		tail -40 "$B/fuzz-$t.log"
		rc=1
	fi
	rm -rf "$work"
done
exit $rc
