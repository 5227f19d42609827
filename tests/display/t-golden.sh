#!/usr/bin/env bash
# Golden frames: the layout of a hand-written snapshot
# (tests/display/snapshot.json unless a case names another with --snapshot;
# board config tests/display/board.yaml),
# drawn by the real wallboard through its plain-text back-end
# (--text WxH) and compared with tests/display/golden/NAME.txt.
#
#   WB_GOLDEN_UPDATE=1 tests/display/t-golden.sh    rewrite the goldens
#
# Look at a changed golden before committing it: it is what a person sees.
set -u
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
dir=tests/display
failed=0
checked=0

# name, then wallboard's arguments.
cases=(
	"floor-80x24|--board floor --text 80x24"
	"floor-120x40|--board floor --text 120x40"
	"floor-200x60|--board floor --text 200x60"
	"floor-today-120x40|--board floor --text 120x40 --page 2"
	"floor-stale-80x24|--board floor --text 80x24 --stale --age 7000"
	"floor-stale-200x60|--board floor --text 200x60 --stale --age 95000"
	"floor-ascii-80x24|--board floor --text 80x24 --ascii"
	"floor-ascii-stale-120x40|--board floor --text 120x40 --ascii --stale --age 4000"
	"floor-disconnected-80x24|--board floor --text 80x24 --disconnected"
	"floor-ticker-80x24|--board floor --text 80x24 --frame 25"
	"billing-80x24|--board billing --text 80x24"
	"billing-300x100|--board billing --text 300x100"
	# pbx1 silent for 1:12 (Support's figures, 4 agents), pbx2 live.
	"floor-feed-stale-120x40|--board floor --text 120x40 --snapshot $dir/snapshot-feed-stale.json"
	"floor-feed-stale-80x24|--board floor --text 80x24 --age 3000 --snapshot $dir/snapshot-feed-stale.json"
	# 120 agents (111 not offline, 19 away): the grid's pages turn every
	# 8 s, the away agents on each.
	"floor-120agents-80x24|--board floor --text 80x24 --snapshot $dir/snapshot-120.json"
	"floor-120agents-page2-80x24|--board floor --text 80x24 --elapsed 8000 --snapshot $dir/snapshot-120.json"
	"floor-120agents-200x60|--board floor --text 200x60 --snapshot $dir/snapshot-120.json"
	# Small screens: every tile shown has its figure (lines when boxes do
	# not fit), the critical alert is never replaced by a count.
	"floor-80x14|--board floor --text 80x14"
	"floor-60x14|--board floor --text 60x14"
	"floor-50x12|--board floor --text 50x12"
	"floor-30x8|--board floor --text 30x8"
	"floor-20x5|--board floor --text 20x5"
	"floor-feed-stale-45x10|--board floor --text 45x10 --snapshot $dir/snapshot-feed-stale.json"
	# Both feeds silent: the banner, though the daemon speaks.
	"floor-feeds-silent-80x24|--board floor --text 80x24 --snapshot $dir/snapshot-feeds-silent.json"
)

for c in "${cases[@]}"; do
	name="${c%%|*}"
	read -r -a args <<<"${c#*|}"
	[[ " ${args[*]} " == *" --snapshot "* ]] || args+=(--snapshot "$dir/snapshot.json")
	checked=$((checked + 1))
	out=$("$BUILD/wallboard" -c "$dir/board.yaml" "${args[@]}" \
	    --clock 09:00:00) || {
		echo "FAIL $name: wallboard exited $?"; failed=$((failed + 1)); continue; }
	if [ -n "${WB_GOLDEN_UPDATE:-}" ]; then
		printf '%s\n' "$out" >"$dir/golden/$name.txt"
		continue
	fi
	if ! diff -u "$dir/golden/$name.txt" <(printf '%s\n' "$out") >/tmp/golden-$$.diff; then
		echo "FAIL $name: frame differs from $dir/golden/$name.txt (- golden, + now):"
		cat /tmp/golden-$$.diff
		failed=$((failed + 1))
	fi
	rm -f /tmp/golden-$$.diff
done
echo "golden frames: $checked checked, $failed failed"
[ "$failed" -eq 0 ]
