"""wallboard-feed against the real daemon.

A simulated hour is written with `sim --jsonl`, then (a) replayed by
`wallboardd --replay` and (b) published live by `wallboard-feed replay
--max` into a running wallboardd: every figure of the live snapshot must
equal the replay's at the snapshot's own `now` (the daemon's clock follows
event time, PROTOCOL 6.1, so this is exact). Also: the stream is the same
byte for byte for a seed, in time order and numbered; the simulator
publishing live gives the same figures as its own recording; replay keeps
recorded src/seq, numbers bare lines and skips bad ones by line number;
SIGINT stops a live simulator cleanly with its report."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "live"))
import wb  # noqa: E402

FEED = os.path.join(wb.ROOT, wb.BUILD, "wallboard-feed")
HOUR = 3600 * 1000
FAILURES = []
# The built-in floor's queues and teams, so team scopes have queue figures.
FLOOR = """queues: {support: {}, sales: {sl_threshold: 30s}, billing: {}}
teams:
  frontline: {queues: [support, sales]}
  accounts: {queues: [billing]}
"""


def check(what, got, want):
    if isinstance(got, float) or isinstance(want, float):
        ok = got is not None and want is not None and abs(got - want) < 1e-9
    else:
        ok = got == want
    if not ok:
        FAILURES.append(f"{what}: got {got!r}, want {want!r}")


def sim(*args, check_rc=True):
    return subprocess.run([FEED, "sim", *args], capture_output=True, text=True,
                          timeout=60, check=check_rc)


def replay_at(config, path, at):
    out = subprocess.run([wb.WALLBOARDD, "-c", config, "--replay", path, "--at", str(at)],
                         capture_output=True, check=True, timeout=60)
    return json.loads(out.stdout)


def same_figures(live, replayed, label):
    """Every figure of every scope and window, now and agents: equal."""
    n = 0
    for key, scope in replayed["scopes"].items():
        for win, figs in scope["windows"].items():
            for k, v in figs.items():
                check(f"{label} {key}/{win}/{k}", live["scopes"][key]["windows"][win][k], v)
                n += 1
        for k in ("waiting", "longest_wait_ms"):
            check(f"{label} {key}/now/{k}", live["scopes"][key]["now"][k], scope["now"][k])
        for k, v in scope["now"]["agents"].items():
            check(f"{label} {key}/now/agents/{k}", live["scopes"][key]["now"]["agents"][k], v)
    la = {a["id"]: a for a in live["agents"]}
    for a in replayed["agents"]:
        for k in ("state", "since", "reason", "handled_today"):
            check(f"{label} agent {a['id']} {k}", la.get(a["id"], {}).get(k), a[k])
    check(f"{label} scopes", sorted(live["scopes"]), sorted(replayed["scopes"]))
    return n


def lively(snap, label):
    """The hour is worth comparing: calls of every kind in the 60m window."""
    w = snap["scopes"]["all"]["windows"]["60m"]
    for k, least in (("offered", 100), ("answered", 80), ("abandoned", 1), ("handled", 80)):
        if (w[k] or 0) < least:
            FAILURES.append(f"{label}: only {w[k]} {k} in the hour")
    if w["csat"] is None or w["fcr"] is None or w["repeat_rate"] is None:
        FAILURES.append(f"{label}: no surveys, dispositions or callers: {w}")


def read_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def test_stream(tmp, start):
    """Same seed, same bytes; ts in order; src/seq numbered from 1."""
    a, b = os.path.join(tmp, "a.jsonl"), os.path.join(tmp, "b.jsonl")
    sim("--jsonl", a, "--duration", "1h", "--seed", "7", "--start", str(start))
    sim("--jsonl", b, "--duration", "1h", "--seed", "7", "--start", str(start))
    with open(a, "rb") as fa, open(b, "rb") as fb:
        check("same seed, same bytes", fa.read() == fb.read(), True)
    c = os.path.join(tmp, "c.jsonl")
    sim("--jsonl", c, "--duration", "1h", "--seed", "8", "--start", str(start))
    with open(a, "rb") as fa, open(c, "rb") as fc:
        check("another seed, another stream", fa.read() != fc.read(), True)
    evs = read_lines(a)
    check("seq from 1", [e["seq"] for e in evs], list(range(1, len(evs) + 1)))
    check("src", {e["src"] for e in evs}, {"sim"})
    check("ts in order", all(x["ts"] <= y["ts"] for x, y in zip(evs, evs[1:])), True)
    check("within the hour", start <= evs[0]["ts"] and evs[-1]["ts"] <= start + HOUR, True)
    kinds = {e["type"] for e in evs}
    for k in ("call.queued", "call.answered", "call.abandoned", "call.ended",
              "agent.state", "survey"):
        if k not in kinds:
            FAILURES.append(f"no {k} in the hour")
    return a, len(evs)


def test_replay_live(path, n):
    """(a) wallboardd --replay and (b) wallboard-feed replay --max live."""
    d = wb.Daemon(extra=FLOOR).start()
    try:
        t0 = time.time()
        r = subprocess.run([FEED, "replay", path, "--max", "--endpoint",
                            f"tcp://127.0.0.1:{d.ingest}"], capture_output=True, text=True,
                           timeout=60)
        check("replay exit", r.returncode, 0)
        if f"{n} lines sent, 0 bad lines skipped" not in r.stderr:
            FAILURES.append("replay's report: " + r.stderr)
        snap = d.wait_for(lambda s: s["feeds"].get("sim", {}).get("events") == n)
        print(f"  published {n} events in {time.time() - t0:.2f} s")
        check("gaps", snap["feeds"]["sim"]["gaps"], 0)
        check("rejected", snap["feeds"]["sim"]["rejected"], 0)
        check("orphans", snap["feeds"]["sim"]["orphans"], 0)
        lively(snap, "live")
        replayed = replay_at(d.config, path, snap["now"])
        figures = same_figures(snap, replayed, "replay --max vs --replay")
        print(f"  {figures} window figures compared at now={snap['now']}")
    finally:
        d.close()


def test_sim_live(tmp, start):
    """The simulator publishing (at 2000x) gives what its recording gives."""
    path = os.path.join(tmp, "live.jsonl")
    args = ["--duration", "20m", "--seed", "11", "--start", str(start)]
    sim("--jsonl", path, *args)
    n = len(read_lines(path))
    d = wb.Daemon(extra=FLOOR).start()
    try:
        r = sim("--speed", "2000", "--endpoint", f"tcp://127.0.0.1:{d.ingest}", *args)
        if f"{n} events sent (0 dropped)" not in r.stderr:
            FAILURES.append("sim's report: " + r.stderr)
        snap = d.wait_for(lambda s: s["feeds"].get("sim", {}).get("events") == n)
        same_figures(snap, replay_at(d.config, path, snap["now"]), "sim live vs its recording")
    finally:
        d.close()


def test_replay_lines(tmp):
    """Recorded src/seq kept byte for byte, bare lines numbered, bad lines
    skipped with their line numbers."""
    path = os.path.join(tmp, "mixed.jsonl")
    lines = ['{"type":"call.queued","ts":1000,"src":"pbx9","seq":41,"call":"x","queue":"q"}',
             'not json',
             '{"type":"call.queued", "ts":2000, "call":"y", "queue":"q"}',
             '',
             '{"type":"call.queued","call":"z","queue":"q"}',
             '{"type":"call.abandoned","ts":3000,"call":"y"}']
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    r = subprocess.run([FEED, "replay", path, "--max", "--jsonl", "-"], capture_output=True,
                       text=True, timeout=30)
    check("mixed exit", r.returncode, 0)
    out = r.stdout.splitlines()
    check("raw kept", out[0] if out else None, lines[0])
    check("bare numbered", out[1:], [
        '{"src":"replay","seq":1,"type":"call.queued", "ts":2000, "call":"y", "queue":"q"}',
        '{"src":"replay","seq":2,"type":"call.abandoned","ts":3000,"call":"y"}'])
    for want in (f"{path}:2: skipped: not a JSON object", f"{path}:5: skipped: no integer ts",
                 "3 lines sent, 2 bad lines skipped"):
        if want not in r.stderr:
            FAILURES.append(f"replay stderr lacks {want!r}: {r.stderr}")


def test_sigint(start):
    """A live simulator stops on SIGINT at once, with its report, exit 0."""
    p = subprocess.Popen([FEED, "sim", "--endpoint", f"tcp://127.0.0.1:{wb.free_port()}",
                          "--start", str(start)], stderr=subprocess.PIPE, text=True)
    time.sleep(0.8)
    t0 = time.time()
    p.send_signal(signal.SIGINT)
    try:
        _, err = p.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        FAILURES.append("sim ignored SIGINT")
        return
    check("sigint exit", p.returncode, 0)
    if time.time() - t0 > 2.5:
        FAILURES.append(f"SIGINT took {time.time() - t0:.1f} s")
    if "events sent" not in err or "simulated" not in err:
        FAILURES.append("no report on SIGINT: " + err)


def test_pause(start):
    """SIGUSR1 pauses a live simulator (nothing sent; it says so), SIGUSR1
    again resumes it, and its clock stood still meanwhile: at 60x, 2 s of
    pause would be 120 s of simulated time if it ran on; the events resume
    within a few simulated seconds of where they stopped."""
    import zmq
    sub = wb.zmq.Context.instance().socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    port = sub.bind_to_random_port("tcp://127.0.0.1")
    p = subprocess.Popen([FEED, "sim", "--endpoint", f"tcp://127.0.0.1:{port}", "--speed", "60",
                          "--start", str(start)], stderr=subprocess.PIPE, text=True)

    def drain(seconds):
        got, end = [], time.time() + seconds
        while time.time() < end:
            if sub.poll(50):
                got.append(json.loads(sub.recv_multipart()[-1]))
        return got

    try:
        before = drain(1.5)
        check("events before the pause", len(before) > 0, True)
        p.send_signal(signal.SIGUSR1)
        drain(0.3)                  # what was already on its way
        check("events while paused", len(drain(2.0)), 0)
        p.send_signal(signal.SIGUSR1)
        after = drain(1.5)
        check("events after resuming", len(after) > 0, True)
        if before and after:
            gap = after[0]["ts"] - before[-1]["ts"]
            if gap > 60 * 1000:
                FAILURES.append(f"the sim's clock ran on while paused: {gap} ms of event time")
    finally:
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=5)
        sub.close()
    if "paused (SIGUSR1 again resumes)" not in err or not re.search(r"resumed after [23] s", err):
        FAILURES.append(f"sim stderr lacks the pause and resume: {err}")


def test_floor_clock(tmp, start):
    """--floor-clock: the floor lives the same day as one started at that
    hour, on the real clock: every event the same but its time, moved by
    the difference; the call ids new (taken from the real start)."""
    a, b = os.path.join(tmp, "fc-a.jsonl"), os.path.join(tmp, "fc-b.jsonl")
    shift = 9 * HOUR + 13 * 60 * 1000 + 7000     # 19:13:07 is 10:00 for the floor
    sim("--jsonl", a, "--duration", "30m", "--seed", "5", "--start", str(start))
    sim("--jsonl", b, "--duration", "30m", "--seed", "5", "--start", str(start + shift),
        "--floor-clock", "10:00")
    ea, eb = read_lines(a), read_lines(b)
    check("floor clock: a busy morning", sum(e["type"] == "call.answered" for e in ea) > 20,
          True)
    check("floor clock: as many events", len(eb), len(ea))
    ids = {}
    for x, y in zip(ea, eb):
        check(f"floor clock: seq {x['seq']} moved by the shift", y["ts"] - x["ts"], shift)
        if "call" in x:
            ids.setdefault(x["call"], y["call"])
            check("floor clock: one call, one new id", ids[x["call"]], y["call"])
            check("floor clock: the call id new", y["call"] != x["call"], True)
        x.pop("ts"), y.pop("ts"), x.pop("call", None), y.pop("call", None)
        check(f"floor clock: seq {x['seq']} otherwise the same", y, x)
        if len(FAILURES) > 10:
            break
    r = sim("--floor-clock", "25:00", "--jsonl", b, "--duration", "1m", check_rc=False)
    check("floor clock 25:00 refused", r.returncode, 2)


def main():
    tmp = tempfile.mkdtemp(prefix="wb-feed-")
    # The latest 10:00 UTC (the built-in floor's zone) an hour or more ago:
    # a busy recorded morning, all history when it arrives.
    now = int(time.time() * 1000)
    start = now // (24 * HOUR) * (24 * HOUR) + 10 * HOUR
    if start + HOUR > now:
        start -= 24 * HOUR
    path_n = []
    tests = [
        ("stream", lambda: path_n.extend(test_stream(tmp, start))),
        ("replay live", lambda: test_replay_live(*path_n)),
        ("sim live", lambda: test_sim_live(tmp, start)),
        ("replay lines", lambda: test_replay_lines(tmp)),
        ("floor clock", lambda: test_floor_clock(tmp, start)),
        ("sigint", lambda: test_sigint(start)),
        ("pause", lambda: test_pause(start)),
    ]
    failed = 0
    for name, t in tests:
        before = len(FAILURES)
        t0 = time.time()
        try:
            t()
        except Exception as e:      # a test that cannot run is a failure
            FAILURES.append(f"{name}: {type(e).__name__}: {e}")
        ok = len(FAILURES) == before
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name} ({time.time() - t0:.1f} s)")
        for f in FAILURES[before:][:30]:
            print("     " + f)
    subprocess.run(["rm", "-rf", tmp])
    print(f"feed: {len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
