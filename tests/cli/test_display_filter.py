"""`-Y FILTER` on `packets` and `report`: selection, a bad filter's exit and message."""
from __future__ import annotations

import json

import pytest

from dhcpanalyze.cli import main
from tests.conftest import ROOT

SEED = str(ROOT / "samples" / "seed.pcap")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_packets_prints_only_matching_messages_with_unfiltered_times(capsys):
    _, every, _ = run_cli(capsys, "packets", SEED)
    code, out, err = run_cli(capsys, "packets", "-Y", "dhcp.option.dhcp == ACK", SEED)
    assert (code, err) == (0, "")
    acks = [line for line in every.splitlines() if " ACK " in line]
    assert out.splitlines() == acks and len(acks) == 3


def test_packets_jsonl_with_filter(capsys):
    code, out, _ = run_cli(capsys, "packets", "--format", "jsonl", "-Y", "dhcpfo.type == BNDUPD", SEED)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [(r["frame"], r["type_name"]) for r in rows] == [(17, "BNDUPD")]


@pytest.mark.parametrize("command", ["packets", "report"])
def test_bad_filter_exits_2_with_a_caret(capsys, command):
    code, out, err = run_cli(capsys, command, "-Y", "dhcp.id == zz", SEED)
    assert (code, out) == (2, "")
    assert err.splitlines() == [f'dhcpanalyze {command}: "zz" is not a valid number.',
                                "    dhcp.id == zz", "               ^~"]


def _report_objects(capsys, *argv: str) -> list[tuple[str, object]]:
    code, out, _ = run_cli(capsys, "report", "--format", "jsonl", *argv, SEED)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    return [(r["record"], r.get("frames") or r.get("frame")) for r in rows
            if r["record"] in ("transaction", "lease", "finding")]


def test_report_selects_transactions_and_findings_by_their_packets(capsys):
    got = _report_objects(capsys, "-Y", "dhcp.option.dhcp == ACK && ip.src == 192.168.100.3")
    assert got == [("transaction", [30, 31, 32, 33]), ("finding", [33])]


def test_report_object_namespaces(capsys):
    assert _report_objects(capsys, "-Y", 'txn.outcome == "unreachable"') == [
        ("transaction", [28, 29]), ("transaction", [46, 47])]
    assert [f for _, f in _report_objects(capsys, "-Y", "finding.severity >= warning")] == [
        [23], [29], [35], [47]]
    assert _report_objects(capsys, "-Y", "lease.replicated == false") == [("lease", 51)]


def test_report_filter_spans_the_transactions_packets(capsys):
    # no single packet is both a DISCOVER and an ACK; the DORA holds both
    both = _report_objects(capsys, "-Y", "dhcp.option.dhcp == Discover && dhcp.option.dhcp == ACK")
    assert [obj for obj in both if obj[0] == "transaction"] == [
        ("transaction", [13, 14, 15, 16]), ("transaction", [30, 31, 32, 33]),
        ("transaction", [48, 49, 50, 51])]


def test_report_display_filter_combines_with_client_and_since(capsys):
    got = _report_objects(capsys, "-Y", "dhcp.option.dhcp == ACK", "--server", "192.168.100.2",
                          "--since", "2026-11-28T10:12:10")
    assert [obj for obj in got if obj[0] == "transaction"] == [("transaction", [48, 49, 50, 51])]


def test_report_json_names_the_display_filter(capsys):
    code, out, _ = run_cli(capsys, "report", "--format", "json", "-Y", "dhcp", SEED)
    assert code == 0 and json.loads(out)["filters"] == {"display_filter": "dhcp"}


def test_report_text_names_the_display_filter_by_its_option(capsys):
    code, out, _ = run_cli(capsys, "report", "--no-color", "-Y", "dhcp.option.dhcp == NAK",
                           "--client", "02:da:01:00:00:01", SEED)
    assert code == 0
    assert "  filters   client 02:da:01:00:00:01, display-filter dhcp.option.dhcp == NAK" in out


def test_packets_notes_that_report_namespaces_are_absent(capsys):
    code, out, err = run_cli(capsys, "packets", "-Y", "dhcp and !txn.outcome", SEED)
    assert code == 0 and len(out.splitlines()) == 16
    assert err == ("dhcpanalyze packets: note: txn.* describe what `report` correlates; "
                   "to `packets` they are absent fields\n")
