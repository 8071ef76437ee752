"""loadbalance.designated-silent: a peer in NORMAL does not answer the clients the split gives it.

In NORMAL each peer answers only the DISCOVERs whose RFC 3074 hash bucket is its own, until the
client's `secs` exceeds `load balance max seconds`; then either peer may answer (failover-wire.md
§6.3). When the designated peer is up and in NORMAL but never answers a client (a packet filter,
a deny or `ignore booting` rule, a broken interface, an empty pool on that side), its partner logs
"load balance to peer" for every DISCOVER and answers only once secs has grown past the maximum,
so each of those clients waits seconds every time it asks. Not judged when the pair is out of
touch or a peer is not in NORMAL: then no balancing applies and the partner answers at once.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ..findings import make_finding
from ..loadbalance import effective_secs, service_mode
from . import Check, via

CLIENTS_NAMED = 8       # clients named in the summary's message (all are counted)


@dataclass(slots=True)
class _Silence:
    """DISCOVERs one designated peer left unanswered, for the summary at the end."""

    rel_name: str | None
    partner: str
    role: str
    clients: list[str] = field(default_factory=list)
    discovers: int = 0
    frames: list[int] = field(default_factory=list)
    longest_wait: float = 0.0


class DesignatedSilent(Check):
    def __init__(self) -> None:
        self._silent: dict[str, _Silence] = {}      # designated peer -> what it left unanswered

    def on_transaction(self, txn, ctx) -> list:
        found = self._judge(txn, ctx)
        if found is None:
            return []
        rel, owner, partner, first, offer = found
        entry = self._silent.get(owner)
        if entry is None:
            entry = self._silent[owner] = _Silence(rel.name, partner, rel.role(owner))
        wait = offer.ts - txn.discovers[0][0]
        entry.discovers += first
        entry.longest_wait = max(entry.longest_wait, wait)
        if txn.mac not in entry.clients:
            entry.clients.append(txn.mac)
        if len(entry.frames) < ctx.settings.max_frames_listed:
            entry.frames += [f for _ts, f, _s in txn.discovers[:first]]
        if len(entry.clients) > 1 or entry.discovers > first:
            return []                       # told once now; the rest in the summary at the end
        secs = effective_secs(txn.discovers[first][2], ctx.settings.check_secs_byte_order)
        message = (f"{entry.role} {owner} did not answer {first} DISCOVER(s) from {txn.mac} that "
                   f"the split assigns to it; its partner {rel.role(partner)} {partner} answered "
                   f"only when secs reached {secs}{self._above(ctx)}, {wait:.1f} s after the "
                   f"first DISCOVER")
        frames = [f for _ts, f, _s in txn.discovers[:first + 1]] + [offer.frame]
        return [self._finding(txn.start, frames, message, owner, rel.name, txn, txn.mac)]

    def _judge(self, txn, ctx):
        """(rel, designated peer, partner, DISCOVERs before the one the partner answered, the
        partner's OFFER) when this transaction shows a silent designated peer."""
        if txn.kind != "dora" or txn.balance is None or txn.expected_server is None \
                or txn.service_mode != "balanced" or not txn.offers:
            return None
        rel = ctx.rel_for_txn(txn)
        owner = txn.expected_server
        if rel is None or owner not in rel.peers:
            return None
        partner = rel.partner(owner)
        answered = {ctx.peer_address(o.server) for o in txn.offers if o.server}
        if owner in answered or partner not in answered:
            return None                     # served by its own peer, or by nobody (no-offer)
        offer = next(o for o in txn.offers if ctx.peer_address(o.server or "") == partner)
        times = [d[0] for d in txn.discovers]
        at = max(bisect.bisect_right(times, offer.ts) - 1, 0)
        ts, _frame, secs = txn.discovers[at]
        # the partner answered a later DISCOVER past the secs bypass, the pair still in NORMAL
        if at == 0 or not self._bypassed(secs, ctx) or service_mode(rel, ts)[0] != "balanced":
            return None
        return rel, owner, partner, at, offer

    @staticmethod
    def _bypassed(secs: int, ctx) -> bool:
        used = effective_secs(secs, ctx.settings.check_secs_byte_order)
        limit = ctx.settings.lb_max_secs
        # unknown maximum: only secs 0 is surely balanced, so any later secs may be the bypass
        return used > limit if limit is not None else used > 0

    @staticmethod
    def _above(ctx) -> str:
        limit = ctx.settings.lb_max_secs
        return f" (> load balance max seconds {limit})" if limit is not None else \
            " (past load balance max seconds)"

    def _finding(self, ts, frames, message, owner, rel_name, txn, client):
        isc_log = (f"DHCPDISCOVER from {client} via {via(txn)}: load balance to peer "
                   f"{rel_name or '?'}  (on the partner, for each DISCOVER it leaves to {owner})")
        return make_finding("loadbalance.designated-silent", ts, frames, message, client=client,
                            server=owner, relationship=rel_name, isc_log=isc_log)

    def finish(self, now: float, ctx) -> list:
        """One summary per silent peer that left more than one DISCOVER or client unanswered."""
        out = []
        for owner, e in self._silent.items():
            if len(e.clients) < 2 and e.discovers < 2:
                continue
            named = ", ".join(e.clients[:CLIENTS_NAMED])
            more = f" and {len(e.clients) - CLIENTS_NAMED} more" if len(e.clients) > CLIENTS_NAMED \
                else ""
            message = (f"in all, {e.role} {owner} did not answer {e.discovers} DISCOVER(s) from "
                       f"{len(e.clients)} client(s) the split assigns to it ({named}{more}); "
                       f"{e.partner} answered each after the secs bypass{self._above(ctx)}, the "
                       f"longest wait {e.longest_wait:.1f} s")
            isc_log = (f"DHCPDISCOVER from <client> via <interface>: load balance to peer "
                       f"{e.rel_name or '?'}  (on {e.partner})")
            out.append(make_finding("loadbalance.designated-silent", now, e.frames, message,
                                    server=owner, relationship=e.rel_name, isc_log=isc_log))
        return out


CHECK = DesignatedSilent
