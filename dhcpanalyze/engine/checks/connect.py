"""failover.connect-rejected and failover.disconnect: the peers refuse to talk to each other.

The secondary answers a CONNECT with a CONNECTACK carrying a reject reason (clock more than 60 s
off, unknown relationship name, missing HBA); the primary answers a bad CONNECTACK with a
DISCONNECT. Either way the pair stays out of touch and retries every 5 s, so each server serves
only its own free leases and nothing is replicated until the cause is fixed.
"""
from __future__ import annotations

from ..findings import make_finding
from . import Check


class Connect(Check):
    failover_kinds = frozenset(("connect-rejected", "disconnect"))

    def on_failover(self, ev, ctx) -> list:
        d = ev.data
        name = ev.rel.name or d.name or "?"
        if ev.kind == "connect-rejected":
            what = f"rejected the failover CONNECT from {d.receiver}"
            code, isc_log = "failover.connect-rejected", \
                f"Failover CONNECT to {name} rejected: {d.reason_text}"
        elif ev.kind == "disconnect":
            what = f"sent DISCONNECT to {d.receiver}"
            code, isc_log = "failover.disconnect", \
                f"Failover DISCONNECT from {name}: {d.reason_text}"
        else:
            return []
        text = d.text or d.reason_text
        message = f"{d.sender} {what} (relationship {name}): reason {d.reason} '{text}'"
        return [make_finding(code, ev.ts, ev.frames, message, isc_log=isc_log,
                             relationship=ev.rel.name, server=d.sender,
                             gate=(ev.rel.name, tuple(sorted(ev.rel.peers)), d.reason))]


CHECK = Connect
