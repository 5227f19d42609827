"""wallboard-fb draws a known snapshot into file framebuffers (1920x1080x32,
800x480x16) and the pixels say what the snapshot says: Support's service
level (50% against a target of 80%) in red, its figures in anti-aliased
type; STALE over the figures once the snapshot is old; the screenshot is
what the framebuffer holds; and a golden checksum of the whole frame.
(t-fb-type.py reads the figures' digits and the text's sizes at 720p,
1080p and 4K.)

WB_UPDATE_GOLDEN=1 rewrites tests/fb/golden.sha256 (after a deliberate change
of layout, palette or font: look at the screenshot first).
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fbtest import (AMBER, BG, GREEN, HERE, RED, RED_BG, SNAP_NOW, SNAPSHOT,  # noqa: E402
                    WHITE, Frame, check, find, finish, rgb565, run, shades,
                    tmpdir, trace_ops)

d = tmpdir()


def draw(geometry, now, name):
    """One frame of snapshot.json at clock now; (frame, ops, screenshot)."""
    w, h, bpp = (int(v) for v in geometry.split("x"))
    dev, trace, shot = (os.path.join(d, name + ext)
                        for ext in (".raw", ".trace", ".ppm"))
    p = run(["--board", "floor", "--device", dev, "--geometry", geometry,
             "--snapshot-file", SNAPSHOT, "--now", str(now), "--trace", trace,
             "--screenshot", shot])
    check(p.returncode == 0, "%s: wallboard-fb exits 0 (%s)" % (name,
          p.stderr.strip()[-200:]))
    return Frame(dev, w, h, bpp), trace_ops(trace), shot


def share(frame, rect, colour):
    x, y, w, h = rect
    return frame.count(rect, colour) / float(w * h)


# ---- 1920x1080x32 ---------------------------------------------------------
frame, ops, shot = draw("1920x1080x32", SNAP_NOW + 1000, "live1080")
sl = find(ops, "big", "50%")
check(len(sl) == 1, "1080p: Support SL drawn big as 50%")
if sl:
    r = sl[0]["rect"]
    check(sl[0]["fg"] == RED, "1080p: 50% against a target of 80% is red")
    check(share(frame, r, RED) > 0.15,
          "1080p: the SL tile's figure is red pixels (%.0f%% of its box)"
          % (100 * share(frame, r, RED)))
    check(r[3] >= 150, "1080p: its digits are big (%d px tall box)" % r[3])
wait = find(ops, "big", "0:41")
check(len(wait) == 1 and wait[0]["fg"] == AMBER,
      "1080p: the longest wait 0:41 against amber 30s is amber")
if wait:
    check(frame.count(wait[0]["rect"], AMBER) > 1000,
          "1080p: amber pixels in the longest wait's figure")
check(not find(ops, "big", "STALE"), "1080p: no STALE banner while fresh")

# The figures are set in anti-aliased type: grey steps between the figure's
# colour and the background along the glyphs' edges.
for text, colour in (("50%", RED), ("0:41", AMBER), ("3", GREEN)):
    o = [o for o in find(ops, "big", text) if o["fg"] == colour]
    if check(len(o) >= 1, "1080p: %s drawn big" % text):
        n = shades(frame, o[0]["rect"], colour, BG)
        check(n > 300, "1080p: %s has anti-aliased edges (%d pixels between "
              "its colour and the background)" % (text, n))
# The screenshot is the framebuffer.
data = open(shot, "rb").read()
header = b"P6\n1920 1080\n255\n"
ok = data.startswith(header) and len(data) == len(header) + 1920 * 1080 * 3
check(ok, "1080p: the screenshot is a 1920x1080 PPM")
if ok:
    body = data[len(header):]
    same = all(body[3 * (y * 1920 + x):3 * (y * 1920 + x) + 3] ==
               frame.px(x, y).to_bytes(3, "big")
               for y in range(0, 1080, 37) for x in range(0, 1920, 41))
    check(same, "1080p: the screenshot's pixels are the framebuffer's")

# Golden: the same snapshot at the same clock gives the same frame.
golden_path = os.path.join(HERE, "golden.sha256")
digest = hashlib.sha256(frame.raw).hexdigest()
if os.environ.get("WB_UPDATE_GOLDEN"):
    open(golden_path, "w").write(digest + "  1920x1080x32 snapshot.json "
                                 "--now %d\n" % (SNAP_NOW + 1000))
golden = open(golden_path).read().split()[0]
check(digest == golden, "1080p: sha256 of the frame is the golden one (%s)"
      % digest[:16])
again, _, _ = draw("1920x1080x32", SNAP_NOW + 1000, "again")
check(again.raw == frame.raw, "1080p: drawing again gives the same bytes")

# ---- STALE: the same snapshot, 5 s later (3 heartbeats of 1 s) -------------
stale, ops, _ = draw("1920x1080x32", SNAP_NOW + 5000, "stale1080")
banner = find(ops, "big", "STALE")
if check(len(banner) == 1, "1080p stale: STALE drawn big"):
    r = banner[0]["rect"]
    check(share(stale, r, RED_BG) > 0.3 and share(stale, r, WHITE) > 0.15,
          "1080p stale: the banner is white on red")
    check(r[2] >= 400, "1080p stale: the banner is wide (%d px)" % r[2])
check(not [o for o in ops if o["op"] == "big" and o["fg"] == RED
           and o["text"] == "50%"],
      "1080p stale: the old figures are no longer in status colours")

# ---- a feed silent: pbx1 (Support's figures, Erik's state) for 72 s ------
# snapshot-feed-stale.json: pbx1 last sent 72 s before "now", pbx2 0.2 s.
FEED_STALE = os.path.join(HERE, "snapshot-feed-stale.json")


def draw_file(snapshot, now, name):
    dev, trace = os.path.join(d, name + ".raw"), os.path.join(d, name + ".trace")
    p = run(["--board", "floor", "--device", dev, "--geometry", "1920x1080x32",
             "--snapshot-file", snapshot, "--now", str(now), "--trace", trace])
    check(p.returncode == 0, "%s: wallboard-fb exits 0" % name)
    return Frame(dev, 1920, 1080, 32), trace_ops(trace)


fs, ops = draw_file(FEED_STALE, SNAP_NOW + 1000, "feedstale")
sl = find(ops, "big", "50%")
if check(len(sl) == 1, "feed stale: Support SL still shows its figure, 50%"):
    check(fs.count(sl[0]["rect"], RED) == 0 and
          fs.count(sl[0]["rect"], GREEN) == 0,
          "feed stale: no red or green in it: an old figure is neither")
    grey = sl[0]["fg"]
    r, g, b = grey >> 16, (grey >> 8) & 0xff, grey & 0xff
    check(max(r, g, b) - min(r, g, b) < 40 and fs.count(sl[0]["rect"], grey)
          > 1000, "feed stale: its pixels are grey (#%06x)" % grey)
# 72 s before the snapshot's now, and the frame is 1 s later: 1:13.
notes = [o for o in ops if o["op"] == "text" and o["text"] in
         (" no data from pbx1 for 1:13 ", " pbx1 silent 1:13 ")]
check(len(notes) == 5,
      "feed stale: Support's three tiles and the two of all (abandoned, "
      "ready) say 'no data from pbx1 for 1:13' (or, narrower, 'pbx1 "
      "silent 1:13'); Sales does not")
sales = find(ops, "big", "83%")
check(len(sales) == 1 and sales[0]["fg"] == AMBER,
      "feed stale: Sales (pbx2, live) keeps its colour: 83% is amber")
erik = [o for o in ops if o["op"] == "text" and o["text"].strip() == "3:48"]
check(len(erik) == 1, "feed stale: Erik (pbx1) on ready 3:48, stopped at "
      "pbx1's last event (300 s - 72 s)")
_, later = draw_file(FEED_STALE, SNAP_NOW + 2500, "feedstale2")
check(find(later, "text", "3:48") and find(later, "text", "0:14") and
      find(ops, "text", "0:13"),
      "feed stale: 1.5 s on, Erik's timer has not moved; Ben's "
      "(pbx2, live) went on from 0:13 to 0:14")

# ---- 120 agents at 1080p: the grid pages, the away agents on every page --
# snapshot-120.json: 111 agents not offline, 19 of them away. With
# --columns 120 the grid is 120x28 cells (cells 16 px wide, rows 16 / 0.42
# = 38 px: 28 of them): the header, 2 alert lines and the ticker leave a
# body of 24 rows; the agent grid takes half, 12: a heading and 11 rows of
# 5 columns (23 cells an agent on a TV), 55 cells. The 19 away need under
# half of them, so they keep theirs on every page; the 92 others take
# turns in the other 36 (3 pages: 36, 36, 20), a page every 8 s.
import json  # noqa: E402
agents = [a for a in json.load(open(os.path.join(HERE, "snapshot-120.json")))
          ["agents"] if a["state"] != "offline"]


def shown_names(ops):
    """The agents whose name (or "First L." when the cell is narrow, or
    "Fatima …" when even that is too wide) is drawn, and how many cells
    show a name: two agents may share a short name ("Ben S."), which then
    stands for both."""
    out, cells = set(), 0
    for o in ops:
        if o["op"] != "text":
            continue
        hit = False
        for a in agents:
            first, last = a["name"].split(" ")
            cut = o["text"].endswith("\u2026") and \
                a["name"].startswith(o["text"][:-1].rstrip() + " ")
            if cut or o["text"] in (a["name"], "%s %s." % (first, last[0])):
                out.add(a["id"])
                hit = True
        cells += hit
    return out, cells


away = set(a["id"] for a in agents if a["state"] == "away")
seen = set()
headings = ["Agents 1-55 of 111 (page 1/3)",
            "Agents 1-19, 56-91 of 111 (page 2/3)",
            "Agents 1-19, 92-111 of 111 (page 3/3)"]
for page in range(3):
    dev, trace = (os.path.join(d, "a120-%d%s" % (page, ext))
                  for ext in (".raw", ".trace"))
    p = run(["--board", "floor", "--device", dev, "--geometry",
             "1920x1080x32", "--columns", "120", "--snapshot-file",
             os.path.join(HERE, "snapshot-120.json"), "--now",
             str(SNAP_NOW + 1000), "--elapsed", str(page * 8000),
             "--trace", trace])
    ops = trace_ops(trace)
    names, cells = shown_names(ops)
    seen |= names
    check(any(o["text"].startswith(" " + headings[page] + ": 27 ready")
              for o in ops if o["op"] == "text"),
          "120 agents, page %d: the heading says '%s'" % (page + 1,
                                                          headings[page]))
    check(away <= names, "120 agents, page %d: all 19 away agents shown "
          "(%d of them)" % (page + 1, len(away & names)))
    check(cells == (55 if page < 2 else 39),
          "120 agents, page %d: %d agents in the grid" % (page + 1, cells))
check(len(seen) == 111, "120 agents: over 3 pages, all 111 shown (%d)"
      % len(seen))

# ---- 120 agents at the TV's own grid: as many a page at 720p, 1080p, 4K --
# A row is 1/22 of the height: 22 rows, 93 columns. The header, 2 alert
# lines and the ticker leave a body of 18 rows. Six tiles in two rows of
# three (31 columns each); the grid takes the most rows, from 9 (half),
# that leave the figures 12% of the height (2.64 rows): 9 leave tiles of
# 4 rows, digits 0.9 x 2 = 1.8 rows, too small; 8 leave tiles of 5, 2.7
# rows. A heading and 7 rows of 4 agents (23 columns each): 28. The 19
# away get half, 14 (two pages of them), the 92 others 14 (7 pages): the
# first page shows agents 1-14 and 20-33.
for geometry in ("1280x720x32", "1920x1080x32", "3840x2160x32"):
    dev, trace = (os.path.join(d, "tv120-%s%s" % (geometry, ext))
                  for ext in (".raw", ".trace"))
    p = run(["--board", "floor", "--device", dev, "--geometry", geometry,
             "--snapshot-file", os.path.join(HERE, "snapshot-120.json"),
             "--now", str(SNAP_NOW + 1000), "--trace", trace], timeout=120)
    ops = trace_ops(trace)
    names, cells = shown_names(ops)
    check(any(o["text"].startswith(" Agents 1-14, 20-33 of 111 (page 1/7)")
              for o in ops if o["op"] == "text") and cells == 28,
          "%s: 28 agents a page, the heading says which (%d)"
          % (geometry, cells))

# ---- 800x480x16: RGB565 ---------------------------------------------------
small, ops, shot = draw("800x480x16", SNAP_NOW + 1000, "live480")
sl = find(ops, "big", "50%") or [o for o in ops if o["text"] in ("50%", "50")]
if check(len(sl) >= 1, "480p: Support SL drawn"):
    r = sl[0]["rect"]
    check(small.count(r, rgb565(RED)) > 50,
          "480p: its pixels are red through RGB565 (%d)"
          % small.count(r, rgb565(RED)))
data = open(shot, "rb").read()
check(data.startswith(b"P6\n800 480\n255\n"), "480p: the screenshot is 800x480")
stale, ops, _ = draw("800x480x16", SNAP_NOW + 60000, "stale480")
banner = find(ops, "big", "STALE") or find(ops, "text", "STALE")
if check(len(banner) >= 1, "480p stale: STALE drawn"):
    check(stale.count(banner[0]["rect"], rgb565(RED_BG)) > 100,
          "480p stale: the banner is red")

# ---- a DRM/KMS card: this machine has none; the board says which and why --
p = run(["--board", "floor", "--device", "/dev/dri/card-none",
         "--snapshot-file", SNAPSHOT])
check(p.returncode == 1 and "/dev/dri/card-none: No such file" in p.stderr,
      "DRM: a card that is not there is an error naming it (%s)"
      % p.stderr.strip()[-120:])
finish()
