#!/usr/bin/env python3
"""CSV reports (issue 19) read back by Python's csv module: a header row,
RFC 4180 quoting of a queue whose name holds a comma and quotes, and every
cell equal to the JSON Lines row of the same report (empty for null)."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.environ.get("WB_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
WBD = BUILD + "/wallboardd" if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD, "wallboardd")
NAME = 'north, "the big one"'
T0 = 1795165200000          # 2026-11-20 09:00 London (GMT)
bad = []


def ev(kind, ts, seq, **f):
    return json.dumps(dict({"type": kind, "ts": ts, "src": "p", "seq": seq}, **f))


lines = [ev("agent.state", T0, 1, agent="a1", state="ready", queues=[NAME]),
         ev("call.queued", T0 + 60000, 2, call="c1", queue=NAME, caller="h:77"),
         ev("call.answered", T0 + 70000, 3, call="c1", agent="a1"),
         ev("call.queued", T0 + 20 * 60000, 4, call="c2", queue=NAME),
         ev("call.abandoned", T0 + 20 * 60000 + 50000, 5, call="c2"),
         ev("call.ended", T0 + 25 * 60000, 6, call="c1", agent="a1")]
with tempfile.TemporaryDirectory() as tmp:
    evf = os.path.join(tmp, "e.jsonl")
    open(evf, "w").write("\n".join(lines) + "\n")
    cfg = os.path.join(ROOT, "config/sample.yaml")
    at = str(T0 + 30 * 60000)

    def report(*extra):
        r = subprocess.run([WBD, "-c", cfg, "--replay", evf, "--at", at, "--report", "15m", *extra],
                           capture_output=True, timeout=30)
        if r.returncode != 0:
            raise SystemExit(r.stderr.decode())
        return r.stdout.decode()

    text = report("--csv")
    js = [json.loads(l) for l in report().splitlines()]
if not text.endswith("\r\n"):
    bad.append("CSV lines do not end in CRLF")
rows = list(csv.reader(io.StringIO(text, newline="")))
header, body = rows[0], rows[1:]
if header[:3] != ["scope", "start", "end"] or header[3] != "offered" or header[-1] != "staffed_avg":
    bad.append(f"header {header}")
if len(body) != len(js) or not body:
    bad.append(f"{len(body)} CSV rows, {len(js)} JSON rows")
for cells, row in zip(body, js):
    if len(cells) != len(header):
        bad.append(f"row of {len(cells)} cells: {cells}")
        continue
    for k, cell in zip(header, cells):
        v = row[k]
        if v is None:
            ok = cell == ""
        elif isinstance(v, str):
            ok = cell == v
        else:
            ok = abs(float(cell) - v) <= 1e-9 * max(1, abs(v)) or (k == "staffed_avg" and abs(float(cell) - v) < 1e-4)
        if not ok:
            bad.append(f"{row['scope']} {k}: CSV {cell!r}, JSON {v!r}")
scopes = [c[0] for c in body]
if "queue:" + NAME not in scopes:
    bad.append(f"the quoted queue is not read back whole: {scopes}")
# By hand: 09:00-09:15 c1 answered after 10 s; 09:15-09:30 c2 abandoned
# after 50 s (one offered, none in SL: SL 0 of 1).
q = [r for r in js if r["scope"] == "queue:" + NAME]
want = [(1, 1, 0, 10000, 1.0), (1, 0, 1, None, 0.0)]
got = [(r["offered"], r["answered"], r["abandoned"], r["asa_ms"], r["service_level"]) for r in q]
if got != want:
    bad.append(f"queue rows {got}, want {want}")
if "h:77" in text:
    bad.append("a caller token in the CSV")
for b in bad:
    print(b)
print(f"{len(body)} rows, {len(bad)} problems")
sys.exit(1 if bad else 0)
