"""What the network can make the HTTP server spend (issue 16; daemon/httpd.c):
the real wallboardd, flooded over real TCP sockets on loopback.

1. 2,000 idle connections with http.max_connections 200 and a header_timeout
   long enough not to help (30 s): the daemon never holds more than 200 (its
   sockets on the port, counted in /proc; 201 for the instant between
   accepting one at the cap and closing the oldest), a probe thread gets /healthz 200
   within 1 s all along (at the cap, each new connection closes the oldest
   one with no request in progress), every eviction is counted, and the log
   has a handful of lines, not one per connection.
2. slowloris: connections that send a header byte every 200 ms are closed
   header_timeout (2 s) after they connected; the trickle does not extend it.
3. keep-alive: a connection idle after its response is closed after
   idle_timeout (1 s); one that never sends a byte after header_timeout;
   two pipelined requests are answered in order; HTTP/1.0 is closed.
4. oversize headers get 431, a body 413, Transfer-Encoding 501, garbage with
   NUL and ESC 400, each closed; the log carries no control byte.
5. a client that asks for a 4 MB /metrics and does not read is closed
   header_timeout after the response was queued (a write timeout).
6. 90 such clients: responses queued up to 256 MiB in all, then 503.
7. out of fds (the limit lowered under the running daemon): accept() fails,
   the listener pauses a second at a time, no spinning, a line or two.
8. /metrics is valid Prometheus text, and its counters equal what the test
   did, as the test counts it.
"""
import http.client
import importlib.util
import os
import resource
import select
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wb  # noqa: E402
from wb import FAILURES, check  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "t_http", os.path.join(os.path.dirname(os.path.abspath(__file__)), "t-http.py"))
t_http = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(t_http)

# Under ASan (make asan) freed memory waits in a quarantine of 256 MiB, so
# RSS says nothing about what the daemon holds there: the memory bound is
# judged in the plain build (as t-peers does).
SANITIZED = any(san in os.environ.get("BUILD", "build") for san in ("asan", "tsan"))
HOST = "127.0.0.1"
FLOOD = 2000
CAP = 200


def daemon(port, http_extra):
    return wb.Daemon(extra=f'http: {{listen: "{HOST}:{port}", {http_extra}}}\n').start()


def wait_listening(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except ConnectionRefusedError:
            time.sleep(0.02)
    raise RuntimeError("HTTP port never listened")


def get(port, path, timeout=5):
    """One connection, one request: (status, body, seconds)."""
    t0 = time.time()
    c = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        c.request("GET", path, headers={"Connection": "close"})
        r = c.getresponse()
        return r.status, r.read().decode(), time.time() - t0
    finally:
        c.close()


def scrape(port):
    status, body, _ = get(port, "/metrics")
    check("metrics status", status, 200)
    return t_http.parse_metrics(body)


def counters(fam):
    names = ["connections", "accepted_total", "evicted_total", "accept_errors_total",
             "header_timeouts_total", "idle_timeouts_total", "write_timeouts_total",
             "bad_requests_total", "requests_total"]
    return {n: t_http.value(fam, "wallboard_http_" + n) for n in names}


def http_sockets(pid, port, peer_port=None):
    """The daemon's connected sockets on the HTTP port, from /proc: its fds'
    inodes among the TCP sockets with that local port, the listener aside;
    with peer_port, only the one to the client on that port."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    n = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    local_port = int(cols[1].rsplit(":", 1)[1], 16)
                    remote_port = int(cols[2].rsplit(":", 1)[1], 16)
                    if local_port == port and cols[3] != "0A" and \
                            cols[9] in inodes and \
                            (peer_port is None or remote_port == peer_port):
                        n += 1
        except FileNotFoundError:
            pass
    return n


def held_now(pid, port):
    """http_sockets, the lower of two looks: at the cap the daemon accepts a
    connection before it closes the oldest, so for an instant it holds one
    more; and a listing of /proc/PID/fd made while fds are closed and reused
    can see one twice. More than one over the cap in both looks is a leak."""
    return min(http_sockets(pid, port), http_sockets(pid, port))


def closed_within(sock, seconds):
    """Seconds until the peer closed (EOF or reset), or None if it did not
    within `seconds`; what it sent before is read and dropped."""
    t0 = time.time()
    sock.setblocking(False)
    while time.time() - t0 < seconds:
        r, _, _ = select.select([sock], [], [], 0.02)
        if r:
            try:
                if sock.recv(65536) == b"":
                    return time.time() - t0
            except (ConnectionResetError, BrokenPipeError):
                return time.time() - t0
    return None


def response(sock, timeout=5):
    """Read one response: (status, headers dict, body)."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError(f"closed before a response: {data!r}")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:])}
    want = int(headers.get("content-length", "0"))
    while len(rest) < want:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:want], rest[want:]


def log_lines(d):
    return [ln for ln in d.stderr().split("\n") if ln]


# ---- 1. the flood ------------------------------------------------------------

def raise_fd_limit(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Prober(threading.Thread):
    """/healthz, again and again, on a new connection each time."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.stop, self.n, self.worst, self.bad = port, False, 0, 0.0, []

    def run(self):
        while not self.stop:
            try:
                status, _, secs = get(self.port, "/healthz", timeout=2)
                self.worst = max(self.worst, secs)
                if status != 200 or secs > 1.0:
                    self.bad.append(f"{status} in {secs:.2f} s")
            except Exception as e:      # an evicted or refused probe
                self.bad.append(f"{type(e).__name__}: {e}")
            self.n += 1
            time.sleep(0.02)


def test_flood():
    limit = raise_fd_limit(FLOOD + 512)
    flood = min(FLOOD, limit - 300)
    port = wb.free_port()
    d = daemon(port, f"max_connections: {CAP}, header_timeout: 30s")
    held, most = [], 0
    try:
        wait_listening(port)        # one connection, closed at once
        lines0 = len(log_lines(d))
        prober = Prober(port)
        prober.start()
        t0 = time.time()
        while len(held) < flood:
            for _ in range(min(100, flood - len(held))):
                held.append(socket.create_connection((HOST, port), timeout=5))
            most = max(most, held_now(d.proc.pid, port))
            status, _, secs = get(port, "/healthz")
            if status != 200 or secs > 1.0:
                FAILURES.append(f"healthz between batches: {status} in {secs:.2f} s")
            most = max(most, held_now(d.proc.pid, port))
        flood_s = time.time() - t0
        prober.stop = True
        prober.join()
        if prober.bad:
            FAILURES.append(f"probes during the flood: {len(prober.bad)} of {prober.n} "
                            f"failed: {prober.bad[:5]}")
        if prober.n < 10:
            FAILURES.append(f"only {prober.n} probes ran during the flood")
        batches = (flood + 99) // 100
        # At the cap the daemon is given the new socket before it closes the
        # oldest: for that instant (a few microseconds, longer if the
        # scheduler takes the CPU away in between, as on a loaded CI
        # machine) it holds one more. More than that is sockets kept past
        # their connection (before 590b361, up to a turn's 16 accepts).
        if most > CAP + 1:
            FAILURES.append(f"the daemon held {most} HTTP sockets, over the cap of "
                            f"{CAP} and the one being accepted")
        time.sleep(0.3)             # the probes' lingering closes are done
        # Each of the last probes (the thread's, the last batch's) may have
        # closed a flood connection at the cap, and gone.
        before = held_now(d.proc.pid, port)
        if not CAP - 2 <= before <= CAP:
            FAILURES.append(f"held after the flood: {before}, want {CAP - 2} to {CAP}")
        fam = scrape(port)
        c = counters(fam)
        # Every connection the test opened: the first, the flood, the probes
        # (thread and between batches) and this scrape, all accepted by now
        # (the backlog is FIFO and this scrape came last). The first and the
        # probes were closed after their answers; of the rest, what is not
        # open was evicted.
        accepted = 1 + flood + prober.n + batches + 1
        check("flood accepted", c["accepted_total"], accepted)
        check("flood open", c["connections"], min(before + 1, CAP))
        check("flood evicted", c["evicted_total"],
              accepted - min(before + 1, CAP) - prober.n - batches - 1)
        check("flood requests", c["requests_total"], prober.n + batches)
        check("flood header timeouts", c["header_timeouts_total"], 0)
        check("flood bad requests", c["bad_requests_total"], 0)
        new = log_lines(d)[lines0:]
        if len(new) > 5:
            FAILURES.append(f"{len(new)} log lines for the flood: {new[:8]}")
        if not any("the most http.max_connections allows" in ln for ln in new):
            FAILURES.append(f"no line about the cap: {new}")
        st = d.control({"cmd": "status"})
        check("status http_evicted", st.get("http_evicted"), c["evicted_total"])
        print(f"     {flood} connections in {flood_s:.1f} s; {prober.n} probes, "
              f"slowest {prober.worst * 1000:.0f} ms; at most {most} held; "
              f"{int(c['evicted_total'])} evicted; {len(new)} log lines")
    finally:
        for s in held:
            s.close()
        d.close()


# ---- 2. slowloris -----------------------------------------------------------

def test_slowloris():
    port = wb.free_port()
    d = daemon(port, "header_timeout: 2s, idle_timeout: 60s")
    n = 20
    socks = []
    try:
        wait_listening(port)
        # the start-up lines first (a slow start, under ASan, can still be
        # writing them when the port answers): only later lines count
        end = time.time() + 10
        while time.time() < end and "wallboardd ready" not in d.stderr():
            time.sleep(0.05)
        lines0 = len(log_lines(d))
        start = {}
        for _ in range(n):
            s = socket.create_connection((HOST, port), timeout=5)
            start[s] = time.time()
            s.setblocking(False)
            socks.append(s)
        head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
        pos, closed = 0, {}
        while len(closed) < n and time.time() - min(start.values()) < 6:
            for s in socks:
                if s in closed:
                    continue
                try:
                    s.send(head[pos:pos + 1])
                except (BrokenPipeError, ConnectionResetError):
                    closed[s] = time.time() - start[s]
                    continue
                r, _, _ = select.select([s], [], [], 0)
                if r:
                    try:
                        data = s.recv(4096)
                    except ConnectionResetError:
                        data = b""
                    if data == b"":
                        closed[s] = time.time() - start[s]
            pos += 1
            time.sleep(0.2)
        check("slowloris all closed", len(closed), n)
        late = [round(t, 2) for t in closed.values() if not 1.9 <= t <= 2.7]
        if late:
            FAILURES.append(f"slowloris closed at {late} s, want 2 s after connecting")
        c = counters(scrape(port))
        check("slowloris header timeouts", c["header_timeouts_total"], n)
        check("slowloris requests", c["requests_total"], 0)
        new = log_lines(d)[lines0:]
        if len(new) > 3:
            FAILURES.append(f"{len(new)} log lines for {n} timeouts: {new}")
        print(f"     closed after {min(closed.values()):.2f} to {max(closed.values()):.2f} s "
              f"of a byte every 200 ms")
    finally:
        for s in socks:
            s.close()
        d.close()


# ---- 3. keep-alive, pipelining ------------------------------------------------

REQ = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


def test_keepalive():
    port = wb.free_port()
    d = daemon(port, "header_timeout: 2s, idle_timeout: 1s")
    try:
        wait_listening(port)
        # Kept alive: answered, then closed after idle_timeout.
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(REQ)
        status, headers, body, _ = response(s)
        check("keepalive status", status, 200)
        check("keepalive no Connection: close", headers.get("connection"), None)
        check("keepalive headers", (headers.get("cache-control"),
                                    headers.get("x-content-type-options")), ("no-store", "nosniff"))
        s.sendall(REQ)              # a second request on it
        check("keepalive second", response(s)[0], 200)
        t = closed_within(s, 3)
        s.close()
        if t is None or not 0.9 <= t <= 1.6:
            FAILURES.append(f"idle keep-alive closed after {t} s, want 1 s")
        # Never a byte: header_timeout, not idle_timeout.
        s = socket.create_connection((HOST, port), timeout=5)
        t = closed_within(s, 4)
        s.close()
        if t is None or not 1.9 <= t <= 2.7:
            FAILURES.append(f"a silent new connection closed after {t} s, want 2 s")
        # Pipelined: both answered, in order, one at a time.
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(REQ + b"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        status, _, _, rest = response(s)
        check("pipelined first", status, 200)
        s2 = _Prefixed(s, rest)
        status, headers, _, _ = response(s2)
        check("pipelined second", status, 404)
        check("pipelined second closes", headers.get("connection"), "close")
        check("closed after Connection: close", closed_within(s, 2) is not None, True)
        s.close()
        # HTTP/1.0: closed after the response.
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        check("1.0 status", response(s)[0], 200)
        check("1.0 closed", closed_within(s, 2) is not None, True)
        s.close()
        # HEAD: the headers, no body.
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        s.settimeout(2)
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        check("HEAD: no body", data.endswith(b"\r\n\r\n") and data.startswith(b"HTTP/1.1 200 "),
              True)
        time.sleep(0.2)
        c = counters(scrape(port))
        check("keepalive idle timeouts", c["idle_timeouts_total"], 1)
        check("keepalive header timeouts", c["header_timeouts_total"], 1)
        check("keepalive requests", c["requests_total"], 6)
        check("keepalive accepted", c["accepted_total"], 6 + 1)
    finally:
        d.close()


class _Prefixed:
    """A socket with bytes already read put back in front."""

    def __init__(self, sock, data):
        self.sock, self.data = sock, data

    def settimeout(self, t):
        self.sock.settimeout(t)

    def recv(self, n):
        if self.data:
            out, self.data = self.data[:n], self.data[n:]
            return out
        return self.sock.recv(n)


# ---- 4. bad requests ------------------------------------------------------------

BAD = [
    ("oversize headers", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
     431),
    ("a line that never ends", b"GET /healthz HTTP/1.1\r\nX-Big: " + b"b" * 9000, 431),
    ("a body on GET", b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 413),
    ("chunked", b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"5\r\nhello\r\n0\r\n\r\n", 501),
    ("garbage with NUL and ESC", b"\x00\x1b[31mEVIL\x1b]0;x\x07\r\n\r\n", 400),
    ("ESC in the target", b"GET /\x1b[2J HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ("NUL in a header", b"GET /healthz HTTP/1.1\r\nHost: x\x00y\r\n\r\n", 400),
    ("CR inside a header", b"GET /healthz HTTP/1.1\r\nHost: x\rEVIL: 1\r\n\r\n", 400),
    ("no Host", b"GET /healthz HTTP/1.1\r\n\r\n", 400),
    ("absolute-form", b"GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
    ("HTTP/2.0", b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505),
    ("two spaces", b"GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ("folded header", b"GET /healthz HTTP/1.1\r\nHost: x\r\n X-Fold: y\r\n\r\n", 400),
    ("bad Content-Length", b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
    ("TLS hello", bytes.fromhex("160301020001") + b"\x00" * 64 + b"\r\n\r\n", 400),
]


def test_bad_requests():
    port = wb.free_port()
    d = daemon(port, "header_timeout: 2s, idle_timeout: 1s")
    try:
        wait_listening(port)
        lines0 = len(log_lines(d))
        for what, data, want in BAD:
            s = socket.create_connection((HOST, port), timeout=5)
            try:
                s.sendall(data)
                status, headers, _, _ = response(s)
                check(f"{what}: status", status, want)
                check(f"{what}: Connection: close", headers.get("connection"), "close")
                if closed_within(s, 2) is None:
                    FAILURES.append(f"{what}: not closed")
            except Exception as e:
                FAILURES.append(f"{what}: {type(e).__name__}: {e}")
            finally:
                s.close()
        check("still serving", get(port, "/healthz")[0], 200)
        time.sleep(0.2)
        fam = scrape(port)
        c = counters(fam)
        check("bad requests counted", c["bad_requests_total"], len(BAD))
        check("bad: requests", c["requests_total"], 1)
        check("bad: timeouts", c["header_timeouts_total"], 0)
        log = d.stderr()
        new = log_lines(d)[lines0:]
        if any(ch in log for ch in "\x00\x1b\x07\r"):
            FAILURES.append("the log holds a control byte from a client")
        if "EVIL" in log:
            FAILURES.append("the log holds a client's bytes")
        if len(new) > 5:
            FAILURES.append(f"{len(new)} log lines for {len(BAD)} bad requests: {new}")
    finally:
        d.close()


# ---- a client that does not read ------------------------------------------------

def test_write_timeout():
    """1,900 queues make /metrics some 4 MB, more than the sockets between
    the daemon and a client with a 4 KiB receive buffer hold: a client that
    asks and never reads is closed header_timeout (1 s) after its response
    was queued, counted as a write timeout; one that reads gets it all."""
    port = wb.free_port()
    d = daemon(port, "header_timeout: 1s")
    try:
        pub = d.publisher()
        now = int(time.time() * 1000)
        for i in range(1900):
            wb.send(pub, wb.ev("call.queued", now, i + 1, call=f"c{i}", queue=f"q{i}"))
        d.wait_for(lambda s: s["feeds"].get("t", {}).get("events") == 1900, timeout=60)
        wait_listening(port)
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect((HOST, port))
        t0 = time.time()
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        # This client's connection, not another: wait_listening's may be
        # open still while the daemon, busy after 1,900 events, has yet to
        # accept this one.
        me = s.getsockname()[1]
        while http_sockets(d.proc.pid, port, me) == 0 and time.time() - t0 < 5:
            time.sleep(0.01)        # accepted
        while http_sockets(d.proc.pid, port, me) > 0 and time.time() - t0 < 5:
            time.sleep(0.05)
        gone = time.time() - t0
        s.close()
        if not 0.9 <= gone <= 2.5:
            FAILURES.append(f"a client not reading held its connection {gone:.2f} s, want 1 s")
        status, body, secs = get(port, "/metrics", timeout=10)
        check("a reader gets /metrics", status, 200)
        if len(body) < 3_000_000:
            FAILURES.append(f"/metrics is {len(body)} bytes: too small to test a stalled write")
        c = counters(t_http.parse_metrics(body))
        check("write timeouts", c["write_timeouts_total"], 1)
        check("write: requests", c["requests_total"], 1)
        print(f"     /metrics {len(body) / 1e6:.1f} MB; the stalled reader was closed after "
              f"{gone:.2f} s; a reader took it in {secs:.2f} s")
    finally:
        d.close()


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def test_output_budget():
    """90 clients each ask for the 4 MB /metrics and read only its status
    line: the daemon queues responses for them up to 256 MiB in all, then
    answers 503 (Retry-After) to the large ones, counted; /healthz still
    answers; the daemon's memory grows by the budget, not by 90 x 4 MB."""
    port = wb.free_port()
    d = daemon(port, "header_timeout: 30s")
    socks = []
    try:
        pub = d.publisher()
        now = int(time.time() * 1000)
        for i in range(1900):
            wb.send(pub, wb.ev("call.queued", now, i + 1, call=f"c{i}", queue=f"q{i}"))
        d.wait_for(lambda s: s["feeds"].get("t", {}).get("events") == 1900, timeout=60)
        size = len(get(port, "/metrics", timeout=10)[1])
        before = rss(d.proc.pid)
        codes = []
        for _ in range(90):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect((HOST, port))
            s.settimeout(10)
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            codes.append(int(s.recv(12).split()[1]))
            socks.append(s)
        grown = rss(d.proc.pid) - before
        status, _, secs = get(port, "/healthz")
        check("healthz while the budget is spent", status, 200)
        if secs > 1.0:
            FAILURES.append(f"healthz took {secs:.2f} s")
        ok, busy = codes.count(200), codes.count(503)
        check("200 or 503", ok + busy, 90)
        # The budget and the response size say how many fit (this /metrics
        # is a little larger than the one measured: it counts more requests).
        fit = (256 << 20) // size
        if not fit - 2 <= ok <= fit:
            FAILURES.append(f"{ok} responses queued, want about {fit} of {size} bytes")
        st = d.control({"cmd": "status"})
        check("busy counted", st.get("http_busy"), busy)
        if grown > (256 + 64) << 20 and not SANITIZED:
            FAILURES.append(f"the daemon grew {grown >> 20} MiB for 90 stalled clients")
        print(f"     {ok} responses of {size / 1e6:.1f} MB queued, {busy} got 503; "
              f"RSS grew {grown >> 20} MiB (90 x {size / 1e6:.1f} MB would be "
              f"{90 * size >> 20} MiB)")
    finally:
        for s in socks:
            s.close()
        d.close()


# ---- out of fds ---------------------------------------------------------------------

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_out_of_fds():
    """The daemon's fd limit lowered under it (prlimit) to 20 more than it
    holds: connections past those make accept() fail with EMFILE. The
    listener pauses a second at a time: counted, a line or two in the log,
    next to no CPU (evhttp spun at 100%). With the limit back, /healthz is
    answered again."""
    port = wb.free_port()
    d = daemon(port, "max_connections: 200, header_timeout: 30s")
    socks = []
    try:
        wait_listening(port)
        pid = d.proc.pid
        limits = resource.prlimit(pid, resource.RLIMIT_NOFILE)
        lines0 = len(log_lines(d))
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (len(os.listdir(f"/proc/{pid}/fd")) + 20,
                                                       limits[1]))
        cpu0 = cpu_seconds(pid)
        for _ in range(100):        # 20 are taken, 80 wait in the backlog
            socks.append(socket.create_connection((HOST, port), timeout=5))
        time.sleep(3)
        spent = cpu_seconds(pid) - cpu0
        check("running out of fds", d.proc.poll(), None)
        if spent > 0.5:
            FAILURES.append(f"the daemon spent {spent:.2f} s of CPU in 3 s out of fds")
        held = held_now(pid, port)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, limits)
        for s in socks:
            s.close()
        status, _, secs = get(port, "/healthz")
        check("healthz with fds back", status, 200)
        c = counters(scrape(port))
        if not 2 <= c["accept_errors_total"] <= 5:
            FAILURES.append(f"accept errors: {c['accept_errors_total']}, want one a second")
        new = log_lines(d)[lines0:]
        if len(new) > 3:
            FAILURES.append(f"{len(new)} log lines out of fds: {new}")
        print(f"     out of fds for 3 s: {int(c['accept_errors_total'])} accept errors, "
              f"{held} connections held, {spent:.2f} s of CPU, {len(new)} log lines")
    finally:
        for s in socks:
            s.close()
        d.close()


def main():
    return wb.run([test_flood, test_slowloris, test_keepalive, test_bad_requests,
                   test_write_timeout, test_output_budget, test_out_of_fds], "http-flood")


if __name__ == "__main__":
    sys.exit(main())
