"""Helpers for the relay tests: start the real wallboard-relay on free
loopback ports, and read its stats lines."""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "live"))
import wb  # noqa: E402

RELAY = os.path.join(wb.ROOT, wb.BUILD, "wallboard-relay")


class Relay:
    def __init__(self, upstreams, *args):
        self.port = wb.free_port()
        self.log_path = tempfile.mktemp(prefix="wb-relay-", suffix=".log")
        self.log = open(self.log_path, "wb")
        cmd = [RELAY, "--bind", f"tcp://127.0.0.1:{self.port}", "--stats", "1"]
        for u in upstreams:
            cmd += ["--upstream", u]
        self.proc = subprocess.Popen(cmd + list(args), stderr=self.log,
                                     stdout=self.log)
        self.endpoint = f"tcp://127.0.0.1:{self.port}"
        time.sleep(0.2)

    def stderr(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stats(self):
        """The last stats line's counters, as a dict of ints."""
        lines = [l for l in self.stderr().splitlines() if "stats " in l]
        if not lines:
            return {}
        return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", lines[-1])}

    def alive(self):
        return self.proc.poll() is None

    def close(self):
        """Stop it (SIGTERM); its exit status, or None if it had to be
        killed. Its whole log stays in self.final_log."""
        if self.log.closed:
            return self.proc.returncode
        rc = self.proc.poll()
        if rc is None:
            self.proc.terminate()
            try:
                rc = self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.final_log = self.stderr()
        self.log.close()
        os.unlink(self.log_path)
        return rc


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0
