#!/usr/bin/env bash
# Run the test suite: every unit-test binary in $BUILD/tests, then every
# script tests/*/t-*.sh (and .py), each against the real binaries in $BUILD.
# Prints one line per test and a closing "tests: N passed, N failed".
#
#   tests/run.sh            everything
#   tests/run.sh unit       unit tests only
#   tests/run.sh PATTERN    scripts whose path contains PATTERN
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

run_one() {
	local name="$1"; shift
	local log="$logdir/$(echo "$name" | tr '/ ' '__').log"
	local start=$SECONDS
	if timeout 600 "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		printf 'ok    %-48s %3ss\n' "$name" $((SECONDS - start))
	else
		failed=$((failed + 1))
		failures+=("$name")
		printf 'FAIL  %-48s %3ss  (log: %s)\n' "$name" $((SECONDS - start)) "$log"
		tail -n 30 "$log" | sed 's/^/      /'
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
		case "$t" in
		*.py) run_one "$t" "$PYTHON" "$t" ;;
		*) run_one "$t" bash "$t" ;;
		esac
	done
fi
echo
if [ "$failed" -gt 0 ]; then
	printf 'failed: %s\n' "${failures[@]}"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
