"""The engine on the committed lab samples (samples/<scenario>.pcap): every check of
sample_checks.py, on `dhcpanalyze report` of the sample, against the logs the real programs
wrote during that run. The live lab tests (tests/lab/test_live.py) run the same checks."""
from __future__ import annotations

import pytest

from ..lab.labrun import LabRun
from ..lab.table import ENGINE, case_id, cases

CASES = cases(ENGINE)


def sample(scenario: str) -> LabRun:
    run = LabRun.sample(scenario)
    if not run.exists():
        pytest.skip(f"sample {scenario} not committed yet (samples/{scenario}.pcap)")
    return run


@pytest.mark.parametrize("scenario, check", CASES, ids=map(case_id, CASES))
def test_engine_agrees_with_the_run(scenario, check):
    assert check(sample(scenario)) == []


def test_seed_first_lease_replicated_while_both_up():
    report = sample("seed").report
    first = report.acks()[0]
    assert report.doc["failover"][0]["binding_updates"]["acked"] >= 1
    assert not [f for f in report.codes("failover.lease-not-replicated")
                if f["ip"] == first["assigned_ip"]]
