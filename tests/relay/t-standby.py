"""The hot standby, seen on the terminal board (tmux): a wallboard given two
daemons (--endpoint A --endpoint B) fed the same events. While A is killed
the board never shows STALE and its figure never steps back, and it goes on
counting from B; with B killed too, STALE is up within 3 heartbeats."""
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "display"))
from relay import wb  # noqa: E402
from wb import check, ev  # noqa: E402
import screen  # noqa: E402
from tmuxpane import Tmux  # noqa: E402

WALLBOARD = os.path.join(wb.ROOT, wb.BUILD, "wallboard")
HEARTBEAT_MS = 200
BOARD = """queues:
  support: {label: Support}
boards:
  floor:
    title: Standby
    scopes: ["queue:support"]
    pages:
      - title: Now
        tiles:
          - {scope: "queue:support", metric: offered, window: today, label: Offered}
"""


def offered(text):
    for label, figure in screen.tiles(text.splitlines()):
        if label.startswith("Offered"):
            try:
                return int(figure)
            except (TypeError, ValueError):
                return None
    return None


class Feeder(threading.Thread):
    """The same events, every 100 ms, to each daemon still running."""

    def __init__(self, daemons):
        super().__init__(daemon=True)
        self.pubs = [(d, d.publisher()) for d in daemons]
        self.stop = threading.Event()
        self.sent = 0

    def run(self):
        while not self.stop.is_set():
            self.sent += 1
            n, ts = self.sent, int(time.time() * 1000)
            events = [ev("call.queued", ts - 5, 2 * n - 1, call=f"c{n}",
                         queue="support"),
                      ev("call.abandoned", ts, 2 * n, call=f"c{n}")]
            for d, pub in self.pubs:
                if d.proc.poll() is None:
                    for e in events:
                        wb.send(pub, e)
            time.sleep(0.1)


def watch(tmux, seconds, seen):
    """Capture the pane every 50 ms for `seconds`: (figure, stale) each."""
    end = time.time() + seconds
    while time.time() < end:
        text = tmux.capture()
        seen.append((time.time(), offered(text),
                     "STALE" in text or "DISCONNECTED" in text, text))
        time.sleep(0.05)


def test_failover():
    extra = BOARD
    a = wb.Daemon(extra)
    b = wb.Daemon(extra)
    for d in (a, b):
        with open(d.config) as f:
            text = f.read().replace("heartbeat: 200ms",
                                    f"heartbeat: {HEARTBEAT_MS}ms")
        with open(d.config, "w") as f:
            f.write(text)
    tmux = None
    feeder = None
    try:
        a.start()
        b.start()
        feeder = Feeder([a, b])
        feeder.start()
        tmux = Tmux(f"{WALLBOARD} -c {a.config} --board floor --ascii "
                    f"--endpoint tcp://127.0.0.1:{a.pub} "
                    f"--endpoint tcp://127.0.0.1:{b.pub}", name="wb-standby")
        end = time.time() + 10
        while time.time() < end and not (offered(tmux.capture()) or 0) > 0:
            time.sleep(0.1)
        seen = []
        watch(tmux, 1.5, seen)
        a.stop(signal.SIGKILL)
        killed_a = time.time()
        watch(tmux, 2.5, seen)
        figures = [f for _, f, _, _ in seen if f is not None]
        check("figures read off the screen", len(figures) > 20, True)
        steps_back = [(x, y) for x, y in zip(figures, figures[1:]) if y < x]
        check("the figure never steps back", steps_back, [])
        stale = [t for t, _, s, _ in seen if s]
        check("never STALE while one daemon lives", stale, [])
        before = [f for t, f, _, _ in seen if t < killed_a and f is not None]
        after = [f for t, f, _, _ in seen if t > killed_a + 1 and f is not None]
        check("counting on from the standby",
              bool(before and after and max(after) > max(before)), True)
        feeder.stop.set()
        b.stop(signal.SIGKILL)
        killed_b = time.time()
        up = None
        while time.time() < killed_b + 3:
            if "STALE" in tmux.capture():
                up = time.time() - killed_b
                break
            time.sleep(0.05)
        check(f"STALE within 3 heartbeats of both dying (+0.3 s to see it; "
              f"{up})", up is not None and up < 3 * HEARTBEAT_MS / 1000 + 0.3,
              True)
        if wb.FAILURES:
            print(seen[-1][3] if seen else "")
    finally:
        if feeder:
            feeder.stop.set()
        if tmux:
            tmux.close()
        a.close()
        b.close()


if __name__ == "__main__":
    sys.exit(wb.run([test_failover], "standby"))
