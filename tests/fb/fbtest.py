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
import socket
import subprocess
import sys
import tempfile

ROOT = os.environ.get("WB_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
FB = os.path.join(BUILD, "wallboard-fb")
HERE = os.path.join(ROOT, "tests", "fb")
CONFIG = os.path.join(HERE, "board.yaml")
SNAPSHOT = os.path.join(HERE, "snapshot.json")
SNAP_NOW = 1795424400000        # snapshot.json's "now"

# render-pixel.c's palette.
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
        m = re.match(r"(fill|text|big) (-?\d+) (-?\d+) (\d+) (\d+) "
                     r"([0-9a-f]{6}) ([0-9a-f]{6}) (\d+) ?(.*)$", line)
        if m and ops is not None:
            ops.append(dict(op=m.group(1), rect=tuple(int(m.group(i))
                       for i in range(2, 6)), fg=int(m.group(6), 16),
                       bg=int(m.group(7), 16), attrs=int(m.group(8)),
                       text=m.group(9)))
    return frames[-1] if frames else []


def find(ops, op, text):
    return [o for o in ops if o["op"] == op and o["text"] == text]


def glyph(ch):
    """The built-in font's glyph for ch: 16 rows of 8 booleans."""
    src = open(os.path.join(ROOT, "draw", "font-8x16.c")).read()
    m = re.search(r"/\* \d+: U\+%04X[ *].*\n(.*\n.*\n)" % ord(ch), src)
    rows = [int(b, 16) for b in re.findall(r"0x([0-9a-f]{2})", m.group(1))]
    return [[bool(r & (0x80 >> x)) for x in range(8)] for r in rows]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
