"""Issue 14 item 7: output that cannot be written, and Ctrl-C from the very start.

Both run the installed program in a real subprocess: the failure is the operating system's
(/dev/full refuses every write) and the signal is a real SIGINT, sent at several moments of start-up,
while Python is still importing the program's modules.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dhcpanalyze.exitcodes import Exit
from tests.conftest import SAMPLES

PROGRAM = Path(sys.executable).with_name("dhcpanalyze")
SEED = str(SAMPLES / "seed.pcap")
needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")


def _command() -> list[str]:
    """The console script pip installed (what users run), else the module."""
    return [str(PROGRAM)] if PROGRAM.exists() else [sys.executable, "-m", "dhcpanalyze"]


@needs_dev_full
@pytest.mark.parametrize("argv", [
    ["report", SEED], ["report", "--format", "json", SEED], ["report", "--format", "csv", SEED],
    ["report", "--jobs", "2", SEED], ["packets", SEED], ["packets", "--format", "jsonl", SEED],
], ids=["report-text", "report-json", "report-csv", "report-two-processes", "packets", "packets-jsonl"])
def test_output_that_cannot_be_written_is_one_line_and_its_own_exit_code(argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(_command() + argv, stdout=full, stderr=subprocess.PIPE, timeout=60)
    err = done.stderr.decode()
    assert done.returncode == Exit.OUTPUT == 4
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("dhcpanalyze: cannot write the output: ") and "No space left on device" in err


def test_output_exit_code_is_documented() -> None:
    readme = (SAMPLES.parent / "README.md").read_text()
    assert "4 output could not be written" in readme


OFFSETS_MS = (0, 10, 20, 35, 50, 80, 120)


def _interpreter_start_up() -> float:
    """Seconds an empty Python program of this interpreter takes, site-packages included: before
    that no line of dhcpanalyze has run, and SIGINT gets Python's own handling (a traceback from
    site.py, for an editable install). twice the slowest of three runs, for a busy machine."""
    times = []
    for _ in range(3):
        start = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.monotonic() - start)
    return 2 * max(times)


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_during_start_up_exits_130_quietly() -> None:
    """SIGINT at several moments after the interpreter is up, while the program's modules import
    (about 100 ms) and just after; each run must end with status 130 and print nothing on stderr.
    A run that finished before its signal (a fast machine, the longest delays) exits 0, quietly;
    one where the signal lands as Python exits is ended by it (-SIGINT), also quietly."""
    base = _interpreter_start_up()
    results = []
    for offset in OFFSETS_MS:
        proc = subprocess.Popen(_command() + ["report", "--jobs", "1", str(SAMPLES / "many.pcap")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(base + offset / 1000)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        results.append((offset, proc.returncode, err.decode()[-300:]))
    loud = [r for r in results if r[1] not in (Exit.INTERRUPTED, Exit.OK, -signal.SIGINT) or r[2]]
    assert loud == []
    assert sum(code == Exit.INTERRUPTED for _, code, _ in results) >= len(OFFSETS_MS) // 2, results
