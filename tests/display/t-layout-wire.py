"""The layout travels with the board (PROTOCOL §6.15), on the terminal
board in tmux against the real daemon over real ZeroMQ:
- a board given only --endpoint and --board shows the configured tiles;
- the daemon reloads with a changed tile label: the board shows it, no
  restart;
- a board behind wallboard-relay gets the layout too (from the relay's
  cache: it joins after the daemon sent it);
- layouts published from a test socket (the board's second endpoint) that
  are malformed, oversized, or name an unknown metric are refused, counted
  and said, and the board keeps its layout; of two valid ones, the newest
  "loaded" wins."""
import json
import os
import signal
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "live"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "relay"))
import wb  # noqa: E402
from wb import check  # noqa: E402
import screen  # noqa: E402
from tmuxpane import Tmux  # noqa: E402
import zmq  # noqa: E402
from relay import Relay  # noqa: E402

WALLBOARD = os.path.join(wb.ROOT, wb.BUILD, "wallboard")
BOARD = """queues:
  support: {{label: Support}}
boards:
  floor:
    title: Wire
    pages:
      - title: Now
        tiles:
          - {{scope: "queue:support", metric: offered, window: 15m, label: {first}}}
          - {{scope: "queue:support", metric: waiting, label: Queue}}
"""


def labels(text):
    return [label for label, _ in screen.tiles(text.splitlines())]


def wait_labels(tmux, want, timeout=8):
    end = time.time() + timeout
    got = []
    while time.time() < end:
        got = labels(tmux.capture())
        if got == want:
            return got
        time.sleep(0.1)
    return got


def reload_with(d, first):
    with open(d.config) as f:
        text = f.read()
    with open(d.config, "w") as f:
        f.write(text.replace("label: Offered", f"label: {first}"))
    d.proc.send_signal(signal.SIGHUP)


def board(endpoints, err):
    ends = " ".join(f"--endpoint {e}" for e in endpoints)
    return Tmux(f"{WALLBOARD} --board floor --ascii {ends} 2>{err}",
                width=100, name="wb-layout")


def test_endpoint_and_name_only():
    d = wb.Daemon(BOARD.format(first="Offered"))
    tmux = None
    err = tempfile.mktemp(prefix="wb-layout-err-")
    try:
        d.start()
        tmux = board([f"tcp://127.0.0.1:{d.pub}"], err)
        check("the configured tiles, from the daemon",
              wait_labels(tmux, ["Offered", "Queue"]), ["Offered", "Queue"])
        check("the board's title from the layout", "Wire" in tmux.capture(),
              True)
        reload_with(d, "Calls in")
        t0 = time.time()
        check("after a reload, the new label without a restart",
              wait_labels(tmux, ["Calls in", "Queue"], 5),
              ["Calls in", "Queue"])
        check("within 2 s of the reload", time.time() - t0 < 2, True)
    finally:
        if tmux:
            tmux.close()
        d.close()
        if os.path.exists(err):
            os.unlink(err)


def test_behind_relay():
    d = wb.Daemon(BOARD.format(first="Offered"))
    relay = tmux = None
    err = tempfile.mktemp(prefix="wb-layout-err-")
    try:
        d.start()
        relay = Relay([f"tcp://127.0.0.1:{d.pub}"])
        time.sleep(1.0)     # the relay joins; the daemon sends the layout
        tmux = board([relay.endpoint], err)
        check("a board behind the relay shows the daemon's tiles",
              wait_labels(tmux, ["Offered", "Queue"]), ["Offered", "Queue"])
        reload_with(d, "Through")
        check("and follows a reload through the relay",
              wait_labels(tmux, ["Through", "Queue"], 5), ["Through", "Queue"])
    finally:
        if tmux:
            tmux.close()
        if relay:
            relay.close()
        d.close()
        if os.path.exists(err):
            os.unlink(err)


def layout_doc(label, loaded, metric="offered"):
    return {"v": 1, "name": "floor", "title": "Rogue", "site": "Test",
            "rotate_ms": 0, "heartbeat_ms": 200, "loaded": loaded,
            "pages": [{"title": "Now", "agent_grid": False, "tiles": [
                {"scope": "queue:support", "metric": metric,
                 "window": "15m", "label": label, "good_below": False,
                 "amber": None, "red": None}]}]}


def test_bad_layouts_refused():
    d = wb.Daemon(BOARD.format(first="Offered"))
    ctx = zmq.Context.instance()
    rogue = ctx.socket(zmq.PUB)
    port = wb.free_port()
    rogue.bind(f"tcp://127.0.0.1:{port}")
    tmux = None
    err = tempfile.mktemp(prefix="wb-layout-err-")
    try:
        d.start()
        tmux = board([f"tcp://127.0.0.1:{d.pub}", f"tcp://127.0.0.1:{port}"],
                     err)
        check("the daemon's tiles", wait_labels(tmux, ["Offered", "Queue"]),
              ["Offered", "Queue"])
        now = int(time.time() * 1000)
        big = layout_doc("Big", now + 86400000)
        big["title"] = "x" * 70000
        bad = [b"{not json",
               json.dumps(big).encode(),
               json.dumps(layout_doc("Nope", now + 86400000,
                                     metric="no_such_metric")).encode(),
               json.dumps(dict(layout_doc("Many", now + 86400000),
                               pages=[{"title": "p", "tiles": [
                                   {"metric": "waiting"}] * 65}])).encode()]
        for body in bad:
            rogue.send_multipart([b"layout/floor", body])
            time.sleep(0.3)
        check("bad layouts change nothing", wait_labels(
            tmux, ["Offered", "Queue"], 1), ["Offered", "Queue"])
        # Valid, but from a config loaded before the daemon's: passed over.
        rogue.send_multipart([b"layout/floor", json.dumps(
            layout_doc("Older", 1000)).encode()])
        time.sleep(0.5)
        check("an older config's layout is passed over",
              labels(tmux.capture()), ["Offered", "Queue"])
        # Valid and newer than the daemon's: it wins (newest load wins).
        rogue.send_multipart([b"layout/floor", json.dumps(
            layout_doc("Newest", now + 86400000)).encode()])
        check("the newest config's layout wins",
              wait_labels(tmux, ["Newest"], 5), ["Newest"])
        with open(err) as f:
            running = f.read()
        check("a refusal is said while it runs (stderr is a file)",
              "layout refused (1 so far)" in running and "not a JSON" in
              running, True)
        tmux.keys("q")
        end = time.time() + 5
        text = ""
        while time.time() < end and "layouts refused" not in text:
            time.sleep(0.1)
            with open(err) as f:
                text = f.read()
        check("each bad layout counted, the last reason given",
              "wallboard: 4 layouts refused (last: " in text and
              "more than 64 tiles" in text, True)
        if wb.FAILURES:
            print(text)
    finally:
        if tmux:
            tmux.close()
        rogue.close(0)
        d.close()
        if os.path.exists(err):
            os.unlink(err)


def test_subscription_flood_bounded():
    """A peer that subscribes and unsubscribes as fast as it can makes the
    daemon send at most one round of layouts every 100 ms."""
    d = wb.Daemon(BOARD.format(first="Offered"))
    try:
        d.start()
        watcher = d.subscriber(b"layout/floor")
        time.sleep(0.5)
        while watcher.poll(300):
            watcher.recv_multipart()        # its own welcome
        # XSUB: each subscription message goes out as sent (a SUB socket
        # would fold repeats away).
        flooder = zmq.Context.instance().socket(zmq.XSUB)
        flooder.setsockopt(zmq.SNDHWM, 0)
        flooder.connect(f"tcp://127.0.0.1:{d.pub}")
        time.sleep(0.3)
        arrivals = []
        done = threading.Event()

        def read():     # its own thread: each arrival stamped as it comes
            while not done.is_set():
                if watcher.poll(10):
                    watcher.recv_multipart()
                    arrivals.append(time.monotonic())

        reader = threading.Thread(target=read)
        reader.start()
        t0 = time.time()
        cycles = 0
        while time.time() - t0 < 2.0:
            for _ in range(200):
                flooder.send(b"\x01layout/")
            cycles += 200
            time.sleep(0.001)
        time.sleep(0.5)     # what the daemon still had queued
        done.set()
        reader.join()
        n = len(arrivals)
        span = arrivals[-1] - arrivals[0] if arrivals else 0
        print("gaps (ms):", [round((b - a) * 1000) for a, b in zip(arrivals, arrivals[1:])])
        print("layout messages during the flood:", n, "over", round(span, 2),
              "s; subscriptions sent:", cycles)
        check(f"{cycles} subscriptions: rounds of layouts at most one per "
              f"100 ms (+2 for timing)", 1 <= n <= int(span * 10) + 2, True)
        check("the daemon still answers", d.snapshot().get("v"), 1)
        watcher.close(0)
        flooder.close(0)
    finally:
        d.close()


if __name__ == "__main__":
    sys.exit(wb.run([test_endpoint_and_name_only, test_behind_relay,
                     test_bad_layouts_refused,
                     test_subscription_flood_bounded], "layout-wire"))
