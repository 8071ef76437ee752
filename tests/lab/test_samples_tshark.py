"""The real tshark sees in each committed sample what samples/README.md says it shows: DORA from
both servers, BNDUPD/BNDACK, the takeover, the ICMP-unreachable RELEASEs, the time-mismatch
reject, relayed requests with option 82, and the states of a partition. This checks the samples
themselves, independently of dhcpanalyze."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from .labrun import LabRun

pytestmark = [pytest.mark.tshark,
              pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed")]


def frames(run: LabRun, display_filter: str) -> int:
    done = subprocess.run(["tshark", "-n", "-r", str(run.pcap), "-Y", display_filter,
                           "-T", "fields", "-e", "frame.number"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return len(done.stdout.split())


def ips(run: LabRun) -> tuple[str, str]:
    return run.server_ip("primary"), run.server_ip("secondary")


def served_by(server: str, message_type: int = 5) -> str:
    return f"dhcp.option.dhcp == {message_type} && dhcp.option.dhcp_server_id == {server}"


def test_seed_shows_the_walk_through():
    run = LabRun.sample("seed")
    primary, secondary = ips(run)
    for server in (primary, secondary):
        assert frames(run, served_by(server, 2)) >= 1, f"no OFFER from {server}"
        assert frames(run, served_by(server)) >= 1, f"no ACK from {server}"
        unreachable = (f"icmp.type == 3 && icmp.code == 3 && dhcp.option.dhcp == 7"
                       f" && ip.src == {server}")
        assert frames(run, unreachable) == 1, f"no ICMP-unreachable RELEASE from {server}"
    assert frames(run, f"dhcpfo.type == 3 && ip.src == {primary}") >= 1
    assert frames(run, f"dhcpfo.type == 4 && ip.src == {secondary}") >= 1
    takeover = run.steps("stop primary")[0]["t"]
    assert frames(run, f"{served_by(secondary)} && frame.time_epoch > {takeover}") >= 1


def test_skew_shows_the_time_mismatch_reject():
    run = LabRun.sample("skew")
    assert frames(run, "dhcpfo.type == 6 && dhcpfo.rejectreason == 4") >= 2
    assert frames(run, "dhcpfo.serverstatus") == 0, "the skewed pair must never exchange STATE"
    assert frames(run, "dhcp.option.dhcp == 1") >= 1


def test_relay_shows_option_82_both_ways():
    run = LabRun.sample("relay")
    giaddr = run.scenario_json["hosts"]["relay/eth1"]["address"].split("/")[0]
    agent = "dhcp.option.agent_information_option.agent_circuit_id"
    for server in ips(run):
        assert frames(run, f"ip.dst == {server} && dhcp.ip.relay == {giaddr} && {agent}") >= 2
        assert frames(run, f"{served_by(server)} && ip.dst == {giaddr} && {agent}") >= 1


def test_many_shows_both_buckets_and_replication():
    run = LabRun.sample("many")
    for server in ips(run):
        assert frames(run, served_by(server, 2)) >= 5, f"few OFFERs from {server}"
    assert frames(run, "dhcpfo.type == 3") >= 10
    assert frames(run, "dhcpfo.type == 4") >= 10


def test_interrupt_shows_communications_interrupted_and_back():
    run = LabRun.sample("interrupt")
    for server in ips(run):
        assert frames(run, f"dhcpfo.serverstatus == 3 && ip.src == {server}") >= 1
        assert frames(run, f"dhcpfo.serverstatus == 2 && ip.src == {server}") >= 1
