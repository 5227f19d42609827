"""Alerts a team leader can act on, through the real wallboardd and
wallboardctl: `wallboardctl alerts` lists the day's alerts (short ids, state,
since in the site's time zone, worst value, who acked) as a table and as
JSON; `ack` takes a short id and, when nothing matches, names what can be
acked; the history, ack and all, survives a restart (rebuilt from the
journal); `status` shows the clock in the site's zone, not the machine's."""
import datetime
import os
import re
import subprocess
import sys
import time
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wb  # noqa: E402
from wb import FAILURES, WALLBOARDCTL, check, ev  # noqa: E402

S = 1000
ZONE = "America/New_York"
RULES = """queues:
  support: {label: Support}
alerts:
  - name: sl-breach
    metric: service_level
    window: 15m
    scope: "queue:*"
    below: 80%
    clear: 90%
    severity: critical
"""


def ctl(d, *args):
    r = subprocess.run([WALLBOARDCTL, "-c", d.config] + list(args),
                       capture_output=True, text=True, timeout=20)
    return r.returncode, r.stdout, r.stderr


def local(ms, fmt="%H:%M:%S"):
    """ms since the epoch as the site's wall clock, by Python's zoneinfo."""
    t = datetime.datetime.fromtimestamp(ms / 1000, zoneinfo.ZoneInfo(ZONE))
    return t.strftime(fmt)


def history(d):
    r = ctl(d, "alerts", "--json")
    check("alerts --json exits 0", r[0], 0)
    import json
    return json.loads(r[1])


def one(h):
    check("one alert today", len(h["alerts"]), 1)
    return h["alerts"][0] if h["alerts"] else {}


def test_alerts_ack_restart():
    """c1 abandons after 30 s: SL 0% < 80% fires at once (no `for`): episode
    #1. Acked by its short id; nine quick answers lift SL to 9/10 = 90%,
    the clear level: resolved, the ack kept in the history. The daemon
    judges at every publish, so it may judge a half-applied burst, and it
    judges the figure as a tile shows it: 8/9 = 88.9% shows as 89%, which
    a clear level of 89% would take (CI saw 'Support SL 89%: cleared'
    once). At 90% only the whole burst clears, whatever the timing; the
    test waits for the judgement at 8/9 and checks it still fires. A
    restart rebuilds the same history from the journal."""
    d = wb.Daemon(RULES, site=f"{{name: Test, timezone: {ZONE}}}").start()
    try:
        pub = d.publisher()
        now = int(time.time() * 1000)
        wb.send(pub, ev("call.queued", now - 60 * S, 1, call="c1", queue="support"))
        wb.send(pub, ev("call.abandoned", now - 30 * S, 2, call="c1"))
        d.wait_for(lambda s: any(a["id"] == "sl-breach/queue:support" and
                                 a["state"] == "firing" for a in s["alerts"]))
        a = one(history(d))
        check("short id", a.get("short_id"), 1)
        check("worst", a.get("worst"), 0)
        check("text quotes the level that fired", a.get("text"),
              "Support SL 0% < 80%")

        r = ctl(d, "alerts")
        check("alerts exits 0", r[0], 0)
        since = local(a.get("since", 0))
        if not re.search(rf"^#1 +firing +critical +{since} +\d+:\d\d +0% +- +"
                         r"sl-breach/queue:support\n +Support SL 0% < 80%",
                         r[1], re.M):
            FAILURES.append(f"alerts table (since {since} in {ZONE}): {r[1]!r}")
        if f"times in {ZONE}" not in r[1]:
            FAILURES.append(f"alerts table names the zone: {r[1]!r}")

        r = ctl(d, "ack", "9", "--by", "Sam")
        check("ack of a short id that is not open exits 1", r[0], 1)
        if "#1 sl-breach/queue:support" not in r[2]:
            FAILURES.append(f"ack 9 names what can be acked: {r[2]!r}")
        r = ctl(d, "ack", "#1", "--by", "Alice")
        check("ack #1", (r[0], r[1]), (0, "alert sl-breach/queue:support acknowledged by Alice\n"))
        r = ctl(d, "alerts")
        if not re.search(r"^#1 +firing, acked +critical .* Alice +sl-breach", r[1], re.M):
            FAILURES.append(f"alerts table shows the ack: {r[1]!r}")

        for k in range(9):
            wb.send(pub, ev("call.queued", now - 20 * S, 3 + 2 * k, call=f"q{k}", queue="support"))
            wb.send(pub, ev("call.answered", now - 15 * S, 4 + 2 * k, call=f"q{k}", agent="a1"))
            if k == 7:
                # judged at 8/9, shown as 89%: short of the clear level
                snap = d.wait_for(lambda s: len(s["alerts"]) == 1 and
                                  abs(s["alerts"][0]["value"] - 8 / 9) < 1e-9)
                check("at 8/9 still firing, recovering",
                      (snap["alerts"][0]["state"], snap["alerts"][0]["text"]),
                      ("firing", "Support SL 89%, recovering: clears at 90% "
                       "(fired < 80%)"))
        d.wait_for(lambda s: any(a["state"] == "resolved" for a in s["alerts"]))
        a = one(history(d))
        check("resolved", a.get("state"), "resolved")
        check("the history keeps the ack", a.get("acked_by"), "Alice")
        check("resolved text", a.get("text"), "Support SL 90%: cleared (fired < 80%)")
        before = a

        d.stop()
        d.start()
        a = one(history(d))
        for key in ("short_id", "id", "state", "since", "fired_at", "resolved_at",
                    "acked_by", "acked_at", "worst", "text"):
            check(f"after a restart: {key}", a.get(key), before.get(key))
    finally:
        d.close()


WAIT_RULES = """queues:
  support: {label: Support}
alerts:
  - name: long-wait
    metric: longest_wait_ms
    scope: "queue:*"
    above: 2s
    clear: 1s
    severity: warning
"""


def test_long_wait_as_shown_and_restart():
    """A call waits in Support: the wait is read as a tile shows it (whole
    seconds), so 2.999 s is not above 2s and the alert fires once the wait
    shows 0:03, three seconds after the call queued (the daemon's timer,
    not an event, wakes it). While it fires, its words follow the wait a
    second at a time; the answer clears it (no call waiting: 0:00). A
    restart rebuilds the same episode from the journal: times, worst and
    words."""
    d = wb.Daemon(WAIT_RULES, site=f"{{name: Test, timezone: {ZONE}}}").start()
    try:
        pub = d.publisher()
        queued = int(time.time() * 1000)
        wb.send(pub, ev("call.queued", queued, 1, call="w1", queue="support"))
        d.wait_for(lambda s: any(a["state"] == "firing" for a in s["alerts"]))
        a = one(history(d))
        lag = a.get("fired_at", 0) - queued
        # 3000 ms by hand; what the timer, the loop and this machine add
        # on top stays well under a second
        check("fires when the wait shows 0:03", 3000 <= lag < 1000 + 3000, True)
        if not re.fullmatch(r"Support longest wait 0:0[3-9] > 0:02", a.get("text", "")):
            FAILURES.append(f"firing text: {a.get('text')!r}")
        d.wait_for(lambda s: any(re.search(r"0:0[5-9] > 0:02", a.get("text", ""))
                                 for a in s["alerts"]))
        wb.send(pub, ev("call.answered", int(time.time() * 1000), 2, call="w1",
                        agent="a1"))
        d.wait_for(lambda s: any(a["state"] == "resolved" for a in s["alerts"]))
        a = one(history(d))
        check("resolved text", a.get("text"),
              "Support longest wait 0:00: cleared (fired > 0:02)")
        worst = a.get("worst", 0)
        check("worst: the wait as last judged firing, at least 0:05",
              5000 <= worst < 10000, True)
        before = a

        d.stop()
        d.start()
        a = one(history(d))
        for key in ("short_id", "id", "state", "since", "fired_at", "resolved_at",
                    "worst", "text"):
            check(f"after a restart: {key}", a.get(key), before.get(key))
    finally:
        d.close()


def test_status_in_the_site_zone():
    """The clock in America/New_York (UTC-05:00 in winter, -04:00 in
    summer), as zoneinfo puts the wall clock there, within 5 s."""
    d = wb.Daemon(RULES, site=f"{{name: Test, timezone: {ZONE}}}").start()
    try:
        pub = d.publisher()
        wb.send(pub, ev("agent.state", int(time.time() * 1000), 1, agent="a1", state="ready"))
        d.wait_for(lambda s: s["feeds"].get("t", {}).get("events") == 1)
        r = ctl(d, "status")
        m = re.search(r"^clock +(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) America/New_York "
                      r"\(UTC(-0[45]:00)\)$", r[1], re.M)
        if m is None:
            FAILURES.append(f"status clock: {r[1]!r}")
            return
        want = datetime.datetime.now(zoneinfo.ZoneInfo(ZONE))
        got = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
        check("clock is the site's wall clock",
              abs((got - want.replace(tzinfo=None)).total_seconds()) < 5, True)
        off = want.utcoffset().total_seconds() / 3600
        check("offset", m.group(2), f"-0{int(-off)}:00")
        if not re.search(r"^silent feeds +none$", r[1], re.M):
            FAILURES.append(f"status silent feeds: {r[1]!r}")
    finally:
        d.close()


if __name__ == "__main__":
    sys.exit(wb.run([test_alerts_ack_restart, test_long_wait_as_shown_and_restart,
                     test_status_in_the_site_zone], "alerts"))
