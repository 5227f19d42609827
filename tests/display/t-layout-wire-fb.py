"""The layout travels with the board (PROTOCOL §6.15), on wallboard-fb
against the real daemon over real ZeroMQ, given only --endpoint and
--board: the file framebuffer's --trace shows the configured tile labels,
and after a reload with a changed label the new one, without a restart;
--png waits for the layout, then writes the frame with the tiles."""
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "live"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fb"))
import wb  # noqa: E402
from wb import check  # noqa: E402
from fbtest import FB, trace_ops  # noqa: E402

BOARD = """queues:
  support: {label: Support}
boards:
  tv:
    title: Wire
    pages:
      - title: Now
        tiles:
          - {scope: "queue:support", metric: offered, window: 15m, label: Offered}
          - {scope: "queue:support", metric: waiting, label: Queue}
"""


def texts(trace):
    if not os.path.exists(trace):
        return set()
    return {o["text"].strip() for o in trace_ops(trace) if o["op"] == "text"}


def wait_text(trace, want, gone=None, timeout=8):
    end = time.time() + timeout
    while time.time() < end:
        t = texts(trace)
        if want in t and (gone is None or gone not in t):
            return True
        time.sleep(0.1)
    return False


def test_fb_follows_the_daemon():
    d = wb.Daemon(BOARD)
    p = None
    try:
        d.start()
        dev = os.path.join(d.dir, "fb.raw")
        trace = os.path.join(d.dir, "fb.trace")
        p = subprocess.Popen([FB, "--board", "tv", "--endpoint",
                              f"tcp://127.0.0.1:{d.pub}", "--device", dev,
                              "--geometry", "960x540x32", "--trace", trace],
                             stderr=subprocess.PIPE, text=True)
        check("the daemon's labels drawn", wait_text(trace, "Offered") and
              "Queue" in texts(trace), True)
        with open(d.config) as f:
            text = f.read()
        with open(d.config, "w") as f:
            f.write(text.replace("label: Offered", "label: Calls in"))
        d.proc.send_signal(signal.SIGHUP)
        check("the new label after a reload, no restart",
              wait_text(trace, "Calls in", gone="Offered", timeout=5), True)
    finally:
        if p:
            p.terminate()
            p.wait(timeout=5)
        d.close()


def test_png_waits_for_the_layout():
    d = wb.Daemon(BOARD)
    try:
        d.start()
        png = os.path.join(d.dir, "board.png")
        trace = os.path.join(d.dir, "fb.trace")
        r = subprocess.run([FB, "--board", "tv", "--endpoint",
                            f"tcp://127.0.0.1:{d.pub}", "--device",
                            os.path.join(d.dir, "fb.raw"), "--geometry",
                            "960x540x32", "--png", png, "--trace", trace],
                           capture_output=True, text=True, timeout=20)
        check("wallboard-fb --png exits 0", r.returncode, 0)
        check("a PNG written", os.path.exists(png) and
              open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n", True)
        t = texts(trace)
        check("its frame has the daemon's tiles",
              {"Offered", "Queue"} <= t, True)
        check("and not the waiting page", any("waiting" in x for x in t),
              False)
        if os.environ.get("WB_KEEP_PNG"):
            os.replace(png, os.environ["WB_KEEP_PNG"])
    finally:
        d.close()


if __name__ == "__main__":
    sys.exit(wb.run([test_fb_follows_the_daemon,
                     test_png_waits_for_the_layout], "layout-wire-fb"))
