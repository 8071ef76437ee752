"""The shared state checks read: settings, failover relationships, servers, leases, aliases."""
from __future__ import annotations

from dataclasses import dataclass, field

from .failover import FailoverTracker
from .findings import FindingGate
from .leases import LeaseTable
from .relationship import Relationship
from .servers import ServerTable
from .settings import EngineSettings


@dataclass(slots=True)
class Context:
    settings: EngineSettings
    failover: FailoverTracker
    servers: ServerTable
    leases: LeaseTable
    aliases: dict[str, str] = field(default_factory=dict)
    """DHCP server identifier -> the failover address of the same server, learned when an ACK
    from the one is followed by the BNDUPD for that address from the other (multi-homed)."""
    gate: FindingGate | None = None
    """The engine's repeat gate: a check may ask it whether a finding would only be counted
    (FindingGate.repeat) before making it."""

    def repeat(self, code: str, severity: str, gate: tuple, ts: float, frames: list[int]) -> bool:
        """True when this finding would be a counted repeat (see FindingGate.repeat)."""
        return self.gate is not None and self.gate.repeat(code, severity, gate, ts, frames)

    def rel_for(self, server_ip: str | None) -> Relationship | None:
        if not server_ip or not self.failover.relationships:
            return None
        return self.failover.for_server(self.aliases.get(server_ip, server_ip))

    def peer_address(self, server_ip: str) -> str:
        return self.aliases.get(server_ip, server_ip)

    def rel_for_txn(self, txn) -> Relationship | None:
        """The pair that served (or should serve) this client."""
        if not self.failover.relationships:
            return None
        for offer in txn.offers:            # the offering servers first, in order
            rel = self.rel_for(offer.server)
            if rel is not None:
                return rel
        for ip in (txn.server, txn.chosen_server):
            rel = self.rel_for(ip)
            if rel is not None:
                return rel
        balanced = [r for r in self.failover.relationships if r.hba is not None]
        return balanced[0] if len(balanced) == 1 else None

    def is_known_server(self, ip: str) -> bool | None:
        """Whether `ip` may answer clients; None when nothing says who may."""
        if self.settings.servers is not None:
            return ip in self.settings.servers or self.peer_address(ip) in self.settings.servers
        pairs = [r for r in self.failover.relationships if r.primary and r.secondary]
        if not pairs:
            return None
        return any(self.peer_address(ip) in r.peers for r in pairs)
