"""The daemon's log lines: journald priority prefixes ("<4>...") only when
stderr is the journal's stream, as systemd says with JOURNAL_STREAM=DEV:INODE
naming the file stderr is. A person at a terminal, a log file, or a shell
started from a service (JOURNAL_STREAM inherited, stderr elsewhere) gets the
plain line. Lines come from the real wallboardd: its start-up notices and a
warning for an event that is not JSON."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wb import FAILURES, Daemon, check, run  # noqa: E402

PREFIX = re.compile(rb"^<[0-7]>")


def daemon_lines(journal_stream):
    """Start a daemon with JOURNAL_STREAM set by journal_stream(d) (None:
    unset), send it one bad event, stop it; its stderr lines."""
    saved = os.environ.pop("JOURNAL_STREAM", None)
    d = Daemon()
    try:
        value = journal_stream(d)
        if value is not None:
            os.environ["JOURNAL_STREAM"] = value
        d.start()
        os.environ.pop("JOURNAL_STREAM", None)
        pub = d.publisher()
        pub.send(b"{not json")
        d.wait_for(lambda s: sum(f.get("rejected", 0) for f in s["feeds"].values()) >= 1
                   or s.get("rejected", 0) >= 1 or "not valid JSON" in d.stderr(), timeout=5)
        pub.close()
        d.stop()
        with open(os.path.join(d.dir, "stderr.log"), "rb") as f:
            return [line for line in f.read().split(b"\n") if line]
    finally:
        os.environ.pop("JOURNAL_STREAM", None)
        if saved is not None:
            os.environ["JOURNAL_STREAM"] = saved
        d.close()


def dev_ino(path):
    st = os.stat(path)
    return f"{st.st_dev}:{st.st_ino}"


def test_terminal_or_file_plain():
    lines = daemon_lines(lambda d: None)
    check("some lines logged", len(lines) > 0, True)
    check("no prefix without JOURNAL_STREAM",
          [line for line in lines if PREFIX.match(line)], [])


def test_journal_prefixed():
    lines = daemon_lines(lambda d: dev_ino(os.path.join(d.dir, "stderr.log")))
    check("some lines logged", len(lines) > 0, True)
    check("every line prefixed when stderr is the journal stream",
          [line for line in lines if not PREFIX.match(line)], [])
    # The bad event is a warning (priority 4), not an error or a notice.
    bad = [line for line in lines if b"not valid JSON" in line]
    check("the bad event's line is there", len(bad) >= 1, True)
    check("the bad event's line is a warning", [line[:3] for line in bad[:1]], [b"<4>"])


def test_inherited_elsewhere_plain():
    # A JOURNAL_STREAM naming another file: inherited from a service, but
    # stderr is not the journal.
    other = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wb.py")
    lines = daemon_lines(lambda d: dev_ino(other))
    check("no prefix when JOURNAL_STREAM names another file",
          [line for line in lines if PREFIX.match(line)], [])


sys.exit(run([test_terminal_or_file_plain, test_journal_prefixed,
              test_inherited_elsewhere_plain], "t-log-prefix"))
