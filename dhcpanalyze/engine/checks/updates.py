"""Binding updates that go wrong: rejected, never acknowledged, or more in flight than allowed.

failover.update-rejected: the partner refused a BNDUPD (BNDACK with a reject reason). Reason 16
"less critical" happens when both peers update the same lease at once, usual during a resync
(info); any other reason means the lease databases or pool definitions disagree (warning).
failover.update-unacked: a BNDUPD got no BNDACK within `bndack_timeout_s` while the link was up;
the partner may not know the lease.
failover.max-unacked-exceeded: more BNDUPDs outstanding than the partner's max-unacked-updates;
ISC never sends beyond the window, so acks were lost or the sender misbehaves.
"""
from __future__ import annotations

from ..findings import make_finding
from . import Check

LESS_CRITICAL = 16      # draft-12 §12.21: dueling updates, the other side's is better
REJECTED = "failover.update-rejected"


class BindingUpdates(Check):
    failover_kinds = frozenset(("bndack", "unacked", "window"))

    def on_failover(self, ev, ctx) -> list:
        if ev.kind == "bndack":
            return self._rejected(ev, ctx) if ev.data.reason is not None else []
        if ev.kind == "unacked":
            return [self._unacked(ev)]
        if ev.kind == "window":
            return [self._window(ev)]
        return []

    def _rejected(self, ev, ctx) -> list:
        d = ev.data
        severity = "info" if d.reason == LESS_CRITICAL else "warning"
        gate = (ev.rel.name, d.updater, d.reason)
        # a resync rejects thousands alike: only the first of each window is made
        if ctx.repeat(REJECTED, severity, gate, ev.ts, ev.frames):
            return []
        name = ev.rel.name or "?"
        text = d.text or d.reason_text
        message = (f"{d.acker} rejected the binding update for {d.ip} from "
                   f"{d.updater}: reason {d.reason} '{text}'")
        return [make_finding(REJECTED, ev.ts, ev.frames, message,
                             severity=severity, ip=d.ip, server=d.updater,
                             relationship=ev.rel.name,
                             isc_log=f"bind update on {d.ip} from {name} rejected: {text}",
                             gate=gate)]

    def _unacked(self, ev):
        d = ev.data
        age = ev.ts - d.sent
        message = (f"binding update for {d.ip} ({d.status}) from {d.sender} to "
                   f"{d.receiver} not acknowledged after {age:.0f} s (xid {d.xid:#x})")
        return make_finding("failover.update-unacked", ev.ts, ev.frames, message, ip=d.ip,
                            server=d.sender, relationship=ev.rel.name,
                            gate=(ev.rel.name, d.sender))

    def _window(self, ev):
        d = ev.data
        message = (f"{d.sender} has {d.outstanding} binding updates unacknowledged; "
                   f"{d.receiver} accepts at most {d.limit} (max-unacked-updates)")
        return make_finding("failover.max-unacked-exceeded", ev.ts, ev.frames, message,
                            server=d.sender, relationship=ev.rel.name)


CHECK = BindingUpdates
