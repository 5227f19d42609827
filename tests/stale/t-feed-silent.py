"""A dead PBX link never looks live, end to end, with every part real: the
daemon, the simulator publishing a busy floor into it, the terminal board in
tmux and the framebuffer board drawing into a file framebuffer, both
subscribed to the daemon.

The simulator is frozen with SIGSTOP (what a hung bridge or a cut link looks
like from the daemon: nothing comes). With feeds.stale_after 3 s and a
publish heartbeat of 500 ms, both boards must mark the figures stale within
stale_after + one heartbeat of the feed's last event (plus the boards' own
redraw tick, 1 s), saying which feed is silent; /healthz says degraded. After
SIGCONT the marking must go within a heartbeat and a tick, and /healthz is ok.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "live"))
sys.path.insert(0, os.path.join(HERE, "..", "fb"))
import wb  # noqa: E402
from wb import FAILURES  # noqa: E402
import fbtest  # noqa: E402

FEED = os.path.join(wb.ROOT, wb.BUILD, "wallboard-feed")
BOARD = os.path.join(wb.ROOT, wb.BUILD, "wallboard")
STALE_AFTER = 3.0
HEARTBEAT = 0.5
TICK = 1.0          # the boards redraw at least once a second
SLACK = 1.0         # scheduling on a loaded 2-core CI machine
W, H = 960, 540


def http_get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
            return r.status, r.read().decode()
    except Exception as e:      # noqa: BLE001
        return None, str(e)


def busy_morning():
    """The latest 10:00 UTC an hour or more ago: the simulator's floor is
    busy then, so events come several a second even at 10x."""
    hour = 3600 * 1000
    now = int(time.time() * 1000)
    start = now // (24 * hour) * (24 * hour) + 10 * hour
    return start - 24 * hour if start + hour > now else start


class Floor:
    def __init__(self):
        self.http = wb.free_port()
        self.d = wb.Daemon(f"""feeds: {{stale_after: 3s}}
http: {{listen: "127.0.0.1:{self.http}"}}
queues: {{support: {{label: Support}}, sales: {{label: Sales}}, billing: {{label: Billing}}}}
boards:
  floor:
    title: Floor
    pages:
      - tiles:
          - {{scope: "queue:support", metric: service_level, window: 15m, label: Support SL}}
          - {{scope: all, metric: waiting, good: below, amber: 20, red: 40}}
          - {{scope: all, metric: agents_busy}}
""")
        # the daemon's heartbeat: 500 ms (wb's default is 200 ms)
        with open(self.d.config) as f:
            text = f.read().replace("heartbeat: 200ms", "heartbeat: 500ms")
        with open(self.d.config, "w") as f:
            f.write(text)
        self.d.start()
        self.sim = subprocess.Popen(
            [FEED, "sim", "--speed", "10", "--start", str(busy_morning()),
             "--endpoint", f"tcp://127.0.0.1:{self.d.ingest}"],
            stderr=subprocess.DEVNULL)
        self.sock = f"wb-stale-{os.getpid()}"
        endpoint = f"tcp://127.0.0.1:{self.d.pub}"
        subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session", "-d",
                        "-s", "board", "-x", "120", "-y", "40",
                        f"{BOARD} -c {self.d.config} --board floor --endpoint {endpoint}"],
                       check=True)
        subprocess.run(["tmux", "-L", self.sock, "set-option", "-g", "status", "off"])
        self.fbdir = fbtest.tmpdir()
        self.dev = os.path.join(self.fbdir, "fb.raw")
        self.trace = os.path.join(self.fbdir, "fb.trace")
        self.fb = subprocess.Popen(
            [fbtest.FB, "-c", self.d.config, "--board", "floor", "--endpoint", endpoint,
             "--device", self.dev, "--geometry", f"{W}x{H}x32", "--trace", self.trace],
            stderr=subprocess.DEVNULL)

    def screen(self):
        return subprocess.run(["tmux", "-L", self.sock, "capture-pane", "-p", "-t", "board"],
                              capture_output=True, text=True).stdout

    def fb_ops(self):
        return fbtest.trace_ops(self.trace) if os.path.exists(self.trace) else []

    def close(self):
        for p in (self.sim, self.fb):
            try:
                p.send_signal(signal.SIGCONT)
                p.kill()
                p.wait(timeout=5)
            except Exception:       # noqa: BLE001
                pass
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], stderr=subprocess.DEVNULL)
        self.d.close()


SILENT = re.compile(r"no data from sim")


def terminal_stale(f):
    return SILENT.search(f.screen()) is not None


def fb_stale(f):
    return any(SILENT.search(o["text"]) for o in f.fb_ops() if o["op"] == "text")


def wait(pred, timeout):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


def tile_colours(f):
    """The colours of the tiles' big figures in the framebuffer: which of
    green, amber and red appear in them."""
    frame = fbtest.Frame(f.dev, W, H, 32)
    seen = set()
    for o in f.fb_ops():
        if o["op"] != "big":
            continue
        for name, c in (("green", fbtest.GREEN), ("amber", fbtest.AMBER), ("red", fbtest.RED)):
            if frame.count(o["rect"], c) > 0:
                seen.add(name)
    return seen


def test_sigstop_and_resume():
    f = Floor()
    try:
        live = wait(lambda: "Support SL" in f.screen() and f.d.snapshot()["feeds"]
                    .get("sim", {}).get("events", 0) > 20 and f.fb_ops(), 20)
        if not live:
            FAILURES.append("the floor never came up: " + f.screen())
            return
        if terminal_stale(f) or fb_stale(f):
            FAILURES.append("marked stale while the feed is live:\n" + f.screen())
        wb.check("healthz while live", http_get(f.http, "/healthz"), (200, "ok\n"))

        f.sim.send_signal(signal.SIGSTOP)
        stopped = time.time()
        last = f.d.snapshot()["feeds"]["sim"]["last_event"]
        bound = STALE_AFTER + HEARTBEAT + TICK + SLACK
        if not wait(lambda: terminal_stale(f), bound):
            FAILURES.append(f"terminal: no stale marking {bound} s after SIGSTOP:\n" + f.screen())
        t_term = time.time() - stopped
        if not wait(lambda: fb_stale(f), 1.0):
            FAILURES.append("framebuffer: no 'no data from sim' in the frame")
        t_fb = time.time() - stopped
        print(f"     stale shown after {t_term:.1f} s (terminal), {t_fb:.1f} s (framebuffer)")
        screen = f.screen()
        # every feed silent: the STALE band (big letters) over all the tiles,
        # saying why
        if "these figures are old" not in screen:
            FAILURES.append("terminal: no STALE band with the only feed silent:\n" + screen)
        # the silence quoted is the daemon's, in m:ss, at least stale_after
        m = re.search(r"no data from sim for (\d+):(\d\d)", screen)
        if m is None or int(m.group(1)) * 60 + int(m.group(2)) < STALE_AFTER:
            FAILURES.append("terminal: the silence is not said: " + screen)
        # grey, not green/amber/red: a stale figure claims neither good nor bad
        time.sleep(TICK)
        colours = tile_colours(f)
        if colours:
            FAILURES.append(f"framebuffer: stale figures still coloured {sorted(colours)}")
        status, body = http_get(f.http, "/healthz")
        if status != 200 or not body.startswith("degraded: silent feeds: sim for "):
            FAILURES.append(f"healthz while silent: {status} {body!r}")
        snap = f.d.snapshot()
        wb.check("snapshot: all stale", snap["scopes"]["all"]["stale"], True)
        wb.check("snapshot: feed stale", snap["feeds"]["sim"]["state"], "stale")
        wb.check("snapshot: no event while stopped", snap["feeds"]["sim"]["last_event"], last)

        f.sim.send_signal(signal.SIGCONT)
        resumed = time.time()
        bound = HEARTBEAT + TICK + SLACK
        if not wait(lambda: not terminal_stale(f) and not fb_stale(f), bound):
            FAILURES.append(f"still stale {bound} s after SIGCONT:\n" + f.screen())
        print(f"     fresh again after {time.time() - resumed:.1f} s")
        wb.check("healthz after resuming", http_get(f.http, "/healthz"), (200, "ok\n"))
    finally:
        f.close()


if __name__ == "__main__":
    if shutil.which("tmux") is None:
        print("tmux is missing (make deps test installs it)")
        sys.exit(1)
    sys.exit(wb.run([test_sigstop_and_resume], "feed silent"))
