#!/usr/bin/env python3
"""docs/grafana/wallboard.json: a Grafana dashboard whose every query names
a metric family (and label names) that a running daemon's /metrics has,
with the windows it asks for present as label values."""
import json
import os
import re
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "live"))
sys.path.insert(0, HERE)
import wb  # noqa: E402
from hist import bad, ctl, expect, finish, get  # noqa: E402,F401




dash = json.load(open(os.path.join(HERE, "..", "..", "docs", "grafana", "wallboard.json")))
expect("title, uid, schemaVersion", dash.get("title") and dash.get("uid") and
       isinstance(dash.get("schemaVersion"), int), "")
panels = dash.get("panels", [])
expect("panels", len(panels) >= 8, str(len(panels)))
expect("panel ids unique", len({p["id"] for p in panels}) == len(panels), "")
exprs = [t["expr"] for p in panels for t in p["targets"]]
exprs += [v["query"] for v in dash["templating"]["list"]]
for p in panels:
    g = p.get("gridPos", {})
    expect(f"panel {p.get('title')} placed", all(k in g for k in "xywh") and
           g["x"] + g["w"] <= 24, str(g))

port = wb.free_port()
d = wb.Daemon(extra=f'http: {{listen: "127.0.0.1:{port}"}}\n').start()
try:
    pub = d.publisher()
    now = int(time.time() * 1000)
    wb.send(pub, wb.ev("agent.state", now - 5000, 1, agent="a1", state="ready", queues=["sales"]))
    wb.send(pub, wb.ev("call.queued", now - 4000, 2, call="c1", queue="sales"))
    wb.send(pub, wb.ev("call.answered", now - 3000, 3, call="c1", agent="a1"))
    wb.send(pub, wb.ev("call.queued", now - 2000, 4, call="c2", queue="sales"))
    d.wait_for(lambda s: s["scopes"].get("queue:sales", {}).get("now", {}).get("waiting") == 1)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        metrics = r.read().decode()
    samples = {}
    for line in metrics.splitlines():
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s", line)
        if m and not line.startswith("#"):
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(3) or ""))
            samples.setdefault(m.group(1), []).append(labels)
    for e in exprs:
        for name, sel in re.findall(r"(wallboard_[a-z_]+)(\{[^}]*\})?", e):
            expect(f"{name} in /metrics", name in samples, e)
            if name not in samples:
                continue
            for key, op, val in re.findall(r'(\w+)\s*(=~|=)\s*"([^"]*)"', sel):
                expect(f"{name} has label {key}", all(key in s for s in samples[name]), e)
                if op == "=":
                    expect(f"{name}{{{key}=\"{val}\"}} present",
                           any(s.get(key) == val for s in samples[name]), e)
    for p in panels:
        for t in p["targets"]:
            for lab in re.findall(r"\{\{(\w+)\}\}", t.get("legendFormat", "")):
                names = re.findall(r"(wallboard_[a-z_]+)", t["expr"])
                expect(f"legend label {lab}", all(lab in s for n in names
                                                  for s in samples.get(n, [{}])), t["expr"])
finally:
    d.close()
finish()
