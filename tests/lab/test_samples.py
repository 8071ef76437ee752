"""The committed lab samples (samples/<scenario>.pcap), decoded by the real `dhcpanalyze packets`,
agree with the logs the real dhcpd, dhclient and dhcrelay wrote during the same run. No root
needed: the logs were recorded with the samples (samples/<scenario>/)."""
from __future__ import annotations

import re

import pytest

from .checks import GENERAL
from .labrun import SAMPLES, SCENARIOS, LabRun
from .scenario_checks import BY_SCENARIO

CASES = [(scenario, check) for scenario in SCENARIOS
         for check in GENERAL + BY_SCENARIO.get(scenario, [])]
MAX_SAMPLE_BYTES = 100_000      # "small real captures (a few tens of KB each)"


def case_id(case) -> str:
    scenario, check = case
    return f"{scenario}-{check.__name__.removeprefix('check_')}"


@pytest.mark.parametrize("scenario, check", CASES, ids=map(case_id, CASES))
def test_sample_agrees_with_its_logs(scenario, check):
    run = LabRun.sample(scenario)
    assert run.exists(), f"samples/{scenario}.pcap or samples/{scenario}/scenario.json missing"
    assert check(run) == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sample_is_small_complete_and_documented(scenario):
    run = LabRun.sample(scenario)
    assert run.scenario_json["result"] == "ok"
    assert 0 < run.pcap.stat().st_size <= MAX_SAMPLE_BYTES
    readme = (SAMPLES / "README.md").read_text()
    assert re.search(rf"lab\.py {scenario} --out \S+ --publish samples", readme), \
        f"samples/README.md does not give the command that made {scenario}.pcap"
