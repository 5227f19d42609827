#!/usr/bin/env python3
"""Compare wallboardd's replay snapshot with the oracle's figures.

    python3 compare.py --wallboardd PATH CONFIG EVENTS [--at MS] [--save DIR]

Runs `PATH -c CONFIG --replay EVENTS [--at MS]` and the oracle on the same
input, compares every figure both have (scopes' now and window metrics,
feeds counters, agents' state/since/handled_today), prints each mismatch as
`scope/window/key: daemon=X oracle=Y` and exits 1 if there is any, else prints
a one-line summary and exits 0.  Exit 2: the daemon failed or printed no JSON.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import oracle  # noqa: E402

RATIO_KEYS = {"service_level", "abandon_rate", "occupancy", "transfer_rate", "fcr",
              "repeat_rate", "csat", "csat_avg"}
MEAN_MS_KEYS = {"asa_ms", "avg_abandon_ms", "aht_ms"}
FEED_KEYS = ("events", "gaps", "duplicates", "restarts", "rejected", "orphans",
             "ignored", "lost")
AGENT_KEYS = ("state", "since", "handled_today")
MISSING = object()


class Cmp:
    def __init__(self):
        self.matched = 0
        self.mismatches = []

    def fail(self, path, d, o):
        self.mismatches.append("%s: daemon=%s oracle=%s" % (path, fmt(d), fmt(o)))

    def value(self, path, key, d, o):
        if d is MISSING:
            self.fail(path, "<missing>", o)
            return
        if d is None or o is None:
            if d is None and o is None:
                self.matched += 1
            else:
                self.fail(path, d, o)
            return
        if isinstance(d, bool) or not isinstance(d, (int, float)):
            if d == o:
                self.matched += 1
            else:
                self.fail(path, d, o)
            return
        if key in RATIO_KEYS:
            ok = abs(d - o) <= 1e-9
        elif key in MEAN_MS_KEYS:
            ok = abs(d - o) <= 1
        else:
            ok = d == o
        if ok:
            self.matched += 1
        else:
            self.fail(path, d, o)


def fmt(v):
    if isinstance(v, str) and v.startswith("<"):
        return v
    return json.dumps(v)


def compare(dsnap, osnap):
    c = Cmp()
    for k in ("now", "day_start"):
        c.value(k, k, dsnap.get(k, MISSING), osnap[k])
    dscopes = dsnap.get("scopes") or {}
    for name, osc in osnap["scopes"].items():
        dsc = dscopes.get(name)
        if not isinstance(dsc, dict):
            c.fail(name, "<no such scope>", "<scope>")
            continue
        dnow = dsc.get("now") or {}
        for k in ("waiting", "longest_wait_ms"):
            c.value("%s/now/%s" % (name, k), k, dnow.get(k, MISSING), osc["now"][k])
        dag = dnow.get("agents") or {}
        for k, ov in osc["now"]["agents"].items():
            c.value("%s/now/agents.%s" % (name, k), k, dag.get(k, MISSING), ov)
        dwins = dsc.get("windows") or {}
        for wname, ow in osc["windows"].items():
            dw = dwins.get(wname)
            if not isinstance(dw, dict):
                c.fail("%s/%s" % (name, wname), "<no such window>", "<window>")
                continue
            for k, ov in ow.items():
                c.value("%s/%s/%s" % (name, wname, k), k, dw.get(k, MISSING), ov)
    for name in dscopes:
        if name not in osnap["scopes"]:
            c.fail(name, "<scope>", "<no such scope>")
    dfeeds = dsnap.get("feeds") or {}
    for src in sorted(set(dfeeds) | set(osnap["feeds"])):
        of = osnap["feeds"].get(src)
        df = dfeeds.get(src)
        if of is None:
            if any(isinstance(df.get(k), int) and df.get(k) for k in FEED_KEYS):
                c.fail("feeds/%s" % src, {k: df.get(k) for k in FEED_KEYS if k in df},
                       "<no such feed>")
            continue
        if df is None:
            if any(of[k] for k in FEED_KEYS):
                c.fail("feeds/%s" % src, "<no such feed>", of)
            continue
        for k in FEED_KEYS:
            if k in df:
                c.value("feeds/%s/%s" % (src, k), k, df[k], of[k])
    dagents = {a.get("id"): a for a in dsnap.get("agents") or [] if isinstance(a, dict)}
    oagents = {a["id"]: a for a in osnap["agents"]}
    for aid in sorted(set(dagents) | set(oagents), key=str):
        da, oa = dagents.get(aid), oagents.get(aid)
        if da is None or oa is None:
            c.fail("agents/%s" % aid, "<absent>" if da is None else "<present>",
                   "<absent>" if oa is None else "<present>")
            continue
        for k in AGENT_KEYS:
            if k == "since" and oa[k] is None:
                continue  # a config agent never seen in events: 'since' undefined
            c.value("agents/%s/%s" % (aid, k), k, da.get(k, MISSING), oa[k])
        if oa["state"] == "away":
            c.value("agents/%s/reason" % aid, "reason", da.get("reason", MISSING), oa["reason"])
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wallboardd", required=True)
    ap.add_argument("config")
    ap.add_argument("events")
    ap.add_argument("--at", type=int, default=None)
    ap.add_argument("--save", help="write daemon.json and oracle.json into this directory")
    args = ap.parse_args()
    cmd = [args.wallboardd, "-c", args.config, "--replay", args.events]
    if args.at is not None:
        cmd += ["--at", str(args.at)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if p.returncode != 0:
        sys.stderr.write("compare: %s exited %d\n%s" % (" ".join(cmd), p.returncode,
                                                        p.stderr.decode(errors="replace")[-2000:]))
        return 2
    try:
        dsnap = json.loads(p.stdout)
    except ValueError as e:
        sys.stderr.write("compare: daemon printed no JSON (%s): %r\n" % (e, p.stdout[:300]))
        return 2
    osnap = oracle.run(args.config, args.events, args.at)
    if args.save:
        os.makedirs(args.save, exist_ok=True)
        with open(os.path.join(args.save, "daemon.json"), "w") as f:
            json.dump(dsnap, f, indent=1)
        with open(os.path.join(args.save, "oracle.json"), "w") as f:
            json.dump(osnap, f, indent=1)
    c = compare(dsnap, osnap)
    for m in c.mismatches:
        print(m)
    if c.mismatches:
        print("compare: %d mismatches, %d figures matched" % (len(c.mismatches), c.matched))
        return 1
    print("compare: all %d figures match" % c.matched)
    return 0


if __name__ == "__main__":
    sys.exit(main())
