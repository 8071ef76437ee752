"""Lint one dhcpd.conf or a failover pair's two: the rules dhcpd enforces and the ones admins break.

Single-file rules are dhcpd's own (server/confpars.c `parse_failover_peer`: the log line is the
finding's `isc_log`); pair rules are the lab guide's: one primary and one secondary, the same peer
name, `address`/`peer address` and `port`/`peer port` crossing over, equal timers and pools.
Values are compared as dhcpd applies them, defaults included (`effective`).
"""
from __future__ import annotations

from collections.abc import Iterator

from dhcpanalyze.iscfiles.conf import Config, FailoverPeer
from dhcpanalyze.iscfiles.findings import finding
from dhcpanalyze.iscfiles.tokens import Where

# Defaults dhcpd applies to an omitted statement (includes/failover.h, server/confpars.c).
DEFAULTS = {"port": 647, "peer_port": 647, "max_response_delay": 20, "max_unacked_updates": 100,
            "max_lease_misbalance": 15, "max_lease_ownership": 10, "max_balance": 3600,
            "min_balance": 60, "load_balance_max_seconds": 0, "auto_partner_down": 0}
STATEMENT = {"max_response_delay": "max-response-delay", "max_unacked_updates": "max-unacked-updates",
             "load_balance_max_seconds": "load balance max seconds", "port": "port",
             "peer_port": "peer port", "mclt": "mclt", "address": "address",
             "peer_address": "peer address"}
# What dhcpd 4.4.3-P1 logs when the crossing is wrong (the lab's misconfig scenario): a connection
# from an address that is not the `peer address` is refused by the listener; a connection to a
# port nobody listens on fails without a word, and the pair just never talks.
CROSSING_LOG = {"address": "failover: listener: no matching state"}
# Pair rules on values both peers should share: field -> finding code.
MATCHING = {"max_response_delay": "config.max-response-delay-mismatch",
            "max_unacked_updates": "config.max-unacked-mismatch",
            "load_balance_max_seconds": "config.lb-max-secs-mismatch"}


def effective(peer: FailoverPeer, name: str) -> object:
    """The value dhcpd runs with: the written one, else its default (None when it has none)."""
    value = getattr(peer, name)
    return DEFAULTS.get(name) if value is None else value


def effective_role(peer: FailoverPeer) -> str:
    return peer.role or "primary"       # `i_am` starts as 0, which is `primary` (dhcpd.h)


def lint(configs: list[Config]) -> Iterator[dict]:
    """Every finding of each file, then of the pair (when two are given)."""
    for config in configs:
        yield from lint_file(config)
    if len(configs) == 2:
        yield from lint_pair(*configs)


def lint_file(config: Config) -> Iterator[dict]:
    for problem in config.problems:
        code = "config.unreadable" if problem.message.startswith("cannot read") else "config.syntax"
        yield finding(code, problem.message, "correct the statement at this position",
                      problem.where, isc_log=problem.message if problem.isc else None)
    for peer in config.redeclared:
        yield finding("config.peer-redeclared", f"failover peer {peer.name} declared again",
                      "keep one declaration", peer.where,
                      isc_log=f"redeclaration of failover peer {peer.name}",
                      relationship=peer.name)
    if not config.peers and not any(p.message.startswith("cannot read") for p in config.problems):
        yield finding("config.no-failover", f"{config.path} declares no failover peer",
                      'add a `failover peer "NAME" { … }` declaration', Where(config.path, 1, 1))
    for peer in config.peers.values():
        yield from lint_peer(peer)
    yield from lint_pools(config)
    yield from lint_unused(config)


def lint_peer(peer: FailoverPeer) -> Iterator[dict]:
    name, seen = peer.name, peer.seen
    subject = {"relationship": name}
    if peer.role is None:
        yield finding("config.role-missing", f"failover peer {name}: no primary/secondary statement",
                      "write `primary;` or `secondary;` first in the declaration", peer.where,
                      **subject)
    if effective_role(peer) == "primary":
        if peer.hba is None:
            yield finding("config.primary-needs-split", f"primary {name} has no split or hba",
                          "add `split 128;` (half the clients each) to the primary", peer.where,
                          isc_log="primary failover server must have hba or split.", **subject)
        if not peer.mclt:                   # confpars.c: `!peer->mclt`, so 0 counts as missing
            yield finding("config.primary-needs-mclt", f"primary {name} has no mclt",
                          "add `mclt 1800;` (or the value you use) to the primary", peer.where,
                          isc_log="primary failover server must have mclt.", **subject)
    else:
        if peer.hba is not None or peer.split is not None:
            # dhcpd notices at whichever of the two statements comes second
            order = [k for k in seen if k in ("hba", "role")]
            where = seen["role"] if order == ["hba", "role"] else seen.get("hba", peer.where)
            yield finding("config.secondary-load-balance",
                          f"secondary {name} sets {'split' if peer.split is not None else 'hba'}",
                          "remove split/hba from the secondary; keep it on the primary only",
                          where, isc_log="secondary may not define load balance settings.",
                          **subject)
        if peer.mclt is not None:
            yield finding("config.secondary-mclt", f"secondary {name} sets mclt {peer.mclt}",
                          "remove mclt from the secondary; set it on the primary only",
                          seen["mclt"], **subject)
    if peer.peer_address is None:
        yield finding("config.peer-address-missing", f"failover peer {name} has no peer address",
                      "add `peer address PARTNER-IP;`", peer.where,
                      isc_log="peer address may not be omitted", **subject)
    for field in ("max_response_delay", "max_unacked_updates"):
        if getattr(peer, field) is None:
            yield finding("config.default", f"failover peer {name}: {STATEMENT[field]} not set, "
                          f"dhcpd uses {DEFAULTS[field]}",
                          f"write `{STATEMENT[field]} {DEFAULTS[field]};` so both peers show it",
                          peer.where, **subject)


def lint_pools(config: Config) -> Iterator[dict]:
    for pool in config.pools:
        declared = config.peers.get(pool.peer) if pool.peer is not None else None
        if pool.peer is not None and (declared is None or declared.seq > pool.seq):
            # dhcpd looks the name up while it reads the pool: a later declaration is too late
            state = "not declared" if declared is None else "declared only after the pool"
            yield finding("config.peer-unknown", f"pool names failover peer {pool.peer}, "
                          f"which is {state}", f'declare `failover peer "{pool.peer}"` '
                          "before the pool, or correct the name", pool.peer_where or pool.where,
                          isc_log=f"failover peer {pool.peer}: not found", relationship=pool.peer)
        elif pool.peer is None and pool.ranges and config.peers:
            what = "range outside a pool" if pool.implicit else "pool"
            yield finding("config.pool-without-failover",
                          f"{what} {_ranges(pool)} has no failover peer",
                          f'add `failover peer "{config.peer().name}";` to the pool'
                          + (" (and move the range into a pool)" if pool.implicit else ""),
                          pool.where)


def lint_unused(config: Config) -> Iterator[dict]:
    """dhcpd's start-up check (server/failover.c): every peer needs a pool that names it."""
    named = {p.peer for p in config.pools if p.peer in config.peers
             and config.peers[p.peer].seq < p.seq}
    for peer in config.peers.values():
        if peer.name not in named:
            yield finding("config.peer-unused", f"no pool names failover peer {peer.name}",
                          f'add `failover peer "{peer.name}";` to each failover pool', peer.where,
                          relationship=peer.name,
                          isc_log=f"ERROR: Failover peer, {peer.name}, has no referring pools. "
                                  "You must refer to each peer in at least one pool declaration.")


def lint_pair(a: Config, b: Config) -> Iterator[dict]:
    """The relationships both files declare, by name; files without a common name: their first
    declarations, as one mistyped relationship."""
    common = [name for name in a.peers if name in b.peers]
    if common:
        for name in common:
            yield from _lint_peers(a, b, a.peers[name], b.peers[name])
    elif a.peer() is not None and b.peer() is not None:
        yield from _lint_peers(a, b, a.peer(), b.peer())


def _lint_peers(a: Config, b: Config, pa: FailoverPeer, pb: FailoverPeer) -> Iterator[dict]:
    if pa.name != pb.name:
        yield finding("config.name-mismatch",
                      f"{a.path} names the relationship {pa.name!r}, {b.path} {pb.name!r}",
                      f'use one name on both, e.g. `failover peer "{pa.name}"` in {b.path}',
                      pb.where, relationship=pa.name, isc_log=[
                          f"Failover CONNECT from {pa.name}: unknown failover relationship name",
                          "Connection rejected, invalid failover partner."])
    ra, rb = effective_role(pa), effective_role(pb)
    if ra == rb:
        yield finding("config.same-role", f"both servers are {ra}",
                      f"make one of them `{'secondary' if ra == 'primary' else 'primary'};`",
                      pb.seen.get("role", pb.where), relationship=pa.name)
    yield from _crossing(pa, pb, "address", "peer_address", "config.address-mismatch")
    yield from _crossing(pb, pa, "address", "peer_address", "config.address-mismatch")
    yield from _crossing(pa, pb, "port", "peer_port", "config.port-mismatch")
    yield from _crossing(pb, pa, "port", "peer_port", "config.port-mismatch")
    for field, code in MATCHING.items():
        va, vb = effective(pa, field), effective(pb, field)
        if va != vb:
            yield finding(code, f"{STATEMENT[field]}: {va} on {a.path}, {vb} on {b.path}",
                          f"set `{STATEMENT[field]} {va};` on both", pb.seen.get(field, pb.where),
                          relationship=pa.name)
    yield from _pools(a, b, pa, pb)


def _crossing(mine: FailoverPeer, theirs: FailoverPeer, field: str, partner_field: str,
              code: str) -> Iterator[dict]:
    """My `address` (port) must be the partner's `peer address` (peer port)."""
    value, expected = effective(mine, field), effective(theirs, partner_field)
    if value is None or expected is None or value == expected:
        return
    where = theirs.seen.get(partner_field, theirs.where)
    yield finding(code, f"{theirs.where.file} has `{STATEMENT[partner_field]} {expected}` but "
                  f"{mine.where.file} has `{STATEMENT[field]} {value}`",
                  f"write `{STATEMENT[partner_field]} {value};` in {theirs.where.file}", where,
                  relationship=mine.name, isc_log=CROSSING_LOG.get(field))


def _pools(a: Config, b: Config, pa: FailoverPeer, pb: FailoverPeer) -> Iterator[dict]:
    ranges_a, ranges_b = _failover_ranges(a, pa.name), _failover_ranges(b, pb.name)
    if ranges_a != ranges_b:
        only_a = sorted(ranges_a - ranges_b)
        only_b = sorted(ranges_b - ranges_a)
        parts = ([f"only in {a.path}: {_pairs(only_a)}"] if only_a else []) + (
            [f"only in {b.path}: {_pairs(only_b)}"] if only_b else [])
        where = next((p.where for p in b.pools if p.ranges and p.peer == pb.name), pb.where)
        yield finding("config.pool-mismatch", "failover ranges differ; " + "; ".join(parts),
                      "give both servers the same failover pools and ranges", where,
                      relationship=pa.name)


def _failover_ranges(config: Config, name: str) -> set[tuple[str, str]]:
    return {(r.first, r.last) for p in config.pools if p.peer == name for r in p.ranges}


def _ranges(pool) -> str:
    return _pairs([(r.first, r.last) for r in pool.ranges])


def _pairs(pairs) -> str:
    return ", ".join(f"{first}-{last}" for first, last in pairs)
