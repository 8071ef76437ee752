"""One report table as CSV: header row, RFC 4180 quoting, LF line ends, a fixed column order.

`--csv-table` picks the table (transactions by default). Column order, stable within schema
dhcpanalyze.report/1 (names follow Zeek's dhcp.log where they overlap; times are epoch seconds
plus an ISO-8601 UTC twin; lists are comma-joined inside one quoted cell):

transactions: start, start_iso, end, kind, xid, mac, client_id, hostname, msg_types,
              offered_by, offered_addrs (parallel to offered_by), server, expected_server,
              assigned_addr, requested_addr, lease_time, relay, outcome, frames,
              offer_latency, ack_latency (seconds: DISCOVER->OFFER, REQUEST->ACK/NAK)
findings:     ts, ts_iso, severity, code, frames, message, explanation, isc_log
file-findings: the findings columns, then file, line, fix (where a config.* / leases.* finding's
              cause is written, and how to correct it; empty for findings about the capture)
leases:       ip, mac, client_id, hostname, starts, starts_iso, ends, ends_iso, server, state,
              replicated
servers:      ip, role, offers, acks, naks

Absent values are empty cells. Wire strings keep their text, but control characters are written
as \\xNN (as in the text report) so a CSV shown on a terminal cannot drive it. A text cell that
starts with = + - @ (or tab / CR) gets a leading single quote, as OWASP recommends against CSV
formula injection: a hostname `=cmd|' /C calc'!A0` stays text in a spreadsheet. Numbers are not
text cells and are written as they are.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from dhcpanalyze.reports import fmt
from dhcpanalyze.reports.events import FINDING, LEASE, SERVER, TRANSACTION, Event

Row = Callable[[dict], list]


# OWASP "CSV Injection": cells a spreadsheet would read as a formula start with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: object) -> str:
    return "" if value is None else _as_text_cell(fmt.safe(value))


def _list(values: object) -> str:
    if not isinstance(values, list):
        return _text(values)
    return _as_text_cell(",".join("" if v is None else fmt.safe(v) for v in values))


def _as_text_cell(text: str) -> str:
    """`text` that a spreadsheet shows as text, never evaluates (a leading ' when it looks like a formula)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _transaction(t: dict) -> list:
    client = t.get("client") or {}
    offers = t.get("offers") or []
    return [t.get("start"), fmt.iso_time(t.get("start")), t.get("end"), _text(t.get("kind")),
            t.get("xid"), _text(client.get("mac")), _text(client.get("client_id")),
            _text(client.get("hostname")), _list(t.get("msg_types") or []),
            _list([o.get("server") for o in offers]), _list([o.get("yiaddr") for o in offers]),
            _text(t.get("server")), _text(t.get("expected_server")),
            _text(t.get("assigned_ip")), _text(t.get("requested_ip")), t.get("lease_time"),
            _text(t.get("relay")), _text(t.get("outcome")), _list(t.get("frames") or []),
            t.get("offer_latency"), t.get("ack_latency")]


def _finding(f: dict) -> list:
    return [f.get("ts"), fmt.iso_time(f.get("ts")), _text(f.get("severity")),
            _text(f.get("code")), _list(f.get("frames") or []), _text(f.get("message")),
            _text(f.get("explanation")), _list(f.get("isc_log"))]


def _file_finding(f: dict) -> list:
    return _finding(f) + [_text(f.get("file")), f.get("line"), _text(f.get("fix"))]


def _lease(lease: dict) -> list:
    return [_text(lease.get("ip")), _text(lease.get("mac")), _text(lease.get("client_id")),
            _text(lease.get("hostname")), lease.get("starts"), fmt.iso_time(lease.get("starts")),
            lease.get("ends"), fmt.iso_time(lease.get("ends")), _text(lease.get("server")),
            _text(lease.get("state")), _bool(lease.get("replicated"))]


def _bool(value: object) -> str:
    return "" if value is None else ("true" if value else "false")


def _server(s: dict) -> list:
    return [_text(s.get("ip")), _text(s.get("role")), s.get("offers"), s.get("acks"),
            s.get("naks")]


TABLES: dict[str, tuple[str, list[str], Row]] = {
    "transactions": (TRANSACTION, [
        "start", "start_iso", "end", "kind", "xid", "mac", "client_id", "hostname", "msg_types",
        "offered_by", "offered_addrs", "server", "expected_server", "assigned_addr",
        "requested_addr", "lease_time", "relay", "outcome", "frames", "offer_latency",
        "ack_latency"], _transaction),
    "findings": (FINDING, [
        "ts", "ts_iso", "severity", "code", "frames", "message", "explanation", "isc_log"],
        _finding),
    "file-findings": (FINDING, [
        "ts", "ts_iso", "severity", "code", "frames", "message", "explanation", "isc_log",
        "file", "line", "fix"], _file_finding),
    "leases": (LEASE, [
        "ip", "mac", "client_id", "hostname", "starts", "starts_iso", "ends", "ends_iso",
        "server", "state", "replicated"], _lease),
    "servers": (SERVER, ["ip", "role", "offers", "acks", "naks"], _server),
}


def render_csv(events: Iterable[Event], table: str = "transactions") -> Iterator[str]:
    """The chosen table's header and one line per object of that kind, as they arrive."""
    kind, header, to_row = TABLES[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="", quoting=csv.QUOTE_MINIMAL)

    def line(cells: list) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if c is None else c for c in cells])
        return buffer.getvalue()

    yield line(header)
    for event_kind, obj in events:
        if event_kind == kind:
            yield line(to_row(obj))
