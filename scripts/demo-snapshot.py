#!/usr/bin/env python3
"""A snapshot of the demo floor (config/demo.yaml) after a simulated
morning, for screenshots: the simulator's day (wallboard-feed sim) replayed
by the daemon (wallboardd --replay), with each scope's "trend" (the day's
15-minute intervals) built from the same day: an interval's figures are
the 15-minute window's as the daemon gives them at that interval's end
(--replay --at). A daemon that publishes trends itself makes the second
half unnecessary.

    scripts/demo-snapshot.py OUT.json [--seed 7] [--hours 3]

then, e.g.:

    build/wallboard-fb -c config/demo.yaml --board floor --device /tmp/fb \\
        --geometry 1920x1080x32 --snapshot-file OUT.json \\
        --now $(( NOW + 1000 )) --png docs/screenshot-demo-1080p.png

where NOW is OUT.json's "now" (printed).
"""
import argparse
import json
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
CONFIG = os.path.join(ROOT, "config", "demo.yaml")
INTERVAL = 900000
SERIES = ("service_level", "offered", "asa_ms", "abandon_rate")


def snapshot(day, at=None):
    args = [os.path.join(BUILD, "wallboardd"), "-c", CONFIG, "--replay", day]
    if at is not None:
        args += ["--at", str(at)]
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hours", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        day = os.path.join(d, "day.jsonl")
        subprocess.run([os.path.join(BUILD, "wallboard-feed"), "sim", "-c",
                        CONFIG, "--seed", str(a.seed), "--duration",
                        "%dh" % a.hours, "--jsonl", day], check=True,
                       capture_output=True)
        first = json.loads(open(day).readline())["ts"]
        final = snapshot(day)
        ends = list(range(first + INTERVAL, final["now"] + 1, INTERVAL))[-16:]
        past = [snapshot(day, t) for t in ends]
    for key, scope in final["scopes"].items():
        trend = {"interval_ms": INTERVAL, "end": ends[-1]}
        for m in SERIES:
            trend[m] = [p["scopes"].get(key, {}).get("windows", {})
                        .get("15m", {}).get(m) for p in past]
        scope["trend"] = trend
    with open(a.out, "w") as f:
        json.dump(final, f)
    print(final["now"])


main()
