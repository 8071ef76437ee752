"""The engine on the committed lab samples (samples/<scenario>.pcap): every check of
sample_checks.py, against the logs the real programs wrote during that run."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import SAMPLES
from .sample_checks import BY_SCENARIO, GENERAL, _engine_run

SCENARIOS = ("seed", "skew", "relay", "many", "interrupt")
CASES = [(scenario, check) for scenario in SCENARIOS
         for check in GENERAL + BY_SCENARIO.get(scenario, [])]


@dataclass(frozen=True)
class SampleRun:
    scenario: str
    pcap: Path
    files: Path


def sample(scenario: str) -> SampleRun:
    run = SampleRun(scenario, SAMPLES / f"{scenario}.pcap", SAMPLES / scenario)
    if not run.pcap.exists() or not (run.files / "scenario.json").exists():
        pytest.skip(f"sample {scenario} not committed yet (samples/{scenario}.pcap)")
    return run


@pytest.mark.parametrize("scenario, check", CASES,
                         ids=[f"{s}-{c.__name__.removeprefix('check_')}" for s, c in CASES])
def test_engine_agrees_with_the_run(scenario, check):
    assert check(sample(scenario)) == []


def test_seed_first_lease_replicated_while_both_up():
    run = sample("seed")
    engine = _engine_run(str(run.pcap), run.pcap.stat().st_mtime)
    first = min((t for t in engine.transactions if t["outcome"] == "ack"), key=lambda t: t["end"])
    assert engine.summary["failover"][0]["binding_updates"]["acked"] >= 1
    assert not [f for f in engine.codes("failover.lease-not-replicated")
                if f["ip"] == first["assigned_ip"]]
