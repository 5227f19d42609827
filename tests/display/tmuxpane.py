"""A program in a tmux pane of its own server, for the board tests:
capture-pane reads the screen, send-keys types."""
import os
import subprocess
import time


class Tmux:
    def __init__(self, command, width=80, height=24, name="wb"):
        self.sock = f"{name}-{os.getpid()}-{time.time_ns()}"
        subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null",
                        "new-session", "-d", "-s", "board", "-x", str(width),
                        "-y", str(height), command + "; sleep 60"], check=True)
        subprocess.run(["tmux", "-L", self.sock, "set-option", "-g",
                        "status", "off"], check=True)

    def capture(self):
        return subprocess.run(["tmux", "-L", self.sock, "capture-pane", "-p",
                               "-t", "board"], capture_output=True,
                              text=True).stdout

    def keys(self, *keys):
        subprocess.run(["tmux", "-L", self.sock, "send-keys", "-t", "board"]
                       + list(keys), check=True)

    def close(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"],
                       capture_output=True)
