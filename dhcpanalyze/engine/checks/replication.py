"""failover.lease-not-replicated: a peer ACKed a lease but never told its partner.

While in touch, an ISC server queues a BNDUPD for every lease it commits, so an ACK from a
failover peer must be followed (or, as the capture interleaves, preceded by a moment) by a
BNDUPD for that address. Without it the partner does not know the lease: after a failover it may
give the address to another client, and it NAKs this client's renewals (lease databases out of
sync). ACKs given while the link is down are not judged: ISC sends those updates after reconnect.
Pairing an ACK from a server identifier outside the pair with the BNDUPD that follows it also
teaches the engine that both addresses belong to one multi-homed server.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..findings import make_finding
from . import NEW, Check


@dataclass(slots=True)
class _Ack:
    server: str
    ts: float
    frame: int
    mac: str | None
    member: bool            # the server is a known failover peer (else: alias candidate)


class Replication(Check):
    dhcp_types = frozenset(("ACK",))
    dhcp_seen = frozenset((NEW,))
    failover_kinds = frozenset(("bndupd",))

    def __init__(self) -> None:
        self._pending: dict[str, _Ack] = {}
        self._recent: dict[str, tuple[str, float]] = {}   # ip -> (BNDUPD sender, ts)

    def on_dhcp(self, rec, applied, ctx) -> list:
        txn = applied.txn
        if applied.mtype != "ACK" or not applied.distinct or not txn.assigned_ip or \
                not txn.server or not ctx.failover.relationships:
            return []
        rel = ctx.rel_for(txn.server)
        if rel is not None and rel.link_up_at(rec.ts) is not True:
            return []                   # out of touch: updates are queued, sent on reconnect
        recent = self._recent.get(txn.assigned_ip)
        if recent and rec.ts - recent[1] <= ctx.settings.replication_timeout_s:
            self._learn(ctx, txn.server, recent[0], rel is not None)
            return []
        self._bound(ctx)
        self._pending.pop(txn.assigned_ip, None)
        self._pending[txn.assigned_ip] = _Ack(txn.server, rec.ts, rec.frame, txn.mac,
                                              rel is not None)
        return []

    def _learn(self, ctx, server: str, sender: str, member: bool) -> None:
        if not member and server != sender and len(ctx.aliases) < ctx.settings.max_servers:
            ctx.aliases[server] = sender

    def _bound(self, ctx) -> None:
        limit = ctx.settings.max_pending_replication
        while len(self._pending) >= limit:
            del self._pending[next(iter(self._pending))]
        while len(self._recent) >= limit:
            del self._recent[next(iter(self._recent))]

    def on_failover(self, ev, ctx) -> list:
        update = ev.data
        if ev.kind != "bndupd" or update.status != "active" or not update.ip:
            return []
        ip = update.ip
        self._recent.pop(ip, None)
        self._bound(ctx)
        self._recent[ip] = (update.sender, ev.ts)
        ack = self._pending.pop(ip, None)
        if ack is not None:
            self._learn(ctx, ack.server, update.sender, ack.member)
        return []

    def expire(self, now: float, ctx) -> list:
        out = []
        timeout = ctx.settings.replication_timeout_s
        while self._pending:
            ip, ack = next(iter(self._pending.items()))
            if ack.ts + timeout > now:
                break
            del self._pending[ip]
            out += self._judge(ip, ack, now, ctx)
        return out

    def finish(self, now: float, ctx) -> list:
        out = []
        for ip, ack in self._pending.items():
            if ack.ts + ctx.settings.replication_timeout_s <= now:
                out += self._judge(ip, ack, now, ctx)
        self._pending.clear()
        return out

    def _judge(self, ip: str, ack: _Ack, now: float, ctx) -> list:
        rel = ctx.rel_for(ack.server)
        # only a known peer whose link stayed up the whole time owed its partner the update
        if not ack.member or rel is None or rel.link_up_at(now) is not True:
            return []
        partner = rel.partner(ctx.peer_address(ack.server)) or "its partner"
        wait = ctx.settings.replication_timeout_s
        message = (f"{ack.server} ACKed {ip} to {ack.mac} but sent no binding update to "
                   f"{partner} within {wait:.0f} s")
        return [make_finding("failover.lease-not-replicated", ack.ts, [ack.frame], message,
                             ip=ip, client=ack.mac, server=ack.server,
                             relationship=rel.name, gate=(ack.server,))]


CHECK = Replication
