"""`dhcpanalyze report` usage errors (exit 2) and unreadable input (exit 3), called in-process.

Each must give one clear line on stderr, nothing on stdout and no traceback.
"""
from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest

from dhcpanalyze.cli import main
from dhcpanalyze.exitcodes import Exit


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(["report", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv, complaint", [
    (["--client", "zz:zz", "x.pcap"], "argument --client: not a MAC address: 'zz:zz'"),
    (["--ip", "192.168.1.300", "x.pcap"], "argument --ip:"),
    (["--server", "example.com", "x.pcap"], "argument --server:"),
    (["--since", "last tuesday", "x.pcap"], "argument --since:"),
    (["--fail-on", "critical", "x.pcap"], "argument --fail-on: invalid choice: 'critical'"),
    (["--format", "xml", "x.pcap"], "argument --format: invalid choice: 'xml'"),
    (["--lb-max-secs", "-1", "x.pcap"], "argument --lb-max-secs: must be 0 or more: -1"),
    (["--servers", "10.0.0.1,nope", "x.pcap"], "argument --servers:"),
    (["--dhcp-port", "http", "x.pcap"], "argument --dhcp-port: invalid int value: 'http'"),
    ([], "give FILE... (or - for stdin), or -i IFACE"),
])
def test_usage_errors_exit_2(capsys, argv: list[str], complaint: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == Exit.USAGE == 2
    assert out == ""
    assert complaint in err
    assert "Traceback" not in err


def test_since_after_until_is_a_usage_error(capsys) -> None:
    code, out, err = run(capsys, "--since", "2026-11-28T10:00:00", "--until",
                         "2026-11-28T09:00:00", "x.pcap")
    assert (code, out, err) == (2, "", "dhcpanalyze report: --since is after --until\n")


def test_missing_file_exits_3(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "nope.pcap"
    code, out, err = run(capsys, str(missing))
    assert (code, out) == (Exit.UNREADABLE, "")
    assert err == f"dhcpanalyze report: {missing}: No such file or directory\n"


def test_not_a_capture_exits_3(capsys, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("# not a capture\n")
    code, out, err = run(capsys, str(text))
    assert (code, out) == (3, "")
    assert err == (f"dhcpanalyze report: {text}: not a pcap or pcapng capture "
                   "(starts with 23206e6f)\n")


def test_directory_and_empty_file_exit_3(capsys, tmp_path: Path) -> None:
    empty = tmp_path / "empty.pcap"
    empty.write_bytes(b"")
    for path in (tmp_path, empty):
        code, out, err = run(capsys, str(path))
        assert (code, out) == (3, "")
        assert err.startswith(f"dhcpanalyze report: {path}: ") and err.count("\n") == 1


def test_a_bad_second_file_is_found_before_any_output(capsys, tmp_path: Path) -> None:
    good = tmp_path / "good.pcap.gz"
    good.write_bytes(gzip.compress(bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")))
    code, out, err = run(capsys, "--format", "jsonl", str(good), str(tmp_path / "missing.pcap"))
    assert (code, out) == (3, "")
    assert "missing.pcap: No such file or directory" in err


def test_stdin_that_is_not_a_capture_exits_3(capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"hello, not a pcap")))
    code, out, err = run(capsys, "-")
    assert (code, out) == (3, "")
    assert err == "dhcpanalyze report: -: not a pcap or pcapng capture (starts with 68656c6c)\n"


def test_control_characters_in_a_file_name_are_escaped(capsys, tmp_path: Path) -> None:
    name = tmp_path / "evil\x1b[31m.pcap"
    code, _, err = run(capsys, str(name))
    assert code == 3
    assert "\x1b" not in err and "evil\\x1b[31m.pcap" in err
