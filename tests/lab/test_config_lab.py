"""The lint against the real dhcpd: each broken configuration of the `misconfig` lab scenario
(samples/lab/misconfig.py) must be flagged the way dhcpd reacted to it (tests/lab/misconfig_checks.py).
Runs on the committed record without root, and live with `-m lab` (root and isc-dhcp-server)."""
from __future__ import annotations

import json
import shutil

import pytest

from .labrun import SAMPLES
from .misconfig_checks import check_misconfig, lint
from .test_live import namespaces, processes_using

RECORDED = SAMPLES / "misconfig"
BROKEN = ("split-on-both", "no-split-on-primary", "no-mclt-on-primary", "mismatched-names",
          "crossed-ports", "wrong-peer-address")


def test_recorded_dhcpd_reactions_are_what_the_lint_predicts():
    if not (RECORDED / "scenario.json").exists():
        pytest.skip("samples/misconfig not committed")
    assert check_misconfig(RECORDED) == []


def test_every_broken_case_is_an_error_and_the_clock_case_is_clean():
    if not (RECORDED / "scenario.json").exists():
        pytest.skip("samples/misconfig not committed")
    record = json.loads((RECORDED / "scenario.json").read_text())
    assert set(record["misconfig"]) == {*BROKEN, "skewed-clock"}
    for case in BROKEN:
        assert lint(RECORDED, case)[0] == 1, case
    assert lint(RECORDED, "skewed-clock")[0] == 0


def test_the_check_fails_when_dhcpd_says_something_the_lint_does_not(tmp_path):
    """A record that lies (dhcpd refused the primary for a reason the lint does not give)."""
    if not (RECORDED / "scenario.json").exists():
        pytest.skip("samples/misconfig not committed")
    files = tmp_path / "misconfig"
    shutil.copytree(RECORDED, files)
    record = json.loads((files / "scenario.json").read_text())
    record["misconfig"]["crossed-ports"]["connection"]["partner_talks"] = {
        "primary": True, "secondary": True}
    record["misconfig"]["skewed-clock"]["servers"]["primary"] = {
        "started": False, "parse_errors": [["dhcpd-primary-skewed-clock.conf", 12, "bad port"]]}
    (files / "scenario.json").write_text(json.dumps(record))
    problems = check_misconfig(files)
    assert "crossed-ports: the pair connected, yet the lint says config.port-mismatch" in problems
    assert any("logged 'bad port'" in p for p in problems)


@pytest.mark.lab
def test_live_dhcpd_reactions_are_what_the_lint_predicts(live_run):
    live = live_run("misconfig")
    assert live.done.returncode == 0, live.done.stderr[-3000:]
    record = live.run.scenario_json
    assert record["result"] == "ok" and set(record["misconfig"]) == {*BROKEN, "skewed-clock"}
    assert namespaces(record["prefix"]) == [] and processes_using(live.run.files) == []
    assert check_misconfig(live.run.files) == []
