"""The simulator is realistic, checked against queueing theory through the
real daemon's figures (`wallboardd --replay` of the simulated stream).

1. Erlang C: with abandonment off, a fixed staff and a steady rate
   (`sim --flat --no-abandon`), a day of one queue served by 10 agents at
   80% occupancy gives the service level and ASA that Erlang C predicts for
   the arrival rate and handle time the daemon measured. Erlang C is worked
   out here, independently of core/erlang.c. Tolerance: service level within
   0.03 absolute, ASA within 15% (over seeds 1 to 6 the differences were at
   most 0.011 and 8%; the test runs seed 1).
2. Patience: with callers hanging up, the abandon rate rises as mean
   patience falls (270 s, 90 s, 30 s), strictly, on a busier floor (94%)."""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
FEED = os.path.join(ROOT, BUILD, "wallboard-feed")
WALLBOARDD = os.path.join(ROOT, BUILD, "wallboardd")

HOUR = 3600 * 1000
START = 1795305600000           # a midnight, UTC; any would do
AGENTS = 10
AHT_S = 30
T_S = 10
SL_TOL = 0.03
ASA_TOL = 0.15
FAILURES = []

# The first hour is the warm-up (the queue starts empty): the window that is
# judged is the rest of the run.
CONFIG = """site: {name: Flat, timezone: UTC}
windows: [WINDOW]
defaults: {sl_threshold: %ds, short_abandon: 5s}
queues:
  q: {}
state_dir: STATE
""" % T_S


def erlang_c(n, a):
    """P(wait > 0) for n agents and a erlangs, by the Erlang B recursion."""
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return n * b / (n - a * (1 - b))


def run(tmp, hours, *args):
    """Simulate `hours` of the one-queue floor; the daemon's figures over all
    but the first hour."""
    window = f"{hours - 1}h"
    config = os.path.join(tmp, "flat.yaml")
    with open(config, "w") as f:
        f.write(CONFIG.replace("WINDOW", window).replace("STATE", os.path.join(tmp, "state")))
    path = os.path.join(tmp, "flat.jsonl")
    subprocess.run([FEED, "sim", "-c", config, "--flat", "--agents", str(AGENTS),
                    "--aht", f"{AHT_S}s", "--jsonl", path, "--duration", f"{hours}h",
                    "--start", str(START), *args], check=True, capture_output=True, timeout=60)
    out = subprocess.run([WALLBOARDD, "-c", config, "--replay", path,
                          "--at", str(START + hours * HOUR)],
                         check=True, capture_output=True, timeout=60)
    w = json.loads(out.stdout)["scopes"]["queue:q"]["windows"][window]
    w["seconds"] = (hours - 1) * 3600
    return w


def test_erlang_c(tmp):
    w = run(tmp, 24, "--no-abandon", "--rate", "0.94", "--seed", "1")
    lam = w["offered"] / w["seconds"]
    aht = w["aht_ms"] / 1000
    a = lam * aht
    c = erlang_c(AGENTS, a)
    sl = 1 - c * math.exp(-(AGENTS - a) * T_S / aht)
    asa = c * aht / (AGENTS - a)
    sim_asa = w["asa_ms"] / 1000
    print(f"  {w['offered']} calls, {lam * 3600:.0f}/h, AHT {aht:.2f} s, {a:.2f} erlangs "
          f"on {AGENTS} agents (occupancy {w['occupancy']:.3f})")
    print(f"  service level: simulated {w['service_level']:.4f}, Erlang C {sl:.4f} "
          f"(diff {w['service_level'] - sl:+.4f}, tolerance {SL_TOL})")
    print(f"  ASA: simulated {sim_asa:.2f} s, Erlang C {asa:.2f} s "
          f"(diff {(sim_asa / asa - 1) * 100:+.1f}%, tolerance {ASA_TOL * 100:.0f}%)")
    if w["abandoned"] != 0 or w["exited"] != 0:
        FAILURES.append(f"calls lost with abandonment off: {w['abandoned']} abandoned, "
                        f"{w['exited']} exited")
    if abs(w["service_level"] - sl) > SL_TOL:
        FAILURES.append(f"service level {w['service_level']:.4f} vs Erlang C {sl:.4f}")
    if abs(sim_asa / asa - 1) > ASA_TOL:
        FAILURES.append(f"ASA {sim_asa:.2f} s vs Erlang C {asa:.2f} s")
    if abs(w["occupancy"] - a / AGENTS) > 0.01:
        FAILURES.append(f"occupancy {w['occupancy']:.3f} vs offered load {a / AGENTS:.3f}")
    return w


def test_patience(tmp):
    rates = []
    for patience in ("270s", "90s", "30s"):
        w = run(tmp, 8, "--rate", "1.1", "--seed", "2", "--patience", patience)
        rates.append(w["abandon_rate"])
        print(f"  mean patience {patience:>4}: abandon rate {w['abandon_rate']:.4f}, "
              f"service level {w['service_level']:.4f}, ASA {w['asa_ms'] / 1000:.1f} s")
    if not rates[0] < rates[1] < rates[2]:
        FAILURES.append(f"abandon rate not rising as patience falls: {rates}")
    if rates[0] <= 0:
        FAILURES.append("no abandons at all with patience on")


def main():
    tmp = tempfile.mkdtemp(prefix="wb-realism-")
    failed = 0
    try:
        for name, t in (("Erlang C", lambda: test_erlang_c(tmp)),
                        ("patience", lambda: test_patience(tmp))):
            before = len(FAILURES)
            try:
                t()
            except Exception as e:      # a test that cannot run is a failure
                FAILURES.append(f"{name}: {type(e).__name__}: {e}")
            ok = len(FAILURES) == before
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}")
            for f in FAILURES[before:]:
                print("     " + f)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
