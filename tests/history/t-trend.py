#!/usr/bin/env python3
"""Trends in the snapshot (issue 19, docs/protocol.md §6.14).

- No "trend" before the first interval of the day is complete.
- Each scope's trend holds the last complete intervals, oldest first, the
  last ending at "end", at most history.trend_points; its figures equal the
  --report rows of the same intervals (which t-intervals.py checks against
  the rolling windows), shares to 4 decimals, null where undefined.
- Its size stays within the budget: 96 + 34 bytes a point, 640 bytes a
  scope at 16 points.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.environ.get("WB_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
WBD = BUILD + "/wallboardd" if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD, "wallboardd")
GEN = os.path.join(ROOT, "tests", "oracle", "gen.py")
BUDGET_16 = 640


def budget(points):
    return 96 + 34 * points      # 640 at 16


def round4(x):
    return math.floor(x * 1e4 + 0.5) / 1e4   # half up, as the daemon
bad = []


def run(cfg, ev, *args):
    out = subprocess.run([WBD, "-c", cfg, "--replay", ev, *args],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise SystemExit(f"wallboardd exited {out.returncode}: {out.stderr[-400:]}")
    return out.stdout


sample_cfg = os.path.join(ROOT, "config/sample.yaml")
sample_ev = os.path.join(ROOT, "tests/replay/sample.jsonl")
# 09:15 exactly: an event may still come at 09:15, the interval is not over
for at in ("1795165680000", "1795166100000"):
    snap = json.loads(run(sample_cfg, sample_ev, "--at", at))
    if any("trend" in s for s in snap["scopes"].values()):
        bad.append(f"a trend at {at}, before the first interval ended")
snap = json.loads(run(sample_cfg, sample_ev, "--at", "1795166100001"))
t = snap["scopes"]["queue:support"].get("trend")
want = {"interval_ms": 900000, "end": 1795166100000, "service_level": [0.3333],
        "offered": [4], "asa_ms": [18500], "abandon_rate": [0.3333]}
if t != want:
    bad.append(f"sample support trend {t}, want {want}")


def check(tmp, points, interval):
    d = os.path.join(tmp, f"p{points}{interval}")
    os.makedirs(d)
    subprocess.run([sys.executable, GEN, "--seed", "21", "--minutes", "200", "--rate", "6",
                    "--start-local", "2026-06-10T07:50", "--out-dir", d], check=True)
    cfg, ev = os.path.join(d, "config.yaml"), os.path.join(d, "events.jsonl")
    with open(cfg, "a") as f:
        f.write(f"history: {{interval: {interval}, trend_points: {points}}}\n")
    last = json.loads(open(ev).read().splitlines()[-1])["ts"]
    snap = json.loads(run(cfg, ev, "--at", str(last)))
    rows = [json.loads(l) for l in run(cfg, ev, "--at", str(last), "--report", interval).splitlines()]
    n_trends = 0
    for key, scope in snap["scopes"].items():
        mine = [r for r in rows if r["scope"] == key]
        t = scope.get("trend")
        if not mine:
            if t is not None:
                bad.append(f"{key}: a trend without rows")
            continue
        n_trends += 1
        want_rows = mine[-points:]
        size = len(json.dumps(t, separators=(",", ":")))
        if size > budget(points):
            bad.append(f"{key}: trend of {points} is {size} bytes")
        if t["interval_ms"] != want_rows[-1]["end"] - want_rows[-1]["start"] or \
                t["end"] != want_rows[-1]["end"]:
            bad.append(f"{key}: trend {t['interval_ms']} {t['end']} vs rows")
        for k in ("service_level", "offered", "asa_ms", "abandon_rate"):
            got = t[k]
            exp = [r[k] if r[k] is None or k in ("offered", "asa_ms") else round4(r[k])
                   for r in want_rows]
            if len(got) != len(exp) or any(
                    (a is None) != (b is None) or (a is not None and abs(a - b) > 1e-9)
                    for a, b in zip(got, exp)):
                bad.append(f"{key} {k}: trend {got}, rows {exp}")
    if n_trends == 0:
        bad.append(f"{points} {interval}: no trend at all")
    return n_trends


# The worst a trend can be: 16 points of the widest figures.
worst = {"interval_ms": 3600000, "end": 1795424400000,
         "service_level": [0.3333] * 16, "offered": [99999] * 16,
         "asa_ms": [9999999] * 16, "abandon_rate": [0.6667] * 16}
if len(json.dumps(worst, separators=(",", ":"))) > BUDGET_16:
    bad.append("the widest trend is over the budget")

with tempfile.TemporaryDirectory() as tmp:
    n = check(tmp, 8, "15m") + check(tmp, 16, "15m") + check(tmp, 3, "60m")
    print(f"{n} trends checked")
for b in bad[:30]:
    print(b)
print(f"{len(bad)} problems")
sys.exit(1 if bad else 0)
