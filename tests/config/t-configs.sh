#!/usr/bin/env bash
# The config corpus, through the real daemon's --check-config.
#
#   bad/NAME.yaml    must fail (exit 1) with exactly the lines of
#                    bad/NAME.expect on stderr, the file's path written FILE
#   warn/NAME.yaml   must load (exit 0) with exactly the warnings of
#                    warn/NAME.expect on stderr, written the same way
#   good/NAME.yaml   must load (exit 0, nothing printed: no warning either)
#   config/wallboard.yaml, demo.yaml and sample.yaml, the shipped configs,
#                    must load too, without a warning
#
# BUILD names the build directory (default build); WALLBOARDD overrides the
# binary, e.g. to run the corpus against a stand-in driver.
set -u
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
WALLBOARDD="${WALLBOARDD:-$BUILD/wallboardd}"
failed=0
checked=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

# Write stdin to stdout with a leading "PATH:" of each line made "FILE:".
# Plain string handling: paths may hold characters sed would read as regex.
mask_path() {
	local path="$1" line
	while IFS= read -r line; do
		if [[ "$line" == "$path:"* ]]; then
			line="FILE:${line#"$path:"}"
		fi
		printf '%s\n' "$line"
	done
}

# check_expect FILE STATUS: --check-config exits STATUS and prints exactly
# the lines of FILE's .expect on stderr.
check_expect() {
	local file="$1" want="$2" expect="${1%.yaml}.expect" status
	checked=$((checked + 1))
	if [ ! -f "$expect" ]; then
		fail "$file: no $expect"
		return
	fi
	"$WALLBOARDD" -c "$file" --check-config >"$tmp/out" 2>"$tmp/err"
	status=$?
	mask_path "$file" <"$tmp/err" >"$tmp/masked"
	if [ "$status" -ne "$want" ]; then
		fail "$file: exit status $status, expected $want"
	fi
	if ! diff -u "$expect" "$tmp/masked" >"$tmp/diff"; then
		fail "$file: stderr differs from $expect (- expected, + got):"
		cat "$tmp/diff"
	fi
	if [ -s "$tmp/out" ]; then
		fail "$file: printed on stdout:"
		cat "$tmp/out"
	fi
}

check_good() {
	local file="$1" status
	checked=$((checked + 1))
	"$WALLBOARDD" -c "$file" --check-config >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -ne 0 ] || [ -s "$tmp/err" ] || [ -s "$tmp/out" ]; then
		fail "$file: exit status $status, expected 0 and no output:"
		cat "$tmp/out" "$tmp/err"
	fi
}

if [ ! -x "$WALLBOARDD" ]; then
	echo "FAIL no daemon at $WALLBOARDD (build it, or set WALLBOARDD)"
	exit 1
fi
for f in tests/config/bad/*.yaml; do
	check_expect "$f" 1
done
for f in tests/config/warn/*.yaml; do
	check_expect "$f" 0
done
for f in tests/config/bad/*.expect tests/config/warn/*.expect; do
	[ -f "${f%.expect}.yaml" ] || fail "$f: no ${f%.expect}.yaml"
done
for f in tests/config/good/*.yaml config/wallboard.yaml config/demo.yaml \
    config/sample.yaml; do
	check_good "$f"
done
echo "configs: $checked checked, $failed failed"
[ "$failed" -eq 0 ]
