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
        skew = abs(ev.data.skew)
        if skew < s.skew_warn_s:
            return []
        severity = "error" if skew > s.skew_error_s else "warning"
        ahead, behind = ev.data.ahead, ev.data.behind
        rel, name = ev.rel, ev.rel.name or "?"
        message = (f"{_who(rel, ahead)} clock is {skew:.0f} s ahead of {_who(rel, behind)} "
                   f"(relationship {name})")
        isc_log = (f"Failover CONNECT from {name}: time offset too large"
                   if severity == "error" else None)
        return [make_finding("failover.clock-skew", ev.ts, ev.frames, message, severity=severity,
                             explanation=explain(skew, severity == "error"), isc_log=isc_log,
                             relationship=rel.name, server=ahead,
                             gate=(rel.name, tuple(sorted(rel.peers))))]


def _who(rel, ip: str) -> str:
    role = rel.role(ip)
    return f"{role} {ip}" if role != "unknown" else f"failover peer {ip}"


def explain(skew: float, too_far: bool) -> str:
    """What a skew of this size does to the pair (failover-wire.md §5.10: ISC refuses a CONNECT
    or CONNECTACK whose clock is more than 60 s off; 60 s exactly is accepted)."""
    if too_far:
        return (f"ISC compares the peers' clocks only when connecting and refuses a partner more "
                f"than 60 s off: at {skew:.0f} s every CONNECT is rejected (reason 4, 'time "
                f"offset too large'), so the pair cannot (re)connect and each server serves alone.")
    return (f"ISC compares the peers' clocks only when connecting and refuses a partner more than "
            f"60 s off: at {skew:.0f} s the pair still connects, but if the clocks drift past "
            f"60 s its next reconnect is refused. Lease times in binding updates are never "
            f"corrected for the difference.")


CHECK = ClockSkew
