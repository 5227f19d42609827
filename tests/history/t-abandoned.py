#!/usr/bin/env python3
"""The day's abandoned calls (docs/history.md), from the real daemon.

Six calls, worked by hand (ts relative to base):
  c1 sales    caller h:aaa  queued +0     abandoned +30000  -> waited 30 s
  c2 support  caller h:bbb  queued +1000  abandoned +6000   -> 5 s, short (<= 5 s)
  c3 sales    caller h:aaa  queued +2000  abandoned +62000  -> 60 s
  c4 sales    no caller     queued +3000  answered  +4000   -> not listed
  c5 sales    no caller     queued +5000  abandoned +7000   -> 2 s, short
  c6 sales    caller h:ccc  queued +8000  exited timeout +9000 -> not listed
Listed by when they hung up: c2, c5, c1, c3. Callers numbered by first
abandon: h:bbb is 1 (once), h:aaa is 2 (twice); c5 has none.
Then: the same list after a restart (rebuilt from the journal), scope
filters, CSV, the table, HTTP, a bad kind, and a flood past
history.max_abandoned (3 listed, the other 7 counted)."""
import csv
import io
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "live"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wb  # noqa: E402
from hist import bad, ctl, expect, finish, get  # noqa: E402,F401






now = int(time.time() * 1000)
base = now - 70000
WANT = [  # (call, queue, ts, waited_ms, short, caller, caller_abandons)
    ("c2", "support", base + 6000, 5000, True, 1, 1),
    ("c5", "sales", base + 7000, 2000, True, None, None),
    ("c1", "sales", base + 30000, 30000, False, 2, 2),
    ("c3", "sales", base + 62000, 60000, False, 2, 2),
]


def check_rows(what, rows, want=WANT):
    got = [(r["call"], r["queue"], r["ts"], r["waited_ms"], r["short"], r["caller"],
            r["caller_abandons"]) for r in rows]
    expect(what, got == want, f"\n got {got}\nwant {want}")
    expect(what + ": queued = ts - waited",
           all(r["queued"] == r["ts"] - r["waited_ms"] for r in rows), str(rows))


def feed(d, seq=1):
    pub = d.publisher()
    evs = [
        ("agent.state", base - 1000, dict(agent="a1", state="ready", queues=["sales"])),
        ("call.queued", base, dict(call="c1", queue="sales", caller="h:aaa")),
        ("call.queued", base + 1000, dict(call="c2", queue="support", caller="h:bbb")),
        ("call.queued", base + 2000, dict(call="c3", queue="sales", caller="h:aaa")),
        ("call.queued", base + 3000, dict(call="c4", queue="sales")),
        ("call.answered", base + 4000, dict(call="c4", agent="a1")),
        ("call.queued", base + 5000, dict(call="c5", queue="sales")),
        ("call.abandoned", base + 6000, dict(call="c2", queue="support")),
        ("call.abandoned", base + 7000, dict(call="c5", queue="sales")),
        ("call.queued", base + 8000, dict(call="c6", queue="sales", caller="h:ccc")),
        ("call.exited", base + 9000, dict(call="c6", queue="sales", reason="timeout")),
        ("call.abandoned", base + 30000, dict(call="c1", queue="sales")),
        ("call.abandoned", base + 62000, dict(call="c3", queue="sales")),
    ]
    for kind, ts, f in evs:
        wb.send(pub, wb.ev(kind, ts, seq, **f))
        seq += 1
    pub.close()


port = wb.free_port()
extra = f'http: {{listen: "127.0.0.1:{port}"}}\n'
d = wb.Daemon(extra=extra).start()
try:
    feed(d)
    d.wait_for(lambda s: s["scopes"].get("queue:sales", {}).get("windows", {}).get("today", {}).get("abandoned") == 3)

    rc, out, err = ctl(d, "report", "--abandoned", "--json")
    expect("json exits 0", rc == 0, err)
    check_rows("json rows", [json.loads(l) for l in out.splitlines()])
    json_out = out

    rc, out, err = ctl(d, "report", "--abandoned", "--csv")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    expect("csv header", rows and rows[0] == ["ts", "queued", "queue", "waited_ms", "short",
                                              "call", "caller", "caller_abandons"], out)
    code, hdr, body = get(port, "/api/v1/report?kind=abandoned&format=csv")
    expect("csv CRLF, same as ctl", body.count("\r\n") == 5 and
           body.replace("\r\n", "\n") == out, repr(body))
    expect("csv rows", [(r[5], r[1], r[3], r[4], r[6]) for r in rows[1:]] ==
           [("c2", str(base + 1000), "5000", "true", "1"),
            ("c5", str(base + 5000), "2000", "true", ""),
            ("c1", str(base), "30000", "false", "2"),
            ("c3", str(base + 2000), "60000", "false", "2")], out)

    rc, out, err = ctl(d, "report", "--abandoned", "--scope", "queue:support", "--json")
    check_rows("scope filter", [json.loads(l) for l in out.splitlines()], WANT[:1])
    rc, out, err = ctl(d, "report", "--abandoned", "--scope", "all", "--json")
    check_rows("scope all", [json.loads(l) for l in out.splitlines()])

    rc, out, err = ctl(d, "report", "--abandoned")
    lines = out.splitlines()
    expect("table header", lines and lines[0].split() == ["TIME", "QUEUE", "WAITED",
                                                          "CALLER", "CALL"], out)
    expect("table rows", len(lines) >= 6 and lines[1].split()[1:] == ["support", "5s*", "#1",
                                                                       "x1", "c2"]
           and lines[4].split()[1:] == ["sales", "1m", "#2", "x2", "c3"], out)
    expect("table footer", "4 rows" in out, out)

    code, hdr, body = get(port, "/api/v1/report?kind=abandoned")
    expect("http 200 ndjson", code == 200 and hdr.get("Content-Type") == "application/x-ndjson",
           f"{code} {hdr}")
    expect("http = ctl", body == json_out, body)
    expect("http dropped header", hdr.get("X-Wallboard-Dropped") == "0", str(hdr))
    code, hdr, body = get(port, "/api/v1/report?kind=callers")
    expect("http bad kind", code == 400 and "intervals or abandoned" in body, f"{code} {body}")
    r = d.control({"cmd": "report", "kind": "nope"})
    expect("control bad kind", r.get("ok") is False and "abandoned" in r.get("error", ""), str(r))

    # no caller token anywhere it could be read
    for where, text in (("ctl", json_out), ("http", body), ("stderr", d.stderr()),
                        ("snapshot", json.dumps(d.snapshot()))):
        expect(f"no caller token in {where}", "h:aaa" not in text and "h:bbb" not in text, "")

    # a restart rebuilds the same list from the journal
    d.stop()
    d2 = wb.Daemon(extra=extra, state_dir=d.state, ports=(d.ingest, d.pub))
    d2.config = d.config
    d2.start()
    try:
        d2.wait_for(lambda s: s["scopes"].get("queue:sales", {}).get("windows", {}).get("today", {}).get("abandoned") == 3)
        rc, out, err = ctl(d2, "report", "--abandoned", "--json")
        check_rows("after a restart", [json.loads(l) for l in out.splitlines()])
    finally:
        d2.close()
finally:
    d.close()

# a flood: 10 abandons, 3 listed, 7 counted
port = wb.free_port()
d = wb.Daemon(extra=f'http: {{listen: "127.0.0.1:{port}"}}\nhistory: {{max_abandoned: 3}}\n').start()
try:
    pub = d.publisher()
    seq = 1
    for i in range(10):
        wb.send(pub, wb.ev("call.queued", base + i * 1000, seq, call=f"f{i}", queue="q",
                           caller=f"h:{i}"))
        wb.send(pub, wb.ev("call.abandoned", base + i * 1000 + 500, seq + 1, call=f"f{i}",
                           queue="q"))
        seq += 2
    d.wait_for(lambda s: s["scopes"].get("queue:q", {}).get("windows", {}).get("today", {}).get("abandoned") == 10)
    r = d.control({"cmd": "report", "kind": "abandoned"})
    rows = [json.loads(l) for l in r["rows"].splitlines()]
    expect("flood: the first 3 listed", [x["call"] for x in rows] == ["f0", "f1", "f2"], str(rows))
    expect("flood: 7 dropped", r.get("dropped") == 7, str(r))
    st = d.control({"cmd": "status"})
    expect("status counts them", st.get("history_abandoned_dropped") == 7, str(st)[:300])
    code, hdr, body = get(port, "/metrics")
    expect("metrics counts them", "wallboard_history_abandoned_dropped_total 7" in body,
           [l for l in body.splitlines() if "abandoned_dropped" in l])
    code, hdr, body = get(port, "/api/v1/report?kind=abandoned&format=csv")
    expect("http dropped header 7", hdr.get("X-Wallboard-Dropped") == "7", str(hdr))
    rc, out, err = ctl(d, "report", "--abandoned", "--csv")
    expect("ctl says so", "7 more abandoned" in err, err)
    expect("daemon alive", d.proc.poll() is None, d.stderr()[-500:])
finally:
    d.close()

finish()
