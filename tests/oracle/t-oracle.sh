#!/usr/bin/env bash
# Cross-check wallboardd's replay figures against the Python oracle on random
# streams: ~8 seeds plus scenario variants (DST changes and day starts in
# Europe/London, --at in the middle of the stream, --at an hour after the last
# event so the rolling windows slide empty, --at 5 h after so waiting calls
# pass call_timeout and are lost).  Exit 1 on any mismatch.
#
#   BUILD=build tests/oracle/t-oracle.sh        (BUILD relative to the repo root)
#   WALLBOARDD=/path/to/wallboardd tests/oracle/t-oracle.sh
set -u
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
bin="${WALLBOARDD:-$BUILD/wallboardd}"
if [ ! -x "$bin" ]; then
	echo "t-oracle: no $bin (build first)" >&2
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t-oracle.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
o=tests/oracle
failed=0
n=0

# scenario NAME AT-MODE GEN-ARGS...
#   AT-MODE: last (no --at) | mid | plus1h | plus5h | edge60, see pick_at.py
scenario() {
	local name="$1" mode="$2"
	shift 2
	local dir="$tmp/$name"
	n=$((n + 1))
	if ! "${PYTHON:-python3}" "$o/gen.py" --out-dir "$dir" "$@"; then
		echo "FAIL $name: gen.py failed"
		failed=$((failed + 1))
		return
	fi
	local at=()
	if [ "$mode" != last ]; then
		at=(--at "$("${PYTHON:-python3}" "$o/pick_at.py" "$mode" "$dir/events.jsonl")")
	fi
	local out
	out=$("${PYTHON:-python3}" "$o/compare.py" --wallboardd "$bin" --save "$dir" \
		"$dir/config.yaml" "$dir/events.jsonl" "${at[@]}" 2>&1)
	local rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok   $name: ${out##*$'\n'}"
	else
		failed=$((failed + 1))
		echo "FAIL $name (gen.py $* ${at[*]}):"
		echo "$out" | head -n 60 | sed 's/^/     /'
		# keep the failing case for a look
		mkdir -p "$BUILD/test-logs/oracle"
		cp -r "$dir" "$BUILD/test-logs/oracle/" 2>/dev/null
	fi
}

for seed in 1 2 3 4 5 6 7 8; do
	case $((seed % 3)) in
	0) w="15m,60m" ;;
	1) w="5m,15m,60m" ;;
	2) w="30m,2h" ;;
	esac
	scenario "seed$seed" last --seed "$seed" --minutes 60 --windows "$w"
done
# spring forward: crosses the 00:00 day start and 01:00Z (01:00 GMT -> 02:00 BST)
scenario dst-spring last --seed 11 --tz Europe/London --start-local 2026-03-28T23:20 --minutes 100
# day_start 01:30 does not exist on 2026-03-29: the day starts at 02:00 BST = 01:00Z
scenario dst-gap-daystart last --seed 12 --tz Europe/London --start-local 2026-03-29T00:30 \
	--day-start 01:30 --minutes 90
# fall back: a 25 h day, crossing midnight and 02:00 BST -> 01:00 GMT
scenario dst-autumn mid --seed 13 --tz Europe/London --start-local 2026-10-24T23:10 --minutes 120
scenario at-mid mid --seed 14 --minutes 60
scenario at-plus1h plus1h --seed 15 --minutes 45 --windows 15m,60m
scenario edge60 edge60 --seed 17 --minutes 90 --rate 6 --windows 1m,5m,60m
scenario at-plus5h plus5h --seed 16 --minutes 45 --tz America/New_York --start-local 2026-06-10T21:00

echo "t-oracle: $((n - failed))/$n scenarios match"
[ "$failed" -eq 0 ]
