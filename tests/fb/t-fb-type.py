"""wallboard-fb's type, read from the pixels of the real binary's frames at
1280x720, 1920x1080 and 3840x2160 (the PNG it writes with --png, and the
file framebuffer beside it):

- the figures' digits are where the layout puts them (the trace's big
  rectangles), told apart by their closed counters, a property of the
  digits' shapes and not of any font: "50%" reads 0, 1, 2 ('5' has none,
  '0' one, '%' two), "0:41" 1, 0, 1, 0, "83%" 2, 0, 2;
- their edges are anti-aliased (grey steps between ink and background);
- they are at least 12% of the screen's height, and the text of the alert
  lines and the agents' names at least 3.5% (ink from the top of a capital
  or ascender to the bottom of a descender);
- eight tiles fill the body: no empty slot (each row of tiles spans the
  screen);
- red and amber figures say so in words (colour is not the only cue);
- stale figures are grey, with no status colour left;
- names in Chinese and with an emoji are set in their own cells (two a
  character), the emoji drawn, at every size;
- the PNG is the frame.
"""
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fbtest import (AMBER, BG, GREEN, HERE, RED, SNAP_NOW, SNAPSHOT,  # noqa: E402
                    Frame, check, find, finish, glyphs, holes, ink_box,
                    ink_mask, run, shades, tmpdir, trace_ops)

d = tmpdir()
WIDE = os.path.join(HERE, "snapshot-wide.json")


def draw(geometry, snapshot=SNAPSHOT, now=SNAP_NOW + 1000, board="floor"):
    w, h, bpp = (int(v) for v in geometry.split("x"))
    name = "%s-%s-%d" % (geometry, board, now)
    dev, trace, png = (os.path.join(d, name + ext)
                       for ext in (".raw", ".trace", ".png"))
    p = run(["--board", board, "--device", dev, "--geometry", geometry,
             "--snapshot-file", snapshot, "--now", str(now), "--trace",
             trace, "--png", png], timeout=120)
    check(p.returncode == 0, "%s %s: wallboard-fb exits 0 (%s)"
          % (geometry, board, p.stderr.strip()[-160:]))
    return Frame(dev, w, h, bpp), trace_ops(trace), png


def png_pixels(path):
    """A PNG as Cairo writes it (8-bit RGB or RGBA, not interlaced) to
    (width, height, rows of (r, g, b))."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, rows, prev = zlib.decompress(idat), [], bytearray(w * bpp)
    stride = w * bpp
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(
            raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xff
            elif f == 2:
                line[i] = (line[i] + b) & 0xff
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 0xff
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def counters(frame, op):
    m = ink_mask(frame, op["rect"], op["fg"], op["bg"])
    return [holes(g) for g in glyphs(m)], ink_box(m)


def text_ink(frame, op):
    box = ink_box(ink_mask(frame, op["rect"], op["fg"], op["bg"]))
    return box[3] if box else 0


for geometry in ("1280x720x32", "1920x1080x32", "3840x2160x32"):
    frame, ops, png = draw(geometry)
    H = frame.h
    g = geometry.split("x32")[0]
    figures = {"50%": ([0, 1, 2], RED), "0:41": ([1, 0, 1, 0], AMBER),
               "83%": ([2, 0, 2], AMBER)}
    if g == "3840x2160":
        del figures["83%"]      # a second is enough at 4K (pure Python)
    for text, (want, colour) in figures.items():
        o = find(ops, "big", text)
        if not check(len(o) == 1 and o[0]["fg"] == colour,
                     "%s: %s drawn big in its colour" % (g, text)):
            continue
        got, box = counters(frame, o[0])
        check(got == want, "%s: %s reads as its digits where the layout put "
              "it (closed counters %s, want %s)" % (g, text, got, want))
        check(box is not None and box[3] >= 0.12 * H,
              "%s: %s is %d px tall, at least 12%% of %d"
              % (g, text, box[3] if box else 0, H))
        n = shades(frame, o[0]["rect"], colour, BG)
        check(n > 2 * box[3], "%s: %s has anti-aliased edges (%d pixels "
              "of shades)" % (g, text, n))
    # Colour is not the only cue: red and amber figures say so in words
    # under them (for colour-blind eyes), green ones say nothing more.
    for words, colour in (("target 80% (red)", RED), ("max 0:30 (amber)",
                                                      AMBER),
                          ("max 3", GREEN)):
        o = find(ops, "text", " %s " % words)
        check(len(o) == 1 and o[0]["fg"] == colour,
              "%s: a tile says '%s' under its figure" % (g, words))
    alert = [o for o in ops if o["op"] == "text" and "CRITICAL" in o["text"]]
    if check(len(alert) == 1, "%s: the critical alert's line" % g):
        px = text_ink(frame, alert[0])
        check(px >= 0.035 * H, "%s: the alert line's text is %d px tall, "
              "at least 3.5%% of %d" % (g, px, H))
    for name in ("Gary Wells", "Ivan Petrov"):
        # Whole, or "Gary W." where the grid's cells are narrow.
        o = find(ops, "text", name) or find(ops, "text", name[:6] + ".")
        if check(len(o) == 1, "%s: %s in the agent grid" % (g, name)):
            px = text_ink(frame, o[0])
            want = 0.035 if "y" in name else 0.025   # 'y' has a descender
            check(px >= want * H, "%s: '%s' is %d px tall (%s), at least "
                  "%.1f%% of %d" % (g, name, px, "G to y" if "y" in name
                                     else "capitals", want * 100, H))
    if g == "1280x720":
        w, h, rows = png_pixels(png)
        same = w == frame.w and h == frame.h and all(
            rows[y][x] == ((frame.px(x, y) >> 16) & 0xff,
                           (frame.px(x, y) >> 8) & 0xff, frame.px(x, y) & 0xff)
            for y in range(0, h, 23) for x in range(0, w, 29))
        check(same, "720p: --png writes the frame, pixel for pixel")

    # Stale: 5 s on (3 heartbeats of 1 s): no status colour in the figures.
    stale, ops, _ = draw(geometry, now=SNAP_NOW + 5000)
    o = find(ops, "big", "50%")
    if check(len(o) == 1, "%s stale: 50%% still drawn" % g):
        r, gr, b = o[0]["fg"] >> 16, (o[0]["fg"] >> 8) & 0xff, o[0]["fg"] & 0xff
        check(max(r, gr, b) - min(r, gr, b) < 40 and
              stale.count(o[0]["rect"], RED) == 0,
              "%s stale: the figure is grey (#%06x), not red" % (g, o[0]["fg"]))
    check(len(find(ops, "big", "STALE")) == 1, "%s stale: the STALE banner"
          % g)

    # Eight tiles: three rows, 3 + 3 + 2, each spanning the screen.
    _, ops, _ = draw(geometry, board="eight")
    bigs = [o for o in ops if o["op"] == "big"]
    rows_y = sorted(set(o["rect"][1] for o in bigs))
    check(len(bigs) == 8 and len(rows_y) == 3,
          "%s eight tiles: 8 figures in 3 rows" % g)
    for y in rows_y:
        row = [o["rect"] for o in bigs if o["rect"][1] == y]
        left = min(r[0] for r in row)
        right = max(r[0] + r[2] for r in row)
        inner = sum(r[2] for r in row)
        check(left < 0.03 * frame.w and right > 0.97 * frame.w and
              inner > 0.9 * frame.w, "%s eight tiles: the row at y=%d "
              "(%d tiles) spans the screen (%d..%d), no empty slot"
              % (g, y, len(row), left, right))

    # Wide names: two cells a character, the emoji drawn.
    wide, ops, _ = draw(geometry, snapshot=WIDE)
    cols = int(open(os.path.join(d, "%s-floor-%d.trace" % (geometry,
               SNAP_NOW + 1000))).readline().split()[3])
    cell = frame.w / cols
    o = find(ops, "text", "\u738b\u5c0f\u660e")
    if check(len(o) == 1, "%s: the name 王小明 is drawn" % g):
        x, y, w_, h_ = o[0]["rect"]
        check(abs(w_ - 6 * cell) <= 1, "%s: 王小明 takes 6 cells (%d px, a "
              "cell %.1f)" % (g, w_, cell))
        box = ink_box(ink_mask(wide, o[0]["rect"], o[0]["fg"], o[0]["bg"]))
        em = 0.84 * H / 22
        check(box is not None and box[2] >= 2.5 * em,
              "%s: its three ideographs are set about an em each (%d px of "
              "ink, em %.0f)" % (g, box[2] if box else 0, em))
    o = find(ops, "text", "Li \U0001F600 Na")
    if check(len(o) == 1, "%s: the name 'Li 😀 Na' is drawn" % g):
        x, y, w_, h_ = o[0]["rect"]
        check(abs(w_ - 8 * cell) <= 1, "%s: 'Li 😀 Na' takes 8 cells (%d "
              "px)" % (g, w_))
        face = (int(x + 3 * cell), y, int(2 * cell), h_)
        n = sum(sum(r) for r in ink_mask(wide, face, o[0]["fg"], o[0]["bg"]))
        check(n > 0.1 * face[2] * face[3], "%s: the emoji is drawn in its "
              "two cells (%d ink pixels)" % (g, n))
finish()
