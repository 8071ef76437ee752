"""Output of `config` and `leases`: what the files say, then findings, in the report's formats.

The findings go through the report's own renderers (text_findings, jsonout, csvout); this module
only adds the files' own tables: the failover peers as dhcpd runs them (`config`), the leases as
`dhcp-lease-list` shows them and the failover state history (`leases`).

Events are (kind, dict) pairs as in the report: kinds `peer`, `pool` (config), `lease`, `state`
(leases) and `finding`. `--format json` is one document of schema `dhcpanalyze.config/1` or
`dhcpanalyze.leases/1` with one array per kind; `--format jsonl` one object per event with its
`record` kind.
"""
from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from typing import TextIO

from dhcpanalyze.reports import fmt, table
from dhcpanalyze.reports.csvout import render_csv
from dhcpanalyze.reports.events import FINDING, LEASE, Event
from dhcpanalyze.reports.jsonout import dumps, render_jsonl
from dhcpanalyze.reports.style import Palette, TextOptions, terminal_width, wants_color
from dhcpanalyze.reports.table import Column
from dhcpanalyze.reports.text_findings import FindingGroups, findings_section
from dhcpanalyze.reports.text_tables import LEASE_COLUMNS, lease_cells

PEER, POOL, STATE = "peer", "pool", "state"

PEER_FIELDS = [("role", "role"), ("address", "address"), ("port", "port"),
               ("peer_address", "peer address"), ("peer_port", "peer port"), ("mclt", "mclt"),
               ("split", "split"), ("max_response_delay", "max-response-delay"),
               ("max_unacked_updates", "max-unacked-updates"),
               ("load_balance_max_seconds", "load balance max seconds")]
POOL_COLUMNS = [Column("FILE"), Column("LINE", ">"), Column("SUBNET"), Column("FAILOVER PEER"),
                Column("RANGES", flex=1)]
STATE_COLUMNS = [Column("FILE"), Column("LINE", ">"), Column("RELATIONSHIP"), Column("MY STATE"),
                 Column("SINCE"), Column("PARTNER STATE"), Column("PARTNER SINCE"),
                 Column("MCLT", ">")]

LEASES_SCHEMA = "dhcpanalyze.leases/1"


def lines(args: argparse.Namespace, schema: str, events: Iterable[Event],
          out: TextIO) -> Iterator[str]:
    """The output lines for args.format."""
    if args.format == "jsonl":
        return render_jsonl(events, schema=schema)
    if args.format == "csv":
        return render_csv(events, args.csv_table)
    if args.format == "json":
        return _json(schema, events)
    options = TextOptions(width=terminal_width(out),
                          palette=Palette(wants_color(out, args.no_color)))
    return _text(events, options, leases_of=None if schema != LEASES_SCHEMA
                 else bool(getattr(args, "all", False)))


def _json(schema: str, events: Iterable[Event]) -> Iterator[str]:
    """One document: schema, then one array per kind in arrival order, one element per line."""
    arrays: dict[str, list[dict]] = {}
    for kind, obj in events:
        arrays.setdefault(kind, []).append(obj)
    arrays.setdefault(FINDING, [])
    yield "{" + f'"schema": {dumps(schema)},'
    keys = list(arrays)
    for n, kind in enumerate(keys):
        end = "]" if n == len(keys) - 1 else "],"
        items = arrays[kind]
        yield f' "{_plural(kind)}": [' + ("" if items else end)
        for i, obj in enumerate(items):
            yield "  " + dumps(obj) + ("," if i < len(items) - 1 else "")
        if items:
            yield " " + end
    yield "}"


def _plural(kind: str) -> str:
    return {"state": "failover_states"}.get(kind, kind + "s")


def _text(events: Iterable[Event], options: TextOptions,
          leases_of: bool | None = None) -> Iterator[str]:
    """`leases_of`: None for `config`; for `leases`, whether --all was given (an empty table is
    said so: a file of free addresses only lists nothing without --all)."""
    findings = FindingGroups()
    parts: dict[str, list[dict]] = {PEER: [], POOL: [], LEASE: [], STATE: []}
    try:
        for kind, obj in events:
            if kind == FINDING:
                findings.add(obj)
            elif kind in parts:
                parts[kind].append(obj)
        for peer in parts[PEER]:
            yield from peer_section(peer, options)
        if parts[POOL]:
            yield from _table(f"Pools ({len(parts[POOL])})", POOL_COLUMNS,
                              [_pool_cells(p) for p in parts[POOL]], options)
        if parts[LEASE]:
            yield from _table(f"Leases ({len(parts[LEASE])}, last block per address, times UTC)",
                              LEASE_COLUMNS, [lease_cells(_shown(x)) for x in parts[LEASE]],
                              options)
        elif leases_of is not None:
            yield options.palette.heading("Leases: none" + ("" if leases_of else
                                          " with a client (--all: also free and backup addresses)"))
            yield ""
        if parts[STATE]:
            yield from _table(f"Failover state history ({len(parts[STATE])}, times UTC)",
                              STATE_COLUMNS, [_state_cells(s) for s in parts[STATE]], options)
        yield from findings_section(findings, options, multi_day=False)
    finally:
        findings.close()


def peer_section(peer: dict, options: TextOptions) -> Iterator[str]:
    """One failover peer as dhcpd runs it; `(default)` marks a value dhcpd supplies."""
    yield options.palette.heading(
        f"Failover peer {fmt.safe(peer.get('name'))}  ({fmt.safe(peer.get('file'))}:"
        f"{peer.get('line')})")
    defaulted = set(peer.get("defaults") or [])
    for key, label in PEER_FIELDS:
        value = peer.get(key)
        note = "  (default)" if key in defaulted else ""
        yield f"  {label:<26}{fmt.safe(value)}{note}"
    yield ""


def _table(heading: str, columns: list[Column], rows: list[list[str]],
           options: TextOptions) -> Iterator[str]:
    yield options.palette.heading(heading)
    yield from table.render(columns, rows, options.width)
    yield ""


def _pool_cells(pool: dict) -> list[str]:
    return [fmt.safe(pool.get("file")), fmt.safe(pool.get("line")), fmt.safe(pool.get("subnet")),
            fmt.safe(pool.get("failover_peer")),
            ", ".join(f"{fmt.safe(a)}-{fmt.safe(b)}" for a, b in pool.get("ranges") or [])
            or fmt.EMPTY]


def _shown(lease: dict) -> dict:
    """A file lease for the report's lease table: `never` for an end that never comes."""
    if lease.get("ends_never"):
        return {**lease, "ends": None}
    return lease


def _state_cells(state: dict) -> list[str]:
    return [fmt.safe(state.get("file")), fmt.safe(state.get("line")),
            fmt.safe(state.get("relationship")), fmt.safe(state.get("my_state")),
            _at(state.get("my_at")), fmt.safe(state.get("partner_state")),
            _at(state.get("partner_at")), fmt.safe(state.get("mclt"))]


def _at(ts: object) -> str:
    return fmt.iso_time(ts)[:19].replace("T", " ") if isinstance(ts, (int, float)) else fmt.EMPTY
