"""What `report` promises about its own work: it never needs an option's decoded value (the engine
reads raw bytes), and Ctrl-C ends both of its processes with exit status 130."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dhcpanalyze.cli import main
from dissectors.options import Option
from tests.conftest import ROOT, sample_captures


def test_report_never_reads_a_decoded_option_value(capsys, monkeypatch) -> None:
    files = [str(p) for p in sample_captures()]
    assert main(["report", "--format", "jsonl", "--jobs", "1", *files]) == 0
    expected = capsys.readouterr().out

    def refuse(self):
        raise AssertionError(f"report decoded the value of option {self.code}")
    monkeypatch.setattr(Option, "value", property(refuse))
    assert main(["report", "--format", "jsonl", "--jobs", "1", *files]) == 0
    assert capsys.readouterr().out == expected


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
            for c in (task / "children").read_text().split()]


@pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc/self/task").is_dir(),
                    reason="needs os.fork and /proc")
def test_ctrl_c_exits_130_and_ends_the_decoding_process() -> None:
    head = (ROOT / "samples" / "seed.pcap").read_bytes()[:4000]     # then stdin stays open
    proc = subprocess.Popen([sys.executable, "-m", "dhcpanalyze", "report", "--jobs", "2", "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    proc.stdin.write(head)
    proc.stdin.flush()
    deadline = time.monotonic() + 20
    while not _children(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = _children(proc.pid)
    assert len(children) == 1, "the decoding process did not start"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) == 130
    assert not Path(f"/proc/{children[0]}").exists()    # ended and reaped while stdin is still open
    proc.stdin.close()
    assert b"Traceback" not in proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
