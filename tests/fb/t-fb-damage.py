"""Only what changed reaches the screen: wallboard-fb live on loopback,
drawing into a file framebuffer at 1280x720.

A test publisher sends snapshot.json until Support SL's 50% is up. The test
then paints a marker of its own (a colour the board never uses) into the
framebuffer file, inside the "Support waiting" tile, where the figure "3"
leaves the tile blank. It then sends the same snapshot with one figure
changed: Support's 15-minute service level 0.68 instead of 0.5 (by hand:
"68%", still red against a target of 80%, whose red level is 75%). When
the frame with 68% has landed, and a clock tick after it:

- the changed tile shows it: its figure's rectangle on the framebuffer
  differs from before, red, and reads as 68% in the trace;
- the marker is untouched: the board copied nothing over it, so nothing
  outside the regions that changed (that tile, the header's clock, the
  flashing alert, the ticker, the agents' timers) was repainted;
- every frame since copied a small part of the screen (-v logs the bytes
  each frame copies): under 15% of it. Every frame has the flashing
  critical alert's line and the scrolling ticker, two of the 22 rows the
  width of the screen (9.1%, a little more in whole 16-pixel blocks);
  the one that brought 68% has the tile's figure besides.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fbtest import (BG, CONFIG, FB, RED, SNAPSHOT, Frame, check, find,  # noqa: E402
                    finish, tmpdir, trace_ops)

W, H = 1280, 720
MARK = 0x123456
d = tmpdir()
a = json.load(open(SNAPSHOT))
b = json.loads(json.dumps(a))
b["scopes"]["queue:support"]["windows"]["15m"]["service_level"] = 0.68
docs = [json.dumps(x).encode() for x in (a, b)]

ctx = zmq.Context()
pub = ctx.socket(zmq.PUB)
port = pub.bind_to_random_port("tcp://127.0.0.1")
dev, trace, log = (os.path.join(d, "damage" + e) for e in (".raw", ".trace",
                                                           ".log"))
errf = open(log, "w")
p = subprocess.Popen([FB, "-c", CONFIG, "--board", "floor", "--endpoint",
                      "tcp://127.0.0.1:%d" % port, "--device", dev,
                      "--geometry", "%dx%dx32" % (W, H), "--trace", trace,
                      "-v"], stderr=errf)


def until(doc, text, timeout):
    """Publish doc until the trace's last frame has the figure text."""
    end = time.time() + timeout
    while time.time() < end:
        pub.send_multipart([b"snapshot", doc])
        time.sleep(0.1)
        ops = trace_ops(trace) if os.path.exists(trace) else []
        if find(ops, "big", text):
            return ops
    return []


def poke(rect, colour):
    """Paint rect of the framebuffer file as another process would."""
    x, y, w, h = rect
    with open(dev, "r+b") as f:
        for j in range(y, y + h):
            f.seek((j * W + x) * 4)
            f.write(bytes((colour & 0xff, colour >> 8 & 0xff,
                           colour >> 16 & 0xff, 0)) * w)


def frames_logged():
    """How many frames the board has copied to the screen (-v's lines)."""
    with open(log) as f:
        return len(re.findall(r"frame \d+: \d+ regions, \d+ bytes", f.read()))


def presented(timeout):
    """Wait for a frame copied after now: the trace is written as a frame
    is drawn, and its pixels reach the screen only when it is done (long
    under a sanitizer), so the frame the trace showed is on the screen
    once a later one is."""
    n, end = frames_logged(), time.time() + timeout
    while frames_logged() <= n and time.time() < end:
        time.sleep(0.05)


try:
    ops = until(docs[0], "50%", 5)
    check(ops != [], "the board draws Support SL 50%")
    presented(5)
    sl, wait = find(ops, "big", "50%"), find(ops, "big", "3")
    if sl and wait:
        x, y, w, h = wait[0]["rect"]
        mark = (x + w // 20, y + h // 5, w // 5, h // 2)
        before = Frame(dev, W, H, 32)
        check(before.count(mark, BG) == mark[2] * mark[3],
              "the marker's place is blank tile inside %s" % (mark,))
        old_sl = [before.px(i, j) for j in range(sl[0]["rect"][1],
                  sl[0]["rect"][1] + sl[0]["rect"][3], 3)
                  for i in range(sl[0]["rect"][0],
                  sl[0]["rect"][0] + sl[0]["rect"][2], 3)]
        poke(mark, MARK)
        errf.flush()
        log_from = os.path.getsize(log)
        ops = until(docs[1], "68%", 5)
        check(ops != [], "the board draws the new figure, 68%")
        presented(5)
        time.sleep(1.3)         # a clock tick (and the ticker) after it
        after = Frame(dev, W, H, 32)
        new = find(trace_ops(trace), "big", "68%")
        if check(len(new) == 1 and new[0]["rect"] == sl[0]["rect"],
                 "68% where 50% was"):
            r = new[0]["rect"]
            new_sl = [after.px(i, j) for j in range(r[1], r[1] + r[3], 3)
                      for i in range(r[0], r[0] + r[2], 3)]
            check(new_sl != old_sl and after.count(r, RED) > 500,
                  "the changed tile reached the screen (red, and not the "
                  "pixels it had)")
        n = after.count(mark, MARK)
        check(n == mark[2] * mark[3], "the marker outside the changed tile "
              "is untouched: %d of %d pixels" % (n, mark[2] * mark[3]))
        with open(log) as f:
            f.seek(log_from)
            frames = [int(m.group(1)) for m in
                      re.finditer(r"frame \d+: \d+ regions, (\d+) bytes",
                                  f.read())]
        biggest = max(frames) if frames else -1
        check(frames and 0 < biggest < 0.15 * W * H * 4,
              "each frame since copied under 15%% of the screen (at most "
              "%d bytes of %d, %d frames)" % (biggest, W * H * 4, len(frames)))
finally:
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
    errf.close()
    pub.close(0)
    ctx.term()
finish()
