#!/usr/bin/env python3
"""Print a snapshot (PROTOCOL §3, on stdin) as a plain table of figures."""
import datetime
import json
import sys


def pct(v):
    return "-" if v is None else f"{v * 100:.0f}%"


def mss(v):
    return "-" if v is None else f"{v // 60000}:{v // 1000 % 60:02d}"


def main():
    s = json.load(sys.stdin)
    win = s["windows"][0]
    now = datetime.datetime.fromtimestamp(s["now"] / 1000, datetime.timezone.utc)
    print(f"{s['site']['name']} at {now:%H:%M:%S} UTC, window {win}\n")
    head = ("scope", "SL", "target", "offered", "ASA", "AHT", "abandon", "waiting", "ready", "busy")
    print("{:16} {:>6} {:>6} {:>7} {:>6} {:>6} {:>7} {:>7} {:>5} {:>4}".format(*head))
    for sc in s["scopes"].values():
        w, n = sc["windows"][win], sc["now"]
        row = (sc["label"], pct(w["service_level"]), pct(sc["sl_target"]),
               "-" if w["offered"] is None else w["offered"], mss(w["asa_ms"]),
               mss(w["aht_ms"]), pct(w["abandon_rate"]),
               "-" if n["waiting"] is None else n["waiting"],
               n["agents"]["ready"], n["agents"]["busy"])
        print("{:16} {:>6} {:>6} {:>7} {:>6} {:>6} {:>7} {:>7} {:>5} {:>4}".format(*row))
    print()
    for a in s["agents"]:
        print(f"  {a['name'] or a['id']:12} {a['state']:8} handled today {a['handled_today']}")


if __name__ == "__main__":
    main()
