"""The failover relationship section of the text report: configuration, peers, states, updates.

What the pair agreed on the wire (CONNECT / CONNECTACK), each peer's limits and software, the
state timeline from STATE messages and the binding-update counts, as one block per relationship.
"""
from __future__ import annotations

from collections.abc import Iterator

from dhcpanalyze.reports import fmt, table
from dhcpanalyze.reports.style import TextOptions
from dhcpanalyze.reports.table import Column

PEER_COLUMNS = [Column("PEER"), Column("ROLE"), Column("MAX-UNACKED", ">"),
                Column("RECEIVE-TIMER", ">"), Column("VENDOR", flex=1)]
STATE_COLUMNS = [Column("TIME"), Column("FRAME", ">"), Column("SERVER"),
                 Column("STATE", flex=1)]


def failover_section(rel: dict, options: TextOptions, multi_day: bool) -> Iterator[str]:
    """One relationship: headline, peers table, state timeline, binding-update counts."""
    yield ""
    name = fmt.safe(rel.get("relationship"))
    yield options.palette.heading(f'Failover relationship "{name}"')
    yield f"  primary {fmt.safe(rel.get('primary'))}, secondary {fmt.safe(rel.get('secondary'))}"
    yield "  " + _settings_line(rel)
    yield from table.render(PEER_COLUMNS, _peer_rows(rel), options.width)
    yield from _states(rel.get("states") or [], options, multi_day)
    updates = rel.get("binding_updates")
    if isinstance(updates, dict) and updates:
        counts = ", ".join(f"{fmt.safe(k)} {_number(v)}" for k, v in updates.items())
        yield f"  Binding updates: {counts}"


def _settings_line(rel: dict) -> str:
    skew = rel.get("skew_s")
    parts = [f"MCLT {_secs(rel.get('mclt'))}",
             f"split {fmt.safe(rel.get('split'))}",
             f"clock skew {f'{skew:.1f} s' if isinstance(skew, (int, float)) else fmt.EMPTY}"]
    return ", ".join(parts)


def _number(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else fmt.safe(value)


def _secs(value: object) -> str:
    return f"{value} s" if isinstance(value, (int, float)) else fmt.safe(value)


def _peer_rows(rel: dict) -> list[list[str]]:
    per_peer = [rel.get(key) if isinstance(rel.get(key), dict) else {}
                for key in ("max_unacked", "receive_timer", "vendor")]
    peers = [p for p in (rel.get("primary"), rel.get("secondary")) if p]
    peers += sorted({ip for d in per_peer for ip in d} - set(peers))
    return [[fmt.safe(ip), _role(rel, ip), fmt.safe(per_peer[0].get(ip)),
             _secs(per_peer[1].get(ip)) if ip in per_peer[1] else fmt.EMPTY,
             fmt.safe(per_peer[2].get(ip))] for ip in peers]


def _role(rel: dict, ip: str) -> str:
    if ip == rel.get("primary"):
        return "primary"
    return "secondary" if ip == rel.get("secondary") else "unknown"


def _states(states: list[dict], options: TextOptions, multi_day: bool) -> Iterator[str]:
    if not states:
        yield "  State timeline: no STATE messages seen"
        return
    yield "  State timeline (UTC)"
    rows = [[fmt.clock(s.get("ts"), multi_day), fmt.safe(s.get("frame")),
             fmt.safe(s.get("server")), fmt.safe(s.get("state"))] for s in states]
    yield from table.render(STATE_COLUMNS, rows, options.width, indent=4)
