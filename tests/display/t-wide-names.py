"""The terminal board in a real terminal (tmux, UTF-8) keeps its agent grid
with names in Chinese and with an emoji: each agent's time ends in the
same column as the others' in its grid column, counted in the cells the
terminal gives each character (Python's unicodedata: East Asian Wide and
Fullwidth characters take two, an independent route from draw/width.c).
A test publisher sends tests/fb/snapshot-wide.json (王小明, "Li 😀 Na",
"José Ñúñez" among ASCII names) on the `snapshot` topic.
"""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata

import zmq

ROOT = os.environ.get("WB_ROOT", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
CONFIG = os.path.join(ROOT, "tests", "display", "board.yaml")
DOC = open(os.path.join(ROOT, "tests", "fb", "snapshot-wide.json"), "rb").read()
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)
    return ok


def cells(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in s)


ctx = zmq.Context()
pub = ctx.socket(zmq.PUB)
port = pub.bind_to_random_port("tcp://127.0.0.1")
stop = threading.Event()


def publish():
    while not stop.is_set():
        pub.send_multipart([b"snapshot", DOC])
        time.sleep(0.2)


threading.Thread(target=publish, daemon=True).start()
sock = "wb-wide-%d" % os.getpid()
tmp = tempfile.mkdtemp(prefix="wb-wide-")
env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", TMUX_TMPDIR=tmp)
env.pop("TMUX", None)


def tmux(*args):
    return subprocess.run(["tmux", "-u", "-L", sock, "-f", "/dev/null"] +
                          list(args), env=env, capture_output=True,
                          text=True).stdout


try:
    tmux("new-session", "-d", "-s", "board", "-x", "100", "-y", "30",
         "%s/wallboard -c %s --board floor --endpoint tcp://127.0.0.1:%d; "
         "sleep 60" % (BUILD, CONFIG, port))
    tmux("set-option", "-g", "status", "off")
    screen = ""
    end = time.time() + 15
    while time.time() < end:
        screen = tmux("capture-pane", "-p", "-t", "board")
        if "\u738b\u5c0f\u660e" in screen and "Na" in screen:
            break
        time.sleep(0.2)
    print(screen)
    lines = screen.split("\n")
    check(any("\u738b\u5c0f\u660e" in l for l in lines),
          "100x30: 王小明 on the board")
    check(any("Li \U0001F600 Na" in l for l in lines),
          "100x30: 'Li 😀 Na' on the board, its emoji whole")
    # Where each time ends, in terminal cells, line by line.
    clock = re.compile(r"\d+:\d\d(?!:)|\d+h\d\d")
    ends = {}
    for l in lines:
        if not re.search(r"\b(ready|busy|wrap|lunch|traini)", l):
            continue
        ends[l] = set(cells(l[:m.end()]) for m in clock.finditer(l))
    plain = set()
    for l, e in ends.items():
        if cells(l) == len(l):
            plain |= e
    wide = [(l, e) for l, e in ends.items() if cells(l) != len(l)]
    both = "".join(l for l, _ in wide)
    check("\u738b\u5c0f\u660e" in both and "\U0001F600" in both and plain,
          "100x30: agent lines with the wide names (%d) and without (%d)"
          % (len(wide), len(ends) - len(wide)))
    for l, e in wide:
        check(e and e <= plain, "100x30: times end in the grid's columns "
              "(%s, the others at %s) on '%s'" % (sorted(e), sorted(plain),
                                                   l.strip()))
finally:
    tmux("kill-server")
    stop.set()
    subprocess.run(["rm", "-rf", tmp])
print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
