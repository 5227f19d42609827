#!/usr/bin/env python3
"""bench-nats: events through NATS JetStream (issue 22), the real programs.

A 3-node nats-server cluster on loopback (file stores in a temp dir), the
stream with 3 replicas. One recorded day (the simulator's, ~N events):

  zeromq     wallboard-feed replay --max straight to a daemon: events/s
             until the daemon has applied them all (status "applied").
  jetstream  the same file through `--nats` to the cluster, read by a
             daemon with ingest.nats: events/s, feed start to all applied.
  catch-up   a second daemon, nothing journaled, reads the whole day from
             the stream: time until all applied and its clock is live;
             per million events.
  1M day     two sites' busy 6 h (1,500 agents each, ~1M events), each
             published by its own feed (`--name-prefix`) into one server's
             stream; a daemon started with nothing journaled reads it all:
             the time to catch up a 1M-event day. WB_BENCH_QUICK=1: 90 min
             of each site (a quarter).

One run each (the machine is shared: compare the two rates side by side).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "live"))
sys.path.insert(0, os.path.join(ROOT, "tests", "nats"))
import wb  # noqa: E402
import importlib.util  # noqa: E402

spec = importlib.util.spec_from_file_location(
    "tnats", os.path.join(ROOT, "tests", "nats", "t-nats.py"))
tn = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tn)

AGENTS = int(os.environ.get("WB_BENCH_NATS_AGENTS", "300"))


def applied(d):
    return d.control({"cmd": "status"})["applied"]


def wait_applied(d, n, timeout=600):
    end = time.time() + timeout
    while time.time() < end:
        if applied(d) >= n:
            return time.time()
        time.sleep(0.01)
    raise RuntimeError(f"only {applied(d)} of {n} applied")


def catch_up(d, n, what):
    """Start d (nothing journaled) and time it to every event applied and
    its clock live."""
    t0 = time.time()
    d.start()
    wait_applied(d, n)
    d.wait_for(lambda s: s.get("stream") == "live", timeout=120)
    t1 = time.time()
    print(f"{what} {t1 - t0:.2f} s for {n} events, start to live "
          f"({(t1 - t0) * 1e6 / n:.1f} s per million)")


def main():
    if not os.path.exists(tn.NATS_SERVER):
        print("bench-nats: nats-server not installed (make deps bench)")
        return 0
    tmp = tempfile.mkdtemp(prefix="wb-bench-nats-")
    day = os.path.join(tmp, "day.jsonl")
    now = int(time.time() * 1000)
    subprocess.run([tn.FEED, "sim", "--jsonl", day, "--duration", "6h",
                    "--agents", str(AGENTS), "--start",
                    str(now - 7 * 3600 * 1000), "--floor-clock", "09:00"],
                   check=True,
                   capture_output=True)
    n = sum(1 for _ in open(day))
    print(f"a day of {n} events ({AGENTS} agents, 6 h), published with "
          "`wallboard-feed replay --max`")

    # ZeroMQ direct
    d = wb.Daemon().start()
    t0 = time.time()
    subprocess.run([tn.FEED, "replay", day, "--max", "--endpoint",
                    f"tcp://127.0.0.1:{d.ingest}"], check=True,
                   capture_output=True)
    t1 = wait_applied(d, n)
    zmq_rate = n / (t1 - t0)
    d.close()
    print(f"zeromq direct:            {zmq_rate:10.0f} events/s")

    cl = tn.Cluster().start_all()
    a = b = None
    try:
        a = tn.NatsDaemon(cl.urls, replicas=3).start()
        t0 = time.time()
        r = subprocess.run([tn.FEED, "replay", day, "--max", "--nats", cl.urls,
                            "--subject", "wallboard.events.bench.sim"],
                           capture_output=True, text=True)
        t1 = wait_applied(a, n)
        js_rate = n / (t1 - t0)
        print(f"jetstream R3, 3 nodes:    {js_rate:10.0f} events/s "
              f"({js_rate / zmq_rate:.2f} of zeromq; each event acknowledged, "
              "64 in flight a feed, docs/nats.md)")
        b = tn.NatsDaemon(cl.urls, replicas=3)
        catch_up(b, n, "catch-up from the stream:")
    finally:
        for x in (a, b):
            if x:
                x.close()
        cl.close()
    catch_up_day(tmp, now)
    return 0


def catch_up_day(tmp, now):
    quick = os.environ.get("WB_BENCH_QUICK") == "1"
    files = []
    for i in range(2):
        f = os.path.join(tmp, f"site{i}.jsonl")
        subprocess.run([tn.FEED, "sim", "--jsonl", f, "--duration",
                        "90m" if quick else "6h", "--agents", "1500",
                        "--start", str(now - 7 * 3600 * 1000),
                        "--floor-clock", "09:00", "--seed", str(100 + i),
                        "--src", f"site{i}"], check=True, capture_output=True)
        files.append(f)
    n = sum(sum(1 for _ in open(f)) for f in files)
    nats = tn.Nats().start()
    a = b = None
    try:
        a = tn.NatsDaemon(nats.url).start()     # makes the stream
        t0 = time.time()
        feeds = [subprocess.Popen(
            [tn.FEED, "replay", f, "--max", "--nats", nats.url, "--subject",
             f"wallboard.events.site{i}.pbx", "--name-prefix", f"site{i}."],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for i, f in enumerate(files)]
        for p in feeds:
            _, err = p.communicate(timeout=900)
            if p.returncode != 0:
                raise RuntimeError(f"feed failed: {err}")
        wait_applied(a, n)
        t1 = time.time()
        print(f"a day of {n} events (two sites, 1,500 agents each, "
              f"{'90 min' if quick else '6 h'}), two feeds into one server "
              f"(R1): {n / (t1 - t0):.0f} events/s")
        b = tn.NatsDaemon(nats.url)
        catch_up(b, n, "catch-up of that day from the stream:")
    finally:
        for x in (a, b):
            if x:
                x.close()
        nats.close()


if __name__ == "__main__":
    sys.exit(main())
