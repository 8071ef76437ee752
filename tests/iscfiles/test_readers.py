"""conf.py and leases.py on the lab's own files (samples/*/dhcpd-*) and on hand-made bad ones."""
from __future__ import annotations

import calendar
from pathlib import Path

import pytest

from dhcpanalyze.iscfiles.conf import read_config, split_to_hba
from dhcpanalyze.iscfiles.leases import NEVER, read_leases
from tests.conftest import SAMPLES

SCENARIOS = ("seed", "relay", "many", "interrupt", "skew")


def sample(scenario: str, name: str) -> str:
    path = SAMPLES / scenario / name
    if not path.exists():
        pytest.skip(f"{path} not committed")
    return str(path)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_lab_configs_read_as_the_lab_wrote_them(scenario):
    # samples/lab/configs.py wrote these: the values below are the lab's constants
    primary = read_config(sample(scenario, "dhcpd-primary.conf"))
    secondary = read_config(sample(scenario, "dhcpd-secondary.conf"))
    assert primary.problems == [] and secondary.problems == []
    p, s = primary.peers["FAILOVER"], secondary.peers["FAILOVER"]
    assert (p.role, p.address, p.peer_address, p.mclt, p.split) == (
        "primary", "192.168.100.2", "192.168.100.3", 60, 128)
    assert (s.role, s.address, s.peer_address, s.mclt, s.split) == (
        "secondary", "192.168.100.3", "192.168.100.2", None, None)
    for peer in (p, s):
        assert (peer.port, peer.peer_port, peer.max_response_delay, peer.max_unacked_updates,
                peer.load_balance_max_seconds) == (647, 647, 10, 10, 3)
    assert all(pool.peer == "FAILOVER" for pool in primary.pools + secondary.pools)
    assert ("192.168.100.50", "192.168.100.199") in {
        (r.first, r.last) for pool in primary.pools for r in pool.ranges}


def test_split_128_is_the_first_128_buckets():
    assert split_to_hba(128) == b"\xff" * 16 + b"\x00" * 16
    assert split_to_hba(0) == bytes(32) and split_to_hba(9) == b"\xff\x01" + bytes(30)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_lab_lease_files_match_dhcp_lease_list_and_grep(scenario):
    path = sample(scenario, "dhcpd-primary.leases")
    leases = read_leases(path)
    text = Path(path).read_text()
    assert leases.problems == []
    assert leases.blocks == text.count("\nlease ")
    assert len(leases.states) == text.count("failover peer \"FAILOVER\" state {")
    last = {}                       # the last `hardware ethernet` per address, by plain text
    ip = None
    for line in text.splitlines():
        if line.startswith("lease "):
            ip = line.split()[1]
            last[ip] = None
        elif line.strip().startswith("hardware ethernet"):
            last[ip] = line.split()[-1].rstrip(";")
    assert {ip: x.mac for ip, x in leases.leases.items()} == last


def test_the_secondary_writes_mclt_in_its_state_blocks():
    assert read_leases(sample("interrupt", "dhcpd-secondary.leases")).writes_mclt()
    assert not read_leases(sample("interrupt", "dhcpd-primary.leases")).writes_mclt()


def test_lease_log_semantics_dates_and_bad_blocks(tmp_path):
    path = tmp_path / "dhcpd.leases"
    path.write_text('''# written by hand
lease 10.0.0.5 {
  starts 6 2026/11/28 10:12:56;
  ends never;
  binding state active;
  hardware ethernet 02:DA:00:00:00:01;
  uid "\\001\\002\\332\\000\\000\\000\\001";
  client-hostname "c1";
}
lease 10.0.0.6 {
  starts epoch 1795860000; # Sat Nov 28 ...
  ends 6 2026/13/28 10:12:56;
  binding state free;
}
lease 10.0.0.5 {
  starts 6 2026/11/28 10:20:00;
  ends 6 2026/11/28 10:30:00;
  cltt 6 2026/11/28 10:20:00;
  binding state active;
  next binding state free;
  hardware ethernet 02:da:00:00:00:02;
}
failover peer "FO" state {
  my state normal at 6 2026/11/28 10:12:56;
  partner state communications-interrupted at 6 2026/11/28 10:13:00;
  mclt 60;
}
lease 10.0.0.7 {
  starts 6 2026/11/28
''')
    leases = read_leases(str(path))
    five, six = leases.leases["10.0.0.5"], leases.leases["10.0.0.6"]
    assert five.mac == "02:da:00:00:00:02" and five.blocks == 2 and five.next_binding_state == "free"
    assert five.ends == calendar.timegm((2026, 11, 28, 10, 30, 0))
    assert six.starts == 1795860000 and six.ends is None and six.binding_state == "free"
    state = leases.states[0]
    assert (state.peer, state.my_state, state.partner_state, state.mclt) == (
        "FO", "normal", "communications-interrupted", 60)
    assert state.partner_at - state.my_at == 4
    where = [(p.where.line, p.message.split(":")[0]) for p in leases.problems]
    assert (12, "expecting a date") in where
    assert any("never closed" in m for _, m in where)
    assert list(leases.leases) == ["10.0.0.6", "10.0.0.5", "10.0.0.7"]   # file order, last wins


def test_never_and_uid_escapes(tmp_path):
    path = tmp_path / "l"
    path.write_text('lease 10.0.0.1 { ends never; uid "\\001\\002"; }\n')
    lease = read_leases(str(path)).leases["10.0.0.1"]
    assert lease.ends == NEVER and lease.uid == "\x01\x02"
    assert lease.to_dict()["ends"] is None and lease.to_dict()["ends_never"] is True


def test_config_with_includes_shared_network_and_bad_statements(tmp_path):
    (tmp_path / "peer.conf").write_text('''failover peer "dhcp-fo" {
  primary;
  address 10.0.0.2; port 519;
  peer address 10.0.0.3; peer port 520;
  mclt 1800; hba ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00;
  load balance max seconds 5;
  max-response-delay 3x;
  frobnicate 1;
}
''')
    (tmp_path / "dhcpd.conf").write_text('''include "peer.conf";
shared-network lan {
  failover peer "dhcp-fo";
  subnet 10.0.0.0 netmask 255.255.255.0 {
    pool { range 10.0.0.100 10.0.0.150; }
    range 10.0.0.200 10.0.0.210;
  }
}
''')
    config = read_config(str(tmp_path / "dhcpd.conf"))
    peer = config.peers["dhcp-fo"]
    assert (peer.port, peer.peer_port, peer.mclt, peer.load_balance_max_seconds) == (519, 520, 1800, 5)
    assert peer.hba == b"\xff" * 16 + bytes(16) and peer.max_response_delay is None
    assert [(p.peer, p.implicit, p.subnet) for p in config.pools] == [
        ("dhcp-fo", False, "10.0.0.0/24"), ("dhcp-fo", True, "10.0.0.0/24")]
    found = [(Path(p.where.file).name, p.where.line, p.message) for p in config.problems]
    assert ("peer.conf", 7, "expecting number.") in found     # dhcpd 4.4.3-P1's words
    assert ("peer.conf", 8, "invalid statement in peer declaration") in found


@pytest.mark.parametrize("statement, message", [
    # what `dhcpd -t` 4.4.3-P1 says about each, on the lab's primary config
    ("split 257;", "split must be between 0 and 256, inclusive"),
    ("split -1;", "split must be between 0 and 256, inclusive"),
    ("split abc;", "expecting number"),
    ("hba " + ":".join(["ff"] * 31) + ";", "too few numbers."),
    ("hba " + ":".join(["ff"] * 33) + ";", "semicolon expected."),
    ("mclt abc;", "expecting number."),
    ("port abc;", "expecting number"),
    ("frob 1;", "invalid statement in peer declaration"),
])
def test_peer_statement_errors_in_dhcpds_words(tmp_path, statement, message):
    path = tmp_path / "p.conf"
    text = (SAMPLES / "seed" / "dhcpd-primary.conf").read_text()
    path.write_text(text.replace("  split 128;", "  " + statement))
    config = read_config(str(path))
    assert [(p.where.line, p.message) for p in config.problems] == [(19, message)]


def test_split_256_gives_every_bucket_to_the_primary(tmp_path):
    path = tmp_path / "p.conf"
    path.write_text((SAMPLES / "seed" / "dhcpd-primary.conf").read_text().replace(
        "split 128", "split 256"))
    config = read_config(str(path))
    assert config.problems == [] and config.peers["FAILOVER"].hba == b"\xff" * 32
