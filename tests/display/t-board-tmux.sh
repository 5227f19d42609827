#!/usr/bin/env bash
# The terminal board in a real terminal: tmux, against a real wallboardd fed
# a known stream (tests/display/feed.py), read back with capture-pane.
#
#   - at 80x24 and 200x60 the pane shows the stream's figures: Support's
#     service level 50% and 3 waiting (read from the big digits by
#     tests/display/screen.py), an agent busy and one away at lunch;
#   - after a resize the layout is sane (every tile still reads); at 50x12
#     the tiles are lines, each label with its figure;
#   - after the daemon stops (SIGTERM) the STALE banner is up within ~4 s
#     (3 heartbeats of 1 s, then the next tick);
#   - after q the terminal is restored (alternate screen off, shell back).
set -u
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
PYTHON="${PYTHON:-/usr/bin/python3}"
tmp=$(mktemp -d)
sock="wb-test-$$"
daemon=
failed=0

cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

# distinct free loopback ports below the ephemeral range
free_ports() {
	"$PYTHON" tests/live/ports.py "$1"
}

capture() {
	tmux -L "$sock" capture-pane -p -t board
}

# Wait up to $1 seconds for the pane to satisfy the check function $2.
wait_for() {
	local limit=$(( $1 * 10 )) i
	for ((i = 0; i < limit; i++)); do
		capture >"$tmp/screen"
		if "$2"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

tiles() {
	"$PYTHON" tests/display/screen.py "$tmp/screen"
}

shows_figures() {
	tiles >"$tmp/tiles" &&
	grep -qx 'Support SL: 50%' "$tmp/tiles" &&
	grep -qx 'Support waiting: 3' "$tmp/tiles" &&
	grep -q 'Amira K.* busy ' "$tmp/screen" &&
	grep -q 'Dana .* lunch ' "$tmp/screen"
}

shows_stale() {
	grep -q 'STALE' "$tmp/screen" &&
	grep -q 'these figures are old' "$tmp/screen"
}

is_restored() {
	grep -q 'EXITED 0' "$tmp/screen" &&
	[ "$(tmux -L "$sock" display -p -t board '#{alternate_on}')" = 0 ]
}

read -r ingest publish < <(free_ports 2)
cat >"$tmp/wallboard.yaml" <<YAML
site: {name: Leeds, timezone: UTC}
queues:
  support: {label: Support}
# The grid's agents: "queue:support" through the config's queues (the
# snapshot does not list an agent's queues).
agents:
  a1: {queues: [support]}
  a2: {queues: [support]}
  a3: {queues: [support]}
  a4: {queues: [support]}
ingest: {bind: ["tcp://127.0.0.1:$ingest"]}
publish: {bind: ["tcp://127.0.0.1:$publish"], heartbeat: 1s}
# No HTTP: its default port may be taken (a demo on this machine).
http: {listen: off}
state_dir: $tmp/state
boards:
  floor:
    title: Support floor
    agents: "queue:support"
    pages:
      - title: Now
        agent_grid: true
        tiles:
          - {scope: "queue:support", metric: service_level, window: 15m}
          - {scope: "queue:support", metric: waiting, good: below, amber: 2, red: 5}
          - {scope: "queue:support", metric: longest_wait_ms, amber: 30s, red: 60s}
          - {scope: "all", metric: agents_ready}
YAML

"$BUILD/wallboardd" -c "$tmp/wallboard.yaml" 2>"$tmp/daemon.log" &
daemon=$!
for ((i = 0; i < 200; i++)); do
	[ -S "$tmp/state/control.sock" ] && break
	sleep 0.05
done
if [ ! -S "$tmp/state/control.sock" ]; then
	echo "FAIL the daemon did not start:"; cat "$tmp/daemon.log"
	exit 1
fi
"$PYTHON" tests/display/feed.py "tcp://127.0.0.1:$ingest" || fail "feed.py"

tmux -L "$sock" -f /dev/null new-session -d -s board -x 80 -y 24 \
	"$BUILD/wallboard -c $tmp/wallboard.yaml --board floor --endpoint tcp://127.0.0.1:$publish; echo EXITED \$?; sleep 60"
tmux -L "$sock" set-option -g status off

if wait_for 10 shows_figures; then
	echo "ok   80x24 shows SL 50%, 3 waiting, Amira busy, Dana at lunch"
else
	fail "80x24: figures not shown:"; cat "$tmp/screen"; cat "$tmp/tiles"
fi

tmux -L "$sock" resize-window -t board -x 200 -y 60
if wait_for 5 shows_figures && [ "$(wc -l <"$tmp/screen")" -eq 60 ] &&
    [ "$(tiles | wc -l)" -eq 4 ]; then
	echo "ok   200x60 after resize: 4 tiles read, figures shown"
else
	fail "200x60 after resize:"; cat "$tmp/screen"; tiles
fi

tmux -L "$sock" resize-window -t board -x 80 -y 24
if wait_for 5 shows_figures && [ "$(tiles | wc -l)" -eq 4 ]; then
	echo "ok   back to 80x24: 4 tiles read"
else
	fail "back to 80x24:"; cat "$tmp/screen"
fi

# A small terminal: the tiles become lines, each with its figure.
small_lines() {
	grep -Eq '^Support SL +50%' "$tmp/screen" &&
	grep -Eq '^Support waiting +3( |$)' "$tmp/screen"
}
tmux -L "$sock" resize-window -t board -x 50 -y 12
if wait_for 5 small_lines; then
	echo "ok   50x12: tiles as lines, 'Support SL 50%' and 'Support waiting 3'"
else
	fail "50x12: no tile lines with their figures:"; cat "$tmp/screen"
fi
tmux -L "$sock" resize-window -t board -x 80 -y 24

kill -TERM "$daemon"
wait "$daemon" 2>/dev/null
daemon=
start=$SECONDS
if wait_for 6 shows_stale; then
	echo "ok   STALE within $((SECONDS - start)) s of the daemon stopping"
else
	fail "no STALE banner 6 s after the daemon stopped:"; cat "$tmp/screen"
fi

tmux -L "$sock" send-keys -t board q
if wait_for 5 is_restored; then
	echo "ok   q: board gone, terminal restored"
else
	fail "after q:"; cat "$tmp/screen"
fi

[ "$failed" -eq 0 ]
