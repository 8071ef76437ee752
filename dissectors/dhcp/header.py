"""The fixed 236-byte BOOTP header (RFC 951 §3, RFC 2131 §2 figure 1), read with the bounded Reader.

A capture cut by snaplen, or a hostile sender, can give fewer bytes: every field that was read is
kept, the ones that were not present keep their zero defaults, and the shortfall is an issue.
"""
from __future__ import annotations

import struct

from dissectors.addr import ip_text
from dissectors.wire import Reader, Truncated

HEADER_LEN = 236                    # op .. file; the vendor/options area follows
SNAME_SPAN = (44, 108)              # offsets of sname (64 bytes) and file (128 bytes): option 52
FILE_SPAN = (108, 236)              # can overload them with options (RFC 2131 §4.1)
CHADDR_LEN = 16

# (field, reader kind, default). Kinds: u8/u16/u32, ip (4 bytes), or a byte count.
_FIELDS: tuple[tuple[str, str | int, object], ...] = (
    ("op", "u8", 0), ("htype", "u8", 0), ("hlen", "u8", 0), ("hops", "u8", 0),
    ("xid", "u32", 0), ("secs", "u16", 0), ("flags", "u16", 0),
    ("ciaddr", "ip", "0.0.0.0"), ("yiaddr", "ip", "0.0.0.0"),
    ("siaddr", "ip", "0.0.0.0"), ("giaddr", "ip", "0.0.0.0"),
    ("chaddr", CHADDR_LEN, b""), ("sname", 64, b""), ("file", 128, b""),
)


HEADER = struct.Struct("!BBBBIHH4s4s4s4s16s64s128s")   # the 14 fields in wire order
_NAMES = tuple(name for name, _kind, _default in _FIELDS)


def _read_field(reader: Reader, kind: str | int) -> object:
    if kind == "u8":
        return reader.read_u8()
    if kind == "u16":
        return reader.read_u16()
    if kind == "u32":
        return reader.read_u32()
    if kind == "ip":
        return ip_text(reader.read_bytes(4))
    # A byte field cut short keeps the bytes that are there: a snaplen cut inside `file`
    # still leaves a useful sname and chaddr.
    return reader.read_bytes(min(int(kind), reader.remaining))


def header_values(payload: bytes) -> tuple | None:
    """The 14 header fields in wire order (addresses as text, chaddr the full 16-byte field),
    or None when the payload is shorter than the header. The common, fast case of `read_header`."""
    if len(payload) < HEADER_LEN:
        return None
    op, htype, hlen, hops, xid, secs, flags, ci, yi, si, gi, chaddr, sname, file = HEADER.unpack_from(payload)
    return (op, htype, hlen, hops, xid, secs, flags, ip_text(ci), ip_text(yi), ip_text(si), ip_text(gi),
            chaddr, sname, file)


def read_header(payload: bytes) -> tuple[dict[str, object], list[str]]:
    """The header fields by RFC name (chaddr still the full 16-byte field) and any issues."""
    values = header_values(payload)
    if values is not None:
        return dict(zip(_NAMES, values)), []
    reader = Reader(payload, 0, HEADER_LEN)
    fields = {name: default for name, _kind, default in _FIELDS}
    try:
        for name, kind, _default in _FIELDS:
            fields[name] = _read_field(reader, kind)
    except Truncated:
        pass
    return fields, [f"truncated BOOTP header ({len(payload)} of {HEADER_LEN} bytes)"]


def hardware_address(chaddr: bytes, hlen: int) -> tuple[bytes, list[str]]:
    """The first hlen bytes of chaddr; an hlen over 16 cannot be honoured (RFC 2131 §2)."""
    if hlen > CHADDR_LEN:
        return chaddr, [f"hlen {hlen} > {CHADDR_LEN}"]
    return chaddr[:hlen], []
