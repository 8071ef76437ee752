"""DNS wire-format names inside DHCP options (RFC 1035 §3.1, compression §4.1.4).

Used by option 119 domain search (RFC 3397), option 120 SIP server names (RFC 3361) and option 81
client FQDN (RFC 4702 §2.3.1, where a name may be partial: no root label at the end).
Compression pointers are offsets into the option's (RFC 3396-concatenated) data, and must point
backwards: a pointer loop in hostile input ends as a `BadValue`, not a hang.
"""
from __future__ import annotations

from dissectors.dhcp.shapes import BadValue
from dissectors.dhcp.text import decode_text

_POINTER = 0xC0


def read_name(data: bytes, pos: int, partial_ok: bool = False) -> tuple[str, int]:
    """The name starting at `pos` and the offset just after it (after its first pointer, if any)."""
    labels: list[str] = []
    end = None                      # where the caller resumes: right after the first pointer
    floor = pos                     # each pointer must go strictly below the previous jump target
    while True:
        if pos >= len(data):
            if partial_ok and end is None:
                return ".".join(labels), pos
            raise BadValue(f"domain name runs past end of option at offset {pos}")
        length = data[pos]
        if length == 0:
            return ".".join(labels), (pos + 1 if end is None else end)
        if length & _POINTER == _POINTER:
            pos, floor, end = _follow(data, pos, floor, end)
            continue
        if length & _POINTER:
            raise BadValue(f"domain name label type 0x{length & _POINTER:02x} at offset {pos}")
        if pos + 1 + length > len(data):
            raise BadValue(f"domain name label of {length} bytes runs past end of option")
        labels.append(decode_text(data[pos + 1:pos + 1 + length]))
        pos += 1 + length


def _follow(data: bytes, pos: int, floor: int, end: int | None) -> tuple[int, int, int]:
    if pos + 2 > len(data):
        raise BadValue(f"domain name pointer at offset {pos} is cut short")
    target = ((data[pos] & 0x3F) << 8) | data[pos + 1]
    if target >= floor:
        raise BadValue(f"domain name pointer at offset {pos} to {target} does not point backwards")
    return target, target, (pos + 2 if end is None else end)


def read_name_list(data: bytes) -> list[str]:
    """Names packed one after another until the data ends (RFC 3397 §2)."""
    names, pos = [], 0
    while pos < len(data):
        name, pos = read_name(data, pos)
        names.append(name)
    return names
