"""HTTP on loopback (daemon/http.c): the real wallboardd with http.listen on a
free port, events published over ZeroMQ, then /metrics read with urllib and
parsed by a small parser of the Prometheus text format 0.0.4, /healthz,
/api/v1/snapshot, 404 and 405; /healthz degraded while feeds are silent; a journal that cannot be written turning
/healthz to 503; a port already taken refusing to start."""
import fcntl
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wb  # noqa: E402
from wb import FAILURES, check, ev  # noqa: E402

S = 1000
CALLER = "tok-SECRET-4711"      # a caller token: must never come out
# A feed name that needs escaping in JSON and Prometheus labels (a quote, a
# backslash, a letter beyond ASCII); a control character would be refused at
# the door (core/text.h).
ODD_FEED = 'pbx "east"\\2 \u00e9'


def stream(base):
    """Queue support, T = 20 s (the default): c1 waits 10 s (in SL), c2 waits
    30 s (out), c3 still waiting. SL = 1 / 2 = 0.5, ASA = 20 s, 2 agents
    busy, 1 call waiting since base + 50 s."""
    return [
        ev("agent.state", base, 1, agent="a1", state="ready", queues=["support"]),
        ev("agent.state", base, 2, agent="a2", state="ready", queues=["support"]),
        ev("call.queued", base, 3, call="c1", queue="support", caller=CALLER),
        ev("call.queued", base + 5 * S, 4, call="c2", queue="support"),
        ev("call.answered", base + 10 * S, 5, call="c1", agent="a1"),
        ev("call.answered", base + 35 * S, 6, call="c2", agent="a2"),
        ev("call.queued", base + 50 * S, 7, call="c3", queue="support"),
    ]


# ---- the text format -------------------------------------------------------

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')


def unescape(v):
    return re.sub(r'\\([\\"n])', lambda m: "\n" if m.group(1) == "n" else m.group(1), v)


def parse_labels(text):
    labels, pos = {}, 0
    while pos < len(text):
        m = LABEL.match(text, pos)
        if m is None:
            raise ValueError(f"bad labels: {text!r}")
        labels[m.group(1)] = unescape(m.group(2))
        pos = m.end()
    return labels


def parse_metrics(body):
    """{family: {"help": n, "type": t, "samples": [(labels, value)]}}, and
    FAILURES for anything out of form: a line that is not a sample, HELP or
    TYPE given twice, a sample before its TYPE or apart from its family."""
    families, done, current = {}, set(), None
    for n, line in enumerate(body.split("\n"), 1):
        if line == "":
            continue
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) < 4 or parts[1] not in ("HELP", "TYPE"):
                continue
            fam = families.setdefault(parts[2], {"help": 0, "type": None, "samples": []})
            if parts[1] == "HELP":
                fam["help"] += 1
            elif fam["type"] is not None:
                FAILURES.append(f"line {n}: second TYPE for {parts[2]}")
            else:
                fam["type"] = parts[3]
            if parts[2] != current:
                if parts[2] in done:
                    FAILURES.append(f"line {n}: {parts[2]} comes back after another family")
                if current is not None:
                    done.add(current)
                current = parts[2]
            continue
        try:
            m = LINE.match(line)
            name, labels, value = m.group(1), parse_labels(m.group(2) or ""), float(m.group(3))
        except (AttributeError, ValueError):
            FAILURES.append(f"line {n}: not a sample: {line!r}")
            continue
        if name != current or families[name]["type"] is None:
            FAILURES.append(f"line {n}: sample of {name} outside its family")
            continue
        families[name]["samples"].append((labels, value))
    for name, fam in families.items():
        if fam["help"] != 1 or fam["type"] not in ("gauge", "counter"):
            FAILURES.append(f"{name}: {fam['help']} HELP lines, TYPE {fam['type']}")
    return families


def value(families, name, **labels):
    """The one sample of name with exactly these labels, or None."""
    found = [v for ls, v in families.get(name, {}).get("samples", []) if ls == labels]
    if len(found) > 1:
        FAILURES.append(f"{name}{labels}: {len(found)} samples")
    return found[0] if found else None


# ---- HTTP --------------------------------------------------------------------

def get(port, path, method="GET"):
    """(status, content type, body as text). The daemon answers its control
    socket a moment before it listens for HTTP (much more than a moment under
    ThreadSanitizer): a refused connection is tried again for up to 5 s."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    end = time.time() + 5
    while True:
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, r.headers.get("Content-Type"), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type"), e.read().decode()
        except urllib.error.URLError as e:
            if not isinstance(e.reason, ConnectionRefusedError) or time.time() > end:
                raise
            time.sleep(0.02)


def http_daemon(port, extra=""):
    return wb.Daemon(extra=f'http: {{listen: "127.0.0.1:{port}"}}\n' + extra)


def applied(n, src="t"):
    return lambda s: s["feeds"].get(src, {}).get("events") == n


# ---- tests ---------------------------------------------------------------------

def check_figures(fam, waits):
    q15 = {"scope": "queue:support", "window": "15m"}
    check("service_level", value(fam, "wallboard_service_level", **q15), 0.5)
    check("service_level all", value(fam, "wallboard_service_level", scope="all", window="15m"), 0.5)
    check("offered", value(fam, "wallboard_offered", **q15), 2)
    check("answered_in_sl", value(fam, "wallboard_answered_in_sl", **q15), 1)
    check("asa_ms", value(fam, "wallboard_asa_ms", **q15), 20000)
    check("service_level today", value(fam, "wallboard_service_level",
                                       scope="queue:support", window="today"), 0.5)
    # Null figures are left out: no survey, no abandon.
    check("csat null", value(fam, "wallboard_csat", **q15), None)
    check("avg_abandon_ms null", value(fam, "wallboard_avg_abandon_ms", **q15), None)
    check("waiting", value(fam, "wallboard_waiting", scope="queue:support"), 1)
    # The clock follows event time, so the wait grows from 0 here: it must
    # lie between the snapshots read before and after.
    wait = value(fam, "wallboard_longest_wait_ms", scope="queue:support")
    if wait is None or not waits[0] <= wait <= waits[1]:
        FAILURES.append(f"longest_wait_ms: {wait}, want within {waits}")
    check("busy", value(fam, "wallboard_agents", scope="queue:support", state="busy"), 2)
    check("ready", value(fam, "wallboard_agents", scope="queue:support", state="ready"), 0)


def check_counters(fam):
    check("feed events", value(fam, "wallboard_feed_events_total", feed="t"), 7)
    check("feed gaps", value(fam, "wallboard_feed_gaps_total", feed="t"), 0)
    check("feed rejected", value(fam, "wallboard_feed_rejected_total", feed="t"), 0)
    check("feed live", value(fam, "wallboard_feed_live", feed="t"), 1)
    check("odd feed events", value(fam, "wallboard_feed_events_total", feed=ODD_FEED), 1)
    check("received", value(fam, "wallboard_received_total"), 9)
    check("applied", value(fam, "wallboard_applied_total"), 8)
    check("rejected json", value(fam, "wallboard_rejected_total", reason="json"), 1)
    check("rejected too_long", value(fam, "wallboard_rejected_total", reason="too_long"), 0)
    check("journal ok", value(fam, "wallboard_journal_ok"), 1)
    check("firing critical", value(fam, "wallboard_alerts", state="firing", severity="critical"), 0)
    check("alert series", len(fam["wallboard_alerts"]["samples"]), 9)
    for name in ("wallboard_published_total", "wallboard_engine_memory_bytes",
                 "wallboard_events_per_second", "wallboard_journal_replay_ms",
                 "wallboard_journal_replayed_records", "wallboard_control_requests_total",
                 "wallboard_publish_dropped_total"):
        if value(fam, name) is None:
            FAILURES.append(f"no {name}")
    check("feed_events type", fam["wallboard_feed_events_total"]["type"], "counter")
    check("service_level type", fam["wallboard_service_level"]["type"], "gauge")


def test_metrics_health_snapshot():
    port = wb.free_port()
    d = http_daemon(port).start()
    try:
        pub = d.publisher()
        base = int(time.time() * 1000) - 120 * S
        for e in stream(base):
            wb.send(pub, e)
        wb.send(pub, ev("agent.state", base, 1, src=ODD_FEED, agent="a9", state="away"))
        pub.send(b"{not json")
        snap = d.wait_for(lambda s: applied(7)(s) and applied(1, ODD_FEED)(s))
        waits = [wb.figure(snap, "scopes/queue:support/now/longest_wait_ms")]
        status, ctype, body = get(port, "/metrics")
        waits.append(wb.figure(d.snapshot(), "scopes/queue:support/now/longest_wait_ms"))
        check("metrics status", status, 200)
        check("metrics type", (ctype or "").startswith("text/plain; version=0.0.4"), True)
        if CALLER in body:
            FAILURES.append("/metrics shows a caller token")
        fam = parse_metrics(body)
        check_figures(fam, waits)
        check_counters(fam)

        check("healthz", get(port, "/healthz")[::2], (200, "ok\n"))
        status, ctype, body = get(port, "/api/v1/snapshot")
        check("snapshot status", status, 200)
        check("snapshot type", ctype, "application/json")
        snap = json.loads(body)
        check("snapshot v", snap["v"], 1)
        check("snapshot SL", wb.figure(snap, "scopes/queue:support/windows/15m/service_level"), 0.5)
        if CALLER in body:
            FAILURES.append("/api/v1/snapshot shows a caller token")
        check("404", get(port, "/nope")[0], 404)
        check("404 prefix", get(port, "/metrics/x")[0], 404)
        check("405", get(port, "/metrics", method="POST")[0], 405)
        check("405 delete", get(port, "/healthz", method="DELETE")[0], 405)
        check("query ignored", get(port, "/healthz?x=1")[0], 200)
    finally:
        d.close()


def test_healthz_degraded():
    """With feeds.stale_after 1s: both feeds heard from, /healthz is ok; 1.5 s
    of silence from both, it is 200 "degraded" naming each feed; one speaks
    again, it names only the other; both
    speak, ok again."""
    port = wb.free_port()
    d = http_daemon(port, "feeds: {stale_after: 1s}\n").start()
    try:
        pub = d.publisher()
        now = int(time.time() * 1000)
        wb.send(pub, ev("agent.state", now, 1, agent="a1", state="ready"))
        wb.send(pub, ev("agent.state", now, 1, src=ODD_FEED, agent="a9", state="ready"))
        d.wait_for(lambda s: applied(1)(s) and applied(1, ODD_FEED)(s))
        check("healthz fresh", get(port, "/healthz")[::2], (200, "ok\n"))
        time.sleep(1.5)
        status, _, body = get(port, "/healthz")
        check("healthz degraded status", status, 200)
        if not re.fullmatch(r'degraded: silent feeds: t for 0:0[12], '
                            r'pbx "east"\\2 \u00e9 for 0:0[12] \(2 of 2; stale after 0:01\): '
                            r'the boards show their figures as stale\n', body):
            FAILURES.append(f"healthz degraded: {body!r}")
        wb.send(pub, ev("agent.state", int(time.time() * 1000), 2, agent="a1", state="away"))
        d.wait_for(applied(2))
        body = get(port, "/healthz")[2]
        if not re.match(r'degraded: silent feeds: pbx "east"\\2 \u00e9 for 0:0[12] \(1 of 2;', body):
            FAILURES.append(f"healthz one silent: {body!r}")
        wb.send(pub, ev("agent.state", int(time.time() * 1000), 2, src=ODD_FEED,
                        agent="a9", state="away"))
        d.wait_for(applied(2, ODD_FEED))
        check("healthz fresh again", get(port, "/healthz")[::2], (200, "ok\n"))
    finally:
        d.close()


def journal_name(day_start_ms):
    t = time.gmtime(day_start_ms // 1000)
    return time.strftime("journal-%Y%m%dT%H%MZ-", t) + f"{day_start_ms}.wbj"


def test_healthz_journal_failed():
    """Another process holds today's journal: the daemon runs on without it,
    and /healthz says so."""
    port = wb.free_port()
    d = http_daemon(port)
    try:
        os.makedirs(d.state, exist_ok=True)
        day = int(time.time()) // 86400 * 86400 * 1000  # UTC, as configured
        with open(os.path.join(d.state, journal_name(day)), "ab") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            d.start()
            status, _, body = get(port, "/healthz")
            check("healthz journal failed", status, 503)
            if body.count("\n") != 1 or "journal" not in body or d.state in body:
                FAILURES.append(f"healthz reason: {body!r}")
            fam = parse_metrics(get(port, "/metrics")[2])
            check("journal_ok 0", value(fam, "wallboard_journal_ok"), 0)
    finally:
        d.close()


def test_port_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        d = http_daemon(port)
        try:
            proc = subprocess.run([wb.WALLBOARDD, "-c", d.config], capture_output=True,
                                  timeout=10)
            check("port taken exit", proc.returncode, 1)
            err = proc.stderr.decode(errors="replace")
            if f"127.0.0.1:{port}" not in err or "listen" not in err:
                FAILURES.append(f"port taken: stderr {err!r}")
        finally:
            d.close()


def test_http_off():
    d = wb.Daemon(extra='http: {listen: "off"}\n').start()
    try:
        d.wait_for(lambda s: s["v"] == 1)
        check("off: running", d.proc.poll(), None)
    finally:
        d.close()


def main():
    return wb.run([test_metrics_health_snapshot, test_healthz_degraded, test_healthz_journal_failed, test_port_taken,
             test_http_off], "http")


if __name__ == "__main__":
    sys.exit(main())
