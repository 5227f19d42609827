"""wallboard-fb on screens that are not 16:9 landscape, read from the
pixels of the real binary's frames: a 4:3 monitor (1024x768) and a TV
standing in portrait (1080x1920).

Sizes are shares of the screen's shorter side (the height the same TV
would have in landscape), so type is as legible as on that TV, and a
portrait screen has more rows for it. Worked out by hand for the test
board (tests/fb/board.yaml, page "Now": six tiles and the agent grid) and
snapshot-trend.json (ten agents not offline: 3 ready, 4 busy, 1 wrap,
2 away):

- a row is 1/22 of the shorter side: 768 / 22 = 34.9 px (22 rows, 69
  columns of 0.42 of a row), 1080 / 22 = 49.1 px (39 rows of 1920, 52
  columns of 1080);
- the six figures are at least 12% of the shorter side tall (92 px,
  130 px) and an agent's name 3.5% (27 px, 38 px), G to y;
- red and amber figures say so in words in full ("target 80% (red)"),
  in portrait too;
- each row of tiles spans the screen (no empty slot);
- in portrait, the grid shows as many agents as its rows leave after
  figures of 12%, and pages through the rest: the heading's count of
  pages is what the names shown a page make of the ten, and over those
  pages every one of the ten is drawn (a name, or "First L." where the
  cell is narrow).
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fbtest import (HERE, SNAP_NOW, Frame, check, find, finish,  # noqa: E402
                    ink_box, ink_mask, run, tmpdir, trace_ops)

d = tmpdir()
TREND = os.path.join(HERE, "snapshot-trend.json")
NAMES = ("Dana", "Hana Sato", "Erik", "Ben Okafor", "Jo Brown",
         "Ivan Petrov", "Fatima Noor", "Amira Khan", "Gary Wells", "Chen Li")


def draw(geometry, elapsed=0):
    w, h, bpp = (int(v) for v in geometry.split("x"))
    dev, trace = (os.path.join(d, "%s-%d%s" % (geometry, elapsed, e))
                  for e in (".raw", ".trace"))
    p = run(["--board", "floor", "--device", dev, "--geometry", geometry,
             "--snapshot-file", TREND, "--now", str(SNAP_NOW + 1000),
             "--elapsed", str(elapsed), "--trace", trace], timeout=120)
    check(p.returncode == 0, "%s: wallboard-fb exits 0 (%s)"
          % (geometry, p.stderr.strip()[-160:]))
    head = open(trace).readline().split()
    return Frame(dev, w, h, bpp), trace_ops(trace), (int(head[3]),
                                                     int(head[4]))


for geometry, grid in (("1024x768x32", (69, 22)), ("1080x1920x32", (52, 39))):
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
    o = find(ops, "text", "Gary Wells") or find(ops, "text", "Gary W.")
    if not o:
        # On the grid's next page (it pages every 8 s).
        frame2, ops2, _ = draw(geometry, 8000)
        o = find(ops2, "text", "Gary Wells") or find(ops2, "text", "Gary W.")
        frame = frame2 if o else frame
    if check(len(o) == 1, "%s: Gary Wells in the agent grid" % g):
        box = ink_box(ink_mask(frame, o[0]["rect"], o[0]["fg"], o[0]["bg"]))
        check(box is not None and box[3] >= 0.035 * side, "%s: 'Gary "
              "Wells' is %d px tall, G to y, at least 3.5%% of %d"
              % (g, box[3] if box else 0, side))
    if g != "1080x1920":
        continue
    heading = [o for o in ops if o["op"] == "text" and
               o["text"].startswith(" Agents")]
    m = re.match(r" Agents(?: 1-(\d+) of 10 \(page 1/(\d+)\))?:",
                 heading[0]["text"] if heading else "")
    per, pages = (int(m.group(1)), int(m.group(2))) if m and m.group(1) \
        else (10, 1)
    seen = set()
    for page in range(pages):
        _, page_ops, _ = draw(geometry, page * 8000) if page else \
            (None, ops, None)
        seen |= set(n for n in NAMES if any(
            o["op"] == "text" and (o["text"] == n or o["text"] ==
                                   n.split(" ")[0] + " " +
                                   (n.split(" ") + [""])[1][:1] + "." or
                                   o["text"] == n + " F." or
                                   o["text"].startswith(n + " "))
            for o in page_ops))
    check(m is not None and pages == (10 + per - 1) // per,
          "portrait: %d a page, %d pages (%s)"
          % (per, pages, heading[0]["text"][:40] if heading else "none"))
    check(len(seen) == 10, "portrait: over its pages all ten agents drawn "
          "(%d: %s)" % (len(seen), ", ".join(sorted(seen))))
finish()
