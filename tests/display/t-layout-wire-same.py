"""A layout from the wire draws exactly as the config it came from
(PROTOCOL §6.15). The real daemon runs the framebuffer tests' boards
(tests/fb/board.yaml: levels in every unit, target:, good: below, agent
grid, several pages, rotation); its layout/NAME documents are taken off a
real SUB socket, and wallboard-fb draws the same snapshot once with
-c CONFIG and once with --layout-file: every drawing operation (text,
colours, positions: --trace) must be the same. And a layout a board would
refuse, given as a file, is refused with the reason."""
import os
import shutil
import subprocess
import sys
import tempfile

import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "live"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fb"))
import wb  # noqa: E402
from wb import check  # noqa: E402
from fbtest import FB, SNAPSHOT, SNAP_NOW  # noqa: E402

FB_CONFIG = os.path.join(os.path.dirname(HERE), "fb", "board.yaml")


def boards_yaml():
    """board.yaml without the site and windows lines wb.Daemon writes."""
    with open(FB_CONFIG) as f:
        return "".join(l for l in f if not l.startswith(("site:", "windows:")))


def draw(d, args, page):
    trace = tempfile.mktemp(prefix="wb-same-", dir=d.dir)
    r = subprocess.run([FB] + args + [
        "--snapshot-file", SNAPSHOT, "--now", str(SNAP_NOW), "--page",
        str(page), "--device", os.path.join(d.dir, "fb.raw"), "--geometry",
        "960x540x32", "--trace", trace], capture_output=True, text=True,
        timeout=30)
    check(f"wallboard-fb {' '.join(args[:2])} page {page} exits 0",
          (r.returncode, r.stderr if r.returncode else ""), (0, ""))
    with open(trace) as f:
        return f.read()


def test_same_frames():
    d = wb.Daemon(boards_yaml(), site="{name: Leeds, timezone: Europe/London}")
    try:
        d.start()
        for board, pages in (("floor", 2), ("eight", 1)):
            s = d.subscriber(f"layout/{board}".encode())
            s.setsockopt(zmq.RCVTIMEO, 5000)
            topic, body = s.recv_multipart()
            s.close(0)
            check(f"{board}: its own topic", topic, f"layout/{board}".encode())
            path = os.path.join(d.dir, f"{board}.json")
            with open(path, "wb") as f:
                f.write(body)
            for page in range(1, pages + 1):
                a = draw(d, ["-c", d.config, "--board", board], page)
                b = draw(d, ["--layout-file", path, "--board", board], page)
                check(f"{board} page {page}: frames drawn", a.count("\ntext ")
                      > 10, True)
                check(f"{board} page {page}: the wire layout draws as "
                      f"the config", a == b, True)
    finally:
        d.close()


def refusal(d, doc, board):
    """wallboard-fb's exit status and stderr for a layout file."""
    path = os.path.join(d, "bad.json")
    with open(path, "w") as f:
        f.write(doc)
    r = subprocess.run([FB, "--layout-file", path, "--board", board,
                        "--snapshot-file", SNAPSHOT, "--device",
                        os.path.join(d, "fb.raw"), "--geometry", "320x240x32"],
                       capture_output=True, text=True, timeout=30)
    return r.returncode, r.stderr


def test_bad_file_refused():
    d = tempfile.mkdtemp(prefix="wb-same-")
    code, err = refusal(d, '{"v":1,"name":"floor","windows":["15m","60m"],'
                        '"pages":[{"tiles":[{"metric":"service_level",'
                        '"window":"7m"}]}]}', "floor")
    check("refused", code != 0, True)
    check("with the loader's reason", "unknown window '7m'" in err, True)
    code, err = refusal(d, '{"v":1,"name":"floor","pages":[{"tiles":'
                        '[{"metric":"waiting"}]}]}', "other")
    check("another board's layout refused",
          "the layout of board 'floor', not 'other'" in err, True)
    shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(wb.run([test_same_frames, test_bad_file_refused],
                    "layout-wire-same"))
