#!/usr/bin/env python3
"""Random but realistic ACD event streams (and their config) for the oracle.

    python3 gen.py --seed N [--minutes M] [--out-dir DIR] [--tz ZONE]
                   [--start-local YYYY-MM-DDTHH:MM] [--day-start HH:MM]
                   [--windows 15m,60m] [--rate CALLS_PER_MIN]

writes DIR/config.yaml and DIR/events.jsonl.  The stream is a small discrete
simulation: agents log in, take calls (answer times are reserved on each
agent's own timeline, so an agent never has two calls), wrap up, go away and
offline; calls wait, are answered, abandon or exit (overflowing into another
queue as a new visit of the same call).  Waits exactly equal to a queue's
sl_threshold or short_abandon are drawn on purpose.  On top of the clean
stream it adds feed noise: seq gaps, duplicates, a feed restart, malformed
lines, unknown types, orphans, surveys for unknown calls.  Timestamps are
non-decreasing; the last line is always a valid event, and one queue outcome
sits exactly on the far edge of the first rolling window.
"""
import argparse
import datetime as dt
import json
import os
import random
from zoneinfo import ZoneInfo

FORMULAS = ["standard", "answered", "abandons_positive", "abandons_ignored"]
SEC = 1000
MIN = 60 * SEC


def dur_ms(s):
    units = [("ms", 1), ("s", SEC), ("m", MIN), ("h", 3600 * SEC), ("d", 86400 * SEC)]
    for u, k in units:
        if s.endswith(u) and s[: -len(u)].isdigit():
            return int(s[: -len(u)]) * k
    raise ValueError(s)


class Agent:
    def __init__(self, aid, home_src, team_evt=None, name_evt=None):
        self.id = aid
        self.src = home_src
        self.team_evt = team_evt      # team sent in agent.state (event-only agents)
        self.name_evt = name_evt
        self.login = None
        self.unavail = []             # (start, end, kind, reason, relogin_queues)
        self.blocks = []              # (start, end) reserved (margins included)
        self.queue_plan = []          # (from_ms, [queues]) routing membership
        self.logout_final = None

    def queues_at(self, t):
        qs = []
        for frm, q in self.queue_plan:
            if frm <= t:
                qs = q
        return qs

    def free(self, s, e):
        """Can the agent take a call occupying [s, e)?"""
        if self.login is None or s < self.login + SEC:
            return False
        if self.logout_final is not None and e + SEC > self.logout_final:
            return False
        for (a, b, *_rest) in self.unavail:
            if s < b + SEC and e + SEC > a:
                return False
        for (a, b) in self.blocks:
            if s < b + SEC and e + SEC > a:
                return False
        return True

    def next_candidates(self, t0):
        c = [self.login + SEC] if self.login is not None else []
        c += [b + SEC for (a, b, *_r) in self.unavail]
        c += [b + SEC for (a, b) in self.blocks]
        return [x for x in c if x > t0]


class Gen:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.k = 0
        self.events = []              # [ts, k, dict]
        tz = ZoneInfo(args.tz)
        local = dt.datetime.fromisoformat(args.start_local).replace(tzinfo=tz)
        self.start = int(local.timestamp() * 1000) + self.rng.randrange(1, 997)
        self.end = self.start + args.minutes * MIN
        self.windows = [w.strip() for w in args.windows.split(",") if w.strip()]

    def ev(self, ts, **fields):
        self.k += 1
        d = {"type": fields.pop("type"), "ts": int(ts)}
        d.update({k: v for k, v in fields.items() if v is not None})
        self.events.append([int(ts), self.k, d])
        return d

    # ------------------------------------------------------------------ config
    def make_config(self):
        r = self.rng
        names = ["support", "sales", "billing", "tech"]
        formulas = FORMULAS[:]
        r.shuffle(formulas)
        Ts = [10, 15, 20, 30]
        Ss = [0, 3, 5, 10]
        r.shuffle(Ts)
        r.shuffle(Ss)
        self.qcfg = {}
        for i, n in enumerate(names):
            self.qcfg[n] = dict(T=Ts[i] * SEC, S=Ss[i] * SEC, formula=formulas[i],
                                rw=[10 * MIN, None, 2 * 3600 * SEC, None][i])
        # an event-only queue: receives overflow visits and is in agent.state queues
        self.qcfg["overflow"] = dict(T=20 * SEC, S=5 * SEC, formula="standard", rw=None,
                                     event_only=True)
        self.qsrc = {"support": "pbx1", "sales": "pbx1", "overflow": "pbx1",
                     "billing": "pbx2", "tech": "pbx2"}
        self.rates = {"support": 1.6, "sales": 1.0, "billing": 0.9, "tech": 0.7}
        scale = self.args.rate / sum(self.rates.values())
        self.rates = {k: v * scale for k, v in self.rates.items()}

        A = {}
        # (id, home feed, config queues or None, queues in first agent.state or None)
        plan = [
            ("a01", "pbx1", ["support", "sales"], None),
            ("a02", "pbx1", ["support"], None),
            ("a03", "pbx1", ["sales"], ["sales", "support"]),   # feed overrides config
            ("a04", "pbx2", ["billing"], None),
            ("a05", "pbx2", ["billing", "tech"], None),
            ("a06", "pbx1", None, ["support", "overflow"]),      # teams list only
            ("a07", "pbx2", None, ["tech"]),
            ("a08", "pbx2", ["tech", "billing"], None),
            ("a09", "pbx1", ["sales"], ["sales", "overflow"]),  # event-only queue via the feed
        ]
        for aid, src, cq, eq in plan:
            a = Agent(aid, src)
            a.cfg_queues = cq
            a.first_queues = eq
            A[aid] = a
        for aid, src, team, qs in [("e01", "pbx1", "alpha", ["support", "overflow"]),
                                   ("e02", "pbx1", "delta", ["sales"]),
                                   ("e03", "pbx2", "gamma", ["billing", "tech"])]:
            a = Agent(aid, src, team_evt=team, name_evt="Agent " + aid.upper())
            a.cfg_queues = None
            a.first_queues = qs
            A[aid] = a
        self.agents = A

        def dur(ms):
            return "%dms" % ms if ms % SEC else ("%dm" % (ms // MIN) if ms % MIN == 0 and ms else "%ds" % (ms // SEC))
        lines = ["# generated by tests/oracle/gen.py --seed %d" % self.args.seed,
                 "site:", "  name: Gen%d" % self.args.seed,
                 "  timezone: %s" % self.args.tz,
                 '  day_start: "%s"' % self.args.day_start,
                 "windows: [%s]" % ", ".join(self.windows),
                 "defaults:", "  sl_threshold: 20s", "  sl_target: 80%",
                 "  short_abandon: 5s", "  sl_formula: %s" % r.choice(FORMULAS),
                 "  repeat_window: 24h", "queues:"]
        for n in names:
            q = self.qcfg[n]
            parts = ["label: %s" % n.capitalize(), "sl_threshold: %s" % dur(q["T"]),
                     "short_abandon: %s" % dur(q["S"]), "sl_formula: %s" % q["formula"]]
            if q["rw"]:
                parts.append("repeat_window: %s" % dur(q["rw"]))
            if r.random() < 0.5:
                parts.append("sl_target: %d%%" % r.choice([70, 80, 90]))
            lines.append("  %s: {%s}" % (n, ", ".join(parts)))
        lines += ["teams:",
                  "  alpha: {label: Alpha, agents: [a01, a02, a03], queues: [support, sales]}",
                  "  beta: {label: Beta, agents: [a04, a05], queues: [billing]}",
                  "  gamma: {agents: [a06, a07]}",
                  "agents:"]
        teams_of = {"a08": "beta", "a09": "gamma"}
        for aid, src, cq, eq in plan:
            parts = []
            if r.random() < 0.7:
                parts.append("name: Agent %s" % aid.upper())
            if aid in teams_of:
                parts.append("team: %s" % teams_of[aid])
            if cq is not None:
                parts.append("queues: [%s]" % ", ".join(cq))
            if parts:
                lines.append("  %s: {%s}" % (aid, ", ".join(parts)))
        # the default day start is what the daemon uses too; keep the config
        # to section-4 keys only (unknown keys are errors)
        self.config_text = "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ agents
    def plan_agents(self):
        r = self.rng
        for a in self.agents.values():
            # some agents are already there at the start, others arrive later
            a.login = self.start + (r.randrange(0, 20 * SEC) if r.random() < 0.7
                                    else r.randrange(1 * MIN, 12 * MIN))
            q0 = a.first_queues if a.first_queues is not None else (a.cfg_queues or [])
            a.queue_plan = [(a.login, q0)]
            t = a.login + r.randrange(5 * MIN, 25 * MIN)
            while t < self.end:
                kind = "offline" if r.random() < 0.25 else "away"
                length = r.randrange(2 * MIN, 12 * MIN) if kind == "away" else r.randrange(3 * MIN, 15 * MIN)
                reason = r.choice(["break", "lunch", "training", "meeting", None]) if kind == "away" else None
                newq = None
                if kind == "offline" and r.random() < 0.5:
                    pool = ["support", "sales", "billing", "tech", "overflow"]
                    newq = sorted(r.sample(pool, r.choice([1, 2])))
                    a.queue_plan.append((t + length, newq))
                a.unavail.append((t, t + length, kind, reason, newq))
                t = t + length + r.randrange(8 * MIN, 30 * MIN)
            if r.random() < 0.15:
                a.logout_final = self.end - r.randrange(1 * MIN, 10 * MIN)
                a.unavail = [u for u in a.unavail if u[1] + SEC < a.logout_final]

    def emit_agent_presence(self):
        for a in self.agents.values():
            first = True

            def state(ts, st, reason=None, queues=None):
                nonlocal first
                extra = {}
                if a.team_evt:
                    extra["team"] = a.team_evt
                if first and a.name_evt:
                    extra["name"] = a.name_evt
                first = False
                self.ev(ts, type="agent.state", src=a.src, agent=a.id, state=st,
                        reason=reason, queues=queues, **extra)
            state(a.login, "ready", queues=a.first_queues)
            for (s, e, kind, reason, newq) in a.unavail:
                state(s, kind, reason=reason)
                state(e, "ready", queues=newq)
            if a.logout_final is not None:
                state(a.logout_final, "offline")

    # ------------------------------------------------------------------ calls
    def pick_wait(self, q):
        r = self.rng
        x = r.random()
        T = q["T"]
        if x < 0.10:
            return 0
        if x < 0.22:
            return T
        if x < 0.26:
            return T + 1
        if x < 0.30:
            return max(0, T - 1)
        return r.randrange(0, 25 * SEC)

    def pick_patience(self, q):
        r = self.rng
        x = r.random()
        S, T = q["S"], q["T"]
        if x < 0.05 and S > 0:
            return S, True
        if x < 0.09:
            return T, True
        if x < 0.11 and S > 0:
            return S + 1, True
        if x < 0.13:
            return r.randrange(0, 3 * SEC), True
        return int(r.expovariate(1 / (120 * SEC))) + 2 * SEC, False

    def find_answer(self, queue, t0, t_limit, busy_len):
        """Earliest (t, agent) with t >= t0, t <= t_limit, an agent serving queue
        and free for [t, t + busy_len)."""
        cands = {t0}
        for a in self.agents.values():
            cands.update(x for x in a.next_candidates(t0) if x <= t_limit)
        for t in sorted(cands):
            if t > t_limit:
                break
            free = [a for a in self.agents.values()
                    if queue in a.queues_at(t) and a.free(t, t + busy_len)]
            if free:
                return t, self.rng.choice(free)
        return None, None

    def visit(self, call, queue, q_ts, depth):
        r = self.rng
        q = self.qcfg[queue]
        src = self.qsrc[queue]
        self.ev(q_ts, type="call.queued", src=src, call=call["id"], queue=queue,
                caller=call["caller"], priority=r.choice([None, None, 1, 2]))
        patience, forced = self.pick_patience(q)
        w_min = self.pick_wait(q)
        if forced:
            w_min = max(w_min, patience + SEC)
        exit_at = None
        if r.random() < 0.12:
            exit_at = r.randrange(5 * SEC, 60 * SEC)
            reason = r.choice(["overflow", "overflow", "timeout", "key", "empty", "withdraw"])
            if depth > 0 and reason == "overflow":
                reason = "timeout"
            if r.random() < 0.7:
                w_min = max(w_min, exit_at + SEC)
                patience = max(patience, exit_at + SEC)
        limit = q_ts + min(patience, exit_at if exit_at is not None else 10**12)
        talk = r.randrange(20 * SEC, 4 * MIN) + r.randrange(0, SEC)
        wrap = r.randrange(3 * SEC, 70 * SEC) + r.randrange(0, SEC) if r.random() < 0.6 else 0
        t_ans, agent = self.find_answer(queue, q_ts + w_min, limit, talk + wrap)
        if t_ans is not None:
            agent.blocks.append((t_ans, t_ans + talk + wrap))
            self.ev(t_ans, type="call.answered", src=src, call=call["id"], agent=agent.id,
                    queue=queue if r.random() < 0.7 else None)
            t_end = t_ans + talk
            ended = dict(src=src, call=call["id"],
                         agent=agent.id if r.random() < 0.8 else None,
                         resolved=r.random() < 0.75 if r.random() < 0.7 else None,
                         transferred=r.random() < 0.2 if r.random() < 0.5 else None)
            if wrap:
                before = r.random() < 0.5
                if before:
                    self.ev(t_end, type="agent.state", src=agent.src, agent=agent.id,
                            state="wrap", team=agent.team_evt)
                self.ev(t_end, type="call.ended", **ended)
                if not before:
                    self.ev(t_end, type="agent.state", src=agent.src, agent=agent.id,
                            state="wrap", team=agent.team_evt)
                self.ev(t_end + wrap, type="agent.state", src=agent.src, agent=agent.id,
                        state="ready", team=agent.team_evt)
            else:
                self.ev(t_end, type="call.ended", **ended)
            if r.random() < 0.3:
                sv = dict(csat=r.choice([1, 2, 3, 4, 4, 5, 5, 5]))
                if r.random() < 0.9:
                    sv["call"] = call["id"]
                if r.random() < 0.5:
                    sv["queue"] = queue
                if r.random() < 0.5:
                    sv["agent"] = agent.id
                self.ev(t_end + wrap + r.randrange(20 * SEC, 180 * SEC), type="survey",
                        src="ivr", **sv)
            return
        if exit_at is not None and exit_at < patience:
            t_x = q_ts + exit_at
            to_q = None
            if reason == "overflow":
                to_q = r.choice([n for n in self.qcfg if n != queue])
            self.ev(t_x, type="call.exited", src=src, call=call["id"], reason=reason,
                    queue=queue if r.random() < 0.7 else None, to_queue=to_q)
            if to_q:
                self.visit(call, to_q, t_x + r.choice([0, 0, 150, 400]), depth + 1)
            return
        self.ev(q_ts + patience, type="call.abandoned", src=src, call=call["id"],
                queue=queue if r.random() < 0.5 else None)

    def make_calls(self):
        r = self.rng
        arrivals = []
        for queue, rate in self.rates.items():
            t = self.start + r.randrange(0, 30 * SEC)
            while t < self.end:
                arrivals.append((t, queue))
                t += int(r.expovariate(rate / MIN)) + 1
        arrivals.sort()
        n_callers = max(5, len(arrivals) // 3)
        for i, (t, queue) in enumerate(arrivals):
            caller = ("h%04x" % r.randrange(n_callers)) if r.random() < 0.8 else None
            call = {"id": "c%05d" % (i + 1), "caller": caller}
            self.visit(call, queue, t, 0)

    def make_extras(self):
        r = self.rng
        span = self.end - self.start
        for i in range(r.randrange(2, 5)):     # orphans: never queued
            t = self.start + r.randrange(span)
            kind = r.choice(["call.abandoned", "call.exited", "call.ended"])
            f = dict(call="ghost%d" % i)
            if kind == "call.exited":
                f["reason"] = "timeout"
            self.ev(t, type=kind, src=r.choice(["pbx1", "pbx2", None]), **f)
        for i in range(r.randrange(3, 7)):     # surveys for unknown calls
            t = self.start + r.randrange(span)
            sv = dict(csat=r.randrange(1, 6), call="ext%d" % i)
            if r.random() < 0.5:
                sv["queue"] = r.choice(["support", "sales", "billing", "tech"])
            if r.random() < 0.5:
                sv["agent"] = r.choice(sorted(self.agents))
            if r.random() < 0.3:
                del sv["call"]
            self.ev(t, type="survey", src="ivr", **sv)

    # ------------------------------------------------------------------ noise
    def finish(self):
        r = self.rng
        evs = sorted(self.events, key=lambda e: (e[0], e[1]))
        evs = [e for e in evs if e[0] <= self.end]
        # one queue outcome exactly on the far edge of the first window: cut the
        # stream so that the last event is exactly W after it
        W = dur_ms(self.windows[0])
        edge = [e for e in evs if e[2]["type"] in ("call.answered", "call.abandoned", "call.exited")
                and self.end - W - 10 * MIN <= e[0] <= self.end - W]
        if edge:
            final = r.choice(edge)[0] + W
            evs = [e for e in evs if e[0] <= final]
        else:
            final = evs[-1][0]
        self.k += 1
        evs.append([final, self.k, {"type": "survey", "ts": final, "src": "ivr", "csat": 4}])
        # lines: (kind, src or None, dict or raw text); kind 'ev' | 'raw-seq' | 'raw'
        out = []
        body = evs
        restart_at = len(body) // 2 + r.randrange(-10, 10)
        for idx, (ts, _k, d) in enumerate(body):
            if idx < len(body) - 5 and idx > 3:
                x = r.random()
                if x < 0.004:
                    out.append(("raw", None, '{"type": "call.queued", "ts": %d, "src": "pbx1", "call": "c' % ts))
                elif x < 0.008:
                    out.append(("raw-seq", "pbx1", {"type": "call.queued", "ts": ts, "src": "pbx1",
                                                     "call": "bad%d" % idx}))      # no queue
                elif x < 0.011:
                    out.append(("raw-seq", "pbx2", {"type": "call.answered", "ts": str(ts), "src": "pbx2",
                                                     "call": "bad%d" % idx, "agent": "a04"}))  # ts a string
                elif x < 0.013:
                    out.append(("raw", None, json.dumps({"type": "survey", "ts": ts, "src": "ivr",
                                                         "csat": "5"})))          # csat a string
                elif x < 0.015:
                    out.append(("raw", None, json.dumps({"type": "survey", "ts": ts, "src": 42,
                                                         "csat": 3})))            # src unreadable
                elif x < 0.018:
                    out.append(("raw-seq", "pbx1", {"type": "queue.stats", "ts": ts, "src": "pbx1",
                                                     "queue": "support", "waiting": 2}))  # unknown type
            out.append(("ev", d.get("src"), d, idx >= restart_at))
        if not any(o[0] == "raw" for o in out):
            out.insert(len(out) // 3, ("raw", None, "this is not json"))
        if not any(o[0] == "raw-seq" for o in out):
            i = len(out) // 4
            ts = out[i][2]["ts"] if isinstance(out[i][2], dict) else out[i - 1][2]["ts"]
            out.insert(i, ("raw-seq", "pbx2", {"type": "agent.state", "ts": ts, "src": "pbx2",
                                               "state": "ready"}))   # no agent
        # assign seq: pbx1 and pbx2 carry seq; ivr and default do not
        seq = {"pbx1": 0, "pbx2": 0}
        lines = []
        restarted = False
        n_out = len(out)
        for j, o in enumerate(out):
            kind, src = o[0], o[1]
            if kind == "raw":
                lines.append(o[2])
                continue
            d = dict(o[2])
            if src in seq:
                if kind == "ev" and src == "pbx2" and not restarted and o[3]:
                    seq[src] = 0
                    restarted = True
                elif kind == "ev" and seq[src] > 1 and j < n_out - 5 and r.random() < 0.012:
                    seq[src] += r.randrange(1, 4)            # a gap
                seq[src] += 1
                d["seq"] = seq[src]
            line = json.dumps(d, separators=(",", ":"))
            lines.append(line)
            if kind == "ev" and src in seq and d["seq"] > 1 and j < n_out - 5 and r.random() < 0.012:
                lines.append(line)                           # a duplicate
        self.lines = lines
        self.final = final

    def run(self):
        self.make_config()
        self.plan_agents()
        self.make_calls()
        self.emit_agent_presence()
        self.make_extras()
        self.finish()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--minutes", type=int, default=60)
    ap.add_argument("--out-dir", default=".")
    ap.add_argument("--tz", default="UTC")
    ap.add_argument("--start-local", default="2026-06-10T08:00")
    ap.add_argument("--day-start", default="00:00")
    ap.add_argument("--windows", default="15m,60m")
    ap.add_argument("--rate", type=float, default=3.0, help="calls per minute, all queues")
    args = ap.parse_args()
    g = Gen(args)
    g.run()
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "config.yaml"), "w") as f:
        f.write(g.config_text)
    with open(os.path.join(args.out_dir, "events.jsonl"), "w") as f:
        for line in g.lines:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
