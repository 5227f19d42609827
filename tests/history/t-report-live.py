#!/usr/bin/env python3
"""wallboardctl report and GET /api/v1/report against the real daemon.

A live daemon's clock is the wall clock, so a fresh one has no complete
interval unless a quarter hour passes during the test: the rows are checked
for what they must be either way (the figures themselves are checked through
the same writer by t-intervals.py); the table, CSV and JSON Lines forms,
the HTTP route and the errors (a bad interval, a day not kept, a bad
format) are checked here."""
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






port = wb.free_port()
d = wb.Daemon(extra=f'http: {{listen: "127.0.0.1:{port}"}}\n').start()
try:
    pub = d.publisher()
    now = int(time.time() * 1000)
    wb.send(pub, wb.ev("agent.state", now, 1, agent="a1", state="ready", queues=["sales"]))
    wb.send(pub, wb.ev("call.queued", now, 2, call="c1", queue="sales", caller="h:secret"))
    d.wait_for(lambda s: "queue:sales" in s["scopes"])

    rc, out, err = ctl(d, "report")
    expect("table exits 0", rc == 0, err)
    expect("table header", out.startswith("SCOPE") and "SL" in out.splitlines()[0], out)
    expect("no colour when not a tty", "\033[" not in out, out)

    rc, out, err = ctl(d, "report", "--csv", "--interval", "30m", "--scope", "queue:*")
    expect("csv exits 0", rc == 0, err)
    rows = list(csv.reader(io.StringIO(out, newline="")))
    expect("csv header", rows and rows[0][:4] == ["scope", "start", "end", "offered"], out)
    expect("csv scopes filtered", all(r[0].startswith("queue:") for r in rows[1:]), out)
    expect("csv 30m rows", all(int(r[2]) - int(r[1]) == 1800000 for r in rows[1:]), out)

    rc, out, err = ctl(d, "report", "--json")
    expect("json exits 0", rc == 0, err)
    js = [json.loads(l) for l in out.splitlines()]
    expect("json rows end before now", all(r["end"] <= int(time.time() * 1000) for r in js), out)

    # the same through HTTP
    code, ctype, body = get(port, "/api/v1/report?format=csv&interval=30m&scope=queue%3A*")
    expect("http csv", code == 200 and ctype.get("Content-Type", "").startswith("text/csv") and
           body.startswith("scope,start,end,offered"), f"{code} {ctype} {body[:200]}")
    code, ctype, body = get(port, "/api/v1/report")
    expect("http json", code == 200 and ctype.get("Content-Type") == "application/x-ndjson", f"{code} {ctype}")
    expect("http json = ctl json", [json.loads(l) for l in body.splitlines()] ==
           [json.loads(l) for l in ctl(d, "report", "--json")[1].splitlines()], body[:300])

    # errors: a clear sentence, exit 1 (refused) / 400
    rc, out, err = ctl(d, "report", "--interval", "20m")
    expect("bad interval refused", rc == 1 and "15m, 30m or 60m" in err + out, f"{rc} {out} {err}")
    rc, out, err = ctl(d, "report", "--day", "2001-01-01")
    expect("old day refused", rc == 1 and "not kept" in err + out, f"{rc} {out} {err}")
    rc, out, err = ctl(d, "report", "--csv", "--json")
    expect("--csv with --json refused", rc == 2, f"{rc} {err}")
    code, _, body = get(port, "/api/v1/report?format=xml")
    expect("http bad format", code == 400 and "json or csv" in body, f"{code} {body}")
    code, _, body = get(port, "/api/v1/report?" + "&".join(["scope=x"] * 65))
    expect("http too many scopes", code == 400, f"{code} {body}")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    code, _, body = get(port, f"/api/v1/report?day={today}")
    expect("http today by date", code == 200, f"{code} {body}")
    expect("no caller token", "h:secret" not in body and "h:secret" not in out, body[:200])
    st = d.control({"cmd": "status"})
    expect("status counts the history's bytes", isinstance(st.get("history_bytes"), int)
           and 0 < st["history_bytes"] <= st["engine_bytes"], str(st.get("history_bytes")))
    expect("daemon alive", d.proc.poll() is None, d.stderr()[-500:])
finally:
    d.close()
finish()
