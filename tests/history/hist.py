"""Helpers the tests/history scripts share: problems collected with
expect(), wallboardctl and HTTP GET against a wb.Daemon, the closing count."""
import os
import subprocess
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "live"))
import wb  # noqa: E402,F401

bad = []


def expect(what, cond, detail=""):
    if not cond:
        bad.append(f"{what}: {detail}")


def ctl(d, *args):
    r = subprocess.run([wb.WALLBOARDCTL, "-c", d.config, *args], capture_output=True,
                       text=True, timeout=30)
    return r.returncode, r.stdout, r.stderr


def get(port, path):
    """(status, headers as a dict, body)"""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def finish():
    for b in bad:
        print(b)
    print(f"{len(bad)} problems")
    sys.exit(1 if bad else 0)
