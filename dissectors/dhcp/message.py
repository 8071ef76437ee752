"""The decoded DHCPv4 / BOOTP message (RFC 2131 §2, RFC 951)."""
from __future__ import annotations

from dataclasses import dataclass, field

from dissectors.dhcp.enums import message_type_name
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
    overload: int = 0       # option 52: 1 file, 2 sname, 3 both hold options (0: none or invalid)
    split_options: dict[int, int] = field(default_factory=dict)  # code -> fragments, RFC 3396 long options

    @property
    def msg_type(self) -> str | None:
        """Option 53 as a name (DISCOVER, OFFER, ..., TYPE<n> if unassigned), or None without option 53."""
        opt = self.option(53)
        if opt is None or len(opt.raw) != 1:    # absent, or too malformed to name (see issues)
            return None
        return message_type_name(opt.raw[0])

    @property
    def is_secs_little_endian(self) -> bool:
        """secs looks byte-swapped: some clients send 3 seconds as 03 00, which reads as 768.

        ISC dhcpd reads secs in network order unless built with --enable-secs-byteorder, so such a
        client looks like it has waited minutes and skips failover load balancing (RFC 3074 §2.3)."""
        return self.secs > 0xFF and self.secs & 0xFF == 0

    @property
    def secs_swapped(self) -> int:
        """secs read little-endian, the value tshark shows when `is_secs_little_endian`."""
        return ((self.secs & 0xFF) << 8) | (self.secs >> 8)

    @property
    def is_broadcast(self) -> bool:
        """The BROADCAST flag (RFC 2131 §2): the client cannot receive unicast before configuration."""
        return bool(self.flags & 0x8000)

    def option(self, code: int) -> Option | None:
        for opt in self.options:
            if opt.code == code:
                return opt
        return None
