#!/usr/bin/env bash
# Replay of the shipped sample (tests/replay/sample.jsonl, config/sample.yaml)
# through the real wallboardd: figures worked out by hand from the sample's
# eight minutes (09:00-09:08 on 2026-11-20, London), the bad line reported
# with its line number, --at before and after the last event.
set -u
cd "$(dirname "$0")/../.."
WALLBOARDD="${WALLBOARDD:-${BUILD:-build}/wallboardd}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

"$WALLBOARDD" -c config/sample.yaml --replay tests/replay/sample.jsonl \
	>"$tmp/snap.json" 2>"$tmp/err" || { echo "replay exited $?"; fail=1; }

# The one broken line is reported with its line number, and nothing else.
if [ "$(cat "$tmp/err")" != "tests/replay/sample.jsonl:23: rejected (json): not valid JSON" ]; then
	echo "stderr was:"; cat "$tmp/err"; fail=1
fi

# --at 09:08:30: thirty seconds after the last event.
"$WALLBOARDD" -c config/sample.yaml --replay tests/replay/sample.jsonl \
	--at 1795165710000 >"$tmp/later.json" 2>/dev/null || fail=1
# --at 09:04:00: before c1 ended; later lines are not read at all.
"$WALLBOARDD" -c config/sample.yaml --replay tests/replay/sample.jsonl \
	--at 1795165440000 >"$tmp/early.json" 2>"$tmp/early.err" || fail=1
[ -s "$tmp/early.err" ] && { echo "early replay reported lines after --at:"; cat "$tmp/early.err"; fail=1; }

"${PYTHON:-python3}" - "$tmp" <<'PY' || fail=1
import json, sys
d = sys.argv[1]
snap = json.load(open(d + "/snap.json"))
later = json.load(open(d + "/later.json"))
early = json.load(open(d + "/early.json"))
bad = []

def check(doc, path, want):
    v = doc
    for k in path.split("/"):
        v = v[k]
    ok = (v is None and want is None) or (v is not None and want is not None and abs(v - want) < 1e-9)
    if not ok:
        bad.append(f"{path}: got {v!r}, want {want!r}")

S = "scopes/queue:support/windows/15m/"
# support: c1 answered after 12 s, c2 abandoned after 3 s (short: S = 5 s),
# c4 answered after 25 s, c5 abandoned after 40 s; c6 still waiting. T = 20 s.
check(snap, S + "offered", 4)
check(snap, S + "answered", 2)
check(snap, S + "answered_in_sl", 1)          # only c1's 12 s
check(snap, S + "abandoned", 2)
check(snap, S + "short_abandoned", 1)
check(snap, S + "abandoned_in_sl", 1)         # c2's 3 s
check(snap, S + "service_level", 1 / 3)       # 1 / (4 - 1)
check(snap, S + "asa_ms", 18500)              # (12 + 25) / 2 s
check(snap, S + "avg_abandon_ms", 21500)      # (3 + 40) / 2 s
check(snap, S + "max_wait_ms", 40000)
check(snap, S + "abandon_rate", 1 / 3)        # (2 - 1) / (4 - 1)
check(snap, S + "handled", 2)
check(snap, S + "talk_ms", 360000)            # 3:00 + 3:00
check(snap, S + "wrap_ms", 60000)             # a1 30 s + a2 30 s
check(snap, S + "aht_ms", 210000)             # (360 + 60) / 2 s
# a1 and a2 over 480 s each: busy 180 + 180, wrap 30 + 30, ready 540
check(snap, S + "occupancy", 420 / 960)
check(snap, S + "transfer_rate", 0)
check(snap, S + "fcr", 1)
check(snap, S + "repeat_rate", 1 / 3)         # c5 repeats h:5f1c of c1
check(snap, S + "csat", 0.5)                  # scores 5 and 3
check(snap, S + "csat_avg", 4)
check(snap, "scopes/queue:support/now/waiting", 1)
check(snap, "scopes/queue:support/now/longest_wait_ms", 0)
check(snap, "scopes/queue:support/now/agents/ready", 2)
check(snap, "scopes/queue:support/now/agents/staffed", 2)
# sales: c3 waited 45 s (T = 30 s), talked 3:15, transferred, unresolved
check(snap, "scopes/queue:sales/windows/15m/service_level", 0)
check(snap, "scopes/queue:sales/windows/15m/transfer_rate", 1)
check(snap, "scopes/queue:sales/windows/15m/fcr", 0)
check(snap, "scopes/queue:sales/windows/15m/talk_ms", 195000)
# all: 5 offered, 1 in SL, 1 short: 1 / (5 - 1)
check(snap, "scopes/all/windows/15m/service_level", 0.25)
check(snap, "scopes/all/windows/today/offered", 5)
# billing shows support's outcomes and a1 + a2's handling
check(snap, "scopes/team:billing/windows/60m/offered", 4)
check(snap, "scopes/team:billing/windows/60m/handled", 2)
check(snap, "scopes/team:billing/windows/60m/csat_avg", 4)
check(snap, "feeds/pbx1/events", 23)
check(snap, "feeds/pbx1/gaps", 0)
check(snap, "feeds/?/rejected", 1)
check(snap, "now", 1795165680000)
check(snap, "day_start", 1795132800000)       # midnight GMT, 20 November

# 30 s later c6 has waited 30 s; the agents have 30 s more ready time
check(later, "now", 1795165710000)
check(later, "scopes/queue:support/now/longest_wait_ms", 30000)
check(later, S + "occupancy", 420 / 1020)

# at 09:04:00: c1 (answered 09:01:12) and c4 (09:03:25) still talking,
# c2 abandoned: three outcomes, nothing handled yet
check(early, S + "offered", 3)
check(early, S + "handled", 0)
check(early, "scopes/queue:support/now/agents/busy", 2)
check(early, "feeds/pbx1/events", 11)

if "caller" in json.dumps(snap) or "h:5f1c" in json.dumps(snap):
    bad.append("a caller token reached the snapshot")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY

# Alerts are judged as event time passes, as live. Sales' SL fell to 0 when
# c3 was answered after 45 s (T = 30 s) at 09:02:45; Support's to 1/2 when c4
# was answered after 25 s at 09:03:25; both fired a minute later (for: 60s).
"$WALLBOARDD" -c tests/replay/alerts.yaml --replay tests/replay/sample.jsonl \
	2>/dev/null >"$tmp/alerts.json" || fail=1
"${PYTHON:-python3}" - "$tmp/alerts.json" <<'PY' || fail=1
import json, sys
alerts = {a["id"]: a for a in json.load(open(sys.argv[1]))["alerts"]}
want = {"sl-breach/queue:sales": (1795165365000, 1795165425000, "Sales SL 0% < 80%"),
        "sl-breach/queue:support": (1795165405000, 1795165465000, "Support SL 33% < 80%")}
bad = 0
for id, (since, fired, text) in want.items():
    a = alerts.get(id)
    if not a or a["state"] != "firing" or a["since"] != since or a["fired_at"] != fired or a["text"] != text:
        print("alert", id, "is", a); bad = 1
sys.exit(bad)
PY

# A file that cannot be read, and a bad --at, say so and exit non-zero.
"$WALLBOARDD" -c config/sample.yaml --replay "$tmp/nope.jsonl" >/dev/null 2>"$tmp/e1"
[ $? -eq 1 ] && grep -q "nope.jsonl: No such file" "$tmp/e1" || { echo "missing file not reported"; fail=1; }
"$WALLBOARDD" -c config/sample.yaml --replay tests/replay/sample.jsonl --at soon >/dev/null 2>"$tmp/e2"
[ $? -eq 2 ] && grep -q "milliseconds" "$tmp/e2" || { echo "bad --at not reported"; fail=1; }
exit $fail
