#!/usr/bin/env bash
# make bench: every benchmark, figures printed. Medians of 5 runs on one
# core where it applies; these machines are shared and noisy, so compare
# ratios measured side by side, not absolute figures across runs.
set -u
cd "$(dirname "$0")/.."
B="${BUILD:-build}/bench"
echo "== decode + KPI engine (1,000 agents, 50 queues)"
"$B/bench-engine" throughput
echo
echo "== memory: 10,000 agents, 1,000 queues, 24 h of traffic"
"$B/bench-engine" rss "[15m, 60m]"
echo
echo "== JSON parsers for the event decoder (docs/json-choice.md)"
"$B/bench-json"
echo
echo "== snapshot encode and size, in process (bench-snapshot)"
"$B/bench-snapshot"
echo
# The real wallboardd ($BUILD/wallboardd) as a child: ingest vs bare libzmq,
# event -> snapshot latency, RSS after 1M events, journal replay of 2M; then
# issue 16's: 100,000 stale feeds, RSS at the limits, start-up to READY=1
# with a 10,000-agent day. About 4 minutes; it prints its own section headers.
BUILD="${BUILD:-build}" "$B/bench-daemon"
echo
# Issue 18: `wallboardd --replay` of a recorded day on one core, and the
# curve as the floor grows. About a minute.
echo "== replay of a recorded day through the real wallboardd (bench-replay)"
BUILD="${BUILD:-build}" "$B/bench-replay"
echo
# Issue 18: event -> pixels, the real daemon and both real boards (the
# framebuffer board on a file framebuffer, the terminal board in a pty read
# through libvterm), publish on change and the defaults. About 50 s.
BUILD="${BUILD:-build}" "$B/bench-pixels"
echo
# Issue 22: events through NATS JetStream (a 3-node cluster on loopback)
# against ZeroMQ direct, and a daemon catching up from the stream.
echo "== NATS JetStream (bench-nats.py)"
BUILD="${BUILD:-build}" "${PYTHON:-/usr/bin/python3}" bench/bench-nats.py
echo
echo "== wallboard-relay: fan-out to 500 boards (bench-relay.py)"
BUILD="${BUILD:-build}" "${PYTHON:-/usr/bin/python3}" bench/bench-relay.py
for extra in "$B"/bench-*; do
	case "$(basename "$extra")" in
	bench-engine|bench-json|bench-snapshot|bench-daemon|bench-replay|bench-pixels|*.o) ;;
	*) echo; echo "== $(basename "$extra")"; "$extra" ;;
	esac
done
