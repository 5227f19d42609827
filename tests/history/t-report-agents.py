#!/usr/bin/env python3
"""Agents' own figures beside their team's (issue 19 part 4), against the
running daemon: `wallboardctl report --team T` and `--scope agent:ID` over
the control socket, HTTP refused (403) unless the config says
http: {agent_reports: true}, then the same rows as the control socket.

The day, 2026-11-30, is written by build/tests/test-report-agents
(journal_open/append, as the daemon writes it); its comment works the
figures by hand. 10:00-10:15: a1 handled 1, talk 240 s, wrap 120 s, AHT
360 s, ready 540 s, busy 240 s, occupancy 0.4, FCR 1, CSAT 1; a2 AHT 300 s,
occupancy 1/3, FCR 0, CSAT 0; team T AHT 330 s, occupancy 11/30, FCR 0.5,
CSAT 0.5. Targets: AHT 5m, occupancy 85%, FCR 70% (defaults), CSAT 90%
(the team's own)."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "live"))
sys.path.insert(0, HERE)
import wb  # noqa: E402
from hist import bad, ctl, expect, finish, get  # noqa: E402,F401

TEN = 1795996800000 + 10 * 3600000
DAY = "2026-11-30"

state = os.path.join(tempfile.mkdtemp(prefix="wb-ragents-"), "state")
os.makedirs(state)
build = os.environ.get("BUILD", os.path.join(HERE, "..", "..", "build"))
r = subprocess.run([os.path.join(build, "tests", "test-report-agents")],
                   env=dict(os.environ, WB_REPORT_AGENTS_DIR=state), capture_output=True,
                   text=True)
expect("journal written", r.returncode == 0, r.stdout + r.stderr)


def config(port, agent_reports):
    return (f'http: {{listen: "127.0.0.1:{port}", agent_reports: {agent_reports}}}\n'
            "journal: {keep_days: 3660}\nqueues: {sales: {}}\n"
            "history: {rebuild_every: 0s}\n"
            "defaults: {targets: {aht: 5m, occupancy: 85%, fcr: 70%, csat: 80%}}\n"
            "teams: {T: {agents: [a1, a2], targets: {csat: 90%}}}\n")


def rows_of(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


port = wb.free_port()
d = wb.Daemon(extra=config(port, "false"), state_dir=state).start()
try:
    rc, out, err = ctl(d, "report", "--team", "T", "--day", DAY, "--interval", "15m",
                       "--json")
    expect("--team T: exits 0", rc == 0, err)
    agents = rows_of(out)
    by = {(x["agent"], x["start"]): x for x in agents}
    a1, a2 = by.get(("a1", TEN)), by.get(("a2", TEN))
    expect("a1's and a2's 10:00 rows", a1 is not None and a2 is not None, out[:600])
    if a1 and a2:
        got = (a1["scope"], a1["name"], a1["team"], a1["end"], a1["handled"], a1["talk_ms"],
               a1["wrap_ms"], a1["aht_ms"], a1["ready_ms"], a1["busy_ms"], a1["away_ms"],
               a1["occupancy"], a1["fcr"], a1["csat"], a1["csat_avg"], a1["surveys"])
        expect("a1's figures, by hand", got ==
               ("agent:a1", "Ann", "T", TEN + 900000, 1, 240000, 120000, 360000, 540000,
                240000, 0, 0.4, 1, 1, 5, 1), str(got))
        got = (a2["aht_ms"], round(a2["occupancy"], 9), a2["fcr"], a2["csat"])
        expect("a2's figures, by hand", got == (300000, round(1 / 3, 9), 0, 0), str(got))
        got = (a1["team_aht_ms"], round(a1["team_occupancy"], 9), a1["team_fcr"],
               a1["team_csat"])
        expect("the team's figures, by hand", got == (330000, round(11 / 30, 9), 0.5, 0.5),
               str(got))
        got = (a1["target_aht_ms"], a1["target_occupancy"], a1["target_fcr"],
               a1["target_csat"])
        expect("the targets (the team's csat)", got == (300000, 0.85, 0.7, 0.9), str(got))
    expect("only T's agents", {x["agent"] for x in agents} == {"a1", "a2"}, out[:300])
    # the team's figures are the team scope's own report row, interval by interval
    rc, out, err = ctl(d, "report", "--scope", "team:T", "--day", DAY, "--interval", "15m",
                       "--json")
    team = {x["start"]: x for x in rows_of(out) if x["scope"] == "team:T"}
    for x in agents:
        t = team.get(x["start"])
        same = t is not None and all(x["team_" + k] == t[k]
                                     for k in ("aht_ms", "occupancy", "fcr", "csat"))
        expect(f"team_* of {x['agent']} at {x['start']} equal team:T's row", same,
               f"{x} / {t}")
    # CSV: a header a spreadsheet reads, one agent
    rc, out, err = ctl(d, "report", "--scope", "agent:a1", "--day", DAY, "--interval",
                       "15m", "--csv")
    expect("--scope agent:a1 --csv: exits 0", rc == 0, err)
    table = list(csv.DictReader(io.StringIO(out)))
    expect("CSV: a1 only, two intervals", [(x["agent"], int(x["start"])) for x in table] ==
           [("a1", TEN), ("a1", TEN + 900000)], out[:400])
    if table:
        x = table[0]
        expect("CSV: the figures", (x["handled"], x["aht_ms"], x["occupancy"], x["fcr"],
                                    x["target_csat"]) == ("1", "360000", "0.4", "1", "0.9"),
               str(x))
        expect("CSV: a null is empty", len(table) > 1 and table[1]["aht_ms"] == "",
               str(table[1:]))
    # the table
    rc, out, err = ctl(d, "report", "--team", "T", "--day", DAY, "--interval", "day")
    expect("the table: exits 0", rc == 0, err)
    lines = out.splitlines()
    expect("the table: a header", lines and lines[0].split()[:4] ==
           ["AGENT", "START", "HANDLED", "AHT"], out[:300])
    expect("the table: a row per agent for the day",
           sum(1 for line in lines if line.split()[:1] in (["a1"], ["a2"])) == 2, out)
    expect("the table: says who it is for", "team leader" in out, out[-300:])
    rc, out, err = ctl(d, "report", "--team", "T", "--abandoned")
    expect("--team with --abandoned: usage, exit 2", rc == 2 and "not both" in err,
           f"{rc} {err}")
    # HTTP: refused by default, with a sentence
    for q in ("team=T", "scope=agent:a1", "scope=agent%3Aa*", "kind=agents"):
        code, _, body = get(port, f"/api/v1/report?day={DAY}&{q}")
        expect(f"http {q}: 403", code == 403 and "agent_reports" in body, f"{code} {body}")
    code, _, body = get(port, f"/api/v1/report?day={DAY}&scope=team:T")
    expect("http team scope still served", code == 200 and "team:T" in body, f"{code}")
    # agent_reports: true, and a reload: the same rows as the control socket
    d.write_config(config(port, "true"))
    rc, _, err = ctl(d, "reload")
    expect("reload", rc == 0, err)
    rc, want, err = ctl(d, "report", "--team", "T", "--day", DAY, "--interval", "30m",
                        "--json")
    code, _, body = get(port, f"/api/v1/report?day={DAY}&team=T&interval=30m")
    expect("http team=T with agent_reports: 200, the control's rows",
           code == 200 and body == want and "agent:a1" in body, f"{code} {body[:300]}")
    expect("daemon alive", d.proc.poll() is None, d.stderr()[-500:])
finally:
    d.close()
finish()
