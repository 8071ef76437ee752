"""One real run in a pseudo-terminal: `dhcpanalyze FILE` opens the TUI, draws, and ctrl+q quits with 0."""
from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

from .conftest import SAMPLES


def test_dhcpanalyze_file_opens_the_tui_and_ctrl_q_quits():
    pid, fd = pty.fork()
    if pid == 0:                                        # the child: the real command line
        os.environ["TERM"] = "xterm-256color"
        os.execv(sys.executable, [sys.executable, "-m", "dhcpanalyze", str(SAMPLES / "seed.pcap")])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
    seen, deadline = b"", time.monotonic() + 30
    while time.monotonic() < deadline and b"frames read" not in seen:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    os.write(fd, b"\x11")                               # ctrl+q
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert b"seed.pcap" in seen and b"frames read" in seen          # the status line, drawn
    assert os.waitstatus_to_exitcode(status) == 0
