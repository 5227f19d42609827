#!/usr/bin/env python3
"""wallboardctl report --day for a day before yesterday, against the running
daemon: rebuilt from that day's journal file. The journals of two past days
are written by build/tests/test-report-day (journal_open/append, as the
daemon writes them; its comment works the figures by hand):
2026-11-29 11:00-12:00 queue:sales: offered 1, answered 1;
2026-11-30 10:00-11:00 queue:sales: offered 2, answered 1, abandoned 1,
asa 10 s, longest wait 40 s; 2026-12-01: one abandoned call, c9, 15 s.

A rebuild blocks the daemon's loop, so the day rebuilt is kept for the next
report of it, and another day waits history.rebuild_every (here 6 s): a
flood of reports of other days is refused ("busy", HTTP 503 with
Retry-After), counted, and costs no rebuild."""
import time
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "live"))
sys.path.insert(0, HERE)
import wb  # noqa: E402
from hist import bad, ctl, expect, finish, get  # noqa: E402,F401





state = os.path.join(tempfile.mkdtemp(prefix="wb-rday-"), "state")
os.makedirs(state)
build = os.environ.get("BUILD", os.path.join(HERE, "..", "..", "build"))
r = subprocess.run([os.path.join(build, "tests", "test-report-day")],
                   env=dict(os.environ, WB_REPORT_DAY_DIR=state), capture_output=True, text=True)
expect("journals written", r.returncode == 0, r.stdout + r.stderr)

port = wb.free_port()
d = wb.Daemon(extra=f'http: {{listen: "127.0.0.1:{port}"}}\n'
              "journal: {keep_days: 3660}\nqueues: {sales: {}}\n"
              "history: {rebuild_every: 6s}\n", state_dir=state).start()
try:
    rc, out, err = ctl(d, "report", "--day", "2026-11-30", "--interval", "60m", "--json")
    expect("a kept day: exits 0", rc == 0, err)
    rows = [json.loads(l) for l in out.splitlines()]
    row = [x for x in rows if x["scope"] == "queue:sales" and x["start"] == 1796032800000]
    expect("its 10:00 row", len(row) == 1, out[:500])
    if row:
        x = row[0]
        got = (x["end"], x["offered"], x["answered"], x["answered_in_sl"], x["abandoned"],
               x["asa_ms"], x["max_wait_ms"])
        expect("its figures", got == (1796036400000, 2, 1, 1, 1, 10000, 40000), str(got))
    starts = [x["start"] for x in rows if x["scope"] == "queue:sales"]
    expect("hourly rows from 10:00 to the day's end", starts ==
           [1796032800000 + k * 3600000 for k in range(14)], str(starts))
    # The same day again, in another form: from the day kept, no rebuild
    rc, out, err = ctl(d, "report", "--day", "2026-11-30", "--interval", "60m", "--csv")
    expect("the day kept: exits 0", rc == 0, err)
    expect("the day kept: its 10:00 row",
           any(l.startswith("queue:sales,") and ",2,1,1,1," in l for l in out.splitlines()),
           out[:400])
    # Another day at once: busy, and a flood of it over HTTP costs nothing
    t0 = time.monotonic()
    rc, out, err = ctl(d, "report", "--day", "2026-11-29")
    expect("another day at once: busy", rc == 1 and "busy" in err and "try again in" in err,
           f"{rc} {err}")
    codes, retry = set(), set()
    for _ in range(300):
        code, headers, body = get(port, "/api/v1/report?day=2026-11-29")
        codes.add(code)
        retry.add(headers.get("Retry-After"))
    expect("the flood: every one 503", codes == {503}, str(codes))
    expect("the flood: Retry-After 1 to 6 s", retry <= {"1", "2", "3", "4", "5", "6"} and retry,
           str(retry))
    st = json.loads(ctl(d, "status", "--json")[1])["report_days"]
    expect("status: one rebuild, one kept, 301 refused",
           (st["rebuilt"], st["kept"], st["refused"]) == (1, 1, 301), str(st))
    _, _, metrics = get(port, "/metrics")
    expect("metrics: refused counted",
           "wallboard_report_days_refused_total 301" in metrics, "")
    expect("the daemon said so, once", d.stderr().count("refused (") == 1,
           d.stderr()[-800:])
    time.sleep(max(0, 6.1 - (time.monotonic() - t0)))
    rc, out, err = ctl(d, "report", "--day", "2026-11-29", "--interval", "60m", "--json")
    row = [json.loads(l) for l in out.splitlines()]
    row = [x for x in row if x["scope"] == "queue:sales" and x["offered"]]
    expect("6 s later, the other day: its 11:00 row, offered 1, answered 1",
           [(x["start"] - 1795910400000, x["offered"], x["answered"]) for x in row] ==
           [(11 * 3600000, 1, 1)], f"{rc} {err} {out[:300]}")
    # A reload frees the config the day kept points at: the day is dropped
    # (asked again at once, it would be a rebuild: busy), nothing freed used
    rc, _, err = ctl(d, "reload")
    expect("reload", rc == 0, err)
    rc, out, err = ctl(d, "report", "--day", "2026-11-29", "--interval", "60m")
    expect("after a reload the day kept is gone: busy", rc == 1 and "busy" in err,
           f"{rc} {err}")
    rc, out, err = ctl(d, "report", "--abandoned", "--day", "2026-12-01", "--json")
    rows = [json.loads(l) for l in out.splitlines()]
    expect("that day's abandoned list",
           [(x["call"], x["waited_ms"], x["caller"]) for x in rows] == [("c9", 15000, 1)], out)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/report?day=2026-12-01"
                                "&kind=abandoned", timeout=10) as resp:
        expect("http the same", resp.read().decode() == out, "")
    rc, out, err = ctl(d, "report", "--day", "2026-11-20")
    expect("a day without a journal", rc == 1 and "not kept" in err, f"{rc} {err}")
    expect("daemon alive", d.proc.poll() is None, d.stderr()[-500:])
finally:
    d.close()
finish()
