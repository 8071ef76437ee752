"""`dhcpanalyze packets`: listing, jsonl contract, robustness on every capture we have."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dhcpanalyze.cli import main
from tests.conftest import ROOT, corpus_captures, corpus_file, sample_captures

ALL_CAPTURES = corpus_captures() + sample_captures()


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_lines_of_wireshark_sample(capsys):
    code, out, err = run_cli(capsys, "packets", str(corpus_file("wireshark/dhcp.pcap")))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[0].split()[:2] == ["1", "0.000000"]
    assert "0.0.0.0:68" in lines[0] and "255.255.255.255:67" in lines[0]
    assert lines[0].endswith("DHCP     DISCOVER 0.0.0.0 from 00:0b:82:01:fc:42 xid 0x00003d1d")
    assert lines[1].endswith("DHCP     OFFER 192.168.0.10 to 00:0b:82:01:fc:42 by 192.168.0.1 lease 3600s "
                             "xid 0x00003d1d")
    assert "DHCP     ACK 192.168.0.10 to 00:0b:82:01:fc:42 by 192.168.0.1" in lines[3]


def test_jsonl_contract_fields(capsys):
    code, out, _ = run_cli(capsys, "packets", "--format", "jsonl", str(corpus_file("wireshark/dhcp.pcap")))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    offer = records[1]
    required = {"record", "frame", "ts", "src", "sport", "dst", "dport", "op", "htype", "hlen", "hops", "xid",
                "secs", "flags", "ciaddr", "yiaddr", "siaddr", "giaddr", "chaddr", "sname", "file", "msg_type",
                "options", "issues", "via_icmp"}
    assert required <= offer.keys()
    assert (offer["record"], offer["frame"], offer["op"], offer["xid"]) == ("dhcp", 2, 2, 0x3D1D)
    assert (offer["yiaddr"], offer["chaddr"], offer["msg_type"]) == ("192.168.0.10", "00:0b:82:01:fc:42", "OFFER")
    assert offer["options"][0] == {"code": 53, "name": "dhcp-message-type", "raw": "02", "value": "OFFER"}
    assert offer["via_icmp"] is None and offer["issues"] == []


def test_verbose_tree_and_hex(capsys):
    code, out, _ = run_cli(capsys, "packets", "-V", "-x", str(corpus_file("wireshark/dhcp.pcap")))
    assert code == 0
    assert "User Datagram Protocol, Src Port: 68, Dst Port: 67" in out
    assert "0000  ff ff ff ff ff ff 00 0b 82 01 fc 42 08 00 45 00" in out


def test_not_a_capture_exits_3_with_one_line(capsys, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    code, out, err = run_cli(capsys, "packets", str(bad))
    assert code == 3 and out == ""
    assert err.count("\n") == 1 and "not a pcap or pcapng capture" in err


def test_usage_error_exits_2(capsys):
    code, _, err = run_cli(capsys, "packets", "--format", "xml", "x.pcap")
    assert code == 2 and "invalid choice" in err


@pytest.mark.parametrize("path", ALL_CAPTURES, ids=lambda p: p.name)
def test_every_capture_lists_without_traceback(path):
    """`dhcpanalyze packets` on each corpus file and sample exits 0 and prints no traceback."""
    proc = subprocess.run([sys.executable, "-m", "dhcpanalyze", "packets", "-V", str(path)],
                          capture_output=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert b"Traceback" not in proc.stderr
    assert b"\x1b" not in proc.stdout, "raw escape character reached the terminal"


def test_stdin_pipe(tmp_path):
    data = corpus_file("wireshark/dhcp.pcap").read_bytes()
    proc = subprocess.run([sys.executable, "-m", "dhcpanalyze", "packets", "-"], input=data,
                          capture_output=True, cwd=ROOT, check=True)
    assert len(proc.stdout.decode().splitlines()) == 4


def test_hostile_strings_are_escaped_in_every_view(capsys, tmp_path):
    """A client hostname carrying an ANSI escape, a newline and a bidi override stays visible text."""
    import dpkt

    from tests.dissectors.conftest import build_bootp
    hostile = b"pwn\x1b[31mred\nline\xe2\x80\xae"
    options = b"\x35\x01\x01" + b"\x0c" + bytes([len(hostile)]) + hostile + b"\xff"
    udp = dpkt.udp.UDP(sport=68, dport=67, data=build_bootp(op=1, options=options))
    udp.ulen = 8 + len(udp.data)
    ip = dpkt.ip.IP(src=bytes(4), dst=bytes([255] * 4), p=17, data=udp)
    ip.len = 20 + len(bytes(udp))
    path = tmp_path / "hostile.pcap"
    with open(path, "wb") as fh:
        dpkt.pcap.Writer(fh).writepkt(bytes(dpkt.ethernet.Ethernet(data=ip)), 1.0)
    for argv in (["packets", "-V", str(path)], ["report", str(path)]):
        code, out, _ = run_cli(capsys, *argv)
        assert code == 0
        assert "\x1b" not in out and "\u202e" not in out and "red\nline" not in out, argv
        assert "pwn\\x1b[31mred\\x0aline\\u202e" in out, argv
