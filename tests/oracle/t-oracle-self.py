#!/usr/bin/env python3
"""Self-test of the oracle: tiny streams whose figures were worked out by hand
(the arithmetic is in the comments).  Plain asserts; run as
    python3 tests/oracle/t-oracle-self.py
"""
import atexit
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import oracle  # noqa: E402

TMP = tempfile.mkdtemp(prefix="oracle-self-")
atexit.register(shutil.rmtree, TMP, True)


def run(config, events, at=None):
    cp = os.path.join(TMP, "c.yaml")
    ep = os.path.join(TMP, "e.jsonl")
    with open(cp, "w") as f:
        f.write(config)
    with open(ep, "w") as f:
        for e in events:
            f.write(e if isinstance(e, str) else json.dumps(e))
            f.write("\n")
    return oracle.run(cp, ep, at)


def approx(a, b):
    return a is not None and abs(a - b) < 1e-9


# ---------------------------------------------------------------------------
# Stream 1: the textbook case.  Queue q: T = 20s, S = 5s, standard formula.
# t0 = 1800000000000 = 2027-01-15T08:00:00Z (UTC site, day start 00:00, so
# day_start = t0 - 8h = 1799971200000).
T0 = 1800000000000


def s(sec):
    return T0 + int(sec * 1000)


cfg1 = """
site: {name: T, timezone: UTC, day_start: "00:00"}
windows: [15m, 30s]
defaults: {sl_threshold: 20s, sl_target: 80%, short_abandon: 5s, sl_formula: standard, repeat_window: 24h}
queues:
  q: {label: Q}
teams:
  t1: {agents: [a1, a2], queues: [q]}
  t2: {agents: [a3]}
agents:
  a1: {name: A One, queues: [q]}
  a2: {queues: [q]}
  a3: {queues: [q]}
"""
ev1 = [
    dict(type="agent.state", ts=s(0), agent="a1", state="ready"),
    dict(type="agent.state", ts=s(0), agent="a2", state="ready"),
    dict(type="agent.state", ts=s(0), agent="a3", state="ready"),
    dict(type="call.queued", ts=s(0), call="c1", queue="q", caller="X"),
    dict(type="call.queued", ts=s(1), call="c2", queue="q", caller="Y"),
    dict(type="call.queued", ts=s(2), call="c3", queue="q", caller="X"),
    dict(type="call.queued", ts=s(3), call="c4", queue="q", caller="Z"),
    dict(type="call.abandoned", ts=s(6), call="c4"),                 # wait 3s
    dict(type="call.answered", ts=s(10), call="c1", agent="a1"),     # wait 10s
    dict(type="call.answered", ts=s(21), call="c2", agent="a2"),     # wait 20s = T
    dict(type="call.answered", ts=s(27), call="c3", agent="a3"),     # wait 25s
    dict(type="agent.state", ts=s(40), agent="a1", state="wrap"),    # wrap BEFORE end
    dict(type="call.ended", ts=s(40), call="c1", resolved=True, transferred=False),
    dict(type="call.ended", ts=s(41), call="c2", resolved=False),    # a2 busy -> ready
    dict(type="agent.state", ts=s(50), agent="a1", state="ready"),
    dict(type="call.ended", ts=s(57), call="c3", transferred=True),
    dict(type="agent.state", ts=s(57), agent="a3", state="wrap"),    # wrap AFTER end
    dict(type="agent.state", ts=s(60), agent="a2", state="away", reason="lunch"),
]
snap = run(cfg1, ev1)
assert snap["now"] == s(60), snap["now"]
assert snap["day_start"] == 1799971200000
w = snap["scopes"]["queue:q"]["windows"]["15m"]
# offered 4 = 3 answered + 1 abandoned; in SL: 10s, 20s (<= T) -> 2;
# short abandoned: 3s <= 5s -> 1; abandoned_in_sl: 3s <= 20s -> 1
assert (w["offered"], w["answered"], w["answered_in_sl"], w["abandoned"],
        w["short_abandoned"], w["abandoned_in_sl"], w["exited"]) == (4, 3, 2, 1, 1, 1, 0), w
assert approx(w["service_level"], 2 / 3)          # 2 / (4 - 1)
assert w["asa_ms"] == 18333                       # (10+20+25)/3 = 18333.3
assert w["avg_abandon_ms"] == 3000
assert w["max_wait_ms"] == 25000
assert approx(w["abandon_rate"], 0.0)             # (1-1)/(4-1)
# talk: c1 10->40 = 30s, c2 21->41 = 20s, c3 27->57 = 30s
assert w["handled"] == 3 and w["talk_ms"] == 80000
# wrap: a1 40->50 (latest call a1 ended at/before 40 is c1 -> q, even though
# the wrap state came first at the same ts), a3 57->60 (c3 -> q): 13s
assert w["wrap_ms"] == 13000
assert w["aht_ms"] == 31000                       # (80000+13000)/3
# occupancy: busy a1 30 + a2 20 + a3 30 = 80; wrap 13;
# ready a1 10+10, a2 21+19, a3 27 = 87  ->  93/180
assert approx(w["occupancy"], 93 / 180)
assert approx(w["transfer_rate"], 1 / 3)
assert approx(w["fcr"], 1 / 2)                    # c1 true, c2 false, c3 n/a
assert approx(w["repeat_rate"], 1 / 4)            # c3 repeats caller X of c1
assert w["csat"] is None and w["csat_avg"] is None
# the 30s window (30s, 60s]: no outcome, but all three ends and slices
w30 = snap["scopes"]["queue:q"]["windows"]["30s"]
assert w30["offered"] == 0 and w30["service_level"] is None
assert w30["asa_ms"] is None and w30["max_wait_ms"] is None and w30["abandon_rate"] is None
assert w30["handled"] == 3 and w30["talk_ms"] == 80000 and w30["wrap_ms"] == 13000
# busy a1 30-40 10, a2 30-41 11, a3 30-57 27 = 48; wrap 13; ready a1 50-60 10 + a2 41-60 19
assert approx(w30["occupancy"], 61 / 90)
now = snap["scopes"]["queue:q"]["now"]
assert now["waiting"] == 0 and now["longest_wait_ms"] == 0
assert now["agents"] == dict(ready=1, busy=0, wrap=1, away=1, offline=0, staffed=3), now
# team t1 = a1, a2 with queue q: queue figures = q's; own handling c1, c2
t1 = snap["scopes"]["team:t1"]["windows"]["15m"]
assert t1["offered"] == 4 and approx(t1["service_level"], 2 / 3)
assert t1["handled"] == 2 and t1["talk_ms"] == 50000 and t1["wrap_ms"] == 10000
assert t1["aht_ms"] == 30000
assert approx(t1["occupancy"], 60 / 120)          # busy 50 wrap 10 ready 60
# team t2 = a3, no queues: queue-outcome figures null
t2 = snap["scopes"]["team:t2"]
for k in oracle.QUEUE_OUTCOME_KEYS:
    assert t2["windows"]["15m"][k] is None, k
assert t2["now"]["waiting"] is None and t2["now"]["longest_wait_ms"] is None
assert t2["windows"]["15m"]["handled"] == 1 and t2["windows"]["15m"]["aht_ms"] == 33000
assert approx(t2["windows"]["15m"]["occupancy"], 33 / 60)
assert approx(t2["windows"]["15m"]["transfer_rate"], 1.0)
assert t2["windows"]["15m"]["fcr"] is None
ag = {a["id"]: a for a in snap["agents"]}
assert ag["a2"]["state"] == "away" and ag["a2"]["reason"] == "lunch" and ag["a2"]["since"] == s(60)
assert ag["a3"]["state"] == "wrap" and ag["a3"]["since"] == s(57)
assert [ag[x]["handled_today"] for x in ("a1", "a2", "a3")] == [1, 1, 1]
assert ag["a1"]["team"] == "t1" and ag["a3"]["team"] == "t2"
assert snap["feeds"]["default"]["events"] == len(ev1)
print("stream 1 ok")

# ---------------------------------------------------------------------------
# Stream 2: other formulas, S = 0, exits, overflow, repeat window, an agent
# first seen in call.answered, an orphan.
# a: T=10s S=0 abandons_positive repeat 1m; b: T=30s S=5s abandons_ignored;
# default formula 'answered' for the aggregates.
cfg2 = """
site: {timezone: UTC}
windows: [15m]
defaults: {sl_threshold: 20s, short_abandon: 5s, sl_formula: answered, repeat_window: 24h}
queues:
  a: {sl_threshold: 10s, short_abandon: 0s, sl_formula: abandons_positive, repeat_window: 1m}
  b: {sl_threshold: 30s, sl_formula: abandons_ignored}
"""
ev2 = [
    dict(type="call.queued", ts=s(0), call="x1", queue="a", caller="K"),
    dict(type="call.exited", ts=s(5), call="x1", reason="overflow", queue="a", to_queue="b"),
    dict(type="call.queued", ts=s(5), call="x1", queue="b", caller="K"),
    dict(type="call.queued", ts=s(10), call="x2", queue="a", caller="K"),
    dict(type="call.queued", ts=s(10), call="x3", queue="a"),
    dict(type="call.abandoned", ts=s(10), call="x3"),                  # wait 0
    dict(type="call.abandoned", ts=s(20), call="x2"),                  # wait 10 = T
    dict(type="call.answered", ts=s(35), call="x1", agent="b1", queue="b"),  # wait 30 = T
    dict(type="call.queued", ts=s(40), call="x4", queue="b", caller="M"),
    dict(type="call.exited", ts=s(45), call="x4", reason="timeout"),   # wait 5
    dict(type="call.queued", ts=s(50), call="x5", queue="a", caller="K"),
    dict(type="call.abandoned", ts=s(60), call="zz"),                  # orphan
    dict(type="call.ended", ts=s(80), call="x1", agent="b1"),          # talk 45s
]
snap = run(cfg2, ev2)
wa = snap["scopes"]["queue:a"]["windows"]["15m"]
# a: x1 exited (5s), x2 abandoned (10s), x3 abandoned (0s)
assert (wa["offered"], wa["answered"], wa["answered_in_sl"], wa["abandoned"],
        wa["short_abandoned"], wa["abandoned_in_sl"], wa["exited"]) == (3, 0, 0, 2, 0, 2, 1), wa
assert approx(wa["service_level"], 2 / 3)         # (0 + 2) / 3
assert wa["asa_ms"] is None and wa["avg_abandon_ms"] == 5000 and wa["max_wait_ms"] == 10000
assert approx(wa["abandon_rate"], 2 / 3)          # (2 - 0) / (3 - 0)
assert approx(wa["repeat_rate"], 1 / 2)           # x1 no, x2 yes (x1 at 0 >= 10-60); x3 no caller
assert snap["scopes"]["queue:a"]["now"] == {"waiting": 1, "longest_wait_ms": 30000,
                                            "agents": dict(ready=0, busy=0, wrap=0, away=0,
                                                           offline=0, staffed=0)}
wb = snap["scopes"]["queue:b"]["windows"]["15m"]
# b: x1 (2nd visit) answered at 30s = T, x4 exited 5s
assert (wb["offered"], wb["answered"], wb["answered_in_sl"], wb["abandoned"],
        wb["short_abandoned"], wb["abandoned_in_sl"], wb["exited"]) == (2, 1, 1, 0, 0, 0, 1), wb
assert approx(wb["service_level"], 1 / 2)         # 1 / (2 - 0)
assert wb["asa_ms"] == 30000 and wb["avg_abandon_ms"] is None and wb["max_wait_ms"] == 30000
assert approx(wb["abandon_rate"], 0.0)
assert approx(wb["repeat_rate"], 0.0)             # x1's 2nd visit is not a repeat of itself
assert wb["handled"] == 1 and wb["talk_ms"] == 45000 and wb["aht_ms"] == 45000
assert approx(wb["transfer_rate"], 0.0) and wb["fcr"] is None
assert wb["occupancy"] is None                    # b1 reports no queues
wall = snap["scopes"]["all"]["windows"]["15m"]
assert (wall["offered"], wall["answered"], wall["answered_in_sl"], wall["abandoned"],
        wall["short_abandoned"], wall["abandoned_in_sl"], wall["exited"]) == (5, 1, 1, 2, 0, 2, 2)
assert approx(wall["service_level"], 1.0)         # default formula 'answered': 1/1
assert approx(wall["abandon_rate"], 2 / 5) and approx(wall["repeat_rate"], 1 / 4)
assert wall["max_wait_ms"] == 30000
assert approx(wall["occupancy"], 1.0)             # b1 busy 35->80, no ready time
ag = {a["id"]: a for a in snap["agents"]}
assert ag["b1"]["state"] == "ready" and ag["b1"]["since"] == s(80)
assert snap["feeds"]["default"]["orphans"] == 1
print("stream 2 ok")

# ---------------------------------------------------------------------------
# Stream 3: feed bookkeeping and validation, surveys.
cfg3 = """
site: {timezone: UTC}
windows: [15m]
defaults: {sl_formula: standard}
queues: {q: {}, r: {}}
teams: {t: {agents: [s1]}, u: {agents: [s2]}}
agents: {s1: {queues: [q]}, s2: {queues: [r]}}
"""
ev3 = [
    dict(type="agent.state", ts=s(0), src="p1", seq=1, agent="s1", state="ready"),
    dict(type="call.queued", ts=s(1), src="p1", seq=2, call="k1", queue="q"),
    dict(type="call.answered", ts=s(2), src="p1", seq=5, call="k1", agent="s1"),  # gap of 2
    dict(type="call.answered", ts=s(2), src="p1", seq=5, call="k1", agent="s1"),  # duplicate
    dict(type="call.ended", ts=s(3), src="p1", seq=6, agent="s1"),        # no call: rejected
    '{"type": "call.ended", "ts": ',                                      # bad JSON: "?"
    dict(type="call.ended", ts=str(s(3)), src="p1", seq=7, call="k1"),    # ts a string: rejected
    dict(type="queue.stats", ts=s(3), src="p1", seq=8, waiting=0),        # unknown: ignored
    dict(type="call.ended", ts=s(4), src="p1", seq=9, call="k1", resolved=True),  # no gap (6,7 consumed)
    dict(type="survey", ts=s(5), src=7, csat=5),                          # src unreadable: "?"
    dict(type="survey", ts=s(5), src="p1", seq=10, csat="5"),             # csat a string: rejected
    dict(type="agent.state", ts=s(6), src="p1", seq=1, agent="s2", state="ready"),  # restart
    dict(type="survey", ts=s(10), src="ivr", csat=4, call="k1"),          # -> queue q, agent s1 (team t)
    dict(type="survey", ts=s(11), src="ivr", csat=2, queue="r", agent="s2"),  # queue r, team u
    dict(type="survey", ts=s(12), src="ivr", csat=5, call="nope"),        # all only
    dict(type="survey", ts=s(13), src="ivr", csat=3, agent="s1"),         # team t, no queue
]
snap = run(cfg3, ev3)
p1 = snap["feeds"]["p1"]
assert p1["gaps"] == 2 and p1["duplicates"] == 1 and p1["restarts"] == 1, p1
assert p1["rejected"] == 3 and p1["ignored"] == 1 and p1["orphans"] == 0, p1
assert snap["feeds"]["?"]["rejected"] == 2
assert snap["feeds"]["ivr"]["events"] == 4
sc = snap["scopes"]
assert sc["queue:q"]["windows"]["15m"]["handled"] == 1
assert approx(sc["queue:q"]["windows"]["15m"]["fcr"], 1.0)
assert approx(sc["all"]["windows"]["15m"]["csat"], 2 / 4)         # 4,2,5,3 -> 4 and 5
assert approx(sc["all"]["windows"]["15m"]["csat_avg"], 14 / 4)
assert approx(sc["queue:q"]["windows"]["15m"]["csat"], 1.0)       # only the 4
assert approx(sc["queue:r"]["windows"]["15m"]["csat_avg"], 2.0)
assert approx(sc["team:t"]["windows"]["15m"]["csat_avg"], 3.5)    # 4 and 3
assert approx(sc["team:u"]["windows"]["15m"]["csat"], 0.0)        # the 2
print("stream 3 ok")

# ---------------------------------------------------------------------------
# Stream 4: time.  Europe/London, day_start 01:30, on 2026-03-29 (clocks go
# 01:00 GMT -> 02:00 BST): 01:30 does not exist, so the day begins at 02:00 BST
# = 01:00Z.  2026-03-29T00:00Z = 1774742400000, so day_start = 1774746000000.
# A call L queued at 00:10Z and never answered is lost at --at 04:20Z (waited
# 4h10m > 4h).  An event after --at is not applied.
M0 = 1774742400000


def z(h, m, sec=0):
    return M0 + ((h * 60 + m) * 60 + sec) * 1000


cfg4 = """
site: {timezone: Europe/London, day_start: "01:30"}
windows: [15m]
queues: {q: {}}
"""
ev4 = [
    dict(type="call.queued", ts=z(0, 10), src="p", call="L", queue="q"),
    dict(type="call.queued", ts=z(0, 40), src="p", call="m1", queue="q"),
    dict(type="call.answered", ts=z(0, 40, 5), src="p", call="m1", agent="d1"),
    dict(type="call.ended", ts=z(0, 45), src="p", call="m1"),
    dict(type="call.queued", ts=z(1, 10), src="p", call="m2", queue="q"),
    dict(type="call.answered", ts=z(1, 10, 8), src="p", call="m2", agent="d1"),
    dict(type="call.ended", ts=z(1, 12), src="p", call="m2"),
    dict(type="call.queued", ts=z(5, 0), src="p", call="m3", queue="q"),
]
snap = run(cfg4, ev4, at=z(4, 20))
assert snap["day_start"] == 1774746000000, snap["day_start"]
assert snap["now"] == z(4, 20)
assert snap["feeds"]["p"]["lost"] == 1 and snap["feeds"]["p"]["events"] == 7
q = snap["scopes"]["queue:q"]
assert q["now"]["waiting"] == 0 and q["now"]["longest_wait_ms"] == 0
td = q["windows"]["today"]
assert td["offered"] == 1 and td["answered_in_sl"] == 1 and td["asa_ms"] == 8000
assert td["handled"] == 1 and td["talk_ms"] == 112000    # 01:10:08 -> 01:12
a = snap["scopes"]["all"]["windows"]
assert a["15m"]["offered"] == 0 and a["15m"]["handled"] == 0
assert approx(a["15m"]["occupancy"], 0.0)         # d1 ready all 15 minutes
# today [01:00Z, 04:20Z]: d1 ready 01:00-01:10:08 (608s), busy 112s, ready
# 01:12-04:20 (11280s)  ->  112 / 12000
assert approx(a["today"]["occupancy"], 112 / 12000)
assert {x["id"]: x["handled_today"] for x in snap["agents"]} == {"d1": 1}
# without --at: now = 05:00Z, the last event's ts; m3 waits
snap = run(cfg4, ev4)
assert snap["now"] == z(5, 0) and snap["day_start"] == 1774746000000
assert snap["scopes"]["all"]["now"]["waiting"] == 1    # L is lost by then (4h50m)
# day lengths: 25 h on 2026-10-25 (London, day_start 00:00), and an ambiguous
# day_start (01:30 on 2026-10-25 happens twice) takes the first: 00:30Z.
cfgp = os.path.join(TMP, "d.yaml")
with open(cfgp, "w") as f:
    f.write('site: {timezone: Europe/London, day_start: "00:00"}\n')
c = oracle.Config(cfgp)
d25 = 1792886400000          # 2026-10-25T00:00Z
assert c.day_start_for(d25 + 86400000 + 3600000) - c.day_start_for(d25 + 3600000) == 25 * 3600000
with open(cfgp, "w") as f:
    f.write('site: {timezone: Europe/London, day_start: "01:30"}\n')
c = oracle.Config(cfgp)
assert c.day_start_for(d25 + 12 * 3600000) == d25 + 1800000
print("stream 4 ok")
print("oracle self-test: all ok")
