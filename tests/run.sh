#!/usr/bin/env bash
# Run the test suite: every unit-test binary in $BUILD/tests, then every
# script tests/*/t-*.sh (and .py), each against the real binaries in $BUILD.
# Prints one line per test and a closing "tests: N passed, N failed".
#
#   tests/run.sh            everything
#   tests/run.sh unit       unit tests only
#   tests/run.sh PATTERN    scripts whose path contains PATTERN
#
# WB_TEST_SKIP="t-a.py t-b.sh": scripts (by file name) left out of this run.
# WB_TEST_JOBS=N: scripts run N at a time (default 2: most of a script's
# time is waiting for timers, a daemon, a screen, so two share the 2 cores
# of the machines this is run on; 1 runs them one by one). The scripts in
# ALONE (below: they load every core, or time a stall) run with nothing
# beside them. Every script takes its own free ports and temp dirs.
set -u
cd "$(dirname "$0")/.."
export BUILD="${BUILD:-build}"
export WB_ROOT="$PWD"
# Debian's python3, where python3-zmq and python3-yaml install (a python3
# earlier on PATH, from pyenv say, may lack them).
export PYTHON="${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}"
what="${1:-all}"
passed=0
failed=0
failures=()
logdir="$BUILD/test-logs"
mkdir -p "$logdir"

jobs="${WB_TEST_JOBS:-2}"
# Loads every core (t-sizes draws in a process per core, the floods send as
# fast as they can, t-layers compiles) or times a stall (NATS outages).
ALONE=" t-sizes.py t-http-flood.py t-limits.py t-layers.sh t-nats.py t-peers.py "
resdir="$(mktemp -d "${TMPDIR:-/tmp}/wb-tests.XXXXXX")"
trap 'rm -rf "$resdir"' EXIT
running=0
seq_no=0

# Run one test in the background: its verdict line, and its log's tail on
# failure, go to a result file that report() prints when it ends.
start_one() {
	local name="$1"; shift
	local log="$logdir/$(echo "$name" | tr '/ ' '__').log"
	local res="$resdir/$(printf '%04d' $seq_no)"
	seq_no=$((seq_no + 1))
	(
		start=$SECONDS
		if timeout 600 "$@" >"$log" 2>&1; then
			printf 'ok    %-48s %3ss\n' "$name" $((SECONDS - start)) >"$res.tmp"
		else
			{
				printf 'FAIL  %-48s %3ss  (log: %s)\n' "$name" $((SECONDS - start)) "$log"
				tail -n 30 "$log" | sed 's/^/      /'
			} >"$res.tmp"
			echo "$name" >"$res.failed"
		fi
		mv "$res.tmp" "$res.done"
	) &
	running=$((running + 1))
}

# Print the verdicts of the tests that ended; wait for one while `limit`
# or more still run.
reap() {
	local limit="$1" f
	while :; do
		for f in "$resdir"/*.done; do
			[ -e "$f" ] || continue
			cat "$f"
			if [ -e "${f%.done}.failed" ]; then
				failed=$((failed + 1))
				failures+=("$(cat "${f%.done}.failed")")
				rm -f "${f%.done}.failed"
			else
				passed=$((passed + 1))
			fi
			rm -f "$f"
			running=$((running - 1))
		done
		[ "$running" -lt "$limit" ] && [ "$running" -ge 0 ] && return
		wait -n 2>/dev/null || sleep 0.1
	done
}

run_one() {
	local name="$1"
	if [ "$jobs" -le 1 ] || [[ "$ALONE" == *" $(basename "$name") "* ]]; then
		reap 1          # nothing else running
		start_one "$@"
		reap 1
	else
		reap "$jobs"
		start_one "$@"
	fi
}

if [ "$what" = all ] || [ "$what" = unit ]; then
	for t in "$BUILD"/tests/test-*; do
		[ -x "$t" ] || continue
		run_one "unit/$(basename "$t")" "$t"
	done
fi
if [ "$what" != unit ]; then
	for t in tests/*/t-*.sh tests/*/t-*.py; do
		[ -f "$t" ] || continue
		[ "$what" = all ] || [[ "$t" == *"$what"* ]] || continue
		[[ " ${WB_TEST_SKIP:-} " == *" $(basename "$t") "* ]] && continue
		case "$t" in
		*.py) run_one "$t" "$PYTHON" "$t" ;;
		*) run_one "$t" bash "$t" ;;
		esac
	done
fi
reap 1
echo
if [ "$failed" -gt 0 ]; then
	printf 'failed: %s\n' "${failures[@]}"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
