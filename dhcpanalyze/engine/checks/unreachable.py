"""dhcp.server-unreachable: a DHCP message came back as an ICMP error.

A client that unicasts to a server (RENEW, RELEASE, or a REQUEST to a remembered server) gets
"port unreachable" when dhcpd is not running there, "host unreachable" when the host is gone.
A RELEASE lost this way leaves the lease active on both failover peers until it expires - the
seed lab's `dhclient -r` towards the stopped secondary shows exactly this.
"""
from __future__ import annotations

from ..findings import make_finding
from . import ICMP, Check

ICMP_CODES = {0: "net unreachable", 1: "host unreachable", 2: "protocol unreachable",
              3: "port unreachable", 9: "net prohibited", 10: "host prohibited",
              13: "administratively prohibited"}


class ServerUnreachable(Check):
    dhcp_seen = frozenset((ICMP,))

    def on_dhcp(self, rec, applied, ctx) -> list:
        quote = rec.via_icmp
        if quote is None or rec.msg.op == 2:
            return []                   # an error about a server's reply is the client's problem
        txn = applied.txn
        what = ICMP_CODES.get(quote.code, f"code {quote.code}") if quote.type == 3 \
            else f"ICMP type {quote.type} code {quote.code}"
        message = (f"{applied.mtype} from {txn.mac} to {rec.dst} answered by {what} "
                   f"from {quote.sender}")
        return [make_finding("dhcp.server-unreachable", rec.ts, [rec.frame], message,
                             client=txn.mac, server=rec.dst,
                             ip=txn.ciaddr or txn.requested_ip)]


CHECK = ServerUnreachable
