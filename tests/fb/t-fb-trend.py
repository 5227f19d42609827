"""Trends on wallboard-fb's tiles, read from the pixels of the real binary's
frames at 1280x720, 1920x1080 and 3840x2160.

snapshot-trend.json is snapshot.json with a "trend" on two scopes; the
values below are the fixture's, worked out by hand:

- queue:support's service_level: 81%, 77%, (none), 72%, 64%, 50%: the
  last interval (50%) is below the one before (64%): the arrow points
  down, and a service level going down is bad: red. The line starts at
  its highest (81%, top left) and ends at its lowest (50%, bottom right).
- all's abandon_rate: 5%, 6%, 8%, 11%, 9%, 7.2%: 7% after 9%: down, and
  fewer abandons is good: green.
- queue:sales has no trend: the Sales SL tile has none; nor has a tile
  whose metric has no series ("waiting"), nor any tile of snapshot.json.
- A stale tile's arrow claims neither: grey.
- A malformed trend (a string among the numbers, 20 values where 16 at
  most come) is drawn from what reads (the newest 16), said once on
  stderr, and the board exits 0.
- Tight tiles (4:3 screens, 1024x768 and 1280x1024, and portrait): with
  Support on target (85%: "target 80%", no "(red)") and a day of 16
  intervals ending 60%, 50%, every trend drawn either has its line, each
  interval at least a quarter of the type's size apart, or is the arrow
  alone, a square, with no line beside it; never anything cramped. At
  1024x768 (69 columns: tiles of 23 cells) the abandoned tile's bottom
  edge, after " max 5% (amber) " (1 + 14 + 3 cells), has 3 cells left
  before its corner: the arrow's, not a line's. On every screen no trend
  touches a figure's ink, and Support SL keeps its trend.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fbtest import (GREEN, HERE, RED, SNAP_NOW, SNAPSHOT, Frame,  # noqa: E402
                    check, find, finish, ink_box, ink_mask, run, tmpdir,
                    trace_ops)

d = tmpdir()
TREND = os.path.join(HERE, "snapshot-trend.json")
STALE = os.path.join(HERE, "snapshot-trend-feed-stale.json")
MUTED = 0x8b94a3


def draw(geometry, snapshot, now=SNAP_NOW + 1000):
    w, h, bpp = (int(v) for v in geometry.split("x"))
    name = "%s-%d-%s" % (geometry, now, os.path.basename(snapshot))
    dev, trace = (os.path.join(d, name + ext) for ext in (".raw", ".trace"))
    p = run(["--board", "floor", "--device", dev, "--geometry", geometry,
             "--snapshot-file", snapshot, "--now", str(now), "--trace",
             trace], timeout=120)
    check(p.returncode == 0, "%s: wallboard-fb exits 0 (%s)"
          % (geometry, p.stderr.strip()[-160:]))
    return Frame(dev, w, h, bpp), trace_ops(trace)


def trend_under(ops, figure):
    """The trend op in the bottom edge of the tile whose figure is
    `figure` (the row under the figure's room, within its width)."""
    big = find(ops, "big", figure)
    if len(big) != 1:
        return None
    x, y, w, h = big[0]["rect"]
    for o in ops:
        if o["op"] == "trend" and x <= o["rect"][0] and \
                o["rect"][0] + o["rect"][2] <= x + w + 1 and \
                abs(o["rect"][1] - (y + h)) <= 1:
            return o
    return None


def arrow_halves(frame, rect, colour):
    """Pixels of colour in the top and bottom halves of the arrow's
    square (the right end of the trend's rectangle)."""
    x, y, w, h = rect
    top = frame.count((x + w - h, y, h, h // 2), colour)
    bottom = frame.count((x + w - h, y + h // 2, h, h - h // 2), colour)
    return top, bottom


def ink(frame, rect, colour):
    return frame.count(rect, colour)


for geometry in ("1280x720x32", "1920x1080x32", "3840x2160x32"):
    g = geometry.split("x32")[0]
    frame, ops = draw(geometry, TREND)
    H = frame.h
    sl = trend_under(ops, "50%")
    if check(sl is not None, "%s: Support SL's tile has a trend in its "
             "bottom edge" % g):
        x, y, w, h = sl["rect"]
        n, has_arrow, direction, colour = sl["text"].split()[:4]
        check((n, has_arrow, direction, int(colour, 16)) == ("6", "1", "-1",
                                                              RED),
              "%s: 6 intervals, the arrow down and red (%s)" % (g, sl["text"]))
        top, bottom = arrow_halves(frame, sl["rect"], RED)
        check(top > bottom + h and top > h * h / 8,
              "%s: the arrow is drawn red, pointing down (red pixels: %d in "
              "its top half, %d in its bottom)" % (g, top, bottom))
        line_w = w - h
        # The line: its first point high in the left fifth, its last low
        # in the right fifth before the arrow (the dot on it).
        left_top = ink(frame, (x, y, line_w // 5, h // 2), RED)
        left_bottom = ink(frame, (x, y + h * 3 // 4, line_w // 5, h // 4), RED)
        right_bottom = ink(frame, (x + line_w * 4 // 5, y + h // 2,
                                   line_w // 5, h // 2), RED)
        check(left_top > 0 and left_bottom == 0 and right_bottom > h // 2,
              "%s: the sparkline starts high and ends low (red pixels: %d "
              "top left, %d bottom left, %d bottom right)"
              % (g, left_top, left_bottom, right_bottom))
        check(h >= 0.035 * H, "%s: the trend is %d px tall, at least 3.5%% "
              "of %d" % (g, h, H))
    ab = trend_under(ops, "7%")
    if check(ab is not None, "%s: the abandoned tile has a trend" % g):
        n, has_arrow, direction, colour = ab["text"].split()[:4]
        check((n, direction, int(colour, 16)) == ("6", "-1", GREEN),
              "%s: abandons down from 9%% to 7%%: the arrow down and green "
              "(%s)" % (g, ab["text"]))
        top, bottom = arrow_halves(frame, ab["rect"], GREEN)
        check(top > bottom + ab["rect"][3],
              "%s: the arrow is drawn green, pointing down (%d over %d)"
              % (g, top, bottom))
    traces = [o for o in ops if o["op"] == "trend"]
    check(len(traces) == 2, "%s: two tiles of six have a trend (Sales SL "
          "has none in its scope, waiting, longest wait and ready no "
          "series): %d" % (g, len(traces)))
    check(trend_under(ops, "83%") is None, "%s: no trend on Sales SL" % g)

    # Without trends, the same frame has none, and where Support SL's
    # arrow was there is only the tile's edge (a line, not a triangle).
    plain, ops = draw(geometry, SNAPSHOT)
    check(not [o for o in ops if o["op"] == "trend"],
          "%s: snapshot.json (no trend): no tile has one" % g)
    fig = find(ops, "big", "50%")
    if sl is not None and len(fig) == 1:
        x, y, w, h = sl["rect"]
        fx, fy, fw, fh = fig[0]["rect"]
        if fy + fh <= y:
            # The trend was in the bottom edge: there is only the edge.
            top, bottom = arrow_halves(plain, sl["rect"], RED)
            check(top + bottom < h * h / 8, "%s: no trend: no arrow where "
                  "it would be (%d red pixels, an edge's line)"
                  % (g, top + bottom))
        else:
            # The trend had a strip inside the tile: without it the
            # figure has the whole inside, the strip's row too.
            check(fy + fh >= y + h and fy <= y - h, "%s: no trend: the "
                  "figure takes the strip's row back (%d..%d over the "
                  "strip's %d..%d)" % (g, fy, fy + fh, y, y + h))

    # Stale: the arrow is grey, neither good nor bad. With pbx1 silent
    # (snapshot-trend-feed-stale.json: snapshot-feed-stale.json with the
    # same trends), Support's and the whole site's tiles are stale, with
    # no banner over them.
    stale, ops = draw(geometry, STALE)
    # Support SL's: down, red when live.
    o = trend_under(ops, "50%")
    if check(o is not None and int(o["text"].split()[3], 16) == MUTED,
             "%s stale: the arrow is grey" % g):
        top, bottom = arrow_halves(stale, o["rect"], MUTED)
        red = sum(arrow_halves(stale, o["rect"], RED))
        check(top > bottom and red == 0, "%s stale: drawn grey, no red "
              "(%d grey, %d red)" % (g, top + bottom, red))
# Malformed: Support's service level as 20 values, one a string; the
# newest 16 are kept (the string is an interval without a figure), the
# abandon rate not a list at all.
bad = json.load(open(TREND))
bad["scopes"]["queue:support"]["trend"]["service_level"] = \
    [0.9] * 4 + [0.81, "x", 0.77, None, 0.72] + [0.7] * 9 + [0.64, 0.5]
bad["scopes"]["all"]["trend"]["abandon_rate"] = {"not": "a list"}
path = os.path.join(d, "bad-trend.json")
json.dump(bad, open(path, "w"))
geometry = "1280x720x32"
p = run(["--board", "floor", "--device", os.path.join(d, "bad.raw"),
         "--geometry", geometry, "--snapshot-file", path, "--now",
         str(SNAP_NOW + 1000), "--trace", os.path.join(d, "bad.trace")])
check(p.returncode == 0 and "2 scopes with a malformed trend" in p.stderr,
      "malformed trends: exit 0, said on stderr (%s)" % p.stderr.strip()[-200:])
ops = trace_ops(os.path.join(d, "bad.trace"))
sl = trend_under(ops, "50%")
check(sl is not None and sl["text"].split()[:3] == ["16", "1", "-1"],
      "malformed: Support SL's trend drawn from its newest 16 values, the "
      "arrow down (%s)" % (sl["text"] if sl else None))
check(trend_under(ops, "7%") is None, "malformed: abandons (not a list) "
      "have no trend")

# Tight tiles: Support on target with 16 intervals.
tight = json.load(open(TREND))
support = tight["scopes"]["queue:support"]
support["windows"]["15m"].update(service_level=0.85, answered_in_sl=8.5)
support["trend"]["service_level"] = [0.9, 0.88, 0.85, 0.86, 0.8, 0.82, 0.78,
                                     0.75, 0.77, 0.72, 0.7, 0.71, 0.68, 0.64,
                                     0.6, 0.5]
path = os.path.join(d, "tight-trend.json")
json.dump(tight, open(path, "w"))
for geometry in ("1024x768x32", "1280x1024x32", "1080x1920x32",
                 "1920x1080x32", "3840x2160x32"):
    g = geometry.split("x32")[0]
    frame, ops = draw(geometry, path)
    inks = []
    for b in (o for o in ops if o["op"] == "big"):
        box = ink_box(ink_mask(frame, b["rect"], b["fg"], b["bg"]))
        if box is not None:
            inks.append((b["text"], b["rect"][0] + box[0],
                         b["rect"][1] + box[1], box[2], box[3]))
    touching = [(o["rect"], i[0]) for o in ops if o["op"] == "trend"
                for i in inks
                if not (o["rect"][0] + o["rect"][2] <= i[1] or
                        i[1] + i[3] <= o["rect"][0] or
                        o["rect"][1] + o["rect"][3] <= i[2] or
                        i[2] + i[4] <= o["rect"][1])]
    check(len(inks) == 6 and not touching, "%s: no trend touches the ink "
          "of a figure (%d figures; %s)" % (g, len(inks), touching))
    sl = trend_under(ops, "85%")
    if not check(sl is not None, "%s: Support SL (85%%, 16 intervals) keeps "
                 "a trend" % g):
        continue
    n, has_arrow, direction, colour, only = sl["text"].split()[:5]
    check((n, has_arrow, direction, int(colour, 16)) == ("16", "1", "-1",
                                                          RED),
          "%s: 16 intervals, the arrow down and red (%s)" % (g, sl["text"]))
    top, bottom = arrow_halves(frame, sl["rect"], RED)
    h = sl["rect"][3]
    check(top > bottom + h and top > h * h / 8, "%s: the arrow drawn red, "
          "pointing down (%d over %d)" % (g, top, bottom))
    em = 0.84 * min(frame.w, frame.h) / 22      # the type's size (docs)
    alone = 0
    for o in (o for o in ops if o["op"] == "trend"):
        x, y, w, h = o["rect"]
        n, only = int(o["text"].split()[0]), o["text"].split()[4]
        if only == "1":
            alone += 1
            # In its rectangle left of the square, above and below the
            # edge's line (which runs up to it).
            line = ink(frame, (x, y, w - h, h // 3), o["fg"]) + \
                ink(frame, (x, y + h - h // 3, w - h, h // 3), o["fg"])
            check(w <= 2 * h and line == 0, "%s: a trend %s is its arrow "
                  "alone, %d px for its %d px square, no line beside it "
                  "(%d)" % (g, o["rect"], w, h, line))
        else:
            check((w - h) / n >= 0.25 * em, "%s: a trend %s has its line, "
                  "%.1f px an interval (at least %.1f)"
                  % (g, o["rect"], (w - h) / n, 0.25 * em))
    if g == "1024x768":
        ab = trend_under(ops, "7%")
        check(ab is not None and ab["text"].split()[4] == "1" and alone == 1,
              "1024x768: the abandoned tile keeps its arrow alone (%s)"
              % (ab["text"] if ab else None))
finish()
