"""failover.mclt-lease: a client got a lease no longer than the MCLT.

Under failover a server may not promise a lease beyond what its partner has acknowledged plus
the MCLT (maximum client lead time), so a first lease is often exactly MCLT long (e.g. one hour
instead of a day) and only renewals get the configured time. Operators asking "why are my leases
so short" are looking at this; it is info, not a fault.
"""
from __future__ import annotations

from ..findings import make_finding
from . import NEW, Check, via


class McltLease(Check):
    dhcp_types = frozenset(("ACK",))
    dhcp_seen = frozenset((NEW,))

    def on_dhcp(self, rec, applied, ctx) -> list:
        txn = applied.txn
        if applied.mtype != "ACK" or not applied.distinct or txn.lease_time is None \
                or not txn.assigned_ip:
            return []
        rel = ctx.rel_for(txn.server)
        if rel is None or not rel.mclt:
            return []
        # ISC grants exactly MCLT when the partner has not acked a later expiry (wire §5.9)
        if abs(txn.lease_time - rel.mclt) > ctx.settings.mclt_slack_s:
            return []
        message = (f"{txn.server} gave {txn.assigned_ip} to {txn.mac} for {txn.lease_time} s, "
                   f"limited to the MCLT ({rel.mclt} s) of relationship {rel.name or '?'}")
        return [make_finding("failover.mclt-lease", rec.ts, [rec.frame], message,
                             client=txn.mac, ip=txn.assigned_ip, server=txn.server,
                             relationship=rel.name,
                             isc_log=f"DHCPACK on {txn.assigned_ip} to {txn.mac} via {via(txn)}",
                             gate=(txn.mac,))]


CHECK = McltLease
