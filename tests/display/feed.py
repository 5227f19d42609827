"""Publish a known stream to a wallboardd's ingest socket (tests/display).

    feed.py tcp://127.0.0.1:PORT

Queue support, 20 s service level threshold, at event times ending about
now: two calls answered (one in 5 s, one in 40 s: service level 50%), three
calls still waiting; Amira and Ben busy on them, Chen ready, Dana away at
lunch. Times are in the recent past, so the live clock (which follows event
time) keeps them.
"""
import json
import sys
import time

import zmq


def events(now):
    t = now - 60000
    seq = 0

    def ev(ts, **fields):
        nonlocal seq
        seq += 1
        return dict(ts=ts, src="test", seq=seq, **fields)

    out = [
        ev(t, type="agent.state", agent="a1", state="ready", name="Amira Khan",
           queues=["support"]),
        ev(t, type="agent.state", agent="a2", state="ready", name="Ben Okafor",
           queues=["support"]),
        ev(t, type="agent.state", agent="a3", state="ready", name="Chen Li",
           queues=["support"]),
        ev(t, type="agent.state", agent="a4", state="away", name="Dana Fitz",
           reason="lunch", queues=["support"]),
        ev(t + 1000, type="call.queued", call="c1", queue="support"),
        ev(t + 2000, type="call.queued", call="c2", queue="support"),
        ev(t + 6000, type="call.answered", call="c1", agent="a1",
           queue="support"),
        ev(t + 42000, type="call.answered", call="c2", agent="a2",
           queue="support"),
    ]
    for i, call in enumerate(("c3", "c4", "c5")):
        out.append(ev(t + 50000 + i * 1000, type="call.queued", call=call,
                      queue="support"))
    return out


def main():
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.PUB)
    sock.setsockopt(zmq.SNDHWM, 0)
    sock.setsockopt(zmq.LINGER, 2000)
    sock.connect(sys.argv[1])
    time.sleep(0.5)     # PUB/SUB: let the connection settle
    for e in events(int(time.time() * 1000)):
        sock.send(json.dumps(e, separators=(",", ":")).encode())
    sock.close()
    ctx.term()


if __name__ == "__main__":
    main()
