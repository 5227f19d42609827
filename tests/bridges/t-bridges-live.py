#!/usr/bin/env python3
"""The bridges' network clients against fake servers on loopback.

AMI: the bridge logs in (the secret from its file), asks QueueStatus and is
seeded by the reply (a caller already waiting), maps live events, and when
the server drops it, reconnects after 1 s; the second QueueStatus no longer
lists the caller who left meanwhile, who goes out as "withdraw". A second
server refuses the login: the bridge exits 1 at once.
FreeSWITCH: auth with the password from its file, the event subscription,
Content-Length frames split across writes.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.environ.get("WB_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
FEED = os.environ.get("WALLBOARD_FEED", os.path.join(ROOT, BUILD, "wallboard-feed"))
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def listener():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    s.settimeout(15)
    return s, s.getsockname()[1]


def read_until(conn, buf, marker):
    while marker not in buf:
        chunk = conn.recv(4096)
        if not chunk:
            raise EOFError
        buf += chunk
    head, _, rest = buf.partition(marker)
    return head.decode(), rest


def ami_action(conn, buf):
    text, buf = read_until(conn, buf, b"\r\n\r\n")
    fields = dict(l.split(": ", 1) for l in text.split("\r\n") if ": " in l)
    return fields, buf


def ami_server(srv, log, refuse=False):
    sessions = 0
    while sessions < (1 if refuse else 2):
        conn, _ = srv.accept()
        sessions += 1
        buf = b""
        conn.sendall(b"Asterisk Call Manager/11.0.0\r\n")
        login, buf = ami_action(conn, buf)
        log.append(login)
        if refuse:
            conn.sendall(b"Response: Error\r\nActionID: %s\r\nMessage: Authentication failed\r\n\r\n"
                         % login["ActionID"].encode())
            conn.close()
            return
        conn.sendall(b"Response: Success\r\nActionID: %s\r\nMessage: Authentication accepted\r\n\r\n"
                     % login["ActionID"].encode())
        status, buf = ami_action(conn, buf)
        log.append(status)
        aid = status["ActionID"].encode()
        # seeded.1 waits through both sessions; live.2 joins in the first
        # and is gone by the second.
        entries = (b"Event: QueueEntry\r\nQueue: support\r\nPosition: 1\r\nUniqueid: seeded.1\r\n"
                   b"CallerIDNum: 5550100\r\nWait: 10\r\nActionID: " + aid + b"\r\n\r\n")
        conn.sendall(b"Response: Success\r\nActionID: " + aid + b"\r\nEventList: start\r\n"
                     b"Message: Queue status will follow\r\n\r\n" + entries +
                     b"Event: QueueStatusComplete\r\nActionID: " + aid + b"\r\nEventList: Complete\r\n"
                     b"ListItems: 1\r\n\r\n")
        if sessions == 1:
            conn.sendall(b"Event: QueueCallerJoin\r\nPrivilege: agent,all\r\nUniqueid: live.2\r\n"
                         b"Queue: support\r\nCallerIDNum: 5550101\r\nContext: in\r\nExten: s\r\n"
                         b"Position: 2\r\nCount: 2\r\n\r\n")
            time.sleep(0.3)
            conn.close()        # the connection drops
            continue
        # second session: the answered call of the seeded caller
        conn.sendall(b"Event: AgentConnect\r\nPrivilege: agent,all\r\nUniqueid: seeded.1\r\n"
                     b"Queue: support\r\nInterface: PJSIP/1001\r\nMemberName: Alice\r\n"
                     b"HoldTime: 12\r\nRingTime: 2\r\n\r\n")
        try:
            while conn.recv(4096):      # until the bridge logs off
                pass
        except OSError:
            pass
        conn.close()


def wait_lines(path, n, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path):
            with open(path) as f:
                lines = [l for l in f if l.strip()]
            if len(lines) >= n:
                return [json.loads(l) for l in lines]
        time.sleep(0.05)
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def test_ami(tmp):
    srv, port = listener()
    log = []
    t = threading.Thread(target=ami_server, args=(srv, log), daemon=True)
    t.start()
    with open(f"{tmp}/ami.secret", "w") as f:
        f.write("s3cret\n")
    with open(f"{tmp}/caller.secret", "w") as f:
        f.write("site\n")
    out = f"{tmp}/ami.jsonl"
    p = subprocess.Popen([FEED, "asterisk-ami", "--host", "127.0.0.1", "--port", str(port),
                          "--user", "wallboard", "--secret-file", f"{tmp}/ami.secret",
                          "--caller-secret-file", f"{tmp}/caller.secret", "--jsonl", out],
                         stderr=subprocess.PIPE, text=True)
    events = wait_lines(out, 4)
    p.send_signal(signal.SIGTERM)
    err = p.communicate(timeout=10)[1]
    t.join(5)
    print(err, end="")
    check(p.returncode == 0, "asterisk-ami: exit 0 on SIGTERM")
    check(log and log[0].get("Action") == "Login" and log[0].get("Username") == "wallboard"
          and log[0].get("Secret") == "s3cret" and log[0].get("Events") == "agent",
          "asterisk-ami: Login with user, secret from its file, Events: agent")
    check(len(log) >= 2 and log[1].get("Action") == "QueueStatus", "asterisk-ami: QueueStatus after login")
    check(len(log) >= 4 and log[2].get("Action") == "Login", "asterisk-ami: logged in again after the drop")
    kinds = [(e["type"], e.get("call"), e.get("reason")) for e in events]
    check(kinds[:4] == [("call.queued", "seeded.1", None), ("call.queued", "live.2", None),
                        ("call.exited", "live.2", "withdraw"), ("call.answered", "seeded.1", None)],
          f"asterisk-ami: seeded, live, withdrawn at reconnect, answered: {kinds}")
    check(events and events[0]["caller"].startswith("h:") and "5550100" not in json.dumps(events),
          "asterisk-ami: caller numbers hashed")
    check("reconnecting in 1 s" in err, "asterisk-ami: reconnects after 1 s")
    check("events sent" in err, "asterisk-ami: says what it sent")

    srv2, port2 = listener()
    t2 = threading.Thread(target=ami_server, args=(srv2, [], True), daemon=True)
    t2.start()
    r = subprocess.run([FEED, "asterisk-ami", "--host", "127.0.0.1", "--port", str(port2),
                        "--user", "x", "--secret-file", f"{tmp}/ami.secret", "--jsonl", "-"],
                       capture_output=True, text=True, timeout=15)
    check(r.returncode == 1 and "login refused: Authentication failed" in r.stderr,
          "asterisk-ami: a refused login ends it")


def esl_server(srv, log):
    conn, _ = srv.accept()
    buf = b""
    conn.sendall(b"Content-Type: auth/request\n\n")
    auth, buf = read_until(conn, buf, b"\n\n")
    log.append(auth)
    conn.sendall(b"Content-Type: command/reply\nReply-Text: +OK accepted\n\n")
    sub, buf = read_until(conn, buf, b"\n\n")
    log.append(sub)
    conn.sendall(b"Content-Type: command/reply\nReply-Text: +OK event listener enabled json\n\n")
    sample = os.path.join(ROOT, "tests/bridges/samples/freeswitch/callcenter.zmq.jsonl")
    for line in open(sample, "rb"):
        body = line.rstrip(b"\n")
        frame = b"Content-Length: %d\nContent-Type: text/event-json\n\n" % len(body) + body
        for i in range(0, len(frame), 100):     # split across writes
            conn.sendall(frame[i:i + 100])
            time.sleep(0.001)
    try:
        while conn.recv(4096):
            pass
    except OSError:
        pass
    conn.close()


def test_freeswitch(tmp):
    srv, port = listener()
    log = []
    t = threading.Thread(target=esl_server, args=(srv, log), daemon=True)
    t.start()
    with open(f"{tmp}/fs.password", "w") as f:
        f.write("ClueCon\n")
    out = f"{tmp}/fs.jsonl"
    p = subprocess.Popen([FEED, "freeswitch", "--host", "127.0.0.1", "--port", str(port),
                          "--password-file", f"{tmp}/fs.password", "--jsonl", out],
                         stderr=subprocess.PIPE, text=True)
    events = wait_lines(out, 13)
    p.send_signal(signal.SIGTERM)
    err = p.communicate(timeout=10)[1]
    print(err, end="")
    check(p.returncode == 0, "freeswitch: exit 0 on SIGTERM")
    check(log[:2] == ["auth ClueCon", "event json CUSTOM callcenter::info"],
          f"freeswitch: auth and subscription: {log}")
    ref = subprocess.run([FEED, "freeswitch", "--from-file",
                          os.path.join(ROOT, "tests/bridges/samples/freeswitch/callcenter.esl.txt"),
                          "--jsonl", "-"], capture_output=True, text=True, check=True).stdout
    check([json.dumps(e) for e in events] == [json.dumps(json.loads(l)) for l in ref.splitlines()],
          "freeswitch: the event socket gives what the recorded session gives")


def test_zmq(tmp):
    try:
        import zmq
    except ImportError:
        print("SKIP freeswitch --zmq: no python3-zmq")
        return
    ctx = zmq.Context()
    pub = ctx.socket(zmq.PUB)
    port = pub.bind_to_random_port("tcp://127.0.0.1")
    out = f"{tmp}/zmq.jsonl"
    p = subprocess.Popen([FEED, "freeswitch", "--zmq", f"tcp://127.0.0.1:{port}", "--jsonl", out],
                         stderr=subprocess.PIPE, text=True)
    # PUB/SUB joins late: send a probe (an agent that becomes Available:
    # one agent.state however often it is repeated) until it comes out.
    probe = (b'{"Event-Subclass":"callcenter::info","Event-Date-Timestamp":"1795424300000000",'
             b'"CC-Action":"agent-status-change","CC-Agent":"probe","CC-Agent-Status":"Available"}')
    end = time.time() + 10
    while time.time() < end and p.poll() is None:
        pub.send(probe)
        if os.path.exists(out) and os.path.getsize(out) > 0:
            break
        time.sleep(0.1)
    sample = os.path.join(ROOT, "tests/bridges/samples/freeswitch/callcenter.zmq.jsonl")
    for line in open(sample, "rb"):
        pub.send(line.rstrip(b"\n"))
    events = wait_lines(out, 14)
    p.send_signal(signal.SIGTERM)
    err = p.communicate(timeout=10)[1]
    print(err, end="")
    pub.close()
    ctx.term()
    ref = subprocess.run([FEED, "freeswitch", "--from-file", sample, "--jsonl", "-"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    got = [json.dumps({k: v for k, v in e.items() if k != "seq"}) for e in events[1:]]
    want = [json.dumps({k: v for k, v in json.loads(l).items() if k != "seq"}) for l in ref]
    check(p.returncode == 0 and got == want,
          f"freeswitch --zmq: mod_event_zmq's messages mapped ({len(events) - 1} events)")


with tempfile.TemporaryDirectory() as tmp:
    if not os.access(FEED, os.X_OK):
        print(f"missing {FEED} (make first)")
        sys.exit(1)
    test_ami(tmp)
    test_freeswitch(tmp)
    test_zmq(tmp)
sys.exit(1 if failures else 0)
