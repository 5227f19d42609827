#!/usr/bin/env python3
"""wallboardctl's report tables on a real terminal (tmux) at 80x24 and
120x40: nothing wraps, the abandoned list reads as worked by hand, and the
interval table keeps its first columns on 80 columns (all of them, with
STAFFED, on 120)."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "live"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wb  # noqa: E402
from hist import bad, ctl, expect, finish, get  # noqa: E402,F401




tmp = tempfile.mkdtemp(prefix="wb-tmux-")
sock = "wb-report-%d" % os.getpid()
env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", TMUX_TMPDIR=tmp, TERM="xterm")
env.pop("TMUX", None)


def tmux(*args):
    return subprocess.run(["tmux", "-u", "-L", sock, "-f", "/dev/null"] + list(args),
                          env=env, capture_output=True, text=True).stdout


n_screens = 0


def screen_of(cmd, w, h, done):
    global n_screens
    n_screens += 1
    name = f"r{n_screens}"
    tmux("new-session", "-d", "-s", name, "-x", str(w), "-y", str(h), cmd + "; sleep 30")
    tmux("set-option", "-g", "status", "off")
    text = ""
    end = time.time() + 15
    while time.time() < end:
        text = tmux("capture-pane", "-p", "-t", name)
        if done in text:
            break
        time.sleep(0.1)
    return text


d = wb.Daemon().start()
try:
    pub = d.publisher()
    now = int(time.time() * 1000)
    base = now - 100000
    seq = 1
    # sent call by call, so c2 hangs up (base + 4 s) after the others
    # arrived (base + 90 s, + 95 s): the list goes by when they hung up
    for call, q, qts, ats, caller in (("1796400000.123456", "sales", base, base + 90000, "h:x"),
                                      ("c2", "support-and-billing-desk", base + 1000,
                                       base + 4000, None),
                                      ("c3", "sales", base + 2000, base + 95000, "h:x")):
        f = dict(call=call, queue=q)
        if caller:
            f["caller"] = caller
        wb.send(pub, wb.ev("call.queued", qts, seq, **f))
        wb.send(pub, wb.ev("call.abandoned", ats, seq + 1, call=call, queue=q))
        seq += 2
    d.wait_for(lambda s: s["scopes"].get("queue:sales", {}).get("windows", {})
               .get("today", {}).get("abandoned") == 2)
    ctl = f"{wb.WALLBOARDCTL} -c {d.config}"
    for w, h in ((80, 24), (120, 40)):
        text = screen_of(f"{ctl} report --abandoned", w, h, "rows, times in")
        lines = [l.rstrip() for l in text.splitlines() if l.strip()]
        expect(f"{w}x{h}: header", lines and lines[0].split() == ["TIME", "QUEUE", "WAITED",
                                                                  "CALLER", "CALL"], text)
        rows = [l.split() for l in lines[1:4]]
        expect(f"{w}x{h}: rows by hang-up time",
               [r[1:] for r in rows] == [["support-and-bill", "3s*", "-", "c2"],
                                         ["sales", "90s", "#1", "x2", "1796400000.123456"],
                                         ["sales", "93s", "#1", "x2", "c3"]], text)
        expect(f"{w}x{h}: no line wraps", all(len(l) < w for l in lines), text)
        text = screen_of(f"{ctl} report", w, h, "interval")
        lines = [l.rstrip() for l in text.splitlines() if l.strip()]
        head = lines[0].split() if lines else []
        expect(f"{w}x{h}: interval header", head[:8] == ["SCOPE", "START", "SL", "OFFERED",
                                                         "ANSWERED", "ABANDON", "ASA", "AHT"],
               text)
        expect(f"{w}x{h}: columns for the width", ("STAFFED" in head) == (w >= 113), text)
        expect(f"{w}x{h}: interval header fits", len(lines[0]) <= w if lines else False, text)
finally:
    tmux("kill-server")
    d.close()
finish()
