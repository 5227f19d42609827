#!/usr/bin/env python3
"""Print the --at for a scenario mode of t-oracle.sh.

    python3 pick_at.py MODE EVENTS.jsonl

mid: the middle of the stream; plus1h / plus5h: an hour / 5 hours after the
last event; edge60: exactly 60 min after a queue outcome, so that outcome sits
on the far (open) edge of a 60m window.
"""
import json
import sys

mode, path = sys.argv[1], sys.argv[2]
ts, outs = [], []
for line in open(path):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if isinstance(e, dict) and isinstance(e.get("ts"), int) and not isinstance(e.get("ts"), bool):
        ts.append(e["ts"])
        if e.get("type") in ("call.answered", "call.abandoned", "call.exited"):
            outs.append(e["ts"])
first, last = min(ts), max(ts)
if mode == "mid":
    print((first + last) // 2 + 7)
elif mode == "plus1h":
    print(last + 3600000)
elif mode == "plus5h":
    print(last + 5 * 3600000)
elif mode == "edge60":
    print(max(t for t in outs if t + 3600000 <= last) + 3600000)
else:
    sys.exit("pick_at: unknown mode %s" % mode)
