"""What an outsider can make the daemon spend, bounded (issue 16; this file
grows with each limit): the real wallboardd, flooded over real ZeroMQ.

- ingest.max_message (default 1MiB): a 64 MiB message is cut off by ZeroMQ
  before it is held: the daemon's RSS does not grow by it, the daemon keeps
  serving, and a message of 100 KiB (read, but over the 64 KiB an event may
  be) is counted as rejected, too long.
- the key itself: sizes with binary units only, within 64KiB..64MiB.
"""
import os
import subprocess
import sys
import time

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wb  # noqa: E402
from wb import FAILURES, check, ev  # noqa: E402

MiB = 1 << 20


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def rejected_too_long(d):
    return d.snapshot()["feeds"].get("?", {}).get("rejected", 0)


def test_message_size():
    d = wb.Daemon().start()
    try:
        pub = d.publisher()
        now = int(time.time() * 1000)
        wb.send(pub, ev("agent.state", now, 1, agent="a1", state="ready"))
        d.wait_for(lambda s: s["feeds"].get("t", {}).get("events") == 1)
        before = rss(d.proc.pid)

        # 100 KiB: read, and rejected as too long (not an event: no src)
        pub.send(b"x" * (100 * 1024))
        d.wait_for(lambda s: s["feeds"].get("?", {}).get("rejected") == 1)

        # 64 MiB: cut off at its header, never held
        big = zmq.Context.instance().socket(zmq.PUB)
        big.setsockopt(zmq.LINGER, 0)
        big.connect(f"tcp://127.0.0.1:{d.ingest}")
        time.sleep(0.3)
        big.send(b"y" * (64 * MiB))
        time.sleep(1.5)
        big.close()
        grown = rss(d.proc.pid) - before
        if grown > 16 * MiB:
            FAILURES.append(f"a 64 MiB message grew the daemon by {grown / MiB:.1f} MiB")
        check("the 64 MiB message is not an event", rejected_too_long(d), 1)

        # still serving: a new event on a new connection is applied
        again = d.publisher()
        wb.send(again, ev("agent.state", int(time.time() * 1000), 2, agent="a1", state="away"))
        snap = d.wait_for(lambda s: s["feeds"].get("t", {}).get("events") == 2)
        check("applied after the flood", snap["scopes"]["all"]["now"]["agents"]["away"], 1)
        check("still running", d.proc.poll(), None)
    finally:
        d.close()


def test_max_message_key():
    d = wb.Daemon()
    try:
        for value, says in [("10KiB", "'max_message' value '10KiB' is too small (the minimum is 64KiB)"),
                            ("1GiB", "'max_message' value '1GiB' is too large (the maximum is 64MiB)"),
                            ("1MB", "bad size '1MB' for 'max_message'"),
                            ("1048576", "bad size '1048576' for 'max_message'")]:
            with open(d.config) as f:
                text = f.read()
            path = os.path.join(d.dir, "limits.yaml")
            with open(path, "w") as f:
                f.write(text.replace("ingest: {bind:", f"ingest: {{max_message: {value}, bind:"))
            r = subprocess.run([wb.WALLBOARDD, "-c", path, "--check-config"],
                               capture_output=True, text=True, timeout=10)
            check(f"max_message {value} refused", r.returncode, 1)
            if says not in r.stderr:
                FAILURES.append(f"max_message {value}: {r.stderr!r}")
        with open(path, "w") as f:
            f.write(text.replace("ingest: {bind:", "ingest: {max_message: 4MiB, bind:"))
        r = subprocess.run([wb.WALLBOARDD, "-c", path, "--check-config"],
                           capture_output=True, text=True, timeout=10)
        check("max_message 4MiB accepted", (r.returncode, r.stderr), (0, ""))
    finally:
        d.close()


if __name__ == "__main__":
    sys.exit(wb.run([test_message_size, test_max_message_key], "limits"))
