"""What the cross-checks need from a report's event stream, and which file belongs to which server.

`WireView.take` sees every (kind, dict) event of the report as it passes: it keeps the last ACK
per address and the (server, address) pairs that were ACKed (both bounded), and the failover
relationships and leases of the end-of-capture summary.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dhcpanalyze.iscfiles.conf import Config
from dhcpanalyze.iscfiles.leases import LeaseFile
from dhcpanalyze.reports.events import FAILOVER, LEASE, TRANSACTION

MAX_TRACKED = 100_000       # addresses / (server, address) pairs remembered; further ones uncounted


@dataclass(slots=True)
class Ack:
    """The last ACK the wire showed for an address."""

    server: str
    ip: str
    mac: str | None
    ts: float
    ends: float | None
    frame: int | None


@dataclass
class WireView:
    acks: dict[str, Ack] = field(default_factory=dict)             # ip -> last ACK
    served: dict[tuple[str, str], Ack] = field(default_factory=dict)   # (server, ip) -> first ACK
    relationships: list[dict] = field(default_factory=list)
    leases: dict[str, dict] = field(default_factory=dict)          # ip -> the wire's lease

    def take(self, kind: str, obj: dict) -> None:
        if kind == TRANSACTION:
            for ack in _acks(obj):
                self.acks.pop(ack.ip, None)
                if len(self.acks) < MAX_TRACKED:
                    self.acks[ack.ip] = ack
                if len(self.served) < MAX_TRACKED:
                    self.served.setdefault((ack.server, ack.ip), ack)
        elif kind == FAILOVER:
            self.relationships.append(obj)
        elif kind == LEASE and obj.get("ip") and len(self.leases) < MAX_TRACKED:
            self.leases[obj["ip"]] = obj

    def offset(self, server: str) -> float:
        """The server's clock minus the capture's, from the failover headers (0 when unseen)."""
        for rel in self.relationships:
            value = (rel.get("clock_offsets_s") or {}).get(server)
            if isinstance(value, (int, float)):
                return float(value)
        return 0.0

    def link_up(self, ts: float) -> bool | None:
        """Whether the failover link was up at capture time ts (None: no relationship seen, or
        ts among the changes a long history left out: `link_omitted_at`)."""
        if not self.relationships:
            return None
        rel, up = self.relationships[0], False
        gap = rel.get("link_omitted_at") if rel.get("link_omitted") else None
        for i, change in enumerate(rel.get("link") or []):
            if change.get("ts", 0) > ts:
                return None if i == gap else up
            up = bool(change.get("up"))
        return up

    def role_ips(self) -> dict[str, str]:
        """role -> server address of the first relationship that shows them."""
        for rel in self.relationships:
            if rel.get("primary") or rel.get("secondary"):
                return {r: rel[r] for r in ("primary", "secondary") if rel.get(r)}
        return {}


def _acks(t: dict) -> list[Ack]:
    mac = (t.get("client") or {}).get("mac")
    out = []
    for answer in t.get("answers") or []:
        if answer.get("type") == "ACK" and answer.get("yiaddr") and answer.get("server"):
            lease = answer.get("lease_time")
            ts = answer.get("ts") or t.get("end") or 0.0
            out.append(Ack(answer["server"], answer["yiaddr"], mac, ts,
                           ts + lease if isinstance(lease, int) else None, answer.get("frame")))
    return out


def config_servers(configs: list[Config], wire: WireView) -> dict[str, Config]:
    """server address -> its config: the peer's `address`, else its role on the wire."""
    roles = wire.role_ips()
    known = {ip for rel in wire.relationships for ip in rel.get("peers") or []}
    out: dict[str, Config] = {}
    for config in configs:
        peer = config.peer()
        if peer is None:
            continue
        ip = peer.address if peer.address in known else roles.get(peer.role or "primary")
        ip = ip or peer.address
        if ip:
            out.setdefault(ip, config)
    return out


def lease_servers(files: list[LeaseFile], wire: WireView,
                  configs: dict[str, Config]) -> dict[str, LeaseFile]:
    """server address -> its lease file: given in the order primary, secondary; a single file is
    the secondary's if its state blocks carry mclt (only a secondary writes it)."""
    roles = wire.role_ips() or {(c.peer().role or "primary"): ip for ip, c in configs.items()}
    if len(files) == 1:
        order = ["secondary" if files[0].writes_mclt() else "primary"]
    else:
        order = ["primary", "secondary"]
    return {roles[role]: f for role, f in zip(order, files) if role in roles}
