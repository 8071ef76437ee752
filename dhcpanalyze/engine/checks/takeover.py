"""dhcp.takeover: one failover peer served a client of its partner while the partner was away.

The pair working as intended: with the link down (or the server in communications-interrupted /
partner-down) a peer ACKs a client whose lease was last given by the partner, who asked for the
partner, or whom the split assigns to the partner. Seen in the seed lab when the primary stops
and the secondary keeps the client going.
"""
from __future__ import annotations

from ..findings import make_finding
from . import Check

AWAY_STATES = {"communications-interrupted", "partner-down"}


class Takeover(Check):
    def on_transaction(self, txn, ctx) -> list:
        if txn.answer != "ACK" or not txn.server or not txn.assigned_ip:
            return []
        server = ctx.peer_address(txn.server)
        rel = ctx.rel_for(server)
        if rel is None:
            return []
        when = txn.done_ts or txn.end
        if rel.link_up_at(when) is not False and rel.state_at(server, when) not in AWAY_STATES:
            return []
        partner = rel.partner(server)
        why = self._partners_client(txn, ctx, partner)
        if partner is None or why is None:
            return []
        message = (f"{rel.role(server)} {txn.server} gave {txn.assigned_ip} to {txn.mac} while "
                   f"{rel.role(partner)} {partner} was out of touch ({why})")
        return [make_finding("dhcp.takeover", when, txn.frames[-1:], message, client=txn.mac,
                             ip=txn.assigned_ip, server=txn.server, relationship=rel.name,
                             gate=(txn.mac, txn.server))]

    def _partners_client(self, txn, ctx, partner: str | None) -> str | None:
        if partner is None:
            return None
        if txn.prev_server and ctx.peer_address(txn.prev_server) == partner:
            return "its lease was from the partner"
        if txn.chosen_server and ctx.peer_address(txn.chosen_server) == partner:
            return "it asked for the partner"
        if txn.balance is not None and txn.balance.owner == partner:
            return f"the split gives its bucket {txn.balance.bucket} to the partner"
        return None


CHECK = Takeover
