"""One number, one rounding, end to end: the real wallboardd fed calls whose
service level sits on a rounding edge, its snapshot drawn by the real
terminal board (`wallboard --text`), and the tile read back the way a person
reads it (tests/display/screen.py). The tile and the alert line show the
same digits, and an alert fires exactly when the figure the tile shows is
past the level:

    SL 123/200 = 0.615   tile 62%   below 63%: fires "62% < 63%"
                                    below 62%: no alert (62% is not < 62%)
    SL 7999/10000        tile 80%   below 80%: no alert
    SL 4/5 = 0.80        tile 80%   below 80%: no alert
    SL 79/100            tile 79%   below 80%: fires "79% < 80%"

The levels are worked out by hand above; the board and the daemon are
separate programs, so the test sees what a floor would."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wb  # noqa: E402
from wb import FAILURES, check, ev  # noqa: E402

WALLBOARD = os.path.join(wb.ROOT, wb.BUILD, "wallboard")
SCREEN = os.path.join(wb.ROOT, "tests", "display", "screen.py")
S = 1000


def config(level):
    return f"""queues:
  support: {{label: Support}}
alerts:
  - name: sl
    metric: service_level
    window: 15m
    scope: "queue:support"
    below: {level}
boards:
  floor:
    pages:
      - tiles:
          - {{scope: "queue:support", metric: service_level, window: 15m, label: Support SL}}
"""


def board(d, tmp):
    """The board's frame of the daemon's snapshot, and the tiles read off it."""
    snap = os.path.join(tmp, "snap.json")
    with open(snap, "w") as f:
        f.write(subprocess.run([wb.WALLBOARDCTL, "-c", d.config, "snapshot"],
                               capture_output=True, text=True, check=True).stdout)
    frame = subprocess.run([WALLBOARD, "-c", d.config, "--board", "floor", "--text",
                            "100x30", "--snapshot", snap], capture_output=True, text=True,
                           check=True).stdout
    shot = os.path.join(tmp, "frame.txt")
    with open(shot, "w") as f:
        f.write(frame)
    tiles = subprocess.run([wb.PYTHON if hasattr(wb, "PYTHON") else sys.executable,
                            SCREEN, shot], capture_output=True, text=True).stdout
    return frame, tiles


def case(n, in_sl, level, tile, alert):
    d = wb.Daemon(config(level)).start()
    try:
        pub = d.publisher()
        now = int(time.time() * 1000)
        seq = 0
        for i in range(n):
            wait = 5 if i < in_sl else 30     # T = 20 s
            seq += 1
            wb.send(pub, ev("call.queued", now - 60 * S, seq, call=f"c{i}", queue="support"))
            seq += 1
            wb.send(pub, ev("call.answered", now - (60 - wait) * S, seq, call=f"c{i}", agent="a1"))
        d.wait_for(lambda s: s["feeds"].get("t", {}).get("events") == seq, timeout=30)
        time.sleep(0.5)     # the alerts are judged with the next snapshot
        frame, tiles = board(d, d.dir)
        label = f"{in_sl}/{n} under {level}"
        check(f"{label}: the tile", f"Support SL: {tile}" in tiles.splitlines(), True)
        sl = [a for a in d.snapshot()["alerts"] if a["id"] == "sl/queue:support"]
        if alert is None:
            check(f"{label}: no alert", sl, [])
        else:
            check(f"{label}: the alert", sl[0]["text"] if sl else None, alert)
            if alert not in frame:
                FAILURES.append(f"{label}: the board's alert line lacks {alert!r}:\n{frame}")
        if FAILURES:
            print(frame)
            print(tiles)
    finally:
        d.close()


def test_rounding_edges():
    case(200, 123, "63%", "62%", "Support SL 62% < 63%")
    case(200, 123, "62%", "62%", None)
    case(10000, 7999, "80%", "80%", None)
    case(5, 4, "80%", "80%", None)
    case(100, 79, "80%", "79%", "Support SL 79% < 80%")


if __name__ == "__main__":
    sys.exit(wb.run([test_rounding_edges], "one number"))
