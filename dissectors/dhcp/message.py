"""The decoded DHCPv4 / BOOTP message (RFC 2131 §2, RFC 951)."""
from __future__ import annotations

from dataclasses import dataclass, field

from dissectors.options import Option


@dataclass(slots=True)
class DhcpMessage:
    """A BOOTP/DHCP message. Fields keep RFC 2131 names; integers are as on the wire (network order)."""

    op: int                 # 1 BOOTREQUEST, 2 BOOTREPLY
    htype: int
    hlen: int
    hops: int
    xid: int
    secs: int               # ntohs(secs), the value ISC uses unless check-secs-byte-order is on
    flags: int
    ciaddr: str
    yiaddr: str
    siaddr: str
    giaddr: str
    chaddr: bytes           # first min(hlen, 16) bytes of the 16-byte field
    sname: bytes            # up to the first NUL ('' when overloaded by option 52)
    file: bytes
    has_cookie: bool        # False: plain BOOTP (or a bad cookie, see issues)
    options: list[Option] = field(default_factory=list)   # wire order, PAD/END omitted, RFC 3396 merged
    issues: list[str] = field(default_factory=list)       # human-readable problems found while decoding
    trailing: bytes = b""   # undecodable rest kept raw (after a truncated option, etc.)

    @property
    def msg_type(self) -> str | None:
        """Option 53 as a name (DISCOVER, OFFER, ...), 'BOOTP' for op without option 53 ... or None."""
        for opt in self.options:
            if opt.code == 53:
                return opt.value if isinstance(opt.value, str) else f"TYPE{opt.value}"
        return None

    def option(self, code: int) -> Option | None:
        for opt in self.options:
            if opt.code == code:
                return opt
        return None
