"""Live lab runs: each scenario of samples/lab/lab.py runs once per test session, into a
temporary directory, and every live test of that scenario reads the same run."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .labrun import LAB, LabRun

RUN_TIMEOUT = 300


@dataclass
class LiveRun:
    """A finished `lab.py SCENARIO --out DIR` run: its exit, its output and its files."""

    done: subprocess.CompletedProcess
    run: LabRun


def lab_unavailable(scenario: str) -> str | None:
    """Why this machine cannot run the scenario (not root, a package missing, AppArmor), or None."""
    done = subprocess.run([sys.executable, str(LAB), scenario, "--check"],
                          capture_output=True, text=True, timeout=60)
    return None if done.returncode == 0 else (done.stderr.strip() or done.stdout.strip())


@pytest.fixture(scope="session")
def live_run(tmp_path_factory):
    """live_run(scenario) -> LiveRun; the first call runs the lab, later calls reuse the run."""
    runs: dict[str, LiveRun] = {}

    def get(scenario: str) -> LiveRun:
        if scenario not in runs:
            reason = lab_unavailable(scenario)
            if reason:
                pytest.skip(reason)
            out: Path = tmp_path_factory.mktemp(f"lab-{scenario}") / "run"
            done = subprocess.run([sys.executable, str(LAB), scenario, "--out", str(out)],
                                  capture_output=True, text=True, timeout=RUN_TIMEOUT)
            runs[scenario] = LiveRun(done, LabRun.live(scenario, out))
        return runs[scenario]
    return get
