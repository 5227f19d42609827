"""wallboard-fb live, on loopback, drawing into a file framebuffer: with no
daemon it says DISCONNECTED (and --screenshot still comes back); fed
snapshots by a test publisher it draws them and --screenshot exits after the
first; when they stop it puts STALE over the figures after 3 heartbeats;
SIGTERM ends it cleanly.
"""
import os
import signal
import subprocess
import sys
import time

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fbtest import (CONFIG, FB, RED, RED_BG, SNAPSHOT, Frame, check, find,  # noqa: E402
                    finish, free_port, tmpdir, trace_ops)

d = tmpdir()
doc = open(SNAPSHOT, "rb").read()


def board(port, name, *extra):
    dev, trace = os.path.join(d, name + ".raw"), os.path.join(d, name + ".trace")
    args = [FB, "-c", CONFIG, "--board", "floor", "--endpoint",
            "tcp://127.0.0.1:%d" % port, "--device", dev, "--geometry",
            "960x540x32", "--trace", trace] + list(extra)
    return subprocess.Popen(args, stderr=subprocess.PIPE, text=True), dev, trace


def last_frame_with(trace, op, text, timeout):
    """Wait until the trace's last frame has a big or text op `text`."""
    end = time.time() + timeout
    while time.time() < end:
        ops = trace_ops(trace) if os.path.exists(trace) else []
        hits = find(ops, op, text)
        if hits:
            return hits
        time.sleep(0.1)
    return []


# ---- no daemon: DISCONNECTED, and the screenshot still comes ---------------
port = free_port()
shot = os.path.join(d, "disconnected.ppm")
start = time.time()
p, dev, trace = board(port, "disconnected", "--screenshot", shot)
try:
    p.wait(timeout=15)
except subprocess.TimeoutExpired:
    p.kill()
check(p.returncode == 0, "no daemon: --screenshot exits 0 after %.1f s"
      % (time.time() - start))
check(3 <= time.time() - start < 10, "no daemon: after about 3 heartbeats")
check(os.path.exists(shot) and os.path.getsize(shot) > 960 * 540 * 3,
      "no daemon: the screenshot is written")
ops = trace_ops(trace)
banner = find(ops, "big", "DISCONNECTED") or find(ops, "text", "DISCONNECTED")
if check(len(banner) == 1, "no daemon: DISCONNECTED on the board"):
    check(Frame(dev, 960, 540, 32).count(banner[0]["rect"], RED_BG) > 1000,
          "no daemon: the banner is red on the framebuffer")

# ---- a publisher: figures, then STALE when it stops ------------------------
ctx = zmq.Context()
pub = ctx.socket(zmq.PUB)
port = pub.bind_to_random_port("tcp://127.0.0.1")


last_sent = [0.0]


def publish_for(seconds):
    end = time.time() + seconds
    while time.time() < end:
        pub.send_multipart([b"snapshot", doc])
        last_sent[0] = time.time()
        time.sleep(0.2)


p, dev, trace = board(port, "live")
publish_for(1.5)
sl = last_frame_with(trace, "big", "50%", 3)
check(len(sl) == 1 and sl[0]["fg"] == RED, "live: Support SL 50% in red")
if sl:
    check(Frame(dev, 960, 540, 32).count(sl[0]["rect"], RED) > 500,
          "live: red pixels on the framebuffer")
check(not find(trace_ops(trace), "big", "STALE"), "live: not stale yet")
banner = last_frame_with(trace, "big", "STALE", 6)
waited = time.time() - last_sent[0]
if check(len(banner) == 1, "stopped: STALE %.1f s after the last snapshot "
         "(3 heartbeats: 3 s)" % waited):
    check(waited >= 2.9, "stopped: not before 3 heartbeats")
    # the trace says what was drawn; the copy to the framebuffer follows
    # it within the same frame: read it until it has landed (at most 1 s)
    end = time.time() + 1.0
    while (Frame(dev, 960, 540, 32).count(banner[0]["rect"], RED_BG) <= 1000
           and time.time() < end):
        time.sleep(0.05)
    check(Frame(dev, 960, 540, 32).count(banner[0]["rect"], RED_BG) > 1000,
          "stopped: the banner is red on the framebuffer")
publish_for(1.0)
check(not last_frame_with(trace, "big", "STALE", 0.1) and
      last_frame_with(trace, "big", "50%", 2),
      "back: the banner goes when snapshots come again")
p.send_signal(signal.SIGTERM)
try:
    p.wait(timeout=5)
except subprocess.TimeoutExpired:
    p.kill()
check(p.returncode == 0, "SIGTERM: exits 0")

# ---- --screenshot exits after the first snapshot ---------------------------
shot = os.path.join(d, "live.ppm")
p, dev, trace = board(port, "shot", "--screenshot", shot)
start = time.time()
while p.poll() is None and time.time() - start < 10:
    pub.send_multipart([b"snapshot", doc])
    time.sleep(0.1)
check(p.returncode == 0 and time.time() - start < 3,
      "screenshot: exits 0 after the first snapshot (%.1f s)"
      % (time.time() - start))
check(os.path.exists(shot), "screenshot: written")
check(find(trace_ops(trace), "big", "50%") != [],
      "screenshot: of the snapshot's figures")
pub.close(0)
ctx.term()
finish()
