"""Decoders for the simple DHCP option shapes: addresses, integers, times, flags, text, lists.

Each decoder takes an option's data bytes and returns a JSON-serialisable value, or raises
`BadValue` with the reason (said after "option N (name)" in the message's issue). Many options
share a shape, so the table in `options.py` names a shape, not a function per option.
"""
from __future__ import annotations

import struct
from collections.abc import Callable

from dissectors.addr import ip_text
from dissectors.dhcp.enums import message_type_name
from dissectors.dhcp.text import decode_text


class BadValue(ValueError):
    """The option's data does not fit its shape (wrong length, bad inner structure)."""


def need_length(data: bytes, size: int) -> None:
    if len(data) != size:
        raise BadValue(f"length {len(data)}, expected {size}")


def need_multiple(data: bytes, size: int, allow_empty: bool = False) -> None:
    if len(data) % size or not (data or allow_empty):
        kind = "a multiple" if allow_empty else "a non-zero multiple"
        raise BadValue(f"length {len(data)}, expected {kind} of {size}")


def ip(data: bytes) -> str:
    need_length(data, 4)
    return ip_text(data)


def ip_list(data: bytes) -> list[str]:
    # RFC 2132 gives these a minimum length of 4; option 68 (mobile-ip-home-agent) may be empty.
    need_multiple(data, 4, allow_empty=True)
    return [ip_text(data[i:i + 4]) for i in range(0, len(data), 4)]


def ip_pairs(keys: tuple[str, str]) -> Callable[[bytes], list[dict[str, str]]]:
    """Pairs of addresses (RFC 2132 §5.3 policy filter, §5.8 static routes), keyed by `keys`."""
    def decode(data: bytes) -> list[dict[str, str]]:
        need_multiple(data, 8)
        return [{keys[0]: ip_text(data[i:i + 4]), keys[1]: ip_text(data[i + 4:i + 8])}
                for i in range(0, len(data), 8)]
    return decode


def fixed_int(fmt: str) -> Callable[[bytes], int]:
    """A single network-order integer of struct format `fmt` (B, H, I, i)."""
    layout = struct.Struct("!" + fmt)

    def decode(data: bytes) -> int:
        need_length(data, layout.size)
        return layout.unpack(data)[0]
    return decode


def int_list(fmt: str) -> Callable[[bytes], list[int]]:
    """A list of network-order integers (option 55 codes, option 25 MTUs, option 93 arches)."""
    layout = struct.Struct("!" + fmt)

    def decode(data: bytes) -> list[int]:
        need_multiple(data, layout.size)
        return [value for (value,) in layout.iter_unpack(data)]
    return decode


def flag(data: bytes) -> bool:
    """RFC 2132 boolean options: one byte, 0 or 1."""
    need_length(data, 1)
    if data[0] > 1:
        raise BadValue(f"value {data[0]} is not 0 or 1")
    return data[0] == 1


def text(data: bytes) -> str:
    """NVT ASCII in the RFCs; kept as sent, trailing NUL included (some clients add one)."""
    return decode_text(data)


def hexbytes(data: bytes) -> str:
    return data.hex()


def message_type(data: bytes) -> str:
    """Option 53 (RFC 2132 §9.6): the type name, `TYPE<n>` for unassigned numbers."""
    need_length(data, 1)
    return message_type_name(data[0])


def split_tlvs(data: bytes, what: str = "sub-option") -> list[tuple[int, bytes]]:
    """Code/length/value items filling `data` exactly (RFC 3046 §2.0 sub-options and the like)."""
    items, pos = [], 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise BadValue(f"{what} {data[pos]} has no length byte")
        code, length = data[pos], data[pos + 1]
        if pos + 2 + length > len(data):
            left = len(data) - pos - 2
            raise BadValue(f"{what} {code} length {length} runs past end of option ({left} bytes left)")
        items.append((code, data[pos + 2:pos + 2 + length]))
        pos += 2 + length
    return items


def split_counted(data: bytes, what: str) -> list[bytes]:
    """Length-prefixed items filling `data` exactly (RFC 3004 user classes, RFC 3925 class data)."""
    items, pos = [], 0
    while pos < len(data):
        length = data[pos]
        if length == 0 or pos + 1 + length > len(data):
            raise BadValue(f"{what} length {length} does not fit the {len(data) - pos - 1} bytes left")
        items.append(data[pos + 1:pos + 1 + length])
        pos += 1 + length
    return items


SIMPLE_SHAPES: dict[str, Callable[[bytes], object]] = {
    "ip": ip,
    "ip-list": ip_list,
    "policy-filters": ip_pairs(("address", "mask")),
    "static-routes": ip_pairs(("destination", "router")),
    "u8": fixed_int("B"),
    "u16": fixed_int("H"),
    "u32": fixed_int("I"),
    "i32": fixed_int("i"),
    "time": fixed_int("I"),
    "u8-list": int_list("B"),
    "u16-list": int_list("H"),
    "bool": flag,
    "string": text,
    "bytes": hexbytes,
    "msg-type": message_type,
}


# --- which data a shape decodes without fail -------------------------------------------------
# A dissector that finds `fits(data)` true may defer the decoding to the first read of the value:
# the decoder above cannot raise BadValue for it (tests/dissectors: a Hypothesis test per shape).
# Shapes not listed here (compound ones, bool) are decoded at once, so their problems are issues.

def exactly(size: int) -> Callable[[bytes], bool]:
    return lambda data: len(data) == size


def multiple_of(size: int, allow_empty: bool = False) -> Callable[[bytes], bool]:
    return lambda data: not len(data) % size and (allow_empty or len(data) > 0)


def anything(data: bytes) -> bool:
    return True


FITS: dict[str, Callable[[bytes], bool]] = {
    "ip": exactly(4), "ip-list": multiple_of(4, allow_empty=True),
    "policy-filters": multiple_of(8), "static-routes": multiple_of(8),
    "u8": exactly(1), "u16": exactly(2), "u32": exactly(4), "i32": exactly(4), "time": exactly(4),
    "u8-list": multiple_of(1), "u16-list": multiple_of(2),
    "string": anything, "bytes": anything, "msg-type": exactly(1),
}
