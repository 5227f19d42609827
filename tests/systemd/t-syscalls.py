"""The unit's sandbox admits what the daemon really does. With no systemd to
start the unit here, a live run of wallboardd is traced (strace -f) through
start, events, alerts, every control command, SIGHUP and SIGTERM, and each
system call made must pass the unit's SystemCallFilter= lines (groups
expanded by systemd-analyze itself), each socket family its
RestrictAddressFamilies=. A call missing there is a daemon killed in
production (libzmq's threads, for one, abort when sched_setscheduler is
refused). SKIP without strace, systemd-analyze or ptrace."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "live"))
from wb import WALLBOARDCTL, WALLBOARDD, Daemon, send  # noqa: E402

UNIT = os.path.join(HERE, "..", "..", "systemd", "wallboardd.service")
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


def unit_values(key):
    with open(UNIT) as f:
        return [line.split("=", 1)[1].strip() for line in f if line.startswith(key + "=")]


def allowed_syscalls():
    """The unit's filter as systemd builds it: an allow list starts from
    @default, then each line in order adds, or with ~ removes."""
    groups = syscall_groups()
    lines = unit_values("SystemCallFilter")
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


def exercise(d):
    sock = os.path.join(d.state, "control.sock")
    for args in (["status"], ["snapshot"], ["message", "hello", "--for", "1m"],
                 ["message", "--clear"], ["reload"], ["ack", "nothing", "--by", "x"]):
        subprocess.run([WALLBOARDCTL, "--socket", sock] + args, capture_output=True, timeout=20)
    pub = d.publisher()
    now = int(time.time() * 1000)
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


def main():
    for tool in ("strace", "systemd-analyze"):
        if shutil.which(tool) is None:
            skip(f"{tool} is not installed")
    if subprocess.run(["strace", "-f", "-qq", "-o", os.devnull, "true"]).returncode != 0:
        skip("strace cannot trace here (ptrace not permitted)")
    allowed = allowed_syscalls()
    d = TracedDaemon(extra=ALERTS)
    try:
        d.start()
        exercise(d)
        calls, families = traced(d.trace)
    finally:
        d.close()
    refused = sorted(calls - allowed)
    stray = sorted(families - set(" ".join(unit_values("RestrictAddressFamilies")).split()))
    print(f"{len(calls)} system calls traced: {' '.join(sorted(calls))}")
    print(f"socket families: {' '.join(sorted(families))}")
    if refused:
        print("FAIL: the unit's SystemCallFilter refuses: " + " ".join(refused))
    if stray:
        print("FAIL: the unit's RestrictAddressFamilies refuses: " + " ".join(stray))
    if not refused and not stray:
        print("t-syscalls: the unit admits every call and socket family the daemon used")
    return 1 if refused or stray else 0


if __name__ == "__main__":
    sys.exit(main())
