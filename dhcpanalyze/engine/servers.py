"""The DHCP servers seen answering: identity, role in the failover pair, and per-server counts.

A server is named by its server identifier (option 54) and also known by the source addresses
its replies come from (a multi-homed server answers from one interface and peers from another).
The relay's hop to the client (source = giaddr) is not the server's address and is not recorded.
"""
from __future__ import annotations

from dataclasses import dataclass, field

_COUNTED = {"OFFER": "offers", "ACK": "acks", "NAK": "naks", "BOOTP": "bootp_replies",
            "LEASEACTIVE": "leasequery_replies", "LEASEUNASSIGNED": "leasequery_replies",
            "LEASEUNKNOWN": "leasequery_replies"}


@dataclass(slots=True)
class Server:
    """`to_dict()` is the `servers[]` object of the report contract."""

    ip: str
    role: str = "unknown"            # primary / secondary from the failover session
    relationship: str | None = None
    addresses: list[str] = field(default_factory=list)   # source addresses of its replies
    counts: dict[str, int] = field(default_factory=dict)
    first_ts: float | None = None
    last_ts: float | None = None
    answers_dhcp: bool = False
    record = "server"

    def to_dict(self) -> dict:
        c = self.counts
        return {"ip": self.ip, "role": self.role, "relationship": self.relationship,
                "offers": c.get("offers", 0), "acks": c.get("acks", 0),
                "naks": c.get("naks", 0), "bootp_replies": c.get("bootp_replies", 0),
                "leasequery_replies": c.get("leasequery_replies", 0),
                "addresses": list(self.addresses), "first_ts": self.first_ts,
                "last_ts": self.last_ts}


OVERFLOW = "(other servers)"


class ServerTable:
    MAX_ADDRESSES = 8       # source addresses remembered per server (multi-homed hosts)

    def __init__(self, max_servers: int) -> None:
        self.max_servers = max_servers
        self._servers: dict[str, Server] = {}

    def get(self, ip: str, bounded: bool = True) -> Server:
        """The entry of `ip`, made if new; beyond max_servers new senders share the OVERFLOW entry
        unless `bounded` is False (the failover peers, which the summary must always name)."""
        server = self._servers.get(ip)
        if server is None:
            if bounded and len(self._servers) >= self.max_servers:
                ip = OVERFLOW
                server = self._servers.get(ip)
            if server is None:
                server = self._servers[ip] = Server(ip)
        return server

    def reply(self, server_ip: str, src: str, giaddr: str, mtype: str, ts: float) -> Server:
        """Count one distinct reply (copies were already left out by the transaction table)."""
        server = self.get(server_ip)
        server.answers_dhcp = True
        key = _COUNTED.get(mtype)
        if key:
            server.counts[key] = server.counts.get(key, 0) + 1
        if src != giaddr and src not in server.addresses \
                and len(server.addresses) < self.MAX_ADDRESSES:
            server.addresses.append(src)
        if server.first_ts is None or ts < server.first_ts:
            server.first_ts = ts
        if server.last_ts is None or ts > server.last_ts:
            server.last_ts = ts
        return server

    def answering(self) -> list[Server]:
        return [s for s in self._servers.values() if s.answers_dhcp]

    def all(self) -> list[Server]:
        return list(self._servers.values())
