"""`decode_dhcp`: a UDP payload to a `DhcpMessage`, for any bytes, never raising.

Order of work follows RFC 2131 §2-§4.1: the fixed BOOTP header, the magic cookie (RFC 1497), the
options field, then the file and sname fields when option 52 overloads them (RFC 3396 §5), and
finally RFC 3396 concatenation of repeated codes before each option's value is decoded.
"""
from __future__ import annotations

from collections.abc import Callable

from dissectors.addr import ip_text
from dissectors.dhcp.compound import SHAPES
from dissectors.dhcp.enums import OVERLOAD_FILE, OVERLOAD_SNAME
from dissectors.dhcp.header import CHADDR_LEN, HEADER, HEADER_LEN, hardware_address, header_values, read_header
from dissectors.dhcp.message import DhcpMessage
from dissectors.dhcp.options import END, OVERLOAD, PAD, spec_for
from dissectors.dhcp.shapes import FITS, BadValue
from dissectors.dhcp.text import cstring
from dissectors.dhcp.walk import FieldWalk, area_issues, concatenate, overload_of, overloaded_areas, walk_area
from dissectors.options import LATER, Option, SharedOptions

MAGIC_COOKIE = b"\x63\x82\x53\x63"      # RFC 2131 §3 / RFC 1497: 99.130.83.99
_OPTIONS_AT = HEADER_LEN + len(MAGIC_COOKIE)


def decode_dhcp(payload: bytes) -> DhcpMessage:
    """Decode one BOOTP/DHCP message; malformed parts become `issues`, never exceptions."""
    payload = bytes(payload)
    try:
        return _decode(payload)
    except Exception as exc:    # noqa: BLE001 - one decoder bug must not end a whole capture;
        # the Hypothesis tests assert this branch never runs.
        msg, _ = _new_message(read_header(payload)[0])
        msg.issues.append(f"decoder bug: {type(exc).__name__}: {exc}")
        msg.trailing = payload[HEADER_LEN:]
        return msg


def _new_message(fields: dict[str, object]) -> tuple[DhcpMessage, list[str]]:
    chaddr, issues = hardware_address(fields["chaddr"], fields["hlen"])
    msg = DhcpMessage(**{**fields, "chaddr": chaddr, "sname": cstring(fields["sname"]),
                         "file": cstring(fields["file"])}, has_cookie=False)
    return msg, issues


def _decode(payload: bytes) -> DhcpMessage:
    if payload[HEADER_LEN:_OPTIONS_AT] == MAGIC_COOKIE:
        msg = _decode_usual(payload)
        if msg is not None:
            return msg
    return _decode_general(payload)


def _decode_general(payload: bytes) -> DhcpMessage:
    values = header_values(payload)
    if values is not None:          # a whole header: build the message straight from the unpacked tuple
        chaddr, issues = hardware_address(values[11], values[2])
        msg = DhcpMessage(*values[:11], chaddr, cstring(values[12]), cstring(values[13]), has_cookie=False,
                          issues=issues)
    else:
        fields, issues = read_header(payload)
        msg, hlen_issues = _new_message(fields)
        msg.issues += issues + hlen_issues
    vendor = payload[HEADER_LEN:]
    if vendor[:4] == MAGIC_COOKIE:
        msg.has_cookie = True
        _decode_options(msg, payload)
    else:
        _keep_vendor_area(msg, vendor)
    return msg


def _decode_usual(payload: bytes) -> DhcpMessage | None:
    """The usual message in one pass, or None for the general path below, which then finds the
    same message: whole header and cookie (checked by the caller), hlen <= 16, an options field
    that ends with END followed only by zero padding, no option 52 and no code twice (so nothing
    for RFC 3396 to join). Most messages of a capture are like this; the general path builds a
    walk per area and joins fragments, the same rules in more steps."""
    pairs, seen = [], bytearray(256)
    pos, end = _OPTIONS_AT, len(payload)
    while pos < end:
        code = payload[pos]
        if code == PAD:
            pos += 1
            continue
        if code == END:
            break
        if seen[code] or code == OVERLOAD or pos + 1 >= end:
            return None
        stop = pos + 2 + payload[pos + 1]
        if stop > end:
            return None
        seen[code] = 1
        pairs.append((code, payload[pos + 2:stop]))
        pos = stop
    else:
        return None                     # no END
    if payload.count(0, pos + 1) != end - pos - 1:
        return None                     # bytes after END that are not padding
    op, htype, hlen, hops, xid, secs, flags, ci, yi, si, gi, chaddr, sname, file = HEADER.unpack_from(payload)
    if hlen > CHADDR_LEN:
        return None
    issues: list[str] = []
    options = [_decode_option(pair, issues) for pair in pairs]
    return DhcpMessage(op, htype, hlen, hops, xid, secs, flags, ip_text(ci), ip_text(yi), ip_text(si),
                       ip_text(gi), chaddr[:hlen], cstring(sname), cstring(file), True, options, issues,
                       b"", 0, {})


def _keep_vendor_area(msg: DhcpMessage, vendor: bytes) -> None:
    """Plain BOOTP (RFC 951 `vend`): zeros are an unused area; anything else is kept raw."""
    if not vendor.strip(b"\x00"):
        return
    msg.trailing = vendor
    if len(vendor) < 4 and MAGIC_COOKIE.startswith(vendor):
        msg.issues.append(f"truncated magic cookie ({len(vendor)} of 4 bytes)")
    else:
        msg.issues.append(f"bad magic cookie 0x{vendor[:4].hex()}; vendor area of {len(vendor)} bytes "
                          "kept raw, not read as options")


def _decode_options(msg: DhcpMessage, payload: bytes) -> None:
    walks = [walk_area(payload, _OPTIONS_AT, len(payload), "packet")]
    msg.overload, overload_issues = overload_of(walks[0].fragments)
    walks += overloaded_areas(payload, msg.overload)
    if msg.overload & OVERLOAD_FILE:
        msg.file = b""                  # the field holds options, not a boot file name
    if msg.overload & OVERLOAD_SNAME:
        msg.sname = b""
    for walk in walks:
        msg.issues += area_issues(walk)
        msg.trailing += walk.rest
    msg.issues += overload_issues
    merged, msg.split_options = concatenate(walks)
    msg.options = [_decode_option(pair, msg.issues) for pair in merged]
    _keep_after_end(msg, walks[0])


def _keep_after_end(msg: DhcpMessage, walk: FieldWalk) -> None:
    """Zero padding after END is normal (BOOTP's 300-byte minimum); other bytes are kept raw."""
    if walk.after_end.strip(b"\x00"):
        msg.trailing += walk.after_end
        msg.issues.append(f"{len(walk.after_end)} bytes after the END option are not all zero padding")


def dhcp_options(pairs: list[tuple[int, bytes]]) -> list[Option]:
    """Options for (code, data bytes) pairs, each value decoded when read (no issues noted)."""
    shared = _SHARED
    return [shared[pair] for pair in pairs]


def _deferred(code: int, data: bytes) -> Option:
    return tuple.__new__(Option, (code, _NAMES[code], data, LATER, _DECODERS[code]))


def _decode_option(pair: tuple[int, bytes], issues: list[str]) -> Option:
    """The option for a (code, data) pair; data its shape cannot decode is noted in `issues` now."""
    code, data = pair
    name, decode, fits = _CODES[code]
    if fits is not None and fits(data):     # cannot fail: decoded only if someone reads the value
        return _SHARED[pair]
    try:
        value = decode(data)
    except BadValue as exc:
        issues.append(f"option {code} ({name}) {exc}")
        value = data.hex()
    return Option(code, name, data, value)


def _code_table() -> list[tuple[str, Callable[[bytes], object], Callable[[bytes], bool] | None]]:
    """Per option code: its name, its value decoder and when that decoder cannot fail."""
    table = []
    for code in range(256):
        spec = spec_for(code)
        table.append((spec.name, SHAPES[spec.shape], FITS.get(spec.shape)))
    return table


_CODES = _code_table()
_NAMES = [name for name, _decode, _fits in _CODES]
_DECODERS = [decode for _name, decode, _fits in _CODES]
_SHARED = SharedOptions(_deferred)
