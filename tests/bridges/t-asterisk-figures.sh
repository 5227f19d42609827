#!/usr/bin/env bash
# The Asterisk bridges against Asterisk itself, on the real Asterisk 22
# capture in tests/bridges/samples/asterisk22:
#  (1) its queue_log and its AMI session (the same calls) give the same
#      per-queue figures through `wallboardd --replay`;
#  (2) the queue_log's events give, at each of the 9 `queue show` snapshots,
#      the completed (C) and abandoned (A) counts Asterisk printed, and,
#      when the daemon knows sl_formula asterisk/asterisk2, its SL and SL2.
# One difference is expected, and checked as such: Maya Moss was removed
# from helpdesk during a call (REMOVEMEMBER 1795373599, COMPLETEAGENT
# 1795373612); Asterisk drops that completion from C, the board counts it
# (docs/bridges-asterisk.md).
set -u
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
WALLBOARDD="${WALLBOARDD:-$BUILD/wallboardd}"
FEED="${WALLBOARD_FEED:-$BUILD/wallboard-feed}"
PY="${PYTHON:-python3}"
S=tests/bridges/samples/asterisk22
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

for b in "$WALLBOARDD" "$FEED"; do
	[ -x "$b" ] || { echo "missing $b (make first)"; exit 1; }
done

echo "lab-site-secret" >"$tmp/secret"
"$FEED" asterisk-queue-log "$S/queue_log" --caller-secret-file "$tmp/secret" \
	--jsonl - >"$tmp/ql.jsonl" 2>"$tmp/ql.err" || { cat "$tmp/ql.err"; exit 1; }
"$FEED" asterisk-ami --from-file "$S/ami.log.gz" --caller-secret-file "$tmp/secret" \
	--jsonl - >"$tmp/ami.jsonl" 2>"$tmp/ami.err" || { cat "$tmp/ami.err"; exit 1; }
cat "$tmp/ql.err" "$tmp/ami.err"

# The lab's queues (queues.conf): helpdesk servicelevel 15, orders 25. No
# short abandons: Asterisk has none.
config() {
	cat <<EOF
site: {name: lab, timezone: UTC}
windows: [15m]
defaults: {sl_threshold: 20s, short_abandon: 0s, sl_formula: $1}
queues:
  helpdesk: {sl_threshold: 15s}
  orders: {sl_threshold: 25s}
state_dir: $tmp/state
EOF
}
config standard >"$tmp/standard.yaml"
config asterisk >"$tmp/asterisk.yaml"
config asterisk2 >"$tmp/asterisk2.yaml"
formulas=no
if "$WALLBOARDD" -c "$tmp/asterisk.yaml" --check-config >/dev/null 2>&1 &&
	"$WALLBOARDD" -c "$tmp/asterisk2.yaml" --check-config >/dev/null 2>&1; then
	formulas=yes
fi

"$PY" - "$tmp" "$WALLBOARDD" "$S/queue_show.log" "$formulas" <<'PY' || fail=1
import json, re, subprocess, sys

tmp, wallboardd, show_log, formulas = sys.argv[1:5]
bad = []
QUEUES = ("helpdesk", "orders")
KEYS = ("offered", "answered", "answered_in_sl", "abandoned", "abandoned_in_sl",
        "exited", "handled")

def replay(events, cfg, at=None):
    cmd = [wallboardd, "-c", f"{tmp}/{cfg}.yaml", "--replay", f"{tmp}/{events}.jsonl"]
    if at is not None:
        cmd += ["--at", str(at)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out)

def today(snap, q):
    return snap["scopes"]["queue:" + q]["windows"]["today"]

def events(name):
    return [json.loads(l) for l in open(f"{tmp}/{name}.jsonl")]

# (1) queue_log and AMI: the same figures.
ql, ami = replay("ql", "standard"), replay("ami", "standard")
for q in QUEUES:
    a, b = today(ql, q), today(ami, q)
    for k in KEYS:
        if a[k] != b[k]:
            bad.append(f"(1) {q} {k}: queue_log {a[k]}, AMI {b[k]}")
    print(f"(1) {q}: " + ", ".join(f"{k} {a[k]}" for k in KEYS) + " (both)")
for name, snap in (("queue_log", ql), ("AMI", ami)):
    f = snap["feeds"]["asterisk"]
    if f["rejected"] or f["orphans"] or f["lost"]:
        bad.append(f"(1) {name}: feed {f}")
# Exit reasons, one by one (the snapshot sums them in 'exited').
def reasons(evs):
    out = {}
    for e in evs:
        if e["type"] in ("call.abandoned", "call.exited"):
            k = (e["queue"], e.get("reason", "abandon"))
            out[k] = out.get(k, 0) + 1
    return out
if reasons(events("ql")) != reasons(events("ami")):
    bad.append(f"(1) outcomes differ: {reasons(events('ql'))} vs {reasons(events('ami'))}")

# (2) against `queue show`.
snaps = []
block = None
for line in open(show_log):
    m = re.match(r"===== .* epoch=([0-9.]+) \((.*)\) =====", line)
    if m:
        block = {"epoch": float(m.group(1)), "tag": m.group(2)}
        snaps.append(block)
        continue
    m = re.match(r"(\w+) has (\d+) calls .*C:(\d+), A:(\d+), SL:([0-9.]+)%, SL2:([0-9.]+)%", line)
    if m and block is not None:
        block[m.group(1)] = dict(waiting=int(m.group(2)), C=int(m.group(3)),
            A=int(m.group(4)), SL=float(m.group(5)), SL2=float(m.group(6)))
if len(snaps) != 9:
    bad.append(f"(2) {len(snaps)} snapshots in queue_show.log, want 9")

qlev = events("ql")
REMOVED_MEMBER_END = 1795373612000      # Maya Moss's COMPLETEAGENT

def board(at, cfg="standard"):
    snap = replay("ql", cfg, at)
    out = {}
    for q in QUEUES:
        t = today(snap, q)
        keys = sum(1 for e in qlev if e["type"] == "call.exited" and
                   e["queue"] == q and e["reason"] == "key" and e["ts"] <= at)
        out[q] = dict(C=t["handled"], A=t["abandoned"] + t["exited"] - keys,
                      waiting=snap["scopes"]["queue:" + q]["now"]["waiting"],
                      SL=t["service_level"])
    return out

def expected_gap(q, at):
    return 1 if q == "helpdesk" and at >= REMOVED_MEMBER_END else 0

def matches(b, a, q, at):
    return (b["C"] - expected_gap(q, at) == a["C"] and b["A"] == a["A"] and
            b["waiting"] == a["waiting"])

for s in snaps:
    # A snapshot a few ms into second N shows the lines stamped before N
    # (crosscheck.txt); once, a line stamped N came just before it.
    n = int(s["epoch"])
    for at, mark in ((n * 1000 - 1, "OK "), (int(s["epoch"] * 1000), "OK=")):
        b = board(at)
        if all(matches(b[q], s[q], q, at) for q in QUEUES):
            break
    else:
        mark = "BAD"
        bad.append(f"(2) {s['tag']}: board {b} asterisk {[s[q] for q in QUEUES]}")
    for q in QUEUES:
        print(f"(2) {mark} {s['tag']:9} {q:8} asterisk C:{s[q]['C']} A:{s[q]['A']} "
              f"W:{s[q]['waiting']}  board C:{b[q]['C']} A:{b[q]['A']} W:{b[q]['waiting']}"
              + ("  (+1: removed member's call)" if expected_gap(q, at) else ""))
    s["at"] = at

if formulas != "yes":
    print("(2) SKIP SL/SL2: this wallboardd does not know sl_formula asterisk/asterisk2")
else:
    for s in snaps:
        sl, sl2 = board(s["at"], "asterisk"), board(s["at"], "asterisk2")
        for q in QUEUES:
            a = s[q]
            got = [None if v is None else round(100 * v, 1) for v in (sl[q]["SL"], sl2[q]["SL"])]
            want = [a["SL"], a["SL2"]]
            if a["C"] == 0 and a["A"] == 0:
                want = [None, None]     # Asterisk prints 0.0 for 0/0
            elif a["C"] == 0:
                want[0] = None
            note = ""
            if expected_gap(q, s["at"]):
                # One more completion than Asterisk counts: its SL is
                # (C_in_SL + x) / (C + 1), x = 0 or 1, likewise SL2.
                c, cin = a["C"], round(a["SL"] * a["C"] / 100)
                ca, cain = a["C"] + a["A"], round(a["SL2"] * (a["C"] + a["A"]) / 100)
                ok = any(got == [round(100 * (cin + x) / (c + 1), 1),
                                 round(100 * (cain + x) / (ca + 1), 1)] for x in (0, 1))
                note = "  (removed member's call counted)"
            else:
                ok = got == want
            if not ok:
                bad.append(f"(2) {s['tag']} {q}: SL/SL2 board {got}, asterisk {want}")
            print(f"(2) {'OK ' if ok else 'BAD'} {s['tag']:9} {q:8} asterisk SL:{a['SL']} "
                  f"SL2:{a['SL2']}  board SL:{got[0]} SL2:{got[1]}{note}")

for b in bad:
    print("FAIL", b)
sys.exit(1 if bad else 0)
PY
exit $fail
