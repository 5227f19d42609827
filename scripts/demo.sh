#!/usr/bin/env bash
# make demo: until the live daemon, the simulator and the terminal board
# land (issues 3-5), the demo replays the shipped sample morning and prints
# the board's figures as a table.
set -eu
cd "$(dirname "$0")/.."
B="${BUILD:-build}"
"$B/wallboardd" -c config/sample.yaml --replay tests/replay/sample.jsonl 2>/dev/null |
	python3 scripts/board-table.py
