"""The journal survives damage (issue 17): a 50,000-event day sent to the
real wallboardd, stopped, one byte flipped in the middle of its journal,
restarted. Only the record that byte is in is lost: the figures equal a
`wallboardd --replay` of the events minus that one (found here by reading
the journal's format independently of the daemon's reader), status,
/healthz and /metrics say what was lost, restarts make no more copies of
the damaged bytes, appends after the damage come back, and
`--journal-check` / `--journal-export` agree. Also: a zeroed 4 KiB block
(the records it touched lost, counted exactly), and today's journal as the
daemon before format 2 wrote it (replayed, appended to, damage skipped)."""
import glob
import json
import os
import signal
import struct
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "live"))
import wb  # noqa: E402
from wb import FAILURES, check, ev  # noqa: E402

S = 1000
N = 50000
FILE_HEADER = 48        # the file header record (format 2)
HEADER = 24             # a record's header (format 2)
EVENT = 1


# The site in a zone where it is about noon now (wb.noon_zone): no test's
# day (events up to 30 minutes back) crosses a midnight, which would roll
# the journal into two files.
ZONE, _H = wb.noon_zone()
SITE = "{name: Test, timezone: %s}" % ZONE


def day_start_now():
    """Today's start in the site's zone, in UTC ms."""
    wall = int(time.time() * 1000)
    local = wall + _H * 3600 * S
    return local - local % (24 * 3600 * S) - _H * 3600 * S


def day_stream(base, n):
    """n events: calls queued, answered or abandoned, ended, 30 agents."""
    evs = []
    agents = [f"a{i}" for i in range(30)]
    for a in agents:
        evs.append(ev("agent.state", base, agent=a, state="ready",
                      queues=["support", "sales"]))
    i = 0
    t = base + S
    while len(evs) < n:
        q = "support" if i % 3 else "sales"
        c = f"c{i}"
        evs.append(ev("call.queued", t, call=c, queue=q, caller=f"h{i % 97}"))
        if i % 7 == 3:
            evs.append(ev("call.abandoned", t + (i % 11) * S, call=c))
        else:
            a = agents[i % 30]
            evs.append(ev("call.answered", t + (i % 13) * S, call=c, agent=a))
            evs.append(ev("call.ended", t + (i % 13) * S + 20 * S, call=c,
                          agent=a, resolved=bool(i % 2)))
        i += 1
        t += 30
    evs = evs[:n]
    evs.sort(key=lambda e: e["ts"])
    for k, e in enumerate(evs):
        e["seq"] = k + 1
    return evs


def records(path):
    """(offset, length, type, payload) of each record of a format 2 file,
    read here from the format in core/journal.h, not by the daemon's code."""
    data = open(path, "rb").read()
    out, at = [], FILE_HEADER
    check("file header", data[:4], bytes([0xb1, ord("J"), 2, 6]))
    while at + HEADER <= len(data):
        magic, ver, typ, n = struct.unpack_from("<HBBI", data, at)
        out.append((at, HEADER + n, typ, data[at + HEADER:at + HEADER + n]))
        at += HEADER + n
    check("records fill the file", at, len(data))
    return out


def replay_at(d, events, at, name="expect.jsonl"):
    path = os.path.join(d.dir, name)
    with open(path, "w") as f:
        for e in events:
            f.write(json.dumps(e, separators=(",", ":")) + "\n")
    return replay_file(d, path, at)


def replay_file(d, path, at):
    out = subprocess.run([wb.WALLBOARDD, "-c", d.config, "--replay", path,
                          "--at", str(at)], capture_output=True, check=True)
    return json.loads(out.stdout)


def same_figures(live, replayed, label):
    n = 0
    for key, scope in replayed["scopes"].items():
        for win, figs in scope["windows"].items():
            for k, v in figs.items():
                check(f"{label} {key}/{win}/{k}",
                      live["scopes"][key]["windows"][win][k], v)
                n += 1
        for k in ("waiting", "longest_wait_ms"):
            check(f"{label} {key}/now/{k}", live["scopes"][key]["now"][k],
                  scope["now"][k])
    la = {a["id"]: a for a in live["agents"]}
    for a in replayed["agents"]:
        for k in ("state", "since", "handled_today"):
            check(f"{label} agent {a['id']} {k}", la[a["id"]][k], a[k])
    check(f"{label}: figures compared", n > 0, True)


def applied(n):
    return lambda s: s["feeds"].get("t", {}).get("events") == n


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}",
                                    timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def copies(d):
    return sorted(glob.glob(os.path.join(d.state, "*.damaged-*")))


def restart(d):
    d.stop()
    d.start()


def test_flipped_byte_in_a_50000_event_day():
    port = wb.free_port()
    d = wb.Daemon(extra=f'http: {{listen: "127.0.0.1:{port}"}}\n',
                  site=SITE).start()
    try:
        base = int(time.time() * 1000) - 30 * 60 * S
        evs = day_stream(base, N)
        pub = d.publisher()
        for e in evs:
            wb.send(pub, e)
        d.wait_for(applied(N), timeout=60)
        d.stop()
        path = glob.glob(os.path.join(d.state, "journal-*.wbj"))[0]
        recs = records(path)
        # The EVENT record nearest the middle of the file; a byte in the
        # middle of its payload.
        size = os.path.getsize(path)
        hit = min((r for r in recs if r[2] == EVENT),
                  key=lambda r: abs(r[0] - size // 2))
        lost = json.loads(hit[3])
        at = hit[0] + HEADER + len(hit[3]) // 2
        with open(path, "r+b") as f:
            f.seek(at)
            b = f.read(1)
            f.seek(at)
            f.write(bytes([b[0] ^ 0x5a]))
        survivors = [e for e in evs if e["seq"] != lost["seq"]]
        check("one event in the damaged record", len(evs) - len(survivors), 1)

        d.start()
        live = d.wait_for(applied(N - 1), timeout=60)
        check("survivors >= 99.9 %", (N - 1) / N >= 0.999, True)
        same_figures(live, replay_at(d, survivors, live["now"]), "after damage")
        st = d.control({"cmd": "status"})
        check("journal_damaged", st.get("journal_damaged"), True)
        check("journal_damaged_records", st.get("journal_damaged_records"), 1)
        check("journal_damaged_bytes", st.get("journal_damaged_bytes"), hit[1])
        check("journal_damage_offset", st.get("journal_damage_offset"), hit[0])
        check("journal_damaged_regions", st.get("journal_damaged_regions"), 1)
        check("journal_ok", st.get("journal_ok"), True)
        check("the snapshot says damaged", d.snapshot().get("journal"), "damaged")
        code, body = get(port, "/healthz")
        check("/healthz code", code, 200)
        check("/healthz degraded", body.startswith(
            "degraded: the day rests on a damaged journal: 1 records"), True)
        check("/healthz names the copy", f"{os.path.basename(path)}.damaged-{hit[0]}-{hit[1]}" in body, True)
        code, body = get(port, "/metrics")
        check("metrics lost records", "\nwallboard_journal_damaged_records 1\n" in body, True)
        check("metrics lost bytes",
              f"\nwallboard_journal_damaged_bytes {hit[1]}\n" in body, True)
        check("a copy of the damaged bytes", copies(d),
              [f"{path}.damaged-{hit[0]}-{hit[1]}"])
        kept = open(copies(d)[0], "rb").read() if copies(d) else b""
        check("the copy holds the damaged record", len(kept), hit[1])
        check("the file is not cut", os.path.getsize(path) >= size, True)
        check("start log line", "the day rests on a damaged journal" in d.stderr(), True)

        # Restarted again and again: one copy, the same figures.
        for i in range(2):
            restart(d)
            again = d.wait_for(applied(N - 1), timeout=60)
            same_figures(again, replay_at(d, survivors, again["now"]),
                         f"restart {i + 2}")
            check(f"copies after restart {i + 2}", len(copies(d)), 1)

        # Appending after the damage works: more events, a restart, there.
        more = []
        t = int(time.time() * 1000) - 5 * S
        for k in range(200):
            more.append(ev("call.queued", t + k, seq=N + 1 + k, call=f"m{k}",
                           queue="support"))
        pub = d.publisher()
        for e in more:
            wb.send(pub, e)
        d.wait_for(applied(N - 1 + len(more)), timeout=30)
        restart(d)
        after = d.wait_for(applied(N - 1 + len(more)), timeout=60)
        same_figures(after, replay_at(d, survivors + more, after["now"]),
                     "appended after the damage")
        check("still one copy", len(copies(d)), 1)

        # The tools: check names the damage (exit 1); export replays to the
        # same figures.
        out = subprocess.run([wb.WALLBOARDD, "--journal-check", d.state],
                             capture_output=True, text=True)
        check("--journal-check exit", out.returncode, 1)
        check("--journal-check region",
              f"damaged: bytes {hit[0]}-{hit[0] + hit[1]} ({hit[1]} bytes), 1 records lost"
              in out.stdout, True)
        exp = os.path.join(d.dir, "export.jsonl")
        with open(exp, "w") as f:
            out = subprocess.run([wb.WALLBOARDD, "--journal-export", path],
                                 stdout=f, stderr=subprocess.PIPE, text=True)
        check("--journal-export exit", out.returncode, 0)
        lines = open(exp).read().splitlines()
        check("exported events", len(lines), N - 1 + len(more))
        check("exported in order", [json.loads(x)["seq"] for x in lines],
              [e["seq"] for e in survivors + more])
        same_figures(after, replay_file(d, exp, after["now"]), "export replayed")
        # By day, through the config's state_dir.
        day = time.strftime("%Y-%m-%d", time.gmtime(base / 1000 + _H * 3600))
        out = subprocess.run([wb.WALLBOARDD, "-c", d.config, "--journal-export", day],
                             capture_output=True, text=True)
        check("--journal-export DAY", out.stdout.splitlines() == lines, True)
    finally:
        d.close()


def test_clean_check_and_export_round_trip():
    d = wb.Daemon(site=SITE).start()
    try:
        base = int(time.time() * 1000) - 10 * 60 * S
        evs = day_stream(base, 2000)
        pub = d.publisher()
        for e in evs:
            wb.send(pub, e)
        live = d.wait_for(applied(len(evs)), timeout=30)
        d.stop()
        out = subprocess.run([wb.WALLBOARDD, "--journal-check", d.state],
                             capture_output=True, text=True)
        check("clean --journal-check exit", out.returncode, 0)
        check("clean --journal-check says so", "  clean\n" in out.stdout, True)
        path = glob.glob(os.path.join(d.state, "journal-*.wbj"))[0]
        exp = os.path.join(d.dir, "export.jsonl")
        with open(exp, "w") as f:
            subprocess.run([wb.WALLBOARDD, "--journal-export", path], stdout=f,
                           check=True)
        same_figures(live, replay_file(d, exp, live["now"]), "round trip")
        same_figures(live, replay_at(d, evs, live["now"]), "sent")
    finally:
        d.close()


def crc32c(data, crc=0):
    """CRC-32C by the book, table-driven: written here, not the daemon's."""
    global CRC_TABLE
    if "CRC_TABLE" not in globals():
        CRC_TABLE = []
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
            CRC_TABLE.append(c)
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ CRC_TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def v1_record(typ, clock, payload):
    """A record as the daemon before format 2 wrote it (20-byte header)."""
    h = struct.pack("<BBBBIq", 0xB1, ord("J"), 1, typ, len(payload), clock)
    return h + struct.pack("<I", crc32c(h + payload)) + payload


def test_zeroed_block():
    """4 KiB of zeros at a seeded place in a 20,000-event day: the records
    it touched are lost, counted exactly, and the figures are a replay of
    the events in the others."""
    import random
    rnd = random.Random(17)
    d = wb.Daemon(site=SITE).start()
    try:
        base = int(time.time() * 1000) - 20 * 60 * S
        evs = day_stream(base, 20000)
        pub = d.publisher()
        for e in evs:
            wb.send(pub, e)
        d.wait_for(applied(len(evs)), timeout=60)
        d.stop()
        path = glob.glob(os.path.join(d.state, "journal-*.wbj"))[0]
        recs = records(path)
        size = os.path.getsize(path)
        at = rnd.randrange(FILE_HEADER, size * 3 // 4)
        with open(path, "r+b") as f:
            f.seek(at)
            f.write(bytes(4096))
        touched = [r for r in recs if r[0] < at + 4096 and at < r[0] + r[1]]
        gone = {json.loads(r[3])["seq"] for r in touched if r[2] == EVENT}
        survivors = [e for e in evs if e["seq"] not in gone]
        d.start()
        live = d.wait_for(applied(len(survivors)), timeout=60)
        same_figures(live, replay_at(d, survivors, live["now"]), "zeroed block")
        st = d.control({"cmd": "status"})
        check("zeroed: lost records", st.get("journal_damaged_records"), len(touched))
        check("zeroed: lost bytes", st.get("journal_damaged_bytes"),
              sum(r[1] for r in touched))
        check("zeroed: survivors >= 99 %", len(survivors) / len(evs) >= 0.99, True)
    finally:
        d.close()


def test_an_older_daemons_journal():
    """Today's journal as the daemon before format 2 left it (written here,
    byte by byte, from journal.h's format 1): replayed whole; damage in it
    skipped (estimated); the day goes on in it after the restart."""
    d = wb.Daemon(site=SITE)
    try:
        base = int(time.time() * 1000) - 10 * 60 * S
        evs = day_stream(base, 500)
        os.makedirs(d.state, mode=0o750, exist_ok=True)
        day = day_start_now()
        name = time.strftime("journal-%Y%m%dT%H%MZ", time.gmtime(day / 1000))
        path = os.path.join(d.state, f"{name}-{day}.wbj")
        blob = v1_record(3, base - S, struct.pack("<q", base - S))
        offsets = []
        for e in evs:
            offsets.append(len(blob))
            blob += v1_record(EVENT, base, json.dumps(e, separators=(",", ":")).encode())
        with open(path, "wb") as f:
            f.write(blob)
        d.start()
        live = d.wait_for(applied(len(evs)), timeout=30)
        same_figures(live, replay_at(d, evs, live["now"]), "format 1 replayed")
        check("format 1: not damaged", d.control({"cmd": "status"}).get("journal_damaged"), False)
        more = [ev("call.queued", int(time.time() * 1000) - k, seq=1000 + k,
                   call=f"n{k}", queue="sales") for k in range(20)]
        pub = d.publisher()
        for e in more:
            wb.send(pub, e)
        d.wait_for(applied(len(evs) + len(more)), timeout=30)
        d.stop()
        data = open(path, "rb").read()
        check("appended in format 1", data[len(blob) + 2] if len(data) > len(blob) else None, 1)
        # One flipped byte in the 200th event's record.
        with open(path, "r+b") as f:
            f.seek(offsets[200] + 30)
            b = f.read(1)
            f.seek(offsets[200] + 30)
            f.write(bytes([b[0] ^ 0x21]))
        d.start()
        after = d.wait_for(applied(len(evs) + len(more) - 1), timeout=30)
        survivors = evs[:200] + evs[201:] + more
        same_figures(after, replay_at(d, survivors, after["now"]), "format 1 damaged")
        st = d.control({"cmd": "status"})
        check("format 1: lost records (estimate)", st.get("journal_damaged_records"), 1)
        check("format 1: estimated", st.get("journal_damaged_records_estimated"), True)
    finally:
        d.close()


if __name__ == "__main__":
    sys.exit(wb.run([test_clean_check_and_export_round_trip,
                     test_flipped_byte_in_a_50000_event_day,
                     test_zeroed_block, test_an_older_daemons_journal],
                    "t-journal-damage"))
