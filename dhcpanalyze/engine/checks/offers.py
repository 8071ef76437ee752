"""dhcp.duplicate-offer: more than one server offered an address to the same DISCOVER exchange.

Both failover peers answer when the client's secs exceeds `load balance max seconds` (the client
has waited: the designated peer may be dead), when load balancing is off, or when the peers are
out of touch and each serves its own pool. Clients take one OFFER and the other address is held
briefly for nothing; with clients that write secs little-endian this happens on every DISCOVER.
"""
from __future__ import annotations

from ..findings import make_finding
from . import Check


class DuplicateOffer(Check):
    def on_transaction(self, txn, ctx) -> list:
        if txn.kind != "dora" or len(txn.offers) < 2:
            return []
        servers = txn.offering_servers()
        if len(servers) < 2:
            return []
        offers = ", ".join(f"{o.server} {o.yiaddr}" for o in txn.offers)
        message = (f"{len(servers)} servers offered to {txn.mac} (xid {txn.xid:#x}, secs "
                   f"{txn.secs}): {offers}{self._why(txn, ctx)}")
        frames = [o.frame for o in txn.offers]
        return [make_finding("dhcp.duplicate-offer", txn.offers[1].ts, frames, message,
                             client=txn.mac, gate=(txn.mac,))]

    def _why(self, txn, ctx) -> str:
        lbms = ctx.settings.lb_max_secs
        if txn.balance is not None and lbms is not None and txn.secs > lbms:
            return f"; expected, secs {txn.secs} > load balance max seconds {lbms}"
        if txn.balance is not None and txn.expected_server is None:
            return "; expected, the peers were not load balancing at that time"
        return ""


CHECK = DuplicateOffer
