"""Helpers for the framebuffer board's tests (tests/fb/t-*.py).

Runs $BUILD/wallboard-fb headless (--device FILE --geometry WxHxBPP), reads
the file framebuffer back as XRGB pixels, and reads the --trace of drawing
operations to find where the layout put things, so that the checks look at
the right pixels whatever the layout decides.
"""
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "live"))
from ports import free_port  # noqa: E402,F401 (the tests' port picker)

ROOT = os.environ.get("WB_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
FB = os.path.join(BUILD, "wallboard-fb")
HERE = os.path.join(ROOT, "tests", "fb")
CONFIG = os.path.join(HERE, "board.yaml")
SNAPSHOT = os.path.join(HERE, "snapshot.json")
SNAP_NOW = 1795424400000        # snapshot.json's "now"

# render-pixel.c's palette.
BG = 0x0b0f17           # RENDER_DEFAULT as a background
RED = 0xef3340          # RENDER_BAD as a foreground
RED_BG = 0xdc2626       # RENDER_BAD as a background
WHITE = 0xffffff
AMBER = 0xffb020
GREEN = 0x22c55e

failures = []
checks = [0]


def check(ok, what):
    """One check, printed; finish() exits with how many failed."""
    checks[0] += 1
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)
    return ok


def finish():
    print("%d passed, %d failed" % (checks[0] - len(failures), len(failures)))
    sys.exit(1 if failures else 0)


def tmpdir():
    """A scratch directory, removed at exit (frames are megabytes)."""
    d = tempfile.mkdtemp(prefix="wb-fb-")
    atexit.register(shutil.rmtree, d, True)
    return d


def run(args, timeout=30):
    """Run wallboard-fb; returns the CompletedProcess."""
    return subprocess.run([FB, "-c", CONFIG] + args, capture_output=True,
                          text=True, timeout=timeout)


class Frame:
    """A framebuffer file of width x height at bpp, as XRGB pixels."""

    def __init__(self, path, width, height, bpp):
        self.w, self.h, self.bpp = width, height, bpp
        self.raw = open(path, "rb").read()
        assert len(self.raw) == width * height * bpp // 8, len(self.raw)

    def px(self, x, y):
        b = self.bpp // 8
        o = (y * self.w + x) * b
        if self.bpp == 16:
            v = self.raw[o] | self.raw[o + 1] << 8
            r, g, bl = v >> 11, (v >> 5) & 0x3f, v & 0x1f
            return ((r * 255 + 15) // 31) << 16 | ((g * 255 + 31) // 63) << 8 \
                | (bl * 255 + 15) // 31
        return self.raw[o + 2] << 16 | self.raw[o + 1] << 8 | self.raw[o]

    def count(self, rect, colour):
        x, y, w, h = rect
        return sum(1 for j in range(y, y + h) for i in range(x, x + w)
                   if self.px(i, j) == colour)

    def mask(self, rect, colour):
        x, y, w, h = rect
        return [[self.px(i, j) == colour for i in range(x, x + w)]
                for j in range(y, y + h)]


def rgb565(c):
    """What an XRGB colour reads back as through RGB565."""
    r, g, b = c >> 16, (c >> 8) & 0xff, c & 0xff
    r, g, b = r >> 3, g >> 2, b >> 3
    return ((r * 255 + 15) // 31) << 16 | ((g * 255 + 31) // 63) << 8 | \
        (b * 255 + 15) // 31


def trace_ops(path):
    """The last frame's operations: dicts with op, rect, fg, bg, attrs, text."""
    frames, ops = [], None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("frame "):
            ops = []
            frames.append(ops)
            continue
        m = re.match(r"(fill|text|big|trend) (-?\d+) (-?\d+) (\d+) (\d+) "
                     r"([0-9a-f]{6}) ([0-9a-f]{6}) (\d+) ?(.*)$", line)
        if m and ops is not None:
            ops.append(dict(op=m.group(1), rect=tuple(int(m.group(i))
                       for i in range(2, 6)), fg=int(m.group(6), 16),
                       bg=int(m.group(7), 16), attrs=int(m.group(8)),
                       text=m.group(9)))
    return frames[-1] if frames else []


def find(ops, op, text):
    """The ops drawing text, but for the blanks around it (a TV's agent
    times are padded to their five cells)."""
    return [o for o in ops if o["op"] == op and
            o["text"].strip() == text.strip()]


def ink_mask(frame, rect, fg, bg):
    """Which pixels of rect are nearer fg than bg (the type's ink, its
    anti-aliased edge halfway or more)."""
    def dist(a, b):
        return sum(abs((a >> s & 0xff) - (b >> s & 0xff)) for s in (0, 8, 16))
    x, y, w, h = rect
    return [[dist(frame.px(i, j), fg) < dist(frame.px(i, j), bg)
             for i in range(x, x + w)] for j in range(y, y + h)]


def shades(frame, rect, fg, bg):
    """Pixels of rect strictly between fg and bg in every channel: the
    grey steps of an anti-aliased edge. A bitmap font has none."""
    x, y, w, h = rect
    n = 0
    for j in range(y, y + h):
        for i in range(x, x + w):
            c = frame.px(i, j)
            if c in (fg, bg):
                continue
            if all(min(fg >> s & 0xff, bg >> s & 0xff) <= (c >> s & 0xff) <=
                   max(fg >> s & 0xff, bg >> s & 0xff) for s in (0, 8, 16)):
                n += 1
    return n


def ink_box(mask):
    """(left, top, width, height) of the ink in a mask, or None."""
    ys = [y for y, row in enumerate(mask) if any(row)]
    xs = [x for x in range(len(mask[0])) if any(row[x] for row in mask)]
    if not ys:
        return None
    return xs[0], ys[0], xs[-1] - xs[0] + 1, ys[-1] - ys[0] + 1


def glyphs(mask):
    """The ink cut into glyphs at the empty columns between them, left to
    right: a list of sub-masks (each glyph's own columns, all rows)."""
    cols = [any(row[x] for row in mask) for x in range(len(mask[0]))]
    out, start = [], None
    for x, on in enumerate(cols + [False]):
        if on and start is None:
            start = x
        elif not on and start is not None:
            out.append([row[start:x] for row in mask])
            start = None
    return out


def holes(mask):
    """Closed counters in a glyph: regions of background that do not reach
    the edge of its box ('0' has one, '8' two, '5' none, '%' two)."""
    h, w = len(mask), len(mask[0])
    seen = [[False] * w for _ in range(h)]
    count = 0
    for y0 in range(h):
        for x0 in range(w):
            if mask[y0][x0] or seen[y0][x0]:
                continue
            stack, edge, size = [(x0, y0)], False, 0
            seen[y0][x0] = True
            while stack:
                x, y = stack.pop()
                size += 1
                if x in (0, w - 1) or y in (0, h - 1):
                    edge = True
                for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                    if 0 <= nx < w and 0 <= ny < h and not mask[ny][nx] \
                            and not seen[ny][nx]:
                        seen[ny][nx] = True
                        stack.append((nx, ny))
            if not edge and size > 4:
                count += 1
    return count


def ppm_to_png(ppm, png):
    """A binary PPM (P6, as --screenshot writes) to a PNG, for looking at a
    frame: no imaging library needed."""
    import struct
    import zlib
    data = open(ppm, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    assert fields[0] == b"P6" and fields[3] == b"255", fields
    w, h = int(fields[1]), int(fields[2])
    rows = b"".join(b"\0" + data[pos + y * w * 3:pos + (y + 1) * w * 3]
                    for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + \
            struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    with open(png, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(rows, 6)))
        f.write(chunk(b"IEND", b""))


if __name__ == "__main__":
    # fbtest.py png SNAPSHOT OUT.png [GEOMETRY [wallboard-fb args...]]:
    # one frame of SNAPSHOT as a PNG to look at (--now is the snapshot's).
    import json
    if len(sys.argv) < 4 or sys.argv[1] != "png":
        sys.exit("usage: fbtest.py png SNAPSHOT OUT.png [WxHxBPP [ARGS...]]")
    snap, out = sys.argv[2], sys.argv[3]
    geometry = sys.argv[4] if len(sys.argv) > 4 else "1920x1080x32"
    d = tmpdir()
    now = json.load(open(snap))["now"]
    p = run(["--board", "floor", "--device", os.path.join(d, "fb"),
             "--geometry", geometry, "--snapshot-file", snap, "--now",
             str(now), "--screenshot", os.path.join(d, "shot.ppm")] +
            sys.argv[5:])
    if p.returncode != 0:
        sys.exit(p.stderr)
    ppm_to_png(os.path.join(d, "shot.ppm"), out)
