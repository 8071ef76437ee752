"""dhcp.unknown-server: a DHCP server outside the failover pair (or --servers) answers clients.

A rogue server (a home router plugged in, a test VM) hands out wrong addresses and gateways and
races the real pair for every DISCOVER. With --servers the check is immediate; otherwise the
pair is learned from the failover traffic, so the verdict waits for the end of the capture
(a multi-homed peer's DHCP address is matched to its failover address on the way).
"""
from __future__ import annotations

from ..findings import make_finding
from . import NEW, Check


class UnknownServer(Check):
    dhcp_seen = frozenset((NEW,))

    def __init__(self) -> None:
        self._first: dict[str, tuple[float, int]] = {}

    def on_dhcp(self, rec, applied, ctx) -> list:
        server = applied.server if rec.msg.op == 2 and applied.distinct else None
        if server is None:
            return []
        if server in self._first or len(self._first) >= ctx.settings.max_servers:
            return []
        self._first[server] = (rec.ts, rec.frame)
        if ctx.settings.servers is None or ctx.is_known_server(server):
            return []
        return [self._finding(server, rec.ts, rec.frame, "not in --servers")]

    def finish(self, now: float, ctx) -> list:
        if ctx.settings.servers is not None:
            return []
        return [self._finding(ip, ts, frame, "not a peer of the failover pair")
                for ip, (ts, frame) in self._first.items() if ctx.is_known_server(ip) is False]

    def _finding(self, ip: str, ts: float, frame: int, why: str):
        message = f"DHCP server {ip} answered clients but is {why}"
        return make_finding("dhcp.unknown-server", ts, [frame], message, server=ip)


CHECK = UnknownServer
