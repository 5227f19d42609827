#!/usr/bin/env bash
# The demo under a harness: `scripts/demo.sh --for 3` on private ports and a
# private state directory exits 0 (the daemon saw the simulator's events)
# and leaves no wallboardd or wallboard-feed behind; and stopped early by
# SIGTERM or SIGINT, it still cleans up after itself.
set -u
cd "$(dirname "$0")/../.."
B="${BUILD:-build}"
PY="${PYTHON:-python3}"
T="$(mktemp -d /tmp/wb-demo-test.XXXXXX)"
fail=0
trap 'pkill -KILL -f "$T" 2>/dev/null; rm -rf "$T"' EXIT

ports() { "$PY" tests/live/ports.py 3; }

# Every process the demo started has $T in its command line (its config
# lives in a directory under TMPDIR=$T).
leftovers() { pgrep -af "$T" || true; }

demo_env() {
	read -r in pub http < <(ports)
	export TMPDIR="$T" WB_DEMO_STATE="$T/state" WB_DEMO_INGEST="$in" \
		WB_DEMO_PUBLISH="$pub" WB_DEMO_HTTP="$http" BUILD="$B"
}

# 1. Headless for 3 s: exit 0, events seen, nothing left.
start=$SECONDS
out="$(demo_env; scripts/demo.sh --for 3 2>&1)"
rc=$?
echo "$out"
if [ $rc -ne 0 ]; then echo "FAIL: demo.sh --for 3 exited $rc"; fail=1; fi
if ! echo "$out" | grep -q "applied [1-9][0-9]* events"; then
	echo "FAIL: the daemon saw no events"; fail=1
fi
if ! echo "$out" | grep -q "wallboard-feed: sim: .* events sent"; then
	echo "FAIL: no report from the simulator"; fail=1
fi
if [ -n "$(leftovers)" ]; then echo "FAIL: left behind:"; leftovers; fail=1; fi
if [ -e "$T"/wallboard-demo-run.* ]; then echo "FAIL: work directory left"; fail=1; fi
echo "headless run took $((SECONDS - start)) s"

# 2. Stopped from outside mid-run (a user's Ctrl-C, a CI timeout).
for sig in TERM INT; do
	(demo_env; exec scripts/demo.sh --for 30 >"$T/out.$sig" 2>&1) &
	pid=$!
	for _ in $(seq 50); do
		leftovers | grep -q wallboard-feed && break
		sleep 0.1
	done
	t0=$SECONDS
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	if [ $((SECONDS - t0)) -gt 4 ]; then
		echo "FAIL: SIG$sig took $((SECONDS - t0)) s"; fail=1
	fi
	if [ -n "$(leftovers)" ]; then
		echo "FAIL: SIG$sig left behind:"; leftovers; fail=1
	else
		echo "SIG$sig: exit $rc, nothing left behind"
	fi
done
exit $fail
