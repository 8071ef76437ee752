"""failover.link-down: the failover connection between the peers ended.

Causes, from the wire: a TCP FIN or RST (a server stopped, or closed the link after its
max-response-delay passed without hearing from the partner), keep-alive silence longer than the
receiver's receive-timer (the partner vanished: crash, partition, firewall), connection attempts
refused by a partner that was in touch before (its dhcpd stopped), or a peer announcing
communications-interrupted when the capture began during the outage. While the link is down each
server serves only its own free leases and queues binding updates; clients of the lost peer are
served only when they rebind or restart (secs beyond load balance max seconds).
"""
from __future__ import annotations

from ..findings import make_finding
from . import Check


class LinkDown(Check):
    failover_kinds = frozenset(("link-down",))

    def on_failover(self, ev, ctx) -> list:
        if ev.kind != "link-down":
            return []
        d = ev.data
        name = ev.rel.name or "?"
        reason = d.reason
        if reason == "silence":
            message = (f"failover link {name}: nothing from {d.silent} for more than "
                       f"{d.limit} s (receive-timer of {d.receiver})")
            isc_log = f"timeout waiting for failover peer {name}"
            culprit = d.silent
        elif reason == "state":
            message = (f"failover link {name}: {d.server} reports communications-interrupted "
                       f"since {d.since} (its clock), before this capture saw the link")
            isc_log = f"failover peer {name}: I move from normal to communications-interrupted"
            culprit = d.server
        elif reason == "refused":
            message = (f"failover link {name} stays down: {d.by} refuses connections from "
                       f"{d.caller} (RST), dhcpd is not listening there")
            isc_log = None          # the caller logs nothing for a refused connect
            culprit = d.by
        else:
            how = {"fin": "closed (FIN)", "rst": "reset (RST)"}.get(reason, reason)
            message = f"failover link {name} {how} by {d.by or '?'}"
            isc_log = f"peer {name}: disconnected"
            culprit = d.by
        if d.unacked:
            # ISC keeps them queued and sends them again once the pair is back in touch
            message += (f"; {d.unacked} binding update(s) still unacknowledged (the partner "
                        f"does not know those leases until they are sent again)")
        return [make_finding("failover.link-down", ev.ts, ev.frames, message, isc_log=isc_log,
                             relationship=ev.rel.name, server=culprit,
                             gate=(ev.rel.name, tuple(sorted(ev.rel.peers)), reason, culprit))]


CHECK = LinkDown
