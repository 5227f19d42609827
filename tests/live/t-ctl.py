"""wallboardctl against the real wallboardd: status, snapshot, a team
leader's message set and cleared, acks, reloads good and bad, and every way
of not reaching the daemon (not running, a stale socket, no permission, no
answer) with its own sentence and exit status 2."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wb import WALLBOARDCTL, Daemon  # noqa: E402

failures = []


def check(what, cond, detail=""):
    print(("ok    " if cond else "FAIL  ") + what + ("" if cond else ": " + detail))
    if not cond:
        failures.append(what)


def ctl(*args, socket=None, user=None, timeout=20):
    """Run build/wallboardctl; returns (exit status, stdout, stderr)."""
    argv = [WALLBOARDCTL] + (["--socket", socket] if socket else []) + list(args)
    if user is not None:
        argv = ["setpriv", "--reuid", str(user), "--regid", str(user), "--clear-groups"] + argv
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def show(r):
    return f"exit {r[0]}, stdout {r[1]!r}, stderr {r[2]!r}"


def test_status(sock):
    r = ctl("status", socket=sock)
    check("status exits 0", r[0] == 0, show(r))
    check("status shows the site", re.search(r"^site +Test$", r[1], re.M) is not None, show(r))
    check("status shows events received", re.search(r"^events received +\d+$", r[1], re.M)
          is not None, show(r))
    r = ctl("status", "--json", socket=sock)
    check("status --json is the daemon's JSON", r[0] == 0 and json.loads(r[1])["site"] == "Test",
          show(r))


def snapshot(sock, *extra):
    r = ctl("snapshot", *extra, socket=sock)
    check(" ".join(("snapshot",) + extra) + " exits 0", r[0] == 0, show(r))
    return json.loads(r[1])


def test_message(sock):
    before = time.time() * 1000
    r = ctl("message", "Great work team", "--for", "10m", "--from", "Sam", socket=sock)
    after = time.time() * 1000
    check("message exits 0", r[0] == 0, show(r))
    m = snapshot(sock).get("message")
    check("the message is in the snapshot", isinstance(m, dict) and m.get("text") ==
          "Great work team" and m.get("from") == "Sam", repr(m))
    until = m.get("until", 0) if isinstance(m, dict) else 0
    check("the message lasts 10 minutes", before + 600000 - 1500 <= until <= after + 600000 + 1500,
          f"until {until}, now {before:.0f}")
    check("snapshot --pretty is the same snapshot", snapshot(sock, "--pretty").get("message") == m)
    r = ctl("message", "--clear", socket=sock)
    check("message --clear exits 0", r[0] == 0, show(r))
    check("message --clear removes it", snapshot(sock).get("message") is None)
    r = ctl("message", "--for", "ten minutes", "hello", socket=sock)
    check("a bad --for exits 2 with a sentence", r[0] == 2 and "duration" in r[2], show(r))


def test_ack(sock):
    r = ctl("ack", "no-such-alert", "--by", "Sam", socket=sock)
    check("ack of an unknown alert exits 1", r[0] == 1, show(r))
    check("... and says why", "no-such-alert" in r[2] and "alert" in r[2], show(r))


def test_reload(d, sock):
    original = open(d.config).read()
    with open(d.config, "w") as f:
        f.write(original.replace("name: Test", "name: Broken") + "bogus_key: 1\n")
    r = ctl("reload", socket=sock)
    check("reload of a broken config exits 1", r[0] == 1, show(r))
    line = len(original.splitlines()) + 1
    check("... printing FILE:LINE:COL", re.search(re.escape(d.config) + rf":{line}:1: ", r[2])
          is not None, show(r))
    check("... and the daemon keeps running", d.proc.poll() is None)
    r = ctl("status", "--json", socket=sock)
    check("... with its old config", r[0] == 0 and json.loads(r[1])["site"] == "Test", show(r))
    with open(d.config, "w") as f:
        f.write(original.replace("name: Test", "name: Renamed"))
    r = ctl("reload", socket=sock)
    check("reload of a good config exits 0", r[0] == 0, show(r))
    r = ctl("status", "--json", socket=sock)
    check("... and takes it", r[0] == 0 and json.loads(r[1])["site"] == "Renamed", show(r))


def test_config_option(d):
    r = ctl("-c", d.config, "status", "--json")
    check("-c finds the socket through state_dir", r[0] == 0, show(r))
    bad = os.path.join(d.dir, "bad.yaml")
    with open(bad, "w") as f:
        f.write("state_dir: [1, 2]\n")
    r = ctl("-c", bad, "status")
    check("-c with a broken config exits 2 printing its errors",
          r[0] == 2 and re.search(re.escape(bad) + r":1:\d+: ", r[2]) is not None, show(r))


def test_permission(d, sock):
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        print("skip  permission denied: root, and no setpriv to drop it")
        return
    mode = os.stat(sock).st_mode & 0o777
    os.chmod(sock, 0)
    try:
        r = ctl("status", socket=sock, user=65534 if os.geteuid() == 0 else None)
    finally:
        os.chmod(sock, mode)
    check("permission denied exits 2", r[0] == 2, show(r))
    check("... naming the group to join", "permission denied" in r[2] and "group" in r[2], show(r))


def test_usage(sock):
    r = ctl("frobnicate", socket=sock)
    check("an unknown command exits 2", r[0] == 2 and "unknown command" in r[2], show(r))
    r = ctl("reload", "--json", socket=sock)
    check("an option of another command exits 2", r[0] == 2 and "--json" in r[2], show(r))


def test_not_running():
    empty = tempfile.mkdtemp(prefix="wb-ctl-")
    sock = os.path.join(empty, "control.sock")
    try:
        r = ctl("status", socket=sock)
        check("no daemon: exit 2, 'not running'", r[0] == 2 and "not running" in r[2] and
              sock in r[2], show(r))
        test_no_answer(sock)
    finally:
        shutil.rmtree(empty, ignore_errors=True)


def test_no_answer(sock):
    """A socket that takes the request and never answers."""
    import zmq
    ctx = zmq.Context.instance()
    mute = ctx.socket(zmq.REP)
    mute.setsockopt(zmq.LINGER, 0)
    mute.bind("ipc://" + sock)
    try:
        start = time.time()
        r = ctl("status", socket=sock)
        took = time.time() - start
    finally:
        mute.close()
    check("no answer: exit 2, 'no answer'", r[0] == 2 and "no answer" in r[2], show(r))
    check("... after about 5 s", 4.5 <= took <= 10, f"{took:.1f} s")
    # --timeout: what systemctl reload waits for a busy day's rebuild.
    mute = ctx.socket(zmq.REP)
    mute.setsockopt(zmq.LINGER, 0)
    mute.bind("ipc://" + sock)
    try:
        start = time.time()
        r = ctl("--timeout", "1500ms", "reload", socket=sock)
        took = time.time() - start
    finally:
        mute.close()
    check("--timeout 1500ms: exit 2, 'within 1.5 s'", r[0] == 2 and "within 1.5 s" in r[2], show(r))
    check("... after about 1.5 s", 1.4 <= took <= 4, f"{took:.1f} s")
    r = ctl("--timeout", "soon", "status", socket=sock)
    check("--timeout soon: exit 2, says what it wants", r[0] == 2 and "--timeout" in r[2], show(r))


def test_stale(d, sock):
    d.stop(signal.SIGKILL)
    if not os.path.exists(sock):
        print("skip  stale socket: kill -9 left no socket file")
        return
    start = time.time()
    r = ctl("status", socket=sock)
    check("a socket left by a killed daemon: exit 2, 'not running', at once",
          r[0] == 2 and "not running" in r[2] and time.time() - start < 2, show(r))


def test_bad_control_input(d, sock):
    """A message or an ack that holds control characters, a from or a by too
    long, a for_ms out of range (1e300 would be undefined behaviour as a
    64-bit integer; negative; NaN cannot be JSON): each refused with a
    sentence, and the message on the boards stays as it was. The refusal
    never echoes the raw bytes to the terminal."""
    r = ctl("message", "Lunch at 1", "--for", "10m", "--from", "Sam", socket=sock)
    check("a good message", r[0] == 0, show(r))
    for req, says in [
            ({"cmd": "message", "text": "hi \x1b[2J there"}, "control character"),
            ({"cmd": "message", "text": "hi \u009b1m"}, "control character"),
            ({"cmd": "message", "text": "hi", "from": "x" * 65}, "too long"),
            ({"cmd": "message", "text": "hi", "for_ms": 1e300}, "30 days"),
            ({"cmd": "message", "text": "hi", "for_ms": -5}, "30 days"),
            ({"cmd": "message", "text": "hi", "for_ms": "10m"}, "30 days"),
            ({"cmd": "message", "text": "x" * 501}, "too long"),
            ({"cmd": "ack", "id": "1", "by": "eve\r\n<0>forged"}, "control character"),
            ({"cmd": "ack", "id": "\x1b]0;pwned\x07", "by": "eve"}, "no control character")]:
        rep = d.control(req)
        check(f"refused: {json.dumps(req)[:60]}", rep.get("ok") is False and
              says in rep.get("error", ""), repr(rep))
    m = snapshot(sock).get("message")
    check("the message stays as it was", isinstance(m, dict) and m.get("text") == "Lunch at 1"
          and m.get("from") == "Sam", repr(m))
    r = ctl("ack", "\x1b[31mred", socket=sock)
    check("wallboardctl prints no escape from a refusal", r[0] == 1 and "\x1b" not in r[2],
          show(r))
    ctl("message", "--clear", socket=sock)


def main():
    d = Daemon().start()
    sock = os.path.join(d.state, "control.sock")
    try:
        test_status(sock)
        test_message(sock)
        test_ack(sock)
        test_bad_control_input(d, sock)
        test_reload(d, sock)
        test_config_option(d)
        test_permission(d, sock)
        test_usage(sock)
        test_stale(d, sock)
        test_not_running()
    finally:
        d.close()
    print(f"t-ctl: {len(failures)} failed" if failures else "t-ctl: all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
