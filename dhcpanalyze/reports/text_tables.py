"""The transactions, leases and findings sections of the text report.

Transactions read like a DHCP log with the answer attached: who asked, what was said, who
offered, who answered, who should have answered under the load-balancing split, how long the
server took (DELAY: DISCOVER->OFFER / REQUEST->ACK in ms) and the outcome.
(Findings are in text_findings.py.)
"""
from __future__ import annotations

from collections.abc import Iterator

from dhcpanalyze.reports import fmt
from dhcpanalyze.reports.style import TextOptions
from dhcpanalyze.reports.table import Column, SpooledTable

TRANSACTION_COLUMNS = [
    Column("TIME", late=True), Column("KIND"), Column("XID", drop=5), Column("CLIENT"),
    Column("HOSTNAME", flex=4, drop=3), Column("MESSAGES", flex=3, min_width=8, drop=2),
    Column("OFFERED-BY", flex=1, min_width=15, drop=4), Column("SERVER"),
    Column("EXPECTED", drop=1), Column("ADDRESS"), Column("LEASE", ">", drop=6),
    Column("RELAY", flex=2, drop=7), Column("DELAY", ">", drop=8), Column("OUTCOME")]
LEASE_COLUMNS = [
    Column("ADDRESS"), Column("MAC"), Column("HOSTNAME", flex=4, drop=2), Column("STARTS", drop=3),
    Column("ENDS"), Column("SERVER"), Column("STATE", drop=1), Column("REPLICATED")]


def transactions_section(rows: SpooledTable, options: TextOptions,
                         multi_day: bool) -> Iterator[str]:
    yield ""
    if not len(rows):
        yield options.palette.heading("Transactions: none")
        return
    yield options.palette.heading(f"Transactions ({len(rows)}, times UTC)")
    palette = options.palette
    paint = {len(TRANSACTION_COLUMNS) - 1: lambda cell, padded: palette.outcome(padded, cell)}
    yield from rows.lines(options.width, lambda ts: fmt.clock(ts, multi_day), paint=paint)


def transaction_cells(t: dict) -> list:
    """The row of one transaction; the TIME cell stays a timestamp until printed."""
    client = t.get("client") or {}
    offered_by = list(dict.fromkeys(o.get("server") for o in t.get("offers") or []))
    lease = t.get("lease_time")
    start = t.get("start")
    return [start if isinstance(start, (int, float)) else None, fmt.safe(t.get("kind")),
            fmt.hex_xid(t.get("xid")), fmt.safe(client.get("mac") or client.get("client_id")),
            fmt.safe(client.get("hostname")), _messages(t.get("msg_types") or []),
            fmt.joined(offered_by), fmt.safe(t.get("server")), fmt.safe(t.get("expected_server")),
            fmt.safe(t.get("assigned_ip")), f"{lease}s" if isinstance(lease, int) else fmt.EMPTY,
            fmt.safe(t.get("relay")), _delay(t), fmt.safe(t.get("outcome"))]


def _delay(t: dict) -> str:
    """How long the server took: DISCOVER->OFFER / REQUEST->ACK in milliseconds."""
    parts = [t.get("offer_latency"), t.get("ack_latency")]
    if all(p is None for p in parts):
        return fmt.EMPTY
    return "/".join(_ms(p) for p in parts) + " ms"


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    ms = seconds * 1000
    return f"{ms:.1f}" if ms < 10 else f"{ms:.0f}"


def _messages(types: list) -> str:
    """Message types with retries folded: DISCOVER*3,OFFER,REQUEST,ACK."""
    folded: list[list] = []
    for name in types:
        if folded and folded[-1][0] == name:
            folded[-1][1] += 1
        else:
            folded.append([name, 1])
    return ",".join(fmt.safe(n) + (f"*{k}" if k > 1 else "") for n, k in folded) or fmt.EMPTY


def leases_section(rows: SpooledTable, options: TextOptions) -> Iterator[str]:
    yield ""
    if not len(rows):
        yield options.palette.heading("Leases: none")
        return
    yield options.palette.heading(f"Leases ({len(rows)}, times UTC)")
    yield from rows.lines(options.width, fmt.safe)


def lease_cells(lease: dict) -> list[str]:
    replicated = lease.get("replicated")
    return [fmt.safe(lease.get("ip")), fmt.safe(lease.get("mac")), fmt.safe(lease.get("hostname")),
            _when(lease.get("starts")), _when(lease.get("ends")), fmt.safe(lease.get("server")),
            fmt.safe(lease.get("state")),
            fmt.EMPTY if replicated is None else ("yes" if replicated else "no")]


def _when(ts: object) -> str:
    """Lease times with the date: a lease usually ends after the capture does."""
    return fmt.date_time(ts) if isinstance(ts, (int, float)) else fmt.EMPTY
