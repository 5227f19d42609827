#!/usr/bin/env bash
# make demo: the daemon with config/demo.yaml, the simulator publishing a
# lively floor into it (ten times real time, from 09:30 on the site's
# clock, with the hour before it already in), and the board in this
# terminal. q or Ctrl-C stops it all.
#
#   scripts/demo.sh              interactive (a terminal)
#   scripts/demo.sh --for N      headless for N seconds; exit 0 if the
#                                daemon saw events (CI; also the default,
#                                for 10 s, when stdout is not a terminal)
#
# The environment can move the demo aside (the tests do, to run beside a
# demo someone else has open): WB_DEMO_STATE (state directory, default
# /tmp/wallboard-demo), WB_DEMO_INGEST, WB_DEMO_PUBLISH and WB_DEMO_HTTP
# (ports, default 7410, 7411 and 7412; "off" for no HTTP), WB_DEMO_SPEED
# (default 10).
set -u
cd "$(dirname "$0")/.."
B="${BUILD:-build}"
PY="$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)"
STATE="${WB_DEMO_STATE:-/tmp/wallboard-demo}"
INGEST="${WB_DEMO_INGEST:-7410}"
PUBLISH="${WB_DEMO_PUBLISH:-7411}"
HTTP="${WB_DEMO_HTTP:-7412}"
[ "$HTTP" = off ] || HTTP="127.0.0.1:$HTTP"
SPEED="${WB_DEMO_SPEED:-10}"
FOR=""

while [ $# -gt 0 ]; do
	case "$1" in
	--for) FOR="${2:?--for needs a number of seconds}"; shift 2 ;;
	-h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ -z "$FOR" ] && [ ! -t 1 ] && FOR=10

for p in wallboardd wallboard-feed; do
	if [ ! -x "$B/$p" ]; then
		echo "demo.sh: $B/$p is missing: run make first" >&2
		exit 1
	fi
done

# The demo's own copy of the config, with its state directory and ports;
# logs beside it.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/wallboard-demo-run.XXXXXX")"
CONFIG="$WORK/demo.yaml"
sed -e "s|^state_dir: .*|state_dir: $STATE|" \
	-e "s|tcp://127.0.0.1:7410|tcp://127.0.0.1:$INGEST|" \
	-e "s|tcp://127.0.0.1:7411|tcp://127.0.0.1:$PUBLISH|" \
	-e "s|\"127.0.0.1:7412\"|\"$HTTP\"|" config/demo.yaml >"$CONFIG"

PIDS=()
cleanup() {
	trap - EXIT INT TERM
	[ -t 1 ] && [ -z "$FOR" ] && tput cnorm 2>/dev/null
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	# Each gets 3 s to go by itself (the daemon flushes its journal),
	# then it is killed.
	for _ in $(seq 30); do
		alive=0
		for pid in "${PIDS[@]}"; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ "$alive" -eq 0 ] && break
		sleep 0.1
	done
	for pid in "${PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	# What the simulator sent, as it said when it stopped.
	grep -h '^wallboard-feed' "$WORK/wallboard-feed.log" 2>/dev/null | tail -n 2 >&2
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A fresh day: nothing from an earlier demo, unless that demo is still
# running (its daemon answers on the control socket).
if [ -S "$STATE/control.sock" ] && [ -x "$B/wallboardctl" ] &&
	"$B/wallboardctl" --socket "$STATE/control.sock" status >/dev/null 2>&1; then
	echo "demo.sh: a demo is already running on $STATE; stop it first" >&2
	exit 1
fi
rm -rf "$STATE"
"$B/wallboardd" -c "$CONFIG" 2>"$WORK/wallboardd.log" &
PIDS+=($!)
for _ in $(seq 100); do
	[ -S "$STATE/control.sock" ] && break
	if ! kill -0 "${PIDS[0]}" 2>/dev/null; then
		echo "demo.sh: wallboardd did not start:" >&2
		cat "$WORK/wallboardd.log" >&2
		exit 1
	fi
	sleep 0.1
done

# The day from 08:30 on the site's clock, its first hour sent at once, so
# the board opens at 09:30 on a busy floor with full windows.
ZONE="$(sed -n 's/^ *timezone: *\([^ #]*\).*/\1/p' "$CONFIG" | head -n 1)"
START="$(TZ="${ZONE:-UTC}" date -d 'today 08:30' +%s 2>/dev/null)"
"$B/wallboard-feed" sim -c "$CONFIG" --speed "$SPEED" --warmup 1h \
	${START:+--start "${START}000"} --endpoint "tcp://127.0.0.1:$INGEST" \
	2>"$WORK/wallboard-feed.log" &
PIDS+=($!)

# The snapshot, from wallboardctl or, without it, from the control socket.
snapshot() {
	if [ -x "$B/wallboardctl" ]; then
		"$B/wallboardctl" -c "$CONFIG" snapshot 2>/dev/null
	else
		"$PY" -c '
import sys, zmq
s = zmq.Context().socket(zmq.REQ)
s.setsockopt(zmq.RCVTIMEO, 2000); s.setsockopt(zmq.LINGER, 0)
s.connect("ipc://" + sys.argv[1] + "/control.sock")
s.send(b"{\"cmd\":\"snapshot\"}"); sys.stdout.write(s.recv().decode())' "$STATE"
	fi
}

events_seen() {
	snapshot | "$PY" -c '
import json, sys
s = json.load(sys.stdin)
print(sum(f.get("events", 0) for f in s["feeds"].values()))' 2>/dev/null
}

if [ -n "$FOR" ]; then
	# In the background, so a signal's trap runs at once, not after it.
	sleep "$FOR" &
	PIDS+=($!)
	wait $!
	n="$(events_seen)"
	echo "demo.sh: the daemon applied ${n:-no} events in ${FOR} s"
	[ "${n:-0}" -gt 0 ]
	exit
fi

# The terminal board; if it cannot start (an older build, say), the table.
if [ -x "$B/wallboard" ]; then
	started=$SECONDS
	"$B/wallboard" -c "$CONFIG" --board floor 2>"$WORK/wallboard.log"
	rc=$?
	if [ $rc -eq 0 ] || [ $((SECONDS - started)) -gt 3 ]; then
		exit $rc
	fi
	cat "$WORK/wallboard.log" >&2
	sleep 2
fi
tput civis 2>/dev/null
while :; do
	frame="$(snapshot | "$PY" scripts/board-table.py 2>&1)"
	clear
	printf '%s\n\n(q to quit; logs in %s)\n' "$frame" "$WORK"
	if read -r -s -n 1 -t 1 key && [ "$key" = q ]; then
		break
	fi
done
