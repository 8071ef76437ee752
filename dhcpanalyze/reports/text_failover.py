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


def health_section(rels: list[dict], options: TextOptions) -> Iterator[str]:
    """One line per relationship, first in the report: healthy / degraded / broken, and why."""
    judged = [rel for rel in rels if isinstance(rel.get("health"), dict)]
    if not judged:
        return                          # a document from before the verdict existed
    yield options.palette.heading("Failover health")
    for rel in judged:
        health = rel["health"]
        verdict = fmt.safe(health.get("verdict"))
        yield (f'  "{fmt.safe(rel.get("relationship"))}"  '
               f'{options.palette.health(verdict, verdict)}: {fmt.safe(health.get("why"))}')
    yield ""


def failover_section(rel: dict, options: TextOptions, multi_day: bool) -> Iterator[str]:
    """One relationship: headline, peers table, state timeline, binding-update counts."""
    yield ""
    name = fmt.safe(rel.get("relationship"))
    yield options.palette.heading(f'Failover relationship "{name}"')
    yield f"  primary {fmt.safe(rel.get('primary'))}, secondary {fmt.safe(rel.get('secondary'))}"
    yield "  " + _settings_line(rel)
    yield from table.render(PEER_COLUMNS, _peer_rows(rel), options.width)
    yield from _states(rel.get("states") or [], _omitted(rel, "states"), options, multi_day)
    updates = rel.get("binding_updates")
    if isinstance(updates, dict) and updates:
        counts = ", ".join(f"{fmt.safe(k)} {_number(updates[k])}"
                           for k in ("sent", "acked", "rejected", "unacked") if k in updates)
        lag = ("; " + lag_words(updates.get("latency_mean_s"), updates.get("latency_max_s"))
               if "latency_mean_s" in updates else "")
        yield f"  Binding updates: {counts}{lag}"


def _settings_line(rel: dict) -> str:
    skew = rel.get("skew_s")
    parts = [f"MCLT {_secs(rel.get('mclt'))}",
             f"split {fmt.safe(rel.get('split'))}",
             f"clock skew {skew_words(skew)}"]
    return ", ".join(parts)


def skew_words(skew: object) -> str:
    """skew_s is the primary's clock minus the secondary's: said with its sign in words."""
    if not isinstance(skew, (int, float)):
        return fmt.EMPTY
    if abs(skew) < 0.5:
        return f"{abs(skew):.1f} s (clocks agree)"
    ahead, behind = ("primary", "secondary") if skew > 0 else ("secondary", "primary")
    return f"{ahead} {abs(skew):.1f} s ahead of {behind}"


def lag_words(mean: object, peak: object) -> str:
    """BNDUPD→BNDACK latency as the TUI's Failover view and the text report both say it."""
    if not isinstance(mean, (int, float)):
        return "BNDUPD→BNDACK lag - (no BNDACK)"
    return f"BNDUPD→BNDACK lag mean {fmt.seconds(mean)}, max {_number(float(peak or 0))} s"


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


def _omitted(rel: dict, key: str) -> tuple[int, int] | None:
    """(count, index) of the entries a long history left out of `key`, if any (Relationship)."""
    count, at = rel.get(f"{key}_omitted"), rel.get(f"{key}_omitted_at")
    return (count, at) if isinstance(count, int) and count > 0 and isinstance(at, int) else None


def _states(states: list[dict], omitted: tuple[int, int] | None, options: TextOptions,
            multi_day: bool) -> Iterator[str]:
    if not states:
        yield "  State timeline: no STATE messages seen"
        return
    yield "  State timeline (UTC)"
    at = omitted[1] if omitted else len(states)
    first, latest = _merged(states[:at]), _merged(states[at:])
    rows = [[fmt.clock(s.get("ts"), multi_day), fmt.safe(s.get("frame")),
             fmt.safe(s.get("server")), _state_cell(group)] for s, group in first + latest]
    lines = list(table.render(STATE_COLUMNS, rows, options.width, indent=4))
    if omitted:                         # header, the first entries, the gap, the latest
        lines.insert(1 + len(first), f"    … {omitted[0]:,} STATE messages omitted …")
    yield from lines


def _merged(states: list[dict]) -> list[tuple[dict, list[dict]]]:
    """STATE entries with the same server, state and frame as the one before as one row: ISC
    announces a state with the STARTUP flag and again without it, often in one segment."""
    out: list[tuple[dict, list[dict]]] = []
    for s in states:
        last = out[-1][0] if out else None
        if last is not None and all(s.get(k) == last.get(k) for k in ("server", "state", "frame")):
            out[-1][1].append(s)
        else:
            out.append((s, [s]))
    return out


def _state_cell(group: list[dict]) -> str:
    """The state, with the STARTUP flag shown when set ("recover [startup, then cleared]")."""
    flags = [bool(s.get("startup")) for s in group]
    name = fmt.safe(group[0].get("state"))
    if not any(flags):
        return name
    if flags[0] and not flags[-1]:
        return f"{name} [startup, then cleared]"
    return f"{name} [startup]"
