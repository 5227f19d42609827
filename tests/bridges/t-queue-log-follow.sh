#!/usr/bin/env bash
# `wallboard-feed asterisk-queue-log --follow` across everything a live
# queue_log goes through, checked against a one-shot run over the same lines:
# the union of the follower's outputs must be exactly the one-shot's events
# (nothing lost, nothing repeated). The lines are the real Asterisk 22
# capture, cut in parts; a crash's NUL run and a CONFIGRELOAD flood are in it.
#   run 1  reads the file, is stopped (SIGTERM) with lines and half a line
#          written after its last look: killed mid-file;
#   run 2  resumes from the saved position; the file is rotated (renamed,
#          with lines still written to the old one) and later truncated
#          (copytruncate), both while it follows;
#   run 3  starts after a rotation that happened while nothing ran: it
#          finishes FILE.1 from the saved position, then the new FILE.
set -u
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
FEED="${WALLBOARD_FEED:-$BUILD/wallboard-feed}"
PY="${PYTHON:-python3}"
S=tests/bridges/samples/asterisk22/queue_log
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
[ -x "$FEED" ] || { echo "missing $FEED (make first)"; exit 1; }
fail=0
F="$tmp/queue_log"
ST="$tmp/state"
echo "lab-site-secret" >"$tmp/secret"

part() { sed -n "$1,$2p" "$S"; }

# The whole stream, in the order the follower will meet it.
{
	part 1 100
	printf '1795373349|1795373347.49|helpd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\n'
	for i in $(seq 200); do echo "1795373349|NONE|NONE|NONE|CONFIGRELOAD|"; done
	part 101 150
} >"$tmp/A"
part 151 250 >"$tmp/B"
part 251 330 >"$tmp/C"
part 331 420 >"$tmp/D"
part 421 440 >"$tmp/E"
part 441 500 >"$tmp/G1"
part 501 534 >"$tmp/G2"
cat "$tmp"/{A,B,C,D,E,G1,G2} >"$tmp/all"

follow() {       # follow POLL_MS OUT
	"$FEED" asterisk-queue-log "$F" --follow --poll "$1" --state "$ST" \
		--caller-secret-file "$tmp/secret" --jsonl "$2" 2>>"$tmp/stderr" &
	pid=$!
}
stop() {
	kill -TERM "$pid"
	wait "$pid" || { echo "follower exited $?"; fail=1; }
	pid=
}
# Wait until the saved position is the end of FILE (what a follower has
# read and sent), up to 10 s.
caught_up() {
	local i want
	for i in $(seq 200); do
		want="\"inode\":$(stat -c %i "$F"),\"offset\":$(stat -c %s "$F"),"
		grep -qF "$want" "$ST" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "follower did not catch up: state '$(head -c 200 "$ST" 2>/dev/null)', want '$want'"
	fail=1
	return 1
}

# Run 1: reads A, then sleeps 10 s between looks: B and half a line are
# written, and it is stopped before it looks again.
cp "$tmp/A" "$F"
follow 10000 "$tmp/out1"
caught_up
cat "$tmp/B" >>"$F"
head -c 20 "$tmp/C" >>"$F"                  # half a line: not whole yet
stop

# Run 2: resumes at B; the rest of that line and C go to the file after a
# rotation (Asterisk writes to its open file until it reopens), D to the new
# file; then copytruncate, and E.
follow 50 "$tmp/out2"
tail -c +21 "$tmp/C" >"$tmp/C.rest"
sleep 0.3
{ mv "$F" "$F.1"; cat "$tmp/C.rest" >>"$F.1"; cp "$tmp/D" "$F"; }
caught_up
cp "$F" "$F.2"; : >"$F"; sleep 0.3; cat "$tmp/E" >>"$F"
caught_up
stop

# Nothing runs: G1 is written, the file rotated, G2 written to the new one.
cat "$tmp/G1" >>"$F"
mv "$F" "$F.1"
cp "$tmp/G2" "$F"

# Run 3.
follow 50 "$tmp/out3"
caught_up
stop

# The reference: one run over all the lines.
"$FEED" asterisk-queue-log "$tmp/all" --caller-secret-file "$tmp/secret" --jsonl - \
	>"$tmp/once" 2>>"$tmp/stderr" || fail=1

"$PY" - "$tmp" <<'PY' || fail=1
import json, sys
d = sys.argv[1]
def events(name):
    out = []
    for line in open(f"{d}/{name}"):
        e = json.loads(line)
        e.pop("src"); e.pop("seq")
        out.append(json.dumps(e, sort_keys=True))
    return out
parts = [events(f"out{i}") for i in (1, 2, 3)]
once = events("once")
union = parts[0] + parts[1] + parts[2]
print(f"runs sent {[len(p) for p in parts]} events, {len(union)} in all; one run sends {len(once)}")
if union != once:
    for i, (a, b) in enumerate(zip(union, once)):
        if a != b:
            print(f"first difference at event {i + 1}:\n  followed {a}\n  one run  {b}")
            break
    sys.exit(1)
if min(len(p) for p in parts) == 0:
    print("a run sent nothing: the test did not exercise it")
    sys.exit(1)
PY
grep -q "was rotated" "$tmp/stderr" || { echo "no rotation seen"; fail=1; }
grep -q "was truncated" "$tmp/stderr" || { echo "no truncation seen"; fail=1; }
grep -q "rotated while stopped" "$tmp/stderr" || { echo "no rotation while stopped"; fail=1; }
grep -q "1 with NUL bytes" "$tmp/stderr" || { echo "NUL run not reported"; fail=1; }
cat "$tmp/stderr"
exit $fail
