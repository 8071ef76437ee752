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
    def on_failover(self, ev, ctx) -> list:
        if ev.kind == "connect-rejected":
            return [self._rejected(ev)]
        if ev.kind == "disconnect":
            return [self._disconnect(ev)]
        return []

    def _rejected(self, ev):
        d = ev.data
        name = ev.rel.name or d["name"] or "?"
        text = d["text"] or d["reason_text"]
        message = (f"{d['sender']} rejected the failover CONNECT from {d['receiver']} "
                   f"(relationship {name}): reason {d['reason']} {text!r}")
        isc_log = f"Failover CONNECT to {name} rejected: {d['reason_text']}"
        return make_finding("failover.connect-rejected", ev.ts, ev.frames, message,
                            isc_log=isc_log, relationship=ev.rel.name, server=d["sender"],
                            gate=(ev.rel.name, tuple(sorted(ev.rel.peers)), d["reason"]))

    def _disconnect(self, ev):
        d = ev.data
        name = ev.rel.name or "?"
        text = d["text"] or d["reason_text"]
        message = (f"{d['sender']} sent DISCONNECT to {d['receiver']} (relationship {name}): "
                   f"reason {d['reason']} {text!r}")
        isc_log = f"Failover DISCONNECT from {name}: {d['reason_text']}"
        return make_finding("failover.disconnect", ev.ts, ev.frames, message, isc_log=isc_log,
                            relationship=ev.rel.name, server=d["sender"],
                            gate=(ev.rel.name, tuple(sorted(ev.rel.peers)), d["reason"]))


CHECK = Connect
