"""The hot standby on wallboard-fb (file framebuffer, --trace): two
publishers on its two --endpoints, B 3 s behind A in `now` (a skewed clock,
a lagging feed) and showing other figures (SL 25% against A's 50%). While A
publishes, B's older snapshots are never drawn; when A stops, B's are drawn
after 1.5 heartbeats (1.5 s) of A's silence, not before, and without STALE
in between."""
import os
import signal
import subprocess
import sys
import threading
import time

import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fb"))
from fbtest import (CONFIG, FB, SNAPSHOT, SNAP_NOW, check, find,  # noqa: E402
                    finish, tmpdir, trace_ops)

d = tmpdir()
doc = open(SNAPSHOT, encoding="utf-8").read()
NOW_TEXT = '"now": %d' % SNAP_NOW
assert NOW_TEXT in doc[:128]


def document(now, sl):
    body = doc.replace(NOW_TEXT, '"now": %d' % now, 1)
    return body.replace('"service_level": 0.5,', '"service_level": %s,' % sl,
                        1).encode()


ctx = zmq.Context()
pubs = []
for _ in range(2):
    s = ctx.socket(zmq.PUB)
    s.setsockopt(zmq.LINGER, 0)
    pubs.append((s, s.bind_to_random_port("tcp://127.0.0.1")))
running = {"a": True, "b": True, "all": True}


def publish():
    """A and B publish every 200 ms; B's `now` is 3 s behind A's."""
    start = time.time()
    while running["all"]:
        now = SNAP_NOW + int((time.time() - start) * 1000)
        if running["a"]:
            pubs[0][0].send_multipart([b"snapshot", document(now, "0.5")])
        if running["b"]:
            pubs[1][0].send_multipart([b"snapshot", document(now - 3000, "0.25")])
        time.sleep(0.2)


dev, trace = os.path.join(d, "fb.raw"), os.path.join(d, "fb.trace")
p = subprocess.Popen([FB, "-c", CONFIG, "--board", "floor",
                      "--endpoint", "tcp://127.0.0.1:%d" % pubs[0][1],
                      "--endpoint", "tcp://127.0.0.1:%d" % pubs[1][1],
                      "--device", dev, "--geometry", "960x540x32",
                      "--trace", trace, "--now", str(SNAP_NOW)],
                     stderr=subprocess.PIPE, text=True)
feeder = threading.Thread(target=publish, daemon=True)
feeder.start()
frames = []


def watch(seconds):
    end = time.time() + seconds
    while time.time() < end:
        ops = trace_ops(trace) if os.path.exists(trace) else []
        frames.append((time.time(), bool(find(ops, "big", "50%")),
                       bool(find(ops, "big", "25%")),
                       bool(find(ops, "big", "STALE"))))
        time.sleep(0.05)


try:
    watch(2.5)
    both = frames[:]
    check(any(a for _, a, _, _ in both), "both live: A's SL 50% drawn")
    check(not any(b for _, _, b, _ in both),
          "both live: B's older snapshots never drawn")
    running["a"] = False
    stopped = time.time()
    watch(2.5)
    after = [f for f in frames if f[0] > stopped]
    took = [t - stopped for t, _, b, _ in after if b]
    check(bool(took) and 1.3 < took[0] < 2.2,
          "A stopped: B's SL 25%% drawn after %s s (1.5 heartbeats: 1.5 s)"
          % ("%.2f" % took[0] if took else "never"))
    check(not any(s for _, _, _, s in frames), "never STALE while B publishes")
finally:
    running["all"] = False
    feeder.join()
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
    for s, _ in pubs:
        s.close()
    ctx.term()
finish()
