"""failover.clock-skew: the two peers' clocks are far apart.

Every failover message carries its sender's clock. ISC checks it only when connecting and refuses
a partner more than 60 s off ("time offset too large"); lease times in binding updates are never
corrected. A pair drifting towards a minute apart will fail at its next reconnect, so this warns
from `skew_warn_s` (30 s, as Kea HA does) and is an error beyond `skew_error_s` (60 s).
"""
from __future__ import annotations

from ..findings import make_finding
from . import Check


class ClockSkew(Check):
    failover_kinds = frozenset(("skew",))

    def on_failover(self, ev, ctx) -> list:
        if ev.kind != "skew":
            return []
        s = ctx.settings
        skew = abs(ev.data["skew"])
        if skew < s.skew_warn_s:
            return []
        severity = "error" if skew > s.skew_error_s else "warning"
        ahead, behind = ev.data["ahead"], ev.data["behind"]
        name = ev.rel.name or "?"
        message = (f"failover peer {ahead} clock is {skew:.0f} s ahead of {behind} "
                   f"(relationship {name})")
        isc_log = (f"Failover CONNECT from {name}: time offset too large"
                   if severity == "error" else None)
        return [make_finding("failover.clock-skew", ev.ts, ev.frames, message, severity=severity,
                             isc_log=isc_log, relationship=ev.rel.name, server=ahead,
                             gate=(ev.rel.name, tuple(sorted(ev.rel.peers))))]


CHECK = ClockSkew
