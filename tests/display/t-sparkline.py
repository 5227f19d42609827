#!/usr/bin/env python3
"""Trends on the terminal board (issue 19): the real wallboard (--text, the
layout every terminal back-end draws) shows a scope's trend as a sparkline
of block characters under a tile's figure, and an arrow against the
interval before; no sparkline without a trend, none with --ascii, and the
figure still reads at 80x24. The "Today by interval" page (a page with
`intervals: true`) shows the trends as a table, worked out by hand below.

The trend is written by hand into tests/display/snapshot.json's Support
scope: service level 0.9, 0.8, null, 0.5 scales between 0.5 and 0.9 to the
blocks 8, 6, blank, 1 (0.8 is 0.75 of the way: 5.25, the 6th block), and
0.5 < 0.8 is down: "█▆ ▁ ↓". Sales gets 0.7, 0.7: level, "▄▄ →".
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
bad = []

snap = json.load(open(os.path.join(HERE, "snapshot.json")))
plain = json.loads(json.dumps(snap))
snap["scopes"]["queue:support"]["trend"] = {
    "interval_ms": 900000, "end": snap["now"],
    "service_level": [0.9, 0.8, None, 0.5], "offered": [10, 12, 0, 8],
    "asa_ms": [9000, 12000, None, 30000], "abandon_rate": [0, 0.1, None, 0.2]}
snap["scopes"]["queue:sales"]["trend"] = {
    "interval_ms": 900000, "end": snap["now"],
    "service_level": [0.7, 0.7], "offered": [3, 4],
    "asa_ms": [1000, 2000], "abandon_rate": [0, 0]}


def draw(doc, size, *extra):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(doc, f)
    try:
        r = subprocess.run([os.path.join(BUILD, "wallboard"), "-c", os.path.join(HERE, "board.yaml"),
                            "--board", "floor", "--text", size, "--snapshot", f.name,
                            "--clock", "09:00:00", *extra], capture_output=True, text=True, timeout=20)
    finally:
        os.unlink(f.name)
    if r.returncode != 0:
        bad.append(f"wallboard exited {r.returncode}: {r.stderr}")
    return r.stdout


for size in ("120x40", "200x60"):
    screen = draw(snap, size)
    if "█▆ ▁ ↓" not in screen:
        bad.append(f"{size}: no Support sparkline:\n{screen}")
    if "▄▄ →" not in screen:
        bad.append(f"{size}: no Sales sparkline")
    if any(c in draw(plain, size) for c in "▁▂▃▆↓↑→"):
        bad.append(f"{size}: a sparkline without a trend")
    # the big figures read the same with the trends as without: the
    # sparkline is never taken for part of a figure (it sits in the
    # tile's bottom edge)
    sys.path.insert(0, HERE)
    from screen import tiles  # noqa: E402
    if tiles(screen.splitlines()) != tiles(draw(plain, size).splitlines()):
        bad.append(f"{size}: the figures read differently with trends:\n"
                   f"{tiles(screen.splitlines())}\n"
                   f"{tiles(draw(plain, size).splitlines())}")
if any(c in draw(snap, "120x40", "--ascii") for c in "▁▆↓→"):
    bad.append("a sparkline in --ascii")
# The "Today by interval" page (intervals: true), on a copy of the board
# with that page added: snapshot.json's now is 09:00 in London (GMT in
# November), so the four intervals start 08:00, 08:15, 08:30, 08:45.
board = open(os.path.join(HERE, "board.yaml")).read().replace(
    "      - title: Today\n", "      - title: Intervals\n        intervals: true\n      - title: Today\n", 1)
with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
    f.write(board)
try:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as g:
        json.dump(snap, g)
    for size in ("80x24", "120x40"):
        r = subprocess.run([os.path.join(BUILD, "wallboard"), "-c", f.name, "--board", "floor",
                            "--text", size, "--snapshot", g.name, "--clock", "09:00:00",
                            "--page", "2"], capture_output=True, text=True, timeout=20)
        page = r.stdout
        lines = page.splitlines()
        lines = lines[next((i for i, ln in enumerate(lines) if "Today by interval" in ln), 0):]
        want = {"Today by interval": None,
                "08:00  08:15  08:30  08:45": None,
                "Support SL": ["90%", "80%", "-", "50%"],
                "offered": ["10", "12", "0", "8"],
                "ASA": ["0:09", "0:12", "-", "0:30"],
                "abandoned": ["0%", "10%", "-", "20%"],
                "Sales SL": ["70%", "70%"]}
        for key, cells in want.items():
            line = next((ln for ln in lines if key in ln), None)
            if line is None:
                bad.append(f"{size} intervals page: no line with {key!r}:\n{page}")
            elif cells and line.split()[-len(cells):] != cells:
                bad.append(f"{size} intervals page: {key} reads {line!r}")
    plain_page = subprocess.run([os.path.join(BUILD, "wallboard"), "-c", f.name, "--board", "floor",
                                 "--text", "80x24", "--snapshot", os.path.join(HERE, "snapshot.json"),
                                 "--page", "2"], capture_output=True, text=True).stdout
    if "no complete interval yet" not in plain_page:
        bad.append("intervals page without trends: " + plain_page)
finally:
    os.unlink(f.name)
    os.unlink(g.name)

small = draw(snap, "80x24")
if "Support SL" not in small:
    bad.append("80x24: Support SL gone")
for b in bad:
    print(b)
print(f"{len(bad)} problems")
sys.exit(1 if bad else 0)
