"""The files' contents as report-style dicts (events of `config` and `leases`, JSON objects)."""
from __future__ import annotations

from dhcpanalyze.iscfiles.conf import Config, FailoverPeer, Pool
from dhcpanalyze.iscfiles.leases import LeaseFile
from dhcpanalyze.iscfiles.lint import DEFAULTS, effective, effective_role

PEER_VALUES = ("address", "port", "peer_address", "peer_port", "mclt", "split",
               "max_response_delay", "max_unacked_updates", "load_balance_max_seconds",
               "auto_partner_down", "max_lease_misbalance", "max_lease_ownership", "max_balance",
               "min_balance")


def peer_dict(peer: FailoverPeer) -> dict:
    """A failover peer as dhcpd runs it; `defaults` names the values dhcpd supplied."""
    values = {name: effective(peer, name) for name in PEER_VALUES}
    return {"name": peer.name, "file": peer.where.file, "line": peer.where.line,
            "role": effective_role(peer), **values,
            "hba": peer.hba.hex() if peer.hba is not None else None,
            "defaults": [n for n in PEER_VALUES if getattr(peer, n) is None and n in DEFAULTS]
            + ([] if peer.role else ["role"])}


def pool_dict(pool: Pool) -> dict:
    return {"file": pool.where.file, "line": pool.where.line, "subnet": pool.subnet,
            "failover_peer": pool.peer, "implicit": pool.implicit,
            "ranges": [[r.first, r.last] for r in pool.ranges]}


def config_events(config: Config) -> list[tuple[str, dict]]:
    return ([("peer", peer_dict(p)) for p in config.peers.values()]
            + [("pool", pool_dict(p)) for p in config.pools])


def lease_events(leases: LeaseFile) -> list[tuple[str, dict]]:
    """Leases in address order (as dhcp-lease-list sorts them), then the state history."""
    ordered = sorted(leases.leases.values(), key=lambda x: _ip_key(x.ip))
    return ([("lease", x.to_dict(server=leases.path)) for x in ordered]
            + [("state", s.to_dict()) for s in leases.states])


def _ip_key(ip: str) -> tuple:
    parts = ip.split(".")
    return tuple(int(p) if p.isdigit() else 0 for p in parts) if len(parts) == 4 else (1 << 9, ip)
