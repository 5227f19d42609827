"""Open web streams across a reload that changes tokens (issue 21): a
stream whose token the new config no longer accepts is closed at once
(counted in wallboard_web_streams_revoked_total); one whose token is still
valid stays open and goes on receiving snapshots; the new token gets in."""
import importlib.util
import os
import socket
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
LIVE = os.path.join(os.path.dirname(HERE), "live")
sys.path.insert(0, LIVE)
import wb  # noqa: E402
from wb import check  # noqa: E402

spec = importlib.util.spec_from_file_location(
    "t_web", os.path.join(LIVE, "t-web.py"))
t_web = importlib.util.module_from_spec(spec)
spec.loader.exec_module(t_web)


def closed(stream, timeout=3):
    """True when the server closes the connection within timeout."""
    end = time.time() + timeout
    while time.time() < end:
        stream.s.settimeout(max(0.01, end - time.time()))
        try:
            if not stream.s.recv(65536):
                return True
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
    return False


def metric(d, name):
    with urllib.request.urlopen(d.http + "/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return int(float(line.split()[1]))
    return None


def test_revoked_token_closes_streams():
    d = t_web.start()
    try:
        a = t_web.Stream(d.wport, "/api/v1/boards/floor/stream?token=shared-token")
        c = t_web.Stream(d.wport, "/api/v1/boards/floor/stream",
                         "Authorization: Bearer shared-token\r\n")
        vip = t_web.Stream(d.wport, "/api/v1/boards/vip/stream?token=vip-only-token")
        for name, s in (("a", a), ("c", c), ("vip", vip)):
            check(f"{name}: 200", s.status(), 200)
            check(f"{name}: a snapshot", s.event(timeout=3) is not None, True)
        with open(d.config) as f:
            text = f.read()
        with open(d.config, "w") as f:
            f.write(text.replace("token: shared-token", "token: new-token"))
        check("reload", d.control({"cmd": "reload"})["ok"], True)
        check("?token= stream with the old token closed", closed(a), True)
        check("Bearer stream with the old token closed", closed(c), True)
        check("the board's own token, unchanged: still streaming",
              vip.event(timeout=3) is not None, True)
        check("counted", metric(d, "wallboard_web_streams_revoked_total"), 2)
        check("open now: the vip stream alone",
              metric(d, "wallboard_web_streams"), 1)
        n = t_web.Stream(d.wport, "/api/v1/boards/floor/stream?token=new-token")
        check("the new token gets in", n.status(), 200)
        old = t_web.Stream(d.wport, "/api/v1/boards/floor/stream?token=shared-token")
        check("the old one is refused", old.status(), 403)
        for s in (a, c, vip, n, old):
            s.close()
    finally:
        d.close()


if __name__ == "__main__":
    sys.exit(wb.run([test_revoked_token_closes_streams], "web-token-reload"))
