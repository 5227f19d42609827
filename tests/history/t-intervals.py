#!/usr/bin/env python3
"""Interval reports (issue 19) through the real wallboardd --replay --report.

1. The shipped sample day: the 09:00-09:15 row worked out by hand.
2. Generated days: every --report row (15m, 30m, 60m) equals, figure by
   figure, the rolling window of the same length in the snapshot of a
   replay cut at the row's end (--at END): an independent route through the
   existing snapshot code.
3. Daylight saving (Europe/London): the 23-hour day of 29 March 2026 has 23
   hourly rows, 92 quarter-hour rows, starting on each local hour but the
   skipped 01:00; the 25-hour day of 25 October 2026 has 25, 01:00 twice.
"""
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from zoneinfo import ZoneInfo

ROOT = os.environ.get("WB_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
WBD = os.path.join(ROOT, BUILD, "wallboardd") if not os.path.isabs(BUILD) else os.path.join(BUILD, "wallboardd")
GEN = os.path.join(ROOT, "tests", "oracle", "gen.py")
bad = []


def replay(config, events, *args):
    out = subprocess.run([WBD, "-c", config, "--replay", events, *args],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise SystemExit(f"wallboardd exited {out.returncode}: {out.stderr[-500:]}")
    return out.stdout


def rows(config, events, interval, *args):
    return [json.loads(l) for l in replay(config, events, "--report", interval, *args).splitlines() if l]


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1, abs(b))


# 1. the sample day, by hand (see tests/replay/t-replay.sh for the story):
# window (09:00, 09:15] holds every outcome; a1 and a2 are staffed the whole
# 900 s each (1800 s), busy 180 + 180 s, wrap 30 + 30 s.
sample = rows(os.path.join(ROOT, "config/sample.yaml"),
              os.path.join(ROOT, "tests/replay/sample.jsonl"), "15m",
              "--at", "1795166100000")
sup = [r for r in sample if r["scope"] == "queue:support"]
want = {"start": 1795165200000, "end": 1795166100000, "offered": 4,
        "answered": 2, "answered_in_sl": 1, "abandoned": 2,
        "service_level": 1 / 3, "asa_ms": 18500, "max_wait_ms": 40000,
        "abandon_rate": 1 / 3, "aht_ms": 210000, "occupancy": 420 / 1800,
        "staffed_avg": 2.0, "csat_avg": 4}
if len(sup) != 1:
    bad.append(f"sample: {len(sup)} support rows, want 1")
else:
    for k, v in want.items():
        if not close(sup[0][k], v):
            bad.append(f"sample support {k}: got {sup[0][k]!r}, want {v!r}")
alls = [r for r in sample if r["scope"] == "all"]
if not alls or alls[0]["offered"] != 5 or not close(alls[0]["service_level"], 0.25):
    bad.append(f"sample all row: {alls}")
# Before 09:15 no interval is complete: no row at all.
if rows(os.path.join(ROOT, "config/sample.yaml"),
        os.path.join(ROOT, "tests/replay/sample.jsonl"), "15m"):
    bad.append("sample: rows before the first interval ended")
if "h:5f1c" in json.dumps(sample):
    bad.append("a caller token reached a report row")


# 2. generated days: rows against the rolling window at their end
def check_day(tmp, seed, start, minutes, tz="UTC"):
    d = os.path.join(tmp, f"g{seed}")
    os.makedirs(d)
    subprocess.run([sys.executable, GEN, "--seed", str(seed), "--minutes", str(minutes),
                    "--rate", "4", "--tz", tz, "--start-local", start,
                    "--windows", "15m,30m,60m", "--out-dir", d], check=True)
    cfg, ev = os.path.join(d, "config.yaml"), os.path.join(d, "events.jsonl")
    last = json.loads(open(ev).read().splitlines()[-1])["ts"]  # always valid
    by_end = {}
    for interval in ("15m", "30m", "60m"):
        rs = rows(cfg, ev, interval, "--at", str(last))
        if not rs:
            bad.append(f"seed {seed} {interval}: no rows")
        for r in rs:
            by_end.setdefault(r["end"], []).append((interval, r))
    for end, rs in sorted(by_end.items()):
        snap = json.loads(replay(cfg, ev, "--at", str(end)))
        for interval, r in rs:
            win = snap["scopes"][r["scope"]]["windows"][interval]
            for k, v in win.items():
                if not close(r[k], v):
                    bad.append(f"seed {seed} {r['scope']} {interval} ending {end}: "
                               f"{k} row {r[k]!r} window {v!r}")
    return len(by_end)


# 3. DST days: hourly rows follow local time
def check_dst(tmp, date, hours, want_local):
    d = os.path.join(tmp, date)
    os.makedirs(d)
    subprocess.run([sys.executable, GEN, "--seed", "5", "--minutes", str(hours * 60 - 1),
                    "--rate", "0.2", "--tz", "Europe/London",
                    "--start-local", date + "T00:00", "--out-dir", d], check=True)
    cfg, ev = os.path.join(d, "config.yaml"), os.path.join(d, "events.jsonl")
    lon = ZoneInfo("Europe/London")
    y, m, dd = map(int, date.split("-"))
    day_end = int(dt.datetime(y, m, dd, tzinfo=lon).timestamp() * 1000) + hours * 3600000
    for interval, n in (("60m", hours), ("15m", hours * 4)):
        rs = [r for r in rows(cfg, ev, interval, "--at", str(day_end)) if r["scope"] == "all"]
        if len(rs) != n:
            bad.append(f"{date} {interval}: {len(rs)} rows, want {n}")
            continue
        if rs[-1]["end"] != day_end:
            bad.append(f"{date} {interval}: last row ends {rs[-1]['end']}, want {day_end}")
        if interval == "60m":
            local = [dt.datetime.fromtimestamp(r["start"] / 1000, lon).strftime("%H:%M%z")
                     for r in rs]
            if local != want_local:
                bad.append(f"{date}: local starts {local}")


with tempfile.TemporaryDirectory() as tmp:
    n = check_day(tmp, 11, "2026-06-10T08:07", 100)
    n += check_day(tmp, 12, "2026-03-29T00:20", 130, tz="Europe/London")
    print(f"{n} interval ends compared against the rolling windows")
    spring = ["00:00+0000"] + [f"{h:02d}:00+0100" for h in range(2, 24)]
    autumn = ["00:00+0100", "01:00+0100", "01:00+0000"] + [f"{h:02d}:00+0000" for h in range(2, 24)]
    check_dst(tmp, "2026-03-29", 23, spring)
    check_dst(tmp, "2026-10-25", 25, autumn)

for b in bad[:40]:
    print(b)
print(f"{len(bad)} problems")
sys.exit(1 if bad else 0)
