"""The decoded ISC DHCP failover message (draft-ietf-dhc-failover-12 §6, as ISC dhcpd 4.x sends it)."""
from __future__ import annotations

from dataclasses import dataclass, field

from dissectors.options import Option


@dataclass(slots=True)
class FailoverMessage:
    """One failover message cut from a TCP/647 byte stream by its 2-byte length prefix."""

    length: int             # total message length including the 2 length bytes
    type: int               # 1 POOLREQ .. 12 DISCONNECT
    type_name: str          # ISC 4.x / draft-12 name: UPDREQALL is 7, UPDREQ is 9 (tshark swaps them)
    poffset: int            # payload offset, ISC always 12
    time: int               # sender's clock, epoch seconds
    xid: int
    extra_header: bytes = b""                              # poffset-12 bytes, ISC never sends any
    options: list[Option] = field(default_factory=list)   # wire order
    issues: list[str] = field(default_factory=list)
    legacy: bool = False    # decoded with the ISC 3.0.x numbering
    # raw option bytes by name (first occurrence, of the exact size ISC requires where it requires
    # one), as the engine reads them; set by the decoder's one-pass path, None when not made yet
    by_name: dict[str, bytes] | None = field(default=None, compare=False, repr=False)

    def get(self, name: str, default: object = None) -> object:
        """The decoded value of the first option with this draft-12 name (era-independent)."""
        for opt in self.options:
            if opt.name == name:
                return opt.value
        return default
