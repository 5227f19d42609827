#!/usr/bin/env python3
"""Reference implementation ("oracle") of the wallboard KPI definitions.

Written from docs/protocol.md only (sections 1-4 and the project's reading in
section 6), independently of the C engine, to cross-check its figures.  It is
deliberately naive: it keeps the whole history (every visit outcome, every
handled call, every survey, every agent's state intervals together with the
agent's team and queues at the time) and computes each window by scanning it.

    python3 oracle.py CONFIG.yaml EVENTS.jsonl [--at MS]

prints a snapshot-shaped JSON document (see README.md).
"""
import argparse
import datetime as dt
import json
import re
import sys
from zoneinfo import ZoneInfo

import yaml

STATES = ("ready", "busy", "wrap", "away", "offline")
EXIT_REASONS = ("timeout", "overflow", "key", "empty", "withdraw")
FORMULAS = ("standard", "answered", "abandons_positive", "abandons_ignored")

QUEUE_OUTCOME_KEYS = (
    "offered", "answered", "answered_in_sl", "abandoned", "short_abandoned",
    "abandoned_in_sl", "exited", "service_level", "asa_ms", "avg_abandon_ms",
    "max_wait_ms", "abandon_rate", "repeat_rate",
)
METRIC_KEYS = (
    "offered", "answered", "answered_in_sl", "abandoned", "short_abandoned",
    "abandoned_in_sl", "exited", "service_level", "asa_ms", "avg_abandon_ms",
    "max_wait_ms", "abandon_rate", "handled", "talk_ms", "wrap_ms", "aht_ms",
    "occupancy", "transfer_rate", "fcr", "repeat_rate", "csat", "csat_avg",
)

CALL_MEMORY_MS = 1 * 3600 * 1000          # §6.2: calls remembered 1 h after end
DEFAULT_CALL_TIMEOUT_MS = 4 * 3600 * 1000  # §6.2


# --------------------------------------------------------------------------
# config

_DUR_RE = re.compile(r"^\s*(\d+)\s*(ms|s|m|h|d)\s*$")
_DUR_UNIT = {"ms": 1, "s": 1000, "m": 60000, "h": 3600000, "d": 86400000}


def parse_duration(v):
    if isinstance(v, bool):
        raise ValueError("bad duration %r" % (v,))
    if isinstance(v, int):
        return v  # lenient: bare number = ms
    m = _DUR_RE.match(str(v))
    if not m:
        raise ValueError("bad duration %r" % (v,))
    return int(m.group(1)) * _DUR_UNIT[m.group(2)]


def parse_share(v):
    if isinstance(v, str) and v.strip().endswith("%"):
        return float(v.strip()[:-1]) / 100.0
    return float(v)


class QueueCfg:
    def __init__(self, name, d, defaults):
        d = d or {}
        self.name = name
        self.label = d.get("label", name)
        self.T = parse_duration(d.get("sl_threshold", defaults["sl_threshold"]))
        self.S = parse_duration(d.get("short_abandon", defaults["short_abandon"]))
        self.formula = d.get("sl_formula", defaults["sl_formula"])
        self.repeat_window = parse_duration(d.get("repeat_window", defaults["repeat_window"]))
        self.sl_target = parse_share(d.get("sl_target", defaults["sl_target"]))
        if self.formula not in FORMULAS:
            raise ValueError("queue %s: unknown sl_formula %r" % (name, self.formula))


class Config:
    def __init__(self, path):
        with open(path) as f:
            raw = yaml.safe_load(f) or {}
        site = raw.get("site") or {}
        self.timezone = site.get("timezone", "UTC")
        self.tz = ZoneInfo(self.timezone)
        ds = str(site.get("day_start", "00:00"))
        hh, mm = ds.split(":")[:2]
        self.day_start_hm = (int(hh), int(mm))
        wins = raw.get("windows")
        if wins is None:
            wins = ["15m", "60m"]
        self.windows = [(str(w), parse_duration(w)) for w in wins]
        d = raw.get("defaults") or {}
        self.defaults = {
            "sl_threshold": d.get("sl_threshold", "20s"),
            "sl_target": d.get("sl_target", "80%"),
            "short_abandon": d.get("short_abandon", "5s"),
            "sl_formula": d.get("sl_formula", "standard"),
            "repeat_window": d.get("repeat_window", "24h"),
        }
        if self.defaults["sl_formula"] not in FORMULAS:
            raise ValueError("unknown default sl_formula")
        ct = raw.get("call_timeout", d.get("call_timeout"))
        self.call_timeout = parse_duration(ct) if ct is not None else DEFAULT_CALL_TIMEOUT_MS
        self.queues = {}
        for name, qd in (raw.get("queues") or {}).items():
            self.queues[str(name)] = QueueCfg(str(name), qd, self.defaults)
        # teams: name -> list of queues or None
        self.team_queues = {}
        self.agent_team = {}    # agent id -> team (config placement)
        self.agent_queues = {}  # agent id -> list of queues (config)
        self.agent_name = {}
        self.config_agents = []
        for tname, td in (raw.get("teams") or {}).items():
            td = td or {}
            tname = str(tname)
            qs = td.get("queues")
            self.team_queues[tname] = [str(q) for q in qs] if qs else None
            for a in td.get("agents") or []:
                a = str(a)
                self.agent_team[a] = tname
                if a not in self.config_agents:
                    self.config_agents.append(a)
        for aid, ad in (raw.get("agents") or {}).items():
            ad = ad or {}
            aid = str(aid)
            if a_team := ad.get("team"):
                self.agent_team[aid] = str(a_team)
            if "queues" in ad and ad["queues"] is not None:
                self.agent_queues[aid] = [str(q) for q in ad["queues"]]
            if "name" in ad:
                self.agent_name[aid] = str(ad["name"])
            if aid not in self.config_agents:
                self.config_agents.append(aid)
        for t in list(self.agent_team.values()):
            self.team_queues.setdefault(t, None)

    def day_start_for(self, now_ms):
        """Start (UTC ms) of the 'today' that contains now_ms (§6.1)."""
        tz = self.tz
        local = dt.datetime.fromtimestamp(now_ms / 1000.0, tz)
        d = local.date()
        for _ in range(3):
            s = self._local_start(d)
            if s <= now_ms:
                return s
            d = d - dt.timedelta(days=1)
        raise RuntimeError("day start not found")

    def _local_start(self, d):
        hh, mm = self.day_start_hm
        naive = dt.datetime(d.year, d.month, d.day, hh, mm)
        tz = self.tz
        a = naive.replace(tzinfo=tz, fold=0)
        ms0 = int(round(a.timestamp() * 1000))
        back = dt.datetime.fromtimestamp(ms0 / 1000.0, tz).replace(tzinfo=None)
        if back == naive:
            return ms0  # exists (ambiguous times: the first occurrence)
        # A non-existent local time (spring-forward gap): the day begins at the
        # first existing local time after it.  fold=1 maps it before the
        # transition, fold=0 after; binary-search the first instant whose local
        # wall time is >= naive.
        ms1 = int(round(naive.replace(tzinfo=tz, fold=1).timestamp() * 1000))
        lo, hi = min(ms0, ms1), max(ms0, ms1)

        def wall(ms):
            return dt.datetime.fromtimestamp(ms / 1000.0, tz).replace(tzinfo=None)
        while lo < hi:
            mid = (lo + hi) // 2
            if wall(mid) >= naive:
                hi = mid
            else:
                lo = mid + 1
        return lo


# --------------------------------------------------------------------------
# validation (§1)

def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _is_str(v):
    return isinstance(v, str)


def _is_bool(v):
    return isinstance(v, bool)


def _is_str_list(v):
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


# type -> list of (field, required, checker)
SCHEMA = {
    "call.queued": [("call", True, _is_str), ("queue", True, _is_str),
                    ("caller", False, _is_str), ("priority", False, _is_int)],
    "call.answered": [("call", True, _is_str), ("agent", True, _is_str),
                      ("queue", False, _is_str)],
    "call.abandoned": [("call", True, _is_str), ("queue", False, _is_str)],
    "call.exited": [("call", True, _is_str),
                    ("reason", True, lambda v: v in EXIT_REASONS),
                    ("queue", False, _is_str), ("to_queue", False, _is_str)],
    "call.ended": [("call", True, _is_str), ("agent", False, _is_str),
                   ("resolved", False, _is_bool), ("transferred", False, _is_bool)],
    "agent.state": [("agent", True, _is_str),
                    ("state", True, lambda v: v in STATES),
                    ("reason", False, _is_str), ("name", False, _is_str),
                    ("team", False, _is_str), ("queues", False, _is_str_list)],
    "survey": [("csat", True, lambda v: _is_int(v) and 1 <= v <= 5),
               ("call", False, _is_str), ("agent", False, _is_str),
               ("queue", False, _is_str)],
}


def validate(ev):
    """Returns None when valid, else the reason.  Optional fields that are
    JSON null are treated as absent."""
    if not isinstance(ev, dict):
        return "not an object"
    if not _is_str(ev.get("type")):
        return "type missing or not a string"
    if not _is_int(ev.get("ts")):
        return "ts missing or not an integer"
    if "src" in ev and ev["src"] is not None and not _is_str(ev["src"]):
        return "src not a string"
    if "seq" in ev and ev["seq"] is not None and not _is_int(ev["seq"]):
        return "seq not an integer"
    schema = SCHEMA.get(ev["type"])
    if schema is None:
        return None  # unknown type: valid envelope, ignored later
    for field, req, check in schema:
        v = ev.get(field)
        if v is None:
            if req:
                return "missing %s" % field
            continue
        if not check(v):
            return "bad %s" % field
    return None


# --------------------------------------------------------------------------
# model

class Feed:
    def __init__(self):
        self.c = dict(events=0, gaps=0, duplicates=0, restarts=0, rejected=0,
                      orphans=0, ignored=0, lost=0)
        self.last_seq = None


class Visit:
    def __init__(self, call, queue, qts, caller, src, order):
        self.call = call
        self.queue = queue
        self.qts = qts            # the call.queued's own ts
        self.caller = caller
        self.src = src
        self.order = order
        self.outcome = None       # answered | abandoned | exited | lost | superseded
        self.out_time = None      # applied time of the outcome
        self.wait = None
        self.repeat = False


class Call:
    def __init__(self, cid):
        self.id = cid
        self.waiting = None       # Visit currently waiting
        self.answered_visit = None
        self.agent = None         # agent that has the conversation
        self.answered_ts = None
        self.ended_time = None    # applied time of call.ended
        self.last_queue = None
        self.lost = False


class Agent:
    def __init__(self, aid, t0, state, team, queues, name):
        self.id = aid
        self.name = name
        self.state = state
        self.reason = None
        self.since = None if t0 is None else t0
        self.team = team
        self.queues = list(queues)
        self.evt_queues = None    # queues from latest agent.state carrying them
        self.evt_team = None
        # segments: [start, state, team, tuple(queues)]; start None = -inf
        self.segs = [[t0, state, team, tuple(queues)]]
        self.ended = []           # (time, order, queue) of calls this agent ended


class Oracle:
    def __init__(self, cfg):
        self.cfg = cfg
        self.clock = None
        self.order = 0
        self.feeds = {}
        self.queues = dict(cfg.queues)   # name -> QueueCfg
        self.teams = dict(cfg.team_queues)
        for tq in self.teams.values():
            for q in tq or []:
                self.queue(q)
        # the config's agents.<id>.queues make their queues too
        for qs in cfg.agent_queues.values():
            for q in qs:
                self.queue(q)
        self.calls = {}
        self.waiting = {}                # call id -> Call with a waiting visit
        self.visits = []
        self.caller_hist = {}            # caller -> [(qts, call id)]
        self.handled = []                # dicts
        self.surveys = []
        self.agents = {}
        for aid in cfg.config_agents:
            self.agents[aid] = Agent(aid, None, "offline", cfg.agent_team.get(aid),
                                     cfg.agent_queues.get(aid, []),
                                     cfg.agent_name.get(aid))

    # ---- helpers
    def feed(self, src):
        f = self.feeds.get(src)
        if f is None:
            f = self.feeds[src] = Feed()
        return f

    def queue(self, name):
        q = self.queues.get(name)
        if q is None:
            q = self.queues[name] = QueueCfg(name, {}, self.cfg.defaults)
        return q

    def team_seen(self, name):
        if name is not None and name not in self.teams:
            self.teams[name] = None

    def advance(self, t):
        if self.clock is None or t > self.clock:
            self.clock = t
        # calls waiting longer than call_timeout are lost (§6.2)
        for c in list(self.waiting.values()):
            v = c.waiting
            if self.clock - v.qts > self.cfg.call_timeout:
                v.outcome = "lost"
                c.waiting = None
                c.lost = True
                del self.waiting[c.id]
                self.feed(v.src).c["lost"] += 1
        return self.clock

    def agent_set(self, a, t, state=None, team=None, queues=None, reason=None,
                  set_reason=False):
        changed_state = state is not None and state != a.state
        if state is not None:
            if changed_state or a.since is None:
                a.since = t
            a.state = state
        if set_reason:
            a.reason = reason
        if team is not None:
            a.team = team
        if queues is not None:
            a.queues = list(queues)
        seg = [t, a.state, a.team, tuple(a.queues)]
        last = a.segs[-1]
        if last[1:] != seg[1:]:
            if last[0] == t:
                last[1:] = seg[1:]
            else:
                a.segs.append(seg)

    def get_agent(self, aid, t, how):
        a = self.agents.get(aid)
        if a is None:
            team = self.cfg.agent_team.get(aid)
            a = Agent(aid, t, "offline", team, self.cfg.agent_queues.get(aid, []),
                      self.cfg.agent_name.get(aid))
            a.segs = [[t, "offline", team, tuple(a.queues)]]
            self.agents[aid] = a
        return a

    # ---- ingest
    def ingest_line(self, line):
        self.order += 1
        try:
            ev = json.loads(line)
        except (ValueError, RecursionError):
            self.feed("?").c["rejected"] += 1
            return
        src = "?"
        if isinstance(ev, dict):
            s = ev.get("src", "default")
            if s is None:
                s = "default"
            if isinstance(s, str):
                src = s
        why = validate(ev)
        f = self.feed(src)
        seq = ev.get("seq") if isinstance(ev, dict) else None
        if why is not None:
            f.c["rejected"] += 1
            if src != "?" and _is_int(seq):
                # §6.4: still moves the feed's sequence on
                if seq == 1 and f.last_seq is not None:
                    f.c["restarts"] += 1
                    f.last_seq = 1
                elif f.last_seq is None or seq > f.last_seq:
                    if f.last_seq is not None:
                        f.c["gaps"] += seq - f.last_seq - 1
                    f.last_seq = seq
            return
        if _is_int(seq):
            if seq == 1:
                if f.last_seq is not None:
                    f.c["restarts"] += 1
                f.last_seq = 1
            elif f.last_seq is None:
                f.last_seq = seq
            elif seq <= f.last_seq:
                f.c["duplicates"] += 1
                return
            else:
                f.c["gaps"] += seq - f.last_seq - 1
                f.last_seq = seq
        f.c["events"] += 1
        typ = ev["type"]
        if typ not in SCHEMA:
            f.c["ignored"] += 1
            return
        t = self.advance(ev["ts"])
        getattr(self, "on_" + typ.replace(".", "_"))(ev, t, f, src)

    def on_call_queued(self, ev, t, f, src):
        cid = ev["call"]
        q = self.queue(ev["queue"])
        c = self.calls.get(cid)
        if c is None or c.lost:
            c = self.calls[cid] = Call(cid)
        if c.waiting is not None:
            c.waiting.outcome = "superseded"  # leaves now, no outcome (§6.2)
            c.waiting = None
            del self.waiting[cid]
        v = Visit(cid, q.name, ev["ts"], ev.get("caller"), src, self.order)
        if v.caller is not None:
            hist = self.caller_hist.setdefault(v.caller, [])
            lo = v.qts - q.repeat_window
            v.repeat = any(cid2 != cid and lo <= qts2 <= v.qts for qts2, cid2 in hist)
            hist.append((v.qts, cid))
        self.visits.append(v)
        c.waiting = v
        self.waiting[cid] = c
        c.last_queue = q.name

    def _outcome(self, ev, t, f, kind):
        c = self.calls.get(ev["call"])
        if c is None or c.lost or c.waiting is None:
            return None
        v = c.waiting
        c.waiting = None
        del self.waiting[c.id]
        v.outcome = kind
        v.out_time = t
        v.wait = max(0, ev["ts"] - v.qts)
        return c, v

    def on_call_answered(self, ev, t, f, src):
        cid = ev["call"]
        c = self.calls.get(cid)
        if c is None or c.lost:
            f.c["orphans"] += 1
            return
        if c.waiting is not None:
            _, v = self._outcome(ev, t, f, "answered")
            c.answered_visit = v
            c.answered_ts = ev["ts"]
        elif c.answered_visit is None or c.ended_time is not None:
            # known call, neither waiting nor in conversation
            f.c["orphans"] += 1
            return
        # else: direct transfer: conversation moves to the new agent
        c.agent = ev["agent"]
        a = self.get_agent(ev["agent"], t, "answered")
        self.agent_set(a, t, state="busy", reason=None, set_reason=True)

    def on_call_abandoned(self, ev, t, f, src):
        if self._outcome(ev, t, f, "abandoned") is None:
            f.c["orphans"] += 1

    def on_call_exited(self, ev, t, f, src):
        if self._outcome(ev, t, f, "exited") is None:
            f.c["orphans"] += 1

    def on_call_ended(self, ev, t, f, src):
        c = self.calls.get(ev["call"])
        if (c is None or c.lost or c.answered_visit is None
                or c.ended_time is not None):
            f.c["orphans"] += 1
            return
        c.ended_time = t
        aid = c.agent
        a = self.agents.get(aid)
        team = a.team if a else None
        q = c.answered_visit.queue
        self.handled.append(dict(time=t, queue=q, agent=aid, team=team,
                                 talk=max(0, ev["ts"] - c.answered_ts),
                                 transferred=ev.get("transferred") is True,
                                 resolved=ev.get("resolved")))
        if a is not None:
            a.ended.append((t, self.order, q))
            if a.state == "busy":
                self.agent_set(a, t, state="ready", reason=None, set_reason=True)

    def on_agent_state(self, ev, t, f, src):
        aid = ev["agent"]
        a = self.get_agent(aid, t, "state")
        team = None
        if aid not in self.cfg.agent_team and ev.get("team") is not None:
            team = ev["team"]
            self.team_seen(team)
        queues = ev.get("queues")
        if queues is not None:
            for q in queues:
                self.queue(q)
        if ev.get("name") is not None:
            a.name = ev["name"]
        self.agent_set(a, t, state=ev["state"], team=team, queues=queues,
                       reason=ev.get("reason"), set_reason=True)

    def on_survey(self, ev, t, f, src):
        queue = ev.get("queue")
        agent = ev.get("agent")
        cid = ev.get("call")
        if cid is not None and (queue is None or agent is None):
            c = self.calls.get(cid)
            # a lost call is forgotten (later outcomes for it are orphans)
            if c is not None and not c.lost and (c.ended_time is None
                                                 or t - c.ended_time <= CALL_MEMORY_MS):
                if queue is None:
                    queue = c.answered_visit.queue if c.answered_visit else c.last_queue
                if agent is None:
                    agent = c.agent
        # a survey never creates a queue (protocol 6.2): one naming a
        # queue no call or config has made counts in all only
        if queue is not None and queue not in self.queues:
            queue = None
        team = None
        if agent is not None and agent in self.agents:
            team = self.agents[agent].team
        self.surveys.append(dict(time=t, queue=queue, agent=agent, team=team,
                                 csat=ev["csat"]))

    # ---- replay
    def replay(self, path, at=None):
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            for line in fh:
                if not line.strip():
                    continue
                if at is not None:
                    try:
                        ev = json.loads(line)
                    except ValueError:
                        ev = None
                    if isinstance(ev, dict) and _is_int(ev.get("ts")) and ev["ts"] > at:
                        break
                self.ingest_line(line)
        if at is not None:
            self.advance(at)
        if self.clock is None:
            self.clock = at if at is not None else 0

    # ---- figures
    def snapshot(self):
        now = self.clock
        day_start = self.cfg.day_start_for(now)
        wins = [(name, now - w, False) for name, w in self.cfg.windows]
        wins.append(("today", day_start, True))

        def in_win(t, lo, incl):
            return t is not None and (lo <= t if incl else lo < t) and t <= now

        scopes = {}
        # scope specs: (key, queue set or None for 'no queues', queue filter for
        # agent figs / handled, team)
        specs = [("all", set(self.queues), "all", None)]
        for qn in sorted(self.queues):
            specs.append(("queue:" + qn, {qn}, "queue", qn))
        for tn in sorted(self.teams):
            tq = self.teams[tn]
            specs.append(("team:" + tn, set(tq) if tq else None, "team", tn))
        for key, qset, kind, name in specs:
            scopes[key] = self.scope(now, wins, in_win, qset, kind, name)
        agents = []
        for aid in sorted(self.agents):
            a = self.agents[aid]
            ht = sum(1 for h in self.handled if h["agent"] == aid
                     and in_win(h["time"], day_start, True))
            agents.append(dict(id=aid, name=a.name, team=a.team, state=a.state,
                               since=a.since, reason=a.reason, handled_today=ht,
                               queues=list(a.queues)))
        feeds = {src: dict(f.c) for src, f in sorted(self.feeds.items())}
        return {"now": now, "day_start": day_start, "feeds": feeds,
                "scopes": scopes, "agents": agents}

    def _agent_in(self, kind, name, seg_team, seg_queues):
        if kind == "all":
            return True
        if kind == "queue":
            return name in seg_queues
        return seg_team == name

    def _intervals(self, now):
        """Yield (agent, start, end, state, team, queues) with start None = -inf."""
        for a in self.agents.values():
            segs = a.segs
            for i, s in enumerate(segs):
                end = segs[i + 1][0] if i + 1 < len(segs) else now
                yield a, s[0], end, s[1], s[2], s[3]

    def _wrap_runs(self, now):
        """Wrap runs per agent: (agent, start, end, attributed queue)."""
        for a in self.agents.values():
            segs = a.segs
            i = 0
            while i < len(segs):
                if segs[i][1] != "wrap":
                    i += 1
                    continue
                start = segs[i][0]
                j = i
                while j + 1 < len(segs) and segs[j + 1][1] == "wrap":
                    j += 1
                end = segs[j + 1][0] if j + 1 < len(segs) else now
                q = None
                best = None
                for (et, eo, eq) in a.ended:
                    if start is not None and et <= start and (best is None or (et, eo) > best):
                        best = (et, eo)
                        q = eq
                yield a, start, end, q
                i = j + 1

    def scope(self, now, wins, in_win, qset, kind, name):
        # now
        agents_now = {s: 0 for s in STATES}
        for a in self.agents.values():
            if self._agent_in(kind, name, a.team, a.queues):
                agents_now[a.state] += 1
        agents_now["staffed"] = sum(agents_now[s] for s in ("ready", "busy", "wrap", "away"))
        if qset is None:
            waiting = None
            longest = None
        else:
            ws = [c.waiting for c in self.calls.values()
                  if c.waiting is not None and c.waiting.queue in qset]
            waiting = len(ws)
            longest = max((now - v.qts for v in ws), default=0)
        out = {"now": {"waiting": waiting, "longest_wait_ms": longest, "agents": agents_now},
               "windows": {}}
        formula = (self.queues[name].formula if kind == "queue"
                   else self.cfg.defaults["sl_formula"])
        intervals = list(self._intervals(now))
        wraps = list(self._wrap_runs(now))
        for wname, lo, incl in wins:
            m = {}
            # ---- queue outcomes
            if qset is None:
                for k in QUEUE_OUTCOME_KEYS:
                    m[k] = None
            else:
                vs = [v for v in self.visits
                      if v.queue in qset and v.outcome in ("answered", "abandoned", "exited")
                      and in_win(v.out_time, lo, incl)]
                ans = [v for v in vs if v.outcome == "answered"]
                ab = [v for v in vs if v.outcome == "abandoned"]
                ex = [v for v in vs if v.outcome == "exited"]

                def T(v):
                    return self.queues[v.queue].T

                def S(v):
                    return self.queues[v.queue].S
                ais = sum(1 for v in ans if v.wait <= T(v))
                sa = sum(1 for v in ab if S(v) > 0 and v.wait <= S(v))
                ains = sum(1 for v in ab if v.wait <= T(v))
                off = len(vs)
                m["offered"] = off
                m["answered"] = len(ans)
                m["answered_in_sl"] = ais
                m["abandoned"] = len(ab)
                m["short_abandoned"] = sa
                m["abandoned_in_sl"] = ains
                m["exited"] = len(ex)
                if formula == "standard":
                    m["service_level"] = ratio(ais, off - sa)
                elif formula == "answered":
                    m["service_level"] = ratio(ais, len(ans))
                elif formula == "abandons_positive":
                    m["service_level"] = ratio(ais + ains, off)
                else:
                    m["service_level"] = ratio(ais, off - ains)
                m["asa_ms"] = mean_ms([v.wait for v in ans])
                m["avg_abandon_ms"] = mean_ms([v.wait for v in ab])
                m["max_wait_ms"] = max((v.wait for v in vs), default=None)
                m["abandon_rate"] = ratio(len(ab) - sa, off - sa)
                withc = [v for v in vs if v.caller is not None]
                m["repeat_rate"] = ratio(sum(1 for v in withc if v.repeat), len(withc))
            # ---- handling
            if kind == "all":
                hs = self.handled
            elif kind == "queue":
                hs = [h for h in self.handled if h["queue"] == name]
            else:
                hs = [h for h in self.handled if h["team"] == name]
            hs = [h for h in hs if in_win(h["time"], lo, incl)]
            m["handled"] = len(hs)
            m["talk_ms"] = sum(h["talk"] for h in hs)
            # wrap
            wrap = 0
            if kind == "queue":
                for a, s, e, q in wraps:
                    if q == name:
                        wrap += overlap(s, e, lo, now)
            else:
                for a, s, e, st, team, qs in intervals:
                    if st == "wrap" and self._agent_in(kind, name, team, qs):
                        wrap += overlap(s, e, lo, now)
            m["wrap_ms"] = wrap
            m["aht_ms"] = mean_ms_sum(m["talk_ms"] + wrap, len(hs))
            occ = {"busy": 0, "wrap": 0, "ready": 0}
            for a, s, e, st, team, qs in intervals:
                if st in occ and self._agent_in(kind, name, team, qs):
                    occ[st] += overlap(s, e, lo, now)
            m["occupancy"] = ratio(occ["busy"] + occ["wrap"],
                                   occ["busy"] + occ["wrap"] + occ["ready"])
            m["transfer_rate"] = ratio(sum(1 for h in hs if h["transferred"]), len(hs))
            withr = [h for h in hs if h["resolved"] is not None]
            m["fcr"] = ratio(sum(1 for h in withr if h["resolved"]), len(withr))
            # surveys
            if kind == "all":
                ss = self.surveys
            elif kind == "queue":
                ss = [s for s in self.surveys if s["queue"] == name]
            else:
                ss = [s for s in self.surveys if s["team"] == name]
            ss = [s for s in ss if in_win(s["time"], lo, incl)]
            m["csat"] = ratio(sum(1 for s in ss if s["csat"] >= 4), len(ss))
            m["csat_avg"] = (sum(s["csat"] for s in ss) / len(ss)) if ss else None
            out["windows"][wname] = {k: m[k] for k in METRIC_KEYS}
        return out


def overlap(s, e, lo, hi):
    """Length of [s, e) ∩ (lo, hi]; s None means -inf."""
    a = lo if s is None else max(s, lo)
    b = min(e, hi)
    return max(0, b - a)


def ratio(n, d):
    if d <= 0:
        return None
    return n / d


def mean_ms(xs):
    if not xs:
        return None
    return mean_ms_sum(sum(xs), len(xs))


def mean_ms_sum(total, n):
    if n <= 0:
        return None
    return (2 * total + n) // (2 * n)  # nearest, halves up


def run(config_path, events_path, at=None):
    cfg = Config(config_path)
    o = Oracle(cfg)
    o.replay(events_path, at)
    return o.snapshot()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config")
    ap.add_argument("events")
    ap.add_argument("--at", type=int, default=None)
    args = ap.parse_args(argv)
    snap = run(args.config, args.events, args.at)
    json.dump(snap, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
