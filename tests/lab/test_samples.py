"""The committed lab samples (samples/<scenario>.pcap), decoded by the real `dhcpanalyze packets`,
agree with the logs the real dhcpd, dhclient and dhcrelay wrote during the same run. No root
needed: the logs were recorded with the samples (samples/<scenario>/)."""
from __future__ import annotations

import re

import pytest

from .labrun import SAMPLES, SCENARIOS, LabRun
from .table import DECODE, case_id, cases

CASES = cases(DECODE)           # the engine's checks run on the samples in tests/engine
MAX_SAMPLE_BYTES = 100_000      # "small real captures (a few tens of KB each)"


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
