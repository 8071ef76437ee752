"""The lab checks can fail: each test breaks one input of a committed sample on purpose (a log
line dhclient never wrote, a capture cut short, a record of the run that lies) and asserts that
the checks of the decoder and of the engine (tests/lab/table.py) report it, not pass."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import dpkt
import pytest

from ..engine import sample_checks
from . import checks, scenario_checks
from .labrun import SAMPLES, LabRun


def copy_sample(scenario: str, tmp_path: Path) -> LabRun:
    """The sample's capture and files in a folder of their own, shaped like a live run."""
    run = LabRun.sample(scenario)
    if not run.exists():
        pytest.skip(f"sample {scenario} not committed (samples/{scenario}.pcap)")
    out = tmp_path / scenario
    shutil.copytree(SAMPLES / scenario, out)
    shutil.copy(run.pcap, out / "capture.pcap")
    return LabRun.live(scenario, out)


def cut_capture(run: LabRun, before: float) -> None:
    """Keep only the frames captured before `before` (a capture stopped early)."""
    with open(run.pcap, "rb") as f:
        reader = dpkt.pcap.Reader(f)
        frames = [(ts, buf) for ts, buf in reader if ts < before]
        snaplen, linktype = reader.snaplen, reader.datalink()
    with open(run.pcap, "wb") as f:
        writer = dpkt.pcap.Writer(f, snaplen=snaplen, linktype=linktype)
        for ts, buf in frames:
            writer.writepkt(buf, ts)


def edit_record(run: LabRun, change) -> LabRun:
    """The run with its scenario.json changed by `change(record)` (a record that lies)."""
    record = json.loads((run.files / "scenario.json").read_text())
    change(record)
    (run.files / "scenario.json").write_text(json.dumps(record))
    return LabRun.live(run.scenario, run.files)


def test_an_ack_dhclient_never_got_is_missed(tmp_path):
    run = copy_sample("seed", tmp_path)
    secondary = run.server_ip("secondary")
    with open(run.files / "dhclient-c1.log", "a") as log:
        log.write(f"DHCPACK of 192.0.2.99 from {secondary}\n")
    assert any("192.0.2.99" in p for p in checks.check_dhclient_acks(run))
    assert any("192.0.2.99" in p for p in sample_checks.check_dhclient_acks_are_transactions(run))


def test_a_capture_stopped_before_the_takeover_fails_the_seed_story(tmp_path):
    run = copy_sample("seed", tmp_path)
    cut_capture(run, run.steps("stop primary")[0]["t"])
    problems = sample_checks.check_seed_takeover_unreachable_release_links(run)
    assert f"c1 bound by {run.server_ip('secondary')} alone: no dhcp.takeover" in problems
    assert any("no dhcp.server-unreachable" in p for p in problems)
    # the primary's FIN precedes the lab's `stop primary` step: only the secondary's is cut
    assert "no failover.link-down when the secondary stopped" in problems
    assert checks.check_releases(run) != []
    assert sample_checks.check_dhcpd_acks_are_transactions(run) != []


def test_a_different_faketime_offset_fails_the_skew_check(tmp_path):
    run = copy_sample("skew", tmp_path)
    offset = run.scenario_json["skew"]["offset_s"]
    run = edit_record(run, lambda r: r["skew"].update(offset_s=offset - 45))
    problems = sample_checks.check_skew_measured_and_connect_rejected(run)
    assert any(f"faketime offset {offset - 45} s" in p for p in problems)
    assert "skew severity error" in problems


def test_a_client_hashed_to_the_other_server_fails_the_balance_checks(tmp_path):
    run = copy_sample("many", tmp_path)
    name, info = next(iter(run.clients.items()))
    other = {"primary": "secondary", "secondary": "primary"}[info["designated"]]
    run = edit_record(run, lambda r: r["clients"][name].update(designated=other))
    assert any(info["mac"] in p for p in
               sample_checks.check_expected_server_is_the_labs_designated(run))
    assert any(p.startswith(f"{name} ") for p in scenario_checks.check_load_balance(run))
