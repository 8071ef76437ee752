"""`tree_lines(msg)`: the `-V` decode tree of a DHCP message, as (depth, text) lines.

Worded like tshark's "Dynamic Host Configuration Protocol" tree so users can compare the two; every
line is escaped with `escape_text`, since host names and messages come from the wire.
"""
from __future__ import annotations

from collections.abc import Iterator

from dissectors.dhcp.enums import HARDWARE_TYPES, OPS, OVERLOAD_FILE, OVERLOAD_SNAME, message_type_display
from dissectors.dhcp.message import DhcpMessage
from dissectors.dhcp.text import decode_text, escape_text, format_mac
from dissectors.dhcp.treeopts import Lines, option_lines

_BROADCAST = 0x8000


def tree_lines(msg: DhcpMessage) -> Iterator[tuple[int, str]]:
    """The whole message: title, header fields, options, then issues and kept raw bytes."""
    for depth, text in _raw_lines(msg):
        yield depth, escape_text(text)


def _raw_lines(msg: DhcpMessage) -> Lines:
    yield 0, f"Bootstrap Protocol ({_title(msg)})"
    yield from _header_lines(msg)
    yield from _name_lines(msg)
    if msg.has_cookie:
        yield 1, "Magic cookie: DHCP"
    for opt in msg.options:
        yield from option_lines(opt, 1, msg.split_options.get(opt.code, 1))
    if msg.trailing:
        yield 1, f"Undecoded data ({len(msg.trailing)} bytes): {msg.trailing.hex()}"
    for issue in msg.issues:
        yield 1, f"[Malformed: {issue}]"


def _title(msg: DhcpMessage) -> str:
    if msg.msg_type is not None:
        return message_type_display(msg.msg_type)
    return OPS.get(msg.op, f"op {msg.op}")


def _header_lines(msg: DhcpMessage) -> Lines:
    yield 1, f"Message type: {OPS.get(msg.op, 'Unknown')} ({msg.op})"
    yield 1, f"Hardware type: {HARDWARE_TYPES.get(msg.htype, 'Unknown')} (0x{msg.htype:02x})"
    yield 1, f"Hardware address length: {msg.hlen}"
    yield 1, f"Hops: {msg.hops}"
    yield 1, f"Transaction ID: 0x{msg.xid:08x}"
    yield 1, f"Seconds elapsed: {msg.secs}"
    if msg.is_secs_little_endian:
        yield 2, f"[Looks little-endian: {msg.secs_swapped} if read as the client probably meant]"
    kind = "Broadcast" if msg.is_broadcast else "Unicast"
    yield 1, f"Bootp flags: 0x{msg.flags:04x} ({kind})"
    yield 2, f"{'1' if msg.is_broadcast else '0'}... .... .... .... = Broadcast flag: {kind}"
    yield 2, f".{_bits(msg.flags & ~_BROADCAST)} = Reserved flags: 0x{msg.flags & ~_BROADCAST & 0xFFFF:04x}"
    yield 1, f"Client IP address: {msg.ciaddr}"
    yield 1, f"Your (client) IP address: {msg.yiaddr}"
    yield 1, f"Next server IP address: {msg.siaddr}"
    yield 1, f"Relay agent IP address: {msg.giaddr}"
    if msg.htype == 1 and len(msg.chaddr) == 6:
        yield 1, f"Client MAC address: {format_mac(msg.chaddr)}"
    else:
        yield 1, f"Client hardware address: {msg.chaddr.hex() or '(none)'}"


def _bits(reserved: int) -> str:
    """The 15 reserved flag bits grouped like tshark: `000 0000 0000 0000`."""
    bits = f"{reserved & 0x7FFF:015b}"
    return " ".join([bits[:3], bits[3:7], bits[7:11], bits[11:]])


def _name_lines(msg: DhcpMessage) -> Lines:
    for label, flag, value in (("Server host name", OVERLOAD_SNAME, msg.sname),
                               ("Boot file name", OVERLOAD_FILE, msg.file)):
        if msg.overload & flag:
            yield 1, f"{label} option overloaded by DHCP"
        elif value:
            yield 1, f"{label}: {decode_text(value)}"
        else:
            yield 1, f"{label} not given"
