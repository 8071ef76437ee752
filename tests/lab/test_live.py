"""The lab scenarios run live against the real ISC dhcpd, dhclient and dhcrelay (root and the
Debian packages needed, else skipped with the reason); the analyzer's decode of each fresh
capture must agree with the logs of that run, and the lab must leave nothing behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import lab_unavailable
from .labrun import LAB, SCENARIOS
from .table import DECODE, ENGINE, case_id, cases

pytestmark = pytest.mark.lab


def namespaces(prefix: str) -> list[str]:
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in listed.splitlines() if line.startswith(prefix)]


def processes_using(directory: Path) -> list[str]:
    """Command lines of running processes that mention the run's directory (its daemons)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(directory) in text:
            found.append(text)
    return found


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_runs_and_cleans_up(live_run, scenario):
    live = live_run(scenario)
    assert live.done.returncode == 0, live.done.stderr[-3000:]
    record = live.run.scenario_json
    assert record["result"] == "ok"
    assert namespaces(record["prefix"]) == []
    assert processes_using(live.run.files) == []
    assert (live.run.files / "capture.pcap").stat().st_size > 0


CASES = cases(DECODE, ENGINE)


@pytest.mark.parametrize("scenario, check", CASES, ids=map(case_id, CASES))
def test_live_capture_agrees_with_logs(live_run, scenario, check):
    """Every check of the decoder and of the engine (through `dhcpanalyze report`) on the run."""
    live = live_run(scenario)
    assert live.done.returncode == 0, live.done.stderr[-3000:]
    assert check(live.run) == []


def test_interrupted_run_cleans_up(tmp_path):
    """Ctrl-C in the middle of a scenario: exit 130, no namespace or daemon left, capture closed."""
    reason = lab_unavailable("seed")
    if reason:
        pytest.skip(reason)
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, str(LAB), "seed", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if "capture started" in line:
            break
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert namespaces(f"dha-{proc.pid}-") == []
    assert processes_using(out) == []
    assert (out / "capture.pcap").stat().st_size > 0
    assert "interrupted" in (out / "scenario.json").read_text()


def test_cleanup_removes_leftovers():
    """--cleanup finds lab namespaces an earlier run left (here: one made by hand) and removes them."""
    reason = lab_unavailable("seed")
    if reason:
        pytest.skip(reason)
    leftover = f"dha-{os.getpid()}-leftover"
    subprocess.run(["ip", "netns", "add", leftover], check=True)
    done = subprocess.run([sys.executable, str(LAB), "--cleanup"], capture_output=True, text=True)
    assert done.returncode == 0
    assert leftover in done.stdout
    assert namespaces(leftover) == []
