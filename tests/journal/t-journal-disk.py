#!/usr/bin/env python3
"""The journal's writer against a real disk and the real daemon (issue 17):
a state_dir on a small tmpfs that fills and frees (status, /healthz, the
alert journal/daemon; then resumed by itself, and a kill -9 after that loses
nothing); old days' files kept journal.keep_days in history/ and all under
journal.max_bytes; a state_dir others may write refused; a flood of big
rejected messages that does not grow the journal by the flood's size, and
the sample of them in status, with callers masked."""
import glob
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "live"))
import wb  # noqa: E402
from wb import FAILURES, check  # noqa: E402

_spec = importlib.util.spec_from_file_location("t_live", os.path.join(HERE, "..", "live", "t-live.py"))
t_live = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(t_live)

S = 1000
DAY = 86400 * S


def journal_name(day_ms):
    return time.strftime("journal-%Y%m%dT%H%MZ-", time.gmtime(day_ms / 1000)) + f"{day_ms}.wbj"


def today_ms():
    return int(time.time()) // 86400 * DAY     # the site is UTC


def get(port, path):
    end = time.time() + 5
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except urllib.error.URLError:
            if time.time() > end:
                raise
            time.sleep(0.05)


def status(d):
    return d.control({"cmd": "status"})


def wait(what, pred, timeout=15):
    end = time.time() + timeout
    last = None
    while time.time() < end:
        last = pred()
        if last:
            return last
        time.sleep(0.1)
    FAILURES.append(f"timed out waiting for {what}")
    return last


def journal_alert(d):
    alerts = d.control({"cmd": "alerts"})["alerts"]
    return [a for a in alerts if a.get("id") == "journal/daemon"]


def test_disk_fills_and_frees():
    """A 2 MiB tmpfs as state_dir, filled by a big file while events come:
    the figures stay live, status, /healthz and the alert say the journal
    cannot be written; freed, it is written again within seconds, and a
    kill -9 then brings back every event, as --replay of all of them."""
    top = tempfile.mkdtemp(prefix="wb-disk-")
    mnt = os.path.join(top, "state")
    os.mkdir(mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0750", "tmpfs", mnt],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"SKIP test_disk_fills_and_frees: cannot mount a tmpfs ({r.stderr.strip()}): "
              "run as root to test a full disk")
        os.rmdir(mnt)
        os.rmdir(top)
        return
    port = wb.free_port()
    d = wb.Daemon(extra=f'http: {{listen: "127.0.0.1:{port}"}}\n', state_dir=mnt)
    try:
        d.start()
        base = int(time.time() * 1000) - 3600 * S
        evs = t_live.kill9_stream(base)
        half = len(evs) // 2
        pub = d.publisher()
        for e in evs[:half]:
            wb.send(pub, e)
        d.wait_for(t_live.applied(half))
        check("ok before", status(d)["journal_ok"], True)

        # Fill the disk, to the last byte.
        fill = os.path.join(mnt, "fill")
        with open(fill, "wb", buffering=0) as f:
            for size in (1 << 16, 4096, 1):
                try:
                    while True:
                        f.write(b"\0" * size)
                except OSError:
                    pass
        for e in evs[half:]:
            wb.send(pub, e)
        d.wait_for(t_live.applied(len(evs)))       # the figures stay live
        st = wait("journal failing", lambda: (lambda s: s if not s["journal_ok"] else None)(status(d)))
        if st:
            check("journal_ok while full", st["journal_ok"], False)
            if "No space left" not in st["journal_error"]:
                FAILURES.append(f"journal_error: {st['journal_error']!r}")
            if st["journal_unwritten_records"] <= 0:
                FAILURES.append(f"nothing waits: {st}")
            check("nothing lost yet", st["journal_lost_records"], 0)
            if st["journal_failing_since"] is None:
                FAILURES.append("journal_failing_since null while failing")
        code, body = get(port, "/healthz")
        check("healthz while full", code, 503)
        if "No space left" not in body or "restart would lose" not in body:
            FAILURES.append(f"healthz body: {body!r}")
        al = wait("alert journal/daemon", lambda: journal_alert(d), timeout=5)
        if al and ("No space left" not in al[0]["text"] or al[0]["state"] != "firing"):
            FAILURES.append(f"alert: {al[0]}")
        metrics = get(port, "/metrics")[1]
        if "wallboard_journal_ok 0" not in metrics:
            FAILURES.append("metrics: wallboard_journal_ok not 0")

        # Free it: written again by itself, within the retry's 10 s.
        os.unlink(fill)
        t0 = time.time()
        st = wait("journal ok again", lambda: (lambda s: s if s["journal_ok"] else None)(status(d)))
        if st:
            check("unwritten after", st["journal_unwritten_records"], 0)
            check("lost after", st["journal_lost_records"], 0)
            check("error after", st["journal_error"], "")
            if time.time() - t0 > 12:
                FAILURES.append(f"resumed after {time.time() - t0:.1f} s")
        wait("alert resolved", lambda: not journal_alert(d) or
             journal_alert(d)[0]["state"] == "resolved", timeout=5)
        check("healthz after", get(port, "/healthz")[0], 200)

        d.proc.send_signal(signal.SIGKILL)
        d.proc.wait()
        d.start()
        after = d.wait_for(t_live.applied(len(evs)), timeout=10)
        t_live.same_figures(after, t_live.replay_at(d, evs, after["now"]), "after full disk and kill -9")
        pub.close()
    finally:
        d.close()
        subprocess.run(["umount", "-l", mnt])
        os.rmdir(mnt)
        os.rmdir(top)


def test_small_max_pending_counts_what_is_lost():
    """Past journal.max_pending the oldest waiting records are lost from the
    journal, counted in status and the alert; the figures keep them."""
    top = tempfile.mkdtemp(prefix="wb-disk-")
    mnt = os.path.join(top, "state")
    os.mkdir(mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0750", "tmpfs", mnt],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("SKIP test_small_max_pending_counts_what_is_lost: cannot mount a tmpfs")
        os.rmdir(mnt)
        os.rmdir(top)
        return
    d = wb.Daemon(extra="journal: {max_pending: 1MiB}\n", state_dir=mnt)
    try:
        d.start()
        with open(os.path.join(mnt, "fill"), "wb", buffering=0) as f:
            for size in (1 << 16, 4096, 1):
                try:
                    while True:
                        f.write(b"\0" * size)
                except OSError:
                    pass
        pub = d.publisher()
        base = int(time.time() * 1000) - 600 * S
        pad = "x" * 2000
        n = 1000        # some 2 MB of events: twice max_pending
        for i in range(n):
            wb.send(pub, wb.ev("agent.state", base + i, i + 1, agent=f"a{i % 50}",
                               state="ready", pad=pad[: 1000 + i % 500]))
        d.wait_for(t_live.applied(n), timeout=20)
        st = wait("records lost", lambda: (lambda s: s if s["journal_lost_records"] > 0 else None)(status(d)))
        if st:
            if st["journal_unwritten_bytes"] > 1024 * 1024:
                FAILURES.append(f"waiting past max_pending: {st['journal_unwritten_bytes']}")
            wait("alert: today lost", lambda: any("restart would lose today" in a["text"]
                                                  for a in journal_alert(d)), timeout=5)
        pub.close()
    finally:
        d.close()
        subprocess.run(["umount", "-l", mnt])
        os.rmdir(mnt)
        os.rmdir(top)


def touch(path, size=0):
    with open(path, "wb") as f:
        f.truncate(size)


def test_keep_days():
    """Old days' files move to history/ and stay journal.keep_days; older
    ones go; today's and yesterday's stay where a restart reads them."""
    d = wb.Daemon(extra="journal: {keep_days: 4}\n")
    try:
        os.makedirs(d.state, mode=0o750)
        hist = os.path.join(d.state, "history")
        os.makedirs(hist, mode=0o750)
        t = today_ms()
        for k in (1, 3, 5, 10):
            touch(os.path.join(d.state, journal_name(t - k * DAY)))
        touch(os.path.join(hist, journal_name(t - 20 * DAY)))
        touch(os.path.join(d.state, "notes.txt"))
        d.start()
        check("today's", os.path.exists(os.path.join(d.state, journal_name(t))), True)
        check("yesterday's stays", os.path.exists(os.path.join(d.state, journal_name(t - DAY))), True)
        check("3 days ago: history", os.path.exists(os.path.join(hist, journal_name(t - 3 * DAY))), True)
        check("3 days ago moved", os.path.exists(os.path.join(d.state, journal_name(t - 3 * DAY))), False)
        for k in (5, 10, 20):
            check(f"{k} days ago gone", glob.glob(os.path.join(d.state, "**", journal_name(t - k * DAY)),
                                                    recursive=True), [])
        check("other names kept", os.path.exists(os.path.join(d.state, "notes.txt")), True)
    finally:
        d.close()


def test_max_bytes():
    """All journal files together stay under journal.max_bytes: the oldest
    day goes first, never today's."""
    d = wb.Daemon(extra="journal: {max_bytes: 16MiB}\n")
    try:
        hist = os.path.join(d.state, "history")
        os.makedirs(hist, mode=0o750)
        os.chmod(d.state, 0o750)
        t = today_ms()
        mib = 1024 * 1024
        touch(os.path.join(hist, journal_name(t - 3 * DAY)), 6 * mib)
        touch(os.path.join(hist, journal_name(t - 2 * DAY)), 6 * mib)
        # Yesterday's, sparse: the sizes are what the cap counts.
        touch(os.path.join(d.state, journal_name(t - DAY)), 8 * mib)
        d.start()
        check("oldest gone", os.path.exists(os.path.join(hist, journal_name(t - 3 * DAY))), False)
        check("next kept", os.path.exists(os.path.join(hist, journal_name(t - 2 * DAY))), True)
        check("yesterday's kept", os.path.exists(os.path.join(d.state, journal_name(t - DAY))), True)
        check("today's kept", os.path.exists(os.path.join(d.state, journal_name(t))), True)
    finally:
        d.close()


def test_state_dir_loose():
    """A state_dir others may write: refused, with the path, mode and fix."""
    d = wb.Daemon()
    try:
        os.makedirs(d.state)
        os.chmod(d.state, 0o777)
        try:
            d.start()
            FAILURES.append("started with a 0777 state_dir")
        except RuntimeError:
            pass
        log = d.stderr()
        if d.state not in log or "0777" not in log or "chmod 750" not in log:
            FAILURES.append("no clear message: " + log[-600:])
        # Another owner (root runs the tests): refused too.
        if os.geteuid() == 0:
            os.chmod(d.state, 0o750)
            os.chown(d.state, 65534, 65534)
            try:
                d.start()
                FAILURES.append("started with a state_dir owned by another user")
            except RuntimeError:
                pass
            if "owned by uid 65534" not in d.stderr():
                FAILURES.append("no owner message: " + d.stderr()[-600:])
        # Missing: made 0750.
        d2 = wb.Daemon()
        try:
            d2.start()
            check("made 0750", os.stat(d2.state).st_mode & 0o7777, 0o750)
        finally:
            d2.close()
    finally:
        d.close()


def journal_bytes(d):
    return sum(os.path.getsize(p) for p in glob.glob(os.path.join(d.state, "journal-*.wbj")))


def test_reject_flood_small():
    """200 rejected messages of 60 KiB each (12 MB) add a few KB to the
    journal; status shows a few of them, cut short, callers masked."""
    d = wb.Daemon().start()
    try:
        pub = d.publisher()
        base = int(time.time() * 1000) - 60 * S
        wb.send(pub, wb.ev("agent.state", base, 1, agent="a1", state="ready"))
        d.wait_for(t_live.applied(1))
        before = journal_bytes(d)
        n = 200
        for i in range(n):
            # A caller's raw number, and a ts that is not a number.
            body = ('{"type":"call.queued","src":"t","seq":%d,"call":"c%d",'
                    '"caller":"+441234567890","queue":"q","ts":"soon","pad":"%s"}'
                    % (i + 2, i, "x" * 60000))
            pub.send(body.encode())
        wait("rejected counted", lambda: d.snapshot()["feeds"].get("t", {}).get("rejected", 0) >= n,
             timeout=20)
        time.sleep(0.5)
        grown = journal_bytes(d) - before
        if grown > n * 200:
            FAILURES.append(f"journal grew {grown} bytes for {n} rejects")
        st = status(d)
        samples = st["rejected_samples"]
        if not 1 <= len(samples) <= 5:
            FAILURES.append(f"{len(samples)} samples")
        for s in samples:
            if len(s["text"]) > 260:
                FAILURES.append(f"sample of {len(s['text'])} chars")
            if "1234567890" in json.dumps(s) or "4412345" in s["text"]:
                FAILURES.append(f"a caller in a sample: {s['text'][:120]!r}")
            check("sample feed", s["feed"], "t")
        # A restart counts the rejects again, from their small records.
        rejected = d.snapshot()["feeds"]["t"]["rejected"]
        d.proc.send_signal(signal.SIGKILL)
        d.proc.wait()
        d.start()
        check("rejected after restart", d.snapshot()["feeds"]["t"]["rejected"], rejected)
        pub.close()
    finally:
        d.close()


def main():
    return wb.run([test_disk_fills_and_frees, test_small_max_pending_counts_what_is_lost,
                   test_keep_days, test_max_bytes, test_state_dir_loose,
                   test_reject_flood_small], "journal-disk")


if __name__ == "__main__":
    sys.exit(main())
