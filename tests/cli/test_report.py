"""`dhcpanalyze report` called in-process on real captures: output, filters, --fail-on exit codes.

Expected values come from outside the program: tshark's view of the Wireshark sample, and the
lab's own record of each sample run (samples/<scenario>/scenario.json: step times, each client's
MAC, last ACKed address and server). Sample tests skip until the lab samples are present.
"""
from __future__ import annotations

import csv
import io
import json
import struct
from pathlib import Path

import pytest

from dhcpanalyze.cli import main
from tests.conftest import SAMPLES, corpus_file
from tests.reports.contract import empty_report

PRIMARY, SECONDARY = "192.168.100.2", "192.168.100.3"


def report(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["report", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def jsonl(capsys, *argv: str) -> dict[str, list[dict]]:
    code, out, err = report(capsys, "--format", "jsonl", *argv)
    assert code == 0, err
    records: dict[str, list[dict]] = {}
    for line in out.splitlines():
        obj = json.loads(line)
        records.setdefault(obj["record"], []).append(obj)
    return records


def sample(name: str) -> tuple[str, dict]:
    """A lab sample's path and its scenario.json, or skip."""
    path, facts = SAMPLES / f"{name}.pcap", SAMPLES / name / "scenario.json"
    if not path.exists() or not facts.exists():
        pytest.skip(f"lab sample {name}.pcap (with {name}/scenario.json) not recorded yet")
    return str(path), json.loads(facts.read_text())


def step_time(facts: dict, step: str, after: str = "capture started") -> float:
    """When the lab did `step` in the captured run: its first time after step `after`."""
    start = next(s["t"] for s in facts["steps"] if s["step"] == "capture started")
    if after != "capture started":
        start = step_time(facts, after)
    return next(s["t"] for s in facts["steps"] if s["step"] == step and s["t"] >= start)


# --- exact output ------------------------------------------------------------------------------

def _one_dns_packet(path: Path) -> None:
    """A pcap with one Ethernet/IPv4/UDP DNS query: a capture with no DHCP in it."""
    udp = struct.pack("!HHHH", 33000, 53, 8 + 4, 0) + b"\x12\x34\x01\x00"
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 53]))
    frame = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + udp
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    record = struct.pack("<IIII", 1795857700, 250000, len(frame), len(frame))
    path.write_bytes(header + record + frame)


def test_text_report_of_a_capture_without_dhcp(capsys, tmp_path: Path) -> None:
    capture = tmp_path / "dns.pcap"
    _one_dns_packet(capture)
    code, out, err = report(capsys, str(capture))
    assert (code, err) == (0, "")
    assert out == empty_report(str(capture), 1)


def test_csv_servers_of_the_wireshark_sample(capsys) -> None:
    # tshark: frame 2 OFFER and frame 4 ACK, both from server identifier 192.168.0.1
    capture = corpus_file("wireshark/dhcp.pcap")
    code, out, _ = report(capsys, "--format", "csv", "--csv-table", "servers", str(capture))
    assert code == 0
    assert out == "ip,role,offers,acks,naks\n192.168.0.1,unknown,1,1,0\n"


def test_csv_transactions_of_the_wireshark_sample(capsys) -> None:
    # tshark: xid 0x3d1d DISCOVER/OFFER (frames 1, 2), xid 0x3d1e REQUEST/ACK (frames 3, 4)
    # of 00:0b:82:01:fc:42, 192.168.0.10 from 192.168.0.1 for 3600 s
    capture = corpus_file("wireshark/dhcp.pcap")
    code, out, _ = report(capsys, "--format", "csv", str(capture))
    rows = list(csv.reader(io.StringIO(out)))
    header = rows[0]
    by_xid = {row[header.index("xid")]: dict(zip(header, row)) for row in rows[1:]}
    assert code == 0 and set(by_xid) == {str(0x3D1D), str(0x3D1E)}
    ack = by_xid[str(0x3D1E)]
    assert (ack["mac"], ack["assigned_addr"], ack["server"], ack["lease_time"],
            ack["outcome"]) == ("00:0b:82:01:fc:42", "192.168.0.10", "192.168.0.1", "3600", "ack")
    assert ack["start_iso"] == "2004-12-05T19:16:24.387Z"
    assert by_xid[str(0x3D1D)]["offered_addrs"] == "192.168.0.10"


# --- --fail-on exit codes ----------------------------------------------------------------------

def test_seed_fail_on(capsys) -> None:
    path, _ = sample("seed")
    # the seed has RELEASEs bounced by ICMP (warnings) but nothing the servers logged as wrong
    assert report(capsys, path)[0] == 0
    assert report(capsys, "--fail-on", "error", path)[0] == 0
    assert report(capsys, "--fail-on", "warning", path)[0] == 1
    assert report(capsys, "--fail-on", "info", "--format", "json", path)[0] == 1


def test_skew_fails_on_error(capsys) -> None:
    path, _ = sample("skew")
    code, out, _ = report(capsys, "--fail-on", "error", "--format", "csv", "--csv-table",
                          "findings", path)
    assert code == 1
    assert ",error,failover.connect-rejected," in out


def test_fail_on_counts_only_findings_left_by_the_filters(capsys) -> None:
    path, facts = sample("seed")
    before_trouble = str(step_time(facts, "stop primary (SIGTERM)") - 0.5)
    assert report(capsys, "--fail-on", "warning", "--until", before_trouble, path)[0] == 0
    assert report(capsys, "--fail-on", "info", "--until", before_trouble, path)[0] == 1
    stranger = "02:00:5e:00:53:01"
    assert report(capsys, "--fail-on", "info", "--client", stranger, path)[0] == 0


# --- filters -----------------------------------------------------------------------------------

def test_client_filter_on_many_clients(capsys) -> None:
    path, facts = sample("many")
    for name in ("c1", "c5"):
        client = facts["clients"][name]
        got = jsonl(capsys, "--client", client["mac"].upper().replace(":", "-"), path)
        txns = got["transaction"]
        assert txns and all(t["client"]["mac"] == client["mac"] for t in txns)
        acked = [t for t in txns if t["outcome"] == "ack"]
        assert acked[-1]["assigned_ip"] == client["last_ack"]["address"]
        assert all(lease["mac"] == client["mac"] for lease in got.get("lease", []))
        assert len(got["capture"]) == 1 and len(got["server"]) == 2     # context stays


def test_ip_filter(capsys) -> None:
    path, facts = sample("many")
    client = facts["clients"]["c5"]
    address = client["last_ack"]["address"]
    got = jsonl(capsys, "--ip", address, path)
    assert any(t["client"]["mac"] == client["mac"] for t in got["transaction"])
    for t in got["transaction"]:
        assert address in {t["assigned_ip"], t.get("requested_ip"), t.get("ciaddr")} | {
            o["yiaddr"] for o in t["offers"]}
    assert [lease["ip"] for lease in got["lease"]] == [address]


def test_server_filter(capsys) -> None:
    path, facts = sample("many")
    got = jsonl(capsys, "--server", SECONDARY, path)
    assert [s["ip"] for s in got["server"]] == [SECONDARY]
    # every client the lab saw bound by the secondary shows up
    by_secondary = {c["mac"] for c in facts["clients"].values()
                    if c["last_ack"]["server"] == SECONDARY}
    assert by_secondary and by_secondary <= {t["client"]["mac"] for t in got["transaction"]}
    for t in got["transaction"]:
        assert SECONDARY in {t["server"], t["expected_server"]} | {
            o["server"] for o in t["offers"]}


def test_time_window_keeps_the_takeover_only(capsys) -> None:
    # between stopping the primary and the client's next lease: the RELEASE that hits the dead
    # primary and the DORA the secondary serves
    path, facts = sample("seed")
    since = step_time(facts, "stop primary (SIGTERM)")
    until = step_time(facts, "c1 bound", after="stop primary (SIGTERM)")
    got = jsonl(capsys, "--since", str(since), "--until", _iso(until), path)
    kinds = [(t["kind"], t["server"], t["outcome"]) for t in got["transaction"]]
    assert ("release", PRIMARY, "unreachable") in kinds
    assert ("dora", SECONDARY, "ack") in kinds
    assert all(since - 1 <= t["end"] and t["start"] <= until for t in got["transaction"])
    assert all(since <= f["ts"] <= until for f in got.get("finding", []))
    assert got["capture"][0]["filters"] == {"since": since, "until": pytest.approx(until, 1e-3)}


def _iso(ts: float) -> str:
    from datetime import datetime, timezone
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat()


def test_hostile_hostname_never_reaches_the_terminal(capsys, tmp_path: Path) -> None:
    """A DISCOVER whose option 12 (host name) is a terminal attack, from real bytes."""
    capture = tmp_path / "hostile.pcap"
    # ESC, newline, NUL, and U+009B (CSI, the 8-bit form of ESC [) encoded as UTF-8
    capture.write_bytes(_hostile_discover_pcap(b"evil\x1b[2J\nro\x00ot\xc2\x9b"))
    shown = "evil\\x1b[2J\\x0aro\\x00ot\\x9b"
    code, out, _ = report(capsys, str(capture))
    assert code == 0
    assert f"  {shown}  DISCOVER  " in out
    assert not set(out) & {"\x1b", "\x00", "\x9b"}
    code, out, _ = report(capsys, "--format", "csv", str(capture))
    assert shown in out and not set(out) & {"\x1b", "\x00", "\x9b"}
    code, out, _ = report(capsys, "--format", "jsonl", str(capture))
    assert json.loads(out.splitlines()[0])["client"]["hostname"] == "evil\x1b[2J\nro\x00ot\x9b"


def _hostile_discover_pcap(hostname: bytes) -> bytes:
    chaddr = bytes.fromhex("525400123456")
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, 0x1234ABCD, 0, 0x8000,
                        b"\0" * 4, b"\0" * 4, b"\0" * 4, b"\0" * 4, chaddr, b"", b"")
    options = b"\x63\x82\x53\x63" + b"\x35\x01\x01" + bytes([12, len(hostname)]) + hostname \
        + b"\xff"
    udp_payload = bootp + options
    udp = struct.pack("!HHHH", 68, 67, 8 + len(udp_payload), 0) + udp_payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     b"\0" * 4, b"\xff" * 4)
    frame = b"\xff" * 6 + chaddr + b"\x08\x00" + ip + udp
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    return header + struct.pack("<IIII", 1795857700, 0, len(frame), len(frame)) + frame



def test_truncated_capture_reports_what_was_read(capsys, tmp_path: Path) -> None:
    path, _ = sample("seed")
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(Path(path).read_bytes()[:3000])
    code, out, err = report(capsys, "--format", "csv", "--csv-table", "servers", str(cut))
    assert code == 0
    assert err.startswith(f"dhcpanalyze report: {cut}: record ") and "truncated" in err
    assert err.count("\n") == 1
    assert out.startswith("ip,role,offers,acks,naks\n192.168.100.2,primary,")


def test_servers_option_reaches_the_engine(capsys) -> None:
    path, _ = sample("seed")
    unknown = [f for f in jsonl(capsys, path).get("finding", [])
               if f["code"] == "dhcp.unknown-server"]
    assert unknown == []
    unknown = [f for f in jsonl(capsys, "--servers", PRIMARY, path)["finding"]
               if f["code"] == "dhcp.unknown-server"]
    assert unknown and all(SECONDARY in f["message"] for f in unknown)


def test_lb_max_secs_gives_the_designated_server(capsys) -> None:
    # the lab computed each client's RFC 3074 bucket and the peer its split designates
    path, facts = sample("many")
    peer = {"primary": PRIMARY, "secondary": SECONDARY}
    designated = {c["mac"]: peer[c["designated"]] for c in facts["clients"].values()}
    doras = [t for t in jsonl(capsys, "--lb-max-secs", "3", path)["transaction"]
             if t["kind"] == "dora" and t["client"]["mac"] in designated]
    assert {t["client"]["mac"] for t in doras} == set(designated)
    for t in doras:
        assert t["expected_server"] == designated[t["client"]["mac"]], t["client"]["mac"]
