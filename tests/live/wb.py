"""Helpers for the live tests: start the real wallboardd on free loopback
ports with a private state directory, publish events and read snapshots over
real ZeroMQ sockets, talk to the control socket."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import zmq

from ports import free_port, free_ports  # noqa: F401 (the tests' port picker)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
WALLBOARDD = os.path.join(ROOT, BUILD, "wallboardd")
WALLBOARDCTL = os.path.join(ROOT, BUILD, "wallboardctl")


def noon_zone():
    """(zone, hours east of UTC): a fixed zone where it is about noon now
    (Etc/GMT-H is UTC+H), within 11 hours of UTC. A test whose day reaches
    back tens of minutes gives it to its daemon, so that the day never
    crosses a midnight, whatever the hour the suite runs at."""
    h = max(-11, (12 - time.gmtime().tm_hour + 12) % 24 - 12)
    return ("Etc/GMT%+d" % -h if h else "UTC"), h


class Daemon:
    """A wallboardd under test. `extra` is YAML appended to the config."""

    def __init__(self, extra="", state_dir=None, ports=None,
                 site="{name: Test, timezone: UTC}"):
        self.site = site
        self.dir = tempfile.mkdtemp(prefix="wb-live-")
        self.state = state_dir or os.path.join(self.dir, "state")
        self.ingest, self.pub = ports or tuple(free_ports(2))
        self.config = os.path.join(self.dir, "wallboard.yaml")
        # the extra YAML, when the ports are the harness's to choose again
        self.own_ports = None if ports else extra
        self.write_config(extra)
        self.proc = None
        self.ctx = zmq.Context.instance()
        self.log = open(os.path.join(self.dir, "stderr.log"), "ab")

    def write_config(self, extra):
        # HTTP stays off unless the test configures it (with a free port):
        # the default port would collide between test runs side by side.
        http = "" if "\nhttp:" in "\n" + extra else "http: {listen: off}\n"
        with open(self.config, "w") as f:
            f.write(f"""site: {self.site}
windows: [15m, 60m]
ingest: {{bind: ["tcp://127.0.0.1:{self.ingest}"]}}
publish: {{bind: ["tcp://127.0.0.1:{self.pub}"], max_rate: 50, heartbeat: 200ms}}
state_dir: {self.state}
""" + http + extra)

    def start(self):
        # A free port can be taken by someone else before the daemon binds
        # it (another test's client connections, on a busy machine): the
        # ports this harness chose are chosen again, a few times.
        for attempt in range(5):
            self.log.flush()
            since = os.path.getsize(os.path.join(self.dir, "stderr.log"))
            self.proc = subprocess.Popen([WALLBOARDD, "-c", self.config, "-v"],
                                         stderr=self.log, stdout=self.log)
            try:
                self.wait_control(since=since)
                return self
            except RuntimeError:
                if (attempt == 4 or self.own_ports is None or
                        "Address already in use" not in self.stderr()):
                    raise
                self.ingest, self.pub = free_ports(2)
                self.write_config(self.own_ports)
        return self

    def wait_control(self, timeout=10, since=None):
        """The control socket is there; with `since` (the log's size when
        this daemon started), also its "wallboardd ready" line: the control
        socket opens before the HTTP and web listeners, and a busy machine
        can keep those a moment behind it."""
        path = os.path.join(self.state, "control.sock")
        end = time.time() + timeout
        while time.time() < end:
            if os.path.exists(path) and (
                    since is None or b"wallboardd ready" in self.stderr_bytes()[since:]):
                return
            if self.proc.poll() is not None:
                raise RuntimeError("wallboardd exited: " + self.stderr())
            time.sleep(0.02)
        raise RuntimeError("not ready: " + self.stderr()[-2000:])

    def stderr_bytes(self):
        self.log.flush()
        with open(os.path.join(self.dir, "stderr.log"), "rb") as f:
            return f.read()

    def stderr(self):
        return self.stderr_bytes().decode(errors="replace")

    def publisher(self):
        sock = self.ctx.socket(zmq.PUB)
        sock.setsockopt(zmq.SNDHWM, 0)
        sock.setsockopt(zmq.LINGER, 2000)
        sock.connect(f"tcp://127.0.0.1:{self.ingest}")
        time.sleep(0.3)     # PUB/SUB: let the connection settle
        return sock

    def subscriber(self, topic=b"snapshot"):
        sock = self.ctx.socket(zmq.SUB)
        sock.setsockopt(zmq.SUBSCRIBE, topic)
        sock.setsockopt(zmq.RCVHWM, 0)
        sock.connect(f"tcp://127.0.0.1:{self.pub}")
        return sock

    def control(self, request, timeout_ms=5000):
        sock = self.ctx.socket(zmq.REQ)
        sock.setsockopt(zmq.RCVTIMEO, timeout_ms)
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect("ipc://" + os.path.join(self.state, "control.sock"))
        sock.send(json.dumps(request).encode())
        reply = json.loads(sock.recv())
        sock.close()
        return reply

    def snapshot(self):
        return self.control({"cmd": "snapshot"})

    def wait_for(self, predicate, timeout=10):
        """Poll snapshots (through control) until predicate(snapshot) holds."""
        end = time.time() + timeout
        snap = None
        while time.time() < end:
            snap = self.snapshot()
            if predicate(snap):
                return snap
            time.sleep(0.05)
        raise AssertionError("timed out; last snapshot: " + json.dumps(snap)[:2000])

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=5)
        return self.proc.returncode

    def close(self):
        try:
            self.stop(signal.SIGKILL)
        except Exception:
            pass
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def send(pub, event):
    pub.send(json.dumps(event, separators=(",", ":")).encode())


def figure(snap, path):
    v = snap
    for k in path.split("/"):
        v = v[k]
    return v


# ---- checks and a runner shared by the live test files -------------------

FAILURES = []


def check(what, got, want):
    """Record a failure unless got == want (numbers within 1e-9)."""
    if isinstance(got, (int, float)) and isinstance(want, (int, float)):
        ok = abs(got - want) < 1e-9
    else:
        ok = got == want
    if not ok:
        FAILURES.append(f"{what}: got {got!r}, want {want!r}")


def ev(kind, ts, seq=None, src="t", **fields):
    e = {"type": kind, "ts": ts, "src": src}
    if seq is not None:
        e["seq"] = seq
    e.update(fields)
    return e


def run(tests, label):
    """Run each test, print ok/FAIL with what failed, and a closing
    "LABEL: N passed, N failed" line; the exit status for sys.exit."""
    passed = failed = 0
    for t in tests:
        before = len(FAILURES)
        t0 = time.time()
        try:
            t()
        except Exception as e:      # a test that cannot run is a failure
            FAILURES.append(f"{t.__name__}: {type(e).__name__}: {e}")
        ok = len(FAILURES) == before
        passed += ok
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {t.__name__} ({time.time() - t0:.1f} s)")
        for f in FAILURES[before:]:
            print("     " + f)
    print(f"{label}: {passed} passed, {failed} failed")
    return 1 if failed else 0
