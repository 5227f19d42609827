"""Every size says something true: the terminal board drawn by the real
wallboard (--text, many sizes in one run) at every size from 20x5 to 300x100,
read back as a person reads it.

At every size:
  - every tile label on the screen has its figure beside it: in its box
    (as text, or big digits read back by screen.py's own copy of the font)
    or after it on its line; a label may be cut with "…", never shown bare;
  - the most severe alert (the critical "Support SL 50% (target 80%)") is
    on the line under the header, whole or cut with "…" after at least its
    first 4 characters; never replaced by a count ("+2 more alerts").

The board (tests/display/sizes.yaml) gives the tiles labels that appear
nowhere else on the screen; the figures below are snapshot.json's, worked
out by hand (50% is 0.5 as a share; 0:41 is 41000 ms; 4:05 is 245000 ms).

    t-sizes.py [--quick]     --quick: a sweep instead of the full grid
                             (WB_TEST_QUICK=1 too: `make asan` sets it; the
                             sanitizers look for memory errors, which the
                             sweep's 5,600 sizes find as well as 27,000)
"""
import multiprocessing
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from screen import decode, pixels  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
CONFIG = os.path.join(HERE, "sizes.yaml")

PAGES = {
    1: {"Kilo SL": "50%", "Lima waiting": "3", "Mike longest wait": "0:41",
        "Nova SL": "83%", "Oscar abandoned": "7%", "Papa ready": "3"},
    2: {"Quebec offered": "412", "Romeo SL": "78%", "Sierra AHT": "4:05",
        "Tango CSAT": "4.3"},
}
ALERT = "Support SL 50% (target 80%)"
BLOCKS = set("█▀▄#")

failures = []
checked = [0]


def fail(what):
    failures.append(what)


def box_figure(lines, y, left, ascii_):
    """The figure in the box whose top-left corner is at (y, left)."""
    top = lines[y]
    right = top.find("+" if ascii_ else "┐", left + 1)
    if right < 0:
        return None
    bottom = y + 1
    corner = "+" if ascii_ else "└"
    while bottom < len(lines) and lines[bottom][left:left + 1] != corner:
        bottom += 1
    if bottom >= len(lines):
        return None
    inside = [l[left + 1:right].ljust(right - left - 1)
              for l in lines[y + 1:bottom]]
    text = " ".join(" ".join(inside).split())
    if any(c in BLOCKS for c in text):
        return decode(pixels(inside, not ascii_))
    return text


def check_frame(frame, w, h, page, ascii_, what):
    lines = frame.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != h or any(len(l) > w for l in lines):
        fail("%s: not a %dx%d frame" % (what, w, h))
        return
    lines = [l.ljust(w) for l in lines]
    ell = "~" if ascii_ else "…"
    # The most severe alert, under the header.
    alert = lines[1]
    mark = " ! " if ascii_ else " ▲ "
    if not alert.startswith(mark):
        fail("%s: no alert under the header: %r" % (what, alert.rstrip()))
    elif ALERT not in alert:
        cut = alert.rstrip()
        ok = cut.endswith(ell) and any(
            cut[:-1].endswith(ALERT[:n]) for n in range(4, len(ALERT)))
        if not ok:
            fail("%s: the critical alert is not shown whole or cut with %s:"
                 " %r" % (what, ell, cut))
    # Every label seen has its figure beside it.
    for label, figure in PAGES[page].items():
        for y, line in enumerate(lines):
            if line.startswith(mark):
                continue
            x = line.find(label[:4])
            while x >= 0:
                n = 4
                while n < len(label) and line[x + n:x + n + 1] == label[n]:
                    n += 1
                after = line[x + n:]
                if n < len(label) and not after.startswith(ell):
                    fail("%s: %r cut without %s at %d,%d: %r" % (
                        what, label, ell, x, y, line.rstrip()))
                if n < len(label):
                    after = after[1:]
                if x >= 2 and line[x - 1] == " " and \
                        line[x - 2] == ("+" if ascii_ else "┌"):
                    got = box_figure(lines, y, x - 2, ascii_)
                    where = "in its box"
                else:
                    words = after.split()
                    got = words[0] if words else None
                    where = "after it"
                if got != figure:
                    fail("%s: %r at %d,%d shows %r %s, not %r" % (
                        what, label, x, y, got, where, figure))
                checked[0] += 1
                x = line.find(label[:4], x + 1)


def draw_and_check(job):
    """One batch of sizes: drawn by one run of wallboard (each frame ending
    in a form feed line) and every frame checked; in a worker process, so
    the failures and the count go back with the result."""
    args, batch, snapshot, page, ascii_ = job
    del failures[:]
    checked[0] = 0
    for w, h in batch:
        args = args + ["--text", "%dx%d" % (w, h)]
    out = subprocess.run(args, capture_output=True, text=True,
                         check=True).stdout
    check_batch(out, batch, snapshot, page, ascii_)
    return list(failures), checked[0]


def sweep(sizes, snapshot, page=1, ascii_=False, extra=()):
    """Draw snapshot at each size and check every frame, a batch of 500
    sizes a job, as many jobs at once as there are cores (the frames of
    the whole grid would be ~400 MB; a batch's are some 15)."""
    base = [os.path.join(BUILD, "wallboard"), "-c", CONFIG, "--board",
            "floor", "--snapshot", os.path.join(HERE, snapshot), "--page",
            str(page), "--clock", "09:00:00"] + list(extra)
    if ascii_:
        base.append("--ascii")
    jobs = [(base, sizes[i:i + 500], snapshot, page, ascii_)
            for i in range(0, len(sizes), 500)]
    for found, n in POOL.imap(draw_and_check, jobs):
        for what in found:
            if len(failures) < 30:
                print("FAIL " + what)
            failures.append(what)
        checked[0] += n
    return len(sizes)


def check_batch(out, batch, snapshot, page, ascii_):
    frames = out.split("\f\n")
    if frames[-1] == "":
        frames.pop()
    if len(frames) != len(batch):
        fail("%s: %d frames for %d sizes" % (snapshot, len(frames),
                                             len(batch)))
    for (w, h), frame in zip(batch, frames):
        check_frame(frame, w, h, page, ascii_, "%s%s page %d %dx%d" % (
            snapshot, " ascii" if ascii_ else "", page, w, h))


quick = "--quick" in sys.argv or os.environ.get("WB_TEST_QUICK") == "1"
heights = [5, 6, 7, 8, 9, 10, 12, 14, 16, 20, 24, 30, 40, 60, 100]
widths = [20, 21, 25, 30, 40, 50, 60, 70, 80, 100, 120, 160, 200, 250, 300]
some = sorted(set([(w, h) for w in range(20, 301) for h in heights] +
                  [(w, h) for h in range(5, 101) for w in widths]))
every = [(w, h) for w in range(20, 301) for h in range(5, 101)]

POOL = multiprocessing.get_context("fork").Pool(os.cpu_count() or 2)
frames = 0
frames += sweep(some if quick else every, "snapshot.json")
print("ok   %s: snapshot.json page 1, %d sizes from 20x5 to 300x100"
      % ("sweep" if quick else "every size", frames))
n = sweep(some, "snapshot.json", page=2)
frames += n
print("ok   snapshot.json page 2 (4 tiles, no grid): %d sizes" % n)
n = sweep(some, "snapshot-feed-stale.json", extra=["--age", "3000"])
frames += n
print("ok   snapshot-feed-stale.json (pbx1 silent): %d sizes" % n)
small = [(w, h) for w in range(20, 121, 3) for h in range(5, 41, 3)]
n = sweep(small, "snapshot.json", ascii_=True)
frames += n
print("ok   ASCII: %d sizes" % n)
print("%d frames, %d labels read with their figures" % (frames, checked[0]))
if len(failures) > 30:
    print("... and %d more failures" % (len(failures) - 30))
print("%d passed, %d failed" % (frames - len(set(f.split(":")[0]
                                                 for f in failures)),
                                len(set(f.split(":")[0] for f in failures))))
POOL.close()
POOL.join()
sys.exit(1 if failures else 0)
