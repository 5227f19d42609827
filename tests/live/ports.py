"""Free loopback ports for the tests: `free_port()` from Python, and
`python3 tests/live/ports.py N` for the shell tests (N distinct ports on
one line). No import beyond the standard library, so that it runs with
any python3, in a fresh root too."""
import random
import socket
import sys


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port(avoid=()):
    """A port free now, below the kernel's ephemeral range. A port the
    kernel hands out for bind(0) comes from that range, where every
    outgoing connection of the tests running beside takes its own port
    too: one was taken before the daemon (or a nats-server of a cluster)
    could bind it ("Address already in use"). Below it, only a listener
    can take it, and each test picks at random. `avoid`: ports already
    picked and not yet bound."""
    low = _ephemeral_low()
    if low > 12000:
        for _ in range(200):
            port = random.randrange(10000, low)
            if port in avoid:
                continue
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(n):
    """n distinct free ports."""
    out = []
    while len(out) < n:
        port = free_port(out)
        if port not in out:
            out.append(port)
    return out


if __name__ == "__main__":
    print(*free_ports(int(sys.argv[1]) if len(sys.argv) > 1 else 1))
