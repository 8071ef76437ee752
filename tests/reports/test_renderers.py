"""Renderers on a document shaped exactly like issue 5's contract (tests/reports/contract.py).

Golden files: tests/reports/golden/contract.{txt,json,jsonl,csv}; regenerate with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/reports` and review the diff.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dhcpanalyze.reports import jsonout
from dhcpanalyze.reports.csvout import TABLES, render_csv
from dhcpanalyze.reports.events import SCHEMA, document_events
from dhcpanalyze.reports.jsonout import render_json, render_jsonl
from dhcpanalyze.reports.style import Palette, TextOptions
from dhcpanalyze.reports.text import render_text
from tests.reports.contract import SEED_DOC, T0, empty_report, seed_doc
from tests.reports.golden import check_golden

HOSTILE = "evil\x1b[2J\nroot\x00"


def text_of(doc: dict, **options) -> str:
    return "\n".join(render_text(document_events(doc), TextOptions(**options))) + "\n"


def test_golden_text() -> None:
    check_golden("contract.txt", text_of(seed_doc()))


def test_golden_json() -> None:
    check_golden("contract.json", "\n".join(render_json(document_events(seed_doc()))) + "\n")


def test_golden_jsonl() -> None:
    check_golden("contract.jsonl", "\n".join(render_jsonl(document_events(seed_doc()))) + "\n")


@pytest.mark.parametrize("table", sorted(TABLES))
def test_golden_csv(table: str) -> None:
    lines = render_csv(document_events(seed_doc()), table)
    check_golden(f"contract-{table}.csv", "\n".join(lines) + "\n")


def test_json_document_round_trips_to_the_contract() -> None:
    doc = json.loads("\n".join(render_json(document_events(seed_doc()))))
    assert doc["schema"] == SCHEMA
    assert list(doc) == ["schema", "filters", "capture", "servers", "failover",
                         "transactions", "leases", "findings"]
    for key in ("capture", "servers", "failover", "transactions", "leases", "findings"):
        assert doc[key] == SEED_DOC[key], key


def test_jsonl_lines_carry_record_kind_and_the_same_objects() -> None:
    records = [json.loads(line) for line in render_jsonl(document_events(seed_doc()))]
    kinds = [r["record"] for r in records]
    assert kinds == ["transaction"] * 3 + ["finding"] * 3 + ["capture"] + ["server"] * 2 \
        + ["failover"] + ["lease"] * 2
    assert all(r["schema"] == SCHEMA for r in records)
    first = {k: v for k, v in records[0].items() if k not in ("record", "schema")}
    assert first == SEED_DOC["transactions"][0]


def test_jsonl_streams_transactions_before_the_input_ends() -> None:
    """The first line is out while the event source is still open (memory stays flat)."""
    def events():
        yield "transaction", SEED_DOC["transactions"][0]
        raise AssertionError("renderer read ahead before yielding the first line")
    assert json.loads(next(render_jsonl(events())))["xid"] == 2244309520


def test_hostile_hostname_is_escaped_in_text() -> None:
    text = text_of(seed_doc())
    assert "evil\\x1b[2J\\x0aroot\\x00" in text
    assert "\x1b" not in text and "\x00" not in text
    assert all("root" not in line or "evil" in line for line in text.splitlines())


def test_hostile_hostname_is_escaped_in_csv_and_json() -> None:
    rows = list(csv.reader(io.StringIO("\n".join(render_csv(document_events(seed_doc()))))))
    assert rows[2][rows[0].index("hostname")] == "evil\\x1b[2J\\x0aroot\\x00"
    json_text = "\n".join(render_json(document_events(seed_doc())))
    assert "\x1b" not in json_text and "\x00" not in json_text
    assert json.loads(json_text)["transactions"][1]["client"]["hostname"] == HOSTILE


def test_bidi_override_in_a_finding_message_is_escaped() -> None:
    doc = seed_doc()
    doc["findings"][0]["message"] = "lease for \u202egnp.exe"
    assert "lease for \\u202egnp.exe" in text_of(doc)


def test_colour_marks_severities_and_outcomes_only_when_enabled() -> None:
    coloured = text_of(seed_doc(), palette=Palette(True))
    assert "\x1b[31;1mERROR\x1b[0m" in coloured
    assert "\x1b[32mack" in coloured
    plain = text_of(seed_doc(), palette=Palette(False))
    assert "\x1b" not in plain
    assert coloured.replace("\x1b[0m", "").count("\x1b[") > 5


@pytest.mark.parametrize("width", [100, 120, 160])
def test_terminal_width_is_respected(width: int) -> None:
    lines = text_of(seed_doc(), width=width).splitlines()
    too_long = [line for line in lines if len(line) > width]
    assert not too_long


def test_narrow_terminal_cuts_wire_strings_but_keeps_addresses() -> None:
    text = text_of(seed_doc(), width=120)
    assert "…" in text
    for address in ("192.168.100.125", "192.168.100.150", "52:54:00:12:34:56"):
        assert address in text


def test_pipe_output_cuts_nothing() -> None:
    text = text_of(seed_doc())
    assert "…" not in text
    assert "DISCOVER*2,OFFER,REQUEST,ACK" in text


def test_findings_are_grouped_by_severity_most_severe_first() -> None:
    lines = text_of(seed_doc()).splitlines()
    start = lines.index("Findings (1 error, 1 warning, 1 info)")
    assert [line.strip() for line in lines[start:] if line.strip() in
            ("ERROR", "WARNING", "INFO")] == ["ERROR", "WARNING", "INFO"]
    block = "\n".join(lines[start:])
    assert block.index("failover.link-down") < block.index("dhcp.server-unreachable") \
        < block.index("dhcp.takeover")
    assert ("      ISC log: DHCPRELEASE of 192.168.100.125 from 96:a3:dc:e1:f2:71 via eth0 "
            "(not found)") in lines


def test_empty_report_says_so() -> None:
    doc = {"capture": {"files": ["empty.pcap"], "packets": 0, "first_ts": None,
                       "last_ts": None, "malformed": 0}}
    assert text_of(doc) == empty_report("empty.pcap", 0)


def test_times_carry_the_date_when_the_capture_spans_days() -> None:
    doc = seed_doc()
    doc["capture"]["last_ts"] = T0 + 86400 * 2
    assert "  2026-11-28 09:21:50.000  dora" in text_of(doc)


def test_long_frame_lists_are_cut_in_text_but_whole_in_json() -> None:
    doc = seed_doc()
    doc["findings"][0]["frames"] = list(range(1, 101))
    assert "frames 1,2,3,4,5,6,7,8,... (100 frames)" in text_of(doc)
    assert json.loads("\n".join(render_json(document_events(doc))))["findings"][0]["frames"] \
        == list(range(1, 101))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_report_json_encoder_writes_what_json_dumps_writes(obj):
    # jsonout calls the C encoder directly, built once; it must give json.dumps's bytes
    assert jsonout.dumps(obj) == json.dumps(obj, ensure_ascii=True, separators=(", ", ": "))
