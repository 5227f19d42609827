#!/usr/bin/env python3
"""bench-relay: one wallboard-relay's fan-out (issue 22), the real program.

A publisher (an XPUB standing in for the daemon) sends snapshots of a
floor's size (~20 kB) on "snapshot", 20 a second (a daemon at
publish.max_rate 20; the default is 10), for 5 s; 500 boards (SUB sockets,
one process, a poller) subscribe through the relay and count what they get.

Prints: snapshots a second into the relay, deliveries a second out of it
(boards x snapshots), the share of sends each board got, and the relay's
CPU (user + system, from /proc) per second and per delivery. One run: the
machine is shared, the publisher and the boards share its two cores with
the relay.
"""
import json
import os
import sys
import time

import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "relay"))
sys.path.insert(0, os.path.join(ROOT, "tests", "live"))
import relay  # noqa: E402
import wb  # noqa: E402

BOARDS = int(os.environ.get("WB_BENCH_RELAY_BOARDS", "500"))
RATE = 20.0
SECONDS = 5.0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def take(poller, got, timeout_ms):
    """Read every message waiting on the boards that have one, counting."""
    for s, _ in poller.poll(timeout_ms):
        while True:
            try:
                s.recv_multipart(zmq.NOBLOCK)
                got[s] += 1
            except zmq.Again:
                break


def main():
    snap = open(os.path.join(ROOT, "tests", "display", "snapshot.json"),
                "rb").read()
    # a floor's size: the test snapshot, padded with agents to ~20 kB
    doc = json.loads(snap)
    agent = doc["agents"][0] if doc.get("agents") else {"id": "a", "state": "ready"}
    while len(json.dumps(doc)) < 20000:
        a = dict(agent, id=f"a{len(doc['agents'])}")
        doc.setdefault("agents", []).append(a)
    payload = json.dumps(doc).encode()
    ctx = zmq.Context.instance()
    up = ctx.socket(zmq.XPUB)
    up.setsockopt(zmq.SNDHWM, 1000)
    port = up.bind_to_random_port("tcp://127.0.0.1")
    r = relay.Relay([f"tcp://127.0.0.1:{port}"], "--hwm", "16")
    boards = []
    poller = zmq.Poller()
    for _ in range(BOARDS):
        s = ctx.socket(zmq.SUB)
        s.setsockopt(zmq.SUBSCRIBE, b"snapshot")
        s.setsockopt(zmq.RCVHWM, 16)
        s.connect(r.endpoint)
        boards.append(s)
        poller.register(s, zmq.POLLIN)
    got = {s: 0 for s in boards}
    time.sleep(2.0)         # every board joined
    try:
        sent = 0
        cpu0, t0 = cpu_seconds(r.proc.pid), time.time()
        end = t0 + SECONDS
        while time.time() < end:
            if time.time() >= t0 + sent / RATE:
                up.send_multipart([b"snapshot", payload])
                sent += 1
            take(poller, got, 5)
        drain = time.time() + 1.0
        while time.time() < drain:
            take(poller, got, 50)
        secs = time.time() - t0
        cpu = cpu_seconds(r.proc.pid) - cpu0
        delivered = sum(got.values())
        shares = sorted(v / sent for v in got.values())
        print(f"{BOARDS} boards, {len(payload)} bytes a snapshot, "
              f"{sent} snapshots in {SECONDS:.0f} s")
        print(f"into the relay:  {sent / SECONDS:8.0f} snapshots/s")
        print(f"out to boards:   {delivered / secs:8.0f} deliveries/s "
              f"({delivered * len(payload) / secs / 1e6:.0f} MB/s)")
        print(f"each board got:  median {shares[len(shares) // 2]:.2f} of the "
              f"snapshots, least {shares[0]:.2f} (a board needs only the "
              "newest: one behind drops at its queue of 16)")
        print(f"relay CPU:       {cpu / secs:.2f} s a second, "
              f"{cpu * 1e6 / max(delivered, 1):.1f} us a delivery")
    finally:
        for s in boards:
            s.close(0)
        up.close(0)
        r.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
