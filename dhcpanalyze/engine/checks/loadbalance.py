"""Load balancing judged per DISCOVER: loadbalance.wrong-server and loadbalance.disabled.

wrong-server: a DISCOVER the split assigns to one peer (RFC 3074 hash of the client key, HBA from
CONNECT, secs within `load balance max seconds`, both peers NORMAL) was answered only by the
other peer. Usual causes: split/hba changed on one side, or a peer using a different client key.
disabled: both peers keep answering DISCOVERs that should have been balanced; ISC does this when
`load balance max seconds` is missing or 0 (it logs a WARNING at start), so every client gets two
OFFERs and the pool drains twice as fast.
"""
from __future__ import annotations

import bisect

from ..findings import make_finding
from ..loadbalance import service_mode, verdict
from . import Check


class LoadBalance(Check):
    def __init__(self) -> None:
        self._both: dict[str, int] = {}     # relationship name -> low-secs DISCOVERs answered twice

    def on_transaction(self, txn, ctx) -> list:
        if txn.kind != "dora" or txn.balance is None or not txn.offers:
            return []
        rel = ctx.rel_for_txn(txn)
        if rel is None:
            return []
        out = []
        for i, servers, offers in self._answers(txn, rel, ctx):
            ts, frame, secs = txn.discovers[i]
            # designate() judged the first DISCOVER against this same pair just before
            if i == 0:
                v, mode = txn.balance, txn.service_mode
            else:
                v = verdict(txn.lb_key, secs, rel.hba_at(ts), rel.primary, rel.secondary,
                            ctx.settings.lb_max_secs, ctx.settings.check_secs_byte_order)
                mode = service_mode(rel, ts)[0]
            if not (v.judged and v.balanced) or mode != "balanced":
                continue
            if servers == {v.owner}:
                self._both[rel.name] = 0
            elif v.owner not in servers:
                out.append(self._wrong(txn, rel, v, frame, offers))
            else:
                out += self._twice(txn, rel, v, frame, offers, ctx)
        return out

    def _answers(self, txn, rel, ctx) -> list[tuple[int, set, list]]:
        """(index in txn.discovers, failover peers that answered it, their OFFERs) per DISCOVER."""
        times = [d[0] for d in txn.discovers]
        groups: dict[int, list] = {}
        for offer in txn.offers:
            i = max(bisect.bisect_right(times, offer.ts) - 1, 0)
            groups.setdefault(i, []).append(offer)
        out = []
        for i, offers in sorted(groups.items()):
            peers = {ctx.peer_address(o.server) for o in offers if o.server} & rel.peers
            if peers:
                out.append((i, peers, offers))
        return out

    def _wrong(self, txn, rel, v, frame, offers):
        who = ", ".join(f"{o.server} ({o.yiaddr})" for o in offers)
        message = (f"DISCOVER from {txn.mac} hashes to bucket {v.bucket} = {rel.role(v.owner)} "
                   f"{v.owner}, but {who} answered (secs {v.secs_used})")
        return make_finding("loadbalance.wrong-server", offers[0].ts, [frame] +
                            [o.frame for o in offers], message, client=txn.mac,
                            server=offers[0].server, relationship=rel.name)

    def _twice(self, txn, rel, v, frame, offers, ctx) -> list:
        count = self._both[rel.name] = self._both.get(rel.name, 0) + 1
        if count != ctx.settings.lb_disabled_min:
            return []
        message = (f"both peers of {rel.name or '?'} answered {count} DISCOVERs in a row that "
                   f"the split assigns to one of them (latest: {txn.mac}, secs {v.secs_used})")
        isc_log = (f"WARNING: load balancing will be disabled for failover peer, {rel.name}, "
                   f"because its load balance max secs is 0")
        return [make_finding("loadbalance.disabled", offers[-1].ts,
                             [frame] + [o.frame for o in offers], message, isc_log=isc_log,
                             relationship=rel.name, gate=(rel.name,))]


CHECK = LoadBalance
