"""The transactions, leases and findings sections of the text report.

Transactions read like a DHCP log with the answer attached: who asked, what was said, who
offered, who answered, who should have answered under the load-balancing split, how long the
server took (DELAY: DISCOVER->OFFER / REQUEST->ACK in ms) and the outcome.
Findings are grouped by severity (errors first), each with its explanation and, where there is
one, the line ISC dhcpd writes to syslog for the same problem, so the operator can match them.
"""
from __future__ import annotations

import textwrap
from collections.abc import Iterator

from dhcpanalyze.reports import fmt, table
from dhcpanalyze.reports.events import Spool, severity_rank
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
WRAP_PIPE = 100             # explanation width when stdout is not a terminal
FRAMES_SHOWN = 8            # a finding's frame list is cut after this many in text


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
    return fmt.iso_time(ts)[:19].replace("T", " ") if isinstance(ts, (int, float)) else fmt.EMPTY


class FindingGroups:
    """Findings parked by severity as they arrive, so each group prints in one pass."""

    def __init__(self) -> None:
        self.groups: dict[str, Spool] = {}

    def add(self, finding: dict) -> None:
        severity = str(finding.get("severity", "unknown")).lower()
        if severity not in self.groups:
            self.groups[severity] = Spool()
        self.groups[severity].append(finding)

    def ordered(self) -> list[tuple[str, Spool]]:
        """Most severe first; unknown severities last, by name."""
        return sorted(self.groups.items(), key=lambda kv: (severity_rank(kv[0]), kv[0]))

    def close(self) -> None:
        for spool in self.groups.values():
            spool.close()


def findings_section(findings: FindingGroups, options: TextOptions,
                     multi_day: bool) -> Iterator[str]:
    yield ""
    groups = findings.ordered()
    if not groups:
        yield options.palette.heading("Findings: none")
        return
    summary = ", ".join(f"{len(spool)} {severity}" for severity, spool in groups)
    yield options.palette.heading(f"Findings ({summary})")
    for severity, spool in groups:
        yield f"  {options.palette.severity(severity.upper(), severity)}"
        for finding in spool:
            yield from _finding(finding, options, multi_day)


def _finding(f: dict, options: TextOptions, multi_day: bool) -> Iterator[str]:
    frames = f.get("frames") or []
    shown = ",".join(str(n) for n in frames[:FRAMES_SHOWN])
    if len(frames) > FRAMES_SHOWN:
        shown += f",... ({len(frames)} frames)"
    where = f"  frames {shown}" if frames else ""
    headline = f"{fmt.clock(f.get('ts'), multi_day)}  {fmt.safe(f.get('code'))}{where}"
    width = (options.width or WRAP_PIPE) - 6
    yield from _wrapped(headline, width + 2, indent="    ")
    yield from _wrapped(fmt.safe(f.get("message")), width)
    if f.get("explanation"):
        yield from _wrapped(fmt.safe(f.get("explanation")), width)
    for log_line in _isc_log(f):
        yield from _wrapped("ISC log: " + fmt.safe(log_line), width)


def _isc_log(f: dict) -> list:
    value = f.get("isc_log")
    if not value:
        return []
    return value if isinstance(value, list) else [value]


def _wrapped(text: str, width: int, indent: str = "      ") -> Iterator[str]:
    for part in textwrap.wrap(text, max(width, 20), break_on_hyphens=False) or [""]:
        yield indent + part

