"""wallboard-fb on screens that are not 16:9 landscape, read from the
pixels of the real binary's frames: a 4:3 monitor (1024x768) and a TV
standing in portrait (1080x1920).

Sizes are shares of the screen's shorter side (the height the same TV
would have in landscape), so type is as legible as on that TV, and a
portrait screen has more rows for it. Worked out by hand for the test
board (tests/fb/board.yaml, page "Now": six tiles and the agent grid) and
snapshot-trend.json (ten agents not offline: 3 ready, 4 busy, 1 wrap,
2 away):

- a row is 1/21 of the shorter side: 768 / 21 = 36.6 px (21 rows, 66
  columns), 1080 / 21 = 51.4 px (37 rows of 1920, 50 columns of 1080);
- the six figures are at least 12% of the shorter side tall (92 px,
  130 px) and an agent's name 3.5% (27 px, 38 px), G to y;
- red and amber figures say so in words in full ("target 80% (red)"),
  in portrait too;
- each row of tiles spans the screen (no empty slot);
- in portrait, the whole floor's ten agents are on one page (the
  heading says no page), each name drawn;
- in portrait the tall tiles carry their trend in a strip across the
  tile's inside, under the figure: Support SL's is 50 - 4 = 46 columns
  of 50, split between two tiles: about 21 of 25 columns wide, over
  three quarters of the tile.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fbtest import (HERE, SNAP_NOW, Frame, check, find, finish,  # noqa: E402
                    ink_box, ink_mask, run, tmpdir, trace_ops)

d = tmpdir()
TREND = os.path.join(HERE, "snapshot-trend.json")
NAMES = ("Dana", "Hana Sato", "Erik", "Ben Okafor", "Jo Brown",
         "Ivan Petrov", "Fatima Noor", "Amira Khan", "Gary Wells", "Chen Li")


def draw(geometry):
    w, h, bpp = (int(v) for v in geometry.split("x"))
    dev, trace = (os.path.join(d, geometry + e) for e in (".raw", ".trace"))
    p = run(["--board", "floor", "--device", dev, "--geometry", geometry,
             "--snapshot-file", TREND, "--now", str(SNAP_NOW + 1000),
             "--trace", trace], timeout=120)
    check(p.returncode == 0, "%s: wallboard-fb exits 0 (%s)"
          % (geometry, p.stderr.strip()[-160:]))
    head = open(trace).readline().split()
    return Frame(dev, w, h, bpp), trace_ops(trace), (int(head[3]),
                                                     int(head[4]))


for geometry, grid in (("1024x768x32", (66, 21)), ("1080x1920x32", (50, 37))):
    frame, ops, cells = draw(geometry)
    g = geometry[:-3]
    side = min(frame.w, frame.h)
    check(cells == grid, "%s: %d x %d cells (%d x %d)" % ((g,) + grid + cells))
    bigs = [o for o in ops if o["op"] == "big"]
    check(sorted(o["text"] for o in bigs) == sorted(
        ["50%", "3", "0:41", "83%", "7%", "3"]), "%s: the six figures: %s"
          % (g, [o["text"] for o in bigs]))
    for o in bigs:
        box = ink_box(ink_mask(frame, o["rect"], o["fg"], o["bg"]))
        check(box is not None and box[3] >= 0.12 * side, "%s: %s is %d px "
              "tall, at least 12%% of %d" % (g, o["text"],
                                             box[3] if box else 0, side))
    for words in ("target 80% (red)", "max 0:30 (amber)",
                  "target 85% (amber)", "max 5% (amber)"):
        check(len(find(ops, "text", " %s " % words)) == 1,
              "%s: a tile says '%s' in full" % (g, words))
    rows_y = sorted(set(o["rect"][1] for o in bigs))
    for y in rows_y:
        row = [o["rect"] for o in bigs if o["rect"][1] == y]
        left = min(r[0] for r in row)
        right = max(r[0] + r[2] for r in row)
        check(left < 0.03 * frame.w and right > 0.97 * frame.w,
              "%s: the row of %d tiles at y=%d spans the screen (%d..%d)"
              % (g, len(row), y, left, right))
    o = find(ops, "text", "Gary Wells")
    if check(len(o) == 1, "%s: Gary Wells in the agent grid" % g):
        box = ink_box(ink_mask(frame, o[0]["rect"], o[0]["fg"], o[0]["bg"]))
        check(box is not None and box[3] >= 0.035 * side, "%s: 'Gary "
              "Wells' is %d px tall, G to y, at least 3.5%% of %d"
              % (g, box[3] if box else 0, side))
    if g != "1080x1920":
        continue
    heading = [o for o in ops if o["op"] == "text" and
               o["text"].startswith(" Agents")]
    check(len(heading) == 1 and "page" not in heading[0]["text"],
          "portrait: one page of agents (%s)"
          % (heading[0]["text"][:40] if heading else "no heading"))
    shown = [n for n in NAMES if any(o["op"] == "text" and
                                     o["text"].startswith(n) for o in ops)]
    check(len(shown) == 10, "portrait: all ten agents drawn (%d: %s)"
          % (len(shown), ", ".join(shown)))
    sl = find(ops, "big", "50%")
    trends = [o for o in ops if o["op"] == "trend"]
    if check(len(sl) == 1 and len(trends) == 2, "portrait: two trends"):
        x, y, w, h = sl[0]["rect"]
        t = [o for o in trends if x <= o["rect"][0] < x + w and
             y <= o["rect"][1] <= y + h + 0.05 * frame.h]
        check(len(t) == 1 and y + h <= t[0]["rect"][1] and
              t[0]["rect"][2] > 0.75 * w,
              "portrait: Support SL's trend is a strip under its figure, "
              "inside the tile, %d of %d px wide"
              % (t[0]["rect"][2] if t else 0, w))
finish()
