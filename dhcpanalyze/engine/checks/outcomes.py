"""Clients that did not get what they asked for: dhcp.no-offer, dhcp.no-ack, dhcp.nak, dhcp.decline.

no-offer: DISCOVERs nobody answered within the transaction's life. In a flood of new clients the
open-transaction bound closes DISCOVERs before their reply timeout; those still unanswered then are
reported too, as one finding per repeat window ("N more like"), since a flood is one problem. Under failover the usual
causes are both peers in a state that does not serve (startup, recover, potential-conflict...),
"peer holds all free leases" after a long partition, or a relay that does not reach the servers.
no-ack: a REQUEST answered by neither ACK nor NAK (chosen server down, lease owned by the peer).
nak: the server refused the address (client moved networks, lease held by someone else, or the
lagging peer does not know a lease its partner gave - lease databases out of sync).
decline: the client found its new address in use (ARP); dhcpd abandons the address.
"""
from __future__ import annotations

from ..findings import make_finding
from . import Check, via

# ISC's "not responding (...)" words for a server's failover state (server/failover.c)
NOT_RESPONDING = {"startup": "startup", "recover": "recovering", "recover-wait": "recover wait",
                  "recover-done": "recover done", "potential-conflict": "resolving conflicts",
                  "conflict-done": "resolving conflicts", "shutdown": "shut down",
                  "paused": "paused", "resolution-interrupted": "resolving conflicts"}


class Outcomes(Check):
    def on_transaction(self, txn, ctx) -> list:
        out = []
        if txn.outcome == "no-offer":
            out.append(self._no_offer(txn, ctx))
        elif txn.closed == "evicted" and txn.outcome == "incomplete" and _only_discovered(txn):
            out.append(self._evicted_unanswered(txn))
        elif txn.outcome == "no-ack":
            out.append(self._no_ack(txn))
        if txn.nak is not None:
            out.append(self._nak(txn))
        if "DECLINE" in txn.msg_types:
            out.append(self._decline(txn))
        return out

    def _no_offer(self, txn, ctx):
        n = sum(1 for t in txn.msg_types if t == "DISCOVER")
        message = f"{n} DISCOVER from {txn.mac} (xid {txn.xid:#x}) got no OFFER"
        rel = ctx.rel_for_txn(txn) or (ctx.failover.relationships[:1] or [None])[0]
        cause = self._cause(txn, rel, ctx) if rel is not None else None
        why, log = cause or (None, "no free leases")
        frames = [f for _ts, f, _s in txn.discovers] or txn.frames
        return make_finding("dhcp.no-offer", txn.start, frames, message + (f"; {why}" if why else ""),
                            client=txn.mac, isc_log=f"DHCPDISCOVER from {txn.mac} via {via(txn)}: {log}",
                            relationship=rel.name if cause else None, gate=(txn.mac,))

    def _cause(self, txn, rel, ctx) -> tuple[str, str] | None:
        """What the failover pair was doing when nobody answered, and the ISC log line it
        gives (failover-wire.md §5.8, §6.3, §8): (why, log text after the client), or None."""
        ts = txn.start
        states = {rel.state_at(p, ts) for p in rel.peers}
        words = sorted({NOT_RESPONDING[s] for s in states if s in NOT_RESPONDING})
        if words:
            return (f"the failover peers were not serving (not responding ({', '.join(words)}))",
                    f"not responding ({', '.join(words)})")
        link = rel.link_up_at(ts)
        if link is not True and rel.connect_rejects and not rel.sessions_total:
            # never in touch: both stay in STARTUP for 15 s, then serve alone
            return (f"the failover link was being refused ({rel.last_reject}), so the servers "
                    f"were still starting up or serving alone", "not responding (startup)")
        if link is False:
            return ("the failover link was down: each server answers only from its own free "
                    "leases, and one with none left says the peer holds them",
                    "peer holds all free leases")
        owner = txn.expected_server
        if owner is not None and txn.service_mode == "balanced":
            partner = rel.partner(owner)
            return (f"the split assigns it to {rel.role(owner)} {owner}, which did not answer, "
                    f"and its partner {partner} leaves it to that peer while secs stays within "
                    f"load balance max seconds", f"load balance to peer {rel.name or '?'}"
                    f"  (on {partner})")
        return None

    def _evicted_unanswered(self, txn):
        n = sum(1 for t in txn.msg_types if t == "DISCOVER")
        message = (f"{n} DISCOVER from {txn.mac} (xid {txn.xid:#x}) got no OFFER in the "
                   f"{txn.end - txn.start:.1f} s before the open-transaction bound closed it early "
                   "(more new clients at once than the bound holds: a DISCOVER flood?)")
        frames = [f for _ts, f, _s in txn.discovers] or txn.frames
        # one subject for all: the gate counts a flood's DISCOVERs into "N more like" findings
        return make_finding("dhcp.no-offer", txn.start, frames, message, client=txn.mac,
                            isc_log=f"DHCPDISCOVER from {txn.mac} via {via(txn)}",
                            gate=("open-transaction-bound",))

    def _no_ack(self, txn):
        target = txn.chosen_server or txn.server or "any server"
        message = (f"{txn.kind} REQUEST from {txn.mac} for {txn.requested_ip or txn.ciaddr} "
                   f"to {target} got neither ACK nor NAK")
        return make_finding("dhcp.no-ack", txn.start, txn.frames, message, client=txn.mac,
                            ip=txn.requested_ip or txn.ciaddr, server=txn.chosen_server,
                            gate=(txn.mac,))

    def _nak(self, txn):
        frame, ts, server = txn.nak
        ip = txn.requested_ip or txn.ciaddr
        why = f": '{txn.server_message}'" if txn.server_message else ""
        message = f"{server} NAKed {ip} for {txn.mac}{why}"
        return make_finding("dhcp.nak", ts, [frame], message, client=txn.mac, ip=ip,
                            server=server, isc_log=f"DHCPNAK on {ip} to {txn.mac} via {via(txn)}",
                            gate=(txn.mac, server))

    def _decline(self, txn):
        ip = txn.requested_ip or txn.assigned_ip
        message = f"{txn.mac} declined {ip} (address already in use)"
        return make_finding("dhcp.decline", txn.end, txn.frames[-1:], message, client=txn.mac,
                            ip=ip, server=txn.server,
                            isc_log=f"DHCPDECLINE of {ip} from {txn.mac} via {via(txn)}: abandoned",
                            gate=(txn.mac, ip))


def _only_discovered(txn) -> bool:
    """A DORA with DISCOVERs only: nothing offered, nothing requested."""
    return txn.kind == "dora" and not txn.offers and "REQUEST" not in txn.msg_types


CHECK = Outcomes
