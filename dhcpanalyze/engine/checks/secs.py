"""dhcp.secs-byte-order: a client writes the `secs` field little-endian.

RFC 2131 puts secs in network order; some clients write a small value as bytes `NN 00`. dhcpd
reads NN*256 seconds unless `check-secs-byte-order` is on, so such a client always looks like it
has waited past `load balance max seconds`: both failover peers answer every DISCOVER (duplicate
OFFERs, "uid lease ... is duplicate"). Wireshark silently shows the swapped (small) value.
"""
from __future__ import annotations

from ..findings import make_finding
from ..loadbalance import looks_little_endian
from . import NEW, Check


class SecsByteOrder(Check):
    dhcp_types = frozenset(("DISCOVER", "REQUEST", "BOOTP"))
    dhcp_seen = frozenset((NEW,))

    def on_dhcp(self, rec, applied, ctx) -> list:
        msg = rec.msg
        if msg.op != 1 or not applied.distinct or not looks_little_endian(msg.secs) \
                or applied.mtype not in ("DISCOVER", "REQUEST", "BOOTP"):
            return []
        s = ctx.settings
        small = msg.secs >> 8
        read = small if s.check_secs_byte_order else msg.secs
        # it matters when the misread value lands on the other side of load balance max seconds
        flips = s.lb_max_secs is not None and (read > s.lb_max_secs) != (small > s.lb_max_secs)
        effect = (f"; dhcpd reads {read}, which bypasses load balancing (max "
                  f"{s.lb_max_secs})" if flips else f"; dhcpd reads {read}")
        message = (f"{applied.txn.mac} sends secs as bytes {msg.secs >> 8:02x} 00 "
                   f"({small} s little-endian, {msg.secs} s as sent){effect}")
        return [make_finding("dhcp.secs-byte-order", rec.ts, [rec.frame], message,
                             severity="warning" if flips else "info", client=applied.txn.mac,
                             gate=(applied.txn.mac,))]


CHECK = SecsByteOrder
