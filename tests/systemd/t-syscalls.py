"""The units' sandboxes admit what the programs really do. A live run of
wallboardd is traced (strace -f) through start, events, alerts, every
control command, SIGHUP and SIGTERM; so is each wallboardctl command (the
unit's ExecReload runs `wallboardctl reload` inside the daemon's sandbox), and
a wallboard-feed publishing into it (wallboard-feed@.service), and HTTP
(daemon/httpd.c: requests kept alive, refused, timed out). Each system
call made must pass its unit's SystemCallFilter= lines (groups expanded by
systemd-analyze itself), each socket family its RestrictAddressFamilies=. A
call missing there is a program killed in production (libzmq's threads, for
one, abort when sched_setscheduler is refused). SKIP without strace,
systemd-analyze or ptrace."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "live"))
from wb import BUILD, ROOT, WALLBOARDCTL, WALLBOARDD, Daemon, free_port, send  # noqa: E402

UNIT = os.path.join(HERE, "..", "..", "systemd", "wallboardd.service")
FEED_UNIT = os.path.join(HERE, "..", "..", "systemd", "wallboard-feed@.service")
WALLBOARD_FEED = os.path.join(ROOT, BUILD, "wallboard-feed")
ALERTS = """alerts:
  - {name: long-wait, metric: longest_wait_ms, scope: "queue:*", above: 1s}
"""


def skip(why):
    print("SKIP: " + why)
    sys.exit(0)


def syscall_groups():
    """{"@group": {members}} from systemd-analyze syscall-filter."""
    out = subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True,
                         text=True, check=True).stdout
    groups, current = {}, None
    for line in out.splitlines():
        word = line.strip()
        if not word or word.startswith("#"):
            continue
        if not line.startswith(" "):
            current = groups.setdefault(word, set())
        elif current is not None:
            current.add(word)
    return groups


def expand(name, groups):
    if not name.startswith("@"):
        return {name}
    return set().union(*(expand(m, groups) for m in groups.get(name, ())))


def unit_values(key, unit=UNIT):
    with open(unit) as f:
        return [line.split("=", 1)[1].strip() for line in f if line.startswith(key + "=")]


def allowed_syscalls(unit=UNIT):
    """The unit's filter as systemd builds it: an allow list starts from
    @default, then each line in order adds, or with ~ removes."""
    groups = syscall_groups()
    lines = unit_values("SystemCallFilter", unit)
    if not lines or lines[0].startswith("~"):
        raise SystemExit("FAIL: the unit has no SystemCallFilter allow list")
    allowed = expand("@default", groups)
    for line in lines:
        names = set().union(*(expand(w, groups) for w in line.lstrip("~").split()))
        allowed = allowed - names if line.startswith("~") else allowed | names
    return allowed


class TracedDaemon(Daemon):
    def start(self):
        self.trace = os.path.join(self.dir, "trace")
        self.proc = subprocess.Popen(["strace", "-f", "-qq", "-o", self.trace, WALLBOARDD,
                                      "-c", self.config, "-v"],
                                     stderr=self.log, stdout=self.log)
        self.wait_control(timeout=30)
        return self

    def daemon_pid(self):
        with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
            return int(f.read().split()[0])


def strace(path, argv, **kw):
    return subprocess.run(["strace", "-f", "-qq", "-o", path] + argv,
                          capture_output=True, timeout=30, **kw)


def exercise(d):
    """Drive the traced daemon; the traces of the clients, by unit."""
    sock = os.path.join(d.state, "control.sock")
    ctl_traces = []
    for i, args in enumerate((["status"], ["snapshot"], ["message", "hello", "--for", "1m"],
                              ["message", "--clear"], ["reload"], ["ack", "nothing", "--by", "x"])):
        ctl_traces.append(os.path.join(d.dir, f"trace-ctl-{i}"))
        strace(ctl_traces[-1], [WALLBOARDCTL, "-c", d.config, "--timeout", "20s"] + args)
    # As the unit runs it: -c CONFIG, the socket found through state_dir.
    now = int(time.time() * 1000)
    replay = os.path.join(d.dir, "feed.jsonl")
    with open(replay, "w") as f:
        for i in range(5):
            f.write(json.dumps({"type": "agent.state", "ts": now, "src": "f", "seq": i + 1,
                                "agent": f"a{i}", "state": "ready"}) + "\n")
    feed_trace = os.path.join(d.dir, "trace-feed")
    strace(feed_trace, [WALLBOARD_FEED, "replay", replay, "--max",
                        "--endpoint", f"tcp://127.0.0.1:{d.ingest}"])
    http_requests(d.http_port)
    pub = d.publisher()
    for i in range(20):
        send(pub, {"type": "call.queued", "ts": now, "src": "t", "seq": i + 1,
                   "call": f"c{i}", "queue": "support"})
    pub.send(b"not json")
    sub = d.subscriber()
    d.wait_for(lambda s: json.dumps(s).count("firing") > 0, timeout=15)
    sub.recv_multipart()
    pub.close()
    sub.close()
    pid = d.daemon_pid()
    os.kill(pid, signal.SIGHUP)
    time.sleep(0.5)
    os.kill(pid, signal.SIGTERM)
    d.proc.wait(timeout=15)
    return {UNIT: ctl_traces, FEED_UNIT: [feed_trace]}


def http_requests(port):
    """What httpd.c does for a request kept alive, one refused and closed
    (lingering), and a connection timed out: its calls into the trace."""
    end = time.time() + 10
    while True:                     # it listens a moment after control
        try:
            socket.create_connection(("127.0.0.1", port), timeout=10).close()
            break
        except ConnectionRefusedError:
            if time.time() > end:
                raise
            time.sleep(0.05)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        for path in ("/healthz", "/metrics"):
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            s.recv(65536)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET / HTTP/9.9\r\n\r\n")
        while s.recv(65536):
            pass
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.settimeout(10)
        s.recv(1)                   # closed by header_timeout


def traced(path):
    calls, families = set(), set()
    with open(path) as f:
        for line in f:
            m = re.match(r"\d+\s+([a-z0-9_]+)\(", line)
            if m:
                calls.add(m.group(1))
            m = re.search(r"\bsocket\((AF_[A-Z0-9]+)", line)
            if m:
                families.add(m.group(1))
    return calls, families


def judge(what, unit, trace_files):
    """Print what the traces used and what the unit refuses; True if none."""
    calls, families = set(), set()
    for path in trace_files:
        c, f = traced(path)
        calls |= c
        families |= f
    refused = sorted(calls - allowed_syscalls(unit))
    stray = sorted(families - set(" ".join(unit_values("RestrictAddressFamilies", unit)).split()))
    name = os.path.basename(unit)
    print(f"{what}: {len(calls)} system calls traced: {' '.join(sorted(calls))}")
    print(f"{what}: socket families: {' '.join(sorted(families))}")
    if len(calls) < 20:
        print(f"FAIL: {what}: too few calls traced; did it run?")
        return False
    if refused:
        print(f"FAIL: {name}'s SystemCallFilter refuses what {what} calls: " + " ".join(refused))
    if stray:
        print(f"FAIL: {name}'s RestrictAddressFamilies refuses what {what} uses: " + " ".join(stray))
    if not refused and not stray:
        print(f"ok: {name} admits every call and socket family {what} used")
    return not refused and not stray


def main():
    for tool in ("strace", "systemd-analyze"):
        if shutil.which(tool) is None:
            skip(f"{tool} is not installed")
    if subprocess.run(["strace", "-f", "-qq", "-o", os.devnull, "true"]).returncode != 0:
        skip("strace cannot trace here (ptrace not permitted)")
    port = free_port()
    d = TracedDaemon(extra=ALERTS + f'http: {{listen: "127.0.0.1:{port}", header_timeout: 500ms}}\n')
    d.http_port = port
    try:
        d.start()
        clients = exercise(d)
        good = judge("wallboardd", UNIT, [d.trace])
        good &= judge("wallboardctl", UNIT, clients[UNIT])
        good &= judge("wallboard-feed", FEED_UNIT, clients[FEED_UNIT])
    finally:
        d.close()
    print("t-syscalls: " + ("the units admit every call and socket family used"
                            if good else "refused calls above"))
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
