"""Start, pause and stop the real programs (dhcpd, dhclient, dhcrelay, tcpdump) inside namespaces,
and wait for what they write in their own logs."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path


class LabError(RuntimeError):
    """A step of the scenario did not happen (with the log lines that show why)."""


def end_process(proc: subprocess.Popen, sig: int, timeout: float) -> int:
    """Send `sig` to a running process, SIGKILL it if it lingers past `timeout`; its exit status."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


class Daemons:
    """Every process this run started, by name. Each is ended by its own pid, never by name."""

    def __init__(self) -> None:
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, ns: str, argv: list[str], log: Path,
              env: dict[str, str] | None = None) -> subprocess.Popen:
        """`ip netns exec` execs the program itself, so the Popen pid is the daemon's pid.
        A new session keeps a Ctrl-C in the terminal away from it: the lab stops it in order."""
        if name in self.procs and self.procs[name].poll() is None:
            raise LabError(f"{name} is already running")
        with open(log, "ab") as sink:
            proc = subprocess.Popen(["ip", "netns", "exec", ns, *argv], stdin=subprocess.DEVNULL,
                                    stdout=sink, stderr=subprocess.STDOUT,
                                    env={**os.environ, **(env or {})}, start_new_session=True)
        self.procs[name] = proc
        return proc

    def is_running(self, name: str) -> bool:
        proc = self.procs.get(name)
        return proc is not None and proc.poll() is None

    def signal(self, name: str, sig: int) -> None:
        if self.is_running(name):
            os.kill(self.procs[name].pid, sig)

    def stop(self, name: str, timeout: float = 5.0) -> int | None:
        """SIGTERM (what `systemctl stop` sends), SIGKILL if it lingers; returns the exit status."""
        proc = self.procs.get(name)
        if proc is None:
            return None
        if proc.poll() is None:
            self.signal(name, signal.SIGCONT)
        return end_process(proc, signal.SIGTERM, timeout)

    def wait_exit(self, name: str, timeout: float) -> int:
        """Wait for a process that ends by itself (dhclient -r, a stopped dhclient)."""
        try:
            return self.procs[name].wait(timeout)
        except subprocess.TimeoutExpired:
            raise LabError(f"{name} did not exit within {timeout:.0f} s") from None

    def stop_all(self) -> None:
        for name in reversed(list(self.procs)):
            self.stop(name, timeout=3.0)


def log_size(path: Path) -> int:
    """Where a log ends now: wait_for_log(after=...) then only looks at what comes later."""
    return path.stat().st_size if path.exists() else 0


def wait_for_log(path: Path, pattern: str, timeout: float, after: int = 0) -> re.Match:
    """Poll a program's log until a line matches `pattern` (a regex); LabError with the tail if not."""
    regex = re.compile(pattern, re.MULTILINE)
    deadline = time.monotonic() + timeout
    while True:
        text = path.read_bytes()[after:].decode("utf-8", "replace") if path.exists() else ""
        match = regex.search(text)
        if match:
            return match
        if time.monotonic() > deadline:
            tail = "\n    ".join(text.splitlines()[-12:])
            raise LabError(f"{path.name}: no line matching {pattern!r} within {timeout:.0f} s;"
                           f" last lines:\n    {tail}")
        time.sleep(0.1)
