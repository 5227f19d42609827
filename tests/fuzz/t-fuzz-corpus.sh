#!/usr/bin/env bash
# The fuzzers' corpora, replayed: every harness fuzz/fuzz-NAME.c, built by
# `make` with fuzz/driver.c as $BUILD/fuzz/fuzz-NAME (the normal flags, or
# ASan + UBSan under `make asan`), runs over every file of fuzz/corpus/NAME/.
# A crash, a broken invariant, a sanitizer report or a leak fails the test:
# a reproducer added to a corpus keeps failing it until the bug is fixed.
#
# BUILD names the build directory (default build).
set -u
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
# A sanitizer report fails the run (UBSan too, whatever the build's
# -fsanitize-recover), with a stack to read.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
failed=0
ran=0

for src in fuzz/fuzz-*.c; do
	name=$(basename "$src" .c)
	bin="$BUILD/fuzz/$name"
	corpus="fuzz/corpus/$name"
	if [ ! -x "$bin" ]; then
		echo "FAIL $name: no $bin (make BUILD=$BUILD builds it)"
		failed=$((failed + 1))
		continue
	fi
	if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
		echo "FAIL $name: no seed corpus in $corpus"
		failed=$((failed + 1))
		continue
	fi
	ran=$((ran + 1))
	start=$SECONDS
	if out=$(timeout 120 "$bin" "$corpus" 2>&1); then
		echo "ok   $name: $(echo "$out" | tail -n 1 | sed 's/.*: //') in $((SECONDS - start))s"
	else
		echo "FAIL $name (exit $?)"
		failed=$((failed + 1))
		# Name the inputs that fail, one run each, and show the first's report.
		shown=
		for input in "$corpus"/*; do
			if ! out=$(timeout 60 "$bin" "$input" 2>&1); then
				echo "     fails: $bin $input"
				if [ -z "$shown" ]; then
					echo "$out" | tail -n 40 | sed 's/^/       /'
					shown=1
				fi
			fi
		done
		[ -n "$shown" ] || echo "$out" | tail -n 40 | sed 's/^/     /'
	fi
done
echo "fuzz corpora: $ran replayed, $failed failed"
[ "$failed" -eq 0 ]
