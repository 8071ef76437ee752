"""failover.state-change: a peer announced a new failover state.

Only NORMAL load-balances. COMMUNICATIONS-INTERRUPTED serves own leases only; PARTNER-DOWN serves
everything (the partner's leases after MCLT) and is dangerous if both sides believe it;
POTENTIAL-CONFLICT, RESOLUTION-INTERRUPTED, SHUTDOWN and PAUSED stop or limit service until
resolved, so they are warnings; the rest (startup, recover, recover-done, normal...) are info.
"""
from __future__ import annotations

from ..findings import make_finding
from . import Check

WARN_STATES = {"partner-down", "potential-conflict", "resolution-interrupted", "shutdown",
               "paused"}


class StateChange(Check):
    failover_kinds = frozenset(("state",))

    def on_failover(self, ev, ctx) -> list:
        if ev.kind != "state":
            return []
        d = ev.data
        if d.state == d.previous:
            return []                   # the same state re-announced after a reconnect
        name = ev.rel.name or "?"
        role = ev.rel.role(d.server)
        before = d.previous or "unknown-state"
        startup = " (starting up)" if d.startup else ""
        message = (f"{role} {d.server} now in {d.state}{startup}, was {before} "
                   f"(relationship {name})")
        severity = "warning" if d.state in WARN_STATES else "info"
        isc_log = f"failover peer {name}: peer moves from {before} to {d.state}"
        return [make_finding("failover.state-change", ev.ts, ev.frames, message,
                             severity=severity, isc_log=isc_log, relationship=ev.rel.name,
                             server=d.server)]


CHECK = StateChange
