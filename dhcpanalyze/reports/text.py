"""The human-readable report: capture summary, servers, failover, transactions, leases, findings.

Sections come in the order an operator reads them, although transactions and findings arrive
first and the summary last: what arrives early is formatted at once, parked in Spools (temporary
files once large) and printed at the end, so memory stays flat. Times
are UTC. Every string that came from the wire goes through fmt.safe.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dhcpanalyze.reports import fmt, table
from dhcpanalyze.reports.events import (
    CAPTURE, FAILOVER, FINDING, LEASE, SERVER, TRANSACTION, Event)
from dhcpanalyze.reports.style import TextOptions
from dhcpanalyze.reports.table import Column, SpooledTable
from dhcpanalyze.reports.text_failover import failover_section, health_section
from dhcpanalyze.reports.text_findings import FindingGroups, findings_section
from dhcpanalyze.reports.text_tables import (
    LEASE_COLUMNS, TRANSACTION_COLUMNS, lease_cells, leases_section, transaction_cells,
    transactions_section)


class Collected:
    """Everything the report prints; transactions, leases and findings spooled as they come."""

    def __init__(self) -> None:
        self.capture: dict = {}
        self.servers: list[dict] = []
        self.failover: list[dict] = []
        self.transactions = SpooledTable(TRANSACTION_COLUMNS)
        self.leases = SpooledTable(LEASE_COLUMNS)
        self.findings = FindingGroups()

    def take(self, kind: str, obj: dict) -> None:
        if kind == TRANSACTION:
            self.transactions.add(transaction_cells(obj))
        elif kind == FINDING:
            self.findings.add(obj)
        elif kind == LEASE:
            self.leases.add(lease_cells(obj))
        elif kind == CAPTURE:
            self.capture = obj
        elif kind in (SERVER, FAILOVER):
            (self.servers if kind == SERVER else self.failover).append(obj)

    def close(self) -> None:
        for part in (self.transactions, self.leases, self.findings):
            part.close()


def render_text(events: Iterable[Event], options: TextOptions | None = None) -> Iterator[str]:
    """The text report as lines (no line ends)."""
    options = options or TextOptions()
    data = Collected()
    try:
        for kind, obj in events:
            data.take(kind, obj)
        multi_day = _spans_days(data.capture)
        yield from health_section(data.failover, options)
        yield from capture_section(data.capture, options)
        yield from servers_section(data.servers, options)
        for relationship in data.failover:
            yield from failover_section(relationship, options, multi_day)
        yield from transactions_section(data.transactions, options, multi_day)
        yield from leases_section(data.leases, options)
        yield from findings_section(data.findings, options, multi_day)
    finally:
        data.close()


def _spans_days(capture: dict) -> bool:
    first, last = capture.get("first_ts"), capture.get("last_ts")
    if not isinstance(first, (int, float)) or not isinstance(last, (int, float)):
        return False
    return fmt.iso_time(first)[:10] != fmt.iso_time(last)[:10]


def capture_section(capture: dict, options: TextOptions) -> Iterator[str]:
    heading = options.palette.heading("Capture")
    files = capture.get("files") or []
    first, last = capture.get("first_ts"), capture.get("last_ts")
    yield heading
    yield f"  files     {fmt.joined(files, ', ')}"
    yield f"  packets   {capture.get('packets', 0)} ({capture.get('malformed', 0)} malformed)"
    if capture.get("live"):
        yield from live_lines(capture["live"])
    if first is not None:
        span = fmt.seconds(last - first) if last is not None else fmt.EMPTY
        yield (f"  time      {fmt.clock(first, True)} -> {fmt.clock(last, True)} UTC"
               f" ({span})")
    else:
        yield "  time      - (no DHCP or failover traffic)"
    if options.filters:
        shown = ", ".join(f"{k.replace('_', '-')} {_filter_value(k, v)}"      # as the option
                          for k, v in options.filters.items())
        yield f"  filters   {shown}"


def live_lines(live: dict) -> Iterator[str]:
    """How a live capture went: backend and filter, what the kernel dropped, saved files, issues."""
    dropped = live.get("dropped")
    drops = "drops unknown" if dropped is None else f"{dropped} dropped"
    if live.get("interface_dropped"):
        drops += f", {live['interface_dropped']} dropped by the interface"
    yield f"  live      {fmt.safe(live.get('interface'))} via {fmt.safe(live.get('backend'))}: " \
          f"{fmt.safe(live.get('received', fmt.EMPTY))} received, {drops}"
    yield f"  filter    {fmt.safe(live.get('filter'))}"
    if live.get("saved"):
        yield f"  saved     {fmt.joined(live['saved'], ', ')}"
    for issue in live.get("issues") or []:
        yield f"  issue     {fmt.safe(issue)}"


def _filter_value(key: str, value: object) -> str:
    if key in ("since", "until") and isinstance(value, (int, float)):
        return fmt.clock(value, True) + " UTC"
    return fmt.safe(value)


SERVER_COLUMNS = [Column("SERVER"), Column("ROLE"), Column("OFFERS", ">"),
                  Column("ACKS", ">"), Column("NAKS", ">")]


def servers_section(servers: list[dict], options: TextOptions) -> Iterator[str]:
    yield ""
    if not servers:
        yield options.palette.heading("Servers: none seen")
        return
    yield options.palette.heading(f"Servers ({len(servers)})")
    rows = [[fmt.safe(s.get("ip")), fmt.safe(s.get("role") or "unknown"),
             fmt.safe(s.get("offers", 0)), fmt.safe(s.get("acks", 0)),
             fmt.safe(s.get("naks", 0))] for s in servers]
    yield from table.render(SERVER_COLUMNS, rows, options.width)
